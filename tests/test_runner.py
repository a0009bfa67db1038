"""The runner: run directory, checkpoints, resume, evaluation cadence."""

import dataclasses
import json
import os
import re
import shutil

import numpy as np
import pytest
import tensorflow as tf

from experiments import report
from seqgan_tf import runner
from tests.conftest import tiny_experiment
from tests.conftest import tiny_generator_config
from tests.conftest import tiny_oracle_task
from tests.conftest import tiny_synthetic_config


def _task(config):
  return tiny_oracle_task(config)


def _experiment(config, run_dir):
  return tiny_experiment(config, _task(config), str(run_dir))


class _Stop(Exception):
  pass


def _stop_after(experiment, phase_index, epochs):
  """Makes the run die (no checkpoint of that epoch) after `epochs` epochs."""
  phase = experiment.runner.phases[phase_index]

  def run_epoch(epoch):
    if epoch == epochs:
      raise _Stop()
    return phase.run_epoch(epoch)

  experiment.runner.phases[phase_index] = dataclasses.replace(
      phase, run_epoch=run_epoch)


def _counting_spec(evaluated, **changes):
  """A RunSpec whose 'model' is nothing: the runner needs no GAN."""
  class Counting(runner.Evaluator):

    def evaluate(self, num_samples):
      evaluated.append(num_samples)
      return {"score": 1.0}, np.zeros([num_samples, 2], np.int32)

    def format_samples(self, samples):
      return [str(s) for s in samples.tolist()]

  values = dict(config_json={"run": "counting"}, evaluator=Counting(),
                eval_every=2, eval_samples=3, final_eval_samples=5)
  values.update(changes)
  return runner.RunSpec(**values)


def test_runner_runs_phases_in_order_with_the_eval_cadence(tmp_path):
  counter = tf.Variable(0)
  calls, evaluated = [], []

  def count(name):
    def run_epoch(epoch):
      calls.append((name, epoch))
      counter.assign_add(1)
      return {f"{name}_value": float(epoch)}
    return run_epoch

  phases = [runner.Phase("a", 3, count("a"), first_step=0),
            runner.Phase("b", 2, count("b")),  # Leaves the model alone.
            runner.Phase("c", 2, count("c"), first_step=3,
                         on_start=lambda: calls.append(("c", "start")))]
  results = runner.Runner(str(tmp_path), phases, dict(counter=counter),
                          _counting_spec(evaluated)).run()
  assert calls == [("a", 0), ("a", 1), ("a", 2), ("b", 0), ("b", 1),
                   ("c", "start"), ("c", 0), ("c", 1)]
  # a: epochs 0 and 2 (every 2nd, and the last); c: 0 and 1 (the last); final.
  assert evaluated == [3, 3, 3, 3, 5]
  assert results["score_final"] == 1.0 and results["epochs"] == 5
  assert sorted(report.read_scalar(str(tmp_path), "eval/score")) == [0, 2, 3, 4]
  assert report.read_scalar(str(tmp_path), "final/score") == {5: 1.0}
  assert sorted(report.read_scalar(str(tmp_path), "b_value")) == [0, 1]
  # train_g/phase numbers the G phases on the G-epoch axis; "b" is not one.
  assert report.read_scalar(str(tmp_path), "train_g/phase") == {
      0: 0, 1: 0, 2: 0, 3: 1, 4: 1}
  # A finished run is not run again, and says so through its results.
  again = runner.Runner(str(tmp_path), phases, dict(counter=counter),
                        _counting_spec(evaluated)).run()
  assert again == results and len(calls) == 8


def test_experiment_end_to_end_writes_everything(tmp_path):
  config = tiny_synthetic_config()
  run_dir = str(tmp_path / "run")
  results = _experiment(config, run_dir).run()
  assert np.isfinite(results["nll_oracle_final"])
  assert results["recipe"] == "seqgan"
  for name in ("config.json", "results.json", "samples.txt", "checkpoints"):
    assert os.path.exists(os.path.join(run_dir, name)), name
  nll = report.read_scalar(run_dir, "eval/nll_oracle")
  # Every G epoch on one axis: pre-training 0-1, adversarial 2-3; the final
  # evaluation on its own tag, at the step after.
  assert sorted(nll) == [0, 1, 2, 3]
  assert list(report.read_scalar(run_dir, "final/nll_oracle")) == [4]
  with open(os.path.join(run_dir, "samples.txt")) as f:
    assert len(f.readline().split()) == config.generator.seq_len


def test_mle_recipe_continues_pretraining_without_d(tmp_path):
  config = tiny_synthetic_config(recipe="mle")
  run_dir = str(tmp_path / "mle")
  experiment = _experiment(config, run_dir)
  d_before = [w.numpy() for w in experiment.trainer.discriminator.weights]
  experiment.run()
  assert sorted(report.read_scalar(run_dir, "nll_oracle")) == [0, 1, 2, 3]
  assert report.read_scalar(run_dir, "train_d/loss") == {}
  for before, after in zip(d_before, experiment.trainer.discriminator.weights):
    np.testing.assert_array_equal(before, after.numpy())


def test_unknown_recipe_is_refused():
  config = tiny_synthetic_config(recipe="gumbel")
  with pytest.raises(ValueError, match="--recipe=gumbel: no such training "
                     "method; choose one of constant, mle, pgbleu, pretrain, "
                     "random, seqgan, ss"):
    _experiment(config, "unused")


def test_finished_run_is_not_rerun(tmp_path):
  config = tiny_synthetic_config(adversarial_epochs=1)
  run_dir = str(tmp_path / "run")
  first = _experiment(config, run_dir).run()
  with open(os.path.join(run_dir, "samples.txt")) as f:
    samples = f.read()
  again = _experiment(config, run_dir).run()
  assert again == first
  with open(os.path.join(run_dir, "samples.txt")) as f:
    assert f.read() == samples


def test_other_config_in_run_dir_is_refused(tmp_path):
  config = tiny_synthetic_config(adversarial_epochs=0)
  run_dir = str(tmp_path / "run")
  _experiment(config, run_dir).run()
  with open(os.path.join(run_dir, "config.json")) as f:
    saved = f.read()
  other = tiny_synthetic_config(adversarial_epochs=0, batch_size=4)
  with pytest.raises(runner.RunDirError, match="another config.json"):
    _experiment(other, run_dir).run()
  with open(os.path.join(run_dir, "config.json")) as f:
    assert f.read() == saved


def _interrupted_pretraining(tmp_path, epochs_done=3):
  """A run stopped after `epochs_done` of 5 G epochs: ckpt-1 .. ckpt-N."""
  config = tiny_synthetic_config(pretrain_g_epochs=5, adversarial_epochs=0)
  run_dir = str(tmp_path / "run")
  experiment = _experiment(config, run_dir)
  _stop_after(experiment, 0, epochs_done)
  with pytest.raises(_Stop):
    experiment.run()
  return config, run_dir


def _resume_recording(config, run_dir):
  """Resumes; returns (results, the G-pretraining epochs it ran)."""
  resumed = _experiment(config, run_dir)
  calls = []
  phase = resumed.runner.phases[0]
  resumed.runner.phases[0] = dataclasses.replace(
      phase, run_epoch=lambda epoch: calls.append(epoch) or phase.run_epoch(
          epoch))
  return resumed.run(), calls


def test_resume_continues_from_the_last_checkpoint(tmp_path):
  config, run_dir = _interrupted_pretraining(tmp_path, epochs_done=2)
  with open(os.path.join(run_dir, "config.json")) as f:
    assert json.load(f)["config"]["pretrain_g_epochs"] == 5
  real = _experiment(config, run_dir).task.real_data(config.seed + 1).numpy()
  results, calls = _resume_recording(config, run_dir)
  assert results["epochs"] == 5
  assert calls == [2, 3, 4]  # Only the epochs not yet checkpointed.
  restored = tf.train.load_checkpoint(
      tf.train.latest_checkpoint(os.path.join(run_dir, "checkpoints")))
  np.testing.assert_array_equal(
      restored.get_tensor("real_data/.ATTRIBUTES/VARIABLE_VALUE"), real)


def _truncate(path_prefix):
  with open(path_prefix + ".data-00000-of-00001", "r+b") as f:
    f.truncate(100)


def test_damaged_latest_checkpoint_falls_back_to_an_older_one(tmp_path):
  config, run_dir = _interrupted_pretraining(tmp_path)
  _truncate(os.path.join(run_dir, "checkpoints", "ckpt-3"))
  results, calls = _resume_recording(config, run_dir)
  assert calls == [2, 3, 4]  # From ckpt-2: epoch 2 is done again.
  assert np.isfinite(results["nll_oracle_final"])


def test_garbage_checkpoint_index_does_not_restart_the_run(tmp_path):
  config, run_dir = _interrupted_pretraining(tmp_path)
  with open(os.path.join(run_dir, "checkpoints", "checkpoint"), "w") as f:
    f.write("\x00garbage")
  _, calls = _resume_recording(config, run_dir)
  assert calls == [3, 4]


def test_no_restorable_checkpoint_is_refused_and_kept(tmp_path):
  config, run_dir = _interrupted_pretraining(tmp_path)
  for number in (1, 2, 3):
    _truncate(os.path.join(run_dir, "checkpoints", f"ckpt-{number}"))
  before = {name: os.path.getsize(os.path.join(run_dir, "checkpoints", name))
            for name in os.listdir(os.path.join(run_dir, "checkpoints"))}
  with pytest.raises(runner.RunDirError,
                     match="cannot restore this checkpoint .* nor any of the 3"):
    _experiment(config, run_dir).run()
  after = {name: os.path.getsize(os.path.join(run_dir, "checkpoints", name))
           for name in os.listdir(os.path.join(run_dir, "checkpoints"))}
  assert after == before


def test_nan_loss_stops_with_phase_and_keeps_last_checkpoint(tmp_path):
  config = tiny_synthetic_config(pretrain_g_epochs=3)
  run_dir = str(tmp_path / "run")
  experiment = _experiment(config, run_dir)
  phase = experiment.runner.phases[0]
  experiment.runner.phases[0] = dataclasses.replace(
      phase, run_epoch=lambda epoch: (phase.run_epoch(epoch) if epoch < 1 else
                                      {"mle_loss": float("nan")}))
  with pytest.raises(FloatingPointError,
                     match="mle_loss is nan in phase g-pretrain, epoch 1"):
    experiment.run()
  assert experiment.runner.checkpoints.latest.endswith("ckpt-1")


def test_foreign_checkpoint_is_refused(tmp_path):
  """Checkpoints of another architecture under this run's config.json."""
  other = tiny_synthetic_config(adversarial_epochs=0,
                                generator=tiny_generator_config(hidden_dim=5))
  _experiment(other, tmp_path / "other").run()
  config = tiny_synthetic_config(adversarial_epochs=0)
  run_dir = str(tmp_path / "run")
  _experiment(config, run_dir).run()
  shutil.rmtree(os.path.join(run_dir, "checkpoints"))
  shutil.copytree(str(tmp_path / "other" / "checkpoints"),
                  os.path.join(run_dir, "checkpoints"))
  with pytest.raises(runner.RunDirError, match="from another model"):
    _experiment(config, run_dir).run()
  assert sorted(os.listdir(os.path.join(run_dir, "checkpoints"))) == sorted(
      os.listdir(str(tmp_path / "other" / "checkpoints")))


def test_results_json_names_the_recipe_and_where_it_was_made(tmp_path):
  config = tiny_synthetic_config(recipe="mle", adversarial_epochs=0,
                                 pretrain_g_epochs=1)
  _experiment(config, tmp_path).run()
  with open(tmp_path / "results.json") as f:
    results = json.load(f)
  assert results["recipe"] == "mle"
  # A study's table names the commit and CPU of each run it gathers.
  made = results["provenance"]
  assert re.fullmatch(r"[0-9a-f]{7,}(-dirty)?|unknown", made["commit"])
  assert made["cpu"].endswith("cores")
  assert re.fullmatch(r"\d{4}-\d\d-\d\d", made["date"])
