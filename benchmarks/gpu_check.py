r"""What only a machine with a GPU can tell, in one command and one JSON.

  make gpu-check                 # or: python -m benchmarks.gpu_check --out=save/gpu_check

Steps, each a process of its own (`STEPS`): the fast test tier with the
GPU visible; `benchmarks.bench` in fp32 (TF32 off, so that fp32 means fp32)
and in bf16; a short run at the paper config (a few epochs of each phase)
and the NLL-oracle it reaches; each training step once with device
placement logged, counting the ops placed on each device, so that an op
falling back to the CPU shows. Every step runs with
TF_FORCE_GPU_ALLOW_GROWTH=true, so that two test workers can share a GPU.
About 5 minutes on one GPU. Without a GPU it runs the same steps at the
smoke preset and says that no GPU was found. Writes <out>/gpu_check.json:
the GPUs nvidia-smi and TensorFlow see, then per step its exit status,
seconds, findings and the tail of its log; exits 1 if a step failed.
"""

import collections
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time

from absl import app
from absl import flags

STEPS = ("fast_tests", "bench_fp32", "bench_bf16", "paper_run", "placement")
# What each step times: the phases a run spends its time in.
BENCH_PHASES = "mle_epoch,generate_10k,nll_oracle_10k,d_epoch,adv_g_step"
# A few epochs of each phase at the paper's (or, without a GPU, the smoke
# preset's) sizes.
SHORT_RUN = ("--pretrain_g_epochs=3", "--pretrain_d_rounds=1",
             "--k_epochs=1", "--adversarial_epochs=2", "--d_steps=1",
             "--eval_every=1", "--eval_samples=2000",
             "--final_eval_samples=2000")
# `benchmarks.placement`'s log lines: "name: (OpType): /job:.../device:GPU:0".
PLACED = re.compile(r"^\S+: \((\w+)\): /job:\S+/device:(\w+):\d+$")

flags.DEFINE_string("out", "save/gpu_check", "Where gpu_check.json, the "
                    "steps' logs and their run directories go.")
flags.DEFINE_list("steps", list(STEPS), "The steps to run, of: " +
                  ", ".join(STEPS))
FLAGS = flags.FLAGS


def _environment():
  return dict(os.environ, TF_FORCE_GPU_ALLOW_GROWTH="true",
              NVIDIA_TF32_OVERRIDE="0", TF_CPP_MIN_LOG_LEVEL="0")


def _gpus():
  """(nvidia-smi's GPU lines, the number of GPUs TensorFlow sees)."""
  smi = []
  if shutil.which("nvidia-smi"):
    done = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total",
                           "--format=csv,noheader"], capture_output=True,
                          text=True, check=False)
    smi = [line.strip() for line in done.stdout.splitlines() if line.strip()]
  done = subprocess.run(
      [sys.executable, "-c", "import tensorflow as tf; "
       "print(len(tf.config.list_physical_devices('GPU')))"],
      capture_output=True, text=True, env=_environment(), check=False)
  lines = done.stdout.split()
  return smi, int(lines[-1]) if lines and lines[-1].isdigit() else 0


def _commands(out, preset):
  """{step: command line}."""
  python = [sys.executable, "-m"]
  bench = [*python, "benchmarks.bench", f"--preset={preset}",
           f"--phases={BENCH_PHASES}", "--repeats=3",
           f"--history_dir={out}/history", f"--results_dir={out}/results"]
  return dict(
      fast_tests=[*python, "pytest", "-q", "-n", "2", "--dist", "loadfile",
                  "-m", "not slow", "tests"],
      bench_fp32=[*bench, "--precision=fp32", f"--out_dir={out}/bench_fp32"],
      bench_bf16=[*bench, "--precision=bf16", f"--out_dir={out}/bench_bf16"],
      paper_run=[*python, "experiments.run", "--task=oracle", "--recipe=seqgan",
                 f"--preset={preset}", *SHORT_RUN, f"--save_dir={out}/runs",
                 "--run_name=short", "--overwrite"],
      placement=[*python, "benchmarks.placement", f"--preset={preset}"])


def _findings(step, out, log):
  """What a finished step measured, from the files it wrote or its log."""
  if step.startswith("bench_"):
    with open(os.path.join(out, step, "latest.json"), encoding="utf-8") as f:
      report = json.load(f)
    return dict(machine=report["machine"], peaks=report["matmul_peaks_gflop_s"],
                phases=report["phases"])
  if step == "paper_run":
    with open(os.path.join(out, "runs", "short", "results.json"),
              encoding="utf-8") as f:
      results = json.load(f)
    return {k: results[k] for k in ("nll_oracle_final", "epochs",
                                    "wall_seconds_this_start")}
  if step == "placement":
    devices = collections.Counter()
    on_cpu = collections.Counter()
    for line in log.splitlines():
      match = PLACED.match(line.strip())
      if match:
        devices[match.group(2)] += 1
        if match.group(2) == "CPU":
          on_cpu[match.group(1)] += 1
    return dict(ops_by_device=dict(devices),
                cpu_op_types=dict(on_cpu.most_common()))
  summary = [line for line in log.splitlines() if " passed" in line or
             " failed" in line]
  return dict(summary=summary[-1] if summary else "")


def main(argv):
  del argv
  unknown = sorted(set(FLAGS.steps) - set(STEPS))
  if unknown:
    raise app.UsageError(f"--steps: unknown {', '.join(unknown)}; choose "
                         f"from {', '.join(STEPS)}")
  out = FLAGS.out
  os.makedirs(out, exist_ok=True)
  smi, tf_gpus = _gpus()
  preset = "paper" if tf_gpus else "smoke"
  report = dict(
      date=datetime.datetime.now().isoformat(timespec="seconds"),
      nvidia_smi=smi, tensorflow_gpus=tf_gpus, preset=preset,
      note=("" if tf_gpus else
            "no GPU found" + (" by TensorFlow, though nvidia-smi lists "
                              "some: is TensorFlow's CUDA build installed "
                              "(pip install tensorflow[and-cuda])?" if smi
                              else "") +
            "; the steps ran on the CPU at the smoke preset"),
      steps={})
  print(f"GPUs: nvidia-smi {smi or 'none'}; TensorFlow sees {tf_gpus}"
        f"{'' if tf_gpus else ' (no GPU found: the smoke preset, on the CPU)'}",
        flush=True)
  commands = _commands(out, preset)
  for step in (s for s in STEPS if s in FLAGS.steps):
    started = time.monotonic()
    done = subprocess.run(commands[step], capture_output=True, text=True,
                          env=_environment(), check=False)
    log = done.stdout + done.stderr
    with open(os.path.join(out, f"{step}.log"), "w", encoding="utf-8") as f:
      f.write(log)
    result = dict(command=" ".join(commands[step]), returncode=done.returncode,
                  seconds=round(time.monotonic() - started, 1),
                  log_tail=log[-2000:])
    if done.returncode == 0:
      result.update(_findings(step, out, log))
    report["steps"][step] = result
    print(f"[{step}] exit {done.returncode} in {result['seconds']} s", flush=True)
  path = os.path.join(out, "gpu_check.json")
  with open(path, "w", encoding="utf-8") as f:
    json.dump(report, f, indent=2)
    f.write("\n")
  print(f"wrote {path}")
  failed = [s for s, r in report["steps"].items() if r["returncode"] != 0]
  if failed:
    print(f"failed: {', '.join(failed)} (their logs: {out}/<step>.log)",
          file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
  app.run(main)
