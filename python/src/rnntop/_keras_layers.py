"""Keras's recurrent layers run with every time step's state and gradient kept (on
Keras's torch backend, where a Keras model is a ``torch.nn.Module``).

``keras.layers.LSTM``, ``GRU`` (both ``reset_after`` settings) and ``SimpleRNN`` run
here step by step with the layer's own weights and activations (the seed's
``activation="relu"`` included), as the layer's ``cell`` computes them, in eval mode
(no dropout, no recurrent dropout). Each ``h_t`` gets a hook that keeps ∂L/∂h_t when
the pass back-propagates; the weights are detached, so no variable's gradient is
touched.

The traces use PyTorch's gate names so that the log reads as for ``nn.LSTM`` and
``nn.GRU``: Keras's LSTM gates i, f, c, o are PyTorch's i, f, g, o (same order), and
Keras's GRU gates z, r, h are kept in PyTorch's order r, z, n.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Optional

import torch
from torch import Tensor

from ._unroll import LayerTrace

__all__ = ["activation_name", "is_keras_model", "keras_recurrent_layers", "recurrent_kind", "unrolled_call", "walk"]


def is_keras_model(model: Any) -> bool:
    """Whether ``model`` is a Keras model (without importing Keras when it is not)."""
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(model, keras.Model)


def recurrent_kind(layer: Any) -> Optional[str]:
    """The layer's kind, "LSTM", "GRU" or "SimpleRNN", if rnntop unrolls and converts it; else None."""
    import keras

    for kind in ("LSTM", "GRU", "SimpleRNN"):
        if isinstance(layer, getattr(keras.layers, kind)):
            return kind
    return None


def walk(model: Any) -> list[Any]:
    """Every layer under ``model``, depth first, in the order the model holds them."""
    found = []
    for layer in getattr(model, "layers", []):
        found.append(layer)
        found.extend(walk(layer))
    return found


def keras_recurrent_layers(model: Any) -> tuple[list[tuple[str, Any]], list[str]]:
    """The model's recurrent layers that can be unrolled, and a sentence for each
    recurrent layer that cannot (a ``Bidirectional`` wrapper, a layer that runs
    backwards or keeps its state between batches, another recurrent layer)."""
    import keras

    unrollable, refused = [], []
    for layer in walk(model):
        kind = recurrent_kind(layer)
        if kind is not None:
            reason = _cannot_unroll(layer)
            if reason is None:
                unrollable.append((layer.name, layer))
            else:
                refused.append(f"{layer.name} ({kind}) cannot be unrolled: {reason}")
        elif isinstance(layer, keras.layers.Bidirectional):
            refused.append(f"{layer.name} (Bidirectional) cannot be unrolled: it is bidirectional")
        elif isinstance(layer, keras.layers.RNN):
            refused.append(f"{layer.name} ({type(layer).__name__}) cannot be unrolled: rnntop unrolls LSTM, GRU and SimpleRNN layers")
    return unrollable, refused


def _cannot_unroll(layer: Any) -> Optional[str]:
    if layer.go_backwards:
        return "it runs backwards (go_backwards=True)"
    if layer.stateful:
        return "it keeps its state between batches (stateful=True)"
    return None


def unrolled_call(
    layer: Any, name: str, sequences: Tensor, initial_state: Any, keep_gates: bool, anchor: Tensor
) -> tuple[Any, LayerTrace]:
    """What ``layer(sequences, initial_state=...)`` returns in eval mode, and the layer's
    trace, whose ``gradient`` the backward pass fills in. ``anchor`` is a tensor that
    requires a gradient: every ``h_t`` depends on it, so that asking for its gradient
    runs the backward through every step."""
    kind = recurrent_kind(layer)
    cell = layer.cell
    x = sequences.transpose(0, 1)  # time-major: (T, B, features)
    steps, batch, units = x.shape[0], x.shape[1], cell.units
    kernel, recurrent = cell.kernel.value.detach(), cell.recurrent_kernel.value.detach()
    bias = cell.bias.value.detach() if cell.use_bias else None
    states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state] if initial_state is not None else []
    h = states[0] if states else x.new_zeros(batch, units)
    c = (states[1] if len(states) > 1 else x.new_zeros(batch, units)) if kind == "LSTM" else None
    step = {"LSTM": _lstm_step, "GRU": _gru_step, "SimpleRNN": _simple_step}[kind]
    weights = _Weights(kernel, recurrent, bias, cell.activation, getattr(cell, "recurrent_activation", None), getattr(cell, "reset_after", True))
    projected = _project(kind, x, weights)

    gradient = torch.zeros(steps, batch, units, dtype=x.dtype, device=x.device)
    hidden, cells, gates = [], [], []
    for t in range(steps):
        h, c, activations = step(projected[t], h, c, weights)
        h = h + anchor
        h.register_hook(_keeper(gradient, t))
        hidden.append(h)
        if c is not None:
            cells.append(c.detach())
        if keep_gates and activations is not None:
            gates.append(activations.detach())
    mode = kind if kind != "SimpleRNN" else ("RNN_RELU" if activation_name(cell.activation) == "relu" else "RNN_TANH")
    trace = LayerTrace(
        name, 0, mode, torch.stack([s.detach() for s in hidden]),
        cell=torch.stack(cells) if cells else None, gates=torch.stack(gates) if gates else None, gradient=gradient,
    )  # fmt: skip
    output = torch.stack(hidden, 1) if layer.return_sequences else hidden[-1]
    if layer.return_state:
        return ((output, h, c) if kind == "LSTM" else (output, h)), trace
    return output, trace


class _Weights:
    """A cell's weights (detached) and activations."""

    def __init__(self, kernel: Tensor, recurrent: Tensor, bias: Optional[Tensor], activation: Callable, recurrent_activation: Optional[Callable], reset_after: bool) -> None:
        self.kernel, self.recurrent, self.bias = kernel, recurrent, bias
        self.activation, self.recurrent_activation, self.reset_after = activation, recurrent_activation, reset_after


def _project(kind: str, x: Tensor, w: _Weights) -> Tensor:
    """``x_t @ kernel`` (plus the input side's bias) for every step at once."""
    projected = x @ w.kernel
    if w.bias is None:
        return projected
    if kind == "GRU" and w.reset_after:
        return projected + w.bias[0]
    return projected + w.bias


def _lstm_step(projected: Tensor, h: Tensor, c: Optional[Tensor], w: _Weights) -> tuple[Tensor, Tensor, Tensor]:
    """Keras's LSTMCell: z = x K + h R + b; i, f, o = σ(z); c' = f c + i act(z_c); h' = o act(c')."""
    assert c is not None
    z_i, z_f, z_c, z_o = (projected + h @ w.recurrent).chunk(4, 1)
    i, f, o = w.recurrent_activation(z_i), w.recurrent_activation(z_f), w.recurrent_activation(z_o)
    g = w.activation(z_c)
    c = f * c + i * g
    return o * w.activation(c), c, torch.cat((i, f, g, o), 1)


def _gru_step(projected: Tensor, h: Tensor, c: Optional[Tensor], w: _Weights) -> tuple[Tensor, None, Tensor]:
    """Keras's GRUCell (gates z, r, h): with ``reset_after`` (PyTorch's form) the reset
    gate multiplies ``h R_h + b_h``, without it ``h`` before ``R_h``; h' = z h + (1 - z) ĥ."""
    x_z, x_r, x_h = projected.chunk(3, 1)
    units = h.shape[1]
    if w.reset_after:
        inner = h @ w.recurrent
        if w.bias is not None:
            inner = inner + w.bias[1]
        h_z, h_r, h_h = inner.chunk(3, 1)
        z, r = w.recurrent_activation(x_z + h_z), w.recurrent_activation(x_r + h_r)
        candidate = w.activation(x_h + r * h_h)
    else:
        z = w.recurrent_activation(x_z + h @ w.recurrent[:, :units])
        r = w.recurrent_activation(x_r + h @ w.recurrent[:, units : 2 * units])
        candidate = w.activation(x_h + (r * h) @ w.recurrent[:, 2 * units :])
    return z * h + (1 - z) * candidate, None, torch.cat((r, z, candidate), 1)


def _simple_step(projected: Tensor, h: Tensor, c: Optional[Tensor], w: _Weights) -> tuple[Tensor, None, None]:
    """Keras's SimpleRNNCell: h' = act(x K + b + h R); no gates."""
    return w.activation(projected + h @ w.recurrent), None, None


def _keeper(gradient: Tensor, t: int) -> Callable[[Tensor], None]:
    def keep(grad: Tensor) -> None:
        gradient[t].copy_(grad)

    return keep


def activation_name(function: Callable) -> str:
    """A Keras activation's name ("tanh", "relu"), or its function's."""
    import keras

    try:
        return str(keras.activations.serialize(function))
    except (ValueError, TypeError):
        return getattr(function, "__name__", "")
