"""Tasks: what G learns and how it is scored, registered by name.

  task_config = tasks.get("poems").config          # tasks.CorpusConfig
  task, config = tasks.build(task_config, config)  # reads the corpus

Each task has a typed config and a `base.Task` subclass; `build` makes the
task and the model config the data decides (a corpus's vocabulary). To add
a corpus of one's own, no code is needed: `--task=text --data_file=F` (or
`tasks.get("text").config` with `data_file` set); to add a task, subclass
`base.Task` and register it in `REGISTRY`.
"""

import dataclasses

from seqgan_tf import config as config_lib
from seqgan_tf import runtime as runtime_lib
from seqgan_tf.tasks.base import ResultsTable
from seqgan_tf.tasks.base import Task
from seqgan_tf.tasks.corpus import CorpusConfig
from seqgan_tf.tasks.corpus import CorpusTask
from seqgan_tf.tasks.corpus import load_text_task
from seqgan_tf.tasks.corpus import TextTask
from seqgan_tf.tasks.music import load_music_task
from seqgan_tf.tasks.music import MusicConfig
from seqgan_tf.tasks.music import MusicTask
from seqgan_tf.tasks.oracle import OracleConfig
from seqgan_tf.tasks.oracle import OracleTask
from seqgan_tf.tasks import corpus as _corpus


@dataclasses.dataclass(frozen=True)
class Registered:
  """A task by name.

  Attributes:
    name: its --task name.
    config: its default task config.
    save_dir: the default parent of its run directories.
    summary: one line for --help.
  """
  name: str
  config: object
  save_dir: str
  summary: str


REGISTRY = {entry.name: entry for entry in (
    Registered("oracle", OracleConfig(), "save/synthetic",
               "oracle: the synthetic experiment, a random LSTM as the real "
               "data (Table 1)."),
    Registered("poems", _corpus.POEMS, "save/poetry",
               "poems: Chinese quatrains scored by BLEU-2 against held-out "
               "poems (Table 2)."),
    Registered("obama", _corpus.OBAMA, "save/obama",
               "obama: Obama's speeches, word-level, scored by BLEU-3/4 "
               "(Table 3)."),
    Registered("music", MusicConfig(), "save/music",
               "music: Nottingham folk melodies, scored by BLEU-4 and pitch "
               "MSE (Table 4)."),
    Registered("text", _corpus.TEXT, "save/text",
               "text: any UTF-8 corpus of one's own, one sequence per line "
               "(--data_file), scored by BLEU-2/3/4 and NLL-test."),
)}
# The task class of each task config class.
_TASK_OF = {OracleConfig: OracleTask, CorpusConfig: CorpusTask,
            MusicConfig: MusicTask}


def names():
  return tuple(REGISTRY)


def get(name):
  """The `Registered` task `name`.

  Raises:
    ValueError: no task has that name.
  """
  if name not in REGISTRY:
    raise ValueError(f"--task={name}: choose one of {', '.join(REGISTRY)}")
  return REGISTRY[name]


def build(task_config, config, runtime=None):
  """(the task, `config` with what the data decides), validated.

  Args:
    task_config: an `OracleConfig`, `CorpusConfig` or `MusicConfig`.
    config: the run's `SeqGANConfig`; a corpus replaces its vocabulary size
      (0 there: every token of the training split) and start token.
    runtime: the `runtime.RuntimeConfig` (XLA for the NLL functions);
      default: its defaults.

  Raises:
    ValueError: a config that does not validate, or data that does not fit
      it (`text.DataError` names the flag to change).
  """
  task = _TASK_OF[type(task_config)].from_config(
      task_config, config, runtime or runtime_lib.RuntimeConfig())
  config = config_lib.override(config, **task.config_overrides())
  return task, config.validate()
