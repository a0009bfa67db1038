"""The CNN discriminator D_phi (Kim 2014 with a highway layer, paper Sec. 4)."""

import keras
import tensorflow as tf

from seqgan_tf import precision


class Discriminator(keras.Model):
  """Scores token sequences: class 1 is "real", class 0 "generated".

  Embedding -> one Conv1D per filter width over the embedding channels ->
  ReLU -> max over time -> concatenation -> one highway layer -> dropout ->
  2-way logits. The authors convolve a 4-D [B, T, E, 1] tensor with [w, E, 1, n]
  kernels; a Conv1D over E channels is the same function, without the 4-D
  form's slow oneDNN path on a CPU. Initialisers follow the authors' `discriminator.py`.
  """

  def __init__(self, config, name="discriminator"):
    super().__init__(name=name)
    self.config = config
    self.embedding = self.add_weight(
        shape=(config.vocab_size, config.emb_dim),
        initializer=keras.initializers.RandomUniform(-1.0, 1.0),
        name="embedding")
    # bf16: convolutions and highway compute in bfloat16 on float32
    # variables; the output layer, its softmax and the loss stay float32.
    policy = precision.policy(config.precision)
    self.convolutions = [
        keras.layers.Conv1D(
            count, width, activation="relu", dtype=policy,
            kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),
            bias_initializer=keras.initializers.Constant(0.1),
            name=f"conv_w{width}") for width, count in config.used_filters()
    ]
    features = sum(count for _, count in config.used_filters())
    # The authors' `linear()` takes tf.get_variable's default initialiser,
    # Glorot uniform, for the matrix and the bias alike.
    highway = dict(units=features, kernel_initializer="glorot_uniform",
                   bias_initializer="glorot_uniform", dtype=policy)
    self.highway_transform = keras.layers.Dense(activation="relu",
                                                name="highway_transform",
                                                **highway)
    self.highway_gate = keras.layers.Dense(activation="sigmoid",
                                           name="highway_gate", **highway)
    self.output_layer = keras.layers.Dense(
        2, kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),
        bias_initializer=keras.initializers.Constant(0.1), name="output")
    self.build((None, config.seq_len))

  def build(self, input_shape):
    embedded = (None, self.config.seq_len, self.config.emb_dim)
    for conv in self.convolutions:
      conv.build(embedded)
    features = (None, self.highway_transform.units)
    self.highway_transform.build(features)
    self.highway_gate.build(features)
    self.output_layer.build(features)
    self.built = True

  def call(self, tokens, training=False, dropout_seed=None, dropout_rows=None):
    """Class logits.

    Args:
      tokens: int32 [B, T].
      training: applies dropout when True.
      dropout_seed: int32 [2], required when training: dropout masks come from
        this seed (drawn from the run's checkpointed RNG) so a resumed run
        draws the same masks; Keras' Dropout keeps a seed state that
        tf.train.Checkpoint does not save.
      dropout_rows: int32 [start, total] when `tokens` are rows start.. of a batch
        of `total` split across replicas: the masks are those rows of the
        whole batch's, so that they do not depend on the replica count.

    Returns:
      float32 [B, 2]; index 1 is "real".
    """
    embedded = tf.gather(self.embedding, tokens)
    pooled = [tf.reduce_max(self._convolve(conv, embedded), axis=1)
              for conv in self.convolutions]
    return self._head(tf.concat(pooled, axis=-1), training, dropout_seed,
                      dropout_rows)

  def _head(self, features, training=False, dropout_seed=None,
            dropout_rows=None):
    """Highway, dropout and output layer on the pooled features [B, 1720].

    The highway's two layers run through `_dense` (the Keras layers hold
    the variables). Dropout and the output layer see float32 features in
    both precisions, so bf16 draws the same dropout masks as fp32.
    """
    features = tf.cast(features, self.highway_gate.compute_dtype)
    gate = _dense(self.highway_gate, features, tf.sigmoid)
    transform = _dense(self.highway_transform, features, tf.nn.relu)
    features = tf.cast(gate * transform + (1.0 - gate) * features, tf.float32)
    if training and self.config.dropout_keep_prob < 1.0:
      rate = 1.0 - self.config.dropout_keep_prob
      if dropout_rows is None:
        features = tf.nn.experimental.stateless_dropout(features, rate=rate,
                                                        seed=dropout_seed)
      else:  # stateless_dropout's arithmetic on those rows of its noise.
        start, total = dropout_rows[0], dropout_rows[1]
        noise = tf.random.stateless_uniform([total, features.shape[-1]],
                                            dropout_seed)
        noise = noise[start:start + tf.shape(features)[0]]
        features = tf.where(noise >= rate, features * (1.0 / (1.0 - rate)),
                            0.0)
    return self.output_layer(features)

  def _convolve(self, conv, embedded):
    """ReLU(conv(embedded)), [B, T - w + 1, n] for a width-w `conv`.

    A filter wider than half the sequence has few windows, where Conv1D's
    backward pass is slow on a CPU: those windows are framed into one
    [B * windows, w * E] matrix and multiplied by the same kernel instead
    (the same function; docs/performance.md has the timings).
    """
    width = conv.kernel.shape[0]
    if 2 * width <= self.config.seq_len:
      return conv(embedded)
    windows = tf.signal.frame(embedded, width, 1, axis=1)  # [B, L, w, E]
    batch_size, count = tf.shape(windows)[0], tf.shape(windows)[1]
    flat = tf.reshape(windows, [batch_size * count, width * self.config.emb_dim])
    kernel = tf.reshape(conv.kernel, [width * self.config.emb_dim, -1])
    dtype = conv.compute_dtype
    out = tf.nn.relu(tf.matmul(tf.cast(flat, dtype), tf.cast(kernel, dtype)) +
                     tf.cast(conv.bias, dtype))
    return tf.reshape(out, [batch_size, count, -1])

  def prob_real(self, tokens):
    """D(Y): probability that each sequence is real, float32 [B], no dropout."""
    return tf.nn.softmax(self(tokens, training=False))[:, 1]

  def rollout_scorer(self, samples):
    """D(Y) for rollouts of `samples`' prefixes, sharing the prefixes' windows.

    A completion of the prefix Y_{1:t} has the same tokens as Y in every
    convolution window that ends inside the prefix, so those windows'
    activations are computed once on `samples` and only the windows that
    reach past position t are convolved for the completions (a third of the
    convolution arithmetic of the paper's rollouts). Max-pooling is then
    the larger of the two maxima. The same function as `prob_real` up to
    float rounding.

    Args:
      samples: int32 [B, T], the sequences whose prefixes are completed.

    Returns:
      `score(completions, given_num)`: completions int32 [N * B, T],
      rollout-major (row r * B + b completes `samples[b]`), whose first
      `given_num` tokens are the prefix of `samples`; returns float32
      [N * B] probabilities of "real". A Python int `given_num` equal to T
      scores `samples` themselves.
    """
    embedded_samples = tf.gather(self.embedding, samples)
    activations = [self._convolve(conv, embedded_samples)
                   for conv in self.convolutions]  # each [B, T - w + 1, n]
    seq_len = self.config.seq_len

    def score(completions, given_num):
      if isinstance(given_num, int) and given_num == seq_len:
        pooled = [tf.reduce_max(a, axis=1) for a in activations]
      else:
        repeats = tf.shape(completions)[0] // tf.shape(samples)[0]
        embedded = tf.gather(self.embedding, completions)
        pooled = []
        for conv, activation in zip(self.convolutions, activations):
          # Windows 0 .. t - w lie inside the prefix; the rest need the
          # completion (at least one, as t < T). ReLU makes both maxima >= 0,
          # and the max over no windows is -inf.
          shared = tf.maximum(given_num - conv.kernel.shape[0] + 1, 0)
          prefix = tf.reduce_max(activation[:, :shared], axis=1)
          rest = tf.reduce_max(self._convolve(conv, embedded[:, shared:]),
                               axis=1)
          pooled.append(tf.maximum(tf.tile(prefix, [repeats, 1]), rest))
      return tf.nn.softmax(self._head(tf.concat(pooled, axis=-1)))[:, 1]

    return score

  def l2_penalty(self):
    """tf.nn.l2_loss of the output layer's kernel and bias (authors' L2)."""
    return (tf.nn.l2_loss(self.output_layer.kernel) +
            tf.nn.l2_loss(self.output_layer.bias))


def _dense(layer, x, activation):
  """activation(x @ kernel + bias) of a Keras `Dense` layer's variables.

  The same function as `layer(x)` with its activation (`tf.sigmoid` or
  `tf.nn.relu`), with one change in the backward pass: the input gradient
  dz @ kernel^T is computed as (kernel @ dz^T)^T. oneDNN multiplies a
  [64, 1720] matrix by a transposed [1720, 1720] one at about half the
  speed of the untransposed product, and the highway layer's input
  gradients are two such products per D batch.

  Args:
    layer: a built `keras.layers.Dense`; its compute dtype is used.
    x: [B, in] in that dtype.
    activation: `tf.sigmoid` or `tf.nn.relu`.
  """
  dtype = layer.compute_dtype
  kernel = tf.cast(tf.convert_to_tensor(layer.kernel), dtype)
  bias = tf.cast(tf.convert_to_tensor(layer.bias), dtype)

  @tf.custom_gradient
  def dense(x, kernel, bias):
    y = activation(tf.nn.bias_add(tf.matmul(x, kernel), bias))

    def grad(dy):
      if activation is tf.sigmoid:
        dz = dy * y * (1.0 - y)
      elif activation is tf.nn.relu:
        dz = dy * tf.cast(y > 0, dy.dtype)
      else:
        raise ValueError(f"no gradient for activation {activation}")
      dx = tf.transpose(tf.matmul(kernel, dz, transpose_b=True))
      return (dx, tf.matmul(x, dz, transpose_a=True),
              tf.reduce_sum(dz, axis=0))

    return y, grad

  return dense(x, kernel, bias)
