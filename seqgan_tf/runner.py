"""The outer loop of a run: a controller in the manner of Orbit's.

`Runner` owns the run directory (config.json, checkpoints, TensorBoard
events, samples.txt, results.json), SIGINT/SIGTERM, the evaluation cadence,
progress lines and summaries. It knows nothing of GANs: it runs a list of
`Phase`s, each an epoch function called a number of times, and calls an
evaluation function on the G-epoch axis. What the phases do is a recipe's
business (`seqgan_tf.recipes`).
"""

import dataclasses
import json
import math
import os
import signal
import time
from typing import Callable, Dict, Optional

from absl import logging
import tensorflow as tf
from tensorboard.plugins.hparams import api as hparams_api

from seqgan_tf import progress

# The checkpoint layout: 2 stores `phase` as an index into the recipe's
# phases. Checkpoints written before recipes existed (commit 068362a) carry
# no `layout` and number the phases of the fixed SeqGAN schedule instead.
LEGACY_LAYOUT, LAYOUT = 1, 2
_LAYOUT_KEY = "layout/.ATTRIBUTES/VARIABLE_VALUE"


class RunDirError(ValueError):
  """The run directory holds something this run must not overwrite."""


class Interrupted(Exception):
  """SIGINT or SIGTERM stopped the run after a checkpoint.

  Attributes:
    signal_number: the signal received.
  """

  def __init__(self, message, signal_number):
    super().__init__(message)
    self.signal_number = signal_number


@dataclasses.dataclass(frozen=True)
class Phase:
  """One phase of a training method.

  Attributes:
    name: shown in progress lines ("[g-pretrain] epoch 3/120").
    epochs: how many times `run_epoch` is called.
    run_epoch: `run_epoch(epoch)` does one epoch's work (epoch counts from
      0 within the phase) and returns {metric: float}, each logged to
      TensorBoard and checked to be finite.
    first_step: the G-epoch axis step of this phase's epoch 0, for a phase
      that trains G; its epochs are evaluated and logged on that axis. None
      for a phase that leaves G alone (D pre-training): logged on its own
      round axis, never evaluated.
    on_start: called before epoch 0, also when a run resumes at epoch 0 of
      this phase, but not when it resumes inside it.
  """
  name: str
  epochs: int
  run_epoch: Callable[[int], Dict[str, float]]
  first_step: Optional[int] = None
  on_start: Optional[Callable[[], None]] = None


@dataclasses.dataclass(frozen=True)
class RunSpec:
  """What a run directory holds and how the runner evaluates and resumes.

  Attributes:
    config_json: the run's identity, written to config.json; a directory
      whose config.json says otherwise is refused.
    upgrade_saved: maps a config.json written by an older version onto
      today's form before that comparison.
    evaluate: `evaluate(num_samples)` -> (metrics {name: float}, samples
      int32 [num_samples, T]) on fresh samples of the model being trained.
    format_samples: samples -> list of strings for people.
    start: called once when a run starts afresh (not on resume), before
      the first checkpoint: e.g. to draw the training data.
    legacy_phase: maps a legacy checkpoint's phase number to an index into
      the phases (len(phases) when it had finished).
    eval_every: evaluate every this many epochs of a G phase, and at its
      last epoch.
    eval_samples: samples per evaluation.
    final_eval_samples: samples of the final evaluation.
    checkpoint_every: save every this many epochs (and at each phase end).
    hparams: flat {name: value} for TensorBoard's hparams dashboard.
    results: extra entries of results.json.
  """
  config_json: dict
  evaluate: Callable
  format_samples: Callable
  eval_every: int
  eval_samples: int
  final_eval_samples: int
  checkpoint_every: int = 1
  upgrade_saved: Callable[[dict], dict] = lambda saved: saved
  start: Callable[[], None] = lambda: None
  legacy_phase: Callable[[int], int] = lambda index: index
  hparams: dict = dataclasses.field(default_factory=dict)
  results: dict = dataclasses.field(default_factory=dict)


class Runner:
  """Runs (or resumes) `phases` in `run_dir`.

  Args:
    run_dir: the run directory; created if missing.
    phases: the recipe's `Phase`s, in order.
    checkpoint_items: {name: trackable}, everything to restore for an exact
      resume (models, optimisers, RNGs, data).
    spec: `RunSpec`.
  """

  def __init__(self, run_dir, phases, checkpoint_items, spec):
    self.run_dir = run_dir
    self.phases = list(phases)
    self.spec = spec
    self.phase = tf.Variable(0, dtype=tf.int64, trainable=False)
    self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False)  # In phase.
    self.layout = tf.Variable(LEGACY_LAYOUT, dtype=tf.int64, trainable=False)
    self.checkpoint = tf.train.Checkpoint(
        phase=self.phase, epoch=self.epoch, layout=self.layout,
        **checkpoint_items)
    # A legacy checkpoint has no `layout`: restored through this one, every
    # object still has to match.
    self._legacy_checkpoint = tf.train.Checkpoint(
        phase=self.phase, epoch=self.epoch, **checkpoint_items)
    self.manager = tf.train.CheckpointManager(
        self.checkpoint, os.path.join(run_dir, "checkpoints"), max_to_keep=3)
    self.writer = None
    self._signal_received = None

  @property
  def done(self):
    return len(self.phases)

  def final_step(self):
    """The G-epoch step after the last G phase: where the final result goes."""
    return max((p.first_step + p.epochs for p in self.phases
                if p.first_step is not None), default=0)

  # --- set-up -----------------------------------------------------------------

  def _prepare_run_dir(self):
    """Checks the directory is this run's, restores or starts it."""
    os.makedirs(self.run_dir, exist_ok=True)
    config_path = os.path.join(self.run_dir, "config.json")
    config_json = json.loads(json.dumps(self.spec.config_json))
    if os.path.exists(config_path):
      with open(config_path) as f:
        saved = json.load(f)
      try:
        saved = json.loads(json.dumps(self.spec.upgrade_saved(saved)))
      except (KeyError, TypeError, ValueError):
        pass  # Not a config this code knows: the comparison below refuses it.
      if saved != config_json:
        raise RunDirError(
            f"{self.run_dir} holds a run with another config.json: pass a "
            "new --run_name, or --overwrite to discard it")
    latest = self.manager.latest_checkpoint
    if latest:
      try:
        legacy = _LAYOUT_KEY not in dict(tf.train.list_variables(latest))
        target = self._legacy_checkpoint if legacy else self.checkpoint
        target.restore(latest).assert_existing_objects_matched()
      except Exception as e:  # A damaged file raises OpError, IndexError, ...
        raise RunDirError(
            f"{latest}: cannot restore this checkpoint ({type(e).__name__}); "
            "it is truncated or from another model: pass a new --run_name, "
            "or --overwrite to discard it") from None
      if legacy:
        self.phase.assign(self.spec.legacy_phase(int(self.phase)))
        # Number new checkpoints after the legacy ones, never over them.
        self.checkpoint.save_counter.assign(
            self._legacy_checkpoint.save_counter)
      logging.info("Resumed from %s: phase %s, %d epochs done in it", latest,
                   self._phase_name(int(self.phase)), int(self.epoch))
    else:
      logging.info("Starting a new run in %s", self.run_dir)
      self.spec.start()
      with open(config_path, "w") as f:
        f.write(json.dumps(config_json, indent=2, sort_keys=True) + "\n")
    self.writer = tf.summary.create_file_writer(self.run_dir)
    if not latest:
      with self.writer.as_default():
        hparams_api.hparams(self.spec.hparams)

  def _phase_name(self, index):
    return self.phases[index].name if index < self.done else "done"

  def _save(self, phase_index, epoch):
    self.phase.assign(phase_index)
    self.epoch.assign(epoch)
    self.layout.assign(LAYOUT)
    self.manager.save()

  def _end_epoch(self, phase_index, done, total):
    """Checkpoints when due, and stops here if a signal asked to."""
    if (done % self.spec.checkpoint_every == 0 or done == total or
        self._signal_received):
      self._save(phase_index, done)
    if self._signal_received:
      name = signal.Signals(self._signal_received).name
      raise Interrupted(
          f"{name}: stopped after epoch {done} of phase "
          f"{self._phase_name(phase_index)} and saved a checkpoint in "
          f"{self.run_dir}; run the same command to resume",
          self._signal_received)

  def _on_signal(self, signal_number, frame):
    del frame
    self._signal_received = signal_number
    logging.warning("%s received: finishing this epoch, then saving a "
                    "checkpoint and stopping", signal.Signals(signal_number).name)

  # --- evaluation and the loop --------------------------------------------------

  def _evaluate(self, step, label, num_samples):
    """The task's metrics on fresh samples, logged at `step` (G epochs)."""
    metrics, samples = self.spec.evaluate(num_samples)
    progress.write_scalars(self.writer, step, **metrics)
    progress.write_samples(self.writer, step, "samples",
                           self.spec.format_samples(samples[:8]))
    logging.info("Evaluation %s: %s", label,
                 " ".join(f"{k} {v:.4f}" for k, v in metrics.items()))
    return metrics, samples

  def _run_phase(self, phase_index, first_epoch):
    phase = self.phases[phase_index]
    if first_epoch == 0 and phase.on_start:
      phase.on_start()
    timer = progress.PhaseTimer(phase.name, phase.epochs)
    for epoch in range(first_epoch, phase.epochs):
      timer.start()
      values = phase.run_epoch(epoch)
      for name, value in values.items():
        _check_finite(value, phase.name, epoch, name)
      headline = {}
      if phase.first_step is not None:
        step = phase.first_step + epoch
        if epoch % self.spec.eval_every == 0 or epoch == phase.epochs - 1:
          metrics, _ = self._evaluate(step, f"{phase.name} epoch {epoch}",
                                      self.spec.eval_samples)
          headline = dict(list(metrics.items())[:1])  # NLL-oracle, BLEU-n.
      else:
        step = epoch
      timer.stop()
      progress.write_scalars(self.writer, step, **values)
      timer.log(epoch + 1, **values, **headline)
      self._end_epoch(phase_index, epoch + 1, phase.epochs)

  def run(self):
    """Runs (or resumes) every phase, then the final evaluation.

    SIGINT and SIGTERM finish the current epoch, save a checkpoint and raise
    `Interrupted`.

    Returns:
      The results dict, also written to results.json.
    """
    handled = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.getsignal(s) for s in handled}
    for s in handled:
      signal.signal(s, self._on_signal)
    try:
      return self._run()
    finally:
      for s in handled:
        signal.signal(s, previous[s])

  def _run(self):
    self._prepare_run_dir()
    results_path = os.path.join(self.run_dir, "results.json")
    if int(self.phase) == self.done:
      logging.info("%s already holds a finished run: nothing to do (pass "
                   "--overwrite or a new --run_name to run again)",
                   self.run_dir)
      with open(results_path) as f:
        return json.load(f)
    started = time.monotonic()
    first_epoch = int(self.epoch)
    for phase_index in range(int(self.phase), self.done):
      self._run_phase(phase_index, first_epoch)
      first_epoch = 0
    final_step = self.final_step()
    metrics, samples = self._evaluate(final_step, "final",
                                      self.spec.final_eval_samples)
    with open(os.path.join(self.run_dir, "samples.txt"), "w",
              encoding="utf-8") as f:
      for sample in self.spec.format_samples(samples[:10000]):
        f.write(sample.replace("  \n", " ") + "\n")
    results = dict(self.spec.results,
                   final_eval_samples=self.spec.final_eval_samples,
                   epochs=final_step,
                   wall_seconds_this_start=time.monotonic() - started,
                   **{f"{k}_final": v for k, v in metrics.items()})
    with open(results_path, "w") as f:
      json.dump(results, f, indent=2)
    self._save(self.done, 0)
    self.writer.flush()
    return results


def _check_finite(value, phase_name, epoch, what):
  if not math.isfinite(value):
    raise FloatingPointError(
        f"{what} is {value} in phase {phase_name}, epoch {epoch}: "
        "stopping; the last good checkpoint is kept (lower the learning "
        "rate or check the data)")
