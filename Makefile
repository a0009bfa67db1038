# seqgan-tf: `make synthetic` installs and runs the paper's synthetic
# experiment; `make test` runs the test suite. See README.md.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PRESET ?= paper
# Extra flags for the experiments, e.g. make synthetic FLAGS="--rollout_num=8".
FLAGS ?=
# Where --oracle=paper finds the authors' oracle: a local copy when one sits
# beside the checkout, otherwise it is downloaded into save/oracle/
# (sha256-checked). A location, not a choice: the smoke preset keeps its own
# tiny random oracle.
SHARED_ORACLE := $(wildcard ../shared/data/oracle/target_params_py3.pkl)
ORACLE ?= $(if $(SHARED_ORACLE),--oracle_dir=$(dir $(SHARED_ORACLE)),)
# The poem corpus: a local copy beside the checkout, otherwise downloaded.
SHARED_POEMS := $(wildcard ../shared/data/poetry/shi.txt)
POEMS ?= $(if $(SHARED_POEMS),--data_file=$(SHARED_POEMS),)
SHARED_OBAMA := $(wildcard ../shared/data/obama/obama_speeches.txt)
OBAMA ?= $(if $(SHARED_OBAMA),--data_file=$(SHARED_OBAMA),)
SHARED_MUSIC := $(wildcard ../shared/data/nottingham/Nottingham.zip)
MUSIC ?= $(if $(SHARED_MUSIC),--data_file=$(SHARED_MUSIC),)

# make run TASK=oracle|poems|obama|music|text RECIPE=seqgan|mle|...: any
# recipe on any task. DATA=FILE is the corpus (--data_file); without it a
# paper corpus is read from its copy beside the checkout. TASK=text (one's
# own corpus, DATA required) trains MLE, then SeqGAN, unless RECIPE is given.
TASK ?= oracle
RECIPE ?=
RECIPES = $(or $(RECIPE),$(if $(filter text,$(TASK)),mle seqgan,seqgan))
DATA ?=
data_of = $(if $(filter poems,$(1)),$(POEMS),$(if $(filter obama,$(1)),$(OBAMA),$(if $(filter music,$(1)),$(MUSIC),$(if $(filter oracle table1 figure3,$(1)),$(ORACLE),))))
DATA_FLAGS = $(if $(DATA),--data_file=$(DATA),$(call data_of,$(TASK)))

# make table1 / make figure3: the paper's comparisons on the oracle, SEEDS
# seeds each (experiments/study.py); PRESET defaults to paper here too.
SEEDS ?= 88,89,90
# The oracle task's protocol: released (the authors' released code) or
# paper_era (the code that made Table 1; see README, Table 1).
PROTOCOL ?= released

.PHONY: install docs paper run study table1 figure3 figures synthetic synthetic-seqgan synthetic-mle poetry obama music smoke tensorboard test test-fast bench gpu-check bench-bleu profile clean

$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

# SeqGAN, then the MLE baseline (pre-training continued as long) beside it.
synthetic: synthetic-seqgan synthetic-mle

run: install
	for recipe in $(RECIPES); do \
	  $(PY) -m experiments.run --task=$(TASK) --recipe=$$recipe --preset=$(PRESET) $(DATA_FLAGS) $(FLAGS) || exit 1; \
	done

# make study STUDY=table1|figure3|poems|obama|music|text: one study of
# experiments/study.py, SEEDS seeds; a corpus study compares MLE and SeqGAN
# over sampling temperatures (quality against diversity).
STUDY ?= table1
STUDY_DATA = $(if $(DATA),--data_file=$(DATA),$(call data_of,$(STUDY)))

study: install
	$(PY) -m experiments.study --study=$(STUDY) --preset=$(PRESET) --protocol=$(PROTOCOL) --seeds=$(SEEDS) -- $(STUDY_DATA) $(FLAGS)

# make paper PRESET=cpu JOBS=2: every study of the paper (Table 1 under both
# protocols, Figure 3, the three corpora), JOBS independent runs at once (one
# per GPU, or a share of the CPU cores each), then every figure.
JOBS ?= 1
STUDY_FLAGS = --preset=$(PRESET) --seeds=$(SEEDS) --jobs=$(JOBS)

paper: install
	$(PY) -m experiments.study --study=table1 --protocol=paper_era $(STUDY_FLAGS) -- $(ORACLE)
	$(PY) -m experiments.study --study=table1 $(STUDY_FLAGS) -- $(ORACLE)
	$(PY) -m experiments.study --study=figure3 $(STUDY_FLAGS) -- $(ORACLE)
	$(PY) -m experiments.study --study=poems $(STUDY_FLAGS) -- $(POEMS)
	$(PY) -m experiments.study --study=obama $(STUDY_FLAGS) -- $(OBAMA)
	$(PY) -m experiments.study --study=music $(STUDY_FLAGS) -- $(MUSIC)
	$(PY) -m experiments.figures --preset=$(PRESET)

table1: install
	$(PY) -m experiments.study --study=table1 --preset=$(PRESET) --protocol=$(PROTOCOL) --seeds=$(SEEDS) -- $(ORACLE) $(FLAGS)

figure3: install
	$(PY) -m experiments.study --study=figure3 --preset=$(PRESET) --protocol=$(PROTOCOL) --seeds=$(SEEDS) -- $(ORACLE) $(FLAGS)

# The paper's figures as PNG and SVG in save/figures/, from the runs of
# make synthetic / table1 / figure3 / poetry / obama / music: of every
# preset that has runs, or of PRESET when given.
figures: install
	$(PY) -m experiments.figures $(if $(filter command line,$(origin PRESET)),--preset=$(PRESET),) $(FLAGS)

synthetic-seqgan: install
	$(PY) -m experiments.run --task=oracle --recipe=seqgan --preset=$(PRESET) --protocol=$(PROTOCOL) $(ORACLE) $(FLAGS)

synthetic-mle: install
	$(PY) -m experiments.run --task=oracle --recipe=mle --preset=$(PRESET) --protocol=$(PROTOCOL) $(ORACLE) $(FLAGS)

# MLE, then SeqGAN; each updates save/poetry/$(PRESET)_results.md (a run
# given --run_name writes <run_name>_results.md of its own).
poetry: install
	$(PY) -m experiments.run --task=poems --recipe=mle --preset=$(PRESET) $(POEMS) $(FLAGS)
	$(PY) -m experiments.run --task=poems --recipe=seqgan --preset=$(PRESET) $(POEMS) $(FLAGS)

# MLE, then SeqGAN on Obama's speeches; each updates save/obama/$(PRESET)_results.md.
obama: install
	$(PY) -m experiments.run --task=obama --recipe=mle --preset=$(PRESET) $(OBAMA) $(FLAGS)
	$(PY) -m experiments.run --task=obama --recipe=seqgan --preset=$(PRESET) $(OBAMA) $(FLAGS)

# MLE, then SeqGAN on Nottingham melodies; each updates save/music/$(PRESET)_results.md.
music: install
	$(PY) -m experiments.run --task=music --recipe=mle --preset=$(PRESET) $(MUSIC) $(FLAGS)
	$(PY) -m experiments.run --task=music --recipe=seqgan --preset=$(PRESET) $(MUSIC) $(FLAGS)

smoke: install
	$(PY) -m experiments.run --task=oracle --preset=smoke $(FLAGS)

tensorboard: install
	$(VENV)/bin/tensorboard --logdir save

test: install
	$(PY) -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder tests

# The in-process contract tests only (no command-line subprocesses): a
# minute, for the edit-test loop.
test-fast: install
	$(PY) -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder -m "not slow" tests

bench: install
	$(PY) -m benchmarks.bench $(FLAGS)

# On a GPU machine: the fast tests, bench in fp32 and bf16, a short paper
# run and the ops' placement, in one JSON (save/gpu_check/gpu_check.json).
gpu-check: install
	$(PY) -m benchmarks.gpu_check $(FLAGS)

# Op-by-op time of one phase, e.g. make profile FLAGS="--phase=sample".
profile: install
	$(PY) -m benchmarks.profile_ops $(FLAGS)

bench-bleu: install
	$(PY) -m benchmarks.bench_bleu $(POEMS)

# docs/flags.md from the flags themselves (tests/test_docs.py fails when stale).
docs: install
	$(PY) -m experiments.flags_doc

clean:
	rm -rf $(VENV)
