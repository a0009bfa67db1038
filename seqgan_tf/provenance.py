"""Where a result came from: the commit, the CPU and the date beside it."""

import datetime
import os
import subprocess


def commit(directory=None):
  """The checkout's short commit, with "-dirty" if files differ; or "unknown"."""
  directory = directory or os.path.dirname(os.path.abspath(__file__))
  try:
    run = lambda *args: subprocess.run(
        ["git", *args], cwd=directory, capture_output=True, text=True,
        check=True, timeout=30).stdout.strip()
    head = run("rev-parse", "--short", "HEAD")
    dirty = run("status", "--porcelain", "--untracked-files=no")
  except (OSError, subprocess.SubprocessError):
    return "unknown"
  return head + ("-dirty" if dirty else "")


def cpu():
  """The CPU's model name, with its family and model numbers (a VM may name
  only the vendor), and the core count."""
  fields = {}
  try:
    with open("/proc/cpuinfo") as f:
      for line in f:
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
  except OSError:
    pass
  name = fields.get("model name", "unknown CPU")
  if "cpu family" in fields and "model" in fields:
    name += f" (family {fields['cpu family']} model {fields['model']})"
  return f"{name}, {os.cpu_count()} cores"


def of_run():
  """{commit, cpu, date}: where a run's results came from (results.json)."""
  return dict(commit=commit(), cpu=cpu(),
              date=datetime.date.today().isoformat())


def line(command):
  """ "`command`, commit C, CPU, date": the provenance of a written table."""
  made = of_run()
  return (f"Written by `{command}` at commit {made['commit']} on "
          f"{made['cpu']}, {made['date']}.")
