"""Where each school is, for the plan selector: ``data/schools.csv`` read once per process."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders.contracts.schools import read_schools


@st.cache_data(show_spinner=False)
def school_places() -> pd.DataFrame:
    """The schools' cities and provinces (which city and provincial plans apply to a school)."""
    return read_schools()
