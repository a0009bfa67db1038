r"""How the real-data BLEU row depends on the protocol: references, smoothing.

  python -m experiments.bleu_protocol --task=poems --data_file=shi.txt
  python -m experiments.bleu_protocol --task=obama --data_file=obama.txt

The paper's real-data BLEU (poems 0.746) depends on a protocol the paper does
not give: how many references, and which smoothing. The authors wrote that they used "all the real
poems in the test set as the references"; their BLEU code was nltk's
`sentence_bleu` without smoothing. This scores the same held-out real
sequences (--heldout_size, the tasks' real-data row) against reference sets
of each size in --references ("all": every other line of the corpus), with
nltk's method1 smoothing (Texygen's, our default) and without, and writes
<out_dir>/<task>.md, .json, .png and .svg.
"""

import json
import os
import random

from absl import app
from absl import flags
from absl import logging
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top

from experiments import cli  # pylint: disable=g-import-not-at-top
from seqgan_tf import paper
from seqgan_tf import presets
from seqgan_tf import bleu
from seqgan_tf import files
from seqgan_tf import text

flags.DEFINE_enum("task", "poems", ["poems", "obama"], "The corpus task.")
flags.DEFINE_string("data_file", None, "The corpus (as the task reads it).")
flags.DEFINE_list("references", ["500", "2000", "all"],
                  "Reference set sizes; all: every line not held out.")
flags.DEFINE_integer("heldout_size", None, "Held-out real sequences scored "
                     "(the real-data row); default: the task's.")
flags.DEFINE_integer("split_seed", 0, "Seed of the split and the subsets.")
flags.DEFINE_string("out_dir", "save/bleu_protocol", "Where results go.")
FLAGS = flags.FLAGS

PAPER_REAL = dict(poems={"bleu2": paper.POEMS_BLEU2["real"]}, obama={})


def corpus_of(task_name, data_file):
  """The task's sequences (its tokenisation and length), and its BLEU orders.

  Obama's rare words stay words here: the vocabulary would depend on a
  training split, and <unk> matching <unk> would only raise the scores.
  """
  preset = presets.get(task_name)
  sequences, _ = text.read_corpus(data_file, preset.task.token_level,
                                  preset.task.lowercase)
  sequences, _ = text.fit_length(sequences, preset.config.generator.seq_len,
                                 "cut")
  return sequences, preset.task.bleu_orders


def study(sequences, orders, heldout_size, sizes, seed):
  """[{references, smoothing, bleuN...}] for each size and smoothing."""
  rest, heldout = text.split(sequences, heldout_size, seed,
                             name="heldout_size")
  rng = random.Random(seed + 1)
  shuffled = rest[:]
  rng.shuffle(shuffled)
  rows = []
  for size in sizes:
    count = len(shuffled) if size == "all" else int(size)
    if not 0 < count <= len(shuffled):
      raise ValueError(f"--references={size}: must be in [1, "
                       f"{len(shuffled)}] or all")
    scorer = bleu.BleuScorer(shuffled[:count], max(orders))
    for smoothing in (True, False):
      rows.append(dict(references=count, smoothing=smoothing, **{
          f"bleu{n}": scorer.average_bleu(
              heldout, n, "method1" if smoothing else "nltk")
          for n in orders}))
      logging.info("%s", rows[-1])
  return rows


def markdown(rows, orders, paper_real):
  header = " | ".join(f"BLEU-{n}" for n in orders)
  lines = [f"| references | smoothing | {header} |",
           "|---|---|" + "---|" * len(orders)]
  for row in rows:
    cells = " | ".join(f"{row[f'bleu{n}']:.4f}" for n in orders)
    smoothing = "method1" if row["smoothing"] else "none"
    lines.append(f"| {row['references']:,} | {smoothing} | {cells} |")
  if paper_real:
    cells = " | ".join(f"{paper_real.get(f'bleu{n}', float('nan')):.4f}"
                       for n in orders)
    lines.append(f"| paper (real data) | | {cells} |")
  return "\n".join(lines) + "\n"


def plot(rows, orders, paper_real, title):
  figure, axes = plt.subplots(figsize=(6.4, 4.2))
  for n in orders:
    for smoothing, style in ((True, "-o"), (False, "--s")):
      points = [(r["references"], r[f"bleu{n}"]) for r in rows
                if r["smoothing"] == smoothing]
      axes.plot(*zip(*points), style, label=f"BLEU-{n}, "
                f"{'method1' if smoothing else 'no'} smoothing")
    if f"bleu{n}" in paper_real:
      axes.axhline(paper_real[f"bleu{n}"], color="black", ls=":", lw=1,
                   label=f"paper, real data (BLEU-{n})")
  axes.set_xscale("log")
  axes.set_xlabel("reference sequences")
  axes.set_ylabel("BLEU of held-out real data")
  axes.set_title(title)
  axes.grid(alpha=0.3)
  axes.legend(fontsize=8)
  figure.tight_layout()
  return figure


def main(argv):
  del argv
  if not FLAGS.data_file:
    cli.fail("--data_file is required: the corpus file")
  try:
    sequences, orders = corpus_of(FLAGS.task, FLAGS.data_file)
    heldout = (FLAGS.heldout_size or
               presets.get(FLAGS.task).task.heldout_size)
    rows = study(sequences, orders, heldout, FLAGS.references,
                 FLAGS.split_seed)
  except ValueError as e:
    cli.fail(str(e))
  paper_real = PAPER_REAL[FLAGS.task]
  table = markdown(rows, orders, paper_real)
  stem = os.path.join(FLAGS.out_dir, FLAGS.task)
  os.makedirs(FLAGS.out_dir, exist_ok=True)
  files.write_atomic(stem + ".md", table)
  files.write_atomic(stem + ".json", json.dumps(rows, indent=2) + "\n")
  figure = plot(rows, orders, paper_real,
                f"{FLAGS.task}: real-data BLEU by reference set "
                f"({heldout:,} held-out sequences)")
  for extension in ("png", "svg"):
    figure.savefig(f"{stem}.{extension}", dpi=110)
  print(table)


if __name__ == "__main__":
  app.run(main, flags_parser=cli.parse_flags)
