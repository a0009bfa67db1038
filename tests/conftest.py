"""Tiny configurations shared by the tests (vocab 12-30, length 6-8)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # pylint: disable=g-import-not-at-top

from seqgan_tf import config as config_lib
from seqgan_tf import oracle as oracle_lib
from seqgan_tf import tasks
from seqgan_tf import xla

# Compiling costs seconds per tiny model; the tests that cover XLA turn it on
# with the `with_xla` fixture.
xla.set_enabled(False)


def tiny_generator_config(**changes):
  values = dict(vocab_size=12, seq_len=6, emb_dim=8, hidden_dim=8)
  values.update(changes)
  return config_lib.GeneratorConfig(**values)


def tiny_discriminator_config(**changes):
  values = dict(vocab_size=12, seq_len=6, emb_dim=8, filter_sizes=(2, 3, 9),
                num_filters=(4, 5, 7))
  values.update(changes)
  return config_lib.DiscriminatorConfig(**values)


def tiny_synthetic_config(**changes):
  values = dict(generator=tiny_generator_config(),
                discriminator=tiny_discriminator_config(), batch_size=8,
                num_samples=32, pretrain_g_epochs=2, pretrain_d_rounds=1,
                adversarial_epochs=2, d_steps=1, k_epochs=1, rollout_num=2,
                eval_every=1, eval_samples=16, final_eval_samples=16)
  values.update(changes)
  return config_lib.SeqGANConfig(**values)


def tiny_oracle_task(config, **kwargs):
  """The oracle task on a random oracle of `config`'s shape (seed 0)."""
  params = oracle_lib.random_params(config.generator, seed=0)
  description = {"oracle": "random", "oracle_seed": 0}
  return tasks.OracleTask(config, params, description, **kwargs)


@pytest.fixture
def gen_config():
  return tiny_generator_config()


@pytest.fixture
def dis_config():
  return tiny_discriminator_config()


@pytest.fixture
def with_xla():
  xla.set_enabled(True)
  yield
  xla.set_enabled(False)
