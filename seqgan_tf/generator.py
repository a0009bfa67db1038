"""The LSTM generator G_theta, also used as the synthetic oracle.

One single-step cell (`step`) serves teacher forcing, sampling, Monte-Carlo
rollouts and the oracle; the authors' code wrote the same LSTM four times.
"""

import keras
import numpy as np
import tensorflow as tf

# Order of the 15 arrays in the authors' oracle pickle (target_lstm.py):
# embedding; then input, forget, output gates and cell candidate, each as
# (W [E,H], U [H,H], b [H]); then the output layer Wo [H,V], bo [V].
ORACLE_PARAM_NAMES = ("embedding", "Wi", "Ui", "bi", "Wf", "Uf", "bf", "Wog",
                      "Uog", "bog", "Wc", "Uc", "bc", "Wo", "bo")
_GATES = ("i", "f", "og", "c")


def oracle_param_shapes(vocab_size, emb_dim, hidden_dim):
  """Shapes of the 15 arrays, in `ORACLE_PARAM_NAMES` order."""
  shapes = [(vocab_size, emb_dim)]
  for _ in _GATES:
    shapes += [(emb_dim, hidden_dim), (hidden_dim, hidden_dim), (hidden_dim,)]
  return shapes + [(hidden_dim, vocab_size), (vocab_size,)]


class Generator(keras.Model):
  """LSTM language model over token ids.

  The four gates are fused into one kernel [E, 4H] (order i, f, o, c~) so a
  step is two matmuls; `set_oracle_params` maps the authors' per-gate arrays
  onto it. The state is a pair (h, c), both [B, H] float32, zero at t=0.
  """

  def __init__(self, config, name="generator"):
    super().__init__(name=name)
    self.config = config
    vocab, emb, hidden = config.vocab_size, config.emb_dim, config.hidden_dim
    init = keras.initializers.RandomNormal(stddev=config.init_stddev)
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

  def initial_state(self, batch_size):
    zeros = tf.zeros((batch_size, self.config.hidden_dim))
    return zeros, zeros

  def _cell(self, input_proj, state):
    """One LSTM step on an already projected input `x @ kernel` [B, 4H]."""
    h, c = state
    gates = input_proj + tf.matmul(h, self.recurrent_kernel) + self.bias
    i, f, o, candidate = tf.split(gates, 4, axis=-1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(candidate)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c

  def _logits(self, h):
    return tf.matmul(h, self.output_kernel) + self.output_bias

  def step(self, tokens, state):
    """Reads one token per sequence.

    Args:
      tokens: int32 [B], the token just emitted (or the start token).
      state: (h, c), float32 [B, H] each.

    Returns:
      logits: float32 [B, V] for the next token; state: the new (h, c).
    """
    input_proj = tf.matmul(tf.gather(self.embedding, tokens), self.kernel)
    state = self._cell(input_proj, state)
    return self._logits(state[0]), state

  def _shifted_inputs(self, tokens):
    """[start, y_1, ..., y_{T-1}]: the inputs that predict y_1..y_T."""
    start = tf.fill([tf.shape(tokens)[0], 1], self.config.start_token)
    return tf.concat([start, tokens[:, :-1]], axis=1)

  def teacher_forcing_states(self, tokens):
    """States after reading each of [start, y_1, ..., y_{T-1}].

    Args:
      tokens: int32 [B, T].

    Returns:
      (h, c): float32 [T, B, H] each; index t holds the state that predicts
      y_{t+1} (0-based t), having read start and y_1..y_t.
    """
    inputs = self._shifted_inputs(tokens)
    # All input projections in one matmul; only the recurrence is sequential.
    input_proj = tf.matmul(tf.gather(self.embedding, inputs), self.kernel)
    return tf.scan(lambda state, x: self._cell(x, state),
                   tf.transpose(input_proj, [1, 0, 2]),
                   initializer=self.initial_state(tf.shape(tokens)[0]))

  def call(self, tokens):
    """Teacher-forced next-token logits.

    Args:
      tokens: int32 [B, T], the target sequences.

    Returns:
      float32 [B, T, V]; position t scores y_t given y_<t.
    """
    hs, _ = self.teacher_forcing_states(tokens)
    return self._logits(tf.transpose(hs, [1, 0, 2]))

  def sample_continuation(self, tokens, state, num_steps, rng):
    """Samples `num_steps` tokens after `tokens` [B] read from `state`.

    Args:
      tokens: int32 [B], the last token of each prefix (or the start token).
      state: (h, c) before reading `tokens`.
      num_steps: int32 scalar, tokens to draw.
      rng: `tf.random.Generator` giving the per-step seeds.

    Returns:
      int32 [B, num_steps].
    """
    def draw(carry, seed):
      tokens, state = carry[0], carry[1:]
      logits, state = self.step(tokens, state)
      # Categorical on logits at temperature 1: the authors' multinomial on
      # log(softmax), without the log of an underflowing softmax.
      tokens = tf.random.stateless_categorical(logits, 1, seed=seed,
                                               dtype=tf.int32)[:, 0]
      return (tokens,) + state

    seeds = tf.transpose(rng.make_seeds(num_steps))  # [num_steps, 2]
    drawn, _, _ = tf.scan(draw, seeds, initializer=(tokens,) + tuple(state))
    return tf.transpose(drawn)

  def sample(self, batch_size, rng):
    """Draws `batch_size` whole sequences, int32 [batch_size, T]."""
    start = tf.fill([batch_size], self.config.start_token)
    return self.sample_continuation(start, self.initial_state(batch_size),
                                    self.config.seq_len, rng)

  def token_log_probs(self, tokens):
    """log G(y_t | y_<t) of every token, float32 [B, T]."""
    log_probs = tf.nn.log_softmax(self(tokens))
    return tf.gather(log_probs, tokens, axis=-1, batch_dims=2)

  # --- the authors' oracle layout -------------------------------------------

  def oracle_params(self):
    """This model's weights as the authors' 15 arrays (float32 numpy)."""
    split = lambda w: np.split(np.asarray(w), 4, axis=-1)
    kernels, recurrents, biases = (split(self.kernel), split(
        self.recurrent_kernel), split(self.bias))
    params = [np.asarray(self.embedding)]
    for gate in range(len(_GATES)):
      params += [kernels[gate], recurrents[gate], biases[gate]]
    params += [np.asarray(self.output_kernel), np.asarray(self.output_bias)]
    return [p.astype(np.float32) for p in params]

  def set_oracle_params(self, params):
    """Loads the authors' 15 arrays (see `ORACLE_PARAM_NAMES`).

    Raises:
      ValueError: wrong count, shape or dtype, naming the first bad array.
    """
    cfg = self.config
    expected = oracle_param_shapes(cfg.vocab_size, cfg.emb_dim, cfg.hidden_dim)
    if not isinstance(params, (list, tuple)) or len(params) != len(expected):
      count = len(params) if isinstance(params, (list, tuple)) else "not a list"
      raise ValueError(
          f"oracle params: expected a list of {len(expected)} arrays "
          f"({', '.join(ORACLE_PARAM_NAMES)}), got {count}")
    arrays = []
    for name, shape, value in zip(ORACLE_PARAM_NAMES, expected, params):
      array = np.asarray(value)
      if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(f"oracle param {name}: dtype {array.dtype}, expected "
                         "float32")
      if array.shape != shape:
        raise ValueError(
            f"oracle param {name}: shape {array.shape}, expected {shape} for "
            f"vocab_size={cfg.vocab_size}, emb_dim={cfg.emb_dim}, "
            f"hidden_dim={cfg.hidden_dim}; pass matching flags")
      arrays.append(array.astype(np.float32))
    gates = [arrays[1 + 3 * g:4 + 3 * g] for g in range(len(_GATES))]
    self.embedding.assign(arrays[0])
    self.kernel.assign(np.concatenate([g[0] for g in gates], axis=1))
    self.recurrent_kernel.assign(np.concatenate([g[1] for g in gates], axis=1))
    self.bias.assign(np.concatenate([g[2] for g in gates]))
    self.output_kernel.assign(arrays[13])
    self.output_bias.assign(arrays[14])
