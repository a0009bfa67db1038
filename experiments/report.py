r"""Prints a scalar of several runs side by side as a markdown table.

  python -m experiments.report --tag=nll_oracle \
      --runs=save/synthetic/cpu_seqgan,save/synthetic/cpu_mle

Rows are TensorBoard steps (G epochs for nll_oracle / bleu2); a step logged
again after a resume shows its latest value.
"""

import glob
import os

from absl import app
from absl import flags
import tensorflow as tf
from tensorboard.backend.event_processing import event_file_loader

from experiments import cli

flags.DEFINE_list("runs", None, "Run directories.")
flags.DEFINE_string("tag", "nll_oracle", "The scalar to tabulate.")
FLAGS = flags.FLAGS


def read_scalars(run_dir):
  """{tag: {step: value}} of every scalar in a run directory's event files."""
  scalars = {}
  paths = sorted(glob.glob(os.path.join(run_dir, "events.out.tfevents*")),
                 key=os.path.getmtime)
  if not paths:
    raise ValueError(f"--runs: {run_dir} holds no TensorBoard event files")
  for path in paths:
    for event in event_file_loader.EventFileLoader(path).Load():
      for value in event.summary.value:
        if value.metadata.plugin_data.plugin_name == "scalars":
          scalars.setdefault(value.tag, {})[event.step] = float(
              tf.make_ndarray(value.tensor))
  return scalars


def read_scalar(run_dir, tag):
  """{step: value} of `tag` in a run directory's event files ({} if none)."""
  return read_scalars(run_dir).get(tag, {})


def column_names(run_dirs):
  """Each run's column name: its basename, or more of its path if shared."""
  names = [os.path.normpath(r) for r in run_dirs]
  for depth in range(1, max(n.count(os.sep) for n in names) + 2):
    short = [os.sep.join(n.split(os.sep)[-depth:]) for n in names]
    if len(set(short)) == len(short):
      return short
  raise ValueError(f"--runs: a run is named twice: {', '.join(run_dirs)}")


def markdown_table(columns, tag):
  """columns: {name: {step: value}} -> a markdown table, one row per step."""
  steps = sorted(set().union(*columns.values()))
  lines = [f"| step | {' | '.join(columns)} |",
           "|---" * (len(columns) + 1) + "|"]
  for step in steps:
    cells = [f"{values[step]:.4f}" if step in values else ""
             for values in columns.values()]
    lines.append(f"| {step} | {' | '.join(cells)} |")
  return f"{tag}\n\n" + "\n".join(lines)


def main(argv):
  del argv
  if not FLAGS.runs:
    cli.fail("--runs is required: comma-separated run directories")
  try:
    columns = {}
    tags = set()
    for name, run_dir in zip(column_names(FLAGS.runs), FLAGS.runs):
      scalars = read_scalars(run_dir)
      tags.update(scalars)
      columns[name] = scalars.get(FLAGS.tag, {})
    if not any(columns.values()):
      raise ValueError(f"--tag={FLAGS.tag}: no run logged it; these runs log "
                       f"{', '.join(sorted(tags)) or 'no scalars'}")
  except ValueError as e:
    cli.fail(str(e))
  print(markdown_table(columns, FLAGS.tag))


if __name__ == "__main__":
  app.run(main, flags_parser=cli.parse_flags)
