"""The unrolled cells compute what PyTorch's fused modules compute, to float32 precision."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from rnntop._unroll import unrolled_forward

CASES = [
    (nn.RNN, {"nonlinearity": "tanh"}),
    (nn.RNN, {"nonlinearity": "relu"}),
    (nn.LSTM, {}),
    (nn.GRU, {}),
]


@pytest.mark.parametrize("kind,options", CASES, ids=["rnn-tanh", "rnn-relu", "lstm", "gru"])
@pytest.mark.parametrize("layers,batch_first,bias", [(1, False, True), (2, True, True), (3, False, False)])
def test_unrolled_pass_equals_the_fused_one(kind: type, options: dict, layers: int, batch_first: bool, bias: bool) -> None:
    torch.manual_seed(7)
    module = kind(3, 16, layers, batch_first=batch_first, bias=bias, **options)
    x = torch.randn(5, 12, 3) if batch_first else torch.randn(12, 5, 3)
    lstm = kind is nn.LSTM
    h0 = torch.randn(layers, 5, 16)
    hx = (h0, torch.randn(layers, 5, 16)) if lstm else h0

    fused_output, fused_state = module(x, hx)
    output, state, traces = unrolled_forward(module, "rnn", x, hx, keep_gates=True)

    torch.testing.assert_close(output, fused_output, rtol=1e-5, atol=1e-6)
    for mine, theirs in zip(state if lstm else (state,), fused_state if lstm else (fused_state,)):
        torch.testing.assert_close(mine, theirs, rtol=1e-5, atol=1e-6)
    assert len(traces) == layers and all(len(trace.hidden) == 12 for trace in traces)
    assert all(len(trace.gates) == (0 if kind is nn.RNN else 12) for trace in traces)

    # The gradients through the unrolled pass are the fused pass's.
    weights = list(module.parameters())
    fused = torch.autograd.grad(fused_output.square().sum(), weights)
    unrolled = torch.autograd.grad(output.square().sum(), weights)
    for mine, theirs in zip(unrolled, fused):
        torch.testing.assert_close(mine, theirs, rtol=1e-4, atol=1e-5)


def test_an_unbatched_sequence_and_no_initial_state() -> None:
    torch.manual_seed(3)
    module = nn.GRU(2, 8)
    x = torch.randn(10, 2)
    fused_output, fused_state = module(x)
    output, state, _ = unrolled_forward(module, "gru", x, None, keep_gates=False)
    assert output.shape == fused_output.shape == (10, 8)
    torch.testing.assert_close(output, fused_output, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(state, fused_state, rtol=1e-5, atol=1e-6)
