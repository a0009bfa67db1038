"""The rollout policy G_beta and the Monte-Carlo action values of Eq. (4)."""

import tensorflow as tf

from seqgan_tf import generator as generator_lib


class Rollout:
  """A delayed copy G_beta of the generator and the rewards it estimates.

  Algorithm 1 of the paper sets beta <- theta after every adversarial epoch
  (`update_rate=0`). The authors' code meant an exponential moving average
  with rate 0.8, but their `update_params()` builds assign ops nothing runs,
  so their rollout always samples from the current G; `update_rate=0.8`
  here is that EMA done for real.
  """

  def __init__(self, generator, update_rate=0.0):
    self.policy = generator_lib.Generator(generator.config,
                                          name="rollout_policy")
    self.update_rate = update_rate
    self.copy_from(generator)

  def copy_from(self, generator):
    """beta <- theta, whatever the update rate (start of adversarial training)."""
    self._blend(generator, rate=0.0)

  def update(self, generator):
    """beta <- r * beta + (1 - r) * theta, after every adversarial epoch."""
    self._blend(generator, self.update_rate)

  def _blend(self, generator, rate):
    for beta, theta in zip(self.policy.weights, generator.weights):
      beta.assign(rate * beta + (1.0 - rate) * theta)

  def complete(self, samples, given_num, rollout_num, rng):
    """`rollout_num` completions of each prefix Y_{1:given_num} by G_beta.

    Args:
      samples: int32 [B, T].
      given_num: prefix length t, 1 <= t <= T.
      rollout_num: completions per prefix.
      rng: `tf.random.Generator`.

    Returns:
      int32 [rollout_num * B, T], rollout-major (row r * B + b completes
      sequence b); the first t tokens of every row are the prefix.
    """
    states = self._stacked_states(samples)
    return self._complete(tf.tile(samples, [rollout_num, 1]), states,
                          given_num, rollout_num, rng)

  def _stacked_states(self, samples):
    """G_beta's teacher-forced (h, c), each float32 [T, B, H]."""
    states = self.policy.teacher_forcing_states(samples)
    return tuple(tf.stack(parts) for parts in zip(*states))

  def _complete(self, tiled, states, given_num, rollout_num, rng, rows=None):
    # The state having read start, y_1..y_{t-1}; reading y_t comes next.
    state = tuple(tf.tile(s[given_num - 1], [rollout_num, 1]) for s in states)
    seq_len = tiled.shape[1]
    completion = self.policy.sample_continuation(
        tiled[:, given_num - 1], state, seq_len - given_num, rng, rows=rows)
    completed = tf.concat([tiled[:, :given_num], completion], axis=1)
    completed.set_shape([None, seq_len])
    return completed

  def rewards(self, samples, reward_fn, rollout_num, rng, rows=None):
    """Action values Q(Y_{1:t-1}, y_t) of Eq. (4) for every token.

    For a prefix of length t < T, Q is the mean of `reward_fn` over
    `rollout_num` completions sampled from G_beta; for t = T it is
    `reward_fn(Y, T)` itself. Every prefix and rollout runs inside this one
    call: the batch is tiled `rollout_num` times, the prefixes are read once
    by teacher forcing, and each prefix length samples only its T - t missing
    tokens before its completions are scored in one batch.

    Args:
      samples: int32 [B, T], sequences drawn from G.
      reward_fn: `reward_fn(tokens, t)` maps int32 [M, T] sequences that
        begin with the t-token prefixes of `samples` (rollout-major, M a
        multiple of B) to float32 [M] rewards in [0, 1]; t is a tensor for
        t < T and the Python int T for `samples` themselves. For example
        `Discriminator.rollout_scorer(samples)`, or any function of the
        tokens alone such as `lambda tokens, _: D.prob_real(tokens)`.
      rollout_num: N, completions per prefix.
      rng: a `tf.random.Generator`, or an int32 [2] stateless seed: the
        completions of each prefix length draw from a seed split from it.
      rows: None, or (indices, total): `samples` are the rows `indices` of
        a batch of `total` (a replica's share), and their completions draw
        as those rows' completions do in the whole batch.

    Returns:
      float32 [B, T].
    """
    batch_size = tf.shape(samples)[0]
    seq_len = samples.shape[1]
    if hasattr(rng, "make_seeds"):  # A tf.random.Generator, or alike.
      rng = rng.make_seeds(1)[:, 0]
    prefix_seeds = tf.random.experimental.stateless_split(rng, seq_len - 1)
    tiled_rows = None
    if rows is not None:  # Row r * B + b of the tiled batch, in the whole's.
      indices, total = rows
      tiled_rows = (tf.reshape(tf.range(rollout_num)[:, None] * total +
                               indices[None, :], [-1]),
                    rollout_num * total)
    states = self._stacked_states(samples)
    tiled = tf.tile(samples, [rollout_num, 1])
    rewards = tf.TensorArray(tf.float32, size=seq_len)
    for given_num in tf.range(1, seq_len):
      completed = self._complete(tiled, states, given_num, rollout_num,
                                 prefix_seeds[given_num - 1], tiled_rows)
      scores = tf.reshape(reward_fn(completed, given_num),
                          [rollout_num, batch_size])
      rewards = rewards.write(given_num - 1, tf.reduce_mean(scores, axis=0))
    rewards = rewards.write(seq_len - 1, reward_fn(samples, seq_len))
    return tf.transpose(rewards.stack())
