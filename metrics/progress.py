"""Judging one value against one target: met or not, progress, the gap, and the pace over years.

Belongs here: the pure scalar rules :mod:`metrics.targets` applies to every target — whether a value
meets a comparator (``>=``, ``<=``, ``=``, ``range`` …), how far along it is, and the Open SDG
thresholds that turn observed over required growth into a status.
"""

from __future__ import annotations

import math

from metrics.errors import MetricsError
from metrics.observations import missing

#: Open SDG's threshold for the ratio of observed to required growth: at least this is on track.
ON_TRACK_RATIO = 0.95

MEASURABLE_COMPARATORS = (">=", ">", "<=", "<", "=", "range")
_TOLERANCE = 1e-9


def _text(value: object) -> str:
    """A scalar as text, missing values as ``""``."""
    return "" if missing(value) else str(value)


def judge_met(value: float, comparator: str, target: float, low: float, high: float) -> bool:
    """Whether a value meets a target.

    Args:
        value: The current value, in the target's unit.
        comparator: ``>=``, ``>``, ``<=``, ``<``, ``=`` or ``range``.
        target: The target value (unused for ``range``).
        low: Lower bound of a range target.
        high: Upper bound of a range target.

    Returns:
        True when the target is met (``=`` allows a relative difference of 1e-9).
    """
    if comparator == ">=":
        return value >= target - _TOLERANCE
    if comparator == ">":
        return value > target
    if comparator == "<=":
        return value <= target + _TOLERANCE
    if comparator == "<":
        return value < target
    if comparator == "=":
        return math.isclose(value, target, rel_tol=1e-9, abs_tol=_TOLERANCE)
    if comparator == "range":
        return (missing(low) or value >= low - _TOLERANCE) and (missing(high) or value <= high + _TOLERANCE)
    raise MetricsError(
        f"目标的比较方式应为 {'、'.join(MEASURABLE_COMPARATORS)} 之一，实际为“{comparator}”。",
        f"targets: expected a comparator in {MEASURABLE_COMPARATORS}, found {comparator!r}",
    )


def compute_progress(value: float, comparator: str, target: float, low: float, high: float) -> tuple[float, float]:
    """Progress towards a target (0–100 %) and the gap still to close.

    For a floor (``>=``) progress is ``value / target``; for a ceiling (``<=``, e.g. 生师比 18:1)
    a value at or under the ceiling is 100 % and one above it is ``target / value``; for a range,
    the bound that is missed is used; for ``=``, the smaller over the larger. The gap is how far
    the value still is from meeting the target, in the target's unit (0 when met).

    Args:
        value: The current value, in the target's unit.
        comparator: ``>=``, ``>``, ``<=``, ``<``, ``=`` or ``range``.
        target: The target value.
        low: Lower bound of a range target.
        high: Upper bound of a range target.

    Returns:
        ``(progress_pct, gap)``; progress is NaN when a ratio is undefined (zero or negative
        values).
    """

    def ratio(numerator: float, denominator: float) -> float:
        if denominator <= 0 or numerator < 0:
            return float("nan")
        return min(numerator / denominator, 1.0) * 100

    if comparator in (">=", ">"):
        return ratio(value, target), max(target - value, 0.0)
    if comparator in ("<=", "<"):
        if value <= target:
            return 100.0, 0.0
        return ratio(target, value), value - target
    if comparator == "range":
        if not missing(low) and value < low:
            return ratio(value, low), low - value
        if not missing(high) and value > high:
            return ratio(high, value), value - high
        return 100.0, 0.0
    if comparator == "=":
        if math.isclose(value, target, rel_tol=1e-9, abs_tol=_TOLERANCE):
            return 100.0, 0.0
        return ratio(min(value, target), max(value, target)), abs(target - value)
    raise MetricsError(
        f"目标的比较方式应为 {'、'.join(MEASURABLE_COMPARATORS)} 之一，实际为“{comparator}”。",
        f"targets: expected a comparator in {MEASURABLE_COMPARATORS}, found {comparator!r}",
    )


def judge_pace(ratio: float) -> str:
    """Turn the ratio of observed to required growth into a status (Open SDG threshold).

    Args:
        ratio: Observed compound growth divided by the growth required to reach the target.

    Returns:
        ``on_track`` (≥ :data:`ON_TRACK_RATIO`) or ``off_track`` (below, or NaN).
    """
    if missing(ratio):
        return "off_track"
    return "on_track" if ratio >= ON_TRACK_RATIO else "off_track"


def _aim(comparator: str, target: float, low: float, high: float, value: float) -> float:
    """The value the series has to reach: the target, or the missed bound of a range."""
    if comparator == "range":
        if not missing(low) and value < low:
            return low
        if not missing(high) and value > high:
            return high
        return value
    return target
