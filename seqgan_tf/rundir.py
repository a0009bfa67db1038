"""A run directory and its safety: whose it is, what may be deleted, what it holds.

A run directory holds one run: its marker file, config.json (the run's
identity), checkpoints/, TensorBoard events, samples.txt and results.json.
`RunDirectory` refuses a directory that is another run's or nobody's,
deletes only run directories (`--overwrite`), and reads results only when
they are a run's.
"""

import json
import os
import shutil

from absl import logging

from seqgan_tf import files

RunDirError = files.RunDirError


class RunDirectory:
  """The directory of the run whose identity is `config_json`.

  Args:
    path: the run directory.
    config_json: the run's identity, written to config.json; a directory
      whose config.json says otherwise is refused.
    upgrade_saved: maps a config.json that an older version wrote onto
      today's form before that comparison (`compat.upgrade_saved`).
  """

  def __init__(self, path, config_json, upgrade_saved=lambda saved: saved):
    self.path = os.path.normpath(path)
    self.config_json = config_json
    self._upgrade_saved = upgrade_saved
    self.checkpoint_dir = os.path.join(self.path, "checkpoints")
    self.results_path = os.path.join(self.path, "results.json")

  def lock(self):
    """One process at a time (`files.RunLock`)."""
    return files.RunLock(self.path)

  def delete_for_overwrite(self):
    """Deletes the directory, if it is a run directory (and not a link)."""
    if not os.path.lexists(self.path):
      return
    if os.path.islink(self.path) or not files.is_run_dir(self.path):
      raise RunDirError(
          f"--overwrite: {self.path} is not a seqgan-tf run directory (no "
          f"{files.RUN_MARKER} or config.json of ours), so it is not deleted; "
          "pass another --run_name")
    logging.info("--overwrite: deleting %s", self.path)
    shutil.rmtree(self.path)

  def check(self, has_checkpoints):
    """Refuses a directory that is not this run's; returns whether it is new.

    Args:
      has_checkpoints: whether checkpoints are there (a config.json missing
        beside them is refused).
    """
    if os.path.islink(self.path):
      raise RunDirError(f"{self.path} is a symbolic link: pass another "
                        "--run_name")
    if not os.path.isdir(self.path) or not os.listdir(self.path):
      return True
    config_path = os.path.join(self.path, "config.json")
    if not (files.is_run_dir(self.path) or os.path.exists(config_path)):
      raise RunDirError(
          f"{self.path} holds files but is not a seqgan-tf run directory: "
          "pass another --run_name")
    if not os.path.exists(config_path):
      if has_checkpoints:
        raise RunDirError(
            f"{config_path} is missing beside checkpoints: restore it, or pass "
            "--overwrite to discard the run")
      return True
    saved = files.read_json(
        config_path, "move it away, or pass --overwrite to discard the run")
    config_json = json.loads(json.dumps(self.config_json))
    try:
      saved = json.loads(json.dumps(self._upgrade_saved(saved)))
    except (KeyError, TypeError, ValueError):
      pass  # Not a config this code knows: the comparison below refuses it.
    if saved != config_json:
      raise RunDirError(
          f"{self.path} holds a run with another config.json: pass a "
          "new --run_name, or --overwrite to discard it")
    return False

  def create(self, run_files):
    """Makes a new run directory: its marker and `run_files` {name: text}."""
    logging.info("Starting a new run in %s", self.path)
    os.makedirs(self.path, exist_ok=True)
    files.write_atomic(os.path.join(self.path, files.RUN_MARKER),
                       "a seqgan-tf run directory\n")
    for name, text in run_files.items():
      files.write_atomic(os.path.join(self.path, name), text)

  def write_config(self):
    """config.json, last of a new run's files: its presence means a run."""
    files.write_atomic(
        os.path.join(self.path, "config.json"),
        json.dumps(self.config_json, indent=2, sort_keys=True) + "\n")

  def write_samples(self, lines):
    files.write_atomic(os.path.join(self.path, "samples.txt"),
                       "".join(line + "\n" for line in lines))

  def write_results(self, results):
    files.write_atomic(self.results_path, json.dumps(results, indent=2) + "\n")

  def read_results(self):
    """results.json of a finished run, refused if it is not a run's results."""
    results = files.read_json(
        self.results_path,
        "the run finished but its results are lost: pass --overwrite to run "
        "it again")
    if not (isinstance(results, dict) and "epochs" in results and
            any(key.endswith("_final") for key in results)):
      raise RunDirError(
          f"{self.results_path}: not a run's results (a JSON object with "
          "epochs and final metrics); pass --overwrite to run it again")
    return results
