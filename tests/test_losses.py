import keras
import numpy as np
import tensorflow as tf

from seqgan_tf import generator as generator_lib
from seqgan_tf import losses


def test_mle_loss_is_mean_token_nll(gen_config):
  g = generator_lib.Generator(gen_config)
  tokens = tf.constant([[0, 1, 2, 3, 4, 5], [3, 4, 0, 11, 7, 7]])
  log_p = tf.nn.log_softmax(g(tokens)).numpy()  # The full [B, T, V] route.
  expected = -np.mean([log_p[b, t, tokens[b, t]] for b in range(2)
                       for t in range(6)])
  np.testing.assert_allclose(losses.mle_loss(g.token_log_probs(tokens)),
                             expected, rtol=1e-5)


def test_policy_gradient_loss_is_a_reward_weighted_sum():
  log_probs = tf.math.log(tf.constant([[0.5, 0.25, 0.1], [0.9, 0.3, 0.2]]))
  rewards = tf.constant([[0.5, 1.0, 0.0], [0.2, 0.3, 0.9]])
  expected = -np.sum(np.log([[0.5, 0.25, 0.1], [0.9, 0.3, 0.2]]) *
                     rewards.numpy())
  np.testing.assert_allclose(losses.policy_gradient_loss(log_probs, rewards),
                             expected, rtol=1e-5)


def test_extreme_logits_give_finite_loss_and_gradients(gen_config):
  g = generator_lib.Generator(gen_config)
  g.output_kernel.assign(g.output_kernel * 1e4)
  tokens = tf.constant([[1, 2, 3, 4, 5, 6]])
  with tf.GradientTape() as tape:
    loss = losses.policy_gradient_loss(g.token_log_probs(tokens),
                                       tf.ones([1, 6]))
  grads = tape.gradient(loss, g.trainable_variables)
  assert np.isfinite(loss.numpy())
  assert all(np.all(np.isfinite(tf.convert_to_tensor(x).numpy()))
             for x in grads)


def test_pg_step_raises_probability_of_rewarded_token(gen_config):
  g = generator_lib.Generator(gen_config)
  tokens = tf.constant([[3, 5, 7, 1, 2, 3]], tf.int32)
  rewards = tf.constant([[0.0, 0.0, 1.0, 0.0, 0.0, 0.0]])  # Only y_3 = 7.
  before = g.token_log_probs(tokens).numpy()[0]
  optimizer = keras.optimizers.Adam(0.01)
  with tf.GradientTape() as tape:
    loss = losses.policy_gradient_loss(g.token_log_probs(tokens), rewards)
  grads = tape.gradient(loss, g.trainable_variables)
  optimizer.apply_gradients(zip(grads, g.trainable_variables))
  after = g.token_log_probs(tokens).numpy()[0]
  assert after[2] > before[2]


def test_discriminator_loss_adds_l2():
  logits = tf.constant([[0.0, 0.0]])
  base = losses.discriminator_loss(logits, tf.constant([1]), 0.0, 0.2)
  np.testing.assert_allclose(base, np.log(2), rtol=1e-6)
  with_l2 = losses.discriminator_loss(logits, tf.constant([1]), 3.0, 0.2)
  np.testing.assert_allclose(with_l2 - base, 0.6, rtol=1e-5)
