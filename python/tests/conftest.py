"""Shared fixtures: the rnntop program the tests compare with, the repository's data,
and small models with PyTorch's layout (an ``rnn`` and a ``head``)."""

from __future__ import annotations

import csv
import math
import os
import subprocess
from pathlib import Path
from typing import Any

# The models here are small: one thread a process is the fastest way to train them, and
# keeps a test's timing steady beside other work (the scripts the tests start inherit it).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))

REPOSITORY = Path(__file__).resolve().parents[2]
DATA = REPOSITORY / "Tests" / "Fixtures" / "data"


class Regressor(nn.Module):
    """An nn.RNN, nn.LSTM or nn.GRU and a Linear head on its last step: the model rnntop
    trains, with the names its safetensors files use (``rnn.*``, ``head.*``)."""

    def __init__(self, cell: str, inputs: int, hidden: int, layers: int = 1, outputs: int = 1, **options: Any) -> None:
        super().__init__()
        if cell in ("rnn-tanh", "rnn-relu"):
            self.rnn: nn.RNNBase = nn.RNN(inputs, hidden, layers, nonlinearity=cell[4:], **options)
        else:
            self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[cell](inputs, hidden, layers, **options)
        self.head = nn.Linear(hidden, outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.rnn(x)
        last = output[:, -1] if self.rnn.batch_first else output[-1]
        return self.head(last)


@pytest.fixture(scope="session")
def rnntop() -> Path:
    """The rnntop program built from this checkout (or $RNNTOP)."""
    path = Path(os.environ.get("RNNTOP", REPOSITORY / ".build" / "release" / "rnntop"))
    if not path.exists():
        pytest.fail(f"{path} does not exist: build rnntop first (swift build -c release), or set RNNTOP")
    return path


def run_rnntop(program: Path, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Runs rnntop to its end and returns what it said."""
    result = subprocess.run([str(program), *arguments], capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"rnntop {' '.join(arguments)} exited with {result.returncode}: {result.stderr}")
    return result


def windows(path: Path, columns: list[str], steps: int, split: float = 0.2) -> tuple[torch.Tensor, ...]:
    """Training and validation windows as rnntop's csv task makes them: z-scored with
    the training rows' mean and deviation, time-major, each predicting the next row."""
    with open(path, newline="") as file:
        rows = [[float(row[name]) for name in columns] for row in csv.DictReader(file)]
    training = math.floor(len(rows) * (1 - split))
    mean = [sum(row[c] for row in rows[:training]) / training for c in range(len(columns))]
    deviation = [math.sqrt(sum((row[c] - mean[c]) ** 2 for row in rows[:training]) / training) for c in range(len(columns))]
    values = torch.tensor([[(row[c] - mean[c]) / deviation[c] for c in range(len(columns))] for row in rows], dtype=torch.float64).float()

    def cut(starts: range) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.stack([values[start : start + steps] for start in starts], dim=1)
        y = torch.stack([values[start + steps] for start in starts])
        return x, y

    return (*cut(range(0, training - steps)), *cut(range(training - steps, len(rows) - steps)))
