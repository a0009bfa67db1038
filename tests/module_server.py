"""`python -m <module>` for the tests, without a new interpreter each time.

A subprocess of an entry point spends about 5 s importing TensorFlow and
Keras before it reads its first flag; the tests start dozens of them. This
server imports those once, then forks a child per request that runs the
module as `python -m` would (`runpy`, `sys.argv`, the request's environment,
stdout and stderr to files, the exit status of `SystemExit`). Nothing of
TensorFlow's runtime has started in the server (no op, no device), so each
child begins as a fresh process does after its imports.

AutoGraph spends about 4 s of each smoke run converting the project's
functions to graph code, which is pure Python and cached per function. A
child lists the functions it converted; the server converts them too once
the child has ended, so later children find them in the cache they inherit.

Protocol, one JSON object per line: the client writes {"args", "env",
"stdout", "stderr"} on stdin; the server answers {"returncode"} on stdout
once the child has ended.
"""

import atexit
import importlib
import inspect
import json
import os
import runpy
import shutil
import sys
import tempfile
import traceback

# What every entry point imports first; none of it defines a flag or starts
# TensorFlow's runtime.
import keras  # pylint: disable=unused-import
import numpy  # pylint: disable=unused-import
import tensorflow  # pylint: disable=unused-import

from seqgan_tf import experiment  # pylint: disable=unused-import
from seqgan_tf import tasks  # pylint: disable=unused-import

# AutoGraph's converter and its cache are private: if they move, children
# convert for themselves, as a fresh process does.
try:
  from tensorflow.python.autograph.core import converter
  from tensorflow.python.autograph.impl import api as autograph
  from tensorflow.python.autograph.pyct import transpiler
except ImportError:
  transpiler = None


def _exit_code(error):
  """The exit status Python gives a `SystemExit`, printing its message."""
  if error.code is None:
    return 0
  if isinstance(error.code, int):
    return error.code
  print(error.code, file=sys.stderr)
  return 1


def _record_conversions(converted):
  """In a child: adds (module, qualified name, options) to `converted` for
  each of the project's functions that AutoGraph converts."""
  transform = transpiler.PyToPy.transform_function

  def recorded(self, fn, user_context):
    module = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__qualname__", "<unnamed>")
    if module.startswith("seqgan_tf.") and "<" not in name:  # No closures.
      options = user_context.options
      converted.add((module, name, options.recursive,
                     options.user_requested,
                     options.internal_convert_user_code,
                     tuple(sorted(f.value for f in options.optional_features))))
    return transform(self, fn, user_context)

  transpiler.PyToPy.transform_function = recorded


def _convert(converted):
  """In the server: converts what the children listed, into its cache."""
  for module, name, *options, features in converted:
    try:
      function = importlib.import_module(module)
      for part in name.split("."):
        function = getattr(function, part)
      function = inspect.unwrap(getattr(function, "python_function", function))
      autograph._convert_actual(function, converter.ProgramContext(  # pylint: disable=protected-access
          options=converter.ConversionOptions(
              *options, optional_features=[converter.Feature(f)
                                           for f in features])))
    except Exception:  # pylint: disable=broad-except
      pass  # Unconverted here, it is converted in the child, as before.


def _child(request, answers, conversions):
  """Runs the request's module in this (forked) process; never returns."""
  code, converted = 1, set()
  try:
    os.close(answers)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
      os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), fd)
    os.environ.clear()
    os.environ.update(request["env"])
    if transpiler is not None:
      _record_conversions(converted)
    module, *args = request["args"]
    sys.argv = [module, *args]  # runpy puts the module's path first.
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    code = 0
  except SystemExit as e:
    code = _exit_code(e)
  except BaseException:  # pylint: disable=broad-except
    traceback.print_exc()
  finally:
    try:
      atexit._run_exitfuncs()  # pylint: disable=protected-access
      with open(conversions, "w", encoding="utf-8") as f:
        json.dump(sorted(converted), f)
      sys.stdout.flush()
      sys.stderr.flush()
    finally:
      os._exit(code)  # pylint: disable=protected-access


def _learn(conversions):
  """Converts what the last child listed, if it listed anything."""
  if transpiler is None or not os.path.exists(conversions):
    return
  try:
    with open(conversions, encoding="utf-8") as f:
      _convert(json.load(f))
  except ValueError:
    pass  # A child killed while writing: nothing learned.
  os.remove(conversions)


def main():
  answers = os.dup(1)
  # Not removed through atexit: the children run the exit functions too.
  scratch = tempfile.mkdtemp()
  conversions = os.path.join(scratch, "converted.json")
  try:
    for line in sys.stdin:
      request = json.loads(line)
      sys.stdout.flush()
      sys.stderr.flush()
      pid = os.fork()
      if pid == 0:
        _child(request, answers, conversions)
      _, status = os.waitpid(pid, 0)
      reply = json.dumps({"returncode": os.waitstatus_to_exitcode(status)})
      os.write(answers, (reply + "\n").encode())
      _learn(conversions)
  finally:
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
  main()
