#!/usr/bin/env python3
"""PyTorch's training throughput on the grid of `rnntop bench`.

The same problem as rnntop's bench: an RNN (tanh), LSTM or GRU (PyTorch's modules)
or a minGRU or minLSTM (the paper's log-space parallel scan in plain PyTorch:
rnntop.cells, the reference implementation) with input size 8 over 50 time steps
(or --seq-len), one layer (or --layers), a Linear(hidden, 1) head on the last step,
MSE, Adam (lr 1e-3), float32 on the CPU. Each grid point is warmed up, then timed as blocks
of steps (zero_grad, forward, loss, backward, optimizer.step); the median block
gives the step time. With several thread counts, the best is reported.

Writes JSON in the form `rnntop bench --json` writes (``results`` with cell,
hidden, batch, train_seq_per_s), so `rnntop bench --reference` can read it too.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python", "src"))
from rnntop.cells import MinGRU, MinLSTM  # noqa: E402  (the checkout's package)

INPUT_SIZE = 8


class LastStepRegressor(nn.Module):
    """A recurrent layer and a Dense head on its last hidden state."""

    def __init__(self, cell: str, hidden: int, layers: int) -> None:
        super().__init__()
        modules = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU, "mingru": MinGRU, "minlstm": MinLSTM}
        self.recurrent = modules[cell](INPUT_SIZE, hidden, layers)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.recurrent(x)
        return self.head(output[-1])


def measure(cell: str, hidden: int, batch: int, steps: int, layers: int, block_seconds: float, repeats: int) -> float:
    """Seconds per training step: the median of `repeats` timed blocks."""
    torch.manual_seed(0)
    model = LastStepRegressor(cell, hidden, layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    x = torch.randn(steps, batch, INPUT_SIZE)
    y = torch.randn(batch, 1)

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        optimizer.step()

    warm_until = time.perf_counter() + block_seconds
    calls = 0
    while calls < 3 or time.perf_counter() < warm_until:
        step()
        calls += 1
    start = time.perf_counter()
    step()
    step()
    estimate = max((time.perf_counter() - start) / 2, 1e-7)
    per_block = min(100_000, max(2, round(block_seconds / estimate + 0.5)))
    blocks = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(per_block):
            step()
        blocks.append((time.perf_counter() - start) / per_block)
    return statistics.median(blocks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", default="rnn,lstm,gru")
    parser.add_argument("--hidden", default="32,128,512")
    parser.add_argument("--batch", default="1,32")
    parser.add_argument("--seq-len", default="50", help="sequence lengths (comma-separated)")
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--threads", default="1,2", help="thread counts to try; the best is kept")
    parser.add_argument("--quick", action="store_true", help="short blocks: a smoke run")
    arguments = parser.parse_args()
    block_seconds, repeats = (0.1, 3) if arguments.quick else (0.6, 7)

    results = []
    for cell in arguments.cells.split(","):
        for hidden in map(int, arguments.hidden.split(",")):
            for batch in map(int, arguments.batch.split(",")):
                for steps in map(int, arguments.seq_len.split(",")):
                    best = None
                    for threads in map(int, arguments.threads.split(",")):
                        torch.set_num_threads(threads)
                        seconds = measure(cell, hidden, batch, steps, arguments.layers, block_seconds, repeats)
                        if best is None or seconds < best[0]:
                            best = (seconds, threads)
                    assert best is not None
                    results.append({
                        "cell": cell, "hidden": hidden, "batch": batch, "steps": steps, "layers": arguments.layers,
                        "threads": best[1], "train_seq_per_s": batch / best[0], "train_ms_per_step": best[0] * 1000,
                    })
    print(json.dumps({"program": f"PyTorch {torch.__version__}", "results": results}, indent=1))


if __name__ == "__main__":
    main()
