"""MS-Jaccard-n and distinct-n (`seqgan_tf.diversity`), exact on small sets."""

import math

import pytest

from seqgan_tf import bleu
from seqgan_tf import diversity
from tests.conftest import run_module


def _split(*lines):
  return [line.split() for line in lines]


def test_ms_jaccard_by_hand():
  samples = _split("a b", "a c")
  references = _split("a b")
  # Unigrams per sequence: samples a 1, b .5, c .5; references a 1, b 1.
  j1 = (1 + 0.5 + 0) / (1 + 1 + 0.5)
  # Bigrams: samples (a b) .5, (a c) .5; references (a b) 1.
  j2 = (0.5 + 0) / (1 + 0.5)
  assert diversity.ms_jaccard(samples, references, 1) == pytest.approx(j1)
  assert diversity.ms_jaccard(samples, references, 2) == pytest.approx(
      math.sqrt(j1 * j2))


def test_ms_jaccard_counts_per_sequence_not_per_token():
  # Per sequence: samples a b c d 1 each, references a 1: 1 / 4. (Per
  # token it would be 0.25 / 1.75.)
  assert diversity.ms_jaccard(_split("a b c d"), _split("a", "a"),
                              1) == pytest.approx(0.25)


def test_ms_jaccard_is_one_for_the_same_frequencies_and_symmetric():
  real = _split("a b c", "b c d", "a a b")
  assert diversity.ms_jaccard(real, real, 3) == pytest.approx(1.0)
  # Each sequence twice: the same frequencies per sequence.
  assert diversity.ms_jaccard(real * 2, real, 3) == pytest.approx(1.0)
  other = _split("a b", "d d d")
  assert diversity.ms_jaccard(other, real, 2) == pytest.approx(
      diversity.ms_jaccard(real, other, 2))


def test_ms_jaccard_falls_when_samples_repeat_one_sequence():
  real = _split("a b c", "b c d", "c d a", "d a b")
  diverse = real[:]
  collapsed = [real[0]] * 4  # Each a real sequence, but only one of them.
  assert (diversity.ms_jaccard(collapsed, real, 2) <
          diversity.ms_jaccard(diverse, real, 2))


def test_ms_jaccard_is_zero_without_a_shared_unigram():
  assert diversity.ms_jaccard(_split("x y"), _split("a b"), 2) == 0.0


def test_distinct_by_hand():
  assert diversity.distinct(_split("a a a"), 1) == pytest.approx(1 / 3)
  assert diversity.distinct(_split("a b", "a b"), 2) == pytest.approx(1 / 2)
  assert diversity.distinct(_split("a b c", "c b a"), 2) == 1.0
  # n-grams do not cross from one sequence into the next.
  with pytest.raises(ValueError, match="no sample is 2 tokens long"):
    diversity.distinct(_split("a", "a"), 2)


@pytest.mark.parametrize("call, message", [
    (lambda: diversity.distinct([], 1), "no sequences"),
    (lambda: diversity.distinct(_split("a"), 0), "order must be >= 1"),
    (lambda: diversity.ms_jaccard(_split("a"), [], 1), "no sequences"),
    (lambda: diversity.ms_jaccard(_split("a"), _split("a"), 2),
     "no sequence is 2 tokens long"),
])
def test_what_cannot_be_scored_is_refused(call, message):
  with pytest.raises(ValueError, match=message):
    call()


def test_evaluate_prints_them_for_any_files(tmp_path):
  samples, references = tmp_path / "s.txt", tmp_path / "r.txt"
  samples.write_text("a b c\nb c d\n")
  references.write_text("a b c\n")
  result = run_module("experiments.evaluate", "--ms_jaccard=2",
                      f"--samples={samples}", f"--references={references}")
  assert result.returncode == 0, result.stderr[-2000:]
  # J1 = 2.5 / 3.5, J2 = 1.5 / 2.5, their geometric mean.
  assert result.stdout.strip() == (
      f"MS-Jaccard-2 {math.sqrt(2.5 / 3.5 * 1.5 / 2.5):.4f}")
  self_bleu = run_module("experiments.evaluate", "--self_bleu=2",
                         f"--samples={samples}")
  assert self_bleu.returncode == 0, self_bleu.stderr[-2000:]
  sequences = [line.split() for line in samples.read_text().splitlines()]
  assert self_bleu.stdout.strip() == (
      f"Self-BLEU-2 {bleu.SelfBleu(sequences, 2).average(2):.4f}")
  refused = run_module("experiments.evaluate", "--ms_jaccard=2",
                       f"--samples={samples}")
  assert refused.returncode == 2 and "--ms_jaccard needs --references" in (
      refused.stderr)


def test_curve_margin_reads_the_curve_at_the_points_diversity():
  # MLE at three temperatures: (Self-BLEU, BLEU); lower T, both higher.
  curve = [(0.9, 0.8), (0.5, 0.6), (0.7, 0.7)]
  assert diversity.curve_margin(curve, (0.6, 0.70)) == pytest.approx(0.05)
  assert diversity.curve_margin(curve, (0.8, 0.70)) == pytest.approx(-0.05)
  assert diversity.curve_margin(curve, (0.9, 0.8)) == pytest.approx(0.0)
  assert diversity.curve_margin(curve, (0.3, 0.9)) is None  # Out of reach.
  with pytest.raises(ValueError, match="two points"):
    diversity.curve_margin(curve[:1], (0.5, 0.5))


def test_ms_jaccard_scorer_equals_the_function():
  real = _split("a b c a", "b c d", "a a b")
  samples = _split("a b", "c d d", "b c a")
  scorer = diversity.MsJaccard(real, 3)
  for n in (1, 2, 3):
    assert scorer.score(samples, n) == pytest.approx(
        diversity.ms_jaccard(samples, real, n))
  with pytest.raises(ValueError, match="built for orders 1..3"):
    scorer.score(samples, 4)
