"""Entry point, a picture frame around the pages: page config, shared filters, navigation."""

from __future__ import annotations

import streamlit as st

from dashboard import store
from dashboard.components import planner_session
from dashboard.navigation import st_pages
from dashboard.state import sidebar_filters
from dashboard.static import print_styles
from dashboard.widgets import uploader_texts
from viz.i18n import both, t

st.set_page_config(
    page_title=" · ".join(both("app_title")),
    page_icon=":material/insights:",
    layout="wide",
)
print_styles()
store.new_run()  # every read of this run sees one data version (see dashboard.store.version)

reports = store.reports()
lang = st.session_state.get("f_lang", st.query_params.get("lang", "zh"))
if reports.empty:
    st.info(t("no_reports", lang if lang in ("zh", "en") else "zh"))
    st.stop()

filters = sidebar_filters(reports, store.plans())
st.session_state["_filters"] = filters
lang = filters.lang
uploader_texts(lang)
planner_session(lang)  # a planner's unlock kept across reloads, and 退出


navigation = st.navigation(st_pages(lang))
navigation.run()
