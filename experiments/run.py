r"""Trains any recipe on any task: the one entry point.

  python -m experiments.run --task=oracle --recipe=seqgan    # paper config
  python -m experiments.run --task=oracle --recipe=mle --preset=cpu
  python -m experiments.run --task=poems --data_file=shi.txt --preset=smoke
  python -m experiments.run --helpfull                       # every flag

Outputs go to <save_dir>/<run_name>/ (config.json, checkpoints/, TensorBoard
events, samples.txt, results.json); the same command again resumes from the
latest checkpoint. Flag defaults come in layers: the paper's synthetic
values, then the task's, then the preset's; flags given on the command line
win. `experiments.synthetic` and `experiments.poetry` are this with
--task=oracle and --task=poems.
"""

import functools

from absl import app
from absl import flags
from absl import logging

from experiments import cli
from experiments import common
from experiments import tasks
from seqgan_tf import config as config_lib
from seqgan_tf import experiment
from seqgan_tf import recipes


def define_flags(default_task="oracle"):
  """Every flag: the run's, the config's and each task's."""
  flags.DEFINE_enum(
      "task", default_task, list(tasks.TASKS),
      "What G learns; each task sets its own defaults and presets. " +
      " ".join(tasks.describe(name) for name in tasks.TASKS))
  common.define_run_flags(tasks.PRESET_NAMES)
  common.define_config_flags(choices=dict(
      recipe=recipes.names(), precision=list(config_lib.PRECISIONS),
      pgbleu_rule=list(config_lib.PGBLEU_RULES)))
  flags.FLAGS["recipe"].help += " Registered: " + "; ".join(
      _described(name) for name in recipes.names())
  flags.DEFINE_alias("mode", "recipe")  # Its name before recipes existed.
  flags.DEFINE_integer("test_size", None,
                       "Held-out real sequences: the test-NLL set (and the "
                       "BLEU references of a corpus); default: the task's "
                       "(oracle 10,000, poems 4,000, obama 1,000, music 170 "
                       "tunes).")
  flags.DEFINE_string("init_from", None,
                      "A run directory whose pre-training this run starts "
                      "from instead of pre-training G itself (same seed, "
                      "G, D, data and pre-training flags).")
  for task in tasks.TASKS.values():
    task.define_flags()


def _described(recipe):
  """"name: what it is", the name once ("pgbleu: SeqGAN's policy ...")."""
  description = recipes.describe(recipe)
  if description.startswith(f"{recipe}:"):
    return description
  return f"{recipe}: {description}"


_RUN = ("task", "recipe", "init_from", "preset", "protocol", "save_dir",
        "run_name", "overwrite", "seed", "checkpoint_every", "deterministic",
        "xla", "precision")
_ORACLE = ("oracle", "oracle_dir", "oracle_params", "oracle_seed",
           "oracle_stddev", "num_samples", "test_size")
_METHODS = ("ss_start", "ss_decay", "pgbleu_order", "pgbleu_rule",
            "pgbleu_references", "sweep_temperatures")
_CORPUS = ("data_file", "token_level", "lowercase", "rare_words", "overlong",
           "test_size", "heldout_size", "split_seed", "window_hop",
           "step_seconds", "melody_track", "skip_bad_tunes")
_EVALUATION = ("eval_every", "eval_samples", "final_eval_samples")


def help_groups():
  """--help's groups of flags, as the README's flags table groups them."""
  config = common.config_flags()
  owned = lambda owner: [name for name, flag in config.items()
                         if any(path[0] == owner for path in flag.paths)]
  grouped = set(_RUN + _ORACLE + _METHODS + _EVALUATION)
  schedule = [name for name, flag in config.items()
              if len(flag.paths[0]) == 1 and name not in grouped]
  return [("run", _RUN), ("oracle task", _ORACLE), ("other methods", _METHODS),
          ("corpus tasks", _CORPUS), ("generator", owned("generator")),
          ("discriminator", owned("discriminator")), ("schedule", schedule),
          ("evaluation", _EVALUATION)]


def run(flag_values):
  """Runs the experiment the flags describe; returns its results dict."""
  task_module = tasks.TASKS[flag_values.task]
  protocol = flag_values.protocol
  protocol_layer = getattr(task_module, "protocol_defaults", None)
  if protocol != "released" and not protocol_layer:
    raise ValueError(f"--protocol={protocol}: only the oracle task has "
                     "protocols (Table 1's); drop the flag for --task="
                     f"{flag_values.task}")
  common.apply_defaults(flag_values, {
      **task_module.DEFAULTS, **task_module.PRESETS[flag_values.preset],
      **(protocol_layer(protocol, flag_values.recipe, flag_values.preset)
         if protocol_layer else {})})
  if flag_values.save_dir is None:
    flag_values.save_dir = task_module.SAVE_DIR
  common.check_writable(flag_values.save_dir, "save_dir")
  common.run_dir_of(flag_values)  # A bad --run_name fails before any work.
  common.enable(flag_values)
  task, overrides = task_module.build(flag_values)
  config = common.config_from_flags(flag_values, **overrides)
  run_dir = common.run_dir_of(flag_values)
  labels = dict(Task=flag_values.task, Preset=flag_values.preset)
  extra = {}
  if protocol_layer:
    labels["Protocol"] = extra["protocol"] = protocol
  results = experiment.Experiment(config, task, run_dir,
                                  overwrite=flag_values.overwrite,
                                  init_from=flag_values.init_from,
                                  labels=labels, extra_results=extra).run()
  logging.info("Results: %s", results)
  task_module.finish(flag_values, task)
  return results


def main(default_task="oracle"):
  define_flags(default_task)
  app.run(functools.partial(common.main, run),
          flags_parser=functools.partial(cli.parse_flags,
                                         help_groups=help_groups()))


if __name__ == "__main__":
  main()
