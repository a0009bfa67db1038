"""Runs a study's command lines: one after another, or N at once.

A study's runs come in two waves: those that start from nothing (the shared
pre-trainings, untrained G), then those that start from a pre-training
(`--init_from`). Within a wave the runs are independent, so `run(...,
jobs=N)` runs up to N of them at once, each on a device of its own: on a
host with GPUs, GPU k of the job slot k (`CUDA_VISIBLE_DEVICES`), else an
equal share of the CPU cores (the process's affinity). Each run of a
parallel launch logs to <log_dir>/<run name>.log.
"""

import os
import shutil
import subprocess
import time

from absl import logging


def waves(planned):
  """[[(name, args)], [(name, args)]]: runs from nothing, then branched.

  Args:
    planned: [(run name, command line, pre-training run name or None)].
  """
  first = [(name, args) for name, args, source in planned if not source]
  second = [(name, args) for name, args, source in planned if source]
  return [wave for wave in (first, second) if wave]


def gpu_count():
  """GPUs on this host as `nvidia-smi -L` lists them (0 without it)."""
  if not shutil.which("nvidia-smi"):
    return 0
  listed = subprocess.run(["nvidia-smi", "-L"], capture_output=True,
                          text=True, check=False)
  return sum(line.startswith("GPU ") for line in listed.stdout.splitlines())


def slots(jobs, gpus=None, cores=None):
  """Per job slot: ({environment changes}, CPU cores or None).

  GPUs when the host has at least one per slot; else the cores split
  evenly, each slot one share (at least one core).
  """
  gpus = gpu_count() if gpus is None else gpus
  if gpus >= jobs:
    return [({"CUDA_VISIBLE_DEVICES": str(k)}, None) for k in range(jobs)]
  cores = sorted(os.sched_getaffinity(0)) if cores is None else cores
  share = max(1, len(cores) // jobs)
  return [({"CUDA_VISIBLE_DEVICES": ""},
           set(cores[(k * share) % len(cores):][:share]))
          for k in range(jobs)]


def run(planned, jobs, log_dir):
  """Runs every planned command line; returns the names of those that failed.

  With jobs=1 each run logs to this process's output, as one run would.
  """
  failed = []
  for wave in waves(planned):
    if jobs == 1:
      for name, args in wave:
        logging.info("[study] %s: %s", name, " ".join(args))
        if subprocess.run(args, check=False).returncode:
          return [name]
      continue
    failed += _run_parallel(wave, slots(jobs), log_dir)
    if failed:
      return failed
  return failed


def _run_parallel(wave, job_slots, log_dir):
  """One wave, len(job_slots) runs at a time; the names of failed runs."""
  os.makedirs(log_dir, exist_ok=True)
  pending, running, failed = list(wave), {}, []
  while pending or running:
    free = [k for k in range(len(job_slots)) if k not in running]
    while pending and free:
      slot = free.pop(0)
      name, args = pending.pop(0)
      environment, cores = job_slots[slot]
      log = open(os.path.join(log_dir, f"{name}.log"), "a")
      process = subprocess.Popen(
          args, stdout=log, stderr=subprocess.STDOUT,
          env={**os.environ, **environment},
          preexec_fn=(lambda cores=cores: os.sched_setaffinity(0, cores))
          if cores else None)
      logging.info("[study] slot %d: %s (log %s)", slot, name, log.name)
      running[slot] = (name, process, log)
    time.sleep(1)
    for slot, (name, process, log) in list(running.items()):
      if process.poll() is not None:
        log.close()
        del running[slot]
        if process.returncode:
          failed.append(name)
        logging.info("[study] %s %s", name,
                     "failed" if process.returncode else "finished")
  return failed
