"""Several schools side by side: the 对比 page's chart, table, notes and trend, from :mod:`metrics.schools` rows.

Belongs here: turning the aligned rows (:func:`metrics.schools.align_schools`), the school ×
benchmark rows (:func:`metrics.schools.compare_schools_to_benchmarks`) and the trend rows
(:func:`metrics.schools.trace_schools`) into chart frames, figures and a reader's table in the
reader's language. Each school keeps one colour everywhere (:func:`viz.theme.school_colours`); the
benchmarks stay grey. No arithmetic on indicators happens here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import plotly.graph_objects as go

from metrics.schools import MIN_RANKED, NOT_ASSESSED
from viz.charts import (
    BAR_PX,
    DEFAULT_HEIGHT,
    LEGEND_MARGIN_PX,
    _html,
    _labels,
    _title,
    _value_range,
    axis_title,
    empty_figure,
    format_value,
    legend_below,
)
from viz.exports import Provenance
from viz.frames import series_name, years_after_name
from viz.i18n import t, unit_name
from viz.sections import ChartItem, report_label
from viz.theme import BENCHMARK_GREYS, TEMPLATE_NAME, school_colours

#: The benchmarks in the order the table lists them (the chosen one is moved first).
BENCHMARK_ORDER = ("高职", "全省", "本科")

#: Up to this many schools each get a legend entry (one per colour of the palette); more are named on the axis only.
MAX_LEGEND_SCHOOLS = 11

#: Height of one legend entry below a chart (the legend of a half-width chart lists one per line).
LEGEND_ROW_PX = 26

CHART_COLUMNS = ["category", "series", "role", "colour", "value", "unit", "year", "source_table", "source_line"]


def ordered_schools(aligned: pd.DataFrame) -> list[str]:
    """The schools of a comparison in display order (``position``)."""
    return aligned.drop_duplicates("school").sort_values("position", kind="stable")["school"].tolist()


def figure_label(year: object, years_after: object, lang: str) -> str:
    """What a school's figure is of: ``2021届`` for a survey figure, ``2022年`` for any other."""
    if pd.isna(year):
        return ""
    return t("cmp_cohort" if pd.notna(years_after) else "cmp_data_year", lang, year=int(year))


def _benchmark_order(first: str) -> list[str]:
    return [first, *(b for b in BENCHMARK_ORDER if b != first)]


def _same_after(frame: pd.DataFrame, years_after: object) -> pd.Series:
    after = frame["years_after"]
    return after.isna() if pd.isna(years_after) else after.eq(int(years_after)).fillna(False).astype(bool)


def aligned_chart_frame(
    aligned: pd.DataFrame, benchmarks: pd.DataFrame, *, years_after: object, lang: str, first_benchmark: str = "高职"
) -> pd.DataFrame:
    """The chart's rows for one ``years_after`` group: each school's bar and its own report's benchmarks.

    Args:
        aligned: :func:`metrics.schools.align_schools` rows.
        benchmarks: :func:`metrics.schools.compare_schools_to_benchmarks` rows.
        years_after: The group drawn (1, 3, or NA for figures that are not survey figures).
        lang: ``zh`` or ``en``.
        first_benchmark: The chosen benchmark, listed first.

    Returns:
        :data:`CHART_COLUMNS`: ``category`` names the school and its cohort or year
        (``青石虚构职业技术学院·2021届``); ``role`` is ``本校`` for the first school, ``peer`` for the
        others and the benchmark code (``高职`` …) for a benchmark; ``colour`` is the school's own.
        Schools without a figure are left out.
    """
    colours = school_colours(ordered_schools(aligned))
    rows = aligned[_same_after(aligned, years_after) & aligned["value"].notna()].sort_values("position")
    out: list[dict] = []
    labels: dict[str, str] = {}
    for row in rows.to_dict("records"):
        label = f"{row['school']}·{figure_label(row['year'], row['years_after'], lang)}"
        labels[row["school"]] = label
        out.append(
            {
                "category": label,
                "series": row["school"],
                "role": "本校" if row["position"] == 0 else "peer",
                "colour": colours[row["school"]],
                "value": row["value"],
                "unit": row["unit"],
                "year": row["year"],
                "source_table": row["source_table"],
                "source_line": row["source_line"],
            }
        )
    marks = benchmarks[_same_after(benchmarks, years_after) & benchmarks["benchmark_value"].notna()]
    order = _benchmark_order(first_benchmark)
    for benchmark in order:
        for row in marks[marks["benchmark"] == benchmark].sort_values("position").to_dict("records"):
            if row["school"] not in labels:
                continue
            out.append(
                {
                    "category": labels[row["school"]],
                    "series": series_name(benchmark, lang),
                    "role": benchmark,
                    "colour": BENCHMARK_GREYS[min(order.index(benchmark), len(BENCHMARK_GREYS) - 1)],
                    "value": row["benchmark_value"],
                    "unit": row["unit"],
                    "year": row["year"],
                    "source_table": row["benchmark_table"],
                    "source_line": row["benchmark_line"],
                }
            )
    return pd.DataFrame(out, columns=CHART_COLUMNS)


def _two_lines(category: str) -> str:
    """A bar's label: the school on the first line, its cohort or year on the second."""
    school, _, figure = category.rpartition("·")
    return f"{_html(school)}<br>{_html(figure)}" if school else _html(category)


def school_bars(
    frame: pd.DataFrame, *, title: str, subtitle: str, value_label: str, unit: str, lang: str, empty_message: str
) -> go.Figure:
    """Horizontal bars, one per school in its own colour with its value; its report's benchmarks as grey ticks.

    Args:
        frame: :func:`aligned_chart_frame` rows.
        title: Chart title (the indicator).
        subtitle: What is compared, in words.
        value_label: Name of the value axis.
        unit: Unit of the values.
        lang: ``zh`` or ``en``.
        empty_message: What to say when no school has a figure.

    Returns:
        The figure: a legend entry per school (up to :data:`MAX_LEGEND_SCHOOLS`; more are one trace,
        each bar in its school's colour and named on the axis) and per benchmark (``全省高职（各校报告）``).
    """
    if frame.empty:
        return empty_figure(empty_message, title)
    schools = frame[frame["role"].isin(["本校", "peer"])]
    figure = go.Figure()
    bar = {
        "orientation": "h",
        "textposition": "auto",
        "insidetextanchor": "start",
        "textangle": 0,
        "textfont": {"size": 15},
        "insidetextfont": {"color": "#ffffff"},
        "hovertemplate": f"%{{y}}: %{{x:,.2f}} {_html(unit_name(unit, lang))}<extra></extra>",
        "cliponaxis": False,
    }
    if len(schools) <= MAX_LEGEND_SCHOOLS:  # a bar and a legend entry per school
        for row in schools.to_dict("records"):
            figure.add_bar(
                name=_html(row["series"]),
                y=[_two_lines(row["category"])],
                x=[row["value"]],
                marker_color=row["colour"],
                text=[format_value(row["value"], unit, with_unit=False)],
                **bar,
            )
    else:  # many schools: one trace, each bar its school's colour and named on the axis (a long legend says no more)
        figure.add_bar(
            name=_html(t("school", lang)),
            y=[_two_lines(c) for c in schools["category"]],
            x=schools["value"],
            marker_color=schools["colour"].tolist(),
            text=[format_value(v, unit, with_unit=False) for v in schools["value"]],
            showlegend=False,
            **bar,
        )
    for role in dict.fromkeys(frame.loc[~frame["role"].isin(["本校", "peer"]), "role"]):
        part = frame[frame["role"] == role]
        name = t("cmp_benchmark_of_each", lang, benchmark=series_name(role, lang))
        figure.add_scatter(
            name=_html(name),
            y=[_two_lines(c) for c in part["category"]],
            x=part["value"],
            mode="markers",
            marker={"symbol": "line-ns", "size": 26, "line": {"width": 4, "color": part["colour"].iloc[0]}},
            hovertemplate=f"%{{y}}<br>{_html(name)}: %{{x:,.2f}} {_html(unit_name(unit, lang))}<extra></extra>",
            cliponaxis=False,
        )
    n = len(schools)
    # In a half-width column the legend puts an entry a line: room for each under the axis title, and
    # a two-line label (school, cohort) per bar, so that no label runs into the next one.
    entries = sum(1 for trace in figure.data if trace.showlegend is not False)
    top = 100 + 22 * subtitle.count("\n")
    bottom = LEGEND_MARGIN_PX + LEGEND_ROW_PX * max(0, entries - 2)
    figure.update_layout(
        template=TEMPLATE_NAME,
        title=_title(title, subtitle),
        barmode="overlay",
        height=top + bottom + max(240, 70 * n),
        xaxis={"title": {"text": axis_title(value_label, unit, lang)}, "range": _value_range(frame["value"])},
        yaxis={"autorange": "reversed"},  # the first school on top
        bargap=0.35,
        margin={"t": top, "b": bottom},
    )
    return legend_below(figure)


def verdict_words(verdict: str, lang: str) -> str:
    """A gap's significance in words (``差异显著`` …; ``不适用`` where none is assessed)."""
    return t("sig_not_assessed", lang) if verdict == NOT_ASSESSED else t(f"sig_{verdict}", lang)


def rank_words(row: dict, lang: str, min_ranked: int) -> str:
    """The rank column in words: ``第 1 名（共 3 所学校）``, or why there is none."""
    status = row["status"]
    if status == "ranked":
        return t("cmp_rank_words", lang, rank=int(row["rank"]), n=int(row["n_schools"]))
    if status == "too_few":
        return t("cmp_not_ranked", lang, n=int(row["n_schools"]), min=min_ranked)
    if status == "no_report":
        return t("cmp_no_report", lang)
    return t("cmp_no_value", lang)


def schools_table(
    aligned: pd.DataFrame, benchmarks: pd.DataFrame, *, lang: str, first_benchmark: str, min_ranked: int
) -> pd.DataFrame:
    """The table beside the chart: per school and years after graduation, the value, the gap to each
    benchmark of its own report with the gap's significance, and the rank among the schools shown in words.

    Args:
        aligned: :func:`metrics.schools.align_schools` rows.
        benchmarks: :func:`metrics.schools.compare_schools_to_benchmarks` rows.
        lang: ``zh`` or ``en``.
        first_benchmark: The chosen benchmark, listed first.
        min_ranked: :data:`metrics.schools.MIN_RANKED` (said in the words when there is no rank).

    Returns:
        Headers in ``lang``: 学校, 毕业后年数 (only when the indicator is a survey figure), 届别/年度,
        数值, then 与…差距 and 显著性（…） per benchmark carried, 排名, 百分位. Numbers stay numbers.
    """
    survey = aligned["years_after"].notna().any()
    order = [b for b in _benchmark_order(first_benchmark) if b in set(benchmarks["benchmark"])]
    gaps: dict[tuple, dict] = {}
    for row in benchmarks.to_dict("records"):
        key = (row["school"], None if pd.isna(row["years_after"]) else int(row["years_after"]))
        gaps.setdefault(key, {})[row["benchmark"]] = row
    records = []
    for row in aligned.to_dict("records"):
        after = None if pd.isna(row["years_after"]) else int(row["years_after"])
        record: dict[str, object] = {t("school", lang): row["school"]}
        if survey:
            record[t("pick_years_after", lang)] = years_after_name(row["years_after"], lang)
        record[t("cmp_cohort_or_year", lang)] = figure_label(row["year"], row["years_after"], lang)
        record[t("value", lang)] = _number(row["value"])  # none: an empty cell, never "None"
        for benchmark in order:
            gap = gaps.get((row["school"], after), {}).get(benchmark)
            name = series_name(benchmark, lang)
            record[t("cmp_gap_to", lang, benchmark=name)] = float("nan") if gap is None else _number(gap["difference"])
            verdict = "" if gap is None else verdict_words(gap["verdict"], lang)
            record[t("cmp_significance_of", lang, benchmark=name)] = verdict
        record[t("rank", lang)] = rank_words(row, lang, min_ranked)
        record[t("percentile", lang)] = _number(row["percentile"])
        records.append(record)
    return pd.DataFrame(records)


def _number(value: object) -> float:
    """A cell's number, NaN when there is none (None, NA)."""
    return float("nan") if value is None or pd.isna(value) else float(value)


def alignment_notes(aligned: pd.DataFrame, lang: str, years_after: object = "all") -> list[str]:
    """What a reader must know to read the comparison: cohorts (or data years) that differ.

    Args:
        aligned: :func:`metrics.schools.align_schools` rows.
        lang: ``zh`` or ``en``.
        years_after: Only this group (1, 3, None for figures that are not survey figures); every group
            when ``"all"``.
    """
    notes = []
    rows = aligned if isinstance(years_after, str) else aligned[_same_after(aligned, years_after)]
    missing = rows[rows["value"].isna()].drop_duplicates("school").sort_values("position")
    if not missing.empty:  # a school on the page with no bar: said, with why
        sep = "；" if lang == "zh" else "; "
        wrap = "{}（{}）" if lang == "zh" else "{} ({})"
        reasons = sep.join(wrap.format(r["school"], rank_words(r, lang, 0)) for r in missing.to_dict("records"))
        notes.append(t("cmp_not_drawn", lang, schools=reasons))
    for after, group in rows.groupby(rows["years_after"].astype("float64").fillna(-1), sort=True):
        valued = group[group["value"].notna()].sort_values("position")
        if valued.empty or not bool(valued["years_differ"].any()):
            continue
        sep = "；" if lang == "zh" else "; "
        parts = sep.join(f"{r.school} {figure_label(r.year, r.years_after, lang)}" for r in valued.itertuples())
        if after >= 0:
            notes.append(t("cmp_cohorts_differ", lang, cohorts=parts, after=years_after_name(int(after), lang)))
        else:
            notes.append(t("cmp_years_differ", lang, years=parts))
    return notes


def trend_frame(trend: pd.DataFrame, *, years_after: object, lang: str) -> pd.DataFrame:
    """Each school's editions as one line for one ``years_after`` group (lines of :func:`school_lines`).

    Returns:
        Columns ``year, category, series, role, colour, value, unit, source_table, source_line``
        (``category`` = ``2019届`` or ``2020年``); only schools with two or more years.
    """
    columns = ["year", "category", "series", "role", "colour", "value", "unit", "source_table", "source_line"]
    rows = trend[_same_after(trend, years_after)]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    colours = school_colours(trend.drop_duplicates("school").sort_values("position", kind="stable")["school"].tolist())
    years = rows.groupby("school")["year"].transform("nunique")
    rows = rows[years >= 2].sort_values(["position", "year"], kind="stable")
    out = rows.assign(
        category=[figure_label(y, a, lang) for y, a in zip(rows["year"], rows["years_after"], strict=True)],
        series=rows["school"],
        role=["本校" if p == 0 else "peer" for p in rows["position"]],
        colour=rows["school"].map(colours),
    )
    return out[columns].reset_index(drop=True)


def trend_left_out(trend: pd.DataFrame, schools: list[str], *, years_after: object, lang: str) -> str:
    """Which compared schools the trend leaves out and why (one sentence; ``""`` when none is left out).

    A school is drawn as a line only with this figure for two or more years (:func:`trend_frame`); one
    with a single year is named with that year (``2019届`` / ``2020年``), one with none as having none.
    """
    rows = trend[_same_after(trend, years_after)]
    parts = []
    for school in schools:
        own = rows[rows["school"] == school]
        years = sorted({int(year) for year in own["year"]})
        if len(years) >= 2:
            continue
        if years:
            label = figure_label(years[0], own["years_after"].iloc[0], lang)
            parts.append(t("cmp_trend_one_year", lang, school=school, year=label))
        else:
            parts.append(t("cmp_trend_no_year", lang, school=school))
    if not parts:
        return ""
    return t("cmp_trend_left_out", lang, schools=("；" if lang == "zh" else "; ").join(parts))


def school_lines(
    frame: pd.DataFrame, *, title: str, subtitle: str, value_label: str, unit: str, x_label: str, lang: str,
    empty_message: str,
) -> go.Figure:  # fmt: skip
    """One line per school across its editions, in the school's colour, values labelled."""
    if frame.empty:
        return empty_figure(empty_message, title)
    figure = go.Figure()
    for school in dict.fromkeys(frame["series"]):
        part = frame[frame["series"] == school].sort_values("year")
        figure.add_scatter(
            name=_html(school),
            x=part["year"],
            y=part["value"],
            mode="lines+markers+text",
            showlegend=True,  # one line too says whose it is (Plotly hides a legend of one)
            line={"color": part["colour"].iloc[0], "width": 4 if part["role"].iloc[0] == "本校" else 3},
            marker={"size": 11},
            # the newest value of each line labelled (one label per school: lines close together stay
            # readable); every point's value is in the hover and the table
            text=[""] * (len(part) - 1) + [format_value(part["value"].iloc[-1], unit, with_unit=False)],
            textposition="middle right",
            customdata=part["category"].map(_html),
            hovertemplate=f"{_html(school)} %{{customdata}}: %{{y:,.2f}} {_html(unit_name(unit, lang))}<extra></extra>",
            cliponaxis=False,
        )
    # A line need not start at zero (a bar must): the axis spans the values with room around them, so
    # that schools a point apart are told apart and their labels do not sit on one another.
    smallest, largest = float(frame["value"].min()), float(frame["value"].max())
    pad = max((largest - smallest) * 0.25, abs(largest) * 0.02, 1.0)
    low, high = smallest - pad, largest + pad
    years = sorted(frame["year"].unique())
    labels = dict(zip(frame["year"], frame["category"], strict=False))
    figure.update_layout(
        template=TEMPLATE_NAME,
        title=_title(title, subtitle),
        height=DEFAULT_HEIGHT,
        xaxis={
            "title": {"text": _html(x_label)},
            "tickmode": "array",
            "tickvals": years,
            "ticktext": [_html(labels[y]) for y in years],
        },
        yaxis={"title": {"text": axis_title(value_label, unit, lang)}, "range": [low, high]},
        margin={"t": 110 + 22 * subtitle.count("\n"), "b": LEGEND_MARGIN_PX},
    )
    return legend_below(figure)


def compared_in_words(schools: list[str], years_after: object, year: int | None, lang: str) -> str:
    """The subtitle: which schools (named up to three, else counted), from which reports, at which point
    after graduation; two lines, so it fits a half-width chart."""
    who = (
        ("、" if lang == "zh" else ", ").join(schools)
        if len(schools) <= 3
        else t("cmp_n_schools", lang, n=len(schools))
    )
    reports = t("cmp_latest_reports", lang) if year is None else t("cmp_reports_of", lang, year=year)
    after = years_after_name(years_after, lang)
    return f"{who}\n{reports}" + (f" · {after}" if after else "")


def cohort_axis_label(years_after: object, lang: str) -> str:
    """The trend's x axis: ``届别（毕业一年后）`` for survey figures, else ``年份``."""
    if pd.isna(years_after):
        return t("year", lang)
    return t("cmp_cohort_axis", lang, after=years_after_name(years_after, lang))


def overlay_peers(item: ChartItem, aligned: pd.DataFrame, lang: str) -> ChartItem:
    """A benchmark chart of a domain page with the peers' bars added, each in its own colour.

    Each peer's figure (from its report as :func:`metrics.schools.align_schools` chose it) joins the
    category of the school's chart with the same years after graduation — one year after beside one
    year after — and is named with its own cohort (``白沙虚构职业学院（2022届）``). The item is not
    changed (page charts are shared between sessions): a new item is returned.

    Args:
        item: A ``benchmark`` chart of :func:`viz.catalogue.page_charts` (category = cohort label).
        aligned: :func:`metrics.schools.align_schools` rows of the chart's indicator, the school first.
        lang: ``zh`` or ``en``.

    Returns:
        The chart with a bar per peer and category, its data with the peers' rows (``role`` ``peer``)
        and its source naming the peers' reports; the item itself when no peer has a figure.
    """
    peers = aligned[(aligned["position"] > 0) & aligned["value"].notna()]
    if peers.empty or item.data.empty:
        return item
    colours = school_colours(ordered_schools(aligned))
    categories = list(dict.fromkeys(item.data["category"]))
    figure = go.Figure(item.figure)
    rows: list[dict] = []
    unit = str(peers["unit"].iloc[0])
    for school in dict.fromkeys(peers["school"]):
        mine = peers[peers["school"] == school]
        ys, xs = [], []
        for row in mine.to_dict("records"):
            words = years_after_name(row["years_after"], lang)
            category = next((c for c in categories if words and str(c).endswith(words)), None)
            if category is None:
                continue
            ys.append(category)
            xs.append(row["value"])
            rows.append(
                {"category": category, "series": school, "role": "peer", "value": row["value"], "unit": unit,
                 "source_table": row["source_table"], "source_line": row["source_line"]}
            )  # fmt: skip
        if not ys:
            continue
        cohorts = "、".join(figure_label(y, a, lang) for y, a in zip(mine["year"], mine["years_after"], strict=True))
        figure.add_bar(
            name=_html(f"{school}（{cohorts}）" if lang == "zh" else f"{school} ({cohorts})"),
            y=_labels(ys, 7),
            x=xs,
            orientation="h",
            marker_color=colours[school],
            text=[format_value(v, unit, with_unit=False) for v in xs],
            textposition="auto",
            insidetextanchor="start",
            textangle=0,
            textfont={"size": 15},
            insidetextfont={"color": "#ffffff"},
            hovertemplate=f"%{{y}}<br>%{{fullData.name}}: %{{x:,.2f}} {_html(unit_name(unit, lang))}<extra></extra>",
            cliponaxis=False,
        )
    if not rows:
        return item
    # Room for the added bars and their legend entries; the legend is put back under the axis title.
    added = len(rows) * BAR_PX + LEGEND_ROW_PX * len({row["series"] for row in rows})
    figure.update_layout(height=(figure.layout.height or DEFAULT_HEIGHT) + added)
    legend_below(figure)
    data = pd.concat([item.data, pd.DataFrame(rows)], ignore_index=True)
    sources = [report_label(r.school, int(r.report_year), lang) for r in peers.drop_duplicates("school").itertuples()]
    sep = "；" if lang == "zh" else "; "
    provenance = replace(item.provenance, source=sep.join([item.provenance.source, *sources]), rows=data)
    return replace(item, figure=figure, data=data, provenance=provenance)


@dataclass(frozen=True)
class CompareView:
    """What the 对比 page shows for one indicator and set of schools, built once per view.

    Attributes:
        frame: :func:`aligned_chart_frame` rows (the chart's data and downloads).
        figure: :func:`school_bars`.
        provenance: The chosen reports, their tables and the filters.
        table: :func:`schools_table`.
        notes: :func:`alignment_notes`.
        trend: :func:`trend_frame` rows (empty when no school has two years).
        trend_figure: :func:`school_lines` (None when there is no trend).
        trend_provenance: The reports the trend draws on.
        trend_left_out: :func:`trend_left_out` (the compared schools the trend cannot draw, and why).
    """

    frame: pd.DataFrame
    figure: go.Figure
    provenance: Provenance
    table: pd.DataFrame
    notes: list[str]
    trend: pd.DataFrame
    trend_figure: go.Figure | None
    trend_provenance: Provenance
    trend_left_out: str


def build_compare_view(
    aligned: pd.DataFrame,
    benchmarks: pd.DataFrame,
    trend: pd.DataFrame,
    *,
    name: str,
    unit: str,
    year: int | None,
    years_after: object,
    lang: str,
    benchmark: str,
    filters: str,
) -> CompareView:
    """The 对比 page's chart, table, notes and trend for one ``years_after`` group.

    Args:
        aligned: :func:`metrics.schools.align_schools` rows.
        benchmarks: :func:`metrics.schools.compare_schools_to_benchmarks` rows.
        trend: :func:`metrics.schools.trace_schools` rows.
        name: The indicator's name in ``lang``.
        unit: Its registry unit.
        year: The data year compared (None: each school's latest report).
        years_after: The group drawn (1, 3, or None for figures that are not survey figures).
        lang: ``zh`` or ``en``.
        benchmark: The chosen benchmark (listed first).
        filters: The active filters in words.
    """
    schools = ordered_schools(aligned)
    sep = "、" if lang == "zh" else "; "
    chosen = aligned[aligned["report_id"] != ""].drop_duplicates("school")
    sources = [report_label(r.school, int(r.report_year), lang) for r in chosen.itertuples()]
    frame = aligned_chart_frame(aligned, benchmarks, years_after=years_after, lang=lang, first_benchmark=benchmark)
    figure = school_bars(
        frame, title=name, subtitle=compared_in_words(schools, years_after, year, lang), value_label=name,
        unit=unit, lang=lang, empty_message=t("no_data", lang),
    )  # fmt: skip
    lines = trend_frame(trend, years_after=years_after, lang=lang)
    trend_figure = None
    if not lines.empty:
        trend_figure = school_lines(
            lines, title=name, subtitle=compared_in_words(schools, years_after, None, lang), value_label=name,
            unit=unit, x_label=cohort_axis_label(years_after, lang), lang=lang, empty_message=t("no_data", lang),
        )  # fmt: skip
    editions = trend[trend["school"].isin(set(lines["series"]))].drop_duplicates("report_id")
    trend_sources = [report_label(r.school, int(r.report_year), lang) for r in editions.itertuples()]
    return CompareView(
        frame=frame,
        figure=figure,
        provenance=Provenance(sep.join(sources), tuple(frame["source_table"].astype(str)), filters, frame),
        table=schools_table(
            aligned[_same_after(aligned, years_after)],
            benchmarks[_same_after(benchmarks, years_after)],
            lang=lang,
            first_benchmark=benchmark,
            min_ranked=MIN_RANKED,
        ),
        notes=alignment_notes(aligned, lang, years_after),
        trend=lines,
        trend_figure=trend_figure,
        trend_provenance=Provenance(sep.join(trend_sources), tuple(lines["source_table"].astype(str)), filters, lines),
        trend_left_out=trend_left_out(trend, schools, years_after=years_after, lang=lang),
    )
