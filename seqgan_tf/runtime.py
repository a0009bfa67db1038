"""How a run executes, apart from what it computes: XLA, determinism, devices."""

import dataclasses

import tensorflow as tf

# --strategy: one device (TensorFlow's default placement), or data-parallel
# over the devices of one host (`tf.distribute.MirroredStrategy`).
STRATEGIES = ("default", "mirrored")


@dataclasses.dataclass(frozen=True)
class RuntimeConfig:
  """Settings that change speed or repeatability, never the method.

  Passed down to what they concern (`train.Trainer`, the tasks' NLL
  functions), never read from a module's state.

  Attributes:
    xla: compile G's training and NLL steps with XLA (faster; false
      compares with plain TF graphs).
    deterministic: tf.config.experimental.enable_op_determinism(): bitwise
      repeatable runs, resumed or not (slower on GPUs).
    strategy: default: one device, as TensorFlow places ops; mirrored:
      G's MLE epochs, D's epochs and G's policy-gradient updates
      data-parallel over --devices, each batch of --batch_size split across
      them (tf.distribute.MirroredStrategy); sampling, rollouts and
      evaluation run on the first device.
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
    if self.devices and self.strategy == "default":
      raise ValueError(f"--devices={self.devices}: only for "
                       "--strategy=mirrored; drop it or add --strategy=mirrored")
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
    """The `tf.distribute.Strategy` G, D and their steps are built under."""
    self.validate()
    if self.strategy == "default":
      return tf.distribute.get_strategy()
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
    return tf.distribute.MirroredStrategy(
        devices, cross_device_ops=(
            tf.distribute.ReductionToOneDevice()
            if not any("GPU" in d.upper() for d in devices) else None))
