"""就业与收入 Graduate outcomes: 本校 vs 全省/本科/高职, one and three years after graduation."""

from __future__ import annotations

import streamlit as st

from dashboard import frames
from dashboard.state import current
from dashboard.ui import page_pack, render_items, show_error
from metrics.errors import MetricsError
from viz.i18n import t

f = current()
st.title(t("outcomes_title", f.lang))
st.caption(t("outcomes_intro", f.lang))
try:
    items = frames.section_items("outcomes", f)
except MetricsError as exc:
    show_error(exc, f.lang)
render_items(items, f.lang)
page_pack("outcomes", items, f)
