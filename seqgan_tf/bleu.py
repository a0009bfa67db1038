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

# nltk's SmoothingFunction(epsilon=0.1).method1: zero matches count as 0.1.
METHOD1_EPSILON = 0.1
# How an n-gram order without a match counts (`BleuScorer.sentence_bleu`).
RULES = ("method1", "nltk", "nltk2016")


def _ngrams(tokens, n):
  return zip(*(tokens[i:] for i in range(n)))


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
    i = bisect.bisect_left(self._ref_lengths, hyp_len)
    candidates = self._ref_lengths[max(0, i - 1):i + 1]
    return min(candidates, key=lambda r: (abs(r - hyp_len), r))

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
    if rule not in RULES:
      raise ValueError(f"BLEU rule {rule!r}: choose one of {', '.join(RULES)}")
    hypothesis = tuple(hypothesis)
    log_sum = []
    weight = 1.0 / n
    for order in range(1, n + 1):
      counts = collections.Counter(_ngrams(hypothesis, order))
      max_counts = self._max_counts[order]
      matches = sum(min(count, max_counts.get(ngram, 0))
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
    ref_len = self._closest_ref_length(hyp_len)
    if hyp_len > ref_len:
      brevity = 1.0
    else:
      brevity = math.exp(1 - ref_len / hyp_len)
    return brevity * math.exp(math.fsum(log_sum))

  def average_bleu(self, hypotheses, n, rule="method1"):
    """Mean sentence BLEU-n over `hypotheses` (Texygen's BLEU-n by default)."""
    hypotheses = list(hypotheses)
    if not hypotheses:
      raise ValueError("BLEU needs at least one hypothesis")
    return math.fsum(self.sentence_bleu(h, n, rule)
                     for h in hypotheses) / len(hypotheses)
