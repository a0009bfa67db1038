r"""BLEU speed: seqgan_tf.bleu against nltk's sentence_bleu (Texygen's way).

  python -m benchmarks.bench_bleu --data_file=../shared/data/poetry/shi.txt

Scores --hypotheses poems of the corpus (standing in for generated ones)
against the --test_size held-out test poems, as `experiments.poetry` does,
checks both give the same BLEU-2 and prints both times. Without --data_file
it uses a random corpus of poem shape (24 tokens, 4,800 types).
"""

import random
import time

from absl import app
from absl import flags

from seqgan_tf import bleu
from seqgan_tf import text

flags.DEFINE_string("data_file", None, "A corpus; default: random poems.")
flags.DEFINE_integer("hypotheses", 1000, "Hypotheses to score.")
flags.DEFINE_integer("test_size", 2000, "References (the test set).")
flags.DEFINE_integer("order", 2, "BLEU-n.")
FLAGS = flags.FLAGS


def main(argv):
  del argv
  from nltk.translate import bleu_score  # pylint: disable=g-import-not-at-top
  if FLAGS.data_file:
    sequences, _ = text.read_corpus(FLAGS.data_file)
  else:
    rng = random.Random(0)
    sequences = [[str(rng.randrange(4800)) for _ in range(24)]
                 for _ in range(FLAGS.hypotheses + FLAGS.test_size)]
  rest, test = text.split(sequences, FLAGS.test_size, seed=0)
  hypotheses = rest[:FLAGS.hypotheses]
  weights = tuple(1.0 / FLAGS.order for _ in range(FLAGS.order))
  smoothing = bleu_score.SmoothingFunction().method1

  start = time.perf_counter()
  scorer = bleu.BleuScorer(test, FLAGS.order)
  ours = scorer.average_bleu(hypotheses, FLAGS.order)
  ours_s = time.perf_counter() - start

  start = time.perf_counter()
  theirs = sum(bleu_score.sentence_bleu(test, h, weights,
                                        smoothing_function=smoothing)
               for h in hypotheses) / len(hypotheses)
  nltk_s = time.perf_counter() - start
  print(f"BLEU-{FLAGS.order} of {len(hypotheses)} hypotheses x {len(test)} "
        f"references: seqgan_tf {ours:.6f} in {ours_s:.3f} s (reference "
        f"tables included); nltk {theirs:.6f} in {nltk_s:.1f} s; speed-up "
        f"{nltk_s / ours_s:.0f}x; |difference| {abs(ours - theirs):.1e}")


if __name__ == "__main__":
  app.run(main)
