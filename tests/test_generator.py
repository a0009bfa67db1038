import numpy as np
import pytest
import tensorflow as tf
import keras

from seqgan_tf import generator as generator_lib
from seqgan_tf import losses
from tests.conftest import tiny_generator_config


def test_logits_shape_and_dtype(gen_config):
  g = generator_lib.Generator(gen_config)
  tokens = tf.zeros([3, gen_config.seq_len], tf.int32)
  logits = g(tokens)
  assert logits.shape == (3, gen_config.seq_len, gen_config.vocab_size)
  assert logits.dtype == tf.float32


def test_teacher_forcing_equals_step_by_step(gen_config):
  """The fused teacher-forcing pass and the single-step cell agree."""
  g = generator_lib.Generator(gen_config)
  tokens = tf.random.stateless_uniform([4, gen_config.seq_len], [1, 2], 0,
                                       gen_config.vocab_size, tf.int32)
  state = g.initial_state(4)
  inputs = tf.fill([4], gen_config.start_token)
  for t in range(gen_config.seq_len):
    logits, state = g.step(inputs, state)
    np.testing.assert_allclose(logits, g(tokens)[:, t], atol=1e-5)
    inputs = tokens[:, t]


def test_sample_shape_range_and_seeding(gen_config):
  g = generator_lib.Generator(gen_config)
  first = g.sample(50, tf.random.Generator.from_seed(3))
  again = g.sample(50, tf.random.Generator.from_seed(3))
  assert first.shape == (50, gen_config.seq_len) and first.dtype == tf.int32
  assert 0 <= int(tf.reduce_min(first))
  assert int(tf.reduce_max(first)) < gen_config.vocab_size
  np.testing.assert_array_equal(first, again)


def test_sampling_follows_the_logits():
  """A token with an overwhelming output bias is always drawn."""
  g = generator_lib.Generator(tiny_generator_config())
  bias = np.full([12], -30.0, np.float32)
  bias[7] = 30.0
  g.output_bias.assign(bias)
  samples = g.sample(20, tf.random.Generator.from_seed(0))
  assert np.all(samples.numpy() == 7)


def test_weights_are_normal_with_config_stddev():
  g = generator_lib.Generator(tiny_generator_config(vocab_size=2000,
                                                    init_stddev=0.1))
  assert abs(float(np.std(g.output_kernel)) - 0.1) < 0.01
  assert abs(float(np.std(g.bias))) > 0  # Biases are drawn too, not zeros.


def test_each_weight_is_its_own_draw():
  """No weight repeats another's values (one shared seeded stream would)."""
  g = generator_lib.Generator(tiny_generator_config(emb_dim=8, hidden_dim=8),
                              seed=5)
  flat = [w.numpy().ravel() for w in g.weights]
  for i, first in enumerate(flat):
    for second in flat[i + 1:]:
      size = min(len(first), len(second))
      assert not np.allclose(first[:size], second[:size])


def test_same_seed_same_generator_other_seed_another():
  config = tiny_generator_config()
  weights = lambda seed: [w.numpy() for w in
                          generator_lib.Generator(config, seed=seed).weights]
  for same, again in zip(weights(88), weights(88)):
    np.testing.assert_array_equal(same, again)
  for same, other in zip(weights(88), weights(89)):
    assert not np.allclose(same, other)


def test_mle_loss_falls_on_tiny_data(gen_config):
  g = generator_lib.Generator(gen_config)
  data = tf.constant(np.arange(6 * 8).reshape(8, 6) % 12, tf.int32)
  optimizer = keras.optimizers.Adam(0.01)

  @tf.function
  def step():
    with tf.GradientTape() as tape:
      loss = losses.mle_loss(g.token_log_probs(data))
    grads = tape.gradient(loss, g.trainable_variables)
    optimizer.apply_gradients(zip(grads, g.trainable_variables))
    return loss

  first = float(step())
  for _ in range(60):
    last = float(step())
  assert last < 0.5 * first


@pytest.mark.parametrize("for_gradient", [True, False])
def test_token_log_probs_match_log_softmax(gen_config, for_gradient):
  g = generator_lib.Generator(gen_config)
  tokens = tf.constant([[1, 2, 3, 4, 5, 6]], tf.int32)
  log_probs = g.token_log_probs(tokens, for_gradient=for_gradient).numpy()
  logits = g(tokens).numpy()[0]
  direct = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
  np.testing.assert_allclose(log_probs[0], direct[np.arange(6), [1, 2, 3, 4, 5,
                                                                 6]], atol=1e-5)


def test_categorical_matches_the_softmax_distribution():
  """Frequencies of 40,000 draws per row sit within 5 sigma of softmax."""
  rng = np.random.default_rng(0)
  for vocab_size in (2, 7, 30):  # 7 pads its last block; 2 and 30 need none.
    logits = tf.constant(rng.normal(size=[2, vocab_size]) * 2, tf.float32)
    probs = tf.nn.softmax(logits).numpy()
    draws = np.stack([
        generator_lib.categorical(tf.repeat(logits, 2000, axis=0),
                                  tf.constant([seed, 1])).numpy()
        for seed in range(20)
    ]).reshape(20, 2, 2000).transpose(1, 0, 2).reshape(2, -1)
    for row in range(2):
      counts = np.bincount(draws[row], minlength=vocab_size)
      assert counts.size == vocab_size  # Never a token past the vocabulary.
      n = draws.shape[1]
      sigma = np.sqrt(n * probs[row] * (1 - probs[row])) + 1e-9
      assert np.all(np.abs(counts - n * probs[row]) < 5 * sigma + 1)


def test_categorical_never_draws_impossible_tokens():
  logits = np.full([1000, 11], -np.inf, np.float32)
  logits[:, [0, 5, 10]] = [0.0, 1.0, -1.0]  # 10 is the last real token.
  drawn = generator_lib.categorical(tf.constant(logits),
                                    tf.constant([3, 4])).numpy()
  assert set(np.unique(drawn)) == {0, 5, 10}


def test_static_length_is_required(gen_config):
  g = generator_lib.Generator(gen_config)
  traced = tf.function(g.token_log_probs,
                       input_signature=[tf.TensorSpec([None, None], tf.int32)])
  with pytest.raises(ValueError, match="static length"):
    traced.get_concrete_function()
