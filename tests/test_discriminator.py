import keras
import numpy as np
import pytest
import tensorflow as tf

from seqgan_tf import config as config_lib
from seqgan_tf import discriminator as discriminator_lib
from seqgan_tf import losses
from tests.conftest import tiny_discriminator_config


def test_logits_shape_and_wide_filters_dropped(dis_config):
  d = discriminator_lib.Discriminator(dis_config)
  assert [c.kernel_size[0] for c in d.convolutions] == [2, 3]  # 9 > seq_len.
  assert d.highway_gate.units == 4 + 5
  logits = d(tf.zeros([5, 6], tf.int32))
  assert logits.shape == (5, 2) and logits.dtype == tf.float32


def test_paper_discriminator_has_1720_features():
  d = discriminator_lib.Discriminator(config_lib.DiscriminatorConfig())
  assert d.highway_gate.units == 1720


def test_prob_real_in_unit_interval_and_deterministic(dis_config):
  d = discriminator_lib.Discriminator(dis_config)
  tokens = tf.random.stateless_uniform([20, 6], [0, 1], 0, 12, tf.int32)
  probs = d.prob_real(tokens).numpy()
  assert probs.shape == (20,)
  assert np.all((probs >= 0) & (probs <= 1))
  np.testing.assert_array_equal(probs, d.prob_real(tokens).numpy())


def test_dropout_only_while_training(dis_config):
  d = discriminator_lib.Discriminator(dis_config)
  tokens = tf.ones([64, 6], tf.int32)
  trained = d(tokens, training=True, dropout_seed=[1, 2]).numpy()
  assert not np.allclose(trained, trained[:1])  # Masks differ per row.
  np.testing.assert_array_equal(
      trained, d(tokens, training=True, dropout_seed=[1, 2]).numpy())
  scored = d(tokens, training=False).numpy()
  np.testing.assert_allclose(scored, scored[:1].repeat(64, 0), rtol=1e-6)


def test_all_widths_too_long_is_an_error():
  with pytest.raises(ValueError, match="every width is larger"):
    config_lib.DiscriminatorConfig(seq_len=4, filter_sizes=(5, 6),
                                   num_filters=(2, 2)).validate()


def test_loss_falls_on_separable_data(dis_config):
  # D's initialisers draw from Keras' global seed: fix it, so the result
  # does not depend on which tests ran before in the same process.
  keras.utils.set_random_seed(0)
  d = discriminator_lib.Discriminator(dis_config)
  real = tf.constant(np.tile([1, 2, 3, 1, 2, 3], [16, 1]), tf.int32)
  fake = tf.constant(np.tile([7, 7, 8, 8, 9, 9], [16, 1]), tf.int32)
  tokens = tf.concat([real, fake], 0)
  labels = tf.constant([1] * 16 + [0] * 16)
  optimizer = keras.optimizers.Adam(1e-2)

  @tf.function
  def step():
    with tf.GradientTape() as tape:
      loss = losses.discriminator_loss(d(tokens, training=True,
                                         dropout_seed=[0, 1]), labels,
                                       d.l2_penalty(), 0.2)
    grads = tape.gradient(loss, d.trainable_variables)
    optimizer.apply_gradients(zip(grads, d.trainable_variables))
    return loss

  first = float(step())
  for _ in range(40):
    step()
  assert float(step()) < 0.5 * first
  assert float(tf.reduce_mean(d.prob_real(real))) > 0.9
  assert float(tf.reduce_mean(d.prob_real(fake))) < 0.1


def test_wide_filters_framed_as_matmul_equal_conv1d():
  config = tiny_discriminator_config(filter_sizes=(2, 4, 6),
                                     num_filters=(3, 4, 5))
  d = discriminator_lib.Discriminator(config)
  embedded = tf.random.stateless_normal([3, config.seq_len, config.emb_dim],
                                        [0, 1])
  for conv in d.convolutions:  # Widths 4 and 6 of 6 take the matmul route.
    np.testing.assert_allclose(d._convolve(conv, embedded), conv(embedded),
                               rtol=1e-5, atol=1e-6)


def test_rollout_scorer_equals_prob_real_on_every_prefix():
  """Sharing the prefix's windows changes nothing but rounding."""
  config = tiny_discriminator_config(filter_sizes=(1, 2, 4, 6),
                                     num_filters=(3, 4, 5, 2))
  d = discriminator_lib.Discriminator(config)
  samples = tf.random.stateless_uniform([3, config.seq_len], [0, 1], 0,
                                        config.vocab_size, tf.int32)
  score = d.rollout_scorer(samples)
  for given_num in range(1, config.seq_len):
    # Two completions per sample that keep its prefix, rollout-major.
    fresh = tf.random.stateless_uniform([6, config.seq_len], [given_num, 2],
                                        0, config.vocab_size, tf.int32)
    completions = tf.concat([tf.tile(samples, [2, 1])[:, :given_num],
                             fresh[:, given_num:]], axis=1)
    np.testing.assert_allclose(score(completions, tf.constant(given_num)),
                               d.prob_real(completions), rtol=1e-5)
  np.testing.assert_allclose(score(samples, config.seq_len),
                             d.prob_real(samples), rtol=1e-5)


@pytest.mark.parametrize("layer_name,activation",
                         [("highway_gate", tf.sigmoid),
                          ("highway_transform", tf.nn.relu)])
def test_highway_dense_equals_the_keras_layer_and_its_gradients(
    dis_config, layer_name, activation):
  """`_dense` (input gradient as (W dz^T)^T) is the layer, forward and back."""
  d = discriminator_lib.Discriminator(dis_config)
  layer = getattr(d, layer_name)
  x = tf.random.stateless_normal([7, layer.units], [0, 3])
  upstream = tf.random.stateless_normal([7, layer.units], [0, 4])
  results = []
  for fn in (layer, lambda x: discriminator_lib._dense(layer, x, activation)):
    with tf.GradientTape() as tape:
      tape.watch(x)
      y = fn(x)
      loss = tf.reduce_sum(y * upstream)
    results.append([y] + tape.gradient(loss, [x, layer.kernel, layer.bias]))
  for keras_value, ours in zip(*results):
    np.testing.assert_allclose(ours.numpy(), keras_value.numpy(), atol=1e-5)
  assert np.any(results[0][1].numpy() != 0)  # Gradients flow at all.
