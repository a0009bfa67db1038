"""Text corpora as fixed-length token-id sequences (poems, speeches, music).

One sequence per line; tokens are whitespace-separated words, words with
each punctuation mark a token of its own ("wordpunct"), or single
characters. The vocabulary is built from the training split only, with three
reserved ids: 0 <pad> (fills short sequences), 1 <start> (G's start token,
never a target) and 2 <unk> (tokens unseen in training).
"""

import collections
import dataclasses
import os
import random
import re

import numpy as np

PAD, START, UNK = "<pad>", "<start>", "<unk>"
RESERVED = (PAD, START, UNK)
PAD_ID, START_ID, UNK_ID = range(3)
LEVELS = ("word", "wordpunct", "char")
# wordpunct: a word keeps its inner apostrophes and hyphens ("don't",
# "well-being"); every other non-space character is a token of its own.
_WORDPUNCT = re.compile(r"\w+(?:['’-]\w+)*|[^\w\s]")


class DataError(ValueError):
  """A corpus file the loader cannot use; the message names file and fix."""


def tokenize(line, level="word", lowercase=False):
  """One line's tokens at `level` (see `LEVELS`)."""
  if lowercase:
    line = line.lower()
  if level == "word":
    return line.split()
  if level == "wordpunct":
    return _WORDPUNCT.findall(line)
  return [c for c in line if not c.isspace()]


def read_corpus(path, level="word", lowercase=False):
  """Lines of a UTF-8 corpus split into tokens; blank lines are skipped.

  Args:
    path: a text file, one sequence per line.
    level: "word" splits on whitespace; "wordpunct" also splits off each
      punctuation mark; "char" takes every non-space character as a token.
    lowercase: lowercase every line first.

  Returns:
    (sequences, blank_lines): list of token lists, and how many lines held
    only whitespace.

  Raises:
    DataError: missing, empty, binary or non-UTF-8 file, or no tokens at all.
  """
  if level not in LEVELS:  # The flag enum also checks this.
    raise DataError(f"--token_level={level}: must be one of "
                    f"{', '.join(LEVELS)}")
  if os.path.isdir(path):
    raise DataError(f"--data_file={path}: a directory, expected a text file "
                    "with one sequence per line")
  if not os.path.isfile(path):
    raise DataError(f"--data_file={path}: no such file")
  with open(path, "rb") as f:
    raw = f.read()
  if not raw:
    raise DataError(f"--data_file={path}: the file is empty")
  if b"\x00" in raw:
    raise DataError(f"--data_file={path}: binary data (NUL bytes), expected "
                    "UTF-8 text with one sequence per line")
  try:
    text = raw.decode("utf-8-sig")  # A byte-order mark is not a token.
  except UnicodeDecodeError as e:
    raise DataError(f"--data_file={path}: not UTF-8 (byte {e.start}); "
                    "convert it, e.g. iconv -t UTF-8") from None
  sequences, blank_lines = [], 0
  for line in text.splitlines():
    tokens = tokenize(line, level, lowercase)
    if tokens:
      sequences.append(tokens)
    else:
      blank_lines += 1
  if not sequences:
    raise DataError(f"--data_file={path}: every line is blank; expected one "
                    "sequence of tokens per line")
  return sequences, blank_lines


@dataclasses.dataclass(frozen=True)
class Vocabulary:
  """Token <-> id maps; ids 0-2 are <pad>, <start>, <unk>."""
  tokens: tuple

  @classmethod
  def build(cls, sequences, vocab_size=0, rare="error"):
    """The training split's tokens, most frequent first (ties by first use).

    Args:
      sequences: token lists of the training split.
      vocab_size: 0 for every token; else the exact size, which must hold
        every training token plus the 3 reserved ids, unless `rare` is "unk".
      rare: "error" refuses a `vocab_size` too small for the training split;
        "unk" keeps its `vocab_size` - 3 most frequent tokens, and the
        others become <unk>.

    Raises:
      DataError: `vocab_size` is too small for the corpus.
    """
    counts = collections.Counter(t for seq in sequences for t in seq)
    needed = len(counts) + len(RESERVED)
    if rare == "unk" and vocab_size:
      if vocab_size <= len(RESERVED):
        raise DataError(f"--vocab_size={vocab_size}: must be > "
                        f"{len(RESERVED)} (the reserved ids)")
      ordered = sorted(counts, key=lambda t: -counts[t])
      return cls(RESERVED + tuple(ordered[:vocab_size - len(RESERVED)]))
    if vocab_size and vocab_size < needed:
      raise DataError(f"--vocab_size={vocab_size} is too small: the training "
                      f"split has {len(counts)} distinct tokens + "
                      f"{len(RESERVED)} reserved ids; pass --vocab_size="
                      f"{needed} or 0 (automatic), or --rare_words=unk")
    ordered = sorted(counts, key=lambda t: -counts[t])  # sorted() is stable.
    return cls(RESERVED + tuple(ordered))

  def __len__(self):
    return len(self.tokens)

  @property
  def index(self):
    return {t: i for i, t in enumerate(self.tokens)}

  def encode(self, sequences, seq_len):
    """int32 [N, seq_len]: ids, unknown -> <unk>, padded with <pad>.

    Sequences longer than `seq_len` must have been cut or dropped before
    (see `fit_length`).
    """
    index = self.index
    out = np.full([len(sequences), seq_len], PAD_ID, np.int32)
    for row, seq in enumerate(sequences):
      if len(seq) > seq_len:
        raise ValueError(f"sequence {row} has {len(seq)} tokens > seq_len="
                         f"{seq_len}")
      out[row, :len(seq)] = [index.get(t, UNK_ID) for t in seq]
    return out

  def decode(self, ids):
    """Token lists from id rows, stopping at the first <pad>."""
    decoded = []
    for row in np.asarray(ids):
      tokens = []
      for i in row:
        if i == PAD_ID:
          break
        tokens.append(self.tokens[i] if 0 <= i < len(self.tokens) else UNK)
      decoded.append(tokens)
    return decoded


def as_lines(tokens, separator=" ", line_length=None, newline="\n"):
  """Tokens joined by `separator`, `line_length` tokens a line (None: one)."""
  length = line_length or len(tokens) or 1
  return newline.join(separator.join(tokens[i:i + length])
                      for i in range(0, len(tokens), length))


def unk_rate(ids):
  """The share of <unk> among the tokens before each row's first <pad>."""
  ids = np.asarray(ids)
  before_pad = np.cumsum(ids == PAD_ID, axis=1) == 0
  return float((ids[before_pad] == UNK_ID).sum() / max(before_pad.sum(), 1))


def fit_length(sequences, seq_len, overlong="cut"):
  """Applies the `--overlong` policy to sequences longer than `seq_len`.

  Args:
    sequences: token lists.
    seq_len: the model's length T.
    overlong: "cut" keeps the first seq_len tokens, "drop" removes the
      sequence, "error" refuses the corpus.

  Returns:
    (sequences, number of overlong sequences).
  """
  if overlong not in ("cut", "drop", "error"):
    raise DataError(f"--overlong={overlong}: must be cut, drop or error")
  longest = max(len(s) for s in sequences)
  overlong_count = sum(len(s) > seq_len for s in sequences)
  if overlong_count and overlong == "error":
    raise DataError(f"{overlong_count} sequences are longer than --seq_len="
                    f"{seq_len} (longest {longest}): raise --seq_len or pass "
                    "--overlong=cut or drop")
  if overlong == "drop":
    return [s for s in sequences if len(s) <= seq_len], overlong_count
  return [s[:seq_len] for s in sequences], overlong_count


def split(sequences, test_size, seed, name="test_size"):
  """A fixed, seeded held-out split: (train, test), test of `test_size`.

  The lines are shuffled with `random.Random(seed)`, so a split depends only
  on the corpus and the seed.

  Args:
    sequences: token lists.
    test_size: how many to hold out.
    seed: the shuffle's seed.
    name: the flag named in errors.
  """
  if not 0 < test_size < len(sequences):
    raise DataError(f"--{name}={test_size}: must be in [1, "
                    f"{len(sequences) - 1}] for a corpus of {len(sequences)} "
                    "sequences")
  order = list(range(len(sequences)))
  random.Random(seed).shuffle(order)
  test = [sequences[i] for i in sorted(order[:test_size])]
  train = [sequences[i] for i in sorted(order[test_size:])]
  return train, test


def read_lines(path, flag_name):
  """Non-empty lines of a UTF-8 text file of sequences given by --`flag_name`
  (samples to score, references), or ValueError naming the flag."""
  try:
    with open(path, encoding="utf-8-sig") as f:
      lines = [line for line in f.read().splitlines() if line.strip()]
  except FileNotFoundError:
    raise ValueError(f"--{flag_name}={path}: no such file") from None
  except IsADirectoryError:
    raise ValueError(f"--{flag_name}={path}: a directory, expected a text "
                     "file with one sequence per line") from None
  except UnicodeDecodeError:
    raise ValueError(f"--{flag_name}={path}: not UTF-8 text") from None
  if not lines:
    raise ValueError(f"--{flag_name}={path}: no sequences in the file")
  return lines


def read_token_ids(path, vocab_size, seq_len):
  """int32 [N, seq_len] from --samples, a file of token ids, one sequence per
  line; ValueError naming the bad line."""
  rows = []
  for number, line in enumerate(read_lines(path, "samples"), 1):
    tokens = line.split()
    # int() would also take "+1", "0_1" and other scripts' digits ("١").
    if not all(re.fullmatch(r"[0-9]+", token) for token in tokens):
      raise ValueError(f"--samples={path}, line {number}: not integer token "
                       "ids (ASCII digits 0-9)")
    row = [int(token) for token in tokens]
    if len(row) != seq_len:
      raise ValueError(f"--samples={path}, line {number}: {len(row)} tokens, "
                       f"expected --seq_len={seq_len}")
    if min(row) < 0 or max(row) >= vocab_size:
      raise ValueError(f"--samples={path}, line {number}: token id outside "
                       f"[0, --vocab_size={vocab_size})")
    rows.append(row)
  return np.asarray(rows, np.int32)
