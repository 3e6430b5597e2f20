"""The minGRU and minLSTM reference cases in Tests/Fixtures/golden: what
Scripts/golden_min_cells.py writes, in the other cases' format, and with the
gradient profile the cells' equations give."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from conftest import REPOSITORY
from rnntop import MinGRU

GOLDEN = REPOSITORY / "Tests" / "Fixtures" / "golden"
NAMES = ["mingru_basic", "minlstm_basic", "mingru_2layer", "minlstm_regression_head", "mingru_long"]


def load(name: str) -> dict:
    return json.loads((GOLDEN / f"{name}.json").read_text())


def values(field: dict) -> torch.Tensor:
    return torch.tensor(field["data"], dtype=torch.float64).reshape(field["shape"])


def test_the_files_are_what_the_script_writes() -> None:
    result = subprocess.run([sys.executable, str(REPOSITORY / "Scripts" / "golden_min_cells.py"), "--check"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", NAMES)
def test_the_keys_are_those_of_the_other_cases(name: str) -> None:
    case = load(name)
    model = load("lstm_regression_head" if "head" in name else "gru_tanh_basic")
    # The same keys in the same order, but the LSTM's memory, which the min cells have not.
    expected = [key for key in model if key not in ("c0", "c_n")]
    assert list(case) == expected
    layers, gates = case["num_layers"], 2 if case["cell"] == "mingru" else 3
    params = {f"{kind}_l{layer}": shape for layer in range(layers) for kind, shape in (
        ("weight_ih", [gates * case["hidden_size"], case["input_size"] if layer == 0 else case["hidden_size"]]),
        ("bias_ih", [gates * case["hidden_size"]]),
    )}  # fmt: skip
    assert {key: value["shape"] for key, value in case["params"].items()} == params
    heads = ["head_weight", "head_bias"] if "head" in name else []
    assert list(case["grads"]) == [*params, *heads, "x", "h0"]
    assert list(case["dL_dh"]) == [f"l{layer}" for layer in range(layers)]


def test_the_long_case_falls_by_the_product_of_the_decays() -> None:
    """∂L/∂h_t with the loss on the last step only is dout[T-1] times a_{t+1} ... a_T."""
    case = load("mingru_long")
    cell = MinGRU(case["input_size"], case["hidden_size"]).double()
    with torch.no_grad():
        for key, field in case["params"].items():
            getattr(cell, key).copy_(values(field))
    (decays,) = cell.decays(values(case["x"]), values(case["h0"]))
    gradient = values(case["dout"])[-1]
    expected = [gradient]
    for a in reversed(decays[1:].unbind(0)):
        gradient = gradient * a
        expected.append(gradient)
    torch.testing.assert_close(values(case["dL_dh"]["l0"]), torch.stack(expected[::-1]), rtol=1e-10, atol=0)
    profile = case["dL_dh_norm"]["l0"]
    assert profile[0] < 1e-10 * profile[-1], "the profile falls by more than 10 orders of magnitude"
