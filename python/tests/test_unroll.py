"""The unrolled modules compute what PyTorch's fused modules compute, and their
back-propagation through time gives every h_t's gradient as autograd would, step by
step, and the input's and the initial state's as the fused module's autograd does."""

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


def stepwise(module: nn.RNNBase, x: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor | None) -> tuple[torch.Tensor, list[list[torch.Tensor]]]:
    """The module's output (time-major) computed one step and one layer at a time with
    PyTorch's cell functions, and every layer's h_t, each in autograd's graph."""
    cells = {"RNN_TANH": torch.rnn_tanh_cell, "RNN_RELU": torch.rnn_relu_cell, "LSTM": torch.lstm_cell, "GRU": torch.gru_cell}
    states = [h0[layer] for layer in range(module.num_layers)]
    memories = [c0[layer] for layer in range(module.num_layers)] if c0 is not None else []
    hidden: list[list[torch.Tensor]] = [[] for _ in range(module.num_layers)]
    outputs = []
    for t in range(x.shape[0]):
        step = x[t]
        for layer in range(module.num_layers):
            weights = [getattr(module, f"{kind}_l{layer}") for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")[: 4 if module.bias else 2]]
            w_ih, w_hh, b_ih, b_hh = weights + [None] * (4 - len(weights))
            if module.mode == "LSTM":
                states[layer], memories[layer] = cells["LSTM"](step, (states[layer], memories[layer]), w_ih, w_hh, b_ih, b_hh)
            else:
                states[layer] = cells[module.mode](step, states[layer], w_ih, w_hh, b_ih, b_hh)
            hidden[layer].append(states[layer])
            step = states[layer]
        outputs.append(step)
    return torch.stack(outputs), hidden


@pytest.mark.parametrize("kind,options", CASES, ids=["rnn-tanh", "rnn-relu", "lstm", "gru"])
@pytest.mark.parametrize("layers,batch_first,bias", [(1, False, True), (2, True, True), (3, False, False)])
def test_the_unrolled_pass_is_the_fused_one_with_every_states_gradient(kind: type, options: dict, layers: int, batch_first: bool, bias: bool) -> None:
    torch.manual_seed(7)
    module = kind(3, 16, layers, batch_first=batch_first, bias=bias, **options).double().eval()
    time_major = torch.randn(12, 5, 3, dtype=torch.float64, requires_grad=True)
    x = time_major.transpose(0, 1) if batch_first else time_major
    lstm = kind is nn.LSTM
    h0 = torch.randn(layers, 5, 16, dtype=torch.float64, requires_grad=True)
    c0 = torch.randn(layers, 5, 16, dtype=torch.float64, requires_grad=True) if lstm else None
    hx = (h0, c0) if lstm else h0
    target = torch.randn(12, 5, 16, dtype=torch.float64)

    def loss_of(output: torch.Tensor, h_n: torch.Tensor) -> torch.Tensor:
        """Every step's output and the last state count, as in a sequence-to-sequence loss."""
        time_first = output.transpose(0, 1) if batch_first else output
        return (time_first - target).square().mean() + h_n.square().sum()

    fused_output, fused_state = module(x, hx)
    anchor = torch.zeros((), requires_grad=True)
    output, state, traces = unrolled_forward(module, "rnn", x, hx, keep_gates=True, anchor=anchor)
    torch.testing.assert_close(output, fused_output, rtol=1e-12, atol=1e-12)
    for mine, theirs in zip(state if lstm else (state,), fused_state if lstm else (fused_state,)):
        torch.testing.assert_close(mine, theirs, rtol=1e-12, atol=1e-12)
    assert [trace.layer for trace in traces] == list(range(layers))
    assert all(trace.hidden.shape == (12, 5, 16) for trace in traces)
    assert all((trace.gates is None) == (kind is nn.RNN) for trace in traces)

    # The input's and the initial state's gradients are the fused module's.
    inputs = [time_major, h0] + ([c0] if lstm else [])
    fused = torch.autograd.grad(loss_of(fused_output, fused_state[0] if lstm else fused_state), inputs)
    unrolled = torch.autograd.grad(loss_of(output, state[0] if lstm else state), inputs + [anchor])
    for mine, theirs in zip(unrolled, fused):
        torch.testing.assert_close(mine, theirs, rtol=1e-10, atol=1e-12)

    # ∂L/∂h_t of every layer and step is what autograd gives through the steps one by one.
    reference_output, hidden = stepwise(module, time_major, h0, c0)
    last_state = torch.stack([layer[-1] for layer in hidden])
    reference_loss = loss_of(reference_output.transpose(0, 1) if batch_first else reference_output, last_state)
    reference = torch.autograd.grad(reference_loss, [h for layer in hidden for h in layer])
    for layer, trace in enumerate(traces):
        assert trace.gradient is not None
        torch.testing.assert_close(trace.gradient, torch.stack(reference[layer * 12 : (layer + 1) * 12]), rtol=1e-10, atol=1e-12)


def test_an_unbatched_sequence_and_no_initial_state() -> None:
    torch.manual_seed(3)
    module = nn.GRU(2, 8).eval()
    x = torch.randn(10, 2)
    fused_output, fused_state = module(x)
    output, state, _ = unrolled_forward(module, "gru", x, None, keep_gates=False, anchor=torch.zeros((), requires_grad=True))
    assert output.shape == fused_output.shape == (10, 8)
    torch.testing.assert_close(output, fused_output, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(state, fused_state, rtol=1e-5, atol=1e-6)
