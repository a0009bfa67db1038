"""The text task and `experiments.poetry`, on a tiny corpus the test writes."""

import os

import numpy as np
import pytest

from seqgan_tf import bleu
from seqgan_tf import generator as generator_lib
from seqgan_tf import tasks
from tests.conftest import CHARS
from tests.conftest import run_module
from tests.conftest import tiny_generator_config
from tests.conftest import write_corpus

def test_text_task_splits_scores_and_formats(tmp_path):
  corpus = write_corpus(tmp_path / "poems.txt")
  task, notes = tasks.load_text_task(corpus, "word", 8, 0, "cut", 10, 5, 0,
                                     bleu_orders=(2,), line_length=4,
                                     xla=False)
  assert notes == dict(blank_lines=0, overlong_lines=0)
  assert task.num_real == 45 and task.real_data(0).shape == (45, 8)
  assert len(task.vocab) == len(CHARS) + 2 + 3  # + punctuation + reserved.
  real = task.real_data_scores()["bleu2"]
  assert 0.0 < real <= 1.0
  generator = generator_lib.Generator(
      tiny_generator_config(vocab_size=len(task.vocab), seq_len=8))
  metrics = task.evaluate(task.real_data(0)[:20], generator)
  assert set(metrics) == {"bleu2", "self_bleu2", "ms_jaccard2", "nll_test"}
  assert metrics["nll_test"] == pytest.approx(np.log(len(task.vocab)), rel=0.2)
  # Self-BLEU of as many samples as the held-out real data has (5).
  first = task.vocab.decode(task.real_data(0)[:task.spread_size])
  assert task.spread_size == 5
  assert metrics["self_bleu2"] == pytest.approx(
      bleu.SelfBleu(first, 2).average(2))
  # One sequence 20 times: Self-BLEU 1, and fewer of the test set's n-grams.
  collapsed = task.evaluate(np.repeat(task.real_data(0)[:1], 20, 0), generator)
  assert collapsed["self_bleu2"] == pytest.approx(1.0)
  assert metrics["self_bleu2"] < 1.0
  assert collapsed["ms_jaccard2"] < metrics["ms_jaccard2"]
  line = task.format_samples(task.real_data(0)[:1])[0]
  assert "\n" not in line and len(line.split()) == 8  # samples.txt: tokens.


def test_poems_show_as_lines_of_characters_without_spaces(tmp_path):
  corpus = write_corpus(tmp_path / "poems.txt")
  task, _ = tasks.load_text_task(corpus, "word", 8, 0, "cut", 10, 5, 0,
                                 bleu_orders=(2,), line_length=4,
                                 separator="")
  poem = task.show_samples(task.real_data(0)[:1])[0]
  lines = poem.split("  \n")
  assert len(lines) == 2 and all(len(line) == 4 for line in lines)
  assert lines[0].endswith("，") and " " not in "".join(lines)


def test_poetry_smoke_end_to_end(tmp_path):
  # MLE under the default name, SeqGAN under a name of its own (a table of
  # both default-named runs: test_obama.py).
  corpus = write_corpus(tmp_path / "poems.txt")
  save_dir = str(tmp_path / "poetry")
  result = run_module("experiments.poetry", "--preset=smoke", "--mode=mle",
                      f"--data_file={corpus}", f"--save_dir={save_dir}")
  assert result.returncode == 0, result.stderr[-3000:]
  with open(os.path.join(save_dir, "smoke_results.md"), encoding="utf-8") as f:
    table = f.read()
  assert "| mle | smoke_mle |" in table and "| real data |" in table
  # A named run's table holds that run alone and replaces no other table.
  named = run_module("experiments.poetry", "--preset=smoke", "--recipe=seqgan",
               "--run_name=mine", f"--data_file={corpus}",
               f"--save_dir={save_dir}")
  assert named.returncode == 0, named.stderr[-3000:]
  with open(os.path.join(save_dir, "mine_results.md"), encoding="utf-8") as f:
    mine = f.read()
  assert "| seqgan | mine |" in mine and "| mle |" not in mine
  with open(os.path.join(save_dir, "smoke_results.md"), encoding="utf-8") as f:
    assert f.read() == table
  samples = os.path.join(save_dir, "mine", "samples.txt")
  with open(samples, encoding="utf-8") as f:
    tokens = f.readline().split()
  # Decoded: the corpus's characters, or the tokens G may emit besides.
  assert tokens and set(tokens) <= set(CHARS + "，。") | {"<unk>", "<start>"}


def test_bad_corpus_is_one_clear_line(tmp_path):
  # What a corpus may get wrong is tested on `text` itself (test_text.py);
  # here, that the entry point says it in one line and writes nothing.
  corpus = tmp_path / "bad.txt"
  corpus.write_bytes(b"\x89PNG\x00\x00")
  result = run_module("experiments.poetry", "--preset=smoke",
                f"--data_file={corpus}", f"--save_dir={tmp_path / 'out'}")
  assert result.returncode == 2
  assert "binary data" in result.stderr and "Traceback" not in result.stderr
  assert not os.path.exists(tmp_path / "out" / "smoke_seqgan")
