"""What a run shows in TensorBoard: tag names, descriptions, hparams, layout.

Tags are grouped by what they are, so each group is one section of the
scalars dashboard:

  eval/<metric>      G's metrics on `eval_samples` fresh samples; x: G epoch
  final/<metric>     the final evaluation on `final_eval_samples` samples,
                     one point at the step after the last G epoch
  pretrain_d/loss    D pre-training; x: D round, its own axis
  sweep/<metric>     the temperature sweep; x: temperature x 100
  train_d/loss       D's loss in the adversarial phase; x: G epoch
  train_g/<value>    G's training values per G epoch; train_g/phase numbers
                     the recipe's G phases, so the adversarial start shows
  samples/eval, samples/final, phase (text): decoded samples, phase starts

The groups sort in reading order (TensorBoard sorts them by name and opens
the first ones): the metrics first, training values last.

The "G epoch" axis counts MLE pre-training epochs, then the epochs of the
recipe's second phase (adversarial epochs for SeqGAN), as the paper's
Figure 2 does. The metric names (`nll_oracle`, `bleu2`) are the tasks'; the
runner adds the `eval/` and `final/` prefixes.
"""

import os
import re

from tensorboard.plugins.custom_scalar import layout_pb2
from tensorboard.plugins.hparams import api as hparams_api

EVAL, FINAL, SWEEP = "eval/", "final/", "sweep/"
PHASE = "train_g/phase"
SAMPLES_EVAL, SAMPLES_FINAL = "samples/eval", "samples/final"
PHASE_TEXT = "phase"

_G_EPOCHS = ("x-axis: G epochs (MLE pre-training, then the recipe's second "
             "phase; train_g/phase marks the change).")

# The tasks' metrics: {name pattern: (display name, what it is)}.
_METRICS = {
    r"nll_oracle": ("NLL-oracle", "the oracle's mean per-token negative "
                    "log-likelihood of G's samples (Table 1, Figures 2-3; "
                    "lower is better)"),
    r"nll_test": ("NLL-test", "G's mean per-token negative log-likelihood of "
                  "held-out real sequences (lower is better)"),
    r"bleu(\d+)": ("BLEU-{0}", "mean sentence BLEU-{0} of G's samples "
                   "against the test split (higher is better)"),
    r"self_bleu(\d+)": ("Self-BLEU-{0}", "mean sentence BLEU-{0} of each of "
                        "G's samples against all the others (the first "
                        "spread_samples of the evaluation, results.json; "
                        "lower is more diverse)"),
    r"ms_jaccard(\d+)": ("MS-Jaccard-{0}", "geometric mean over k = 1..{0} of "
                         "the Jaccard similarity of the k-gram frequencies of "
                         "G's samples (the first spread_samples) and of the "
                         "test split (higher is closer in quality and "
                         "diversity at once)"),
    r"mse": ("MSE", "pitch MSE (semitones squared) of G's melodies to the "
             "closest test window, step by step (lower is closer to real "
             "tunes)"),
    r"unk_rate": ("<unk> share", "the share of <unk> among the tokens of G's "
                  "samples (words outside the vocabulary; compare with the "
                  "data's in results.json)"),
}

_VALUES = {
    "train_g/mle_loss": "G's MLE loss: mean per-token NLL of the training "
                        "data, averaged over the epoch's batches. " + _G_EPOCHS,
    "train_g/pg_loss": "G's policy-gradient loss (Eq. 8) of the epoch's last "
                       "g-step. " + _G_EPOCHS,
    "train_g/mean_reward": "Mean reward Q (D's probability of real, from the "
                           "rollouts) over the tokens of the epoch's last "
                           "g-step batch, in [0, 1]. " + _G_EPOCHS,
    "train_g/ss_loss": "Scheduled sampling's loss: mean per-token NLL with "
                       "G's own tokens as some inputs. " + _G_EPOCHS,
    "train_g/true_input_prob": "Scheduled sampling's omega: the probability "
                               "that an input token is the true one. " +
                               _G_EPOCHS,
    PHASE: "Which of the recipe's G phases this G epoch belongs to: 0 = MLE "
           "pre-training, 1 = the second phase (adversarial training for "
           "seqgan and pgbleu, scheduled sampling for ss, MLE continued for "
           "mle). " + _G_EPOCHS,
    "train_d/loss": "D's cross-entropy on real against fresh generated "
                    "sequences, mean of the epoch's d-steps, after its "
                    "g-steps. " + _G_EPOCHS,
    "pretrain_d/loss": "D's cross-entropy in pre-training, one point per D "
                       "round (x-axis: D pre-training round, not G epochs).",
}

# Declared in every run's hparams experiment: TensorBoard reads the
# declaration of one run only (any), so each run declares every task's
# headline metrics and every setting; a run leaves the others' blank.
HEADLINE_METRICS = ("nll_oracle", "nll_test", "bleu2", "bleu3", "bleu4",
                    "self_bleu2", "self_bleu3", "self_bleu4", "ms_jaccard2",
                    "ms_jaccard3", "ms_jaccard4", "mse")
# What a reader filters by besides the config. Capitalised, these sort
# before the config's fields, and the hparams dashboard shows the first
# ones: which task, method, preset, seed and data (`data_label`).
RUN_HPARAMS = ("Data", "Preset", "Protocol", "Recipe", "Seed", "Task",
               "init_from")
TASK_HPARAMS = ("data.oracle", "data.oracle_seed", "data.oracle_stddev",
                "data.sha256", "data.test_size", "data.data_file",
                "data.sequences", "data.train", "data.test", "data.heldout",
                "data.split_seed", "data.vocab_size", "data.overlong",
                "data.task", "data.level", "data.lowercase", "data.rare",
                "data.tunes", "data.train_tunes", "data.test_tunes",
                "data.heldout_tunes", "data.skipped_tunes", "data.hop",
                "data.step_seconds",
                "data.melody_track")


def metric_name(name):
  """(display name, description) of a task metric such as "bleu2"."""
  for pattern, (display, what) in _METRICS.items():
    match = re.fullmatch(pattern, name)
    if match:
      return display.format(*match.groups()), what.format(*match.groups())
  return name, name


def data_label(description):
  """A short name of a task's data: "oracle paper", "shi.txt split 0"."""
  if "data_file" in description:
    name = os.path.basename(str(description["data_file"]))
    return f"{name} split {description.get('split_seed')}"
  label = f"oracle {description.get('oracle')}"
  if description.get("oracle") == "random":
    return f"{label} seed {description.get('oracle_seed')}"
  if description.get("oracle") == "file":
    return f"{label} {str(description.get('sha256'))[:12]}"
  return label


def describe(tag, eval_samples, final_eval_samples):
  """The description TensorBoard shows beside `tag` ("" for an unknown tag)."""
  for prefix, how in (
      (EVAL, f"on {eval_samples:,} fresh samples of G. {_G_EPOCHS}"),
      (FINAL, f"on {final_eval_samples:,} fresh samples of G after training, "
              "one point at the step after the last G epoch."),
      (SWEEP, f"on {eval_samples:,} samples of the final G drawn at softmax "
              "temperature tau. x-axis: 100 tau (100 = the model's own "
              "distribution).")):
    if tag.startswith(prefix):
      display, what = metric_name(tag[len(prefix):])
      return f"{display}: {what}, {how}"
  return _VALUES.get(tag, "")


def hparams_config(hparams):
  """The experiment declaration: every setting and the headline metrics."""
  names = sorted(set(hparams) | set(RUN_HPARAMS) | set(TASK_HPARAMS))
  metrics = []
  for name in HEADLINE_METRICS:
    display, what = metric_name(name)
    metrics.append(hparams_api.Metric(
        FINAL + name, display_name=f"{display} (final)", description=what))
  return dict(hparams=[hparams_api.HParam(name) for name in names],
              metrics=metrics)


def layout(metric_names):
  """The custom-scalars layout of a run whose task reports `metric_names`.

  TensorBoard merges the layouts of every run in a logdir (the same chart
  once), so a logdir of Table 1 runs shows Figure 2: NLL-oracle of every
  method on one chart; a logdir of Figure 3 runs, every schedule.
  """
  charts = []
  for name in metric_names:
    display, _ = metric_name(name)
    title = f"{display} by G epoch, every run"
    if name == "nll_oracle":
      title = ("Figure 2 (Table 1 runs) / Figure 3 (schedule runs): "
               "NLL-oracle by G epoch, every run")
    charts.append(layout_pb2.Chart(
        title=title, multiline=layout_pb2.MultilineChartContent(
            tag=[f"^{EVAL}{name}$"])))
  charts.append(layout_pb2.Chart(
      title="Training phase by G epoch (1 from the adversarial start)",
      multiline=layout_pb2.MultilineChartContent(tag=[f"^{PHASE}$"])))
  return layout_pb2.Layout(category=[layout_pb2.Category(
      title="SeqGAN: the paper's figures", chart=charts)])
