"""What every entry point shares: one-line errors with exit status 2."""

import sys

from absl import flags


def parse_flags(argv):
  """absl's flag parsing, but a bad flag is one line and exit status 2."""
  try:
    return flags.FLAGS(argv)
  except flags.Error as e:
    fail(str(e))


def fail(message):
  print(f"error: {message}", file=sys.stderr)
  sys.exit(2)
