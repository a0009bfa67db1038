"""What is never lost: runs are not deleted, mixed or half-written."""

import dataclasses
import errno
import os

import pytest
import tensorflow as tf

from experiments import common
from seqgan_tf import files
from seqgan_tf import runner
from tests.conftest import run_module
from tests.conftest import tiny_experiment
from tests.conftest import tiny_oracle_task
from tests.conftest import tiny_synthetic_config


def _experiment(config, run_dir, overwrite=False):
  return tiny_experiment(config, tiny_oracle_task(config),
                                   str(run_dir),
                                   overwrite=overwrite)


def _quick_config(**changes):
  return tiny_synthetic_config(pretrain_g_epochs=1, adversarial_epochs=0,
                               **changes)


def _listing(directory):
  """{relative path: (size, mtime)} of every file under `directory`."""
  found = {}
  for folder, _, names in os.walk(directory):
    for name in names:
      path = os.path.join(folder, name)
      found[os.path.relpath(path, directory)] = (os.path.getsize(path),
                                                 os.path.getmtime(path))
  return found


@pytest.mark.parametrize("name", ["..", ".", "/tmp/elsewhere", "a/b", ".hid"])
def test_run_name_must_be_a_plain_name(tmp_path, name):
  with pytest.raises(ValueError, match="must be a plain directory name"):
    common.run_dir(str(tmp_path), name, "smoke", "seqgan")


def test_overwrite_of_parent_is_refused_from_the_command_line(tmp_path):
  save_dir = tmp_path / "save"
  keep = tmp_path / "keep.txt"
  keep.write_text("precious")
  result = run_module("experiments.run", "--preset=smoke", "--run_name=..",
                "--overwrite", f"--save_dir={save_dir}")
  assert result.returncode == 2 and "plain directory name" in result.stderr
  assert keep.read_text() == "precious"


def test_overwrite_deletes_only_a_run_directory(tmp_path):
  not_a_run = tmp_path / "photos"
  not_a_run.mkdir()
  (not_a_run / "cat.jpg").write_text("meow")
  config = _quick_config()
  with pytest.raises(runner.RunDirError, match="not a seqgan-tf run directory"):
    _experiment(config, not_a_run, overwrite=True).run()
  assert (not_a_run / "cat.jpg").read_text() == "meow"
  # Without --overwrite it is not written into either.
  with pytest.raises(runner.RunDirError, match="is not a seqgan-tf run"):
    _experiment(config, not_a_run).run()
  assert os.listdir(not_a_run) == ["cat.jpg"]
  # A real run is replaced.
  run_dir = tmp_path / "run"
  _experiment(config, run_dir).run()
  other = _quick_config(batch_size=4)
  assert _experiment(other, run_dir, overwrite=True).run()["epochs"] == 1


def test_a_second_process_is_refused_while_a_run_holds_the_lock(tmp_path):
  run_dir = tmp_path / "run"
  with files.RunLock(str(run_dir)):  # As another process would hold it.
    with pytest.raises(runner.RunDirError,
                       match=f"in use by process {os.getpid()}"):
      _experiment(_quick_config(), run_dir).run()
  assert not os.path.exists(run_dir / "config.json")
  assert _experiment(_quick_config(), run_dir).run()["epochs"] == 1


def test_atomic_write_keeps_the_old_file_when_the_disk_is_full(tmp_path,
                                                               monkeypatch):
  path = tmp_path / "results.json"
  path.write_text("old")

  def full(fd):
    raise OSError(errno.ENOSPC, "No space left on device")

  monkeypatch.setattr(os, "fsync", full)
  with pytest.raises(OSError, match="No space left"):
    files.write_atomic(str(path), "new" * 1000)
  assert path.read_text() == "old" and os.listdir(tmp_path) == ["results.json"]


def test_damaged_config_json_is_named_with_the_fix(tmp_path):
  run_dir = tmp_path / "run"
  _experiment(_quick_config(), run_dir).run()
  (run_dir / "config.json").write_text("")  # As a full disk once left it.
  os.remove(run_dir / files.RUN_MARKER)  # As a run from before the marker.
  with pytest.raises(runner.RunDirError,
                     match=r"run/config.json: cannot be read \(not valid "
                     r"JSON\); move it away, or pass --overwrite"):
    _experiment(_quick_config(), run_dir).run()
  # The advice works: --overwrite takes it for the run directory it is.
  assert _experiment(_quick_config(), run_dir, overwrite=True).run()[
      "epochs"] == 1


def test_disk_full_while_checkpointing_is_one_line_and_resumes(tmp_path,
                                                              monkeypatch):
  config = tiny_synthetic_config(pretrain_g_epochs=3, adversarial_epochs=0)
  run_dir = tmp_path / "run"
  real_save = tf.train.CheckpointManager.save
  saves = []

  def save_then_fail(self, *args, **kwargs):
    saves.append(1)
    if len(saves) == 2:  # As TF words it.
      raise tf.errors.ResourceExhaustedError(
          None, None, "{{function_node __wrapped__SaveV2_dtypes_42_device_/"
          "job:localhost/replica:0/task:0/device:CPU:0}} save/x.data; No "
          "space left on device [Op:SaveV2]")
    return real_save(self, *args, **kwargs)

  monkeypatch.setattr(tf.train.CheckpointManager, "save", save_then_fail)
  with pytest.raises(runner.RunDirError,
                     match=r"cannot write a checkpoint .*\(No space left on "
                     r"device\): free disk space.*resume from the last "
                     r"checkpoint .*ckpt-1") as raised:
    _experiment(config, run_dir).run()
  assert "function_node" not in str(raised.value)
  monkeypatch.setattr(tf.train.CheckpointManager, "save", real_save)
  assert _experiment(config, run_dir).run()["epochs"] == 3


def test_a_finished_run_is_left_untouched(tmp_path):
  run_dir = tmp_path / "run"
  first = _experiment(_quick_config(), run_dir).run()
  before = _listing(run_dir)
  assert _experiment(_quick_config(), run_dir).run() == first
  assert _listing(run_dir) == before  # No new events file, nothing written.


def test_finished_run_without_results_json_is_one_line(tmp_path):
  run_dir = tmp_path / "run"
  _experiment(_quick_config(), run_dir).run()
  os.remove(run_dir / "results.json")
  with pytest.raises(runner.RunDirError,
                     match="results.json: cannot be read .*results are lost"):
    _experiment(_quick_config(), run_dir).run()


def test_nan_before_any_checkpoint_says_so(tmp_path):
  experiment = _experiment(_quick_config(), tmp_path / "run")
  phase = experiment.runner.phases[0]
  experiment.runner.phases[0] = dataclasses.replace(
      phase, run_epoch=lambda epoch: {"mle_loss": float("nan")})
  with pytest.raises(FloatingPointError, match="no checkpoint was written yet"):
    experiment.run()


def test_an_os_error_anywhere_is_one_line(capsys):
  def read_only(flag_values):
    raise OSError(errno.EROFS, "Read-only file system", "save/synthetic/x")

  with pytest.raises(SystemExit) as exit_info:
    common.main(read_only, ["run"])
  assert exit_info.value.code == 2
  assert capsys.readouterr().err.strip().splitlines()[-1] == (
      "error: save/synthetic/x: Read-only file system; free disk space or "
      "fix permissions, then run the same command to resume")


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600),
                                         (0o002, 0o664)])
def test_written_files_follow_the_umask_like_open(tmp_path, umask, mode):
  """Others can read a run's files on a shared server, as with open()."""
  previous = os.umask(umask)
  try:
    files.write_atomic(str(tmp_path / "results.json"), "{}\n")
  finally:
    os.umask(previous)
  assert os.stat(tmp_path / "results.json").st_mode & 0o777 == mode


def test_every_file_of_a_run_is_readable_by_others(tmp_path):
  previous = os.umask(0o022)
  try:
    config = tiny_synthetic_config(recipe="random")
    tiny_experiment(config, tiny_oracle_task(config, test_size=16),
                              str(tmp_path / "run")).run()
  finally:
    os.umask(previous)
  for name in ("config.json", "results.json", "samples.txt"):
    assert os.stat(tmp_path / "run" / name).st_mode & 0o044 == 0o044, name


def test_results_json_of_the_wrong_shape_is_not_a_finished_runs(tmp_path):
  run_dir = tmp_path / "run"
  _experiment(_quick_config(), run_dir).run()
  (run_dir / "results.json").write_text("[1, 2, 3]\n")
  with pytest.raises(runner.RunDirError, match="results.json: not a run's "
                     "results .*pass --overwrite"):
    _experiment(_quick_config(), run_dir).run()


def _read_only(monkeypatch):
  def refuse(self):
    raise OSError(errno.EROFS, "Read-only file system", self.path)
  monkeypatch.setattr(files.RunLock, "__enter__", refuse)


def test_a_finished_run_on_a_read_only_filesystem_is_reported(tmp_path,
                                                              monkeypatch):
  run_dir = tmp_path / "run"
  first = _experiment(_quick_config(), run_dir).run()
  before = _listing(run_dir)
  _read_only(monkeypatch)
  assert _experiment(_quick_config(), run_dir).run() == first
  assert _listing(run_dir) == before


def test_an_unfinished_run_on_a_read_only_filesystem_is_one_line(
    tmp_path, monkeypatch):
  _read_only(monkeypatch)
  with pytest.raises(runner.RunDirError, match="cannot write there "
                     r"\(Read-only file system\); a run that is not finished"):
    _experiment(_quick_config(), tmp_path / "run").run()
