r"""BLEU and Self-BLEU speed: seqgan_tf.bleu against nltk's sentence_bleu.

  python -m benchmarks.bench_bleu --data_file=../shared/data/poetry/shi.txt

Two rows, each scored both ways, checked equal and timed:

- BLEU-n of --hypotheses poems of the corpus (standing in for generated
  ones) against the --test_size held-out test poems, as the poems task does.
- Self-BLEU-n (`bleu.SelfBleu`) of --self_bleu_hypotheses poems, each
  against all the others of a set of --self_bleu_samples. nltk scores each
  hypothesis against the other samples as its references (Texygen's way,
  less the hypothesis itself); it takes hours there, so it is timed on
  --nltk_self_bleu_hypotheses of them and scaled to all.

Without --data_file the poems are random, of poem shape (24 tokens, 4,800
types). The table goes to --out (Markdown, with the command, commit, CPU and
date) and is printed.
"""

import os
import random
import sys
import time

from absl import app
from absl import flags

from seqgan_tf import bleu
from seqgan_tf import files
from seqgan_tf import provenance
from seqgan_tf import text

flags.DEFINE_string("data_file", None, "A corpus; default: random poems.")
flags.DEFINE_integer("hypotheses", 1000, "BLEU: hypotheses to score.")
flags.DEFINE_integer("test_size", 2000, "BLEU: references (the test set).")
flags.DEFINE_integer("order", 2, "BLEU-n.")
flags.DEFINE_integer("self_bleu_samples", 10000, "Self-BLEU: the set.")
flags.DEFINE_integer("self_bleu_hypotheses", 1000, "Self-BLEU: hypotheses "
                     "scored, each against the rest of the set.")
flags.DEFINE_integer("self_bleu_order", 4, "Self-BLEU-n.")
flags.DEFINE_integer("nltk_self_bleu_hypotheses", 10, "Self-BLEU hypotheses "
                     "nltk scores; its time is scaled to all of them.")
flags.DEFINE_string("out", "docs/results/bleu_speed.md", "The Markdown table "
                    "written; empty: print only.")
FLAGS = flags.FLAGS


def _timed(function):
  start = time.perf_counter()
  value = function()
  return value, time.perf_counter() - start


def _nltk_bleu(references, hypothesis, order):
  from nltk.translate import bleu_score  # pylint: disable=g-import-not-at-top
  return bleu_score.sentence_bleu(
      references, hypothesis, tuple(1.0 / order for _ in range(order)),
      smoothing_function=bleu_score.SmoothingFunction().method1)


def bleu_row(test, hypotheses, order):
  """(row cells, |difference|) of BLEU-n both ways."""
  ours, ours_s = _timed(lambda: bleu.BleuScorer(test, order).average_bleu(
      hypotheses, order))
  theirs, nltk_s = _timed(lambda: sum(
      _nltk_bleu(test, h, order) for h in hypotheses) / len(hypotheses))
  return ([f"BLEU-{order}", f"{len(hypotheses):,} hypotheses x "
           f"{len(test):,} references", f"{ours_s:.3f}", f"{nltk_s:.1f}",
           "measured in full", f"{nltk_s / ours_s:,.0f}x"], abs(ours - theirs))


def self_bleu_row(samples, hypotheses, order, nltk_hypotheses):
  """(row cells, |difference| on the hypotheses nltk scored)."""
  chosen = random.Random(0).sample(range(len(samples)), hypotheses)
  scorer, build_s = _timed(lambda: bleu.SelfBleu(samples, order))
  scores, score_s = _timed(lambda: [scorer.score(i, order) for i in chosen])
  ours_s = build_s + score_s
  subset = chosen[:nltk_hypotheses]
  theirs, nltk_s = _timed(lambda: [
      _nltk_bleu(samples[:i] + samples[i + 1:], samples[i], order)
      for i in subset])
  difference = max(abs(a - b) for a, b in zip(scores, theirs))
  scaled = nltk_s * hypotheses / len(subset)
  return ([f"Self-BLEU-{order}", f"{hypotheses:,} hypotheses in a set of "
           f"{len(samples):,}", f"{ours_s:.3f}", f"{scaled:,.0f}",
           f"timed on {len(subset)} hypotheses, scaled",
           f"{scaled / ours_s:,.0f}x"], difference)


def main(argv):
  del argv
  needed = max(FLAGS.hypotheses, FLAGS.self_bleu_samples) + FLAGS.test_size
  if FLAGS.data_file:
    sequences, _ = text.read_corpus(FLAGS.data_file)
  else:
    rng = random.Random(0)
    sequences = [[str(rng.randrange(4800)) for _ in range(24)]
                 for _ in range(needed)]
  if len(sequences) < needed:
    sys.exit(f"error: --data_file has {len(sequences):,} sequences; these "
             f"sizes need {needed:,}: lower --self_bleu_samples or "
             "--test_size")
  rest, test = text.split(sequences, FLAGS.test_size, seed=0)
  rows = [bleu_row(test, rest[:FLAGS.hypotheses], FLAGS.order),
          self_bleu_row(rest[:FLAGS.self_bleu_samples],
                        FLAGS.self_bleu_hypotheses, FLAGS.self_bleu_order,
                        FLAGS.nltk_self_bleu_hypotheses)]
  corpus = FLAGS.data_file or "random poems (24 tokens, 4,800 types)"
  lines = [f"Scores of {corpus}, both ways equal to the largest |difference| "
           "given (nltk's sentence_bleu, uniform weights, smoothing "
           "method1).", "",
           "| score | of | seqgan_tf (s) | nltk (s) | nltk's time | speed-up "
           "| largest difference |", "|---|---|---|---|---|---|---|"]
  lines += [f"| {' | '.join(cells)} | {difference:.1e} |"
            for cells, difference in rows]
  command = "python -m benchmarks.bench_bleu " + " ".join(sys.argv[1:])
  lines += ["", provenance.line(command)]
  markdown = "\n".join(lines) + "\n"
  if FLAGS.out:
    os.makedirs(os.path.dirname(FLAGS.out) or ".", exist_ok=True)
    files.write_atomic(FLAGS.out, markdown)
  print(markdown)


if __name__ == "__main__":
  app.run(main)
