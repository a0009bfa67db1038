r"""Chinese quatrains (paper Section 5, Table 2): BLEU-2 of MLE and SeqGAN.

  python -m experiments.poetry --data_file=../shared/data/poetry/shi.txt
  python -m experiments.poetry --mode=mle ...          # the MLE baseline
  python -m experiments.poetry --preset=cpu ...        # a short CPU run

The corpus is 16,394 five-character quatrains, one per line, 24 space-separated
tokens (20 characters, 4 punctuation marks). Without --data_file the public
copy is downloaded into save/data/ and its sha256 checked. A fixed, seeded
split holds out --test_size poems as BLEU references and --heldout_size more
as the "real data" row; G and D train on the rest. Each finished run updates
save/poetry/<preset>_results.md, the table of MLE, SeqGAN and real data.
"""

import functools
import json
import os

from absl import app
from absl import flags
from absl import logging

from experiments import cli
from experiments import common
from seqgan_tf import config as config_lib
from seqgan_tf import download
from seqgan_tf import tasks
from seqgan_tf import text

DATA_URL = "https://raw.githubusercontent.com/geek-ai/Texygen/master/data/shi.txt"
DATA_SHA256 = "ac03c5fbb07776f0e43cb1ccfc74732f5313ab3d832df81c8e0db327df35e666"
# Paper Table 2: BLEU-2 of poems.
PAPER_BLEU2 = dict(mle=0.6670, seqgan=0.7389, real=0.746)
TOKENS_PER_LINE = 6  # Five characters and a punctuation mark.

# The paper gives no schedule for poems: the default is Texygen's SeqGAN
# (80 MLE epochs, 100 adversarial epochs), the setting later SeqGAN
# comparisons use, with the authors' synthetic D schedule.
POETRY_DEFAULTS = config_lib.SeqGANConfig(pretrain_g_epochs=80,
                                          adversarial_epochs=100,
                                          eval_samples=2000,
                                          final_eval_samples=10000)
PRESETS = {
    "paper": {},
    # A short run on 2 CPU cores: fewer epochs, lighter D rounds.
    "cpu": dict(pretrain_g_epochs=30, pretrain_d_rounds=5, k_epochs=1,
                adversarial_epochs=15, d_steps=2, eval_samples=1000,
                final_eval_samples=5000),
    # Seconds, on a tiny corpus given with --data_file: for tests.
    "smoke": dict(seq_len=8, g_emb_dim=8, g_hidden_dim=8, d_emb_dim=8,
                  d_filter_sizes=["2", "3"], d_num_filters=["4", "4"],
                  batch_size=8, pretrain_g_epochs=2, pretrain_d_rounds=1,
                  k_epochs=1, adversarial_epochs=2, d_steps=1, rollout_num=2,
                  eval_every=1, eval_samples=16, final_eval_samples=32,
                  test_size=10, heldout_size=5,
                  xla=False),  # Compiling would take longer than the run.
}


def define_flags():
  common.define_run_flags("save/poetry", PRESETS)
  common.define_model_flags(seq_len=24, vocab_size=0)
  common.define_schedule_flags(POETRY_DEFAULTS)
  flags.DEFINE_string("data_file", None,
                      "The corpus, one poem per line; default: download "
                      f"{DATA_URL} into save/data/.")
  flags.DEFINE_enum("token_level", "word", ["word", "char"],
                    "word: whitespace-separated tokens; char: characters.")
  flags.DEFINE_enum("overlong", "cut", ["cut", "drop", "error"],
                    "Lines longer than --seq_len: keep the first seq_len "
                    "tokens, drop the line, or refuse the corpus.")
  flags.DEFINE_integer("test_size", 2000, "Held-out poems: BLEU references.")
  flags.DEFINE_integer("heldout_size", 1000,
                       "Further held-out poems: the 'real data' BLEU row.")
  flags.DEFINE_integer("split_seed", 0, "Seed of the held-out split.")


def data_path(flag_values):
  if flag_values.data_file:
    return flag_values.data_file
  path = os.path.join(os.path.dirname(flag_values.save_dir.rstrip("/")) or ".",
                      "data", "shi.txt")
  return download.fetch(DATA_URL, DATA_SHA256, path,
                        fix="download it by hand and pass --data_file=PATH")


def write_table(flag_values, real_scores):
  """save/poetry/<preset>_results.md: MLE, SeqGAN, real data, and the paper."""
  rows = []
  for mode in ("mle", "seqgan"):
    path = os.path.join(common.run_dir_of(flag_values, mode), "results.json")
    if os.path.exists(path):
      with open(path) as f:
        results = json.load(f)
      rows.append((mode, results["bleu2_final"],
                   results.get("nll_test_final"), PAPER_BLEU2[mode]))
  rows.append(("real data", real_scores["bleu2"], None, PAPER_BLEU2["real"]))
  lines = ["| model | BLEU-2 (this run) | test NLL | BLEU-2 (paper) |",
           "|---|---|---|---|"]
  for name, score, nll, paper in rows:
    nll_text = f"{nll:.3f}" if nll is not None else "-"
    lines.append(f"| {name} | {score:.4f} | {nll_text} | {paper:.4f} |")
  path = os.path.join(flag_values.save_dir, f"{flag_values.preset}_results.md")
  with open(path, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
  logging.info("Results table %s:\n%s", path, "\n".join(lines))


def run(flag_values):
  common.prepare(flag_values, PRESETS)
  task, notes = tasks.load_text_task(
      data_path(flag_values), flag_values.token_level, flag_values.seq_len,
      flag_values.vocab_size, flag_values.overlong, flag_values.test_size,
      flag_values.heldout_size, flag_values.split_seed, bleu_orders=(2,),
      line_length=TOKENS_PER_LINE)
  logging.info("Corpus: %s; skipped %d blank lines, %s %d overlong lines",
               task.description, notes["blank_lines"], flag_values.overlong,
               notes["overlong_lines"])
  config = common.config_from_flags(flag_values, vocab_size=len(task.vocab),
                                    start_token=text.START_ID)
  results = common.run_experiment(flag_values, config, task)
  write_table(flag_values, task.real_data_scores())
  return results


if __name__ == "__main__":
  define_flags()
  app.run(functools.partial(common.main, run), flags_parser=cli.parse_flags)
