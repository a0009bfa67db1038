"""obama: Obama's speeches, word-level, scored by BLEU-3/4 (Table 3).

The corpus is 11,092 lines of speech paragraphs (the paper's count; 616 of
them hold only spaces and are skipped). A paragraph runs to ~100 words, far
longer than the paper's models (it gives no length): a sequence is the
first --seq_len=20 tokens of a paragraph (--overlong=cut), the length of the
authors' synthetic setting, so every paragraph is one sequence and the
sequences start where speech units start. Tokens are lowercased words with
each punctuation mark a token of its own (--token_level=wordpunct,
--lowercase); the --vocab_size=5,000 most frequent training tokens are kept
and the rest become <unk> (--rare_words=unk), in the training data, the BLEU
references and the real-data row alike; results.json reports the <unk>
share of the data beside the samples' (eval/unk_rate). Each finished run
updates <save_dir>/<preset>_results.md.
"""

from experiments import paper
from experiments.tasks import corpus

DATA_URL = ("https://raw.githubusercontent.com/samim23/obama-rnn/master/"
            "input.txt")
DATA_SHA256 = "74f830c9d996154990eaf52bd8bf800bf9b6f65fcea5948b1186aa9a6d5edfdc"

SAVE_DIR = "save/obama"
# The paper gives no schedule: the poems' (Texygen's 80 MLE and 100
# adversarial epochs, the authors' synthetic D schedule).
DEFAULTS = dict(token_level="wordpunct", lowercase=True, rare_words="unk",
                vocab_size=5000, seq_len=20, test_size=1000, heldout_size=500,
                pretrain_g_epochs=80, adversarial_epochs=100,
                eval_samples=1000, final_eval_samples=5000)
PRESETS = {
    "paper": {},
    "cpu": dict(corpus.CPU, eval_samples=500, final_eval_samples=2000),
    "smoke": dict(corpus.SMOKE, vocab_size=40, test_size=10, heldout_size=5),
}


def define_flags():
  corpus.define_flags(heldout_size=500)


def build(flag_values):
  path = corpus.data_path(flag_values, DATA_URL, DATA_SHA256,
                          "obama_speeches.txt")
  return corpus.load(flag_values, path, bleu_orders=(3, 4))


def finish(flag_values, task):
  """<save_dir>/<preset>_results.md: MLE, SeqGAN, real data, and the paper."""
  corpus.write_results_table(flag_values, task, paper.OBAMA_BLEU)
