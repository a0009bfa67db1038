"""experiments.figures: the paper's figures drawn from run directories
(tiny runs, and directories written as runs leave them)."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

from experiments import figures
from seqgan_tf import summaries
from tests.conftest import run_module
from tests.conftest import tiny_experiment
from tests.conftest import tiny_oracle_task
from tests.conftest import tiny_synthetic_config


def _oracle_run(run_dir, **changes):
  config = tiny_synthetic_config(**changes)
  tiny_experiment(config, tiny_oracle_task(config), run_dir).run()


def _written_run(run_dir, curves, oracle="random", **results):
  """A run directory as a finished run leaves it, written directly: its
  evaluations `curves` {metric: {epoch: value}} as TensorBoard scalars,
  config.json (pre-training of 2 epochs) and results.json."""
  os.makedirs(run_dir)
  with open(os.path.join(run_dir, "config.json"), "w") as f:
    json.dump(dict(config=dict(pretrain_g_epochs=2), task=dict(oracle=oracle)),
              f)
  with open(os.path.join(run_dir, "results.json"), "w") as f:
    json.dump(results, f)
  writer = tf.summary.create_file_writer(run_dir)
  with writer.as_default():
    for metric, curve in curves.items():
      for epoch, value in curve.items():
        tf.summary.scalar(summaries.EVAL + metric, value, step=epoch)
  writer.close()


def test_figures_draw_the_mean_over_seeds_and_skip_what_is_missing(tmp_path):
  table1 = tmp_path / "table1"
  nll = lambda *values: dict(nll_oracle=dict(enumerate(values)))
  _written_run(str(table1 / "mle_s1"), nll(9.5, 9.3, 9.2, 9.1),
               epochs=4, nll_oracle_final=9.1)
  _written_run(str(table1 / "seqgan_s1"), nll(9.5, 9.3, 9.0, 8.8),
               epochs=4, nll_oracle_final=8.8)
  _written_run(str(table1 / "seqgan_s2"), nll(9.7, 9.5, 9.2, 9.0),
               epochs=4, nll_oracle_final=9.0)
  _written_run(str(table1 / "constant_s1"), nll(9.5, 9.3, 9.3, 9.3))
  _written_run(str(tmp_path / "figure3" / "seqgan_g1_d5_k3_s1"),
               nll(9.5, 9.3, 9.1))
  _written_run(str(tmp_path / "poetry" / "cpu_mle"),
               dict(bleu2={0: 0.3, 1: 0.5, 2: 0.6}))

  figure = figures.figure2(str(table1))
  whole = figure.axes[0]
  labels = whole.get_legend_handles_labels()[1]
  assert labels == ["MLE (1 seeds)", "SeqGAN (2 seeds)",
                    "Constant reward (1 seeds)"]
  lines = whole.get_lines()
  seqgan_line = lines[[l.get_label() for l in lines].index("SeqGAN (2 seeds)")]
  np.testing.assert_allclose(seqgan_line.get_ydata(), [9.6, 9.4, 9.1, 8.9])
  # Each finished method's final dot, at its final epoch.
  dots = [(l.get_xdata()[0], l.get_ydata()[0]) for l in lines
          if l.get_marker() == "o"]
  np.testing.assert_allclose(sorted(dots), [(4, 8.9), (4, 9.1)])

  panels = figures.figure3(str(tmp_path / "figure3")).axes
  assert [a.texts[0].get_text() if a.texts else "drawn" for a in panels] == [
      "not run", "not run", "not run", "drawn"]

  written = figures.render(str(tmp_path / "out"), ["png", "svg"],
                           str(table1), str(tmp_path / "figure3"),
                           str(tmp_path / "poetry"), preset="cpu")
  assert sorted(os.path.basename(p) for p in written) == [
      "figure2_cpu.png", "figure2_cpu.svg", "figure3_cpu.png",
      "figure3_cpu.svg", "poems_bleu2_cpu.png", "poems_bleu2_cpu.svg"]
  with open(written[0], "rb") as f:
    assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_no_runs_is_one_clear_line(tmp_path):
  result = run_module("experiments.figures", f"--table1_dir={tmp_path}/a",
                f"--figure3_dir={tmp_path}/b", f"--poems_dir={tmp_path}/c",
                f"--obama_dir={tmp_path}/d", f"--music_dir={tmp_path}/e",
                f"--synthetic_dir={tmp_path}/f", f"--out_dir={tmp_path}/out")
  assert result.returncode == 2
  assert "no runs to draw for any preset" in result.stderr
  assert "run make synthetic, table1" in result.stderr
  assert not os.path.exists(tmp_path / "out")


def test_make_synthetics_curves_are_drawn_whatever_preset_exists(tmp_path):
  synthetic = tmp_path / "synthetic"
  _oracle_run(str(synthetic / "smoke_mle"), recipe="mle")
  _oracle_run(str(synthetic / "smoke_seqgan"))
  empty = tmp_path / "none"
  result = run_module("experiments.figures", f"--synthetic_dir={synthetic}",
                f"--table1_dir={empty}", f"--figure3_dir={empty}",
                f"--poems_dir={empty}", f"--obama_dir={empty}",
                f"--music_dir={empty}", f"--out_dir={tmp_path}/out",
                "--formats=png")
  assert result.returncode == 0, result.stderr[-3000:]
  assert os.listdir(tmp_path / "out") == ["synthetic_smoke.png"]
  figure = figures.corpus_figure("synthetic", str(synthetic), "smoke")
  labels = figure.axes[0].get_legend_handles_labels()[1]
  assert labels == ["MLE", "SeqGAN"]


@pytest.mark.parametrize("oracle, stars", [("random", 0), ("paper", 1)])
def test_paper_values_are_marked_only_on_the_paper_oracle(tmp_path, oracle,
                                                          stars):
  _written_run(str(tmp_path / "seqgan_g1_d5_k3_s1"),
               dict(nll_oracle={0: 9.5, 1: 9.3}), oracle=oracle)
  [axes] = [a for a in figures.figure3(str(tmp_path)).axes if not a.texts]
  assert len([l for l in axes.get_lines() if l.get_marker() == "*"]) == stars


def _study_run(run_dir, sweep, **real):
  os.makedirs(run_dir)
  with open(os.path.join(run_dir, "config.json"), "w") as f:
    json.dump(dict(config={}, task={}), f)
  rows = [dict(temperature=t, bleu2=b, self_bleu2=s, nll_test=n)
          for t, (b, s, n) in sweep.items()]
  with open(os.path.join(run_dir, "results.json"), "w") as f:
    json.dump(dict(temperature_sweep=rows, **real), f)


def test_quality_figure_draws_each_sweep_and_the_real_data(tmp_path):
  study = tmp_path / "poems_cpu"
  real = dict(real_bleu2=0.7, real_self_bleu2=0.3)
  _study_run(str(study / "mle_s1"), {0.8: (0.6, 0.5, 5.0), 1.0: (0.5, 0.4, 4.9)},
             **real)
  _study_run(str(study / "mle_s2"), {0.8: (0.4, 0.3, 5.2), 1.0: (0.3, 0.2, 5.1)},
             **real)
  _study_run(str(study / "seqgan_s1"), {0.8: (0.7, 0.6, 5.3),
                                        1.0: (0.6, 0.5, 5.2)}, **real)
  _study_run(str(study / "pretrain_s1"), {0.8: (0.1, 0.1, 9.0),
                                          1.0: (0.1, 0.1, 9.0)})
  figure = figures.tradeoff_figure("poems", str(study))
  diversity_panel, nll_panel = figure.axes
  lines = {line.get_label(): line for line in diversity_panel.get_lines()}
  assert set(lines) >= {"MLE", "SeqGAN", "held-out real data"}
  assert "pretrain" not in {label.lower() for label in lines}
  # Means over the two seeds, by temperature.
  np.testing.assert_allclose(lines["MLE"].get_xdata(), [0.4, 0.3])
  np.testing.assert_allclose(lines["MLE"].get_ydata(), [0.5, 0.4])
  np.testing.assert_allclose(lines["held-out real data"].get_xdata(), [0.3])
  assert nll_panel.get_xlabel() == "NLL-test"
  written = figures.render(str(tmp_path / "out"), ["png"], preset="cpu",
                           study_dir=str(tmp_path))
  assert written == [str(tmp_path / "out" / "poems_quality_cpu.png")]
