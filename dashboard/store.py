"""The app's read access to the DuckDB store: one connection per process, a cursor per query."""

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


@st.cache_data(show_spinner=False, ttl=60)
def reports() -> pd.DataFrame:
    """The loaded reports."""
    return store.read_reports(cursor())


@st.cache_data(show_spinner=False, ttl=60)
def observations(report_id: str | None = None) -> pd.DataFrame:
    """Observations (all reports, or one)."""
    return store.read_observations(cursor(), report_id)
