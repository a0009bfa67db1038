"""Typed, frozen configuration for SeqGAN runs.

Flags live in `experiments/`; they are turned into these dataclasses once and
the library reads nothing else. Defaults are the paper's / authors' values
(LantaoYu/SeqGAN, `sequence_gan.py`), so `SeqGANConfig()` is the paper's synthetic run.
"""

import dataclasses
import inspect
import math
import re
import typing
from typing import Tuple


PRECISIONS = ("fp32", "bf16")
# PG-BLEU's reward rules (`seqgan_tf.rewards.BleuReward`).
PGBLEU_RULES = ("nltk2016", "nltk")


def _require_precision(precision):
  if precision not in PRECISIONS:
    raise ValueError(f"--precision={precision}: choose one of "
                     f"{', '.join(PRECISIONS)}")


def _flag(name, default):
  """A field whose command-line flag is `--name`, not prefixed (g_, d_).

  G and D fields with the same flag name (vocab_size, seq_len) are one flag
  that sets both.
  """
  return dataclasses.field(default=default, metadata=dict(flag=name))


# G's time loop is unrolled into the graph (see `Generator`): a longer
# sequence would take minutes to hours to trace before any work started.
MAX_SEQ_LEN = 1000
# Seeds go to numpy (keras.utils.set_random_seed), which takes [0, 2**32);
# evaluation and data seeds are seed + 1, seed + 2.
MAX_SEED = 2**32 - 3
# Sampling temperatures: G's logits are divided by the temperature, and
# below the floor they overflow float32 (1e-45 gives NaN and one repeated
# token); above the ceiling every distribution is uniform to float32
# precision.
MIN_TEMPERATURE, MAX_TEMPERATURE = 1e-3, 1e3
# Tensors are indexed with int32: a tiled rollout batch must stay below this.
MAX_ELEMENTS = 2**31 - 1

# The authors' discriminator for the synthetic experiment (sequence_gan.py).
PAPER_FILTER_SIZES = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20)
PAPER_NUM_FILTERS = (100, 200, 200, 200, 200, 100, 100, 100, 100, 100, 160, 160)


@dataclasses.dataclass(frozen=True)
class GeneratorConfig:
  """The LSTM generator G_theta (also the oracle's architecture).

  Attributes:
    vocab_size: number of tokens; ids are 0..vocab_size-1.
    seq_len: length T of every sequence.
    emb_dim: token embedding size.
    hidden_dim: LSTM units.
    start_token: id fed at t=0; shares that token's embedding, as in the
      authors' code.
    init_stddev: every weight (biases too) is drawn N(0, init_stddev).
    learning_rate: Adam learning rate, for MLE and policy gradient alike.
    grad_clip: global-norm gradient clip.
    precision: fp32 (the paper's numerics), or bf16: matmuls and
      convolutions in bfloat16, with float32 variables, losses, softmax,
      sampling and NLL arithmetic; it can pay only where the hardware has
      bf16 arithmetic (AVX512_BF16, AMX, GPUs), so keep it where `make
      bench` shows a gain. The oracle stays fp32.
  """
  vocab_size: int = _flag("vocab_size", 5000)
  seq_len: int = _flag("seq_len", 20)
  emb_dim: int = 32
  hidden_dim: int = 32
  start_token: int = _flag("start_token", 0)
  init_stddev: float = 0.1
  learning_rate: float = 0.01
  grad_clip: float = _flag("grad_clip", 5.0)
  precision: str = _flag("precision", "fp32")

  def validate(self):
    _require_finite(self, "g_")
    _require_precision(self.precision)
    for name in ("vocab_size", "seq_len", "emb_dim", "hidden_dim"):
      _require_positive(name, getattr(self, name))
    if self.seq_len > MAX_SEQ_LEN:
      raise ValueError(f"--seq_len={self.seq_len}: must be <= {MAX_SEQ_LEN} "
                       "(G's time loop is unrolled into the graph)")
    _require_positive("g_init_stddev", self.init_stddev)
    if not 0 <= self.start_token < self.vocab_size:
      raise ValueError(f"--start_token={self.start_token}: must be in "
                       f"[0, vocab_size={self.vocab_size})")
    _require_positive("g_learning_rate", self.learning_rate)
    _require_positive("grad_clip", self.grad_clip)


@dataclasses.dataclass(frozen=True)
class DiscriminatorConfig:
  """The CNN discriminator D_phi.

  Attributes:
    vocab_size: number of tokens.
    seq_len: sequence length; filter widths above it are dropped.
    emb_dim: token embedding size (initialised U(-1, 1)).
    filter_sizes: convolution widths.
    num_filters: filters per width, same length as `filter_sizes`.
    dropout_keep_prob: keep probability before the output layer while
      training; scoring rewards uses no dropout.
    l2_reg_lambda: L2 weight on the output layer only.
    learning_rate: Adam learning rate.
    precision: fp32, or bf16 (see `GeneratorConfig`).
  """
  vocab_size: int = _flag("vocab_size", 5000)
  seq_len: int = _flag("seq_len", 20)
  emb_dim: int = 64
  filter_sizes: Tuple[int, ...] = PAPER_FILTER_SIZES
  num_filters: Tuple[int, ...] = PAPER_NUM_FILTERS
  dropout_keep_prob: float = 0.75
  l2_reg_lambda: float = 0.2
  learning_rate: float = 1e-4
  precision: str = _flag("precision", "fp32")

  def used_filters(self):
    """(width, count) pairs whose width fits in `seq_len`."""
    return tuple((w, n) for w, n in zip(self.filter_sizes, self.num_filters)
                 if w <= self.seq_len)

  def validate(self):
    _require_finite(self, "d_")
    _require_precision(self.precision)
    _require_positive("d_emb_dim", self.emb_dim)
    if len(self.filter_sizes) != len(self.num_filters):
      raise ValueError(
          f"--d_filter_sizes has {len(self.filter_sizes)} widths but "
          f"--d_num_filters has {len(self.num_filters)} counts: give one count "
          "per width")
    for w, n in zip(self.filter_sizes, self.num_filters):
      if w < 1 or n < 1:
        raise ValueError(f"filter (width {w}, count {n}): both must be >= 1")
    if not self.used_filters():
      raise ValueError(
          f"--d_filter_sizes={','.join(map(str, self.filter_sizes))}: every "
          f"width is larger than --seq_len={self.seq_len}; give at least one "
          "width <= seq_len")
    if not 0 < self.dropout_keep_prob <= 1:
      raise ValueError(f"--d_dropout_keep_prob={self.dropout_keep_prob}: must "
                       "be in (0, 1]")
    if self.l2_reg_lambda < 0:
      raise ValueError(f"--d_l2_reg_lambda={self.l2_reg_lambda}: must be >= 0")
    _require_positive("d_learning_rate", self.learning_rate)


@dataclasses.dataclass(frozen=True)
class SeqGANConfig:
  """One SeqGAN run: models, schedule and evaluation (paper Algorithm 1).

  Attributes:
    generator: G's architecture and optimiser.
    discriminator: D's architecture and optimiser.
    recipe: the training method, a name registered in `seqgan_tf.recipes`:
      "seqgan" (MLE pre-training, then adversarial training) or "mle" (the
      paper's MLE baseline: pre-training continues for `adversarial_epochs`
      more epochs, no D at all).
    batch_size: sequences per G and D batch.
    num_samples: oracle samples used as training data (synthetic task); a
      text task trains on its training split. Every D round generates as many
      negatives as there are real sequences.
    pretrain_g_epochs: MLE epochs of G pre-training.
    pretrain_d_rounds: D pre-training rounds, each with fresh negatives.
    adversarial_epochs: adversarial epochs (Algorithm 1's outer loop).
    g_steps: policy-gradient updates (one batch each) per adversarial epoch.
    d_steps: D rounds (fresh negatives) per adversarial epoch.
    k_epochs: epochs over real+fake per D round, in pre-training and
      adversarial training alike.
    rollout_num: Monte-Carlo rollouts N per prefix, Eq. (4).
    rollout_update_rate: r in beta <- r*beta + (1-r)*theta after every
      adversarial epoch; 0 is the paper's beta <- theta.
    eval_every: evaluate G (NLL-oracle, BLEU) every this many G epochs and
      at each phase end.
    eval_samples: generated sequences per evaluation.
    final_eval_samples: generated sequences for the final evaluation.
    seed: seeds every TF random number generator of the run.
    checkpoint_every: save a checkpoint every this many epochs/rounds.
    ss_start: scheduled sampling (recipe ss): omega, the probability of
      feeding the true token, at the first epoch after pre-training.
    ss_decay: scheduled sampling: omega falls by this much every epoch (the
      paper's 0.002), down to 0.
    pgbleu_order: PG-BLEU (recipe pgbleu): the reward is sentence BLEU of
      this order, uniform weights, no smoothing (the authors' BLEU-3).
    pgbleu_rule: PG-BLEU: how an n-gram order without a match counts:
      nltk2016 (nltk <= 3.2.1, which the authors ran: the order is left out,
      only a sequence without a matching unigram scores 0) or nltk (nltk >=
      3.2.2: any such order scores 0, a far sparser reward).
    pgbleu_references: PG-BLEU: the fraction of the training data used as
      BLEU references (1: all, the paper's "training data"; the authors'
      code took about 0.4).
    sweep_temperatures: after the final evaluation, evaluate G again on
      `eval_samples` samples at each of these softmax temperatures
      (NLL-oracle against NLL-test, as Caccia et al. 2020); empty for none.
  """
  generator: GeneratorConfig = dataclasses.field(
      default=GeneratorConfig(), metadata=dict(flag_prefix="g_", owner="G"))
  discriminator: DiscriminatorConfig = dataclasses.field(
      default=DiscriminatorConfig(), metadata=dict(flag_prefix="d_",
                                                   owner="D"))
  recipe: str = "seqgan"
  batch_size: int = 64
  num_samples: int = 10000
  pretrain_g_epochs: int = 120
  pretrain_d_rounds: int = 50
  adversarial_epochs: int = 200
  g_steps: int = 1
  d_steps: int = 5
  k_epochs: int = 3
  rollout_num: int = 16
  rollout_update_rate: float = 0.0
  eval_every: int = 5
  eval_samples: int = 10000
  final_eval_samples: int = 100000
  seed: int = 88
  checkpoint_every: int = 1
  ss_start: float = 1.0
  ss_decay: float = 0.002
  pgbleu_order: int = 3
  pgbleu_rule: str = "nltk2016"
  pgbleu_references: float = 1.0
  sweep_temperatures: Tuple[float, ...] = ()

  def validate(self):
    self.generator.validate()
    self.discriminator.validate()
    _require_finite(self, "")
    if not 0 <= self.seed <= MAX_SEED:
      raise ValueError(f"--seed={self.seed}: must be in [0, {MAX_SEED}]")
    if not self.recipe:
      raise ValueError("--recipe is empty: name a training method")
    if (self.generator.vocab_size != self.discriminator.vocab_size or
        self.generator.seq_len != self.discriminator.seq_len):
      raise ValueError("generator and discriminator disagree on vocab_size or "
                       "seq_len: build both from the same flags")
    for name in ("batch_size", "num_samples", "g_steps", "d_steps", "k_epochs",
                 "rollout_num", "eval_every", "eval_samples",
                 "final_eval_samples", "checkpoint_every"):
      _require_positive(name, getattr(self, name))
    for name in ("pretrain_g_epochs", "pretrain_d_rounds",
                 "adversarial_epochs"):
      if getattr(self, name) < 0:
        raise ValueError(f"--{name}={getattr(self, name)}: must be >= 0")
    if self.num_samples < self.batch_size:
      raise ValueError(f"--num_samples={self.num_samples} is smaller than "
                       f"--batch_size={self.batch_size}: no full batch to "
                       "train on; raise num_samples or lower batch_size")
    tiled = self.rollout_num * self.batch_size * self.generator.seq_len
    if tiled > MAX_ELEMENTS:
      raise ValueError(
          f"--rollout_num={self.rollout_num}: rollouts x batch x length = "
          f"{tiled:,} tokens per step, more than a tensor can index "
          f"({MAX_ELEMENTS:,}); lower --rollout_num or --batch_size")
    if not 0 <= self.ss_start <= 1 or self.ss_decay < 0:
      raise ValueError(f"--ss_start={self.ss_start}, --ss_decay="
                       f"{self.ss_decay}: need 0 <= ss_start <= 1 and "
                       "ss_decay >= 0")
    _require_positive("pgbleu_order", self.pgbleu_order)
    if self.pgbleu_rule not in PGBLEU_RULES:
      raise ValueError(f"--pgbleu_rule={self.pgbleu_rule}: choose one of "
                       f"{', '.join(PGBLEU_RULES)}")
    if not 0 < self.pgbleu_references <= 1:
      raise ValueError(f"--pgbleu_references={self.pgbleu_references}: must "
                       "be in (0, 1]")
    for temperature in self.sweep_temperatures:
      check_temperature(temperature, "sweep_temperatures")
    if not 0 <= self.rollout_update_rate < 1:
      raise ValueError(f"--rollout_update_rate={self.rollout_update_rate}: "
                       "must be in [0, 1) (0 is the paper's beta <- theta)")
    return self


def check_temperature(value, flag="temperature"):
  """Raises ValueError unless `value` is a temperature G can sample at."""
  if not (math.isfinite(value) and
          MIN_TEMPERATURE <= value <= MAX_TEMPERATURE):
    raise ValueError(f"--{flag}: {value} must be a number in "
                     f"[{MIN_TEMPERATURE:g}, {MAX_TEMPERATURE:g}] (1 samples "
                     "G itself)")


def _require_positive(name, value):
  if not value > 0:
    raise ValueError(f"--{name}={value}: must be > 0")


def _require_finite(config, prefix):
  """Every float field finite: NaN and Inf only fail later, mid-run."""
  for field in dataclasses.fields(config):
    value = getattr(config, field.name)
    if isinstance(value, float) and not math.isfinite(value):
      name = field.metadata.get("flag", prefix + field.name)
      raise ValueError(f"--{name}={value}: must be a finite number")


def replace(config, **changes):
  """`dataclasses.replace` that also validates the result."""
  return dataclasses.replace(config, **changes).validate()


@dataclasses.dataclass(frozen=True)
class FlagField:
  """A flag's name and the config fields it sets.

  Attributes:
    name: the flag's name (`g_emb_dim`, `seq_len`).
    paths: the fields it sets, as attribute paths: (("generator",
      "emb_dim"),), or one path in G and one in D for a shared flag.
    type: the field's type.
    default: the field's default.
    help: the field's docstring line, prefixed by its owner ("G: ...").
    choices: the allowed values of a field that is a choice, or None.
  """
  name: str
  paths: tuple
  type: object
  default: object
  help: str
  choices: tuple = None


def flag_fields(cls=None, prefix="", path=(), owner=""):
  """{flag name: FlagField} of every field of `cls`, nested ones included.

  G's fields take the prefix `g_`, D's `d_`, unless a field names its flag
  (`vocab_size`, `seq_len` set both G and D): the names of the command
  line, and of `override`.
  """
  cls = cls or SeqGANConfig
  found = {}
  docs = attribute_docs(cls)
  for field in dataclasses.fields(cls):
    if dataclasses.is_dataclass(field.type):
      inner = flag_fields(field.type, field.metadata.get("flag_prefix", ""),
                          path + (field.name,), field.metadata.get("owner"))
      for name, flag in inner.items():
        if name in found:  # A setting shared by G and D: one flag sets both.
          doc = found[name].help.split(": ", 1)[1]
          flag = dataclasses.replace(flag, paths=found[name].paths + flag.paths,
                                     help=f"G and D: {doc}")
        found[name] = flag
      continue
    name = field.metadata.get("flag", prefix + field.name)
    if name is False:  # Set by the code, not by the user.
      continue
    doc = docs.get(field.name, field.name)
    found[name] = FlagField(name, (path + (field.name,),), field.type,
                            field.default,
                            f"{owner}: {doc}" if owner else doc,
                            field.metadata.get("choices"))
  return found


def override(config, **values):
  """`config` with fields set by their flag names; not validated.

    override(config, rollout_num=8, g_emb_dim=64, d_filter_sizes=(2, 3))

  Raises:
    ValueError: a name that is no flag of this config, or a tuple field
      given values that are not numbers.
  """
  fields = flag_fields(type(config))
  unknown = sorted(set(values) - set(fields))
  if unknown:
    raise ValueError(f"{', '.join('--' + n for n in unknown)}: not a setting "
                     f"of {type(config).__name__}")
  changes = {}
  for name, value in values.items():
    field = fields[name]
    if typing.get_origin(field.type) is tuple:
      value = _number_tuple(name, value, typing.get_args(field.type)[0])
    for path in field.paths:
      changes[path] = value
  return _with_changes(config, changes)


def _with_changes(config, changes, path=()):
  """`config` with {attribute path: value} set, nested dataclasses too."""
  own, nested = {}, set()
  for field_path, value in changes.items():
    if len(field_path) == len(path) + 1:
      own[field_path[-1]] = value
    else:
      nested.add(field_path[len(path)])
  for name in nested:
    own[name] = _with_changes(getattr(config, name), {
        p: v for p, v in changes.items()
        if len(p) > len(path) + 1 and p[len(path)] == name}, path + (name,))
  return dataclasses.replace(config, **own)


def _number_tuple(name, value, number_type):
  if isinstance(value, str):
    value = [v for v in value.split(",") if v]
  try:
    return tuple(number_type(v) for v in value)
  except (TypeError, ValueError):
    kind = "integers" if number_type is int else "numbers"
    shown = value if isinstance(value, str) else ",".join(map(str, value))
    raise ValueError(f"--{name}={shown}: must be comma-separated "
                     f"{kind}") from None


def to_dict(config):
  return dataclasses.asdict(config)


def from_dict(values, cls=None):
  """A config from `to_dict`'s output; missing fields take their default.

  A config.json of an older version goes through `compat.config_from_saved`.

  Raises:
    ValueError: a key the config does not have.
  """
  cls = cls or SeqGANConfig
  fields = {f.name: f for f in dataclasses.fields(cls)}
  unknown = sorted(set(values) - set(fields))
  if unknown:
    raise ValueError(f"unknown config keys {unknown} for {cls.__name__}")
  kwargs = {}
  for name, value in values.items():
    field_type = fields[name].type
    if dataclasses.is_dataclass(field_type):
      value = from_dict(value, field_type)
    elif isinstance(value, list):
      value = tuple(value)
    kwargs[name] = value
  return cls(**kwargs)


def attribute_docs(cls):
  """{field: its description} from the class docstring's `Attributes:`."""
  doc = inspect.getdoc(cls) or ""
  section = doc.split("Attributes:", 1)[-1] if "Attributes:" in doc else ""
  docs, name = {}, None
  for line in section.splitlines():
    match = re.match(r"^  (\w+): (.*)$", line)
    if match:
      name = match.group(1)
      docs[name] = match.group(2).strip()
    elif name and line.startswith("    "):
      docs[name] += " " + line.strip()
    elif line.strip():
      name = None  # Another section began.
  return docs
