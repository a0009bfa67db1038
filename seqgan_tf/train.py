"""SeqGAN training (Algorithm 1) on any task: the synthetic oracle or a corpus.

The outer loop is eager Python: it owns the schedule, checkpoints, logs and
TensorBoard summaries. Whole epochs of G, D and the policy-gradient step run
inside `tf.function`s, one call each.
"""

import dataclasses
import json
import math
import os
import signal
import time

from absl import logging
import keras
import numpy as np
import tensorflow as tf
from tensorboard.plugins.hparams import api as hparams_api

from seqgan_tf import config as config_lib
from seqgan_tf import discriminator as discriminator_lib
from seqgan_tf import generator as generator_lib
from seqgan_tf import losses
from seqgan_tf import optimizers
from seqgan_tf import progress
from seqgan_tf import rollout as rollout_lib
from seqgan_tf import xla

# Phases in schedule order; the checkpoint stores the index of the current one.
G_PRETRAIN, D_PRETRAIN, ADVERSARIAL, DONE = range(4)
PHASE_NAMES = ("g-pretrain", "d-pretrain", "adversarial", "done")
# Sequences per sampling call: on a 2-core EPYC, 10,000 samples took 1.9 s in
# calls of 1,024, 2.3 s in calls of 512 and 4.2 s in calls of 2,000.
GENERATE_BATCH = 1024


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


class SeqGAN:
  """G, D, the rollout policy, their optimisers and the steps that train them.

  Built from a `SeqGANConfig` only (never from flags), so tests can make one
  with a tiny config.
  """

  def __init__(self, config):
    self.config = config.validate()
    gen_cfg, dis_cfg = config.generator, config.discriminator
    keras.utils.set_random_seed(config.seed)  # Seeds the initialisers.
    self.rng = tf.random.Generator.from_seed(config.seed)
    self.generator = generator_lib.Generator(gen_cfg)
    self.discriminator = discriminator_lib.Discriminator(dis_cfg)
    self.rollout = rollout_lib.Rollout(self.generator,
                                       config.rollout_update_rate)
    # Separate Adam states for MLE and policy gradient, as the authors have.
    self.mle_optimizer = optimizers.Adam(gen_cfg.learning_rate)
    self.pg_optimizer = optimizers.Adam(gen_cfg.learning_rate)
    self.d_optimizer = optimizers.Adam(dis_cfg.learning_rate)
    self.mle_optimizer.build(self.generator.trainable_variables)
    self.pg_optimizer.build(self.generator.trainable_variables)
    self.d_optimizer.build(self.discriminator.trainable_variables)
    self._generator_gradients = tf.function(self._generator_gradients,
                                            jit_compile=xla.enabled())

  def checkpoint_items(self):
    return dict(generator=self.generator, discriminator=self.discriminator,
                rollout_policy=self.rollout.policy,
                mle_optimizer=self.mle_optimizer,
                pg_optimizer=self.pg_optimizer, d_optimizer=self.d_optimizer,
                rng=self.rng)

  def _shuffled_batches(self, count):
    """A fresh permutation of `count` items, cut into full batches [N, B]."""
    batch = self.config.batch_size
    order = tf.argsort(self.rng.uniform([count]))
    num_batches = count // batch  # The remainder is dropped, as the authors do.
    return tf.reshape(order[:num_batches * batch], [num_batches, batch])

  def _generator_gradients(self, tokens, rewards=None):
    """G's loss on `tokens` [B, T] and its globally clipped gradients.

    The MLE loss when `rewards` is None, else the policy-gradient loss
    with these rewards [B, T]. Compiled by XLA unless `xla.set_enabled(False)`
    (see `seqgan_tf/xla.py`); D is faster without XLA, so it is not compiled.
    """
    variables = self.generator.trainable_variables
    with tf.GradientTape() as tape:
      log_probs = self.generator.token_log_probs(tokens)
      if rewards is None:
        loss = losses.mle_loss(log_probs)
      else:
        loss = losses.policy_gradient_loss(log_probs, rewards)
    grads, _ = tf.clip_by_global_norm(tape.gradient(loss, variables),
                                      self.config.generator.grad_clip)
    return loss, grads

  @tf.function
  def mle_epoch(self, data):
    """One epoch of MLE on `data` int32 [N, T]; returns the mean loss."""
    batches = self._shuffled_batches(tf.shape(data)[0])
    variables = self.generator.trainable_variables
    total = tf.constant(0.0)
    for i in tf.range(tf.shape(batches)[0]):
      loss, grads = self._generator_gradients(tf.gather(data, batches[i]))
      self.mle_optimizer.apply_gradients(zip(grads, variables))
      total += loss
    return total / tf.cast(tf.shape(batches)[0], tf.float32)

  @tf.function
  def d_epoch(self, tokens, labels):
    """One epoch of D on shuffled real+fake `tokens` [N, T] with `labels` [N]."""
    batches = self._shuffled_batches(tf.shape(tokens)[0])
    variables = self.discriminator.trainable_variables
    cfg = self.config.discriminator
    total = tf.constant(0.0)
    for i in tf.range(tf.shape(batches)[0]):
      batch_tokens = tf.gather(tokens, batches[i])
      batch_labels = tf.gather(labels, batches[i])
      with tf.GradientTape() as tape:
        logits = self.discriminator(batch_tokens, training=True,
                                    dropout_seed=self.rng.make_seeds(1)[:, 0])
        loss = losses.discriminator_loss(logits, batch_labels,
                                         self.discriminator.l2_penalty(),
                                         cfg.l2_reg_lambda)
      self.d_optimizer.apply_gradients(
          zip(tape.gradient(loss, variables), variables))
      total += loss
    return total / tf.cast(tf.shape(batches)[0], tf.float32)

  @tf.function
  def generate(self, count, rng=None):
    """`count` sequences sampled from G, int32 [count, T]."""
    rng = rng or self.rng
    chunks = tf.TensorArray(tf.int32, size=0, dynamic_size=True,
                            infer_shape=False)
    for start in tf.range(0, count, GENERATE_BATCH):
      size = tf.minimum(GENERATE_BATCH, count - start)
      chunks = chunks.write(chunks.size(), self.generator.sample(size, rng))
    return chunks.concat()

  @tf.function
  def policy_gradient_step(self):
    """One g-step: sample a batch, estimate Q by rollouts, update G (Eq. 8).

    Returns:
      (loss, mean reward), float32 scalars.
    """
    samples = self.generator.sample(self.config.batch_size, self.rng)
    # D only scores here: its weights are not among the updated variables.
    rewards = self.rollout.rewards(samples,
                                   self.discriminator.rollout_scorer(samples),
                                   self.config.rollout_num, self.rng)
    loss, grads = self._generator_gradients(samples, rewards)
    self.pg_optimizer.apply_gradients(
        zip(grads, self.generator.trainable_variables))
    return loss, tf.reduce_mean(rewards)

  def train_discriminator(self, real):
    """One D round: fresh negatives, then `k_epochs` epochs on real+fake."""
    count = int(real.shape[0])  # A Python int: one trace of `generate`.
    fake = self.generate(count)
    tokens = tf.concat([real, fake], axis=0)
    labels = tf.concat([tf.ones(count, tf.int32), tf.zeros(count, tf.int32)],
                       axis=0)
    return float(np.mean([self.d_epoch(tokens, labels)
                          for _ in range(self.config.k_epochs)]))


def _check_finite(value, phase, epoch, what):
  if not math.isfinite(value):
    raise FloatingPointError(
        f"{what} is {value} in phase {PHASE_NAMES[phase]}, epoch {epoch}: "
        "stopping; the last good checkpoint is kept (lower the learning "
        "rate or check the data)")
  return value


class Experiment:
  """One SeqGAN (or MLE-baseline) run of a task in one run directory.

  `run_dir` receives config.json, checkpoints/, TensorBoard events, samples.txt
  and results.json. Starting again in the same directory resumes from the
  latest checkpoint.

  Args:
    config: `SeqGANConfig`.
    task: `tasks.OracleTask` or `tasks.TextTask`: the real data, the metrics
      and how samples print.
    run_dir: the run directory.
  """

  def __init__(self, config, task, run_dir):
    self.config = config.validate()
    self.task = task
    self.run_dir = run_dir
    self.model = SeqGAN(config)
    # Evaluation draws from its own generator, so how often it runs does not
    # change the training trajectory.
    self.eval_rng = tf.random.Generator.from_seed(config.seed + 2)
    self.phase = tf.Variable(G_PRETRAIN, dtype=tf.int64, trainable=False)
    self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False)  # In phase.
    self.real_data = tf.Variable(
        tf.zeros([task.num_real, config.generator.seq_len], tf.int32),
        trainable=False)
    self.checkpoint = tf.train.Checkpoint(
        phase=self.phase, epoch=self.epoch, real_data=self.real_data,
        eval_rng=self.eval_rng,
        **self.model.checkpoint_items())
    self.manager = tf.train.CheckpointManager(
        self.checkpoint, os.path.join(run_dir, "checkpoints"), max_to_keep=3)
    self.writer = None
    self._signal_received = None

  # --- set-up ---------------------------------------------------------------

  def _prepare_run_dir(self):
    """Checks the directory is this run's, restores or starts it."""
    os.makedirs(self.run_dir, exist_ok=True)
    config_path = os.path.join(self.run_dir, "config.json")
    config_json = json.dumps(
        dict(config=config_lib.to_dict(self.config),
             task=self.task.description), indent=2, sort_keys=True)
    if os.path.exists(config_path):
      with open(config_path) as f:
        if json.load(f) != json.loads(config_json):
          raise RunDirError(
              f"{self.run_dir} holds a run with another config.json: pass a "
              "new --run_name, or --overwrite to discard it")
    latest = self.manager.latest_checkpoint
    if latest:
      try:
        self.checkpoint.restore(latest).assert_existing_objects_matched()
      except Exception as e:  # A damaged file raises OpError, IndexError, ...
        raise RunDirError(
            f"{latest}: cannot restore this checkpoint ({type(e).__name__}); "
            "it is truncated or from another model: pass a new --run_name, "
            "or --overwrite to discard it") from None
      logging.info("Resumed from %s: phase %s, %d epochs done in it", latest,
                   PHASE_NAMES[int(self.phase)], int(self.epoch))
    else:
      logging.info("Starting a new run in %s", self.run_dir)
      self.real_data.assign(self.task.real_data(self.config.seed + 1))
      with open(config_path, "w") as f:
        f.write(config_json + "\n")
    self.writer = tf.summary.create_file_writer(self.run_dir)
    if not latest:
      with self.writer.as_default():
        hparams_api.hparams(_flat_hparams(self.config))

  def _save(self, phase, epoch):
    self.phase.assign(phase)
    self.epoch.assign(epoch)
    self.manager.save()

  def _end_epoch(self, phase, done, total):
    """Checkpoints when due, and stops here if a signal asked to."""
    if (done % self.config.checkpoint_every == 0 or done == total or
        self._signal_received):
      self._save(phase, done)
    if self._signal_received:
      name = signal.Signals(self._signal_received).name
      raise Interrupted(
          f"{name}: stopped after epoch {done} of phase {PHASE_NAMES[phase]} "
          f"and saved a checkpoint in {self.run_dir}; run the same command "
          "to resume", self._signal_received)

  def _on_signal(self, signal_number, frame):
    del frame
    self._signal_received = signal_number
    logging.warning("%s received: finishing this epoch, then saving a "
                    "checkpoint and stopping", signal.Signals(signal_number).name)

  # --- evaluation -----------------------------------------------------------

  def _evaluate(self, step, label, num_samples=None):
    """The task's metrics on fresh G samples, logged at `step` (G epochs)."""
    samples = self.model.generate(num_samples or self.config.eval_samples,
                                  self.eval_rng)
    metrics = self.task.evaluate(samples, self.model.generator)
    progress.write_scalars(self.writer, step, **metrics)
    progress.write_samples(self.writer, step, "samples",
                           self.task.format_samples(samples[:8]))
    logging.info("Evaluation %s: %s", label,
                 " ".join(f"{k} {v:.4f}" for k, v in metrics.items()))
    return metrics, samples

  def _headline(self, metrics):
    """The first metric (NLL-oracle, BLEU-n) for the progress line."""
    return {k: v for k, v in list(metrics.items())[:1]} if metrics else {}

  def _due(self, epoch, total):
    return epoch % self.config.eval_every == 0 or epoch == total - 1

  # --- phases -----------------------------------------------------------------

  def _run_mle(self, phase, first_epoch, total, step_offset):
    """MLE epochs: G pre-training, or the MLE baseline's continuation."""
    timer = progress.PhaseTimer(PHASE_NAMES[phase] if phase == G_PRETRAIN else
                                "mle-continued", total)
    for epoch in range(first_epoch, total):
      timer.start()
      loss = _check_finite(float(self.model.mle_epoch(self.real_data)), phase,
                           epoch, "MLE loss")
      metrics = {}
      if self._due(epoch, total):
        metrics, _ = self._evaluate(step_offset + epoch,
                                    f"G epoch {step_offset + epoch}")
      timer.stop()
      progress.write_scalars(self.writer, step_offset + epoch, mle_loss=loss)
      timer.log(epoch + 1, mle_loss=loss, **self._headline(metrics))
      self._end_epoch(phase, epoch + 1, total)

  def _run_d_pretrain(self, first_round):
    total = self.config.pretrain_d_rounds
    timer = progress.PhaseTimer(PHASE_NAMES[D_PRETRAIN], total)
    for round_index in range(first_round, total):
      timer.start()
      loss = _check_finite(self.model.train_discriminator(self.real_data),
                           D_PRETRAIN, round_index, "D loss")
      timer.stop()
      progress.write_scalars(self.writer, round_index, d_pretrain_loss=loss)
      timer.log(round_index + 1, d_loss=loss)
      self._end_epoch(D_PRETRAIN, round_index + 1, total)

  def _run_adversarial(self, first_epoch):
    cfg = self.config
    total = cfg.adversarial_epochs
    timer = progress.PhaseTimer(PHASE_NAMES[ADVERSARIAL], total)
    if first_epoch == 0:  # beta was copied before pre-training: refresh it.
      self.model.rollout.copy_from(self.model.generator)
    for epoch in range(first_epoch, total):
      timer.start()
      step = cfg.pretrain_g_epochs + epoch
      for _ in range(cfg.g_steps):
        pg_loss, reward = self.model.policy_gradient_step()
        _check_finite(float(pg_loss), ADVERSARIAL, epoch, "policy-gradient loss")
      metrics = {}
      if self._due(epoch, total):
        metrics, _ = self._evaluate(step, f"adversarial epoch {epoch}")
      self.model.rollout.update(self.model.generator)
      d_loss = float(np.mean([self.model.train_discriminator(self.real_data)
                              for _ in range(cfg.d_steps)]))
      _check_finite(d_loss, ADVERSARIAL, epoch, "D loss")
      timer.stop()
      progress.write_scalars(self.writer, step, pg_loss=float(pg_loss),
                             mean_reward=float(reward), d_loss=d_loss)
      timer.log(epoch + 1, pg_loss=float(pg_loss), mean_reward=float(reward),
                d_loss=d_loss, **self._headline(metrics))
      self._end_epoch(ADVERSARIAL, epoch + 1, total)

  def run(self):
    """Runs (or resumes) the whole schedule; returns the results dict.

    SIGINT and SIGTERM finish the current epoch, save a checkpoint and raise
    `Interrupted`.
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
    cfg = self.config
    results_path = os.path.join(self.run_dir, "results.json")
    if int(self.phase) == DONE:
      logging.info("%s already holds a finished run: nothing to do (pass "
                   "--overwrite or a new --run_name to run again)",
                   self.run_dir)
      with open(results_path) as f:
        return json.load(f)
    started = time.monotonic()
    phase, epoch = int(self.phase), int(self.epoch)
    if phase == G_PRETRAIN:
      self._run_mle(G_PRETRAIN, epoch, cfg.pretrain_g_epochs, 0)
      phase, epoch = (D_PRETRAIN if cfg.mode == "seqgan" else ADVERSARIAL), 0
    if phase == D_PRETRAIN:
      self._run_d_pretrain(epoch)
      phase, epoch = ADVERSARIAL, 0
    if phase == ADVERSARIAL:
      if cfg.mode == "seqgan":
        self._run_adversarial(epoch)
      else:  # The MLE baseline: pre-training goes on for as many epochs.
        self._run_mle(ADVERSARIAL, epoch, cfg.adversarial_epochs,
                      cfg.pretrain_g_epochs)
    final_step = cfg.pretrain_g_epochs + cfg.adversarial_epochs
    metrics, samples = self._evaluate(final_step, "final",
                                      num_samples=cfg.final_eval_samples)
    with open(os.path.join(self.run_dir, "samples.txt"), "w",
              encoding="utf-8") as f:
      for sample in self.task.format_samples(samples[:10000]):
        f.write(sample.replace("  \n", " ") + "\n")
    results = dict(mode=cfg.mode, final_eval_samples=cfg.final_eval_samples,
                   epochs=final_step,
                   wall_seconds_this_start=time.monotonic() - started,
                   **{f"{k}_final": v for k, v in metrics.items()})
    with open(results_path, "w") as f:
      json.dump(results, f, indent=2)
    self._save(DONE, 0)
    self.writer.flush()
    return results


def _flat_hparams(config):
  flat = {}
  for key, value in dataclasses.asdict(config).items():
    if isinstance(value, dict):
      for inner, inner_value in value.items():
        flat[f"{key}.{inner}"] = inner_value
    else:
      flat[key] = value
  return {k: (",".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
          for k, v in flat.items()}
