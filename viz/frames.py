"""Reshaping metric outputs into the tidy frames the chart builders and downloads take.

No arithmetic on indicators happens here (that is :mod:`metrics`); only selection, labels in
the reader's language and ordering.
"""

from __future__ import annotations

import pandas as pd

from loaders.contracts.vocabulary import BENCHMARK_CHOICES, SCHOOL_SUBJECT, SUBJECT_NAMES
from viz.i18n import t

SCHOOL = SCHOOL_SUBJECT
SERIES_NAMES = SUBJECT_NAMES
#: Years after graduation → the i18n key of its words.
YEARS_AFTER = {1: "one_year_after", 3: "three_years_after"}


def years_after_name(years_after: object, lang: str) -> str:
    """``毕业一年后`` / ``1 yr after``; empty when unknown."""
    key = YEARS_AFTER.get(int(years_after)) if pd.notna(years_after) else None
    return t(key, lang) if key else ""


def series_name(subject: str, lang: str) -> str:
    """Display name of a survey series."""
    return SERIES_NAMES.get(subject, {}).get(lang, subject)


def cohort_label(year: int, years_after: object, lang: str) -> str:
    """``2019届·毕业一年后`` / ``class of 2019, 1 yr after``."""
    after = years_after_name(years_after, lang)
    if lang == "zh":
        return f"{year}届" + (f"·{after}" if after else "")
    return f"class of {year}" + (f", {after}" if after else "")


def benchmark_chart_frame(
    comparison: pd.DataFrame,
    lang: str,
    first_benchmark: str = "高职",
    category: str = "cohort",
    gaps: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Turn :func:`metrics.compare.compare_to_benchmark` rows into chart rows.

    Args:
        comparison: Rows of one indicator (``year, years_after, value, benchmark, benchmark_value`` …).
        lang: ``zh`` or ``en``.
        first_benchmark: The chosen benchmark, drawn next to the school.
        category: ``cohort`` (x = cohort and years after) or ``indicator`` (x = ``name`` column).
        gaps: :func:`metrics.significance.assess_gaps` rows; the school's rows of an assessed rate get
            its 95 % interval (``ci_low``, ``ci_high``), the verdict against ``first_benchmark`` in
            words (``significance``) and the figures and method for a tooltip (``hover``).

    Returns:
        Columns ``category, series, role, value, source_table, source_line`` with the school first,
        and ``ci_low, ci_high, significance, hover`` when ``gaps`` assess the indicator.
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
    order = [first_benchmark] + [b for b in BENCHMARK_CHOICES if b != first_benchmark]
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
    frame = pd.DataFrame(out, columns=columns)
    if gaps is not None and not gaps.empty:
        frame = _with_significance(frame, rows, gaps, first_benchmark, lang, category)
    return frame


def _p_text(p_value: float) -> str:
    return "< 0.001" if p_value < 0.001 else f"= {p_value:.3f}"


def _with_significance(
    frame: pd.DataFrame, rows: pd.DataFrame, gaps: pd.DataFrame, benchmark: str, lang: str, category: str
) -> pd.DataFrame:
    """The school's rows with their 95 % interval, the verdict in words and a tooltip (see above)."""
    from viz.charts import format_value
    from viz.i18n import benchmark_name, t

    mine = gaps[(gaps["benchmark"] == benchmark) & gaps["indicator_id"].isin(rows["indicator_id"].unique())]
    if mine.empty:
        return frame
    names = dict(zip(rows["indicator_id"], rows["name"], strict=False)) if "name" in rows.columns else {}
    by_label: dict[str, dict] = {}
    for gap in mine.to_dict("records"):
        label = names.get(gap["indicator_id"], "") if category == "indicator" else None
        label = label or cohort_label(int(gap["year"]), gap["years_after"], lang)
        if gap["verdict"] == "no_sample":
            by_label[label] = {"significance": "", "hover": t("sig_no_sample", lang)}
            continue
        interval = t(
            "sig_interval",
            lang,
            low=format_value(gap["ci_low"], "%"),
            high=format_value(gap["ci_high"], "%"),
            n=f"{gap['n']:,.0f}",
        )
        difference = f"{gap['gap_pp']:+.2f} {'个百分点' if lang == 'zh' else 'pp'}"
        verdict = t(f"sig_{gap['verdict']}", lang)
        line = t(
            "sig_gap",
            lang,
            benchmark=benchmark_name(benchmark, lang),
            gap=difference,
            p=_p_text(gap["p_value"]),
            verdict=verdict,
        )
        by_label[label] = {
            "ci_low": gap["ci_low"],
            "ci_high": gap["ci_high"],
            "significance": verdict,
            "hover": f"{interval}\n{line}\n" + _wrap(t("sig_method", lang), lang),
        }
    out = frame.copy()
    school = out["role"] == SCHOOL
    for column in ("ci_low", "ci_high", "significance", "hover"):
        values = [by_label.get(c, {}).get(column) for c in out["category"]]
        out[column] = [v if is_school else None for v, is_school in zip(values, school, strict=True)]
    out["ci_low"] = out["ci_low"].astype("float64")
    out["ci_high"] = out["ci_high"].astype("float64")
    return out


def _wrap(text: str, lang: str, width: int = 34) -> str:
    """A long tooltip text broken into lines of about ``width`` characters (Chinese) or twice that."""
    limit = width if lang == "zh" else width * 2
    lines, current = [], ""
    for word in text if lang == "zh" else text.split(" "):
        piece = word if lang == "zh" else (word if not current else " " + word)
        if len(current) + len(piece) > limit and current:
            lines.append(current)
            piece = piece.lstrip()
            current = ""
        current += piece
    return "\n".join([*lines, current] if current else lines)


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


def indicator_values(
    observations: pd.DataFrame, labels: dict[str, str], *, subject: str = SCHOOL_SUBJECT
) -> pd.DataFrame:
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


def frame_unit(frame: pd.DataFrame) -> str:
    """The unit of a chart's values when every row has the same one (else ``""``)."""
    if "unit" not in frame.columns:
        return ""
    units = frame["unit"].dropna().astype(str).unique()
    return str(units[0]) if len(units) == 1 else ""


def wide_frame(frame: pd.DataFrame, lang: str, *, by_subject: bool = False) -> pd.DataFrame:
    """A chart's data laid out as a report's table: a row per category (or year), a column per series.

    Args:
        frame: A chart's data (``category`` or ``year``, optional ``series``, ``value``).
        lang: ``zh`` or ``en`` for the first column's header (and the value column's, with its unit,
            when there are no series).
        by_subject: For a benchmark chart (its rows have a ``role``: 本校, 高职 …), a row per subject
            (本校, 全省高职 …) and a column per cohort — the layout of the report's own survey tables.

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
    row_key, column_key = (key, "series")
    if by_subject and "role" in frame.columns:
        row_key, column_key, label = "series", key, t("subject", lang)
    columns = list(dict.fromkeys(frame[column_key]))
    rows: dict[object, dict[object, object]] = {}
    for record in frame.to_dict("records"):
        rows.setdefault(record[row_key], {})[record[column_key]] = record["value"]
    return pd.DataFrame(
        [[name, *(values.get(column) for column in columns)] for name, values in rows.items()],
        columns=[label, *columns],
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


def benchmark_matrix(
    comparison: pd.DataFrame, names: dict[str, str], lang: str, indicator_ids: list[str] | None = None
) -> pd.DataFrame:
    """The school against every benchmark at once: one row per indicator and cohort.

    Args:
        comparison: :func:`metrics.compare.compare_to_benchmark` rows of a report.
        names: ``indicator_id`` → name in ``lang``.
        lang: ``zh`` or ``en``.
        indicator_ids: Indicators in display order (every benchmarked one, in report order, when None).

    Returns:
        Columns 指标, 届别, 单位, 本校, then one per benchmark (全省高职, 全省高校, 全省本科) in the
        reader's language; numbers as numbers (missing empty). Empty with those columns when none.
    """
    from viz.i18n import t, unit_name

    order = ["高职", "全省", "本科"]
    columns = [t("indicator", lang), t("office_cohort", lang), t("unit", lang), series_name(SCHOOL, lang)]
    columns += [series_name(b, lang) for b in order]
    if comparison.empty:
        return pd.DataFrame(columns=columns)
    ids = indicator_ids or list(dict.fromkeys(comparison["indicator_id"]))
    rows = comparison[comparison["indicator_id"].isin(ids)]
    position = {indicator_id: i for i, indicator_id in enumerate(ids)}
    rows = rows.assign(_order=rows["indicator_id"].map(position))
    rows = rows.sort_values(["_order", "years_after", "year"], ascending=[True, True, False], kind="stable")
    out = []
    for (indicator_id, year, years_after), group in rows.groupby(
        ["indicator_id", "year", "years_after"], sort=False, dropna=False
    ):
        first = group.iloc[0]
        values = dict(zip(group["benchmark"], group["benchmark_value"], strict=True))
        out.append(
            [
                names.get(indicator_id, indicator_id),
                cohort_label(int(year), years_after, lang),
                unit_name(str(first["unit"]), lang),
                first["value"],
                *(values.get(b) for b in order),
            ]
        )
    return pd.DataFrame(out, columns=columns)


def plan_tables(plan: pd.Series) -> tuple[str, ...]:
    """The tables a plan's targets come from, as provenance names them (``("附件2",)``), from the plan spec."""
    table = plan.get("source_table")
    return (str(table),) if isinstance(table, str) and table else ()
