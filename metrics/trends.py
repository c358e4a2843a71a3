"""Change over time: the series, year-on-year change, compound growth, one year → three years after.

Belongs here: anything computed along the ``year`` axis of one school's indicator for one subject.
A series is keyed by ``school, indicator_id, subject, years_after``: graduate-survey figures one
year and three years after graduation are never mixed in one series (the ``year`` of those rows is
the cohort, e.g. 2019 for 2019届). Pure functions: frames in, frames out.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from metrics.compare import judge_favourable, name_difference_unit
from metrics.observations import (
    ROW_REQUIRED,
    collapse_restatements,
    require_columns,
    require_indicators,
    select_observations,
    with_basis,
)
from metrics.units import convert_to_units

#: One series: never mixes subjects or ``years_after``.
SERIES_KEY = ["school", "indicator_id", "subject", "years_after"]

TREND_REQUIRED = ROW_REQUIRED

#: ``basis``: what the value rests on (table, derived, entered, narrative: metrics.observations.BASES).
SERIES_COLUMNS = [*SERIES_KEY, "year", "value", "unit", "report_id", "source_table", "source_line", "basis"]

CHANGE_COLUMNS = [
    *SERIES_KEY,
    "year",
    "value",
    "unit",
    "previous_year",
    "previous_value",
    "change",
    "change_unit",
    "change_pct",
    "is_improvement",
]

GROWTH_COLUMNS = [
    *SERIES_KEY,
    "unit",
    "n_years",
    "first_year",
    "first_value",
    "last_year",
    "last_value",
    "change",
    "change_unit",
    "cagr_pct",
    "is_improvement",
]

YEARS_AFTER_COLUMNS = [
    "school",
    "indicator_id",
    "subject",
    "unit",
    "one_year_cohort",
    "one_year_value",
    "one_year_report",
    "three_year_cohort",
    "three_year_value",
    "three_year_report",
    "difference",
    "difference_unit",
    "ratio",
]

_DTYPES = {
    "years_after": "Int64",
    "year": "int64",
    "value": "float64",
    "source_line": "int64",
    "previous_year": "Int64",
    "previous_value": "float64",
    "change": "float64",
    "change_pct": "float64",
    "is_improvement": "boolean",
    "n_years": "int64",
    "first_year": "int64",
    "first_value": "float64",
    "last_year": "int64",
    "last_value": "float64",
    "cagr_pct": "float64",
    "one_year_cohort": "int64",
    "one_year_value": "float64",
    "three_year_cohort": "int64",
    "three_year_value": "float64",
    "difference": "float64",
    "ratio": "float64",
}


def _empty(columns: list[str]) -> pd.DataFrame:
    """An empty frame with the output columns and their dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES.get(c, "str")) for c in columns})


def compute_cagr(first_value: float, last_value: float, years: float) -> float:
    """Compound annual growth between two values, as a fraction (0.05 = 5 % a year).

    Args:
        first_value: The earlier value.
        last_value: The later value.
        years: Years between them.

    Returns:
        ``(last / first) ** (1 / years) - 1``; NaN when ``years <= 0``, ``first <= 0`` or
        ``last < 0`` (growth of a sign change is not defined).
    """
    if not years or years <= 0 or pd.isna(first_value) or pd.isna(last_value):
        return float("nan")
    if first_value <= 0 or last_value < 0:
        return float("nan")
    return float((last_value / first_value) ** (1.0 / years) - 1.0)


def build_series(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    indicator_id: str | None = None,
    school: str | None = None,
    subject: str | None = None,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Build the time series: one value per series and year, in the registry unit.

    Within a report one value per quantity is used (lowest ``source_line``, see
    :func:`metrics.observations.select_observations`), and a figure restated under another
    year in another table counts once, at the later year
    (:func:`metrics.observations.collapse_restatements`). When several reports state the same year
    of a series, the latest report (highest ``report_year``) wins: it carries the most recent
    statement of that figure.

    Args:
        observations: Frame in the observations contract.
        indicators: The indicator registry.
        indicator_id: Keep only this indicator.
        school: Keep only this school.
        subject: Keep only this subject.
        conversions: Explicit unit factors.

    Returns:
        :data:`SERIES_COLUMNS`, sorted by series key and year.

    Raises:
        MissingColumnsError: A required column is missing.
        UnknownIndicatorError: An indicator is not in the registry.
        UnitMismatchError: A value's unit cannot be converted into the registry unit.
    """
    require_columns(observations, TREND_REQUIRED, "observations")
    require_columns(indicators, ["indicator_id", "unit", "direction"], "indicators")
    rows = observations
    if indicator_id is not None:
        rows = rows[rows["indicator_id"] == indicator_id]
    if school is not None:
        rows = rows[rows["school"] == school]
    if subject is not None:
        rows = rows[rows["subject"] == subject]
    if rows.empty:
        return _empty(SERIES_COLUMNS)
    rows = with_basis(rows)[[*TREND_REQUIRED, "basis"]]  # after the filters: one series, not every row
    rows = collapse_restatements(select_observations(rows))
    registry = require_indicators(indicators, rows["indicator_id"])
    rows = convert_to_units(rows, registry["unit"], conversions=conversions)
    rows = rows.sort_values(["report_year", "source_line"], ascending=[False, True], kind="stable")
    rows = rows.drop_duplicates([*SERIES_KEY, "year"], keep="first")
    rows = rows.sort_values([*SERIES_KEY, "year"], kind="stable", na_position="first")
    out = rows[SERIES_COLUMNS].reset_index(drop=True)
    out["years_after"] = out["years_after"].astype("Int64")
    return out


def compute_changes(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    indicator_id: str | None = None,
    school: str | None = None,
    subject: str | None = None,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Year-on-year change along every series that has two or more years.

    Args:
        observations: Frame in the observations contract.
        indicators: The indicator registry (``direction`` decides ``is_improvement``).
        indicator_id: Keep only this indicator.
        school: Keep only this school.
        subject: Keep only this subject.
        conversions: Explicit unit factors.

    Returns:
        :data:`CHANGE_COLUMNS`, one row per year of each series with two or more years.
        ``previous_year``/``previous_value`` are the series' preceding observed year (not
        necessarily the calendar year before); ``change`` is in ``change_unit`` (百分点 for
        rates); ``change_pct`` is the relative change in percent (NaN when the previous value is
        0); ``is_improvement`` follows the direction (NA for neutral indicators and first years).

    Raises:
        MissingColumnsError: A required column is missing.
        UnknownIndicatorError: An indicator is not in the registry.
        UnitMismatchError: A value's unit cannot be converted into the registry unit.
    """
    series = build_series(
        observations, indicators, indicator_id=indicator_id, school=school, subject=subject, conversions=conversions
    )
    if series.empty:
        return _empty(CHANGE_COLUMNS)
    sizes = series.groupby(SERIES_KEY, dropna=False)["year"].transform("size")
    series = series[sizes >= 2].copy()
    if series.empty:
        return _empty(CHANGE_COLUMNS)
    grouped = series.groupby(SERIES_KEY, dropna=False)
    series["previous_year"] = grouped["year"].shift(1).astype("Int64")
    series["previous_value"] = grouped["value"].shift(1).astype("float64")
    series["change"] = series["value"] - series["previous_value"]
    series["change_unit"] = series["unit"].map(name_difference_unit).astype("str")
    previous = series["previous_value"].where(series["previous_value"] != 0)
    series["change_pct"] = series["change"] / previous.abs() * 100
    registry = require_indicators(indicators, series["indicator_id"])
    direction = series["indicator_id"].map(registry["direction"])
    series["is_improvement"] = judge_favourable(series["change"], direction)
    return series[CHANGE_COLUMNS].reset_index(drop=True)


def compute_growth(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    indicator_id: str | None = None,
    school: str | None = None,
    subject: str | None = None,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compound annual growth from the first to the last observed year of every series.

    Args:
        observations: Frame in the observations contract.
        indicators: The indicator registry.
        indicator_id: Keep only this indicator.
        school: Keep only this school.
        subject: Keep only this subject.
        conversions: Explicit unit factors.

    Returns:
        :data:`GROWTH_COLUMNS`, one row per series with two or more years. ``cagr_pct`` is
        ``((last / first) ** (1 / (last_year - first_year)) - 1) * 100`` (NaN when the first value
        is not positive); ``change`` is ``last - first`` in ``change_unit``.

    Raises:
        MissingColumnsError: A required column is missing.
        UnknownIndicatorError: An indicator is not in the registry.
        UnitMismatchError: A value's unit cannot be converted into the registry unit.
    """
    series = build_series(
        observations, indicators, indicator_id=indicator_id, school=school, subject=subject, conversions=conversions
    )
    if series.empty:
        return _empty(GROWTH_COLUMNS)
    grouped = series.groupby(SERIES_KEY, dropna=False, sort=False)
    out = grouped.agg(
        unit=("unit", "last"),
        n_years=("year", "size"),
        first_year=("year", "first"),
        first_value=("value", "first"),
        last_year=("year", "last"),
        last_value=("value", "last"),
    ).reset_index()
    out = out[out["n_years"] >= 2].copy()
    if out.empty:
        return _empty(GROWTH_COLUMNS)
    out["change"] = out["last_value"] - out["first_value"]
    out["change_unit"] = out["unit"].map(name_difference_unit).astype("str")
    out["cagr_pct"] = [
        compute_cagr(first, last, last_year - first_year) * 100
        for first, last, first_year, last_year in zip(
            out["first_value"], out["last_value"], out["first_year"], out["last_year"], strict=True
        )
    ]
    registry = require_indicators(indicators, out["indicator_id"])
    direction = out["indicator_id"].map(registry["direction"])
    out["is_improvement"] = judge_favourable(out["change"], direction)
    out["years_after"] = out["years_after"].astype("Int64")
    out["n_years"] = out["n_years"].astype("int64")
    return out[GROWTH_COLUMNS].reset_index(drop=True)


def compare_years_after(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    pair_by: Literal["report", "cohort"] = "report",
    indicator_id: str | None = None,
    school: str | None = None,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Set graduate-survey figures one year after graduation beside three years after.

    ``pair_by="report"`` is the view the report itself uses: within one report, the newest
    cohort one year after (e.g. 2019届) beside the newest cohort three years after (2017届).
    ``pair_by="cohort"`` follows one cohort: its one-year-after figure (from whichever report
    states it) beside its three-years-after figure (usually from a report two years later).

    Args:
        observations: Frame in the observations contract.
        indicators: The indicator registry.
        pair_by: ``"report"`` or ``"cohort"``.
        indicator_id: Keep only this indicator.
        school: Keep only this school.
        conversions: Explicit unit factors.

    Returns:
        :data:`YEARS_AFTER_COLUMNS`, one row per school, indicator, subject (and report or
        cohort) having both figures; ``difference`` is three-year minus one-year value in
        ``difference_unit``, ``ratio`` is three-year over one-year value.

    Raises:
        MissingColumnsError: A required column is missing.
        UnknownIndicatorError: An indicator is not in the registry.
        UnitMismatchError: A value's unit cannot be converted into the registry unit.
        ValueError: ``pair_by`` is neither ``"report"`` nor ``"cohort"``.
    """
    if pair_by not in ("report", "cohort"):
        raise ValueError(f"pair_by: expected 'report' or 'cohort', found {pair_by!r}")
    require_columns(observations, TREND_REQUIRED, "observations")
    rows = observations[TREND_REQUIRED]
    rows = rows[rows["years_after"].isin([1, 3])]
    if indicator_id is not None:
        rows = rows[rows["indicator_id"] == indicator_id]
    if school is not None:
        rows = rows[rows["school"] == school]
    if rows.empty:
        return _empty(YEARS_AFTER_COLUMNS)
    rows = select_observations(rows)
    registry = require_indicators(indicators, rows["indicator_id"])
    rows = convert_to_units(rows, registry["unit"], conversions=conversions)
    base = ["school", "indicator_id", "subject"]
    if pair_by == "report":
        # Newest cohort per report and years_after.
        rows = rows.sort_values("year", ascending=False, kind="stable")
        rows = rows.drop_duplicates(["report_id", *base, "years_after"], keep="first")
        on = ["report_id", *base]
    else:
        # Latest statement of each cohort figure.
        rows = rows.sort_values("report_year", ascending=False, kind="stable")
        rows = rows.drop_duplicates([*base, "year", "years_after"], keep="first")
        rows = rows.assign(cohort=rows["year"])
        on = [*base, "cohort"]
    keep = [*on, "unit", "year", "value", "report_id"] if pair_by == "cohort" else [*on, "unit", "year", "value"]
    one = rows[rows["years_after"] == 1][keep]
    three = rows[rows["years_after"] == 3][keep]
    out = one.merge(three, on=on, how="inner", suffixes=("_1", "_3"), validate="1:1")
    if out.empty:
        return _empty(YEARS_AFTER_COLUMNS)
    if pair_by == "report":
        out["one_year_report"] = out["report_id"]
        out["three_year_report"] = out["report_id"]
    else:
        out["one_year_report"] = out["report_id_1"]
        out["three_year_report"] = out["report_id_3"]
    out = out.rename(
        columns={
            "year_1": "one_year_cohort",
            "value_1": "one_year_value",
            "year_3": "three_year_cohort",
            "value_3": "three_year_value",
            "unit_1": "unit",
        }
    )
    out["difference"] = out["three_year_value"] - out["one_year_value"]
    out["difference_unit"] = out["unit"].map(name_difference_unit).astype("str")
    denominator = out["one_year_value"].where(out["one_year_value"] != 0)
    out["ratio"] = out["three_year_value"] / denominator
    out["ratio"] = out["ratio"].astype("float64").replace([np.inf, -np.inf], np.nan)
    out = out.sort_values([*base, "one_year_cohort"], kind="stable")
    return out[YEARS_AFTER_COLUMNS].reset_index(drop=True)
