"""Entry point, a picture frame around the pages: page config, shared filters, navigation."""

from __future__ import annotations

import streamlit as st

from dashboard import store
from dashboard.state import sidebar_filters
from dashboard.ui import print_styles
from viz.i18n import t

st.set_page_config(
    page_title="高职质量年报对标 · Quality report benchmarks",
    page_icon=":material/insights:",
    layout="wide",
)
print_styles()

reports = store.reports()
lang = st.session_state.get("f_lang", st.query_params.get("lang", "zh"))
if reports.empty:
    st.info(t("no_reports", lang if lang in ("zh", "en") else "zh"))
    st.stop()

filters = sidebar_filters(reports, store.plans())
st.session_state["_filters"] = filters
lang = filters.lang


def page(path: str, key: str, icon: str, default: bool = False) -> st.Page:
    """A page whose navigation title follows the language."""
    return st.Page(path, title=t(key, lang), icon=icon, default=default, url_path=key.removeprefix("page_"))


navigation = st.navigation(
    {
        t("section_overview", lang): [
            page("pages/overview.py", "page_overview", ":material/dashboard:", default=True),
        ],
        t("section_domains", lang): [
            page("pages/outcomes.py", "page_outcomes", ":material/work:"),
            page("pages/enrollment.py", "page_enrollment", ":material/how_to_reg:"),
            page("pages/faculty.py", "page_faculty", ":material/school:"),
            page("pages/research.py", "page_research", ":material/science:"),
        ],
        t("section_plans", lang): [
            page("pages/targets.py", "page_targets", ":material/flag:"),
            page("pages/compare.py", "page_compare", ":material/compare_arrows:"),
            page("pages/present.py", "page_present", ":material/slideshow:"),
        ],
        t("section_data", lang): [
            page("pages/data.py", "page_data", ":material/database:"),
        ],
    }
)
navigation.run()
