r"""Trains any recipe on any task: the one entry point.

  python -m experiments.run --task=oracle --recipe=seqgan    # paper config
  python -m experiments.run --task=oracle --recipe=mle --preset=cpu
  python -m experiments.run --task=poems --data_file=shi.txt --preset=smoke
  python -m experiments.run --task=text --data_file=my.txt   # one's own text
  python -m experiments.run --helpfull                       # every flag

Outputs go to <save_dir>/<run_name>/ (config.json, checkpoints/, TensorBoard
events, samples.txt, results.json); the same command again resumes from the
latest checkpoint. Flag defaults come in layers (`seqgan_tf.presets`): the
paper's synthetic values, then the task's, then the preset's; flags given
on the command line win. `experiments.synthetic` and `experiments.poetry` are this with
--task=oracle and --task=poems.
"""

import functools
import os
import sys

from absl import app
from absl import flags
from absl import logging

from experiments import cli
from experiments import common
from seqgan_tf import config as config_lib
from seqgan_tf import experiment
from seqgan_tf import provenance
from seqgan_tf import recipes
from seqgan_tf import runtime as runtime_lib
from seqgan_tf import tasks


def define_flags(default_task="oracle"):
  """Every flag: the run's, and one per setting of every task."""
  common.define_run_flags(default_task)
  common.define_setting_flags(choices=dict(
      recipe=recipes.names(), precision=list(config_lib.PRECISIONS),
      pgbleu_rule=list(config_lib.PGBLEU_RULES),
      strategy=list(runtime_lib.STRATEGIES)))
  flags.FLAGS["recipe"].help += " Registered: " + "; ".join(
      _described(name) for name in recipes.names())
  flags.DEFINE_alias("mode", "recipe")  # Its name before recipes existed.
  flags.DEFINE_string("init_from", None,
                      "A run directory whose pre-training this run starts "
                      "from instead of pre-training G itself (same seed, "
                      "G, D, data and pre-training flags).")


def _described(recipe):
  """"name: what it is", the name once ("pgbleu: SeqGAN's policy ...")."""
  description = recipes.describe(recipe)
  if description.startswith(f"{recipe}:"):
    return description
  return f"{recipe}: {description}"


_RUN = ("task", "recipe", "init_from", "preset", "protocol", "save_dir",
        "run_name", "overwrite", "seed", "checkpoint_every", "deterministic",
        "xla", "precision", "strategy", "devices")
_METHODS = ("ss_start", "ss_decay", "pgbleu_order", "pgbleu_rule",
            "pgbleu_references", "sweep_temperatures")
_EVALUATION = ("eval_every", "eval_samples", "final_eval_samples")


def help_groups():
  """--help's groups of flags, as docs/flags.md groups them."""
  config = config_lib.flag_fields()
  owned = lambda owner: [name for name, flag in config.items()
                         if any(path[0] == owner for path in flag.paths)]
  of_task = lambda *classes: list(dict.fromkeys(
      name for cls in classes for name in config_lib.flag_fields(cls)))
  oracle = of_task(tasks.OracleConfig) + ["num_samples"]
  grouped = set(_RUN + tuple(oracle) + _METHODS + _EVALUATION)
  schedule = [name for name, flag in config.items()
              if len(flag.paths[0]) == 1 and name not in grouped]
  return [("run", _RUN), ("oracle task", oracle), ("other methods", _METHODS),
          ("corpus tasks", of_task(tasks.CorpusConfig, tasks.MusicConfig)),
          ("generator", owned("generator")),
          ("discriminator", owned("discriminator")), ("schedule", schedule),
          ("evaluation", _EVALUATION)]


def run(flag_values):
  """Runs the experiment the flags describe; returns its results dict."""
  preset = common.preset_from_flags(flag_values)
  save_dir = flag_values.save_dir or tasks.get(preset.task_name).save_dir
  common.check_writable(save_dir, "save_dir")
  recipe = preset.config.recipe
  # A bad --run_name fails before any work.
  run_dir = common.run_dir(save_dir, flag_values.run_name, preset.name, recipe)
  preset = common.with_data_dirs(preset, save_dir)
  trial = experiment.Experiment.from_preset(preset, run_dir,
                                           overwrite=flag_values.overwrite,
                                           init_from=flag_values.init_from)
  results = trial.run()
  logging.info("Results: %s", results)
  if not trial.runner.writes:  # A multi-worker run's chief writes the rest.
    return results
  trial.task.finish(run_dir, results_table(save_dir, flag_values.run_name,
                                           preset, run_dir))
  return results


def results_table(save_dir, run_name, preset, run_dir):
  """The corpus tasks' table of MLE, SeqGAN and real data this run updates.

  A table names the runs it holds, and only those. With the default run
  names it is <save_dir>/<preset>_results.md, of the runs <preset>_mle and
  <preset>_seqgan (each finished run updates it); a run given --run_name
  has a table of its own, <save_dir>/<run_name>_results.md, since its
  siblings cannot be known.
  """
  if run_name:
    runs, name = ((preset.config.recipe, run_dir),), run_name
  else:
    runs = tuple((recipe, common.run_dir(save_dir, None, preset.name, recipe))
                 for recipe in ("mle", "seqgan"))
    name = preset.name
  note = ("Smoke preset: a tiny corpus and model for a few epochs, to show "
          "the pipeline runs; its numbers mean nothing beside the paper's."
          if preset.name == "smoke" else "")
  command = "python -m experiments.run " + " ".join(sys.argv[1:])
  return tasks.ResultsTable(os.path.join(save_dir, f"{name}_results.md"),
                            runs, note, provenance.line(command))


def main(default_task="oracle"):
  define_flags(default_task)
  app.run(functools.partial(common.main, run),
          flags_parser=functools.partial(cli.parse_flags,
                                         help_groups=help_groups()))


if __name__ == "__main__":
  main()
