"""`python -m <module>` for the tests, without a new interpreter each time.

A subprocess of an entry point spends about 5 s importing TensorFlow and
Keras before it reads its first flag; the tests start dozens of them. This
server imports those once, then forks a child per request that runs the
module as `python -m` would (`runpy`, `sys.argv`, the request's environment,
stdout and stderr to files, the exit status of `SystemExit`). Nothing of
TensorFlow's runtime has started in the server (no op, no device), so each
child begins as a fresh process does after its imports.

Protocol, one JSON object per line: the client writes {"args", "env",
"stdout", "stderr"} on stdin; the server answers {"returncode"} on stdout
once the child has ended.
"""

import atexit
import json
import os
import runpy
import sys
import traceback

# What every entry point imports first; none of it defines a flag or starts
# TensorFlow's runtime.
import keras  # pylint: disable=unused-import
import numpy  # pylint: disable=unused-import
import tensorflow  # pylint: disable=unused-import

from seqgan_tf import experiment  # pylint: disable=unused-import
from seqgan_tf import tasks  # pylint: disable=unused-import


def _exit_code(error):
  """The exit status Python gives a `SystemExit`, printing its message."""
  if error.code is None:
    return 0
  if isinstance(error.code, int):
    return error.code
  print(error.code, file=sys.stderr)
  return 1


def _child(request, answers):
  """Runs the request's module in this (forked) process; never returns."""
  code = 1
  try:
    os.close(answers)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
      os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), fd)
    os.environ.clear()
    os.environ.update(request["env"])
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
      sys.stdout.flush()
      sys.stderr.flush()
    finally:
      os._exit(code)  # pylint: disable=protected-access


def main():
  answers = os.dup(1)
  for line in sys.stdin:
    request = json.loads(line)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
      _child(request, answers)
    _, status = os.waitpid(pid, 0)
    reply = json.dumps({"returncode": os.waitstatus_to_exitcode(status)})
    os.write(answers, (reply + "\n").encode())


if __name__ == "__main__":
  main()
