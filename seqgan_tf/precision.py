"""What `--precision` means, for G and D alike: a Keras dtype policy.

fp32 is Keras' "float32" policy; bf16 its "mixed_bfloat16": float32
variables, bfloat16 compute. D's layers take the policy itself. G reads its
compute dtype and casts at its matmuls by hand, because its LSTM step runs
outside any Keras layer call (the sampling and rollout loops in
`tf.function`s), where Keras' autocasting does not reach; everything else
of G (softmax, sampling, NLL) stays float32, as in D (its output layer and
loss).
"""

import keras

from seqgan_tf import config as config_lib

# {--precision: Keras dtype policy}, for each of `config.PRECISIONS`.
POLICIES = dict(zip(config_lib.PRECISIONS, ("float32", "mixed_bfloat16")))


def policy(precision):
  """The `keras.DTypePolicy` of `precision` (fp32 or bf16)."""
  if precision not in POLICIES:
    raise ValueError(f"--precision={precision}: choose one of "
                     f"{', '.join(POLICIES)}")
  return keras.DTypePolicy(POLICIES[precision])
