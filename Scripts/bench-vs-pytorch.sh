#!/usr/bin/env bash
# rnntop's training throughput beside PyTorch's, on this CPU, in one sitting:
#   Scripts/bench-vs-pytorch.sh [ROUNDS] [-- ARGS for both, e.g. --cells lstm --hidden 512 --batch 32]
# Builds rnntop as users build it (release; in .build-bench, so that a test build in
# .build is left alone), creates or reuses the PyTorch environment
# (Scripts/python-env.sh), then runs `rnntop bench --json` and
# Scripts/bench/pytorch_bench.py alternately, ROUNDS times each (default 2), and
# prints a Markdown table: per grid point both throughputs (the median of the
# rounds), the ratio and each one's fraction of the CPU's fp32 peak; then the seed
# example's time, how far apart the rounds were, and the load average before and
# after (other work on the machine slows both sides). PyTorch tries 1 and 2 threads
# and keeps the better; rnntop uses its own threads.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=2
if [ $# -gt 0 ] && [ "$1" != "--" ]; then rounds=$1; shift; fi
[ "${1:-}" = "--" ] && shift
venv=$(Scripts/python-env.sh)
swift build -c release --scratch-path .build-bench --product rnntop >&2
rnntop=.build-bench/release/rnntop
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$rounds"); do
  echo "round $round of $rounds: rnntop" >&2
  "$rnntop" bench --json "$@" >"$out/rnntop-$round.json"
  echo "round $round of $rounds: PyTorch" >&2
  "$venv/bin/python" Scripts/bench/pytorch_bench.py "$@" >"$out/torch-$round.json"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
"$venv/bin/python" -c "import torch; print('PyTorch', torch.__version__, end='; ')"
echo "rnntop $(git describe --always --dirty 2>/dev/null || echo '(no git)'), $rounds rounds each, $(date -u '+%Y-%m-%d %H:%M UTC')"
python3 Scripts/bench/compare.py "$out"/rnntop-*.json -- "$out"/torch-*.json
echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after."
