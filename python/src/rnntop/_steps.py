"""The step records: what each training step leaves, and the record that stands for the
steps since the previous one.

A step is the one call a log gets every step, so it does as little as it can: one
``torch._foreach_norm`` over the gradients (the pass over them that clipping makes
too), or nothing when the loop gives the total norm it has from clipping. The loss and
the norms stay tensors until the records are written (:func:`rnntop._host.settle`): no
host sync a step, and on the CPU reading them later, many at once, costs less than one
by one right after ``backward()``. The record itself is built only when it is written.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Union

import torch
from torch import Tensor, nn

from ._span import Norms, StepSpan
from ._usage import Usage

__all__ = ["StepRecords", "gradient_norms", "scalar"]

Value = Union[Tensor, float]


class _Step(NamedTuple):
    """One step as the loop gave it, until its record is built."""

    step: int
    loss: Value
    grad_norm: Norms
    elapsed: float
    lr: Optional[float]
    batch: Optional[int]
    accuracy: Optional[Value]


class StepRecords:
    """The latest step of a model with ``parameters``, and the step record that stands
    for the steps since the previous record (:meth:`take`), with their span, the
    sequences a second since then and, about once a second, what the process costs."""

    def __init__(self, parameters: list[nn.Parameter], steps_per_epoch: Optional[int], device: Optional[torch.device]) -> None:
        self._parameters = parameters
        self._steps_per_epoch = steps_per_epoch
        self._span = StepSpan()
        self._usage = Usage(device)
        self._latest: Optional[_Step] = None  # until its record is taken
        self._sequences = 0
        self._time = 0.0  # the latest step's elapsed seconds
        self._rate = (0.0, 0)  # the time and the sequences at the last record
        #: The latest step's loss, for the end record.
        self.loss: Optional[Value] = None
        #: The latest step's gradient norm: each gradient's, or the total the loop gave.
        self.grad_norm: Norms = []
        self._graded: Optional[list[bool]] = None  # which parameters had a gradient then, when not all did

    def measure(self, loss: Union[Tensor, float], grad_norm: Union[Tensor, float, None]) -> tuple[Value, Norms]:
        """A step's loss and gradient norm as the log keeps them: the total the loop
        gave, else each gradient's norm now.

        Raises:
            RuntimeError: no parameter has a gradient (and no total was given).
            ValueError: a loss or a total that is not one number.
        """
        if grad_norm is not None:
            return scalar(loss, "loss"), scalar(grad_norm, "grad_norm")
        grads = [grad for grad in (p.grad for p in self._parameters) if grad is not None]
        if not grads:
            raise RuntimeError("RunLog.step() was called before loss.backward(): no parameter of the model has a gradient yet")
        value = scalar(loss, "loss")
        self._graded = None if len(grads) == len(self._parameters) else [p.grad is not None for p in self._parameters]
        return value, gradient_norms(grads)

    def add(
        self, step: int, loss: Value, grad_norm: Norms, elapsed: float, lr: Optional[float], batch: Optional[int],
        accuracy: Optional[Value] = None,
    ) -> None:
        """One training step: its loss (a 0-d tensor, detached, or a number), its
        gradient norm (each gradient's, or the total), the seconds since the log began,
        its learning rate, its sequences and a classifier's accuracy on them."""
        self.loss, self.grad_norm = loss, grad_norm
        self._sequences += batch or 0
        self._time = elapsed
        self._span.add(loss, grad_norm)
        self._latest = _Step(step, loss, grad_norm, elapsed, lr, batch, accuracy)

    def parameter_grad_norms(self) -> Tensor:
        """The latest step's gradient norm of every parameter, 0 where it had none: as
        :meth:`measure` found them, or, when the loop gave the total norm, those of the
        gradients now, scaled to give that total (as they were before clipping by it)."""
        latest, graded = self.grad_norm, self._graded
        if isinstance(latest, list):
            found = torch.stack([norm.to(latest[0].device) for norm in latest])
        else:
            grads = [p.grad for p in self._parameters if p.grad is not None]
            if not grads:
                return torch.zeros(len(self._parameters), dtype=torch.float64)
            graded = None if len(grads) == len(self._parameters) else [p.grad is not None for p in self._parameters]
            found = torch.stack(gradient_norms(grads))
            total = torch.linalg.vector_norm(found)
            given = latest.to(found) if isinstance(latest, Tensor) else latest
            found = torch.where(total > 0, found * (given / total), found)
        if graded is None:
            return found
        every = found.new_zeros(len(self._parameters))
        every[torch.tensor(graded, device=found.device)] = found
        return every

    def take(self, now: float) -> Optional[dict[str, Any]]:
        """The latest step's record, standing for the steps since the previous one,
        unless it was taken already; with what the process costs when that is due at
        ``now`` (``time.perf_counter()``)."""
        latest, self._latest = self._latest, None
        if latest is None:
            return None
        record: dict[str, Any] = {"type": "step", "step": latest.step, "loss": latest.loss, "grad_norm": latest.grad_norm}
        if latest.accuracy is not None:
            record["accuracy"] = latest.accuracy
        record["elapsed"] = round(latest.elapsed, 3)
        if self._steps_per_epoch:
            record["epoch"] = round(latest.step / self._steps_per_epoch, 4)
        if latest.lr is not None:
            record["lr"] = latest.lr
        span = self._span.take()
        if span is not None:
            record["span"] = span
        (then, before), self._rate = self._rate, (self._time, self._sequences)
        if latest.batch is not None:
            record["batch"] = latest.batch
            seconds = self._time - then
            record["seq_per_s"] = round((self._sequences - before) / seconds) if seconds > 0 else 0
        if self._usage.due(now):
            record.update(self._usage.report())
        return record


def scalar(value: Union[Tensor, float], name: str) -> Value:
    """A loss or a gradient norm as the log keeps it: a 0-d tensor, detached, or a
    number.

    Raises:
        ValueError: a tensor of more than one number.
    """
    if not isinstance(value, Tensor):
        return float(value)
    number = value.detach() if value.requires_grad else value
    if not number.dim():
        return number
    if number.numel() != 1:
        raise ValueError(f"RunLog.step(): the {name} must be one number, not a tensor of shape {tuple(value.shape)}")
    return number.reshape(())


def gradient_norms(grads: list[Tensor]) -> list[Tensor]:
    """Each gradient's L2 norm (0-d tensors on the gradient's device), in one call as
    ``clip_grad_norm_`` computes them; the global gradient norm is the norm of these.
    No autograd context is entered but for gradients that have a graph of their own
    (``create_graph=True``)."""
    if grads[0].requires_grad:
        with torch.no_grad():
            return list(torch._foreach_norm(grads))
    return list(torch._foreach_norm(grads))
