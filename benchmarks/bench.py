r"""Times every SeqGAN phase at the paper config: `make bench`.

Prints one row per phase: the median of --repeats timed runs (after one
untimed warm-up that traces and compiles; the adversarial epoch, made of the
phases before it, needs none), the achieved GFLOP/s from an
analytic count of the matmul/convolution FLOPs, and its ratio to a large
matmul of the same precision timed in the same process (the machine's
practical peak; both the fp32 and the bf16 peak are measured and recorded).
Writes save/bench/latest.json, a dated copy into benchmarks/results/ (the
history of measurements; the JSON names the commit, the CPU and its bf16/AMX
flags, and the environment variables set that change TF's threads or kernels,
`ENVIRONMENT`) and the Markdown table docs/results/bench_<cpu>_<precision>.md,
one per machine kind, with the command, commit, CPU and date.

  python -m benchmarks.bench                      # paper config, all phases
  python -m benchmarks.bench --precision=bf16     # bf16 matmuls (--precision)
  python -m benchmarks.bench --phases=mle_epoch,d_epoch --repeats=5
  python -m benchmarks.bench --strategy=mirrored  # every GPU, beside one device

Under --strategy=mirrored each phase is timed on the replicas and on one
device, in the same process, and the table gives the speed-up.
"""

import datetime
import json
import os
import platform
import re
import sys
import time

from absl import app
from absl import flags
import numpy as np
import tensorflow as tf

from seqgan_tf import config as config_lib
from seqgan_tf import files
from seqgan_tf import oracle as oracle_lib
from seqgan_tf import presets
from seqgan_tf import provenance
from seqgan_tf import recipes
from seqgan_tf import rewards
from seqgan_tf import runtime as runtime_lib
from seqgan_tf import train
from seqgan_tf.recipes import seqgan

PHASES = ("mle_epoch", "generate_10k", "nll_oracle_10k", "d_epoch",
          "adv_g_step", "adv_epoch", "pgbleu_g_step")

flags.DEFINE_list("phases", list(PHASES), "Phases to time.")
flags.DEFINE_integer("repeats", 3, "Timed runs per phase (median reported).")
flags.DEFINE_string("out_dir", "save/bench", "Where latest.json goes.")
flags.DEFINE_string("history_dir", os.path.join("benchmarks", "results"),
                    "Where the dated JSON of every measurement goes.")
flags.DEFINE_string("results_dir", os.path.join("docs", "results"),
                    "Where bench_<cpu>_<precision>.md, the latest table of "
                    "this kind of machine, goes.")
flags.DEFINE_enum("preset", "paper", list(presets.NAMES),
                  "The synthetic task's preset: paper (the paper config) is "
                  "what the table reports; smoke is tiny, to check the script.")
flags.DEFINE_enum("precision", "fp32", list(config_lib.PRECISIONS),
                  "G's and D's matmul precision (the runs' --precision).")
# One process times one host: multi_worker is left to real runs.
flags.DEFINE_enum("strategy", "default", ["default", "mirrored"],
                  "The runs' --strategy: one device, or data-parallel over "
                  "--devices.")
flags.DEFINE_string("devices", "", "The runs' --devices, for "
                    "--strategy=mirrored.")
FLAGS = flags.FLAGS

# CPU flags that decide what bf16 costs: native bf16 dot products
# (AVX512_BF16), tile matmuls (AMX), or neither (emulated).
CPU_FLAGS = ("avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile")
# Environment variables that change TF's threads or kernels, and with them
# every time and the peak itself (one intra-op thread: a one-core peak).
ENVIRONMENT = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS",
               "TF_ENABLE_ONEDNN_OPTS", "XLA_FLAGS", "OMP_NUM_THREADS")


def generator_token_flops(g):
  """FLOPs of one G step on one token: input, recurrent, output matmuls."""
  return 2 * (g.emb_dim * 4 * g.hidden_dim + g.hidden_dim * 4 * g.hidden_dim +
              g.hidden_dim * g.vocab_size)


def discriminator_sequence_flops(d, windows=None):
  """FLOPs of D's forward pass on one sequence (convolutions, highway, out).

  `windows(w)` is the number of width-w windows convolved (all T - w + 1 by
  default).
  """
  windows = windows or (lambda w: d.seq_len - w + 1)
  conv = sum(windows(w) * w * d.emb_dim * n for w, n in d.used_filters())
  features = sum(n for _, n in d.used_filters())
  return 2 * (conv + 2 * features * features + 2 * features)


def rollout_scoring_flops(d, batch, rollout_num):
  """FLOPs of D scoring every rollout of a batch (`Discriminator.rollout_scorer`).

  The samples are convolved once; a completion of a t-token prefix convolves
  only its windows that reach past the prefix: T - w + 1 - max(t - w + 1, 0).
  """
  head = discriminator_sequence_flops(d, lambda w: 0)
  flops = (discriminator_sequence_flops(d) + head) * batch  # Samples, D(Y).
  for t in range(1, d.seq_len):
    rest = lambda w, t=t: d.seq_len - w + 1 - max(t - w + 1, 0)
    flops += discriminator_sequence_flops(d, rest) * rollout_num * batch
  return flops


def phase_flops(config):
  """Analytic FLOPs of each phase (backward = 2x forward)."""
  g_tok = generator_token_flops(config.generator)
  d_seq = discriminator_sequence_flops(config.discriminator)
  seq_len, batch = config.generator.seq_len, config.batch_size
  n_real = config.num_samples // batch * batch
  n_d = 2 * config.num_samples // batch * batch
  rollout_tokens = (seq_len * (seq_len - 1) // 2 * config.rollout_num * batch)
  g_step = (g_tok * (batch * seq_len * 2 + rollout_tokens) +  # sample, prefix
            rollout_scoring_flops(config.discriminator, batch,
                                  config.rollout_num) +
            3 * g_tok * batch * seq_len)
  generate = g_tok * config.num_samples * seq_len
  d_epoch = 3 * d_seq * n_d
  # PG-BLEU's step: the same G work; BLEU is counting, not FLOPs.
  pgbleu_g_step = (g_tok * (batch * seq_len * 2 + rollout_tokens) +
                   3 * g_tok * batch * seq_len)
  return dict(
      pgbleu_g_step=pgbleu_g_step,
      mle_epoch=3 * g_tok * n_real * seq_len,
      generate_10k=generate,
      nll_oracle_10k=generate,
      d_epoch=d_epoch,
      adv_g_step=g_step,
      adv_epoch=g_step + config.d_steps * (generate +
                                           config.k_epochs * d_epoch))


def matmul_peak_gflops(size=2048, repeats=5, dtype=tf.float32):
  a = tf.cast(tf.random.normal([size, size]), dtype)
  b = tf.cast(tf.random.normal([size, size]), dtype)
  matmul = tf.function(lambda: tf.reduce_sum(tf.matmul(a, b)))
  matmul()
  times = []
  for _ in range(repeats):
    start = time.perf_counter()
    matmul().numpy()
    times.append(time.perf_counter() - start)
  return 2 * size**3 / min(times) / 1e9


def time_phase(fn, repeats, warm_up=True):
  if warm_up:
    fn()  # Tracing and compilation are not timed.
  times = []
  for _ in range(repeats):
    start = time.perf_counter()
    result = fn()
    tf.nest.map_structure(lambda x: x.numpy() if hasattr(x, "numpy") else x,
                          result)
    times.append(time.perf_counter() - start)
  return float(np.median(times))


def _cpu():
  """(model name, [the CPU_FLAGS it has]) from /proc/cpuinfo."""
  try:
    with open("/proc/cpuinfo") as f:
      info = f.read()
  except OSError:
    return platform.processor(), []
  model = next((line.split(":", 1)[1].strip() for line in info.splitlines()
                if line.startswith("model name")), "unknown")
  flags_line = next((line for line in info.splitlines()
                     if line.startswith("flags")), "")
  return model, [f for f in CPU_FLAGS if f in flags_line.split()]


def _device_name():
  gpus = tf.config.list_physical_devices("GPU")
  if gpus:
    return tf.config.experimental.get_device_details(gpus[0]).get(
        "device_name", "GPU")
  return f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"


def main(argv):
  del argv
  unknown = set(FLAGS.phases) - set(PHASES)
  if unknown:
    raise app.UsageError(f"--phases: unknown {sorted(unknown)}; choose from "
                         f"{','.join(PHASES)}")
  config = config_lib.override(presets.get("oracle", FLAGS.preset).config,
                               precision=FLAGS.precision).validate()
  runtime = runtime_lib.RuntimeConfig(strategy=FLAGS.strategy,
                                      devices=FLAGS.devices)
  runtime.apply()
  trainer = train.Trainer(config, runtime)
  with trainer.strategy.scope():  # A copy on each replica, as a run's.
    oracle = oracle_lib.build(config.generator,
                              oracle_lib.random_params(config.generator, 0))
  nll = oracle_lib.make_nll_fn(oracle)
  real = tf.Variable(oracle.sample(config.num_samples,
                                   tf.random.Generator.from_seed(1)))
  runs = phase_runs(trainer, config, real, nll)
  # Under several replicas, the same phases on one device beside them: the
  # cost or gain of splitting, measured in one process on one machine.
  one_device = (phase_runs(train.Trainer(config, runtime_lib.RuntimeConfig()),
                           config, real, nll)
                if trainer.num_replicas > 1 else None)
  peaks = dict(fp32=matmul_peak_gflops(dtype=tf.float32),
               bf16=matmul_peak_gflops(dtype=tf.bfloat16))
  peak = peaks[FLAGS.precision]
  flops = phase_flops(config)
  cpu_model, cpu_flags = _cpu()
  environment = {k: os.environ[k] for k in ENVIRONMENT if k in os.environ}
  settings = " ".join(f"{k}={v}" for k, v in environment.items())
  print(f"device: {_device_name()} ({cpu_model}; {' '.join(cpu_flags)}); "
        f"TF {tf.__version__}; matmul peak fp32 {peaks['fp32']:.1f}, bf16 "
        f"{peaks['bf16']:.1f} GFLOP/s; --precision={FLAGS.precision}; "
        f"environment: {settings or 'TF defaults'}")
  print(f"{'phase':16s} {'median s':>10s} {'GFLOP/s':>9s} {'of peak':>8s}")
  results = {}
  for phase in PHASES:
    if phase not in FLAGS.phases:
      continue
    # An adversarial epoch only chains the phases above, all traced by then
    # unless run alone: its warm-up would cost ~7 minutes on 2 cores.
    warm_up = phase != "adv_epoch" or not {"adv_g_step", "d_epoch",
                                             "generate_10k"} <= set(FLAGS.phases)
    seconds = time_phase(runs[phase], FLAGS.repeats, warm_up)
    gflops = flops[phase] / seconds / 1e9
    results[phase] = dict(median_s=seconds, gflop_s=gflops,
                          peak_ratio=gflops / peak)
    line = f"{phase:16s} {seconds:10.3f} {gflops:9.1f} {gflops / peak:8.1%}"
    if one_device:
      alone = time_phase(one_device[phase], FLAGS.repeats, warm_up)
      results[phase].update(one_device_s=alone, speedup=alone / seconds)
      line += f"  (1 device {alone:.3f} s: x{alone / seconds:.2f})"
    print(line, flush=True)
  report = dict(phases=results, machine=_device_name(), cpu_model=cpu_model,
                cpu_flags=cpu_flags, environment=environment,
                tf_version=tf.__version__,
                commit=provenance.commit(), precision=FLAGS.precision,
                strategy=FLAGS.strategy, replicas=trainer.num_replicas,
                matmul_peak_gflop_s=peak, matmul_peaks_gflop_s=peaks,
                preset=FLAGS.preset, repeats=FLAGS.repeats,
                date=datetime.datetime.now().isoformat(timespec="seconds"))
  stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
  for path in (os.path.join(FLAGS.out_dir, "latest.json"),
               os.path.join(FLAGS.history_dir,
                            f"{stamp}_{report['commit']}.json")):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    files.write_atomic(path, json.dumps(report, indent=2) + "\n")
  replicas = "" if trainer.num_replicas == 1 else f"_x{trainer.num_replicas}"
  table = os.path.join(FLAGS.results_dir,
                       f"bench_{machine_kind(provenance.cpu())}"
                       f"_{FLAGS.precision}{replicas}.md")
  os.makedirs(FLAGS.results_dir, exist_ok=True)
  files.write_atomic(table, markdown(report))
  print(f"wrote {FLAGS.out_dir}/latest.json and {table}")


def phase_runs(trainer, config, real, nll):
  """{phase: a function doing it once} on `trainer`: what a run executes."""
  fake = trainer.generate(config.num_samples)
  d_tokens = tf.concat([real, fake], 0)
  d_labels = tf.concat([tf.ones(config.num_samples, tf.int32),
                        tf.zeros(config.num_samples, tf.int32)], 0)
  # The recipe's own epoch functions.
  g_pretrain, _, adversarial = recipes.build(
      "seqgan", recipes.Context(trainer, config, real))
  runs = dict(
      mle_epoch=lambda: g_pretrain.run_epoch(0),
      generate_10k=lambda: trainer.generate(config.num_samples),
      nll_oracle_10k=lambda: _in_scope(trainer.strategy, nll, real),
      d_epoch=lambda: trainer.d_epoch(d_tokens, d_labels),
      adv_g_step=trainer.policy_gradient_step(seqgan.reward(trainer)),
      adv_epoch=lambda: adversarial.run_epoch(0))
  if "pgbleu_g_step" in FLAGS.phases:
    # One PG-BLEU g-step: BLEU-3 of every rollout against all real samples.
    bleu = rewards.BleuReward(real.numpy(), config.pgbleu_order,
                              config.generator.vocab_size)
    runs["pgbleu_g_step"] = trainer.policy_gradient_step(
        lambda samples: lambda tokens, given_num: bleu(tokens))
  return runs


def _in_scope(strategy, fn, *args):
  """fn(*args) in `strategy`'s scope, as a run evaluates: split over its
  replicas (`oracle.make_nll_fn`)."""
  with strategy.scope():
    return fn(*args)


def machine_kind(cpu_model):
  """A file-name form of a CPU's name: "amd-epyc-family-23-model-49-2-cores"."""
  return re.sub(r"[^a-z0-9]+", "-", cpu_model.lower()).strip("-")


def markdown(report):
  """The bench's table: each phase's median, GFLOP/s and share of peak."""
  environment = " ".join(f"{k}={v}" for k, v in report["environment"].items())
  lines = [f"`make bench` at the {report['preset']} config, "
           f"{report['precision']}, {report['replicas']} replica(s) "
           f"(--strategy={report['strategy']}), median of "
           f"{report['repeats']} runs; peak: "
           f"a 2048² {report['precision']} matmul in the same process, "
           f"{report['matmul_peak_gflop_s']:.1f} GFLOP/s; TF "
           f"{report['tf_version']}; environment: "
           f"{environment or 'TF defaults'}.", "",
           "| phase | median (s) | GFLOP/s | of peak |", "|---|---|---|---|"]
  split = report["replicas"] > 1
  if split:  # Each phase on one device too, in the same process.
    lines[-2] += " one device (s) | speed-up |"
    lines[-1] += "---|---|"
  for phase, result in report["phases"].items():
    lines.append(f"| {phase} | {result['median_s']:.3f} | "
                 f"{result['gflop_s']:.1f} | {result['peak_ratio']:.1%} |")
    if split:
      lines[-1] += f" {result['one_device_s']:.3f} | {result['speedup']:.2f}x |"
  command = "python -m benchmarks.bench " + " ".join(sys.argv[1:])
  lines += ["", provenance.line(command)]
  return "\n".join(lines) + "\n"


if __name__ == "__main__":
  app.run(main)
