"""Losses of SeqGAN, as small pure functions."""

import tensorflow as tf


def mle_loss(token_log_probs):
  """Mean per-token negative log-likelihood (G pre-training).

  Args:
    token_log_probs: float32 [B, T], log G(y_t | y_<t) of the data tokens
      (`Generator.token_log_probs`).

  Returns:
    float32 scalar.
  """
  return -tf.reduce_mean(token_log_probs)


def policy_gradient_loss(token_log_probs, rewards):
  """REINFORCE loss of Eq. (8): -sum_{b,t} log G(y_t | Y_{1:t-1}) * Q(y_t).

  A sum over batch and time, as the authors' `g_loss`, not a mean.

  Args:
    token_log_probs: float32 [B, T], log G(y_t | Y_{1:t-1}) of G's own
      samples (`Generator.token_log_probs`).
    rewards: float32 [B, T], the action values Q; no gradient flows into them.

  Returns:
    float32 scalar.
  """
  return -tf.reduce_sum(token_log_probs * tf.stop_gradient(rewards))


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
