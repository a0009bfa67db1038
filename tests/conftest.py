"""Tiny configurations shared by the tests (vocab 12-30, length 6-8)."""

import atexit
import json
import os
import random
import select
import subprocess
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # pylint: disable=g-import-not-at-top

from seqgan_tf import config as config_lib
from seqgan_tf import experiment
from seqgan_tf import oracle as oracle_lib
from seqgan_tf import tasks
from seqgan_tf import runtime

# Compiling costs seconds per tiny model: the tests build theirs without XLA
# (the tests of XLA itself with `runtime.RuntimeConfig()`).
NO_XLA = runtime.RuntimeConfig(xla=False)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The characters of the tiny poem corpora (`write_corpus`).
CHARS = "春花秋月何时了往事知多少"


def _environment(environ=None):
  return dict(os.environ if environ is None else environ,
              TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")


_server = None


def _module_server():
  """The worker's `tests.module_server`, started at its first use."""
  global _server
  if _server is None or _server.poll() is not None:
    _server = subprocess.Popen(
        [sys.executable, "-m", "tests.module_server"], cwd=ROOT,
        env=_environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True)
    atexit.register(_server.kill)
  return _server


def run_module(*args, environ=None):
  """`python -m args` in the project root; `environ` replaces os.environ.

  Without `environ` the module runs in a fork of `tests.module_server`,
  which has TensorFlow imported already; with it, in a new interpreter, as
  settings read at import time need. Returns a `subprocess.CompletedProcess`
  either way.

  A test that calls it, `subprocess` or `Experiment`, directly or through
  its module's helpers or fixtures' modules, is marked `slow`: `make
  test-fast` leaves it out.
  """
  command = [sys.executable, "-m", *args]
  if environ is not None:
    return subprocess.run(command, cwd=ROOT, env=_environment(environ),
                          capture_output=True, text=True, timeout=600)
  server = _module_server()
  with tempfile.TemporaryDirectory() as scratch:
    out, err = os.path.join(scratch, "out"), os.path.join(scratch, "err")
    server.stdin.write(json.dumps(dict(
        args=list(args), env=_environment(), stdout=out, stderr=err)) + "\n")
    server.stdin.flush()
    if not select.select([server.stdout], [], [], 600)[0]:
      server.kill()
      raise subprocess.TimeoutExpired(command, 600)
    reply = server.stdout.readline()
    if not reply:
      raise RuntimeError("tests.module_server has ended: `python -m "
                         "tests.module_server` shows why")
    returncode = json.loads(reply)["returncode"]
    with open(out, encoding="utf-8") as f, open(err, encoding="utf-8") as g:
      return subprocess.CompletedProcess(command, returncode, f.read(),
                                         g.read())


def start_module(*args, environ=None, log=None):
  """`python -m args` started in the background (`run_module`'s
  environment); its stdout and stderr go to the file `log`. Returns the
  `subprocess.Popen`."""
  env = _environment(environ)
  with open(log, "w", encoding="utf-8") as out:
    return subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=env,
                            stdout=out, stderr=subprocess.STDOUT, text=True)


def write_corpus(path, count=60, seed=0):
  """A tiny corpus of two-line poems, 8 tokens each, at `path`."""
  rng = random.Random(seed)
  with open(path, "w", encoding="utf-8") as f:
    for _ in range(count):
      first = [rng.choice(CHARS) for _ in range(3)]
      second = [rng.choice(CHARS) for _ in range(3)]
      f.write(" ".join(first + ["，"] + second + ["。"]) + "\n")
  return str(path)


def _calls(function, module, names_sought, seen=None):
  """Whether `function` uses one of the globals `names_sought`, or calls a
  function of its module that does."""
  seen = set() if seen is None else seen
  code = getattr(function, "__code__", None)
  if code is None or code in seen:
    return False
  seen.add(code)
  names = set(code.co_names)
  for constant in code.co_consts:  # Nested functions and lambdas.
    if hasattr(constant, "co_names"):
      names.update(constant.co_names)
  if names_sought & names:
    return True
  return any(_calls(getattr(module, other), module, names_sought, seen)
             for other in names if callable(getattr(module, other, None)))


# What makes a test slow: an entry point in a subprocess, or a whole run.
_SLOW_NAMES = frozenset({"run_module", "start_module", "subprocess",
                         "Experiment", "tiny_experiment"})


def pytest_configure(config):
  config.addinivalue_line("markers", "slow: runs an entry point as a "
                          "subprocess, or a whole experiment (left out by "
                          "make test-fast)")


# pytest-xdist hands out whole files in collection order (`make test`
# passes --no-loadscope-reorder), two to each worker and then one as each
# finishes. The files that run the most entry points and experiments go
# first, longest first, so that no worker is left running a long file while
# the other has nothing to do.
_LONGEST_FIRST = ("test_study.py", "test_distribute.py", "test_resume.py",
                  "test_cli.py", "test_runner.py", "test_baselines.py",
                  "test_sample.py", "test_never_lost.py",
                  "test_corpus_study.py", "test_protocol.py")


def _file_rank(item):
  name = os.path.basename(str(item.fspath))
  return (_LONGEST_FIRST.index(name) if name in _LONGEST_FIRST
          else len(_LONGEST_FIRST))


def pytest_collection_modifyitems(items):
  items.sort(key=_file_rank)  # Stable: each file keeps its own order.
  for item in items:
    functions = [getattr(item, "function", None)] + [
        definition.func
        for definitions in item._fixtureinfo.name2fixturedefs.values()  # pylint: disable=protected-access
        for definition in definitions]
    if any(_calls(f, item.module, _SLOW_NAMES) for f in functions if f):
      item.add_marker(pytest.mark.slow)


def tiny_generator_config(**changes):
  values = dict(vocab_size=12, seq_len=6, emb_dim=8, hidden_dim=8)
  values.update(changes)
  return config_lib.GeneratorConfig(**values)


def tiny_discriminator_config(**changes):
  values = dict(vocab_size=12, seq_len=6, emb_dim=8, filter_sizes=(2, 3, 9),
                num_filters=(4, 5, 7))
  values.update(changes)
  return config_lib.DiscriminatorConfig(**values)


def tiny_synthetic_config(**changes):
  values = dict(generator=tiny_generator_config(),
                discriminator=tiny_discriminator_config(), batch_size=8,
                num_samples=32, pretrain_g_epochs=2, pretrain_d_rounds=1,
                adversarial_epochs=2, d_steps=1, k_epochs=1, rollout_num=2,
                eval_every=1, eval_samples=16, final_eval_samples=16)
  values.update(changes)
  return config_lib.SeqGANConfig(**values)


def tiny_experiment(config, task, run_dir, **kwargs):
  """`experiment.Experiment` without XLA (compiling tiny models costs more
  than it saves)."""
  return experiment.Experiment(config, task, run_dir, runtime=NO_XLA, **kwargs)


def tiny_oracle_task(config, **kwargs):
  """The oracle task on a random oracle of `config`'s shape (seed 0)."""
  params = oracle_lib.random_params(config.generator, seed=0)
  description = {"oracle": "random", "oracle_seed": 0}
  return tasks.OracleTask(config, params, description, xla=False, **kwargs)


def nltk_3_2_1_sentence_bleu(references, hypothesis, n):
  """nltk 3.2.1's sentence_bleu, uniform weights, no smoothing function.

  The authors ran PG-BLEU in 2016 with nltk <= 3.2.1. That nltk cannot be
  installed beside the nltk >= 3.8 the other tests compare with (one
  version per environment), so this transcribes 3.2.1's `corpus_bleu` for
  one hypothesis on today's `modified_precision`, `closest_ref_length` and
  `brevity_penalty`, which compute the same quantities: 0 only when no
  unigram matches; otherwise orders without a match are left out of the
  weighted log-sum, whose weights are not renormalised.
  """
  import math  # pylint: disable=g-import-not-at-top
  from nltk.translate import bleu_score as nltk_bleu  # pylint: disable=g-import-not-at-top
  weights = [1.0 / n] * n
  precisions = [nltk_bleu.modified_precision(references, hypothesis, i)
                for i in range(1, n + 1)]
  if precisions[0].numerator == 0:
    return 0
  hyp_len = len(hypothesis)
  brevity = nltk_bleu.brevity_penalty(
      nltk_bleu.closest_ref_length(references, hyp_len), hyp_len)
  return brevity * math.exp(math.fsum(
      w * math.log(p) for w, p in zip(weights, precisions) if p.numerator))


@pytest.fixture
def gen_config():
  return tiny_generator_config()


@pytest.fixture
def dis_config():
  return tiny_discriminator_config()

