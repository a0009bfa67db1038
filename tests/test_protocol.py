"""The paper-era protocol (--protocol) and the best NLL-oracle of a run."""

import json
import os

import pytest

from experiments import report
from seqgan_tf import compat
from seqgan_tf import config as config_lib
from seqgan_tf import presets
from tests.conftest import run_module
from tests.conftest import tiny_experiment
from tests.conftest import tiny_oracle_task
from tests.conftest import tiny_synthetic_config


def _layer(protocol, recipe, preset):
  config = presets.get("oracle", preset, recipe=recipe).config
  return presets.protocol_overrides(protocol, recipe, config, preset)


def test_released_protocol_adds_nothing():
  for recipe in ("seqgan", "ss", "pgbleu", "mle"):
    assert _layer("released", recipe, "paper") == {}
    assert (presets.get("oracle", "cpu", recipe) ==
            presets.get("oracle", "cpu", recipe, protocol="released"))


def test_paper_era_layer_at_the_paper_preset():
  assert _layer("paper_era", "pgbleu", "paper") == dict(
      g_learning_rate=0.001, eval_every=1, rollout_num=1,
      pgbleu_references=0.4, pretrain_g_epochs=200, adversarial_epochs=800)
  seqgan = _layer("paper_era", "seqgan", "paper")
  assert (seqgan["pretrain_g_epochs"], seqgan["adversarial_epochs"]) == (240,
                                                                         800)
  ss = _layer("paper_era", "ss", "paper")
  assert (ss["pretrain_g_epochs"], ss["adversarial_epochs"],
          ss["ss_start"]) == (0, 300, 0.998)
  mle = _layer("paper_era", "mle", "paper")
  assert mle["pretrain_g_epochs"] + mle["adversarial_epochs"] == 350


def test_paper_era_keeps_a_shorter_presets_lengths():
  # The cpu preset trains 40 MLE epochs, then 30 of the method.
  seqgan = _layer("paper_era", "seqgan", "cpu")
  assert "pretrain_g_epochs" not in seqgan and seqgan["eval_every"] == 1
  ss = _layer("paper_era", "ss", "cpu")
  assert (ss["pretrain_g_epochs"], ss["adversarial_epochs"]) == (0, 70)
  config = presets.get("oracle", "cpu", "ss", protocol="paper_era").config
  assert (config.pretrain_g_epochs, config.adversarial_epochs,
          config.generator.learning_rate) == (0, 70, 0.001)


def test_a_protocol_on_a_corpus_task_is_refused():
  with pytest.raises(ValueError, match="only the oracle task has protocols"):
    presets.get("poems", "cpu", protocol="paper_era")


def test_unknown_protocol_is_refused():
  with pytest.raises(ValueError, match="--protocol=2016: choose one of"):
    _layer("2016", "seqgan", "paper")


def test_paper_era_run_takes_the_layer_and_the_command_line_wins(tmp_path):
  save_dir = str(tmp_path)
  result = run_module("experiments.run", "--task=oracle", "--recipe=ss",
                "--preset=smoke", "--protocol=paper_era", "--eval_every=2",
                f"--save_dir={save_dir}")
  assert result.returncode == 0, result.stderr[-3000:]
  run_dir = os.path.join(save_dir, "smoke_ss")
  with open(os.path.join(run_dir, "config.json")) as f:
    config = json.load(f)["config"]
  assert config["generator"]["learning_rate"] == 0.001
  assert (config["pretrain_g_epochs"], config["adversarial_epochs"]) == (0, 5)
  assert config["ss_start"] == 0.998
  assert config["eval_every"] == 2  # Given on the command line.
  with open(os.path.join(run_dir, "results.json")) as f:
    results = json.load(f)
  assert results["protocol"] == "paper_era"
  curve = report.read_scalar(run_dir, "nll_oracle")
  evaluated = {step: value for step, value in curve.items() if step < 5}
  assert sorted(evaluated) == [0, 2, 4]
  assert results["nll_oracle_best"] == pytest.approx(min(evaluated.values()))
  assert evaluated[results["nll_oracle_best_epoch"]] == pytest.approx(
      results["nll_oracle_best"])


def test_best_comes_from_the_methods_own_phase(tmp_path):
  """SeqGAN's best is over adversarial epochs, never over pre-training."""
  config = tiny_synthetic_config(pretrain_g_epochs=3, adversarial_epochs=2)
  results = tiny_experiment(
      config, tiny_oracle_task(config, test_size=16), str(tmp_path)).run()
  curve = report.read_scalar(str(tmp_path), "nll_oracle")
  adversarial = {step: curve[step] for step in (3, 4)}
  assert results["nll_oracle_best"] == pytest.approx(
      min(adversarial.values()))
  assert results["nll_oracle_best_epoch"] in adversarial
  assert results["best_eval_samples"] == config.eval_samples


def test_an_untrained_run_names_no_best(tmp_path):
  config = tiny_synthetic_config(recipe="random")
  results = tiny_experiment(
      config, tiny_oracle_task(config, test_size=16), str(tmp_path)).run()
  assert "nll_oracle_best" not in results


def test_a_pgbleu_config_from_before_pgbleu_rule_means_todays_nltk_rule():
  values = config_lib.to_dict(config_lib.SeqGANConfig(recipe="pgbleu"))
  del values["pgbleu_rule"]
  assert compat.config_from_saved(values).pgbleu_rule == "nltk"
  # Another recipe never read the rule: its old config equals today's.
  values = config_lib.to_dict(config_lib.SeqGANConfig(recipe="seqgan"))
  del values["pgbleu_rule"]
  assert compat.config_from_saved(values) == config_lib.SeqGANConfig()


def test_paper_era_study_plans_each_pretraining_length_once():
  result = run_module("experiments.study", "--study=table1", "--preset=paper",
                "--protocol=paper_era", "--seeds=7",
                "--methods=random,mle,ss,pgbleu,seqgan,constant", "--dry_run")
  assert result.returncode == 0, result.stderr[-3000:]
  lines = [line for line in result.stderr.splitlines() if "[study]" in line]
  assert all("--protocol=paper_era" in line for line in lines)
  by_name = {line.split("--run_name=")[1].split()[0]: line for line in lines}
  assert sorted(by_name) == ["constant_s7", "mle_s7", "pgbleu_s7",
                             "pretrain_e200_s7", "pretrain_s7", "random_s7",
                             "seqgan_s7", "ss_s7"]
  assert "--pretrain_g_epochs=200" in by_name["pretrain_e200_s7"]
  assert by_name["pgbleu_s7"].endswith("pretrain_e200_s7")
  assert by_name["seqgan_s7"].endswith("pretrain_s7")
  assert "--init_from" not in by_name["ss_s7"]  # From scratch.
  assert "--init_from" not in by_name["random_s7"]


def test_protocol_of_a_corpus_task_is_refused(tmp_path):
  result = run_module("experiments.run", "--task=poems", "--preset=smoke",
                "--protocol=paper_era", f"--save_dir={tmp_path}")
  assert result.returncode == 2
  assert "--protocol=paper_era: only the oracle task has protocols" in (
      result.stderr)
  assert not os.listdir(tmp_path)
