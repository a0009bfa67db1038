r"""Where a phase spends its time, op by op: `make profile`.

Runs one phase at the paper config a few times under the TensorFlow
profiler and prints the time of each op type (or of each op by name), in
milliseconds per call, summed over the threads that ran them: on a 2-core
CPU two ops often run at once, so the total can exceed the wall time. This
is how docs/performance.md's "where the time goes" was measured. Only phases made of
TF ops are offered: an XLA-compiled step (MLE, NLL) is one op to the
profiler.

  python -m benchmarks.profile_ops --phase=sample      # one sampling call
  python -m benchmarks.profile_ops --phase=d_step --precision=bf16
  python -m benchmarks.profile_ops --phase=d_step --by=name --top=30
"""

import collections
import glob
import os
import re
import tempfile

from absl import app
from absl import flags
import tensorflow as tf
from tensorflow.tsl.profiler.protobuf import xplane_pb2

from seqgan_tf import config as config_lib
from seqgan_tf import losses
from seqgan_tf import presets
from seqgan_tf import train

PHASES = ("sample", "d_step")

flags.DEFINE_enum("phase", "d_step", list(PHASES),
                  "sample: one sampling call of train.GENERATE_BATCH "
                  "sequences; d_step: one D training batch (forward, "
                  "backward, Adam).")
flags.DEFINE_integer("calls", 10, "Profiled calls (after one warm-up).")
flags.DEFINE_enum("by", "type", ["type", "name"],
                  "Group the op times by op type or list ops by name.")
flags.DEFINE_integer("top", 20, "Rows to print.")
flags.DEFINE_enum("preset", "paper", list(presets.NAMES),
                  "The synthetic task's preset (smoke: tiny, to check the "
                  "script).")
flags.DEFINE_enum("precision", "fp32", list(config_lib.PRECISIONS),
                  "G's and D's matmul precision.")
FLAGS = flags.FLAGS


def phase_step(phase, trainer, config):
  """A no-argument function running one call of `phase`."""
  if phase == "sample":
    return lambda: trainer.generator.sample(train.GENERATE_BATCH, trainer.rng)
  batch = config.batch_size
  tokens = tf.random.stateless_uniform(
      [batch, config.generator.seq_len], [0, 1], 0,
      config.generator.vocab_size, tf.int32)
  labels = tf.range(batch) % 2
  d = trainer.discriminator
  variables = d.trainable_variables

  def d_step():
    with tf.GradientTape() as tape:
      logits = d(tokens, training=True,
                 dropout_seed=trainer.rng.make_seeds(1)[:, 0])
      loss = losses.discriminator_loss(logits, labels, d.l2_penalty(),
                                       config.discriminator.l2_reg_lambda)
    trainer.d_optimizer.apply_gradients(
        zip(tape.gradient(loss, variables), variables))
    return loss
  return d_step


def op_times(xspace_file, calls):
  """{(op name, op type): ms per call} from the TF ops the profiler saw."""
  space = xplane_pb2.XSpace()
  with open(xspace_file, "rb") as f:
    space.ParseFromString(f.read())
  times = collections.Counter()
  for plane in space.planes:
    names = {key: meta.name for key, meta in plane.event_metadata.items()}
    for line in plane.lines:
      if not line.name.startswith("tf_Compute"):
        continue
      for event in line.events:
        name = names.get(event.metadata_id, "")
        # TF ops are "name:Type"; executor events ("ExecutorState::Process")
        # are not ops.
        if ":" in name and "::" not in name:
          op_name, op_type = name.rsplit(":", 1)
          times[op_name, op_type] += event.duration_ps / 1e9 / calls
  return times


def main(argv):
  del argv
  config = config_lib.override(presets.get("oracle", FLAGS.preset).config,
                               precision=FLAGS.precision).validate()
  trainer = train.Trainer(config)
  step = tf.function(phase_step(FLAGS.phase, trainer, config))
  step()  # Tracing and compilation are not profiled.
  with tempfile.TemporaryDirectory() as logdir:
    tf.profiler.experimental.start(logdir)
    for _ in range(FLAGS.calls):
      result = step()
    tf.nest.map_structure(lambda x: x.numpy(), result)
    tf.profiler.experimental.stop()
    xspace_file = glob.glob(os.path.join(logdir, "**", "*.xplane.pb"),
                            recursive=True)[0]
    times = op_times(xspace_file, FLAGS.calls)
  grouped = collections.Counter()
  for (op_name, op_type), ms in times.items():
    key = op_type if FLAGS.by == "type" else re.sub(r"^.*?/", "", op_name)
    grouped[key] += ms
  print(f"{FLAGS.phase} ({FLAGS.precision}): {sum(times.values()):.2f} ms of "
        f"op time per call over {FLAGS.calls} calls")
  for key, ms in grouped.most_common(FLAGS.top):
    print(f"{ms:9.2f} ms  {key}")


if __name__ == "__main__":
  app.run(main)
