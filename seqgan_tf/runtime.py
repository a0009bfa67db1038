"""How a run executes, apart from what it computes: XLA, determinism, devices."""

import dataclasses
import json
import os

import tensorflow as tf

# --strategy: one device (TensorFlow's default placement), data-parallel
# over the devices of one host (`tf.distribute.MirroredStrategy`), or over
# the devices of several worker processes, one per host, that TF_CONFIG
# names (`tf.distribute.MultiWorkerMirroredStrategy`).
STRATEGIES = ("default", "mirrored", "multi_worker")

# TensorFlow configures a process's collective ops once, before its first
# op, so the process's one MultiWorkerMirroredStrategy is made then, by
# `RuntimeConfig.apply`, and kept here.
_multi_worker_strategy = None

# One MirroredStrategy per device list, made on first use: what is built
# from the same runtime (the Trainer's models, a task's oracle) must share
# one strategy for its steps to read their variables on every replica.
_mirrored_strategies = {}

TF_CONFIG_HELP = ("set TF_CONFIG on every worker as "
                  "https://www.tensorflow.org/guide/distributed_training"
                  "#setting_up_the_tf_config_environment_variable shows "
                  "(docs/scaling-out.md has an example)")


@dataclasses.dataclass(frozen=True)
class RuntimeConfig:
  """Settings that change speed or repeatability, never the method.

  Passed down to what they concern (`train.Trainer`, the tasks' NLL
  functions), never read from a module's state (but for the process's one
  multi-worker strategy, which TensorFlow makes at its start).

  Attributes:
    xla: compile G's training and NLL steps with XLA (faster; false
      compares with plain TF graphs).
    deterministic: tf.config.experimental.enable_op_determinism(): bitwise
      repeatable runs, resumed or not (slower on GPUs).
    strategy: default: one device, as TensorFlow places ops; mirrored:
      G's MLE and scheduled-sampling epochs, D's epochs, G's g-steps
      (sampling, rollouts and update), sampling and the NLL evaluation
      data-parallel over --devices, each batch of --batch_size split
      across them (tf.distribute.MirroredStrategy). multi_worker: the same
      over every device of the worker processes TF_CONFIG names
      (tf.distribute.MultiWorkerMirroredStrategy); the chief writes the
      run directory, which every worker reads.
    devices: for --strategy=mirrored: a comma-separated device list
      (/gpu:0,/gpu:1), or a number N: N logical CPU devices on a host
      without GPUs (to try it out; the tests use 2); empty: every GPU, or
      the CPU when there is none.
  """
  xla: bool = True
  deterministic: bool = False
  strategy: str = "default"
  devices: str = ""

  def validate(self):
    if self.strategy not in STRATEGIES:
      raise ValueError(f"--strategy={self.strategy}: choose one of "
                       f"{', '.join(STRATEGIES)}")
    if self.devices and self.strategy != "mirrored":
      raise ValueError(f"--devices={self.devices}: only for "
                       "--strategy=mirrored; drop it or use --strategy=mirrored")
    if self.devices.isdigit() and int(self.devices) < 1:
      raise ValueError(f"--devices={self.devices}: must be >= 1")
    return self

  def apply(self):
    """What is TensorFlow's process-wide state (determinism, logical CPU
    devices): call it before the first op of the run.

    Raises:
      ValueError: --devices=N after TensorFlow has started (the CPU can be
        split only before).
    """
    self.validate()
    if self.deterministic:
      tf.config.experimental.enable_op_determinism()
    if self.strategy == "multi_worker":
      _start_multi_worker()
    if self.devices.isdigit():
      count = int(self.devices)
      cpu = tf.config.list_physical_devices("CPU")[0]
      wanted = [tf.config.LogicalDeviceConfiguration()] * count
      current = tf.config.get_logical_device_configuration(cpu)
      if current is not None and len(current) == count:
        return
      try:
        tf.config.set_logical_device_configuration(cpu, wanted)
      except RuntimeError:
        raise ValueError(
            f"--devices={count}: TensorFlow has already started with "
            f"{len(tf.config.list_logical_devices('CPU'))} CPU devices; "
            "apply the runtime before anything else runs (a fresh "
            "process)") from None

  def distribution(self):
    """The `tf.distribute.Strategy` G, D and their steps are built under:
    the same object for every call with the same devices in a process."""
    self.validate()
    if self.strategy == "default":
      return tf.distribute.get_strategy()
    if self.strategy == "multi_worker":
      if _multi_worker_strategy is None:
        raise ValueError("--strategy=multi_worker: call RuntimeConfig.apply() "
                         "before anything else runs")
      return _multi_worker_strategy
    if self.devices.isdigit():
      devices = [d.name for d in tf.config.list_logical_devices("CPU")]
      if len(devices) != int(self.devices):
        raise ValueError(
            f"--devices={self.devices}: the process has {len(devices)} CPU "
            "devices; call RuntimeConfig.apply() before anything else runs")
    elif self.devices:
      devices = self.devices.split(",")
    else:
      devices = ([d.name for d in tf.config.list_logical_devices("GPU")] or
                 ["/cpu:0"])
    key = tuple(devices)
    if key not in _mirrored_strategies:
      _mirrored_strategies[key] = tf.distribute.MirroredStrategy(
          devices, cross_device_ops=(
              tf.distribute.ReductionToOneDevice()
              if not any("GPU" in d.upper() for d in devices) else None))
    return _mirrored_strategies[key]


def cluster_spec():
  """TF_CONFIG's cluster and this process's task, checked.

  Raises:
    ValueError: TF_CONFIG is unset, not JSON, or names no cluster or task.
  """
  text = os.environ.get("TF_CONFIG")
  if not text:
    raise ValueError(f"--strategy=multi_worker: TF_CONFIG is not set; "
                     f"{TF_CONFIG_HELP}")
  try:
    config = json.loads(text)
    cluster, task = config["cluster"], config["task"]
    workers = len(cluster.get("worker", [])) + len(cluster.get("chief", []))
    task_type, index = task["type"], int(task["index"])
  except (ValueError, KeyError, TypeError, AttributeError):
    raise ValueError(f"--strategy=multi_worker: TF_CONFIG={text!r} is not a "
                     "JSON object with a cluster and this process's task; "
                     f"{TF_CONFIG_HELP}") from None
  if not workers or len(cluster.get(task_type, [])) <= index:
    raise ValueError(f"--strategy=multi_worker: TF_CONFIG's task "
                     f"{task_type}:{index} is not in its cluster; "
                     f"{TF_CONFIG_HELP}")
  return cluster, task_type, index


def _start_multi_worker():
  """Makes the process's MultiWorkerMirroredStrategy (once)."""
  global _multi_worker_strategy
  if _multi_worker_strategy is not None:
    return
  cluster_spec()
  try:
    _multi_worker_strategy = tf.distribute.MultiWorkerMirroredStrategy()
  except RuntimeError as e:
    if "program startup" not in str(e):
      raise
    raise ValueError(
        "--strategy=multi_worker: TensorFlow has already run an op in this "
        "process; apply the runtime before anything else runs (a fresh "
        "process)") from None


def role(strategy):
  """This process's part in a run directory (see `runner.ROLES`): "only",
  or, under a multi-worker strategy, "chief" (TF_CONFIG's chief, else
  worker 0), which writes it, or "worker", which reads it."""
  if _multi_worker_strategy is None or strategy is not _multi_worker_strategy:
    return "only"
  return "chief" if strategy.extended.should_checkpoint else "worker"
