"""Prints, as JSON, the same training steps on one device and on two replicas.

Run in a process of its own (`python -m tests.distribute_check`): the CPU is
split into two logical devices before TensorFlow starts, which no process
can do once it has.
"""

import dataclasses
import json
import os
import tempfile

import numpy as np

from seqgan_tf import runtime as runtime_lib

MIRRORED = runtime_lib.RuntimeConfig(xla=False, strategy="mirrored",
                                     devices="2")
MIRRORED.apply()

import tensorflow as tf  # pylint: disable=g-import-not-at-top,wrong-import-position

from seqgan_tf import experiment  # pylint: disable=g-import-not-at-top,wrong-import-position
from seqgan_tf import oracle as oracle_lib  # pylint: disable=g-import-not-at-top,wrong-import-position
from seqgan_tf import tasks  # pylint: disable=g-import-not-at-top,wrong-import-position
from seqgan_tf import train  # pylint: disable=g-import-not-at-top,wrong-import-position
from tests.conftest import tiny_synthetic_config  # pylint: disable=g-import-not-at-top,wrong-import-position


def trajectory(runtime):
  """Losses of 2 MLE epochs, 2 D epochs, 2 g-steps, 2 scheduled-sampling
  epochs; G's samples, their NLL under G and the task's metrics; the
  spread."""
  config = tiny_synthetic_config()
  trainer = train.Trainer(config, runtime)
  rng = np.random.RandomState(0)
  shape = (4 * config.batch_size, config.generator.seq_len)
  data = tf.constant(rng.randint(0, config.generator.vocab_size, shape),
                     tf.int32)
  labels = tf.constant(np.arange(shape[0]) % 2, tf.int32)
  losses = dict(
      mle=[float(trainer.mle_epoch(data)) for _ in range(2)],
      d=[float(trainer.d_epoch(data, labels)) for _ in range(2)])
  step = trainer.policy_gradient_step(trainer.discriminator.rollout_scorer)
  losses["pg"] = [float(step()[0]) for _ in range(2)]
  losses["ss"] = [float(trainer.scheduled_sampling_epoch(data, 0.5))
                  for _ in range(2)]
  # A count that splits unevenly in chunks, and a chunk that does not split
  # evenly over two replicas either.
  samples = trainer.generate(train.GENERATE_BATCH + 37,
                             tf.random.Generator.from_seed(5))
  # The task's oracle and NLL functions as a run builds them, XLA on:
  # each replica's compiled step can read only its own copy.
  task, _ = tasks.build(tasks.OracleConfig(oracle="random", test_size=41),
                        config, dataclasses.replace(runtime, xla=True))
  with trainer.strategy.scope():  # Split over the replicas, as evaluated.
    nll = float(oracle_lib.make_nll_fn(trainer.generator, batch_size=16,
                                       xla=False)(samples[:-2]))
    metrics = task.evaluate(samples, trainer.generator)
  result = dict(losses=losses, nll=nll, metrics=metrics,
                spread=trainer.replica_spread(),
                samples=samples.numpy().tolist(),
                replicas=trainer.num_replicas)
  if trainer.num_replicas > 1:  # One replica's copy moved alone.
    copy = trainer.generator.trainable_variables[0].value.values[1]
    copy.assign_add(tf.fill(copy.shape, 0.5))
    result["spread_after_drift"] = trainer.replica_spread()
  return result


def refusal(**changes):
  """The ValueError of a Trainer on two replicas with `changes`, or None."""
  try:
    train.Trainer(tiny_synthetic_config(**changes), MIRRORED)
  except ValueError as e:
    return str(e)
  return None


def task_refusal(tmp_dir):
  """The ValueError of a two-replica Experiment given a task built for one
  device, or None."""
  config = tiny_synthetic_config()
  task, config = tasks.build(tasks.OracleConfig(oracle="random"), config)
  try:
    experiment.Experiment(config, task, os.path.join(tmp_dir, "run"),
                          runtime=MIRRORED)
  except ValueError as e:
    return str(e)
  return None


def main():
  one = trajectory(runtime_lib.RuntimeConfig(xla=False))
  two = trajectory(MIRRORED)
  with tempfile.TemporaryDirectory() as tmp_dir:
    other_task = task_refusal(tmp_dir)
  print(json.dumps(dict(one=one, two=two, odd_batch=refusal(batch_size=7),
                        other_task=other_task)))


if __name__ == "__main__":
  main()
