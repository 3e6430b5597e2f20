"""``RunLog``: rnntop's run log, written from a PyTorch training loop."""

from __future__ import annotations

import atexit
import math
import os
import sys
import time
from typing import Any, Callable, Optional, Union

import torch
from torch import Tensor, nn

from ._describe import named_parameters, unwrap
from ._inspector import NOTHING_TO_UNROLL, Inspector
from ._keras_describe import KerasOptimizer
from ._passes import RecurrentModules
from ._probe import Probe, batch_size, check_batch
from ._queue import RecordQueue
from ._records import end_record, event, norms, run_record
from ._schedule import next_detail, next_probe, next_record
from ._span import Norms
from ._steps import StepRecords, scalar
from ._version import __version__
from ._watch import States, checked_watch

__all__ = ["RunLog"]

Batch = tuple[Tensor, Any]

#: A gradient profile should come at least this many times a run (every 2.5% of it):
#: a pass that costs more than the budget gives in that time runs on fewer sequences.
_PROFILES_PER_RUN = 40


class RunLog:
    """Writes rnntop's run log (JSON Lines) from any PyTorch training loop, for
    ``rnntop replay --follow run.jsonl``.

    Call :meth:`step` after ``loss.backward()`` and before ``optimizer.step()`` (after
    clipping, with the norm clipping returned), :meth:`eval` after a validation, and
    :meth:`close` at the end, or use the log as a context manager::

        with RunLog("run.jsonl", model, loss_fn=nn.MSELoss(), probe=(x_probe, y_probe)) as log:
            for x, y in loader:
                optimizer.zero_grad()
                loss = loss_fn(model(x), y)
                loss.backward()
                norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                log.step(loss, optimizer, batch=(x, y), grad_norm=norm)
                optimizer.step()

    Besides each step's loss, learning rate and gradient norm, the log holds what
    rnntop's own engine reports: ‖∂L/∂h_t‖ per layer and time step (``grad_profile``,
    on the batch given to :meth:`step`, else on the probe) and the probe sequence's
    h_t, c_t, gates and ∂L/∂h_t (``probe``: the first sequence of ``probe``, after the
    step's update). They come from extra passes with each ``nn.RNN``, ``nn.LSTM`` and
    ``nn.GRU`` unrolled, and the states of the modules given to :meth:`watch` kept (any
    other recurrent module: a cell called once a step, ``rnntop.MinGRU``, ...); a pass
    leaves gradients, random number generators and module modes as they were, and runs
    in eval mode (no dropout).

    The log keeps to ``time_share`` of the loop's time: the step records take what they
    need, and the passes what is left, half to the gradient profiles (with the parameter
    norms) and half to the probes, each kind at a steady pace, as often as its half pays
    for (at most every 10 steps for a profile, every 100 for a probe).
    After step 1's, a profile takes the batch's first sequence, then twice as many
    whenever twice the last pass fits in what the profiles get in a fortieth of the run,
    half as many when the last did not fit (the record says how many: ``sequences``).
    Step 1 and the last step always get a profile, the parameter norms and a probe: the
    last step's inside the last :meth:`step` when ``total_steps`` says which it is, else
    at :meth:`close` (on the last batch given to :meth:`step`, with the weights after its
    update). These are not charged: the first pass of a kind holds PyTorch's warm-up,
    which says nothing of what the next will cost.

    A step record that stands for several steps (one in 10 is kept past step 1,000)
    carries their loss's and gradient norm's minimum, maximum and mean; about once a
    second, one says what the process costs (CPU, resident memory, a GPU's peak).

    Under ``torch.distributed`` only rank 0 writes; on other ranks every method does
    nothing. Values stay on the model's device until they are written, twice a second.

    Args:
        path: the log to write (created, or emptied).
        model: the model; a DistributedDataParallel wrapper is looked through.
        loss_fn: ``loss_fn(model(x), y)`` gives the loss; needed for the per-step records.
        probe: ``(x, y)``, a batch in the layout the model takes.
        task: one line about the task, shown in the dashboard.
        name: the run's name among others (``"lstm lr=1e-3"``): ``rnntop replay`` and
            ``rnntop plot`` of several logs name the run by it, else by its file name.
        baseline: the loss of a model that learned nothing, drawn as a dashed line.
        chance: a classifier's accuracy by chance (``1 / classes`` for a uniform guess),
            drawn as the accuracy chart's baseline; with ``baseline`` (its loss then is
            ``math.log(classes)``).
        total_steps, steps_per_epoch: the run's length, for the dashboard's progress;
            ``total_steps`` also says which step is the last, whose profile is then of
            its own weights.
        log_every: a step record every this many steps (default: every step to 1,000,
            every 10 to 10,000, then every 100).
        time_share: the share of the loop's time the log may take (default 2.5%;
            ``math.inf``: no limit, every record on its schedule).

    Raises:
        OSError: ``path`` cannot be written.
        TypeError, ValueError: an argument of the wrong kind, or a probe that the model
            or the loss refuses (the message says which).
    """

    def __init__(
        self,
        path: Union[str, "os.PathLike[str]"],
        model: nn.Module,
        loss_fn: Optional[Callable[[Any, Any], Tensor]] = None,
        probe: Optional[Batch] = None,
        *,
        task: Optional[str] = None,
        name: Optional[str] = None,
        baseline: Optional[float] = None,
        chance: Optional[float] = None,
        total_steps: Optional[int] = None,
        steps_per_epoch: Optional[int] = None,
        log_every: Optional[int] = None,
        time_share: float = 0.025,
    ) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"RunLog: model must be a torch.nn.Module, not {type(model).__name__}")
        if loss_fn is not None and not callable(loss_fn):
            raise TypeError(f"RunLog: loss_fn must be callable, such as nn.MSELoss(), not {type(loss_fn).__name__}")
        for argument, text in (("name", name), ("task", task)):
            if text is not None and not isinstance(text, str):
                raise TypeError(f"RunLog: {argument} must be a string, not {type(text).__name__}")
        if baseline is not None and (isinstance(baseline, bool) or not isinstance(baseline, (int, float)) or not math.isfinite(baseline)):
            raise TypeError(f"RunLog: baseline must be a finite number (the loss of a model that learned nothing), not {baseline!r}")
        if chance is not None:
            if baseline is None:
                raise ValueError("RunLog: chance needs baseline too (for a uniform guess among V classes: baseline=math.log(V), chance=1/V)")
            _check_fraction(chance, "RunLog: chance")
        for argument, value in (("total_steps", total_steps), ("steps_per_epoch", steps_per_epoch), ("log_every", log_every)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ValueError(f"RunLog: {argument} must be a whole number of at least 1, not {value!r}")
        if isinstance(time_share, bool) or not isinstance(time_share, (int, float)) or not time_share > 0:
            raise ValueError(f"RunLog: time_share must be a number above 0 (math.inf for no limit), not {time_share!r}")
        distributed = torch.distributed.is_available() and torch.distributed.is_initialized()
        self._active = not distributed or torch.distributed.get_rank() == 0
        self._closed = False
        if not self._active:
            return
        self._world = torch.distributed.get_world_size() if distributed else 1
        self._model = unwrap(model)
        self._modules = RecurrentModules(self._model)
        # Without a module RunLog unrolls, where the batch is waits for watch(): so does the
        # check of the probe's first sequence.
        first_too = bool(self._modules.unrollable)
        checked = Probe.checked(probe, self._model, self._modules, loss_fn, first_too) if probe is not None else None
        self._parameters = [parameter for _, parameter in named_parameters(self._model, self._modules)]
        self._device = self._parameters[0].device if self._parameters else None
        self._task, self._baseline, self._chance, self._total_steps = task, baseline, chance, total_steps
        self._name = name
        #: Who writes the log, for the run record (the Keras callback says so).
        self._program = f"rnntop-python {__version__} (torch {torch.__version__})"
        self._steps_per_epoch, self._every = steps_per_epoch, log_every
        self._notes: set[str] = set(self._modules.refused)
        self._inspector = Inspector(self._model, self._modules, loss_fn, checked, time_share, self._notes)
        self._queue = RecordQueue(os.fspath(path))
        self._said: set[str] = set()
        self._started = time.perf_counter()
        self._step = 0
        self._begun = False
        #: The learning rate at the last ``lr`` event (or the first step), and the largest yet.
        self._lr: Optional[float] = None
        self._lr_peak = 0.0
        self._steps = StepRecords(self._parameters, steps_per_epoch, self._device)
        self._time = 0.0  # seconds from the start to the latest step
        self._last_eval: Any = None
        self._last_batch: Optional[Batch] = None
        self._detail_waiting = self._probe_waiting = False
        # The next steps due for a step record, a gradient profile and a probe.
        self._record_at, self._detail_at, self._probe_at = next_record(0, log_every), next_detail(0), next_probe(0)
        self._probed_step = self._detailed_step = -1
        atexit.register(self._close_at_exit)

    # MARK: Watching

    def watch(self, module: nn.Module, states: Optional[States] = None, *, batch_first: Optional[bool] = None) -> None:
        """Marks the per-step states of a recurrent module that RunLog cannot unroll, so
        that the gradient profiles and probes hold its h_t and ∂L/∂h_t. Call it before
        the first :meth:`step`::

            log.watch(model.cell)                       # called once per time step
            log.watch(model.rnn, states=lambda out: out[0])  # every step at once
            log.watch(model.rnn)                        # rnntop.MinGRU, rnntop.MinLSTM

        - ``module`` alone: a module the model calls once per time step, whose output (or
          its first item, as ``nn.LSTMCell``'s ``(h, c)``) is ``h_t``, ``(B, H)``. Its
          calls on a pass are the steps, in order.
        - ``states=fn``: a module that computes every step at once; ``fn(output)`` gives
          the states of one call: a stack ``(T, B, H)`` (``(B, T, H)`` with
          ``batch_first``), or a list of each step's ``(B, H)``.
        - :class:`rnntop.MinGRU` and :class:`rnntop.MinLSTM` tell every layer's states
          themselves, in either mode: watch them alone.

        Each watched module adds a layer (a stacked minGRU, one a layer) after those of
        the ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` that RunLog unrolls, in the order of
        the calls. A pass takes the loss's gradient with respect to the marked tensors
        (``torch.autograd.grad``: no ``.grad`` changes), so they must be the tensors the
        model goes on to use, not copies. Their gradient is ∂L/∂h_t through every later
        step when the later steps are computed from them, as a cell's are; a stack that a
        parallel scan computed has no such link, and its gradient holds only what the
        layer's output passes back (rnntop's own cells carry the rest back through their
        decays ``a_t``). A probe shows h and ∂L/∂h_t, and no gates.

        Args:
            module: a submodule of the model (or the model).
            states: ``fn(output)``, the states of one call, for a module that computes
                every step at once.
            batch_first: whether the inputs (and a stack ``states`` gives) put the batch
                first; default: the module's own ``batch_first``, else False. Where the
                model has an ``nn.RNN``, ``nn.LSTM`` or ``nn.GRU``, its layout says where
                the batch is in ``x``.

        Raises:
            RuntimeError: after the first :meth:`step`, or after :meth:`close`.
            TypeError: ``module`` is not an ``nn.Module``, or ``states`` not callable.
            ValueError: ``module`` is not in the model, is watched already, or is a
                PyTorch recurrent module (RunLog unrolls those; a fused one keeps no
                ``h_t`` that later steps are computed from).
        """
        if not self._active:
            return
        self._check_open("watch")
        if self._begun:
            raise RuntimeError("RunLog.watch() after the first step(): watch the modules before training starts")
        watched = checked_watch(self._model, self._modules, module, states, batch_first)
        self._modules.watch(watched)
        self._notes.discard(NOTHING_TO_UNROLL)
        probe = self._inspector.probe
        if probe is not None:  # its first sequence, where the batch now is
            self._inspector.probe = Probe.checked(probe.batch, self._model, self._modules, self._inspector.loss_fn)

    # MARK: The loop's calls

    def step(
        self,
        loss: Union[Tensor, float],
        optimizer: Optional[torch.optim.Optimizer] = None,
        batch: Optional[Batch] = None,
        grad_norm: Union[Tensor, float, None] = None,
        accuracy: Union[Tensor, float, None] = None,
    ) -> None:
        """Records one training step: call it after ``loss.backward()`` and before
        ``optimizer.step()``; before clipping, or after it with the norm clipping gave::

            norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            log.step(loss, optimizer, batch=(x, y), grad_norm=norm)

        Args:
            loss: the step's loss (a tensor or a number).
            optimizer: gives the learning rate, and the settings in the run record.
            batch: ``(x, y)`` the loss was computed on: its size, and the gradient profile.
            grad_norm: the gradients' total L2 norm before clipping, when the loop has it
                (what ``clip_grad_norm_`` returns): the log takes it rather than compute
                it again, which is most of what a step costs the log. Each parameter's
                gradient norm (``param_norms``) is then read from the gradients when it is
                due, scaled to give this total: as they were before clipping by the total
                norm.
            accuracy: a classifier's fraction of right answers on the batch (a number
                from 0 to 1, or a 0-d tensor, read when the record is written): the
                dashboard's accuracy chart.

        Raises:
            RuntimeError: called before ``backward()`` (no parameter has a gradient), or
                after :meth:`close`.
            TypeError: an optimizer that is not a ``torch.optim.Optimizer``.
            ValueError: a loss, a ``grad_norm`` or an ``accuracy`` that is not one number
                (an accuracy given as a number, not one from 0 to 1).
        """
        if not self._active:
            return
        # Everything the log does is charged to its budget: the passes by the inspector,
        # the rest here.
        budget = self._inspector.budget
        began, passes = time.perf_counter(), budget.passes
        try:
            if self._closed:
                self._check_open("step")
            if optimizer is not None and not isinstance(optimizer, (torch.optim.Optimizer, KerasOptimizer)):
                raise TypeError(f"RunLog.step: optimizer must be a torch.optim.Optimizer, not {type(optimizer).__name__}")
            value, norm = self._steps.measure(loss, grad_norm)
            if batch is not None:
                check_batch(batch)
            fraction = None if accuracy is None else scalar(_check_fraction(accuracy, "RunLog.step(): accuracy"), "accuracy")
            self._record_step(value, norm, optimizer, batch, fraction)
        finally:
            budget.charge_records(time.perf_counter() - began - (budget.passes - passes))

    def _record_step(
        self, loss: Union[Tensor, float], norm: Norms, optimizer: Optional[torch.optim.Optimizer], batch: Optional[Batch],
        accuracy: Optional[Union[Tensor, float]] = None,
    ) -> None:
        size = batch_size(batch, self._modules.batch_first) * self._world if batch is not None else None
        if not self._begun:
            self._begin(optimizer, size)
        if self._probe_waiting and (self._step == 1 or self._inspector.allows("probe")):
            self._write_probe(self._step)  # the weights after the previous step's update
        self._step = step = self._step + 1
        now = time.perf_counter()
        elapsed = now - self._started
        lr = _number(optimizer.param_groups[0]["lr"]) if optimizer is not None else None
        if lr is not None and self._lr is not None and abs(lr - self._lr) >= 0.1 * self._lr_peak:
            # A jump (a step decay, a warm restart) is marked; a schedule's small steps add up
            # to a mark each tenth of the largest rate so far, not a mark a step. Step
            # records carry each step's rate.
            self._queue.put(event(step - 1, "lr", "the learning rate changed", elapsed, self._lr, lr))
            self._lr = lr
        elif self._lr is None:
            self._lr = lr
        if lr is not None:
            self._lr_peak = max(self._lr_peak, abs(lr))
        self._time, self._last_batch = elapsed, batch
        self._steps.add(step, loss, norm, elapsed, lr, size, accuracy)
        if step == self._record_at:
            self._record_at = next_record(step, self._every)
            self._write_step(now)
        if step == self._detail_at:
            self._detail_at, self._detail_waiting = next_detail(step), True
        last = step == self._total_steps
        if last or (self._detail_waiting and (step == 1 or self._inspector.allows("profile"))):
            self._write_detail(step, batch, charged=not last)
        if step == self._probe_at:
            self._probe_at, self._probe_waiting = next_probe(step), True
        self._queue.flush_if_due(now)

    def eval(self, loss: Union[Tensor, float], accuracy: Union[Tensor, float, None] = None) -> None:
        """Records a validation loss at the current step (and that step's record), with
        a classifier's fraction of right answers on the validation set."""
        if not self._active:
            return
        self._check_open("eval")
        self._last_eval = loss.detach() if isinstance(loss, Tensor) else float(loss)
        self._write_step(time.perf_counter())
        record: dict[str, Any] = {"type": "eval", "step": self._step, "loss": self._last_eval}
        if accuracy is not None:
            fraction = _check_fraction(accuracy, "RunLog.eval(): accuracy")
            record["accuracy"] = fraction.detach() if isinstance(fraction, Tensor) else float(fraction)
        self._queue.put(record)

    def flush(self) -> None:
        """Writes everything recorded so far."""
        if self._active and not self._closed:
            self._queue.flush()

    def close(self, reason: str = "done", message: Optional[str] = None) -> None:
        """Ends the log: the last step's record, its gradient profile and parameter norms
        (when the last :meth:`step` did not write them), the probe of the last weights,
        the ``end`` record, and the file synced and closed. Does nothing the second time.

        Args:
            reason: ``done``, ``quit`` (interrupted) or ``error``.
            message: what went wrong, for ``error``.
        """
        if not self._active or self._closed:
            return
        atexit.unregister(self._close_at_exit)
        try:
            if not self._begun:
                self._begin(None, None)
            self._write_step(time.perf_counter())
            if self._step > 0 and self._detailed_step != self._step:
                self._write_detail(self._step, self._last_batch, charged=False)
            if self._step > 0 and self._probed_step != self._step:
                self._write_probe(self._step, charged=False)
            elapsed = time.perf_counter() - self._started
            end = end_record(reason, message, self._step, self._steps_per_epoch, self._steps.loss, self._last_eval, elapsed)
            self._queue.put(end)
        finally:
            self._closed = True
            self._queue.close()

    def __enter__(self) -> "RunLog":
        return self

    def __exit__(self, kind: Any, error: Optional[BaseException], traceback: Any) -> None:
        self._close_after(error)

    # MARK: Records

    def _begin(self, optimizer: Optional[torch.optim.Optimizer], size: Optional[int]) -> None:
        """The run record, first in the log, once the first step shows the optimizer."""
        self._begun = True
        self._queue.put(
            run_record(
                self._program, self._model, self._modules, optimizer, size, self._task, self._baseline, self._total_steps,
                self._steps_per_epoch, self._every, self._name, self._device, self._chance,
            )
        )
        self._say_notes(0)
        self._queue.flush()

    def _write_step(self, now: float) -> None:
        """The latest step's record, unless it is out already (see
        :meth:`StepRecords.take`)."""
        record = self._steps.take(now)
        if record is not None:
            self._queue.put(record)

    def _write_detail(self, step: int, batch: Optional[Batch], charged: bool = True) -> None:
        """The parameter norms (the gradients' as the latest step saw them, before
        clipping), and the gradient profile (on ``batch``, else the probe)."""
        self._detail_waiting = False
        self._detailed_step = step
        self._queue.put({"type": "param_norms", "step": step, "grad": self._steps.parameter_grad_norms(), "weight": norms(self._parameters)})
        profile = self._inspector.profile(step, batch, self._horizon(), charged)
        if profile is not None:
            self._queue.put(profile)
        self._say_notes(step)

    def _horizon(self) -> float:
        """The seconds of the loop within which the next gradient profile should come: a
        fortieth of the run's expected length when ``total_steps`` gives it, else of
        its length so far."""
        run = self._time
        if self._total_steps and self._step < self._total_steps:
            run *= self._total_steps / self._step
        return run / _PROFILES_PER_RUN

    def _write_probe(self, step: int, charged: bool = True) -> None:
        """The probe sequence's matrices, for the weights as they are now (after ``step``)."""
        self._probe_waiting = False
        self._probed_step = step
        record = self._inspector.probe_record(step, charged)
        if record is not None:
            self._queue.put(*record)
        self._say_notes(step)

    def _say_notes(self, step: int) -> None:
        """Each new note once: an event in the log, and a line on stderr."""
        for note in sorted(self._notes - self._said):
            self._said.add(note)
            print(f"rnntop: {note}", file=sys.stderr)
            self._queue.put(event(step, "note", note, time.perf_counter() - self._started))

    # MARK: Ending

    def _check_open(self, method: str) -> None:
        if self._closed:
            raise RuntimeError(f"RunLog.{method}() after close(): the log {self._queue.path!r} is finished")

    def _close_after(self, error: Optional[BaseException]) -> None:
        if error is None:
            self.close()
        elif isinstance(error, KeyboardInterrupt):
            self.close("quit", "interrupted (KeyboardInterrupt)")
        else:
            self.close("error", f"{type(error).__name__}: {error}")

    def _close_at_exit(self) -> None:
        """The end record when a script ends without close(), also after an uncaught
        exception or Ctrl-C (which Python leaves in ``sys.last_value``)."""
        self._close_after(getattr(sys, "last_value", None))


def _number(value: Any) -> float:
    return float(value.item() if isinstance(value, Tensor) else value)


def _check_fraction(value: Union[Tensor, float], what: str) -> Union[Tensor, float]:
    """``value`` if it is a tensor or a number from 0 to 1 (a tensor's value is not
    read here: that would wait for the device).

    Raises:
        TypeError: neither a number nor a tensor.
        ValueError: a number outside 0...1, or not finite.
    """
    if isinstance(value, Tensor):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be a number from 0 to 1 or a 0-d tensor, not {type(value).__name__}")
    if not (math.isfinite(value) and 0 <= value <= 1):
        raise ValueError(f"{what} must be a fraction from 0 to 1, not {value!r}")
    return value
