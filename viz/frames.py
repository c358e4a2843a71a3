"""Reshaping metric outputs into the tidy frames the chart builders and downloads take.

No arithmetic on indicators happens here (that is :mod:`metrics`); only selection, labels in
the reader's language and ordering.
"""

from __future__ import annotations

import pandas as pd

SCHOOL = "本校"
SERIES_NAMES = {
    "本校": {"zh": "本校", "en": "School"},
    "高职": {"zh": "全省高职", "en": "Zhejiang vocational"},
    "全省": {"zh": "全省高校", "en": "All Zhejiang HEIs"},
    "本科": {"zh": "全省本科", "en": "Zhejiang undergraduate"},
}
YEARS_AFTER = {1: {"zh": "毕业一年后", "en": "1 yr after"}, 3: {"zh": "毕业三年后", "en": "3 yrs after"}}


def series_name(subject: str, lang: str) -> str:
    """Display name of a survey series."""
    return SERIES_NAMES.get(subject, {}).get(lang, subject)


def cohort_label(year: int, years_after: object, lang: str) -> str:
    """``2019届·毕业一年后`` / ``class of 2019, 1 yr after``."""
    after = YEARS_AFTER.get(int(years_after), {}).get(lang, "") if pd.notna(years_after) else ""
    if lang == "zh":
        return f"{year}届" + (f"·{after}" if after else "")
    return f"class of {year}" + (f", {after}" if after else "")


def benchmark_chart_frame(
    comparison: pd.DataFrame, lang: str, first_benchmark: str = "高职", category: str = "cohort"
) -> pd.DataFrame:
    """Turn :func:`metrics.compare.compare_to_benchmark` rows into chart rows.

    Args:
        comparison: Rows of one indicator (``year, years_after, value, benchmark, benchmark_value`` …).
        lang: ``zh`` or ``en``.
        first_benchmark: The chosen benchmark, drawn next to the school.
        category: ``cohort`` (x = cohort and years after) or ``indicator`` (x = ``name`` column).

    Returns:
        Columns ``category, series, role, value, source_table, source_line`` with the school first.
    """
    columns = ["category", "series", "role", "value", "source_table", "source_line"]
    if comparison.empty:
        return pd.DataFrame(columns=columns)
    rows = comparison.sort_values(["years_after", "year"], ascending=[True, False], kind="stable")
    # Plain records, not a pandas filter per cohort and benchmark: this runs for every chart of a
    # page the first time a school is opened.
    groups: dict[tuple, list[dict]] = {}
    for row in rows.to_dict("records"):
        key = tuple(None if pd.isna(row[c]) else row[c] for c in ("indicator_id", "year", "years_after"))
        groups.setdefault(key, []).append(row)
    out: list[dict[str, object]] = []
    order = [first_benchmark] + [b for b in ("高职", "全省", "本科") if b != first_benchmark]
    for (_, year, years_after), group in groups.items():
        first = group[0]
        label = first["name"] if category == "indicator" else cohort_label(year, years_after, lang)
        out.append(
            {
                "category": label,
                "series": series_name(SCHOOL, lang),
                "role": SCHOOL,
                "value": first["value"],
                "source_table": first["source_table"],
                "source_line": first["source_line"],
            }
        )
        for benchmark in order:
            match = next((r for r in group if r["benchmark"] == benchmark and pd.notna(r["benchmark_value"])), None)
            if match is None:
                continue
            out.append(
                {
                    "category": label,
                    "series": series_name(benchmark, lang),
                    "role": benchmark,
                    "value": match["benchmark_value"],
                    "source_table": match["benchmark_table"],
                    "source_line": match["benchmark_line"],
                }
            )
    return pd.DataFrame(out, columns=columns)


def subject_frame(observations: pd.DataFrame, indicator_id: str, *, exclude_total: bool = True) -> pd.DataFrame:
    """Rows of one indicator with their subject as the category (a distribution table).

    Args:
        observations: Observations of one report.
        indicator_id: The indicator.
        exclude_total: Drop the table's total row (``合计``).

    Returns:
        Columns ``category, value, unit, source_table, source_line, source_text`` in report order.
    """
    rows = observations[observations["indicator_id"] == indicator_id]
    if exclude_total:
        rows = rows[rows["subject"] != "合计"]
    rows = rows.sort_values("source_line", kind="stable").rename(columns={"subject": "category"})
    return rows[["category", "value", "unit", "source_table", "source_line", "source_text"]].reset_index(drop=True)


def long_frame(observations: pd.DataFrame, indicators: dict[str, str], *, exclude_total: bool = True) -> pd.DataFrame:
    """Several indicators of one table side by side: ``category`` = subject, ``series`` = indicator label.

    Args:
        observations: Observations of one report.
        indicators: ``indicator_id → series label`` in display order.
        exclude_total: Drop the table's total row.

    Returns:
        Columns ``category, series, value, unit, source_table, source_line``.
    """
    parts = []
    for indicator_id, label in indicators.items():
        part = subject_frame(observations, indicator_id, exclude_total=exclude_total)
        part.insert(1, "series", label)
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["category", "series", "value", "unit", "source_table", "source_line"])
    return pd.concat(parts, ignore_index=True).drop(columns="source_text")


def same_table_as(observations: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """Observations from the table(s) in which ``indicator_id`` is stated.

    Used where one indicator appears in several tables (e.g. ``origin_count`` in the province
    and the city table) and another indicator tells them apart (``destination_share_city``).
    """
    tables = observations.loc[observations["indicator_id"] == indicator_id, "source_table"].unique()
    return observations[observations["source_table"].isin(tables)]


def totals_by_year(
    observations: pd.DataFrame,
    school: str,
    indicator_ids: list[str],
    labels: dict[str, str],
    *,
    subject: str = "合计",
    min_years: int = 2,
) -> pd.DataFrame:
    """One indicator value per report year for a school (e.g. the 合计 row of 表2-1 each year).

    Args:
        observations: Observations of all reports.
        school: The school.
        indicator_ids: Indicators to follow.
        labels: ``indicator_id → series label``.
        subject: The row to follow.
        min_years: Fewer distinct years than this give an empty frame (no trend to draw).

    Returns:
        Columns ``year, series, value, source_table, source_line`` (first statement per report).
    """
    columns = ["year", "series", "value", "source_table", "source_line"]
    rows = observations[
        (observations["school"] == school)
        & observations["indicator_id"].isin(indicator_ids)
        & (observations["subject"] == subject)
    ]
    rows = rows.sort_values("source_line", kind="stable").drop_duplicates(["report_id", "indicator_id", "year"])
    if rows["year"].nunique() < min_years:
        return pd.DataFrame(columns=columns)
    out = rows.assign(series=rows["indicator_id"].map(labels))
    return out[columns].sort_values(["series", "year"]).reset_index(drop=True)


def indicator_values(observations: pd.DataFrame, labels: dict[str, str], *, subject: str = "本校") -> pd.DataFrame:
    """The first stated value of several indicators for one subject, one row per indicator.

    Args:
        observations: Observations of one report.
        labels: ``indicator_id → category label`` in display order.
        subject: The row to take.

    Returns:
        Columns ``category, indicator_id, value, unit, source_table, source_line, source_text``.
    """
    columns = ["category", "indicator_id", "value", "unit", "source_table", "source_line", "source_text"]
    rows = observations[observations["indicator_id"].isin(list(labels)) & (observations["subject"] == subject)]
    rows = rows.sort_values("source_line", kind="stable").drop_duplicates("indicator_id")
    rows = rows.assign(category=rows["indicator_id"].map(labels))
    order = {indicator_id: position for position, indicator_id in enumerate(labels)}
    rows = rows.sort_values("indicator_id", key=lambda s: s.map(order))
    return rows[columns].reset_index(drop=True)


def attainment_table(attainment: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The attainment rows as a readable table: hierarchy, target as written, value, progress, status.

    Args:
        attainment: Rows of :func:`metrics.targets.compute_attainment` (plus ``value_text`` if present).
        lang: ``zh`` or ``en`` for the headers and status names.

    Returns:
        A table whose first column is the plan's top level (for grouping).
    """
    from viz.i18n import basis_name, status_name, t

    level = attainment["level1"].fillna("") if "level1" in attainment else pd.Series("", index=attainment.index)
    second = attainment["level2"].fillna("") if "level2" in attainment else pd.Series("", index=attainment.index)
    target_text = attainment["value_text"] if "value_text" in attainment else attainment["target_value"].astype(str)
    return pd.DataFrame(
        {
            t("level", lang): level,
            t("level", lang) + " 2": second,
            t("indicator", lang): attainment["label_zh"],
            t("target_text", lang): target_text,
            t("target", lang): attainment["target_value"],
            t("unit", lang): attainment["unit"],
            t("current_value", lang): attainment["current_value"],
            t("current_year", lang): attainment["current_year"],
            t("basis", lang): _column(attainment, "basis").map(lambda b: basis_name(b, lang) if b else ""),
            t("source_place", lang): _places(attainment, lang),
            t("progress", lang): attainment["progress_pct"],
            t("status", lang): attainment["status"].map(lambda s: status_name(s, lang)),
            t("growth_needed", lang) + " (%)": attainment["growth_needed_pct"],
            t("next_year_needed", lang): attainment["next_year_value_needed"],
            t("note", lang): attainment["note"],
        }
    )


def _column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column, empty strings where it is missing (or the frame lacks it)."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    return frame[column].fillna("").astype(str)


def _places(attainment: pd.DataFrame, lang: str) -> pd.Series:
    """Where each current value was read: ``表2-1 第 364 行``; a hand entry or no value: its table alone."""
    from viz.i18n import t

    tables, lines = _column(attainment, "source_table"), attainment.get("source_line")
    places = []
    for position, table in enumerate(tables):
        line = None if lines is None else lines.iloc[position]
        has_line = line is not None and not pd.isna(line) and int(line) > 0
        places.append(t("line_ref", lang, table=table, line=int(line)) if table and has_line else table)
    return pd.Series(places, index=attainment.index, dtype="str")


def frame_unit(frame: pd.DataFrame) -> str:
    """The unit of a chart's values when every row has the same one (else ``""``)."""
    if "unit" not in frame.columns:
        return ""
    units = frame["unit"].dropna().astype(str).unique()
    return str(units[0]) if len(units) == 1 else ""


def wide_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A chart's data laid out as a report's table: a row per category (or year), a column per series.

    Args:
        frame: A chart's data (``category`` or ``year``, optional ``series``, ``value``).
        lang: ``zh`` or ``en`` for the first column's header (and the value column's, with its unit,
            when there are no series).

    Returns:
        The table with numbers as numbers (NaN where a series has no value), rows and columns in
        the order they first appear; the input is not modified.
    """
    from viz.exports import value_header
    from viz.i18n import t

    key = "category" if "category" in frame.columns else "year"
    label = t(key, lang)
    if frame.empty:
        return pd.DataFrame(columns=[label])
    if "series" not in frame.columns:
        return pd.DataFrame(
            {label: frame[key].tolist(), value_header(frame_unit(frame), lang): frame["value"].tolist()}
        )
    series = list(dict.fromkeys(frame["series"]))
    rows: dict[object, dict[object, object]] = {}
    for record in frame.to_dict("records"):
        rows.setdefault(record[key], {})[record["series"]] = record["value"]
    return pd.DataFrame(
        [[row_key, *(values.get(name) for name in series)] for row_key, values in rows.items()],
        columns=[label, *series],
    )


def scorecard_frame(
    comparison: pd.DataFrame, names: dict[str, str], benchmark: str, lang: str, indicator_ids: list[str]
) -> pd.DataFrame:
    """The 计分卡 rows of a report: indicator, cohort, unit, the school's value, the benchmark's, the gap.

    Args:
        comparison: :func:`metrics.compare.compare_to_benchmark` rows of the report.
        names: ``indicator_id`` → name in ``lang``.
        benchmark: The benchmark subject compared with.
        lang: ``zh`` or ``en`` (cohort labels).
        indicator_ids: Indicators in display order (ids without rows are left out).

    Returns:
        Columns ``indicator_id, indicator, cohort, unit, value, benchmark_value, difference,
        difference_unit, source_table, source_line``; one row per indicator and cohort, one year
        after graduation first, newest cohort first.
    """
    columns = [
        "indicator_id", "indicator", "cohort", "unit", "value", "benchmark_value", "difference",
        "difference_unit", "source_table", "source_line",
    ]  # fmt: skip
    rows = comparison[(comparison["benchmark"] == benchmark) & comparison["indicator_id"].isin(indicator_ids)]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    order = {indicator_id: position for position, indicator_id in enumerate(indicator_ids)}
    rows = rows.assign(_order=rows["indicator_id"].map(order))
    rows = rows.sort_values(["_order", "years_after", "year"], ascending=[True, True, False], kind="stable")
    out = rows.assign(
        indicator=rows["indicator_id"].map(lambda i: names.get(i, i)),
        cohort=[cohort_label(int(y), a, lang) for y, a in zip(rows["year"], rows["years_after"], strict=True)],
    )
    return out[columns].reset_index(drop=True)


def headline_cards(
    comparison: pd.DataFrame,
    observations: pd.DataFrame,
    attainment: pd.DataFrame | None,
    indicator_ids: list[str],
    benchmark: str,
) -> pd.DataFrame:
    """One row per headline indicator: latest value, difference from the benchmark, target status.

    Graduate-survey indicators take the one-year-after figure of the latest cohort from
    ``comparison`` (so the difference is the metrics module's); the others take the report's
    first statement for ``本校``. The status is that of the plan's first target on the indicator.

    Args:
        comparison: :func:`metrics.compare.compare_to_benchmark` rows of the report.
        observations: Observations of the report.
        attainment: :func:`metrics.targets.compute_attainment` rows of the chosen plan, or None.
        indicator_ids: Headline indicators in display order.
        benchmark: The chosen benchmark subject.

    Returns:
        Columns ``indicator_id, value, unit, year, years_after, benchmark_value, difference,
        difference_unit, is_favourable, status, target_value, comparator, source_table, source_line``.
    """
    rows = []
    for indicator_id in indicator_ids:
        row: dict[str, object] = {"indicator_id": indicator_id}
        survey = comparison[(comparison["indicator_id"] == indicator_id) & (comparison["benchmark"] == benchmark)]
        if not survey.empty:
            survey = survey.sort_values(["years_after", "year"], ascending=[True, False], kind="stable")
            first = survey.iloc[0]
            row.update(
                value=first["value"],
                unit=first["unit"],
                year=first["year"],
                years_after=first["years_after"],
                benchmark_value=first["benchmark_value"],
                difference=first["difference"],
                difference_unit=first["difference_unit"],
                is_favourable=first["is_favourable"],
                source_table=first["source_table"],
                source_line=first["source_line"],
            )
        else:
            own = observations[(observations["indicator_id"] == indicator_id) & (observations["subject"] == "本校")]
            own = own.sort_values(["year", "source_line"], ascending=[False, True], kind="stable")
            if not own.empty:
                first = own.iloc[0]
                row.update(
                    value=first["value"],
                    unit=first["unit"],
                    year=first["year"],
                    source_table=first["source_table"],
                    source_line=first["source_line"],
                )
        if attainment is not None and not attainment.empty:
            target = attainment[attainment["indicator_id"] == indicator_id]
            if not target.empty:
                row.update(
                    status=target["status"].iloc[0],
                    target_value=target["target_value"].iloc[0],
                    comparator=target["comparator"].iloc[0],
                )
        rows.append(row)
    columns = [
        "indicator_id", "value", "unit", "year", "years_after", "benchmark_value", "difference",
        "difference_unit", "is_favourable", "status", "target_value", "comparator", "source_table", "source_line",
    ]  # fmt: skip
    return pd.DataFrame(rows).reindex(columns=columns)


def comparison_series(
    series: pd.DataFrame, schools: list[str], subject: str, with_benchmarks: bool, lang: str
) -> pd.DataFrame:
    """Series of :func:`metrics.trends.build_series` for the compare chart.

    One series per school for ``subject`` and, when asked, one per provincial benchmark (of the
    first school's reports). One-year-after and three-years-after figures stay separate series:
    ``series`` names say which, and ``category`` names the cohort for a bar chart.

    Args:
        series: Output of ``build_series`` for one indicator.
        schools: The school first, then its peers.
        subject: The subject compared (``本校`` for school-level figures).
        with_benchmarks: Add the 全省/本科/高职 series.
        lang: ``zh`` or ``en``.

    Returns:
        Columns ``year, category, series, bar_series, role, value, unit, source_table, source_line``.
    """
    columns = ["year", "category", "series", "bar_series", "role", "value", "unit", "source_table", "source_line"]
    if series.empty:
        return pd.DataFrame(columns=columns)
    wanted = series["school"].isin(schools) & (series["subject"] == subject)
    if with_benchmarks:
        wanted |= (series["school"] == schools[0]) & series["subject"].isin(["全省", "本科", "高职"])
    rows = series[wanted].copy()
    if rows.empty:
        return pd.DataFrame(columns=columns)
    several_after = rows["years_after"].nunique(dropna=True) > 1
    rows["bar_series"] = [r.school if r.subject == subject else series_name(r.subject, lang) for r in rows.itertuples()]
    rows["series"] = [
        base
        + (
            f"（{YEARS_AFTER.get(int(r.years_after), {}).get(lang, '')}）"
            if several_after and pd.notna(r.years_after)
            else ""
        )
        for base, r in zip(rows["bar_series"], rows.itertuples(), strict=True)
    ]
    rows["category"] = [
        cohort_label(r.year, r.years_after, lang) if pd.notna(r.years_after) else str(r.year) for r in rows.itertuples()
    ]
    rows["role"] = [
        ("本校" if r.school == schools[0] else r.school) if r.subject == subject else r.subject
        for r in rows.itertuples()
    ]
    rank = {"本校": 0, "高职": 2, "全省": 3, "本科": 4}
    rows["_rank"] = rows["role"].map(lambda role: rank.get(role, 1))
    return rows.sort_values(["_rank", "series", "year"])[columns].reset_index(drop=True)


def has_trend(frame: pd.DataFrame) -> bool:
    """Whether any one series of a :func:`comparison_series` frame has two or more years."""
    return not frame.empty and int(frame.groupby("series")["year"].nunique().max()) >= 2


def plan_tables(plan: pd.Series) -> tuple[str, ...]:
    """The tables a plan's targets come from, as provenance names them (``("附件2",)``), from the plan spec."""
    table = plan.get("source_table")
    return (str(table),) if isinstance(table, str) and table else ()
