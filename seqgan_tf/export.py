"""G as a SavedModel that samples without seqgan-tf: `export(...)`.

  loaded = tf.saved_model.load(directory)
  out = loaded.sample(num=4, temperature=1.0, seed=7)
  out["tokens"]   # int32 [4, T]
  out["text"]     # string [4]: decoded, tokens up to the first <pad>

The vocabulary is inside the model (for "text") and beside it as
vocab.json, as a run directory holds it.
"""

import json
import os

import tensorflow as tf

from seqgan_tf import config as config_lib
from seqgan_tf import files

VOCAB_FILE = "vocab.json"
# The most sequences one call of an exported model draws.
MAX_NUM = 1_000_000


def check_vocab(vocab, path, vocab_size):
  """Raises ValueError unless `vocab` decodes G's `vocab_size` token ids."""
  tokens = vocab.get("tokens") if isinstance(vocab, dict) else None
  if not (isinstance(tokens, list) and
          all(isinstance(token, str) for token in tokens)):
    raise ValueError(f"{path}: not a vocabulary (a JSON object whose "
                     "\"tokens\" is a list of strings); restore the run's "
                     "own vocab.json")
  if len(tokens) != vocab_size:
    raise ValueError(f"{path}: {len(tokens)} tokens, but G has vocab_size="
                     f"{vocab_size}; restore the run's own vocab.json")


def check_request(num, temperature, seq_len, memory_bytes=None):
  """Raises ValueError for a `num` or `temperature` G cannot sample."""
  if num < 1:
    raise ValueError(f"--num={num}: must be >= 1")
  config_lib.check_temperature(temperature)
  if memory_bytes is None:
    memory_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
  # int32 tokens and their decoded text, with a margin of 4x.
  needed = 4 * num * seq_len * (4 + 16)
  if needed > memory_bytes or num > MAX_NUM:
    raise ValueError(f"--num={num:,}: too many samples for one call (at most "
                     f"{MAX_NUM:,}, and {needed / 2**30:,.1f} GiB "
                     f"of {memory_bytes / 2**30:,.1f} GiB); ask in batches "
                     "with other --seed values")


class _SeedStream:
  """`make_seeds(n)` of a `tf.random.Generator`, from one stateless seed."""

  def __init__(self, seed):
    self._seed = tf.stack([seed, tf.constant(0, tf.int64)])

  def make_seeds(self, count):
    return tf.transpose(tf.random.experimental.stateless_split(
        self._seed, num=count))


class Sampler(tf.Module):
  """G with a `sample(num, temperature, seed)` function and its decoding.

  Args:
    generator: the trained `Generator`.
    vocab: `vocab.json`'s content ({"tokens": [...], "separator": " "}),
      or None: token ids are the text (the oracle).
  """

  def __init__(self, generator, vocab=None):
    super().__init__()
    # Keras 3 wraps each weight in a `keras.Variable` around a tf.Variable.
    # Tracked through the Keras model, the SavedModel stores the wrappers
    # as variables of their own, beside the tf.Variables the function reads:
    # tf.saved_model.load maps them onto each other, but the loader of
    # `saved_model_cli run` and TensorFlow Serving restores only the
    # former and the function finds its variables missing. So the model is
    # kept out of tracking (a bound method is not tracked) and the
    # tf.Variables it reads are tracked.
    self._sample_tokens = generator.sample
    self.weights = [weight.value for weight in generator.weights]
    if vocab:
      self._tokens = tf.constant(vocab["tokens"])
      self._separator = vocab.get("separator", " ")
      self._pad_id = 0  # text.PAD_ID: a sequence ends at its first <pad>.
    else:
      self._tokens = None

  @tf.function(input_signature=[
      tf.TensorSpec([], tf.int32, name="num"),
      tf.TensorSpec([], tf.float32, name="temperature"),
      tf.TensorSpec([], tf.int64, name="seed")])
  def sample(self, num, temperature, seed):
    """`num` sequences of G at softmax `temperature`, the same for a seed.

    A served model refuses what it cannot sample (InvalidArgumentError with
    the reason): `num` outside [1, MAX_NUM], a temperature outside
    [MIN_TEMPERATURE, MAX_TEMPERATURE] or not a number.
    """
    checks = [
        tf.debugging.assert_greater_equal(num, 1, message="num must be >= 1"),
        tf.debugging.assert_less_equal(
            num, MAX_NUM, message=f"num must be <= {MAX_NUM}: ask in batches"),
        tf.debugging.Assert(
            (temperature >= config_lib.MIN_TEMPERATURE) &
            (temperature <= config_lib.MAX_TEMPERATURE),
            ["temperature must be a number in "
             f"[{config_lib.MIN_TEMPERATURE:g}, "
             f"{config_lib.MAX_TEMPERATURE:g}], not", temperature])]
    with tf.control_dependencies(checks):  # Before any op that uses them.
      num, temperature = tf.identity(num), tf.identity(temperature)
    tokens = self._sample_tokens(num, _SeedStream(seed), temperature)
    if self._tokens is None:
      text = tf.strings.reduce_join(tf.strings.as_string(tokens), axis=1,
                                    separator=" ")
    else:
      before_pad = tf.cumsum(tf.cast(tokens == self._pad_id, tf.int32),
                             axis=1) == 0
      words = tf.ragged.boolean_mask(tf.gather(self._tokens, tokens),
                                     before_pad)
      text = tf.strings.reduce_join(words, axis=1, separator=self._separator)
    return {"tokens": tokens, "text": text}


def export(generator, directory, vocab=None):
  """Writes the SavedModel and vocab.json into `directory` (a new one).

  Raises:
    files.RunDirError: `directory` exists and is not empty (nothing is
      overwritten).
  """
  if os.path.lexists(directory) and (not os.path.isdir(directory) or
                                     os.listdir(directory)):
    raise files.RunDirError(f"--export={directory}: exists and is not empty; "
                            "pass a new directory")
  try:
    tf.saved_model.save(Sampler(generator, vocab), directory)
  except tf.errors.OpError as e:  # A read-only or full filesystem.
    raise files.RunDirError(
        f"--export={directory}: cannot write there ({files.os_reason(e)}); "
        "pass a writable new directory"
        ) from None
  if vocab:
    files.write_atomic(os.path.join(directory, VOCAB_FILE),
                       json.dumps(vocab, ensure_ascii=False) + "\n")
