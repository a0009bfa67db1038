r"""Samples of any trained run, decoded for its task; or G as a SavedModel.

  python -m experiments.sample --run_dir=save/poetry/cpu_seqgan --num=8
  python -m experiments.sample --run_dir=save/synthetic/cpu_seqgan --raw
  python -m experiments.sample --run_dir=save/poetry/cpu_seqgan \
      --export=save/export/poems_seqgan

G comes from the run's newest checkpoint that restores (the end of training
for a finished run). Poems print as their four lines, a blank line between
poems; the oracle's samples, and --raw, as token ids. --export writes a
SavedModel with `sample(num, temperature, seed)` (int32 tokens and decoded
text) and vocab.json beside it; loading it needs TensorFlow only. Music
runs print pitch tokens; --midi_dir also writes each melody as a .mid file.
"""

import os

from absl import app
from absl import flags
import tensorflow as tf

from experiments import cli
from seqgan_tf import checkpoints
from seqgan_tf import compat
from seqgan_tf import export as export_lib
from seqgan_tf import files
from seqgan_tf import generator as generator_lib
from seqgan_tf import music
from seqgan_tf import text

flags.DEFINE_string("run_dir", None, "A run directory (holds config.json and "
                    "checkpoints/).")
flags.DEFINE_integer("num", 10, "How many samples.")
flags.DEFINE_float("temperature", 1.0, "Softmax temperature (1: G itself).")
flags.DEFINE_integer("seed", 0, "Seed of the draws: the same seed, the same "
                     "samples.")
flags.DEFINE_bool("raw", False, "Print token ids instead of decoded text.")
flags.DEFINE_string("export", None, "Write G as a SavedModel to this new "
                    "directory instead of printing samples.")
flags.DEFINE_string("midi_dir", None, "Music runs: also write each sample as "
                    "a .mid file (sample_001.mid, ...) into this new "
                    "directory.")
FLAGS = flags.FLAGS


def load_generator(run_dir):
  """(G restored from the newest usable checkpoint, vocab or None, path).

  Raises:
    ValueError: not a run directory, or no checkpoint restores.
  """
  saved = files.read_json(os.path.join(run_dir, "config.json"),
                          "--run_dir must name a run directory")
  config = compat.config_from_saved(saved["config"])
  generator = generator_lib.Generator(config.generator)
  vocab_path = os.path.join(run_dir, export_lib.VOCAB_FILE)
  vocab = (files.read_json(vocab_path, "restore it or run again")
           if os.path.exists(vocab_path) else None)
  if vocab is not None:
    export_lib.check_vocab(vocab, vocab_path, config.generator.vocab_size)
  if vocab is None and saved["task"].get("task") == "text":
    raise ValueError(f"--run_dir={run_dir}: a text run without "
                     f"{export_lib.VOCAB_FILE} (runs before it was written): "
                     "pass --raw for token ids")
  for path in checkpoints.paths(os.path.join(run_dir, "checkpoints")):
    try:
      tf.train.Checkpoint(generator=generator).restore(path).expect_partial()
      return generator, vocab, path
    except (tf.errors.OpError, ValueError):
      continue
  raise ValueError(f"--run_dir={run_dir}: no checkpoint of G restores there")


EMPTY = "(empty: <pad> first)"


def decode(tokens, vocab):
  """One printable string per sample: a poem as its lines.

  A sequence ends at its first <pad>, as BLEU reads it; one that starts
  with it prints as EMPTY.
  """
  if vocab is None:
    return [" ".join(map(str, row)) for row in tokens]
  words = text.Vocabulary(tuple(vocab["tokens"])).decode(tokens)
  return [text.as_lines(seq, vocab.get("separator", " "),
                        vocab.get("line_length")) or EMPTY for seq in words]


def main(argv):
  del argv
  if not FLAGS.run_dir:
    cli.fail("--run_dir is required: a run directory")
  try:
    generator, vocab, path = load_generator(FLAGS.run_dir)
    export_lib.check_request(FLAGS.num, FLAGS.temperature,
                             generator.config.seq_len)
    if FLAGS.export:
      export_lib.export(generator, FLAGS.export, vocab)
      print(f"exported G of {path} to {FLAGS.export}")
      return
  except (ValueError, OSError) as e:
    cli.fail(str(e))
  sampler = export_lib.Sampler(generator, vocab)  # Held: the tf.function
  sampled = sampler.sample(FLAGS.num, FLAGS.temperature, FLAGS.seed)  # is weak.
  tokens = sampled["tokens"].numpy()
  shown = (decode(tokens, None) if FLAGS.raw else decode(tokens, vocab))
  paragraphs = vocab is not None and vocab.get("line_length") and not FLAGS.raw
  print(("\n\n" if paragraphs else "\n").join(shown))
  if FLAGS.midi_dir:
    try:
      write_midi(tokens, vocab, FLAGS.midi_dir)
    except (ValueError, OSError) as e:
      cli.fail(str(e))


def write_midi(tokens, vocab, directory):
  """Each sample as a .mid file in `directory`, which must be new or empty."""
  if os.path.exists(directory) and not os.path.isdir(directory):
    raise ValueError(f"--midi_dir={directory}: a file, not a directory; pass "
                     "a new directory")
  if vocab is None or "rest" not in vocab["tokens"]:
    raise ValueError("--midi_dir: only a music run's samples are melodies")
  if os.path.exists(directory) and os.listdir(directory):
    raise ValueError(f"--midi_dir={directory}: exists and is not empty; pass "
                     "a new directory")
  try:
    os.makedirs(directory, exist_ok=True)
  except OSError as e:
    raise ValueError(f"--midi_dir={directory}: cannot make it ({e.strerror}); "
                     "pass a writable new directory") from None
  words = text.Vocabulary(tuple(vocab["tokens"])).decode(tokens)
  for number, melody in enumerate(words, 1):
    music.tokens_to_midi(melody).write(
        os.path.join(directory, f"sample_{number:03d}.mid"))
  print(f"wrote {len(words)} .mid files to {directory}")


if __name__ == "__main__":
  app.run(main, flags_parser=cli.parse_flags)
