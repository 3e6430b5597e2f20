"""The loop of Scripts/runlog-overhead.sh: the same steps on the same batches from the
same weights, without and with a RunLog, alternating; the wall-clock and the CPU time
(this process's, which other load on the machine disturbs less) of each loop, and the
CPU time spent inside RunLog's calls against the loop's own, which a busy machine blurs
least; and how many gradient profiles and probes the last log holds, and where."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch
from torch import nn

from rnntop import RunLog

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python" / "examples"))
from adding import AddingModel, adding_batch  # noqa: E402


def loop(model: nn.Module, start: dict, data: list, log_path: Path | None, own_norm: bool = False) -> tuple[float, float, float]:
    """Wall-clock and CPU seconds of the whole loop, and the CPU seconds inside RunLog's
    calls; the log is given the norm clipping computes, as the example does, unless
    ``own_norm`` (then it computes it, called before clipping)."""
    model.load_state_dict(start)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    wall, cpu = time.perf_counter(), time.process_time()
    log = RunLog(log_path, model, loss_fn=loss_fn, probe=(data[0][0][:8], data[0][1][:8]), total_steps=len(data)) if log_path else None
    inside = time.process_time() - cpu
    for x, y in data:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        if log is not None and own_norm:
            began = time.process_time()
            log.step(loss, optimizer, batch=(x, y))
            inside += time.process_time() - began
        norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        if log is not None and not own_norm:
            began = time.process_time()
            log.step(loss, optimizer, batch=(x, y), grad_norm=norm)
            inside += time.process_time() - began
        optimizer.step()
    if log is not None:
        began = time.process_time()
        log.close()
        inside += time.process_time() - began
    return time.perf_counter() - wall, time.process_time() - cpu, inside


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pairs", type=int, nargs="?", default=5)
    parser.add_argument("steps", type=int, nargs="?", default=1000)
    parser.add_argument("threads", type=int, nargs="?", help="torch's threads (default: its own number)")
    parser.add_argument("--cell", choices=["rnn", "lstm", "gru"], default="lstm")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--own-norm", action="store_true", help="call log.step() before clipping, without grad_norm=")
    arguments = parser.parse_args()
    pairs, steps = arguments.pairs, arguments.steps
    if arguments.threads:
        torch.set_num_threads(arguments.threads)
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(0)
    data = [adding_batch(32, 50, generator) for _ in range(steps)]
    model = AddingModel(arguments.cell, arguments.hidden, arguments.layers)
    start = {key: value.clone() for key, value in model.state_dict().items()}
    shape = f"{arguments.cell.upper()} H{arguments.hidden}" + (f" x{arguments.layers}" if arguments.layers > 1 else "")
    call = "log.step() before clipping" if arguments.own_norm else "log.step(grad_norm=) after clipping"
    print(f"{shape} B32 T50, {steps} steps a loop, torch {torch.__version__}, {torch.get_num_threads()} threads, {call}")
    loop(model, start, data[:50], None)  # warm up
    walls, cpus, shares = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for pair in range(pairs):
            plain_wall, plain_cpu, _ = loop(model, start, data, None)
            wall, cpu, inside = loop(model, start, data, Path(folder) / "run.jsonl", arguments.own_norm)
            walls.append(wall / plain_wall)
            cpus.append(cpu / plain_cpu)
            shares.append(inside / (cpu - inside))
            print(
                f"pair {pair + 1}: without the log {plain_wall:.2f} s ({plain_cpu:.2f} s CPU), with it {wall:.2f} s "
                f"({cpu:.2f} s CPU, {inside:.2f} s of it inside RunLog): {walls[-1]:.4f} wall, {cpus[-1]:.4f} CPU, "
                f"+{100 * shares[-1]:.2f}% CPU inside RunLog"
            )
        records = [json.loads(line) for line in (Path(folder) / "run.jsonl").read_text().splitlines()]
    profiles = [r for r in records if r["type"] == "grad_profile"]
    probes = [r["step"] for r in records if r["type"] == "probe"]
    sequences = sorted({r.get("sequences", 32) for r in profiles})
    print(
        f"median with the log / without: {statistics.median(walls):.4f} wall clock, {statistics.median(cpus):.4f} CPU; "
        f"CPU time inside RunLog's calls: +{100 * statistics.median(shares):.2f}% of the loop's own ({pairs} pairs)\n"
        f"the last log: {len(profiles)} gradient profiles (at steps {_steps([r['step'] for r in profiles])}; "
        f"on {', '.join(map(str, sequences))} of 32 sequences), {len(probes)} probes (at steps {_steps(probes)})"
    )


def _steps(steps: list[int]) -> str:
    """``1, 40, 81, ..., 1500``: the first three and the last of a list of steps."""
    return ", ".join(map(str, steps)) if len(steps) <= 5 else f"{', '.join(map(str, steps[:3]))}, ..., {steps[-1]}"


if __name__ == "__main__":
    main()
