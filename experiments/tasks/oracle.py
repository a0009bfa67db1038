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


# Table 1 was made by the authors' paper-era code (MLE_SeqGAN/, pg_bleu/,
# schedule_sampling/ in their history, e.g. commit 149b789), not by the
# released sequence_gan.py that the presets follow. Its schedules at the
# paper preset, as {recipe: (MLE epochs, then epochs of the method)}:
PAPER_ERA_SCHEDULES = dict(
    seqgan=(240, 800), constant=(240, 800), pretrain=(240, 0),
    mle=(240, 110),  # pretrain_experiment.py: 350 MLE epochs in all.
    pgbleu=(200, 800), ss=(0, 300))
PROTOCOLS = ("released", "paper_era")


def protocol_defaults(protocol, recipe, preset):
  """{flag: value}: the protocol's layer of defaults over the preset's.

  "released" adds nothing. "paper_era" sets what the paper-era code did:
  G's Adam at TF's default learning rate 1e-3 ("ignore learning rate"),
  NLL-oracle after every epoch, PG-BLEU with one rollout per prefix and a
  random 40% of the data as references, scheduled sampling from scratch
  with omega 0.998 at its first epoch; at the paper preset also its
  schedules (`PAPER_ERA_SCHEDULES`). At another preset the preset's lengths
  stay, and scheduled sampling trains as many epochs as the others' MLE and
  method epochs together. Results name the lowest NLL-oracle seen in the
  method's training (`nll_oracle_best`), which is what Table 1 reports for
  SeqGAN, PG-BLEU and SS (the authors' `best_score`).

  Raises:
    ValueError: an unknown protocol.
  """
  if protocol not in PROTOCOLS:
    raise ValueError(f"--protocol={protocol}: choose one of "
                     f"{', '.join(PROTOCOLS)}")
  if protocol == "released":
    return {}
  values = dict(g_learning_rate=0.001, eval_every=1)
  if recipe == "pgbleu":
    values.update(rollout_num=1, pgbleu_references=0.4)
  if recipe == "ss":
    values.update(ss_start=0.998)
  if preset == "paper":
    if recipe in PAPER_ERA_SCHEDULES:
      pretrain, epochs = PAPER_ERA_SCHEDULES[recipe]
      values.update(pretrain_g_epochs=pretrain, adversarial_epochs=epochs)
  elif recipe == "ss":
    lengths = common.config_from_values(PRESETS[preset])
    values.update(pretrain_g_epochs=0, adversarial_epochs=(
        lengths.pretrain_g_epochs + lengths.adversarial_epochs))
  return values


def define_flags():
  flags.DEFINE_enum("protocol", "released", list(PROTOCOLS),
                    "released: the defaults of the authors' released "
                    "sequence_gan.py; paper_era: those of the code that made "
                    "Table 1 (G's lr 1e-3, evaluation every epoch, its "
                    "schedules at the paper preset, PG-BLEU's rollouts and "
                    "references, SS from scratch); see the README.")
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
