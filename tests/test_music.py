"""The music task on a few MIDI tunes the test writes."""

import io
import os
import random
import zipfile

import numpy as np
import pretty_midi
import pytest

from tensorflow.python.summary.summary_iterator import summary_iterator

from seqgan_tf import music
from seqgan_tf import tasks
from tests.conftest import run_module


def _tune(pitches, step=0.4, chord_under=None):
  """A MIDI file (bytes): one note per pitch (None: silence) on track 0."""
  midi = pretty_midi.PrettyMIDI()
  melody = pretty_midi.Instrument(program=0)
  for k, pitch in enumerate(pitches):
    if pitch is not None:
      melody.notes.append(pretty_midi.Note(90, pitch, k * step,
                                           (k + 1) * step))
      if chord_under:  # A lower note at the same time: not the melody.
        melody.notes.append(pretty_midi.Note(90, pitch - chord_under,
                                             k * step, (k + 1) * step))
  midi.instruments.append(melody)
  data = io.BytesIO()
  midi.write(data)
  return data.getvalue()


def _write_archive(path, count=12, length=24, seed=0):
  rng = random.Random(seed)
  with zipfile.ZipFile(path, "w") as archive:
    for index in range(count):
      pitches = [rng.choice([60, 62, 64, 65, 67, None])
                 for _ in range(length - 1)] + [67]  # Ends on a note.
      archive.writestr(f"tunes/tune_{index:02d}.mid", _tune(pitches))
  return str(path)


def test_melody_tokens_take_the_highest_pitch_and_rest_for_silence():
  data = _tune([60, None, 64, 64], chord_under=5)
  # Sampled at 0.4 s, 0.8 s, ...: k * step is inside note k.
  assert music.tune_tokens(data, step=0.4) == ["60", "rest", "64", "64"]


def test_windows_midi_round_trip_and_mse():
  tokens = ["60", "60", "rest", "62", "64"]
  assert music.windows(tokens, 2, 2) == [["60", "60"], ["rest", "62"]]
  midi = music.tokens_to_midi(tokens)
  notes = [(n.pitch, round(n.start, 1), round(n.end, 1))
           for n in midi.instruments[0].notes]
  assert notes == [(60, 0.0, 0.8), (62, 1.2, 1.6), (64, 1.6, 2.0)]
  data = io.BytesIO()
  midi.write(data)
  assert music.tune_tokens(data.getvalue()) == tokens
  real = [["60", "62"], ["70", "70"]]
  assert music.nearest_mse(real, real) == 0.0
  # One semitone off at one step of two: 0.5; a rest holds the pitch.
  assert music.nearest_mse([["61", "62"]], real) == pytest.approx(0.5)
  assert music.nearest_mse([["60", "rest"]], [["60", "60"]]) == 0.0


def test_split_keeps_whole_tunes_apart(tmp_path):
  archive = _write_archive(tmp_path / "tunes.zip")
  task, notes = tasks.load_music_task(archive, 8, 4, 0.4, 0, 3, 2, 0)
  assert notes == dict(short_tunes=0, skipped=[])
  assert task.description["train_tunes"] == 7 and task.description["task"] == (
      "music")
  assert (len(task.heldout), task.description["test"]) == (10, 15)  # 5/tune.
  assert task.metric_names == ("bleu4", "self_bleu4", "ms_jaccard4",
                               "nll_test", "mse")
  scores = task.real_data_scores()
  assert 0 < scores["bleu4"] <= 1 and np.isfinite(scores["mse"])


def test_piano_roll_and_audio():
  roll = music.piano_roll([["108", "rest"], ["21"]], key_height=1,
                          step_width=1)
  assert roll.shape == (88, 2 + 4 + 1)  # A 4-pixel bar between melodies.
  assert roll[0, 0] == 255 and roll[0, 1] == 0  # C8 at the top, then rest.
  assert roll[87, 6] == 255  # A0 at the bottom of the second melody.
  wave = music.synthesize(["69", "69", "rest"], rate=8000)
  assert wave.dtype == np.float32 and len(wave) >= 3 * 0.4 * 8000
  assert np.abs(wave).max() == pytest.approx(1.0)
  assert np.abs(wave[-800:]).max() < 0.05  # The rest is (nearly) silent.


def test_bad_archive_is_one_line(tmp_path):
  not_zip = tmp_path / "tunes.zip"
  not_zip.write_text("hello")
  with pytest.raises(music.MusicError, match="not a zip archive"):
    music.read_tunes(str(not_zip))
  with zipfile.ZipFile(tmp_path / "empty.zip", "w") as archive:
    archive.writestr("readme.txt", "no tunes")
  with pytest.raises(music.MusicError, match="holds no .mid files"):
    music.read_tunes(str(tmp_path / "empty.zip"))


def test_music_smoke_end_to_end_and_samples_as_midi(tmp_path):
  archive = _write_archive(tmp_path / "tunes.zip")
  save_dir = str(tmp_path / "music")
  result = run_module("experiments.run", "--task=music", "--preset=smoke",
                f"--data_file={archive}", f"--save_dir={save_dir}")
  assert result.returncode == 0, result.stderr[-3000:]
  with open(os.path.join(save_dir, "smoke_results.md")) as f:
    table = f.read()
  assert "| MSE |" in table and "| 0.9406 | 20.620 |" in table
  assert "| real data |" in table
  final_midi = os.path.join(save_dir, "smoke_seqgan", "samples_midi")
  assert sorted(os.listdir(final_midi)) == [f"sample_00{i}.mid"
                                            for i in range(1, 9)]
  pretty_midi.PrettyMIDI(os.path.join(final_midi, "sample_001.mid"))
  midi_dir = tmp_path / "midi"
  sampled = run_module("experiments.sample", f"--run_dir={save_dir}/smoke_seqgan",
                 "--num=3", f"--midi_dir={midi_dir}")
  assert sampled.returncode == 0, sampled.stderr[-3000:]
  assert sorted(os.listdir(midi_dir)) == [f"sample_00{i}.mid" for i in (1, 2, 3)]
  events = [f for f in os.listdir(f"{save_dir}/smoke_seqgan")
            if "tfevents" in f]
  tags = {v.tag for e in summary_iterator(
      os.path.join(save_dir, "smoke_seqgan", events[0])) for v in e.summary.value}
  assert {"samples/piano_roll", "samples/audio", "eval/mse",
          "final/mse"} <= tags
  missing = run_module("experiments.run", "--task=music", "--preset=smoke",
                 f"--save_dir={save_dir}", "--run_name=x")
  assert missing.returncode == 2 and "--data_file is required for music" in (
      missing.stderr)


def test_a_tune_claiming_hours_is_refused_at_once():
  midi = pretty_midi.PrettyMIDI()
  melody = pretty_midi.Instrument(program=0)
  melody.notes.append(pretty_midi.Note(90, 60, 0.0, 4000.0))  # 67 minutes.
  midi.instruments.append(melody)
  data = io.BytesIO()
  midi.write(data)
  with pytest.raises(music.MusicError, match="bad.mid: lasts 4,000 s, more "
                     "than any tune"):
    music.tune_tokens(data.getvalue(), name="bad.mid")


def test_a_damaged_member_is_named_and_can_be_skipped(tmp_path):
  path = _write_archive(tmp_path / "tunes.zip", count=4)
  with open(path, "r+b") as f:  # The first member's local header.
    f.write(b"\0\0\0\0")
  with pytest.raises(music.MusicError, match=r"tunes/tune_00.mid: damaged in "
                     r"the archive .*pass --skip_bad_tunes"):
    music.read_tunes(path)
  tunes, skipped = music.read_tunes(path, skip_bad=True)
  assert skipped == ["tunes/tune_00.mid"] and len(tunes) == 3
