"""The entry points, run as a user would (subprocesses)."""

import json
import os

import numpy as np
import pytest

from seqgan_tf import oracle as oracle_lib
from tests.conftest import run_module
from tests.conftest import tiny_generator_config
from tests.conftest import write_corpus

def test_smoke_preset_end_to_end(tmp_path):
  save_dir = str(tmp_path / "synthetic")
  # As `make synthetic PRESET=smoke` calls it: --oracle_dir says where the
  # paper's oracle would be, and the smoke preset keeps its own tiny one.
  result = run_module("experiments.run", "--task=oracle", "--recipe=seqgan",
                "--preset=smoke", f"--oracle_dir={tmp_path / 'no_oracle'}",
                f"--save_dir={save_dir}")
  assert result.returncode == 0, result.stderr[-3000:]
  run_dir = os.path.join(save_dir, "smoke_seqgan")
  events = [f for f in os.listdir(run_dir) if "tfevents" in f]
  assert events and os.path.exists(os.path.join(run_dir, "results.json"))
  assert "[adversarial] epoch 2/2" in result.stderr
  assert "ETA" in result.stderr

  again = run_module("experiments.synthetic", "--preset=smoke",
               f"--save_dir={save_dir}")
  assert again.returncode == 0
  assert "already holds a finished run" in again.stderr

  # Its samples score under the same oracle with the evaluate entry point.
  scored = run_module("experiments.evaluate", "--oracle=random", "--vocab_size=30",
                "--seq_len=8", "--g_emb_dim=8", "--g_hidden_dim=8",
                f"--samples={run_dir}/samples.txt")
  assert scored.returncode == 0, scored.stderr[-3000:]
  assert scored.stdout.startswith("NLL-oracle ")


def test_helpfull_lists_tasks_and_recipes():
  result = run_module("experiments.run", "--helpfull")  # absl exits 1 after help.
  assert "Traceback" not in result.stderr, result.stderr[-3000:]
  shown = " ".join(result.stdout.split())  # absl wraps the help lines.
  for text in ("--task", "oracle: the synthetic experiment", "poems: Chinese",
               "--recipe", "seqgan: SeqGAN (Algorithm 1)", "mle: MLE",
               "--g_emb_dim: G: token embedding size", "--d_filter_sizes",
               "--data_file", "--oracle_dir"):
    assert text in shown, text


def test_bad_flag_value_is_one_clear_line(tmp_path):
  result = run_module("experiments.synthetic", "--preset=smoke", "--rollout_num=0",
                f"--save_dir={tmp_path}")
  assert result.returncode == 2
  assert "error: --rollout_num=0: must be > 0" in result.stderr
  assert "Traceback" not in result.stderr
  assert not os.listdir(tmp_path)  # Nothing was written.


def test_evaluate_matches_library_nll(tmp_path):
  config = tiny_generator_config()
  params = oracle_lib.random_params(config, seed=3)
  oracle_path = str(tmp_path / "oracle.pkl")
  oracle_lib.save_params(params, oracle_path)
  samples = np.random.default_rng(0).integers(0, 12, size=[10, 6])
  samples_path = tmp_path / "samples.txt"
  samples_path.write_text("\n".join(" ".join(map(str, r)) for r in samples))
  result = run_module("experiments.evaluate", f"--oracle_params={oracle_path}",
                "--vocab_size=12", "--seq_len=6", "--g_emb_dim=8",
                "--g_hidden_dim=8", f"--samples={samples_path}")
  assert result.returncode == 0, result.stderr[-3000:]
  expected = float(oracle_lib.make_nll_fn(oracle_lib.build(config, params),
                                          xla=False)(
      samples))
  assert result.stdout.startswith(f"NLL-oracle {expected:.4f}")


def test_evaluate_rejects_bad_samples(tmp_path):
  bad = tmp_path / "bad.txt"
  bad.write_text("1 2 x 4 5 6\n")
  result = run_module("experiments.evaluate", "--oracle=random", "--vocab_size=12",
                "--seq_len=6", "--g_emb_dim=8", "--g_hidden_dim=8",
                f"--samples={bad}")
  assert result.returncode == 2
  assert "line 1: not integer token ids" in result.stderr
  bad.write_text("1 2 3 4 5 99\n")
  result = run_module("experiments.evaluate", "--oracle=random", "--vocab_size=12",
                "--seq_len=6", "--emb_dim=8", "--hidden_dim=8",  # Old names.
                f"--samples={bad}")
  assert result.returncode == 2 and "outside [0, --vocab_size=12)" in result.stderr


def test_unwritable_save_dir_is_one_clear_line(tmp_path):
  read_only = tmp_path / "ro"
  read_only.mkdir()
  read_only.chmod(0o500)
  if os.access(read_only, os.W_OK):  # root ignores permissions.
    blocker = tmp_path / "file"
    blocker.write_text("")
    target = str(blocker / "sub")  # A path under a regular file.
  else:
    target = str(read_only / "sub")
  result = run_module("experiments.synthetic", "--preset=smoke",
                f"--save_dir={target}")
  assert result.returncode == 2
  assert f"--save_dir={target}: cannot write there" in result.stderr
  assert "Traceback" not in result.stderr


def test_unknown_preset_and_bad_widths_are_one_clear_line(tmp_path):
  result = run_module("experiments.synthetic", "--preset=huge",
                f"--save_dir={tmp_path}")
  assert result.returncode == 2
  assert result.stderr.strip().splitlines()[-1].startswith("error: ")
  assert "--preset" in result.stderr and "Traceback" not in result.stderr
  result = run_module("experiments.synthetic", "--preset=smoke",
                "--d_filter_sizes=9,10", "--d_num_filters=4,4",
                f"--save_dir={tmp_path}")
  assert result.returncode == 2
  assert "every width is larger than --seq_len=8" in result.stderr


def test_evaluate_bleu(tmp_path):
  references = tmp_path / "refs.txt"
  references.write_text("a b c d\nb c d e\n")
  samples = tmp_path / "samples.txt"
  samples.write_text("a b c d\n")
  result = run_module("experiments.evaluate", "--bleu=2",
                f"--references={references}", f"--samples={samples}")
  assert result.returncode == 0, result.stderr[-3000:]
  assert result.stdout.strip() == "BLEU-2 1.0000"
  missing = run_module("experiments.evaluate", "--bleu=2", f"--samples={samples}")
  assert missing.returncode == 2 and "--bleu needs --references" in missing.stderr


def test_evaluate_bleu_by_the_2016_rule(tmp_path):
  references = tmp_path / "refs.txt"
  references.write_text("a b c d\nb c d e\n")
  samples = tmp_path / "samples.txt"
  samples.write_text("a x y z\na b c d\n")  # Only one unigram matches.
  result = run_module("experiments.evaluate", "--bleu=3", "--bleu_rule=nltk2016",
                f"--references={references}", f"--samples={samples}")
  assert result.returncode == 0, result.stderr[-3000:]
  # The mean of (1/4) ** (1/3) (nltk 3.2.1; today's nltk: 0) and 1.
  assert result.stdout.strip() == (
      f"BLEU-3 (nltk2016) {(1 + 0.25 ** (1 / 3)) / 2:.4f}")


# bf16 on two replicas (two logical CPU devices), each phase on one device
# beside them: one run checks both, as each costs a process.
@pytest.mark.parametrize("precision, replicas", [("fp32", 1), ("bf16", 2)])
def test_bench_records_the_precision_both_peaks_and_the_environment(
    tmp_path, precision, replicas):
  # Only the one setting below: none of the caller's thread or kernel settings.
  environ = {k: v for k, v in os.environ.items()
             if not k.startswith(("TF_NUM_", "TF_ENABLE_ONEDNN", "XLA_", "OMP_"))}
  split = ("--strategy=mirrored", f"--devices={replicas}") if replicas > 1 else ()
  result = run_module("benchmarks.bench", "--preset=smoke",
                "--phases=mle_epoch,d_epoch", "--repeats=1",
                f"--precision={precision}", f"--out_dir={tmp_path}",
                f"--history_dir={tmp_path / 'history'}",
                f"--results_dir={tmp_path / 'results'}", *split,
                environ=dict(environ, TF_NUM_INTEROP_THREADS="2"))
  assert result.returncode == 0, result.stderr[-3000:]
  assert "environment: TF_NUM_INTEROP_THREADS=2" in result.stdout
  with open(tmp_path / "latest.json") as f:
    report = json.load(f)
  assert report["precision"] == precision
  assert set(report["phases"]) == {"mle_epoch", "d_epoch"}
  assert report["matmul_peak_gflop_s"] == report["matmul_peaks_gflop_s"][
      precision]
  assert all(peak > 0 for peak in report["matmul_peaks_gflop_s"].values())
  assert report["environment"] == {"TF_NUM_INTEROP_THREADS": "2"}
  assert isinstance(report["cpu_flags"], list)
  history = list((tmp_path / "history").glob(f"*_{report['commit']}.json"))
  assert len(history) == 1 and json.loads(history[0].read_text()) == report
  suffix = f"_x{replicas}" if replicas > 1 else ""
  table, = (tmp_path / "results").glob(f"bench_*_{precision}{suffix}.md")
  text = table.read_text(encoding="utf-8")
  assert "| mle_epoch | " in text and "| d_epoch | " in text
  assert report["replicas"] == replicas
  for result in report["phases"].values():
    if replicas > 1:  # Timed on one device too, and the ratio of the two.
      assert result["speedup"] == pytest.approx(
          result["one_device_s"] / result["median_s"])
    else:
      assert "one_device_s" not in result
  assert ("| speed-up |" in text) == (replicas > 1)
  assert "Written by `python -m benchmarks.bench --preset=smoke" in text


def test_gpu_check_without_a_gpu_says_so_and_counts_the_ops_placed(tmp_path):
  result = run_module("benchmarks.gpu_check", "--steps=placement",
                      f"--out={tmp_path}")
  assert result.returncode == 0, result.stderr[-3000:]
  with open(tmp_path / "gpu_check.json") as f:
    report = json.load(f)
  assert report["tensorflow_gpus"] == 0
  assert report["note"].startswith("no GPU found")
  placement = report["steps"]["placement"]
  assert placement["returncode"] == 0
  assert placement["ops_by_device"]["CPU"] > 0
  assert placement["cpu_op_types"]["MatMul"] > 0  # G's and D's own ops.
  bad = run_module("benchmarks.gpu_check", "--steps=placement,benchmark",
                   f"--out={tmp_path}")
  assert bad.returncode != 0 and "--steps: unknown benchmark" in bad.stderr


@pytest.mark.parametrize("phase,op", [("sample", "Softmax"),
                                      ("d_step", "Conv2D")])
def test_profile_ops_lists_the_ops_of_a_phase(phase, op):
  result = run_module("benchmarks.profile_ops", f"--phase={phase}", "--preset=smoke",
                "--calls=1", "--top=50")
  assert result.returncode == 0, result.stderr[-3000:]
  assert f"{phase} (fp32):" in result.stdout
  assert op in result.stdout  # The phase's own kernels are attributed.


def test_help_lists_this_projects_flags_grouped_and_no_others():
  result = run_module("experiments.run", "--helpfull")
  assert result.returncode == 0, result.stderr[-3000:]
  lines = result.stdout.splitlines()
  groups = [line[:-1] for line in lines if line and not line.startswith(" ")
            and line.endswith(":") and not line.startswith("Flags of")]
  assert groups[:8] == ["run", "oracle task", "other methods", "corpus tasks",
                        "generator", "discriminator", "schedule",
                        "evaluation"]
  assert len(lines) < 200
  for foreign in ("--test_tmpdir", "--tpu", "tensor_tracer"):
    assert foreign not in result.stdout, foreign
  shown = " ".join(result.stdout.split())
  assert "pgbleu: pgbleu:" not in shown and "pgbleu: SeqGAN's policy" in shown


def test_bench_bleu_writes_both_rows_equal_to_nltk(tmp_path):
  corpus = write_corpus(tmp_path / "poems.txt", count=80)
  out = tmp_path / "results" / "bleu_speed.md"
  result = run_module("benchmarks.bench_bleu", f"--data_file={corpus}",
                      "--hypotheses=10", "--test_size=20",
                      "--self_bleu_samples=50", "--self_bleu_hypotheses=20",
                      "--nltk_self_bleu_hypotheses=5", f"--out={out}")
  assert result.returncode == 0, result.stderr[-3000:]
  table = out.read_text(encoding="utf-8")
  rows = [line.split(" | ") for line in table.splitlines()
          if line.startswith(("| BLEU-2 |", "| Self-BLEU-4 |"))]
  assert [row[1] for row in rows] == ["10 hypotheses x 20 references",
                                      "20 hypotheses in a set of 50"]
  assert "timed on 5 hypotheses, scaled" in rows[1]
  assert all(float(row[-1].rstrip(" |")) < 1e-9 for row in rows)
  assert "Written by `python -m benchmarks.bench_bleu" in table
