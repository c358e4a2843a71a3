"""The app's read access to the DuckDB store: one connection per process, a cursor per query.

Reads are cached with ``st.cache_data``; the cache is cleared when a planner loads data.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from loaders import store
from loaders.paths import default_db_path


@st.cache_resource(show_spinner=False)
def _connection(db_path: str) -> duckdb.DuckDBPyConnection:
    if not Path(db_path).exists():
        store.rebuild(db_path)
    return store.connect(db_path)


def cursor() -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the process-wide connection (safe to use from this session's thread)."""
    return _connection(str(default_db_path())).cursor()


@st.cache_data(show_spinner=False)
def reports() -> pd.DataFrame:
    """The loaded reports."""
    return store.read_reports(cursor())


@st.cache_data(show_spinner=False)
def observations(report_id: str | None = None) -> pd.DataFrame:
    """Observations (all reports, or one) with school, year and indicator names."""
    return store.read_observations(cursor(), report_id)


@st.cache_data(show_spinner=False)
def indicators() -> pd.DataFrame:
    """The indicator registry."""
    return store.read_indicators(cursor())


@st.cache_data(show_spinner=False)
def plans() -> pd.DataFrame:
    """The loaded plans."""
    return store.read_plans(cursor())


@st.cache_data(show_spinner=False)
def targets(plan_id: str | None = None) -> pd.DataFrame:
    """Plan targets (all, or one plan's)."""
    return store.read_targets(cursor(), plan_id)


def clear() -> None:
    """Forget cached reads (after new data was loaded)."""
    st.cache_data.clear()


@st.cache_data(show_spinner=False)
def report_lines(report_id: str) -> list[str]:
    """The report's text (for the check-up and provenance)."""
    return store.read_report_lines(cursor(), report_id)
