"""music: Nottingham folk melodies, scored by BLEU-4 and pitch MSE (Table 4).

`data_file` is the Nottingham.zip archive of MIDI tunes (1,037 tunes in the
shared copy; the paper used 695). Each tune's melody track
(`melody_track`) is sampled every `step_seconds` into tokens: the highest
sounding MIDI pitch, or "rest" (`seqgan_tf.music`). Tunes are cut into
windows of seq_len steps every `window_hop` steps. The split is by whole
tunes: `test_size` tunes give the BLEU references and the MSE reference
windows, `heldout_size` more the real-data row; their windows never share
a tune with training. A finished run writes its first final samples as
MIDI into <run_dir>/samples_midi/.
"""

import dataclasses
import os
import shutil
from typing import Optional, Tuple

from absl import logging
import numpy as np
import tensorflow as tf

from seqgan_tf import music
from seqgan_tf import paper
from seqgan_tf import text
from seqgan_tf.tasks import base
from seqgan_tf.tasks import corpus

DATA_URL = "http://www-etud.iro.umontreal.ca/~boulanni/Nottingham.zip"
# The first final samples written as MIDI into the run directory.
MIDI_SAMPLES = 8


@dataclasses.dataclass(frozen=True)
class MusicConfig:
  """An archive of MIDI tunes, how melodies become tokens, and the split.

  Attributes:
    data_file: the Nottingham.zip archive of MIDI tunes.
    test_size: held-out tunes: the BLEU references and MSE windows.
    heldout_size: further held-out tunes: the 'real data' row.
    split_seed: seed of the held-out split.
    window_hop: a window of --seq_len steps starts every this many steps of
      a tune.
    step_seconds: seconds between two tokens of a melody.
    melody_track: the MIDI track (instrument index) holding the melody.
    skip_bad_tunes: leave out tunes that cannot be read (logged with a
      count) instead of refusing the archive.
    bleu_orders: the BLEU-n reported (the paper's BLEU-4).
    paper_scores: the key of `seqgan_tf.paper.SCORES` beside the results.
  """
  data_file: Optional[str] = None
  test_size: int = 170
  heldout_size: int = 100
  split_seed: int = 0
  window_hop: int = 16
  step_seconds: float = music.STEP_SECONDS
  melody_track: int = 0
  skip_bad_tunes: bool = False
  bleu_orders: Tuple[int, ...] = (4,)
  paper_scores: Optional[str] = base.internal("music")

  def validate(self):
    return self


class MusicTask(corpus.CorpusTask):
  """Melodies (Nottingham): BLEU-4 over pitch tokens and pitch MSE.

  `mse` is `music.nearest_mse` of G's sequences against the test windows;
  the real-data row scores held-out windows the same way.
  """

  def __init__(self, *args, **kwargs):
    super().__init__(*args, **kwargs)
    self.description["task"] = "music"
    self.metric_names = self.metric_names + ("mse",)
    self._test_tokens = self.vocab.decode(self._test)

  @classmethod
  def from_config(cls, task_config, config, runtime):
    if not task_config.data_file:
      raise text.DataError(
          f"--data_file is required for music: the Nottingham.zip archive "
          f"({DATA_URL}, or ../shared/data/nottingham/Nottingham.zip)")
    task, notes = load_music_task(
        task_config.data_file, config.generator.seq_len,
        task_config.window_hop, task_config.step_seconds,
        task_config.melody_track, task_config.test_size,
        task_config.heldout_size, task_config.split_seed,
        skip_bad=task_config.skip_bad_tunes,
        bleu_orders=task_config.bleu_orders,
        paper_scores=paper.SCORES.get(task_config.paper_scores),
        xla=runtime.xla, spread_size=corpus.spread_size_for(config))
    if notes["skipped"]:
      logging.warning("--skip_bad_tunes: left out %d unreadable tunes: %s",
                      len(notes["skipped"]), ", ".join(notes["skipped"][:10]))
    return task

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

  def finish(self, run_dir, results_table=None):
    super().finish(run_dir, results_table)
    write_final_midi(run_dir)


def write_final_midi(run_dir, count=MIDI_SAMPLES):
  """<run_dir>/samples_midi/sample_001.mid ...: the first final samples.

  Read from samples.txt (tokens as text), so a finished run gets them too;
  a folder already there is left as it is.
  """
  directory = os.path.join(run_dir, "samples_midi")
  if os.path.exists(directory):
    return
  with open(os.path.join(run_dir, "samples.txt"), encoding="utf-8") as f:
    melodies = [line.split() for line in f.read().splitlines()[:count]]
  partial = directory + ".partial"
  shutil.rmtree(partial, ignore_errors=True)
  os.makedirs(partial)
  for number, melody in enumerate(melodies, 1):
    music.tokens_to_midi(melody).write(
        os.path.join(partial, f"sample_{number:03d}.mid"))
  os.replace(partial, directory)  # All of them or none.
  logging.info("Wrote %d samples as MIDI to %s", len(melodies), directory)


def load_music_task(data_file, seq_len, hop, step, track, test_tunes,
                    heldout_tunes, split_seed, skip_bad=False,
                    bleu_orders=(4,), paper_scores=None, xla=True,
                    spread_size=corpus.SPREAD_SAMPLES):
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
  return MusicTask(vocab, train, test, heldout, seq_len,
                   bleu_orders=bleu_orders, description=description,
                   paper_scores=paper_scores, xla=xla,
                   spread_size=spread_size), dict(short_tunes=short,
                                                  skipped=skipped)
