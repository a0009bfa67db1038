"""Files a run writes: atomically, under a lock, marked as a run's.

Nothing here knows what a run is about; `seqgan_tf.runner` uses it so that a
crash, a full disk or a second process never leaves a half-written or mixed
run directory.
"""

import errno
import fcntl
import json
import os
import re
import tempfile

# Written first into every run directory this project creates: --overwrite
# deletes only a directory holding it (or a config.json of this project's).
RUN_MARKER = ".seqgan_tf_run"


class RunDirError(ValueError):
  """The run directory holds something this run must not overwrite or use."""


def write_atomic(path, text):
  """Writes `text` (UTF-8) to `path` so that a reader sees old or new, never half.

  The text goes to a temporary file beside `path`, is flushed to disk, then
  renamed over it. On failure (a full disk) `path` is untouched and the
  temporary file removed. The file gets the permissions `open()` would give
  it under the process's umask (mkstemp's are private, 0600).
  """
  directory = os.path.dirname(path) or "."
  handle, temporary = tempfile.mkstemp(dir=directory,
                                       prefix=f".{os.path.basename(path)}.")
  try:
    os.fchmod(handle, 0o666 & ~_umask())
    with os.fdopen(handle, "w", encoding="utf-8") as f:
      f.write(text)
      f.flush()
      os.fsync(f.fileno())
    os.replace(temporary, path)
  except BaseException:
    try:
      os.remove(temporary)
    except OSError:
      pass
    raise


def _umask():
  """The process's umask (reading it means setting it: set it back)."""
  mask = os.umask(0o022)
  os.umask(mask)
  return mask


# What a failed file operation of TF says, in the words of the OS.
_OS_REASONS = ("No space left on device", "Read-only file system",
               "Permission denied", "Disk quota exceeded",
               "Input/output error")


def os_reason(error):
  """The OS's reason in a TF error, without TF's {{function_node ...}} noise."""
  message = str(getattr(error, "message", error))
  for reason in _OS_REASONS:
    if reason in message:
      return reason
  plain = re.sub(r"\{\{[^}]*\}\}", "", message).strip()
  return (plain.splitlines() or ["unknown error"])[0][:200]


def read_json(path, fix):
  """A JSON file's content, or RunDirError naming the file and `fix`."""
  try:
    with open(path, encoding="utf-8") as f:
      return json.load(f)
  except (OSError, ValueError) as e:
    reason = e.strerror if isinstance(e, OSError) else "not valid JSON"
    raise RunDirError(f"{path}: cannot be read ({reason}); {fix}") from None


def is_run_dir(path):
  """Whether `path` is a run directory of this project (safe to --overwrite)."""
  if os.path.isfile(os.path.join(path, RUN_MARKER)):
    return True
  # Runs written before the marker existed: a config.json of ours, or one
  # beside a checkpoints folder (a config.json that a full disk damaged).
  if (os.path.isfile(os.path.join(path, "config.json")) and
      os.path.isdir(os.path.join(path, "checkpoints"))):
    return True
  try:
    with open(os.path.join(path, "config.json"), encoding="utf-8") as f:
      saved = json.load(f)
  except (OSError, ValueError):
    return False
  return isinstance(saved, dict) and set(saved) == {"config", "task"}


class RunLock:
  """An exclusive lock on a run directory for the life of a process.

  The lock is `.<run name>.lock` beside the run directory, so that it
  outlives `--overwrite` deleting the directory. It is an `flock`: the
  kernel releases it when the process dies, even by `kill -9`, so a stale
  lock never blocks a resume.
  """

  def __init__(self, run_dir):
    run_dir = os.path.normpath(run_dir)
    self.run_dir = run_dir
    self.path = os.path.join(os.path.dirname(run_dir) or ".",
                             f".{os.path.basename(run_dir)}.lock")
    self._file = None

  def __enter__(self):
    os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
    self._file = open(self.path, "a+", encoding="utf-8")
    try:
      fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
      if e.errno not in (errno.EAGAIN, errno.EACCES):
        raise
      self._file.seek(0)
      holder = self._file.read().strip() or "another process"
      self._file.close()
      raise RunDirError(
          f"{self.run_dir} is in use by {holder}: wait for it to finish or "
          "stop it, or pass another --run_name") from None
    self._file.seek(0)
    self._file.truncate()
    self._file.write(f"process {os.getpid()}\n")
    self._file.flush()
    return self

  def __exit__(self, *exc_info):
    fcntl.flock(self._file, fcntl.LOCK_UN)
    self._file.close()
