"""The charts of a page in two steps: the first row on screen, then the rest.

A browser mounting a dozen Plotly charts in one go draws none of them until it has mounted all
(about a second more on the machines this runs on). The page sends its first row, and a small
browser-side component (``assets/first_paint.js``, Streamlit's ``st.components.v2``) says when
that row is on screen; its answer reruns the page, which then sends the rest. Until then a line
says how many charts follow, with a button that shows them at once (for a browser whose scripts
do not run). Once shown in a session, a page's charts are shown in one step.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.static import asset
from viz.i18n import t

_FIRST_PAINT = st.components.v2.component("first_paint", js=asset("first_paint.js"))


def _show_now(flag: str) -> None:
    st.session_state[flag] = True


def in_two_steps(
    page_id: str, first: list, build_rest: Callable[[], list], draw: Callable[[list], None], lang: str
) -> list:
    """Draw ``first``, then the rest once the browser shows the first (or at once when already shown).

    Args:
        page_id: The page (one flag per page and session).
        first: The first row's items.
        build_rest: Builds the other items (called after the first row is sent).
        draw: Draws a list of items (:func:`dashboard.components.render_items`).
        lang: Interface language.

    Returns:
        The other items (drawn or still to come: the page's downloads hold every chart).
    """
    draw(first)
    rest = build_rest()
    if not rest:
        return rest
    flag = f"_rest_shown_{page_id}"
    if not first:
        st.session_state[flag] = True
    if not st.session_state.get(flag):
        painted = _FIRST_PAINT(key=f"first_paint_{page_id}", on_painted_change=lambda: None)
        if getattr(painted, "painted", None):
            st.session_state[flag] = True
    if st.session_state.get(flag):
        draw(rest)
        return rest
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(t("more_charts_follow", lang, n=len(rest)))
        st.button(t("show_them_now", lang), key=f"show_rest_{page_id}", on_click=_show_now, args=(flag,))
    return rest
