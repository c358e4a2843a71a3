"""Cached answers the pages ask for: frames from the store passed through :mod:`metrics`.

Each function reads through :mod:`dashboard.store` and calls one metrics function, so pages,
exports and the CLI show the same numbers; ``st.cache_data`` keeps repeated views fast.
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


@st.cache_data(show_spinner=False)
def comparison(report_id: str, school: str) -> pd.DataFrame:
    """School vs 全省/本科/高职 for every indicator of one report."""
    return compare_to_benchmark(store.observations(report_id), store.indicators(), school=school)


@st.cache_data(show_spinner=False)
def attainment(plan_id: str, school: str) -> pd.DataFrame:
    """Attainment of every target of a plan by a school, on all of that school's reports."""
    observations = store.observations()
    observations = observations[observations["school"] == school]
    return compute_attainment(
        store.targets(plan_id),
        observations,
        store.indicators(),
        plan_id=plan_id,
        plans=store.plans(),
        school=school,
    )


@st.cache_data(show_spinner=False)
def audit(report_id: str) -> pd.DataFrame:
    """The check-up (体检) findings of one report, using its stored text."""
    return audit_report(
        store.observations(report_id),
        store.indicators(),
        store.report_lines(report_id) or None,
        report_id=report_id,
    )


def context(filters: Filters) -> Context:
    """The frames a page's charts are built from (see :mod:`viz.sections`)."""
    history = store.observations()
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
        history=history[history["school"] == filters.school],
    )


def report_label(school: str, year: int, lang: str) -> str:
    """How a report is named in captions."""
    return f"{school} {year} 年质量年度报告" if lang == "zh" else f"{school} quality report {year}"
