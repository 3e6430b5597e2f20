"""What the run record says about a Keras model and its optimizer (torch backend)."""

from __future__ import annotations

from typing import Any

import torch

from ._keras_layers import activation_name
from ._passes import RecurrentModules

__all__ = ["KerasOptimizer", "keras_model_record", "keras_named_parameters"]

_CELLS = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "rnn"}


def keras_named_parameters(model: Any) -> list[tuple[str, torch.Tensor]]:
    """The trainable variables by their Keras paths (``sequential/lstm/lstm_cell/kernel``),
    as the torch tensors that hold them."""
    return [(variable.path, variable.value) for variable in model.trainable_weights]


def keras_model_record(model: Any, modules: RecurrentModules) -> dict[str, Any]:
    """The run record's ``model``: the first recurrent layer's cell and sizes, the
    recurrent layers the per-step records will have, and a one-line summary of the
    layers."""
    record: dict[str, Any] = {"summary": _summary(model)}
    if modules.unrollable:
        first = modules.unrollable[0][1]
        record["cell"] = _CELLS[type(first).__name__] if type(first).__name__ in _CELLS else type(first).__name__.lower()
        activation = activation_name(first.cell.activation)
        if activation in ("tanh", "relu"):
            record["activation"] = activation
        features = first.input.shape[-1] if first.input is not None else None
        if features:
            record["input"] = int(features)
        record["hidden"] = int(first.cell.units)
        record["layers"] = len(modules.unrollable)
        record["dropout"] = float(first.dropout)
    record["modules"] = [
        {"name": name, "type": type(layer).__name__, "hidden": int(layer.cell.units), "layers": 1, "batch_first": True,
         "bidirectional": False, "dropout": float(layer.dropout), "recurrent_dropout": float(layer.recurrent_dropout),
         "activation": activation_name(layer.cell.activation), "return_sequences": bool(layer.return_sequences), "unrolled": True}
        for name, layer in modules.unrollable
    ]  # fmt: skip
    return record


def _summary(model: Any) -> str:
    """``Sequential(lstm=LSTM(50, relu), dropout=Dropout(0.2), dense=Dense(1))``."""
    parts = []
    for layer in getattr(model, "layers", []):
        config = layer.get_config()
        if "units" in config:
            detail = f"{config['units']}, {config['activation']}" if "activation" in config else f"{config['units']}"
        elif "rate" in config:
            detail = f"{config['rate']:g}"
        else:
            detail = ""
        parts.append(f"{layer.name}={type(layer).__name__}({detail})")
    return f"{type(model).__name__}({', '.join(parts)})"


class KerasOptimizer:
    """A Keras optimizer as the log reads a PyTorch one: its name and one parameter
    group of its settings by PyTorch's names (``lr``, ``betas``, ``eps``), the learning
    rate the one it uses now (a schedule's current value)."""

    _RENAMED = {"learning_rate": "lr", "epsilon": "eps"}

    def __init__(self, optimizer: Any) -> None:
        self._optimizer = optimizer
        self.rnntop_name = str(optimizer.get_config().get("name", type(optimizer).__name__)).lower()

    @property
    def param_groups(self) -> list[dict[str, Any]]:
        config = self._optimizer.get_config()
        group: dict[str, Any] = {}
        for key, value in config.items():
            if key == "name" or isinstance(value, dict) or value is None:
                continue
            group[self._RENAMED.get(key, key)] = value
        if "beta_1" in group and "beta_2" in group:
            group["betas"] = [group.pop("beta_1"), group.pop("beta_2")]
        group["lr"] = float(self._optimizer.learning_rate)
        return [group]
