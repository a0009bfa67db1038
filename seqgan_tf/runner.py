"""The outer loop of a run: a controller in the manner of Orbit's.

`Runner` runs a list of `Phase`s, each an epoch function called a number of
times, checkpoints after each epoch, evaluates on the G-epoch axis and
writes the progress lines, summaries and results. It owns SIGINT/SIGTERM
(finish the epoch, checkpoint, stop). The run directory's safety is
`rundir.RunDirectory`'s (one process at a time, `--overwrite` only of a run
directory, another run's config refused), restoring with a fall-back
`checkpoints.Checkpoints`'. It knows nothing of GANs: what the phases do is
a recipe's business (`seqgan_tf.recipes`).

Under a multi-worker strategy every worker process runs the same Runner on
the same run directory, which only the chief writes (`ROLES`).
"""

import dataclasses
import errno
import math
import os
import shutil
import signal
import tempfile
import time
from typing import Callable, Dict, Optional

from absl import logging
import tensorflow as tf
from tensorboard.plugins.custom_scalar import summary as custom_scalar_summary
from tensorboard.plugins.hparams import api as hparams_api

from seqgan_tf import checkpoints as checkpoints_lib
from seqgan_tf import compat
from seqgan_tf import progress
from seqgan_tf import provenance
from seqgan_tf import rundir
from seqgan_tf import summaries



RunDirError = rundir.RunDirError

# A Runner's part in its run directory. only: the one process of the run.
# chief: the multi-worker process that locks and writes it (checkpoints,
# summaries, samples, results). worker: another multi-worker process, which
# reads the chief's checkpoints, computes what the chief does, and saves
# its own checkpoints (which TensorFlow's collectives may need every worker
# to do) into a temporary directory it deletes.
ROLES = ("only", "chief", "worker")


class Interrupted(Exception):
  """SIGINT or SIGTERM stopped the run after a checkpoint.

  Attributes:
    signal_number: the signal received.
  """

  def __init__(self, message, signal_number):
    super().__init__(message)
    self.signal_number = signal_number


class ClusterError(Exception):
  """A multi-worker run lost a worker (its collectives failed)."""


# What TensorFlow's collectives raise when a peer is gone or unreachable.
_PEER_ERRORS = (tf.errors.UnavailableError, tf.errors.DeadlineExceededError,
                tf.errors.CancelledError, tf.errors.AbortedError)


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


class Evaluator:
  """What the runner evaluates, and how samples look to people.

  Subclass it: `evaluate` and `format_samples` are needed, the rest have
  defaults that add nothing.

  Attributes:
    best_metric: a metric, lower is better, whose lowest value over the
      evaluations of the last G phase (the method's own training, as the
      authors' `best_score`) goes to results.json as `<metric>_best`, with
      its G epoch; None for none.
  """

  best_metric = None

  def evaluate(self, num_samples):
    """(metrics {name: float}, samples int32 [num_samples, T]) on fresh
    samples of the model being trained."""
    raise NotImplementedError

  def format_samples(self, samples):
    """One line of text per sample, for samples.txt."""
    raise NotImplementedError

  def show_samples(self, samples):
    """One markdown string per sample, for TensorBoard's text tab."""
    return self.format_samples(samples)

  def write_media(self, writer, step, samples):
    """More summaries of an evaluation's samples (images, audio)."""

  def describe(self, tag):
    """The description TensorBoard shows for a scalar tag."""
    del tag
    return ""

  def final_extras(self, writer):
    """More entries of results.json after the final evaluation (and
    summaries of them)."""
    del writer
    return {}


@dataclasses.dataclass(frozen=True)
class RunSpec:
  """What a run directory holds, and when the runner evaluates and saves.

  Attributes:
    config_json: the run's identity, written to config.json; a directory
      whose config.json says otherwise is refused.
    evaluator: the `Evaluator`.
    eval_every: evaluate every this many epochs of a G phase, and at its
      last epoch.
    eval_samples: samples per evaluation.
    final_eval_samples: samples of the final evaluation.
    checkpoint_every: save every this many epochs (and at each phase end).
    start: called once when a run starts afresh (not on resume), before
      the first checkpoint: e.g. to draw the training data.
    start_from: a checkpoint a new run starts from instead of calling
      `start` (a pre-training shared by several runs); None for none.
    upgrade_saved: maps a config.json written by an older version onto
      today's form before that comparison (`compat.upgrade_saved`).
    legacy_phase: maps a legacy checkpoint's phase number to an index into
      the phases (`compat.phase_index`).
    results: extra entries of results.json.
    files: {file name: text} written into a new run directory, e.g. the
      vocabulary that decodes its samples.
    hparams: flat {name: value} for TensorBoard's hparams dashboard.
    hparams_config: kwargs of TensorBoard's `hparams_config` (the declared
      settings and metrics); None for none.
    layout: a custom-scalars `Layout` proto; None for none.
    trial_id: the hparams dashboard's name of the run; default: the run
      directory's absolute path, unique in any logdir a user opens (run
      names repeat across tasks and save directories, and the dashboard
      averages the metrics of runs with one trial id).
  """
  config_json: dict
  evaluator: Evaluator
  eval_every: int
  eval_samples: int
  final_eval_samples: int
  checkpoint_every: int = 1
  start: Callable[[], None] = lambda: None
  start_from: Optional[str] = None
  upgrade_saved: Callable[[dict], dict] = lambda saved: saved
  legacy_phase: Callable[[int], int] = lambda index: index
  results: dict = dataclasses.field(default_factory=dict)
  files: dict = dataclasses.field(default_factory=dict)
  hparams: dict = dataclasses.field(default_factory=dict)
  hparams_config: Optional[dict] = None
  layout: Optional[object] = None
  trial_id: Optional[str] = None


class Runner:
  """Runs (or resumes) `phases` in `run_dir`.

  Args:
    run_dir: the run directory; created if missing.
    phases: the recipe's `Phase`s, in order.
    checkpoint_items: {name: trackable}, everything to restore for an exact
      resume (models, optimisers, RNGs, data).
    spec: `RunSpec`.
    overwrite: delete `run_dir` first, if it is a run directory.
    role: one of `ROLES`.
  """

  def __init__(self, run_dir, phases, checkpoint_items, spec, overwrite=False,
               role="only"):
    if role not in ROLES:
      raise ValueError(f"role={role!r}: choose one of {', '.join(ROLES)}")
    if overwrite and role != "only":
      raise RunDirError(
          "--overwrite with --strategy=multi_worker: the workers share the "
          "run directory, so none deletes it; delete it yourself, then start "
          "every worker without --overwrite")
    self.role = role
    self.directory = rundir.RunDirectory(run_dir, spec.config_json,
                                         spec.upgrade_saved)
    self.run_dir = self.directory.path
    self.phases = list(phases)
    self.spec = spec
    self.overwrite = overwrite
    self.phase = tf.Variable(0, dtype=tf.int64, trainable=False)
    self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False)  # In phase.
    self.layout = tf.Variable(compat.LEGACY_LAYOUT, dtype=tf.int64, trainable=False)
    # The lowest `spec.best_metric` seen in the last G phase, and its step.
    self.best_value = tf.Variable(math.inf, dtype=tf.float64, trainable=False)
    self.best_step = tf.Variable(-1, dtype=tf.int64, trainable=False)
    self.checkpoints = checkpoints_lib.Checkpoints(
        dict(phase=self.phase, epoch=self.epoch, layout=self.layout,
             best_value=self.best_value, best_step=self.best_step,
             **checkpoint_items),
        self.directory.checkpoint_dir,
        on_legacy=lambda: self.phase.assign(
            self.spec.legacy_phase(int(self.phase))))
    self.writer = None
    self._signal_received = None

  @property
  def done(self):
    return len(self.phases)

  def final_step(self):
    """The G-epoch step after the last G phase: where the final result goes."""
    return max((p.first_step + p.epochs for p in self.phases
                if p.first_step is not None), default=0)

  @property
  def writes(self):
    """Whether this process writes the run directory (not a worker)."""
    return self.role != "worker"

  def _start_new(self):
    if self.writes:
      self.directory.create(self.spec.files)
    if self.spec.start_from:
      try:
        self.checkpoints.restore(self.spec.start_from)
      except Exception as e:  # pylint: disable=broad-except
        raise RunDirError(
            f"--init_from: cannot restore {self.spec.start_from} "
            f"({type(e).__name__}); it is damaged or of another model") from None
      logging.info("Starting from %s: phase %s, %d epochs done in it",
                   self.spec.start_from, self._phase_name(int(self.phase)),
                   int(self.epoch))
    else:
      self.spec.start()
    if self.writes:
      self.directory.write_config()

  def _phase_name(self, index):
    return self.phases[index].name if index < self.done else "done"

  def _save(self, phase_index, epoch):
    self.phase.assign(phase_index)
    self.epoch.assign(epoch)
    self.layout.assign(compat.LAYOUT)
    self.checkpoints.save()

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

  def _evaluate(self, step, label, num_samples, final=False):
    """The task's metrics on fresh samples, logged at `step` (G epochs).

    The final evaluation goes to tags of its own (final/...), apart from
    the curve of the evaluations during training (eval/...).
    """
    metrics, samples = self.spec.evaluator.evaluate(num_samples)
    prefix, samples_tag = ((summaries.FINAL, summaries.SAMPLES_FINAL) if final
                           else (summaries.EVAL, summaries.SAMPLES_EVAL))
    progress.write_scalars(self.writer, step,
                           {prefix + k: v for k, v in metrics.items()},
                           self.spec.evaluator.describe)
    progress.write_samples(
        self.writer, step, samples_tag,
        self.spec.evaluator.show_samples(samples[:8]),
        f"8 of the {num_samples:,} samples of this evaluation, decoded.")
    self.spec.evaluator.write_media(self.writer, step, samples)
    logging.info("Evaluation %s: %s", label,
                 " ".join(f"{k} {v:.4f}" for k, v in metrics.items()))
    return metrics, samples

  def _run_phase(self, phase_index, first_epoch):
    phase = self.phases[phase_index]
    if first_epoch == 0 and phase.on_start:
      phase.on_start()
    g_phases = [p for p in self.phases if p.first_step is not None]
    if first_epoch == 0 and g_phases and phase is g_phases[-1]:
      # The best of the method's own phase, not of a pre-training before it
      # (which a branched run restores with its checkpoint).
      self.best_value.assign(math.inf)
      self.best_step.assign(-1)
    if first_epoch == 0 and phase.first_step is not None:
      with self.writer.as_default(step=phase.first_step):
        tf.summary.text(summaries.PHASE_TEXT,
                        f"G epoch {phase.first_step}: phase **{phase.name}** "
                        f"starts ({phase.epochs} epochs).")
    timer = progress.PhaseTimer(phase.name, phase.epochs)
    for epoch in range(first_epoch, phase.epochs):
      timer.start()
      values = phase.run_epoch(epoch)
      for name, value in values.items():
        self._check_finite(value, phase.name, epoch, name)
      headline = {}
      if phase.first_step is not None:
        step = phase.first_step + epoch
        logged = {**values, summaries.PHASE: g_phases.index(phase)}
        if epoch % self.spec.eval_every == 0 or epoch == phase.epochs - 1:
          metrics, _ = self._evaluate(step, f"{phase.name} epoch {epoch}",
                                      self.spec.eval_samples)
          headline = dict(list(metrics.items())[:1])  # NLL-oracle, BLEU-n.
          if phase is g_phases[-1]:
            self._track_best(metrics, step)
      else:
        step, logged = epoch, values
      timer.stop()
      progress.write_scalars(self.writer, step, logged, self.spec.evaluator.describe)
      timer.log(epoch + 1, **values, **headline)
      self._end_epoch(phase_index, epoch + 1, phase.epochs)

  def _track_best(self, metrics, step):
    name = self.spec.evaluator.best_metric
    if name is None or not metrics[name] < float(self.best_value):
      return
    self.best_value.assign(metrics[name])
    self.best_step.assign(step)
    logging.info("Lowest %s of this phase so far: %.4f at G epoch %d", name,
                 metrics[name], step)

  def _best_results(self):
    """results.json's `<metric>_best` and `<metric>_best_epoch`, if any."""
    name = self.spec.evaluator.best_metric
    if name is None or int(self.best_step) < 0:
      return {}
    return {f"{name}_best": float(self.best_value),
            f"{name}_best_epoch": int(self.best_step),
            "best_eval_samples": self.spec.eval_samples}

  def run(self):
    """Runs (or resumes) every phase, then the final evaluation.

    The run directory is locked for the whole call. SIGINT and SIGTERM
    finish the current epoch, save a checkpoint and raise `Interrupted`.

    Returns:
      The results dict, also written to results.json.

    Raises:
      RunDirError: the directory is in use, not this run's, or damaged
        beyond what a fall-back can mend; or a checkpoint cannot be written.
    """
    handled = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.getsignal(s) for s in handled}
    for s in handled:
      signal.signal(s, self._on_signal)
    try:
      if self.role != "only":
        return self._run_in_cluster()
      lock = self.directory.lock()
      try:
        lock.__enter__()
      except OSError as e:
        if e.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
          raise
        # Nothing can be written here, but a finished run can be reported.
        return self._finished_results_read_only(e)
      try:
        return self._run()
      finally:
        lock.__exit__(None, None, None)
    finally:
      for s in handled:
        signal.signal(s, previous[s])

  def _finished_results_read_only(self, error):
    """A finished run's results, read where nothing can be written."""
    paths = self.checkpoints.paths()
    finished = False
    if paths and not self.overwrite:
      try:
        reader = tf.train.load_checkpoint(paths[0])
        finished = (reader.get_tensor("phase/.ATTRIBUTES/VARIABLE_VALUE") ==
                    self.done)
      except (tf.errors.OpError, ValueError):
        finished = False
    if not finished:
      raise RunDirError(
          f"{self.run_dir}: cannot write there ({error.strerror}); a run "
          "that is not finished needs a writable --save_dir") from None
    logging.info("%s already holds a finished run (read-only: nothing is "
                 "written)", self.run_dir)
    return self.directory.read_results()

  def _run_in_cluster(self):
    """`_run` of one process of a multi-worker run.

    The chief locks the run directory; a worker saves into a temporary
    directory. A lost peer becomes a `ClusterError` that says how to resume.
    """
    scratch = None
    try:
      if self.writes:
        with self.directory.lock():
          return self._run()
      scratch = tempfile.mkdtemp(prefix="seqgan-tf-worker-")
      return self._run(scratch)
    except _PEER_ERRORS as e:
      lines = str(e).splitlines()
      reason = next((line for line in lines if "aborted by" in line),
                    lines[0] if lines else "")
      raise ClusterError(
          f"a worker of the cluster is gone ({type(e).__name__}: "
          f"{reason.strip()[:200]}); start every worker again with "
          "the same command to resume from the last checkpoint in "
          f"{self.directory.checkpoint_dir}") from None
    finally:
      if scratch:
        shutil.rmtree(scratch, ignore_errors=True)

  def _run(self, checkpoint_dir=None):
    """Restores or starts, runs what is left; saves into `checkpoint_dir`
    (default: the run directory's)."""
    if self.overwrite:
      self.directory.delete_for_overwrite()
    if self.writes:
      new = self.directory.check(has_checkpoints=bool(self.checkpoints.paths()))
    else:
      # The chief checks the directory, which it may be creating meanwhile:
      # a worker goes by the checkpoints alone.
      new = not self.checkpoints.paths()
    restored = None if new else self.checkpoints.restore_newest()
    if restored and int(self.phase) == self.done:
      logging.info("%s already holds a finished run: nothing to do (pass "
                   "--overwrite or a new --run_name to run again)",
                   self.run_dir)
      return self.directory.read_results()
    if restored:
      logging.info("Resumed from %s: phase %s, %d epochs done in it", restored,
                   self._phase_name(int(self.phase)), int(self.epoch))
    else:
      self._start_new()
    self.checkpoints.open(checkpoint_dir)
    self.writer = (tf.summary.create_file_writer(self.run_dir) if self.writes
                   else tf.summary.create_noop_writer())
    if not restored:
      self._write_run_summaries()
    started = time.monotonic()
    first_epoch = int(self.epoch)
    for phase_index in range(int(self.phase), self.done):
      self._run_phase(phase_index, first_epoch)
      first_epoch = 0
    final_step = self.final_step()
    metrics, samples = self._evaluate(final_step, "final",
                                      self.spec.final_eval_samples, final=True)
    if self.writes:
      self.directory.write_samples(
          self.spec.evaluator.format_samples(samples[:10000]))
    results = dict(self.spec.results,
                   final_eval_samples=self.spec.final_eval_samples,
                   epochs=final_step,
                   wall_seconds_this_start=time.monotonic() - started,
                   **{f"{k}_final": v for k, v in metrics.items()},
                   **self._best_results(),
                   **self.spec.evaluator.final_extras(self.writer),
                   provenance=provenance.of_run())
    if self.writes:
      self.directory.write_results(results)
    self._save(self.done, 0)
    self.writer.flush()
    return results

  def _write_run_summaries(self):
    """The hparams of the run, their declaration and the charts' layout."""
    with self.writer.as_default(step=0):
      if self.spec.hparams_config:
        hparams_api.hparams_config(**self.spec.hparams_config)
      hparams_api.hparams(self.spec.hparams, trial_id=(
          self.spec.trial_id or os.path.abspath(self.run_dir)))
      if self.spec.layout is not None:
        tf.summary.experimental.write_raw_pb(
            custom_scalar_summary.pb(self.spec.layout).SerializeToString(),
            step=0)

  def _check_finite(self, value, phase_name, epoch, what):
    if not math.isfinite(value):
      latest = self.checkpoints.latest
      kept = (f"the last good checkpoint ({latest}) is kept" if latest else
              "no checkpoint was written yet")
      raise FloatingPointError(
          f"{what} is {value} in phase {phase_name}, epoch {epoch}: "
          f"stopping; {kept} (lower the learning rate or check the data)")
