"""MLE: the paper's baseline; pre-training continues as long as SeqGAN trains.

The continuation trains for `adversarial_epochs` more MLE epochs, so both
methods end on the same G-epoch step; no D is trained.
"""

from seqgan_tf.recipes import common


def phases(context):
  cfg = context.config
  return [common.pretrain_generator(context),
          common.mle_phase(context, "mle-continued", cfg.adversarial_epochs,
                           first_step=cfg.pretrain_g_epochs)]
