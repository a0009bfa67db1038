"""Sentence BLEU averaged over hypotheses, exactly as Texygen computes it.

Texygen (the benchmark of later SeqGAN work) scores each generated sequence
with nltk's `sentence_bleu`, every test sequence as a reference, uniform
weights over 1..n-grams and `SmoothingFunction().method1`, then averages.
nltk recomputes the reference n-gram counts for every hypothesis, so scoring
costs hypotheses x references; here the per-n-gram maximum count over all
references (all that the clipped precision needs) and the set of reference
lengths are computed once, making scoring linear in the hypotheses.
"""

import bisect
import collections
import math
import random

# nltk's SmoothingFunction(epsilon=0.1).method1: zero matches count as 0.1.
METHOD1_EPSILON = 0.1
# How an n-gram order without a match counts (`BleuScorer.sentence_bleu`).
RULES = ("method1", "nltk", "nltk2016")


def _ngrams(tokens, n):
  return zip(*(tokens[i:] for i in range(n)))


def _sentence_bleu(hypothesis, n, rule, max_count, closest_ref_length):
  """nltk's sentence_bleu of `hypothesis`, given the references' statistics.

  Args:
    hypothesis: a tuple of tokens.
    n: the BLEU order; weights are uniform 1/n.
    rule: see `BleuScorer.sentence_bleu`.
    max_count: `max_count(order, ngram)`, the n-gram's largest count in one
      reference (what the clipped precision needs).
    closest_ref_length: `closest_ref_length(hyp_len)`, nltk's.
  """
  if rule not in RULES:
    raise ValueError(f"BLEU rule {rule!r}: choose one of {', '.join(RULES)}")
  log_sum = []
  weight = 1.0 / n
  for order in range(1, n + 1):
    counts = collections.Counter(_ngrams(hypothesis, order))
    matches = sum(min(count, max_count(order, ngram))
                  for ngram, count in counts.items())
    total = max(1, sum(counts.values()))
    if matches == 0:
      if order == 1 or rule == "nltk":
        return 0.0
      if rule == "nltk2016":
        continue
      matches = METHOD1_EPSILON
    log_sum.append(weight * math.log(matches / total))
  hyp_len = len(hypothesis)
  ref_len = closest_ref_length(hyp_len)
  if hyp_len > ref_len:
    brevity = 1.0
  else:
    brevity = math.exp(1 - ref_len / hyp_len)
  return brevity * math.exp(math.fsum(log_sum))


def _closest(lengths, hyp_len):
  """nltk's closest_ref_length among sorted `lengths`: the shorter on a tie."""
  i = bisect.bisect_left(lengths, hyp_len)
  candidates = lengths[max(0, i - 1):i + 1]
  return min(candidates, key=lambda r: (abs(r - hyp_len), r))


class BleuScorer:
  """BLEU-n of hypotheses against one fixed set of references.

  Args:
    references: sequences of hashable tokens (e.g. lists of str or int).
    max_n: the largest n-gram order that will be asked for.
  """

  def __init__(self, references, max_n):
    if max_n < 1:
      raise ValueError(f"BLEU order {max_n}: must be >= 1")
    references = [tuple(r) for r in references]
    if not references:
      raise ValueError("BLEU needs at least one reference sequence")
    self.max_n = max_n
    self._max_counts = [None]  # Index n: n-gram -> max count in a reference.
    for n in range(1, max_n + 1):
      max_counts = {}
      for reference in references:
        for ngram, count in collections.Counter(_ngrams(reference, n)).items():
          if count > max_counts.get(ngram, 0):
            max_counts[ngram] = count
      self._max_counts.append(max_counts)
    self._ref_lengths = sorted({len(r) for r in references})

  def _closest_ref_length(self, hyp_len):
    """nltk's closest_ref_length: nearest length, the shorter on a tie."""
    return _closest(self._ref_lengths, hyp_len)

  def sentence_bleu(self, hypothesis, n, rule="method1"):
    """nltk.translate.bleu_score.sentence_bleu of one hypothesis.

    Args:
      hypothesis: a sequence of tokens.
      n: BLEU order, 1 <= n <= max_n; weights are uniform 1/n.
      rule: how an order without a matching n-gram counts (see `RULES`):
        "method1", nltk's smoothing method1 (Texygen's); "nltk", today's
        nltk without smoothing, where it makes the score 0 (nltk returns
        ~1e-155 there, and warns); "nltk2016", nltk <= 3.2.1 without
        smoothing, as the authors' PG-BLEU ran: such an order is left out
        of the weighted log-sum (the weights are not renormalised), and
        only a hypothesis without a matching unigram scores 0.

    Returns:
      float in [0, 1].
    """
    if not 1 <= n <= self.max_n:
      raise ValueError(f"BLEU-{n}: this scorer was built for orders "
                       f"1..{self.max_n}")
    return _sentence_bleu(tuple(hypothesis), n, rule,
                          lambda order, ngram: self._max_counts[order].get(
                              ngram, 0),
                          self._closest_ref_length)

  def average_bleu(self, hypotheses, n, rule="method1"):
    """Mean sentence BLEU-n over `hypotheses` (Texygen's BLEU-n by default)."""
    hypotheses = list(hypotheses)
    if not hypotheses:
      raise ValueError("BLEU needs at least one hypothesis")
    return math.fsum(self.sentence_bleu(h, n, rule)
                     for h in hypotheses) / len(hypotheses)


class SelfBleu:
  """Self-BLEU-n (Zhu et al., Texygen, 2018): each sequence of a set scored
  against all the *other* sequences of the set, never against itself.

  Texygen's own implementation scores a sentence against a reference set
  that still holds it (Texygen issues #27, #46); here each hypothesis's
  references are the set without that one sequence (a duplicate of it
  elsewhere in the set stays a reference, as it is another sample). For
  every n-gram the largest and second-largest count in one sequence are
  kept, so a leave-one-out maximum needs no pass over the set, and scoring
  stays linear in the hypotheses. The score of each is nltk's
  `sentence_bleu`, uniform weights, smoothing method1 (Texygen's), as
  `BleuScorer`'s.

  Args:
    sequences: the set, sequences of hashable tokens; at least two.
    max_n: the largest order that will be asked for.
  """

  def __init__(self, sequences, max_n):
    if max_n < 1:
      raise ValueError(f"Self-BLEU order {max_n}: must be >= 1")
    self._sequences = [tuple(s) for s in sequences]
    if len(self._sequences) < 2:
      raise ValueError("Self-BLEU needs at least two sequences")
    self.max_n = max_n
    # Index n: n-gram -> [largest count, how many have it, second largest].
    self._top = [None]
    for n in range(1, max_n + 1):
      top = {}
      for sequence in self._sequences:
        for ngram, count in collections.Counter(_ngrams(sequence, n)).items():
          best = top.setdefault(ngram, [0, 0, 0])
          if count > best[0]:
            best[:] = [count, 1, best[0]]
          elif count == best[0]:
            best[1] += 1
          elif count > best[2]:
            best[2] = count
      self._top.append(top)
    self._length_counts = collections.Counter(len(s) for s in self._sequences)
    self._lengths = sorted(self._length_counts)

  def __len__(self):
    return len(self._sequences)

  def score(self, index, n, rule="method1"):
    """Sentence BLEU-n of sequence `index` against all the others."""
    if not 1 <= n <= self.max_n:
      raise ValueError(f"Self-BLEU-{n}: this scorer was built for orders "
                       f"1..{self.max_n}")
    hypothesis = self._sequences[index]
    own = [None] + [collections.Counter(_ngrams(hypothesis, order))
                    for order in range(1, n + 1)]

    def max_count(order, ngram):
      best, holders, second = self._top[order][ngram]
      if own[order][ngram] == best and holders == 1:
        return second  # The hypothesis alone held the largest count.
      return best

    own_length = len(hypothesis)
    lengths = [length for length in self._lengths
               if length != own_length or self._length_counts[length] > 1]
    return _sentence_bleu(hypothesis, n, rule, max_count,
                          lambda hyp_len: _closest(lengths, hyp_len))

  def average(self, n, hypotheses=1000, seed=0, rule="method1"):
    """Mean Self-BLEU-n of `hypotheses` sequences chosen with `seed` (every
    sequence when the set is no larger)."""
    indices = range(len(self._sequences))
    if hypotheses < len(self._sequences):
      indices = random.Random(seed).sample(indices, hypotheses)
    return math.fsum(self.score(i, n, rule) for i in indices) / len(indices)
