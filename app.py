"""Entry point: page config, the shared store connection and navigation (a picture frame)."""

from __future__ import annotations

import streamlit as st

st.set_page_config(
    page_title="高职质量年报对标 · Quality report benchmarks", page_icon=":material/insights:", layout="wide"
)

navigation = st.navigation(
    {
        "数据 Data": [
            st.Page("pages/data.py", title="已载入数据 Loaded data", icon=":material/database:", default=True),
        ],
    }
)
navigation.run()
