import json

import pytest
import tensorflow as tf

from experiments import report


def test_markdown_table_aligns_steps_of_runs():
  table = report.markdown_table({"a": {0: 1.0, 5: 0.5}, "b": {5: 0.25}},
                                "nll_oracle")
  lines = table.splitlines()
  assert lines[2] == "| step | a | b |"
  assert lines[4] == "| 0 | 1.0000 |  |"
  assert lines[5] == "| 5 | 0.5000 | 0.2500 |"


def test_run_without_events_is_named(tmp_path):
  with pytest.raises(ValueError, match="holds no TensorBoard event files"):
    report.read_scalar(str(tmp_path), "nll_oracle")


def test_runs_sharing_a_basename_keep_apart():
  assert report.column_names(["a/cpu_mle", "b/cpu_mle", "c/x"]) == [
      "a/cpu_mle", "b/cpu_mle", "c/x"]
  assert report.column_names(["a/cpu_mle", "b/cpu_seqgan"]) == [
      "cpu_mle", "cpu_seqgan"]
  with pytest.raises(ValueError, match="a run is named twice"):
    report.column_names(["a/run", "a/run"])


def _write_scalars(run_dir, tag, values):
  with tf.summary.create_file_writer(str(run_dir)).as_default():
    for step, value in values.items():
      tf.summary.scalar(tag, value, step=step)


def test_a_bare_metric_name_means_its_eval_tag(tmp_path):
  _write_scalars(tmp_path, "eval/nll_oracle", {0: 3.0, 1: 2.0})
  assert report.read_scalar(str(tmp_path), "nll_oracle") == {0: 3.0, 1: 2.0}
  assert report.read_curve(str(tmp_path), "nll_oracle") == {0: 3.0, 1: 2.0}


def test_curve_of_a_run_before_tag_groups_leaves_out_the_final_step(tmp_path):
  # Such runs logged the final evaluation as one more step of the flat tag.
  _write_scalars(tmp_path, "nll_oracle", {0: 3.0, 1: 2.0, 2: 2.5})
  (tmp_path / "results.json").write_text(json.dumps({"epochs": 2}))
  assert report.read_curve(str(tmp_path), "nll_oracle") == {0: 3.0, 1: 2.0}


def test_unknown_tag_lists_the_tags_there_are(tmp_path):
  from tests.conftest import run_module
  with tf.summary.create_file_writer(str(tmp_path)).as_default(step=0):
    tf.summary.scalar("nll_oracle", 1.0)
  result = run_module("experiments.report", f"--runs={tmp_path}", "--tag=nope")
  assert result.returncode == 2
  assert "--tag=nope: no run logged it; these runs log nll_oracle" in (
      result.stderr)
