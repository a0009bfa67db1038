"""experiments.figures: the paper's figures drawn from tiny runs."""

import json
import os

import numpy as np

from experiments import figures
from experiments import report
from seqgan_tf import tasks
from tests.conftest import run_module
from tests.conftest import tiny_discriminator_config
from tests.conftest import tiny_experiment
from tests.conftest import tiny_generator_config
from tests.conftest import tiny_oracle_task
from tests.conftest import tiny_synthetic_config
from tests.conftest import write_corpus


def _oracle_run(run_dir, **changes):
  config = tiny_synthetic_config(**changes)
  tiny_experiment(config, tiny_oracle_task(config), run_dir).run()


def test_figures_draw_the_mean_over_seeds_and_skip_what_is_missing(tmp_path):
  table1 = tmp_path / "table1"
  _oracle_run(str(table1 / "mle_s1"), recipe="mle")
  for seed in (1, 2):
    _oracle_run(str(table1 / f"seqgan_s{seed}"), seed=seed)
  _oracle_run(str(table1 / "constant_s1"), recipe="constant")
  _oracle_run(str(tmp_path / "figure3" / "seqgan_g1_d5_k3_s1"), d_steps=5,
              k_epochs=3)
  corpus = write_corpus(tmp_path / "poems.txt")
  text_task, _ = tasks.load_text_task(corpus, "word", 8, 0, "cut", 10, 5, 0,
                                      bleu_orders=(2,), xla=False)
  shape = dict(vocab_size=len(text_task.vocab), seq_len=8)
  config = tiny_synthetic_config(
      recipe="mle", generator=tiny_generator_config(**shape),
      discriminator=tiny_discriminator_config(
          **shape, filter_sizes=(2, 3), num_filters=(4, 4)))
  tiny_experiment(config, text_task,
                            str(tmp_path / "poetry" / "cpu_mle")).run()

  figure = figures.figure2(str(table1))
  whole = figure.axes[0]
  labels = whole.get_legend_handles_labels()[1]
  assert labels == ["MLE (1 seeds)", "SeqGAN (2 seeds)",
                    "Constant reward (1 seeds)"]
  seqgan_line = whole.get_lines()[[l.get_label() for l in whole.get_lines()]
                                  .index("SeqGAN (2 seeds)")]
  curves = [report.read_curve(str(table1 / f"seqgan_s{s}"), "nll_oracle")
            for s in (1, 2)]
  np.testing.assert_allclose(
      seqgan_line.get_ydata(),
      [np.mean([c[step] for c in curves]) for step in sorted(curves[0])])

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


def test_paper_values_are_marked_only_on_the_paper_oracle(tmp_path):
  _oracle_run(str(tmp_path / "seqgan_g1_d5_k3_s1"), d_steps=5, k_epochs=3)
  [axes] = [a for a in figures.figure3(str(tmp_path)).axes if not a.texts]
  assert not [l for l in axes.get_lines() if l.get_marker() == "*"]


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
