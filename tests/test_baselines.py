"""Table 1's other methods: scheduled sampling, PG-BLEU, random; branching."""

import warnings

from nltk.translate import bleu_score
import numpy as np
import pytest
import tensorflow as tf

from seqgan_tf import generator as generator_lib
from seqgan_tf import recipes
from seqgan_tf import rewards
from seqgan_tf import train
from seqgan_tf.recipes import ss
from tests.conftest import NO_XLA
from tests.conftest import nltk_3_2_1_sentence_bleu
from tests.conftest import tiny_experiment
from tests.conftest import tiny_oracle_task
from tests.conftest import tiny_synthetic_config


def _task(config):
  return tiny_oracle_task(config, test_size=64)


def _data(config, count=32):
  return _task(config).real_data(1)[:count]


def test_scheduled_sampling_at_one_is_teacher_forcing(gen_config):
  g = generator_lib.Generator(gen_config)
  tokens = g.sample(8, tf.random.Generator.from_seed(0))
  log_probs, inputs = g.scheduled_sampling_log_probs(
      tokens, 1.0, tf.random.Generator.from_seed(1))
  np.testing.assert_array_equal(inputs[:, 1:], tokens[:, :-1])
  np.testing.assert_allclose(log_probs, g.token_log_probs(tokens), rtol=1e-6)


def test_scheduled_sampling_epoch_at_one_equals_an_mle_epoch():
  config = tiny_synthetic_config()
  data = _data(config)
  ss_trainer = train.Trainer(config, NO_XLA)
  mle_trainer = train.Trainer(config, NO_XLA)
  ss_loss = float(ss_trainer.scheduled_sampling_epoch(data, 1.0))
  mle_loss = float(mle_trainer.mle_epoch(data))
  assert ss_loss == pytest.approx(mle_loss, rel=1e-6)
  for a, b in zip(ss_trainer.generator.weights, mle_trainer.generator.weights):
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-7)


def test_scheduled_sampling_at_zero_feeds_only_its_own_samples(gen_config):
  g = generator_lib.Generator(gen_config)
  bias = np.full([gen_config.vocab_size], -50.0, np.float32)
  bias[4] = 50.0  # G emits 4 and only 4 ...
  g.output_bias.assign(bias)
  tokens = tf.fill([5, gen_config.seq_len], 7)  # ... the data never does.
  _, inputs = g.scheduled_sampling_log_probs(tokens, 0.0,
                                             tf.random.Generator.from_seed(0))
  assert np.all(inputs.numpy()[:, 1:] == 4)
  _, mixed = g.scheduled_sampling_log_probs(tokens, 0.5,
                                            tf.random.Generator.from_seed(0))
  assert {4, 7} == set(np.unique(mixed.numpy()[:, 1:]))


def test_true_input_probability_falls_by_the_decay_to_zero():
  config = tiny_synthetic_config(ss_start=1.0, ss_decay=0.25)
  assert [ss.true_input_prob(config, e) for e in range(6)] == [
      1.0, 0.75, 0.5, 0.25, 0.0, 0.0]


@pytest.mark.parametrize("rule", ["nltk", "nltk2016"])
def test_bleu_reward_is_nltk_sentence_bleu_and_one_for_a_reference(rule):
  rng = np.random.default_rng(0)
  references = rng.integers(0, 6, size=[20, 7])
  hypotheses = rng.integers(0, 12, size=[30, 7])
  reward = rewards.BleuReward(references, order=3, vocab_size=12, rule=rule)
  got = reward(tf.constant(hypotheses, tf.int32)).numpy()
  refs, hyps = [list(r) for r in references], [list(h) for h in hypotheses]
  with warnings.catch_warnings():  # nltk warns about zero counts.
    warnings.simplefilter("ignore")
    want = [bleu_score.sentence_bleu(refs, h, weights=(1 / 3,) * 3)
            if rule == "nltk" else nltk_3_2_1_sentence_bleu(refs, h, 3)
            for h in hyps]
  np.testing.assert_allclose(got, want, atol=1e-6)
  np.testing.assert_allclose(
      reward(tf.constant(references[:5], tf.int32)).numpy(), 1.0, rtol=1e-6)
  no_unigram = np.full([1, 7], 11)  # Token 11 is in no reference.
  assert float(reward(tf.constant(no_unigram, tf.int32))[0]) == 0.0
  no_bigram = np.array([[0, 5, 5, 5, 5, 5, 5]])  # Only the 0 is in the ref.
  one_ref = rewards.BleuReward([[0, 1, 2, 3, 4, 0, 1]], 3, 6, rule=rule)
  score = float(one_ref(tf.constant(no_bigram, tf.int32))[0])
  # One unigram of seven matches: 0 today, (1/7) ** (1/3) by nltk 3.2.1.
  assert score == (0.0 if rule == "nltk" else pytest.approx((1 / 7) ** (1 / 3)))


def test_random_recipe_trains_nothing(tmp_path):
  config = tiny_synthetic_config(recipe="random")
  experiment = tiny_experiment(config, _task(config), str(tmp_path))
  before = [w.numpy() for w in experiment.trainer.generator.weights]
  results = experiment.run()
  assert results["epochs"] == 0 and np.isfinite(results["nll_oracle_final"])
  for b, a in zip(before, experiment.trainer.generator.weights):
    np.testing.assert_array_equal(b, a.numpy())


@pytest.mark.parametrize("recipe", ["seqgan", "ss", "pgbleu"])
def test_branching_from_a_shared_pretraining_equals_pretraining_itself(
    tmp_path, recipe):
  config = tiny_synthetic_config(recipe=recipe, adversarial_epochs=1)
  alone = tiny_experiment(config, _task(config),
                                    str(tmp_path / "alone")).run()
  pretrain = tiny_synthetic_config(recipe="pretrain", adversarial_epochs=1)
  tiny_experiment(pretrain, _task(pretrain),
                            str(tmp_path / "pre")).run()
  branched = tiny_experiment(
      config, _task(config), str(tmp_path / "branched"),
      init_from=str(tmp_path / "pre")).run()
  assert branched["epochs"] == alone["epochs"] == 3
  assert branched["nll_oracle_final"] == pytest.approx(
      alone["nll_oracle_final"], rel=1e-5)
  other = tiny_synthetic_config(recipe=recipe, batch_size=4)
  with pytest.raises(ValueError, match="pre-trained with other batch_size"):
    tiny_experiment(other, _task(other), str(tmp_path / "bad"),
                              init_from=str(tmp_path / "pre"))


def test_temperature_sweep_lands_in_the_results(tmp_path):
  config = tiny_synthetic_config(recipe="random",
                                 sweep_temperatures=(0.5, 2.0))
  results = tiny_experiment(config, _task(config),
                                      str(tmp_path)).run()
  sweep = results["temperature_sweep"]
  assert [row["temperature"] for row in sweep] == [0.5, 2.0]
  assert all(set(row) == {"temperature", "nll_oracle", "nll_test"}
             for row in sweep)
  # A colder G samples likelier sequences of its own, farther from uniform.
  assert sweep[0]["nll_test"] != sweep[1]["nll_test"]


def test_scheduled_sampling_traces_its_epoch_once(tmp_path):
  """omega changes every epoch; the epoch's graph must not be traced again."""
  config = tiny_synthetic_config(recipe="ss", pretrain_g_epochs=0,
                                 adversarial_epochs=4, ss_decay=0.1)
  experiment = tiny_experiment(config, _task(config), str(tmp_path))
  experiment.run()
  epoch_fn = experiment.trainer.scheduled_sampling_epoch
  assert epoch_fn.experimental_get_tracing_count() == 1


def test_constant_reward_control_rewards_one_and_sharpens_g():
  config = tiny_synthetic_config(recipe="constant", pretrain_g_epochs=0,
                                 adversarial_epochs=15)
  context = recipes.Context(train.Trainer(config, NO_XLA), config,
                            tf.Variable(_data(config, 32)))
  phases = recipes.build("constant", context)
  assert [p.name for p in phases] == ["g-pretrain", "constant-reward"]
  trainer = context.trainer
  d_before = [w.numpy() for w in trainer.discriminator.weights]

  def own_nll():  # G's NLL of its own fresh samples: its entropy, roughly.
    samples = trainer.generate(512, tf.random.Generator.from_seed(6))
    return -float(tf.reduce_mean(trainer.generator.token_log_probs(samples)))

  before = own_nll()
  phases[1].on_start()
  for epoch in range(config.adversarial_epochs):
    values = phases[1].run_epoch(epoch)
    assert values["train_g/mean_reward"] == 1.0
  assert own_nll() < before  # Reward 1 only sharpens G.
  for b, a in zip(d_before, trainer.discriminator.weights):
    np.testing.assert_array_equal(b, a.numpy())  # No D in this control.
