"""Flags and loading shared by the text-corpus tasks (poems, and later more)."""

from absl import flags
from absl import logging

from experiments import common
from seqgan_tf import download
from seqgan_tf import tasks
from seqgan_tf import text


def define_flags(heldout_size):
  """The corpus file, tokenisation and split; once per process.

  --test_size, shared with the oracle task, is defined in experiments.run.
  """
  if "data_file" in flags.FLAGS:
    return
  flags.DEFINE_string("data_file", None,
                      "The corpus, one sequence per line; default: the "
                      "task's public copy, downloaded into save/data/.")
  flags.DEFINE_enum("token_level", "word", ["word", "char"],
                    "word: whitespace-separated tokens; char: characters.")
  flags.DEFINE_enum("overlong", "cut", ["cut", "drop", "error"],
                    "Lines longer than --seq_len: keep the first seq_len "
                    "tokens, drop the line, or refuse the corpus.")
  flags.DEFINE_integer("heldout_size", heldout_size,
                       "Further held-out sequences: the 'real data' BLEU row.")
  flags.DEFINE_integer("split_seed", 0, "Seed of the held-out split.")


def data_path(flag_values, url, sha256, filename):
  """--data_file, or the public copy downloaded (sha256-checked) once."""
  if flag_values.data_file:
    return flag_values.data_file
  path = f"{common.data_dir(flag_values, 'data')}/{filename}"
  return download.fetch(url, sha256, path,
                        fix="download it by hand and pass --data_file=PATH")


def load(flag_values, path, bleu_orders, line_length=None, separator=" "):
  """The `tasks.TextTask` the flags describe, and the config overrides."""
  task, notes = tasks.load_text_task(
      path, flag_values.token_level, flag_values.seq_len,
      flag_values.vocab_size, flag_values.overlong, flag_values.test_size,
      flag_values.heldout_size, flag_values.split_seed,
      bleu_orders=bleu_orders, line_length=line_length, separator=separator)
  logging.info("Corpus: %s; skipped %d blank lines, %s %d overlong lines",
               task.description, notes["blank_lines"], flag_values.overlong,
               notes["overlong_lines"])
  return task, dict(vocab_size=len(task.vocab), start_token=text.START_ID)
