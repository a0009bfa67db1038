"""A run's checkpoints: saved every epoch, restored newest-first with a fall-back."""

import os
import re

from absl import logging
import tensorflow as tf

from seqgan_tf import compat
from seqgan_tf import files

# Checkpoints kept: the newest and two to fall back to.
MAX_TO_KEEP = 3


def paths(directory):
  """Checkpoint prefixes in `directory`, newest first, from the files.

  The `checkpoint` index file is not read: a damaged one would hide them.
  """
  if not os.path.isdir(directory):
    return []
  numbers = [int(m.group(1)) for m in
             (re.fullmatch(r"ckpt-(\d+)\.index", name)
              for name in os.listdir(directory)) if m]
  return [os.path.join(directory, f"ckpt-{n}")
          for n in sorted(numbers, reverse=True)]


class Checkpoints:
  """Everything a run resumes from, checkpointed in `directory`.

  Args:
    items: {name: trackable}: models, optimisers, RNGs, data and the
      position in the schedule.
    directory: where the checkpoints go.
    on_legacy: called after restoring a checkpoint from before recipes
      (`compat.LEGACY_LAYOUT`), to renumber its phase.
  """

  def __init__(self, items, directory, on_legacy=lambda: None):
    self.items = dict(items)
    self.directory = directory
    self.checkpoint = tf.train.Checkpoint(**self.items)
    self._on_legacy = on_legacy
    self._manager = None  # Opened once the run directory is locked.

  def paths(self):
    return paths(self.directory)

  @property
  def latest(self):
    """The newest checkpoint this process saved or found; None if none."""
    return self._manager.latest_checkpoint if self._manager else None

  def restore(self, path):
    """Restores `path`; raises if it is damaged or of another model.

    Objects added to checkpoints since `path` was written keep their
    initial values; every other object has to match.
    """
    saved = {key.split("/")[0] for key, _ in tf.train.list_variables(path)}
    target = tf.train.Checkpoint(**{
        name: item for name, item in self.items.items()
        if name in saved or name not in compat.ADDED_SINCE})
    target.restore(path).assert_existing_objects_matched()
    # Number new checkpoints after the restored ones, never over them.
    self.checkpoint.save_counter.assign(target.save_counter)
    if "layout" not in saved:
      self._on_legacy()

  def restore_newest(self):
    """Restores the newest checkpoint that restores; None if there is none.

    Raises:
      files.RunDirError: there are checkpoints and none of them restores.
    """
    found = self.paths()
    failures = []
    for path in found:
      try:
        self.restore(path)
      except Exception as e:  # A damaged file raises OpError, IndexError, ...
        failures.append(f"{os.path.basename(path)} ({type(e).__name__})")
        logging.warning("%s: cannot restore this checkpoint (%s: %s)", path,
                        type(e).__name__, str(e).splitlines()[0][:200])
        continue
      if failures:
        logging.warning(
            "Fell back to %s: %d newer checkpoint(s) could not be restored "
            "(%s); the epochs after it are done again", path, len(failures),
            ", ".join(failures))
      return path
    if found:
      raise files.RunDirError(
          f"{found[0]}: cannot restore this checkpoint ({failures[0]}), nor "
          f"any of the {len(found)} in {self.directory}; they are "
          "truncated or from another model: pass a new --run_name, or "
          "--overwrite to discard them")
    return None

  def open(self, directory=None):
    """Starts saving into `directory` (default: the one restored from),
    after the newest already restored."""
    self._manager = tf.train.CheckpointManager(
        self.checkpoint, directory or self.directory, max_to_keep=MAX_TO_KEEP)

  def save(self):
    """Saves a checkpoint.

    Raises:
      files.RunDirError: it cannot be written (a full disk); the last good
        one is named.
    """
    try:
      self._manager.save()
    except (OSError, tf.errors.OpError) as e:
      reason = getattr(e, "strerror", None) or files.os_reason(e)
      raise files.RunDirError(
          f"cannot write a checkpoint in {self._manager.directory} ({reason}): "
          "free disk space or fix permissions, then run the same command to "
          f"resume from the last checkpoint ({self.latest or 'none yet'})"
      ) from None
