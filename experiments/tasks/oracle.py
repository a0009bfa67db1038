"""oracle: the synthetic experiment, a random LSTM as the real data (Table 1).

NLL-oracle of G's samples is the metric. --oracle=paper loads the authors'
oracle (target_params_py3.pkl) from --oracle_dir, downloading it there once
(sha256-checked) if it is missing; --oracle=random draws one N(0,
--oracle_stddev) from --oracle_seed; --oracle_params=FILE loads any pickle
in the authors' layout.
"""


from absl import flags

from experiments import common
from seqgan_tf import download
from seqgan_tf import oracle as oracle_lib
from seqgan_tf import tasks

SAVE_DIR = "save/synthetic"
# The config dataclasses' defaults are this task's; NLL-test on 10,000
# held-out oracle samples.
DEFAULTS = dict(test_size=tasks.OracleTask.DEFAULT_TEST_SIZE)
PRESETS = {
    "paper": {},
    # ~1 h per recipe on 2 CPU cores: the paper's models, oracle and data
    # size, a shorter schedule and lighter D rounds (see README, "Presets").
    "cpu": dict(pretrain_g_epochs=40, pretrain_d_rounds=10, k_epochs=1,
                adversarial_epochs=30, d_steps=3, final_eval_samples=20000),
    # Seconds: a tiny random oracle, for tests and a first look. It picks its
    # own oracle: --oracle_dir does not change it.
    "smoke": dict(oracle="random", vocab_size=30, seq_len=8, g_emb_dim=8,
                  g_hidden_dim=8, d_emb_dim=8, d_filter_sizes=["2", "3", "4"],
                  d_num_filters=["4", "4", "4"], batch_size=8, num_samples=64,
                  pretrain_g_epochs=3, pretrain_d_rounds=1, k_epochs=1,
                  adversarial_epochs=2, d_steps=1, rollout_num=2,
                  eval_every=1, eval_samples=32, final_eval_samples=64,
                  test_size=64,
                  xla=False),  # Compiling would take longer than the run.
}


def define_flags():
  flags.DEFINE_enum("oracle", "paper", ["paper", "random"],
                    "paper: the authors' oracle pickle from --oracle_dir; "
                    "random: drawn N(0, oracle_stddev) from --oracle_seed.")
  flags.DEFINE_string("oracle_dir", None,
                      "Where --oracle=paper finds target_params_py3.pkl, or "
                      "downloads it to; default save/oracle.")
  flags.DEFINE_string("oracle_params", None,
                      "Path of an oracle pickle in the authors' layout; "
                      "overrides --oracle and the preset.")
  flags.DEFINE_integer("oracle_seed", 0, "Seed of the random oracle.")
  flags.DEFINE_float("oracle_stddev", 1.0,
                     "Stddev of the random oracle's parameters.")


def _oracle(flag_values, generator_config):
  """(params, description); a file's description is its content's sha256."""
  if flag_values.oracle_params:
    path = flag_values.oracle_params
  elif flag_values.oracle == "paper":
    path = oracle_lib.fetch_paper_params(
        flag_values.oracle_dir or common.data_dir(flag_values, "oracle"))
  else:
    params = oracle_lib.random_params(generator_config,
                                      flag_values.oracle_seed,
                                      flag_values.oracle_stddev)
    return params, dict(oracle="random", oracle_seed=flag_values.oracle_seed,
                        oracle_stddev=flag_values.oracle_stddev)
  params = oracle_lib.load_params(path)  # Says which flag, if it is missing.
  return params, tasks.OracleTask.file_description(download.sha256_of(path))


def build(flag_values):
  config = common.config_from_flags(flag_values)
  params, description = _oracle(flag_values, config.generator)
  return tasks.OracleTask(config, params, description,
                          flag_values.test_size), {}


def finish(flag_values, task):
  del flag_values, task
