"""招生 Enrollment: plan vs admitted vs registered by channel, registration rates, intake mix."""

from __future__ import annotations

import streamlit as st

from dashboard import frames, store
from dashboard.state import current
from dashboard.ui import kpi_row, page_pack, render_items, show_error
from metrics.errors import MetricsError
from viz.i18n import t

f = current()
st.title(t("enrollment_title", f.lang))
kpi_row(
    store.observations(f.report_id),
    store.indicators(),
    ["enroll_plan", "enroll_admitted", "enroll_registered", "enroll_registration_rate"],
    subject="合计",
    lang=f.lang,
)
try:
    items = frames.section_items("enrollment", f)
except MetricsError as exc:
    show_error(exc, f.lang)
render_items(items, f.lang)
page_pack("enrollment", items, f)
