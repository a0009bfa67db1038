"""Recipes: the phases of each training method, and adding a new one."""

import dataclasses

import numpy as np
import pytest
import tensorflow as tf

from seqgan_tf import recipes
from seqgan_tf import runner
from seqgan_tf import train
from tests.conftest import NO_XLA
from tests.conftest import tiny_experiment
from tests.conftest import tiny_oracle_task
from tests.conftest import tiny_synthetic_config


def _task(config):
  return tiny_oracle_task(config)


def _phases(config):
  trainer = train.Trainer(config, NO_XLA)
  data = tf.Variable(_task(config).real_data(1))
  return trainer, recipes.build(config.recipe,
                                recipes.Context(trainer, config, data))


@pytest.mark.parametrize("recipe, names, epochs, steps", [
    ("seqgan", ["g-pretrain", "d-pretrain", "adversarial"], [2, 3, 4],
     [0, None, 2]),
    ("mle", ["g-pretrain", "mle-continued"], [2, 4], [0, 2]),
])
def test_phases_follow_the_config(recipe, names, epochs, steps):
  config = tiny_synthetic_config(recipe=recipe, pretrain_g_epochs=2,
                                 pretrain_d_rounds=3, adversarial_epochs=4)
  _, phases = _phases(config)
  assert [p.name for p in phases] == names
  assert [p.epochs for p in phases] == epochs
  assert [p.first_step for p in phases] == steps


def test_adversarial_epoch_runs_g_and_d_steps():
  config = tiny_synthetic_config(g_steps=2, d_steps=2)
  trainer, phases = _phases(config)
  values = phases[-1].run_epoch(0)
  assert set(values) == {"train_g/pg_loss", "train_g/mean_reward",
                         "train_d/loss"}
  assert 0.0 <= values["train_g/mean_reward"] <= 1.0
  # Two g-steps and two D rounds, each drawing from the run's RNG.
  assert int(trainer.pg_optimizer.iterations) == 2
  batches = 2 * config.num_samples // config.batch_size
  assert int(trainer.d_optimizer.iterations) == 2 * config.k_epochs * batches


def test_adversarial_phase_starts_with_beta_equal_to_pretrained_theta(
    tmp_path):
  """beta is built before pre-training; the first g-step must not use that."""
  config = tiny_synthetic_config(adversarial_epochs=1, rollout_update_rate=0.5)
  experiment = tiny_experiment(config, _task(config), str(tmp_path))
  trainer = experiment.trainer
  adversarial = experiment.runner.phases[-1]
  seen = []

  def recording(epoch):
    seen.append(([w.numpy() for w in trainer.rollout.policy.weights],
                 [w.numpy() for w in trainer.generator.weights]))
    return adversarial.run_epoch(epoch)

  experiment.runner.phases[-1] = dataclasses.replace(adversarial,
                                                     run_epoch=recording)
  experiment.run()
  beta, theta = seen[0]
  for beta_value, theta_value in zip(beta, theta):
    np.testing.assert_array_equal(beta_value, theta_value)


# --- adding a training method: the smallest working example ------------------

def _frozen_g_phases(context):
  """A made-up method: D alone learns to tell real from the untrained G."""
  cfg, trainer = context.config, context.trainer
  return [runner.Phase(
      "d-only", cfg.pretrain_d_rounds,
      lambda epoch: {"d_loss": trainer.train_discriminator(
          context.real_data, cfg.k_epochs)})]


def test_a_new_recipe_is_one_function_and_one_registration(tmp_path,
                                                           monkeypatch):
  module = type("FrozenG", (), dict(phases=staticmethod(_frozen_g_phases),
                                    __doc__="d-only: trains D alone."))
  monkeypatch.setitem(recipes.RECIPES, "d-only", module)
  config = tiny_synthetic_config(recipe="d-only", pretrain_d_rounds=2)
  experiment = tiny_experiment(config, _task(config), str(tmp_path))
  g_before = [w.numpy() for w in experiment.trainer.generator.weights]
  results = experiment.run()
  assert results["recipe"] == "d-only" and results["epochs"] == 0
  assert np.isfinite(results["nll_oracle_final"])
  assert int(experiment.trainer.d_optimizer.iterations) > 0
  for before, after in zip(g_before, experiment.trainer.generator.weights):
    np.testing.assert_array_equal(before, after.numpy())
