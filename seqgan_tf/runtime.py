"""How a run executes, apart from what it computes: XLA and determinism."""

import dataclasses

import tensorflow as tf

from seqgan_tf import xla


@dataclasses.dataclass(frozen=True)
class RuntimeConfig:
  """Settings that change speed or repeatability, never the method.

  Attributes:
    xla: compile G's training and NLL steps with XLA (faster; false
      compares with plain TF graphs).
    deterministic: tf.config.experimental.enable_op_determinism(): bitwise
      repeatable runs, resumed or not (slower on GPUs).
  """
  xla: bool = True
  deterministic: bool = False

  def apply(self):
    """Takes effect for the models built after it: call it before them."""
    if self.deterministic:
      tf.config.experimental.enable_op_determinism()
    xla.set_enabled(self.xla)
