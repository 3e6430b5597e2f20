#!/usr/bin/env bash
# rnntop's training throughput beside PyTorch's, on this CPU, in one sitting:
#   Scripts/bench-vs-pytorch.sh [ROUNDS] [-- ARGS for both, e.g. --cells lstm --hidden 512 --batch 32]
# Builds rnntop (release), creates or reuses the PyTorch environment
# (Scripts/python-env.sh), then runs `rnntop bench --json` and
# Scripts/bench/pytorch_bench.py alternately, ROUNDS times each (default 2), and
# prints per grid point both throughputs (the median of the rounds), the ratio and
# each one's fraction of the CPU's fp32 peak. PyTorch tries 1 and 2 threads and
# keeps the better; rnntop uses its own threads.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=2
if [ $# -gt 0 ] && [ "$1" != "--" ]; then rounds=$1; shift; fi
[ "${1:-}" = "--" ] && shift
venv=$(Scripts/python-env.sh)
swift build -c release --product rnntop >&2
out=$(mktemp -d)
for round in $(seq "$rounds"); do
  echo "round $round of $rounds: rnntop" >&2
  .build/release/rnntop bench --json --no-seed "$@" >"$out/rnntop-$round.json"
  echo "round $round of $rounds: PyTorch" >&2
  "$venv/bin/python" Scripts/bench/pytorch_bench.py "$@" >"$out/torch-$round.json"
done
"$venv/bin/python" -c "import torch; print('PyTorch', torch.__version__, end='; ')"
echo "rnntop $(git describe --always --dirty 2>/dev/null || echo '(no git)'), $rounds rounds each, $(date -u '+%Y-%m-%d %H:%M UTC')"
python3 Scripts/bench/compare.py "$out"/rnntop-*.json -- "$out"/torch-*.json
