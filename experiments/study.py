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
from seqgan_tf import files
from seqgan_tf import paper
from seqgan_tf import presets

PAPER_TABLE1, FIGURE3 = paper.TABLE1, paper.FIGURE3
TEMPERATURES = "0.8,0.9,1.0,1.1,1.2"
# Table 1's rows: {method: (recipe, its flags)}. The paper never says what
# "random" is; the rows random_mle1 and random_mle3 read it as G after one
# or three MLE epochs, beside the untrained G of `random`. `constant` is a
# control the paper lacks: SeqGAN's policy gradient with every reward 1.
METHODS = dict(
    random=("random", []),
    random_mle1=("pretrain", ["--pretrain_g_epochs=1"]),
    random_mle3=("pretrain", ["--pretrain_g_epochs=3"]),
    mle=("mle", []), ss=("ss", []), pgbleu=("pgbleu", []),
    constant=("constant", []), seqgan=("seqgan", []))
PAPER_ROWS = dict(PAPER_TABLE1, random_mle1=PAPER_TABLE1["random"],
                  random_mle3=PAPER_TABLE1["random"])
# Under the paper-era protocol Table 1 reports, for these methods, the
# lowest NLL-oracle seen during training (the authors' `best_score`); for
# the others, and under the released protocol, the final one.
BEST_OF_RUN = ("ss", "pgbleu", "seqgan", "constant")

flags.DEFINE_enum("study", "table1", ["table1", "figure3"],
                  "table1: every method of Table 1; figure3: SeqGAN with the "
                  "four (g-steps, d-steps, k) schedules of Figure 3.")
flags.DEFINE_enum("preset", "cpu", list(presets.NAMES),
                  "The oracle task's preset for every run.")
flags.DEFINE_list("seeds", ["88", "89", "90"], "One pre-training and one run "
                  "of each method per seed.")
flags.DEFINE_list("methods", list(METHODS),
                  "Table 1's methods to run: " + ", ".join(METHODS) + ".")
flags.DEFINE_enum("protocol", "released", list(presets.PROTOCOLS),
                  "Every run's --protocol: the released code's defaults, or "
                  "the paper-era code's that made Table 1.")
flags.DEFINE_string("save_dir", None,
                    "Where the runs go; default save/<study>_<preset>, with "
                    "_paper_era appended under that protocol.")
flags.DEFINE_integer("final_eval_samples", 100000,
                     "Samples of each run's final NLL-oracle (the paper's "
                     "100,000).")
flags.DEFINE_string("sweep_temperatures", TEMPERATURES,
                    "Sampling temperatures of each run's sweep (NLL-oracle "
                    "against NLL-test); empty for none.")
flags.DEFINE_bool("dry_run", False, "Print the commands only.")
FLAGS = flags.FLAGS


def pretrain_epochs(recipe, preset, protocol):
  """G's MLE epochs before `recipe`'s own training, as a run would take."""
  return presets.get("oracle", preset, recipe=recipe,
                     protocol=protocol).config.pretrain_g_epochs


def pretrain_name(epochs, seed, preset, protocol):
  """The shared pre-training's run name; the preset's length names no length."""
  if epochs == pretrain_epochs("pretrain", preset, protocol):
    return f"pretrain_s{seed}"
  return f"pretrain_e{epochs}_s{seed}"


def runs(study, methods, seeds, preset="cpu", protocol="released"):
  """[(run name, recipe, extra flags, pre-training run name or None)].

  Every method that pre-trains starts from a shared pre-training of its
  length (one per length and seed), run first.
  """
  planned = []
  for seed in seeds:
    if study == "table1":
      methods_of_seed = [(f"{m}_s{seed}", *METHODS[m]) for m in methods]
    else:
      methods_of_seed = [
          (f"seqgan_g{g}_d{d}_k{k}_s{seed}", "seqgan",
           [f"--g_steps={g}", f"--d_steps={d}", f"--k_epochs={k}"])
          for g, d, k in FIGURE3]
    pretrainings, branched = {}, []
    for name, recipe, extra in methods_of_seed:
      epochs = pretrain_epochs(recipe, preset, protocol)
      if recipe in ("random", "pretrain") or epochs == 0:
        branched.append((name, recipe, extra, None))
        continue
      source = pretrain_name(epochs, seed, preset, protocol)
      pretrainings.setdefault(source, epochs)
      branched.append((name, recipe, extra, source))
    for source, epochs in pretrainings.items():
      extra = ([] if source == f"pretrain_s{seed}" else
               [f"--pretrain_g_epochs={epochs}"])
      planned.append((source, "pretrain", extra, None))
    planned.extend(branched)
  return planned


def command(save_dir, name, recipe, extra, seed, source, passthrough):
  args = [sys.executable, "-m", "experiments.run", "--task=oracle",
          f"--recipe={recipe}", f"--preset={FLAGS.preset}", f"--seed={seed}",
          f"--protocol={FLAGS.protocol}",
          f"--save_dir={save_dir}", f"--run_name={name}",
          f"--final_eval_samples={FLAGS.final_eval_samples}",
          f"--sweep_temperatures={FLAGS.sweep_temperatures}", *extra]
  if source:
    args.append(f"--init_from={os.path.join(save_dir, source)}")
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


def table(rows, paper, reference_name, best_of_run=()):
  """Markdown: mean ± std over seeds of the final and the best NLL-oracle.

  Welch p-values compare each method with `reference_name` on the final
  value and on the best. The paper's column is comparable with the best
  for the methods in `best_of_run` (marked *), with the final for the rest.
  """
  lines = ["| method | runs | NLL-oracle final | p final | NLL-oracle best "
           "seen (epoch) | p best | NLL-test final | NLL-oracle, paper |",
           "|---|---|---|---|---|---|---|---|"]
  reference = rows.get(reference_name, [])

  def values(results, key):
    return [r[key] for r in results if r.get(key) is not None]

  for name, results in rows.items():
    final = values(results, "nll_oracle_final")
    best = values(results, "nll_oracle_best")
    (fm, fsd), (tm, tsd) = (summarise(final),
                            summarise(values(results, "nll_test_final")))
    if name == reference_name:
      p_final = p_best = "-"
    else:
      p_final = f"{welch_p(final, values(reference, 'nll_oracle_final')):.3g}"
      p_best = (f"{welch_p(best, values(reference, 'nll_oracle_best')):.3g}"
                if best else "-")
    if best:
      (bm, bsd) = summarise(best)
      epochs = ", ".join(str(r["nll_oracle_best_epoch"]) for r in results
                         if r.get("nll_oracle_best") is not None)
      best_cell = f"{bm:.3f} ± {bsd:.3f} ({epochs})"
    else:
      best_cell = "-"
    paper_value = paper.get(name)
    mark = "*" if name in best_of_run and paper_value is not None else ""
    lines.append(f"| {name} | {len(results)} | {fm:.3f} ± {fsd:.3f} | "
                 f"{p_final} | {best_cell} | {p_best} | {tm:.3f} ± {tsd:.3f} "
                 f"| {paper_value if paper_value is not None else '-'}{mark} |")
  if best_of_run:
    note = ("The paper's column (*) compares with the best NLL-oracle seen "
            "(on each evaluation's samples) for the marked methods, as the "
            "paper-era code reported them; with the final one (100,000 "
            "samples by default) for the rest.")
  else:
    note = ("Released protocol: the paper's column is compared with the "
            "final NLL-oracle.")
  return "\n".join(lines) + "\n\n" + note + "\n"


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
  for arg in passthrough:
    name = arg.lstrip("-").split("=", 1)[0]
    if name in ("protocol", "seed", "recipe", "preset", "save_dir", "run_name"):
      cli.fail(f"{arg} after --: the study sets --{name} for every run; pass "
               "--protocol and --preset before --, and let the study name "
               "the runs")
  suffix = "_paper_era" if FLAGS.protocol == "paper_era" else ""
  save_dir = FLAGS.save_dir or f"save/{FLAGS.study}_{FLAGS.preset}{suffix}"
  unknown = set(FLAGS.methods) - set(METHODS)
  if unknown:
    cli.fail(f"--methods: unknown {', '.join(sorted(unknown))}; choose from "
             f"{', '.join(METHODS)}")
  try:
    seeds = cli.distinct_seeds(FLAGS.seeds)
  except ValueError as e:
    cli.fail(str(e))
  planned = runs(FLAGS.study, FLAGS.methods, seeds, FLAGS.preset,
                 FLAGS.protocol)
  for index, (name, recipe, extra, source) in enumerate(planned, 1):
    seed = name.rsplit("_s", 1)[1]
    args = command(save_dir, name, recipe, extra, seed, source, passthrough)
    logging.info("[study] run %d/%d: %s", index, len(planned), " ".join(args))
    if FLAGS.dry_run:
      continue
    if subprocess.run(args, check=False).returncode != 0:
      cli.fail(f"run {name} failed (its log is above); fix it and start the "
               "same study again: finished runs are not repeated")
  if FLAGS.dry_run:
    return
  rows, every_run = {}, {}
  for name, _, _, _ in planned:
    if name.startswith("pretrain_"):
      continue
    with open(os.path.join(save_dir, name, "results.json")) as f:
      results = json.load(f)
    every_run[name] = results
    rows.setdefault(name.rsplit("_s", 1)[0], []).append(results)
  if FLAGS.study == "table1":
    paper, reference = PAPER_ROWS, "seqgan"
    best_of_run = BEST_OF_RUN
  else:
    paper = {f"seqgan_g{g}_d{d}_k{k}": value
             for (g, d, k), value in FIGURE3.items()}
    reference, best_of_run = "seqgan_g1_d5_k3", tuple(paper)
  if FLAGS.protocol == "released":
    best_of_run = ()
  markdown = table(rows, paper, reference, best_of_run)
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
