"""The unrolled passes a log asks for, on a time budget."""

from __future__ import annotations

import contextlib
import time
from typing import Any, Callable, Iterator, Optional

from torch import Tensor, nn

from ._passes import PassResult, RecurrentModules, run_pass
from ._probe import Probe
from ._records import probe_layers
from ._schedule import Budget

__all__ = ["Inspector"]


class Inspector:
    """Runs the user's model with its recurrent modules unrolled, for the gradient
    profile (on a batch) and the probe (on the probe's first sequence), and keeps them
    within ``share`` of the loop's time; what keeps a record from being written is
    added to ``notes``."""

    def __init__(
        self,
        model: nn.Module,
        modules: RecurrentModules,
        loss_fn: Optional[Callable[[Any, Any], Tensor]],
        probe: Optional[Probe],
        share: float,
        notes: set[str],
    ) -> None:
        self.model, self.modules, self.loss_fn, self.probe = model, modules, loss_fn, probe
        self.budget = Budget(share)
        self.notes = notes
        if loss_fn is None:
            notes.add("no loss_fn was given: no gradient profile or probe in this log")
        elif not modules.unrollable:
            notes.add("the model has no nn.RNN, nn.LSTM or nn.GRU to unroll: no gradient profile or probe in this log")

    @property
    def able(self) -> bool:
        """Whether there is anything to unroll, and a loss to differentiate."""
        return self.loss_fn is not None and bool(self.modules.unrollable)

    def allows(self, kind: str) -> bool:
        """Whether a pass of ``kind`` ("profile", "probe") fits the budget now."""
        return self.budget.allows(kind)

    def profile(self, step: int, batch: Optional[tuple[Tensor, Any]]) -> Optional[dict[str, Any]]:
        """The ``grad_profile`` record of ``batch`` (else of the whole probe)."""
        if not self.able:
            return None
        x, y = batch if batch is not None else self.probe.batch if self.probe is not None else (None, None)
        if x is None:
            self.notes.add("no batch= was given to step() and no probe: no gradient profile in this log")
            return None
        with self._charged("profile"):
            result = self._pass(x, y, keep_gates=False)
            return {"type": "grad_profile", "step": step, "layers": result.profile()} if result is not None else None

    def probe_record(self, step: int) -> Optional[tuple[dict[str, Any], str]]:
        """The ``probe`` record of the probe's first sequence, and its matrices as JSON
        text (formatting 7 × units × steps numbers is much of a probe's cost)."""
        if not self.able or self.probe is None:
            return None
        with self._charged("probe"):
            result = self._pass(*self.probe.first, keep_gates=True)
            return ({"type": "probe", "step": step, "loss": result.loss}, probe_layers(result)) if result is not None else None

    def _pass(self, x: Tensor, y: Any, keep_gates: bool) -> Optional[PassResult]:
        assert self.loss_fn is not None
        return run_pass(self.model, self.modules, x, y, self.loss_fn, keep_gates, self.notes)

    @contextlib.contextmanager
    def _charged(self, kind: str) -> Iterator[None]:
        """Charges the time of the block to the budget."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.budget.charge(kind, time.perf_counter() - start)
