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

# A smoke run long enough to be interrupted in each phase.
ARGS = ["--preset=smoke", "--deterministic", "--pretrain_g_epochs=4",
        "--pretrain_d_rounds=3", "--adversarial_epochs=3"]


def _command(save_dir):
  return [sys.executable, "-m", "experiments.synthetic", *ARGS,
          f"--save_dir={save_dir}"]


def _env():
  return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="",
              PYTHONUNBUFFERED="1")


def _run_to_end(save_dir):
  result = subprocess.run(_command(save_dir), cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=600)
  assert result.returncode == 0, result.stderr[-3000:]
  return result.stderr


def _interrupt(save_dir, after_line, signal_number):
  """Starts a run and sends `signal_number` once `after_line` is logged."""
  process = subprocess.Popen(_command(save_dir), cwd=ROOT, env=_env(),
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


@pytest.mark.parametrize("after_line", [
    "[g-pretrain] epoch 2/4", "[d-pretrain] epoch 1/3",
    "[adversarial] epoch 1/3"
])
def test_sigkill_then_resume_matches_uninterrupted(tmp_path, uninterrupted,
                                                   after_line):
  code, _ = _interrupt(str(tmp_path), after_line, signal.SIGKILL)
  assert code == -signal.SIGKILL
  log = _run_to_end(str(tmp_path))
  assert "Resumed from" in log
  run_dir = os.path.join(str(tmp_path), "smoke_seqgan")
  with open(os.path.join(run_dir, "results.json")) as f:
    results = json.load(f)
  reference_final, reference_curve, reference_best, _ = uninterrupted
  assert results["nll_oracle_final"] == reference_final
  assert _nll_curve(run_dir) == reference_curve
  # The best of the adversarial phase so far is in the checkpoint.
  assert _best(results) == reference_best


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_signal_checkpoints_and_exits_cleanly(tmp_path, uninterrupted,
                                              signal_number):
  code, log = _interrupt(str(tmp_path), "[g-pretrain] epoch 1/4",
                         signal_number)
  assert code == 128 + signal_number
  assert f"{signal.Signals(signal_number).name}: stopped after epoch" in log
  assert "Traceback" not in log
  if signal_number == signal.SIGINT:
    return  # The same handler as SIGTERM's: its resume is tested there.
  resumed = _run_to_end(str(tmp_path))
  assert "Resumed from" in resumed
  with open(os.path.join(str(tmp_path), "smoke_seqgan", "results.json")) as f:
    assert json.load(f)["nll_oracle_final"] == uninterrupted[0]


def test_overwrite_starts_afresh(tmp_path, uninterrupted):
  # A finished run (a copy of the reference's) is deleted and run again.
  shutil.copytree(uninterrupted[3], tmp_path / "smoke_seqgan")
  result = subprocess.run(_command(str(tmp_path)) + ["--overwrite"], cwd=ROOT,
                          env=_env(), capture_output=True, text=True,
                          timeout=600)
  assert result.returncode == 0, result.stderr[-3000:]
  assert "--overwrite: deleting" in result.stderr
  assert "Starting a new run" in result.stderr
  with open(os.path.join(str(tmp_path), "smoke_seqgan", "results.json")) as f:
    assert json.load(f)["nll_oracle_final"] == uninterrupted[0]
