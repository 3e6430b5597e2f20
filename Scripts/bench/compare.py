#!/usr/bin/env python3
"""Prints rnntop's and PyTorch's training throughput side by side, as a Markdown table.

Arguments: RNNTOP_JSON... -- TORCH_JSON..., each a run of `rnntop bench --json` or
of pytorch_bench.py. Each side's figure for a grid point is the median of its
runs. The fraction of the CPU's fp32 peak counts the gate products only:
training = 3 x 2*B*T*G*H*(in+H) flops a step and layer (G = 1, 4, 3 for RNN, LSTM,
GRU; in = I for the first layer, H above; the backward pass about twice the
forward), and 3 x 2*B*T*G*H*in for minGRU and minLSTM (G = 2, 3: their input
projections, no H x H product), against cores x FMA lanes x 2 x clock.
Below the table: the seed example's time (rnntop's runs) and how far apart the
runs of each side were, which says how noisy the machine was.
"""
from __future__ import annotations

import json
import os
import statistics
import sys

INPUT_SIZE = 8
GATES = {"rnn": 1, "lstm": 4, "gru": 3, "mingru": 2, "minlstm": 3}
LINEAR_RECURRENCES = {"mingru", "minlstm"}


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


Key = tuple[str, int, int, int, int]  # cell, hidden, batch, steps, layers


def flops_per_sequence(cell: str, hidden: int, steps: int, layers: int) -> float:
    """The gate products of one sequence's training step (forward and backward)."""
    total = 0.0
    for layer in range(layers):
        width = INPUT_SIZE if layer == 0 else hidden
        recurrent = 0 if cell in LINEAR_RECURRENCES else hidden
        total += 3 * 2 * steps * GATES[cell] * hidden * (width + recurrent)
    return total


def runs(paths: list[str]) -> tuple[dict[Key, list[float]], list[float]]:
    """Every run's training throughput per grid point, and the seed example's times."""
    figures: dict[Key, list[float]] = {}
    seed: list[float] = []
    for path in paths:
        with open(path) as file:
            report = json.load(file)
        for result in report["results"]:
            key = (result["cell"].lower(), result["hidden"], result["batch"], result.get("steps", 50), result.get("layers", 1))
            figures.setdefault(key, []).append(result["train_seq_per_s"])
        if report.get("seed_example_ms") is not None:
            seed.append(report["seed_example_ms"])
    return figures, seed


def spread(figures: dict[Key, list[float]]) -> str:
    """The grid point whose runs were furthest apart, as (max - min) / median."""
    if not figures or max(len(values) for values in figures.values()) < 2:
        return "one run"
    key, values = max(figures.items(), key=lambda item: (max(item[1]) - min(item[1])) / statistics.median(item[1]))
    width = (max(values) - min(values)) / statistics.median(values)
    return f"{100 * width:.0f}% at {key[0]} H={key[1]} B={key[2]} T={key[3]} L={key[4]}"


def main() -> None:
    arguments = sys.argv[1:]
    split = arguments.index("--")
    (ours, seed), (theirs, _) = runs(arguments[:split]), runs(arguments[split + 1:])
    peak, how = peak_flops()
    print(how)
    print()
    print("| cell | L | H | B | T | rnntop seq/s | PyTorch seq/s | ratio | rnntop % of peak | PyTorch % of peak |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for key in sorted(ours, key=lambda k: (list(GATES).index(k[0]), k[4], k[2], k[1], k[3])):
        if key not in theirs:
            continue
        cell, hidden, batch, steps, layers = key
        flops = flops_per_sequence(cell, hidden, steps, layers)
        mine, torch = statistics.median(ours[key]), statistics.median(theirs[key])
        print(f"| {cell} | {layers} | {hidden} | {batch} | {steps} | {mine:,.0f} | {torch:,.0f} | "
              f"{mine / torch:.2f}x | {100 * mine * flops / peak:.1f}% | {100 * torch * flops / peak:.1f}% |")
    print()
    if seed:
        print(f"Seed example (100 epochs of LSTM(50, relu) -> Dropout 0.2 -> Dense 1): "
              f"{statistics.median(seed):.0f} ms (median of {len(seed)} runs).")
    print(f"Runs furthest apart: rnntop {spread(ours)}; PyTorch {spread(theirs)}.")


if __name__ == "__main__":
    main()
