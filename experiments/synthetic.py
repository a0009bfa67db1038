r"""The paper's synthetic-oracle experiment (Section 4, Table 1, Figures 2-3).

  python -m experiments.synthetic                      # paper config
  python -m experiments.synthetic --preset=cpu         # ~1 h on 2 CPU cores
  python -m experiments.synthetic --mode=mle           # the MLE baseline
  python -m experiments.synthetic --preset=smoke       # seconds, for tests

Outputs go to save/synthetic/<run_name>/ (config.json, checkpoints/,
TensorBoard events, samples.txt, results.json). Running the same command again
resumes from the latest checkpoint. A preset only changes the flags not given
on the command line.
"""

import functools
import os

from absl import app
from absl import flags

from experiments import cli
from experiments import common
from seqgan_tf import config as config_lib
from seqgan_tf import download
from seqgan_tf import oracle as oracle_lib
from seqgan_tf import tasks

# Each preset overrides the paper defaults of the flags it names.
PRESETS = {
    "paper": {},
    # ~1 h per mode on 2 CPU cores: the paper's models, oracle and data size,
    # a shorter schedule and lighter D rounds (see README, "Presets").
    "cpu": dict(pretrain_g_epochs=40, pretrain_d_rounds=10, k_epochs=1,
                adversarial_epochs=30, d_steps=3, final_eval_samples=20000),
    # Seconds: a tiny random oracle, for tests and a first look.
    "smoke": dict(oracle="random", vocab_size=30, seq_len=8, g_emb_dim=8,
                  g_hidden_dim=8, d_emb_dim=8, d_filter_sizes=["2", "3", "4"],
                  d_num_filters=["4", "4", "4"], batch_size=8, num_samples=64,
                  pretrain_g_epochs=3, pretrain_d_rounds=1, k_epochs=1,
                  adversarial_epochs=2, d_steps=1, rollout_num=2,
                  eval_every=1, eval_samples=32, final_eval_samples=64,
                  xla=False),  # Compiling would take longer than the run.
}


def define_flags():
  """Every flag of the synthetic experiment (paper defaults)."""
  common.define_run_flags("save/synthetic", PRESETS)
  common.define_model_flags()
  common.define_schedule_flags()
  defaults = config_lib.SeqGANConfig()
  flags.DEFINE_integer("start_token", 0, "Start token id (shares its "
                       "embedding, as in the authors' code).")
  flags.DEFINE_integer("num_samples", defaults.num_samples,
                       "Oracle samples used as training data.")
  flags.DEFINE_enum("oracle", "paper", ["paper", "random"],
                    "paper: the authors' oracle pickle, downloaded into "
                    "save/oracle/; random: drawn N(0, oracle_stddev) from "
                    "--oracle_seed.")
  flags.DEFINE_string("oracle_params", None,
                      "Path of an oracle pickle in the authors' layout; "
                      "overrides --oracle.")
  flags.DEFINE_integer("oracle_seed", 0, "Seed of the random oracle.")
  flags.DEFINE_float("oracle_stddev", 1.0,
                     "Stddev of the random oracle's parameters.")


def oracle_description(flag_values):
  if flag_values.oracle_params:
    return dict(oracle_params=os.path.abspath(flag_values.oracle_params),
                sha256=download.sha256_of(flag_values.oracle_params))
  if flag_values.oracle == "paper":
    return dict(oracle="paper", sha256=oracle_lib.PAPER_ORACLE_SHA256)
  return dict(oracle="random", oracle_seed=flag_values.oracle_seed,
              oracle_stddev=flag_values.oracle_stddev)


def run(flag_values):
  """Runs the experiment the flags describe; returns its results dict."""
  common.prepare(flag_values, PRESETS)
  config = common.config_from_flags(flag_values,
                                    start_token=flag_values.start_token,
                                    num_samples=flag_values.num_samples)
  oracle_params = oracle_lib.resolve_params(
      config.generator, flag_values.oracle, flag_values.oracle_params,
      flag_values.oracle_seed, flag_values.oracle_stddev,
      cache_dir=os.path.join(os.path.dirname(flag_values.save_dir.rstrip("/"))
                             or ".", "oracle"))
  task = tasks.OracleTask(config, oracle_params,
                          oracle_description(flag_values))
  return common.run_experiment(flag_values, config, task)


if __name__ == "__main__":
  define_flags()
  app.run(functools.partial(common.main, run), flags_parser=cli.parse_flags)
