"""What the run record says about a Keras model and its optimizer (torch backend)."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

import torch

from ._keras_layers import activation_name, recurrent_kind, walk
from ._passes import RecurrentModules

__all__ = ["KerasOptimizer", "keras_model_record", "keras_named_parameters"]

_CELLS = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "rnn"}


def keras_named_parameters(model: Any) -> list[tuple[str, torch.Tensor]]:
    """The trainable variables by their Keras paths (``sequential/lstm/lstm_cell/kernel``),
    as the torch tensors that hold them."""
    return [(variable.path, variable.value) for variable in model.trainable_weights]


def keras_model_record(model: Any, modules: RecurrentModules) -> dict[str, Any]:
    """The run record's ``model``: the first recurrent layer's cell and sizes (a
    ``Bidirectional`` one's forward layer when none can be unrolled), how many layers of
    that kind and width follow one another, the unrolled layers, and a one-line summary
    of the layers."""
    record: dict[str, Any] = {"summary": _summary(model)}
    first = modules.unrollable[0][1] if modules.unrollable else _first_recurrent(model)
    if first is not None:
        kind = type(first).__name__
        record["cell"] = _CELLS.get(kind, kind.lower())
        activation = activation_name(first.cell.activation)
        if activation in ("tanh", "relu"):
            record["activation"] = activation
        record["input"] = int(first.cell.kernel.shape[0])
        record["hidden"] = int(first.cell.units)
        alike = 0
        for _, layer in modules.unrollable:
            if type(layer) is not type(first) or layer.cell.units != first.cell.units:
                break
            alike += 1
        record["layers"] = max(alike, 1)
        record["dropout"] = float(first.dropout)
    record["modules"] = [
        {"name": name, "type": type(layer).__name__, "hidden": int(layer.cell.units), "layers": 1, "batch_first": True,
         "bidirectional": False, "dropout": float(layer.dropout), "recurrent_dropout": float(layer.recurrent_dropout),
         "activation": activation_name(layer.cell.activation), "return_sequences": bool(layer.return_sequences), "unrolled": True}
        for name, layer in modules.unrollable
    ]  # fmt: skip
    return record


def _first_recurrent(model: Any) -> Any:
    """The first LSTM, GRU or SimpleRNN in the model, inside a ``Bidirectional`` too."""
    import keras

    for layer in walk(model):
        inner = layer.forward_layer if isinstance(layer, keras.layers.Bidirectional) else layer
        if recurrent_kind(inner) is not None:
            return inner
    return None


def _summary(model: Any) -> str:
    """``Sequential(lstm=LSTM(50, relu), dropout=Dropout(0.2), dense=Dense(1))``."""
    parts = []
    for layer in getattr(model, "layers", []):
        config = layer.get_config()
        inner = getattr(layer, "forward_layer", None)  # a Bidirectional's
        if inner is not None:
            detail = f"{type(inner).__name__}({inner.cell.units})"
        elif "units" in config:
            detail = f"{config['units']}, {config['activation']}" if "activation" in config else f"{config['units']}"
        elif "rate" in config:
            detail = f"{config['rate']:g}"
        else:
            detail = ""
        parts.append(f"{layer.name}={type(layer).__name__}({detail})")
    return f"{type(model).__name__}({', '.join(parts)})"


class KerasOptimizer:
    """A Keras optimizer as the log reads a PyTorch one: its name (the class's, lower
    case) and one parameter group of its settings by PyTorch's names (``lr``, ``betas``,
    ``eps``; numbers as float32 gives them), the learning rate the one it uses now (a
    schedule's current value); and its clipping as rnntop's ``clip`` setting where it
    is one rnntop has (``global_clipnorm``: by the global norm; ``clipvalue``)."""

    _RENAMED = {"learning_rate": "lr", "epsilon": "eps"}

    def __init__(self, optimizer: Any) -> None:
        self._optimizer = optimizer
        self.rnntop_name = type(optimizer).__name__.lower()
        config = optimizer.get_config()
        self.rnntop_clip: Optional[dict[str, Any]] = None
        if config.get("global_clipnorm"):
            self.rnntop_clip = {"mode": "norm", "threshold": _short(config["global_clipnorm"])}
        elif config.get("clipvalue"):
            self.rnntop_clip = {"mode": "value", "threshold": _short(config["clipvalue"])}
        # Read once: the log asks for the group every step, and only the rate changes
        # during fit (a schedule, ReduceLROnPlateau).
        self._settings: dict[str, Any] = {}
        for key, value in config.items():
            if key != "name" and not isinstance(value, dict) and value is not None:
                self._settings[self._RENAMED.get(key, key)] = _short(value)
        if "beta_1" in self._settings and "beta_2" in self._settings:
            self._settings["betas"] = [self._settings.pop("beta_1"), self._settings.pop("beta_2")]
        if "eps" in self._settings and self.rnntop_name in ("adam", "adamw"):
            self._settings["eps_hat"] = True  # Keras adds epsilon before the bias correction

    @property
    def param_groups(self) -> list[dict[str, Any]]:
        return [{**self._settings, "lr": _short(float(self._optimizer.learning_rate))}]


def _short(value: Any) -> Any:
    """A float32 setting as its shortest decimal (0.001, not 0.0010000000474974513)."""
    if isinstance(value, float):
        return float(str(np.float32(value)))
    return value
