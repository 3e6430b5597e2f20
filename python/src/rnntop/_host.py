"""Step records' tensors brought to the host in one transfer, when the records are written.

A step adds no work on the device but ``torch._foreach_norm`` over the gradients (none
when the loop gives the total norm): its loss and its gradient norm wait in the record
as tensors, and :func:`settle` turns
every waiting step record into numbers at once, twice a second: one ``stack`` and one
``tolist`` a device, then the global gradient norms and the span's minimum, maximum and
mean on the host.
"""

from __future__ import annotations

import math
from typing import Any, Optional, Union

import torch
from torch import Tensor

from ._span import Norms

__all__ = ["settle"]

Value = Union[Tensor, float]


def settle(records: list[dict[str, Any]]) -> None:
    """Replaces, in place, the step records' ``loss`` (a tensor or a number),
    ``grad_norm`` (the gradients' norms, a list of tensors, or the total norm as a
    tensor or a number) and ``span`` (the loss and the gradient norm of each step the
    record stands for, when more than one) by numbers: ``loss``, ``grad_norm``, and ``steps`` with ``loss_min``, ``loss_max``,
    ``loss_mean``, ``grad_norm_min``, ``grad_norm_max``, ``grad_norm_mean``; and a
    classifier's ``accuracy``."""
    tensors: list[Tensor] = []
    for record in records:
        _gather(record["loss"], tensors)
        _gather(record["grad_norm"], tensors)
        _gather(record.get("accuracy"), tensors)
        for loss, step_norms in record.get("span", ()):
            _gather(loss, tensors)
            _gather(step_norms, tensors)
    values = iter(_host_values(tensors))
    for record in records:
        record["loss"] = _taken(record["loss"], values)
        record["grad_norm"] = _global_norm(record["grad_norm"], values)
        if "accuracy" in record:
            record["accuracy"] = _taken(record["accuracy"], values)
        if "span" in record:
            loss_values, norm_values = [], []
            for loss, step_norms in record.pop("span"):
                loss_values.append(_taken(loss, values))
                norm_values.append(_global_norm(step_norms, values))
            record["steps"] = len(loss_values)
            for name, series in (("loss", loss_values), ("grad_norm", norm_values)):
                record[f"{name}_min"], record[f"{name}_max"], record[f"{name}_mean"] = _summary(series)


def _gather(value: Optional[Norms], tensors: list[Tensor]) -> None:
    """Adds the tensors of ``value`` (a tensor, a list of them, a number or None) to ``tensors``."""
    if isinstance(value, Tensor):
        tensors.append(value)
    elif isinstance(value, list):
        tensors.extend(value)


def _taken(value: Value, values: Any) -> float:
    """The number for ``value``: the next of ``values`` for a tensor, else itself."""
    return next(values) if isinstance(value, Tensor) else value


def _host_values(tensors: list[Tensor]) -> list[float]:
    """The 0-d tensors' values, in order: read one by one on the CPU (there is nothing to
    transfer, and stacking many small tensors costs more), else in one transfer for each
    device."""
    if not tensors:
        return []
    device = tensors[0].device
    if all(t.device == device for t in tensors):
        return [t.item() for t in tensors] if device.type == "cpu" else torch.stack(tensors).tolist()
    values: list[float] = [0.0] * len(tensors)
    by_device: dict[torch.device, list[int]] = {}
    for index, t in enumerate(tensors):
        by_device.setdefault(t.device, []).append(index)
    for indices in by_device.values():
        for index, value in zip(indices, torch.stack([tensors[i] for i in indices]).tolist()):
            values[index] = value
    return values


def _global_norm(norms: Norms, values: Any) -> float:
    """The L2 norm of all the gradients: from each one's norm (the next of ``values``
    for each), else the total itself."""
    if isinstance(norms, list):
        return math.hypot(*(next(values) for _ in norms))
    return _taken(norms, values)


def _summary(values: list[float]) -> tuple[float, float, float]:
    """The minimum, maximum and mean; all three NaN when a value is NaN."""
    if any(math.isnan(v) for v in values):
        return math.nan, math.nan, math.nan
    return min(values), max(values), sum(values) / len(values)
