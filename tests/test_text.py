import numpy as np
import pytest

from seqgan_tf import text


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
