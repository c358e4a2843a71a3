"""Cached answers the pages ask for: frames from the store passed through :mod:`metrics`.

Each function asks :mod:`metrics.queries` with :mod:`dashboard.store` as its reader — the same
question the command-line tools ask with a :class:`loaders.store.queries.StoreReader` — so pages,
exports and the CLI show the same numbers; ``st.cache_data`` (keyed by the data version, see
:func:`dashboard.store.version`) keeps repeated views fast. Only the chosen school's rows are read.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import store
from dashboard.state import Filters
from loaders.contracts.minimums import national_minimums
from loaders.contracts.registry import checkup_rules, sample_sizes
from metrics import queries
from viz.catalogue import SECTIONS, first_row, page_charts
from viz.schools import CompareView, build_compare_view
from viz.sections import Context, build_context, survey_gaps


def comparison(report_id: str, school: str) -> pd.DataFrame:
    """School vs 全省/本科/高职 for every indicator of one report."""
    return _comparison(store.version(), report_id, school)


@st.cache_data(show_spinner=False, max_entries=256)
def _comparison(data: str, report_id: str, school: str) -> pd.DataFrame:
    return queries.comparison(store, report_id, school)


def schools_comparison(
    indicator_id: str, schools: tuple[str, ...], year: int | None, subject: str
) -> queries.SchoolComparison:
    """Several schools on one indicator, aligned, ranked and against their own benchmarks (the 对比 page)."""
    return _schools_comparison(store.version(), indicator_id, tuple(schools), year, subject)


@st.cache_data(show_spinner=False, max_entries=128)
def _schools_comparison(
    data: str, indicator_id: str, schools: tuple[str, ...], year: int | None, subject: str
) -> queries.SchoolComparison:
    sizes = sample_sizes()
    return queries.compare_schools(store, indicator_id, schools, year=year, subject=subject, sample_sizes=sizes)


def aligned_schools(indicator_id: str, schools: tuple[str, ...]) -> pd.DataFrame:
    """Each school's figure of one indicator from its latest report, aligned (for the peers on domain pages)."""
    return _aligned_schools(store.version(), indicator_id, tuple(schools))


@st.cache_data(show_spinner=False, max_entries=256)
def _aligned_schools(data: str, indicator_id: str, schools: tuple[str, ...]) -> pd.DataFrame:
    return queries.align(store, indicator_id, schools)


def compare_view(
    indicator_id: str, schools: tuple[str, ...], year: int | None, subject: str, years_after: int | None, f: Filters
) -> CompareView:
    """The 对比 page's chart, table, notes and trend (:func:`viz.schools.build_compare_view`), built once per view.

    Kept with ``st.cache_resource`` (shared by every session, not copied; callers must not change it):
    thirty schools' bars and lines cost more to build than their rows cost to read.
    """
    return _compare_view(store.version(), indicator_id, tuple(schools), year, subject, years_after, _view(f))


@st.cache_resource(show_spinner=False, max_entries=256)
def _compare_view(
    data: str, indicator_id: str, schools: tuple[str, ...], year: int | None, subject: str, years_after: int | None,
    f: Filters,
) -> CompareView:  # fmt: skip
    result = schools_comparison(indicator_id, schools, year, subject)
    registry = store.indicators()
    row = registry[registry["indicator_id"] == indicator_id].iloc[0]
    return build_compare_view(
        result.aligned, result.benchmarks, result.trend, name=str(row["name_zh" if f.lang == "zh" else "name_en"]),
        unit=str(row["unit"]), year=year, years_after=years_after, lang=f.lang, benchmark=f.benchmark,
        filters=f.describe(),
    )  # fmt: skip


def attainment(plan_id: str, school: str, year: int | None = None) -> pd.DataFrame:
    """Attainment of every target of a plan by a school, on all of that school's reports; planners'
    entries count only in the view of the report of the year they describe (``year``: the viewed report's)."""
    return _attainment(store.version(), plan_id, school, year)


@st.cache_data(show_spinner=False, max_entries=128)
def _attainment(data: str, plan_id: str, school: str, year: int | None) -> pd.DataFrame:
    return queries.attainment(store, plan_id, school, view_year=year)


def minimums(report_id: str, school: str) -> tuple[pd.DataFrame, str]:
    """The report's figures against the national minimum standards, and the school type held to."""
    return _minimums(store.version(), report_id, school)


@st.cache_data(show_spinner=False, max_entries=64)
def _minimums(data: str, report_id: str, school: str) -> tuple[pd.DataFrame, str]:
    return queries.minimums(store, report_id, school, national_minimums())


def gaps(report_id: str, school: str) -> pd.DataFrame:
    """The 95 % interval of each survey rate of a report and whether its gaps to the benchmarks are significant."""
    return _gaps(store.version(), report_id, school)


@st.cache_data(show_spinner=False, max_entries=256)
def _gaps(data: str, report_id: str, school: str) -> pd.DataFrame:
    return survey_gaps(comparison(report_id, school), store.observations(report_id))


def audit(report_id: str) -> pd.DataFrame:
    """The check-up (体检) findings of one report, using its stored text."""
    return _audit(store.version(), report_id)


@st.cache_data(show_spinner=False, max_entries=128)
def _audit(data: str, report_id: str) -> pd.DataFrame:
    return queries.checkup(store, report_id, checkup_rules())


def context(filters: Filters) -> Context:
    """The frames a page's charts are built from (see :mod:`viz.sections`); reads only the school's rows."""
    return build_context(
        school=filters.school,
        year=filters.year,
        lang=filters.lang,
        benchmark=filters.benchmark,
        observations=store.observations(filters.report_id),
        registry=store.indicators(),
        comparison=comparison(filters.report_id, filters.school),
        history=lambda: store.school_observations([filters.school]),  # read when a chart needs them
        gaps=gaps(filters.report_id, filters.school),
        minimums=lambda: minimums(filters.report_id, filters.school),
        contradictions=lambda: audit(filters.report_id),  # a chart of a table that contradicts itself: a note
    )


def section_items(page: str, filters: Filters) -> list:
    """The charts of a domain page (:data:`viz.catalogue.SECTIONS`), built once per data version and view.

    Building Plotly figures costs far more than reading their rows (13 figures on the outcomes
    page), so the built :class:`viz.sections.ChartItem` s are kept (``st.cache_resource``: shared
    by every session, not copied; callers must not change them). The key holds only what the
    charts depend on (report, benchmark, language), so changing the plan or the peers reuses them.

    Args:
        page: A key of :data:`viz.catalogue.SECTIONS` (``outcomes``, ``enrollment``, ``faculty``, ``research``).
        filters: The active filters.

    Returns:
        The page's chart items.

    Raises:
        MetricsError: From the metrics behind a chart (not cached).
    """
    return first_section_items(page, filters) + rest_section_items(page, filters)


def _view(filters: Filters) -> Filters:
    """The filters the charts depend on (not the plan, not the peers)."""
    return Filters(filters.school, filters.year, filters.report_id, filters.benchmark, "", filters.lang)


def first_section_items(page: str, filters: Filters) -> list:
    """The charts of a domain page's first row (:func:`viz.catalogue.first_row`): what a page draws first."""
    return _section_items(store.version(), page, _view(filters), 0, first_row(page))


def rest_section_items(page: str, filters: Filters) -> list:
    """The charts of a domain page after its first row (drawn once the first row is on screen)."""
    return _section_items(store.version(), page, _view(filters), first_row(page), None)


def all_section_items(filters: Filters) -> dict[str, list]:
    """Every domain page's charts (:func:`section_items`), in :data:`viz.catalogue.SECTIONS` order."""
    return {page: section_items(page, filters) for page in SECTIONS}


@st.cache_resource(show_spinner=False, max_entries=512)
def _section_items(data: str, page: str, view: Filters, start: int, stop: int | None) -> list:
    return page_charts(page, context(view), start, stop)
