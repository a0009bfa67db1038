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

import os
import shutil
import sys

from absl import app
from absl import flags
from absl import logging
import tensorflow as tf

from experiments import cli
from seqgan_tf import config as config_lib
from seqgan_tf import oracle as oracle_lib
from seqgan_tf import train

_DEFAULTS = config_lib.SyntheticConfig()
_G = config_lib.GeneratorConfig()
_D = config_lib.DiscriminatorConfig()

# Each preset overrides the paper defaults of the flags it names.
PRESETS = {
    "paper": {},
    # ~1 h on 2 CPU cores: the paper's models and oracle, a shorter schedule
    # and lighter D rounds (see README, "CPU preset").
    "cpu": dict(pretrain_g_epochs=40, pretrain_d_rounds=10, k_epochs=1,
                adversarial_epochs=30, d_steps=3, final_eval_samples=20000),
    # Seconds: a tiny random oracle, for tests and a first look.
    "smoke": dict(oracle="random", vocab_size=30, seq_len=8, g_emb_dim=8,
                  g_hidden_dim=8, d_emb_dim=8, d_filter_sizes=["2", "3", "4"],
                  d_num_filters=["4", "4", "4"], batch_size=8, num_samples=64,
                  pretrain_g_epochs=3, pretrain_d_rounds=1, k_epochs=1,
                  adversarial_epochs=2, d_steps=1, rollout_num=2,
                  eval_every=1, eval_samples=32, final_eval_samples=64),
}


def define_flags():
  """Defines every flag of the synthetic experiment (paper defaults)."""
  flags.DEFINE_enum("preset", "paper", list(PRESETS),
                    "Flag defaults: the paper's, a ~1 h CPU run, or a smoke "
                    "test.")
  flags.DEFINE_enum("mode", _DEFAULTS.mode, ["seqgan", "mle"],
                    "seqgan: MLE pre-training then adversarial training; mle: "
                    "the MLE baseline, pre-training continued as long.")
  flags.DEFINE_string("save_dir", "save/synthetic", "Parent of run dirs.")
  flags.DEFINE_string("run_name", None,
                      "Run directory name; default <preset>_<mode>.")
  flags.DEFINE_bool("overwrite", False,
                    "Delete an existing run directory of that name first.")
  flags.DEFINE_integer("seed", _DEFAULTS.seed, "Seeds all TF RNGs of the run "
                       "(the authors' SEED=88).")
  flags.DEFINE_bool("deterministic", False,
                    "tf.config.experimental.enable_op_determinism(): bitwise "
                    "repeatable runs, resumed or not (slower on GPUs).")
  # Oracle.
  flags.DEFINE_enum("oracle", "paper", ["paper", "random"],
                    "paper: the authors' oracle pickle, downloaded into "
                    "save/oracle/; random: drawn N(0, oracle_stddev) from "
                    "--oracle_seed.")
  flags.DEFINE_string("oracle_params", None,
                      "Path of an oracle pickle in the authors' layout; "
                      "overrides --oracle.")
  flags.DEFINE_integer("oracle_seed", _DEFAULTS.oracle_seed,
                       "Seed of the random oracle.")
  flags.DEFINE_float("oracle_stddev", _DEFAULTS.oracle_stddev,
                     "Stddev of the random oracle's parameters.")
  # Generator.
  flags.DEFINE_integer("vocab_size", _G.vocab_size, "Vocabulary size.")
  flags.DEFINE_integer("seq_len", _G.seq_len, "Sequence length T.")
  flags.DEFINE_integer("start_token", _G.start_token, "Start token id.")
  flags.DEFINE_integer("g_emb_dim", _G.emb_dim, "G embedding size.")
  flags.DEFINE_integer("g_hidden_dim", _G.hidden_dim, "G LSTM units.")
  flags.DEFINE_float("g_init_stddev", _G.init_stddev, "G weights ~ N(0, this).")
  flags.DEFINE_float("g_learning_rate", _G.learning_rate, "G Adam rate.")
  flags.DEFINE_float("grad_clip", _G.grad_clip, "G global-norm clip.")
  # Discriminator.
  flags.DEFINE_integer("d_emb_dim", _D.emb_dim, "D embedding size.")
  flags.DEFINE_list("d_filter_sizes", list(map(str, _D.filter_sizes)),
                    "D convolution widths (those > seq_len are dropped).")
  flags.DEFINE_list("d_num_filters", list(map(str, _D.num_filters)),
                    "D filters per width.")
  flags.DEFINE_float("d_dropout_keep_prob", _D.dropout_keep_prob,
                     "D dropout keep probability while training.")
  flags.DEFINE_float("d_l2_reg_lambda", _D.l2_reg_lambda,
                     "L2 weight on D's output layer.")
  flags.DEFINE_float("d_learning_rate", _D.learning_rate, "D Adam rate.")
  # Schedule.
  flags.DEFINE_integer("batch_size", _DEFAULTS.batch_size, "Batch size.")
  flags.DEFINE_integer("num_samples", _DEFAULTS.num_samples,
                       "Oracle training samples (and negatives per D round).")
  flags.DEFINE_integer("pretrain_g_epochs", _DEFAULTS.pretrain_g_epochs,
                       "MLE pre-training epochs of G.")
  flags.DEFINE_integer("pretrain_d_rounds", _DEFAULTS.pretrain_d_rounds,
                       "D pre-training rounds (fresh negatives each).")
  flags.DEFINE_integer("adversarial_epochs", _DEFAULTS.adversarial_epochs,
                       "Adversarial epochs (MLE epochs with --mode=mle).")
  flags.DEFINE_integer("g_steps", _DEFAULTS.g_steps,
                       "Policy-gradient steps per adversarial epoch.")
  flags.DEFINE_integer("d_steps", _DEFAULTS.d_steps,
                       "D rounds (fresh negatives) per adversarial epoch.")
  flags.DEFINE_integer("k_epochs", _DEFAULTS.k_epochs,
                       "Epochs over real+fake per D round.")
  flags.DEFINE_integer("rollout_num", _DEFAULTS.rollout_num,
                       "Monte-Carlo rollouts N per prefix, Eq. (4).")
  flags.DEFINE_float("rollout_update_rate", _DEFAULTS.rollout_update_rate,
                     "r in beta <- r*beta + (1-r)*theta; 0 is the paper's "
                     "beta <- theta, 0.8 the authors' intended EMA.")
  flags.DEFINE_integer("eval_every", _DEFAULTS.eval_every,
                       "NLL-oracle every this many epochs.")
  flags.DEFINE_integer("eval_samples", _DEFAULTS.eval_samples,
                       "Samples per NLL-oracle evaluation.")
  flags.DEFINE_integer("final_eval_samples", _DEFAULTS.final_eval_samples,
                       "Samples for the final NLL-oracle.")
  flags.DEFINE_integer("checkpoint_every", _DEFAULTS.checkpoint_every,
                       "Checkpoint every this many epochs.")


def apply_preset(flag_values):
  """Sets the preset's values on the flags the command line did not give."""
  for name, value in PRESETS[flag_values.preset].items():
    if not flag_values[name].present:
      flag_values[name].value = value


def _int_list(flag_values, name):
  try:
    return tuple(int(v) for v in flag_values[name].value)
  except ValueError:
    raise ValueError(f"--{name}={','.join(flag_values[name].value)}: must be "
                     "comma-separated integers") from None


def config_from_flags(flag_values):
  """One frozen, validated `SyntheticConfig` from the flags."""
  f = flag_values
  generator = config_lib.GeneratorConfig(
      vocab_size=f.vocab_size, seq_len=f.seq_len, emb_dim=f.g_emb_dim,
      hidden_dim=f.g_hidden_dim, start_token=f.start_token,
      init_stddev=f.g_init_stddev, learning_rate=f.g_learning_rate,
      grad_clip=f.grad_clip)
  discriminator = config_lib.DiscriminatorConfig(
      vocab_size=f.vocab_size, seq_len=f.seq_len, emb_dim=f.d_emb_dim,
      filter_sizes=_int_list(f, "d_filter_sizes"),
      num_filters=_int_list(f, "d_num_filters"),
      dropout_keep_prob=f.d_dropout_keep_prob,
      l2_reg_lambda=f.d_l2_reg_lambda, learning_rate=f.d_learning_rate)
  return config_lib.SyntheticConfig(
      generator=generator, discriminator=discriminator, mode=f.mode,
      batch_size=f.batch_size, num_samples=f.num_samples,
      pretrain_g_epochs=f.pretrain_g_epochs,
      pretrain_d_rounds=f.pretrain_d_rounds,
      adversarial_epochs=f.adversarial_epochs, g_steps=f.g_steps,
      d_steps=f.d_steps, k_epochs=f.k_epochs, rollout_num=f.rollout_num,
      rollout_update_rate=f.rollout_update_rate, eval_every=f.eval_every,
      eval_samples=f.eval_samples, final_eval_samples=f.final_eval_samples,
      oracle_seed=f.oracle_seed, oracle_stddev=f.oracle_stddev, seed=f.seed,
      checkpoint_every=f.checkpoint_every).validate()


def check_writable(directory, flag_name):
  """Makes `directory` or raises ValueError naming the flag to change."""
  try:
    os.makedirs(directory, exist_ok=True)
    probe = os.path.join(directory, ".write_test")
    with open(probe, "w"):
      pass
    os.remove(probe)
  except OSError as e:
    raise ValueError(f"--{flag_name}={directory}: cannot write there "
                     f"({e.strerror}); pass a writable --{flag_name}") from None


def run(flag_values):
  """Runs the experiment the flags describe; returns its results dict."""
  apply_preset(flag_values)
  config = config_from_flags(flag_values)
  check_writable(flag_values.save_dir, "save_dir")
  if flag_values.deterministic:
    tf.config.experimental.enable_op_determinism()
  run_name = flag_values.run_name or f"{flag_values.preset}_{config.mode}"
  run_dir = os.path.join(flag_values.save_dir, run_name)
  oracle_params = oracle_lib.resolve_params(
      config.generator, flag_values.oracle, flag_values.oracle_params,
      config.oracle_seed, config.oracle_stddev,
      cache_dir=os.path.join(os.path.dirname(flag_values.save_dir.rstrip("/"))
                             or ".", "oracle"))
  if flag_values.overwrite and os.path.isdir(run_dir):
    logging.info("--overwrite: deleting %s", run_dir)
    shutil.rmtree(run_dir)
  experiment = train.SyntheticExperiment(config, oracle_params, run_dir)
  results = experiment.run()
  logging.info("Results: %s", results)
  return results


def main(argv):
  tf.get_logger().setLevel("WARNING")  # TF's per-save INFO lines.
  if len(argv) > 1:
    raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
  try:
    run(flags.FLAGS)
  except train.Interrupted as e:
    logging.warning("%s", e)
    sys.exit(128 + e.signal_number)  # The shell's convention: 130, 143.
  except (ValueError, FloatingPointError) as e:
    logging.error("%s", e)
    cli.fail(str(e))


if __name__ == "__main__":
  define_flags()
  app.run(main, flags_parser=cli.parse_flags)
