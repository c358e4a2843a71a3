"""The slides of presentation mode: which exist for a view, and how one is drawn on a projected screen.

Belongs here: the deck's slides beyond the domain pages' charts — the overview's headline cards
(``overview:kpis``) and the chosen plan's targets (``targets:plan``) — and drawing any slide: the
one-line takeaway written from the data (:mod:`viz.sentences`; 显著 only where
:mod:`metrics.significance` says so), the chart filling the screen's height with projector type and
no toolbar, every category labelled (:func:`viz.deck.slide_figures`: top N + 其他, or a chart split
over slides ``page:key``, ``page:key~2``), the cards filling the screen (``dashboard/assets/present.css``),
its source line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from dashboard import frames, store
from dashboard.components import kpi_card
from dashboard.state import Filters
from viz.cards import card_text, headline_cards
from viz.catalogue import HEADLINE_INDICATORS, SECTIONS
from viz.deck import slide_figures, slide_id
from viz.exports import Provenance
from viz.frames import plan_tables
from viz.i18n import STATUS_NAMES, benchmark_name, status_name, t
from viz.markup import plain
from viz.names import plan_title
from viz.sections import ChartItem, plan_provenance, report_label
from viz.sentences import headline, takeaway
from viz.target_charts import target_progress

#: The pages a deck can take slides from, in menu order: the overview (its cards), the domain pages, the plan.
DECK_PAGES = ("overview", *SECTIONS, "targets")


@dataclass(frozen=True)
class KpiSlide:
    """The overview's headline cards as one slide."""

    title: str
    provenance: Provenance
    key: str = "kpis"


def _plan_item(f: Filters) -> ChartItem | None:
    """The chosen plan's measurable targets as progress bars (None without a plan or a measured target)."""
    if not f.plan_id:
        return None
    plans = store.plans()
    plan = plans[plans["plan_id"] == f.plan_id]
    if plan.empty:
        return None
    attainment = frames.attainment(f.plan_id, f.school, f.year)
    measured = attainment[attainment["current_value"].notna()]
    if measured.empty:
        return None
    title = plan_title(f.plan_id, str(plan["title"].iloc[0]), f.lang)
    names = frames.context(f).names
    figure = target_progress(measured, title=title, subtitle=f"{f.school} · {f.year}", names=names, lang=f.lang)
    provenance = plan_provenance(title, plan_tables(plan.iloc[0]), f.school, f.year, f.benchmark, f.lang)
    return ChartItem("plan", title, figure, measured, provenance, "full")


def slides(pages: list[str], f: Filters) -> dict[str, tuple[str, object]]:
    """``page:key`` → (page, slide) for the pages asked: charts with data, the KPI slide, the plan's slide."""
    out: dict[str, tuple[str, object]] = {}
    for page in pages:
        if page == "overview":
            source = Provenance(report_label(f.school, f.year, f.lang), (), f.describe())
            out[slide_id(page, "kpis")] = (page, KpiSlide(t("headline", f.lang), source))
        elif page == "targets":
            item = _plan_item(f)
            if item is not None:
                out.update(_fitted(page, item, f))
        elif page in SECTIONS:
            for item in frames.section_items(page, f):
                if not item.data.empty:
                    out.update(_fitted(page, item, f))
    return out


@st.cache_resource(max_entries=256, show_spinner=False)
def _slide_figures(_figure: object, key: tuple, /) -> list:
    """:func:`viz.deck.slide_figures` of a chart, once per chart and view: every slide change lists the deck.

    ``key`` names the chart (data version, page, chart, title, the filters, language); the figure
    itself is not hashed. Callers must not change the figures.
    """
    return slide_figures(_figure, key[-1])


def _fitted(page: str, item: ChartItem, f: Filters) -> dict[str, tuple[str, ChartItem]]:
    """The chart's slide, its figure fitted to a projected screen (:func:`viz.deck.slide_figures`); a chart
    split over slides gives ``page:key``, ``page:key~2`` …, each titled with its part (「（1/2）」)."""
    view = (f.report_id, f.school, f.year, f.benchmark, f.plan_id)
    figures = _slide_figures(item.figure, (store.version(), page, item.key, item.title, view, f.lang))
    out = {}
    for number, figure in enumerate(figures, start=1):
        part = t("slide_part", f.lang, part=number, parts=len(figures))
        title = item.title if len(figures) == 1 else item.title + part
        key = slide_id(page, item.key if number == 1 else f"{item.key}~{number}")
        out[key] = (page, replace(item, figure=figure, title=title))
    return out


def kpi_line(cards: pd.DataFrame, benchmark: str, lang: str) -> str:
    """``可与全省高职比较的 5 项核心指标中 5 项优于全省高职；有规划目标的 7 项中已达成 5 项。`` (the cards' numbers)."""
    compared = cards[cards["difference"].notna()]
    better = int(compared["is_favourable"].fillna(False).astype(bool).sum())
    targeted = cards[cards["status"].notna()]
    met = int((targeted["status"] == "met").sum())
    name = benchmark_name(benchmark, lang)
    values = {"name": name, "compared": len(compared), "better": better, "targeted": len(targeted), "met": met}
    return t("kpi_line_targets" if len(targeted) else "kpi_line", lang, **values)


def plan_line(item: ChartItem, lang: str) -> str:
    """``19 项可衡量目标有数据：已达成 6，推进中 7。`` (counts of the plan slide's statuses)."""
    counts = item.data["status"].value_counts()
    parts = [f"{status_name(s, lang)} {int(counts[s])}" for s in STATUS_NAMES if s in counts.index]
    return t("plan_line", lang, n=len(item.data), counts=("，" if lang == "zh" else ", ").join(parts))


def slide_line(item: object, f: Filters) -> str:
    """The slide's one line, written from its data."""
    if isinstance(item, KpiSlide):
        return kpi_line(_cards(f), f.benchmark, f.lang)
    if item.key == "plan" and "status" in item.data.columns:
        return plan_line(item, f.lang)
    ctx = frames.context(f)
    if len(item.indicators) == 1:
        line = headline(ctx.comparison, item.indicators[0], ctx.names, ctx.benchmark, ctx.lang, ctx.gaps)
        if line:
            return line
    return takeaway(item.data, item.indicators, ctx.comparison, ctx.names, ctx.benchmark, ctx.lang)


def _cards(f: Filters) -> pd.DataFrame:
    attainment = frames.attainment(f.plan_id, f.school, f.year) if f.plan_id else None
    comparison = frames.comparison(f.report_id, f.school)
    gaps = frames.gaps(f.report_id, f.school)
    observations = store.observations(f.report_id)
    return headline_cards(comparison, observations, attainment, HEADLINE_INDICATORS, f.benchmark, gaps)


def draw_slide(item: object, f: Filters) -> None:
    """One slide: its line, then the chart filling the screen (or the headline cards), then its source."""
    lang = f.lang
    with st.container(key="present_takeaway"):
        st.markdown(plain(slide_line(item, f)))
    if isinstance(item, KpiSlide):
        registry = store.indicators().set_index("indicator_id")
        with st.container(horizontal=True, key="present_kpis"):
            for card in _cards(f).to_dict("records"):
                meta = registry.loc[card["indicator_id"]]
                text = card_text(card, meta["name_zh" if lang == "zh" else "name_en"], meta["unit"], f.benchmark, lang)
                kpi_card(
                    text,
                    help_text="",
                    key=f"slide_{card['indicator_id']}",
                    delta_color="inverse" if meta["direction"] == "lower" else "normal",
                )
    else:
        with st.container(key="present_box", height=860, border=False):  # its height follows the screen: present.css
            st.plotly_chart(
                item.figure,  # fitted to the screen by slides()
                theme=None,
                # the chart's size on the canvas, scaled with the whole slide on a smaller screen (present.css)
                width=int(item.figure.layout.width),
                height=int(item.figure.layout.height),
                key="present_chart",
                config={"displayModeBar": False, "displaylogo": False},
            )
    with st.container(key="present_source"):
        st.caption(plain(item.provenance.caption(lang)))
