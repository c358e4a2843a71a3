"""Presentation mode's deck: which charts, in which order, and how big they are drawn.

Belongs here: parsing and writing the deck kept in the URL (``deck=outcomes:employment_rate,…``,
``slide=3``) and enlarging a figure for a projector. No Streamlit: the page
``pages/present.py`` only wires these to widgets.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Sequence

import numpy as np
import plotly.graph_objects as go

from viz.charts import NEUTRAL_COLOUR, UNIT_MARK, format_value, is_additive, unwrap_label, wrap_label
from viz.i18n import t

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
#: A slide's canvas (CSS pixels): a 1920 × 1080 screen. A smaller screen shows the whole slide scaled
#: down (``--slide-zoom``, ``dashboard/assets/slide_zoom.js``), so what fits here fits there.
CANVAS_PX = (1920, 1080)
#: Canvas pixels a slide's chart leaves to the rest: the page's padding, the takeaway line, the source
#: line (two lines at most) and the navigation buttons. ``present.css`` gives the chart's box the rest.
CHROME_PX = 216
#: Canvas pixels across that are not the chart's: the page's padding left and right (2 rem each).
PAGE_PADDING_PX = 64
#: Room left for a scroll bar, should the page show one.
SCROLLBAR_PX = 16
#: Height of a slide's chart on the canvas.
CHART_PX = CANVAS_PX[1] - CHROME_PX
#: A category label's line at the tick size (Plotly sets lines 1.3 em apart) and the space between labels.
LINE_PX = math.ceil(1.3 * SLIDE_FONTS["tick"])
LABEL_GAP_PX = 8
#: Height a bar needs for the value written on it at :data:`SLIDE_FONTS` ``["text"]`` (its digits are ~17 px).
BAR_PX = 24
#: Gap between the groups of a grouped chart on a slide (a share of a row): bars thick enough for their values.
SLIDE_BARGAP = 0.15
#: Ems of a category label on one line of a slide (28: ~730 px, 40 % of the width); a longer one is wrapped onto
#: two. Two-line labels need rows twice as tall: half the categories fit.
SLIDE_LABEL_EMS = 28
#: Space around a value written on a bar (inside, between it and the bar's ends; outside, after it).
TEXT_PAD_PX = 10
#: Texts that a slide says shorter (the test's method, in the hover and on paper) → the slide's text.
HOVER_HINTS = {"sig_error_bars": "sig_error_bars_slide"}


def slide_id(page: str, key: str) -> str:
    """The id of one chart in a deck: ``page:key``."""
    return f"{page}:{key}"


def parse_deck(text: str | None, available: Iterable[str]) -> list[str]:
    """The deck in a URL parameter: comma-separated ``page:key`` ids.

    Unknown ids (a chart that no longer exists, a typo) and repeats are dropped, order is kept. A chart
    split over slides (``targets:plan``, ``targets:plan~2`` …, see :func:`slide_figures`) brings its
    other parts after its first unless the link lists them itself (a link written before the split).

    Args:
        text: The parameter's value (None or empty: no deck).
        available: The ids that exist.

    Returns:
        The ids in deck order.
    """
    if not text:
        return []
    known = list(available)
    listed = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip() in set(known)))
    deck: list[str] = []
    for slide in listed:
        parts = [] if "~" in slide else [k for k in known if k.startswith(f"{slide}~") and k not in listed]
        deck += [slide, *parts]
    return list(dict.fromkeys(deck))


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


def rows_that_fit(room_px: float, *, label_lines: int = 1, bars_per_row: int = 1, bargap: float = 0.2) -> int:
    """How many categories a slide's chart can show, each with its label and the values on its bars.

    Plotly gives every category of an axis the same height: the row must hold the longest label's
    lines at :data:`SLIDE_FONTS` ``["tick"]`` and, side by side, each bar of a group tall enough for
    its value at ``["text"]`` (bars take ``1 - bargap`` of a row).

    Args:
        room_px: Height of the plot area on the canvas (CSS pixels).
        label_lines: Lines of the tallest category label (1 or 2).
        bars_per_row: Bars drawn for each category (the series of a grouped chart).
        bargap: Plotly's gap between rows, as a share of a row.

    Returns:
        The number of rows (at least 1).
    """
    row_px = max(label_lines * LINE_PX + LABEL_GAP_PX, bars_per_row * BAR_PX / (1 - bargap))
    return max(1, int(room_px // row_px))


def top_n(n_categories: int, fits: int) -> int:
    """How many categories a slide names when ``fits`` rows fit: all when they do, else ``fits - 1``
    (the last row is 其他, the sum of the rest)."""
    return n_categories if n_categories <= fits else max(fits - 1, 1)


def split_evenly(n_categories: int, fits: int) -> list[range]:
    """The categories in as few slides as hold ``fits`` rows each, the slides as even as can be.

    ``split_evenly(23, 16)`` → ``[range(0, 12), range(12, 23)]``; nothing to split → ``[]``.
    """
    if n_categories <= 0:
        return []
    parts = math.ceil(n_categories / max(fits, 1))
    size = math.ceil(n_categories / parts)
    return [range(start, min(start + size, n_categories)) for start in range(0, n_categories, size)]


def presentation_figure(figure: go.Figure) -> go.Figure:
    """A copy of ``figure`` for a projector: projector type, no fixed height, the legend top right.

    The chart takes the height of its slot on the page (``st.plotly_chart(height="stretch")`` in a
    box sized to the screen, see ``dashboard/assets/present.css``), so it fills a 1920 × 1080 screen
    whatever the chart; every text is set to :data:`SLIDE_FONTS` (ticks 26 px). The legend moves from
    under the value axis (placed for the page's height) to the top right, beside the title. A hint to
    hover (:data:`HOVER_HINTS`) loses its hint: nobody hovers over a projected chart.

    Args:
        figure: The figure as on the page (not modified).

    Returns:
        The slide's copy.
    """
    return go.Figure(_presentation_spec(figure))


def _presentation_spec(figure: go.Figure) -> dict:
    spec = figure.to_dict()
    spec["data"] = [_decoded(trace) for trace in spec.get("data", [])]
    layout = spec.setdefault("layout", {})
    layout.pop("height", None)
    layout["autosize"] = True
    layout["font"] = {**layout.get("font", {}), "size": SLIDE_FONTS["base"]}
    title = layout.setdefault("title", {})
    if isinstance(title, dict):
        title.setdefault("font", {})["size"] = SLIDE_FONTS["title"]
        if isinstance(title.get("subtitle"), dict):
            title["subtitle"].setdefault("font", {})["size"] = SLIDE_FONTS["subtitle"]
            title["subtitle"]["text"] = _without_hover_hints(title["subtitle"].get("text", ""))
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
    layout["margin"] = {**SLIDE_MARGIN, "t": SLIDE_MARGIN["t"] + 26 * (_subtitle_lines(layout) - 1)}
    layout["uniformtext"] = {"minsize": SLIDE_FONTS["text"] - 4, "mode": "show"}
    for annotation in layout.get("annotations", []):
        annotation.setdefault("font", {})["size"] = SLIDE_FONTS["annotation"]
        if "text" in annotation:
            annotation["text"] = _without_hover_hints(annotation["text"])
        if annotation.get("yref") == "paper" and annotation.get("y", 1) <= 0 and annotation.get("yshift", 0) < 0:
            # a note under the axis (what a chart cannot draw): below the slide's larger ticks and axis
            # title, with the bottom margin its lines need (it was cut to the tops of its letters)
            annotation["yshift"] = -(SLIDE_FONTS["tick"] + SLIDE_FONTS["axis_title"] + 40)
            lines = str(annotation.get("text", "")).count("<br>") + 1
            need = -annotation["yshift"] + lines * SLIDE_FONTS["annotation"] * 1.3 + 10
            layout["margin"]["b"] = max(layout["margin"]["b"], math.ceil(need))
    for trace in spec.get("data", []):
        for key in ("textfont", "insidetextfont", "outsidetextfont"):
            if key in trace or key == "textfont":
                trace.setdefault(key, {})["size"] = SLIDE_FONTS["text"]
    return spec


def _decoded(value: object) -> object:
    """``value`` with Plotly's packed arrays (``{"dtype": "f8", "bdata": …}``) as lists, at any depth."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            return array.reshape(value["shape"]).tolist() if "shape" in value else array.tolist()
        return {key: _decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    return value


def _subtitle_lines(layout: dict) -> int:
    title = layout.get("title")
    if not isinstance(title, dict):
        return 1
    return 1 + str((title.get("subtitle") or {}).get("text", "")).count("<br>")


def _without_hover_hints(text: object) -> object:
    if not isinstance(text, str):
        return text
    for hint, without in HOVER_HINTS.items():
        for lang in ("zh", "en"):
            text = text.replace(t(hint, lang), t(without, lang))
    return text


def slide_figures(figure: go.Figure, lang: str = "zh") -> list[go.Figure]:
    """The slide (or slides) for ``figure``: :func:`presentation_figure`, fitted to a 1920 × 1080 canvas.

    A chart of horizontal bars shows no more categories than :func:`rows_that_fit` the plot area,
    so every category keeps its label at 26 px: past that, where the unit adds up (人, 元 …) the
    largest :func:`top_n` are shown and the rest summed into one bar 「其他 7 项」; where it does not
    (%, progress) the categories are split over slides (:func:`split_evenly`), each titled
    「（1/2）」. Every value written on a bar is whole: inside a bar that holds it, else just past its
    end, the value axis long enough for it (no text is shrunk or cut by the bar).

    Args:
        figure: The figure as on the page (not modified).
        lang: Language of 其他 and of the part's number.

    Returns:
        One figure, or one per part of a split chart.
    """
    spec = _presentation_spec(figure)
    bars = [trace for trace in spec.get("data", []) if trace.get("type") == "bar" and trace.get("orientation") == "h"]
    if not bars or len(bars) != len(spec["data"]):
        return [go.Figure(_on_canvas(spec))]
    layout = spec["layout"]
    for trace in bars:
        trace["y"] = [wrap_label(unwrap_label(label), SLIDE_LABEL_EMS) for label in _values(trace.get("y"))]
    categories = list(dict.fromkeys(label for trace in bars for label in trace["y"]))
    room = CHART_PX - layout["margin"]["t"] - layout["margin"]["b"]
    grouped = layout.get("barmode") == "group"
    if grouped:
        layout["bargap"] = SLIDE_BARGAP

    def fits(labels: list[str]) -> int:  # rows as tall as the tallest of these labels
        lines = max((str(label).count("<br>") + 1 for label in labels), default=1)
        bars_per_row = len(bars) if grouped else 1
        return rows_that_fit(
            room, label_lines=lines, bars_per_row=bars_per_row, bargap=float(layout.get("bargap", 0.2))
        )

    unit = (layout.get("meta") or {}).get(UNIT_MARK) if isinstance(layout.get("meta"), dict) else None
    if len(categories) <= fits(categories):
        parts = [spec]
    elif is_additive(unit):
        ranked = _ranked(spec, categories)
        shown = top_n(len(categories), fits(categories))
        # a long label among the smallest goes into 其他: the rows may then be one line tall
        while shown + 1 < len(categories) and fits(ranked[: shown + 1]) >= shown + 2:  # and a row for 其他
            shown += 1
        parts = [_with_other(spec, categories, set(ranked[:shown]), unit, lang)]
    else:
        pieces = split_evenly(len(categories), fits(categories))
        parts = [
            _part(spec, [categories[i] for i in piece], number, len(pieces), lang)
            for number, piece in enumerate(pieces, start=1)
        ]
    return [go.Figure(_on_canvas(_place_values(part))) for part in parts]


def _on_canvas(spec: dict) -> dict:
    """The chart at its size on the canvas (CSS pixels): a smaller screen scales the canvas, not the chart's
    layout (Plotly would lay it out for the scaled size and be scaled again)."""
    spec["layout"].update(autosize=False, width=CANVAS_PX[0] - PAGE_PADDING_PX - SCROLLBAR_PX, height=CHART_PX)
    return spec


def _values(values: object) -> list:
    return [] if values is None else [values] if isinstance(values, str) else list(values)


def _texts(trace: dict) -> list[str]:
    """The text written on each bar of a trace ("" where none): one text for all is repeated."""
    n, text = len(_values(trace.get("y"))), trace.get("text")
    if text is None or isinstance(text, str):
        return [text or ""] * n
    return ["" if value is None else str(value) for value in text]


def _per_point(trace: dict) -> list[tuple[dict, str]]:
    """The places in a bar trace holding one value per bar (x, y, text, colours, error bars …)."""
    n = len(_values(trace.get("y")))
    places = [(trace, key) for key in ("x", "y", "text", "customdata", "hovertext", "textposition")]
    places += [(trace.get("marker") or {}, "color")]
    places += [(trace.get("error_x") or {}, key) for key in ("array", "arrayminus")]
    return [(owner, key) for owner, key in places if _is_array(owner, key, n)]


def _is_array(owner: dict, key: str, n: int) -> bool:
    value = owner.get(key)
    return hasattr(value, "__len__") and not isinstance(value, str | dict) and len(value) == n


def _pick(trace: dict, keep: list[int]) -> dict:
    trace = {**trace, "marker": dict(trace.get("marker") or {}), "error_x": dict(trace.get("error_x") or {})}
    for owner, key in _per_point(trace):
        values = list(owner[key])
        owner[key] = [values[i] for i in keep]
    if not trace["error_x"]:
        trace.pop("error_x")
    return trace


def _ranked(spec: dict, categories: list[str]) -> list[str]:
    """The categories, largest first (a category's largest bar across the series)."""
    largest: dict[str, float] = {}
    for trace in spec["data"]:
        for label, value in zip(trace["y"], _values(trace.get("x")), strict=True):
            if _number(value) is not None:
                largest[label] = max(largest.get(label, -math.inf), float(value))
    return sorted(categories, key=lambda label: -largest.get(label, -math.inf))


def _with_other(spec: dict, categories: list[str], kept: set[str], unit: str, lang: str) -> dict:
    """``spec`` with the categories ``kept`` (in each bar's own order) and one 其他 row summing the rest."""
    other = t("other_n", lang, n=len(categories) - len(kept))
    data = []
    for trace in spec["data"]:
        labels = trace["y"]
        keep = [i for i, label in enumerate(labels) if label in kept]
        rest = [_number(v) for label, v in zip(labels, _values(trace.get("x")), strict=True) if label not in kept]
        total = sum(v for v in rest if v is not None)
        part = _pick(trace, keep)
        labelled = any(_texts(trace))
        filler = {
            "x": total,
            "y": other,
            "text": format_value(total, unit, with_unit=False) if labelled else "",
            "color": NEUTRAL_COLOUR,
            "array": 0,
            "arrayminus": 0,
        }
        for owner, key in _per_point(part):
            owner[key] = [*owner[key], filler.get(key, "")]
        data.append(part)
    return {**spec, "data": data}


def _part(spec: dict, labels: list[str], part: int, parts: int, lang: str) -> dict:
    """``spec`` with only the categories ``labels``, its title numbered 「（1/2）」."""
    wanted = set(labels)
    data = [_pick(trace, [i for i, label in enumerate(trace["y"]) if label in wanted]) for trace in spec["data"]]
    layout = {**spec["layout"], "title": dict(spec["layout"].get("title") or {})}
    layout["title"]["text"] = f"{layout['title'].get('text', '')}{t('slide_part', lang, part=part, parts=parts)}"
    return {**spec, "data": data, "layout": layout}


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _text_px(text: object) -> float:
    """Width of a value written on a bar at the slide's text size (CJK one em, others about half)."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in str(text)) * SLIDE_FONTS["text"]


def _place_values(spec: dict) -> dict:
    """Each bar's value inside the bar where it fits whole, else just past the bar's end; the value
    axis long enough for the longest text outside; no text shrunk to fit (``constraintext``)."""
    layout = spec["layout"]
    lines = [line for trace in spec["data"] for label in trace["y"] for line in str(label).split("<br>")]
    label_px = max((_text_px(line) / SLIDE_FONTS["text"] * SLIDE_FONTS["tick"] for line in lines), default=0.0)
    plot_px = (
        CANVAS_PX[0] - PAGE_PADDING_PX - SCROLLBAR_PX - SLIDE_MARGIN["l"] - SLIDE_MARGIN["r"] - label_px - TEXT_PAD_PX
    )
    xaxis = layout.setdefault("xaxis", {})
    low, high = [*list(xaxis.get("range") or []), None, None][:2]
    values = [v for trace in spec["data"] for v in map(_number, _values(trace.get("x"))) if v is not None]
    low = _number(low) if _number(low) is not None else min(0.0, *values) if values else 0.0
    high = _number(high) if _number(high) is not None else (max(values, default=1.0) * 1.1 or 1.0)
    for _ in range(6):  # an outside text lengthens the axis, which shortens the bars: settle the two
        needed = high
        for trace in spec["data"]:
            positions = []
            for value, text in zip(map(_number, _values(trace.get("x"))), _texts(trace), strict=True):
                width = _text_px(text) + 2 * TEXT_PAD_PX
                bar_px = 0.0 if value is None or high <= low else (value - max(low, 0.0)) / (high - low) * plot_px
                inside = bool(text) and bar_px >= width
                positions.append("outside" if text and not inside else "inside")
                if text and not inside and value is not None and value >= 0 and width < plot_px:
                    needed = max(needed, low + (value - low) / (1 - width / plot_px))
            if any(_texts(trace)):
                trace["textposition"] = positions
        if needed <= high * 1.0001:
            break
        high = needed
    xaxis["range"] = [low, high]
    for trace in spec["data"]:
        trace["constraintext"] = "none"
        trace["cliponaxis"] = False
        trace.setdefault("outsidetextfont", {}).setdefault("color", "#1d2433")
    layout.pop("uniformtext", None)
    return spec
