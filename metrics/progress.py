"""Judging one value against one target: met or not, progress, the gap, and the pace over years.

Belongs here: the pure rules :mod:`metrics.targets` applies to every target — whether a value
meets a comparator (``>=``, ``<=``, ``=``, ``range`` …), how far along it is, the Open SDG
thresholds that turn observed over required growth into a status — and :func:`assess_target`, which
applies them to one target's observed series: the value judged (the latest, or the plan period's
sum or average), what next year needs, and the status. Finding that series is :mod:`metrics.targets`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from metrics.errors import MetricsError
from metrics.observations import missing
from metrics.trends import compute_cagr

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


@dataclass
class ObservedSeries:
    """The observed series a target is judged on, already in the target's unit (see :mod:`metrics.targets`)."""

    frame: pd.DataFrame  # year, value, years_after, report_id, source_table, source_line, basis (, reference)
    years_after: object
    reference_unit: str = ""  # the unit of the benchmark a relative target is a multiple of


@dataclass(frozen=True)
class _Goal:
    """What a target asks for: comparator, kind (level, cumulative, annual_average), values, year."""

    comparator: str
    kind: str
    value: float
    low: float
    high: float
    year: int | None

    @classmethod
    def of(cls, target: pd.Series) -> _Goal:
        def number(name: str) -> float:
            return float(target[name]) if not missing(target.get(name)) else float("nan")

        return cls(
            _text(target["comparator"]),
            _text(target.get("kind")),
            number("target_value"),
            number("target_low"),
            number("target_high"),
            None if missing(target.get("target_year")) else int(target["target_year"]),
        )


@dataclass(frozen=True)
class _Current:
    """The value a target is judged on: ``value`` (the latest, or the period's sum or mean), ``level``
    (the latest year's value), and for sums and averages the plan period's total so far and length."""

    value: float
    level: float
    in_period_sum: float | None = None
    period_years: int | None = None


def assess_target(target: pd.Series, observed: ObservedSeries | None, start_year: int | None) -> dict:
    """The attainment columns of one measurable target, judged on its observed series.

    Args:
        target: One target row (comparator, kind, values, year).
        observed: Its observed series, or None when nothing is observed.
        start_year: The first year of the plan period (None: the first observed year).

    Returns:
        The columns of its attainment row that depend on the observations (status, note …).
    """
    row: dict = {}
    goal = _Goal.of(target)
    if observed is None or observed.frame.empty:
        row["status"] = "no_data"
        row["note"] = "已载入的报告中没有该指标的数据"
        return row
    _latest_columns(row, observed, goal)
    notes: list[str] = []
    current = _current_value(row, observed.frame, goal, start_year, notes)
    if current is None:
        return row

    progress, gap = compute_progress(current.value, goal.comparator, goal.value, goal.low, goal.high)
    row["progress_pct"] = progress
    row["gap"] = gap
    if judge_met(current.value, goal.comparator, goal.value, goal.low, goal.high):
        row["status"] = "met"
        row["note"] = "; ".join(notes)
        return row

    aim = _aim(goal.comparator, goal.value, goal.low, goal.high, current.value)
    years_left = None if goal.year is None else goal.year - row["current_year"]
    # The plan-period total a sum or an average target needs (None for level targets).
    needed_total = None
    if goal.kind == "cumulative":
        needed_total = aim
    elif goal.kind == "annual_average" and current.in_period_sum is not None and current.period_years:
        needed_total = aim * current.period_years
    if years_left and years_left > 0:
        _next_year_needs(row, goal, current, aim, years_left, needed_total)
    _judge_status(row, goal, current, aim, years_left, needed_total, notes)
    row["note"] = "; ".join(notes)
    return row


def _latest_columns(row: dict, observed: ObservedSeries, goal: _Goal) -> None:
    """Where the latest value comes from; for a multiple of a benchmark, the benchmark and the target in its unit."""
    series = observed.frame
    row["years_after"] = observed.years_after
    latest = series.iloc[-1]
    row.update(
        report_id=latest["report_id"],
        source_table=latest["source_table"],
        source_line=latest["source_line"],
        basis=latest["basis"],
    )
    if "reference" in series.columns and not missing(latest["reference"]):
        # a multiple of a benchmark: the target in the benchmark's own unit too
        row.update(reference_value=float(latest["reference"]), reference_unit=observed.reference_unit)
        row["target_equivalent"] = goal.value * float(latest["reference"])


def _current_value(
    row: dict, series: pd.DataFrame, goal: _Goal, start_year: int | None, notes: list[str]
) -> _Current | None:
    """The value judged, with the current, first and count columns; None (and ``no_data`` in ``row``)
    when a cumulative target has no observed year in the plan period.

    Sums and averages over the plan period are judged on totals; levels on compound growth.
    """
    latest = series.iloc[-1]
    if goal.kind not in ("cumulative", "annual_average"):
        value = float(latest["value"])
        row.update(
            current_year=int(latest["year"]),
            current_value=value,
            n_years=len(series),
            first_year=int(series["year"].iloc[0]),
            first_value=float(series["value"].iloc[0]),
        )
        return _Current(value, value)
    first_in_plan = start_year if start_year is not None else int(series["year"].min())
    last_in_plan = goal.year if goal.year is not None else int(series["year"].max())
    period_years = last_in_plan - first_in_plan + 1
    in_period = series[(series["year"] >= first_in_plan) & (series["year"] <= last_in_plan)]
    in_period_sum: float | None = None
    if goal.kind == "cumulative" and in_period.empty:
        row["status"] = "no_data"
        row["note"] = (
            f"规划期 {first_in_plan}–{last_in_plan} 内没有观测年份（最近一年 {int(latest['year'])}："
            f"{latest['value']:g}）；累计目标只计规划期内各年"
        )
        if not math.isnan(goal.value):
            row["next_year"] = first_in_plan
            row["next_year_value_needed"] = goal.value / period_years
        return None
    if goal.kind == "annual_average" and in_period.empty:
        in_period = series
        notes.append(f"规划期 {first_in_plan}–{last_in_plan} 内没有观测年份，按已观测各年平均")
    else:
        in_period_sum = float(in_period["value"].sum())
    values = in_period["value"]
    value = float(values.sum()) if goal.kind == "cumulative" else float(values.mean())
    row.update(
        current_year=int(in_period["year"].max()),
        current_value=value,
        n_years=len(in_period),
        first_year=int(in_period["year"].min()),
        first_value=float(values.iloc[0]),
    )
    return _Current(value, float(values.iloc[-1]), in_period_sum, period_years)


def _next_year_needs(
    row: dict, goal: _Goal, current: _Current, aim: float, years_left: int, needed_total: float | None
) -> None:
    """What next year needs: its value, and the yearly growth that reaches the aim by the target year."""
    row["next_year"] = row["current_year"] + 1
    if needed_total is not None:
        done = current.in_period_sum if goal.kind == "annual_average" else current.value
        per_year = (needed_total - done) / years_left
        row["next_year_value_needed"] = per_year
        if goal.kind == "annual_average":
            row["growth_needed_pct"] = compute_cagr(current.level, per_year, 1) * 100
    else:
        needed = compute_cagr(current.level, aim, years_left)
        row["growth_needed_pct"] = needed * 100
        if not math.isnan(needed):
            row["next_year_value_needed"] = current.level * (1 + needed)


def _judge_status(
    row: dict,
    goal: _Goal,
    current: _Current,
    aim: float,
    years_left: int | None,
    needed_total: float | None,
    notes: list[str],
) -> None:
    """The status of a target not met: not_met, in_progress, or on/off track by the pace ratio."""
    if years_left is not None and years_left <= 0:
        row["status"] = "not_met"
        notes.append(f"目标年 {goal.year} 已到，未达成")
    elif row["n_years"] < 2:
        row["status"] = "in_progress"
        notes.append("目标年未到，仅一年观测值，不判断趋势")
    elif needed_total is not None:
        # If the latest year's value held for the remaining years, how much of the total is reached?
        so_far = current.value if goal.kind == "cumulative" else float(current.in_period_sum or 0.0)
        projected = so_far + current.level * (years_left or 0)
        ratio = projected / needed_total if needed_total else float("nan")
        row["pace_ratio"] = ratio
        row["status"] = judge_pace(ratio)
    else:
        first_year, first_value = row["first_year"], row["first_value"]
        observed_growth = compute_cagr(first_value, current.level, row["current_year"] - first_year)
        required_growth = (
            compute_cagr(first_value, aim, goal.year - first_year) if goal.year is not None else float("nan")
        )
        row["growth_observed_pct"] = observed_growth * 100
        if math.isnan(required_growth) or required_growth == 0:
            ratio = float("nan")
        else:
            ratio = observed_growth / required_growth
        row["pace_ratio"] = ratio
        row["status"] = judge_pace(ratio)
