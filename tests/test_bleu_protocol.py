"""experiments.bleu_protocol on a tiny corpus written by the test."""

import json
import os

from tests.conftest import run_module
from tests.conftest import write_corpus


def test_more_references_never_score_lower_and_smoothing_never_lowers(
    tmp_path):
  corpus = write_corpus(tmp_path / "poems.txt", count=80)
  out_dir = tmp_path / "out"
  result = run_module("experiments.bleu_protocol", "--task=poems",
                f"--data_file={corpus}", "--heldout_size=10",
                "--references=5,20,all", f"--out_dir={out_dir}")
  assert result.returncode == 0, result.stderr[-3000:]
  with open(out_dir / "poems.json") as f:
    rows = json.load(f)
  assert [r["references"] for r in rows] == [5, 5, 20, 20, 70, 70]
  smoothed = [r["bleu2"] for r in rows if r["smoothing"]]
  plain = [r["bleu2"] for r in rows if not r["smoothing"]]
  assert smoothed == sorted(smoothed) and smoothed[-1] > smoothed[0]
  assert all(s >= p for s, p in zip(smoothed, plain))
  assert "| paper (real data) | | 0.7460 |" in result.stdout
  assert {"poems.md", "poems.png", "poems.svg"} <= set(os.listdir(out_dir))


def test_too_many_references_is_one_line(tmp_path):
  corpus = write_corpus(tmp_path / "poems.txt", count=30)
  result = run_module("experiments.bleu_protocol", "--task=poems",
                f"--data_file={corpus}", "--heldout_size=10",
                "--references=500", f"--out_dir={tmp_path}")
  assert result.returncode == 2 and "--references=500: must be in [1, 20]" in (
      result.stderr)
