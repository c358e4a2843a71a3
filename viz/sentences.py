"""Sentences written from the data: what a planner would type under a chart or into the report.

Belongs here: one sentence per indicator from the benchmark comparison
(:func:`describe_comparison`: "2019届毕业生毕业一年后就业率为 98.82%，高于全省高职平均（96.68%）
2.14 个百分点。") and the one-line takeaway of a chart (:func:`takeaway`). Nothing is computed
here: values, benchmark values and differences come from :func:`metrics.compare.compare_to_benchmark`;
this module only picks rows and words. Output is plain text (each renderer escapes it for itself).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from metrics.observations import require_columns
from viz.charts import COUNT_UNITS, format_value
from viz.frames import cohort_label
from viz.i18n import benchmark_name, t

#: Columns of :func:`metrics.compare.compare_to_benchmark` the sentences read.
COMPARISON_COLUMNS = (
    "indicator_id",
    "year",
    "years_after",
    "unit",
    "value",
    "benchmark",
    "benchmark_value",
    "difference",
    "difference_unit",
)
SENTENCE_COLUMNS = ["indicator_id", "sentence"]


def format_gap(difference: float, difference_unit: str, lang: str) -> str:
    """The size of a difference in its unit: ``2.14 个百分点``, ``1,493.54 元``, ``8.83 分``.

    Args:
        difference: ``value - benchmark value`` (its sign is said by the caller's words).
        difference_unit: From the comparison (``百分点`` for ``%`` indicators, else the unit).
        lang: ``zh`` or ``en``.

    Returns:
        The absolute difference with its unit.
    """
    size = abs(float(difference))
    if difference_unit == "百分点":
        return f"{size:,.2f} 个百分点" if lang == "zh" else f"{size:,.2f} percentage points"
    return format_value(size, difference_unit, lang=lang)


def _value(value: float, unit: str, lang: str) -> str:
    return format_value(value, unit, lang=lang)


def _clause(row: Mapping[str, object], name: str, benchmark: str, lang: str) -> str:
    """One cohort of one indicator against the benchmark."""
    year = int(str(row["year"]))
    years_after = row["years_after"]
    unit = str(row["unit"])
    value = _value(float(str(row["value"])), unit, lang)
    known = pd.notna(row["benchmark_value"]) and pd.notna(row["difference"])
    if lang == "zh":
        after = {1: "毕业一年后", 3: "毕业三年后"}.get(int(str(years_after)), "") if pd.notna(years_after) else ""
        text = f"{year}届毕业生{after}{name}为 {value}"
    else:
        text = f"{name}, {cohort_label(year, years_after, 'en')}: {value}"
    if not known:
        return text
    difference = float(str(row["difference"]))
    shown = _value(float(str(row["benchmark_value"])), unit, lang)
    average = benchmark_name(benchmark, lang)
    gap = format_gap(difference, str(row["difference_unit"]), lang)
    if lang == "zh":
        if difference == 0:
            return f"{text}，与{average}平均（{shown}）持平"
        return f"{text}，{'高于' if difference > 0 else '低于'}{average}平均（{shown}）{gap}"
    if difference == 0:
        return f"{text}, level with the {average} average ({shown})"
    return f"{text}, {gap} {'above' if difference > 0 else 'below'} the {average} average ({shown})"


def describe_comparison(
    comparison: pd.DataFrame,
    names: Mapping[str, str],
    benchmark: str,
    lang: str,
    indicator_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One sentence per indicator: every cohort's value against the chosen benchmark.

    Cohorts come in the dashboard's order (one year after graduation first, newest cohort
    first); each is one clause, the clauses of an indicator are joined with ``；`` (``; ``).

    Args:
        comparison: Rows of :func:`metrics.compare.compare_to_benchmark`.
        names: ``indicator_id`` → name in ``lang``.
        benchmark: The benchmark subject the sentences compare with (``高职`` …).
        lang: ``zh`` or ``en``.
        indicator_ids: Indicators to describe, in this order (every indicator in the comparison,
            in its order, when None); ids without rows are left out.

    Returns:
        Columns ``indicator_id, sentence``; empty (with those columns) when nothing matches.

    Raises:
        MissingColumnsError: ``comparison`` lacks a column the sentences need.
    """
    require_columns(comparison, COMPARISON_COLUMNS, "comparison")
    rows = comparison[comparison["benchmark"] == benchmark]
    order = list(indicator_ids) if indicator_ids is not None else list(dict.fromkeys(rows["indicator_id"]))
    rows = rows.sort_values(["years_after", "year"], ascending=[True, False], kind="stable")
    out = []
    for indicator_id in order:
        own = rows[rows["indicator_id"] == indicator_id]
        if own.empty:
            continue
        name = names.get(indicator_id, indicator_id)
        clauses = [_clause(row, name, benchmark, lang) for row in own.to_dict("records")]
        end = "。" if lang == "zh" else "."
        out.append({"indicator_id": indicator_id, "sentence": ("；" if lang == "zh" else "; ").join(clauses) + end})
    return pd.DataFrame(out, columns=SENTENCE_COLUMNS)


#: What a gap's verdict (:func:`metrics.significance.assess_gaps`) adds to a sentence. Only a gap the
#: test calls significant and material says 显著; the others say what they are in other words.
VERDICT_WORDS = {
    "significant": {"zh": "差异显著", "en": "a significant difference"},
    "immaterial": {"zh": "差距不足 2 个百分点", "en": "a gap under 2 percentage points"},
    "not_significant": {"zh": "在抽样误差范围内", "en": "within sampling error"},
    "no_sample": {"zh": "报告未给出样本量", "en": "no sample size in the report"},
}


def headline(
    comparison: pd.DataFrame,
    indicator_id: str,
    names: Mapping[str, str],
    benchmark: str,
    lang: str,
    gaps: pd.DataFrame | None = None,
) -> str:
    """One line for a slide: the newest one-year-after figure against the chosen benchmark, and its verdict.

    ``本校2019届毕业一年后就业率 98.82%，高于全省高职 2.14 个百分点（差异显著）。`` The words in
    brackets come from ``gaps`` (the significance of survey rates); an indicator without a verdict
    gets none, and 显著 is said only when the test says so.

    Args:
        comparison: Rows of :func:`metrics.compare.compare_to_benchmark`.
        indicator_id: The indicator.
        names: ``indicator_id`` → name in ``lang``.
        benchmark: The chosen benchmark.
        lang: ``zh`` or ``en``.
        gaps: :func:`metrics.significance.assess_gaps` rows, or None.

    Returns:
        The line; empty when the comparison has no row of the indicator and benchmark.
    """
    require_columns(comparison, COMPARISON_COLUMNS, "comparison")
    rows = comparison[(comparison["benchmark"] == benchmark) & (comparison["indicator_id"] == indicator_id)]
    rows = rows.dropna(subset=["value"]).sort_values(["years_after", "year"], ascending=[True, False], kind="stable")
    if rows.empty:
        return ""
    row = rows.iloc[0]
    name = names.get(indicator_id, indicator_id)
    unit = str(row["unit"])
    cohort = cohort_label(int(row["year"]), row["years_after"], lang) if pd.notna(row["years_after"]) else ""
    value = _value(float(row["value"]), unit, lang)
    average = benchmark_name(benchmark, lang)
    verdict = ""
    if gaps is not None and not gaps.empty:
        match = gaps[
            (gaps["indicator_id"] == indicator_id)
            & (gaps["benchmark"] == benchmark)
            & (gaps["year"] == row["year"])
            & (gaps["years_after"] == row["years_after"])
        ]
        if not match.empty:
            verdict = VERDICT_WORDS.get(str(match["verdict"].iloc[0]), {}).get(lang, "")
    if lang == "zh":
        text = f"本校{cohort.replace('·', '')}{name} {value}"
        if pd.notna(row["difference"]):
            difference = float(row["difference"])
            gap = format_gap(difference, str(row["difference_unit"]), lang)
            text += (
                f"，与{average}持平" if difference == 0 else f"，{'高于' if difference > 0 else '低于'}{average} {gap}"
            )
        return text + (f"（{verdict}）" if verdict else "") + "。"
    text = f"{name}, {cohort}: {value}" if cohort else f"{name}: {value}"
    if pd.notna(row["difference"]):
        difference = float(row["difference"])
        gap = format_gap(difference, str(row["difference_unit"]), lang)
        text += (
            f", level with {average}"
            if difference == 0
            else f", {gap} {'above' if difference > 0 else 'below'} {average}"
        )
    return text + (f" ({verdict})" if verdict else "") + "."


def takeaway(
    data: pd.DataFrame,
    indicator_ids: Sequence[str],
    comparison: pd.DataFrame,
    names: Mapping[str, str],
    benchmark: str,
    lang: str,
) -> str:
    """The one line a slide or a figure caption says about a chart.

    * A chart of one benchmarked indicator: its sentence (:func:`describe_comparison`).
    * A chart of several (employer satisfaction by dimension): how many are above the benchmark
      and where the gap is widest.
    * Any other chart: its largest value (of the first series for grouped bars; each series in
      the newest year for a trend).

    Args:
        data: The chart's data (:attr:`viz.sections.ChartItem.data`).
        indicator_ids: The benchmarked indicators the chart shows (:attr:`viz.sections.ChartItem.indicators`).
        comparison: Rows of :func:`metrics.compare.compare_to_benchmark`.
        names: ``indicator_id`` → name in ``lang``.
        benchmark: The chosen benchmark.
        lang: ``zh`` or ``en``.

    Returns:
        The line; empty when the chart has no data.
    """
    if data.empty:
        return ""
    if len(indicator_ids) == 1:
        sentences = describe_comparison(comparison, names, benchmark, lang, indicator_ids)
        if not sentences.empty:
            return str(sentences["sentence"].iloc[0])
    if len(indicator_ids) > 1:
        line = _gaps_line(comparison, indicator_ids, names, benchmark, lang)
        if line:
            return line
    if "share_of_minimum_pct" in data.columns:
        return _minimums_line(data, lang)
    return _largest_line(data, lang)


def _minimums_line(data: pd.DataFrame, lang: str) -> str:
    """The national minimums chart in words, each standard against its own threshold (never one unit
    against another): ``4 项国家基本办学条件均达标，最宽裕的是“生均图书”（合格线的 180%）。``"""
    judged = data.dropna(subset=["share_of_minimum_pct"])
    if judged.empty:
        return ""
    met = judged[judged["status"] == t("minimum_status_met", lang)]
    total = len(judged)
    unjudged = len(data) - total  # no figure, or no minimum for the school's type: said, never counted as met
    widest = judged.loc[judged["share_of_minimum_pct"].astype(float).idxmax()]
    lowest = judged.loc[judged["share_of_minimum_pct"].astype(float).idxmin()]
    share = f"{float(widest['share_of_minimum_pct']):,.0f}%"
    low_share = f"{float(lowest['share_of_minimum_pct']):,.0f}%"
    if lang == "zh":
        head = f"{total} 项国家基本办学条件均达标" if len(met) == total else f"{total} 项中 {len(met)} 项达标"
        if unjudged:
            head = f"有数据的{head}（另 {unjudged} 项无数据或无合格值）"
        if len(met) == total:
            return f"{head}，最宽裕的是“{widest['category']}”（为合格线的 {share}）。"
        return f"{head}，差距最大的是“{lowest['category']}”（为合格线的 {low_share}）。"
    head = f"All {total} national minimums met" if len(met) == total else f"{len(met)} of {total} minimums met"
    if unjudged:
        head = f"{head} ({unjudged} more without a figure or a minimum)"
    if len(met) == total:
        return f"{head}; the widest margin is {widest['category']} ({share} of the minimum)."
    return f"{head}; the furthest below is {lowest['category']} ({low_share} of the minimum)."


def _gaps_line(
    comparison: pd.DataFrame, indicator_ids: Sequence[str], names: Mapping[str, str], benchmark: str, lang: str
) -> str:
    """``5 项均高于全省高职平均；差距最大的是“专业水平”（高 4.74 分）。`` (newest cohort, one year after)."""
    require_columns(comparison, COMPARISON_COLUMNS, "comparison")
    rows = comparison[(comparison["benchmark"] == benchmark) & comparison["indicator_id"].isin(list(indicator_ids))]
    rows = rows.dropna(subset=["difference"]).sort_values(["years_after", "year"], ascending=[True, False])
    rows = rows.drop_duplicates("indicator_id")
    if rows.empty:
        return ""
    above = int((rows["difference"] > 0).sum())
    widest = rows.loc[rows["difference"].abs().idxmax()]
    # The dimensions share their family's name (用人单位满意度·专业水平): the part after the dot.
    label = names.get(str(widest["indicator_id"]), str(widest["indicator_id"])).split("·")[-1].split(": ")[-1]
    gap = format_gap(widest["difference"], str(widest["difference_unit"]), lang)
    average = benchmark_name(benchmark, lang)
    total = len(rows)
    if lang == "zh":
        count = f"{total} 项均高于{average}平均" if above == total else f"{total} 项中 {above} 项高于{average}平均"
        return f"{count}；差距最大的是“{label}”（{'高' if widest['difference'] > 0 else '低'} {gap}）。"
    count = (
        f"All {total} above the {average} average"
        if above == total
        else f"{above} of {total} above the {average} average"
    )
    return f"{count}; the widest gap is {label} ({gap} {'above' if widest['difference'] > 0 else 'below'})."


def _largest_line(data: pd.DataFrame, lang: str) -> str:
    """``最多的是“制造业”，1,234 人。`` (of the first series); a trend: each series in the newest year."""
    rows = data.dropna(subset=["value"])
    if rows.empty or not {"category", "year"} & set(rows.columns):
        return ""
    unit_of = (lambda row: str(row["unit"]) if pd.notna(row["unit"]) else "") if "unit" in rows.columns else None
    if "category" not in rows.columns:  # a trend: year, series, value
        newest = int(rows["year"].max())
        parts = [
            f"{row['series']} {_value(float(row['value']), unit_of(row) if unit_of else '', lang)}"
            for row in rows[rows["year"] == newest].to_dict("records")
        ]
        return f"{newest} 年：" + "，".join(parts) + "。" if lang == "zh" else f"{newest}: " + ", ".join(parts) + "."
    first = None
    if "series" in rows.columns:
        first = rows["series"].iloc[0]
        rows = rows[rows["series"] == first]
    if "unit" in rows.columns and rows["unit"].dropna().astype(str).nunique() > 1:
        return ""  # values in different units: no largest to name (元/生 is not more than 平方米/生)
    top = rows.loc[rows["value"].astype(float).idxmax()]
    unit = unit_of(top) if unit_of else ""
    value = _value(float(top["value"]), unit, lang)
    if lang == "zh":
        most = "最多" if unit in COUNT_UNITS else "最高"
        return (f"{first}：" if first else "") + f"{most}的是“{top['category']}”，{value}。"
    where = f" ({first})" if first else ""  # "From the region: largest: …" read as two labels
    return f"Largest{where}: {top['category']}, {value}."
