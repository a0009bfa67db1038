# seqgan-tf: `make synthetic` installs and runs the paper's synthetic
# experiment; `make test` runs the test suite. See README.md.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PRESET ?= paper
# Extra flags for the experiments, e.g. make synthetic FLAGS="--rollout_num=8".
FLAGS ?=
# The authors' oracle: a local copy when one sits beside the checkout,
# otherwise --oracle=paper downloads it into save/oracle/ (sha256-checked).
SHARED_ORACLE := $(wildcard ../shared/data/oracle/target_params_py3.pkl)
ORACLE ?= $(if $(SHARED_ORACLE),--oracle_params=$(SHARED_ORACLE),--oracle=paper)
# The poem corpus: a local copy beside the checkout, otherwise downloaded.
SHARED_POEMS := $(wildcard ../shared/data/poetry/shi.txt)
POEMS ?= $(if $(SHARED_POEMS),--data_file=$(SHARED_POEMS),)

.PHONY: install synthetic synthetic-seqgan synthetic-mle poetry smoke tensorboard test bench bench-bleu clean

$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

# SeqGAN, then the MLE baseline (pre-training continued as long) beside it.
synthetic: synthetic-seqgan synthetic-mle

synthetic-seqgan: install
	$(PY) -m experiments.synthetic --preset=$(PRESET) --mode=seqgan $(ORACLE) $(FLAGS)

synthetic-mle: install
	$(PY) -m experiments.synthetic --preset=$(PRESET) --mode=mle $(ORACLE) $(FLAGS)

# MLE, then SeqGAN; each updates save/poetry/$(PRESET)_results.md.
poetry: install
	$(PY) -m experiments.poetry --preset=$(PRESET) --mode=mle $(POEMS) $(FLAGS)
	$(PY) -m experiments.poetry --preset=$(PRESET) --mode=seqgan $(POEMS) $(FLAGS)

smoke: install
	$(PY) -m experiments.synthetic --preset=smoke $(FLAGS)

tensorboard: install
	$(VENV)/bin/tensorboard --logdir save

test: install
	$(PY) -m pytest -q tests

bench: install
	$(PY) -m benchmarks.bench $(FLAGS)

bench-bleu: install
	$(PY) -m benchmarks.bench_bleu $(POEMS)

clean:
	rm -rf $(VENV)
