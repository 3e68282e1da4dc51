"""Statistics of the measurements: the one home of ``percentile``.

Imports nothing (it is imported by ``bench.nlu_timing``, whose import-time figure must not include anything
else).
"""
from __future__ import annotations


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100) of ``values``; None when empty."""
    if not values:
        return None
    data = sorted(values)
    k = (len(data) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)
