"""examples/min_gru.py as a user runs it, and its model's logged ∂L/∂h_t against
rnntop's own minGRU on the same weights.

The comparison is test_agreement.py's: one SGD step on every training window of a CSV
series from the repository, the weights moved through safetensors with the names
rnntop reads (``rnn.weight_ih_l0``, ``rnn.bias_ih_l0``, ``head.weight``,
``head.bias``); the loss agrees within 1e-5, ‖∂L/∂h_t‖ within 1e-4 relative, and the
probe's matrices to their four digits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from conftest import DATA, REPOSITORY, run_rnntop, windows
from test_agreement import close_to_four_digits, records
from rnntop import RunLog

EXAMPLES = REPOSITORY / "python" / "examples"
sys.path.insert(0, str(EXAMPLES))
from min_gru import AddingMinGRU  # noqa: E402

STEPS = 10


def test_the_example_trains_and_rnntop_reads_its_profile(tmp_path: Path, rnntop: Path) -> None:
    log, weights = tmp_path / "run.jsonl", tmp_path / "weights.safetensors"
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY / "python" / "src")}
    subprocess.run(
        [sys.executable, str(EXAMPLES / "min_gru.py"), "--log", str(log), "--steps", "20", "--seq-len", "12", "--hidden", "8",
         "--layers", "2", "--eval-every", "10", "--save", str(weights)],
        check=True, capture_output=True, env=environment, timeout=120,
    )  # fmt: skip
    written = records(log)
    assert written["run"][0]["model"]["cell"] == "mingru"
    profiles = written["grad_profile"]
    assert profiles[0]["step"] == 1 and profiles[-1]["step"] == 20
    assert all(len(p["layers"]) == 2 and all(len(layer) == 12 and min(layer) > 0 for layer in p["layers"]) for p in profiles)
    assert [g["name"] for g in written["probe"][-1]["layers"][0]["gates"]] == ["z", "h"]
    assert {name: list(t.shape) for name, t in load_file(weights).items()} == {
        "rnn.weight_ih_l0": [16, 2], "rnn.bias_ih_l0": [16], "rnn.weight_ih_l1": [16, 8], "rnn.bias_ih_l1": [16],
        "head.weight": [1, 8], "head.bias": [1],
    }  # fmt: skip

    picture = tmp_path / "run.svg"
    run_rnntop(rnntop, "plot", str(log), "--output", str(picture))
    assert "∂L/∂h_t" in picture.read_text()


@pytest.mark.parametrize("layers,data,columns", [(1, "nile.csv", ["volume"]), (2, "elnino.csv", ["JAN"])], ids=["1layer", "2layer"])
def test_the_examples_profile_is_rnntops(tmp_path: Path, rnntop: Path, layers: int, data: str, columns: list[str]) -> None:
    torch.manual_seed(21)
    x, y, x_probe, y_probe = windows(DATA / data, columns, STEPS)
    model = AddingMinGRU(12, layers, inputs=len(columns), outputs=len(columns))
    model.rnn.batch_first = False  # the windows are time-major
    save_file(model.state_dict(), tmp_path / "weights.safetensors")

    column_flags = [flag for name in columns for flag in ("--column", name)]
    engine = run_rnntop(
        rnntop, "--task", "csv", "--data", str(DATA / data), *column_flags, "--seq-len", str(STEPS), "--cell", "mingru",
        "--init-from", str(tmp_path / "weights.safetensors"), "--batch", "1000",
        "--optimizer", "sgd", "--lr", "0.01", "--clip", "0", "--steps", "1", "--headless", "--log", str(tmp_path / "rnntop.jsonl"),
        check=False,
    )  # fmt: skip
    if engine.returncode != 0 and ("invalid value" in engine.stderr.lower() or "'mingru' is invalid" in engine.stderr):
        pytest.skip(f"this rnntop has no minGRU yet: {engine.stderr.strip().splitlines()[0]}")
    assert engine.returncode == 0, engine.stderr

    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    with RunLog(tmp_path / "python.jsonl", model, loss_fn=loss_fn, probe=(x_probe, y_probe)) as log:
        log.watch(model.rnn)
        loss = loss_fn(model(x), y)
        loss.backward()
        log.step(loss, optimizer, batch=(x, y))
        optimizer.step()

    ours, theirs = records(tmp_path / "python.jsonl"), records(tmp_path / "rnntop.jsonl")
    assert theirs["run"][0]["model"]["cell"] == ours["run"][0]["model"]["cell"] == "mingru"
    assert ours["step"][0]["batch"] == theirs["step"][0]["batch"] == x.shape[1]
    assert ours["step"][0]["loss"] == pytest.approx(theirs["step"][0]["loss"], rel=1e-5)
    profile, reference = ours["grad_profile"][0], theirs["grad_profile"][0]
    assert len(profile["layers"]) == len(reference["layers"]) == layers
    for mine, its in zip(profile["layers"], reference["layers"]):
        assert mine == pytest.approx(its, rel=1e-4)

    probe, expected = ours["probe"][0], theirs["probe"][0]
    assert probe["loss"] == pytest.approx(expected["loss"], rel=1e-4)
    for mine, its in zip(probe["layers"], expected["layers"]):
        assert [g["name"] for g in mine["gates"]] == [g["name"] for g in its["gates"]]
        matrices = [("h", mine["h"], its["h"]), ("dh", mine["dh"], its["dh"])]
        matrices += [(g["name"], g["activations"], r["activations"]) for g, r in zip(mine["gates"], its["gates"])]
        for gate, reference_gate in zip(mine["gates"], its["gates"]):
            assert gate["saturation"] == pytest.approx(reference_gate["saturation"], abs=1.5 / len(gate["activations"]["values"]))
        for name, a, b in matrices:
            assert (a["units"], a["steps"]) == (b["units"], b["steps"]) == (12, STEPS), name
            scale = max(abs(v) for v in b["values"])
            bad = [(i, p, q) for i, (p, q) in enumerate(zip(a["values"], b["values"])) if not close_to_four_digits(p, q, scale)]
            assert not bad, f"layer {mine['layer']} {name}: {bad[:5]}"


def test_rnntops_own_mingru_weights_give_its_probe(tmp_path: Path, rnntop: Path) -> None:
    """rnntop trains a step and saves its weights; loaded into the example's model, they
    give the probe rnntop wrote for them: the same loss, h, ∂L/∂h_t and gates."""
    x, y, x_probe, y_probe = windows(DATA / "nile.csv", ["volume"], STEPS)
    engine = run_rnntop(
        rnntop, "--task", "csv", "--data", str(DATA / "nile.csv"), "--seq-len", str(STEPS), "--cell", "mingru", "--hidden", "12",
        "--layers", "2", "--batch", "1000", "--optimizer", "sgd", "--lr", "0.01", "--clip", "0", "--steps", "1", "--headless",
        "--log", str(tmp_path / "rnntop.jsonl"), "--save-weights", str(tmp_path / "weights.safetensors"), check=False,
    )  # fmt: skip
    if engine.returncode != 0 and ("invalid value" in engine.stderr.lower() or "'mingru' is invalid" in engine.stderr):
        pytest.skip(f"this rnntop has no minGRU yet: {engine.stderr.strip().splitlines()[0]}")
    assert engine.returncode == 0, engine.stderr

    model = AddingMinGRU(12, 2, inputs=1, outputs=1)
    model.rnn.batch_first = False
    loaded = model.load_state_dict(load_file(tmp_path / "weights.safetensors"))  # strict: every name and shape
    assert not loaded.missing_keys and not loaded.unexpected_keys
    loss_fn, optimizer = nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.0)  # the probe of the saved weights
    with RunLog(tmp_path / "python.jsonl", model, loss_fn=loss_fn, probe=(x_probe, y_probe)) as log:
        log.watch(model.rnn)
        loss = loss_fn(model(x), y)
        loss.backward()
        log.step(loss, optimizer, batch=(x, y))

    probe, expected = records(tmp_path / "python.jsonl")["probe"][0], records(tmp_path / "rnntop.jsonl")["probe"][0]
    assert probe["loss"] == pytest.approx(expected["loss"], rel=1e-5)
    for mine, its in zip(probe["layers"], expected["layers"]):
        assert [g["name"] for g in mine["gates"]] == [g["name"] for g in its["gates"]] == ["z", "h"]
        matrices = [("h", mine["h"], its["h"]), ("dh", mine["dh"], its["dh"])]
        matrices += [(g["name"], g["activations"], r["activations"]) for g, r in zip(mine["gates"], its["gates"])]
        for name, a, b in matrices:
            scale = max(abs(v) for v in b["values"])
            bad = [(i, p, q) for i, (p, q) in enumerate(zip(a["values"], b["values"])) if not close_to_four_digits(p, q, scale)]
            assert not bad, f"layer {mine['layer']} {name}: {bad[:5]}"
