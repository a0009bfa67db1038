"""experiments.study on a corpus: quality against diversity, as a user runs it."""

import json
import os
import re

from tests.conftest import run_module
from tests.conftest import write_corpus


def test_corpus_study_scores_quality_and_diversity_on_one_sample_size(
    tmp_path):
  corpus = write_corpus(tmp_path / "poems.txt")
  save_dir = str(tmp_path / "study")
  result = run_module("experiments.study", "--study=poems", "--preset=smoke",
                      "--seeds=1", "--sweep_temperatures=0.8,1.0",
                      f"--save_dir={save_dir}",
                      f"--results_dir={tmp_path / 'docs'}", "--",
                      f"--data_file={corpus}",
                      "--pretrain_g_epochs=1", "--adversarial_epochs=1")
  assert result.returncode == 0, result.stderr[-3000:]
  with open(os.path.join(save_dir, "poems.md"), encoding="utf-8") as f:
    page = f.read()
  assert ("| method | runs | BLEU-2 | Self-BLEU-2 | MS-Jaccard-2 | NLL-test | "
          "BLEU-2, paper |") in page
  assert "| real data (held-out) | - |" in page and "| 0.7460 |" in page
  assert re.search(r"\| seqgan \| 1 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|", page)
  assert re.search(r"- seqgan at T = 1: BLEU-2 [0-9.]+ at Self-BLEU-2 ", page)
  assert "Written by `python -m experiments.study --study=poems" in page
  assert (tmp_path / "docs" / "poems_smoke.md").read_text(
      encoding="utf-8") == page
  with open(os.path.join(save_dir, "poems.json")) as f:
    every_run = json.load(f)
  assert sorted(every_run) == ["mle_s1", "seqgan_s1"]
  mle = every_run["mle_s1"]
  # The smoke preset's 16 samples per evaluation, 5 held-out poems: every
  # Self-BLEU scores 5, the real data's too.
  assert mle["spread_samples"] == 5
  assert 0 < mle["real_self_bleu2"] < 1 and 0 < mle["real_ms_jaccard2"] <= 1
  assert [row["temperature"] for row in mle["temperature_sweep"]] == [0.8, 1.0]
  assert all({"bleu2", "self_bleu2", "ms_jaccard2", "nll_test"} <= set(row)
             for row in mle["temperature_sweep"])
