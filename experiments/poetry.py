r"""Chinese quatrains (paper Section 5, Table 2): BLEU-2 of MLE and SeqGAN.

  python -m experiments.poetry --data_file=../shared/data/poetry/shi.txt
  python -m experiments.poetry --recipe=mle ...        # the MLE baseline
  python -m experiments.poetry --preset=cpu ...        # a short CPU run

`python -m experiments.run --task=poems` with the same flags; see
`seqgan_tf/tasks/corpus.py`. Outputs go to save/poetry/<run_name>/.
"""

from experiments import run

if __name__ == "__main__":
  run.main(default_task="poems")
