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
exact, computed with counters.
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


def ms_jaccard(samples, references, n):
  """MS-Jaccard-n of `samples` against `references` (both token lists).

  Raises:
    ValueError: an order below 1, or an empty set.
  """
  _check(samples, n, "MS-Jaccard")
  _check(references, n, "MS-Jaccard")
  scores = []
  for order in range(1, n + 1):
    ours = ngram_counts(samples, order)
    theirs = ngram_counts(references, order)
    smallest = largest = 0.0
    for gram in ours.keys() | theirs.keys():
      p = ours[gram] / len(samples)
      q = theirs[gram] / len(references)
      smallest += min(p, q)
      largest += max(p, q)
    if largest == 0:  # Neither set has a k-gram (all shorter than k).
      raise ValueError(f"MS-Jaccard-{n}: no sequence is {order} tokens long; "
                       f"give an order below {order}")
    scores.append(smallest / largest)
  if min(scores) == 0:
    return 0.0
  return math.exp(math.fsum(math.log(s) for s in scores) / n)


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
