"""SeqGAN (Algorithm 1): MLE pre-training, then policy gradient against D.

Each adversarial epoch runs `g_steps` policy-gradient steps whose reward is
D's probability of "real" for Monte-Carlo rollouts (Eq. 4, 8), then updates
the rollout policy beta from theta, then `d_steps` D rounds of `k_epochs`.
"""

import numpy as np

from seqgan_tf import runner
from seqgan_tf.recipes import common


def adversarial_phase(context, reward):
  """The adversarial epochs of Algorithm 1 with `reward` for the g-steps.

  Args:
    context: `common.Context`.
    reward: see `train.Trainer.policy_gradient_step`; D's
      `rollout_scorer` for SeqGAN.
  """
  cfg, trainer = context.config, context.trainer
  g_step = trainer.policy_gradient_step(reward)

  def run_epoch(epoch):
    del epoch
    for _ in range(cfg.g_steps):
      pg_loss, mean_reward = g_step()
    trainer.rollout.update(trainer.generator)
    d_loss = np.mean([trainer.train_discriminator(context.real_data,
                                                  cfg.k_epochs)
                      for _ in range(cfg.d_steps)])
    return dict(pg_loss=float(pg_loss), mean_reward=float(mean_reward),
                d_loss=float(d_loss))

  # beta was copied from theta before pre-training: refresh it.
  return runner.Phase(
      "adversarial", cfg.adversarial_epochs, run_epoch,
      first_step=cfg.pretrain_g_epochs,
      on_start=lambda: trainer.rollout.copy_from(trainer.generator))


def reward(trainer):
  """SeqGAN's reward: D's P(real) of each rollout (Eq. 4), windows shared."""
  return trainer.discriminator.rollout_scorer


def phases(context):
  return [common.pretrain_generator(context),
          common.pretrain_discriminator(context),
          adversarial_phase(context, reward(context.trainer))]
