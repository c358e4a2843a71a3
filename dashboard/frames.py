"""Cached answers the pages ask for: frames from the store passed through :mod:`metrics`.

Each function reads through :mod:`dashboard.store` and calls one metrics function, so pages,
exports and the CLI show the same numbers; ``st.cache_data`` (keyed by the data version, see
:func:`dashboard.store.version`) keeps repeated views fast. Only the chosen school's rows are read.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import store
from dashboard.state import Filters
from metrics.audit import audit_report
from metrics.compare import compare_to_benchmark
from metrics.targets import compute_attainment
from viz.sections import Context


def comparison(report_id: str, school: str) -> pd.DataFrame:
    """School vs 全省/本科/高职 for every indicator of one report."""
    return _comparison(store.version(), report_id, school)


@st.cache_data(show_spinner=False, max_entries=256)
def _comparison(data: str, report_id: str, school: str) -> pd.DataFrame:
    return compare_to_benchmark(store.observations(report_id), store.indicators(), school=school)


def attainment(plan_id: str, school: str) -> pd.DataFrame:
    """Attainment of every target of a plan by a school, on all of that school's reports."""
    return _attainment(store.version(), plan_id, school)


@st.cache_data(show_spinner=False, max_entries=128)
def _attainment(data: str, plan_id: str, school: str) -> pd.DataFrame:
    return compute_attainment(
        store.targets(plan_id),
        store.school_observations([school]),
        store.indicators(),
        plan_id=plan_id,
        plans=store.plans(),
        school=school,
    )


def audit(report_id: str) -> pd.DataFrame:
    """The check-up (体检) findings of one report, using its stored text."""
    return _audit(store.version(), report_id)


@st.cache_data(show_spinner=False, max_entries=128)
def _audit(data: str, report_id: str) -> pd.DataFrame:
    return audit_report(
        store.observations(report_id),
        store.indicators(),
        store.report_lines(report_id) or None,
        report_id=report_id,
    )


def context(filters: Filters) -> Context:
    """The frames a page's charts are built from (see :mod:`viz.sections`); reads only the school's rows."""
    history = store.school_observations([filters.school])
    return Context(
        school=filters.school,
        year=filters.year,
        lang=filters.lang,
        benchmark=filters.benchmark,
        filters=filters.describe(),
        source=report_label(filters.school, filters.year, filters.lang),
        observations=store.observations(filters.report_id),
        registry=store.indicators(),
        comparison=comparison(filters.report_id, filters.school),
        history=history,
    )


def section_items(page: str, filters: Filters) -> list:
    """The charts of a domain page (:data:`viz.sections.SECTIONS`), built once per data version and filters.

    Building a page's Plotly figures costs far more than reading its rows (each figure copies the
    shared template: ~25 ms a figure, 13 on the outcomes page), so the built
    :class:`viz.sections.ChartItem` s are kept (``st.cache_resource``: shared, not copied; callers
    must not change them). A page calls ``render_items(frames.section_items("outcomes", f), f.lang)``.

    Args:
        page: A key of :data:`viz.sections.SECTIONS` (``outcomes``, ``enrollment``, ``faculty``, ``research``).
        filters: The active filters.

    Returns:
        The page's chart items.

    Raises:
        MetricsError: From the metrics behind a chart (not cached).
    """
    return _section_items(store.version(), page, filters)


@st.cache_resource(show_spinner=False, max_entries=256)
def _section_items(data: str, page: str, filters: Filters) -> list:
    from viz.sections import SECTIONS

    return SECTIONS[page](context(filters))


def report_label(school: str, year: int, lang: str) -> str:
    """How a report is named in captions."""
    return f"{school} {year} 年质量年度报告" if lang == "zh" else f"{school} quality report {year}"
