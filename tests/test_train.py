"""The trainer's `tf.function` steps on tiny configs."""

import numpy as np
import tensorflow as tf

from seqgan_tf import oracle as oracle_lib
from seqgan_tf import train
from seqgan_tf import runtime
from tests.conftest import NO_XLA
from tests.conftest import tiny_discriminator_config
from tests.conftest import tiny_synthetic_config


def _oracle_data(config, count=64):
  oracle = oracle_lib.build(config.generator,
                            oracle_lib.random_params(config.generator, seed=0))
  return oracle.sample(count, tf.random.Generator.from_seed(0))


def test_mle_epoch_loss_falls():
  config = tiny_synthetic_config()
  trainer = train.Trainer(config, NO_XLA)
  data = _oracle_data(config)
  first = float(trainer.mle_epoch(data))
  for _ in range(10):
    last = float(trainer.mle_epoch(data))
  assert last < first


def test_the_run_seed_fixes_the_initial_generator():
  """--seed names G's initial weights: same seed, same G; another, another."""
  weights = lambda seed: [w.numpy() for w in train.Trainer(
      tiny_synthetic_config(seed=seed), NO_XLA).generator.weights]
  for same, again in zip(weights(88), weights(88)):
    np.testing.assert_array_equal(same, again)
  assert not any(np.allclose(a, b) for a, b in zip(weights(88), weights(89)))
  kernel, recurrent = weights(88)[1:3]
  assert not np.allclose(kernel, recurrent)


def test_mle_loss_is_the_mean_token_nll():
  """The MLE loss of the authors' pretrain_loss: a mean, not a sum."""
  config = tiny_synthetic_config()
  trainer = train.Trainer(config, NO_XLA)
  data = _oracle_data(config, 8)
  loss, _ = trainer.generator_gradients(data)
  log_probs = tf.nn.log_softmax(trainer.generator(data)).numpy()
  token_log_probs = np.take_along_axis(log_probs, data.numpy()[..., None], -1)
  np.testing.assert_allclose(float(loss), -token_log_probs.mean(), rtol=1e-5)


def test_xla_gives_the_same_losses_and_gradients():
  config = tiny_synthetic_config()
  compiled = train.Trainer(config, runtime.RuntimeConfig(xla=True))
  plain = train.Trainer(config, NO_XLA)  # Same seed: same weights.
  tokens = plain.generate(8)
  rewards = tf.random.stateless_uniform(tokens.shape, [0, 1])
  for extra in ((), (rewards,)):  # MLE, then policy gradient.
    loss, grads = compiled.generator_gradients(tokens, *extra)
    plain_loss, plain_grads = plain.generator_gradients(tokens, *extra)
    np.testing.assert_allclose(loss, plain_loss, rtol=1e-5)
    for a, b in zip(grads, plain_grads):
      np.testing.assert_allclose(tf.convert_to_tensor(a),
                                 tf.convert_to_tensor(b), rtol=1e-4,
                                 atol=1e-6)


def test_policy_gradient_step_leaves_d_alone():
  config = tiny_synthetic_config()
  trainer = train.Trainer(config, NO_XLA)
  d_before = [w.numpy() for w in trainer.discriminator.weights]
  g_before = [w.numpy() for w in trainer.generator.trainable_weights]
  g_step = trainer.policy_gradient_step(trainer.discriminator.rollout_scorer)
  loss, reward = g_step()
  assert np.isfinite(float(loss)) and 0.0 <= float(reward) <= 1.0
  for before, after in zip(d_before, trainer.discriminator.weights):
    np.testing.assert_array_equal(before, after.numpy())
  assert any(not np.array_equal(b, a.numpy())
             for b, a in zip(g_before, trainer.generator.trainable_weights))


def test_policy_gradient_follows_the_reward_it_is_given():
  """A reward for token 3 makes G emit more 3s: the reward is a parameter."""
  config = tiny_synthetic_config(rollout_num=2, batch_size=16)
  trainer = train.Trainer(config, NO_XLA)
  likes_three = lambda samples: lambda tokens, t: tf.reduce_mean(
      tf.cast(tokens == 3, tf.float32), axis=1)
  g_step = trainer.policy_gradient_step(likes_three)
  rng = tf.random.Generator.from_seed(5)
  before = np.mean(trainer.generate(512, rng).numpy() == 3)
  for _ in range(40):
    g_step()
  after = np.mean(trainer.generate(512, rng).numpy() == 3)
  assert after > 2 * before


def test_generate_count():
  config = tiny_synthetic_config()
  samples = train.Trainer(config, NO_XLA).generate(37)
  assert samples.shape == (37, config.generator.seq_len)


def test_discriminator_round_learns_real_from_generated():
  """Real data labelled 1, G's samples 0: D's P(real) must tell them apart."""
  config = tiny_synthetic_config(
      batch_size=16,
      discriminator=tiny_discriminator_config(learning_rate=1e-2))
  trainer = train.Trainer(config, NO_XLA)
  real = tf.fill([64, config.generator.seq_len], 3)  # G never emits only 3s.
  for _ in range(8):
    loss = trainer.train_discriminator(real, epochs=2)
  assert np.isfinite(loss)
  p_real = trainer.discriminator.prob_real(real).numpy().mean()
  p_fake = trainer.discriminator.prob_real(trainer.generate(64)).numpy().mean()
  assert p_real > 0.8 and p_fake < 0.2


def test_checkpoint_round_trip(tmp_path):
  config = tiny_synthetic_config()
  trainer = train.Trainer(config, NO_XLA)
  trainer.mle_epoch(trainer.generate(32))  # Gives the optimiser some state.
  checkpoint = tf.train.Checkpoint(**trainer.checkpoint_items())
  path = checkpoint.save(str(tmp_path / "ckpt"))
  saved = [v.numpy() for v in checkpoint_variables(trainer)]
  next_samples = trainer.generate(8).numpy()

  trainer.mle_epoch(trainer.generate(32))  # Moves weights, Adam state and RNG.
  checkpoint.restore(path).assert_consumed()
  for before, after in zip(saved, checkpoint_variables(trainer)):
    np.testing.assert_array_equal(before, after.numpy())
  np.testing.assert_array_equal(next_samples, trainer.generate(8).numpy())

  fresh = train.Trainer(tiny_synthetic_config(seed=123), NO_XLA)
  tf.train.Checkpoint(**fresh.checkpoint_items()).restore(path)
  for before, after in zip(saved, checkpoint_variables(fresh)):
    np.testing.assert_array_equal(before, after.numpy())


def checkpoint_variables(trainer):
  return (trainer.generator.weights + trainer.discriminator.weights +
          trainer.rollout.policy.weights + trainer.mle_optimizer.variables +
          trainer.d_optimizer.variables + [trainer.rng.state])
