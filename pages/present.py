"""演示 Present: a chosen deck of charts, one at a time, full width and large, for meetings.

The deck (``deck=page:key,…``), the slide (``slide=3``) and whether it is being shown
(``present=1``) live in the URL, so a copied link reopens the same deck at the same slide.
"""

from __future__ import annotations

import streamlit as st

from dashboard.components import show_error
from dashboard.slides import DECK_PAGES, draw_slide, slides
from dashboard.state import current
from dashboard.static import arrow_keys, hide_chrome, slide_canvas
from dashboard.widgets import choice_texts
from metrics.errors import MetricsError
from viz.deck import format_deck, parse_deck, parse_slide
from viz.i18n import t

DECK, PAGES, SLIDE, SHOWING = "_present_deck", "_present_pages", "_present_slide", "_presenting"

f = current()
lang = f.lang
ss = st.session_state


def charts(pages: list[str]) -> dict[str, tuple[str, object]]:
    """``page:key`` → (page, slide) for the pages asked (see :func:`dashboard.slides.slides`)."""
    try:
        return slides(pages, f)
    except MetricsError as exc:
        show_error(exc, lang)


if "_present_seeded" not in ss:  # a session's first visit: the URL (a shared link) decides
    ss["_present_seeded"] = True
    wanted = [part.split(":", 1)[0] for part in st.query_params.get("deck", "").split(",")]
    pages = [page for page in dict.fromkeys(wanted) if page in DECK_PAGES] or ["outcomes"]
    available = charts(pages)
    ss[PAGES] = ss["_present_deck_pages"] = pages
    ss[DECK] = parse_deck(st.query_params.get("deck"), available) or list(available)
    ss[SLIDE] = parse_slide(st.query_params.get("slide"), len(ss[DECK]))
    ss[SHOWING] = st.query_params.get("present") == "1" and bool(ss[DECK])


def _copy(widget: str, target: str) -> None:
    ss[target] = ss[widget]


def _move(step: int) -> None:
    ss[SLIDE] = ss[SLIDE] + step


def _show(showing: bool) -> None:
    ss[SHOWING] = showing
    if showing:
        ss[SLIDE] = 1


if not ss[SHOWING]:
    st.title(t("present_title", lang))
    st.caption(t("present_intro", lang))
    ss["present_pages"] = ss[PAGES]
    pages = st.multiselect(
        t("present_pages", lang),
        list(DECK_PAGES),
        format_func=lambda page: t(f"page_{page}", lang),
        key="present_pages",
        on_change=_copy,
        args=("present_pages", PAGES),
        **choice_texts(DECK_PAGES, lang, many=True),
    )
    available = charts(pages)
    before = ss.get("_present_deck_pages", pages)
    added = [slide for slide in available if slide.split(":", 1)[0] not in before]  # a new page joins whole
    ss[DECK] = [slide for slide in ss[DECK] if slide in available] + added
    ss["_present_deck_pages"] = pages
    ss["present_deck"] = ss[DECK]
    st.multiselect(
        t("present_deck", lang),
        list(available),
        format_func=lambda slide: f"{t('page_' + available[slide][0], lang)} · {available[slide][1].title}",
        key="present_deck",
        on_change=_copy,
        args=("present_deck", DECK),
        **choice_texts(available, lang, many=True),
    )
    if not ss[DECK]:
        st.info(t("present_empty", lang))
    st.button(
        t("present_start", lang),
        key="present_start",
        type="primary",
        icon=":material/slideshow:",
        disabled=not ss[DECK],
        on_click=_show,
        args=(True,),
    )
    st.query_params["deck"] = format_deck(ss[DECK])
    for name in ("slide", "present"):
        st.query_params.pop(name, None)
else:
    hide_chrome()
    slide_canvas()
    arrow_keys()
    available = charts(list(dict.fromkeys(slide.split(":", 1)[0] for slide in ss[DECK])))
    deck = [slide for slide in ss[DECK] if slide in available]
    if not deck:
        st.info(t("present_empty", lang))
        st.button(t("present_exit", lang), key="present_exit", on_click=_show, args=(False,))
        st.stop()
    ss[SLIDE] = number = parse_slide(ss[SLIDE], len(deck))
    page, item = available[deck[number - 1]]
    draw_slide(item, f)
    with st.container(horizontal=True, vertical_alignment="center", horizontal_alignment="center", key="present_nav"):
        st.button(
            t("present_prev", lang),
            key="present_prev",
            icon=":material/arrow_back:",
            disabled=number <= 1,
            on_click=_move,
            args=(-1,),
        )
        with st.container(key="present_counter", width="content"):
            st.markdown(f"{number} / {len(deck)}")
        st.button(
            t("present_next", lang),
            key="present_next",
            icon=":material/arrow_forward:",
            icon_position="right",
            disabled=number >= len(deck),
            on_click=_move,
            args=(1,),
        )
        st.button(t("present_exit", lang), key="present_exit", icon=":material/close:", on_click=_show, args=(False,))
    st.query_params["deck"] = format_deck(deck)
    st.query_params["slide"] = str(number)
    st.query_params["present"] = "1"
