"""music: Nottingham folk melodies, scored by BLEU-4 and pitch MSE (Table 4).

--data_file is the Nottingham.zip archive of MIDI tunes (1,037 tunes in the
shared copy; the paper used 695). Each tune's melody track
(--melody_track=0) is sampled every --step_seconds=0.4 into tokens: the
highest sounding MIDI pitch, or "rest" (`seqgan_tf.music`). Tunes are cut
into windows of --seq_len=32 steps every --window_hop=16 steps. The split is
by whole tunes: --test_size tunes give the BLEU references and the MSE
reference windows, --heldout_size more the real-data row; their windows
never share a tune with training. Each finished run updates
<save_dir>/<preset>_results.md and writes its first final samples as MIDI
into <run_dir>/samples_midi/.
"""

import os
import shutil

from absl import flags
from absl import logging

from experiments import common
from experiments import paper
from experiments.tasks import corpus
from seqgan_tf import music
from seqgan_tf import tasks
from seqgan_tf import text

SAVE_DIR = "save/music"
DATA_URL = "http://www-etud.iro.umontreal.ca/~boulanni/Nottingham.zip"
# The paper's appendix: D for length 32 has widths 1-10 plus 16, 24, 32,
# 160 filters each for the last three. No schedule is given: the poems'.
DEFAULTS = dict(seq_len=32, vocab_size=0, test_size=170, heldout_size=100,
                d_filter_sizes=[str(w) for w in (*range(1, 11), 16, 24, 32)],
                d_num_filters=[str(n) for n in (100, 200, 200, 200, 200, 100,
                                                100, 100, 100, 100, 160, 160,
                                                160)],
                pretrain_g_epochs=80, adversarial_epochs=100,
                eval_samples=1000, final_eval_samples=5000)
PRESETS = {
    "paper": {},
    "cpu": dict(corpus.CPU, eval_samples=500, final_eval_samples=2000),
    "smoke": dict(corpus.SMOKE, window_hop=4, test_size=2, heldout_size=1),
}


def define_flags():
  corpus.define_flags(heldout_size=1000)
  flags.DEFINE_integer("window_hop", 16, "music: a window of --seq_len "
                       "steps starts every this many steps of a tune.")
  flags.DEFINE_float("step_seconds", music.STEP_SECONDS,
                     "music: seconds between two tokens of a melody.")
  flags.DEFINE_integer("melody_track", 0, "music: the MIDI track (instrument "
                       "index) holding the melody.")
  flags.DEFINE_bool("skip_bad_tunes", False, "music: leave out tunes that "
                    "cannot be read (logged with a count) instead of "
                    "refusing the archive.")


def build(flag_values):
  if not flag_values.data_file:
    raise text.DataError(
        f"--data_file is required for music: the Nottingham.zip archive "
        f"({DATA_URL}, or ../shared/data/nottingham/Nottingham.zip)")
  task, notes = tasks.load_music_task(
      flag_values.data_file, flag_values.seq_len, flag_values.window_hop,
      flag_values.step_seconds, flag_values.melody_track,
      flag_values.test_size, flag_values.heldout_size, flag_values.split_seed,
      skip_bad=flag_values.skip_bad_tunes)
  if notes["skipped"]:
    logging.warning("--skip_bad_tunes: left out %d unreadable tunes: %s",
                    len(notes["skipped"]), ", ".join(notes["skipped"][:10]))
  return task, dict(vocab_size=len(task.vocab), start_token=text.START_ID)


# The first final samples written as MIDI into the run directory.
MIDI_SAMPLES = 8


def finish(flag_values, task):
  corpus.write_results_table(flag_values, task, paper.MUSIC)
  write_final_midi(common.run_dir_of(flag_values))


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
