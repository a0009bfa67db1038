"""pgbleu: SeqGAN's policy gradient and rollouts with BLEU in place of D.

The reward of a completed sequence is its sentence BLEU (`pgbleu_order`,
no smoothing, zero orders counted by `pgbleu_rule`) against the training
data (`pgbleu_references` of it); no D is trained. Rollouts, g-steps and the beta update are SeqGAN's.
"""

import dataclasses
import math

import numpy as np

from seqgan_tf import rewards
from seqgan_tf.recipes import common


class _LazyBleu:
  """The BLEU reward, built from the training data once it is drawn.

  The references are the training data, which a run draws (or restores)
  after the recipe is built; the reward is made before the g-step is first
  traced, which is when `reward(samples)` is called.
  """

  def __init__(self, context):
    self.context = context
    self.score = None

  def build(self):
    if self.score is None:
      cfg = self.context.config
      data = self.context.real_data.numpy()
      count = math.ceil(cfg.pgbleu_references * len(data))
      chosen = np.random.default_rng(cfg.seed).permutation(len(data))[:count]
      self.score = rewards.BleuReward(data[np.sort(chosen)], cfg.pgbleu_order,
                                      cfg.generator.vocab_size,
                                      cfg.pgbleu_rule)

  def __call__(self, samples):
    del samples  # The score of a rollout depends on its tokens alone.
    return lambda tokens, given_num: self.score(tokens)


def phases(context):
  reward = _LazyBleu(context)
  phase = common.policy_gradient_phase(context, "pg-bleu", reward,
                                       train_discriminator=False)

  def build_then_run(epoch):  # Fresh or resumed, before the first g-step.
    reward.build()
    return phase.run_epoch(epoch)

  return [common.pretrain_generator(context),
          dataclasses.replace(phase, run_epoch=build_then_run)]
