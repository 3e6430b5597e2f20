#!/usr/bin/env bash
# Coverage-guided fuzzing of one of rnntop's readers of untrusted input with libFuzzer:
#
#   Scripts/fuzz.sh TARGET SECONDS [libFuzzer options...]
#
# TARGET is csv, text, theme, log, checkpoint, control or weights (Fuzz/Targets/FuzzTarget.swift);
# `all` runs every target one after another, SECONDS each. The fuzzer starts from the
# seeds in Fuzz/Corpus/TARGET, with the tokens of Fuzz/Dictionaries/TARGET.dict, and keeps
# what it learns in .build-fuzz/corpus/TARGET (outside the repository). An input that makes a target trap, abort, leak or hang is
# written to .build-fuzz/findings/ and the script exits 1: fix the cause, then copy
# the input into Fuzz/Corpus/TARGET (named for what it tests), where the test suite
# replays it for ever after. The last line says how many inputs were run.
#
# The build has its own scratch path (.build-fuzz): every module is compiled with
# libFuzzer's coverage instrumentation (swift build --sanitize fuzzer), in release
# mode, as rnntop runs.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(csv text theme log checkpoint control weights)
if [ $# -lt 2 ]; then
  echo "usage: Scripts/fuzz.sh TARGET|all SECONDS [libFuzzer options...] (targets: ${targets[*]})" >&2
  exit 2
fi
target=$1 seconds=$2
shift 2
if [ "$target" = all ]; then
  for each in "${targets[@]}"; do "$0" "$each" "$seconds" "$@"; done
  exit 0
fi
if [[ ! " ${targets[*]} " =~ " $target " ]]; then
  echo "fuzz: no target '$target' (targets: ${targets[*]})" >&2
  exit 2
fi

Scripts/setup.sh
scratch=.build-fuzz
RNNTOP_FUZZ=1 swift build -c release --sanitize fuzzer --scratch-path "$scratch" --product rnntop-fuzz >&2
mkdir -p "$scratch/corpus/$target" "$scratch/findings"

# -malloc_limit_mb: the targets plan for 256 MB at most (FuzzTarget.memoryLimit), so an
# allocation of more is a finding. -rss_limit_mb: all the process holds.
# -timeout: no input of a few kilobytes takes a second; 10 s is a hang.
rss=2048
log="$scratch/fuzz-$target.log"
dictionary=()
[ -f "Fuzz/Dictionaries/$target.dict" ] && dictionary=(-dict="Fuzz/Dictionaries/$target.dict")
status=0
# libFuzzer reports a crash itself and keeps the input; the Swift runtime's backtracer
# would end the process first.
SWIFT_BACKTRACE=enable=no RNNTOP_FUZZ_TARGET=$target "$scratch/release/rnntop-fuzz" \
  -max_total_time="$seconds" -timeout=10 -malloc_limit_mb=512 -rss_limit_mb="$rss" -print_final_stats=1 \
  -artifact_prefix="$scratch/findings/$target-" "${dictionary[@]}" "$@" \
  "$scratch/corpus/$target" "Fuzz/Corpus/$target" 2>"$log" || status=$?
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
if [ "$status" -ne 0 ]; then
  grep -v '^0x' "$log" | tail -40 >&2
  echo "fuzz: $target: a finding after $runs inputs (see $scratch/findings/ and $log)" >&2
  exit 1
fi
echo "fuzz: $target: $runs inputs in $seconds s, no finding"
