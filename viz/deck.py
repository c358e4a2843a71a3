"""Presentation mode's deck: which charts, in which order, and how big they are drawn.

Belongs here: parsing and writing the deck kept in the URL (``deck=outcomes:employment_rate,…``,
``slide=3``) and enlarging a figure for a projector. No Streamlit: the page
``pages/present.py`` only wires these to widgets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import plotly.graph_objects as go

#: Type sizes (CSS pixels) of a chart projected from a 1920 × 1080 screen: read from five metres.
SLIDE_FONTS = {
    "base": 26,
    "title": 38,
    "subtitle": 22,
    "tick": 26,
    "axis_title": 26,
    "legend": 24,
    "text": 24,
    "annotation": 22,
}
#: Margins of a slide's chart (the title and subtitle above, the value axis below).
SLIDE_MARGIN = {"l": 30, "r": 40, "t": 150, "b": 90}


def slide_id(page: str, key: str) -> str:
    """The id of one chart in a deck: ``page:key``."""
    return f"{page}:{key}"


def parse_deck(text: str | None, available: Iterable[str]) -> list[str]:
    """The deck in a URL parameter: comma-separated ``page:key`` ids.

    Unknown ids (a chart that no longer exists, a typo) and repeats are dropped, order is kept.

    Args:
        text: The parameter's value (None or empty: no deck).
        available: The ids that exist.

    Returns:
        The ids in deck order.
    """
    if not text:
        return []
    known = set(available)
    return list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip() in known))


def format_deck(deck: Sequence[str]) -> str:
    """The deck as its URL parameter."""
    return ",".join(deck)


def parse_slide(text: str | None, count: int) -> int:
    """The 1-based slide number in a URL parameter, clamped to ``1..count`` (1 when unreadable)."""
    try:
        number = int(str(text))
    except ValueError:
        number = 1
    return min(max(number, 1), max(count, 1))


def presentation_figure(figure: go.Figure) -> go.Figure:
    """A copy of ``figure`` for a projector: projector type, no fixed height, the legend top right.

    The chart takes the height of its slot on the page (``st.plotly_chart(height="stretch")`` in a
    box sized to the screen, see ``dashboard/assets/present.css``), so it fills a 1920 × 1080 screen
    whatever the chart; every text is set to :data:`SLIDE_FONTS` (ticks 26 px). The legend moves from
    under the value axis (placed for the page's height) to the top right, beside the title.

    Args:
        figure: The figure as on the page (not modified).

    Returns:
        The slide's copy.
    """
    spec = figure.to_dict()
    layout = spec.setdefault("layout", {})
    layout.pop("height", None)
    layout["autosize"] = True
    layout["font"] = {**layout.get("font", {}), "size": SLIDE_FONTS["base"]}
    title = layout.setdefault("title", {})
    if isinstance(title, dict):
        title.setdefault("font", {})["size"] = SLIDE_FONTS["title"]
        if isinstance(title.get("subtitle"), dict):
            title["subtitle"].setdefault("font", {})["size"] = SLIDE_FONTS["subtitle"]
    for name in ("xaxis", "yaxis"):
        axis = layout.setdefault(name, {})
        axis.setdefault("tickfont", {})["size"] = SLIDE_FONTS["tick"]
        axis_title = axis.setdefault("title", {})
        if isinstance(axis_title, dict):
            axis_title.setdefault("font", {})["size"] = SLIDE_FONTS["axis_title"]
    layout["legend"] = {
        **layout.get("legend", {}),
        "orientation": "h",
        "x": 1,
        "xanchor": "right",
        "y": 1,
        "yanchor": "top",
        "yref": "container",
        "font": {"size": SLIDE_FONTS["legend"]},
    }
    subtitle_lines = (
        1 + str((title.get("subtitle") or {}).get("text", "")).count("<br>") if isinstance(title, dict) else 1
    )
    layout["margin"] = {**SLIDE_MARGIN, "t": SLIDE_MARGIN["t"] + 26 * (subtitle_lines - 1)}
    layout["uniformtext"] = {"minsize": SLIDE_FONTS["text"] - 4, "mode": "show"}
    for annotation in layout.get("annotations", []):
        annotation.setdefault("font", {})["size"] = SLIDE_FONTS["annotation"]
    for trace in spec.get("data", []):
        for key in ("textfont", "insidetextfont", "outsidetextfont"):
            if key in trace or key == "textfont":
                trace.setdefault(key, {})["size"] = SLIDE_FONTS["text"]
    return go.Figure(spec)
