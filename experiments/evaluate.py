r"""Scores a file of token sequences: NLL-oracle, or BLEU-n against references.

  python -m experiments.evaluate --samples=save/synthetic/paper_seqgan/samples.txt \
      --oracle=paper
  python -m experiments.evaluate --samples=FILE --oracle_params=target_params_py3.pkl
  python -m experiments.evaluate --samples=FILE --oracle=random --oracle_seed=0 \
      --vocab_size=5000 --seq_len=20 --g_emb_dim=32 --g_hidden_dim=32

  python -m experiments.evaluate --bleu=2 --references=test.txt --samples=FILE
  python -m experiments.evaluate --bleu=3 --bleu_rule=nltk2016 \
      --references=real.txt --samples=FILE      # the authors' PG-BLEU score
  python -m experiments.evaluate --ms_jaccard=4 --references=test.txt \
      --samples=FILE
  python -m experiments.evaluate --distinct=2 --samples=FILE
  python -m experiments.evaluate --self_bleu=3 --samples=FILE

For NLL-oracle the file holds one sequence per line, token ids separated by
spaces, all of the oracle's length, so samples from any implementation can be
scored against the same oracle. For BLEU both files hold one sequence per
line, tokens separated by whitespace; the score is Texygen's: nltk's
sentence_bleu (uniform weights, smoothing method1) of every sample against all
references, averaged; --bleu_rule=nltk2016 scores as nltk <= 3.2.1 did without
smoothing (the reward of the authors' PG-BLEU), --bleu_rule=nltk as nltk does
today without smoothing. --ms_jaccard=N and --distinct=N are those of
`seqgan_tf.diversity` (definitions there and in docs/samples-and-scores.md).
"""

from absl import app
from absl import flags
import tensorflow as tf

from experiments import cli
from seqgan_tf import bleu
from seqgan_tf import config as config_lib
from seqgan_tf import diversity
from seqgan_tf import oracle as oracle_lib
from seqgan_tf import text

_G = config_lib.GeneratorConfig()

flags.DEFINE_string("samples", None, "File of sequences to score.")
flags.DEFINE_integer("bleu", None, "Print BLEU-n against --references instead "
                     "of NLL-oracle.")
flags.DEFINE_string("references", None, "Reference sequences for --bleu and "
                    "--ms_jaccard.")
flags.DEFINE_integer("ms_jaccard", None, "Print MS-Jaccard-n of --samples "
                     "against --references instead of NLL-oracle.")
flags.DEFINE_integer("self_bleu", None, "Print Self-BLEU-n of --samples "
                     "(each chosen sample against all the others) instead of "
                     "NLL-oracle.")
flags.DEFINE_integer("self_bleu_hypotheses", 1000, "Samples scored for "
                     "--self_bleu, a seeded choice (--self_bleu_seed); all of "
                     "them when the file holds no more.")
flags.DEFINE_integer("self_bleu_seed", 0, "Seed of the --self_bleu choice.")
flags.DEFINE_integer("distinct", None, "Print distinct-n of --samples (the "
                     "share of distinct n-grams) instead of NLL-oracle.")
flags.DEFINE_enum("bleu_rule", "method1", list(bleu.RULES),
                  "How --bleu counts an n-gram order without a match: "
                  "method1, Texygen's (nltk's smoothing method1); nltk, "
                  "today's nltk without smoothing (the score is 0); "
                  "nltk2016, nltk <= 3.2.1 without smoothing, as the "
                  "authors' PG-BLEU ran (the order is left out; 0 only "
                  "without a matching unigram).")
flags.DEFINE_enum("oracle", "paper", ["paper", "random"],
                  "The authors' oracle (downloaded) or a seeded random one.")
flags.DEFINE_string("oracle_params", None, "Oracle pickle; overrides --oracle.")
flags.DEFINE_integer("oracle_seed", 0, "Seed of the random oracle.")
flags.DEFINE_float("oracle_stddev", 1.0, "Stddev of the random oracle.")
flags.DEFINE_integer("vocab_size", _G.vocab_size, "Oracle vocabulary size.")
flags.DEFINE_integer("seq_len", _G.seq_len, "Sequence length.")
flags.DEFINE_integer("g_emb_dim", _G.emb_dim, "Oracle embedding size.")
flags.DEFINE_integer("g_hidden_dim", _G.hidden_dim, "Oracle LSTM units.")
# The names these flags had before they matched the training flags.
flags.DEFINE_alias("emb_dim", "g_emb_dim")
flags.DEFINE_alias("hidden_dim", "g_hidden_dim")
flags.DEFINE_integer("start_token", _G.start_token, "Start token id.")
flags.DEFINE_string("oracle_dir", "save/oracle",
                    "Where --oracle=paper is found, or downloaded to.")
flags.DEFINE_alias("cache_dir", "oracle_dir")
FLAGS = flags.FLAGS
MAX_BLEU_ORDER = 10  # The papers report BLEU-2 to BLEU-5.


def bleu_of_files(samples_path, references_path, order, rule="method1"):
  references = [line.split() for line in text.read_lines(references_path,
                                                    "references")]
  samples = [line.split() for line in text.read_lines(samples_path, "samples")]
  return bleu.BleuScorer(references, order).average_bleu(samples, order, rule)


def main(argv):
  del argv
  try:
    if not FLAGS.samples:
      raise ValueError("--samples is required: a file of token sequences")
    samples = lambda: [line.split()
                       for line in text.read_lines(FLAGS.samples, "samples")]
    if FLAGS.self_bleu is not None:
      if not 1 <= FLAGS.self_bleu <= MAX_BLEU_ORDER:
        raise ValueError(f"--self_bleu={FLAGS.self_bleu}: must be in [1, "
                         f"{MAX_BLEU_ORDER}]")
      if FLAGS.self_bleu_hypotheses < 1:
        raise ValueError(f"--self_bleu_hypotheses="
                         f"{FLAGS.self_bleu_hypotheses}: must be >= 1")
      score = bleu.SelfBleu(samples(), FLAGS.self_bleu).average(
          FLAGS.self_bleu, FLAGS.self_bleu_hypotheses, FLAGS.self_bleu_seed)
      print(f"Self-BLEU-{FLAGS.self_bleu} {score:.4f}")
      return
    if FLAGS.distinct is not None:
      print(f"distinct-{FLAGS.distinct} "
            f"{diversity.distinct(samples(), FLAGS.distinct):.4f}")
      return
    if FLAGS.ms_jaccard is not None:
      if not FLAGS.references:
        raise ValueError("--ms_jaccard needs --references=FILE, the real "
                         "sequences")
      references = [line.split()
                    for line in text.read_lines(FLAGS.references, "references")]
      score = diversity.ms_jaccard(samples(), references, FLAGS.ms_jaccard)
      print(f"MS-Jaccard-{FLAGS.ms_jaccard} {score:.4f}")
      return
    if FLAGS.bleu is not None and not 1 <= FLAGS.bleu <= MAX_BLEU_ORDER:
      raise ValueError(f"--bleu={FLAGS.bleu}: must be in [1, {MAX_BLEU_ORDER}]")
    if FLAGS.bleu is not None:
      if not FLAGS.references:
        raise ValueError("--bleu needs --references=FILE, the reference "
                         "sequences")
      score = bleu_of_files(FLAGS.samples, FLAGS.references, FLAGS.bleu,
                            FLAGS.bleu_rule)
      rule = "" if FLAGS.bleu_rule == "method1" else f" ({FLAGS.bleu_rule})"
      print(f"BLEU-{FLAGS.bleu}{rule} {score:.4f}")
      return
    config = config_lib.GeneratorConfig(
        vocab_size=FLAGS.vocab_size, seq_len=FLAGS.seq_len,
        emb_dim=FLAGS.g_emb_dim, hidden_dim=FLAGS.g_hidden_dim,
        start_token=FLAGS.start_token)
    config.validate()
    params = oracle_lib.resolve_params(config, FLAGS.oracle,
                                       FLAGS.oracle_params, FLAGS.oracle_seed,
                                       FLAGS.oracle_stddev, FLAGS.oracle_dir)
    oracle = oracle_lib.build(config, params)
    tokens = text.read_token_ids(FLAGS.samples, config.vocab_size, config.seq_len)
    nll = float(oracle_lib.make_nll_fn(oracle)(tf.constant(tokens)))
  except ValueError as e:
    cli.fail(str(e))
  print(f"NLL-oracle {nll:.4f} over {len(tokens)} sequences")


if __name__ == "__main__":
  app.run(main, flags_parser=cli.parse_flags)
