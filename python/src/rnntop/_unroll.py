"""PyTorch's recurrent cells unrolled step by step, with a module's own parameters.

``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` run fused kernels that keep no ``h_t``. The
functions here compute the same thing one time step at a time with PyTorch's cell
equations, so every ``h_t``, ``c_t`` and gate activation is a tensor in the autograd
graph that can be read and differentiated:

- RNN: ``h' = act(W_ih x + b_ih + W_hh h + b_hh)``
- LSTM: ``i, f, o = sigmoid(.)``, ``g = tanh(.)``, ``c' = f * c + i * g``, ``h' = o * tanh(c')``
- GRU: ``r, z = sigmoid(.)``, ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``,
  ``h' = (1 - z) * n + z * h``
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["GATE_NAMES", "LayerTrace", "cannot_unroll", "unrolled_forward"]

#: PyTorch's gate blocks, in the order of the weight matrices' rows.
GATE_NAMES: dict[str, tuple[str, ...]] = {"RNN_TANH": (), "RNN_RELU": (), "LSTM": ("i", "f", "g", "o"), "GRU": ("r", "z", "n")}

State = Union[Tensor, tuple[Tensor, Tensor]]


@dataclass
class LayerTrace:
    """One layer's states over a sequence, each a ``(batch, hidden)`` tensor per step."""

    module: str
    layer: int
    mode: str
    hidden: list[Tensor] = field(default_factory=list)
    cell: list[Tensor] = field(default_factory=list)
    #: Per step, the gate activations side by side, ``(batch, gates * hidden)``.
    gates: list[Tensor] = field(default_factory=list)


def cannot_unroll(module: nn.RNNBase) -> Optional[str]:
    """Why ``module`` cannot be unrolled here, or None when it can."""
    if module.bidirectional:
        return "it is bidirectional"
    if getattr(module, "proj_size", 0):
        return "it has a projection (proj_size)"
    if module.mode not in GATE_NAMES:
        return f"its mode {module.mode} is not RNN, LSTM or GRU"
    return None


def unrolled_forward(
    module: nn.RNNBase, name: str, input: Tensor, hx: Optional[State], keep_gates: bool
) -> tuple[Tensor, State, list[LayerTrace]]:
    """What ``module(input, hx)`` returns, computed step by step, and each layer's trace.

    Takes the shapes the module takes: ``(T, B, I)``, ``(B, T, I)`` with
    ``batch_first``, or an unbatched ``(T, I)``. Dropout between layers is applied as
    the module would in training mode (with other random numbers than the fused kernel).
    """
    batched = input.dim() == 3
    x = input if batched else input.unsqueeze(1)
    if batched and module.batch_first:
        x = x.transpose(0, 1)
    steps, batch = x.shape[0], x.shape[1]
    layers, size = module.num_layers, module.hidden_size
    lstm = module.mode == "LSTM"
    h0, c0 = _initial_state(hx, lstm, batched, layers, batch, size, x)

    traces, last_h, last_c = [], [], []
    for layer in range(layers):
        w_ih, w_hh = getattr(module, f"weight_ih_l{layer}"), getattr(module, f"weight_hh_l{layer}")
        b_ih = getattr(module, f"bias_ih_l{layer}") if module.bias else None
        b_hh = getattr(module, f"bias_hh_l{layer}") if module.bias else None
        # Every step's input projection at once; b_hh joins it where no gate multiplies it.
        projected = F.linear(x, w_ih, b_ih)
        step_bias = b_hh if module.mode == "GRU" else None
        if b_hh is not None and step_bias is None:
            projected = projected + b_hh
        trace = LayerTrace(name, layer, module.mode)
        h, c = h0[layer], c0[layer] if lstm else None
        for t in range(steps):
            h, c, gates = _cell(module.mode, projected[t], h, c, w_hh, step_bias)
            trace.hidden.append(h)
            if lstm:
                trace.cell.append(c)
            if keep_gates and gates:
                trace.gates.append(torch.cat(gates, 1))
        traces.append(trace)
        last_h.append(h)
        last_c.append(c)
        x = torch.stack(trace.hidden)
        if layer < layers - 1 and module.dropout > 0:
            x = F.dropout(x, module.dropout, training=module.training)

    output = x.transpose(0, 1) if batched and module.batch_first else x
    h_n = torch.stack(last_h)
    state: State = (h_n, torch.stack(last_c)) if lstm else h_n
    if not batched:
        output = output.squeeze(1)
        state = (state[0].squeeze(1), state[1].squeeze(1)) if lstm else state.squeeze(1)
    return output, state, traces


def _initial_state(
    hx: Optional[State], lstm: bool, batched: bool, layers: int, batch: int, size: int, like: Tensor
) -> tuple[Tensor, Optional[Tensor]]:
    if hx is None:
        zeros = like.new_zeros(layers, batch, size)
        return zeros, (zeros if lstm else None)
    h0, c0 = hx if lstm else (hx, None)
    if not batched:
        h0 = h0.unsqueeze(1)
        c0 = c0.unsqueeze(1) if c0 is not None else None
    return h0, c0


def _cell(
    mode: str, projected: Tensor, h: Tensor, c: Optional[Tensor], w_hh: Tensor, b_hh: Optional[Tensor]
) -> tuple[Tensor, Optional[Tensor], tuple[Tensor, ...]]:
    """One step: the new h, the new c (LSTM) and the gate activations (LSTM, GRU).
    ``projected`` holds the step's input projection (with both biases, but for a GRU)."""
    if mode == "RNN_TANH":
        return torch.tanh(torch.addmm(projected, h, w_hh.t())), None, ()
    if mode == "RNN_RELU":
        return torch.relu(torch.addmm(projected, h, w_hh.t())), None, ()
    if mode == "LSTM":
        gates = torch.addmm(projected, h, w_hh.t())
        size = h.shape[1]
        sigmoids = torch.sigmoid(gates)
        i, f, o = sigmoids[:, :size], sigmoids[:, size : 2 * size], sigmoids[:, 3 * size :]
        g = torch.tanh(gates[:, 2 * size : 3 * size])
        c = torch.addcmul(f * c, i, g)
        return o * torch.tanh(c), c, (i, f, g, o)
    recurrent = F.linear(h, w_hh, b_hh)
    x_r, x_z, x_n = projected.chunk(3, 1)
    h_r, h_z, h_n = recurrent.chunk(3, 1)
    r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h, None, (r, z, n)
