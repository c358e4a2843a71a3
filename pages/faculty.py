"""师资 Faculty: structure by title and degree, 双师 share, 生师比, training, against targets."""

from __future__ import annotations

import streamlit as st

from dashboard import frames, store
from dashboard.state import current
from dashboard.ui import kpi_row, page_pack, render_items, show_error, target_bullets
from metrics.errors import MetricsError
from viz.i18n import t

f = current()
st.title(t("faculty_title", f.lang))
registry = store.indicators()
kpi_row(
    store.observations(f.report_id),
    registry,
    ["fulltime_teachers", "student_teacher_ratio", "dual_qualified_ratio", "senior_title_ratio"],
    subject="本校",
    lang=f.lang,
)
try:
    items = frames.section_items("faculty", f)
    render_items(items, f.lang)
    # 国家基本办学条件 (教发〔2004〕2号): a third benchmark beside the province and the plan (viz/minimums.py)
    minimum_charts = frames.minimum_items(f)
    render_items(minimum_charts, f.lang)
    items = [*items, *minimum_charts]
    if f.plan_id:
        st.header(t("against_targets", f.lang))
        attainment = frames.attainment(f.plan_id, f.school)
        domain = set(registry.loc[registry["domain"] == "faculty", "indicator_id"])
        target_bullets(attainment[attainment["indicator_id"].isin(domain)], lang=f.lang, key="faculty")
except MetricsError as exc:
    show_error(exc, f.lang)
page_pack("faculty", items, f)
