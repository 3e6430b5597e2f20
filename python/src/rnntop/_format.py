"""JSON text for run-log records, written the way rnntop writes it.

Plain JSON has no NaN or infinities; the run log writes them as the strings
``"NaN"``, ``"Infinity"`` and ``"-Infinity"``. Scalars are float32 values written with
the fewest digits that give the same float32 back, as rnntop does (with numpy, when it
is installed, a few times faster); probe matrices are rounded to four significant
digits, which is all a heatmap can show.
"""

from __future__ import annotations

import functools
import json
import math
import struct
from typing import Any

try:
    import numpy
except ImportError:  # optional: only faster
    numpy = None

__all__ = ["dumps", "float32", "four_digits", "matrix", "number"]

_NON_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def float32(value: float) -> float | str:
    """``value`` rounded to float32 and shortened to the fewest digits that keep it,
    or the run log's string for a NaN or an infinity."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return _NON_FINITE[value]
    if abs(value) > 3.4028234663852886e38:  # beyond float32's range: an infinity there
        return "Infinity" if value > 0 else "-Infinity"
    if numpy is not None:
        return _whole(float(str(numpy.float32(value))))
    (single,) = struct.unpack("<f", struct.pack("<f", value))
    for digits in range(6, 10):
        short = float(f"{single:.{digits}g}")
        if struct.pack("<f", short) == struct.pack("<f", single):
            return _whole(short)
    return single


def _whole(value: float) -> float | int:
    """A whole number as an int (``3``, not ``3.0``), as rnntop writes it."""
    return int(value) if value.is_integer() and abs(value) < 1e7 else value


def number(value: float) -> str:
    """``value`` as float32 in JSON text: ``0.1``, ``3``, ``"NaN"``."""
    short = float32(value)
    return f'"{short}"' if isinstance(short, str) else repr(short)


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


def matrix(units: int, steps: int, values: list[float]) -> str:
    """A probe matrix, units × steps row-major, as ``{"units":..,"steps":..,"values":[..]}``."""
    if all(map(math.isfinite, values)):
        text = _four_digits_format(len(values)) % tuple(values)  # one format for all: fast
    else:
        text = ",".join(map(four_digits, values))
    return '{"units":%d,"steps":%d,"values":[%s]}' % (units, steps, text)


@functools.lru_cache(maxsize=16)
def _four_digits_format(count: int) -> str:
    return ",".join(["%.4g"] * count)


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
