"""poems: Chinese quatrains scored by BLEU-2 against held-out poems (Table 2).

The corpus is 16,394 five-character quatrains, one per line, 24
space-separated tokens (20 characters, 4 punctuation marks). Without
--data_file the public copy is downloaded into save/data/ and its sha256
checked. A fixed, seeded split holds out --test_size poems as BLEU
references and --heldout_size more as the "real data" row; G and D train on
the rest. Each finished run updates <save_dir>/<preset>_results.md, the
table of MLE, SeqGAN and real data.
"""

from experiments import paper
from experiments.tasks import corpus

DATA_URL = "https://raw.githubusercontent.com/geek-ai/Texygen/master/data/shi.txt"
DATA_SHA256 = "ac03c5fbb07776f0e43cb1ccfc74732f5313ab3d832df81c8e0db327df35e666"
TOKENS_PER_LINE = 6  # Five characters and a punctuation mark.

SAVE_DIR = "save/poetry"
# The paper gives no schedule for poems: the default is Texygen's SeqGAN
# (80 MLE epochs, 100 adversarial epochs), the setting later SeqGAN
# comparisons use, with the authors' synthetic D schedule. vocab_size 0:
# every token of the training split.
# test_size 4,000: the reference count at which held-out real poems score
# the paper's real-data BLEU-2 (0.7455 against 0.746; experiments.bleu_protocol,
# README "The BLEU protocol").
DEFAULTS = dict(test_size=4000, seq_len=24, vocab_size=0, pretrain_g_epochs=80,
                adversarial_epochs=100, eval_samples=2000,
                final_eval_samples=10000)
PRESETS = {
    "paper": {},
    "cpu": dict(corpus.CPU, eval_samples=1000, final_eval_samples=5000),
    "smoke": dict(corpus.SMOKE, test_size=10, heldout_size=5),
}


def define_flags():
  corpus.define_flags(heldout_size=1000)


def build(flag_values):
  path = corpus.data_path(flag_values, DATA_URL, DATA_SHA256, "shi.txt")
  # Chinese characters print without spaces between them.
  return corpus.load(flag_values, path, bleu_orders=(2,),
                     line_length=TOKENS_PER_LINE, separator="")


def finish(flag_values, task):
  """<save_dir>/<preset>_results.md: MLE, SeqGAN, real data, and the paper."""
  corpus.write_results_table(flag_values, task, paper.POEMS_BLEU2_BY_ROW)
