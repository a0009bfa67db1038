"""How a run executes, apart from what it computes: XLA and determinism."""

import dataclasses

import tensorflow as tf


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
  """
  xla: bool = True
  deterministic: bool = False

  def apply(self):
    """What is TensorFlow's process-wide state (determinism): call it
    before the first op of the run."""
    if self.deterministic:
      tf.config.experimental.enable_op_determinism()
