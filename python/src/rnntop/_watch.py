"""The per-step states of modules rnntop cannot unroll, marked by the user.

``RunLog.watch(module)`` names a module whose outputs are ``h_t``: a cell the model
calls once a step (its output, or the output's first item, is ``h_t`` of shape
``(B, H)``), or, with ``states=fn``, a module that computes all the steps at once,
``fn(output)`` giving their states. ``rnntop.cells.MinGRU`` and ``MinLSTM`` hand over
every layer's states themselves.

On a pass, :func:`watching` hooks those modules for the pass only and keeps the state
tensors they produce, and :meth:`Recorder.traces` turns the loss's gradient with respect
to them (``torch.autograd.grad``: no parameter's ``.grad`` is touched) into each layer's
states and ∂L/∂h_t over time. The gradient of a tensor that later steps are computed from
is ∂L/∂h_t through every later step. A parallel scan computes no step from another: its
stack's gradient is only what the layer's output passes back, and the cells that give
their decays ``a_t`` (``h_t = a_t * h_{t-1} + b_t``) have the rest carried back here:
``g_t = d_t + a_{t+1} * g_{t+1}``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional, Sequence, Union

import torch
from torch import Tensor, nn

from .cells import _MinRecurrence
from ._unroll import LayerTrace

__all__ = ["Recorder", "States", "Watched", "checked_watch", "watching"]

States = Callable[[Any], Union[Tensor, Sequence[Tensor]]]


@dataclass
class Watched:
    """A module whose states the user marked, by its name in the model."""

    name: str
    module: nn.Module
    #: ``fn(output)`` gives the states of a call; None: the output is one step's ``h_t``
    #: (or, for rnntop's own cells, they tell their states).
    states: Optional[States]
    batch_first: bool

    @property
    def own_cell(self) -> bool:
        """rnntop's minGRU or minLSTM, which tells its layers' states itself."""
        return isinstance(self.module, _MinRecurrence)

    @property
    def layers(self) -> int:
        return int(getattr(self.module, "num_layers", 1)) if self.own_cell else 1

    @property
    def mode(self) -> str:
        """The trace's mode: the cell's name for rnntop's own cells."""
        return type(self.module).__name__.upper() if self.own_cell else "WATCHED"


def checked_watch(model: nn.Module, modules: Any, module: Any, states: Any, batch_first: Optional[bool]) -> Watched:
    """What ``RunLog.watch(module, states, batch_first=...)`` asks for, checked against
    the model and the modules found or watched already (a ``RecurrentModules``).

    Raises:
        TypeError: ``module`` is not an ``nn.Module``, or ``states`` not callable.
        ValueError: ``module`` is not in the model, is watched already, is one of
            PyTorch's recurrent modules, or is rnntop's own cell given ``states``.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"RunLog.watch: module must be a torch.nn.Module, not {type(module).__name__}")
    if states is not None and not callable(states):
        raise TypeError(f"RunLog.watch: states must be a function of the module's output, not {type(states).__name__}")
    name = next((name for name, candidate in model.named_modules() if candidate is module), None)
    if name is None:
        raise ValueError(f"RunLog.watch: the {type(module).__name__} is not a module of the model")
    who = f"{name or type(module).__name__} ({type(module).__name__})"
    if isinstance(module, nn.RNNBase):
        raise ValueError(
            f"RunLog.watch: {who} is one of PyTorch's fused recurrent modules, which keep no h_t that later steps "
            "are computed from; RunLog unrolls them itself"
        )
    if any(w.module is module for w in modules.watched):
        raise ValueError(f"RunLog.watch: {who} is watched already")
    layout = bool(getattr(module, "batch_first", False)) if batch_first is None else bool(batch_first)
    watched = Watched(name or type(module).__name__, module, states, layout)
    if watched.own_cell and states is not None:
        raise ValueError(f"RunLog.watch: {who} tells its states itself: watch it without states")
    return watched


@dataclass
class _Piece:
    """States from one call: one step ``(B, H)``, or a stack of steps (``(T, B, H)``, or
    batch first), with the decays that carry a gradient back through it (time-major)."""

    tensor: Tensor
    stacked: bool
    batch_first: bool = False
    decays: Optional[Tensor] = None

    def time_major(self, values: Tensor) -> Tensor:
        """``values``, shaped as the tensor, as ``(steps, B, H)``."""
        if not self.stacked:
            return values.reshape(1, -1, values.shape[-1])
        if values.dim() == 2:  # one sequence, (T, H)
            return values.unsqueeze(1)
        return values.transpose(0, 1) if self.batch_first else values


@dataclass
class _Slot:
    """One layer of a watched module: its pieces over the pass, in time order."""

    watched: Watched
    layer: int
    pieces: list[_Piece] = field(default_factory=list)
    #: Each call's gate activations, time-major (rnntop's own cells, when kept).
    gates: list[Tensor] = field(default_factory=list)


class Recorder:
    """The states the watched modules produced on one pass, per layer."""

    def __init__(self, watched: list[Watched]) -> None:
        self.slots = [_Slot(w, layer) for w in watched for layer in range(w.layers)]

    def tensors(self) -> list[Tensor]:
        """Every state tensor kept, in the slots' order."""
        return [piece.tensor for slot in self.slots for piece in slot.pieces]

    def traces(self, gradients: Sequence[Optional[Tensor]], notes: set[str]) -> list[LayerTrace]:
        """Each layer's states and ∂L/∂h_t over the pass, from the loss's gradient with
        respect to :meth:`tensors` (None for one the loss does not reach)."""
        traces: list[LayerTrace] = []
        remaining = iter(gradients)
        for slot in self.slots:
            who = f"{slot.watched.name} ({type(slot.watched.module).__name__})"
            if not slot.pieces:
                notes.add(f"{who} is watched but did not run on the pass: no states of it in this log")
                continue
            hidden, gradient, reached = [], [], False
            for piece in slot.pieces:
                grad = next(remaining)
                reached = reached or grad is not None
                states = piece.time_major(piece.tensor.detach())
                direct = piece.time_major(grad) if grad is not None else torch.zeros_like(states)
                hidden.append(states)
                gradient.append(_carried(direct, piece.decays) if piece.decays is not None else direct)
            if not reached:
                notes.add(
                    f"{who} is watched but the loss does not depend on its states: the states must be the tensors "
                    "the model goes on to use, not copies or new views of them"
                )
            gates = torch.cat(slot.gates) if slot.gates else None
            traces.append(LayerTrace(slot.watched.name, slot.layer, slot.watched.mode, torch.cat(hidden), gates=gates, gradient=torch.cat(gradient)))
        return traces


def _carried(direct: Tensor, decays: Tensor) -> Tensor:
    """∂L/∂h_t of a stack computed by a scan of ``h_t = a_t * h_{t-1} + b_t``: the
    gradient each step gets directly, plus what the later steps pass back through the
    decays, ``g_t = d_t + a_{t+1} * g_{t+1}``. Cost: two operations a step."""
    steps = direct.unbind(0)
    carried = [steps[-1]]
    for t in range(len(steps) - 2, -1, -1):
        carried.append(torch.addcmul(steps[t], decays[t + 1], carried[-1]))
    return torch.stack(carried[::-1])


@contextlib.contextmanager
def watching(watched: list[Watched], keep_gates: bool = False) -> Iterator[Recorder]:
    """Hooks the watched modules until the block ends; the recorder holds what they gave
    (and, with ``keep_gates``, rnntop's own cells' gate activations)."""
    recorder = Recorder(watched)
    removers: list[Callable[[], None]] = []
    try:
        for w in watched:
            slots = [slot for slot in recorder.slots if slot.watched is w]
            if w.own_cell:
                w.module._state_sink = _sink(w.module, slots, keep_gates)
                removers.append(lambda module=w.module: setattr(module, "_state_sink", None))
            else:
                removers.append(w.module.register_forward_hook(_hook(w, slots[0])).remove)
        yield recorder
    finally:
        for remove in removers:
            remove()


def _sink(cell: Any, slots: list[_Slot], keep_gates: bool) -> Callable[[int, Union[list[Tensor], Tensor], Optional[Tensor], Tensor], None]:
    """What rnntop's cells tell each layer's states to: the steps' own tensors, or a stack
    and its decays, and the pre-activations of the gates."""

    def sink(layer: int, states: Union[list[Tensor], Tensor], decays: Optional[Tensor], k: Tensor) -> None:
        if keep_gates:
            slots[layer].gates.append(cell.gate_activations(k))
        if isinstance(states, Tensor):
            slots[layer].pieces.append(_Piece(states, stacked=True, decays=decays))
        else:
            slots[layer].pieces.extend(_Piece(state, stacked=False) for state in states)

    return sink


def _hook(w: Watched, slot: _Slot) -> Callable[[nn.Module, Any, Any], None]:
    """A forward hook that keeps each call's states: the output as one step, or what
    ``states`` makes of it."""
    who = f"RunLog.watch: {w.name} ({type(w.module).__name__})"

    def hook(module: nn.Module, args: Any, output: Any) -> None:
        if w.states is None:
            h = output[0] if isinstance(output, (tuple, list)) else output
            if not isinstance(h, Tensor) or h.dim() not in (1, 2):
                raise TypeError(f"{who} returned {_described(h)}, not h_t of shape (batch, hidden): give states=fn for a module that computes every step at once")
            slot.pieces.append(_Piece(h, stacked=False))
            return
        states = w.states(output)
        if isinstance(states, Tensor) and states.dim() in (2, 3):
            slot.pieces.append(_Piece(states, stacked=True, batch_first=w.batch_first))
        elif isinstance(states, (tuple, list)) and states and all(isinstance(s, Tensor) and s.dim() in (1, 2) for s in states):
            slot.pieces.extend(_Piece(s, stacked=False) for s in states)
        else:
            raise TypeError(f"{who}: states gave {_described(states)}, not a stack of h_t (steps, batch, hidden) or a list of each step's (batch, hidden)")

    return hook


def _described(value: Any) -> str:
    if isinstance(value, Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    return type(value).__name__
