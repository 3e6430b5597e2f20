#!/usr/bin/env bash
# What rnntop.RunLog adds to a PyTorch training loop: an LSTM (H 128) on the adding
# problem (B 32, T 50) on the CPU, trained for STEPS steps without and with a RunLog
# at its default schedule, alternating, PAIRS times, in the Python environment of
# Scripts/python-env.sh. Prints each pair, the median ratios of their wall-clock and
# CPU times, the CPU time inside RunLog's calls against the rest of the loop (the
# figure a busy machine disturbs least), and the gradient profiles and probes the last
# log holds. The loop clips and gives the log the norm, as python/examples/adding.py
# does; --own-norm calls log.step() before clipping instead (the log computes the norm).
#   Scripts/runlog-overhead.sh [PAIRS] [STEPS] [THREADS] [--cell C] [--hidden H] [--layers L] [--own-norm]
#   (default: 5 pairs of 1000 steps, torch's own number of threads, LSTM H 128, 1 layer)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(Scripts/python-env.sh)
PYTHONPATH=python/src exec "$venv/bin/python" Scripts/bench/runlog_overhead.py "$@"
