"""One run of a recipe on a task: builds the pieces and hands them to `Runner`.

  preset = presets.get("poems", "cpu", recipe="seqgan")
  experiment = Experiment.from_preset(preset, "save/poetry/my_run")
  results = experiment.run()      # or resumes, if run_dir holds a checkpoint
  experiment.sample(4)            # G's samples, decoded

or, from configs of one's own, `Experiment(config, task, run_dir)` with
`task, config = tasks.build(task_config, config)`.

`config.recipe` names the training method (`seqgan_tf.recipes`); the task
(`seqgan_tf.tasks`) gives the real data, the metrics and how samples print.
"""

import dataclasses
import os

import tensorflow as tf

from seqgan_tf import checkpoints
from seqgan_tf import compat
from seqgan_tf import config as config_lib
from seqgan_tf import files
from seqgan_tf import progress
from seqgan_tf import recipes
from seqgan_tf import runner
from seqgan_tf import summaries
from seqgan_tf import tasks
from seqgan_tf import train

# What G's pre-training depends on: a run may start from another run's
# pre-training (--init_from) only where these agree.
PRETRAINING_FIELDS = ("generator", "discriminator", "batch_size",
                      "num_samples", "pretrain_g_epochs", "seed")


class Experiment:
  """A run directory for `config.recipe` on `task`.

  Args:
    config: `config_lib.SeqGANConfig`.
    task: a `tasks.Task` (`tasks.build` makes one from its config).
    run_dir: the run directory; config.json, checkpoints/, TensorBoard
      events, samples.txt and results.json go there.
    overwrite: delete `run_dir` first (only if it is a run directory).
    init_from: a run directory whose pre-training this run starts from,
      instead of pre-training G itself (see `pretrained_checkpoint`).
    labels: {name: value} shown beside the config in TensorBoard's hparams
      dashboard: `Task` and `Preset` (see `summaries.RUN_HPARAMS`).
    extra_results: {name: value} more entries of results.json (e.g. the
      protocol whose defaults the run took).
    runtime: the `runtime.RuntimeConfig` of G's steps (XLA, devices);
      default: its defaults. The task's NLL functions take theirs from
      `tasks.build`, which must be given the same strategy.

  Raises:
    ValueError: a config that does not validate, sizes that could not
      run, or a task built for another strategy than `runtime`'s.

  Attributes:
    trainer: the `train.Trainer` (G, D, rollout policy and their steps).
    phases: the recipe's `runner.Phase`s, the list the runner runs.
    runner: the `runner.Runner`.
  """

  def __init__(self, config, task, run_dir, overwrite=False, init_from=None,
               labels=None, extra_results=None, runtime=None):
    self.config = config.validate()
    self.task = task
    check_sizes(config, task.num_real)
    self.trainer = train.Trainer(config, runtime)
    if task.strategy not in (None, self.trainer.strategy):
      # Its oracle's variables would be on one device only, which no
      # other replica's compiled step can read.
      raise ValueError(
          "the task was built for another --strategy than the run's "
          f"({self.trainer.runtime.strategy}): build it with "
          "tasks.build(task_config, config, runtime), given the runtime the "
          "Experiment gets")
    real_data = tf.Variable(
        tf.zeros([task.num_real, config.generator.seq_len], tf.int32),
        trainable=False)
    phases = recipes.build(
        config.recipe, recipes.Context(self.trainer, config, real_data))

    self.evaluator = _Evaluator(self.trainer, task, config,
                                tf.random.Generator.from_seed(config.seed + 2))
    hparams = flat_hparams(config)
    hparams.update(
        Recipe=hparams.pop("recipe"), Seed=hparams.pop("seed"),
        Data=summaries.data_label(task.description), **(labels or {}),
        **{f"data.{k}": v for k, v in task.description.items()})
    if init_from:
      hparams["init_from"] = init_from
    hparams = {k: v if isinstance(v, (bool, int, float)) else str(v)
               for k, v in hparams.items()}
    spec = runner.RunSpec(
        config_json=dict(config=config_lib.to_dict(config),
                         task=task.description),
        evaluator=self.evaluator,
        eval_every=config.eval_every,
        eval_samples=config.eval_samples,
        final_eval_samples=config.final_eval_samples,
        checkpoint_every=config.checkpoint_every,
        start=lambda: real_data.assign(task.real_data(config.seed + 1)),
        start_from=(pretrained_checkpoint(init_from, config, task)
                    if init_from else None),
        upgrade_saved=compat.upgrade_saved,
        legacy_phase=lambda index: compat.phase_index(config.recipe, index),
        results=dict(recipe=config.recipe, **task.data_stats,
                     **(dict(init_from=init_from) if init_from else {}),
                     **(extra_results or {})),
        files=task.run_files(),
        hparams=hparams,
        hparams_config=summaries.hparams_config(hparams),
        layout=summaries.layout(task.metric_names))
    self.runner = runner.Runner(
        run_dir, phases,
        dict(real_data=real_data, eval_rng=self.evaluator.rng,
             **self.trainer.checkpoint_items()),
        spec, overwrite=overwrite, role=self.trainer.role)
    self.phases = self.runner.phases

  @classmethod
  def from_preset(cls, preset, run_dir, **kwargs):
    """The run of a `presets.Preset`: its runtime set, its task built.

    Args:
      preset: `presets.get(...)`, perhaps changed by `presets.apply`.
      run_dir: the run directory.
      **kwargs: `Experiment`'s other arguments (overwrite, init_from).
    """
    preset.runtime.apply()
    task, config = tasks.build(preset.task, preset.config, preset.runtime)
    labels = dict(Task=preset.task_name, Preset=preset.name)
    extra = {}
    if preset.task_name == "oracle":  # The one task with protocols.
      labels["Protocol"] = extra["protocol"] = preset.protocol
    return cls(config, task, run_dir, labels=labels, extra_results=extra,
               runtime=preset.runtime, **kwargs)

  def run(self):
    """Runs or resumes the whole schedule; returns the results dict."""
    return self.runner.run()

  def sample(self, num, temperature=1.0, seed=0):
    """`num` sequences of G, as the task prints them (samples.txt's lines).

    Call it after `run` (G as trained), or on a run directory's G restored
    by `run` of a finished run.
    """
    config_lib.check_temperature(temperature)
    tokens = self.trainer.generate(num, tf.random.Generator.from_seed(seed),
                                   float(temperature))
    return self.task.format_samples(tokens)


class _Evaluator(runner.Evaluator):
  """G's samples scored by the task; at the end, the temperature sweep.

  Evaluation draws from its own generator `rng`, so how often it runs does
  not change the training trajectory.
  """

  def __init__(self, trainer, task, config, rng):
    self.trainer, self.task, self.config, self.rng = trainer, task, config, rng
    self.best_metric = task.best_metric
    self.format_samples = task.format_samples
    self.show_samples = task.show_samples
    self.write_media = task.write_media

  def evaluate(self, num_samples, temperature=1.0):
    samples = self.trainer.generate(num_samples, self.rng, temperature)
    # In the trainer's scope, the task's NLL functions split over its
    # replicas (`oracle.make_nll_fn`).
    with self.trainer.strategy.scope():
      metrics = self.task.evaluate(samples, self.trainer.generator,
                                   temperature)
    return metrics, samples

  def describe(self, tag):
    return summaries.describe(tag, self.config.eval_samples,
                              self.config.final_eval_samples)

  def final_extras(self, writer):
    """NLL-oracle against NLL-test with G sampled at each temperature."""
    sweep = []
    for temperature in self.config.sweep_temperatures:
      metrics, _ = self.evaluate(self.config.eval_samples, temperature)
      sweep.append(dict(temperature=temperature, **metrics))
      # TensorBoard steps are integers: the temperature in hundredths.
      progress.write_scalars(
          writer, round(100 * temperature),
          {summaries.SWEEP + k: v for k, v in metrics.items()}, self.describe)
    return dict(temperature_sweep=sweep) if sweep else {}


def check_sizes(config, num_real, memory_bytes=None):
  """Refuses, before any work, sizes that could only fail mid-run.

  Args:
    config: the run's config.
    num_real: training sequences.
    memory_bytes: the machine's memory; default: read from the OS.

  Raises:
    ValueError: too little training data for one batch, or sample counts
      whose token tensors alone would not fit in memory.
  """
  if num_real < config.batch_size:
    raise ValueError(
        f"the training data has {num_real} sequences, fewer than --batch_size="
        f"{config.batch_size}: no full batch to train on; lower --batch_size "
        "or give more data")
  if memory_bytes is None:
    memory_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
  # A D round holds real, generated and both together; an evaluation its
  # samples and G's next-token work on them. int32 tokens, a margin of 4x.
  largest = max(2 * num_real, config.eval_samples, config.final_eval_samples)
  needed = 4 * 2 * largest * config.generator.seq_len * 4
  if needed > memory_bytes:
    raise ValueError(
        f"--num_samples/--eval_samples/--final_eval_samples: {largest:,} "
        f"sequences of {config.generator.seq_len} tokens need about "
        f"{needed / 2**30:,.1f} GiB of memory, and this machine has "
        f"{memory_bytes / 2**30:,.1f} GiB; lower them")


def pretrained_checkpoint(source_dir, config, task):
  """The checkpoint of `source_dir` taken right after G's pre-training.

  Every recipe that pre-trains begins with the same phase, and every run
  checkpoints the same objects, so a run may start from another's state at
  the end of pre-training and go on exactly as if it had pre-trained itself.

  Args:
    source_dir: a run directory (of recipe `pretrain`, or any other).
    config: the config of the run that starts from it.
    task: that run's task.

  Raises:
    ValueError: no such run, it pre-trained otherwise (fields of
      `PRETRAINING_FIELDS` or the task differ), or its checkpoint at the end
      of pre-training is gone.
  """
  saved = files.read_json(os.path.join(source_dir, "config.json"),
                          "--init_from must name a run directory")
  saved = compat.upgrade_saved(saved)
  ours = config_lib.to_dict(config)
  differ = [name for name in PRETRAINING_FIELDS
            if saved["config"][name] != ours[name]]
  if saved["task"] != task.description:
    differ.append("task")
  if differ:
    raise ValueError(f"--init_from={source_dir}: it pre-trained with other "
                     f"{', '.join(differ)}; pass matching flags or another run")
  for path in checkpoints.paths(os.path.join(source_dir, "checkpoints")):
    try:
      reader = tf.train.load_checkpoint(path)
      phase = reader.get_tensor("phase/.ATTRIBUTES/VARIABLE_VALUE")
      epoch = reader.get_tensor("epoch/.ATTRIBUTES/VARIABLE_VALUE")
    except (tf.errors.OpError, ValueError):
      continue
    if phase == 0 and epoch == config.pretrain_g_epochs:
      return path
  raise ValueError(f"--init_from={source_dir}: no checkpoint at the end of "
                   "pre-training is left there; pre-train with --recipe="
                   "pretrain (it keeps that checkpoint)")


def flat_hparams(config):
  """The config as flat {name: scalar} for TensorBoard's hparams plugin."""
  flat = {}
  for key, value in dataclasses.asdict(config).items():
    if isinstance(value, dict):
      for inner, inner_value in value.items():
        flat[f"{key}.{inner}"] = inner_value
    else:
      flat[key] = value
  return {k: (",".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
          for k, v in flat.items()}
