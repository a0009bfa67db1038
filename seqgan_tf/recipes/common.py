"""What recipes share: the context, pre-training and the policy-gradient phase."""

import dataclasses

import numpy as np
import tensorflow as tf

from seqgan_tf import config as config_lib
from seqgan_tf import runner
from seqgan_tf import train


@dataclasses.dataclass(frozen=True)
class Context:
  """What a recipe builds its phases from.

  Attributes:
    trainer: `train.Trainer`: G, D, the rollout policy and their steps.
    config: the run's `config_lib.SeqGANConfig`.
    real_data: tf.Variable int32 [N, T], the training sequences.
  """
  trainer: train.Trainer
  config: config_lib.SeqGANConfig
  real_data: tf.Variable


def mle_phase(context, name, epochs, first_step):
  """MLE epochs of G on the real data (pre-training, or the MLE baseline)."""
  trainer, data = context.trainer, context.real_data
  return runner.Phase(
      name, epochs,
      lambda epoch: {"train_g/mle_loss": float(trainer.mle_epoch(data))},
      first_step=first_step)


def pretrain_generator(context):
  """Algorithm 1, line 2: pre-train G by MLE on the real data."""
  return mle_phase(context, "g-pretrain", context.config.pretrain_g_epochs, 0)


def pretrain_discriminator(context):
  """Algorithm 1, lines 3-4: D rounds, each on fresh negatives for k epochs."""
  cfg, trainer = context.config, context.trainer
  return runner.Phase(
      "d-pretrain", cfg.pretrain_d_rounds,
      lambda epoch: {"pretrain_d/loss": trainer.train_discriminator(
          context.real_data, cfg.k_epochs)})


def policy_gradient_phase(context, name, reward, train_discriminator):
  """Epochs of `g_steps` policy-gradient steps (Eq. 8), then beta <- theta.

  Args:
    context: `Context`.
    name: the phase's name.
    reward: see `train.Trainer.policy_gradient_step`.
    train_discriminator: after the g-steps, `d_steps` D rounds of
      `k_epochs` each (SeqGAN's Algorithm 1); False for a fixed reward.
  """
  cfg, trainer = context.config, context.trainer
  g_step = trainer.policy_gradient_step(reward)

  def run_epoch(epoch):
    del epoch
    for _ in range(cfg.g_steps):
      pg_loss, mean_reward = g_step()
    trainer.rollout.update(trainer.generator)
    values = {"train_g/pg_loss": float(pg_loss),
              "train_g/mean_reward": float(mean_reward)}
    if train_discriminator:
      values["train_d/loss"] = float(np.mean([
          trainer.train_discriminator(context.real_data, cfg.k_epochs)
          for _ in range(cfg.d_steps)]))
    return values

  # beta was copied from theta before pre-training: refresh it.
  return runner.Phase(
      name, cfg.adversarial_epochs, run_epoch,
      first_step=cfg.pretrain_g_epochs,
      on_start=lambda: trainer.rollout.copy_from(trainer.generator))
