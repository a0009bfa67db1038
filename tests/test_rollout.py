import numpy as np
import tensorflow as tf

from seqgan_tf import generator as generator_lib
from seqgan_tf import rollout as rollout_lib
from tests.conftest import tiny_generator_config


def _always_emit(model, token):
  """Makes `model` put all its probability on `token`."""
  bias = np.full([model.config.vocab_size], -50.0, np.float32)
  bias[token] = 50.0
  model.output_bias.assign(bias)


def test_complete_keeps_the_prefix(gen_config):
  g = generator_lib.Generator(gen_config)
  rollout = rollout_lib.Rollout(g)
  samples = g.sample(5, tf.random.Generator.from_seed(0))
  rng = tf.random.Generator.from_seed(1)
  for given_num in range(1, gen_config.seq_len + 1):
    completed = rollout.complete(samples, given_num, 3, rng).numpy()
    assert completed.shape == (15, gen_config.seq_len)
    np.testing.assert_array_equal(completed[:, :given_num],
                                  np.tile(samples.numpy(), [3, 1])[:, :given_num])


def test_rollout_samples_from_beta_not_theta(gen_config):
  g = generator_lib.Generator(gen_config)
  rollout = rollout_lib.Rollout(g)
  _always_emit(rollout.policy, 4)  # beta emits 4 ...
  _always_emit(g, 9)  # ... while theta emits 9.
  samples = tf.fill([3, gen_config.seq_len], 1)
  completed = rollout.complete(samples, 2, 2, tf.random.Generator.from_seed(0))
  assert np.all(completed.numpy()[:, 2:] == 4)


def test_update_arithmetic():
  g = generator_lib.Generator(tiny_generator_config())
  rollout = rollout_lib.Rollout(g, update_rate=0.8)
  for beta in rollout.policy.weights:  # Start from a known beta: all ones.
    beta.assign(tf.ones_like(beta))
  theta = [w.numpy() for w in g.weights]
  rollout.update(g)
  for beta, theta_value in zip(rollout.policy.weights, theta):
    np.testing.assert_allclose(beta.numpy(), 0.8 + 0.2 * theta_value, rtol=1e-6)


def test_paper_update_copies_theta():
  g = generator_lib.Generator(tiny_generator_config())
  rollout = rollout_lib.Rollout(g)  # update_rate 0: beta <- theta.
  g.output_bias.assign(g.output_bias + 1.0)
  assert not np.allclose(rollout.policy.output_bias, g.output_bias)
  rollout.update(g)
  for beta, theta in zip(rollout.policy.weights, g.weights):
    np.testing.assert_array_equal(beta.numpy(), theta.numpy())


def test_rewards_shape_range_and_last_column(gen_config):
  g = generator_lib.Generator(gen_config)
  rollout = rollout_lib.Rollout(g)
  samples = g.sample(4, tf.random.Generator.from_seed(0))
  # Any reward in [0, 1] works; this one likes small token ids.
  reward_fn = lambda tokens, _: tf.reduce_mean(
      tf.cast(tokens < 6, tf.float32), axis=1)
  rewards = rollout.rewards(samples, reward_fn, 3,
                            tf.random.Generator.from_seed(1)).numpy()
  assert rewards.shape == (4, gen_config.seq_len)
  assert np.all((rewards >= 0) & (rewards <= 1))
  np.testing.assert_allclose(rewards[:, -1], reward_fn(samples, None).numpy())


def test_rewards_average_the_rollouts_exactly(gen_config):
  """With beta always emitting 4, Q(t) = (4s in prefix + T - t) / T."""
  g = generator_lib.Generator(gen_config)
  rollout = rollout_lib.Rollout(g)
  _always_emit(rollout.policy, 4)
  samples = tf.constant([[4, 1, 4, 1, 1, 1], [1, 1, 1, 1, 1, 4]], tf.int32)
  reward_fn = lambda tokens, _: tf.reduce_mean(
      tf.cast(tokens == 4, tf.float32), axis=1)
  rewards = rollout.rewards(samples, reward_fn, 4,
                            tf.random.Generator.from_seed(1)).numpy()
  seq_len = gen_config.seq_len
  for b, row in enumerate(samples.numpy()):
    expected = [(np.sum(row[:t] == 4) + seq_len - t) / seq_len
                for t in range(1, seq_len)] + [np.mean(row == 4)]
    np.testing.assert_allclose(rewards[b], expected, rtol=1e-6)


def test_a_batch_split_in_rows_rolls_out_as_the_whole(gen_config):
  # What each replica computes for its rows under --strategy=mirrored.
  g = generator_lib.Generator(gen_config)
  rollout = rollout_lib.Rollout(g)
  samples = g.sample(6, tf.random.Generator.from_seed(0))
  seed = tf.constant([3, 4], tf.int32)
  reward_fn = lambda tokens, _: tf.reduce_mean(
      tf.cast(tokens < 6, tf.float32), axis=1)
  whole = rollout.rewards(samples, reward_fn, 3, seed).numpy()
  parts = [rollout.rewards(samples[start:start + 3], reward_fn, 3, seed,
                           rows=(tf.range(start, start + 3), 6)).numpy()
           for start in (0, 3)]
  np.testing.assert_array_equal(np.concatenate(parts), whole)
  # Not equal by chance: another seed rolls out otherwise.
  other = rollout.rewards(samples, reward_fn, 3, tf.constant([5, 6])).numpy()
  assert not np.array_equal(other, whole)
