"""Flags shared by the entry points, and the wrapper that runs them.

Every setting is one flag, defined here from its dataclass field: the
fields of `config.SeqGANConfig` (and of its G and D configs), of each
task's config and of `runtime.RuntimeConfig`, with the field's type, its
default and its docstring line as help. G's fields take the prefix `g_`,
D's `d_`, unless a field names its flag (`vocab_size`, `seq_len` set both G
and D). Flags become typed configs in one place (`preset_from_flags`): the
task's preset, then the flags given; the library never reads flags.
"""

import logging as python_logging
import os
import sys
import typing

from absl import flags
from absl import logging
import tensorflow as tf

from experiments import cli
from seqgan_tf import config as config_lib
from seqgan_tf import presets
from seqgan_tf import runner
from seqgan_tf import runtime as runtime_lib
from seqgan_tf import tasks


def setting_fields():
  """{flag name: config.FlagField} of every setting of every task."""
  found = {**config_lib.flag_fields(),
           **config_lib.flag_fields(runtime_lib.RuntimeConfig)}
  for task in tasks.names():
    for name, field in config_lib.flag_fields(
        type(tasks.get(task).config)).items():
      found.setdefault(name, field)
  return found


def define_setting_flags(choices=None):
  """One flag per setting of every task: its config, task and runtime fields.

  A flag's help is its field's docstring line. A task setting's default is
  the task's (listed in the help where tasks differ); a model setting's is
  the paper's synthetic run's, which each task's preset replaces where it
  differs. Either way a flag counts only when given (`preset_from_flags`).

  Args:
    choices: {flag name: allowed values}, making that flag an enum.
  """
  choices = choices or {}
  model = {**config_lib.flag_fields(),
           **config_lib.flag_fields(runtime_lib.RuntimeConfig)}
  settings = {task: presets.settings(task) for task in tasks.names()}
  for name, field in setting_fields().items():
    if name in model:
      _define(field, field.default, field.help, choices.get(name))
      continue
    defaults = {task: getattr(tasks.get(task).config, name)
                for task in tasks.names() if name in settings[task]}
    if len(set(map(repr, defaults.values()))) == 1:  # One default for all.
      _define(field, next(iter(defaults.values())), field.help, field.choices)
      continue
    _define(field, None, field.help + " Default: " + "; ".join(
        f"{task} {_shown(value)}" for task, value in defaults.items()) + ".",
            field.choices)


def _shown(value):
  if isinstance(value, (tuple, list)):
    return ",".join(map(str, value))
  return "none" if value is None else str(value)


def _define(field, default, help_text, choices):
  if choices:
    flags.DEFINE_enum(field.name, default, list(choices), help_text)
  elif typing.get_origin(field.type) is tuple:
    flags.DEFINE_list(field.name, None if default is None else
                      [str(v) for v in default], help_text)
  elif field.type is bool:
    flags.DEFINE_bool(field.name, default, help_text)
  elif field.type is int:
    flags.DEFINE_integer(field.name, default, help_text)
  elif field.type is float:
    flags.DEFINE_float(field.name, default, help_text)
  else:
    flags.DEFINE_string(field.name, default, help_text)


def preset_from_flags(flag_values):
  """The run's `presets.Preset`: the task's preset, then the flags given.

  The one place flags become configs: the preset (with the protocol's
  layer), then every setting the command line gives, over it; a setting of
  another task is refused, naming whose it is.
  """
  preset = presets.get(flag_values.task, flag_values.preset,
                       recipe=flag_values.recipe,
                       protocol=flag_values.protocol)
  return presets.apply(preset, **{
      name: flag_values[name].value for name in setting_fields()
      if flag_values[name].present})


def with_data_dirs(preset, save_dir):
  """Downloads go to save/oracle/ and save/data/ beside `save_dir`'s parent."""
  changes = {}
  for name, folder in (("oracle_dir", "oracle"), ("data_dir", "data")):
    if hasattr(preset.task, name) and getattr(preset.task, name) is None:
      changes[name] = os.path.join(
          os.path.dirname(save_dir.rstrip("/")) or ".", folder)
  return presets.apply(preset, **changes)


def define_run_flags(default_task):
  """What to run, and where its outputs go."""
  flags.DEFINE_enum(
      "task", default_task, list(tasks.names()),
      "What G learns; each task sets its own defaults and presets. " +
      " ".join(tasks.get(name).summary for name in tasks.names()))
  flags.DEFINE_enum("preset", "paper", list(presets.NAMES),
                    "Settings to start from (the task's): paper, cpu (a "
                    "short run on 2 CPU cores) or smoke (seconds); flags "
                    "given on the command line win.")
  flags.DEFINE_enum("protocol", "released", list(presets.PROTOCOLS),
                    "The oracle task's defaults. released: those of the "
                    "authors' released sequence_gan.py; paper_era: those of "
                    "the code that made Table 1 (G's lr 1e-3, evaluation "
                    "every epoch, its schedules at the paper preset, "
                    "PG-BLEU's rollouts and references, SS from scratch); "
                    "see docs/synthetic.md.")
  flags.DEFINE_string("save_dir", None,
                      "Parent of run directories; default: the task's "
                      "(save/synthetic, save/poetry, save/obama, save/music, "
                      "save/text).")
  flags.DEFINE_string("run_name", None,
                      "Run directory name; default <preset>_<recipe>.")
  flags.DEFINE_bool("overwrite", False,
                    "Delete an existing run directory of that name first.")


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


def run_dir(save_dir, run_name, preset, recipe):
  """<save_dir>/<run_name>; the name must be a plain directory name."""
  name = run_name or f"{preset}_{recipe}"
  if (not name or name in (".", "..") or "/" in name or
      (os.altsep and os.altsep in name) or name.startswith(".")):
    raise ValueError(f"--run_name={name}: must be a plain directory name (no "
                     "'/', not '.' or '..', not starting with '.'); the run "
                     "goes into --save_dir")
  return os.path.join(save_dir, name)


class _DropTfChatter(python_logging.Filter):
  """TF logs an INFO line per checkpoint save, and under --strategy=mirrored
  one per traced all-reduce: none of them says anything to the user."""

  def filter(self, record):
    return not (record.levelno <= python_logging.INFO and any(
        name in record.pathname
        for name in ("functional_saver", "cross_device_ops")))


def main(run, argv):
  """Calls `run(FLAGS)`, turning known failures into one line and a status."""
  logging.get_absl_handler().addFilter(_DropTfChatter())
  python_logging.getLogger("tensorflow").addFilter(_DropTfChatter())
  if len(argv) > 1:
    cli.fail(f"unexpected arguments: {' '.join(argv[1:])}")
  try:
    run(flags.FLAGS)
  except runner.Interrupted as e:
    logging.warning("%s", e)
    sys.exit(128 + e.signal_number)  # The shell's convention: 130, 143.
  except (ValueError, FloatingPointError, runner.ClusterError) as e:
    logging.error("%s", e)
    cli.fail(str(e))
  except OSError as e:  # A full disk, a read-only directory.
    where = f"{e.filename}: " if e.filename else ""
    cli.fail(f"{where}{e.strerror or e}; free disk space or fix permissions, "
             "then run the same command to resume")
  except tf.errors.ResourceExhaustedError as e:
    cli.fail(f"out of memory ({str(e).splitlines()[0][:200]}); lower "
             "--batch_size, --rollout_num or the sample counts")
