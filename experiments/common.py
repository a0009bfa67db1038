"""Flags and the run loop shared by the experiment entry points.

Each entry point defines its task's flags and presets, then calls these:
flags become one frozen `SeqGANConfig`; the library never reads flags.
"""

import logging as python_logging
import os
import shutil
import sys

from absl import flags
from absl import logging
import tensorflow as tf

from experiments import cli
from seqgan_tf import config as config_lib
from seqgan_tf import train
from seqgan_tf import xla

_DEFAULTS = config_lib.SeqGANConfig()
_G = config_lib.GeneratorConfig()
_D = config_lib.DiscriminatorConfig()


def define_run_flags(save_dir, presets):
  """Run management: preset, mode, where outputs go, seeding."""
  flags.DEFINE_enum("preset", "paper", list(presets),
                    "Flag defaults to start from; flags given on the command "
                    "line win.")
  flags.DEFINE_enum("mode", _DEFAULTS.mode, ["seqgan", "mle"],
                    "seqgan: MLE pre-training then adversarial training; mle: "
                    "the MLE baseline, pre-training continued as long.")
  flags.DEFINE_string("save_dir", save_dir, "Parent of run directories.")
  flags.DEFINE_string("run_name", None,
                      "Run directory name; default <preset>_<mode>.")
  flags.DEFINE_bool("overwrite", False,
                    "Delete an existing run directory of that name first.")
  flags.DEFINE_integer("seed", _DEFAULTS.seed, "Seeds all TF RNGs of the run "
                       "(the authors' SEED=88).")
  flags.DEFINE_bool("deterministic", False,
                    "tf.config.experimental.enable_op_determinism(): bitwise "
                    "repeatable runs, resumed or not (slower on GPUs).")
  flags.DEFINE_integer("checkpoint_every", _DEFAULTS.checkpoint_every,
                       "Checkpoint every this many epochs.")
  flags.DEFINE_bool("xla", True,
                    "Compile G's training and NLL steps with XLA (faster; "
                    "false compares with plain TF graphs).")


def define_model_flags(seq_len=_G.seq_len, vocab_size=_G.vocab_size):
  """G and D architecture and optimisers (the authors' values)."""
  flags.DEFINE_integer("vocab_size", vocab_size, "Vocabulary size.")
  flags.DEFINE_integer("seq_len", seq_len, "Sequence length T.")
  flags.DEFINE_integer("g_emb_dim", _G.emb_dim, "G embedding size.")
  flags.DEFINE_integer("g_hidden_dim", _G.hidden_dim, "G LSTM units.")
  flags.DEFINE_float("g_init_stddev", _G.init_stddev, "G weights ~ N(0, this).")
  flags.DEFINE_float("g_learning_rate", _G.learning_rate, "G Adam rate.")
  flags.DEFINE_float("grad_clip", _G.grad_clip, "G global-norm clip.")
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


def define_schedule_flags(defaults=_DEFAULTS):
  """Algorithm 1's schedule and the evaluation cadence."""
  flags.DEFINE_integer("batch_size", defaults.batch_size, "Batch size.")
  flags.DEFINE_integer("pretrain_g_epochs", defaults.pretrain_g_epochs,
                       "MLE pre-training epochs of G.")
  flags.DEFINE_integer("pretrain_d_rounds", defaults.pretrain_d_rounds,
                       "D pre-training rounds (fresh negatives each).")
  flags.DEFINE_integer("adversarial_epochs", defaults.adversarial_epochs,
                       "Adversarial epochs (MLE epochs with --mode=mle).")
  flags.DEFINE_integer("g_steps", defaults.g_steps,
                       "Policy-gradient steps per adversarial epoch.")
  flags.DEFINE_integer("d_steps", defaults.d_steps,
                       "D rounds (fresh negatives) per adversarial epoch.")
  flags.DEFINE_integer("k_epochs", defaults.k_epochs,
                       "Epochs over real+fake per D round.")
  flags.DEFINE_integer("rollout_num", defaults.rollout_num,
                       "Monte-Carlo rollouts N per prefix, Eq. (4).")
  flags.DEFINE_float("rollout_update_rate", defaults.rollout_update_rate,
                     "r in beta <- r*beta + (1-r)*theta; 0 is the paper's "
                     "beta <- theta, 0.8 the authors' intended EMA.")
  flags.DEFINE_integer("eval_every", defaults.eval_every,
                       "Evaluate G every this many epochs.")
  flags.DEFINE_integer("eval_samples", defaults.eval_samples,
                       "Generated sequences per evaluation.")
  flags.DEFINE_integer("final_eval_samples", defaults.final_eval_samples,
                       "Generated sequences for the final evaluation.")


def apply_preset(flag_values, presets):
  """Sets the preset's values on the flags the command line did not give."""
  for name, value in presets[flag_values.preset].items():
    if not flag_values[name].present:
      flag_values[name].value = value


def _int_list(flag_values, name):
  try:
    return tuple(int(v) for v in flag_values[name].value)
  except ValueError:
    raise ValueError(f"--{name}={','.join(flag_values[name].value)}: must be "
                     "comma-separated integers") from None


def config_from_flags(flag_values, vocab_size=None, start_token=0,
                      num_samples=_DEFAULTS.num_samples):
  """One frozen, validated `SeqGANConfig` from the flags.

  Args:
    flag_values: parsed flags of the model and schedule groups.
    vocab_size: overrides --vocab_size (a corpus's vocabulary).
    start_token: G's start token id.
    num_samples: oracle training samples (synthetic task only).
  """
  f = flag_values
  vocab_size = vocab_size or f.vocab_size
  generator = config_lib.GeneratorConfig(
      vocab_size=vocab_size, seq_len=f.seq_len, emb_dim=f.g_emb_dim,
      hidden_dim=f.g_hidden_dim, start_token=start_token,
      init_stddev=f.g_init_stddev, learning_rate=f.g_learning_rate,
      grad_clip=f.grad_clip)
  discriminator = config_lib.DiscriminatorConfig(
      vocab_size=vocab_size, seq_len=f.seq_len, emb_dim=f.d_emb_dim,
      filter_sizes=_int_list(f, "d_filter_sizes"),
      num_filters=_int_list(f, "d_num_filters"),
      dropout_keep_prob=f.d_dropout_keep_prob,
      l2_reg_lambda=f.d_l2_reg_lambda, learning_rate=f.d_learning_rate)
  return config_lib.SeqGANConfig(
      generator=generator, discriminator=discriminator, mode=f.mode,
      batch_size=f.batch_size, num_samples=num_samples,
      pretrain_g_epochs=f.pretrain_g_epochs,
      pretrain_d_rounds=f.pretrain_d_rounds,
      adversarial_epochs=f.adversarial_epochs, g_steps=f.g_steps,
      d_steps=f.d_steps, k_epochs=f.k_epochs, rollout_num=f.rollout_num,
      rollout_update_rate=f.rollout_update_rate, eval_every=f.eval_every,
      eval_samples=f.eval_samples, final_eval_samples=f.final_eval_samples,
      seed=f.seed, checkpoint_every=f.checkpoint_every).validate()


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


def prepare(flag_values, presets):
  """Applies the preset, determinism and checks --save_dir: before any work."""
  apply_preset(flag_values, presets)
  if flag_values.deterministic:
    tf.config.experimental.enable_op_determinism()
  xla.set_enabled(flag_values.xla)
  check_writable(flag_values.save_dir, "save_dir")


def run_dir_of(flag_values, mode=None):
  name = flag_values.run_name or f"{flag_values.preset}_{mode or flag_values.mode}"
  return os.path.join(flag_values.save_dir, name)


def run_experiment(flag_values, config, task):
  """Runs or resumes one `train.Experiment`; returns its results dict."""
  run_dir = run_dir_of(flag_values, config.mode)
  if flag_values.overwrite and os.path.isdir(run_dir):
    logging.info("--overwrite: deleting %s", run_dir)
    shutil.rmtree(run_dir)
  results = train.Experiment(config, task, run_dir).run()
  logging.info("Results: %s", results)
  return results


class _DropSaverChatter(python_logging.Filter):
  """TF's checkpoint saver logs an INFO line per save through absl."""

  def filter(self, record):
    return "functional_saver" not in record.pathname


def main(run, argv):
  """Calls `run(FLAGS)`, turning known failures into one line and a status."""
  logging.get_absl_handler().addFilter(_DropSaverChatter())
  if len(argv) > 1:
    cli.fail(f"unexpected arguments: {' '.join(argv[1:])}")
  try:
    run(flags.FLAGS)
  except train.Interrupted as e:
    logging.warning("%s", e)
    sys.exit(128 + e.signal_number)  # The shell's convention: 130, 143.
  except (ValueError, FloatingPointError) as e:
    logging.error("%s", e)
    cli.fail(str(e))
