import os

import numpy as np
import pytest
import tensorflow as tf

from seqgan_tf import oracle as oracle_lib


def _numpy_nll(params, tokens, start_token=0):
  """Mean per-token NLL straight from the authors' 15 arrays, in numpy."""
  (emb, wi, ui, bi, wf, uf, bf, wo_g, uo_g, bo_g, wc, uc, bc, wo, bo) = params
  sigmoid = lambda x: 1 / (1 + np.exp(-x))
  batch, seq_len = tokens.shape
  h = np.zeros([batch, wi.shape[1]])
  c = np.zeros_like(h)
  inputs = np.full([batch], start_token)
  total = 0.0
  for t in range(seq_len):
    x = emb[inputs]
    i = sigmoid(x @ wi + h @ ui + bi)
    f = sigmoid(x @ wf + h @ uf + bf)
    o = sigmoid(x @ wo_g + h @ uo_g + bo_g)
    c = f * c + i * np.tanh(x @ wc + h @ uc + bc)
    h = o * np.tanh(c)
    logits = h @ wo + bo
    log_z = np.log(np.exp(logits - logits.max(-1, keepdims=True)).sum(-1))
    log_z += logits.max(-1)
    total += np.sum(log_z - logits[np.arange(batch), tokens[:, t]])
    inputs = tokens[:, t]
  return total / tokens.size


def test_pickle_round_trip_and_nll_matches_numpy(tmp_path, gen_config):
  params = oracle_lib.random_params(gen_config, seed=5)
  path = str(tmp_path / "oracle.pkl")
  oracle_lib.save_params(params, path)
  loaded = oracle_lib.load_params(path)
  oracle = oracle_lib.build(gen_config, loaded)
  for original, back in zip(params, oracle_lib.params_of(oracle)):
    np.testing.assert_array_equal(original, back)
  tokens = oracle.sample(40, tf.random.Generator.from_seed(1)).numpy()
  nll = float(oracle_lib.make_nll_fn(oracle, batch_size=16,
                                     xla=False)(tokens))
  np.testing.assert_allclose(nll, _numpy_nll(params, tokens), rtol=1e-5)


def test_nll_compiled_by_xla_matches_numpy(gen_config):
  params = oracle_lib.random_params(gen_config, seed=5)
  oracle = oracle_lib.build(gen_config, params)
  tokens = oracle.sample(40, tf.random.Generator.from_seed(1)).numpy()
  nll = float(oracle_lib.make_nll_fn(oracle, batch_size=16, xla=True)(tokens))
  np.testing.assert_allclose(nll, _numpy_nll(params, tokens), rtol=1e-5)


def test_random_oracle_is_standard_normal_and_seeded(gen_config):
  params = oracle_lib.random_params(gen_config.__class__(vocab_size=3000),
                                    seed=1)
  assert abs(np.std(params[0]) - 1.0) < 0.02
  again = oracle_lib.random_params(gen_config.__class__(vocab_size=3000),
                                   seed=1)
  np.testing.assert_array_equal(params[13], again[13])


def test_oracle_own_samples_beat_uniform(gen_config):
  oracle = oracle_lib.build(gen_config,
                            oracle_lib.random_params(gen_config, seed=2))
  samples = oracle.sample(200, tf.random.Generator.from_seed(0))
  assert float(oracle_lib.make_nll_fn(oracle, xla=False)(samples)) < np.log(12)


@pytest.mark.parametrize("mutate, message", [
    (lambda p: p[:14], "expected a list of 15"),
    (lambda p: [p[0][:, :3]] + p[1:], "shape"),
    (lambda p: [p[0].astype(np.int32)] + p[1:], "dtype"),
])
def test_bad_params_are_rejected(gen_config, mutate, message):
  params = oracle_lib.random_params(gen_config, seed=0)
  with pytest.raises(ValueError, match=message):
    oracle_lib.build(gen_config, mutate(params))


def test_not_a_pickle_is_rejected(tmp_path):
  path = tmp_path / "junk.pkl"
  path.write_bytes(b"\x00\x01 not a pickle")
  with pytest.raises(ValueError, match="not a readable pickle"):
    oracle_lib.load_params(str(path))
  with pytest.raises(ValueError, match="no such file"):
    oracle_lib.load_params(str(tmp_path / "missing.pkl"))


def test_paper_oracle_offline_fails_clearly(tmp_path, monkeypatch):
  def offline(*args, **kwargs):
    raise OSError("network is unreachable")
  monkeypatch.setattr(oracle_lib.download.urllib.request, "urlretrieve",
                      offline)
  with pytest.raises(ValueError, match="could not download"):
    oracle_lib.fetch_paper_params(str(tmp_path))
  assert not list(tmp_path.iterdir())  # Nothing half-written is left.


def test_paper_oracle_hash_is_checked(tmp_path, gen_config):
  oracle_lib.save_params(oracle_lib.random_params(gen_config, 0),
                         str(tmp_path / oracle_lib.PAPER_ORACLE_FILENAME))
  with pytest.raises(ValueError, match="sha256"):
    oracle_lib.fetch_paper_params(str(tmp_path))


def test_param_names_and_shapes_agree():
  shapes = oracle_lib.param_shapes(5000, 32, 32)
  assert len(shapes) == len(oracle_lib.PARAM_NAMES) == 15
  assert shapes[0] == (5000, 32) and shapes[13] == (32, 5000)


class _RunsCode:
  """A crafted 'oracle': unpickling it would create a marker file."""

  def __init__(self, marker):
    self.marker = marker

  def __reduce__(self):
    return (open, (self.marker, "w"))


def test_pickle_that_would_run_code_is_refused(tmp_path, gen_config):
  import pickle
  marker = str(tmp_path / "pwned")
  path = str(tmp_path / "evil.pkl")
  with open(path, "wb") as f:  # Code first, then valid arrays.
    pickle.dump([_RunsCode(marker)] +
                oracle_lib.random_params(gen_config, seed=0), f)
  with pytest.raises(ValueError, match="asks for .*open, and an oracle file "
                     "may hold only numpy arrays"):
    oracle_lib.load_params(path)
  assert not os.path.exists(marker)


def test_oracle_with_nan_is_refused(gen_config):
  params = oracle_lib.random_params(gen_config, seed=0)
  params[13][0, 0] = np.nan
  with pytest.raises(ValueError, match="param Wo: holds NaN or Inf"):
    oracle_lib.build(gen_config, params)
