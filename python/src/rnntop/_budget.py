"""A share of the training loop's time for the log, and how its unrolled passes spend it."""

from __future__ import annotations

import math
import time
from typing import Optional

__all__ = ["Budget"]


class Budget:
    """Keeps a log's own work within ``share`` of the training loop's time, and paces its
    unrolled passes evenly.

    The step records are charged what they take (:meth:`charge_records`). The passes
    get what the records leave, split between their kinds by ``weights``: each kind has
    an account that fills at its part of that rate, and a pass of the kind is allowed
    when the account holds what the next one is expected to cost (what the last took,
    unless :meth:`charge` is told otherwise). So each kind comes at a steady pace, as
    often as the share pays for.

    A pass can also be noted without being charged (:meth:`exempt`): the first of each
    kind, whose time holds PyTorch's warm-up (the first calls of the unrolled ops), and
    those of the last step, which every log gets.

    Example::

        budget = Budget(0.02, {"profile": 2, "probe": 1})
        if budget.allows("profile"):
            began = time.perf_counter()
            ...  # the pass
            budget.charge("profile", time.perf_counter() - began)
    """

    def __init__(self, share: float, weights: dict[str, float]) -> None:
        total = sum(weights.values())
        self.share = share
        self._weights = {kind: weight / total for kind, weight in weights.items()}
        self._started = time.perf_counter()
        self.records = 0.0  # seconds the records took
        self.passes = 0.0  # seconds all passes took, charged or not
        self._spent = {kind: 0.0 for kind in weights}
        self._cost = {kind: 0.0 for kind in weights}

    def allows(self, kind: str) -> bool:
        """Whether a pass of ``kind`` fits its account now."""
        if math.isinf(self.share):
            return True
        available = self.share * (time.perf_counter() - self._started) - self.records
        return self._spent[kind] + self._cost[kind] <= self._weights[kind] * available

    def rate(self, kind: str) -> float:
        """The seconds per second of the loop that passes of ``kind`` may take, at the
        records' pace so far (``math.inf`` without a limit)."""
        if math.isinf(self.share):
            return math.inf
        elapsed = time.perf_counter() - self._started
        records = self.records / elapsed if elapsed > 0 else 0.0
        return self._weights[kind] * max(0.0, self.share - records)

    def charge(self, kind: str, seconds: float, next_cost: Optional[float] = None) -> None:
        """Notes a pass of ``kind`` that took ``seconds``, to be paid from its account;
        the next pass of the kind is expected to cost ``next_cost`` (default: as much)."""
        self.passes += seconds
        self._spent[kind] += seconds
        self._cost[kind] = seconds if next_cost is None else next_cost

    def exempt(self, kind: str, seconds: float, next_cost: float) -> None:
        """Notes a pass of ``kind`` that no account pays for; the next is expected to
        cost ``next_cost``."""
        self.passes += seconds
        self._cost[kind] = next_cost

    def charge_records(self, seconds: float) -> None:
        """Notes what writing records took."""
        self.records += seconds
