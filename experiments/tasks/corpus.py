"""Flags, loading and the results table shared by the text-corpus tasks."""

import json
import os

from absl import flags
from absl import logging

from experiments import common
from seqgan_tf import download
from seqgan_tf import files
from seqgan_tf import tasks
from seqgan_tf import text

# What the corpus tasks' presets share. cpu: a short run on 2 CPU cores,
# fewer epochs and lighter D rounds; smoke: seconds, on a tiny corpus the
# tests write (no XLA: compiling would take longer than the run).
CPU = dict(pretrain_g_epochs=30, pretrain_d_rounds=5, k_epochs=1,
           adversarial_epochs=15, d_steps=2)
SMOKE = dict(seq_len=8, g_emb_dim=8, g_hidden_dim=8, d_emb_dim=8,
             d_filter_sizes=["2", "3"], d_num_filters=["4", "4"], batch_size=8,
             pretrain_g_epochs=2, pretrain_d_rounds=1, k_epochs=1,
             adversarial_epochs=2, d_steps=1, rollout_num=2, eval_every=1,
             eval_samples=16, final_eval_samples=32, xla=False)


def define_flags(heldout_size):
  """The corpus file, tokenisation and split; once per process.

  --test_size, shared with the oracle task, is defined in experiments.run.
  """
  if "data_file" in flags.FLAGS:
    return
  flags.DEFINE_string("data_file", None,
                      "The corpus, one sequence per line; default: the "
                      "task's public copy, downloaded into save/data/.")
  flags.DEFINE_enum("token_level", "word", list(text.LEVELS),
                    "word: whitespace-separated tokens; wordpunct: words, "
                    "each punctuation mark a token of its own; char: "
                    "characters.")
  flags.DEFINE_bool("lowercase", False, "Lowercase the corpus first.")
  flags.DEFINE_enum("rare_words", "error", ["error", "unk"],
                    "When the training split has more distinct tokens than "
                    "--vocab_size allows: refuse (error), or keep the most "
                    "frequent and map the rest to <unk> (unk).")
  flags.DEFINE_enum("overlong", "cut", ["cut", "drop", "error"],
                    "Lines longer than --seq_len: keep the first seq_len "
                    "tokens, drop the line, or refuse the corpus.")
  flags.DEFINE_integer("heldout_size", heldout_size,
                       "Further held-out sequences: the 'real data' BLEU row.")
  flags.DEFINE_integer("split_seed", 0, "Seed of the held-out split.")


def data_path(flag_values, url, sha256, filename):
  """--data_file, or the public copy downloaded (sha256-checked) once."""
  if flag_values.data_file:
    return flag_values.data_file
  path = f"{common.data_dir(flag_values, 'data')}/{filename}"
  return download.fetch(url, sha256, path,
                        fix="download it by hand and pass --data_file=PATH")


def load(flag_values, path, bleu_orders, line_length=None, separator=" "):
  """The `tasks.TextTask` the flags describe, and the config overrides."""
  task, notes = tasks.load_text_task(
      path, flag_values.token_level, flag_values.seq_len,
      flag_values.vocab_size, flag_values.overlong, flag_values.test_size,
      flag_values.heldout_size, flag_values.split_seed,
      bleu_orders=bleu_orders, line_length=line_length, separator=separator,
      lowercase=flag_values.lowercase, rare=flag_values.rare_words)
  logging.info("Corpus: %s; skipped %d blank lines, %s %d overlong lines",
               task.description, notes["blank_lines"], flag_values.overlong,
               notes["overlong_lines"])
  return task, dict(vocab_size=len(task.vocab), start_token=text.START_ID)


def write_results_table(flag_values, task, paper_scores):
  """The table of MLE, SeqGAN and real data beside the paper's numbers.

  A table names the runs it holds, and only those. With the default run
  names it is <save_dir>/<preset>_results.md, of the runs <preset>_mle and
  <preset>_seqgan (each finished run updates it); a run given --run_name
  has a table of its own, <save_dir>/<run_name>_results.md, since its
  siblings cannot be known.

  Args:
    flag_values: the run's flags (where its sibling runs are).
    task: the `tasks.TextTask` (its real-data scores are computed here).
    paper_scores: {"mle" | "seqgan" | "real": {"bleu2": value, ...}}, the
      paper's numbers; a missing one prints "-".
  """
  scored = [m for m in task.metric_names if m.startswith("bleu")]
  extras = [m for m in ("unk_rate", "mse") if m in task.metric_names]
  real = task.real_data_scores()
  real["unk_rate"] = task.data_stats.get("unk_rate_test")
  names = dict(nll_test="test NLL", unk_rate="<unk> share", mse="MSE",
               **{m: m.replace("bleu", "BLEU-") for m in scored})
  ours = scored + ["nll_test"] + extras
  theirs = scored + [m for m in extras if m == "mse"]
  if flag_values.run_name:
    runs = [(flag_values.recipe, common.run_dir_of(flag_values))]
    table_name = flag_values.run_name
  else:
    runs = [(recipe, common.run_dir_of(flag_values, recipe))
            for recipe in ("mle", "seqgan")]
    table_name = flag_values.preset
  rows = []
  for recipe, run_dir in runs:
    path = os.path.join(run_dir, "results.json")
    if os.path.exists(path):
      with open(path) as f:
        results = json.load(f)
      rows.append((recipe, os.path.basename(run_dir),
                   [results.get(f"{m}_final") for m in ours], recipe))
  rows.append(("real data", "-", [None if m == "nll_test" else real.get(m)
                                  for m in ours], "real"))
  header = ([f"{names[m]} (this run)" if m.startswith("bleu") else names[m]
             for m in ours] + [f"{names[m]} (paper)" for m in theirs])
  lines = [f"| model | run | {' | '.join(header)} |",
           "|---" * (len(header) + 2) + "|"]
  for name, run, values, paper_row in rows:
    paper = [paper_scores.get(paper_row, {}).get(m) for m in theirs]
    cells = [("-" if v is None else f"{v:.3f}" if m in ("nll_test", "mse")
              else f"{v:.4f}") for m, v in zip(ours + theirs, values + paper)]
    lines.append(f"| {name} | {run} | {' | '.join(cells)} |")
  if flag_values.preset == "smoke":
    lines.insert(0, "Smoke preset: a tiny corpus and model for a few epochs, "
                 "to show the pipeline runs; its numbers mean nothing beside "
                 "the paper's.\n")
  path = os.path.join(flag_values.save_dir, f"{table_name}_results.md")
  files.write_atomic(path, "\n".join(lines) + "\n")
  logging.info("Results table %s:\n%s", path, "\n".join(lines))
