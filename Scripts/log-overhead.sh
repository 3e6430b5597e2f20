#!/usr/bin/env bash
# The run log's cost: the same headless run without and with --log (default
# interval), alternating, comparing the CPU time (user + system) each took, which
# other load on the machine disturbs less than the wall clock. Give a fixed
# --eval-every: validation is otherwise scheduled by time.
#   Scripts/log-overhead.sh RUNS [train flags...]
#   Scripts/log-overhead.sh 7 --task adding --steps 4000 --eval-every 1000
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:?runs}; shift
swift build -c release >/dev/null
binary=.build/release/rnntop
log=$(mktemp -d)/run.jsonl
cpu() { /usr/bin/time -f '%U %S' "$binary" --headless "$@" 2>&1 >/dev/null | tail -1 | awk '{ print $1 + $2 }'; }
ratios=()
for ((i = 0; i < runs; i++)); do
    plain=$(cpu "$@")
    logged=$(cpu "$@" --log "$log")
    ratio=$(echo "$logged / $plain" | bc -l)
    printf 'pair %d: %.2f s CPU without the log, %.2f s with: %.4f\n' "$i" "$plain" "$logged" "$ratio"
    ratios+=("$ratio")
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "median CPU time with the log / without: %.4f (%d pairs)\n", a[int((NR + 1) / 2)], NR }'
wc -c <"$log" | awk '{ print "log size: " $1 " bytes" }'
