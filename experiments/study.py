r"""The paper's comparisons: Table 1 and Figure 3 on the synthetic oracle, and
MLE against SeqGAN on a corpus, quality against diversity.

  python -m experiments.study --study=table1 --preset=cpu --seeds=88,89,90
  python -m experiments.study --study=figure3 --preset=cpu --seeds=88
  python -m experiments.study --study=table1 --preset=smoke -- --oracle=random
  python -m experiments.study --study=poems --preset=cpu --seeds=88 \
      -- --data_file=../shared/data/poetry/shi.txt

Every method of a seed starts from one shared MLE pre-training (recipe
`pretrain`, then `--init_from`), exactly as if it had pre-trained itself.
Each run is an ordinary `experiments.run` run in <save_dir>/, so an
interrupted study resumes where it stopped when started again, and
TensorBoard on <save_dir> shows every method's NLL-oracle on one chart
(Figure 2). At the end, <save_dir>/<study>.md holds the table (mean ± std
over seeds, Welch's t-test against SeqGAN) beside the paper's numbers and
<save_dir>/<study>.json every run's results. Flags after `--` go to every
run (e.g. `-- --oracle_dir=../shared/data/oracle`).

A corpus study (poems, obama, music, text) runs MLE and SeqGAN (--methods)
with a wider temperature sweep, and its table gives every metric of the
task (BLEU-n, Self-BLEU-n, MS-Jaccard-n, NLL-test) beside the held-out real
data, then the sweep, then where SeqGAN's samples lie against MLE's
temperature curve of BLEU-n against Self-BLEU-n (`diversity.curve_margin`).
"""

import json
import os
import re
import shlex
import sys

from absl import app
from absl import flags
from absl import logging
import numpy as np
from scipy import stats

from experiments import cli
from experiments import launch
from seqgan_tf import diversity
from seqgan_tf import files
from seqgan_tf import paper
from seqgan_tf import presets
from seqgan_tf import provenance
from seqgan_tf import summaries

PAPER_TABLE1, FIGURE3 = paper.TABLE1, paper.FIGURE3
TEMPERATURES = "0.8,0.9,1.0,1.1,1.2"
ORACLE_STUDIES = ("table1", "figure3")
# A study of a corpus task is named after the task.
CORPUS_STUDIES = ("poems", "obama", "music", "text")
CORPUS_METHODS = ("mle", "seqgan")
# Lower temperatures trade diversity for quality; Caccia et al. (2020) find
# MLE below T = 1 reaching language GANs' quality, so the sweep reaches 0.6.
CORPUS_TEMPERATURES = "0.6,0.7,0.8,0.9,1.0,1.1,1.2"
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

flags.DEFINE_enum("study", "table1", [*ORACLE_STUDIES, *CORPUS_STUDIES],
                  "table1: every method of Table 1; figure3: SeqGAN with the "
                  "four (g-steps, d-steps, k) schedules of Figure 3; poems, "
                  "obama, music, text: MLE and SeqGAN on that corpus task, "
                  "with the temperature sweep of quality against diversity.")
flags.DEFINE_enum("preset", "cpu", list(presets.NAMES),
                  "The task's preset for every run.")
flags.DEFINE_list("seeds", ["88", "89", "90"], "One pre-training and one run "
                  "of each method per seed.")
flags.DEFINE_list("methods", None,
                  "The methods to run, of " + ", ".join(METHODS) + "; "
                  "default: all of them for table1, " +
                  ", ".join(CORPUS_METHODS) + " for a corpus.")
flags.DEFINE_enum("protocol", "released", list(presets.PROTOCOLS),
                  "Every run's --protocol: the released code's defaults, or "
                  "the paper-era code's that made Table 1.")
flags.DEFINE_string("save_dir", None,
                    "Where the runs go; default save/<study>_<preset>, with "
                    "_paper_era appended under that protocol.")
flags.DEFINE_integer("final_eval_samples", None,
                     "Samples of each run's final evaluation; default: the "
                     "paper's 100,000 for the oracle, the preset's for a "
                     "corpus.")
flags.DEFINE_string("sweep_temperatures", None,
                    "Sampling temperatures of each run's sweep; empty for "
                    f"none. Default: {TEMPERATURES} for the oracle "
                    f"(NLL-oracle against NLL-test), {CORPUS_TEMPERATURES} "
                    "for a corpus (BLEU against Self-BLEU and NLL-test).")
flags.DEFINE_string("results_dir", None, "Also write the study's table there, "
                    "as <study>_<preset>[_paper_era].md (docs/results for "
                    "the documentation's tables), and keep each finished "
                    "run's results.json in <study>_<preset>[_paper_era]_runs/ "
                    "beside it: a run kept there is not run again, so a "
                    "study can grow a seed at a time on machines that keep "
                    "nothing but the results directory.")
flags.DEFINE_bool("table_only", False, "Run nothing: write the table from the "
                  "runs already finished (in --save_dir, or kept in "
                  "--results_dir), naming those still missing.")
flags.DEFINE_bool("dry_run", False, "Log the commands only.")
flags.DEFINE_integer("jobs", 1, "Independent runs at once, each on a device "
                     "of its own: a GPU each where the host has enough, else "
                     "an equal share of the CPU cores. Each logs to "
                     "<save_dir>/logs/<run>.log.")
flags.DEFINE_bool("print_commands", False, "Print one line per run, "
                  "'<wave>\\t<command>', for a cluster scheduler, and exit: "
                  "wave 2 starts from wave 1's pre-trainings.")
FLAGS = flags.FLAGS


def task_of(study):
  """The task a study's runs train on."""
  return "oracle" if study in ORACLE_STUDIES else study


def pretrain_epochs(recipe, preset, protocol, task="oracle"):
  """G's MLE epochs before `recipe`'s own training, as a run would take."""
  return presets.get(task, preset, recipe=recipe,
                     protocol=protocol).config.pretrain_g_epochs


def pretrain_name(epochs, seed, preset, protocol, task="oracle"):
  """The shared pre-training's run name; the preset's length names no length."""
  if epochs == pretrain_epochs("pretrain", preset, protocol, task):
    return f"pretrain_s{seed}"
  return f"pretrain_e{epochs}_s{seed}"


def runs(study, methods, seeds, preset="cpu", protocol="released"):
  """[(run name, recipe, extra flags, pre-training run name or None)].

  Every method that pre-trains starts from a shared pre-training of its
  length (one per length and seed), run first.
  """
  task = task_of(study)
  planned = []
  for seed in seeds:
    if study != "figure3":
      methods_of_seed = [(f"{m}_s{seed}", *METHODS[m]) for m in methods]
    else:
      methods_of_seed = [
          (f"seqgan_g{g}_d{d}_k{k}_s{seed}", "seqgan",
           [f"--g_steps={g}", f"--d_steps={d}", f"--k_epochs={k}"])
          for g, d, k in FIGURE3]
    pretrainings, branched = {}, []
    for name, recipe, extra in methods_of_seed:
      epochs = pretrain_epochs(recipe, preset, protocol, task)
      if recipe in ("random", "pretrain") or epochs == 0:
        branched.append((name, recipe, extra, None))
        continue
      source = pretrain_name(epochs, seed, preset, protocol, task)
      pretrainings.setdefault(source, epochs)
      branched.append((name, recipe, extra, source))
    for source, epochs in pretrainings.items():
      extra = ([] if source == f"pretrain_s{seed}" else
               [f"--pretrain_g_epochs={epochs}"])
      planned.append((source, "pretrain", extra, None))
    planned.extend(branched)
  return planned


def command(save_dir, name, recipe, extra, seed, source, passthrough):
  task = task_of(FLAGS.study)
  oracle = task == "oracle"
  final_eval_samples = FLAGS.final_eval_samples or (100000 if oracle else None)
  sweep = FLAGS.sweep_temperatures
  if sweep is None:
    sweep = TEMPERATURES if oracle else CORPUS_TEMPERATURES
  args = [sys.executable, "-m", "experiments.run", f"--task={task}",
          f"--recipe={recipe}", f"--preset={FLAGS.preset}", f"--seed={seed}",
          *([f"--protocol={FLAGS.protocol}"] if oracle else []),
          f"--save_dir={save_dir}", f"--run_name={name}",
          *([f"--final_eval_samples={final_eval_samples}"]
            if final_eval_samples else []),
          f"--sweep_temperatures={sweep}", *extra]
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

  def p_cell(name, values, key):
    if name == reference_name or not values:
      return "-"
    p = welch_p(values, [r[key] for r in reference if r.get(key) is not None])
    return "-" if np.isnan(p) else f"{p:.3g}"  # NaN: under two runs.

  for name, results in rows.items():
    final = values(results, "nll_oracle_final")
    best = values(results, "nll_oracle_best")
    best_cell = "-"
    if best:
      epochs = ", ".join(str(r["nll_oracle_best_epoch"]) for r in results
                         if r.get("nll_oracle_best") is not None)
      best_cell = f"{_spread_cell(best, 3)} ({epochs})"
    paper_value = paper.get(name)
    mark = "*" if name in best_of_run and paper_value is not None else ""
    lines.append(
        f"| {name} | {len(results)} | {_spread_cell(final, 3)} | "
        f"{p_cell(name, final, 'nll_oracle_final')} | {best_cell} | "
        f"{p_cell(name, best, 'nll_oracle_best')} | "
        f"{_spread_cell(values(results, 'nll_test_final'), 3)} "
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
    for temperature, sweep in _sweeps(results).items():
      oracle = np.mean([row["nll_oracle"] for row in sweep])
      test = np.mean([row["nll_test"] for row in sweep])
      lines.append(f"| {name} | {temperature:g} | {oracle:.3f} | {test:.3f} |")
  return "\n".join(lines) + "\n" if len(lines) > 2 else ""


def corpus_metrics(results):
  """A corpus run's metric names in results.json, in the tables' order."""
  finals = sorted(k[:-len("_final")] for k in results if k.endswith("_final"))
  ordered = [m for prefix in ("bleu", "self_bleu", "ms_jaccard")
             for m in finals if re.fullmatch(prefix + r"\d+", m)]
  return ordered + [m for m in ("nll_test", "mse", "unk_rate") if m in finals]


def _cell(name, values):
  """`values` over seeds to the metric's precision (`_spread_cell`)."""
  return _spread_cell(values, 3 if name in ("nll_test", "mse") else 4)


def _spread_cell(values, digits):
  """"mean ± std" over seeds ("mean" for one, "-" for none)."""
  if not values:
    return "-"
  mean, spread = summarise(values)
  if len(values) == 1:
    return f"{mean:.{digits}f}"
  return f"{mean:.{digits}f} ± {spread:.{digits}f}"


def corpus_table(rows, paper_scores):
  """Markdown: every metric's final value per method, and the real data.

  Args:
    rows: {method: [results.json of each seed]}.
    paper_scores: {"mle" | "seqgan" | "real": {metric: value}}, the
      paper's numbers beside ours.
  """
  first = next(iter(rows.values()))[0]
  metrics = corpus_metrics(first)
  theirs = [m for m in metrics
            if any(m in row for row in paper_scores.values())]
  names = [summaries.metric_name(m)[0] for m in metrics]
  header = names + [f"{summaries.metric_name(m)[0]}, paper" for m in theirs]
  lines = [f"| method | runs | {' | '.join(header)} |",
           "|---" * (len(header) + 2) + "|"]

  def paper_cells(row):
    return [_cell(m, [paper_scores[row][m]]
                  if m in paper_scores.get(row, {}) else []) for m in theirs]

  for name, results in rows.items():
    cells = [_cell(m, [r[f"{m}_final"] for r in results
                       if r.get(f"{m}_final") is not None]) for m in metrics]
    lines.append(f"| {name} | {len(results)} | "
                 f"{' | '.join(cells + paper_cells(name))} |")
  real = [_cell(m, [first[f"real_{m}"]] if f"real_{m}" in first else [])
          for m in metrics]
  lines.append(f"| real data (held-out) | - | "
               f"{' | '.join(real + paper_cells('real'))} |")
  return "\n".join(lines) + "\n"


def _sweeps(results):
  """{temperature: [the sweep's row of each seed]}."""
  by_temperature = {}
  for result in results:
    for row in result.get("temperature_sweep", []):
      by_temperature.setdefault(row["temperature"], []).append(row)
  return dict(sorted(by_temperature.items()))


def corpus_sweep_table(rows):
  """Markdown: per method and temperature, every metric (means over seeds)."""
  first = next(iter(rows.values()))[0]
  metrics = [m for m in corpus_metrics(first) if m != "unk_rate"]
  lines = [f"| method | temperature | "
           f"{' | '.join(summaries.metric_name(m)[0] for m in metrics)} |",
           "|---" * (len(metrics) + 2) + "|"]
  for name, results in rows.items():
    for temperature, sweep in _sweeps(results).items():
      cells = [_cell(m, [row[m] for row in sweep if m in row])
               for m in metrics]
      lines.append(f"| {name} | {temperature:g} | {' | '.join(cells)} |")
  return "\n".join(lines) + "\n" if len(lines) > 2 else ""


def tradeoff_lines(rows, reference="mle"):
  """Where each method's samples at T = 1 lie against `reference`'s
  temperature curve of BLEU-n against Self-BLEU-n, one line per method
  and order (`diversity.curve_margin`)."""
  if reference not in rows:
    return []
  first = rows[reference][0]
  orders = [m[len("bleu"):] for m in corpus_metrics(first)
            if re.fullmatch(r"bleu\d+", m)]
  curve_rows = _sweeps(rows[reference])
  lines = []
  for name, results in rows.items():
    at_one = _sweeps(results).get(1.0)
    if name == reference or not at_one:
      continue
    for n in orders:
      bleu, self_bleu = f"bleu{n}", f"self_bleu{n}"
      curve = [(np.mean([r[self_bleu] for r in sweep]),
                np.mean([r[bleu] for r in sweep]))
               for sweep in curve_rows.values()
               if all(self_bleu in r for r in sweep)]
      if len(curve) < 2 or not all(self_bleu in r for r in at_one):
        continue
      point = (np.mean([r[self_bleu] for r in at_one]),
               np.mean([r[bleu] for r in at_one]))
      margin = diversity.curve_margin(curve, point)
      where = (f"{reference}'s curve does not reach that Self-BLEU-{n} "
               f"({min(curve)[0]:.4f} to {max(curve)[0]:.4f})"
               if margin is None else
               f"{'beyond' if margin > 0 else 'inside'} {reference}'s "
               f"temperature curve, {margin:+.4f} BLEU-{n} from it at the "
               "same Self-BLEU")
      lines.append(f"- {name} at T = 1: BLEU-{n} {point[1]:.4f} at "
                   f"Self-BLEU-{n} {point[0]:.4f}: {where}.")
  return lines


def corpus_markdown(rows, task):
  """The corpus study's whole page: table, sweep, where methods lie."""
  markdown = corpus_table(rows, paper.SCORES.get(task, {}))
  sweep = corpus_sweep_table(rows)
  if sweep:
    markdown += ("\nTemperature sweep (G sampled at each softmax temperature "
                 "on each run's --eval_samples; means over seeds):\n\n" +
                 sweep)
  lines = tradeoff_lines(rows)
  if lines:
    markdown += ("\nAgainst MLE's temperature curve (beyond: higher BLEU at "
                 "the same Self-BLEU, which no temperature of MLE "
                 "reaches):\n\n" + "\n".join(lines) + "\n")
  return markdown


def oracle_markdown(rows, study, protocol):
  """Table 1's or Figure 3's page: the table, then the temperature sweep."""
  if study == "table1":
    paper_rows, reference = PAPER_ROWS, "seqgan"
    best_of_run = BEST_OF_RUN
  else:
    paper_rows = {f"seqgan_g{g}_d{d}_k{k}": value
                  for (g, d, k), value in FIGURE3.items()}
    reference, best_of_run = "seqgan_g1_d5_k3", tuple(paper_rows)
  if protocol == "released":
    best_of_run = ()
  markdown = table(rows, paper_rows, reference, best_of_run)
  sweep = sweep_table(rows)
  if sweep:
    markdown += ("\nTemperature sweep (G sampled at each softmax temperature; "
                 "means over seeds):\n\n" + sweep)
  return markdown


def check_flags(passthrough):
  """The study's methods and seeds, or a one-line error naming the flag."""
  for arg in passthrough:
    name = arg.lstrip("-").split("=", 1)[0]
    if name in ("protocol", "seed", "recipe", "preset", "save_dir", "run_name",
                "task"):
      cli.fail(f"{arg} after --: the study sets --{name} for every run; pass "
               "--protocol and --preset before --, and let the study name "
               "the runs")
  if FLAGS.study in CORPUS_STUDIES and FLAGS.protocol != "released":
    cli.fail(f"--protocol={FLAGS.protocol}: the paper-era code trained the "
             "synthetic oracle only; a corpus study runs the released "
             "protocol")
  methods = FLAGS.methods or (list(METHODS) if FLAGS.study == "table1" else
                              list(CORPUS_METHODS))
  unknown = set(methods) - set(METHODS)
  if unknown:
    cli.fail(f"--methods: unknown {', '.join(sorted(unknown))}; choose from "
             f"{', '.join(METHODS)}")
  try:
    return methods, cli.distinct_seeds(FLAGS.seeds)
  except ValueError as e:
    cli.fail(str(e))


def gather(save_dir, records_dir, names):
  """{run name: results} of the finished runs among `names`.

  A run's results.json in `save_dir` is kept in `records_dir` (when given)
  the first time it is seen; a record already there is never replaced, so
  that a run made again elsewhere cannot overwrite the one a table was made
  from. A run found in both places is read from its record.
  """
  finished = {}
  for name in names:
    record = records_dir and os.path.join(records_dir, f"{name}.json")
    if record and os.path.exists(record):
      finished[name] = files.read_json(
          record, "a damaged record of a study's run: restore it from git "
          "(git checkout -- <file>) or delete it to run that run again")
      continue
    path = os.path.join(save_dir, name, "results.json")
    if not os.path.exists(path):
      continue
    finished[name] = files.read_json(
        path, "move that run's directory away and start the study again "
        "to run it again")
    if record:
      os.makedirs(records_dir, exist_ok=True)
      files.write_atomic(record, json.dumps(finished[name], indent=2) + "\n")
  return finished


def gathered(save_dir, records_dir, names):
  """`gather`, or the one-line error of a file it cannot read."""
  try:
    return gather(save_dir, records_dir, names)
  except files.RunDirError as e:
    cli.fail(str(e))


def still_to_run(planned, finished):
  """The planned runs not finished, with the pre-trainings they start from."""
  wanted = [p for p in planned
            if not p[0].startswith("pretrain_") and p[0] not in finished]
  sources = {source for _, _, _, source in wanted if source}
  return [p for p in planned if p in wanted or p[0] in sources]


def provenance_lines(finished):
  """One line per (commit, CPU, date) naming the runs made there."""
  made = {}
  for name, results in finished.items():
    where = results.get("provenance")
    key = ((where["commit"], where["cpu"], where["date"]) if where else None)
    made.setdefault(key, []).append(name)
  lines = []
  for key, names in made.items():
    runs_made = ", ".join(sorted(names))
    lines.append(f"- at commit {key[0]} on {key[1]}, {key[2]}: {runs_made}"
                 if key else f"- where, not recorded: {runs_made}")
  return lines


def main(argv):
  passthrough = argv[1:]
  methods, seeds = check_flags(passthrough)
  suffix = "_paper_era" if FLAGS.protocol == "paper_era" else ""
  name_of_table = f"{FLAGS.study}_{FLAGS.preset}{suffix}"
  save_dir = FLAGS.save_dir or f"save/{name_of_table}"
  records_dir = (os.path.join(FLAGS.results_dir, f"{name_of_table}_runs")
                 if FLAGS.results_dir else None)
  planned = runs(FLAGS.study, methods, seeds, FLAGS.preset, FLAGS.protocol)
  table_runs = [p[0] for p in planned if not p[0].startswith("pretrain_")]
  finished = gathered(save_dir, records_dir, table_runs)
  to_run = still_to_run(planned, finished)
  commands = [(name, command(save_dir, name, recipe, extra,
                             name.rsplit("_s", 1)[1], source, passthrough),
               source) for name, recipe, extra, source in to_run]
  if FLAGS.print_commands:
    for wave, runs_of_wave in enumerate(launch.waves(commands), 1):
      for _, args in runs_of_wave:
        print(f"{wave}\t{shlex.join(args)}")
    return
  if FLAGS.dry_run:
    for index, (name, args, _) in enumerate(commands, 1):
      logging.info("[study] run %d/%d: %s", index, len(commands),
                   " ".join(args))
    return
  if finished:
    logging.info("[study] %d of %d runs already finished, not run again",
                 len(finished), len(table_runs))
  failed = []
  if not FLAGS.table_only:
    failed = launch.run(commands, FLAGS.jobs, os.path.join(save_dir, "logs"))
    finished = gathered(save_dir, records_dir, table_runs)
  if failed:
    where = ("its log is above" if FLAGS.jobs == 1 else
             f"logs in {os.path.join(save_dir, 'logs')}")
    cli.fail(f"run {', '.join(failed)} failed ({where}); fix it and start the "
             "same study again: finished runs are not repeated")
  if not finished:
    cli.fail(f"no run of the study has finished in {save_dir}"
             + (f" or {records_dir}" if records_dir else "") +
             ": run the study without --table_only first")
  rows, every_run = {}, {}
  for name in table_runs:
    if name in finished:
      every_run[name] = finished[name]
      rows.setdefault(name.rsplit("_s", 1)[0], []).append(finished[name])
  if FLAGS.study in CORPUS_STUDIES:
    markdown = corpus_markdown(rows, FLAGS.study)
  else:
    markdown = oracle_markdown(rows, FLAGS.study, FLAGS.protocol)
  missing = [name for name in table_runs if name not in finished]
  if missing:
    markdown += f"\nNot run yet: {', '.join(missing)}.\n"
  markdown += "\nWhere each run was made:\n\n" + "\n".join(
      provenance_lines(every_run)) + "\n"
  command_line = "python -m experiments.study " + " ".join(sys.argv[1:])
  markdown += "\n" + provenance.line(command_line) + "\n"
  os.makedirs(save_dir, exist_ok=True)
  files.write_atomic(os.path.join(save_dir, f"{FLAGS.study}.md"), markdown)
  if FLAGS.results_dir:
    os.makedirs(FLAGS.results_dir, exist_ok=True)
    files.write_atomic(
        os.path.join(FLAGS.results_dir, f"{name_of_table}.md"), markdown)
  files.write_atomic(os.path.join(save_dir, f"{FLAGS.study}.json"),
                     json.dumps(every_run, indent=2) + "\n")
  print(markdown)


if __name__ == "__main__":
  app.run(main, flags_parser=cli.parse_flags)
