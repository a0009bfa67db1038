"""Tasks (what G learns, and how it is scored), registered by name.

A task is a module with:
  SAVE_DIR: the default parent of its run directories.
  DEFAULTS: {flag: value}, this task's defaults over the paper's synthetic
    ones (the config dataclasses' defaults).
  PRESETS: {"paper" | "cpu" | "smoke": {flag: value}}, applied over
    DEFAULTS to the flags the command line does not give.
  define_flags(): the task's own flags.
  build(flag_values) -> (task, overrides): the `seqgan_tf.tasks` object and
    {config flag: value} the data decides (a corpus's vocabulary size).
  finish(flag_values, task): after a run, e.g. a results table (optional).
Its docstring's first line is its help text. To add a corpus, write one
module here and add one line to `TASKS`.
"""

from experiments.tasks import music
from experiments.tasks import obama
from experiments.tasks import oracle
from experiments.tasks import poems

TASKS = {
    "oracle": oracle,
    "poems": poems,
    "obama": obama,
    "music": music,
}

PRESET_NAMES = ("paper", "cpu", "smoke")


def describe(name):
  return TASKS[name].__doc__.strip().splitlines()[0]
