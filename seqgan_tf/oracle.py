"""The synthetic oracle: a fixed random LSTM that plays the real data.

The oracle is a `Generator` with every parameter drawn N(0, 1), either from a
seed or loaded from the authors' pickle (`target_params_py3.pkl`).
"""

import dataclasses
import os
import pickle

import numpy as np
import tensorflow as tf

from seqgan_tf import download
from seqgan_tf import generator as generator_lib

PAPER_ORACLE_URL = (
    "https://github.com/LantaoYu/SeqGAN/raw/master/save/target_params_py3.pkl")
PAPER_ORACLE_SHA256 = (
    "5ac794a695dd6e0eb2bb689f3dfda55e4e0053e8c0399e6242630a95f1e60e8a")
PAPER_ORACLE_FILENAME = "target_params_py3.pkl"
# Order of the 15 arrays in the authors' oracle pickle (target_lstm.py):
# embedding; then input, forget, output gates and cell candidate, each as
# (W [E,H], U [H,H], b [H]); then the output layer Wo [H,V], bo [V].
PARAM_NAMES = ("embedding", "Wi", "Ui", "bi", "Wf", "Uf", "bf", "Wog", "Uog",
               "bog", "Wc", "Uc", "bc", "Wo", "bo")
_GATES = ("i", "f", "og", "c")  # The Generator's fused gate order too.


def param_shapes(vocab_size, emb_dim, hidden_dim):
  """Shapes of the 15 arrays, in `PARAM_NAMES` order."""
  shapes = [(vocab_size, emb_dim)]
  for _ in _GATES:
    shapes += [(emb_dim, hidden_dim), (hidden_dim, hidden_dim), (hidden_dim,)]
  return shapes + [(hidden_dim, vocab_size), (vocab_size,)]


def params_of(generator):
  """A `Generator`'s weights as the authors' 15 arrays (float32 numpy)."""
  split = lambda w: np.split(np.asarray(w), 4, axis=-1)
  kernels, recurrents, biases = (split(generator.kernel),
                                 split(generator.recurrent_kernel),
                                 split(generator.bias))
  params = [np.asarray(generator.embedding)]
  for gate in range(len(_GATES)):
    params += [kernels[gate], recurrents[gate], biases[gate]]
  params += [np.asarray(generator.output_kernel),
             np.asarray(generator.output_bias)]
  return [p.astype(np.float32) for p in params]


def set_params(generator, params):
  """Loads the authors' 15 arrays (see `PARAM_NAMES`) into a `Generator`.

  Raises:
    ValueError: wrong count, shape or dtype, naming the first bad array.
  """
  cfg = generator.config
  expected = param_shapes(cfg.vocab_size, cfg.emb_dim, cfg.hidden_dim)
  if not isinstance(params, (list, tuple)) or len(params) != len(expected):
    count = len(params) if isinstance(params, (list, tuple)) else "not a list"
    raise ValueError(
        f"oracle params: expected a list of {len(expected)} arrays "
        f"({', '.join(PARAM_NAMES)}), got {count}")
  arrays = []
  for name, shape, value in zip(PARAM_NAMES, expected, params):
    array = np.asarray(value)
    if not np.issubdtype(array.dtype, np.floating):
      raise ValueError(f"oracle param {name}: dtype {array.dtype}, expected "
                       "float32")
    if array.shape != shape:
      raise ValueError(
          f"oracle param {name}: shape {array.shape}, expected {shape} for "
          f"vocab_size={cfg.vocab_size}, emb_dim={cfg.emb_dim}, "
          f"hidden_dim={cfg.hidden_dim}; pass matching flags")
    if not np.all(np.isfinite(array)):
      raise ValueError(f"oracle param {name}: holds NaN or Inf; the oracle "
                       "file is damaged")
    arrays.append(array.astype(np.float32))
  gates = [arrays[1 + 3 * g:4 + 3 * g] for g in range(len(_GATES))]
  generator.embedding.assign(arrays[0])
  generator.kernel.assign(np.concatenate([g[0] for g in gates], axis=1))
  generator.recurrent_kernel.assign(np.concatenate([g[1] for g in gates],
                                                   axis=1))
  generator.bias.assign(np.concatenate([g[2] for g in gates]))
  generator.output_kernel.assign(arrays[13])
  generator.output_bias.assign(arrays[14])


def random_params(config, seed, stddev=1.0):
  """Oracle parameters drawn N(0, stddev) with numpy, authors' layout.

  Numpy (not TF) draws them so an oracle seed names the same oracle on every
  machine and TF version.

  Raises:
    ValueError: a negative seed, or a stddev that is not a finite number > 0.
  """
  if not seed >= 0:
    raise ValueError(f"--oracle_seed={seed}: must be >= 0")
  if not (np.isfinite(stddev) and stddev > 0):
    raise ValueError(f"--oracle_stddev={stddev}: must be a finite number > 0")
  rng = np.random.default_rng(seed)
  shapes = param_shapes(config.vocab_size, config.emb_dim, config.hidden_dim)
  return [rng.normal(0.0, stddev, size=s).astype(np.float32) for s in shapes]


def save_params(params, path):
  """Writes params as the authors do: a pickled list of float32 arrays."""
  with open(path, "wb") as f:
    pickle.dump([np.asarray(p, np.float32) for p in params], f)


class _ArrayUnpickler(pickle.Unpickler):
  """Unpickles numpy arrays in plain lists, and refuses everything else.

  `pickle.load` calls whatever a file names, so a crafted "oracle" could
  run code; this unpickler resolves only the three names a pickled float
  array needs (what the authors' file holds), so nothing else can be built.
  """

  _ALLOWED = {("numpy.core.multiarray", "_reconstruct"),
              ("numpy._core.multiarray", "_reconstruct"),
              ("numpy", "ndarray"), ("numpy", "dtype")}

  def find_class(self, module, name):
    if (module, name) not in self._ALLOWED:
      raise pickle.UnpicklingError(
          f"it asks for {module}.{name}, and an oracle file may hold only "
          "numpy arrays in a list")
    return super().find_class(module, name)


def load_params(path):
  """Reads an oracle pickle without running anything it names.

  Raises:
    ValueError: the file is missing, not a pickled list of numpy arrays,
      or names anything else.
  """
  if os.path.isdir(path):
    raise ValueError(f"--oracle_params={path}: a directory, expected the file "
                     f"{PAPER_ORACLE_FILENAME}")
  if not os.path.isfile(path):
    raise ValueError(f"--oracle_params={path}: no such file; pass the path of "
                     f"{PAPER_ORACLE_FILENAME} or use --oracle=paper")
  try:
    with open(path, "rb") as f:
      params = _ArrayUnpickler(f, encoding="latin1").load()
  except Exception as e:  # pickle raises many types on foreign bytes.
    raise ValueError(f"--oracle_params={path}: not a readable pickle "
                     f"({type(e).__name__}: {e}); pass the authors' "
                     f"{PAPER_ORACLE_FILENAME}") from None
  if not isinstance(params, (list, tuple)):
    raise ValueError(f"--oracle_params={path}: holds a {type(params).__name__},"
                     " expected a list of 15 arrays")
  return list(params)


def fetch_paper_params(cache_dir):
  """Path of the authors' oracle pickle, downloaded into `cache_dir` once.

  Raises:
    ValueError: offline, or the file's sha256 is not the authors'.
  """
  path = os.path.join(cache_dir, PAPER_ORACLE_FILENAME)
  return download.fetch(
      PAPER_ORACLE_URL, PAPER_ORACLE_SHA256, path,
      fix=f"--oracle=paper needs it: copy {PAPER_ORACLE_FILENAME} to {path} "
      "or pass --oracle_params=FILE")


def build(config, params):
  """A frozen oracle `Generator` holding `params` (authors' layout).

  Always float32, whatever G's precision: it defines the data and the metric.
  """
  config = dataclasses.replace(config, precision="fp32")
  oracle = generator_lib.Generator(config, name="oracle")
  set_params(oracle, params)
  oracle.trainable = False
  return oracle


def resolve_params(config, oracle="random", oracle_params=None, seed=0,
                   stddev=1.0, cache_dir="save/oracle"):
  """The oracle parameters a run asked for.

  Args:
    config: `GeneratorConfig` of the oracle's architecture.
    oracle: "paper" (the authors' pickle, downloaded) or "random".
    oracle_params: path of a pickle; overrides `oracle`.
    seed: seed of the random oracle.
    stddev: stddev of the random oracle.
    cache_dir: where "paper" is downloaded to.
  """
  if oracle_params:
    return load_params(oracle_params)
  if oracle == "paper":
    return load_params(fetch_paper_params(cache_dir))
  if oracle == "random":
    return random_params(config, seed, stddev)
  raise ValueError(f"--oracle={oracle}: must be 'paper' or 'random'")


def make_nll_fn(model, batch_size=256, temperature=1.0, xla=True):
  """A `tf.function` giving the mean per-token NLL of `tokens` under `model`.

  NLL-oracle (paper Section 4) is this with the oracle as `model` and G's
  samples as `tokens` [N, model.config.seq_len]; the authors' `target_loss`
  averages the same way. Each chunk of `batch_size` sequences is one call,
  compiled by XLA unless `xla` is false. `temperature` divides
  `model`'s logits (NLL-test of G at a sampling temperature).

  Called in a `tf.distribute.Strategy`'s scope, each of its replicas sums
  the NLL of its contiguous share of `tokens`: equal to one device's within
  float rounding, the sums being added in another order.
  """
  seq_len = model.config.seq_len

  @tf.function(jit_compile=xla)
  def chunk_nll(batch):
    return -tf.reduce_sum(model.token_log_probs(batch, temperature,
                                                for_gradient=False))

  def total_nll(tokens):
    total = tf.constant(0.0)
    count = tf.shape(tokens)[0]
    full = count // batch_size * batch_size
    for start in tf.range(0, full, batch_size):
      total += chunk_nll(tokens[start:start + batch_size])
    if full < count:  # The remainder, as one more (differently shaped) call.
      total += chunk_nll(tokens[full:])
    return total

  def replica_total_nll(tokens):
    context = tf.distribute.get_replica_context()
    share = -(-tf.shape(tokens)[0] // context.num_replicas_in_sync)
    start = context.replica_id_in_sync_group * share
    return total_nll(tokens[start:start + share])

  @tf.function(input_signature=[tf.TensorSpec([None, seq_len], tf.int32)])
  def nll(tokens):
    # The strategy of the scope it is traced in (tf.function traces anew
    # in another scope).
    strategy = tf.distribute.get_strategy()
    if strategy.num_replicas_in_sync == 1:
      total = total_nll(tokens)
    else:
      total = strategy.reduce(
          tf.distribute.ReduceOp.SUM,
          strategy.run(replica_total_nll, args=(tokens,)), axis=None)
    return total / tf.cast(tf.size(tokens), tf.float32)

  return lambda tokens: nll(tf.cast(tokens, tf.int32))
