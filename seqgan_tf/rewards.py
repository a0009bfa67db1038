"""Rewards for the policy gradient other than D: PG-BLEU (paper Table 1).

`BleuReward` scores token sequences by sentence BLEU-n against fixed
references, inside the graph, so that the ~20,000 rollouts of one g-step are
scored in a few tensor operations instead of ~20,000 Python calls.
"""

import collections

import numpy as np
import tensorflow as tf

from seqgan_tf import config as config_lib

# How an n-gram order without a match counts (see `seqgan_tf.bleu.RULES`).
RULES = config_lib.PGBLEU_RULES


class BleuReward:
  """Sentence BLEU-n of equal-length token sequences, as a tensor function.

  nltk's `sentence_bleu` with uniform weights and no smoothing (the authors'
  PG-BLEU): the clipped 1..n-gram precisions p_i, where an n-gram's count is
  clipped by its largest count in any one reference, combined as
  exp(sum_i log(p_i) / n). Every sequence and reference has the same length
  T, so the brevity penalty is 1. Orders with p_i = 0 count by `rule`:

  - "nltk2016", nltk <= 3.2.1, which the authors ran in 2016: they are left
    out of the sum (the weights are not renormalised), and only p_1 = 0
    scores 0. On oracle samples nearly every sequence earns a reward.
  - "nltk", nltk >= 3.2.2: any p_i = 0 scores 0, a much sparser reward.

  Args:
    references: int [R, T] token ids.
    order: n, the largest n-gram order (weights 1/n each).
    vocab_size: tokens are in [0, vocab_size); an n-gram becomes one int64
      key, so vocab_size ** order must stay below 2 ** 63.
    rule: "nltk2016" or "nltk", as above.
  """

  def __init__(self, references, order, vocab_size, rule="nltk2016"):
    if rule not in RULES:
      raise ValueError(f"--pgbleu_rule={rule}: choose one of "
                       f"{', '.join(RULES)}")
    self.rule = rule
    references = np.asarray(references, np.int64)
    if references.ndim != 2 or not len(references):
      raise ValueError("BLEU rewards need references of shape [R, T], R >= 1")
    if not 1 <= order <= references.shape[1]:
      raise ValueError(f"--pgbleu_order={order}: must be in [1, "
                       f"{references.shape[1]}] (the sequence length)")
    if vocab_size ** order >= 2 ** 63:
      raise ValueError(f"--pgbleu_order={order}: vocab_size ** order must be "
                       "< 2 ** 63 (n-grams are int64 keys)")
    self.order, self.vocab_size = order, vocab_size
    self.seq_len = references.shape[1]
    self._tables = []
    for n in range(1, order + 1):
      max_counts = collections.Counter()
      for row in self._keys_numpy(references, n):
        for key, count in collections.Counter(row.tolist()).items():
          max_counts[key] = max(max_counts[key], count)
      keys = np.fromiter(max_counts.keys(), np.int64, len(max_counts))
      values = np.fromiter(max_counts.values(), np.int32, len(max_counts))
      self._tables.append(tf.lookup.StaticHashTable(
          tf.lookup.KeyValueTensorInitializer(keys, values), default_value=0))

  def _keys_numpy(self, tokens, n):
    keys = np.zeros([tokens.shape[0], tokens.shape[1] - n + 1], np.int64)
    for offset in range(n):
      keys = keys * self.vocab_size + tokens[:, offset:tokens.shape[1] - n + 1
                                             + offset]
    return keys

  def _keys(self, tokens, n):
    """The n-grams of `tokens` int [M, T] as int64 keys [M, T - n + 1]."""
    tokens = tf.cast(tokens, tf.int64)
    length = self.seq_len - n + 1
    keys = tf.zeros_like(tokens[:, :length])
    for offset in range(n):
      keys = keys * self.vocab_size + tokens[:, offset:offset + length]
    return keys

  def __call__(self, tokens):
    """BLEU-n of each row of `tokens` int32 [M, T], float32 [M] in [0, 1]."""
    log_precisions = []
    for n, table in zip(range(1, self.order + 1), self._tables):
      keys = self._keys(tokens, n)  # [M, L]
      # How often each position's n-gram occurs in its own sequence.
      counts = tf.reduce_sum(tf.cast(keys[:, :, None] == keys[:, None, :],
                                     tf.float32), axis=2)
      allowed = tf.cast(table.lookup(keys), tf.float32)
      # Each occurrence carries min(count, allowed) / count: summed over an
      # n-gram's occurrences, its clipped count.
      clipped = tf.reduce_sum(tf.minimum(counts, allowed) / counts, axis=1)
      log_precisions.append(tf.math.log(clipped / keys.shape[1]))
    if self.rule == "nltk":
      # exp(-inf) = 0: any zero precision gives BLEU 0.
      return tf.exp(tf.add_n(log_precisions) / self.order)
    # nltk 3.2.1: a zero precision's term is dropped, p_1 = 0 scores 0.
    kept = [tf.where(tf.math.is_finite(p), p, 0.0) for p in log_precisions]
    score = tf.exp(tf.add_n(kept) / self.order)
    return tf.where(tf.math.is_finite(log_precisions[0]), score, 0.0)
