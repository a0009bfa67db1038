"""Adam as the authors ran it, in one fused kernel per variable."""

import keras
import tensorflow as tf

# tf.train.AdamOptimizer's default, which the authors' G and D use; Keras
# defaults to 1e-7.
AUTHORS_EPSILON = 1e-8


class Adam(keras.optimizers.Adam):
  """`keras.optimizers.Adam` whose update is TF's fused `ResourceApplyAdam`.

  The arithmetic is Keras' Adam, which is also the authors'
  `tf.train.AdamOptimizer`: lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t),
  m <- b1 m + (1 - b1) g, v <- b2 v + (1 - b2) g^2,
  w <- w - lr_t m / (sqrt(v) + epsilon). Keras runs it as about eight
  separate ops, each a pass over the variable; the fused kernel makes one,
  which matters for D's 7 M parameters (memory-bound). Variables and
  checkpoints are Keras' own.
  """

  def __init__(self, learning_rate, epsilon=AUTHORS_EPSILON, **kwargs):
    super().__init__(learning_rate, epsilon=epsilon, **kwargs)

  def update_step(self, gradient, variable, learning_rate):
    if self.amsgrad or not isinstance(variable, tf.Variable):
      return super().update_step(gradient, variable, learning_rate)
    dtype = variable.dtype
    index = self._get_variable_index(variable)
    step = tf.cast(self.iterations + 1, dtype)
    cast = lambda value: tf.cast(value, dtype)
    tf.raw_ops.ResourceApplyAdam(
        var=variable.handle,
        m=self._momentums[index].value.handle,
        v=self._velocities[index].value.handle,
        beta1_power=tf.pow(cast(self.beta_1), step),
        beta2_power=tf.pow(cast(self.beta_2), step),
        lr=cast(learning_rate), beta1=cast(self.beta_1),
        beta2=cast(self.beta_2), epsilon=cast(self.epsilon),
        grad=cast(tf.convert_to_tensor(gradient)))
