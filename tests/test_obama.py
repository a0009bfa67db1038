"""The obama task: word-level text with <unk>, BLEU-3/4, on a tiny corpus."""

import json
import os
import random

import numpy as np
import pytest

from seqgan_tf import tasks
from seqgan_tf import text
from tests.conftest import run_module

WORDS = ("we the people can change america today and now our future "
         "jobs health care").split()


def _write_speeches(path, count=60, seed=0):
  rng = random.Random(seed)
  with open(path, "w", encoding="utf-8") as f:
    for index in range(count):
      words = [rng.choice(WORDS) for _ in range(7)]
      rare = f"Name{index}"  # Each paragraph names someone once: rare words.
      f.write(f"{' '.join(words).capitalize()}, {rare}'s too.\n\n")
  return str(path)


def test_wordpunct_splits_punctuation_and_keeps_contractions():
  assert text.tokenize("Don't stop, America's well-being!", "wordpunct",
                       lowercase=True) == [
                           "don't", "stop", ",", "america's", "well-being", "!"]
  assert text.tokenize("Don't stop,", "word") == ["Don't", "stop,"]


def test_rare_words_become_unk_and_their_share_is_counted():
  train = [["a", "a", "b", "c"], ["a", "b", "d"]]
  vocab = text.Vocabulary.build(train, vocab_size=5, rare="unk")
  assert vocab.tokens == text.RESERVED + ("a", "b")
  ids = vocab.encode([["a", "c", "d"], ["b"]], 4)
  assert ids.tolist() == [[3, 2, 2, 0], [4, 0, 0, 0]]
  assert text.unk_rate(ids) == pytest.approx(2 / 4)
  with pytest.raises(text.DataError, match="--vocab_size=5 is too small"):
    text.Vocabulary.build(train, vocab_size=5)  # rare="error", the default.


def test_references_see_the_vocabulary_and_poems_describe_as_before(tmp_path):
  corpus = _write_speeches(tmp_path / "speeches.txt")
  task, _ = tasks.load_text_task(corpus, "wordpunct", 12, 20, "cut", 10, 5, 0,
                                 bleu_orders=(3, 4), lowercase=True,
                                 rare="unk")
  assert any(text.UNK in ref for ref in task.heldout)  # Rare names mapped.
  assert set(task.real_data_scores()) == {
      f"{metric}{n}" for metric in ("bleu", "self_bleu", "ms_jaccard")
      for n in (3, 4)}
  assert 0 < task.data_stats["unk_rate_test"] < 0.3
  assert task.description["rare"] == "unk" and task.description["lowercase"]
  plain, _ = tasks.load_text_task(corpus, "word", 12, 0, "cut", 10, 5, 0,
                                  bleu_orders=(2,))
  # Defaults add nothing, so config.json of older poems runs still match.
  assert not {"level", "lowercase", "rare"} & set(plain.description)


def test_obama_smoke_end_to_end(tmp_path):
  corpus = _write_speeches(tmp_path / "speeches.txt")
  save_dir = str(tmp_path / "obama")
  for recipe in ("mle", "seqgan"):
    result = run_module("experiments.run", "--task=obama", "--preset=smoke",
                  f"--recipe={recipe}", f"--data_file={corpus}",
                  f"--save_dir={save_dir}")
    assert result.returncode == 0, result.stderr[-3000:]
  with open(os.path.join(save_dir, "smoke_results.md")) as f:
    table = f.read()
  assert table.startswith("Smoke preset: ")  # Its numbers mean nothing.
  assert (
      "| model | run | BLEU-3 (this run) | BLEU-4 (this run) | Self-BLEU-3 | "
      "Self-BLEU-4 | MS-Jaccard-3 | MS-Jaccard-4 | test NLL | <unk> share | "
      "BLEU-3 (paper) | BLEU-4 (paper) |") in table.splitlines()
  for row in ("| mle | smoke_mle |", "| seqgan | smoke_seqgan |",
              "| real data |"):
    assert row in table
  assert "| 0.5560 | 0.4270 |" in table  # The paper's SeqGAN row.
  with open(os.path.join(save_dir, "smoke_seqgan", "results.json")) as f:
    results = json.load(f)
  for key in ("bleu3_final", "bleu4_final", "self_bleu3_final",
              "self_bleu4_final", "ms_jaccard3_final", "ms_jaccard4_final",
              "unk_rate_final", "unk_rate_train", "unk_rate_test"):
    assert np.isfinite(results[key]), key
