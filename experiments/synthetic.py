r"""The paper's synthetic-oracle experiment (Section 4, Table 1, Figures 2-3).

  python -m experiments.synthetic                      # paper config
  python -m experiments.synthetic --preset=cpu         # ~1 h on 2 CPU cores
  python -m experiments.synthetic --recipe=mle         # the MLE baseline
  python -m experiments.synthetic --preset=smoke       # seconds, for tests

`python -m experiments.run --task=oracle` with the same flags; see there.
Outputs go to save/synthetic/<run_name>/.
"""

from experiments import run

if __name__ == "__main__":
  run.main(default_task="oracle")
