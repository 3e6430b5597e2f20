"""PyTorch's recurrent modules run with every time step's state and gradient kept.

``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` run fused kernels that keep no ``h_t``, and
autograd gives no gradient for a state it never saw. :func:`unrolled_forward` computes
what ``module(input, hx)`` returns as one autograd function, :class:`_Recurrence`:

- forward, layer by layer with PyTorch's own fused kernel on the module's parameters;
  every ``h_t`` of every layer comes out of it, and from those the gate activations of
  all the steps at once (two matrix products a layer) and ``c_t`` (one operation a step);
- backward, back-propagation through time written out with PyTorch's cell equations,
  which gives ∂L/∂h_t of every layer and step through every later step and layer (kept
  in the layer's :class:`LayerTrace`), and the gradients of the input and the initial
  state, so that the model around the module back-propagates as usual. The parameters
  get no gradient: a pass asks for the states' only.

The cell equations (gates in PyTorch's order, ``W_ih x + b_ih`` and ``W_hh h + b_hh``):

- RNN: ``h' = act(W_ih x + b_ih + W_hh h + b_hh)``
- LSTM: ``i, f, o = sigmoid(.)``, ``g = tanh(.)``, ``c' = f * c + i * g``, ``h' = o * tanh(c')``
- GRU: ``r, z = sigmoid(.)``, ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``,
  ``h' = (1 - z) * n + z * h``

A step of the backward is a few operations on ``(batch, hidden)`` tensors with no
autograd graph, so a pass costs about a fused forward and a tenth of what the same
equations cost through autograd step by step. The pass runs in eval mode: no dropout
between layers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["GATE_NAMES", "LayerTrace", "cannot_unroll", "unrolled_forward"]

#: PyTorch's gate blocks, in the order of the weight matrices' rows.
GATE_NAMES: dict[str, tuple[str, ...]] = {
    "RNN_TANH": (), "RNN_RELU": (), "LSTM": ("i", "f", "g", "o"), "GRU": ("r", "z", "n"),
    "MINGRU": ("z", "h"), "MINLSTM": ("f", "i", "h"),  # rnntop.cells, watched
}  # fmt: skip

State = Union[Tensor, tuple[Tensor, Tensor]]


@dataclass
class LayerTrace:
    """One layer over a sequence, time-major: each a ``(steps, batch, ...)`` tensor."""

    module: str
    layer: int
    mode: str
    hidden: Tensor
    #: The LSTM's memory, else None.
    cell: Optional[Tensor] = None
    #: The gate activations side by side, ``(steps, batch, gates * hidden)`` (when kept).
    gates: Optional[Tensor] = None
    #: ∂L/∂h_t, filled in by the backward pass.
    gradient: Optional[Tensor] = None


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
    module: nn.RNNBase, name: str, input: Tensor, hx: Optional[State], keep_gates: bool, anchor: Tensor
) -> tuple[Tensor, State, list[LayerTrace]]:
    """What ``module(input, hx)`` returns in eval mode, and each layer's trace, whose
    ``gradient`` the backward pass fills in.

    Takes the shapes the module takes: ``(T, B, I)``, ``(B, T, I)`` with
    ``batch_first``, or an unbatched ``(T, I)``. ``anchor`` is a tensor that requires a
    gradient: asking for its gradient runs the backward pass, whether or not anything
    else before the module needs one.
    """
    batched = input.dim() == 3
    x = input if batched else input.unsqueeze(1)
    if batched and module.batch_first:
        x = x.transpose(0, 1)
    lstm = module.mode == "LSTM"
    layers, batch, size = module.num_layers, x.shape[1], module.hidden_size
    if hx is None:
        h0 = x.new_zeros(layers, batch, size)
        c0 = x.new_zeros(layers, batch, size) if lstm else None
    else:
        h0, c0 = hx if lstm else (hx, None)
        if not batched:
            h0 = h0.unsqueeze(1)
            c0 = c0.unsqueeze(1) if c0 is not None else None

    traces: list[LayerTrace] = []
    outputs = _Recurrence.apply(_Setting(module, name, keep_gates, traces), anchor, x, h0, c0)
    output, h_n = outputs[0], outputs[1]
    state: State = (h_n, outputs[2]) if lstm else h_n
    if batched and module.batch_first:
        output = output.transpose(0, 1)
    if not batched:
        output = output.squeeze(1)
        state = (state[0].squeeze(1), state[1].squeeze(1)) if lstm else state.squeeze(1)
    return output, state, traces


@dataclass
class _Setting:
    """What :class:`_Recurrence` runs, and where it puts the layers' traces."""

    module: nn.RNNBase
    name: str
    keep_gates: bool
    traces: list[LayerTrace]


@dataclass
class _Layer:
    """One layer's weights and what its forward saved for the backward, time-major."""

    w_ih: Tensor
    w_hh: Tensor
    #: Per step, what multiplies ∂L/∂h_t (and ∂L/∂c_t) in the backward; see ``_backward_*``.
    factors: dict[str, Tensor]


class _Recurrence(torch.autograd.Function):
    """A recurrent module's forward (fused, layer by layer) and its back-propagation
    through time for the states, the input and the initial state."""

    @staticmethod
    def forward(ctx: Any, setting: _Setting, anchor: Tensor, x: Tensor, h0: Tensor, c0: Optional[Tensor]) -> tuple[Tensor, ...]:
        module = setting.module
        lstm = module.mode == "LSTM"
        saved, last_h, last_c = [], [], []
        for layer in range(module.num_layers):
            weights = [getattr(module, f"{kind}_l{layer}") for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")[: 4 if module.bias else 2]]
            state = (h0[layer : layer + 1], c0[layer : layer + 1]) if lstm else h0[layer : layer + 1]
            trace, factors = _layer_forward(module.mode, weights, x, state, setting.keep_gates)
            trace.module, trace.layer = setting.name, layer
            setting.traces.append(trace)
            saved.append(_Layer(weights[0], weights[1], factors))
            last_h.append(trace.hidden[-1])
            if trace.cell is not None:
                last_c.append(trace.cell[-1])
            x = trace.hidden
        ctx.setting, ctx.layers, ctx.anchor = setting, saved, (anchor.shape, anchor.dtype, anchor.device)
        h_n = torch.stack(last_h)
        return (x, h_n, torch.stack(last_c)) if lstm else (x, h_n)

    @staticmethod
    def backward(ctx: Any, *grads: Tensor) -> tuple[Optional[Tensor], ...]:
        setting: _Setting = ctx.setting
        grad_output, grad_h_n = grads[0], grads[1]
        lstm = setting.module.mode == "LSTM"
        needs_x, needs_h0, needs_c0 = ctx.needs_input_grad[2:5]
        direct = grad_output  # ∂L/∂output of a layer: the loss's, then the layer above's ∂L/∂input
        grad_h0, grad_c0 = [], []
        for layer in reversed(range(len(ctx.layers))):
            saved: _Layer = ctx.layers[layer]
            if lstm:
                gradient, pre, dh0, dc0 = _backward_lstm(saved, direct, grad_h_n[layer], grads[2][layer])
                grad_c0.append(dc0)
            elif setting.module.mode == "GRU":
                gradient, pre, dh0 = _backward_gru(saved, direct, grad_h_n[layer])
            else:
                gradient, pre, dh0 = _backward_rnn(saved, direct, grad_h_n[layer])
            setting.traces[layer].gradient = gradient
            grad_h0.append(dh0)
            if layer > 0 or needs_x:
                direct = torch.matmul(pre, saved.w_ih)  # ∂L/∂x_t, every step at once
        shape, dtype, device = ctx.anchor
        return (
            None,
            torch.zeros(shape, dtype=dtype, device=device),
            direct if needs_x else None,
            torch.stack(grad_h0[::-1]) if needs_h0 else None,
            torch.stack(grad_c0[::-1]) if lstm and needs_c0 else None,
        )


def _layer_forward(mode: str, weights: list[Tensor], x: Tensor, state: State, keep_gates: bool) -> tuple[LayerTrace, dict[str, Tensor]]:
    """One layer over the sequence ``x`` (time-major) from ``state`` (each ``(1, B, H)``),
    with the fused kernel: its trace, and the factors its backward needs."""
    bias = len(weights) == 4
    w_ih, w_hh = weights[0], weights[1]
    b_ih, b_hh = (weights[2], weights[3]) if bias else (None, None)
    kernel = {"LSTM": torch._VF.lstm, "GRU": torch._VF.gru, "RNN_TANH": torch._VF.rnn_tanh, "RNN_RELU": torch._VF.rnn_relu}[mode]
    output = kernel(x, state, weights, bias, 1, 0.0, False, False, False)[0]
    trace = LayerTrace("", 0, mode, output)
    if mode == "RNN_TANH":
        return trace, {"pre": 1 - output * output}  # ∂h_t/∂(pre-activation)
    if mode == "RNN_RELU":
        return trace, {"pre": (output > 0).to(output.dtype)}
    h0 = state[0] if mode == "LSTM" else state
    previous = torch.cat((h0, output[:-1]))  # h_{t-1} for every t
    projected, recurrent = F.linear(x, w_ih, b_ih), F.linear(previous, w_hh, b_hh)
    if mode == "LSTM":
        i, f, g, o = (projected + recurrent).chunk(4, 2)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        cell = torch.empty_like(output)
        c = state[1][0]
        for written, forget, out in zip((i * g).unbind(0), f.unbind(0), cell.unbind(0)):
            c = torch.addcmul(written, forget, c, out=out)
        c_previous = torch.cat((state[1], cell[:-1]))
        tanh_c = torch.tanh(cell)
        trace.cell = cell
        if keep_gates:
            trace.gates = torch.cat((i, f, g, o), 2)
        return trace, {
            "h_to_c": o * (1 - tanh_c * tanh_c),  # ∂h_t/∂c_t
            "forget": f,  # ∂c_t/∂c_{t-1}
            # ∂c_t/∂ the i, f, g pre-activations and ∂h_t/∂ the o pre-activation, side by side
            "to_gates": torch.cat((g * i * (1 - i), c_previous * f * (1 - f), i * (1 - g * g), tanh_c * o * (1 - o)), 2),
        }
    x_r, x_z, x_n = projected.chunk(3, 2)
    h_r, h_z, h_n = recurrent.chunk(3, 2)
    r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    if keep_gates:
        trace.gates = torch.cat((r, z, n), 2)
    return trace, {
        # ∂h_t/∂ the n and z pre-activations, side by side
        "to_nz": torch.cat(((1 - z) * (1 - n * n), (previous - n) * z * (1 - z)), 2),
        "r_pre": h_n * r * (1 - r),  # ∂(n pre-activation)/∂(r pre-activation)
        "r": r,
        "z": z,  # ∂h_t/∂h_{t-1}, besides through the gates
    }


def _backward_lstm(layer: _Layer, direct: Tensor, dh_last: Tensor, dc_last: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """∂L/∂h_t for every step, ∂L/∂ the gates' pre-activations (i, f, g, o), and ∂L/∂h_0
    and ∂L/∂c_0, from ``direct`` (∂L/∂h_t through what takes the layer's output) and the
    gradients of the last state. Cost: five operations a step."""
    to_c, forget, to_gates = (layer.factors[name].unbind(0) for name in ("h_to_c", "forget", "to_gates"))
    directs = direct.unbind(0)
    gradients, pres = [], []
    dh, dc = directs[-1] + dh_last, dc_last
    for t in reversed(range(len(directs))):
        gradients.append(dh)
        dc = torch.addcmul(dc, dh, to_c[t])  # ∂L/∂c_t
        pre = torch.cat((dc, dc, dc, dh), 1).mul_(to_gates[t])
        pres.append(pre)
        dc = dc * forget[t]
        dh = torch.addmm(directs[t - 1], pre, layer.w_hh) if t > 0 else pre @ layer.w_hh
    return torch.stack(gradients[::-1]), torch.stack(pres[::-1]), dh, dc


def _backward_gru(layer: _Layer, direct: Tensor, dh_last: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """∂L/∂h_t for every step, ∂L/∂ the input side's pre-activations (r, z, n), and
    ∂L/∂h_0. Cost: eight operations a step."""
    to_nz, r_pre, r, z = (layer.factors[name].unbind(0) for name in ("to_nz", "r_pre", "r", "z"))
    directs = direct.unbind(0)
    gradients, pres = [], []
    dh = directs[-1] + dh_last
    for t in reversed(range(len(directs))):
        gradients.append(dh)
        dn, dz = torch.cat((dh, dh), 1).mul_(to_nz[t]).chunk(2, 1)
        dr = dn * r_pre[t]
        pres.append(torch.cat((dr, dz, dn), 1))
        recurrent = torch.cat((dr, dz, dn * r[t]), 1)  # ∂L/∂(W_hh h + b_hh)
        through = torch.addcmul(directs[t - 1], dh, z[t]) if t > 0 else dh * z[t]
        dh = torch.addmm(through, recurrent, layer.w_hh)
    return torch.stack(gradients[::-1]), torch.stack(pres[::-1]), dh


def _backward_rnn(layer: _Layer, direct: Tensor, dh_last: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """∂L/∂h_t for every step, ∂L/∂ the pre-activations, and ∂L/∂h_0. Cost: two
    operations a step."""
    to_pre, directs = layer.factors["pre"].unbind(0), direct.unbind(0)
    gradients, pres = [], []
    dh = directs[-1] + dh_last
    for t in reversed(range(len(directs))):
        gradients.append(dh)
        pre = dh * to_pre[t]
        pres.append(pre)
        dh = torch.addmm(directs[t - 1], pre, layer.w_hh) if t > 0 else pre @ layer.w_hh
    return torch.stack(gradients[::-1]), torch.stack(pres[::-1]), dh
