"""Every upgrade path for run directories that older versions wrote.

The rest of the code reads as if there were no history: it writes today's
forms only, and reads older ones through this module.

- config.json: keys renamed since (`RENAMED`), fields added since with the
  value that meant the old behaviour (`BEFORE_FIELD`), and the oracle
  task's older descriptions (`task_description`). `upgrade_saved` maps a
  whole config.json onto today's form, so that the run directory of an
  unchanged run is recognised as its own.
- Checkpoints: objects added since (`ADDED_SINCE`, restored where present),
  and the phase numbering from before recipes existed (`LEGACY_LAYOUT`,
  `phase_index`).
"""

from seqgan_tf import config as config_lib
from seqgan_tf.tasks import oracle as oracle_task

# Keys of the config renamed since run directories were first written.
RENAMED = {"mode": "recipe"}


def _pgbleu_rule_before_the_field(values):
  """PG-BLEU ran by today's nltk rule; other recipes never read the field."""
  return "nltk" if values.get("recipe") == "pgbleu" else "nltk2016"


# Config fields whose default is not what a config written before the
# field existed ran with: {field: values -> the value such a config means}.
# Fields not named here mean their default.
BEFORE_FIELD = {"pgbleu_rule": _pgbleu_rule_before_the_field}

# The oracle task's NLL-test set size, for runs from before NLL-test: it
# is evaluated from then on, at the size a run got by default then (a
# constant: a later change of the default must not change what they mean).
_ORACLE_TEST_SIZE = 10000

# The checkpoint layout: 2 stores `phase` as an index into the recipe's
# phases. Checkpoints written before recipes existed carry no `layout` and
# number the phases of the one fixed schedule instead.
LEGACY_LAYOUT, LAYOUT = 1, 2
# Checkpoint objects that older checkpoints lack.
ADDED_SINCE = ("layout", "best_value", "best_step")
# A legacy checkpoint's phases were 0 g-pretrain, 1 d-pretrain, 2
# adversarial (continued MLE in mode "mle"), 3 done: today's index of each.
_LEGACY_PHASES = {"seqgan": (0, 1, 2, 3), "mle": (0, 1, 1, 2)}


def config_from_saved(values):
  """The `SeqGANConfig` of a config.json's "config", of any version.

  Raises:
    ValueError: a key no version of the config has.
  """
  values = {RENAMED.get(k, k): v for k, v in values.items()}
  for name, old_value in BEFORE_FIELD.items():
    if name not in values:
      values[name] = old_value(values)
  return config_lib.from_dict(values)


def task_description(description):
  """A config.json's "task" entry as older versions wrote it, in today's form."""
  if description.get("task") != "oracle":
    return description
  if "oracle_params" in description:  # Named the file's path, not content.
    description = dict(task="oracle", **oracle_task.OracleTask.file_description(
        description["sha256"]))
  return dict(dict(test_size=_ORACLE_TEST_SIZE), **description)


def upgrade_saved(saved):
  """A whole config.json ({"config", "task"}) in today's form."""
  return dict(config=config_lib.to_dict(config_from_saved(saved["config"])),
              task=task_description(saved["task"]))


def phase_index(recipe, legacy_phase):
  """Today's phase index for a legacy checkpoint's phase number.

  Raises:
    ValueError: a recipe that did not exist before recipes did.
  """
  if recipe not in _LEGACY_PHASES:
    raise ValueError(f"a checkpoint from before recipes cannot be of recipe "
                     f"{recipe}")
  return _LEGACY_PHASES[recipe][legacy_phase]
