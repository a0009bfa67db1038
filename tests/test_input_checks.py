"""Values that could only fail later are refused before any work."""

import dataclasses
import random
import re

import pytest

from seqgan_tf import config as config_lib
from seqgan_tf import experiment
from seqgan_tf import oracle as oracle_lib
from seqgan_tf import tasks
from seqgan_tf import text
from tests.conftest import tiny_generator_config
from tests.conftest import tiny_synthetic_config
from tests.conftest import run_module

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("changes, message", [
    (dict(generator=tiny_generator_config(learning_rate=INF)),
     "--g_learning_rate=inf: must be a finite number"),
    (dict(generator=tiny_generator_config(grad_clip=INF)),
     "--grad_clip=inf: must be a finite number"),
    (dict(generator=tiny_generator_config(init_stddev=NAN)),
     "--g_init_stddev=nan: must be a finite number"),
    (dict(rollout_update_rate=NAN), "--rollout_update_rate=nan: must be a"),
    (dict(generator=tiny_generator_config(seq_len=100000)),
     "--seq_len=100000: must be <= 1000"),
    (dict(rollout_num=1000000000), "--rollout_num=1000000000: rollouts x "
     "batch x length = 48,000,000,000 tokens"),
    (dict(seed=-1), r"--seed=-1: must be in \[0, 4294967293\]"),
])
def test_config_refuses_values_that_fail_later(changes, message):
  with pytest.raises(ValueError, match=message):
    tiny_synthetic_config(**changes).validate()


def test_nan_l2_weight_is_refused():
  config = tiny_synthetic_config()
  bad = dataclasses.replace(config, discriminator=dataclasses.replace(
      config.discriminator, l2_reg_lambda=NAN))
  with pytest.raises(ValueError, match="--d_l2_reg_lambda=nan"):
    bad.validate()


def test_too_little_training_data_or_memory_is_refused():
  config = tiny_synthetic_config(batch_size=8)
  with pytest.raises(ValueError, match="the training data has 5 sequences, "
                     "fewer than --batch_size=8"):
    experiment.check_sizes(config, num_real=5)
  huge = tiny_synthetic_config(final_eval_samples=10**12)
  with pytest.raises(ValueError, match="1,000,000,000,000 sequences of 6 "
                     "tokens need about .* GiB of memory, and this machine "
                     "has 1.0 GiB"):
    experiment.check_sizes(huge, num_real=64, memory_bytes=2**30)
  experiment.check_sizes(config, num_real=64, memory_bytes=2**30)  # Fine.


@pytest.mark.parametrize("seed, stddev, message", [
    (-1, 1.0, "--oracle_seed=-1: must be >= 0"),
    (0, -1.0, "--oracle_stddev=-1.0: must be a finite number > 0"),
    (0, NAN, "--oracle_stddev=nan"),
])
def test_random_oracle_flags_are_named(seed, stddev, message):
  with pytest.raises(ValueError, match=message):
    oracle_lib.random_params(tiny_generator_config(), seed, stddev)


def _corpus(path, count=40, bom=False):
  rng = random.Random(0)
  lines = [" ".join(rng.choice("abcdef") for _ in range(5))
           for _ in range(count)]
  path.write_bytes(("\ufeff" if bom else "").encode() +
                   "\n".join(lines).encode())
  return str(path), lines


@pytest.mark.parametrize("test_size, heldout_size, message", [
    (10, 0, "--heldout_size=0: must be >= 1"),
    (0, 5, "--test_size=0: must be >= 1"),
    (30, 10, "--test_size=30 \\+ --heldout_size=10 leave no training data of "
     "the corpus's 40 sequences"),
])
def test_split_sizes_are_checked_one_by_one(tmp_path, test_size, heldout_size,
                                            message):
  path, _ = _corpus(tmp_path / "c.txt")
  with pytest.raises(text.DataError, match=message):
    tasks.load_text_task(path, "word", 8, 0, "cut", test_size, heldout_size,
                         0, bleu_orders=(2,))


def test_byte_order_mark_is_not_a_token_and_directories_are_named(tmp_path):
  path, lines = _corpus(tmp_path / "c.txt", bom=True)
  sequences, _ = text.read_corpus(path)
  assert sequences[0] == lines[0].split()
  with pytest.raises(text.DataError, match="a directory, expected a text "
                     "file"):
    text.read_corpus(str(tmp_path))


@pytest.mark.parametrize("ids", ["١ 2", "+1 2", "0_1 2"])
def test_token_ids_must_be_ascii_digits(tmp_path, ids):
  bad = tmp_path / "bad.txt"
  bad.write_text(ids + "\n", encoding="utf-8")
  with pytest.raises(ValueError, match=re.escape(
      "line 1: not integer token ids (ASCII digits 0-9)")):
    text.read_token_ids(str(bad), vocab_size=12, seq_len=2)


def test_a_directory_of_samples_is_named(tmp_path):
  with pytest.raises(ValueError, match="a directory, expected"):
    text.read_token_ids(str(tmp_path), vocab_size=12, seq_len=2)


def test_evaluate_refuses_a_bleu_order_it_cannot_score(tmp_path):
  bad = tmp_path / "bad.txt"
  bad.write_text("1 2\n", encoding="utf-8")
  result = run_module("experiments.evaluate", "--bleu=100000000",
                f"--samples={bad}", f"--references={bad}")
  assert result.returncode == 2 and "--bleu=100000000: must be in [1, 10]" in (
      result.stderr)
