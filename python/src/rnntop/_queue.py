"""Records on their way to the log file."""

from __future__ import annotations

from typing import Any, Optional

from ._host import settle
from ._lines import LineFile
from ._records import event, line

__all__ = ["RecordQueue"]


class RecordQueue:
    """Records wait here with their tensors still on the model's device, and become
    lines when they are written: at least twice a second (``flush_if_due``), on
    ``flush``, and on ``close``; the step records' tensors then come to the host in one
    transfer. Writing them is also where a NaN or an infinite loss or gradient norm is
    first seen on the host, and becomes a ``diverged`` event."""

    def __init__(self, path: str) -> None:
        self._lines = LineFile(path)
        self._pending: list[tuple[dict[str, Any], Optional[str]]] = []
        self._diverged = False

    @property
    def path(self) -> str:
        return self._lines.path

    def put(self, record: dict[str, Any], layers: Optional[str] = None) -> None:
        """Queues a record; ``layers`` is a probe's, as JSON text already."""
        self._pending.append((record, layers))

    def flush_if_due(self, now: float) -> None:
        """Writes what is queued if the last write is ``LineFile.interval`` old at
        ``now`` (``time.perf_counter()``)."""
        if now - self._lines.last_flush >= LineFile.interval:
            self.flush()

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        settle([record for record, _ in pending if record["type"] == "step"])
        for record, layers in pending:
            text = line(record, layers)
            self._lines.write(text)
            if record["type"] == "step" and not self._diverged and ('"NaN"' in text or 'Infinity"' in text):
                self._diverged = True
                step, steps = record["step"], record.get("steps", 1)
                at = f"at step {step}" if steps == 1 else f"by step {step} (in the {steps} steps it stands for)"
                message = f"diverged {at}: the loss or the gradient norm is not finite"
                self._lines.write(line(event(record["step"], "diverged", message, record["elapsed"])))
        self._lines.flush()

    def close(self) -> None:
        """Writes what is queued, syncs and closes the file."""
        try:
            self.flush()
        finally:
            self._lines.close()
