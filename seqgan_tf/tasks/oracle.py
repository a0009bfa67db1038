"""oracle: the synthetic experiment, a random LSTM as the real data (Table 1).

NLL-oracle of G's samples is the metric (paper Section 4), beside NLL-test.
"""

import dataclasses
import os
from typing import Optional

import numpy as np
import tensorflow as tf

from seqgan_tf import download
from seqgan_tf import oracle as oracle_lib
from seqgan_tf.tasks import base


@dataclasses.dataclass(frozen=True)
class OracleConfig:
  """Which oracle plays the real data, and the held-out set of NLL-test.

  Attributes:
    oracle: paper: the authors' oracle pickle from `oracle_dir`; random:
      drawn N(0, oracle_stddev) from `oracle_seed`.
    oracle_dir: where oracle=paper finds target_params_py3.pkl, or
      downloads it to (sha256-checked); default save/oracle.
    oracle_params: path of an oracle pickle in the authors' layout;
      overrides `oracle` and the preset.
    oracle_seed: seed of the random oracle.
    oracle_stddev: stddev of the random oracle's parameters.
    test_size: held-out real sequences: the test-NLL set (and the BLEU
      references of a corpus).
  """
  oracle: str = base.choice("paper", ("paper", "random"))
  oracle_dir: Optional[str] = None
  oracle_params: Optional[str] = None
  oracle_seed: int = 0
  oracle_stddev: float = 1.0
  test_size: int = 10000

  def validate(self):
    base.check_choices(self)
    if self.test_size < 1:
      raise ValueError(f"--test_size={self.test_size}: must be >= 1")
    return self


class OracleTask(base.Task):
  """The synthetic experiment: a random LSTM plays the real distribution.

  Metrics: NLL-oracle of G's samples (the paper's), and NLL-test, G's NLL of
  `test_size` held-out oracle samples: NLL-oracle alone rewards a G that
  repeats a few likely sequences, NLL-test does not.

  Args:
    config: the run's `SeqGANConfig`; the oracle has G's architecture.
    oracle_params: the oracle's 15 arrays (authors' layout).
    description: where the oracle came from, saved in config.json.
    test_size: held-out oracle samples for NLL-test, drawn from seed + 3.
    xla: compile the NLL functions with XLA.
    strategy: the `tf.distribute.Strategy` the run trains under
      (`RuntimeConfig.distribution()`): the oracle is built in its scope,
      so that each replica evaluates NLL-oracle with its own copy.
  """

  DEFAULT_TEST_SIZE = OracleConfig.test_size
  metric_names = ("nll_oracle", "nll_test")
  # results.json also names its lowest value during the method's training.
  best_metric = "nll_oracle"

  def __init__(self, config, oracle_params, description,
               test_size=DEFAULT_TEST_SIZE, xla=True, strategy=None):
    self.strategy = strategy or tf.distribute.get_strategy()
    with self.strategy.scope():
      self.oracle = oracle_lib.build(config.generator, oracle_params)
    self._xla = xla
    self._nll_oracle = oracle_lib.make_nll_fn(self.oracle, xla=xla)
    self.num_real = config.num_samples
    self.test_size = test_size
    self._test_seed = config.seed + 3
    self._test = None
    self._nll_fns = {}
    description = {k: v for k, v in description.items() if k != "task"}
    self.description = dict(task="oracle", test_size=test_size, **description)

  @classmethod
  def from_config(cls, task_config, config, runtime):
    """The oracle `task_config` names, of G's architecture in `config`."""
    config.validate()
    task_config.validate()
    if task_config.oracle_params:
      path = task_config.oracle_params
    elif task_config.oracle == "paper":
      path = oracle_lib.fetch_paper_params(
          task_config.oracle_dir or os.path.join("save", "oracle"))
    else:
      params = oracle_lib.random_params(config.generator,
                                        task_config.oracle_seed,
                                        task_config.oracle_stddev)
      description = dict(oracle="random", oracle_seed=task_config.oracle_seed,
                         oracle_stddev=task_config.oracle_stddev)
      return cls(config, params, description, task_config.test_size,
                 runtime.xla, runtime.distribution())
    params = oracle_lib.load_params(path)  # Says which flag, if it is missing.
    return cls(config, params, cls.file_description(download.sha256_of(path)),
               task_config.test_size, runtime.xla, runtime.distribution())

  @staticmethod
  def file_description(sha256):
    """How config.json names an oracle read from a file: by its content.

    Naming the content, not the path, lets a run resume when the file
    moves (a local copy instead of the download).
    """
    name = "paper" if sha256 == oracle_lib.PAPER_ORACLE_SHA256 else "file"
    return dict(oracle=name, sha256=sha256)

  def real_data(self, seed):
    """`num_samples` oracle samples, int32 [N, T]."""
    return self.oracle.sample(self.num_real,
                              tf.random.Generator.from_seed(seed))

  def evaluate(self, samples, generator, temperature=1.0):
    """{nll_oracle, nll_test}; G's NLL-test at the samples' temperature."""
    if self._test is None:
      self._test = self.oracle.sample(
          self.test_size, tf.random.Generator.from_seed(self._test_seed))
    key = (id(generator), temperature)
    if key not in self._nll_fns:
      self._nll_fns[key] = oracle_lib.make_nll_fn(
          generator, temperature=temperature, xla=self._xla)
    return {"nll_oracle": float(self._nll_oracle(samples)),
            "nll_test": float(self._nll_fns[key](self._test))}

  def format_samples(self, tokens):
    """Token ids, space-separated: samples.txt's lines and the text tab's."""
    return [" ".join(map(str, row)) for row in np.asarray(tokens)]
