#!/usr/bin/env bash
# The checks only a machine with GPUs can make, in one short run:
#   benchmarks/gpu_check.sh [OUT]   (OUT: where results go; default save/gpu_check)
# 1. the distributed and device-placement tests;
# 2. a smoke run of SeqGAN on every GPU (--strategy=mirrored) and its resume
#    on one device;
# 3. make bench's phases at the paper config on one GPU and on all of them.
# Needs the venv of `make install` (VENV=.venv by default).
set -euo pipefail
OUT=${1:-save/gpu_check}
PY=${VENV:-.venv}/bin/python
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total --format=csv | tee "$OUT/gpus.csv"
$PY -m pytest -q tests/test_distribute.py tests/test_precision.py 2>&1 | tee "$OUT/tests.log"
$PY -m experiments.run --preset=smoke --recipe=pretrain --strategy=mirrored \
  --save_dir="$OUT/runs" --run_name=pre_mirrored 2>&1 | tail -3
$PY -m experiments.run --preset=smoke --recipe=seqgan --save_dir="$OUT/runs" \
  --run_name=seqgan_one --init_from="$OUT/runs/pre_mirrored" 2>&1 | tail -3
PHASES=mle_epoch,generate_10k,nll_oracle_10k,d_epoch,adv_g_step
for strategy in default mirrored; do
  $PY -m benchmarks.bench --phases=$PHASES --strategy=$strategy \
    --out_dir="$OUT/bench_$strategy" --history_dir="$OUT/history" \
    --results_dir="$OUT/results" 2>&1 | tail -8
done
