"""The Python package and rnntop's own engine report the same run.

For the same weights (moved through safetensors) and the same sequences, one training
step's loss agrees within 1e-5, ‖∂L/∂h_t‖ within 1e-4 relative, and the probe's
matrices to their four digits. The sequences are a CSV series from the repository,
cut into windows the way rnntop's csv task cuts them; the batch holds every training
window, so the order in which rnntop shuffles them does not matter.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file
from torch import nn

from conftest import DATA, Regressor, run_rnntop, windows
from rnntop import RunLog

STEPS = 10


def records(path: Path) -> dict[str, list[dict]]:
    by_type: dict[str, list[dict]] = {}
    for line in path.read_text().splitlines():
        record = json.loads(line)
        by_type.setdefault(record["type"], []).append(record)
    return by_type


def close_to_four_digits(a: float, b: float, scale: float) -> bool:
    """Equal as four-digit numbers: one unit in the fourth digit apart at most, or within
    float32's precision of the matrix's largest value."""
    largest = max(abs(a), abs(b))
    unit = 10 ** (math.floor(math.log10(largest)) - 3) if largest > 0 else 0
    return abs(a - b) <= 1.01 * unit + 1e-5 * scale


CASES = [
    ("rnn-tanh", 1, "nile.csv", ["volume"]),
    ("rnn-relu", 1, "nile.csv", ["volume"]),
    ("lstm", 1, "nile.csv", ["volume"]),
    ("gru", 1, "nile.csv", ["volume"]),
    ("rnn-tanh", 2, "elnino.csv", ["JAN", "FEB", "MAR"]),
    ("rnn-relu", 2, "elnino.csv", ["JAN", "FEB", "MAR"]),
    ("lstm", 2, "elnino.csv", ["JAN", "FEB", "MAR"]),
    ("gru", 2, "elnino.csv", ["JAN", "FEB", "MAR"]),
]


@pytest.mark.parametrize("cell,layers,data,columns", CASES, ids=[f"{c[0]}-{c[1]}layer" for c in CASES])
def test_one_step_agrees_with_rnntop(tmp_path: Path, rnntop: Path, cell: str, layers: int, data: str, columns: list[str]) -> None:
    torch.manual_seed(11)
    x, y, x_probe, y_probe = windows(DATA / data, columns, STEPS)
    model = Regressor(cell, len(columns), 12, layers, outputs=len(columns))
    save_file(model.state_dict(), tmp_path / "weights.safetensors")

    column_flags = [flag for name in columns for flag in ("--column", name)]
    activation = "relu" if cell == "rnn-relu" else "tanh"
    run_rnntop(
        rnntop, "--task", "csv", "--data", str(DATA / data), *column_flags, "--seq-len", str(STEPS),
        "--init-from", str(tmp_path / "weights.safetensors"), "--activation", activation, "--batch", "1000",
        "--optimizer", "sgd", "--lr", "0.01", "--clip", "0", "--steps", "1", "--headless", "--log", str(tmp_path / "rnntop.jsonl"),
    )  # fmt: skip

    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    with RunLog(tmp_path / "python.jsonl", model, loss_fn=loss_fn, probe=(x_probe, y_probe)) as log:
        loss = loss_fn(model(x), y)
        loss.backward()
        log.step(loss, optimizer, batch=(x, y))
        optimizer.step()

    ours, theirs = records(tmp_path / "python.jsonl"), records(tmp_path / "rnntop.jsonl")
    assert theirs["run"][0]["settings"]["init_from"] == str(tmp_path / "weights.safetensors")
    assert ours["step"][0]["batch"] == theirs["step"][0]["batch"] == x.shape[1]
    assert ours["step"][0]["loss"] == pytest.approx(theirs["step"][0]["loss"], rel=1e-5)

    profile, reference = ours["grad_profile"][0], theirs["grad_profile"][0]
    assert profile["step"] == reference["step"] == 1
    assert len(profile["layers"]) == len(reference["layers"]) == layers
    for mine, its in zip(profile["layers"], reference["layers"]):
        assert len(mine) == len(its) == STEPS
        assert mine == pytest.approx(its, rel=1e-4)
    worst = max(abs(a - b) / b for mine, its in zip(profile["layers"], reference["layers"]) for a, b in zip(mine, its))
    loss_error = abs(ours["step"][0]["loss"] - theirs["step"][0]["loss"]) / theirs["step"][0]["loss"]
    print(f"\n{cell}, {layers} layer(s): loss {loss_error:.1e} relative, grad_profile {worst:.1e} at most", end="")  # pytest -s shows it

    probe, expected = ours["probe"][0], theirs["probe"][0]
    assert probe["step"] == expected["step"] == 1
    assert probe["loss"] == pytest.approx(expected["loss"], rel=1e-4)
    assert len(probe["layers"]) == len(expected["layers"])
    for mine, its in zip(probe["layers"], expected["layers"]):
        matrices = [("h", mine["h"], its["h"]), ("dh", mine["dh"], its["dh"])]
        if "c" in its:
            matrices.append(("c", mine["c"], its["c"]))
        assert [g["name"] for g in mine["gates"]] == [g["name"] for g in its["gates"]]
        for gate, reference_gate in zip(mine["gates"], its["gates"]):
            matrices.append((gate["name"], gate["activations"], reference_gate["activations"]))
            assert gate["saturation"] == pytest.approx(reference_gate["saturation"], abs=1.5 / len(gate["activations"]["values"]))
        for name, a, b in matrices:
            assert (a["units"], a["steps"]) == (b["units"], b["steps"]) == (12, STEPS), name
            scale = max(abs(v) for v in b["values"])
            bad = [(i, p, q) for i, (p, q) in enumerate(zip(a["values"], b["values"])) if not close_to_four_digits(p, q, scale)]
            assert not bad, f"layer {mine['layer']} {name}: {bad[:5]}"
