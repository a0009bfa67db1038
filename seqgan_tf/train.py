"""G, D, the rollout policy and the `tf.function` steps that train them.

The steps are the building blocks of every training method (see
`seqgan_tf.recipes`): an MLE epoch, a D epoch, sampling, and a
policy-gradient step with a reward given by the method. Whole epochs run
inside one `tf.function` call each; the schedule around them is eager
Python in the recipes and `seqgan_tf.runner`.
"""

import functools

import keras
import numpy as np
import tensorflow as tf

from seqgan_tf import discriminator as discriminator_lib
from seqgan_tf import generator as generator_lib
from seqgan_tf import losses
from seqgan_tf import optimizers
from seqgan_tf import rollout as rollout_lib
from seqgan_tf import runtime as runtime_lib

# Sequences per sampling call: large enough that the per-call overhead is
# small, small enough that a call's [B, V] softmax stays in cache (the
# sizes timed are in docs/performance.md).
GENERATE_BATCH = 512


def replica_spread(variables):
  """max |copy_i - copy_0| over the replicas' copies of `variables`."""
  spread = 0.0
  for variable in variables:
    if isinstance(variable, keras.Variable):
      variable = variable.value  # The tf.Variable, mirrored or not.
    copies = getattr(variable, "values", None)  # A MirroredVariable's.
    if not copies:
      continue
    first = copies[0].numpy()
    for copy in copies[1:]:
      spread = max(spread, float(np.max(np.abs(copy.numpy() - first))))
  return spread


class Trainer:
  """G, D, the rollout policy G_beta, their optimisers, the RNG and the steps.

  Built from a `SeqGANConfig` only (never from flags), so tests can make one
  with a tiny config. Every method builds all of it, D included, so every
  method's checkpoint has the same layout. `runtime` (a
  `runtime.RuntimeConfig`, default XLA on) says whether G's gradient step
  is compiled by XLA, and over which devices the steps run.

  Attributes:
    strategy: the `tf.distribute.Strategy` everything is built under.
    num_replicas: its replicas, over which each batch is split.
    role: this process's part in the run directory (`runtime.role`):
      "only", or "chief" or "worker" of a multi-worker cluster.
  """

  def __init__(self, config, runtime=None):
    self.config = config.validate()
    self.runtime = runtime or runtime_lib.RuntimeConfig()
    gen_cfg, dis_cfg = config.generator, config.discriminator
    self.strategy = self.runtime.distribution()
    self.num_replicas = self.strategy.num_replicas_in_sync
    self.role = runtime_lib.role(self.strategy)
    if config.batch_size % self.num_replicas:
      raise ValueError(
          f"--batch_size={config.batch_size} does not split into the "
          f"{self.num_replicas} replicas of --strategy={self.runtime.strategy}:"
          " give a multiple of the replica count")
    keras.utils.set_random_seed(config.seed)  # Seeds D's initialisers.
    # Outside the strategy: one stream, drawn from where no replica runs, so
    # that every replica sees the same batches and seeds.
    self.rng = tf.random.Generator.from_seed(config.seed)
    with self.strategy.scope():
      self.generator = generator_lib.Generator(gen_cfg, seed=config.seed)
      self.discriminator = discriminator_lib.Discriminator(dis_cfg)
      self.rollout = rollout_lib.Rollout(self.generator,
                                         config.rollout_update_rate)
      # Separate Adam states for MLE and policy gradient, as the authors
      # have. Built here, before any step: Keras builds an optimizer lazily
      # otherwise, which fails inside a replica.
      self.mle_optimizer = optimizers.Adam(gen_cfg.learning_rate)
      self.pg_optimizer = optimizers.Adam(gen_cfg.learning_rate)
      self.d_optimizer = optimizers.Adam(dis_cfg.learning_rate)
      self.mle_optimizer.build(self.generator.trainable_variables)
      self.pg_optimizer.build(self.generator.trainable_variables)
      self.d_optimizer.build(self.discriminator.trainable_variables)
    self.generator_gradients = tf.function(self._generator_gradients,
                                           jit_compile=self.runtime.xla)

  def replica_spread(self):
    """The largest difference between two replicas' copies of any variable
    of G, D or G_beta: 0 unless the replicas have drifted apart (0 on one
    device)."""
    return replica_spread(self.generator.variables +
                          self.discriminator.variables +
                          self.rollout.policy.variables)

  def checkpoint_items(self):
    """Everything to save for an exact resume, by checkpoint name."""
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

  def _generator_gradients(self, tokens, rewards=None, scale=1.0, clip=True):
    """G's loss on `tokens` [B, T] times `scale`, and its gradients,
    globally clipped when `clip`.

    The MLE loss when `rewards` is None, else the policy-gradient loss
    with these rewards [B, T]. Compiled by XLA unless `runtime.xla` is off;
    D is faster without XLA, so it is not compiled.
    """
    variables = self.generator.trainable_variables
    with tf.GradientTape() as tape:
      log_probs = self.generator.token_log_probs(tokens)
      if rewards is None:
        loss = losses.mle_loss(log_probs)
      else:
        loss = losses.policy_gradient_loss(log_probs, rewards)
      loss = loss * scale
    grads = tape.gradient(loss, variables)
    if clip:
      grads, _ = tf.clip_by_global_norm(grads, self.config.generator.grad_clip)
    return loss, grads

  def _replica_start(self):
    """The first row of the global batch that this replica takes."""
    context = tf.distribute.get_replica_context()
    return context.replica_id_in_sync_group * (self.config.batch_size //
                                               self.num_replicas)

  def _replica_rows(self):
    """(indices, global batch size) of this replica's rows, the `rows` of
    `generator.row_uniforms`; None on one device."""
    if self.num_replicas == 1:
      return None
    size = self.config.batch_size // self.num_replicas
    return self._replica_start() + tf.range(size), self.config.batch_size

  def _replica_part(self, *batches):
    """This replica's rows of each global batch [B, ...] (all of it alone)."""
    if self.num_replicas == 1:
      return batches
    start = self._replica_start()
    size = self.config.batch_size // self.num_replicas
    return tuple(batch[start:start + size] for batch in batches)

  def _g_update(self, optimizer, tokens, rewards=None):
    """One update of G, inside a replica, from its rows `tokens` of the
    global batch.

    MLE when `rewards` is None: each replica's loss is its rows' mean
    divided by the replica count, so that the replicas' gradients sum to
    the gradient of the mean over the global batch. Policy gradient with
    its rows' `rewards`: the loss is a sum over batch and time (Eq. 8), so
    each replica's is its rows' sum. The summed gradient is clipped as one.
    """
    if self.num_replicas == 1:  # Clipped inside XLA's computation.
      loss, grads = self.generator_gradients(tokens, rewards)
      optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
      return loss
    scale = 1.0 / self.num_replicas if rewards is None else 1.0
    loss, grads = self.generator_gradients(tokens, rewards, scale=scale,
                                           clip=False)
    self._apply_g_gradients(optimizer, grads)
    return loss

  def _apply_g_gradients(self, optimizer, grads):
    """Applies this replica's share `grads` of G's gradient, unclipped:
    summed over the replicas and clipped as one gradient."""
    if self.num_replicas > 1:
      grads = tf.distribute.get_replica_context().all_reduce(
          tf.distribute.ReduceOp.SUM, [tf.convert_to_tensor(g) for g in grads])
    grads, _ = tf.clip_by_global_norm(grads, self.config.generator.grad_clip)
    if self.num_replicas > 1:
      # apply_gradients sums the replicas' gradients once more.
      grads = [g / self.num_replicas for g in grads]
    optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))

  def _mle_replica_step(self, tokens):
    """One MLE update on the global batch `tokens`, inside a replica."""
    (tokens,) = self._replica_part(tokens)
    return self._g_update(self.mle_optimizer, tokens)

  def _pg_replica_step(self, reward, sample_seeds, seed):
    """A g-step's samples, rollouts and update for this replica's rows.

    Each replica samples, completes and scores its own rows of the global
    batch, each drawn as in the whole batch (`rows=`), so samples and
    rewards do not depend on the replica count. Returns (loss, the
    rewards' sum).
    """
    rows = self._replica_rows()
    samples = self.generator.sample(
        self.config.batch_size // self.num_replicas, sample_seeds, rows=rows)
    rewards = self.rollout.rewards(samples, reward(samples),
                                   self.config.rollout_num, seed, rows)
    # Only G's variables are updated: the reward (D) just scores.
    return (self._g_update(self.pg_optimizer, samples, rewards),
            tf.reduce_sum(rewards))

  def _run(self, replica_step, *args):
    """`replica_step(*args)` on every replica; the sum of its results."""
    if self.num_replicas == 1:
      return replica_step(*args)
    per_replica = self.strategy.run(replica_step, args=args)
    # One reduction per result: a multi-worker strategy reduces no tuples.
    return tf.nest.map_structure(
        lambda value: self.strategy.reduce(tf.distribute.ReduceOp.SUM, value,
                                           axis=None), per_replica)

  @tf.function
  def mle_epoch(self, data):
    """One epoch of MLE on `data` int32 [N, T]; returns the mean loss."""
    batches = self._shuffled_batches(tf.shape(data)[0])
    total = tf.constant(0.0)
    for i in tf.range(tf.shape(batches)[0]):
      total += self._run(self._mle_replica_step, tf.gather(data, batches[i]))
    return total / tf.cast(tf.shape(batches)[0], tf.float32)

  @tf.function
  def scheduled_sampling_epoch(self, data, true_input_prob):
    """One MLE epoch with scheduled sampling; returns the mean loss.

    Args:
      data: int32 [N, T].
      true_input_prob: float32 scalar omega: each input token is the true
        one with this probability, else G's own sample
        (`Generator.scheduled_sampling_log_probs`).
    """
    batches = self._shuffled_batches(tf.shape(data)[0])
    seq_len = data.shape[1]
    total = tf.constant(0.0)
    for i in tf.range(tf.shape(batches)[0]):
      # Drawn outside the replicas: each takes its rows' coins and draws.
      seeds = generator_lib.scheduled_sampling_seeds(self.rng, seq_len)
      total += self._run(self._ss_replica_step, tf.gather(data, batches[i]),
                         seeds, true_input_prob)
    return total / tf.cast(tf.shape(batches)[0], tf.float32)

  def _ss_replica_step(self, tokens, seeds, true_input_prob):
    """One scheduled-sampling update on the global batch, inside a replica:
    its rows' mean loss over the replica count, as `_g_update`'s MLE."""
    variables = self.generator.trainable_variables
    (tokens,) = self._replica_part(tokens)
    with tf.GradientTape() as tape:
      log_probs, _ = self.generator.scheduled_sampling_log_probs(
          tokens, true_input_prob, seeds, self._replica_rows())
      loss = losses.mle_loss(log_probs) / self.num_replicas
    self._apply_g_gradients(self.mle_optimizer, tape.gradient(loss, variables))
    return loss

  @tf.function
  def d_epoch(self, tokens, labels):
    """One epoch of D on shuffled real+fake `tokens` [N, T] with `labels` [N]."""
    batches = self._shuffled_batches(tf.shape(tokens)[0])
    total = tf.constant(0.0)
    for i in tf.range(tf.shape(batches)[0]):
      total += self._run(self._d_replica_step, tf.gather(tokens, batches[i]),
                         tf.gather(labels, batches[i]),
                         self.rng.make_seeds(1)[:, 0])
    return total / tf.cast(tf.shape(batches)[0], tf.float32)

  def _d_replica_step(self, tokens, labels, dropout_seed):
    """One D update on the global batch, inside a replica.

    Each replica's share of the loss is its rows' cross-entropy summed over
    the global batch size, plus its share of the L2 term, so that the
    replicas' gradients sum to the global batch's. Its dropout masks are
    its rows of the global batch's masks, the same for any replica count.
    """
    variables = self.discriminator.trainable_variables
    cfg = self.config.discriminator
    rows = (None if self.num_replicas == 1 else
            tf.stack([self._replica_start(), self.config.batch_size]))
    tokens, labels = self._replica_part(tokens, labels)
    with tf.GradientTape() as tape:
      logits = self.discriminator(tokens, training=True,
                                  dropout_seed=dropout_seed,
                                  dropout_rows=rows)
      loss = losses.discriminator_loss(logits, labels,
                                       self.discriminator.l2_penalty(),
                                       cfg.l2_reg_lambda) / self.num_replicas
    self.d_optimizer.apply_gradients(
        zip(tape.gradient(loss, variables), variables))
    return loss

  @tf.function
  def generate(self, count, rng=None, temperature=1.0):
    """`count` sequences sampled from G, int32 [count, T].

    `temperature` (a Python float) divides G's logits; 1 samples G itself.
    """
    rng = rng or self.rng
    chunks = tf.TensorArray(tf.int32, size=0, dynamic_size=True,
                            infer_shape=False)
    for start in tf.range(0, count, GENERATE_BATCH):
      size = tf.minimum(GENERATE_BATCH, count - start)
      chunks = chunks.write(chunks.size(),
                            self._sample_chunk(size, rng, temperature))
    return chunks.concat()

  def _sample_chunk(self, size, rng, temperature):
    """`size` sequences of G, each replica drawing its rows as in the whole.

    The seeds are drawn as `Generator.sample` draws them, so a chunk is the
    same whatever the replica count. A chunk that does not split evenly
    pads the last replica's share with rows that are drawn and dropped.
    """
    if self.num_replicas == 1:
      return self.generator.sample(size, rng, temperature)
    seeds = generator_lib.step_seeds(rng, self.config.generator.seq_len)
    share = -(-size // self.num_replicas)

    def replica_sample():
      start = tf.distribute.get_replica_context().replica_id_in_sync_group
      rows = start * share + tf.range(share), share * self.num_replicas
      return self.generator.sample(share, seeds, temperature, rows)

    per_replica = self.strategy.run(replica_sample)
    return self.strategy.gather(per_replica, axis=0)[:size]

  def policy_gradient_step(self, reward):
    """A g-step with this reward: sample, estimate Q by rollouts, update G.

    Args:
      reward: `reward(samples)` for samples int32 [B, T] (under several
        replicas, each replica's rows) returns the `reward_fn(tokens, t)`
        that `Rollout.rewards` calls on their completed rollouts (see there). SeqGAN passes `Discriminator.rollout_scorer`;
        any function of the tokens works, e.g.
        `lambda samples: lambda tokens, t: score(tokens)`.

    Returns:
      A `tf.function` taking no arguments that performs one update of
      Eq. (8) on a fresh batch and returns (loss, mean reward), float32
      scalars.
    """
    num_tokens = self.config.batch_size * self.config.generator.seq_len

    @tf.function
    def step():
      # Drawn outside the replicas, so that every replica has them: the
      # samples' per-step seeds, then the rollouts' seed.
      sample_seeds = generator_lib.step_seeds(self.rng,
                                              self.config.generator.seq_len)
      seed = self.rng.make_seeds(1)[:, 0]
      loss, reward_sum = self._run(
          functools.partial(self._pg_replica_step, reward), sample_seeds, seed)
      return loss, reward_sum / num_tokens

    return step

  def train_discriminator(self, real, epochs):
    """One D round: fresh negatives, then `epochs` epochs on real+fake.

    Args:
      real: int32 [N, T]; as many negatives are generated.
      epochs: passes over the 2N sequences (the paper's k).

    Returns:
      The mean D loss over the round, a float.
    """
    count = int(real.shape[0])  # A Python int: one trace of `generate`.
    fake = self.generate(count)
    tokens = tf.concat([real, fake], axis=0)
    labels = tf.concat([tf.ones(count, tf.int32), tf.zeros(count, tf.int32)],
                       axis=0)
    return float(np.mean([self.d_epoch(tokens, labels)
                          for _ in range(epochs)]))
