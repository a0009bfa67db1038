r"""The paper's comparisons on the synthetic oracle: Table 1 and Figure 3.

  python -m experiments.study --study=table1 --preset=cpu --seeds=88,89,90
  python -m experiments.study --study=figure3 --preset=cpu --seeds=88
  python -m experiments.study --study=table1 --preset=smoke -- --oracle=random

Every method of a seed starts from one shared MLE pre-training (recipe
`pretrain`, then `--init_from`), exactly as if it had pre-trained itself.
Each run is an ordinary `experiments.run` run in <save_dir>/, so an
interrupted study resumes where it stopped when started again, and
TensorBoard on <save_dir> shows every method's NLL-oracle on one chart
(Figure 2). At the end, <save_dir>/<study>.md holds the table (mean ± std
over seeds, Welch's t-test against SeqGAN) beside the paper's numbers and
<save_dir>/<study>.json every run's results. Flags after `--` go to every
run (e.g. `-- --oracle_dir=../shared/data/oracle`).
"""

import json
import os
import subprocess
import sys

from absl import app
from absl import flags
from absl import logging
import numpy as np
from scipy import stats

from experiments import cli
from experiments import paper
from seqgan_tf import files

PAPER_TABLE1, FIGURE3 = paper.TABLE1, paper.FIGURE3
TEMPERATURES = "0.8,0.9,1.0,1.1,1.2"

flags.DEFINE_enum("study", "table1", ["table1", "figure3"],
                  "table1: every method of Table 1; figure3: SeqGAN with the "
                  "four (g-steps, d-steps, k) schedules of Figure 3.")
flags.DEFINE_enum("preset", "cpu", ["paper", "cpu", "smoke"],
                  "The oracle task's preset for every run.")
flags.DEFINE_list("seeds", ["88", "89", "90"], "One pre-training and one run "
                  "of each method per seed.")
flags.DEFINE_list("methods", list(PAPER_TABLE1),
                  "Table 1's methods to run (recipes).")
flags.DEFINE_string("save_dir", None,
                    "Where the runs go; default save/<study>_<preset>.")
flags.DEFINE_integer("final_eval_samples", 100000,
                     "Samples of each run's final NLL-oracle (the paper's "
                     "100,000).")
flags.DEFINE_string("sweep_temperatures", TEMPERATURES,
                    "Sampling temperatures of each run's sweep (NLL-oracle "
                    "against NLL-test); empty for none.")
flags.DEFINE_bool("dry_run", False, "Print the commands only.")
FLAGS = flags.FLAGS


def runs(study, methods, seeds):
  """(run name, recipe, extra flags, needs pre-training) for every run."""
  planned = []
  for seed in seeds:
    planned.append((f"pretrain_s{seed}", "pretrain", [], False))
    if study == "table1":
      for method in methods:
        planned.append((f"{method}_s{seed}", method, [], method != "random"))
    else:
      for g_steps, d_steps, k_epochs in FIGURE3:
        planned.append((f"seqgan_g{g_steps}_d{d_steps}_k{k_epochs}_s{seed}",
                        "seqgan", [f"--g_steps={g_steps}",
                                   f"--d_steps={d_steps}",
                                   f"--k_epochs={k_epochs}"], True))
  return planned


def command(save_dir, name, recipe, extra, seed, branch, passthrough):
  args = [sys.executable, "-m", "experiments.run", "--task=oracle",
          f"--recipe={recipe}", f"--preset={FLAGS.preset}", f"--seed={seed}",
          f"--save_dir={save_dir}", f"--run_name={name}",
          f"--final_eval_samples={FLAGS.final_eval_samples}",
          f"--sweep_temperatures={FLAGS.sweep_temperatures}", *extra]
  if branch:
    args.append(f"--init_from={os.path.join(save_dir, f'pretrain_s{seed}')}")
  return args + passthrough


def summarise(values):
  values = np.asarray(values, float)
  spread = values.std(ddof=1) if len(values) > 1 else float("nan")
  return values.mean(), spread


def welch_p(values, reference):
  """Welch's t-test p-value (two-sided); NaN below two runs each."""
  if len(values) < 2 or len(reference) < 2:
    return float("nan")
  return float(stats.ttest_ind(values, reference, equal_var=False).pvalue)


def table(rows, paper, reference_name):
  """Markdown: mean ± std over seeds of NLL-oracle and NLL-test, p-values."""
  lines = ["| method | runs | NLL-oracle (mean ± std) | p vs SeqGAN (Welch) "
           "| NLL-test (mean ± std) | NLL-oracle, paper |",
           "|---|---|---|---|---|---|"]
  reference = [r["nll_oracle_final"] for r in rows.get(reference_name, [])]
  for name, results in rows.items():
    oracle = [r["nll_oracle_final"] for r in results]
    test = [r["nll_test_final"] for r in results]
    (om, osd), (tm, tsd) = summarise(oracle), summarise(test)
    p = "-" if name == reference_name else f"{welch_p(oracle, reference):.3g}"
    paper_value = paper.get(name)
    lines.append(f"| {name} | {len(results)} | {om:.3f} ± {osd:.3f} | {p} | "
                 f"{tm:.3f} ± {tsd:.3f} | "
                 f"{paper_value if paper_value is not None else '-'} |")
  return "\n".join(lines) + "\n"


def sweep_table(rows):
  """Markdown: per method, mean NLL-oracle and NLL-test at each temperature."""
  lines = ["| method | temperature | NLL-oracle | NLL-test |", "|---|---|---|---|"]
  for name, results in rows.items():
    by_temperature = {}
    for result in results:
      for row in result.get("temperature_sweep", []):
        by_temperature.setdefault(row["temperature"], []).append(row)
    for temperature, sweep in sorted(by_temperature.items()):
      oracle = np.mean([row["nll_oracle"] for row in sweep])
      test = np.mean([row["nll_test"] for row in sweep])
      lines.append(f"| {name} | {temperature:g} | {oracle:.3f} | {test:.3f} |")
  return "\n".join(lines) + "\n" if len(lines) > 2 else ""


def main(argv):
  passthrough = argv[1:]
  save_dir = FLAGS.save_dir or f"save/{FLAGS.study}_{FLAGS.preset}"
  unknown = set(FLAGS.methods) - set(PAPER_TABLE1)
  if unknown:
    cli.fail(f"--methods: unknown {', '.join(sorted(unknown))}; choose from "
             f"{', '.join(PAPER_TABLE1)}")
  planned = runs(FLAGS.study, FLAGS.methods, FLAGS.seeds)
  for index, (name, recipe, extra, branch) in enumerate(planned, 1):
    seed = name.rsplit("_s", 1)[1]
    args = command(save_dir, name, recipe, extra, seed, branch, passthrough)
    logging.info("[study] run %d/%d: %s", index, len(planned), " ".join(args))
    if FLAGS.dry_run:
      continue
    if subprocess.run(args, check=False).returncode != 0:
      cli.fail(f"run {name} failed (its log is above); fix it and start the "
               "same study again: finished runs are not repeated")
  if FLAGS.dry_run:
    return
  rows, every_run = {}, {}
  for name, recipe, _, _ in planned:
    if recipe == "pretrain":
      continue
    with open(os.path.join(save_dir, name, "results.json")) as f:
      results = json.load(f)
    every_run[name] = results
    rows.setdefault(name.rsplit("_s", 1)[0], []).append(results)
  if FLAGS.study == "table1":
    paper, reference = PAPER_TABLE1, "seqgan"
  else:
    paper = {f"seqgan_g{g}_d{d}_k{k}": value
             for (g, d, k), value in FIGURE3.items()}
    reference = "seqgan_g1_d5_k3"
  markdown = table(rows, paper, reference)
  sweep = sweep_table(rows)
  if sweep:
    markdown += ("\nTemperature sweep (G sampled at each softmax temperature; "
                 "means over seeds):\n\n" + sweep)
  files.write_atomic(os.path.join(save_dir, f"{FLAGS.study}.md"), markdown)
  files.write_atomic(os.path.join(save_dir, f"{FLAGS.study}.json"),
                     json.dumps(every_run, indent=2) + "\n")
  print(markdown)


if __name__ == "__main__":
  app.run(main, flags_parser=cli.parse_flags)
