"""Extra passes of the user's model with its recurrent modules unrolled.

A pass runs ``loss_fn(model(x), y)`` once with every ``nn.RNN``, ``nn.LSTM`` and
``nn.GRU`` swapped, for that pass only, for the version in :mod:`rnntop._unroll` that
keeps every time step's state (a Keras model's ``LSTM``, ``GRU`` and ``SimpleRNN``
layers for those in :mod:`rnntop._keras_layers`), and back-propagates the loss to
every ``h_t``. The
training state is left as it was: no parameter's ``.grad`` is touched (the gradient
is asked for the hidden states only), the random number generators are restored,
and every module's training flag is put back (the pass itself runs in eval mode, so
dropout is off and no running statistics change).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence

from ._keras_layers import is_keras_model, keras_recurrent_layers, unrolled_call
from ._unroll import GATE_NAMES, LayerTrace, cannot_unroll, unrolled_forward
from ._watch import Watched, watching

__all__ = ["PassResult", "RecurrentModules", "run_pass"]


class RecurrentModules:
    """The recurrent modules of a model, found once: those that can be unrolled, a
    sentence for each that cannot, and whether inputs put the batch first (by the first
    that can); and those the user marked with ``RunLog.watch``, whose layers follow the
    unrolled ones'."""

    def __init__(self, model: nn.Module) -> None:
        self.unrollable: list[tuple[str, Any]] = []
        self.refused: list[str] = []
        self.watched: list[Watched] = []
        self.keras = is_keras_model(model)
        if self.keras:
            self.unrollable, self.refused = keras_recurrent_layers(model)
            self.batch_first = True
            return
        for name, module in model.named_modules():
            if not isinstance(module, nn.RNNBase):
                continue
            reason = cannot_unroll(module)
            if reason is None:
                self.unrollable.append((name or type(module).__name__, module))
            else:
                self.refused.append(f"{name or type(module).__name__} ({type(module).__name__}) cannot be unrolled: {reason}")
        self.batch_first = bool(self.unrollable and self.unrollable[0][1].batch_first)

    @property
    def any(self) -> bool:
        """Whether a pass has any layer to report: an unrolled module or a watched one."""
        return bool(self.unrollable or self.watched)

    def watch(self, watched: Watched) -> None:
        """Adds a watched module; the first says where the batch is when nothing is unrolled."""
        if not self.unrollable and not self.watched:
            self.batch_first = watched.batch_first
        self.watched.append(watched)


@dataclass
class PassResult:
    """What one unrolled pass found (on the model's device): the loss, and per layer its
    states over time and ∂L/∂h_t (each ``(steps, batch, ...)``)."""

    loss: Tensor
    traces: list[LayerTrace]

    def profile(self) -> list[Tensor]:
        """Per layer, ‖∂L/∂h_t‖ over batch and units for t = 1..T, summed in float64."""
        return [_gradient(trace).double().pow(2).sum(dim=(1, 2)).sqrt() for trace in self.traces]

    def probe_layers(self) -> list[dict[str, Any]]:
        """The first sequence's matrices per layer, units × steps, as float32 CPU tensors."""

        def matrix(over_time: Tensor) -> Tensor:
            return over_time[:, 0, :].t().float().cpu()

        layers = []
        for trace in self.traces:
            layer: dict[str, Any] = {"h": matrix(trace.hidden), "dh": matrix(_gradient(trace)), "gates": []}
            if trace.cell is not None:
                layer["c"] = matrix(trace.cell)
            if trace.gates is not None:
                size = trace.hidden.shape[-1]
                stacked = matrix(trace.gates)
                for block, name in enumerate(GATE_NAMES[trace.mode]):
                    activations = stacked[block * size : (block + 1) * size]
                    layer["gates"].append({"name": name, "activations": activations, "saturation": _saturation(name, activations)})
                decay = _decay(trace.mode, stacked, size)
                if decay is not None:
                    layer["decay"] = decay
            layers.append(layer)
        return layers


def _decay(mode: str, gates: Tensor, size: int) -> Optional[Tensor]:
    """A min cell's decay ``a_t`` of ``h_{t-1}`` from its gate activations, as rnntop's
    engine reports it: ``1 - z`` (minGRU), ``f / (f + i)`` (minLSTM); None otherwise."""
    if mode == "MINGRU":
        return 1 - gates[:size]
    if mode == "MINLSTM":
        f, i = gates[:size], gates[size : 2 * size]
        return f / (f + i)
    return None


def _gradient(trace: LayerTrace) -> Tensor:
    """∂L/∂h_t of a layer whose output the loss did not reach is 0."""
    return trace.gradient if trace.gradient is not None else torch.zeros_like(trace.hidden)


def _saturation(name: str, activations: Tensor) -> float:
    """The share of activations in a flat part of the gate's function, as rnntop counts it:
    below 0.1 or above 0.9 for a sigmoid gate, |x| above 0.9 for a tanh candidate, below
    0.05 for a min cell's candidate ``h`` (``g`` is linear above 0.5, a sigmoid below)."""
    if activations.numel() == 0:
        return 0.0
    if name == "h":
        saturated = activations < 0.05
    elif name in ("g", "n"):
        saturated = activations.abs() > 0.9
    else:
        saturated = (activations < 0.1) | (activations > 0.9)
    return float(saturated.float().mean())


def run_pass(
    model: nn.Module,
    modules: RecurrentModules,
    x: Tensor,
    y: Any,
    loss_fn: Callable[[Any, Any], Tensor],
    keep_gates: bool,
    notes: set[str],
) -> Optional[PassResult]:
    """One unrolled pass on ``(x, y)``, the watched modules' states kept; None when no
    recurrent module ran unrolled or watched (the reason is added to ``notes``)."""
    traces: list[LayerTrace] = []
    devices = sorted({p.device.index or 0 for p in model.parameters() if p.device.type == "cuda"})
    modes = [(module, module.training) for module in model.modules()]
    anchor = torch.zeros((), requires_grad=True)  # asking for its gradient runs the modules' backward
    try:
        unrolled = _unrolled(modules, traces, keep_gates, notes, anchor)
        with torch.random.fork_rng(devices=devices), torch.enable_grad(), unrolled, watching(modules.watched, keep_gates) as recorder:
            model.eval()
            loss = loss_fn(model(x), y)
            states = recorder.tensors()
            if not traces and not states:
                recorder.traces([], notes)  # notes the watched modules that did not run
                return None
            if not isinstance(loss, Tensor) or loss.numel() != 1 or not loss.requires_grad:
                notes.add("the loss does not depend on the recurrent modules' parameters: no gradient per time step")
                return None
            # The gradient of the watched states (a state no parameter or input reaches has none).
            reached = [state for state in states if state.requires_grad]
            gradients = iter(torch.autograd.grad(loss, [anchor, *reached], allow_unused=True)[1:])
            traces.extend(recorder.traces([next(gradients) if state.requires_grad else None for state in states], notes))
            if not traces:
                return None
    finally:
        for module, training in modes:
            module.training = training
    return PassResult(loss.detach().reshape(()), traces)


@contextlib.contextmanager
def _unrolled(modules: RecurrentModules, traces: list[LayerTrace], keep_gates: bool, notes: set[str], anchor: Tensor) -> Iterator[None]:
    """Makes each unrollable module run unrolled until the block ends, adding its layers'
    traces to ``traces``; a packed sequence runs fused, and is noted."""
    saved = []
    for name, module in modules.unrollable:
        if modules.keras:
            saved.append((module, "call", module.__dict__.get("call")))
            module.call = _keras_call(module, name, traces, keep_gates, notes, anchor)
            continue
        saved.append((module, "forward", module.__dict__.get("forward")))

        def forward(input: Any, hx: Any = None, _module: nn.RNNBase = module, _name: str = name) -> Any:
            if isinstance(input, PackedSequence):
                notes.add(f"{_name} ({type(_module).__name__}) cannot be unrolled: it was given a packed sequence")
                return type(_module).forward(_module, input, hx)
            output, state, layers = unrolled_forward(_module, _name, input, hx, keep_gates, anchor)
            traces.extend(layers)
            return output, state

        module.forward = forward  # an instance attribute: nn.Module.__call__ finds it first
    try:
        yield
    finally:
        for module, method, own in saved:
            delattr(module, method)
            if own is not None:
                setattr(module, method, own)


def _keras_call(layer: Any, name: str, traces: list[LayerTrace], keep_gates: bool, notes: set[str], anchor: Tensor) -> Callable[..., Any]:
    """A Keras recurrent layer's ``call`` for one pass: unrolled, unless given a mask."""

    def call(sequences: Any, initial_state: Any = None, mask: Any = None, training: bool = False) -> Any:
        if mask is not None:
            notes.add(f"{name} ({type(layer).__name__}) cannot be unrolled: it was given a mask")
            return type(layer).call(layer, sequences, initial_state=initial_state, mask=mask, training=training)
        output, trace = unrolled_call(layer, name, sequences, initial_state, keep_gates, anchor)
        traces.append(trace)
        return output

    return call  # an instance attribute: Keras's Layer.__call__ finds it first
