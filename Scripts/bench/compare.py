#!/usr/bin/env python3
"""Prints rnntop's and PyTorch's training throughput side by side.

Arguments: RNNTOP_JSON... -- TORCH_JSON..., each a run of `rnntop bench --json` or
of pytorch_bench.py. Each side's figure for a grid point is the median of its
runs. The fraction of the CPU's fp32 peak counts the gate products only:
training = 3 x 2*B*T*G*H*(I+H) flops a step (G = 1, 4, 3 for RNN, LSTM, GRU; the
backward pass about twice the forward), against cores x FMA lanes x 2 x clock.
"""
from __future__ import annotations

import json
import os
import statistics
import sys

SEQUENCE_LENGTH = 50
INPUT_SIZE = 8
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def peak_flops() -> tuple[float, str]:
    """The fp32 peak from the clock and the vector width, and how it was found."""
    flags: set[str] = set()
    name, megahertz = "unknown CPU", 0.0
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key == "model name" and name == "unknown CPU":
                name = value
            elif key == "cpu MHz" and not megahertz:
                megahertz = float(value)
            elif key == "flags" and not flags:
                flags = set(value.split())
    try:
        with open("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq") as frequency:
            megahertz = max(megahertz, int(frequency.read()) / 1000)
    except OSError:
        pass
    if "avx512f" in flags:
        lanes, width = 16, "AVX-512"
    elif "avx2" in flags and "fma" in flags:
        lanes, width = 8, "AVX2+FMA"
    else:
        lanes, width = 4, "SSE"
    cores = os.cpu_count() or 1
    # Two FMA pipes, each `lanes` floats, two flops (multiply and add) per lane.
    flops_per_cycle = 2 * lanes * 2
    peak = cores * flops_per_cycle * megahertz * 1e6
    how = (f"{name}: {cores} cores x {flops_per_cycle} flops/cycle ({width}, 2 FMA pipes) "
           f"x {megahertz / 1000:.3f} GHz = {peak / 1e9:.1f} GFLOP/s fp32 peak")
    return peak, how


def figures(paths: list[str]) -> dict[tuple[str, int, int], float]:
    runs: dict[tuple[str, int, int], list[float]] = {}
    for path in paths:
        with open(path) as file:
            for result in json.load(file)["results"]:
                key = (result["cell"].lower(), result["hidden"], result["batch"])
                runs.setdefault(key, []).append(result["train_seq_per_s"])
    return {key: statistics.median(values) for key, values in runs.items()}


def main() -> None:
    arguments = sys.argv[1:]
    split = arguments.index("--")
    ours, theirs = figures(arguments[:split]), figures(arguments[split + 1:])
    peak, how = peak_flops()
    print(how)
    print(f"{'cell':<5} {'H':>4} {'B':>3}  {'rnntop seq/s':>12} {'PyTorch seq/s':>13} {'ratio':>6}  "
          f"{'rnntop peak':>11} {'PyTorch peak':>12}")
    for key in sorted(ours, key=lambda k: (list(GATES).index(k[0]), k[2], k[1])):
        if key not in theirs:
            continue
        cell, hidden, batch = key
        flops_per_sequence = 3 * 2 * SEQUENCE_LENGTH * GATES[cell] * hidden * (INPUT_SIZE + hidden)
        mine, torch = ours[key], theirs[key]
        print(f"{cell:<5} {hidden:>4} {batch:>3}  {mine:>12,.0f} {torch:>13,.0f} {mine / torch:>5.2f}x  "
              f"{100 * mine * flops_per_sequence / peak:>10.1f}% {100 * torch * flops_per_sequence / peak:>11.1f}%")


if __name__ == "__main__":
    main()
