"""Several schools side by side on one indicator: aligned by what is comparable, ranked where it means something.

Belongs here: choosing each school's report (its latest, or the one of a chosen data year), lining
the schools' figures up by what can be compared — graduate-survey figures by years after
graduation (毕业一年后 with 毕业一年后, whatever the cohort), counts and amounts by the report's data
year — and the rank, percentile and median among the schools shown; each school against the
benchmarks of its own report, with the significance of the gap where the report gives sample sizes
(:func:`metrics.significance.assess_gaps`, as the cards use); and the trend of each school across
its editions (cohort-safe: :func:`metrics.trends.build_series`). Pure functions: frames in, frames out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from loaders.contracts.vocabulary import BENCHMARK_SUBJECTS, SCHOOL_SUBJECT
from metrics.compare import compare_to_benchmark, judge_favourable
from metrics.errors import MetricsError
from metrics.observations import ROW_REQUIRED, require_columns, require_indicators, select_observations
from metrics.significance import assess_gaps
from metrics.trends import SERIES_COLUMNS, build_series
from metrics.units import convert_to_units

#: Fewer schools with a value than this get no rank or percentile: "1st of 2" says little.
MIN_RANKED = 3

#: What a school's aligned row says about its rank.
#: ``ranked``: ranked among the schools shown; ``too_few``: a value, but fewer than
#: :data:`MIN_RANKED` schools have one; ``no_value``: its report states no such figure;
#: ``no_report``: no report of the chosen data year is loaded.
STATUSES = ("ranked", "too_few", "no_value", "no_report")

#: A gap whose significance is not assessed: the indicator is not a survey rate with a sample size
#: (:data:`metrics.significance.VERDICTS` are the others).
NOT_ASSESSED = "not_assessed"

ALIGNED_COLUMNS = [
    "indicator_id",
    "years_after",
    "position",
    "school",
    "report_id",
    "report_year",
    "year",
    "unit",
    "value",
    "status",
    "rank",
    "n_schools",
    "percentile",
    "group_median",
    "difference_from_median",
    "is_favourable",
    "years_differ",
    "direction",
    "source_table",
    "source_line",
]

SCHOOL_BENCHMARK_COLUMNS = [
    "indicator_id",
    "years_after",
    "position",
    "school",
    "report_id",
    "year",
    "unit",
    "value",
    "benchmark",
    "benchmark_value",
    "difference",
    "difference_unit",
    "is_favourable",
    "n",
    "benchmark_n",
    "ci_low",
    "ci_high",
    "p_value",
    "verdict",
    "benchmark_table",
    "benchmark_line",
]

TREND_COLUMNS = ["position", *SERIES_COLUMNS, "report_year", "n_reports"]

_DTYPES = {
    "years_after": "Int64",
    "position": "int64",
    "report_year": "Int64",
    "year": "Int64",
    "value": "float64",
    "rank": "Int64",
    "n_schools": "int64",
    "percentile": "float64",
    "group_median": "float64",
    "difference_from_median": "float64",
    "is_favourable": "boolean",
    "years_differ": "bool",
    "source_line": "Int64",
    "benchmark_value": "float64",
    "difference": "float64",
    "n": "float64",
    "benchmark_n": "float64",
    "ci_low": "float64",
    "ci_high": "float64",
    "p_value": "float64",
    "benchmark_line": "Int64",
    "n_reports": "int64",
}


class NoSchoolsError(MetricsError):
    """A comparison of schools was asked for no school at all."""


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES.get(c, "str")) for c in columns})


def _unique(schools: Sequence[str]) -> list[str]:
    if not schools:
        raise NoSchoolsError(
            "没有选择要对比的学校：请在侧栏选择学校和对比学校。",
            "schools: expected at least one school to compare; choose a school and peers in the sidebar.",
        )
    return list(dict.fromkeys(schools))


def order_schools(schools: Iterable[str], home: str = "", peers: Sequence[str] = ()) -> list[str]:
    """Schools in the order a list offers them: the home school, then the chosen peers, then the others.

    Args:
        schools: The loaded schools (any order, repeats allowed).
        home: The deployment's own college (:func:`loaders.contracts.settings.home_school`); left out when not loaded.
        peers: The chosen peers, in the order chosen; those not loaded are left out.

    Returns:
        Each loaded school once: home, peers, then the rest by name.
    """
    loaded = set(schools)
    first = [s for s in (home, *peers) if s in loaded]
    return list(dict.fromkeys([*first, *sorted(loaded - set(first))]))


def choose_reports(reports: pd.DataFrame, schools: Sequence[str], year: int | None = None) -> pd.DataFrame:
    """Each school's report to compare: its latest, or the one of data year ``year``.

    Args:
        reports: The loaded reports (``report_id, school, report_year``).
        schools: The schools, in display order (the first is the one the view is about).
        year: A data year; None takes each school's latest report.

    Returns:
        One row per school in order: ``position, school, report_id, report_year`` (``report_id``
        empty and ``report_year`` NA when the school has no such report).

    Raises:
        NoSchoolsError: ``schools`` is empty.
        MissingColumnsError: ``reports`` lacks a column.
    """
    order = _unique(schools)
    require_columns(reports, ["report_id", "school", "report_year"], "reports")
    mine = reports[reports["school"].isin(order)]
    if year is not None:
        mine = mine[mine["report_year"] == year]
    latest = mine.sort_values("report_year", ascending=False, kind="stable").drop_duplicates("school")
    by_school = {row.school: (row.report_id, int(row.report_year)) for row in latest.itertuples()}
    return pd.DataFrame(
        {
            "position": pd.Series(range(len(order)), dtype="int64"),
            "school": pd.Series(order, dtype="str"),
            "report_id": pd.Series([by_school.get(s, ("", None))[0] for s in order], dtype="str"),
            "report_year": pd.Series([by_school.get(s, ("", None))[1] for s in order], dtype="Int64"),
        }
    )


def _pick_figure(rows: pd.DataFrame) -> pd.DataFrame:
    """One figure per school and ``years_after`` from its chosen report.

    A survey figure: the newest cohort the report states. Any other: the report's data year, else
    the latest year up to it, else the latest year stated.
    """
    data_year = rows["year"] == rows["report_year"]
    up_to = rows["year"] <= rows["report_year"]
    survey = rows["years_after"].notna()
    ordered = rows.assign(
        _is_data_year=np.where(survey, False, data_year), _up_to=np.where(survey, True, up_to)
    ).sort_values(["_is_data_year", "_up_to", "year", "source_line"], ascending=[False, False, False, True])
    return ordered.drop_duplicates(["school", "years_after"]).drop(columns=["_is_data_year", "_up_to"])


def align_schools(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    reports: pd.DataFrame,
    *,
    indicator_id: str,
    schools: Sequence[str],
    year: int | None = None,
    subject: str = SCHOOL_SUBJECT,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Line several schools' figures of one indicator up by what is comparable, and rank them.

    Each school's figure comes from its chosen report (:func:`choose_reports`). Survey figures are
    aligned by years after graduation: one row per school for each ``years_after`` any school
    states (one year after beside one year after, whatever each school's cohort); the cohort is
    ``year``. Other figures are one row per school, ``year`` the year of the figure (the report's
    data year where it states it). Schools are ranked within each ``years_after`` only when at least
    :data:`MIN_RANKED` of them have a value.

    Args:
        observations: The schools' observations (the observations contract with ``report_year``).
        indicators: The indicator registry (``indicator_id, unit, direction``).
        reports: The loaded reports (``report_id, school, report_year``).
        indicator_id: The indicator.
        schools: The schools in display order; the first is the one the view is about.
        year: Compare the reports of this data year; None: each school's latest report.
        subject: The row holding each school's own figure.
        conversions: Explicit unit factors.

    Returns:
        :data:`ALIGNED_COLUMNS`, one row per ``years_after`` group and school, groups in order
        (one year after first, then three; NA for figures that are not survey figures), schools in
        the given order (``position`` 0 is the first). ``status`` is one of :data:`STATUSES`;
        ``rank`` 1 is the best value given the direction (ties share the better rank),
        ``percentile`` the share of the schools with a value whose value is no better, the school
        included, and ``n_schools`` the number of schools with a value; rank and percentile are NA
        unless ``status`` is ``ranked``. ``years_differ`` says the group's cohorts (or data years)
        are not all the same. ``is_favourable`` compares the value with the group median.

    Raises:
        NoSchoolsError: ``schools`` is empty.
        MissingColumnsError: A required column is missing.
        UnknownIndicatorError: ``indicator_id`` is not in the registry.
        UnitMismatchError: A value's unit cannot be converted into the registry unit.
    """
    chosen = choose_reports(reports, schools, year)
    require_columns(observations, ROW_REQUIRED, "observations")
    registry = require_indicators(indicators, [indicator_id])
    unit = str(registry.at[indicator_id, "unit"])
    direction = str(registry.at[indicator_id, "direction"])
    rows = observations[
        (observations["indicator_id"] == indicator_id)
        & (observations["subject"] == subject)
        & observations["report_id"].isin(chosen.loc[chosen["report_id"] != "", "report_id"])
    ]
    figures = _empty(ROW_REQUIRED)
    if not rows.empty:
        rows = convert_to_units(select_observations(rows[ROW_REQUIRED]), registry["unit"], conversions=conversions)
        figures = _pick_figure(rows)
    groups = sorted(figures["years_after"].dropna().astype(int).unique().tolist())
    keys: list[object] = groups if groups else [pd.NA]
    if groups and figures["years_after"].isna().any():
        keys = [*groups, pd.NA]
    grid = pd.DataFrame(
        [(after, *school) for after in keys for school in chosen.itertuples(index=False)],
        columns=["years_after", *chosen.columns],
    )
    grid["years_after"] = grid["years_after"].astype("Int64")
    figures = figures.assign(years_after=figures["years_after"].astype("Int64"))
    picked = figures[["school", "years_after", "year", "value", "source_table", "source_line"]]
    out = grid.merge(picked, on=["school", "years_after"], how="left", validate="1:1")
    out["indicator_id"] = indicator_id
    out["unit"] = unit
    out["direction"] = direction
    return _rank(out, direction)[ALIGNED_COLUMNS].reset_index(drop=True)


def _rank(out: pd.DataFrame, direction: str) -> pd.DataFrame:
    """Rank, percentile, median and status within each ``years_after`` group (see :func:`align_schools`)."""
    out = out.copy()
    out["value"] = out["value"].astype("float64")
    has_value = out["value"].notna()
    group = out["years_after"].astype("float64").fillna(-1)
    valued = out["value"].where(has_value)
    grouped = valued.groupby(group)
    lower = direction == "lower"
    out["n_schools"] = grouped.transform("count").astype("int64")
    rank = grouped.rank(ascending=lower, method="min")
    percentile = grouped.rank(ascending=not lower, method="max") / out["n_schools"].where(out["n_schools"] > 0) * 100
    out["group_median"] = grouped.transform("median")
    ranked = has_value & (out["n_schools"] >= MIN_RANKED)
    out["rank"] = rank.where(ranked).astype("Int64")
    out["percentile"] = percentile.where(ranked).astype("float64")
    out["status"] = np.select(
        [out["report_id"] == "", ~has_value, ranked], ["no_report", "no_value", "ranked"], default="too_few"
    )
    out["status"] = out["status"].astype("str")
    out["difference_from_median"] = out["value"] - out["group_median"]
    out["is_favourable"] = judge_favourable(
        out["difference_from_median"].where(ranked), pd.Series(direction, index=out.index)
    )
    years = out["year"].where(has_value).groupby(group).transform("nunique")
    out["years_differ"] = (years > 1).astype("bool")
    for column in ("year", "source_line", "report_year"):
        out[column] = out[column].astype("Int64")
    out["source_table"] = out["source_table"].astype("str").where(has_value, "")
    out["report_id"] = out["report_id"].astype("str")
    out["position"] = out["position"].astype("int64")
    return out


def compare_schools_to_benchmarks(
    aligned: pd.DataFrame,
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    sample_sizes: Mapping[str, str] | None = None,
    subject: str = SCHOOL_SUBJECT,
    benchmarks: Sequence[str] = BENCHMARK_SUBJECTS,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each aligned school figure against the benchmarks of its own report, with the gap's significance.

    Args:
        aligned: Rows of :func:`align_schools`.
        observations: The same schools' observations (their benchmark and sample-size rows are read).
        indicators: The indicator registry.
        sample_sizes: Survey rate → its sample-size indicator (``data/specs/sample_sizes.csv``);
            None or an indicator not listed gives ``verdict`` :data:`NOT_ASSESSED`.
        subject: The row holding each school's own figure.
        benchmarks: Benchmark subjects, in output order.
        conversions: Explicit unit factors.

    Returns:
        :data:`SCHOOL_BENCHMARK_COLUMNS`, one row per school figure and benchmark its report
        carries, in the order of ``aligned`` then ``benchmarks``: ``difference`` = value −
        benchmark (百分点 for rates), ``is_favourable`` by the direction, and for a survey rate the
        respondents (``n``, ``benchmark_n``), the school's 95 % interval, ``p_value`` and
        ``verdict`` (:data:`metrics.significance.VERDICTS`).

    Raises:
        MissingColumnsError: A required column is missing.
        UnknownIndicatorError: An indicator is not in the registry.
        UnitMismatchError: A value's unit cannot be converted into the registry unit.
    """
    require_columns(aligned, ALIGNED_COLUMNS, "aligned")
    figures = aligned[aligned["value"].notna()]
    if figures.empty:
        return _empty(SCHOOL_BENCHMARK_COLUMNS)
    indicator_id = str(figures["indicator_id"].iloc[0])
    key = ["report_id", "year", "years_after"]
    # Only the rows of the figures compared (their report, cohort or year, and years after): a
    # school's other cohorts and years are never benchmarked here, and the frames stay small.
    wanted_keys = figures[key].drop_duplicates().astype({"year": "int64", "years_after": "Int64"})
    mine = observations[observations["report_id"].isin(wanted_keys["report_id"])]
    mine = mine.astype({"years_after": "Int64"}).merge(wanted_keys, on=key, how="inner", validate="m:1")
    comparison = compare_to_benchmark(
        mine, indicators, indicator_id=indicator_id, subject=subject, benchmarks=benchmarks, conversions=conversions
    )
    wanted = figures[[*key, "school", "position"]].astype({"year": "int64"})
    comparison = comparison.drop(columns="school").merge(wanted, on=key, how="inner", validate="m:1")
    if comparison.empty:
        return _empty(SCHOOL_BENCHMARK_COLUMNS)
    significance = ["n", "benchmark_n", "ci_low", "ci_high", "p_value", "verdict"]
    if sample_sizes and indicator_id in sample_sizes:
        gaps = assess_gaps(comparison, mine, sample_sizes, subject=subject)
        comparison = comparison.merge(
            gaps[[*key, "benchmark", *significance]], on=[*key, "benchmark"], how="left", validate="1:1"
        )
    else:
        comparison = comparison.assign(**{c: np.nan for c in significance[:-1]}, verdict=NOT_ASSESSED)
    comparison["verdict"] = comparison["verdict"].fillna(NOT_ASSESSED).astype("str")
    order = {name: i for i, name in enumerate(benchmarks)}
    comparison["_order"] = comparison["benchmark"].map(order)
    comparison["_group"] = comparison["years_after"].astype("float64").fillna(np.inf)
    comparison = comparison.sort_values(["_group", "position", "_order"], kind="stable")
    out = comparison[SCHOOL_BENCHMARK_COLUMNS].reset_index(drop=True)
    return out.astype({c: _DTYPES[c] for c in SCHOOL_BENCHMARK_COLUMNS if c in _DTYPES})


def trace_schools(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    indicator_id: str,
    schools: Sequence[str],
    subject: str = SCHOOL_SUBJECT,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each school's reports of several years joined into one series per school (a trend across editions).

    Cohort-safe: survey figures one year after graduation form one series and three years after
    another, never mixed (:data:`metrics.trends.SERIES_KEY`); a year stated by several editions
    takes the latest edition's figure.

    Args:
        observations: The schools' observations (all their reports).
        indicators: The indicator registry.
        indicator_id: The indicator.
        schools: The schools in display order.
        subject: The row holding each school's own figure.
        conversions: Explicit unit factors.

    Returns:
        :data:`TREND_COLUMNS`: ``position`` of the school, the series rows of
        :func:`metrics.trends.build_series`, the data year of the edition each value comes from
        (``report_year``) and ``n_reports`` — how many editions the school's series draws on.

    Raises:
        NoSchoolsError: ``schools`` is empty.
        MissingColumnsError: A required column is missing.
        UnknownIndicatorError: ``indicator_id`` is not in the registry.
    """
    order = {school: i for i, school in enumerate(_unique(schools))}
    require_columns(observations, ROW_REQUIRED, "observations")
    rows = observations[observations["school"].isin(list(order))]
    series = build_series(rows, indicators, indicator_id=indicator_id, subject=subject, conversions=conversions)
    if series.empty:
        return _empty(TREND_COLUMNS)
    series.insert(0, "position", series["school"].map(order).astype("int64"))
    key = ["school", "years_after"]
    series["n_reports"] = series.groupby(key, dropna=False)["report_id"].transform("nunique").astype("int64")
    editions = rows.drop_duplicates("report_id")
    series["report_year"] = series["report_id"].map(
        dict(zip(editions["report_id"], editions["report_year"], strict=True))
    )
    series["report_year"] = series["report_year"].astype("int64")
    series = series.sort_values(["position", "years_after", "year"], kind="stable")
    return series[TREND_COLUMNS].reset_index(drop=True)
