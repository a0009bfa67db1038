"""Run directories written by older versions still resume (tests/data/)."""

import dataclasses
import json
import os
import shutil

import numpy as np
import pytest
import tensorflow as tf

from seqgan_tf import compat
from seqgan_tf import oracle as oracle_lib
from seqgan_tf import tasks
from tests.conftest import tiny_experiment

LEGACY = os.path.join(os.path.dirname(__file__), "data", "legacy_068362a")


def _legacy_run(tmp_path, name):
  run_dir = str(tmp_path / name)
  if not os.path.exists(run_dir):
    shutil.copytree(os.path.join(LEGACY, name), run_dir)
  with open(os.path.join(run_dir, "config.json")) as f:
    saved = json.load(f)
  config = compat.config_from_saved(saved["config"])  # Says "mode".
  params = oracle_lib.random_params(config.generator, seed=0)
  description = {k: v for k, v in saved["task"].items() if k != "task"}
  task = tasks.OracleTask(config, params, description)
  return run_dir, config, tiny_experiment(config, task, run_dir)


def test_oracle_named_by_path_matches_the_same_file_by_content():
  """Up to 068362a, --oracle_params runs wrote the path into config.json."""
  old = dict(task="oracle", oracle_params="/elsewhere/target_params_py3.pkl",
             sha256=oracle_lib.PAPER_ORACLE_SHA256)
  today = dict(task="oracle", test_size=tasks.OracleTask.DEFAULT_TEST_SIZE,
               **tasks.OracleTask.file_description(
                   oracle_lib.PAPER_ORACLE_SHA256))
  assert compat.task_description(old) == today
  assert today["oracle"] == "paper"
  other = tasks.OracleTask.file_description("0" * 64)
  assert other == dict(oracle="file", sha256="0" * 64)


@pytest.mark.parametrize("name, recipe, phase_name", [
    ("smoke_seqgan", "seqgan", "adversarial"),
    ("smoke_mle", "mle", "mle-continued"),
])
def test_pre_recipe_checkpoint_restores_and_finishes(tmp_path, name, recipe,
                                                     phase_name):
  run_dir, config, experiment = _legacy_run(tmp_path, name)
  assert config.recipe == recipe
  checkpoint = tf.train.latest_checkpoint(os.path.join(run_dir, "checkpoints"))
  stored_g = tf.train.load_checkpoint(checkpoint).get_tensor(
      "generator/embedding/.ATTRIBUTES/VARIABLE_VALUE")
  phase = experiment.runner.phases[-1]
  seen = []

  def run_epoch(epoch):
    # The run resumes in the last phase, one epoch done, weights restored.
    seen.append((epoch, experiment.trainer.generator.embedding.numpy()))
    return phase.run_epoch(epoch)

  assert phase.name == phase_name
  experiment.runner.phases[-1] = dataclasses.replace(phase,
                                                     run_epoch=run_epoch)
  results = experiment.run()
  assert [epoch for epoch, _ in seen] == [1]
  np.testing.assert_array_equal(seen[0][1], stored_g)
  assert results["epochs"] == 5 and np.isfinite(results["nll_oracle_final"])
  # New checkpoints are numbered after the legacy one, not over it.
  latest = os.path.basename(experiment.runner.checkpoints.latest)
  assert int(latest.split("-")[1]) > int(os.path.basename(checkpoint)
                                         .split("-")[1])
  # The finished run, now in today's layout, reads back as finished.
  assert _legacy_run(tmp_path, name)[2].run() == results
