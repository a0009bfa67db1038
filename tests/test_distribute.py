"""--strategy=mirrored: two replicas train as one device does."""

import json
import os

import numpy as np
import pytest

from seqgan_tf import runtime as runtime_lib
from tests.conftest import run_module

# Two replicas sum their gradients in another order than one device does.
TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def check():
  result = run_module("tests.distribute_check")
  assert result.returncode == 0, result.stderr[-3000:]
  return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_replicas_give_one_devices_losses_and_nll(check):
  one, two = check["one"], check["two"]
  assert (one["replicas"], two["replicas"]) == (1, 2)
  for phase in ("mle", "d", "pg"):
    np.testing.assert_allclose(two["losses"][phase], one["losses"][phase],
                               rtol=TOLERANCE, err_msg=phase)
  assert two["nll"] == pytest.approx(one["nll"], rel=TOLERANCE)


def test_replicas_stay_equal_and_drift_is_seen(check):
  assert check["two"]["spread"] == 0.0
  assert check["two"]["spread_after_drift"] == pytest.approx(0.5)


def test_what_cannot_split_is_refused(check):
  assert "--batch_size=7 does not split into the 2 replicas" in (
      check["odd_batch"])
  assert "--recipe=ss runs on one device" in check["ss"]


@pytest.mark.parametrize("changes, message", [
    (dict(strategy="both"), "--strategy=both: choose one of default, mirrored"),
    (dict(devices="2"), "--devices=2: only for --strategy=mirrored"),
    (dict(strategy="mirrored", devices="0"), "--devices=0: must be >= 1"),
])
def test_bad_runtime_settings_are_named(changes, message):
  with pytest.raises(ValueError, match=message):
    runtime_lib.RuntimeConfig(**changes).validate()


def test_a_mirrored_pretraining_goes_on_on_one_device(tmp_path):
  save_dir = str(tmp_path)
  common = ("--preset=smoke", "--adversarial_epochs=1", f"--save_dir={save_dir}")
  runs = [("--recipe=pretrain", "--run_name=pre2", "--strategy=mirrored",
           "--devices=2"),
          ("--recipe=seqgan", "--run_name=branched",
           f"--init_from={os.path.join(save_dir, 'pre2')}")]
  logs = []
  for args in runs:
    result = run_module("experiments.run", *common, *args)
    assert result.returncode == 0, result.stderr[-3000:]
    logs.append(result.stderr)
  # The log names the replicas once, not every traced all-reduce.
  assert "Using MirroredStrategy with devices" in logs[0]
  assert "Reduce to" not in logs[0]
  with open(os.path.join(save_dir, "branched", "results.json")) as f:
    results = json.load(f)
  # Its checkpoint, written by two replicas, restored on one device.
  assert results["init_from"].endswith("pre2")
  assert np.isfinite(results["nll_oracle_final"])
