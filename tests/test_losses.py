import keras
import numpy as np
import tensorflow as tf

from seqgan_tf import generator as generator_lib
from seqgan_tf import losses


def test_mle_loss_is_mean_token_nll():
  logits = tf.constant(np.random.default_rng(0).normal(size=[2, 3, 5]),
                       tf.float32)
  tokens = tf.constant([[0, 1, 2], [3, 4, 0]])
  log_p = tf.nn.log_softmax(logits).numpy()
  expected = -np.mean([log_p[b, t, tokens[b, t]] for b in range(2)
                       for t in range(3)])
  np.testing.assert_allclose(losses.mle_loss(logits, tokens), expected,
                             rtol=1e-6)


def test_policy_gradient_loss_is_a_reward_weighted_sum():
  logits = tf.constant(np.random.default_rng(1).normal(size=[2, 3, 4]),
                       tf.float32)
  tokens = tf.constant([[0, 1, 2], [3, 2, 1]])
  rewards = tf.constant([[0.5, 1.0, 0.0], [0.2, 0.3, 0.9]])
  log_p = tf.nn.log_softmax(logits).numpy()
  expected = -sum(log_p[b, t, tokens[b, t]] * rewards[b, t]
                  for b in range(2) for t in range(3))
  np.testing.assert_allclose(
      losses.policy_gradient_loss(logits, tokens, rewards), expected, rtol=1e-5)


def test_extreme_logits_give_finite_loss_and_gradients():
  logits = tf.Variable([[[1e4, -1e4, 0.0]]])
  with tf.GradientTape() as tape:
    loss = losses.policy_gradient_loss(logits, tf.constant([[1]]),
                                       tf.constant([[1.0]]))
  assert np.isfinite(loss.numpy())
  assert np.all(np.isfinite(tape.gradient(loss, logits).numpy()))


def test_pg_step_raises_probability_of_rewarded_token(gen_config):
  g = generator_lib.Generator(gen_config)
  tokens = tf.constant([[3, 5, 7, 1, 2, 3]], tf.int32)
  rewards = tf.constant([[0.0, 0.0, 1.0, 0.0, 0.0, 0.0]])  # Only y_3 = 7.
  before = g.token_log_probs(tokens).numpy()[0]
  optimizer = keras.optimizers.Adam(0.01)
  with tf.GradientTape() as tape:
    loss = losses.policy_gradient_loss(g(tokens), tokens, rewards)
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
