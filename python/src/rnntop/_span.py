"""The steps one step record stands for.

Past step 1,000 a log keeps one step record in 10 (one in 100 past 10,000, or one in
``log_every``); the record then carries the minimum, maximum and mean of the loss and of
the gradient norm over the steps since the previous record, its own included, so that a
spike between two kept records is not lost.
"""

from __future__ import annotations

from typing import Optional, Union

from torch import Tensor

__all__ = ["StepSpan"]

Value = Union[Tensor, float]
#: A step's gradient norm: each gradient's (a list of 0-d tensors), or the total norm.
Norms = Union[list[Tensor], Value]


class StepSpan:
    """The losses and gradients' norms of the steps since the last step record, kept as
    they came (tensors stay on their device: no host sync a step) until the record is
    written, when :func:`rnntop._host.settle` reduces them.

    Cost: a list append a step."""

    def __init__(self) -> None:
        self._steps: list[tuple[Value, Norms]] = []

    def add(self, loss: Value, grad_norm: Norms) -> None:
        """One step: its loss, and its gradient norm (each gradient's, or the total)."""
        self._steps.append((loss, grad_norm))

    def take(self) -> Optional[list[tuple[Value, Norms]]]:
        """The steps added since the last ``take``, each ``(loss, gradients' norms)``,
        when they are more than one, else None; starts a new span."""
        steps, self._steps = self._steps, []
        return steps if len(steps) > 1 else None
