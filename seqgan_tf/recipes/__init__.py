"""Training methods ("recipes"), registered by name.

A recipe is a module with a function `phases(context) -> [runner.Phase, ...]`:
the ordered phases of one method, built from a `Context` (the trainer, the
config, the training data). Its docstring's first line is its help text. The
runner does the rest: checkpoints, evaluation, resume. To add a method, write
one module here and add one line to `RECIPES`.
"""

from seqgan_tf.recipes import constant
from seqgan_tf.recipes import mle
from seqgan_tf.recipes import pgbleu
from seqgan_tf.recipes import pretrain
from seqgan_tf.recipes import seqgan
from seqgan_tf.recipes import ss
from seqgan_tf.recipes import untrained
from seqgan_tf.recipes.common import Context

RECIPES = {
    "seqgan": seqgan,
    "mle": mle,
    "ss": ss,
    "pgbleu": pgbleu,
    "random": untrained,
    "pretrain": pretrain,
    "constant": constant,
}

def names():
  return sorted(RECIPES)


def build(name, context):
  """The phases of recipe `name`.

  Raises:
    ValueError: no recipe has that name.
  """
  if name not in RECIPES:
    raise ValueError(f"--recipe={name}: no such training method; choose one "
                     f"of {', '.join(names())}")
  return RECIPES[name].phases(context)


def describe(name):
  """The first line of a recipe's module docstring."""
  return RECIPES[name].__doc__.strip().splitlines()[0]
