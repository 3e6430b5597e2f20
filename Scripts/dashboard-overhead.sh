#!/bin/bash
# What the dashboard costs training. Usage (after `swift build -c release`):
#   Scripts/dashboard-overhead.sh RUNS WIDTH HEIGHT ARGS...    e.g. 5 80 24 --steps 20000
# Alternates a dashboard run in tmux (TERM=xterm-256color) and the same run --headless,
# each with a run log, and compares their training times as rnntop itself measured
# them (the `elapsed` of the last step record), so that neither the program's start
# nor this script's polling counts. Prints each pair, the CPU of the dashboard's main
# (drawing) thread, and the median ratio. ARGS must end the run (--steps or --epochs).
# Needs tmux, bc and python3.
N=$1; W=$2; H=$3; shift 3
BIN=${RNNTOP:-$(cd "$(dirname "$0")/.." && pwd)/.build/release/rnntop}
export LC_ALL=C.UTF-8
hz=$(getconf CLK_TCK)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
last_elapsed() {
  python3 -c "import json,sys; print([r for r in map(json.loads, open(sys.argv[1])) if r.get('type') == 'step'][-1]['elapsed'])" "$1"
}
for i in $(seq "$N"); do
  sock=measure-$$-$i
  tmux -L "$sock" new-session -d -x "$W" -y "$H" "env TERM=xterm-256color $BIN $* --log $work/dashboard-$i.jsonl; sleep 600"
  sleep 0.3
  pid=$(pgrep -n -f "^$BIN $*")
  ticks=0
  while ! tmux -L "$sock" capture-pane -p | head -1 | grep -q "● done"; do
    ticks=$(awk '{print $14+$15}' "/proc/$pid/task/$pid/stat")
    sleep 0.5
  done
  tmux -L "$sock" kill-server
  "$BIN" "$@" --headless --log "$work/headless-$i.jsonl" 2>/dev/null
  dashboard=$(last_elapsed "$work/dashboard-$i.jsonl") headless=$(last_elapsed "$work/headless-$i.jsonl")
  echo "$dashboard $(echo "scale=3; $ticks / $hz" | bc) $headless"
done | tee "$work/pairs" | awk '{printf "dashboard %.2fs  ui %.2fs (%.1f%%)  headless %.2fs  ratio %.3f\n", $1, $2, 100*$2/$1, $3, $3/$1}'
python3 - "$work/pairs" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
ratios = [headless / dashboard for dashboard, _, headless in rows]
ui = [100 * cpu / dashboard for dashboard, cpu, _ in rows]
print(f"median ratio of training speed, dashboard / headless: {statistics.median(ratios):.3f}; ui {statistics.median(ui):.1f}% of a core")
PY
