"""Text corpora scored by BLEU against held-out text: poems, obama, text.

One sequence per line of a UTF-8 file. A fixed, seeded split holds out
`test_size` sequences as the BLEU references and the test-NLL set, and
`heldout_size` more as the "real data" row of the paper's tables; G and D
train on the rest.

- poems (Table 2): 16,394 five-character quatrains, 24 space-separated
  tokens (20 characters, 4 punctuation marks), scored by BLEU-2.
- obama (Table 3): 11,092 lines of speech paragraphs (616 of them only
  spaces, skipped). A paragraph runs to ~100 words, longer than the
  paper's models (it gives no length): a sequence is the first 20 tokens of
  a paragraph (overlong=cut), the length of the authors' synthetic setting.
  Lowercased words with each punctuation mark a token of its own
  (wordpunct); the 5,000 most frequent training tokens are kept and the
  rest become <unk> in the training data, the references and the
  real-data row alike; results.json reports the <unk> share of the data
  beside the samples' (eval/unk_rate). Scored by BLEU-3 and BLEU-4.
- text: any corpus of one's own (`data_file`), with the tokens, length,
  vocabulary, split and BLEU orders its flags choose.
"""

import dataclasses
import json
import os
import random
from typing import Optional, Tuple

from absl import logging

from seqgan_tf import bleu
from seqgan_tf import diversity
from seqgan_tf import download
from seqgan_tf import export
from seqgan_tf import files
from seqgan_tf import oracle as oracle_lib
from seqgan_tf import paper
from seqgan_tf import text
from seqgan_tf.tasks import base


@dataclasses.dataclass(frozen=True)
class CorpusConfig:
  """A text corpus, its tokens and its split.

  Attributes:
    data_file: the corpus, one sequence per line; default: the task's
      public copy, downloaded into `data_dir`.
    data_dir: where a public copy is downloaded to; default save/data.
    token_level: word: whitespace-separated tokens; wordpunct: words, each
      punctuation mark a token of its own; char: characters.
    lowercase: lowercase the corpus first.
    rare_words: when the training split has more distinct tokens than
      --vocab_size allows: refuse (error), or keep the most frequent and
      map the rest to <unk> (unk).
    overlong: lines longer than --seq_len: keep the first seq_len tokens
      (cut), drop the line (drop), or refuse the corpus (error).
    test_size: held-out real sequences: the test-NLL set (and the BLEU
      references of a corpus).
    heldout_size: further held-out sequences: the 'real data' BLEU row.
    split_seed: seed of the held-out split.
    bleu_orders: the BLEU-n reported, e.g. 2 for poems, 3,4 for Obama.
    data_url: where the public copy is downloaded from.
    data_sha256: the public copy's sha256.
    data_name: the public copy's file name in `data_dir`.
    line_length: tokens per printed line (a quatrain prints as its four
      lines); None prints one line.
    separator: between printed tokens: " " for words, "" for characters.
    paper_scores: the key of `seqgan_tf.paper.SCORES` that results tables
      print beside this run's, or None.
  """
  data_file: Optional[str] = None
  data_dir: Optional[str] = None
  token_level: str = base.choice("word", text.LEVELS)
  lowercase: bool = False
  rare_words: str = base.choice("error", ("error", "unk"))
  overlong: str = base.choice("cut", ("cut", "drop", "error"))
  test_size: int = 1000
  heldout_size: int = 500
  split_seed: int = 0
  bleu_orders: Tuple[int, ...] = (2, 3, 4)
  data_url: Optional[str] = base.internal(None)
  data_sha256: Optional[str] = base.internal(None)
  data_name: Optional[str] = base.internal(None)
  line_length: Optional[int] = base.internal(None)
  separator: str = base.internal(" ")
  paper_scores: Optional[str] = base.internal(None)

  def validate(self):
    base.check_choices(self)
    if not self.bleu_orders or min(self.bleu_orders) < 1:
      raise ValueError(f"--bleu_orders={','.join(map(str, self.bleu_orders))}:"
                       " give one or more orders >= 1, e.g. 2,3,4")
    return self

  def data_path(self, what="data_file"):
    """`data_file`, or the public copy downloaded (sha256-checked) once."""
    if self.data_file:
      return self.data_file
    if not self.data_url:
      raise text.DataError(f"--{what} is required: the corpus, one sequence "
                           "per line")
    path = os.path.join(self.data_dir or os.path.join("save", "data"),
                        self.data_name)
    return download.fetch(self.data_url, self.data_sha256, path,
                          fix="download it by hand and pass --data_file=PATH")


POEMS = CorpusConfig(
    # 4,000: the reference count at which held-out real poems score the
    # paper's real-data BLEU-2 (0.7455 against 0.746; docs/corpora.md,
    # "The BLEU protocol").
    test_size=4000, heldout_size=1000, bleu_orders=(2,),
    data_url=("https://raw.githubusercontent.com/geek-ai/Texygen/master/"
              "data/shi.txt"),
    data_sha256=("ac03c5fbb07776f0e43cb1ccfc74732f5313ab3d832df81c8e0db327df"
                 "35e666"),
    data_name="shi.txt",
    # Five characters and a punctuation mark a line, printed without spaces.
    line_length=6, separator="", paper_scores="poems")
OBAMA = CorpusConfig(
    token_level="wordpunct", lowercase=True, rare_words="unk",
    test_size=1000, heldout_size=500, bleu_orders=(3, 4),
    data_url=("https://raw.githubusercontent.com/samim23/obama-rnn/master/"
              "input.txt"),
    data_sha256=("74f830c9d996154990eaf52bd8bf800bf9b6f65fcea5948b1186aa9a6d"
                 "5edfdc"),
    data_name="obama_speeches.txt", paper_scores="obama")
# One's own corpus: every word kept up to --vocab_size, the rest <unk>.
TEXT = CorpusConfig(rare_words="unk")


# How many sequences Self-BLEU and MS-Jaccard score, at most: both depend
# on the size of the set (a larger set holds more of any n-gram), so every
# evaluation, the temperature sweep and the held-out real data are scored
# on sets of one size. 1,000: Texygen's Self-BLEU hypotheses.
SPREAD_SAMPLES = 1000


class CorpusTask(base.Task):
  """A real-world corpus scored by BLEU against a held-out test set.

  Every evaluation scores one set of G's samples, drawn at one temperature,
  by each metric: for each BLEU order n, BLEU-n against the test set
  (quality), Self-BLEU-n within the set (diversity: lower is more diverse)
  and MS-Jaccard-n against the test set (both at once, `diversity`); and
  NLL-test of the test set under G at that temperature. Self-BLEU and
  MS-Jaccard score the first `spread_size` sequences of the set, and of the
  held-out real data, so that all their values compare.

  Args:
    vocab: `text.Vocabulary` of the training split.
    train: token lists G and D train on.
    test: token lists, the BLEU references and the test-NLL set.
    heldout: real token lists kept out of training and test: their BLEU is
      the "real data" row of the paper's tables.
    seq_len: the model's length T.
    bleu_orders: the BLEU-n reported, e.g. (2,) for poems, (3, 4) for Obama.
    line_length: tokens per printed line (5-character poems print as four
      lines); None prints one line.
    separator: between printed tokens: " " for words, "" for characters.
    report_unk: also report the <unk> share of G's samples (`unk_rate`),
      for a vocabulary that maps rare words to <unk>.
    description: the corpus and split, saved in config.json.
    paper_scores: {"mle" | "seqgan" | "real": {"bleu2": value, ...}}, the
      paper's numbers printed beside a results table's.
    xla: compile the NLL-test functions with XLA.
    spread_size: the most sequences Self-BLEU and MS-Jaccard score; fewer
      when the held-out real data has fewer. Give the smallest sample count
      of the run's evaluations (`spread_size_for`), so that every
      evaluation scores as many.
  """

  def __init__(self, vocab, train, test, heldout, seq_len, bleu_orders,
               line_length=None, description=None, separator=" ",
               report_unk=False, paper_scores=None, xla=True,
               spread_size=SPREAD_SAMPLES):
    self.vocab = vocab
    self.seq_len = seq_len
    self.bleu_orders = tuple(bleu_orders)
    self.line_length = line_length
    self.separator = separator
    self.report_unk = report_unk
    self.paper_scores = paper_scores or {}
    self.metric_names = (
        tuple(f"{metric}{n}" for metric in ("bleu", "self_bleu", "ms_jaccard")
              for n in self.bleu_orders) + ("nll_test",) +
        (("unk_rate",) if report_unk else ()))
    self._train = vocab.encode(train, seq_len)
    self._test = vocab.encode(test, seq_len)
    self.num_real = len(self._train)
    self.heldout = heldout
    self.scorer = bleu.BleuScorer(test, max(self.bleu_orders))
    self._ms_jaccard = diversity.MsJaccard(test, max(self.bleu_orders))
    # The data's own <unk> shares, beside the samples' (results.json).
    self.spread_size = min(spread_size, len(heldout))
    self._data_stats = (dict(unk_rate_train=text.unk_rate(self._train),
                             unk_rate_test=text.unk_rate(self._test))
                        if report_unk else {})
    self._data_stats["spread_samples"] = self.spread_size
    self._real_scores = None
    self._nll_fns = {}
    self._xla = xla
    self.description = dict(task="text", **(description or {}))

  @classmethod
  def from_config(cls, task_config, config, runtime):
    """Reads, splits and encodes the corpus `task_config` names."""
    task_config.validate()
    task, notes = load_text_task(
        task_config.data_path(), task_config.token_level,
        config.generator.seq_len, config.generator.vocab_size,
        task_config.overlong, task_config.test_size, task_config.heldout_size,
        task_config.split_seed, bleu_orders=task_config.bleu_orders,
        line_length=task_config.line_length,
        separator=task_config.separator, lowercase=task_config.lowercase,
        rare=task_config.rare_words,
        paper_scores=paper.SCORES.get(task_config.paper_scores),
        xla=runtime.xla, spread_size=spread_size_for(config))
    logging.info("Corpus: %s; skipped %d blank lines, %s %d overlong lines",
                 task.description, notes["blank_lines"], task_config.overlong,
                 notes["overlong_lines"])
    return task

  @property
  def data_stats(self):
    """The data's <unk> shares and the held-out real data's scores
    (`real_<metric>`, scored once), the point a run's samples are compared
    with."""
    return dict(self._data_stats, **{f"real_{k}": v
                                    for k, v in self._real().items()})

  def _real(self):
    """`real_data_scores()`, computed once."""
    if self._real_scores is None:
      self._real_scores = self.real_data_scores()
    return self._real_scores

  def config_overrides(self):
    return dict(vocab_size=len(self.vocab), start_token=text.START_ID)

  def real_data(self, seed):
    del seed  # The training split is fixed.
    return self._train

  def bleu(self, sequences):
    """{"bleuN": mean sentence BLEU-N against the test set} per order."""
    return {f"bleu{n}": self.scorer.average_bleu(sequences, n)
            for n in self.bleu_orders}

  def text_metrics(self, sequences):
    """BLEU-n of token lists, and Self-BLEU-n and MS-Jaccard-n of the first
    `spread_size` of them, per order.

    A single sequence has no Self-BLEU (nothing else to compare it with):
    its keys are left out.
    """
    metrics = self.bleu(sequences)
    spread = list(sequences[:self.spread_size])
    self_bleu = (bleu.SelfBleu(spread, max(self.bleu_orders))
                 if len(spread) > 1 else None)
    for n in self.bleu_orders:
      if self_bleu:
        metrics[f"self_bleu{n}"] = self_bleu.average(n, len(spread))
      metrics[f"ms_jaccard{n}"] = self._ms_jaccard.score(spread, n)
    return metrics

  def real_data_scores(self):
    """The held-out real sequences' scores: the tables' "real data" row.

    Self-BLEU and MS-Jaccard take a seeded choice of them: held-out
    sequences come in corpus order (a tune's overlapping windows side by
    side), G's samples in none.
    """
    shuffled = random.Random(0).sample(self.heldout, len(self.heldout))
    return self.text_metrics(shuffled)

  def evaluate(self, samples, generator, temperature=1.0):
    key = (id(generator), temperature)
    if key not in self._nll_fns:
      self._nll_fns[key] = oracle_lib.make_nll_fn(
          generator, temperature=temperature, xla=self._xla)
    metrics = self.text_metrics(self.vocab.decode(samples))
    metrics["nll_test"] = float(self._nll_fns[key](self._test))
    if self.report_unk:
      metrics["unk_rate"] = text.unk_rate(samples)
    return metrics

  def format_samples(self, tokens):
    """Decoded sequences, tokens space-separated: samples.txt's lines."""
    return [" ".join(seq) for seq in self.vocab.decode(tokens)]

  def vocab_json(self):
    """What decodes this task's token ids: a run's and an export's vocab.json."""
    return dict(tokens=list(self.vocab.tokens), separator=self.separator,
                line_length=self.line_length)

  def run_files(self):
    return {export.VOCAB_FILE: json.dumps(self.vocab_json(),
                                          ensure_ascii=False) + "\n"}

  def show_samples(self, tokens):
    """Decoded sequences for TensorBoard: a poem as its lines (markdown)."""
    return [text.as_lines(seq, self.separator, self.line_length, "  \n")
            for seq in self.vocab.decode(tokens)]

  def finish(self, run_dir, results_table=None):
    if results_table:
      self.write_results_table(results_table)

  def write_results_table(self, table):
    """The table of `table.runs` and real data beside the paper's numbers.

    Args:
      table: `base.ResultsTable`; its rows are the runs that have
        results.json, then the held-out real data.
    """
    scored = [m for m in self.metric_names if m.startswith("bleu")]
    spread = [m for m in self.metric_names
              if m.startswith(("self_bleu", "ms_jaccard"))]
    extras = [m for m in ("unk_rate", "mse") if m in self.metric_names]
    real = dict(self._real(), unk_rate=self._data_stats.get("unk_rate_test"))
    names = dict(nll_test="test NLL", unk_rate="<unk> share", mse="MSE",
                 **{m: m.replace("self_bleu", "Self-BLEU-").replace(
                     "ms_jaccard", "MS-Jaccard-").replace("bleu", "BLEU-")
                    for m in scored + spread})
    ours = scored + spread + ["nll_test"] + extras
    # The paper's columns, for a corpus of the paper's.
    theirs = (scored + [m for m in extras if m == "mse"]
              if self.paper_scores else [])
    rows = []
    for recipe, run_dir in table.runs:
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
      paper = [self.paper_scores.get(paper_row, {}).get(m) for m in theirs]
      cells = [("-" if v is None else f"{v:.3f}" if m in ("nll_test", "mse")
                else f"{v:.4f}") for m, v in zip(ours + theirs, values + paper)]
      lines.append(f"| {name} | {run} | {' | '.join(cells)} |")
    if table.note:
      lines.insert(0, table.note + "\n")
    if table.provenance:
      lines += ["", table.provenance]
    files.write_atomic(table.path, "\n".join(lines) + "\n")
    logging.info("Results table %s:\n%s", table.path, "\n".join(lines))


def spread_size_for(config):
  """`CorpusTask.spread_size` for a run of `config`: no more than any of its
  evaluations draws."""
  return min(SPREAD_SAMPLES, config.eval_samples, config.final_eval_samples)


# The name the class had when it was the only corpus task.
TextTask = CorpusTask


def load_text_task(data_file, level, seq_len, vocab_size, overlong, test_size,
                   heldout_size, split_seed, bleu_orders, line_length=None,
                   separator=" ", lowercase=False, rare="error",
                   paper_scores=None, xla=True, spread_size=SPREAD_SAMPLES):
  """Reads, splits and encodes a corpus into a `CorpusTask`.

  Returns:
    (task, notes): notes are counts worth logging (blank, overlong lines).
  """
  sequences, blank = text.read_corpus(data_file, level, lowercase)
  sequences, overlong_count = text.fit_length(sequences, seq_len, overlong)
  for name, size in (("test_size", test_size), ("heldout_size", heldout_size)):
    if size < 1:
      raise text.DataError(f"--{name}={size}: must be >= 1")
  if test_size + heldout_size >= len(sequences):
    raise text.DataError(
        f"--test_size={test_size} + --heldout_size={heldout_size} leave no "
        f"training data of the corpus's {len(sequences)} sequences: lower them")
  train, held = text.split(sequences, test_size + heldout_size, split_seed)
  test, heldout = held[:test_size], held[test_size:]
  vocab = text.Vocabulary.build(train, vocab_size, rare)
  if rare == "unk":  # References and the real-data row as G sees words.
    test, heldout = (vocab.decode(vocab.encode(part, seq_len))
                     for part in (test, heldout))
  description = dict(data_file=data_file, sequences=len(sequences),
                     train=len(train), test=len(test), heldout=len(heldout),
                     split_seed=split_seed, vocab_size=len(vocab),
                     overlong=overlong)
  # Recorded when not the default, so older runs' config.json still match.
  description.update({k: v for k, v in (("level", level),
                                         ("lowercase", lowercase),
                                         ("rare", rare))
                      if v not in ("word", False, "error")})
  notes = dict(blank_lines=blank, overlong_lines=overlong_count)
  return CorpusTask(vocab, train, test, heldout, seq_len, bleu_orders,
                    line_length, description, separator,
                    report_unk=rare == "unk",
                    paper_scores=paper_scores, xla=xla,
                    spread_size=spread_size), notes
