"""Killing a run at any phase and starting it again loses nothing."""

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

from experiments import report
from tests.conftest import ROOT
from tests.conftest import run_module

# A smoke run long enough to be interrupted in each phase.
ARGS = ["--preset=smoke", "--deterministic", "--pretrain_g_epochs=4",
        "--pretrain_d_rounds=3", "--adversarial_epochs=3"]


def _module_args(save_dir):
  return ["experiments.synthetic", *ARGS, f"--save_dir={save_dir}"]


def _env():
  return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="",
              PYTHONUNBUFFERED="1")


def _run_to_end(save_dir, *args):
  result = run_module(*_module_args(save_dir), *args)
  assert result.returncode == 0, result.stderr[-3000:]
  return result.stderr


def _interrupt(save_dir, after_line, signal_number):
  """Starts a run and sends `signal_number` once `after_line` is logged."""
  process = subprocess.Popen([sys.executable, "-m", *_module_args(save_dir)],
                             cwd=ROOT, env=_env(),
                             stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             text=True)
  log = []
  for line in process.stderr:
    log.append(line)
    if after_line in line:
      process.send_signal(signal_number)
      break
  log.extend(process.stderr)
  process.wait(timeout=600)
  return process.returncode, "".join(log)


def _nll_curve(run_dir):
  """nll_oracle per step; a step logged again after a resume overrides."""
  return report.read_scalar(run_dir, "nll_oracle")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
  save_dir = str(tmp_path_factory.mktemp("reference"))
  _run_to_end(save_dir)
  run_dir = os.path.join(save_dir, "smoke_seqgan")
  with open(os.path.join(run_dir, "results.json")) as f:
    results = json.load(f)
  return (results["nll_oracle_final"], _nll_curve(run_dir), _best(results),
          run_dir)


def _best(results):
  return results["nll_oracle_best"], results["nll_oracle_best_epoch"]


def test_killed_in_every_phase_the_run_resumes_as_if_never_stopped(
    tmp_path, uninterrupted):
  # One run stopped three times: SIGKILL inside G's pre-training and inside
  # D's, SIGTERM in the adversarial phase (which checkpoints, then exits).
  save_dir = str(tmp_path)
  for start, (after_line, signal_number, code) in enumerate((
      ("[g-pretrain] epoch 2/4", signal.SIGKILL, -signal.SIGKILL),
      ("[d-pretrain] epoch 1/3", signal.SIGKILL, -signal.SIGKILL),
      ("[adversarial] epoch 1/3", signal.SIGTERM, 128 + signal.SIGTERM))):
    returned, log = _interrupt(save_dir, after_line, signal_number)
    assert returned == code, (after_line, log[-3000:])
    assert ("Resumed from" in log) == (start > 0), after_line
    if signal_number == signal.SIGTERM:
      assert "SIGTERM: stopped after epoch" in log
      assert "Traceback" not in log
  log = _run_to_end(save_dir)
  assert "Resumed from" in log
  run_dir = os.path.join(save_dir, "smoke_seqgan")
  with open(os.path.join(run_dir, "results.json")) as f:
    results = json.load(f)
  reference_final, reference_curve, reference_best, _ = uninterrupted
  assert results["nll_oracle_final"] == reference_final
  assert _nll_curve(run_dir) == reference_curve
  # The best of the adversarial phase so far is in the checkpoint.
  assert _best(results) == reference_best


def test_sigint_checkpoints_and_exits_cleanly(tmp_path):
  code, log = _interrupt(str(tmp_path), "[g-pretrain] epoch 1/4",
                         signal.SIGINT)
  assert code == 128 + signal.SIGINT
  assert "SIGINT: stopped after epoch 1" in log
  assert "Traceback" not in log
  checkpoints = os.listdir(os.path.join(str(tmp_path), "smoke_seqgan",
                                        "checkpoints"))
  assert any(name.endswith(".index") for name in checkpoints)


def test_overwrite_starts_afresh(tmp_path, uninterrupted):
  # A finished run (a copy of the reference's) is deleted and run again.
  shutil.copytree(uninterrupted[3], tmp_path / "smoke_seqgan")
  log = _run_to_end(str(tmp_path), "--overwrite")
  assert "--overwrite: deleting" in log
  assert "Starting a new run" in log
  with open(os.path.join(str(tmp_path), "smoke_seqgan", "results.json")) as f:
    assert json.load(f)["nll_oracle_final"] == uninterrupted[0]
