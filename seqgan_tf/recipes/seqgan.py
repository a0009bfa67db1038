"""SeqGAN (Algorithm 1): MLE pre-training, then policy gradient against D.

Each adversarial epoch runs `g_steps` policy-gradient steps whose reward is
D's probability of "real" for Monte-Carlo rollouts (Eq. 4, 8), then updates
the rollout policy beta from theta, then `d_steps` D rounds of `k_epochs`.
"""

from seqgan_tf.recipes import common


def reward(trainer):
  """SeqGAN's reward: D's P(real) of each rollout (Eq. 4), windows shared."""
  return trainer.discriminator.rollout_scorer


def phases(context):
  return [common.pretrain_generator(context),
          common.pretrain_discriminator(context),
          common.policy_gradient_phase(context, "adversarial",
                                       reward(context.trainer),
                                       train_discriminator=True)]
