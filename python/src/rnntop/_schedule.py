"""When records are due: the step records' interval, and how often the unrolled passes
may come at most (the time budget in :mod:`rnntop._budget` spaces them further).

Each function gives the next step due after ``step``, so that a step only compares two
numbers."""

from __future__ import annotations

from typing import Optional

__all__ = ["next_detail", "next_probe", "next_record"]

#: The probe's first steps: early steps change most.
_EARLY_PROBES = (1, 2, 5, 10, 20, 50, 100)


def next_record(step: int, every: Optional[int]) -> int:
    """Step records every ``every`` steps; by default every step to 1,000, every 10 to
    10,000, then every 100."""
    interval = every or (1 if step < 1000 else 10 if step < 10_000 else 100)
    return (step // interval + 1) * interval


def next_detail(step: int) -> int:
    """The gradient profile and the parameter norms at most: step 1, every 10 steps to
    10,000, then every 100."""
    if step < 1:
        return 1
    interval = 10 if step < 10_000 else 100
    return (step // interval + 1) * interval


def next_probe(step: int) -> int:
    """The probe's matrices at most: steps 1, 2, 5, 10, 20, 50, 100, then every 100 to
    10,000, then every 1,000 (a probe is large: its units × steps matrices)."""
    for due in _EARLY_PROBES:
        if step < due:
            return due
    interval = 100 if step < 10_000 else 1000
    return (step // interval + 1) * interval
