#!/usr/bin/env bash
# Equal-budget comparison runs for nbs/09_evaluate.ipynb (spec vs wave, latent 8/16/32):
# 800 steps each on one thread, two chains in parallel. Run from the repository root after `make data`.
set -u
run() { .venv/bin/kick_train --out runs/cmp_$1$2 --decoder $1 --latent_dim $2 --steps 800 --minutes 0 --threads 1 > runs/cmp_$1$2.out 2>&1; }
(run spec 8; run wave 8) &
(run wave 16; run wave 32) &
wait
