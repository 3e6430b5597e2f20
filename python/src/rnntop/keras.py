"""``rnntop.keras.RunLog``: rnntop's run log written from Keras's ``model.fit``.

A Keras 3 callback that writes the same log as :class:`rnntop.RunLog` writes from a
PyTorch loop, for ``rnntop replay --follow run.jsonl``::

    from rnntop.keras import RunLog

    model.fit(x, y, epochs=100, callbacks=[RunLog("run.jsonl", probe=(x[:1], y[:1]))])

It needs Keras's torch backend (``KERAS_BACKEND=torch``), where a Keras model is a
``torch.nn.Module`` and the gradients of a step are left on its variables.

:func:`save_weights` and :func:`load_weights` move a Keras model's weights to and from
rnntop's weight files (PyTorch's names and layout), on any backend.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Optional, Union

try:
    import keras
except ModuleNotFoundError as error:  # the package installed without its keras extra
    raise ModuleNotFoundError("rnntop.keras needs Keras 3: pip install keras (or the package's keras extra)", name="keras") from error
import numpy as np
import torch

from . import runlog
from ._keras_describe import KerasOptimizer
from ._keras_weights import load_weights, save_weights
from ._version import __version__

__all__ = ["RunLog", "load_weights", "save_weights"]


#: The names Keras gives a validation accuracy, by the metric compiled.
_VALIDATION_ACCURACIES = ("val_accuracy", "val_sparse_categorical_accuracy", "val_categorical_accuracy", "val_binary_accuracy")


class RunLog(keras.callbacks.Callback):
    """Writes rnntop's run log (JSON Lines) from ``model.fit``: a step record per batch,
    an ``eval`` record per validation, the gradient profile, the parameter norms and the
    probe, on the schedules and within the time share of :class:`rnntop.RunLog`.

    - **Loss**: the batch's own loss, as the step computed it (Keras's ``logs["loss"]``
      is the epoch's running mean, which would smooth the curve): the callback wraps
      the model's ``compute_loss`` for the run, and puts it back at the end.
    - **Gradient norm and parameter norms**: from the gradients the step left on the
      variables, before the optimizer's clipping (``clipnorm``, ``global_clipnorm``).
    - **∂L/∂h_t and the probe**: from passes with each ``LSTM``, ``GRU`` and
      ``SimpleRNN`` layer unrolled with its own weights and activations, in inference
      mode (no dropout or recurrent dropout), on the step's batch (or its first
      sequences) with the weights the step's gradients were computed with (the callback
      records a step when the optimizer is handed its gradients), and on ``probe``
      with the weights after the update; a pass leaves the weights, their gradients
      and the random generators as they were. ``Bidirectional`` layers and layers that run
      backwards, keep state or get a mask are not unrolled (a ``note`` says so).
    - **Validation**: ``val_loss`` at the end of each epoch that has one, with a
      classifier's validation accuracy when the model was compiled with an accuracy
      metric (``val_accuracy``, or the sparse, categorical or binary one). The batches'
      accuracy is not logged: Keras gives only its running mean over the epoch.

    Keras's torch backend runs one step per execution (``steps_per_execution`` must be
    1 there). Under ``torch.distributed`` only rank 0 writes, as with the PyTorch log.

    Args:
        path: the log to write (created, or emptied).
        probe: ``(x, y)``, arrays or tensors in the layout the model takes; its first
            sequence is the one the heatmap shows.
        task, name, baseline, chance, log_every, time_share: as for :class:`rnntop.RunLog`.

    A callback writes one log for one ``fit()``: give a later ``fit()`` a RunLog of its own.

    Raises:
        RuntimeError: at the start of ``fit``, on a backend other than torch, or in a
            second ``fit()``.
        TypeError: at the start of ``fit``, a probe that is not ``(x, y)`` of one input.
    """

    def __init__(
        self,
        path: Union[str, "os.PathLike[str]"],
        probe: Optional[tuple[Any, Any]] = None,
        *,
        task: Optional[str] = None,
        name: Optional[str] = None,
        baseline: Optional[float] = None,
        chance: Optional[float] = None,
        log_every: Optional[int] = None,
        time_share: float = 0.025,
    ) -> None:
        super().__init__()
        self._path = path
        self._probe = probe
        self._options: dict[str, Any] = {
            "task": task, "name": name, "baseline": baseline, "chance": chance, "log_every": log_every, "time_share": time_share,
        }  # fmt: skip
        self._log: Optional[runlog.RunLog] = None
        self._optimizer: Optional[KerasOptimizer] = None
        #: The training steps' losses and batches since the last batch's end.
        self._steps: list[tuple[torch.Tensor, Any, Any]] = []
        #: The methods wrapped for the run.
        self._wrapped: list[_Wrapped] = []

    # MARK: Keras's calls

    def on_train_begin(self, logs: Optional[dict[str, Any]] = None) -> None:
        if self._log is not None:
            raise RuntimeError(
                f"rnntop.keras.RunLog: this callback wrote {os.fspath(self._path)!r} for an earlier fit(); give the next fit() "
                "a RunLog of its own (another path), so that neither log is lost"
            )
        backend = keras.backend.backend()
        if backend != "torch":
            raise RuntimeError(
                f"rnntop.keras.RunLog needs Keras's torch backend (KERAS_BACKEND=torch), not {backend}: on it the gradients of a "
                "step are left on the variables and the recurrent layers can be unrolled"
            )
        model = self.model
        probe = self._tensors(self._probe) if self._probe is not None else None
        steps, epochs = self.params.get("steps"), self.params.get("epochs")
        total = steps * epochs if steps and epochs else None
        self._log = runlog.RunLog(
            self._path, model, loss_fn=_loss_of(_Wrapped.beneath(model.compute_loss)), probe=probe,
            task=self._options["task"] or "a Keras model.fit", name=self._options["name"], baseline=self._options["baseline"],
            chance=self._options["chance"],
            total_steps=total, steps_per_epoch=steps or None, log_every=self._options["log_every"], time_share=self._options["time_share"],
        )  # fmt: skip
        self._log._program = f"rnntop-python {__version__} (keras {keras.__version__}, torch {torch.__version__})"
        self._optimizer = KerasOptimizer(model.optimizer)
        self._wrap_compute_loss(model)
        self._wrap_apply(model.optimizer)

    def on_train_batch_end(self, batch: int, logs: Optional[dict[str, Any]] = None) -> None:
        self._record_steps()  # a step that updated nothing (no trainable weights)

    def _record_steps(self) -> None:
        """The steps computed since the last were recorded: called when the optimizer is
        about to apply the gradients, so that, as in a PyTorch loop's ``log.step`` before
        ``optimizer.step()``, the gradient profile is of the weights the step's loss and
        gradients were computed with."""
        assert self._log is not None
        for loss, x, y in self._steps:
            if not isinstance(x, torch.Tensor):
                self._log._notes.add("the model takes several inputs: rnntop unrolls models of one input, so the log has no gradient profile")
            self._log.step(loss, self._optimizer, batch=(x, y) if isinstance(x, torch.Tensor) else None)
        self._steps.clear()

    def on_epoch_end(self, epoch: int, logs: Optional[dict[str, Any]] = None) -> None:
        if self._log is not None and logs and "val_loss" in logs:
            accuracy = next((float(logs[key]) for key in _VALIDATION_ACCURACIES if key in logs), None)
            self._log.eval(float(logs["val_loss"]), accuracy=accuracy)

    def on_train_end(self, logs: Optional[dict[str, Any]] = None) -> None:
        self._unwrap()
        if self._log is not None:
            self._log.close()

    # MARK: The step's own loss

    def _wrap_compute_loss(self, model: Any) -> None:
        """Wraps the model's ``compute_loss`` so that each training step's loss and batch
        are kept until the optimizer is handed the step's gradients."""
        original = _Wrapped.beneath(model.compute_loss)
        takes_training = "training" in _parameters(original)

        def compute_loss(x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None, training: bool = True) -> Any:
            if takes_training:
                loss = original(x, y, y_pred, sample_weight, training=training)
            else:
                loss = original(x, y, y_pred, sample_weight)
            if training:
                self._steps.append((loss.detach(), x, y))
            return loss

        self._wrapped.append(_Wrapped(model, "compute_loss", compute_loss))

    def _wrap_apply(self, optimizer: Any) -> None:
        """Records the step's figures when the optimizer is handed its gradients, before
        it changes the weights."""
        original = _Wrapped.beneath(optimizer.apply)

        def apply(grads: Any, trainable_variables: Any = None) -> Any:
            self._record_steps()
            return original(grads, trainable_variables)

        self._wrapped.append(_Wrapped(optimizer, "apply", apply))

    def _unwrap(self) -> None:
        """Puts back the model's ``compute_loss`` and the optimizer's ``apply``."""
        for wrapped in self._wrapped:
            wrapped.undo()
        self._wrapped.clear()

    @staticmethod
    def _tensors(batch: tuple[Any, Any]) -> tuple[torch.Tensor, Any]:
        """A probe of arrays as the model's tensors.

        Raises:
            TypeError: not an ``(x, y)`` pair, or an ``x`` of several inputs (a list or a dict).
        """
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise TypeError(f"rnntop.keras.RunLog: probe must be a pair (x, y), not {type(batch).__name__}")
        x, y = batch
        if isinstance(x, (list, tuple, dict)):
            raise TypeError(
                "rnntop.keras.RunLog: the probe's x is several inputs (a list or a dict): rnntop unrolls models of one input; "
                "leave the probe out for this model"
            )
        return keras.ops.convert_to_tensor(np.asarray(x)), None if y is None else keras.ops.convert_to_tensor(np.asarray(y))


class _Wrapped:
    """A method replaced, for one ``fit()``, by an instance attribute that calls it.

    A ``fit()`` that an exception ended (Ctrl-C) never calls ``on_train_end``, so its
    wrappers stay on the model; the next RunLog wraps what is beneath them, not them, and
    puts back what the owner had before the first."""

    def __init__(self, owner: Any, name: str, wrapper: Callable[..., Any]) -> None:
        stale = owner.__dict__.get(name)
        self.owner, self.name = owner, name
        #: What the owner's instance held before any RunLog: None for the class's method.
        self.own = stale._rnntop_own if hasattr(stale, "_rnntop_own") else stale
        wrapper._rnntop_original = _Wrapped.beneath(getattr(owner, name))  # type: ignore[attr-defined]
        wrapper._rnntop_own = self.own  # type: ignore[attr-defined]
        setattr(owner, name, wrapper)

    @staticmethod
    def beneath(method: Callable[..., Any]) -> Callable[..., Any]:
        """The method a RunLog's wrapper (left by an interrupted fit) stands for."""
        return getattr(method, "_rnntop_original", method)

    def undo(self) -> None:
        delattr(self.owner, self.name)
        if self.own is not None:
            setattr(self.owner, self.name, self.own)


def _loss_of(compute_loss: Callable[..., Any]) -> Callable[[Any, Any], Any]:
    """The passes' ``loss_fn(prediction, y)``: the model's own loss, regularization
    included, as in inference."""
    takes_training = "training" in _parameters(compute_loss)

    def loss_fn(prediction: Any, y: Any) -> Any:
        if takes_training:
            return compute_loss(None, y, prediction, None, training=False)
        return compute_loss(None, y, prediction, None)

    return loss_fn


def _parameters(function: Callable[..., Any]) -> tuple[str, ...]:
    import inspect

    return tuple(inspect.signature(function).parameters)
