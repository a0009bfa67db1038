"""Flags shared by the entry points, and the wrapper that runs them.

Every field of `config_lib.SeqGANConfig` (and of its G and D configs) is one
flag, defined here from the dataclass: its type, its default, and its
docstring line as help. G's fields take the prefix `g_`, D's `d_`, unless a
field names its flag (`vocab_size`, `seq_len` set both G and D). Flags
become one frozen config (`config_from_flags`); the library never reads
flags.
"""

import dataclasses
import logging as python_logging
import os
import sys
import typing

from absl import flags
from absl import logging
import tensorflow as tf

from experiments import cli
from seqgan_tf import config as config_lib
from seqgan_tf import runner
from seqgan_tf import xla


@dataclasses.dataclass(frozen=True)
class _ConfigFlag:
  """A flag and the config fields it sets (paths like ("generator", "seq_len"))."""
  name: str
  paths: tuple
  type: type
  default: object
  help: str


def config_flags(cls=config_lib.SeqGANConfig, prefix="", path=(), owner=""):
  """{flag name: _ConfigFlag} for every field of `cls`, nested ones included."""
  found = {}
  docs = config_lib.attribute_docs(cls)
  for field in dataclasses.fields(cls):
    if dataclasses.is_dataclass(field.type):
      inner = config_flags(field.type, field.metadata.get("flag_prefix", ""),
                           path + (field.name,), field.metadata.get("owner"))
      for name, flag in inner.items():
        if name in found:  # A setting shared by G and D: one flag sets both.
          doc = found[name].help.split(": ", 1)[1]
          flag = dataclasses.replace(flag, paths=found[name].paths + flag.paths,
                                     help=f"G and D: {doc}")
        found[name] = flag
      continue
    name = field.metadata.get("flag", prefix + field.name)
    doc = docs.get(field.name, field.name)
    found[name] = _ConfigFlag(name, (path + (field.name,),), field.type,
                              field.default, f"{owner}: {doc}" if owner else doc)
  return found


def define_config_flags(defaults=None, choices=None):
  """Defines one flag per config field.

  Args:
    defaults: {flag name: default} replacing the dataclass default.
    choices: {flag name: allowed values}, making that flag an enum.
  """
  defaults, choices = defaults or {}, choices or {}
  for flag in config_flags().values():
    default = defaults.get(flag.name, flag.default)
    if flag.name in choices:
      flags.DEFINE_enum(flag.name, default, choices[flag.name], flag.help)
    elif typing.get_origin(flag.type) is tuple:
      flags.DEFINE_list(flag.name, [str(v) for v in default], flag.help)
    elif flag.type is bool:
      flags.DEFINE_bool(flag.name, default, flag.help)
    elif flag.type is int:
      flags.DEFINE_integer(flag.name, default, flag.help)
    elif flag.type is float:
      flags.DEFINE_float(flag.name, default, flag.help)
    else:
      flags.DEFINE_string(flag.name, default, flag.help)


def config_from_flags(flag_values, **overrides):
  """One frozen, validated `SeqGANConfig` from the flags.

  Args:
    flag_values: parsed flags, with every config flag defined.
    **overrides: {flag name: value} replacing a flag's value (a corpus's
      vocabulary size, its start token).
  """
  return _build_config(
      lambda flag: overrides.get(flag.name, flag_values[flag.name].value))


def config_from_values(values):
  """A validated `SeqGANConfig` from {flag name: value} over the defaults.

  Keys that are not config flags (a task's own, like `oracle`) are ignored,
  so a task's `DEFAULTS` and `PRESETS` entries can be passed as they are.
  """
  return _build_config(lambda flag: values.get(flag.name, flag.default))


def _build_config(value_of):
  """The config with each flag's value `value_of(flag)`."""
  values = {}
  for flag in config_flags().values():
    value = value_of(flag)
    if typing.get_origin(flag.type) is tuple:
      value = _number_tuple(flag.name, value, typing.get_args(flag.type)[0])
    for path in flag.paths:
      values.setdefault(path[:-1], {})[path[-1]] = value
  top = values.pop(())
  nested = {field.name: field.type(**values[(field.name,)])
            for field in dataclasses.fields(config_lib.SeqGANConfig)
            if (field.name,) in values}
  return config_lib.SeqGANConfig(**top, **nested).validate()


def _number_tuple(name, value, number_type):
  try:
    return tuple(number_type(v) for v in value)
  except ValueError:
    kind = "integers" if number_type is int else "numbers"
    raise ValueError(f"--{name}={','.join(map(str, value))}: must be "
                     f"comma-separated {kind}") from None


def define_run_flags(presets):
  """Run management: preset, where outputs go, determinism, XLA."""
  flags.DEFINE_enum("preset", "paper", list(presets),
                    "Flag defaults to start from (the task's); flags given on "
                    "the command line win.")
  flags.DEFINE_string("save_dir", None,
                      "Parent of run directories; default: the task's "
                      "(save/synthetic, save/poetry).")
  flags.DEFINE_string("run_name", None,
                      "Run directory name; default <preset>_<recipe>.")
  flags.DEFINE_bool("overwrite", False,
                    "Delete an existing run directory of that name first.")
  flags.DEFINE_bool("deterministic", False,
                    "tf.config.experimental.enable_op_determinism(): bitwise "
                    "repeatable runs, resumed or not (slower on GPUs).")
  flags.DEFINE_bool("xla", True,
                    "Compile G's training and NLL steps with XLA (faster; "
                    "false compares with plain TF graphs).")


def apply_defaults(flag_values, values):
  """Sets `values` on the flags the command line did not give."""
  for name, value in values.items():
    if not flag_values[name].present:
      flag_values[name].value = value


def check_writable(directory, flag_name):
  """Makes `directory` or raises ValueError naming the flag to change."""
  try:
    os.makedirs(directory, exist_ok=True)
    probe = os.path.join(directory, ".write_test")
    with open(probe, "w"):
      pass
    os.remove(probe)
  except OSError as e:
    raise ValueError(f"--{flag_name}={directory}: cannot write there "
                     f"({e.strerror}); pass a writable --{flag_name}") from None


def data_dir(flag_values, name):
  """save/<name>/ beside the run directories' parent: downloads go there."""
  return os.path.join(os.path.dirname(flag_values.save_dir.rstrip("/")) or ".",
                      name)


def run_dir_of(flag_values, recipe=None):
  """<save_dir>/<run_name>; the name must be a plain directory name."""
  name = (flag_values.run_name or
          f"{flag_values.preset}_{recipe or flag_values.recipe}")
  if (not name or name in (".", "..") or "/" in name or
      (os.altsep and os.altsep in name) or name.startswith(".")):
    raise ValueError(f"--run_name={name}: must be a plain directory name (no "
                     "'/', not '.' or '..', not starting with '.'); the run "
                     "goes into --save_dir")
  return os.path.join(flag_values.save_dir, name)


def enable(flag_values):
  """Determinism and XLA as the flags say: before any model is built."""
  if flag_values.deterministic:
    tf.config.experimental.enable_op_determinism()
  xla.set_enabled(flag_values.xla)


class _DropSaverChatter(python_logging.Filter):
  """TF's checkpoint saver logs an INFO line per save through absl."""

  def filter(self, record):
    return "functional_saver" not in record.pathname


def main(run, argv):
  """Calls `run(FLAGS)`, turning known failures into one line and a status."""
  logging.get_absl_handler().addFilter(_DropSaverChatter())
  if len(argv) > 1:
    cli.fail(f"unexpected arguments: {' '.join(argv[1:])}")
  try:
    run(flags.FLAGS)
  except runner.Interrupted as e:
    logging.warning("%s", e)
    sys.exit(128 + e.signal_number)  # The shell's convention: 130, 143.
  except (ValueError, FloatingPointError) as e:
    logging.error("%s", e)
    cli.fail(str(e))
  except OSError as e:  # A full disk, a read-only directory.
    where = f"{e.filename}: " if e.filename else ""
    cli.fail(f"{where}{e.strerror or e}; free disk space or fix permissions, "
             "then run the same command to resume")
  except tf.errors.ResourceExhaustedError as e:
    cli.fail(f"out of memory ({str(e).splitlines()[0][:200]}); lower "
             "--batch_size, --rollout_num or the sample counts")
