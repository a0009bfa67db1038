import json

import numpy as np
import pytest

from seqgan_tf import text
from tests.conftest import run_module


def _write(tmp_path, content, name="corpus.txt"):
  path = tmp_path / name
  path.write_bytes(content if isinstance(content, bytes) else
                   content.encode("utf-8"))
  return str(path)


def test_reads_words_and_skips_blank_lines(tmp_path):
  path = _write(tmp_path, "a b c\n   \n\nb c d \n")
  sequences, blank = text.read_corpus(path)
  assert sequences == [["a", "b", "c"], ["b", "c", "d"]] and blank == 2


def test_reads_characters(tmp_path):
  path = _write(tmp_path, "床前 明月\n")
  assert text.read_corpus(path, level="char")[0] == [["床", "前", "明", "月"]]


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"a b\x00c\n", "binary data"),
    (b"a \xff\xfe b\n", "not UTF-8"),
    (b"  \n\n \t\n", "every line is blank"),
])
def test_bad_files_are_named(tmp_path, content, message):
  with pytest.raises(text.DataError, match=message):
    text.read_corpus(_write(tmp_path, content))


def test_missing_file(tmp_path):
  with pytest.raises(text.DataError, match="no such file"):
    text.read_corpus(str(tmp_path / "none.txt"))


def test_vocabulary_reserves_ids_and_orders_by_frequency():
  vocab = text.Vocabulary.build([["b", "a", "b"], ["c", "b", "a"]])
  assert vocab.tokens == ("<pad>", "<start>", "<unk>", "b", "a", "c")
  assert len(text.Vocabulary.build([["x"]], vocab_size=4)) == 4


def test_vocabulary_too_small_names_the_size_needed():
  with pytest.raises(text.DataError, match="pass --vocab_size=6 or 0"):
    text.Vocabulary.build([["a", "b", "c"]], vocab_size=5)


def test_encode_pads_maps_unknown_and_decodes_back():
  vocab = text.Vocabulary.build([["a", "b", "c"]])
  ids = vocab.encode([["a", "b"], ["c", "zzz", "a"]], seq_len=4)
  assert ids.dtype == np.int32
  np.testing.assert_array_equal(ids, [[3, 4, 0, 0], [5, 2, 3, 0]])
  assert vocab.decode(ids) == [["a", "b"], ["c", "<unk>", "a"]]


@pytest.mark.parametrize("policy, expected", [
    ("cut", [["a", "b"], ["c"]]),
    ("drop", [["c"]]),
])
def test_overlong_policies(policy, expected):
  fitted, count = text.fit_length([["a", "b", "x"], ["c"]], 2, policy)
  assert fitted == expected and count == 1


def test_overlong_error_says_how_to_fix():
  with pytest.raises(text.DataError, match="longer than --seq_len=2"):
    text.fit_length([["a", "b", "x"]], 2, "error")


def test_split_is_seeded_disjoint_and_sized():
  sequences = [[str(i)] for i in range(50)]
  train, test = text.split(sequences, 10, seed=1)
  again_train, again_test = text.split(sequences, 10, seed=1)
  assert len(test) == 10 and len(train) == 40
  assert test == again_test and train == again_train
  assert not {s[0] for s in train} & {s[0] for s in test}
  assert text.split(sequences, 10, seed=2)[1] != test
  with pytest.raises(text.DataError, match="--test_size=50"):
    text.split(sequences, 50, seed=1)


def _english_corpus(tmp_path, count=80):
  words = "the cat dog sat ran on a mat log and saw it".split()
  rng = np.random.default_rng(0)
  lines = [" ".join(rng.choice(words, size=rng.integers(3, 12)))
           for _ in range(count)]
  return _write(tmp_path, "\n".join(lines) + "\n", "english.txt")


def test_any_corpus_trains_and_reports_bleu_and_nll_test(tmp_path):
  corpus = _english_corpus(tmp_path)
  save_dir = tmp_path / "text"
  result = run_module("experiments.run", "--task=text", "--recipe=seqgan",
                      "--preset=smoke", f"--data_file={corpus}",
                      "--bleu_orders=2,3", f"--save_dir={save_dir}")
  assert result.returncode == 0, result.stderr[-3000:]
  with open(save_dir / "smoke_seqgan" / "results.json") as f:
    results = json.load(f)
  assert {"bleu2_final", "bleu3_final", "nll_test_final"} <= set(results)
  assert "bleu4_final" not in results
  with open(save_dir / "smoke_seqgan" / "samples.txt", encoding="utf-8") as f:
    tokens = set(f.read().split())
  # Words of the corpus (G may also sample a reserved token: <pad>, ...).
  assert tokens and tokens <= set("the cat dog sat ran on a mat log and saw "
                                  "it".split() + list(text.RESERVED))
  table = (save_dir / "smoke_results.md").read_text()
  assert "| seqgan | smoke_seqgan |" in table and "(paper)" not in table
  assert "Written by `python -m experiments.run --task=text" in table
  assert " at commit " in table and " cores, 20" in table  # CPU, date.


def test_a_corpus_too_small_for_the_split_names_the_flags(tmp_path):
  corpus = _english_corpus(tmp_path, count=12)
  result = run_module("experiments.run", "--task=text", "--preset=smoke",
                      f"--data_file={corpus}", f"--save_dir={tmp_path}")
  assert result.returncode == 2
  assert result.stderr.strip().splitlines()[-1] == (
      "error: --test_size=10 + --heldout_size=5 leave no training data of the "
      "corpus's 12 sequences: lower them")


def test_a_flag_of_another_task_is_refused(tmp_path):
  corpus = _english_corpus(tmp_path)
  result = run_module("experiments.run", "--task=text", "--preset=smoke",
                      f"--data_file={corpus}", "--window_hop=4",
                      f"--save_dir={tmp_path}")
  assert result.returncode == 2
  assert "--window_hop: not a setting of --task=text (it is a setting of " \
         "--task=music); drop it" in result.stderr
  assert not (tmp_path / "smoke_seqgan").exists()
