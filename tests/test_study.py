"""experiments.study: Table 1 and Figure 3 as a user runs them."""

import json
import os
import re
import subprocess
import sys

import pytest
from scipy import stats

from experiments import cli
from tests.conftest import ROOT
from tests.conftest import run_module


def test_study_runs_every_method_and_writes_the_table(tmp_path):
  save_dir = str(tmp_path / "study")
  result = run_module("experiments.study", "--study=table1", "--preset=smoke",
                "--seeds=1,2", "--methods=random,seqgan",
                "--final_eval_samples=64", "--sweep_temperatures=0.9,1.1",
                "--jobs=2", f"--save_dir={save_dir}")
  assert result.returncode == 0, result.stderr[-3000:]
  # Two at once, each with a log of its own.
  assert sorted(os.listdir(os.path.join(save_dir, "logs"))) == [
      f"{name}_s{seed}.log" for name in ("pretrain", "random", "seqgan")
      for seed in (1, 2)]
  with open(os.path.join(save_dir, "table1.md")) as f:
    table = f.read()
  random_row = next(line for line in table.splitlines()
                    if line.startswith("| random | 2 |"))
  assert "| seqgan | 2 | " in table
  with open(os.path.join(save_dir, "table1.json")) as f:
    every_run = json.load(f)
  # Welch's p of random against SeqGAN, over the two seeds' final NLLs.
  final = lambda method: [every_run[f"{method}_s{seed}"]["nll_oracle_final"]
                          for seed in (1, 2)]
  expected = stats.ttest_ind(final("random"), final("seqgan"),
                             equal_var=False).pvalue
  assert float(random_row.split("|")[4]) == pytest.approx(expected, rel=1e-2)
  assert sorted(every_run) == ["random_s1", "random_s2", "seqgan_s1",
                               "seqgan_s2"]
  assert every_run["seqgan_s1"]["init_from"].endswith("pretrain_s1")
  assert "init_from" not in every_run["random_s1"]  # Untrained: no branch.
  assert len(every_run["seqgan_s2"]["temperature_sweep"]) == 2


def test_a_study_kept_in_results_dir_grows_a_seed_at_a_time(tmp_path):
  results_dir = tmp_path / "results"
  records = results_dir / "table1_smoke_runs"
  study = lambda save_dir, *args: run_module(
      "experiments.study", "--study=table1", "--preset=smoke",
      "--methods=random", "--final_eval_samples=64", "--sweep_temperatures=",
      f"--results_dir={results_dir}", f"--save_dir={tmp_path / save_dir}",
      *args)
  first = study("here", "--seeds=1")
  assert first.returncode == 0, first.stderr[-3000:]
  assert os.listdir(records) == ["random_s1.json"]
  # Elsewhere, with nothing but the results directory: seed 1 is read from
  # its record, never run again; --table_only runs nothing.
  listed = study("elsewhere", "--seeds=1,2", "--table_only")
  assert listed.returncode == 0, listed.stderr[-3000:]
  assert "| random | 1 |" in listed.stdout
  assert "Not run yet: random_s2." in listed.stdout
  assert not os.path.exists(tmp_path / "elsewhere" / "random_s1")
  grown = study("elsewhere", "--seeds=1,2")
  assert grown.returncode == 0, grown.stderr[-3000:]
  assert not os.path.exists(tmp_path / "elsewhere" / "random_s1")
  with open(results_dir / "table1_smoke.md") as f:
    table = f.read()
  assert "| random | 2 |" in table and "Not run yet" not in table
  made = re.search(r"^- at commit \S+ on .* cores, \d{4}-\d\d-\d\d: (.*)$",
                   table, re.M)
  assert made and made.group(1) == "random_s1, random_s2"
  # A damaged record is one line naming it, and is left as it was.
  (records / "random_s1.json").write_text("{")
  damaged = study("elsewhere", "--seeds=1,2", "--table_only")
  assert damaged.returncode == 2 and "Traceback" not in damaged.stderr
  assert "random_s1.json: cannot be read (not valid JSON)" in damaged.stderr
  assert (records / "random_s1.json").read_text() == "{"


def test_figure3_plans_the_four_schedules():
  result = run_module("experiments.study", "--study=figure3", "--preset=smoke",
                "--seeds=7", "--dry_run")
  assert result.returncode == 0, result.stderr[-3000:]
  for schedule in ("--g_steps=100 --d_steps=1 --k_epochs=10",
                   "--g_steps=30 --d_steps=1 --k_epochs=30",
                   "--g_steps=1 --d_steps=1 --k_epochs=10",
                   "--g_steps=1 --d_steps=5 --k_epochs=3"):
    assert schedule in result.stderr
  assert result.stderr.count("--init_from=") == 4


@pytest.mark.parametrize("seeds, message", [
    (["88", "88"], "'88' and '88' name the same seed 88"),
    (["88", "088"], "'88' and '088' name the same seed 88"),
    (["7", "+7"], "'7' and '+7' name the same seed 7"),
    ([], "--seeds is empty"),
    (["8", "x"], "'x' is not an integer"),
    (["-1"], "-1 must be >= 0"),
])
def test_seeds_naming_one_run_twice_are_refused(seeds, message):
  with pytest.raises(ValueError, match=re.escape(message)):
    cli.distinct_seeds(seeds)
  assert cli.distinct_seeds(["88", "89"]) == [88, 89]


# What seeds may get wrong is tested on `cli.distinct_seeds` above.
@pytest.mark.parametrize("args, message", [
    (["--study=table1", "--seeds=1", "--", "--protocol=paper_era"],
     "--protocol=paper_era after --: the study sets --protocol"),
    (["--study=obama", "--protocol=paper_era"],
     "a corpus study runs the released protocol"),
])
def test_bad_study_flags_are_one_line(args, message):
  result = run_module("experiments.study", "--preset=smoke", "--dry_run",
                      *args)
  assert result.returncode == 2 and "Traceback" not in result.stderr
  assert message in result.stderr


def test_print_commands_gives_each_run_its_wave():
  result = run_module("experiments.study", "--study=table1", "--preset=smoke",
                      "--seeds=7", "--methods=random,seqgan",
                      "--print_commands", "--", "--oracle=random")
  assert result.returncode == 0, result.stderr[-3000:]
  lines = [line.split("\t") for line in result.stdout.splitlines()]
  assert [(wave, re.search(r"--run_name=(\S+)", line).group(1))
          for wave, line in lines] == [
              ("1", "pretrain_s7"), ("1", "random_s7"), ("2", "seqgan_s7")]
  assert all(line.endswith("--oracle=random") for _, line in lines)
  assert "--init_from=" in lines[2][1]


def test_a_method_of_one_run_has_no_spread_or_p_value():
  """One seed: its mean alone, and "-" where a spread or a p needs two."""
  script = ("import json, sys; from experiments import study; "
            "rows = json.load(sys.stdin); "
            "print(study.table(rows, {'mle': 9.038}, 'mle'))")
  one = dict(nll_oracle_final=9.25, nll_oracle_best=9.2,
             nll_oracle_best_epoch=3, nll_test_final=7.5)
  rows = dict(mle=[one], seqgan=[one, dict(one, nll_oracle_final=9.35)])
  result = subprocess.run([sys.executable, "-c", script], cwd=ROOT,
                          input=json.dumps(rows), capture_output=True,
                          text=True, timeout=120)
  assert result.returncode == 0, result.stderr[-3000:]
  lines = result.stdout.splitlines()
  assert "| mle | 1 | 9.250 | - | 9.200 (3) | - | 7.500 | 9.038 |" in lines
  seqgan = next(line for line in lines if line.startswith("| seqgan |"))
  assert seqgan.startswith("| seqgan | 2 | 9.300 ± 0.071 | - |")
  assert "nan" not in result.stdout
