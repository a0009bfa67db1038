import json
import os
import shutil

import numpy as np
import pytest
import tensorflow as tf

from experiments import report
from seqgan_tf import oracle as oracle_lib
from seqgan_tf import tasks
from seqgan_tf import train
from seqgan_tf import xla
from tests.conftest import tiny_generator_config
from tests.conftest import tiny_synthetic_config


def _oracle_params(config):
  return oracle_lib.random_params(config.generator, seed=0)


def _task(config):
  return tasks.OracleTask(config, _oracle_params(config), {"oracle_seed": 0})


def test_mle_epoch_loss_falls():
  config = tiny_synthetic_config()
  model = train.SeqGAN(config)
  oracle = oracle_lib.build(config.generator, _oracle_params(config))
  data = oracle.sample(64, tf.random.Generator.from_seed(0))
  first = float(model.mle_epoch(data))
  for _ in range(10):
    last = float(model.mle_epoch(data))
  assert last < first


def test_xla_gives_the_same_losses_and_gradients(with_xla):
  config = tiny_synthetic_config()
  compiled = train.SeqGAN(config)
  xla.set_enabled(False)
  plain = train.SeqGAN(config)  # Same seed: same weights.
  tokens = plain.generate(8)
  rewards = tf.random.stateless_uniform(tokens.shape, [0, 1])
  for extra in ((), (rewards,)):  # MLE, then policy gradient.
    loss, grads = compiled._generator_gradients(tokens, *extra)
    plain_loss, plain_grads = plain._generator_gradients(tokens, *extra)
    np.testing.assert_allclose(loss, plain_loss, rtol=1e-5)
    for a, b in zip(grads, plain_grads):
      np.testing.assert_allclose(tf.convert_to_tensor(a),
                                 tf.convert_to_tensor(b), rtol=1e-4,
                                 atol=1e-6)


def test_policy_gradient_step_leaves_d_alone():
  config = tiny_synthetic_config()
  model = train.SeqGAN(config)
  d_before = [w.numpy() for w in model.discriminator.weights]
  g_before = [w.numpy() for w in model.generator.trainable_weights]
  loss, reward = model.policy_gradient_step()
  assert np.isfinite(float(loss)) and 0.0 <= float(reward) <= 1.0
  for before, after in zip(d_before, model.discriminator.weights):
    np.testing.assert_array_equal(before, after.numpy())
  assert any(not np.array_equal(b, a.numpy())
             for b, a in zip(g_before, model.generator.trainable_weights))


def test_generate_count_and_discriminator_round():
  config = tiny_synthetic_config()
  model = train.SeqGAN(config)
  samples = model.generate(37)
  assert samples.shape == (37, config.generator.seq_len)
  real = model.generate(32)
  assert np.isfinite(model.train_discriminator(real))


def test_checkpoint_round_trip(tmp_path):
  config = tiny_synthetic_config()
  model = train.SeqGAN(config)
  model.mle_epoch(model.generate(32))  # Gives the optimiser some state.
  checkpoint = tf.train.Checkpoint(**model.checkpoint_items())
  path = checkpoint.save(str(tmp_path / "ckpt"))
  saved = [v.numpy() for v in checkpoint_variables(model)]
  next_samples = model.generate(8).numpy()

  model.mle_epoch(model.generate(32))  # Moves weights, Adam state and RNG.
  checkpoint.restore(path).assert_consumed()
  for before, after in zip(saved, checkpoint_variables(model)):
    np.testing.assert_array_equal(before, after.numpy())
  np.testing.assert_array_equal(next_samples, model.generate(8).numpy())

  fresh = train.SeqGAN(tiny_synthetic_config(seed=123))
  tf.train.Checkpoint(**fresh.checkpoint_items()).restore(path)
  for before, after in zip(saved, checkpoint_variables(fresh)):
    np.testing.assert_array_equal(before, after.numpy())


def checkpoint_variables(model):
  return (model.generator.weights + model.discriminator.weights +
          model.rollout.policy.weights + model.mle_optimizer.variables +
          model.d_optimizer.variables + [model.rng.state])


def _events_scalars(run_dir, tag):
  return report.read_scalar(run_dir, tag)


def test_experiment_end_to_end_writes_everything(tmp_path):
  config = tiny_synthetic_config()
  run_dir = str(tmp_path / "run")
  results = train.Experiment(config, _task(config), run_dir).run()
  assert np.isfinite(results["nll_oracle_final"])
  for name in ("config.json", "results.json", "samples.txt", "checkpoints"):
    assert os.path.exists(os.path.join(run_dir, name)), name
  nll = _events_scalars(run_dir, "nll_oracle")
  # Every G epoch on one axis: pre-training 0-1, adversarial 2-3, final 4.
  assert sorted(nll) == [0, 1, 2, 3, 4]
  with open(os.path.join(run_dir, "samples.txt")) as f:
    assert len(f.readline().split()) == config.generator.seq_len


def test_mle_mode_continues_pretraining_without_d(tmp_path):
  config = tiny_synthetic_config(mode="mle")
  run_dir = str(tmp_path / "mle")
  train.Experiment(config, _task(config), run_dir).run()
  assert sorted(_events_scalars(run_dir, "nll_oracle")) == [0, 1, 2, 3, 4]
  assert _events_scalars(run_dir, "d_loss") == {}


def test_finished_run_is_not_rerun(tmp_path):
  config = tiny_synthetic_config(adversarial_epochs=1)
  run_dir = str(tmp_path / "run")
  first = train.Experiment(config, _task(config), run_dir).run()
  with open(os.path.join(run_dir, "samples.txt")) as f:
    samples = f.read()
  again = train.Experiment(config, _task(config), run_dir).run()
  assert again == first
  with open(os.path.join(run_dir, "samples.txt")) as f:
    assert f.read() == samples


def test_other_config_in_run_dir_is_refused(tmp_path):
  config = tiny_synthetic_config(adversarial_epochs=0)
  run_dir = str(tmp_path / "run")
  train.Experiment(config, _task(config), run_dir).run()
  with open(os.path.join(run_dir, "config.json")) as f:
    saved = f.read()
  other = tiny_synthetic_config(adversarial_epochs=0, batch_size=4)
  with pytest.raises(train.RunDirError, match="another config.json"):
    train.Experiment(other, _task(other), run_dir).run()
  with open(os.path.join(run_dir, "config.json")) as f:
    assert f.read() == saved


def test_resume_continues_from_checkpoint(tmp_path):
  config = tiny_synthetic_config(pretrain_g_epochs=3)
  run_dir = str(tmp_path / "run")
  experiment = train.Experiment(config, _task(config), run_dir)
  experiment._prepare_run_dir()
  experiment._run_mle(train.G_PRETRAIN, 0, 2, 0)  # Stopped after 2 epochs.
  real = experiment.real_data.numpy()
  resumed = train.Experiment(config, _task(config), run_dir)
  resumed._prepare_run_dir()
  assert int(resumed.phase) == train.G_PRETRAIN and int(resumed.epoch) == 2
  np.testing.assert_array_equal(resumed.real_data.numpy(), real)
  assert resumed.run()["epochs"] == 5
  with open(os.path.join(run_dir, "results.json")) as f:
    assert json.load(f)["mode"] == "seqgan"


def test_truncated_checkpoint_is_refused_and_kept(tmp_path):
  config = tiny_synthetic_config(adversarial_epochs=0)
  run_dir = str(tmp_path / "run")
  train.Experiment(config, _task(config), run_dir).run()
  data_files = [os.path.join(run_dir, "checkpoints", f)
                for f in os.listdir(os.path.join(run_dir, "checkpoints"))
                if ".data-" in f]
  latest = max(data_files, key=os.path.getmtime)
  with open(latest, "r+b") as f:
    f.truncate(100)
  before = sorted(os.listdir(os.path.join(run_dir, "checkpoints")))
  with pytest.raises(train.RunDirError, match="cannot restore"):
    train.Experiment(config, _task(config), run_dir).run()
  assert sorted(os.listdir(os.path.join(run_dir, "checkpoints"))) == before


def test_nan_loss_stops_with_phase_and_keeps_last_checkpoint(tmp_path):
  config = tiny_synthetic_config(pretrain_g_epochs=3)
  run_dir = str(tmp_path / "run")
  experiment = train.Experiment(config, _task(config), run_dir)
  calls = []
  real_epoch = experiment.model.mle_epoch

  def epoch_then_nan(data):
    calls.append(1)
    return real_epoch(data) if len(calls) < 2 else tf.constant(float("nan"))

  experiment.model.mle_epoch = epoch_then_nan
  with pytest.raises(FloatingPointError, match="g-pretrain, epoch 1"):
    experiment.run()
  assert experiment.manager.latest_checkpoint.endswith("ckpt-1")
  resumed = train.Experiment(config, _task(config), run_dir)
  resumed._prepare_run_dir()
  assert int(resumed.epoch) == 1


def test_foreign_checkpoint_is_refused(tmp_path):
  """Checkpoints of another architecture under this run's config.json."""
  other = tiny_synthetic_config(adversarial_epochs=0,
                                generator=tiny_generator_config(hidden_dim=5))
  train.Experiment(other, _task(other), str(tmp_path / "other")).run()
  config = tiny_synthetic_config(adversarial_epochs=0)
  run_dir = str(tmp_path / "run")
  experiment = train.Experiment(config, _task(config), run_dir)
  experiment.run()
  shutil.rmtree(os.path.join(run_dir, "checkpoints"))
  shutil.copytree(str(tmp_path / "other" / "checkpoints"),
                  os.path.join(run_dir, "checkpoints"))
  with pytest.raises(train.RunDirError, match="from another model"):
    train.Experiment(config, _task(config), run_dir).run()
