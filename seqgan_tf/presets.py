"""Typed presets: every task's configs at the paper's, a CPU's and a test's scale.

  preset = presets.get("poems", "cpu")
  preset.config    # config.SeqGANConfig: models, schedule, evaluation
  preset.task      # the task's config (tasks.CorpusConfig)
  preset.runtime   # runtime.RuntimeConfig: XLA, determinism
  preset = presets.apply(preset, rollout_num=8, data_file="my.txt")

Defaults come in layers, each over the one before: the config dataclasses'
(the paper's synthetic run), the task's (`_TASK_DEFAULTS`), the preset's
(`_PRESETS`), the oracle protocol's (`protocol_overrides`), and last the
settings a caller gives (`apply`, the command line's flags). A setting is
named as its flag is (`g_emb_dim`, `test_size`, `xla`).
"""

import dataclasses

from seqgan_tf import config as config_lib
from seqgan_tf import runtime as runtime_lib
from seqgan_tf import tasks

NAMES = ("paper", "cpu", "smoke")
PROTOCOLS = ("released", "paper_era")


@dataclasses.dataclass(frozen=True)
class Preset:
  """A task's configs, ready for `tasks.build` and `Experiment`.

  Attributes:
    task_name: the registered task (`tasks.REGISTRY`).
    name: the preset: paper, cpu or smoke.
    protocol: the oracle task's protocol (released or paper_era).
    config: the `SeqGANConfig` (not yet validated: a corpus decides its
      vocabulary size in `tasks.build`).
    task: the task's config.
    runtime: the `RuntimeConfig`.
  """
  task_name: str
  name: str
  protocol: str
  config: config_lib.SeqGANConfig
  task: object
  runtime: runtime_lib.RuntimeConfig


# What the corpus tasks' presets share. cpu: a short run on 2 CPU cores,
# fewer epochs and lighter D rounds; smoke: seconds, on a tiny corpus the
# tests write (no XLA: compiling would take longer than the run).
_CORPUS_CPU = dict(pretrain_g_epochs=30, pretrain_d_rounds=5, k_epochs=1,
                   adversarial_epochs=15, d_steps=2)
_CORPUS_SMOKE = dict(seq_len=8, g_emb_dim=8, g_hidden_dim=8, d_emb_dim=8,
                     d_filter_sizes=(2, 3), d_num_filters=(4, 4), batch_size=8,
                     pretrain_g_epochs=2, pretrain_d_rounds=1, k_epochs=1,
                     adversarial_epochs=2, d_steps=1, rollout_num=2,
                     eval_every=1, eval_samples=16, final_eval_samples=32,
                     xla=False)
# The paper gives no schedule for its corpora: Texygen's SeqGAN (80 MLE
# epochs, 100 adversarial epochs), the setting later SeqGAN comparisons
# use, with the authors' synthetic D schedule. vocab_size 0: every token of
# the training split.
_CORPUS_SCHEDULE = dict(pretrain_g_epochs=80, adversarial_epochs=100)

# {task: {setting: value}}: each task's defaults over the config's.
_TASK_DEFAULTS = dict(
    oracle={},
    poems=dict(_CORPUS_SCHEDULE, seq_len=24, vocab_size=0, eval_samples=2000,
               final_eval_samples=10000),
    obama=dict(_CORPUS_SCHEDULE, vocab_size=5000, seq_len=20,
               eval_samples=1000, final_eval_samples=5000),
    # The paper's appendix: D for length 32 has widths 1-10 plus 16, 24, 32,
    # 160 filters each for the last three. No schedule is given: the poems'.
    music=dict(_CORPUS_SCHEDULE, seq_len=32, vocab_size=0,
               d_filter_sizes=(*range(1, 11), 16, 24, 32),
               d_num_filters=(100, 200, 200, 200, 200, 100, 100, 100, 100, 100,
                              160, 160, 160),
               eval_samples=1000, final_eval_samples=5000),
    text=dict(_CORPUS_SCHEDULE, vocab_size=5000, seq_len=20,
              eval_samples=1000, final_eval_samples=5000),
)
# {task: {preset: {setting: value}}}, over the task's defaults.
_PRESETS = dict(
    oracle=dict(
        paper={},
        # About an hour per recipe on 2 CPU cores: the paper's models,
        # oracle and data size, a shorter schedule and lighter D rounds.
        cpu=dict(pretrain_g_epochs=40, pretrain_d_rounds=10, k_epochs=1,
                 adversarial_epochs=30, d_steps=3, final_eval_samples=20000),
        # Seconds: a tiny random oracle, for tests and a first look. It
        # picks its own oracle: oracle_dir does not change it.
        smoke=dict(oracle="random", vocab_size=30, seq_len=8, g_emb_dim=8,
                   g_hidden_dim=8, d_emb_dim=8, d_filter_sizes=(2, 3, 4),
                   d_num_filters=(4, 4, 4), batch_size=8, num_samples=64,
                   pretrain_g_epochs=3, pretrain_d_rounds=1, k_epochs=1,
                   adversarial_epochs=2, d_steps=1, rollout_num=2,
                   eval_every=1, eval_samples=32, final_eval_samples=64,
                   test_size=64, xla=False)),
    poems=dict(
        paper={},
        cpu=dict(_CORPUS_CPU, eval_samples=1000, final_eval_samples=5000),
        smoke=dict(_CORPUS_SMOKE, test_size=10, heldout_size=5)),
    obama=dict(
        paper={},
        cpu=dict(_CORPUS_CPU, eval_samples=500, final_eval_samples=2000),
        smoke=dict(_CORPUS_SMOKE, vocab_size=40, test_size=10,
                   heldout_size=5)),
    music=dict(
        paper={},
        cpu=dict(_CORPUS_CPU, eval_samples=500, final_eval_samples=2000),
        smoke=dict(_CORPUS_SMOKE, window_hop=4, test_size=2, heldout_size=1)),
    text=dict(
        paper={},
        cpu=dict(_CORPUS_CPU, eval_samples=500, final_eval_samples=2000),
        smoke=dict(_CORPUS_SMOKE, vocab_size=40, test_size=10,
                   heldout_size=5)),
)

# Table 1 was made by the authors' paper-era code (MLE_SeqGAN/, pg_bleu/,
# schedule_sampling/ in their history, e.g. commit 149b789), not by the
# released sequence_gan.py that the presets follow. Its schedules at the
# paper preset, as {recipe: (MLE epochs, then epochs of the method)}:
PAPER_ERA_SCHEDULES = dict(
    seqgan=(240, 800), constant=(240, 800), pretrain=(240, 0),
    mle=(240, 110),  # pretrain_experiment.py: 350 MLE epochs in all.
    pgbleu=(200, 800), ss=(0, 300))


def protocol_overrides(protocol, recipe, config, preset="paper"):
  """{setting: value}: the protocol's layer over a preset's `config`.

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
    values.update(pretrain_g_epochs=0, adversarial_epochs=(
        config.pretrain_g_epochs + config.adversarial_epochs))
  return values


def get(task, preset="paper", recipe="seqgan", protocol="released"):
  """The typed configs of `recipe` on `task` at `preset`.

  Args:
    task: a registered task name (`tasks.names()`).
    preset: paper (the paper's and the authors' settings), cpu (a short run
      on 2 CPU cores) or smoke (seconds, for tests).
    recipe: the training method (`seqgan_tf.recipes.names()`).
    protocol: the oracle task's defaults: released (the authors' released
      code) or paper_era (the code that made Table 1).

  Raises:
    ValueError: an unknown task, preset or protocol, or a protocol for a
      task that has none.
  """
  registered = tasks.get(task)
  if preset not in NAMES:
    raise ValueError(f"--preset={preset}: choose one of {', '.join(NAMES)}")
  if protocol != "released" and task != "oracle":
    raise ValueError(f"--protocol={protocol}: only the oracle task has "
                     "protocols (Table 1's); drop the flag for --task="
                     f"{task}")
  base = Preset(task, preset, protocol,
                config_lib.SeqGANConfig(recipe=recipe), registered.config,
                runtime_lib.RuntimeConfig())
  base = apply(base, **{**_TASK_DEFAULTS[task], **_PRESETS[task][preset]})
  return apply(base, **protocol_overrides(protocol, recipe, base.config,
                                          preset))


def layers(task, preset):
  """({setting: value} of `task` over the paper's synthetic defaults,
  {setting: value} of `preset` over those): what `get` applies, in order."""
  tasks.get(task)
  if preset not in NAMES:
    raise ValueError(f"--preset={preset}: choose one of {', '.join(NAMES)}")
  return dict(_TASK_DEFAULTS[task]), dict(_PRESETS[task][preset])


def settings(task):
  """{setting name: config.FlagField} of every setting `task` takes."""
  found = {}
  for configs in (config_lib.SeqGANConfig, type(tasks.get(task).config),
                  runtime_lib.RuntimeConfig):
    found.update(config_lib.flag_fields(configs))
  return found


def apply(preset, **values):
  """`preset` with settings replaced, wherever each belongs.

  A list of numbers may be given as a sequence or a comma-separated string.

  Raises:
    ValueError: a setting that `preset`'s task does not have.
  """
  parts = dict(config=preset.config, task=preset.task,
               runtime=preset.runtime)
  owned = {part: config_lib.flag_fields(type(value))
           for part, value in parts.items()}
  changes = {part: {} for part in parts}
  for name, value in values.items():
    part = next((p for p, fields in owned.items() if name in fields), None)
    if part is None:
      takers = [t for t in tasks.names() if t != preset.task_name and
                name in config_lib.flag_fields(type(tasks.get(t).config))]
      where = (f"it is a setting of --task={'/'.join(takers)}" if takers
               else "no task has it")
      raise ValueError(f"--{name}: not a setting of --task="
                       f"{preset.task_name} ({where}); drop it")
    changes[part][name] = value
  return dataclasses.replace(preset, **{
      part: config_lib.override(parts[part], **changes[part])
      for part in parts if changes[part]})
