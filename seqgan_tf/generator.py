"""The LSTM generator G_theta, also used as the synthetic oracle.

One single-step cell (`step`) serves teacher forcing, sampling, Monte-Carlo
rollouts and the oracle; the authors' code wrote the same LSTM four times.
"""

import math

import keras
import numpy as np
import tensorflow as tf

from seqgan_tf import precision


def _static_length(tokens):
  length = tokens.shape[1]
  if length is None:
    raise ValueError("token sequences need a static length (shape [B, T] with "
                     "T known when the graph is traced)")
  return length


def categorical(logits, seed, rows=None):
  """One draw per row from softmax(`logits`), int32 [B], by inverse CDF.

  The same distribution as `tf.random.stateless_categorical` at temperature 1
  (the authors' `tf.multinomial`), and faster on a CPU: TF's
  multinomial kernel walks each row of V logits with scalar code, while here
  the only full passes over [B, V] are vectorised: the softmax (one fused
  oneDNN kernel on a CPU) and one sum per block of ~sqrt(V) probabilities.
  The draw then searches the block totals, and within the one chosen block.
  Both running sums are matmuls by a triangle of ones (`_cumsum_rows`).
  The fused softmax reads the logits once, where exp(logit - max) and its
  normalisation would take three passes.

  Args:
    logits: float32 [B, V].
    seed: int32 [2], the stateless seed.
    rows: None, or (indices int32 [B], total): these B rows are the rows
      `indices` of a batch of `total`, and each takes that row's uniform
      draw (`row_uniforms`), so that a batch split across replicas draws as
      it does whole.
  """
  batch_size, vocab_size = tf.shape(logits)[0], logits.shape[-1]
  block = _block_size(vocab_size)
  num_blocks = -(-vocab_size // block)
  weights = tf.nn.softmax(logits)
  if num_blocks * block != vocab_size:
    weights = tf.pad(weights, [[0, 0], [0, num_blocks * block - vocab_size]])
  blocks = tf.reshape(weights, [batch_size, num_blocks, block])
  block_cdf = _cumsum_rows(tf.reduce_sum(blocks, axis=2))
  u = row_uniforms(batch_size, seed, rows, 1) * block_cdf[:, -1:]
  # The first block whose cumulative weight exceeds u (the last if none does).
  chosen = tf.searchsorted(block_cdf[:, :-1], u, side="right")  # [B, 1]
  below = tf.where(chosen > 0,
                   tf.gather(block_cdf, tf.maximum(chosen - 1, 0),
                             batch_dims=1), 0.0)
  inner_cdf = _cumsum_rows(tf.gather(blocks, chosen[:, 0], batch_dims=1))
  offset = tf.searchsorted(inner_cdf[:, :-1], u - below, side="right")
  # Rounding can only ever point past the vocabulary into the zero padding.
  return tf.minimum(chosen * block + offset, vocab_size - 1)[:, 0]


def row_uniforms(batch_size, seed, rows=None, *tail):
  """Stateless uniforms in [0, 1), float32 [batch_size, *tail].

  With `rows` = (indices int32 [batch_size], total), the rows `indices` of
  the draw for a batch of `total` rows: a replica's share of a batch draws
  what those rows draw in the whole batch.
  """
  if rows is None:
    return tf.random.stateless_uniform([batch_size, *tail], seed)
  indices, total = rows
  return tf.gather(tf.random.stateless_uniform([total, *tail], seed), indices)


def _cumsum_rows(x):
  """tf.cumsum(x, axis=1) of a float32 [B, n] as x @ (upper triangle of ones).

  TF's CPU Cumsum kernel scans each row with scalar code; the matmul does
  n times the additions, in vectorised kernels, and is faster for the small
  n here (~sqrt(V)). Each sum is the same up to float rounding (other order).
  """
  n = x.shape[-1]
  return tf.matmul(x, tf.constant(np.triu(np.ones((n, n), np.float32))))


def _block_size(vocab_size):
  """~sqrt(V): a divisor of V near it when there is one (no padding copy)."""
  root = math.sqrt(vocab_size)
  divisors = [d for d in range(math.ceil(root / 2), math.floor(2 * root) + 1)
              if vocab_size % d == 0]
  return min(divisors, key=lambda d: abs(d - root), default=math.ceil(root))


class Generator(keras.Model):
  """LSTM language model over token ids.

  The four gates are fused into one kernel [E, 4H] (order i, f, o, c~) so a
  step is two matmuls; `oracle.set_params` maps the authors' per-gate arrays
  onto it. The state is a pair (h, c), both [B, H] float32, zero at t=0.
  Under `config.precision == "bf16"` the matmuls run in bfloat16 (inputs and
  weights cast, products cast back); everything else stays float32.
  """

  def __init__(self, config, name="generator", seed=None):
    """Builds G with every weight drawn N(0, config.init_stddev).

    Args:
      config: `GeneratorConfig`.
      name: the model's name (and its variables' scope).
      seed: seeds the weights (a run passes its `--seed`: same seed, same
        G); None draws the seed from numpy's global state, which
        `keras.utils.set_random_seed` fixes.
    """
    super().__init__(name=name)
    self.config = config
    vocab, emb, hidden = config.vocab_size, config.emb_dim, config.hidden_dim
    init = _normal_initializer(config.init_stddev, seed)
    self.embedding = self.add_weight(shape=(vocab, emb), initializer=init,
                                     name="embedding")
    self.kernel = self.add_weight(shape=(emb, 4 * hidden), initializer=init,
                                  name="kernel")
    self.recurrent_kernel = self.add_weight(
        shape=(hidden, 4 * hidden), initializer=init, name="recurrent_kernel")
    # The authors draw the gate biases N(0, stddev) too, not zeros.
    self.bias = self.add_weight(shape=(4 * hidden,), initializer=init,
                                name="bias")
    self.output_kernel = self.add_weight(shape=(hidden, vocab),
                                         initializer=init, name="output_kernel")
    self.output_bias = self.add_weight(shape=(vocab,), initializer=init,
                                       name="output_bias")
    self._matmul_dtype = tf.as_dtype(
        precision.policy(config.precision).compute_dtype)

  def _matmul(self, x, kernel):
    """x @ kernel in the matmul precision; float32 [.., N] out."""
    if self._matmul_dtype == tf.float32:
      return tf.matmul(x, kernel)
    product = tf.matmul(tf.cast(x, self._matmul_dtype),
                        tf.cast(kernel, self._matmul_dtype))
    return tf.cast(product, tf.float32)

  def initial_state(self, batch_size):
    zeros = tf.zeros((batch_size, self.config.hidden_dim))
    return zeros, zeros

  def _cell(self, input_proj, state):
    """One LSTM step on an already projected input `x @ kernel` [B, 4H]."""
    h, c = state
    gates = input_proj + self._matmul(h, self.recurrent_kernel) + self.bias
    i, f, o, candidate = tf.split(gates, 4, axis=-1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(candidate)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c

  def _logits(self, h):
    return self._matmul(h, self.output_kernel) + self.output_bias

  def step(self, tokens, state):
    """Reads one token per sequence.

    Args:
      tokens: int32 [B], the token just emitted (or the start token).
      state: (h, c), float32 [B, H] each.

    Returns:
      logits: float32 [B, V] for the next token; state: the new (h, c).
    """
    input_proj = self._matmul(tf.gather(self.embedding, tokens), self.kernel)
    state = self._cell(input_proj, state)
    return self._logits(state[0]), state

  def _shifted_inputs(self, tokens):
    """[start, y_1, ..., y_{T-1}]: the inputs that predict y_1..y_T."""
    start = tf.fill([tf.shape(tokens)[0], 1], self.config.start_token)
    return tf.concat([start, tokens[:, :-1]], axis=1)

  def teacher_forcing_states(self, tokens):
    """States after reading each of [start, y_1, ..., y_{T-1}].

    The time loop is unrolled in Python (T is static): XLA then fuses each
    step with its output layer, which a `tf.scan` would keep apart.

    Args:
      tokens: int32 [B, T] with a static T.

    Returns:
      A list of T states (h, c), float32 [B, H] each; index t holds the
      state that predicts y_{t+1} (0-based t), having read start and y_1..y_t.
    """
    inputs = self._shifted_inputs(tokens)
    # All input projections in one matmul; only the recurrence is sequential.
    input_proj = self._matmul(tf.gather(self.embedding, inputs), self.kernel)
    state = self.initial_state(tf.shape(tokens)[0])
    states = []
    for t in range(_static_length(tokens)):
      state = self._cell(input_proj[:, t], state)
      states.append(state)
    return states

  def call(self, tokens):
    """Teacher-forced next-token logits.

    Args:
      tokens: int32 [B, T], the target sequences.

    Returns:
      float32 [B, T, V]; position t scores y_t given y_<t.
    """
    return tf.stack([self._logits(h)
                     for h, _ in self.teacher_forcing_states(tokens)], axis=1)

  def token_log_probs(self, tokens, temperature=1.0, for_gradient=True):
    """log G(y_t | y_<t) of every token, float32 [B, T].

    One softmax per time step: each [B, V] block of logits is read while it
    is still in cache, and no [B, T, V] tensor is built. For a gradient
    (training) that is the fused cross-entropy, whose backward pass is
    softmax - onehot. `for_gradient=False` (evaluation) takes a log-softmax
    and gathers the targets instead: the same values, faster under XLA
    without a backward pass to feed (and slower for training, so each
    keeps its own form).

    Args:
      tokens: int32 [B, T].
      temperature: the softmax temperature (a Python float); 1 is G itself.
      for_gradient: False where no gradient is taken.
    """
    def log_probs(logits, targets):
      if for_gradient:
        return -tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=targets, logits=logits)
      return tf.gather(tf.nn.log_softmax(logits), targets, batch_dims=1)

    return tf.stack([
        log_probs(_tempered(self._logits(h), temperature), tokens[:, t])
        for t, (h, _) in enumerate(self.teacher_forcing_states(tokens))
    ], axis=1)

  def scheduled_sampling_log_probs(self, tokens, true_input_prob, rng,
                                   rows=None):
    """log G(y_t | inputs) with scheduled sampling (Bengio et al., 2015).

    The input at step t + 1 is the true token y_t with probability
    `true_input_prob` (a coin per token), else a token drawn from G's own
    prediction at step t. With probability 1 this is teacher forcing.

    Args:
      tokens: int32 [B, T], the target sequences.
      true_input_prob: float32 scalar, the paper's omega.
      rng: a `tf.random.Generator` for the coins and the draws, or the
        seeds `scheduled_sampling_seeds` drew from one.
      rows: these rows' place in a larger batch (`categorical`): each row's
        coins and draws are that row's in the whole batch. None for a whole
        batch.

    Returns:
      (log_probs float32 [B, T], inputs int32 [B, T]): the targets' log
      probabilities, and the tokens fed (inputs[:, 0] is the start token).
    """
    batch_size, seq_len = tf.shape(tokens)[0], _static_length(tokens)
    inputs = tf.fill([batch_size], self.config.start_token)
    state = self.initial_state(batch_size)
    if hasattr(rng, "make_seeds"):
      rng = scheduled_sampling_seeds(rng, seq_len)
    draw_seeds, coin_seeds = tf.transpose(rng[0]), tf.transpose(rng[1])
    log_probs, fed = [], []
    for t in range(seq_len):
      fed.append(inputs)
      logits, state = self.step(inputs, state)
      log_probs.append(-tf.nn.sparse_softmax_cross_entropy_with_logits(
          labels=tokens[:, t], logits=logits))
      own = categorical(tf.stop_gradient(logits), draw_seeds[t], rows)
      # uniform in [0, 1): always below 1, never below 0.
      true = row_uniforms(batch_size, coin_seeds[t], rows)
      inputs = tf.where(true < true_input_prob, tokens[:, t], own)
    return tf.stack(log_probs, axis=1), tf.stack(fed, axis=1)

  def sample_continuation(self, tokens, state, num_steps, rng,
                          temperature=1.0, rows=None):
    """Samples `num_steps` tokens after `tokens` [B] read from `state`.

    A Python int `num_steps` unrolls the loop (whole sequences: faster than a
    graph loop, see docs/performance.md); a tensor, as the rollout passes,
    makes a `tf.scan`, which keeps the rollout's graph quick to trace.

    Args:
      tokens: int32 [B], the last token of each prefix (or the start token).
      state: (h, c) before reading `tokens`.
      num_steps: int32 scalar (Python int or tensor), tokens to draw.
      rng: a `tf.random.Generator` giving the per-step seeds, an int32
        [2] stateless seed they are split from, or the per-step seeds
        themselves, int32 [num_steps, 2] (`step_seeds`).
      temperature: the softmax temperature (a Python float); 1 is G itself.
      rows: these rows' place in a larger batch (`categorical`); None for
        a whole batch.

    Returns:
      int32 [B, num_steps].
    """
    def draw(carry, seed):
      tokens, state = carry[0], carry[1:]
      logits, state = self.step(tokens, state)
      return (categorical(_tempered(logits, temperature), seed, rows),) + state

    if hasattr(rng, "make_seeds"):  # A tf.random.Generator, or alike.
      seeds = step_seeds(rng, num_steps)
    elif tf.convert_to_tensor(rng).shape.rank == 2:
      seeds = rng
    else:
      seeds = tf.random.experimental.stateless_split(rng, num_steps)
    if not isinstance(num_steps, int) or num_steps == 0:
      drawn, _, _ = tf.scan(draw, seeds, initializer=(tokens,) + tuple(state))
      return tf.transpose(drawn)
    carry, drawn = (tokens,) + tuple(state), []
    for t in range(num_steps):
      carry = draw(carry, seeds[t])
      drawn.append(carry[0])
    return tf.stack(drawn, axis=1)

  def sample(self, batch_size, rng, temperature=1.0, rows=None):
    """Draws `batch_size` whole sequences, int32 [batch_size, T].

    `rng` and `rows` as `sample_continuation`'s: a replica given the
    per-step seeds of the whole batch and its `rows` draws those rows of it.
    """
    start = tf.fill([batch_size], self.config.start_token)
    return self.sample_continuation(start, self.initial_state(batch_size),
                                    self.config.seq_len, rng, temperature,
                                    rows)


def step_seeds(rng, num_steps):
  """int32 [num_steps, 2]: one stateless seed per sampling step, drawn from
  `rng` (a `tf.random.Generator`) as `Generator.sample_continuation` draws
  them, so that drawing them first and passing them on samples the same."""
  return tf.transpose(rng.make_seeds(num_steps))


def scheduled_sampling_seeds(rng, seq_len):
  """int32 [2, 2, seq_len]: the seeds of a scheduled-sampling batch's draws
  and of its coins, drawn from `rng` (a `tf.random.Generator`)."""
  return tf.stack([rng.make_seeds(seq_len), rng.make_seeds(seq_len)])


def _normal_initializer(stddev, seed):
  """An initializer whose every call is a fresh N(0, stddev) draw.

  The authors draw each weight on its own (`init_matrix` per weight). A
  Keras initializer fixes its seed when it is made and returns the same
  values at every call, so one shared instance would make the kernel equal
  the recurrent kernel; one numpy stream, read weight after weight, does not.
  """
  if seed is None:
    seed = np.random.randint(2**31)
  rng = np.random.default_rng(seed)

  def initializer(shape, dtype=None):
    del dtype  # Variables are float32; the draw is made in float64.
    return rng.normal(0.0, stddev, shape).astype(np.float32)

  return initializer


def _tempered(logits, temperature):
  """logits / temperature; at a Python 1.0 the graph is unchanged.

  `temperature` may also be a float32 tensor (an exported model's input).
  """
  if isinstance(temperature, (int, float)) and temperature == 1.0:
    return logits
  return logits / temperature
