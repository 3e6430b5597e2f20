"""Weights move between rnntop and PyTorch with PyTorch's names and layouts: a file
rnntop writes loads into the equivalent nn.LSTM + nn.Linear with load_state_dict, and
that model scores what rnntop's own engine scored with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from torch import nn

from conftest import DATA, Regressor, run_rnntop, windows


@pytest.mark.parametrize("cell,layers", [("lstm", 2), ("gru", 1), ("rnn-relu", 2)])
def test_rnntops_weights_load_into_pytorch_and_score_the_same(tmp_path: Path, rnntop: Path, cell: str, layers: int) -> None:
    weights, log = tmp_path / "weights.safetensors", tmp_path / "run.jsonl"
    kind, activation = (cell[:3], cell[4:]) if cell.startswith("rnn-") else (cell, "tanh")
    run_rnntop(
        rnntop, "--task", "csv", "--data", str(DATA / "nile.csv"), "--seq-len", "10", "--cell", kind, "--activation", activation,
        "--hidden", "16", "--layers", str(layers), "--steps", "30", "--headless", "--log", str(log), "--save-weights", str(weights),
    )  # fmt: skip

    model = Regressor(cell, 1, 16, layers)
    loaded = model.load_state_dict(load_file(weights))  # strict: every name and shape must match
    assert not loaded.missing_keys and not loaded.unexpected_keys
    _, _, x_validation, y_validation = windows(DATA / "nile.csv", ["volume"], 10)
    with torch.no_grad():
        loss = nn.MSELoss()(model(x_validation), y_validation).item()
    # rnntop validates once more after its last step, with the weights it saved.
    last_eval = [json.loads(line) for line in log.read_text().splitlines() if '"type":"eval"' in line][-1]
    assert last_eval["step"] == 30
    assert loss == pytest.approx(last_eval["loss"], rel=1e-5)


def test_a_checkpoint_is_a_safetensors_file_whose_weights_load_into_pytorch(tmp_path: Path, rnntop: Path) -> None:
    checkpoint, weights = tmp_path / "run.ckpt", tmp_path / "weights.safetensors"
    run_rnntop(
        rnntop, "--task", "csv", "--data", str(DATA / "nile.csv"), "--seq-len", "10", "--cell", "lstm", "--hidden", "16",
        "--steps", "30", "--headless", "--checkpoint", str(checkpoint), "--save-weights", str(weights),
    )  # fmt: skip

    tensors = load_file(checkpoint)
    state = {name: tensor for name, tensor in tensors.items() if not name.startswith(("optimizer.", "rollback."))}
    model = Regressor("lstm", 1, 16, 1)
    loaded = model.load_state_dict(state)  # strict: the weights are the model's, whole
    assert not loaded.missing_keys and not loaded.unexpected_keys
    # The same weights --save-weights wrote, and Adam's moments in each parameter's shape.
    saved = load_file(weights)
    assert all(torch.equal(state[name], saved[name]) for name in saved)
    assert tensors["optimizer.exp_avg.rnn.weight_hh_l0"].shape == saved["rnn.weight_hh_l0"].shape
    assert torch.any(tensors["optimizer.exp_avg_sq.head.weight"] > 0)
