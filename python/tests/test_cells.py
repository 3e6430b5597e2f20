"""rnntop.MinGRU and rnntop.MinLSTM: the names and shapes rnntop's engine uses, the
equations computed by hand, and the parallel scan computing what the loop over the
steps computes, values and every gradient."""

from __future__ import annotations

import math
from typing import Optional

import pytest
import torch
from torch import nn

from rnntop import MinGRU, MinLSTM
from rnntop.cells import g, log_g

CELLS = [MinGRU, MinLSTM]


def sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def outputs_and_gradients(module: nn.Module, mode: str, x: torch.Tensor, h0: Optional[torch.Tensor], weights: torch.Tensor) -> list[torch.Tensor]:
    """The output, h_n and the gradients of a loss on both (every parameter, x, h0)."""
    module.mode = mode
    output, h_n = module(x, h0)
    loss = (output * weights).sum() + h_n.square().sum()
    inputs = [*module.parameters(), x] + ([h0] if h0 is not None else [])
    return [output, h_n, *torch.autograd.grad(loss, inputs)]


def initial_state(kind: str, layers: int, batch: int, hidden: int, dtype: torch.dtype) -> Optional[torch.Tensor]:
    if kind == "none":
        return None
    if kind == "zeros":
        return torch.zeros(layers, batch, hidden, dtype=dtype, requires_grad=True)
    if kind == "positive":
        return (torch.rand(layers, batch, hidden, dtype=dtype) + 0.1).requires_grad_()
    return torch.randn(layers, batch, hidden, dtype=dtype, requires_grad=True)  # either sign: no log for the scan


def assert_close_to_scale(actual: torch.Tensor, expected: torch.Tensor, tolerance: float) -> None:
    """Within ``tolerance`` of the expected tensor's largest value."""
    scale = expected.abs().max().item()
    torch.testing.assert_close(actual, expected, rtol=0, atol=tolerance * scale)


@pytest.mark.parametrize("cell", CELLS, ids=["mingru", "minlstm"])
@pytest.mark.parametrize(
    "steps,h0,tolerance", [(50, "none", 1e-12), (50, "zeros", 1e-12), (50, "positive", 1e-12), (50, "either-sign", 1e-12), (1000, "positive", 1e-9)]
)
def test_the_scan_is_the_loop_in_float64(cell: type, steps: int, h0: str, tolerance: float) -> None:
    """The scan's sums over the steps lose digits as they grow: 1e-10 of the largest
    gradient at 1,000 steps."""
    torch.manual_seed(5)
    module = cell(3, 6, num_layers=2).double()
    x = torch.randn(steps, 4, 3, dtype=torch.float64, requires_grad=True)
    start = initial_state(h0, 2, 4, 6, torch.float64)
    weights = torch.randn(steps, 4, 6, dtype=torch.float64)
    looped = outputs_and_gradients(module, "sequential", x, start, weights)
    scanned = outputs_and_gradients(module, "scan", x, start, weights)
    assert len(looped) == len(scanned) == 2 + 4 + 1 + (h0 != "none")
    for a, b in zip(scanned, looped):
        assert_close_to_scale(a, b, tolerance)


@pytest.mark.parametrize("cell", CELLS, ids=["mingru", "minlstm"])
def test_the_scan_is_the_loop_in_float32_within_1e_4(cell: type) -> None:
    """At 50 steps; the scan's float32 gradients drift from there (1e-3 of the largest
    at 200 steps), the loop's stay within 1e-6 of float64's."""
    torch.manual_seed(6)
    module = cell(3, 16, num_layers=2)
    x = torch.randn(50, 8, 3, requires_grad=True)
    start = initial_state("positive", 2, 8, 16, torch.float32)
    weights = torch.randn(50, 8, 16)
    looped = outputs_and_gradients(module, "sequential", x, start, weights)
    scanned = outputs_and_gradients(module, "scan", x, start, weights)
    for a, b in zip(scanned, looped):
        assert_close_to_scale(a, b, 1e-4)


def test_zero_h0_is_no_h0() -> None:
    torch.manual_seed(7)
    module = MinLSTM(2, 5).double()
    x = torch.randn(30, 3, 2, dtype=torch.float64)
    for mode in ("scan", "sequential"):
        module.mode = mode
        given, h_given = module(x, torch.zeros(1, 3, 5, dtype=torch.float64))
        none, h_none = module(x)
        assert torch.equal(given, none) and torch.equal(h_given, h_none)


@pytest.mark.parametrize("cell,gates", [(MinGRU, 2), (MinLSTM, 3)], ids=["mingru", "minlstm"])
def test_parameters_are_named_and_shaped_as_rnntops_and_initialised_as_nn_linear(cell: type, gates: int) -> None:
    torch.manual_seed(8)
    module = cell(5, 16, num_layers=3)
    shapes = {name: tuple(p.shape) for name, p in module.named_parameters()}
    assert shapes == {
        "weight_ih_l0": (gates * 16, 5), "bias_ih_l0": (gates * 16,),
        "weight_ih_l1": (gates * 16, 16), "bias_ih_l1": (gates * 16,),
        "weight_ih_l2": (gates * 16, 16), "bias_ih_l2": (gates * 16,),
    }  # fmt: skip
    for name, parameter in module.named_parameters():
        bound = 1 / math.sqrt(5 if name.endswith("l0") else 16)
        assert parameter.abs().max() <= bound
        assert parameter.abs().max() > 0.9 * bound, f"{name} fills its range"
    assert module.mode == "scan"
    with pytest.raises(ValueError, match="mode must be 'scan' or 'sequential'"):
        module.mode = "parallel"


@pytest.mark.parametrize("cell", CELLS, ids=["mingru", "minlstm"])
@pytest.mark.parametrize("mode", ["scan", "sequential"])
def test_a_two_layer_stack_feeds_each_layers_h_to_the_next(cell: type, mode: str) -> None:
    torch.manual_seed(9)
    stack = cell(3, 4, num_layers=2, batch_first=True, mode=mode).double()
    first, second = cell(3, 4, mode=mode).double(), cell(4, 4, mode=mode).double()
    with torch.no_grad():
        for layer, single in enumerate((first, second)):
            single.weight_ih_l0.copy_(getattr(stack, f"weight_ih_l{layer}"))
            single.bias_ih_l0.copy_(getattr(stack, f"bias_ih_l{layer}"))
    x = torch.randn(2, 7, 3, dtype=torch.float64)  # batch first
    h0 = torch.rand(2, 2, 4, dtype=torch.float64) + 0.1
    output, h_n = stack(x, h0)
    below, h_below = first(x.transpose(0, 1), h0[:1])
    above, h_above = second(below, h0[1:])
    assert output.shape == (2, 7, 4) and h_n.shape == (2, 2, 4)
    torch.testing.assert_close(output, above.transpose(0, 1), rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(h_n, torch.cat((h_below, h_above)), rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(h_n[1], output[:, -1], rtol=0, atol=0)


@pytest.mark.parametrize("mode", ["scan", "sequential"])
def test_mingru_by_hand(mode: str) -> None:
    module = MinGRU(1, 1, mode=mode).double()
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.tensor([[2.0], [1.0]]))  # k_z = 2x, k_h = x + 0.5
        module.bias_ih_l0.copy_(torch.tensor([0.0, 0.5]))
    x = torch.tensor([[[1.0]], [[-1.0]]], dtype=torch.float64)
    output, h_n = module(x, torch.tensor([[[0.5]]], dtype=torch.float64))
    # t=1: k_z = 2, z = sigmoid(2); k_h = 1.5 >= 0, h~ = 2.0; h1 = (1 - z) * 0.5 + z * 2.0
    z = sigmoid(2)
    h1 = (1 - z) * 0.5 + z * 2.0
    # t=2: k_z = -2, z = sigmoid(-2); k_h = -0.5 < 0, h~ = sigmoid(-0.5)
    z = sigmoid(-2)
    h2 = (1 - z) * h1 + z * sigmoid(-0.5)
    assert h1 == pytest.approx(1.8211956, abs=1e-7) and h2 == pytest.approx(1.6491077, abs=1e-7)
    assert output.flatten().tolist() == pytest.approx([h1, h2], rel=1e-12)
    assert h_n.item() == pytest.approx(h2, rel=1e-12)


@pytest.mark.parametrize("mode", ["scan", "sequential"])
def test_minlstm_by_hand(mode: str) -> None:
    module = MinLSTM(1, 1, mode=mode).double()
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.tensor([[1.0], [-1.0], [1.0]]))  # k_f = x, k_i = -x, k_h = x + 0.5
        module.bias_ih_l0.copy_(torch.tensor([0.0, 0.0, 0.5]))
    output, _ = module(torch.tensor([[1.0], [-2.0]], dtype=torch.float64))  # one sequence, no h0: zeros
    # t=1: f = sigmoid(1), i = sigmoid(-1), f + i = 1; h~ = 1.5 + 0.5 = 2.0; h1 = f' * 0 + i' * 2.0
    h1 = sigmoid(-1) * 2.0
    # t=2: f = sigmoid(-2), i = sigmoid(2), f + i = 1; h~ = sigmoid(-1.5)
    h2 = sigmoid(-2) * h1 + sigmoid(2) * sigmoid(-1.5)
    assert h1 == pytest.approx(0.5378828, abs=1e-7) and h2 == pytest.approx(0.2247971, abs=1e-7)
    assert output.flatten().tolist() == pytest.approx([h1, h2], rel=1e-12)


def test_g_and_its_log() -> None:
    x = torch.tensor([-30.0, -1.0, -1e-9, 0.0, 1e-9, 1.0, 30.0], dtype=torch.float64)
    assert g(x).tolist() == pytest.approx([sigmoid(-30), sigmoid(-1), 0.5, 0.5, 0.5, 1.5, 30.5], rel=1e-8)
    torch.testing.assert_close(log_g(x), torch.log(g(x)), rtol=1e-12, atol=0)


@pytest.mark.parametrize("cell", CELLS, ids=["mingru", "minlstm"])
def test_the_decays_are_each_steps_jacobian(cell: type) -> None:
    """∂h_t/∂h_{t-1} is diag(a_t), as autograd finds through the loop."""
    torch.manual_seed(10)
    module = cell(2, 3, mode="sequential").double()
    x = torch.randn(6, 1, 2, dtype=torch.float64)
    h0 = torch.rand(1, 1, 3, dtype=torch.float64, requires_grad=True)
    (decays,) = module.decays(x, h0)
    output, _ = module(x, h0)
    for unit in range(3):  # ∂h_1/∂h_0: the first step's decays, one unit at a time
        (row,) = torch.autograd.grad(output[0, 0, unit], h0, retain_graph=True)
        expected = torch.zeros(3, dtype=torch.float64)
        expected[unit] = decays[0, 0, unit]
        torch.testing.assert_close(row.flatten(), expected)
    module.mode = "scan"
    torch.testing.assert_close(module.decays(x, h0)[0], decays, rtol=1e-12, atol=1e-15)
    assert bool(((decays > 0) & (decays < 1)).all())
