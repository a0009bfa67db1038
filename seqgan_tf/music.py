"""Melodies as token sequences: the paper's Nottingham experiment (Table 4).

A tune's melody (one MIDI track) is sampled every `step` seconds: the
highest pitch sounding at that instant is the token (its MIDI number as a
string, "60" = middle C), and an instant with no note is the token "rest",
never pitch 0. Tunes are cut into windows of the model's length.
"""

import io
import os
import warnings
import zipfile
import zlib

import numpy as np

REST = "rest"
STEP_SECONDS = 0.4  # The paper's sampling interval.
# No folk tune lasts an hour (Nottingham's longest: minutes). A damaged
# file can claim years (a tempo of 16 s a beat, a note of 10^7 ticks),
# and sampling it step by step would never end.
MAX_TUNE_SECONDS = 3600.0


class MusicError(ValueError):
  """A tune file or archive the reader cannot use; names the file and fix."""


def _pretty_midi():
  import pretty_midi  # pylint: disable=g-import-not-at-top
  return pretty_midi


def tune_tokens(data, step=STEP_SECONDS, track=0, name="tune"):
  """The melody of one MIDI file (bytes) as one token per `step` seconds."""
  pretty_midi = _pretty_midi()
  try:
    with warnings.catch_warnings():  # Tempo events on later tracks: benign.
      warnings.simplefilter("ignore", RuntimeWarning)
      midi = pretty_midi.PrettyMIDI(io.BytesIO(data))
  except Exception as e:  # mido raises many kinds on a damaged file.
    raise MusicError(f"{name}: not a readable MIDI file ({type(e).__name__})"
                     ) from None
  if track >= len(midi.instruments):
    raise MusicError(f"{name}: no track {track} (it has "
                     f"{len(midi.instruments)}); pass another --melody_track")
  end_time = midi.get_end_time()
  if not end_time <= MAX_TUNE_SECONDS:
    raise MusicError(f"{name}: lasts {end_time:,.0f} s, more than any tune "
                     f"({MAX_TUNE_SECONDS:,.0f} s): a damaged file")
  notes = midi.instruments[track].notes
  starts = np.array([n.start for n in notes])
  ends = np.array([n.end for n in notes])
  pitches = np.array([n.pitch for n in notes])
  tokens = []
  eps = 1e-6  # MIDI ticks make times inexact: a note starting at k * step
  for k in range(int(end_time / step + eps)):  # sounds there.
    t = k * step + eps
    sounding = pitches[(starts <= t) & (t < ends)]
    tokens.append(str(int(sounding.max())) if sounding.size else REST)
  return tokens


def read_tunes(path, step=STEP_SECONDS, track=0, skip_bad=False):
  """{file name: tokens} of every .mid file in a zip archive, sorted by name.

  Args:
    path: the zip archive.
    step: seconds between two tokens.
    track: the melody's track.
    skip_bad: leave out tunes that cannot be read (counted in `skipped`)
      instead of refusing the archive.

  Returns:
    (tunes, skipped): {name: tokens}, and the names of tunes left out.

  Raises:
    MusicError: no such file, not a zip archive, no MIDI file in it, or
      (without `skip_bad`) a tune that cannot be read, named.
  """
  if not os.path.isfile(path):
    raise MusicError(f"--data_file={path}: no such file; pass the "
                     "Nottingham.zip archive")
  if not zipfile.is_zipfile(path):
    raise MusicError(f"--data_file={path}: not a zip archive of MIDI files")
  tunes, skipped = {}, []
  with zipfile.ZipFile(path) as archive:
    names = sorted(n for n in archive.namelist()
                   if n.lower().endswith((".mid", ".midi")))
    if not names:
      raise MusicError(f"--data_file={path}: holds no .mid files")
    for name in names:
      try:
        try:
          data = archive.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError) as e:
          raise MusicError(f"{name}: damaged in the archive ({e})") from None
        tunes[name] = tune_tokens(data, step, track, name)
      except MusicError as e:
        if not skip_bad:
          raise MusicError(f"--data_file={path}: {e}; pass --skip_bad_tunes "
                           "to leave such tunes out") from None
        skipped.append(name)
  if not tunes:
    raise MusicError(f"--data_file={path}: none of its {len(names)} tunes "
                     "can be read")
  return tunes, skipped


def windows(tokens, length, hop):
  """Windows of `length` tokens every `hop` tokens (none if shorter)."""
  return [tokens[i:i + length] for i in range(0, len(tokens) - length + 1,
                                               hop)]


def pitch_values(sequences):
  """float [N, T] pitch numbers; a rest (or any non-pitch token) holds the
  previous pitch, and leading ones take the sequence's first pitch (60 if
  it has none)."""
  values = np.zeros([len(sequences), max(len(s) for s in sequences)])
  for row, seq in enumerate(sequences):
    numbers = [int(t) if t.isdigit() else None for t in seq]
    first = next((n for n in numbers if n is not None), 60)
    last = first
    for col, number in enumerate(numbers):
      last = number if number is not None else last
      values[row, col] = last
    values[row, len(seq):] = last
  return values


def nearest_mse(sequences, references, chunk=256):
  """Mean over `sequences` of the pitch MSE to the closest reference.

  Each sequence is compared step by step with every reference window (of
  the same length) and the smallest mean squared pitch difference, in
  semitones squared, is kept: 0 when it repeats a real window exactly.
  Held-out real windows are scored the same way (the real-data row).
  """
  values, refs = pitch_values(sequences), pitch_values(references)
  length = min(values.shape[1], refs.shape[1])
  values, refs = values[:, :length], refs[:, :length]
  best = []
  for i in range(0, len(values), chunk):
    block = values[i:i + chunk, None, :] - refs[None, :, :]
    best.append((block ** 2).mean(axis=2).min(axis=1))
  return float(np.concatenate(best).mean())


def tokens_to_midi(tokens, step=STEP_SECONDS, program=0, velocity=90):
  """A PrettyMIDI of one melody: equal neighbouring pitches are one note."""
  pretty_midi = _pretty_midi()
  midi = pretty_midi.PrettyMIDI()
  instrument = pretty_midi.Instrument(program=program)
  start, pitch = None, None
  for k, token in enumerate(list(tokens) + [REST]):
    current = int(token) if token.isdigit() else None
    if current != pitch:
      if pitch is not None:
        instrument.notes.append(pretty_midi.Note(velocity, pitch, start * step,
                                                 k * step))
      start, pitch = k, current
  midi.instruments.append(instrument)
  return midi


LOWEST, HIGHEST = 21, 108  # The 88 piano keys, A0 to C8.


def piano_roll(sequences, key_height=2, step_width=8):
  """uint8 [88 * key_height, width]: the melodies side by side, a grey bar
  between them; white notes on black, the highest key at the top, each step
  `step_width` pixels wide; rests and other tokens blank."""
  parts = []
  for seq in sequences:
    roll = np.zeros([HIGHEST - LOWEST + 1, len(seq)], np.uint8)
    for k, token in enumerate(seq):
      if token.isdigit() and LOWEST <= int(token) <= HIGHEST:
        roll[HIGHEST - int(token), k] = 255
    parts.append(np.kron(roll, np.ones([key_height, step_width], np.uint8)))
    parts.append(np.full([roll.shape[0] * key_height, 4], 96, np.uint8))
  return np.concatenate(parts[:-1], axis=1)


def synthesize(tokens, rate=16000, step=STEP_SECONDS):
  """float32 [samples] in [-1, 1]: the melody as sine tones (no sound font)."""
  wave = tokens_to_midi(tokens, step).synthesize(fs=rate)
  wave = np.pad(wave, [0, max(0, int(len(tokens) * step * rate) - len(wave))])
  peak = np.abs(wave).max()
  return (wave / peak if peak > 0 else wave).astype(np.float32)
