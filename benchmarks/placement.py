r"""Runs each training step once with TensorFlow's device placement logged.

  python -m benchmarks.placement --preset=paper 2> placement.log

Every op TensorFlow places is logged to stderr as
`name: (OpType): /job:localhost/replica:0/task:0/device:GPU:0`;
`benchmarks.gpu_check` counts them by device, so that an op of G's or D's
steps falling back to the CPU on a GPU machine shows.
"""

from absl import app
from absl import flags
import tensorflow as tf

from seqgan_tf import presets
from seqgan_tf import train
from seqgan_tf.recipes import seqgan

flags.DEFINE_enum("preset", "paper", list(presets.NAMES),
                  "The synthetic task's preset whose G and D are placed.")
FLAGS = flags.FLAGS


def main(argv):
  del argv
  # Before any op: functions instantiated later log too.
  tf.debugging.set_log_device_placement(True)
  config = presets.get("oracle", FLAGS.preset).config
  trainer = train.Trainer(config)
  # Two batches of G's own samples stand in for the training data.
  data = trainer.generate(2 * config.batch_size)
  labels = tf.concat([tf.ones(config.batch_size, tf.int32),
                      tf.zeros(config.batch_size, tf.int32)], 0)
  trainer.mle_epoch(data)
  trainer.d_epoch(data, labels)
  trainer.policy_gradient_step(seqgan.reward(trainer))()
  trainer.generate(config.batch_size)


if __name__ == "__main__":
  app.run(main)
