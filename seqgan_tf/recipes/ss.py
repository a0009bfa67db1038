"""ss: scheduled sampling (Bengio et al. 2015) after MLE pre-training.

Each input token is the true one with probability omega, else a token drawn
from G's own prediction, a coin per token. omega starts at `ss_start` and
falls by `ss_decay` every epoch (the paper: 0.002). The authors' code drew one
coin per run instead, so its runs were plain MLE; see docs/faithfulness.md.
"""

import tensorflow as tf

from seqgan_tf import runner
from seqgan_tf.recipes import common


def true_input_prob(config, epoch):
  """omega at scheduled-sampling epoch `epoch` (0-based), never below 0."""
  return max(0.0, config.ss_start - config.ss_decay * epoch)


def phases(context):
  cfg, trainer, data = context.config, context.trainer, context.real_data

  def run_epoch(epoch):
    omega = true_input_prob(cfg, epoch)
    # A tensor, not a Python float: a new float would trace a new graph
    # every epoch.
    loss = float(trainer.scheduled_sampling_epoch(
        data, tf.constant(omega, tf.float32)))
    return {"train_g/ss_loss": loss, "train_g/true_input_prob": omega}

  return [common.pretrain_generator(context),
          runner.Phase("scheduled-sampling", cfg.adversarial_epochs,
                       run_epoch, first_step=cfg.pretrain_g_epochs)]
