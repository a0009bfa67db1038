import random

import pytest

from seqgan_tf import bleu
from tests.conftest import nltk_3_2_1_sentence_bleu

nltk_bleu = pytest.importorskip("nltk.translate.bleu_score")


def _nltk(references, hypothesis, n):
  return nltk_bleu.sentence_bleu(
      references, hypothesis, weights=tuple(1.0 / n for _ in range(n)),
      smoothing_function=nltk_bleu.SmoothingFunction().method1)


def _random_corpus(rng, count, vocab, min_len, max_len):
  return [[str(rng.randrange(vocab)) for _ in range(rng.randint(min_len,
                                                                 max_len))]
          for _ in range(count)]


@pytest.mark.parametrize("seed", range(6))
def test_matches_nltk_on_random_corpora(seed):
  rng = random.Random(seed)
  vocab = rng.choice([3, 6, 20])  # Small vocabularies give many matches.
  references = _random_corpus(rng, rng.randint(1, 30), vocab, 1, 12)
  hypotheses = _random_corpus(rng, 40, vocab, 0, 14)
  scorer = bleu.BleuScorer(references, max_n=5)
  for n in range(1, 6):
    for hypothesis in hypotheses:
      assert scorer.sentence_bleu(hypothesis, n) == pytest.approx(
          _nltk(references, hypothesis, n), abs=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_unsmoothed_matches_nltk_without_smoothing(seed):
  import warnings
  rng = random.Random(seed)
  references = _random_corpus(rng, 20, 6, 2, 10)
  hypotheses = _random_corpus(rng, 40, 6, 1, 10)
  scorer = bleu.BleuScorer(references, max_n=4)
  with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # nltk warns on each zero order.
    for n in range(1, 5):
      for hypothesis in hypotheses:
        expected = nltk_bleu.sentence_bleu(
            references, hypothesis, weights=tuple(1.0 / n for _ in range(n)))
        assert scorer.sentence_bleu(hypothesis, n, rule="nltk") == (
            pytest.approx(expected, abs=1e-9))


def test_brevity_penalty_uses_closest_reference_length():
  # Lengths 3 and 7 are equally close to 5: nltk picks the shorter, 3, so
  # no penalty; with only the 7 the penalty is exp(1 - 7/5).
  hypothesis = list("abcde")
  both = bleu.BleuScorer([list("abc"), list("abcdefg")], max_n=2)
  longer = bleu.BleuScorer([list("abcdefg")], max_n=2)
  assert both.sentence_bleu(hypothesis, 2) == pytest.approx(
      _nltk([list("abc"), list("abcdefg")], hypothesis, 2), abs=1e-12)
  assert longer.sentence_bleu(hypothesis, 2) == pytest.approx(
      _nltk([list("abcdefg")], hypothesis, 2), abs=1e-12)
  assert longer.sentence_bleu(hypothesis, 2) < both.sentence_bleu(
      hypothesis, 2)


def test_poem_like_case_and_average():
  references = ["床 前 明 月 光 ， 疑 是 地 上 霜 。".split(),
                "举 头 望 明 月 ， 低 头 思 故 乡 。".split()]
  hypotheses = ["床 前 望 明 月 ， 低 头 是 地 上 霜 。".split(),
                "月 月 月 月 月 月".split(), []]
  scorer = bleu.BleuScorer(references, max_n=2)
  expected = sum(_nltk(references, h, 2) for h in hypotheses) / 3
  assert scorer.average_bleu(hypotheses, 2) == pytest.approx(expected,
                                                             abs=1e-12)
  assert scorer.sentence_bleu([], 2) == 0.0


def test_identical_hypothesis_scores_one():
  scorer = bleu.BleuScorer([list("abcdef")], max_n=4)
  assert scorer.sentence_bleu(list("abcdef"), 4) == pytest.approx(1.0)


def test_bad_orders_are_rejected():
  with pytest.raises(ValueError, match="must be >= 1"):
    bleu.BleuScorer([["a"]], max_n=0)
  with pytest.raises(ValueError, match="built for orders 1..2"):
    bleu.BleuScorer([["a"]], max_n=2).sentence_bleu(["a"], 3)
  with pytest.raises(ValueError, match="at least one reference"):
    bleu.BleuScorer([], max_n=2)


@pytest.mark.parametrize("seed", range(3))
def test_nltk2016_rule_matches_nltk_3_2_1(seed):
  rng = random.Random(seed)
  references = _random_corpus(rng, 15, 8, 3, 9)
  # nltk 3.2.1 fails on a hypothesis shorter than n (Fraction(0, 0)).
  hypotheses = _random_corpus(rng, 40, 8, 4, 10)
  scorer = bleu.BleuScorer(references, max_n=4)
  dense = 0
  for n in range(1, 5):
    for hypothesis in hypotheses:
      expected = nltk_3_2_1_sentence_bleu(references, hypothesis, n)
      got = scorer.sentence_bleu(hypothesis, n, rule="nltk2016")
      assert got == pytest.approx(expected, abs=1e-9)
      # Where today's rule gives 0 the 2016 rule need not: the sparse and
      # the dense reward of PG-BLEU.
      dense += got > 0 and scorer.sentence_bleu(hypothesis, n, "nltk") == 0
  assert dense > 0


def test_nltk2016_rule_is_zero_only_without_a_matching_unigram():
  scorer = bleu.BleuScorer([list("abcd")], max_n=3)
  assert scorer.sentence_bleu(list("xyzw"), 3, rule="nltk2016") == 0
  # "a" matches, no bigram or trigram does: exp(1/3 log 1/4).
  assert scorer.sentence_bleu(list("axyz"), 3, rule="nltk2016") == (
      pytest.approx(0.25 ** (1 / 3), abs=1e-12))
  assert scorer.sentence_bleu(list("axyz"), 3, rule="nltk") == 0


@pytest.mark.parametrize("seed", range(5))
def test_self_bleu_scores_each_against_all_the_others_as_nltk(seed):
  rng = random.Random(seed)
  vocab = rng.choice([3, 6, 20])
  sequences = _random_corpus(rng, rng.randint(2, 25), vocab, 1, 10)
  sequences += sequences[:2]  # Duplicates: another sample, so a reference.
  self_bleu = bleu.SelfBleu(sequences, max_n=4)
  for n in range(1, 5):
    for i, hypothesis in enumerate(sequences):
      others = sequences[:i] + sequences[i + 1:]
      assert self_bleu.score(i, n) == pytest.approx(
          _nltk(others, hypothesis, n), abs=1e-9)


def test_self_bleu_never_scores_a_sequence_against_itself():
  sequences = [["a", "b", "c", "d"], ["x", "y", "z", "w"]]
  # Against itself each would score 1; against the other, nothing matches.
  assert bleu.SelfBleu(sequences, 2).average(2) == 0.0
  assert bleu.SelfBleu(sequences + sequences[:1], 2).score(0, 2) == (
      pytest.approx(1.0))


def test_self_bleu_averages_a_seeded_choice_of_hypotheses():
  rng = random.Random(0)
  sequences = _random_corpus(rng, 50, 6, 3, 8)
  self_bleu = bleu.SelfBleu(sequences, 3)
  every = sum(self_bleu.score(i, 3) for i in range(50)) / 50
  assert self_bleu.average(3, hypotheses=100) == pytest.approx(every)
  assert self_bleu.average(3, hypotheses=10, seed=1) == (
      self_bleu.average(3, hypotheses=10, seed=1))
  assert self_bleu.average(3, hypotheses=10, seed=1) != (
      self_bleu.average(3, hypotheses=10, seed=2))
  with pytest.raises(ValueError, match="at least two sequences"):
    bleu.SelfBleu(sequences[:1], 2)
