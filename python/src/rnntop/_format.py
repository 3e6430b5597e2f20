"""JSON text for run-log records, written the way rnntop writes it.

Plain JSON has no NaN or infinities; the run log writes them as the strings
``"NaN"``, ``"Infinity"`` and ``"-Infinity"``. Scalars are float32 values written with
the fewest digits that give the same float32 back, as rnntop does; probe matrices are
rounded to four significant digits, which is all a heatmap can show.
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any, Iterable

__all__ = ["dumps", "float32", "four_digits", "matrix"]

_NON_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def float32(value: float) -> float | str:
    """``value`` rounded to float32 and shortened to the fewest digits that keep it,
    or the run log's string for a NaN or an infinity."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return _NON_FINITE[value]
    try:
        (single,) = struct.unpack("<f", struct.pack("<f", value))
    except OverflowError:  # beyond float32's range: an infinity there
        return "Infinity" if value > 0 else "-Infinity"
    for digits in range(6, 10):
        short = float(f"{single:.{digits}g}")
        if struct.pack("<f", short) == struct.pack("<f", single):
            return int(short) if short.is_integer() and abs(short) < 1e7 else short
    return single


def four_digits(value: float) -> str:
    """``value`` to four significant digits as JSON text: ``0.01235``, ``1235``,
    ``1.235e-07``, or the string for a NaN or an infinity."""
    if math.isnan(value):
        return '"NaN"'
    if math.isinf(value):
        return '"Infinity"' if value > 0 else '"-Infinity"'
    if value == 0:
        return "0"
    return f"{value:.4g}"


def matrix(units: int, steps: int, values: Iterable[float]) -> str:
    """A probe matrix, units × steps row-major, as ``{"units":..,"steps":..,"values":[..]}``."""
    return '{"units":%d,"steps":%d,"values":[%s]}' % (units, steps, ",".join(map(four_digits, values)))


def _clean(value: Any) -> Any:
    """Replaces non-finite floats anywhere in ``value`` by the log's strings."""
    if isinstance(value, float):
        return value if math.isfinite(value) else float32(value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    return value


def dumps(record: dict[str, Any], raw: dict[str, str] | None = None) -> str:
    """One record as one line of compact JSON (no newline); ``raw`` adds fields whose
    values are JSON text already (the probe's matrices)."""
    line = json.dumps(_clean(record), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    if raw:
        line = line[:-1] + "".join(f",{json.dumps(key)}:{text}" for key, text in raw.items()) + "}"
    return line
