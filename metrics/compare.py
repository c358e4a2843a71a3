"""Comparison of a school's values with benchmark series and with peer schools.

Belongs here: the school's value against each benchmark series a report carries (全省, 本科, 高职
for the graduate survey) — difference in the indicator's natural unit, ratio, and whether the
difference is favourable given the indicator's direction — and the rank, percentile and median
within a peer group of loaded schools. Pure functions: frames in, frames out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from loaders.fields import OBSERVATION_FIELDS, names
from metrics.observations import (
    BENCHMARK_SUBJECTS,
    SCHOOL_SUBJECT,
    require_columns,
    require_indicators,
    select_observations,
)
from metrics.units import convert_to_units

#: What a comparison needs: the report and school, and every observation column but the line's text.
COMPARE_REQUIRED = ["report_id", "school", *names(OBSERVATION_FIELDS, exclude=("source_text", "held_reason"))]

BENCHMARK_COLUMNS = [
    "report_id",
    "school",
    "indicator_id",
    "year",
    "years_after",
    "unit",
    "value",
    "benchmark",
    "benchmark_value",
    "difference",
    "difference_unit",
    "ratio",
    "direction",
    "is_favourable",
    "source_table",
    "source_line",
    "benchmark_table",
    "benchmark_line",
]

PEER_COLUMNS = [
    "indicator_id",
    "subject",
    "year",
    "years_after",
    "school",
    "report_id",
    "unit",
    "value",
    "rank",
    "n_schools",
    "percentile",
    "group_median",
    "difference_from_median",
    "direction",
    "is_favourable",
    "source_table",
    "source_line",
]


def name_difference_unit(unit: str) -> str:
    """Name the unit a difference is expressed in: percentage points for ``%``, else the unit.

    Args:
        unit: The indicator's unit (``"%"``, ``"元"``, ``"分"`` …).

    Returns:
        ``"百分点"`` for ``%``, otherwise ``unit`` unchanged.
    """
    return "百分点" if unit == "%" else unit


def judge_favourable(difference: pd.Series, direction: pd.Series) -> pd.Series:
    """Say whether each difference is good news given the indicator's direction.

    Args:
        difference: ``value - reference`` per row.
        direction: ``higher``, ``lower`` or ``neutral`` per row.

    Returns:
        Nullable boolean: True when the difference points the good way (above for ``higher``,
        below for ``lower``), False when it is zero or points the other way, NA for ``neutral``
        indicators and for missing differences.
    """
    higher = direction.eq("higher").to_numpy()
    lower = direction.eq("lower").to_numpy()
    diff = difference.astype("float64").to_numpy()
    known = ~np.isnan(diff) & (higher | lower)
    good = np.where(higher, diff > 0, diff < 0)
    result = pd.array(np.where(known, good, False), dtype="boolean")
    result[~known] = pd.NA
    return pd.Series(result, index=difference.index, name="is_favourable")


def _empty(columns: list[str]) -> pd.DataFrame:
    """An empty frame with the output columns and their dtypes."""
    dtypes = {
        "year": "int64",
        "years_after": "Int64",
        "value": "float64",
        "benchmark_value": "float64",
        "difference": "float64",
        "ratio": "float64",
        "is_favourable": "boolean",
        "source_line": "int64",
        "benchmark_line": "Int64",
        "rank": "int64",
        "n_schools": "int64",
        "percentile": "float64",
        "group_median": "float64",
        "difference_from_median": "float64",
    }
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "str")) for c in columns})


def compare_to_benchmark(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    indicator_id: str | None = None,
    year: int | None = None,
    school: str | None = None,
    subject: str = SCHOOL_SUBJECT,
    benchmarks: Sequence[str] = BENCHMARK_SUBJECTS,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compare a school's values with the benchmark series its report carries.

    One value per quantity is used (see :func:`metrics.observations.select_observations`). All
    values are converted into the registry unit of their indicator first, so a benchmark given
    in 元 and a school value in 万元 compare correctly. A benchmark series the report carries for
    an indicator but not for a particular year/``years_after`` gives a row with missing
    benchmark values; a benchmark series the report does not carry at all gives no row.

    Args:
        observations: Frame in the observations contract.
        indicators: The indicator registry (``indicator_id, unit, direction, kind``).
        indicator_id: Keep only this indicator.
        year: Keep only this year (cohort year for graduate-survey figures).
        school: Keep only this school.
        subject: The subject that holds the school's value.
        benchmarks: Benchmark subjects, in output order.
        conversions: Explicit unit factors (see :func:`metrics.units.find_unit_factor`).

    Returns:
        One row per school value and benchmark with :data:`BENCHMARK_COLUMNS`: ``difference`` is
        ``value - benchmark_value`` in ``difference_unit`` (百分点 for rates, else the unit),
        ``ratio`` is ``value / benchmark_value`` and ``is_favourable`` follows the direction (NA
        for neutral indicators and missing benchmarks). Sorted by report, indicator,
        ``years_after``, year and benchmark order.

    Raises:
        MissingColumnsError: A required column is missing.
        UnknownIndicatorError: An indicator is not in the registry.
        UnitMismatchError: A value's unit cannot be converted into the registry unit.
    """
    require_columns(observations, COMPARE_REQUIRED, "observations")
    require_columns(indicators, ["indicator_id", "unit", "direction"], "indicators")
    rows = select_observations(observations[COMPARE_REQUIRED])
    if indicator_id is not None:
        rows = rows[rows["indicator_id"] == indicator_id]
    if year is not None:
        rows = rows[rows["year"] == year]
    if school is not None:
        rows = rows[rows["school"] == school]
    rows = rows[rows["subject"].isin([subject, *benchmarks])]
    if rows.empty:
        return _empty(BENCHMARK_COLUMNS)
    registry = require_indicators(indicators, rows["indicator_id"])
    rows = convert_to_units(rows, registry["unit"], conversions=conversions)

    key = ["report_id", "school", "indicator_id", "year", "years_after"]
    own = rows[rows["subject"] == subject].drop(columns="subject")
    bench = rows[rows["subject"].isin(benchmarks)].rename(
        columns={
            "subject": "benchmark",
            "value": "benchmark_value",
            "source_table": "benchmark_table",
            "source_line": "benchmark_line",
        }
    )
    carried = bench[["report_id", "indicator_id", "benchmark"]].drop_duplicates()
    pairs = own.merge(carried, on=["report_id", "indicator_id"], how="inner", validate="m:m")
    out = pairs.merge(bench.drop(columns="unit"), on=[*key, "benchmark"], how="left", validate="m:1")
    if out.empty:
        return _empty(BENCHMARK_COLUMNS)
    out["difference"] = out["value"] - out["benchmark_value"]
    out["difference_unit"] = out["unit"].map(name_difference_unit).astype("str")
    denominator = out["benchmark_value"].where(out["benchmark_value"] != 0)
    out["ratio"] = out["value"] / denominator
    out["direction"] = out["indicator_id"].map(registry["direction"]).astype("str")
    out["is_favourable"] = judge_favourable(out["difference"], out["direction"])
    out["benchmark_line"] = out["benchmark_line"].astype("Int64")
    out["years_after"] = out["years_after"].astype("Int64")
    order = {name: position for position, name in enumerate(benchmarks)}
    out["_order"] = out["benchmark"].map(order)
    out = out.sort_values(
        ["report_id", "indicator_id", "years_after", "year", "_order"], kind="stable", na_position="first"
    )
    return out[BENCHMARK_COLUMNS].reset_index(drop=True)


def rank_within_peers(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    indicator_id: str,
    year: int | None = None,
    subject: str = SCHOOL_SUBJECT,
    schools: Sequence[str] | None = None,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rank schools within a peer group on one indicator.

    Schools are compared only within the same ``year`` and ``years_after`` (a one-year-after
    figure is never ranked against a three-years-after one). When several reports of one school
    state the same quantity, the latest report's value is used.

    Args:
        observations: Frame in the observations contract (``report_year`` is used when present).
        indicators: The indicator registry.
        indicator_id: The indicator to rank on.
        year: Keep only this year; None ranks every year separately.
        subject: The subject that holds each school's value.
        schools: The peer group; None means every loaded school.
        conversions: Explicit unit factors.

    Returns:
        One row per school, year and ``years_after`` with :data:`PEER_COLUMNS`. ``rank`` 1 is the
        best value given the direction (highest for ``higher`` and ``neutral``, lowest for
        ``lower``; ties share the better rank); ``percentile`` is the percentage of the group whose
        value is no better than the school's, the school included (the best of four is 100, the
        worst 25; a group of one is 100); ``is_favourable`` compares the value with the group
        median.

    Raises:
        MissingColumnsError: A required column is missing.
        UnknownIndicatorError: ``indicator_id`` is not in the registry.
        UnitMismatchError: A value's unit cannot be converted into the registry unit.
    """
    require_columns(observations, COMPARE_REQUIRED, "observations")
    registry = require_indicators(indicators, [indicator_id])
    columns = COMPARE_REQUIRED + (["report_year"] if "report_year" in observations.columns else [])
    rows = select_observations(observations[columns])
    rows = rows[(rows["indicator_id"] == indicator_id) & (rows["subject"] == subject)]
    if year is not None:
        rows = rows[rows["year"] == year]
    if schools is not None:
        rows = rows[rows["school"].isin(list(schools))]
    if rows.empty:
        return _empty(PEER_COLUMNS)
    rows = convert_to_units(rows, registry["unit"], conversions=conversions)
    if "report_year" in rows.columns:
        rows = rows.sort_values("report_year", ascending=False, kind="stable")
    rows = rows.drop_duplicates(["school", "indicator_id", "subject", "year", "years_after"])
    direction = str(registry.at[indicator_id, "direction"])
    better_is_lower = direction == "lower"
    group = ["year", "years_after"]
    grouped = rows.groupby(group, dropna=False)["value"]
    out = rows.copy()
    out["rank"] = grouped.rank(ascending=better_is_lower, method="min").astype("int64")
    out["n_schools"] = grouped.transform("size").astype("int64")
    out["percentile"] = grouped.rank(ascending=not better_is_lower, method="max", pct=True) * 100
    out["group_median"] = grouped.transform("median")
    out["difference_from_median"] = out["value"] - out["group_median"]
    out["direction"] = direction
    out["direction"] = out["direction"].astype("str")
    out["is_favourable"] = judge_favourable(out["difference_from_median"], out["direction"])
    out["years_after"] = out["years_after"].astype("Int64")
    out = out.sort_values(["year", "years_after", "rank", "school"], kind="stable")
    return out[PEER_COLUMNS].reset_index(drop=True)
