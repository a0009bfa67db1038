"""constant: SeqGAN's policy gradient with every reward 1, no D (a control).

Everything is SeqGAN's (pre-training, rollouts, g-steps, the beta update)
except the reward, which is 1 for every rollout. With a constant reward Eq.
(8) only raises the log-probability of whatever G samples, which sharpens G
the way a lower sampling temperature does. The gap between this control and
`seqgan` is what D's signal adds; users of the authors' code report that the
constant reward trains about as well (LantaoYu/SeqGAN issue #21).
"""

import tensorflow as tf

from seqgan_tf.recipes import common


def reward(samples):
  """Q = 1 for every prefix: each rollout scores 1, whatever its tokens."""
  del samples
  return lambda tokens, given_num: tf.ones([tf.shape(tokens)[0]])


def phases(context):
  return [common.pretrain_generator(context),
          common.policy_gradient_phase(context, "constant-reward", reward,
                                       train_discriminator=False)]
