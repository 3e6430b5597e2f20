#!/bin/bash
# What the dashboard costs training. Usage (after `swift build -c release`):
#   Scripts/dashboard-overhead.sh RUNS WIDTH HEIGHT ARGS...    e.g. 5 80 24 --steps 20000
# Alternates a dashboard run in tmux (TERM=xterm-256color) and the same run --headless,
# and prints each pair, the CPU of the dashboard's main (drawing) thread and of tmux, and
# the medians. ARGS must end the run (--steps or --epochs). Needs tmux, bc and python3.
N=$1; W=$2; H=$3; shift 3
BIN=${RNNTOP:-$(cd "$(dirname "$0")/.." && pwd)/.build/release/rnntop}
export LC_ALL=C.UTF-8
hz=$(getconf CLK_TCK)
results=$(mktemp)
for i in $(seq $N); do
  sock=measure-$$-$i
  start=$(date +%s.%N)
  tmux -L $sock new-session -d -x $W -y $H "env TERM=xterm-256color $BIN $* ; sleep 600"
  sleep 0.3
  pid=$(pgrep -n -f "^$BIN $*")
  tpid=$(pgrep -o -f "L $sock")
  while ! tmux -L $sock capture-pane -p | head -1 | grep -q "● done"; do
    ticks=$(awk '{print $14+$15}' /proc/$pid/task/$pid/stat)
    sleep 0.1
  done
  end=$(date +%s.%N)
  tticks=$(awk '{print $14+$15}' /proc/$tpid/stat)
  tmux -L $sock kill-server
  hstart=$(date +%s.%N)
  $BIN "$@" --headless 2>/dev/null
  hend=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $(echo "scale=3; $ticks / $hz" | bc) $(echo "scale=3; $tticks / $hz" | bc) $(echo "$hend - $hstart" | bc)"
done | tee "$results" | awk '{printf "dashboard %.2fs  ui %.2fs (%.1f%%)  tmux %.2fs  headless %.2fs  ratio %.3f\n", $1, $2, 100*$2/$1, $3, $4, $4/$1}'
python3 - <<PY
import statistics as s
rows=[list(map(float,l.split())) for l in open('$results')]
d=[r[0] for r in rows]; u=[100*r[1]/r[0] for r in rows]; h=[r[3] for r in rows]; t=[100*r[2]/r[0] for r in rows]
r=[x[3]/x[0] for x in rows]
print(f"median of the pairs' ratios headless/dashboard time: {s.median(r):.3f}")
print(f"median: dashboard {s.median(d):.2f}s headless {s.median(h):.2f}s ratio {s.median(h)/s.median(d):.3f}; ui {s.median(u):.1f}% of a core; tmux {s.median(t):.1f}%")
PY
