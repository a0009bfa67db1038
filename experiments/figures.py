r"""The paper's figures, drawn from the runs' TensorBoard event files.

  python -m experiments.figures                       # = make figures
  python -m experiments.figures --preset=cpu          # one preset's runs
  python -m experiments.figures --table1_dir=save/table1_cpu --out_dir=docs

Figure 2 (NLL-oracle of MLE, SS, PG-BLEU and SeqGAN by epoch) comes from the
runs of `make table1`, and its MLE and SeqGAN curves alone from `make
synthetic`; Figure 3 (SeqGAN under four g-steps/d-steps/k
schedules) from `make figure3`; the poems' BLEU-2, the speeches' BLEU-3/4
and the melodies' BLEU-4 and MSE by epoch from `make poetry`, `make obama`
and `make music`; quality against diversity (BLEU-n against Self-BLEU-n and
against NLL-test, one point per sampling temperature, the held-out real data
as a star) from a corpus study (`make study STUDY=poems`). Each curve is the
mean over
seeds, with the seeds' range shaded; the dashed line is the end of
pre-training; a star marks the paper's final value (on the paper's oracle
only) and a dot this run's final evaluation (on --final_eval_samples).
Figures whose runs do not exist are skipped, for every preset unless
--preset names one; PNG and SVG go to --out_dir.
"""

import glob
import json
import os
import re

from absl import app
from absl import flags
from absl import logging
import matplotlib

matplotlib.use("Agg")  # Files only: no display needed.
import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top
import numpy as np  # pylint: disable=g-import-not-at-top

from experiments import cli  # pylint: disable=g-import-not-at-top
from experiments import report
from seqgan_tf import paper
from seqgan_tf import summaries

PRESETS = ["paper", "cpu", "smoke"]

flags.DEFINE_enum("preset", None, PRESETS, "The preset whose runs to draw "
                  "(the default directories below are named after it); "
                  "default: every preset that has runs.")
flags.DEFINE_string("table1_dir", None, "Runs of `make table1`; default "
                    "save/table1_<preset>.")
flags.DEFINE_string("figure3_dir", None, "Runs of `make figure3`; default "
                    "save/figure3_<preset>.")
flags.DEFINE_string("synthetic_dir", "save/synthetic", "Where `make "
                    "synthetic` put its <preset>_mle and <preset>_seqgan runs "
                    "(Figure 2's two main curves).")
flags.DEFINE_string("poems_dir", "save/poetry", "Where `make poetry` put its "
                    "<preset>_mle and <preset>_seqgan runs.")
flags.DEFINE_string("obama_dir", "save/obama", "Where `make obama` put its "
                    "<preset>_mle and <preset>_seqgan runs.")
flags.DEFINE_string("music_dir", "save/music", "Where `make music` put its "
                    "<preset>_mle and <preset>_seqgan runs.")
flags.DEFINE_string("study_dir", "save", "Where the corpus studies put their "
                    "runs: <study_dir>/<task>_<preset>/ (experiments.study "
                    "--study=poems|obama|music|text).")
flags.DEFINE_string("out_dir", "save/figures", "Where the images go.")
flags.DEFINE_list("formats", ["png", "svg"], "Image formats to write.")
FLAGS = flags.FLAGS

# Figure 2's methods, in the paper's legend order, and their colours.
# `constant` (reward 1, no D) is a control the paper lacks, drawn when run.
FIGURE2_METHODS = dict(mle="MLE", ss="Schedule Sampling", pgbleu="PG-BLEU",
                       seqgan="SeqGAN", constant="Constant reward")
COLOURS = dict(mle="tab:blue", ss="tab:green", pgbleu="tab:orange",
               seqgan="tab:red", constant="tab:purple")


class Curves:
  """The runs of one method (one per seed): mean curve, range, finals.

  Args:
    run_dirs: run directories of the same method and config but the seed.
    metric: a task metric name, e.g. "nll_oracle".
  """

  def __init__(self, run_dirs, metric):
    self.run_dirs = sorted(run_dirs)
    curves = [_curve_from_the_start(d, metric) for d in self.run_dirs]
    steps = sorted(set.intersection(*(set(c) for c in curves)))
    if not steps:
      raise ValueError(f"{', '.join(self.run_dirs)}: no {metric} evaluated "
                       "at the same epochs in these runs")
    self.steps = np.array(steps)
    values = np.array([[c[s] for s in steps] for c in curves])
    self.mean, self.low, self.high = (values.mean(0), values.min(0),
                                      values.max(0))
    results = [_read_json(os.path.join(d, "results.json"))
               for d in self.run_dirs]
    finals = [r[f"{metric}_final"] for r in results
              if r and r.get(f"{metric}_final") is not None]
    # A final dot only when every seed has finished.
    self.final = float(np.mean(finals)) if len(finals) == len(results) else None
    self.final_step = results[0].get("epochs") if results[0] else None
    config = _read_json(os.path.join(self.run_dirs[0], "config.json"))
    self.pretrain_epochs = config["config"]["pretrain_g_epochs"]
    # The paper's values are comparable only on the paper's oracle.
    self.on_paper_oracle = config["task"].get("oracle") == "paper"


def _curve_from_the_start(run_dir, metric):
  """`report.read_curve`, with the pre-training of a run started --init_from."""
  curve = report.read_curve(run_dir, metric)
  results = _read_json(os.path.join(run_dir, "results.json")) or {}
  source = results.get("init_from")
  if source and os.path.isdir(source):
    start = min(curve, default=0)
    pretraining = report.read_curve(source, metric)
    curve = {**{s: v for s, v in pretraining.items() if s < start}, **curve}
  return curve


def _read_json(path):
  if not os.path.exists(path):
    return None
  with open(path) as f:
    return json.load(f)


def _runs_by_name(directory, pattern):
  """{name without the seed: [run dirs]} of runs named `<name>_s<seed>`."""
  found = {}
  for path in sorted(glob.glob(os.path.join(directory, "*_s*"))):
    match = re.fullmatch(pattern + r"_s\d+", os.path.basename(path))
    if match and os.path.exists(os.path.join(path, "config.json")):
      found.setdefault(match.group(1), []).append(path)
  return found


def _draw(axes, curves, label, colour, paper=None):
  """One method: mean curve, seed range, final dot, the paper's star."""
  axes.plot(curves.steps, curves.mean, color=colour, label=label, lw=1.5)
  if len(curves.run_dirs) > 1:
    axes.fill_between(curves.steps, curves.low, curves.high, color=colour,
                      alpha=0.2, lw=0)
  if curves.final is not None and curves.final_step is not None:
    axes.plot([curves.final_step], [curves.final], "o", color=colour, ms=5)
  if paper is not None:
    x = curves.final_step if curves.final_step is not None else curves.steps[-1]
    axes.plot([x + 1], [paper], "*", color=colour, ms=11, mec="black",
              mew=0.5)


def _finish(axes, pretrain_epochs, ylabel):
  axes.axvline(pretrain_epochs, color="grey", ls="--", lw=1)
  axes.set_xlabel("learning epochs")
  axes.set_ylabel(ylabel)
  axes.grid(alpha=0.3)


def _note(figure, text):
  figure.tight_layout(rect=(0, 0.05, 1, 1))
  figure.text(0.01, 0.01, text, fontsize=7, color="dimgrey", va="bottom")


def figure2(table1_dir):
  """Figure 2 from a table1 study's runs; None if it has none."""
  runs = _runs_by_name(table1_dir, "(" + "|".join(FIGURE2_METHODS) + ")")
  if not runs:
    return None
  # Left every curve; right the paper's range, where the methods differ by
  # tenths (a method that collapses leaves it).
  figure, (whole, zoom) = plt.subplots(1, 2, figsize=(11, 4.4))
  centre = []  # The paper's values, or else where pre-training ended.
  for method, label in FIGURE2_METHODS.items():
    if method in runs:
      curves = Curves(runs[method], "nll_oracle")
      paper_value = paper.TABLE1.get(method) if curves.on_paper_oracle else None
      centre.append(paper_value if paper_value is not None else
                    float(np.interp(curves.pretrain_epochs, curves.steps,
                                    curves.mean)))
      for axes in (whole, zoom):
        _draw(axes, curves, f"{label} ({len(curves.run_dirs)} seeds)",
              COLOURS[method], paper_value)
        _finish(axes, curves.pretrain_epochs, "NLL by oracle")
  zoom.set_ylim(min(centre) - 0.2, max(centre) + 0.25)
  whole.set_title("Figure 2: NLL-oracle by epoch")
  zoom.set_title("the same, zoomed in")
  whole.legend(fontsize=8)
  _note(figure, f"{table1_dir}: mean over seeds, range shaded; dashed: end of "
        "pre-training; dot: final evaluation; star: the paper's final value")
  return figure


def figure3(figure3_dir):
  """Figure 3's four schedules, one panel each; None if none was run."""
  runs = _runs_by_name(figure3_dir, r"(seqgan_g\d+_d\d+_k\d+)")
  if not runs:
    return None
  figure, grid = plt.subplots(2, 2, figsize=(8, 6), sharey=True)
  for axes, ((g, d, k), paper_value) in zip(grid.flat,
                                            paper.FIGURE3.items()):
    name = f"seqgan_g{g}_d{d}_k{k}"
    axes.set_title(f"g-steps={g}, d-steps={d}, k={k}", fontsize=10)
    if name not in runs:
      axes.text(0.5, 0.5, "not run", ha="center", transform=axes.transAxes)
      continue
    curves = Curves(runs[name], "nll_oracle")
    _draw(axes, curves, f"SeqGAN ({len(curves.run_dirs)} seeds)", "tab:red",
          paper_value if curves.on_paper_oracle else None)
    _finish(axes, curves.pretrain_epochs, "NLL by oracle")
  figure.suptitle("Figure 3: NLL-oracle by epoch under four schedules")
  _note(figure, f"{figure3_dir}: dashed: end of pre-training; dot: final "
        "evaluation; star: the paper's final value")
  return figure


CORPORA = dict(
    synthetic=("Synthetic oracle", {m: {"nll_oracle": paper.TABLE1[m]}
                                    for m in ("mle", "seqgan")},
               ("nll_oracle",)),
    poems=("Chinese poems", paper.POEMS_BLEU2_BY_ROW, ("bleu2",)),
    obama=("Obama speeches", paper.OBAMA_BLEU, ("bleu3", "bleu4")),
    music=("Nottingham music", paper.MUSIC, ("bleu4", "mse")))


def corpus_figure(task, run_parent, preset):
  """BLEU-n of a corpus task's MLE and SeqGAN runs by epoch; None if none."""
  title, paper_scores, metrics = CORPORA[task]
  runs = {recipe: os.path.join(run_parent, f"{preset}_{recipe}")
          for recipe in ("mle", "seqgan")}
  runs = {k: v for k, v in runs.items()
          if os.path.exists(os.path.join(v, "config.json"))}
  if not runs:
    return None
  figure, panels = plt.subplots(1, len(metrics), squeeze=False,
                                figsize=(6.4 * len(metrics), 4.4))
  for axes, metric in zip(panels[0], metrics):
    for recipe, run_dir in runs.items():
      curves = Curves([run_dir], metric)
      paper_value = paper_scores.get(recipe, {}).get(metric)
      if metric == "nll_oracle" and not curves.on_paper_oracle:
        paper_value = None  # Comparable on the paper's oracle only.
      _draw(axes, curves, FIGURE2_METHODS[recipe], COLOURS[recipe],
            paper_value)
    real = paper_scores.get("real", {}).get(metric)
    if real is not None:
      axes.axhline(real, color="black", ls=":", lw=1, label="real data (paper)")
    name = (metric.replace("bleu", "BLEU-").replace("mse", "MSE")
            .replace("nll_oracle", "NLL-oracle"))
    _finish(axes, curves.pretrain_epochs, name)
    axes.set_title(f"{title}: {name} by epoch")
    axes.legend(fontsize=8)
  _note(figure, f"{run_parent}/{preset}_*: dashed: end of pre-training; "
        "dot: final evaluation; star: the paper's value")
  return figure


def _sweep_means(run_dirs):
  """{temperature: {metric: mean over the runs}} of the runs' sweeps."""
  rows = {}
  for run_dir in run_dirs:
    results = _read_json(os.path.join(run_dir, "results.json")) or {}
    for row in results.get("temperature_sweep", []):
      rows.setdefault(row["temperature"], []).append(row)
  return {t: {m: float(np.mean([r[m] for r in sweep]))
              for m in sweep[0] if m != "temperature"
              and all(m in r for r in sweep)}
          for t, sweep in sorted(rows.items())}


QUALITY_TITLES = dict(poems="Chinese poems", obama="Obama speeches",
                      music="Nottingham music", text="Text corpus")


def tradeoff_figure(task, study_dir):
  """Quality against diversity of a corpus study's methods; None if none.

  One panel per BLEU order n, BLEU-n against Self-BLEU-n, and one of the
  first order against NLL-test: each method's temperature sweep as a line
  (T marked beside its points, T = 1 larger), the held-out real data as a
  star. A method beyond MLE's line has a quality MLE reaches at no
  temperature for that diversity.
  """
  runs = _runs_by_name(study_dir, r"([a-z0-9]+)")
  runs.pop("pretrain", None)
  sweeps = {m: _sweep_means(dirs) for m, dirs in runs.items()}
  sweeps = {m: sweep for m, sweep in sweeps.items() if len(sweep) > 1}
  if not sweeps:
    return None
  any_sweep = next(iter(sweeps.values()))
  orders = sorted(int(m[len("bleu"):]) for m in next(iter(any_sweep.values()))
                  if re.fullmatch(r"bleu\d+", m))
  real = _read_json(os.path.join(runs[next(iter(sweeps))][0], "results.json"))
  panels = [(f"self_bleu{n}", f"bleu{n}") for n in orders]
  panels.append(("nll_test", f"bleu{orders[0]}"))
  figure, grid = plt.subplots(1, len(panels), squeeze=False,
                              figsize=(5.2 * len(panels), 4.4))
  for axes, (x_metric, y_metric) in zip(grid[0], panels):
    for method, sweep in sweeps.items():
      colour = COLOURS.get(method, "tab:grey")
      xs = [row[x_metric] for row in sweep.values()]
      ys = [row[y_metric] for row in sweep.values()]
      axes.plot(xs, ys, "-o", color=colour, ms=3, lw=1.2,
                label=FIGURE2_METHODS.get(method, method))
      for temperature, x, y in zip(sweep, xs, ys):
        if temperature == 1.0:
          axes.plot([x], [y], "o", color=colour, ms=8)
        axes.annotate(f"{temperature:g}", (x, y), fontsize=6,
                      xytext=(3, 3), textcoords="offset points")
    if real and f"real_{x_metric}" in real:
      axes.plot([real[f"real_{x_metric}"]], [real[f"real_{y_metric}"]], "*",
                color="black", ms=12, label="held-out real data")
    x_name, y_name = (summaries.metric_name(m)[0] for m in (x_metric,
                                                            y_metric))
    axes.set_xlabel(x_name + (" (lower: more diverse)"
                              if x_metric.startswith("self") else ""))
    axes.set_ylabel(y_name)
    axes.set_title(f"{QUALITY_TITLES.get(task, task)}: {y_name} against "
                   f"{x_name}", fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
  _note(figure, f"{study_dir}: each line a method's temperature sweep (T "
        "beside each point, T = 1 larger), mean over seeds; star: held-out "
        "real data")
  return figure


def render(out_dir, formats, table1_dir=None, figure3_dir=None,
           poems_dir=None, preset="cpu", obama_dir=None, music_dir=None,
           synthetic_dir=None, study_dir=None):
  """Draws every figure whose runs exist; returns the files written."""
  tradeoffs = {
      f"{task}_quality": tradeoff_figure(
          task, os.path.join(study_dir, f"{task}_{preset}"))
      for task in QUALITY_TITLES} if study_dir else {}
  figures = dict(
      figure2=figure2(table1_dir) if table1_dir else None,
      synthetic=(corpus_figure("synthetic", synthetic_dir, preset)
                 if synthetic_dir else None),
      figure3=figure3(figure3_dir) if figure3_dir else None,
      poems_bleu2=(corpus_figure("poems", poems_dir, preset) if poems_dir
                   else None),
      obama_bleu=(corpus_figure("obama", obama_dir, preset) if obama_dir
                  else None),
      music=(corpus_figure("music", music_dir, preset) if music_dir
             else None), **tradeoffs)
  written = []
  for name, figure in figures.items():
    if figure is None:
      continue
    os.makedirs(out_dir, exist_ok=True)
    for extension in formats:
      path = os.path.join(out_dir, f"{name}_{preset}.{extension}")
      figure.savefig(path, dpi=110, bbox_inches="tight")
      written.append(path)
    plt.close(figure)
  return written


def main(argv):
  del argv
  unknown = set(FLAGS.formats) - {"png", "svg", "pdf"}
  if unknown:
    cli.fail(f"--formats: unknown {', '.join(sorted(unknown))}; choose from "
             "png, svg, pdf")
  written = []
  for preset in [FLAGS.preset] if FLAGS.preset else PRESETS:
    try:
      written += render(
          FLAGS.out_dir, FLAGS.formats,
          FLAGS.table1_dir or f"save/table1_{preset}",
          FLAGS.figure3_dir or f"save/figure3_{preset}", FLAGS.poems_dir,
          preset, FLAGS.obama_dir, FLAGS.music_dir, FLAGS.synthetic_dir,
          FLAGS.study_dir)
    except ValueError as e:
      cli.fail(str(e))
  if not written:
    presets = FLAGS.preset or "any preset"
    looked = [FLAGS.table1_dir or "save/table1_<preset>",
              FLAGS.figure3_dir or "save/figure3_<preset>",
              FLAGS.synthetic_dir, FLAGS.poems_dir, FLAGS.obama_dir,
              FLAGS.music_dir, f"{FLAGS.study_dir}/<task>_<preset>"]
    cli.fail(f"no runs to draw for {presets} in {', '.join(looked)}: run make "
             "synthetic, table1, figure3, poetry, obama or music first")
  for path in written:
    logging.info("wrote %s", path)


if __name__ == "__main__":
  app.run(main, flags_parser=cli.parse_flags)
