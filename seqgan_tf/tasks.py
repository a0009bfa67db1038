"""What an experiment trains on and how it scores G: the oracle or a corpus.

A task gives the real sequences, evaluates generated samples (the metrics
logged to TensorBoard on the epoch axis) and formats samples for people.
"""

import numpy as np
import tensorflow as tf

from seqgan_tf import bleu
from seqgan_tf import music
from seqgan_tf import oracle as oracle_lib
from seqgan_tf import text


class OracleTask:
  """The synthetic experiment: a random LSTM plays the real distribution.

  Metrics: NLL-oracle of G's samples (the paper's), and NLL-test, G's NLL of
  `test_size` held-out oracle samples: NLL-oracle alone rewards a G that
  repeats a few likely sequences, NLL-test does not.

  Args:
    config: the run's `SeqGANConfig`; the oracle has G's architecture.
    oracle_params: the oracle's 15 arrays (authors' layout).
    description: where the oracle came from, saved in config.json.
    test_size: held-out oracle samples for NLL-test, drawn from seed + 3.
  """

  DEFAULT_TEST_SIZE = 10000

  def __init__(self, config, oracle_params, description,
               test_size=DEFAULT_TEST_SIZE):
    self.oracle = oracle_lib.build(config.generator, oracle_params)
    self._nll_oracle = oracle_lib.make_nll_fn(self.oracle)
    self.num_real = config.num_samples
    self.test_size = test_size
    self._test_seed = config.seed + 3
    self._test = None
    self._nll_fns = {}
    description = {k: v for k, v in description.items() if k != "task"}
    self.description = dict(task="oracle", test_size=test_size, **description)

  @staticmethod
  def file_description(sha256):
    """How config.json names an oracle read from a file: by its content.

    Naming the content, not the path, lets a run resume when the file
    moves (a local copy instead of the download).
    """
    name = "paper" if sha256 == oracle_lib.PAPER_ORACLE_SHA256 else "file"
    return dict(oracle=name, sha256=sha256)

  @classmethod
  def upgrade_description(cls, description):
    """A config.json's task entry as older versions wrote it, in today's form.

    Up to commit 068362a, --oracle_params runs recorded the path.
    """
    if "oracle_params" in description:
      description = dict(task="oracle",
                         **cls.file_description(description["sha256"]))
    # Runs before NLL-test existed: it is evaluated from now on, at the size
    # a run gets by default.
    return dict(dict(test_size=cls.DEFAULT_TEST_SIZE), **description)

  metric_names = ("nll_oracle", "nll_test")
  # results.json also names its lowest value during the method's training.
  best_metric = "nll_oracle"

  def real_data(self, seed):
    """`num_samples` oracle samples, int32 [N, T]."""
    return self.oracle.sample(self.num_real,
                              tf.random.Generator.from_seed(seed))

  def evaluate(self, samples, generator, temperature=1.0):
    """{nll_oracle, nll_test}; G's NLL-test at the samples' temperature."""
    if self._test is None:
      self._test = self.oracle.sample(
          self.test_size, tf.random.Generator.from_seed(self._test_seed))
    key = (id(generator), temperature)
    if key not in self._nll_fns:
      self._nll_fns[key] = oracle_lib.make_nll_fn(generator,
                                                  temperature=temperature)
    return {"nll_oracle": float(self._nll_oracle(samples)),
            "nll_test": float(self._nll_fns[key](self._test))}

  def format_samples(self, tokens):
    """Token ids, space-separated: samples.txt's lines and the text tab's."""
    return [" ".join(map(str, row)) for row in np.asarray(tokens)]

  show_samples = format_samples


class TextTask:
  """A real-world corpus scored by BLEU against a held-out test set.

  Args:
    vocab: `text.Vocabulary` of the training split.
    train: token lists G and D train on.
    test: token lists, the BLEU references and the test-NLL set.
    heldout: real token lists kept out of training and test: their BLEU is
      the "real data" row of the paper's tables.
    seq_len: the model's length T.
    bleu_orders: the BLEU-n reported, e.g. (2,) for poems, (3, 4) for Obama.
    line_length: tokens per printed line (5-character poems print as four
      lines); None prints one line.
    separator: between printed tokens: " " for words, "" for characters.
    report_unk: also report the <unk> share of G's samples (`unk_rate`),
      for a vocabulary that maps rare words to <unk>.
    description: the corpus and split, saved in config.json.
  """

  def __init__(self, vocab, train, test, heldout, seq_len, bleu_orders,
               line_length=None, description=None, separator=" ",
               report_unk=False):
    self.vocab = vocab
    self.seq_len = seq_len
    self.bleu_orders = tuple(bleu_orders)
    self.line_length = line_length
    self.separator = separator
    self.report_unk = report_unk
    self.metric_names = tuple(f"bleu{n}" for n in self.bleu_orders) + (
        "nll_test",) + (("unk_rate",) if report_unk else ())
    self._train = vocab.encode(train, seq_len)
    self._test = vocab.encode(test, seq_len)
    self.num_real = len(self._train)
    self.heldout = heldout
    self.scorer = bleu.BleuScorer(test, max(self.bleu_orders))
    # The data's own <unk> shares, beside the samples' (results.json).
    self.data_stats = (dict(unk_rate_train=text.unk_rate(self._train),
                            unk_rate_test=text.unk_rate(self._test))
                       if report_unk else {})
    self._nll_fns = {}
    self.description = dict(task="text", **(description or {}))

  def real_data(self, seed):
    del seed  # The training split is fixed.
    return self._train

  def bleu(self, sequences):
    """{"bleuN": mean sentence BLEU-N against the test set} per order."""
    return {f"bleu{n}": self.scorer.average_bleu(sequences, n)
            for n in self.bleu_orders}

  def real_data_scores(self):
    """BLEU of the held-out real sequences: the tables' "real data" row."""
    return self.bleu(self.heldout)

  def evaluate(self, samples, generator, temperature=1.0):
    key = (id(generator), temperature)
    if key not in self._nll_fns:
      self._nll_fns[key] = oracle_lib.make_nll_fn(generator,
                                                  temperature=temperature)
    metrics = self.bleu(self.vocab.decode(samples))
    metrics["nll_test"] = float(self._nll_fns[key](self._test))
    if self.report_unk:
      metrics["unk_rate"] = text.unk_rate(samples)
    return metrics

  def format_samples(self, tokens):
    """Decoded sequences, tokens space-separated: samples.txt's lines."""
    return [" ".join(seq) for seq in self.vocab.decode(tokens)]

  def vocab_json(self):
    """What decodes this task's token ids: a run's and an export's vocab.json."""
    return dict(tokens=list(self.vocab.tokens), separator=self.separator,
                line_length=self.line_length)

  def show_samples(self, tokens):
    """Decoded sequences for TensorBoard: a poem as its lines (markdown)."""
    return [text.as_lines(seq, self.separator, self.line_length, "  \n")
            for seq in self.vocab.decode(tokens)]


def load_text_task(data_file, level, seq_len, vocab_size, overlong, test_size,
                   heldout_size, split_seed, bleu_orders, line_length=None,
                   separator=" ", lowercase=False, rare="error"):
  """Reads, splits and encodes a corpus into a `TextTask`.

  Returns:
    (task, notes): notes are counts worth logging (blank, overlong lines).
  """
  sequences, blank = text.read_corpus(data_file, level, lowercase)
  sequences, overlong_count = text.fit_length(sequences, seq_len, overlong)
  for name, size in (("test_size", test_size), ("heldout_size", heldout_size)):
    if size < 1:
      raise text.DataError(f"--{name}={size}: must be >= 1")
  if test_size + heldout_size >= len(sequences):
    raise text.DataError(
        f"--test_size={test_size} + --heldout_size={heldout_size} leave no "
        f"training data of the corpus's {len(sequences)} sequences: lower them")
  train, held = text.split(sequences, test_size + heldout_size, split_seed)
  test, heldout = held[:test_size], held[test_size:]
  vocab = text.Vocabulary.build(train, vocab_size, rare)
  if rare == "unk":  # References and the real-data row as G sees words.
    test, heldout = (vocab.decode(vocab.encode(part, seq_len))
                     for part in (test, heldout))
  description = dict(data_file=data_file, sequences=len(sequences),
                     train=len(train), test=len(test), heldout=len(heldout),
                     split_seed=split_seed, vocab_size=len(vocab),
                     overlong=overlong)
  # Recorded when not the default, so older runs' config.json still match.
  description.update({k: v for k, v in (("level", level),
                                         ("lowercase", lowercase),
                                         ("rare", rare))
                      if v not in ("word", False, "error")})
  notes = dict(blank_lines=blank, overlong_lines=overlong_count)
  return TextTask(vocab, train, test, heldout, seq_len, bleu_orders,
                  line_length, description, separator,
                  report_unk=rare == "unk"), notes


class MusicTask(TextTask):
  """Melodies (Nottingham): BLEU-4 over pitch tokens and pitch MSE.

  `mse` is `music.nearest_mse` of G's sequences against the test windows;
  the real-data row scores held-out windows the same way.
  """

  def __init__(self, *args, **kwargs):
    super().__init__(*args, **kwargs)
    self.description["task"] = "music"
    self.metric_names = self.metric_names + ("mse",)
    self._test_tokens = self.vocab.decode(self._test)

  def evaluate(self, samples, generator, temperature=1.0):
    metrics = super().evaluate(samples, generator, temperature)
    metrics["mse"] = music.nearest_mse(self.vocab.decode(samples),
                                       self._test_tokens)
    return metrics

  def real_data_scores(self):
    scores = super().real_data_scores()
    scores["mse"] = music.nearest_mse(self.heldout, self._test_tokens)
    return scores

  def write_media(self, writer, step, samples, count=4, rate=16000):
    """The first `count` samples as a piano roll and as audio (TensorBoard)."""
    melodies = self.vocab.decode(np.asarray(samples)[:count])
    roll = music.piano_roll(melodies)
    waves = [music.synthesize(m, rate) for m in melodies]
    length = max(len(w) for w in waves)
    audio = np.stack([np.pad(w, [0, length - len(w)]) for w in waves])
    with writer.as_default(step=step):
      tf.summary.image("samples/piano_roll", roll[None, :, :, None],
                       description=f"{count} samples side by side, grey "
                       "bars between: pitch up (88 keys), time right (0.4 s "
                       "a step).")
      tf.summary.audio("samples/audio", audio[:, :, None], rate,
                       max_outputs=count,
                       description=f"{count} samples as sine tones.")


def load_music_task(data_file, seq_len, hop, step, track, test_tunes,
                    heldout_tunes, split_seed, skip_bad=False):
  """Reads a zip of MIDI tunes into a `MusicTask`; whole tunes on one side.

  `skip_bad` leaves out tunes that cannot be read (see `music.read_tunes`).

  Returns:
    (task, notes): notes count the tunes too short for one window and name
    the unreadable ones left out.
  """
  tunes, skipped = music.read_tunes(data_file, step, track, skip_bad)
  names = sorted(tunes)
  if test_tunes + heldout_tunes >= len(names):
    raise text.DataError(
        f"--test_size={test_tunes} + --heldout_size={heldout_tunes} tunes "
        f"leave no training tunes of the archive's {len(names)}: lower them")
  train_names, held = text.split(names, test_tunes + heldout_tunes,
                                 split_seed)
  parts = [[w for name in part for w in music.windows(tunes[name], seq_len,
                                                        hop)]
           for part in (train_names, held[:test_tunes], held[test_tunes:])]
  for part, flag in zip(parts, ("the training tunes", "--test_size",
                                "--heldout_size")):
    if not part:
      raise text.DataError(f"{flag}: no tune there is {seq_len} steps long; "
                           "lower --seq_len or give more tunes")
  train, test, heldout = parts
  vocab = text.Vocabulary.build(train)
  description = dict(data_file=data_file, tunes=len(names),
                     train_tunes=len(train_names), test_tunes=test_tunes,
                     heldout_tunes=heldout_tunes, train=len(train),
                     test=len(test), heldout=len(heldout), hop=hop,
                     step_seconds=step, melody_track=track,
                     split_seed=split_seed, vocab_size=len(vocab))
  if skipped:  # Recorded only then, so older runs' config.json still match.
    description["skipped_tunes"] = len(skipped)
  short = sum(len(t) < seq_len for t in tunes.values())
  return MusicTask(vocab, train, test, heldout, seq_len, bleu_orders=(4,),
                   description=description), dict(short_tunes=short,
                                                  skipped=skipped)
