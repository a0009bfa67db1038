"""What every task is: the interface `Experiment` trains and scores through.

A task gives the real sequences G and D train on, scores generated samples
(the metrics logged to TensorBoard on the epoch axis) and formats samples
for people. Each task has a typed config (`OracleConfig`, `CorpusConfig`,
`MusicConfig`); `tasks.build(task_config, config)` makes the task and the
model config the data decides (a corpus's vocabulary size).
"""

import dataclasses


def check_choices(task_config):
  """Raises ValueError for a field outside its `choices` (see `choice`)."""
  for field in dataclasses.fields(task_config):
    choices = field.metadata.get("choices")
    value = getattr(task_config, field.name)
    if choices and value not in choices:
      raise ValueError(f"--{field.name}={value}: choose one of "
                       f"{', '.join(map(str, choices))}")


def choice(default, choices):
  """A task-config field that takes one of `choices` (an enum flag)."""
  return dataclasses.field(default=default,
                           metadata=dict(choices=tuple(choices)))


def internal(default):
  """A task-config field that is no flag: fixed by the task, not the user."""
  return dataclasses.field(default=default, metadata=dict(flag=False))


@dataclasses.dataclass(frozen=True)
class ResultsTable:
  """A Markdown table of sibling runs that a finished run updates.

  Attributes:
    path: the table's file.
    runs: [(row name, run directory)]; runs without results.json are left
      out.
    note: a line printed above the table, or "".
    provenance: a line printed below it: the command, commit, CPU and
      date that wrote it (`provenance.line`), or "".
  """
  path: str
  runs: tuple
  note: str = ""
  provenance: str = ""


class Task:
  """The interface of a task; subclasses fill it in.

  Attributes:
    description: {name: value} naming the data, saved in config.json; a run
      resumes only where it is equal.
    num_real: how many real training sequences `real_data` gives.
    metric_names: the names `evaluate` returns, in the order shown.
    best_metric: the metric whose lowest value during the method's training
      results.json reports (`<metric>_best`), or None.
    data_stats: {name: value} about the data, copied into results.json.
    strategy: the `tf.distribute.Strategy` the task's own models (the
      oracle) were built under, which the run must train under; None: it
      has none.
  """

  best_metric = None
  strategy = None

  @property
  def data_stats(self):
    return {}

  @classmethod
  def from_config(cls, task_config, config, runtime):
    """The task `task_config` describes, for a model of `config`, run as
    `runtime` (a `runtime.RuntimeConfig`) says."""
    raise NotImplementedError

  def config_overrides(self):
    """{setting: value} of the model config that the data decides."""
    return {}

  def real_data(self, seed):
    """The real training sequences, int32 [num_real, seq_len]."""
    raise NotImplementedError

  def evaluate(self, samples, generator, temperature=1.0):
    """{metric: value} of `samples` drawn from `generator` at `temperature`."""
    raise NotImplementedError

  def format_samples(self, tokens):
    """One line of text per sequence: samples.txt's lines."""
    raise NotImplementedError

  def show_samples(self, tokens):
    """Sequences as TensorBoard's text tab shows them (markdown)."""
    return self.format_samples(tokens)

  def run_files(self):
    """{file name: text} written into a new run directory (vocab.json)."""
    return {}

  def write_media(self, writer, step, samples):
    """More TensorBoard summaries of an evaluation's samples (audio)."""

  def finish(self, run_dir, results_table=None):
    """After a run has finished: tables and files beside its results."""
