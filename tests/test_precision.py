"""--precision=bf16 on tiny configs, and the same code under device strings."""

import dataclasses

import numpy as np
import pytest
import tensorflow as tf

from seqgan_tf import discriminator as discriminator_lib
from seqgan_tf import generator as generator_lib
from seqgan_tf import oracle as oracle_lib
from seqgan_tf import train
from tests.conftest import NO_XLA
from tests.conftest import tiny_discriminator_config
from tests.conftest import tiny_experiment
from tests.conftest import tiny_generator_config
from tests.conftest import tiny_oracle_task
from tests.conftest import tiny_synthetic_config


def _bf16(config):
  return dataclasses.replace(config, precision="bf16")


def _tokens(count=32, vocab=12, length=6):
  return tf.random.stateless_uniform([count, length], [1, 2], 0, vocab,
                                     tf.int32)


def test_bf16_generator_matches_fp32_with_float32_variables_and_outputs():
  # Weights N(0, 1): logits of order 10, where bf16's 8-bit mantissa shows.
  config = tiny_generator_config(init_stddev=1.0)
  fp32, bf16 = (generator_lib.Generator(config),
                generator_lib.Generator(_bf16(config)))
  bf16.set_weights(fp32.get_weights())
  tokens = _tokens()
  expected, got = fp32.token_log_probs(tokens), bf16.token_log_probs(tokens)
  assert got.dtype == tf.float32
  assert all(w.dtype == "float32" for w in bf16.weights)
  difference = np.abs(expected.numpy() - got.numpy())
  assert 0 < difference.max() < 0.1  # Rounded, yet close.


def test_bf16_discriminator_matches_fp32_and_its_rollout_scorer():
  config = tiny_discriminator_config()
  fp32, bf16 = (discriminator_lib.Discriminator(config),
                discriminator_lib.Discriminator(_bf16(config)))
  bf16.set_weights(fp32.get_weights())
  tokens = _tokens()
  assert bf16(tokens).dtype == tf.float32
  np.testing.assert_allclose(bf16.prob_real(tokens), fp32.prob_real(tokens),
                             atol=0.01)
  # Rollout scoring shares the prefix's windows in bf16 too.
  score = bf16.rollout_scorer(tokens)
  completions = tf.tile(tokens, [2, 1])
  np.testing.assert_allclose(score(completions, tf.constant(3)),
                             tf.tile(bf16.prob_real(tokens), [2]), atol=0.01)


def test_bf16_training_lowers_g_loss_and_d_tells_real_from_generated():
  config = tiny_synthetic_config(
      batch_size=16, generator=_bf16(tiny_generator_config()),
      discriminator=_bf16(tiny_discriminator_config(learning_rate=1e-2)))
  trainer = train.Trainer(config, NO_XLA)
  oracle = oracle_lib.build(config.generator,
                            oracle_lib.random_params(config.generator, seed=0))
  data = oracle.sample(64, tf.random.Generator.from_seed(0))
  first = float(trainer.mle_epoch(data))
  for _ in range(10):
    last = float(trainer.mle_epoch(data))
  assert last < first
  real = tf.fill([64, config.generator.seq_len], 3)  # G never emits only 3s.
  for _ in range(8):
    trainer.train_discriminator(real, epochs=2)
  p_real = trainer.discriminator.prob_real(real).numpy().mean()
  p_fake = trainer.discriminator.prob_real(trainer.generate(64)).numpy().mean()
  assert p_real > 0.8 and p_fake < 0.2


def test_the_oracle_stays_fp32():
  """It defines the data and the metric: G's precision must not change it."""
  config = _bf16(tiny_generator_config(init_stddev=1.0))
  params = oracle_lib.random_params(config, seed=0)
  oracle = oracle_lib.build(config, params)
  reference = oracle_lib.build(tiny_generator_config(init_stddev=1.0), params)
  tokens = _tokens()
  np.testing.assert_array_equal(oracle.token_log_probs(tokens),
                                reference.token_log_probs(tokens))


def test_bf16_run_ends_near_the_fp32_run(tmp_path):
  finals = {}
  for precision in ("fp32", "bf16"):
    base = tiny_synthetic_config(recipe="pretrain", pretrain_g_epochs=4,
                                 final_eval_samples=256)
    config = dataclasses.replace(
        base, generator=dataclasses.replace(base.generator,
                                            precision=precision),
        discriminator=dataclasses.replace(base.discriminator,
                                          precision=precision))
    results = tiny_experiment(
        config, tiny_oracle_task(config), str(tmp_path / precision)).run()
    finals[precision] = results["nll_oracle_final"]
  assert finals["bf16"] == pytest.approx(finals["fp32"], abs=0.05)


def test_unknown_precision_is_refused():
  with pytest.raises(ValueError, match="--precision=fp16: choose one of "
                     "fp32, bf16"):
    tiny_generator_config(precision="fp16").validate()


@pytest.mark.parametrize("device", ["/CPU:0", "/GPU:0"])
def test_the_steps_run_the_same_under_a_device_string(device):
  """What a GPU run does: the same steps under tf.device (soft placement
  puts them on the CPU where there is no GPU)."""
  def steps():
    config = tiny_synthetic_config()
    trainer = train.Trainer(config, NO_XLA)
    data = trainer.generate(32)
    mle = trainer.mle_epoch(data)
    d_loss = trainer.train_discriminator(data, 1)
    pg_loss, reward = trainer.policy_gradient_step(
        trainer.discriminator.rollout_scorer)()
    return [float(x) for x in (mle, d_loss, pg_loss, reward)]

  expected = steps()
  with tf.device(device):
    assert steps() == pytest.approx(expected, rel=1e-6)
