"""The domain pages and their charts as a catalogue (``data/specs/pages.toml``), and the one function that draws them.

Belongs here: reading the catalogue into typed models (unknown keys refused, indicator ids checked
against the registry, one unit per chart) and :func:`page_charts`, which turns a page's chart specs
into :class:`viz.sections.ChartItem` s — one drawing per chart *kind*, never per page. Units come
from the registry through :class:`viz.sections.Context`; titles are i18n keys or the indicator's
name. A new chart is a few lines of TOML; a new kind of chart is one function here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import replace
from functools import cache, partial
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from loaders.contracts.paths import SPECS_DIR
from loaders.contracts.registry import registry_units
from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from viz.charts import benchmark_bars, grouped_bars, horizontal_bars, trend_lines
from viz.frames import (
    benchmark_chart_frame,
    indicator_values,
    long_frame,
    same_table_as,
    subject_frame,
    totals_by_year,
)
from viz.i18n import benchmark_name, colon, t
from viz.minimums import minimum_figure, minimum_frame, minimum_reference
from viz.names import subject_name
from viz.sections import ChartItem, Context, chart_provenance

PAGES_SPEC = SPECS_DIR / "pages.toml"

Kind = Literal["benchmark", "dimensions", "subjects", "indicators", "series", "regions", "trend", "minimums"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known(ids: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [i for i in ids if i not in registry_units()]
    if unknown:
        raise ValueError(f"indicators not in data/indicators.csv: {', '.join(unknown)}")
    return ids


class ChartSpec(_Model):
    """``[[page.chart]]``: one chart of a page (see the header of pages.toml for the kinds)."""

    kind: Kind
    indicators: tuple[str, ...]
    key: str = ""
    title: str = ""
    title_prefix: str = ""
    value_label: str = "name"
    width: Literal["half", "full"] = "half"
    marker: str = ""
    series: tuple[str, ...] = ()

    _ids = field_validator("indicators")(_known)

    @model_validator(mode="after")
    def _check(self) -> ChartSpec:
        if self.kind == "minimums":  # its standards and units are data/benchmarks/national_minimums.csv
            if self.indicators or not self.key:
                raise ValueError("a minimums chart has a key and no indicators (data/benchmarks lists them)")
            return self
        units = {registry_units()[i] for i in self.indicators}
        if len(units) != 1:
            raise ValueError(f"chart {self.chart_key}: its indicators have several units ({', '.join(sorted(units))})")
        if self.kind in ("benchmark", "subjects") and len(self.indicators) != 1:
            raise ValueError(f"chart {self.chart_key}: a {self.kind} chart has exactly one indicator")
        if self.kind == "regions" and (not self.marker or len(self.series) != len(self.indicators)):
            raise ValueError(f"chart {self.chart_key}: a regions chart needs a marker and a series name per indicator")
        return self

    @property
    def chart_key(self) -> str:
        """Stable id (widget keys, file names in the pack): ``key``, else the first indicator."""
        return self.key or self.indicators[0]

    @property
    def unit(self) -> str:
        """The registry unit of the chart's indicators (``""`` for a minimums chart: one unit per standard)."""
        return registry_units()[self.indicators[0]] if self.indicators else ""


class PageCharts(_Model):
    """``[[page]]``: a domain page — KPI cards, charts, the plan targets it shows, a note."""

    id: str
    intro: str = ""
    kpis: tuple[str, ...] = ()
    kpi_subject: str = SCHOOL_SUBJECT
    target_domains: tuple[str, ...] = ()
    note: str = ""
    chart: tuple[ChartSpec, ...]

    _ids = field_validator("kpis")(_known)

    @model_validator(mode="after")
    def _unique_keys(self) -> PageCharts:
        keys = [c.chart_key for c in self.chart]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"page {self.id}: chart keys given twice: {', '.join(twice)}")
        return self


class Catalogue(_Model):
    """The whole pages.toml: the overview's headline indicators and the domain pages in order."""

    headline: tuple[str, ...]
    page: tuple[PageCharts, ...]

    _ids = field_validator("headline")(_known)

    def get(self, page_id: str) -> PageCharts:
        """One page's spec."""
        return next(p for p in self.page if p.id == page_id)


@cache
def load_catalogue(path: Path = PAGES_SPEC) -> Catalogue:
    """Read pages.toml (cached).

    Raises:
        pydantic.ValidationError: A key is unknown, an indicator is not in the registry, a chart's
            indicators do not share one unit.
    """
    with open(path, "rb") as handle:
        return Catalogue.model_validate(tomllib.load(handle))


# ---------------------------------------------------------------------------- one drawing per kind


def _title(spec: ChartSpec, ctx: Context) -> str:
    return t(spec.title, ctx.lang) if spec.title else ctx.name(spec.indicators[0])


def _value_label(spec: ChartSpec, ctx: Context) -> str:
    return ctx.name(spec.indicators[0]) if spec.value_label == "name" else t(spec.value_label, ctx.lang)


def _benchmark_subtitle(ctx: Context) -> str:
    return f"{ctx.subtitle} · {t('benchmark', ctx.lang)}{colon(ctx.lang)}{benchmark_name(ctx.benchmark, ctx.lang)}"


def _comparison(ctx: Context, spec: ChartSpec) -> pd.DataFrame:
    rows = ctx.comparison[ctx.comparison["indicator_id"].isin(spec.indicators)]
    return rows.assign(name=rows["indicator_id"].map(ctx.name))


def _significance_note(frame: pd.DataFrame, spec: ChartSpec, ctx: Context) -> str:
    """What the chart says about sampling error: its error bars, or that the report gives no sample size."""
    if frame.empty or ctx.gaps.empty or spec.indicators[0] not in set(ctx.gaps["indicator_id"]):
        return ""
    if "ci_low" in frame.columns and frame["ci_low"].notna().any():
        return t("sig_error_bars", ctx.lang)
    return t("sig_no_sample", ctx.lang)


def _benchmark(spec: ChartSpec, ctx: Context) -> tuple[pd.DataFrame, object]:
    comparison = _comparison(ctx, spec)
    frame = benchmark_chart_frame(comparison, ctx.lang, ctx.benchmark, gaps=ctx.gaps).assign(unit=spec.unit)
    note = _significance_note(frame, spec, ctx)
    figure = benchmark_bars(
        frame,
        title=_title(spec, ctx),
        subtitle=_benchmark_subtitle(ctx) + (f"\n{note}" if note else ""),
        value_label=_value_label(spec, ctx),
        unit=spec.unit,
        empty_message=t("no_data", ctx.lang),
        lang=ctx.lang,
    )
    return frame, figure


def _common_prefix(names: list[str]) -> str:
    """The shared ``用人单位满意度·`` of the dimensions' names (up to and including a ``·`` or ``:``)."""
    if len(names) < 2:
        return ""
    first = min(names)
    last = max(names)
    common = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first))
    cut = max(first.rfind(mark, 0, common) for mark in ("·", ":"))
    return first[: cut + 1] if cut >= 0 else ""


def _dimensions(spec: ChartSpec, ctx: Context) -> tuple[pd.DataFrame, object]:
    frame = benchmark_chart_frame(_comparison(ctx, spec), ctx.lang, ctx.benchmark, category="indicator")
    prefix = _common_prefix([ctx.name(i) for i in spec.indicators])
    if prefix:
        frame["category"] = frame["category"].str.removeprefix(prefix).str.strip()
    frame = frame.assign(unit=spec.unit)
    figure = benchmark_bars(
        frame,
        title=_title(spec, ctx),
        subtitle=_benchmark_subtitle(ctx),
        value_label=_value_label(spec, ctx),
        unit=spec.unit,
        empty_message=t("no_data", ctx.lang),
        lang=ctx.lang,
    )
    return frame, figure


def _bars(spec: ChartSpec, ctx: Context, frame: pd.DataFrame) -> object:
    return horizontal_bars(
        frame,
        title=_title(spec, ctx),
        subtitle=ctx.subtitle,
        value_label=_value_label(spec, ctx),
        unit=spec.unit,
        empty_message=t("no_data", ctx.lang),
        lang=ctx.lang,
    )


def _named(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """The report's row labels (categories) in the reader's language (:func:`viz.names.subject_name`)."""
    if ctx.lang == "zh" or frame.empty:
        return frame
    return frame.assign(category=frame["category"].map(lambda s: subject_name(s, ctx.lang)))


def _subjects(spec: ChartSpec, ctx: Context) -> tuple[pd.DataFrame, object]:
    frame = _named(subject_frame(ctx.observations, spec.indicators[0]), ctx)
    return frame, _bars(spec, ctx, frame)


def _indicators(spec: ChartSpec, ctx: Context) -> tuple[pd.DataFrame, object]:
    frame = indicator_values(ctx.observations, {i: ctx.name(i) for i in spec.indicators})
    return frame, _bars(spec, ctx, frame)


def _grouped(spec: ChartSpec, ctx: Context, frame: pd.DataFrame, title: str) -> object:
    return grouped_bars(
        frame,
        title=title,
        subtitle=ctx.subtitle,
        value_label=_value_label(spec, ctx),
        unit=spec.unit,
        empty_message=t("no_data", ctx.lang),
        lang=ctx.lang,
    )


def _series(spec: ChartSpec, ctx: Context) -> tuple[pd.DataFrame, object]:
    frame = _named(long_frame(ctx.observations, {i: ctx.name(i) for i in spec.indicators}), ctx)
    return frame, _grouped(spec, ctx, frame, _title(spec, ctx))


def _regions(spec: ChartSpec, ctx: Context) -> tuple[pd.DataFrame, object]:
    table = same_table_as(ctx.observations, spec.marker)
    # The table's total row is the one whose share is the whole (100 %): 浙江省, 温州市合计, 合计 …
    shares = table[table["indicator_id"] == spec.marker]
    totals = set(shares.loc[(shares["value"] - 100).abs() < 0.005, "subject"])
    labels = {i: t(name, ctx.lang) for i, name in zip(spec.indicators, spec.series, strict=True)}
    frame = long_frame(table, labels)
    frame = _named(frame[~frame["category"].isin(totals)].reset_index(drop=True), ctx)
    title = _title(spec, ctx)
    if spec.title_prefix and ctx.lang == "zh":
        title = f"{t(spec.title_prefix, ctx.lang)}：{title}"
    return frame, _grouped(spec, ctx, frame, title)


def _minimums(spec: ChartSpec, ctx: Context) -> tuple[pd.DataFrame, object]:
    kind = subject_name(ctx.school_type, ctx.lang) if ctx.school_type else "—"
    subtitle = f"{ctx.school} · {t('minimum_school_type', ctx.lang, kind=kind)}"
    figure = minimum_figure(ctx.minimums, title=_title(spec, ctx), subtitle=subtitle, lang=ctx.lang)
    return minimum_frame(ctx.minimums, ctx.lang), figure


def _trend(spec: ChartSpec, ctx: Context) -> tuple[pd.DataFrame, object]:
    labels = {i: ctx.name(i) for i in spec.indicators}
    frame = totals_by_year(ctx.history, ctx.school, list(spec.indicators), labels).assign(unit=spec.unit)
    figure = trend_lines(
        frame,
        title=f"{_title(spec, ctx)} · {t('year', ctx.lang)}",
        subtitle=ctx.school,
        value_label=_value_label(spec, ctx),
        unit=spec.unit,
        x_label=t("year", ctx.lang),
        empty_message=trend_missing(ctx.history, ctx.school, list(spec.indicators), ctx.lang),
        lang=ctx.lang,
    )
    return frame, figure


def trend_missing(history: pd.DataFrame, school: str, indicator_ids: list[str], lang: str) -> str:
    """Why a trend has no line: one report loaded, or several of which too few give the figure."""
    own = history[history["school"] == school]
    reports = own["report_id"].nunique()
    if reports < 2:
        return t("one_year_only", lang)
    years = own.loc[own["indicator_id"].isin(indicator_ids), "year"].nunique()
    return t("trend_too_few_years", lang, reports=reports, years=years)


#: Chart kind → how it is drawn: ``(spec, context) → (the chart's data, its figure)``.
DRAW: dict[str, Callable[[ChartSpec, Context], tuple[pd.DataFrame, object]]] = {
    "benchmark": _benchmark,
    "dimensions": _dimensions,
    "subjects": _subjects,
    "indicators": _indicators,
    "series": _series,
    "regions": _regions,
    "trend": _trend,
    "minimums": _minimums,
}


def first_row(page_id: str) -> int:
    """How many charts make a domain page's first row: one full-width chart, or up to two half-width ones."""
    charts = load_catalogue().get(page_id).chart
    if not charts or charts[0].width == "full":
        return min(1, len(charts))
    return 2 if len(charts) > 1 and charts[1].width != "full" else 1


def page_charts(page_id: str, ctx: Context, start: int = 0, stop: int | None = None) -> list[ChartItem]:
    """A domain page's charts in page order, as the catalogue describes them.

    Args:
        page_id: A page of ``data/specs/pages.toml`` (``outcomes`` …).
        ctx: What the charts are built from (report, history, comparison, language, benchmark).
        start: The first chart to build (by position; a page draws its first row before building the rest).
        stop: The chart after the last one to build (all when None).

    Returns:
        One :class:`~viz.sections.ChartItem` per ``[[page.chart]]`` from ``start`` to ``stop``.
    """
    items = []
    for spec in load_catalogue().get(page_id).chart[start:stop]:
        frame, figure = DRAW[spec.kind](spec, ctx)
        title = _title(spec, ctx)
        if spec.kind == "trend":
            title = f"{title} · {t('over_years', ctx.lang)}"  # a trend: 历年 (「· 年份」 read as a label)
        benchmarked = spec.indicators if spec.kind in ("benchmark", "dimensions") else ()
        provenance = chart_provenance(ctx, frame)
        if spec.kind == "minimums" and not ctx.minimums.empty:  # the thresholds' document beside the report
            document = minimum_reference(ctx.minimums, ctx.lang)
            provenance = replace(
                provenance, source=f"{provenance.source}{'；' if ctx.lang == 'zh' else '; '}{document}"
            )
        note = ctx.contradiction_note(provenance.tables)  # the report's own figures disagree there
        if note:
            provenance = replace(provenance, note=note)
        items.append(
            ChartItem(
                spec.chart_key,
                title,
                figure,
                frame,
                provenance,
                spec.width,
                indicators=tuple(benchmarked),
            )
        )
    return items


#: Page id → the function that builds its charts (the pages, the packs and the office files walk this).
SECTIONS: dict[str, Callable[[Context], list[ChartItem]]] = {
    page.id: partial(page_charts, page.id) for page in load_catalogue().page
}
#: The overview's headline indicators, in card order.
HEADLINE_INDICATORS: list[str] = list(load_catalogue().headline)
#: The indicators benchmarked one per chart (the graduate survey) and as dimensions of one chart.
SURVEY_INDICATORS: list[str] = [
    c.indicators[0] for p in load_catalogue().page for c in p.chart if c.kind == "benchmark"
]
EMPLOYER_DIMENSIONS: list[str] = [
    i for p in load_catalogue().page for c in p.chart if c.kind == "dimensions" for i in c.indicators
]
