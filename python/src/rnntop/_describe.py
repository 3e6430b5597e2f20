"""What the run record says about a PyTorch model and its optimizer."""

from __future__ import annotations

import numbers
from typing import Any, Optional

import torch
from torch import nn

from ._passes import RecurrentModules
from ._watch import Watched

__all__ = ["model_record", "named_parameters", "optimizer_settings", "unwrap"]

_CELLS = {"RNN_TANH": ("rnn", "tanh"), "RNN_RELU": ("rnn", "relu"), "LSTM": ("lstm", "tanh"), "GRU": ("gru", "tanh")}
#: Keys of a parameter group that say how the optimizer is computed, not what it does.
_IMPLEMENTATION = {"params", "foreach", "capturable", "differentiable", "fused"}


def unwrap(model: nn.Module) -> nn.Module:
    """The module that holds the layers: a DistributedDataParallel's or DataParallel's
    ``module``, a compiled model's original."""
    while True:
        if isinstance(model, (nn.parallel.DistributedDataParallel, nn.DataParallel)):
            model = model.module
        elif isinstance(getattr(model, "_orig_mod", None), nn.Module):
            model = model._orig_mod
        else:
            return model


def named_parameters(model: nn.Module, modules: RecurrentModules) -> list[tuple[str, torch.Tensor]]:
    """The parameters the log measures, by name: a Keras model's trainable variables by
    their paths, else ``named_parameters()``."""
    if modules.keras:
        from ._keras_describe import keras_named_parameters

        return keras_named_parameters(model)
    return list(model.named_parameters())


def model_record(model: nn.Module, modules: RecurrentModules) -> dict[str, Any]:
    """The run record's ``model``: the first recurrent module's cell and sizes, the
    layers the per-step records will have, and a one-line summary of the module tree."""
    if modules.keras:
        from ._keras_describe import keras_model_record

        return keras_model_record(model, modules)
    recurrent = [module for _, module in modules.unrollable] or [m for m in model.modules() if isinstance(m, nn.RNNBase)]
    record: dict[str, Any] = {"summary": summary(model)}
    watched_layers = sum(w.layers for w in modules.watched)
    if recurrent:
        first = recurrent[0]
        cell, activation = _CELLS.get(first.mode, (first.mode.lower(), "tanh"))
        record.update(
            cell=cell,
            activation=activation,
            input=first.input_size,
            hidden=first.hidden_size,
            layers=sum(module.num_layers for _, module in modules.unrollable) + watched_layers or first.num_layers,
            dropout=first.dropout,
        )
    elif modules.watched:
        # rnntop's own cells are named as its engine names them; another module's cell is not known.
        first = modules.watched[0]
        if first.own_cell:
            cell = first.module
            record.update(cell=type(cell).__name__.lower(), input=cell.input_size, hidden=cell.hidden_size)
        record["layers"] = watched_layers
    record["modules"] = [
        {
            "name": name or type(module).__name__,
            "type": type(module).__name__,
            "input": module.input_size,
            "hidden": module.hidden_size,
            "layers": module.num_layers,
            "batch_first": module.batch_first,
            "bidirectional": module.bidirectional,
            "dropout": module.dropout,
            "unrolled": any(module is m for _, m in modules.unrollable),
        }
        for name, module in model.named_modules()
        if isinstance(module, nn.RNNBase)
    ] + [_watched_record(w) for w in modules.watched]
    return record


def _watched_record(watched: Watched) -> dict[str, Any]:
    """A watched module in the run record's ``modules``: what is known of it."""
    record: dict[str, Any] = {"name": watched.name, "type": type(watched.module).__name__, "watched": True}
    if watched.own_cell:
        cell = watched.module
        record.update(input=cell.input_size, hidden=cell.hidden_size, layers=cell.num_layers, batch_first=cell.batch_first, mode=cell.mode)
    elif watched.states is None:
        record["called"] = "once per step"
    return record


def summary(model: nn.Module) -> str:
    """``Model(rnn=LSTM(2, 64, batch_first=True), head=Linear(in_features=64, ...))``: the
    modules that hold parameters of their own, by their names in the model."""
    parts = [
        f"{name}={type(module).__name__}({module.extra_repr()})"
        for name, module in model.named_modules()
        if name and any(True for _ in module.parameters(recurse=False))
    ]
    return f"{type(model).__name__}({', '.join(parts)})"


def optimizer_settings(optimizer: Optional[torch.optim.Optimizer]) -> Optional[dict[str, Any]]:
    """The settings' ``optimizer``: its name (the class's, lower case; a Keras
    optimizer's own) and the hyperparameters of its first parameter group, by PyTorch's
    names."""
    if optimizer is None:
        return None
    settings: dict[str, Any] = {"name": getattr(optimizer, "rnntop_name", type(optimizer).__name__.lower())}
    for key, value in optimizer.param_groups[0].items():
        if key in _IMPLEMENTATION:
            continue
        value = _plain(value)
        if value is not None:
            settings[key] = value
    return settings


def _plain(value: Any) -> Any:
    """A JSON number, boolean, string or list of them, or None for anything else."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return value.item()
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Real):
        return float(value) if not isinstance(value, numbers.Integral) else int(value)
    if isinstance(value, (tuple, list)):
        items = [_plain(item) for item in value]
        return items if all(item is not None for item in items) else None
    return None
