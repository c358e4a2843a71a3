"""Presentation mode's deck: which charts, in which order, and how big they are drawn.

Belongs here: parsing and writing the deck kept in the URL (``deck=outcomes:employment_rate,…``,
``slide=3``) and enlarging a figure for a projector. No Streamlit: the page
``pages/present.py`` only wires these to widgets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import plotly.graph_objects as go

#: Height in CSS pixels of a chart while presenting (fits a 1080p screen with the controls).
SLIDE_HEIGHT = 700
#: Largest factor fonts are enlarged by while presenting.
MAX_FONT_FACTOR = 1.5


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


def presentation_figure(figure: go.Figure, height: int = SLIDE_HEIGHT) -> go.Figure:
    """A copy of ``figure`` for a projector: ``height`` tall, every font and margin enlarged.

    Fonts grow with the height gained (a 480 px chart drawn 700 px tall gets ~1.46× type), at
    most :data:`MAX_FONT_FACTOR` and never smaller than on the page, so long lists (many bars)
    keep fitting.

    Args:
        figure: The figure as on the page (not modified).
        height: Height of the slide's chart in CSS pixels.

    Returns:
        The enlarged copy.
    """
    spec = figure.to_dict()
    layout = spec.setdefault("layout", {})
    own_height = layout.get("height") or 450
    factor = min(max(height / own_height, 1.0), MAX_FONT_FACTOR)
    _scale_fonts(spec, factor)
    template_margin = layout.get("template", {}).get("layout", {}).get("margin", {})
    margin = {**template_margin, **layout.get("margin", {})}
    layout["margin"] = {side: round(value * factor) for side, value in margin.items() if isinstance(value, int | float)}
    layout["height"] = height
    return go.Figure(spec)


def _scale_fonts(node: object, factor: float) -> None:
    """Multiply every font ``size`` (and ``uniformtext.minsize``) found in a figure dict, in place."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict):
                size = value.get("size")
                if isinstance(size, int | float) and not isinstance(size, bool):
                    value["size"] = round(size * factor, 1)
                elif isinstance(size, list):
                    value["size"] = [round(s * factor, 1) if isinstance(s, int | float) else s for s in size]
            if key == "uniformtext" and isinstance(value, dict) and isinstance(value.get("minsize"), int | float):
                value["minsize"] = round(value["minsize"] * factor, 1)
            _scale_fonts(value, factor)
    elif isinstance(node, list):
        for value in node:
            _scale_fonts(value, factor)
