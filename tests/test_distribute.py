"""--strategy=mirrored and multi_worker: replicas train as one device does."""

import json
import os
import socket
import time

import numpy as np
import pytest

from seqgan_tf import runtime as runtime_lib
from tests.conftest import run_module
from tests.conftest import start_module

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
  for phase in ("mle", "d", "pg", "ss"):
    np.testing.assert_allclose(two["losses"][phase], one["losses"][phase],
                               rtol=TOLERANCE, err_msg=phase)
  assert two["nll"] == pytest.approx(one["nll"], rel=TOLERANCE)
  assert two["metrics"] == pytest.approx(one["metrics"], rel=TOLERANCE)


def test_two_replicas_sample_what_one_device_samples(check):
  one, two = (np.array(check[k]["samples"]) for k in ("one", "two"))
  assert one.shape == two.shape == (512 + 37, 6)
  # Each replica draws its own rows: no replica repeats another's.
  assert len({tuple(row) for row in two}) > 0.9 * len(two)
  np.testing.assert_array_equal(two, one)


def test_replicas_stay_equal_and_drift_is_seen(check):
  assert check["two"]["spread"] == 0.0
  assert check["two"]["spread_after_drift"] == pytest.approx(0.5)


def test_what_cannot_split_is_refused(check):
  assert "--batch_size=7 does not split into the 2 replicas" in (
      check["odd_batch"])
  assert check["other_task"].startswith(
      "the task was built for another --strategy than the run's (mirrored)")


@pytest.mark.parametrize("changes, message", [
    (dict(strategy="both"), "--strategy=both: choose one of default, mirrored"),
    (dict(devices="2"), "--devices=2: only for --strategy=mirrored"),
    (dict(strategy="multi_worker", devices="2"),
     "--devices=2: only for --strategy=mirrored"),
    (dict(strategy="mirrored", devices="0"), "--devices=0: must be >= 1"),
])
def test_bad_runtime_settings_are_named(changes, message):
  with pytest.raises(ValueError, match=message):
    runtime_lib.RuntimeConfig(**changes).validate()


# The smoke run every test of a whole run makes (as one process, or split).
SMOKE = ("experiments.run", "--preset=smoke", "--adversarial_epochs=1",
         "--xla=false")


@pytest.fixture(scope="module")
def branched(tmp_path_factory):
  """A smoke run that pre-trained on two replicas and went on on one device:
  (the pre-training's log, the results)."""
  save_dir = str(tmp_path_factory.mktemp("mirrored"))
  runs = [("--recipe=pretrain", "--run_name=pre2", "--strategy=mirrored",
           "--devices=2"),
          ("--recipe=seqgan", "--run_name=branched",
           f"--init_from={os.path.join(save_dir, 'pre2')}")]
  logs = []
  for args in runs:
    result = run_module(*SMOKE, f"--save_dir={save_dir}", *args)
    assert result.returncode == 0, result.stderr[-3000:]
    logs.append(result.stderr)
  with open(os.path.join(save_dir, "branched", "results.json")) as f:
    return logs[0], json.load(f)


def test_a_mirrored_pretraining_goes_on_on_one_device(branched):
  log, results = branched
  # The log names the replicas once, not every traced all-reduce.
  assert "Using MirroredStrategy with devices" in log
  assert "Reduce to" not in log
  # Its checkpoint, written by two replicas, restored on one device.
  assert results["init_from"].endswith("pre2")
  assert np.isfinite(results["nll_oracle_final"])


def _start_workers(save_dir, logs, scratch):
  """A chief and a worker of --strategy=multi_worker on 127.0.0.1."""
  sockets = [socket.socket() for _ in range(2)]
  for sock in sockets:
    sock.bind(("127.0.0.1", 0))
  cluster = dict(worker=[f"127.0.0.1:{s.getsockname()[1]}" for s in sockets])
  for sock in sockets:
    sock.close()
  return [start_module(*SMOKE, f"--save_dir={save_dir}",
                       "--strategy=multi_worker", log=log,
                       environ=dict(os.environ, TMPDIR=scratch,
                                    TF_CONFIG=json.dumps(dict(
                                        cluster=cluster,
                                        task=dict(type="worker", index=i)))))
          for i, log in enumerate(logs)]


def _read(path):
  with open(path, encoding="utf-8") as f:
    return f.read()


def test_two_workers_train_as_one_process_and_resume_without_one(tmp_path,
                                                                 branched):
  save_dir, scratch = str(tmp_path / "save"), str(tmp_path / "scratch")
  os.makedirs(scratch)
  run_dir = os.path.join(save_dir, "smoke_seqgan")
  logs = [str(tmp_path / f"{name}.log") for name in
          ("chief", "worker", "chief_again", "worker_again")]
  processes = _start_workers(save_dir, logs[:2], scratch)
  try:
    deadline = time.monotonic() + 300
    while not os.path.exists(os.path.join(run_dir, "checkpoints",
                                          "ckpt-2.index")):
      assert time.monotonic() < deadline, _read(logs[0])[-3000:]
      assert processes[0].poll() is None, _read(logs[0])[-3000:]
      time.sleep(0.05)
    processes[1].kill()
    assert processes[0].wait(timeout=300) != 0
    assert "a worker of the cluster is gone" in _read(logs[0])
    processes = _start_workers(save_dir, logs[2:], scratch)
    for process, log in zip(processes, logs[2:]):
      assert process.wait(timeout=300) == 0, _read(log)[-3000:]
      assert "Resumed from" in _read(log)
  finally:
    for process in processes:
      process.kill()
  with open(os.path.join(run_dir, "results.json")) as f:
    results = json.load(f)
  # The global batch split across two processes is one process's batch.
  assert results["nll_oracle_final"] == pytest.approx(
      branched[1]["nll_oracle_final"], rel=TOLERANCE)
  # Only the chief wrote summaries (once per start); the worker's
  # checkpoints went into a temporary directory it deleted at the end (the
  # killed worker's one stays: SIGKILL leaves no time to delete it).
  events = [n for n in os.listdir(run_dir) if n.startswith("events.")]
  assert len(events) == 2
  assert len([n for n in os.listdir(scratch)
              if n.startswith("seqgan-tf-worker-")]) == 1


@pytest.mark.parametrize("tf_config, message", [
    (None, "TF_CONFIG is not set"),
    ("{cluster", "is not a JSON object with a cluster"),
    ('{"cluster": {"worker": ["a:1"]}}', "is not a JSON object with a cluster"),
    ('{"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 1}}',
     "task worker:1 is not in its cluster"),
])
def test_a_bad_tf_config_is_named(monkeypatch, tf_config, message):
  if tf_config is None:
    monkeypatch.delenv("TF_CONFIG", raising=False)
  else:
    monkeypatch.setenv("TF_CONFIG", tf_config)
  with pytest.raises(ValueError, match="--strategy=multi_worker: .*" + message):
    runtime_lib.cluster_spec()
