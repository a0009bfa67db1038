"""Progress lines with an ETA, and the TensorBoard writers of a run."""

import time

from absl import logging
import numpy as np
import tensorflow as tf


def format_seconds(seconds):
  seconds = int(round(seconds))
  return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class PhaseTimer:
  """Times the epochs of one phase and estimates the time it has left."""

  def __init__(self, phase, total):
    self.phase, self.total = phase, total
    self._durations = []
    self._start = None

  def start(self):
    self._start = time.monotonic()

  def stop(self):
    self._durations.append(time.monotonic() - self._start)
    return self._durations[-1]

  def eta(self, done):
    """Seconds left after `done` of `total` epochs; recent epochs count."""
    if not self._durations:
      return float("nan")
    return float(np.mean(self._durations[-10:])) * (self.total - done)

  def log(self, done, **values):
    """Logs `[phase] epoch done/total key value ... | s/epoch, ETA`."""
    shown = " ".join(f"{k} {v:.4f}" for k, v in values.items()
                     if v is not None)
    logging.info("[%s] epoch %d/%d %s | %.1f s/epoch, phase ETA %s",
                 self.phase, done, self.total, shown, self._durations[-1],
                 format_seconds(self.eta(done)))


def write_scalars(writer, step, values, describe=lambda tag: ""):
  """Each {tag: value} at `step`, with `describe(tag)` as its description."""
  with writer.as_default(step=step):
    for tag, value in values.items():
      if value is not None:
        tf.summary.scalar(tag, value, description=describe(tag))


def write_samples(writer, step, tag, samples, description=""):
  """Samples in TensorBoard's text tab: a table, one numbered row each.

  A sample may hold markdown line breaks ("  \n"), e.g. a poem's lines.
  """
  rows = [[str(number), sample] for number, sample in enumerate(samples, 1)]
  with writer.as_default(step=step):
    tf.summary.text(tag, tf.constant(rows or [["", ""]]),
                    description=description)
