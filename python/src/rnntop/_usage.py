"""What the training process costs, as ``top`` shows it: its CPU use, its resident
memory and, on a GPU, the most memory its tensors took there."""

from __future__ import annotations

import os
import sys
import time
from typing import Optional, Union

import torch

__all__ = ["Usage"]


class Usage:
    """The step records' ``cpu_percent``, ``rss_bytes`` and ``device_peak_bytes``, at
    most once every ``interval`` seconds.

    ``cpu_percent`` is this process's CPU time since the last report (since the log
    began, the first time) over the wall-clock time, in percent of one core. Resident
    memory comes from ``/proc/self/statm`` on Linux, else from ``getrusage``'s peak
    (an approximation), and is left out where neither is known.

    Cost: a file read and two clock reads a report."""

    interval = 1.0

    def __init__(self, device: Optional[torch.device]) -> None:
        self._device = device if device is not None and device.type == "cuda" else None
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def due(self, now: float) -> bool:
        """Whether a report is due at ``now`` (``time.perf_counter()``)."""
        return now - self._wall >= self.interval

    def report(self) -> dict[str, Union[int, float]]:
        """The figures since the last report; starts the next interval."""
        wall, cpu = time.perf_counter(), time.process_time()
        span = wall - self._wall
        fields: dict[str, Union[int, float]] = {"cpu_percent": round(100 * (cpu - self._cpu) / span, 1) if span > 0 else 0.0}
        self._wall, self._cpu = wall, cpu
        resident = _resident_bytes()
        if resident is not None:
            fields["rss_bytes"] = resident
        if self._device is not None:
            fields["device_peak_bytes"] = int(torch.cuda.max_memory_allocated(self._device))
        return fields


def _resident_bytes() -> Optional[int]:
    """This process's resident memory now (Linux), else its peak, else None."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource  # not on Windows
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024  # bytes on macOS, KiB elsewhere
