"""When records are due: rnntop's schedules, and a time budget for the unrolled passes."""

from __future__ import annotations

import time
from typing import Optional

__all__ = ["Budget", "detail_due", "probe_due", "step_due"]


def step_due(step: int, every: Optional[int]) -> bool:
    """A step record every ``every`` steps; by default every step to 1,000, every 10 to
    10,000, then every 100."""
    interval = every or (1 if step <= 1000 else 10 if step <= 10_000 else 100)
    return step % interval == 0


def detail_due(step: int) -> bool:
    """The gradient profile and parameter norms: step 1, every 10 steps to 1,000, every
    100 to 10,000, then every 500."""
    return step == 1 or step % (10 if step <= 1000 else 100 if step <= 10_000 else 500) == 0


def probe_due(step: int) -> bool:
    """The probe's matrices: steps 1, 2, 5, 10, 20, 50, 100, …"""
    decade = 1
    while decade * 10 <= step:
        decade *= 10
    return step in (decade, 2 * decade, 5 * decade)


class Budget:
    """Keeps a log's work to a share of the training loop's time.

    Everything the log does is charged: each step's record, and the unrolled passes. A
    pass that is due waits until the time spent so far, plus what the last pass of its
    kind took, is within ``share`` of the time since the loop started; so the passes get
    what the step records leave. The first and the last passes of a run come anyway;
    they are charged too, so the passes after the first wait until the loop has paid.
    """

    def __init__(self, share: float) -> None:
        self.share = share
        self.started = time.perf_counter()
        self.spent = 0.0
        self.last: dict[str, float] = {}

    def allows(self, kind: str) -> bool:
        expected = self.last.get(kind, 0.0)
        return self.spent + expected <= self.share * (time.perf_counter() - self.started)

    def charge(self, kind: str, seconds: float) -> None:
        """Notes what a pass took."""
        self.last[kind] = seconds
        self.spent += seconds

    def charge_records(self, seconds: float) -> None:
        """Notes what writing records took."""
        self.spent += seconds
