"""The unrolled passes a log asks for, on a time budget."""

from __future__ import annotations

import math
import time
from typing import Any, Callable, Optional

from torch import Tensor, nn

from ._budget import Budget
from ._passes import PassResult, RecurrentModules, run_pass
from ._probe import Probe, batch_size, leading_sequences
from ._records import probe_layers

__all__ = ["NOTHING_TO_UNROLL", "Inspector"]

#: The note of a log whose model has no layer a pass can report (until one is watched).
NOTHING_TO_UNROLL = (
    "the model has no recurrent layer rnntop unrolls (nn.RNN, nn.LSTM, nn.GRU; Keras's LSTM, GRU, SimpleRNN) "
    "and none is watched (RunLog.watch): no gradient profile or probe in this log"
)

#: How the passes share what the step records leave of the budget: evenly. A probe costs
#: three to five profiles of a few sequences (its 7 × units × steps numbers are long to
#: format), and a log wants about three times as many profiles as probes.
_WEIGHTS = {"profile": 1.0, "probe": 1.0}


class Inspector:
    """Runs the user's model with its recurrent modules unrolled, for the gradient
    profile (on a batch, or on its first sequences when the whole batch costs more than
    the budget gives) and the probe (on the probe's first sequence), and paces them
    within ``share`` of the loop's time; what keeps a record from being written is added
    to ``notes``.

    The first pass of a kind and the last step's are not charged; after the first
    profile (the whole batch), the next takes one sequence, and the count then follows
    the budget (see :meth:`_resize`)."""

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
        self.budget = Budget(share, {"profile": _WEIGHTS["profile"], "probe": _WEIGHTS["probe"] if probe is not None else 0.0})
        self.notes = notes
        #: The sequences a gradient profile takes: None, the whole batch.
        self.sequences: Optional[int] = None
        self._done: set[str] = set()  # the kinds whose first pass is behind them
        if loss_fn is None:
            notes.add("no loss_fn was given: no gradient profile or probe in this log")
        elif not modules.any:
            notes.add(NOTHING_TO_UNROLL)

    @property
    def able(self) -> bool:
        """Whether there is anything to unroll or watch, and a loss to differentiate."""
        return self.loss_fn is not None and self.modules.any

    def allows(self, kind: str) -> bool:
        """Whether a pass of ``kind`` ("profile", "probe") fits the budget now."""
        return self.budget.allows(kind)

    def profile(self, step: int, batch: Optional[tuple[Tensor, Any]], horizon: float, charged: bool = True) -> Optional[dict[str, Any]]:
        """The ``grad_profile`` record of ``batch`` (else of the probe batch), on as many
        of its first sequences as a pass every ``horizon`` seconds can afford.

        Args:
            horizon: the seconds of the loop within which the next profile should come.
            charged: False for a pass that no account pays for (the last step's).
        """
        if not self.able:
            return None
        x, y = batch if batch is not None else self.probe.batch if self.probe is not None else (None, None)
        if x is None:
            self.notes.add("no batch (x, y) with one input tensor reached the log, and no probe: no gradient profile in this log")
            return None
        size = batch_size((x, y), self.modules.batch_first)
        count = size if self.sequences is None else min(self.sequences, size)
        cut = leading_sequences(x, y, self.modules.batch_first, count) if count < size else None
        if cut is None:  # the whole batch, or a target that cannot be cut to match
            cut, count = (x, y), size
        began = time.perf_counter()
        result = self._pass(*cut, keep_gates=False)
        record: Optional[dict[str, Any]] = None
        if result is not None:
            record = {"type": "grad_profile", "step": step}
            if count < size:
                record["sequences"] = count
            record["layers"] = result.profile()
        seconds = time.perf_counter() - began
        if "profile" in self._done:
            self._resize(count, size, seconds, horizon)
        elif not math.isinf(self.budget.share):
            self.sequences = 1  # the first pass's time is mostly warm-up, and nothing is earned yet: start small
        following = size if self.sequences is None else min(self.sequences, size)
        self._spent("profile", seconds, charged, seconds * following / count)
        return record

    def probe_record(self, step: int, charged: bool = True) -> Optional[tuple[dict[str, Any], str]]:
        """The ``probe`` record of the probe's first sequence, and its matrices as JSON
        text (formatting 7 × units × steps numbers is much of a probe's cost)."""
        if not self.able or self.probe is None:
            return None
        began = time.perf_counter()
        result = self._pass(*self.probe.first, keep_gates=True)
        record = ({"type": "probe", "step": step, "loss": result.loss}, probe_layers(result)) if result is not None else None
        self._spent("probe", time.perf_counter() - began, charged)
        return record

    def _pass(self, x: Tensor, y: Any, keep_gates: bool) -> Optional[PassResult]:
        assert self.loss_fn is not None
        return run_pass(self.model, self.modules, x, y, self.loss_fn, keep_gates, self.notes)

    def _spent(self, kind: str, seconds: float, charged: bool, next_cost: Optional[float] = None) -> None:
        """Charges a pass to its kind's account, but the kind's first (warm-up included)
        and one that is not to be charged; ``next_cost``: what the next is expected to
        take (default: as much, an upper bound after the first)."""
        if charged and kind in self._done:
            self.budget.charge(kind, seconds, next_cost)
        else:
            self.budget.exempt(kind, seconds, seconds if next_cost is None else next_cost)
        self._done.add(kind)

    def _resize(self, used: int, size: int, seconds: float, horizon: float) -> None:
        """The sequences of the next profile: fewer when this pass, on ``used`` of
        ``size`` sequences, cost more than the budget gives the profiles in ``horizon``
        seconds (down to one sequence); twice as many when twice this pass fits.
        A pass costs less than in proportion to its sequences, so the count settles."""
        affordable = self.budget.rate("profile") * horizon
        if seconds > affordable and used > 1:
            self.sequences = max(1, min(used // 2, int(used * affordable / seconds)))
        elif 2 * seconds <= affordable and used < size:
            self.sequences = None if 2 * used >= size else 2 * used
