"""How a set of samples spreads: MS-Jaccard-n against real data, distinct-n.

- MS-Jaccard-n (Alihosseini, Montahaei and Soleymani Baghshah, "Jointly
  Measuring Diversity and Quality in Text Generation Models", 2019): for
  each order k = 1..n, every k-gram's count in a set is divided by the
  set's number of sequences (so sets of different sizes compare), and
  J_k = sum_g min(p_g, q_g) / sum_g max(p_g, q_g) over the k-grams g of
  either set. MS-Jaccard-n is the geometric mean of J_1..J_n: 1 when both
  sets have the same k-gram frequencies, 0 when they share no unigram. It
  falls both for samples of low quality (k-grams the real data lacks) and
  for samples of low diversity (too few of the real data's k-grams).
- distinct-n (Li et al., "A Diversity-Promoting Objective Function for
  Neural Conversation Models", 2016): the share of distinct n-grams among
  all n-grams of the samples.

Sequences are lists of tokens (any hashable values); both metrics are
exact, computed with counters. `curve_margin` reads a quality-against-
diversity curve (a temperature sweep) at another model's point.
"""

import collections
import math


def ngram_counts(sequences, n):
  """Counter of the n-grams (tuples) of all `sequences`."""
  counts = collections.Counter()
  for sequence in sequences:
    sequence = tuple(sequence)
    counts.update(sequence[i:i + n] for i in range(len(sequence) - n + 1))
  return counts


def _check(sequences, n, name):
  if n < 1:
    raise ValueError(f"{name}: the order must be >= 1, not {n}")
  if not sequences:
    raise ValueError(f"{name}: no sequences to score")


class MsJaccard:
  """MS-Jaccard-n of sample sets against one fixed set of references.

  The references' k-gram frequencies are counted once, so scoring every
  evaluation's samples against the same test set costs only the samples'.

  Args:
    references: the real sequences (token lists); at least one.
    max_n: the largest order that will be asked for.
  """

  def __init__(self, references, max_n):
    _check(references, max_n, "MS-Jaccard")
    self.max_n = max_n
    self._theirs = [None] + [_frequencies(references, order)
                             for order in range(1, max_n + 1)]

  def score(self, samples, n):
    """MS-Jaccard-n of `samples` (token lists).

    Raises:
      ValueError: an order outside 1..max_n, or no samples.
    """
    _check(samples, n, "MS-Jaccard")
    if n > self.max_n:
      raise ValueError(f"MS-Jaccard-{n}: this scorer was built for orders "
                       f"1..{self.max_n}")
    scores = []
    for order in range(1, n + 1):
      ours, theirs = _frequencies(samples, order), self._theirs[order]
      smallest = largest = 0.0
      for gram in ours.keys() | theirs.keys():
        p, q = ours.get(gram, 0.0), theirs.get(gram, 0.0)
        smallest += min(p, q)
        largest += max(p, q)
      if largest == 0:  # Neither set has a k-gram (all shorter than k).
        raise ValueError(f"MS-Jaccard-{n}: no sequence is {order} tokens "
                         f"long; give an order below {order}")
      scores.append(smallest / largest)
    if min(scores) == 0:
      return 0.0
    return math.exp(math.fsum(math.log(s) for s in scores) / n)


def _frequencies(sequences, n):
  """{n-gram: its count / the number of sequences}."""
  return {gram: count / len(sequences)
          for gram, count in ngram_counts(sequences, n).items()}


def ms_jaccard(samples, references, n):
  """MS-Jaccard-n of `samples` against `references` (both token lists).

  Raises:
    ValueError: an order below 1, or an empty set.
  """
  _check(samples, n, "MS-Jaccard")
  return MsJaccard(references, n).score(samples, n)


def distinct(samples, n):
  """distinct-n: distinct n-grams / all n-grams of `samples`.

  Raises:
    ValueError: an order below 1, no samples, or no sample of n tokens.
  """
  _check(samples, n, "distinct-n")
  counts = ngram_counts(samples, n)
  total = sum(counts.values())
  if not total:
    raise ValueError(f"distinct-{n}: no sample is {n} tokens long; give a "
                     "lower order")
  return len(counts) / total


def curve_margin(curve, point):
  """How far `point` lies above a quality-against-diversity `curve`.

  Args:
    curve: [(diversity, quality)] of one model, e.g. (Self-BLEU, BLEU) at
      each sampling temperature of its sweep; two points or more.
    point: (diversity, quality) of another model.

  Returns:
    quality of `point` minus the curve's, linearly interpolated at the
    point's diversity: > 0 where the point lies beyond the curve (better
    quality at the same diversity). None when the point's diversity is
    outside the curve's range (the sweep does not reach it).
  """
  curve = sorted(curve)
  if len(curve) < 2:
    raise ValueError("a curve needs two points or more")
  x, y = point
  if not curve[0][0] <= x <= curve[-1][0]:
    return None
  for (x0, y0), (x1, y1) in zip(curve, curve[1:]):
    if x0 <= x <= x1:
      at = y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
      return y - at
