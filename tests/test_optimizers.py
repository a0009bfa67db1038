import keras
import numpy as np
import tensorflow as tf

from seqgan_tf import optimizers


def test_fused_adam_matches_keras_adam():
  """Same trajectory as Keras' Adam, dense and sparse (embedding) gradients."""
  rng = np.random.default_rng(0)
  start = [rng.normal(size=[5, 3]), rng.normal(size=[3])]
  ours = [tf.Variable(v, dtype=tf.float32) for v in start]
  reference = [tf.Variable(v, dtype=tf.float32) for v in start]
  fused = optimizers.Adam(0.01)
  keras_adam = keras.optimizers.Adam(0.01, epsilon=optimizers.AUTHORS_EPSILON)
  for step in range(5):
    dense = tf.constant(rng.normal(size=[3]), tf.float32)
    sparse = tf.IndexedSlices(tf.constant(rng.normal(size=[2, 3]), tf.float32),
                              tf.constant([step % 5, 4]), tf.constant([5, 3]))
    fused.apply_gradients(zip([sparse, dense], ours))
    keras_adam.apply_gradients(
        zip([tf.convert_to_tensor(sparse), dense], reference))
  for a, b in zip(ours, reference):
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
  assert int(fused.iterations) == 5


def test_epsilon_is_the_authors():
  assert optimizers.Adam(1e-3).epsilon == 1e-8
