"""科研与社会服务 Research & service: income by kind, patents, training volume and income."""

from __future__ import annotations

import streamlit as st

from dashboard import frames, store
from dashboard.state import current
from dashboard.ui import kpi_row, page_pack, render_items, show_error, target_bullets
from metrics.errors import MetricsError
from viz.i18n import t

f = current()
st.title(t("research_title", f.lang))
registry = store.indicators()
kpi_row(
    store.observations(f.report_id),
    registry,
    ["research_income_total", "tech_service_income", "nondegree_training_income", "invention_patents_granted"],
    subject="本校",
    lang=f.lang,
)
try:
    items = frames.section_items("research", f)
    render_items(items, f.lang)
    st.info(t("top_projects_missing", f.lang), icon=":material/info:")
    if f.plan_id:
        st.header(t("against_targets", f.lang))
        attainment = frames.attainment(f.plan_id, f.school)
        domain = set(registry.loc[registry["domain"] == "research_service", "indicator_id"])
        target_bullets(attainment[attainment["indicator_id"].isin(domain)], lang=f.lang, key="research")
except MetricsError as exc:
    show_error(exc, f.lang)
page_pack("research", items, f)
