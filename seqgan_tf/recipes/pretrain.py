"""pretrain: MLE pre-training alone; the other methods can branch from it.

Its checkpoint after the last pre-training epoch is where `--init_from`
starts mle, ss, pgbleu and seqgan runs, so one pre-training per seed
serves every method (`experiments/study.py`).
"""

from seqgan_tf.recipes import common


def phases(context):
  return [common.pretrain_generator(context)]
