"""Batches as the log takes them: ``(x, y)`` pairs, their size, their first sequences, and the probe."""

from __future__ import annotations

from typing import Any, Callable, Optional

import torch
from torch import Tensor, nn

from ._passes import RecurrentModules

__all__ = ["Probe", "batch_size", "check_batch", "leading_sequences"]


def check_batch(batch: Any, what: str = "batch") -> None:
    """Refuses anything but an ``(x, y)`` pair whose ``x`` is a tensor."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise TypeError(f"RunLog: {what} must be a pair (x, y), not {type(batch).__name__}")
    if not isinstance(batch[0], Tensor):
        raise TypeError(f"RunLog: the x of {what} must be a tensor, not {type(batch[0]).__name__}")


def _batch_dim(x: Tensor, batch_first: bool) -> Optional[int]:
    """Where the sequences of ``x`` are counted: None for one unbatched sequence ``(T, I)``."""
    if x.dim() < 3:
        return None
    return 0 if batch_first else 1


def batch_size(batch: Any, batch_first: bool) -> int:
    """The sequences in ``batch``, by the recurrent modules' layout."""
    x = batch[0]
    dim = _batch_dim(x, batch_first)
    return 1 if dim is None else int(x.shape[dim])


def first_sequence(x: Tensor, y: Any, batch_first: bool) -> tuple[Tensor, Any]:
    """The first sequence of a batch and its target, each still a batch (of one).

    The target's batch dimension is the input's if it has that size there, else its
    first dimension of that size; a target without one is used whole."""
    cut = leading_sequences(x, y, batch_first, 1)
    if cut is not None:
        return cut
    dim = _batch_dim(x, batch_first)
    return (x, y) if dim is None else (x.narrow(dim, 0, 1), y)


def leading_sequences(x: Tensor, y: Any, batch_first: bool, count: int) -> Optional[tuple[Tensor, Any]]:
    """The first ``count`` sequences of a batch and their targets, or None when the
    target cannot be cut to match: a tensor target is cut along the input's batch
    dimension if it has the batch's size there, else along its first dimension of that
    size; a target that is None stays None.

    Cost: views, no copy."""
    dim = _batch_dim(x, batch_first)
    if dim is None or x.shape[dim] <= count:
        return x, y
    size = x.shape[dim]
    first = x.narrow(dim, 0, count)
    if y is None:
        return first, None
    if isinstance(y, Tensor):
        for candidate in (dim, 0):
            if candidate < y.dim() and y.shape[candidate] == size:
                return first, y.narrow(candidate, 0, count)
    return None


class Probe:
    """The probe batch, and its first sequence (the one the ``probe`` record shows)."""

    def __init__(self, batch: tuple[Tensor, Any], first: tuple[Tensor, Any]) -> None:
        self.batch = batch
        self.first = first

    @classmethod
    def checked(
        cls, probe: Any, model: nn.Module, modules: RecurrentModules, loss_fn: Optional[Callable[[Any, Any], Tensor]], first_too: bool = True
    ) -> "Probe":
        """A probe the model and the loss were seen to take (one forward pass without
        gradients, in eval mode, the modes put back), and its first sequence too unless
        ``first_too`` is False (where the batch is, ``RunLog.watch`` may say later).

        Raises:
            TypeError: not an ``(x, y)`` pair of tensors.
            ValueError: the model or the loss refuses it, or the loss is not one number.
        """
        check_batch(probe, "probe")
        x, y = probe
        first = first_sequence(x, y, modules.batch_first)
        shapes = f"x of shape {tuple(x.shape)}" + (f" and y of shape {tuple(y.shape)}" if isinstance(y, Tensor) else "")
        modes = [(module, module.training) for module in model.modules()]
        try:
            with torch.no_grad(), torch.random.fork_rng(devices=[]):
                model.eval()
                for inputs, targets in ((x, y), first)[: 2 if first_too else 1]:
                    output = model(inputs)
                    loss = loss_fn(output, targets) if loss_fn is not None else None
                    if loss is not None and (not isinstance(loss, Tensor) or loss.numel() != 1):
                        raise ValueError(f"RunLog: the probe ({shapes}): loss_fn must give one number, not {_shape_of(loss)}")
        except ValueError as error:
            if str(error).startswith("RunLog:"):
                raise
            raise ValueError(f"RunLog: the probe ({shapes}) is refused by the model or loss_fn: {error}") from error
        except (RuntimeError, TypeError, IndexError) as error:
            raise ValueError(f"RunLog: the probe ({shapes}) is refused by the model or loss_fn: {error}") from error
        finally:
            for module, training in modes:
                module.training = training
        return cls((x, y), first)


def _shape_of(value: Any) -> str:
    return f"a tensor of shape {tuple(value.shape)}" if isinstance(value, Tensor) else type(value).__name__
