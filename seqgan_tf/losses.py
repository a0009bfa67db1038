"""Losses of SeqGAN, as small pure functions."""

import tensorflow as tf


def mle_loss(logits, tokens):
  """Mean per-token negative log-likelihood (G pre-training).

  Args:
    logits: float32 [B, T, V], teacher-forced.
    tokens: int32 [B, T], the targets.

  Returns:
    float32 scalar.
  """
  return tf.reduce_mean(
      tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tokens,
                                                     logits=logits))


def policy_gradient_loss(logits, tokens, rewards):
  """REINFORCE loss of Eq. (8): -sum_{b,t} log G(y_t | Y_{1:t-1}) * Q(y_t).

  A sum over batch and time, as the authors' `g_loss`, not a mean.

  Args:
    logits: float32 [B, T, V], G's teacher-forced logits on its own samples.
    tokens: int32 [B, T], the sampled tokens.
    rewards: float32 [B, T], the action values Q; no gradient flows into them.

  Returns:
    float32 scalar.
  """
  log_probs = tf.gather(tf.nn.log_softmax(logits), tokens, axis=-1,
                        batch_dims=2)
  return -tf.reduce_sum(log_probs * tf.stop_gradient(rewards))


def discriminator_loss(logits, labels, l2_penalty, l2_reg_lambda):
  """Mean cross-entropy plus L2 on the output layer (authors' D loss).

  Args:
    logits: float32 [B, 2].
    labels: int32 [B], 1 for real and 0 for generated.
    l2_penalty: float32 scalar, `Discriminator.l2_penalty()`.
    l2_reg_lambda: the L2 weight.

  Returns:
    float32 scalar.
  """
  cross_entropy = tf.reduce_mean(
      tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                     logits=logits))
  return cross_entropy + l2_reg_lambda * l2_penalty
