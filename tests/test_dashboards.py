"""What a run shows in TensorBoard, read back from its event files."""

import glob
import os

import pytest
import tensorflow as tf
from tensorboard.backend.event_processing import event_file_loader
from tensorboard.plugins.custom_scalar import layout_pb2
from tensorboard.plugins.hparams import metadata as hparams_metadata

from seqgan_tf import summaries
from seqgan_tf import tasks
from tests.conftest import tiny_experiment
from tests.conftest import tiny_oracle_task
from tests.conftest import tiny_synthetic_config
from tests.conftest import write_corpus

GROUPS = ("eval", "final", "pretrain_d", "sweep", "train_d", "train_g")


def _events(run_dir):
  """[(step, summary value)] of every event file of a run, in order."""
  found = []
  for path in sorted(glob.glob(os.path.join(run_dir, "events.out.tfevents*"))):
    for event in event_file_loader.EventFileLoader(path).Load():
      found.extend((event.step, value) for value in event.summary.value)
  return found


def _plugin(value):
  return value.metadata.plugin_data.plugin_name


@pytest.fixture(scope="module")
def oracle_run(tmp_path_factory):
  config = tiny_synthetic_config(sweep_temperatures=(0.9,))
  run_dir = str(tmp_path_factory.mktemp("dashboards") / "cpu_seqgan")
  tiny_experiment(config, tiny_oracle_task(config), run_dir,
                            labels=dict(Task="oracle", Preset="cpu")).run()
  return config, run_dir, _events(run_dir)


def test_every_scalar_is_in_a_group_and_described(oracle_run):
  config, _, events = oracle_run
  scalars = {v.tag: v.metadata.summary_description
             for _, v in events if _plugin(v) == "scalars"}
  assert {"eval/nll_oracle", "eval/nll_test", "final/nll_oracle",
          "train_g/mle_loss", "train_g/pg_loss", "train_g/mean_reward",
          "train_g/phase", "train_d/loss", "pretrain_d/loss",
          "sweep/nll_oracle"} <= set(scalars)
  for tag, description in scalars.items():
    assert tag.split("/")[0] in GROUPS, tag
    assert description, f"{tag} has no description"
  assert f"on {config.eval_samples:,} fresh samples" in scalars[
      "eval/nll_oracle"]
  assert f"on {config.final_eval_samples:,} fresh samples" in scalars[
      "final/nll_oracle"]
  assert "D pre-training round" in scalars["pretrain_d/loss"]


def test_phase_change_is_marked_on_the_g_epoch_axis(oracle_run):
  config, _, events = oracle_run
  phase = {step: float(tf.make_ndarray(v.tensor)) for step, v in events
           if v.tag == summaries.PHASE}
  start = config.pretrain_g_epochs
  assert phase == {s: float(s >= start)
                   for s in range(start + config.adversarial_epochs)}
  texts = {step: tf.make_ndarray(v.tensor).item().decode() for step, v in events
           if v.tag == summaries.PHASE_TEXT}
  assert "adversarial" in texts[start] and "g-pretrain" in texts[0]


def test_final_evaluation_is_one_point_after_the_last_epoch(oracle_run):
  config, _, events = oracle_run
  last = config.pretrain_g_epochs + config.adversarial_epochs
  assert [s for s, v in events if v.tag == "final/nll_oracle"] == [last]
  assert max(s for s, v in events if v.tag == "eval/nll_oracle") == last - 1


def test_hparams_name_the_run_and_declare_the_headline_metrics(oracle_run):
  _, run_dir, events = oracle_run
  content = {v.tag: v.metadata.plugin_data.content for _, v in events
             if _plugin(v) == hparams_metadata.PLUGIN_NAME}
  start = hparams_metadata.parse_session_start_info_plugin_data(
      content[hparams_metadata.SESSION_START_INFO_TAG])
  # The trial id: unique in a logdir where run names repeat across tasks.
  assert start.group_name == os.path.abspath(run_dir)
  assert start.hparams["Task"].string_value == "oracle"
  assert start.hparams["Preset"].string_value == "cpu"
  assert start.hparams["Recipe"].string_value == "seqgan"
  assert start.hparams["Data"].string_value == "oracle random seed 0"
  assert start.hparams["data.oracle_seed"].number_value == 0
  declared = hparams_metadata.parse_experiment_plugin_data(
      content[hparams_metadata.EXPERIMENT_TAG])
  metrics = [m.name.tag for m in declared.metric_infos]
  assert metrics == ["final/" + name for name in (
      "nll_oracle", "nll_test", "bleu2", "bleu3", "bleu4", "self_bleu2",
      "self_bleu3", "self_bleu4", "ms_jaccard2", "ms_jaccard3", "ms_jaccard4",
      "mse")]
  names = {h.name for h in declared.hparam_infos}
  assert set(start.hparams) <= names
  assert {"Task", "Preset", "Seed", "Data", "data.data_file",
          "data.split_seed"} <= names
  # Sorted by name, the run's identity comes first in the dashboard.
  assert sorted(names)[:6] == ["Data", "Preset", "Protocol", "Recipe", "Seed",
                             "Task"]


def test_every_task_description_is_declared(tmp_path):
  """TensorBoard shows one run's declaration: it must cover every task's."""
  config = tiny_synthetic_config()
  text_task, _ = tasks.load_text_task(
      write_corpus(tmp_path / "c.txt"), "word", 8, 0, "cut", 10, 5, 0,
      bleu_orders=(2,), xla=False)
  for task in (tiny_oracle_task(config), text_task):
    declared = {f"data.{k}" for k in task.description}
    assert declared <= set(summaries.TASK_HPARAMS), task.description


def test_layout_draws_figure2_from_every_run(oracle_run):
  _, _, events = oracle_run
  [raw] = [v for _, v in events if _plugin(v) == "custom_scalars"]
  layout = layout_pb2.Layout.FromString(tf.make_ndarray(raw.tensor).item())
  charts = {c.title: list(c.multiline.tag)
            for category in layout.category for c in category.chart}
  figure2 = next(title for title in charts if title.startswith("Figure 2"))
  assert charts[figure2] == ["^eval/nll_oracle$"]


def test_samples_are_a_numbered_table(oracle_run):
  config, _, events = oracle_run
  [first] = [v for s, v in events if v.tag == summaries.SAMPLES_EVAL][:1]
  rows = tf.make_ndarray(first.tensor)
  assert rows.shape == (8, 2)
  assert [r.decode() for r in rows[:, 0]] == [str(i) for i in range(1, 9)]
  assert all(len(r.split()) == config.generator.seq_len for r in rows[:, 1])
  assert any(v.tag == summaries.SAMPLES_FINAL for _, v in events)


def test_unknown_tag_has_no_description():
  assert summaries.describe("train_g/nope", 10, 10) == ""
  display, _ = summaries.metric_name("bleu3")
  assert display == "BLEU-3"
  sweep = summaries.describe("sweep/bleu4", 10, 10)
  assert sweep.startswith("BLEU-4: ") and "x-axis: 100 tau" in sweep
