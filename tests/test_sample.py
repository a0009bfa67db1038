"""experiments.sample: samples of a trained run, and G as a SavedModel."""

import json
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import run_module
from tests.conftest import CHARS
from tests.conftest import write_corpus

# Loads the export in a fresh interpreter, away from the repository: it must
# need TensorFlow only.
_LOAD = """
import json, sys
import tensorflow as tf
model = tf.saved_model.load(sys.argv[1])
out = model.sample(num=3, temperature=tf.constant(1.0), seed=tf.constant(5, tf.int64))
again = model.sample(num=3, temperature=1.0, seed=5)
print(json.dumps(dict(tokens=out["tokens"].numpy().tolist(),
                      text=[t.decode() for t in out["text"].numpy()],
                      same=bool((out["tokens"] == again["tokens"]).numpy().all()),
                      imported="seqgan_tf" in sys.modules)))
"""


@pytest.fixture(scope="module")
def poems_run(tmp_path_factory):
  tmp = tmp_path_factory.mktemp("sample")
  corpus = write_corpus(tmp / "poems.txt")
  result = run_module("experiments.run", "--task=poems", "--preset=smoke",
                f"--data_file={corpus}", f"--save_dir={tmp}", "--run_name=run")
  assert result.returncode == 0, result.stderr[-3000:]
  return tmp, str(tmp / "run")


def test_poems_print_as_blocks_of_lines_and_a_seed_repeats(poems_run):
  _, run_dir = poems_run
  first = run_module("experiments.sample", f"--run_dir={run_dir}", "--num=3",
               "--seed=4")
  assert first.returncode == 0, first.stderr[-3000:]
  poems = first.stdout.strip().split("\n\n")
  assert len(poems) == 3
  for poem in poems:
    if poem == "(empty: <pad> first)":  # The tiny G may emit <pad> first.
      continue
    lines = poem.split("\n")
    # Up to the smoke preset's 8 tokens: a line of 6 (5 + punctuation), then
    # 2; a <pad> ends a sequence early.
    assert 1 <= len(lines) <= 2 and len(lines[0]) <= 6
    assert all(len(line) == 6 for line in lines[:-1])
    assert set("".join(lines)) <= set(CHARS + "，。<unk><start>")
  again = run_module("experiments.sample", f"--run_dir={run_dir}", "--num=3",
               "--seed=4")
  other = run_module("experiments.sample", f"--run_dir={run_dir}", "--num=3",
               "--seed=5")
  assert again.stdout == first.stdout and other.stdout != first.stdout
  raw = run_module("experiments.sample", f"--run_dir={run_dir}", "--num=2", "--raw")
  rows = [line.split() for line in raw.stdout.strip().splitlines()]
  assert len(rows) == 2 and all(len(r) == 8 and all(t.isdigit() for t in r)
                                for r in rows)


@pytest.fixture(scope="module")
def exported(poems_run):
  """G of the poems run exported to <tmp>/export; that directory."""
  tmp, run_dir = poems_run
  directory = str(tmp / "export")
  result = run_module("experiments.sample", f"--run_dir={run_dir}",
                f"--export={directory}")
  assert result.returncode == 0, result.stderr[-3000:]
  return directory


def _fresh_process(*command, cwd=None, env=None):
  """`command` in a new process, TF quiet; its stdout, once it succeeded."""
  done = subprocess.run(
      command, cwd=cwd, capture_output=True, text=True, timeout=300,
      env=dict(os.environ if env is None else env, TF_CPP_MIN_LOG_LEVEL="2"))
  assert done.returncode == 0, done.stderr[-3000:]
  return done.stdout


def test_export_samples_in_a_fresh_process_without_seqgan_tf(poems_run,
                                                            exported):
  directory = exported
  env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
  loaded = _fresh_process(sys.executable, "-c", _LOAD, directory,
                          cwd=str(poems_run[0]), env=env)
  out = json.loads(loaded.strip().splitlines()[-1])
  assert not out["imported"] and out["same"]
  with open(os.path.join(directory, "vocab.json"), encoding="utf-8") as f:
    vocab = json.load(f)["tokens"]
  assert len(out["tokens"]) == 3 and all(len(r) == 8 for r in out["tokens"])
  for row, decoded in zip(out["tokens"], out["text"]):
    words = []
    for token in row:
      if token == 0:  # <pad> ends a sequence.
        break
      words.append(vocab[token])
    assert decoded == "".join(words)


def test_export_runs_under_saved_model_cli_as_serving_loads_it(poems_run,
                                                              exported):
  """The TF1-style loader of saved_model_cli and TF Serving gives load()'s."""
  import numpy as np  # pylint: disable=g-import-not-at-top
  directory = exported
  out_dir = str(poems_run[0] / "cli_out")
  cli = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
  _fresh_process(cli, "run", "--dir", directory, "--tag_set", "serve",
                 "--signature_def", "serving_default", "--input_exprs",
                 "num=3;seed=5;temperature=1.0", "--outdir", out_dir)
  loaded = _fresh_process(sys.executable, "-c", _LOAD, directory)
  expected = json.loads(loaded.strip().splitlines()[-1])
  tokens = np.load(os.path.join(out_dir, "tokens.npy"))
  text = np.load(os.path.join(out_dir, "text.npy"), allow_pickle=True)
  assert tokens.tolist() == expected["tokens"]
  assert [t.decode() for t in text] == expected["text"]


def test_export_never_writes_into_a_used_directory(poems_run):
  tmp, run_dir = poems_run
  used = tmp / "used"
  used.mkdir()
  (used / "keep.txt").write_text("mine")
  result = run_module("experiments.sample", f"--run_dir={run_dir}",
                f"--export={used}")
  assert result.returncode == 2 and "exists and is not empty" in result.stderr
  assert os.listdir(used) == ["keep.txt"]


def test_oracle_samples_are_token_ids_and_bad_input_is_one_line(tmp_path):
  # Any trained run will do: MLE pre-training alone is the quickest.
  result = run_module("experiments.run", "--preset=smoke", "--recipe=pretrain",
                      f"--save_dir={tmp_path}", "--run_name=run")
  assert result.returncode == 0, result.stderr[-3000:]
  out = run_module("experiments.sample", f"--run_dir={tmp_path / 'run'}", "--num=4",
             "--temperature=0.5")
  rows = [line.split() for line in out.stdout.strip().splitlines()]
  assert len(rows) == 4 and all(len(r) == 8 for r in rows)
  missing = run_module("experiments.sample", f"--run_dir={tmp_path / 'nope'}")
  assert missing.returncode == 2 and "Traceback" not in missing.stderr
  assert "--run_dir must name a run directory" in missing.stderr
  # A temperature it cannot sample at: test_a_temperature_it_cannot_sample_*.


@pytest.mark.parametrize("num, temperature, message", [
    (4, 1e-45, "--temperature: 1e-45 must be a number in [0.001, 1000]"),
    (4, float("nan"), "--temperature: nan must be a number"),
    (10**12, 1.0, "--num=1,000,000,000,000: too many samples"),
    (0, 1.0, "--num=0: must be >= 1"),
])
def test_sample_requests_it_cannot_sample_are_refused(num, temperature,
                                                      message):
  from seqgan_tf import export  # pylint: disable=g-import-not-at-top
  with pytest.raises(ValueError, match=re.escape(message)):
    export.check_request(num, temperature, seq_len=20)
  export.check_request(10, 0.8, seq_len=20)


def test_a_temperature_it_cannot_sample_is_one_line(poems_run):
  _, run_dir = poems_run
  result = run_module("experiments.sample", f"--run_dir={run_dir}",
                "--temperature=1e-45")
  assert result.returncode == 2 and "Traceback" not in result.stderr
  assert "--temperature: 1e-45 must be a number in [0.001, 1000]" in (
      result.stderr)


def test_a_vocab_json_of_the_wrong_shape_is_named(poems_run, tmp_path):
  import shutil  # pylint: disable=g-import-not-at-top
  from seqgan_tf import export  # pylint: disable=g-import-not-at-top
  for vocab in ([1, 2, 3], {"tokens": "abc"}, {"tokens": [1, 2]}):
    with pytest.raises(ValueError, match="v.json: not a vocabulary"):
      export.check_vocab(vocab, "v.json", 3)
  _, run_dir = poems_run
  copy = tmp_path / "run"
  shutil.copytree(run_dir, copy)
  (copy / "vocab.json").write_text('{"tokens": ["a", "b"]}')
  result = run_module("experiments.sample", f"--run_dir={copy}")
  assert result.returncode == 2 and "Traceback" not in result.stderr
  assert "vocab.json: 2 tokens, but G has vocab_size=" in result.stderr


def test_midi_dir_that_is_a_file_names_the_flag(poems_run, tmp_path):
  _, run_dir = poems_run
  target = tmp_path / "taken"
  target.write_text("mine")
  result = run_module("experiments.sample", f"--run_dir={run_dir}",
                f"--midi_dir={target}")
  assert result.returncode == 2 and "Traceback" not in result.stderr
  assert f"--midi_dir={target}: a file, not a directory" in result.stderr
  assert target.read_text() == "mine"


_REFUSE = """
import sys
import tensorflow as tf
model = tf.saved_model.load(sys.argv[1])
for num, temperature in ((-5, 1.0), (3, 0.0), (3, float("nan")), (3, -1.0)):
  try:
    model.sample(num=num, temperature=temperature, seed=1)
    print("sampled", num, temperature)
  except tf.errors.InvalidArgumentError as e:
    print("refused:", "num must be" in e.message, "temperature must be" in e.message)
"""


def test_an_exported_model_refuses_what_it_cannot_sample(exported):
  checked = _fresh_process(sys.executable, "-c", _REFUSE, exported)
  assert checked.splitlines() == ["refused: True False"] + [
      "refused: False True"] * 3


def test_export_onto_a_read_only_filesystem_is_one_line(tmp_path,
                                                        monkeypatch):
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from seqgan_tf import export  # pylint: disable=g-import-not-at-top
  from seqgan_tf import files  # pylint: disable=g-import-not-at-top
  from seqgan_tf import generator  # pylint: disable=g-import-not-at-top
  from tests.conftest import tiny_generator_config  # pylint: disable=g-import-not-at-top

  def refuse(*args, **kwargs):  # As TF words a read-only mount.
    del args, kwargs
    raise tf.errors.PermissionDeniedError(
        None, None, "{{function_node __wrapped__SaveV2}} /ro/x/variables; "
        "Read-only file system [Op:SaveV2]")

  monkeypatch.setattr(tf.saved_model, "save", refuse)
  g = generator.Generator(tiny_generator_config(), seed=0)
  with pytest.raises(files.RunDirError, match=r"--export=.*/x: cannot write "
                     r"there \(Read-only file system\); pass a writable new "
                     r"directory"):
    export.export(g, str(tmp_path / "x"))
