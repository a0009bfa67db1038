"""Whether G's training and NLL steps are compiled by XLA.

On by default: on a 2-core CPU XLA makes an MLE batch ~3x faster by fusing
the unrolled LSTM, the output layer and the per-step cross-entropies.
Compiling costs a few seconds per model and shape, which the tests, with
their many tiny models, turn off (`--xla=false` does too). Read when a
`SeqGAN` or an NLL function is built.
"""

_enabled = True


def enabled():
  return _enabled


def set_enabled(value):
  global _enabled
  _enabled = bool(value)
