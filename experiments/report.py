r"""Prints a scalar of several runs side by side as a markdown table.

  python -m experiments.report --tag=eval/nll_oracle \
      --runs=save/synthetic/cpu_seqgan,save/synthetic/cpu_mle

Rows are TensorBoard steps (G epochs for eval/nll_oracle, eval/bleu2); a
step logged again after a resume shows its latest value. A metric's bare
name (--tag=nll_oracle) means eval/<name>, and reads runs written before
tags had groups, whose flat tag it was.
"""

import glob
import json
import os

from absl import app
from absl import flags
import tensorflow as tf
from tensorboard.backend.event_processing import event_file_loader

from experiments import cli
from seqgan_tf import summaries

flags.DEFINE_list("runs", None, "Run directories.")
flags.DEFINE_string("tag", "eval/nll_oracle", "The scalar to tabulate.")
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
  return lookup(read_scalars(run_dir), tag)


def lookup(scalars, tag):
  """`tag` of {tag: {step: value}}; a bare metric name means eval/<name>."""
  return scalars.get(tag) or scalars.get(summaries.EVAL + tag) or {}


def read_curve(run_dir, metric):
  """{G epoch: value} of a task metric ("nll_oracle") during training.

  Runs written before tags had groups logged `metric` flat, with the final
  evaluation as one more step (results.json's `epochs`): it is left out.
  """
  scalars = read_scalars(run_dir)
  if summaries.EVAL + metric in scalars:
    return scalars[summaries.EVAL + metric]
  curve = dict(scalars.get(metric, {}))
  results_path = os.path.join(run_dir, "results.json")
  if os.path.exists(results_path):
    with open(results_path) as f:
      curve.pop(json.load(f).get("epochs"), None)
  return curve


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
      columns[name] = lookup(scalars, FLAGS.tag)
    if not any(columns.values()):
      raise ValueError(f"--tag={FLAGS.tag}: no run logged it; these runs log "
                       f"{', '.join(sorted(tags)) or 'no scalars'}")
  except ValueError as e:
    cli.fail(str(e))
  print(markdown_table(columns, FLAGS.tag))


if __name__ == "__main__":
  app.run(main, flags_parser=cli.parse_flags)
