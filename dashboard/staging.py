"""A page in two steps: its first row of charts on screen, then the rest of the page.

A browser mounting a dozen Plotly charts in one go draws none of them until it has mounted all
(about a second more on the machines this runs on), and a server building a page's every chart
and its plan targets for ten new viewers at once makes each wait for the others. A domain page
sends its first row; a small browser-side component (``assets/first_paint.js``, Streamlit's
``st.components.v2``) says when that row is on screen; its answer reruns the page, which then
builds and sends the rest. Until then a line says that more charts follow, with a button that
shows them at once (for a browser whose scripts do not run). Once shown in a session, a page is
drawn in one step.
"""

from __future__ import annotations

import streamlit as st

from dashboard.static import asset
from viz.i18n import t

_FIRST_PAINT = st.components.v2.component("first_paint", js=asset("first_paint.js"))


def _show_now(flag: str) -> None:
    st.session_state[flag] = True


def rest_now(page_id: str, later: int, lang: str) -> bool:
    """Whether the rest of the page is drawn in this run; call right after drawing the first row.

    Args:
        page_id: The page (one flag per page and session).
        later: How many charts the rest holds (0: nothing waits, the rest is drawn now).
        lang: Interface language.

    Returns:
        True when the browser has shown the first row (or the planner asked, or it was shown before
        in this session); otherwise False, after saying that more charts follow.
    """
    flag = f"_rest_shown_{page_id}"
    if later <= 0:
        return True
    if not st.session_state.get(flag):
        painted = _FIRST_PAINT(key=f"first_paint_{page_id}", on_painted_change=lambda: None)
        if getattr(painted, "painted", None):
            st.session_state[flag] = True
    if st.session_state.get(flag):
        return True
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(t("more_charts_follow", lang, n=later))
        st.button(t("show_them_now", lang), key=f"show_rest_{page_id}", on_click=_show_now, args=(flag,))
    return False
