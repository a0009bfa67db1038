"""What every entry point shares: one-line errors with exit status 2."""

import sys
import textwrap

from absl import flags


HELP_FLAGS = ("--help", "--helpfull", "-h", "-?")


def parse_flags(argv, help_groups=None):
  """absl's flag parsing, but a bad flag is one line and exit status 2.

  Args:
    argv: the command line.
    help_groups: [(group title, [flag name, ...])]: --help and --helpfull
      print these flags, grouped, instead of absl's listing of every module
      (absl.testing's, TPU and tensor-tracer flags among them); flags of
      this project missing from the groups are listed last.
  """
  if help_groups and any(arg in HELP_FLAGS for arg in argv[1:]):
    print(grouped_help(argv[0], help_groups))
    sys.exit(0)
  try:
    return flags.FLAGS(argv)
  except flags.Error as e:
    fail(str(e))


def grouped_help(program, help_groups):
  """The usage text of this project's flags, in `help_groups` order."""
  main = sys.modules.get("__main__")
  spec = getattr(main, "__spec__", None)
  name = f"python -m {spec.name}" if spec else program
  lines = [(main.__doc__ or "").strip(), "", f"Flags of {name}:"]
  listed = set()
  # Modules are named by import path, or by file path for the __main__ one.
  ours = sorted(
      flag.name
      for module, module_flags in flags.FLAGS.flags_by_module_dict().items()
      if "experiments" in module or module == "__main__"
      for flag in module_flags)
  rest = [name for name in ours
          if not any(name in names for _, names in help_groups)]
  for title, names in list(help_groups) + [("other", rest)]:
    names = [n for n in names if n in flags.FLAGS and n not in listed]
    if not names:
      continue
    lines += ["", f"{title}:"]
    for name in names:
      listed.add(name)
      flag = flags.FLAGS[name]
      default = ",".join(map(str, flag.default)) if isinstance(
          flag.default, (list, tuple)) else flag.default
      shown = "" if default is None else f" (default: {default})"
      lines.append(textwrap.fill(f"--{name}: {flag.help}{shown}", width=100,
                                 initial_indent="  ",
                                 subsequent_indent="      "))
  lines += ["", "absl's own flags also work (--flagfile, --verbosity, "
            "--logtostderr, ...)."]
  return "\n".join(lines)


def fail(message):
  print(f"error: {message}", file=sys.stderr)
  sys.exit(2)


def distinct_seeds(values):
  """The --seeds as distinct ints, or ValueError naming the problem.

  Spellings of one integer ("88", "088", "+88", " 88") name one run: a
  seed given twice would count that run twice in the table.
  """
  if not values:
    raise ValueError("--seeds is empty: give at least one seed, e.g. "
                     "--seeds=88,89,90")
  seeds, spelled = [], {}
  for value in values:
    try:
      seed = int(value)
    except ValueError:
      raise ValueError(f"--seeds: {value!r} is not an integer") from None
    if seed < 0:
      raise ValueError(f"--seeds: {seed} must be >= 0")
    if seed in spelled:
      raise ValueError(f"--seeds: {spelled[seed]!r} and {value!r} name the "
                       f"same seed {seed}; give each seed once")
    spelled[seed] = value
    seeds.append(seed)
  return seeds
