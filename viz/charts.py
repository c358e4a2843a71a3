"""Chart builders: one function per chart kind, each returning a Plotly figure.

Every builder takes a tidy frame and plain labels (already in the reader's language), uses the
shared template of :mod:`viz.theme`, states units on its value axis (full numbers: ``10,000``, never
``10k``), and returns a figure with a clear message instead of empty axes when there is nothing to
draw. Bars are horizontal: category labels read across (long ones wrapped onto two lines) and a
value written at the end of each bar can never run into its neighbour's. Values sit inside a bar
when they fit and just outside it when not (``textposition="auto"``), so none is cut off by the
edge of the chart, on screen or in a PNG.

Plotly reads HTML in every text it draws (titles, legends, tick labels, hover text); values
from files (subjects, categories, series, titles) pass through :func:`viz.markup.plain` as they
enter a figure, and hover text names a trace through ``%{fullData.name}``, never by pasting it
into the template. Only the builders' own ``<br>`` and ``<extra>`` are markup.
"""

from __future__ import annotations

import html
import math
import re
from functools import cache

import pandas as pd
import plotly.graph_objects as go

from loaders.contracts.registry import registry_kinds
from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from viz.i18n import t, unit_name
from viz.markup import plain
from viz.theme import (
    BENCHMARK_GREYS,
    NEUTRAL_COLOUR,
    SCHOOL_COLOUR,
    TARGET_COLOUR,
    TEMPLATE_NAME,
    series_colour,
)
from viz.topn import ADDITIVE_UNITS

DEFAULT_HEIGHT = 480
#: Height in pixels each horizontal bar gets (the value written on it is ~15–18 px tall).
BAR_PX = 28
#: Pixels of a chart that are not bars: title, subtitle, value axis and legend.
FRAME_PX = 230
#: Height of a row of a distribution chart whose label fits one line, and of one wrapped onto two
#: (two lines of 18 px type and the gap to the next label).
ROW_PX = 40
ROW_TWO_LINES_PX = 54

COUNT_UNITS = {"人", "个", "项", "门", "人次", "人日", "课时", "学时", "课次", "家"}
#: Units whose derived figures (a target restated in them, a value needed next year) are whole numbers.
WHOLE_UNITS = COUNT_UNITS | {"元", "元/生"}
#: The unit of a ratio written ``14.02 : 1``.
RATIO_UNIT = ":1"
#: Units written straight after the number, without a space (``98.82%``, ``14.02:1``).
_TIGHT_UNITS = ("%", ":1")


def format_value(
    value: float | None,
    unit: str = "",
    with_unit: bool = True,
    *,
    lang: str = "zh",
    decimals: int | None = None,
    kind: str | None = None,
) -> str:
    """A number as a planner writes it.

    Counts without decimals (``9 本``); amounts and ratios without ``.00`` when whole (``1,237 亩``,
    ``2,712 万元``, ``≥ 4,000 元/生``, ``18 : 1``) and with the two decimals the report prints when not
    (``6,378.90 元``, ``14.02 : 1``); rates, shares and scores with two decimals (``98.82%``). In English,
    money in 万元 is written in yuan or million yuan (``60 million yuan``) and a bare classifier
    (个, 项) is left out (``5``, beside the indicator's name).

    Args:
        value: The number (None or NaN gives "—").
        unit: Its unit as stored.
        with_unit: Attach the unit (``98.82%``, ``6,378.90 元`` / ``6,378.90 yuan``).
        lang: Language of the unit's name.
        decimals: Force this many decimals (a derived figure rounded to its unit).
        kind: The indicator's kind in the registry (count, amount, ratio, rate, share, score); by default
            the kind every indicator of ``unit`` shares (:func:`unit_kind`).

    Returns:
        The text.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    value = float(value)
    kind = kind or unit_kind(unit)
    if lang == "en" and with_unit and unit in _MONEY_EN:
        return _money_en(value, unit, decimals)
    if decimals is None:
        decimals = _decimals(value, unit, kind)
    text = f"{value:,.{decimals}f}"
    if not with_unit or not unit:
        return text
    if unit == RATIO_UNIT:
        return f"{text} : 1"
    name = unit_name(unit, lang)
    if lang == "en" and unit in _CLASSIFIERS:
        return text
    return f"{text}{name}" if unit in _TIGHT_UNITS or name == "×" else f"{text} {name}"


#: Kinds written without ``.00`` when the value is whole.
_WHOLE_WHEN_WHOLE = {"count", "amount", "ratio"}
#: Chinese classifiers that say nothing in English beside the indicator's name ("5", not "5 count").
_CLASSIFIERS = {"个", "项"}
#: Money written in yuan in English: 万元 and 亿元 in yuan each.
_MONEY_EN = {"万元": 10_000, "亿元": 100_000_000}


def _decimals(value: float, unit: str, kind: str | None) -> int:
    """Decimals a reader writes for ``value``: none for a whole count, amount or ratio; else two."""
    if (kind in _WHOLE_WHEN_WHOLE or unit in COUNT_UNITS) and value.is_integer():
        return 0
    if kind == "count" and abs(value - round(value)) < 0.005:
        return 0
    return 2


def _money_en(value: float, unit: str, decimals: int | None) -> str:
    """An amount in 万元 / 亿元 in English: ``60 million yuan``, ``27.12 million yuan``, ``50,000 yuan``."""
    yuan = value * _MONEY_EN[unit]
    if abs(yuan) >= 1_000_000:
        millions = yuan / 1_000_000
        places = 0 if millions.is_integer() else (2 if decimals is None else max(decimals, 0))
        return f"{millions:,.{places}f} million yuan"
    return f"{yuan:,.0f} yuan"


@cache
def _unit_kinds() -> dict[str, str]:
    """``unit → kind`` for the units whose indicators in the registry all share one kind."""
    kinds: dict[str, set[str]] = {}
    for unit, kind in registry_kinds().values():
        kinds.setdefault(unit, set()).add(kind)
    return {unit: next(iter(found)) for unit, found in kinds.items() if len(found) == 1}


def unit_kind(unit: str) -> str | None:
    """The registry's kind of every indicator measured in ``unit`` (``亩`` → amount), None when they differ (``%``)."""
    return _unit_kinds().get(unit)


def rounded(value: float | None, unit: str, *, lang: str = "zh", with_unit: bool = True) -> str:
    """A derived figure rounded to its unit: whole 元, 人, 项 …; two decimals otherwise (``≥ 6,351 元``)."""
    whole = unit in WHOLE_UNITS or unit_kind(unit) == "count"  # 本, 家 … from the registry's kind
    return format_value(value, unit, with_unit, lang=lang, decimals=0 if whole else 2)


def _html(value: object) -> str:
    """A label for Plotly: shown as typed (see :func:`viz.markup.plain`)."""
    return plain(value, "html")


def _width(text: str) -> float:
    """Display width in ems: CJK characters count one, others about half."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text)


def wrap_label(text: object, width: float = 9.0) -> str:
    """A category label for Plotly, literal, on two lines when it is wider than ``width`` ems.

    It breaks after the label's own separator (``·`` ``、`` ``，`` ``,``) or at a space nearest the
    middle; the separator stays at the end of the first line, so the label reads the same joined
    again (the deck does: :func:`viz.deck_pptx._literal`). A label without one stays on one line.
    """
    if not isinstance(text, str):
        return text  # type: ignore[return-value]
    if _width(text) <= width:
        return _html(text)
    middle = len(text) / 2
    cuts = [i for i, ch in enumerate(text) if ch in "·、，, " and 0 < i < len(text) - 1]
    if not cuts:
        return _html(text)
    cut = min(cuts, key=lambda i: abs(i - middle))
    head, tail = (text[:cut], text[cut + 1 :]) if text[cut] == " " else (text[: cut + 1], text[cut + 1 :])
    return f"{_html(head.rstrip())}<br>{_html(tail.lstrip())}"


def unwrap_label(label: object) -> str:
    """The text a :func:`wrap_label` label stands for: its line break undone, its characters literal again.

    After a letter, a digit or a comma the break was a space; after ``·`` ``、`` ``，`` nothing.
    """
    joined = re.sub(r"(?<=[A-Za-z0-9,.)])<br>", " ", str(label)).replace("<br>", "")
    return html.unescape(joined)


def _labels(values: object, width: float = 9.0) -> list:
    """Category values for Plotly: text made literal and wrapped, numbers kept."""
    return [wrap_label(v, width) if isinstance(v, str) else v for v in values]


def empty_figure(message: str, title: str = "") -> go.Figure:
    """A figure that says why there is nothing to show (no empty axes)."""
    figure = go.Figure()
    figure.update_layout(
        template=TEMPLATE_NAME,
        title={"text": _html(title)},
        meta={EMPTY_MARK: True},
        height=260,
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[
            {
                "text": _html(message),
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 20, "color": NEUTRAL_COLOUR},
            }
        ],
    )
    return figure


#: The key in ``layout.meta`` of a figure that only says why there is nothing to show.
EMPTY_MARK = "empty"
#: The key in ``layout.meta`` of a bar chart's unit as stored (a slide sums the bars it has no room for
#: into one 其他 bar only where the unit adds up: :func:`is_additive`).
UNIT_MARK = "unit"


def is_empty_figure(figure: go.Figure) -> bool:
    """Whether ``figure`` is an :func:`empty_figure` (no data: nothing to download as a picture)."""
    meta = figure.layout.meta
    return isinstance(meta, dict) and bool(meta.get(EMPTY_MARK)) and not figure.data


def _title(title: str, subtitle: str) -> dict:
    """Title with the active filters as a smaller subtitle (its lines split at ``\\n``)."""
    lines = "<br>".join(_html(line) for line in subtitle.split("\n"))
    return {"text": _html(title), "subtitle": {"text": lines, "font": {"size": 15, "color": "#5b6577"}}}


def axis_title(label: str, unit: str, lang: str = "zh", wrap: float | None = None) -> str:
    """``就业率（%）`` / ``Employment rate (%)``: the value axis names its unit.

    ``wrap``: break a title wider than this many ems onto two lines (a chart without a legend below).
    """
    name = unit_name(unit, lang) if unit else ""
    if not name or name.casefold() == label.casefold():  # "People", not "People (people)"
        text = label
    elif label.endswith(("）", ")")):  # 「报到人数（近三年）」: the unit joins the bracket, never a second one
        text = f"{label[:-1]}，{name}）" if label.endswith("）") else f"{label[:-1]}, {name})"
    else:
        chinese = any("\u4e00" <= ch <= "\u9fff" for ch in label)
        text = f"{label}（{name}）" if chinese else f"{label} ({name})"
    return wrap_label(text, wrap) if wrap else _html(text)


#: Pixels between the bottom of the plot area and the legend: the tick labels and the axis title.
LEGEND_GAP_PX = 78
#: Bottom margin of a chart with a legend below its value axis.
LEGEND_MARGIN_PX = 135


def legend_below(figure: go.Figure, gap_px: float = LEGEND_GAP_PX) -> go.Figure:
    """Put the legend under the value axis's title, not over it, whatever the chart's height.

    Plotly places a legend in fractions of the plot area; the axis title sits a fixed number of
    pixels below it. The fraction is worked out from the figure's height and margins.
    """
    layout = figure.layout
    height = layout.height or DEFAULT_HEIGHT
    top = layout.margin.t if layout.margin.t is not None else 100
    bottom = layout.margin.b if layout.margin.b is not None else LEGEND_MARGIN_PX
    plot = max(height - top - bottom, 120)
    figure.update_layout(legend={"y": -gap_px / plot, "yanchor": "top"})
    return figure


def _rows_height(labels: list) -> int:
    """Tall enough for one bar per label, a label on two lines getting room for both (never overlapping)."""
    rows = sum(ROW_TWO_LINES_PX if isinstance(label, str) and "<br>" in label else ROW_PX for label in labels)
    return max(320, rows + 210)


def _bars_height(n_categories: int, n_bars: int) -> int:
    """Tall enough for every bar to carry its value, never shorter than the default."""
    return max(DEFAULT_HEIGHT, FRAME_PX + BAR_PX * n_bars + 10 * n_categories)


def _value_range(values: pd.Series, extra: list[float] | None = None) -> list[float]:
    """The value axis from 0 (or below, for negatives) to a little past the largest value."""
    numbers = [float(v) for v in values if pd.notna(v)] + [v for v in (extra or []) if v is not None]
    top = max(numbers, default=1.0)
    bottom = min(0.0, min(numbers, default=0.0) * 1.1)
    return [bottom, (top if top > 0 else 1.0) * 1.1]


#: Most lines a trend chart draws.
MAX_LINES = 12


#: Units whose figures add up, so the categories past the cap can be drawn as one summed 其他 bar.
def is_additive(unit: object) -> bool:
    """Whether figures in ``unit`` add up (人, 项, 万元 …; :data:`viz.topn.ADDITIVE_UNITS`): the rest of a list
    may be one summed 其他. Not %, 分, :1, nor 元 (in these reports mostly per student or an average)."""
    return isinstance(unit, str) and unit in ADDITIVE_UNITS


def cap_categories(
    frame: pd.DataFrame, category: str, value: str, unit: str, *, lang: str = "zh", most: int | None = None
) -> pd.DataFrame:
    """At most ``most`` categories (default: the ``chart_max_categories`` setting): the largest, then 其他.

    The categories past the cap become one 其他 / Other category per series: their sum where the
    unit adds up (人, 个, 元 …), else no value and a label saying how many are not shown (a rate
    of "the rest" means nothing). Never modifies ``frame``.

    Args:
        frame: One row per category (and series).
        category: The category column.
        value: The value column.
        unit: The values' unit.
        lang: Language of the 其他 label.
        most: The cap.

    Returns:
        ``frame`` itself when within the cap, else a new frame.
    """
    if most is None:
        from loaders.contracts.settings import setting

        most = int(setting("chart_max_categories"))
    names = list(dict.fromkeys(frame[category]))
    if len(names) <= most:
        return frame
    largest = frame.groupby(category, sort=False)[value].max().sort_values(ascending=False, na_position="last")
    kept = set(largest.index[:most])
    rest = frame[~frame[category].isin(kept)]
    n_rest = rest[category].nunique()
    additive = is_additive(str(unit))
    if additive:
        label = t("other_n", lang, n=n_rest)
    else:
        label = f"其他 {n_rest} 项未显示" if lang == "zh" else f"{n_rest} more not shown"
    group = [column for column in frame.columns if column not in (category, value) and column in ("series", "role")]
    if group:
        other = rest.groupby(group, sort=False, dropna=False)[value].sum(min_count=1).reset_index()
    else:
        other = pd.DataFrame({value: [rest[value].sum(min_count=1)]})
    other[category] = label
    if not additive:
        other[value] = float("nan")
    shown = frame[frame[category].isin(kept)]
    return pd.concat([shown, other.reindex(columns=frame.columns)], ignore_index=True)


def benchmark_bars(
    frame: pd.DataFrame,
    *,
    title: str,
    subtitle: str = "",
    value_label: str,
    unit: str,
    category: str = "category",
    series: str = "series",
    value: str = "value",
    empty_message: str = "没有数据 / No data",
    series_order: list[str] | None = None,
    target: float | None = None,
    target_label: str = "目标",
    labelled_series: int = 2,
    lang: str = "zh",
) -> go.Figure:
    """Horizontal grouped bars: 本校 against its benchmarks (全省/本科/高职) or peers, per category.

    The school comes first and strongest (blue); the benchmarks follow in greys, the first one —
    the chosen benchmark — the darkest. Only the first ``labelled_series`` series (the school and
    the chosen benchmark) carry their values, so a projected chart stays legible; the others keep
    them in the hover text. When the school's rows carry ``ci_low``/``ci_high`` (a survey rate with
    respondents, see :mod:`metrics.significance`) its bars get the 95 % interval as an error bar,
    and a ``significance`` text is written after its value and, with ``hover``, in its tooltip.

    Args:
        frame: One row per (category, series) with the value (optional ``role``, ``ci_low``,
            ``ci_high``, ``significance``, ``hover``).
        title: Chart title.
        subtitle: The active filters.
        value_label: Name of the value axis.
        unit: Unit of the values (as stored), shown on the axis.
        category: Column with the categories (cohort or indicator name), one row of bars each.
        series: Column with the series name as displayed; colours follow the ``role`` column
            (``本校`` blue; benchmarks grey by their order), else the name (see :mod:`viz.theme`).
        value: Column with the values.
        empty_message: What to say when the frame is empty.
        series_order: Order of the series (legend and bars); order of appearance when None.
        target: Draw a red target line at this value.
        target_label: Label of the target line.
        labelled_series: How many leading series show their values on the bars.
        lang: Language of the unit's name.

    Returns:
        The figure.
    """
    if frame.empty:
        return empty_figure(empty_message, title)
    frame = cap_categories(frame, category, value, unit, lang=lang)  # no upload can make a page too heavy
    order = series_order or list(dict.fromkeys(frame[series]))
    figure = go.Figure()
    grey = 0
    for position, name in enumerate(order):
        part = frame[frame[series] == name]
        if part.empty:
            continue
        role = part["role"].iloc[0] if "role" in part.columns else name
        if role == SCHOOL_SUBJECT or "role" not in part.columns:
            colour = series_colour(role, position)
        else:
            colour = BENCHMARK_GREYS[min(grey, len(BENCHMARK_GREYS) - 1)]
            grey += 1
        labelled = position < labelled_series  # the school and the chosen benchmark carry numbers
        texts = []
        for record in part.to_dict("records"):
            text = format_value(record[value], unit, with_unit=False) if labelled else ""
            tag = record.get("significance")
            texts.append(f"{text} {_html(tag)}" if text and isinstance(tag, str) and tag else text)
        extra = {}
        if {"ci_low", "ci_high"} <= set(part.columns) and part["ci_low"].notna().any():
            extra["error_x"] = {
                "type": "data",
                "symmetric": False,
                "array": (part["ci_high"] - part[value]).tolist(),
                "arrayminus": (part[value] - part["ci_low"]).tolist(),
                "color": "#0b2545",
                "thickness": 2,
                "width": 5,
            }
        hover = [
            _html(h).replace("\n", "<br>") if isinstance(h, str) else ""
            for h in (part["hover"] if "hover" in part.columns else [None] * len(part))
        ]
        figure.add_bar(
            name=_html(name),
            y=_labels(part[category], 7),
            x=part[value],
            orientation="h",
            marker_color=colour,
            customdata=hover,
            hovertemplate=f"%{{y}}<br>%{{fullData.name}}: %{{x:,.2f}} {_html(unit_name(unit, lang))}"
            "<br>%{customdata}<extra></extra>",
            text=texts,
            textposition="auto",
            insidetextanchor="start",  # by the category label, clear of the error bar at the bar's end
            textangle=0,  # never turned on its side in a thin bar
            textfont={"size": 15},
            insidetextfont={"color": "#ffffff" if position < labelled_series else "#1d2433"},
            cliponaxis=False,
            **extra,
        )
    if target is not None:
        figure.add_vline(
            x=target,
            line={"color": TARGET_COLOUR, "dash": "dash", "width": 3},
            annotation_text=_html(f"{target_label} {format_value(target, unit, lang=lang)}"),
            annotation_position="top left",
            annotation_font={"color": TARGET_COLOUR},
        )
    highs = frame["ci_high"].tolist() if "ci_high" in frame.columns else []
    n_categories = frame[category].nunique()
    figure.update_layout(
        template=TEMPLATE_NAME,
        title=_title(title, subtitle),
        barmode="group",
        height=_bars_height(n_categories, len(frame)),
        xaxis={
            "title": {"text": axis_title(value_label, unit, lang)},
            "range": _value_range(frame[value], [target, *[h for h in highs if pd.notna(h)]]),
        },
        yaxis={"autorange": "reversed"},  # the first category, and the school, on top
        bargap=0.22,
        margin={"t": 100 + 22 * subtitle.count("\n"), "b": LEGEND_MARGIN_PX},
        meta={UNIT_MARK: unit},
    )
    return legend_below(figure)


def horizontal_bars(
    frame: pd.DataFrame,
    *,
    title: str,
    subtitle: str = "",
    value_label: str,
    unit: str,
    category: str = "category",
    value: str = "value",
    highlight: str | None = None,
    empty_message: str = "没有数据 / No data",
    max_rows: int = 20,
    lang: str = "zh",
) -> go.Figure:
    """Sorted horizontal bars for a distribution (industries, regions, majors …).

    Args:
        frame: One row per category.
        title: Chart title.
        subtitle: The active filters.
        value_label: Name of the value axis.
        unit: Unit of the values.
        category: Column with the labels.
        value: Column with the values.
        highlight: A category drawn in the school colour (the others muted).
        empty_message: What to say when the frame is empty.
        max_rows: Show at most this many rows (largest first).
        lang: Language of the unit's name.

    Returns:
        The figure.
    """
    if frame.empty:
        return empty_figure(empty_message, title)
    rows = frame.sort_values(value, ascending=False).head(max_rows)
    labels = _labels(rows[category], 10)
    colours = [SCHOOL_COLOUR if highlight is None or c == highlight else "#9fb3cc" for c in rows[category]]
    figure = go.Figure(
        go.Bar(
            x=rows[value],
            y=labels,
            orientation="h",
            marker_color=colours,
            text=[format_value(v, unit, with_unit=False) for v in rows[value]],
            textposition="auto",
            insidetextanchor="end",
            textangle=0,  # never turned on its side in a thin bar
            insidetextfont={"color": "#ffffff"},
            cliponaxis=False,
            hovertemplate=f"%{{y}}: %{{x:,.2f}} {_html(unit_name(unit, lang))}<extra></extra>",
        )
    )
    figure.update_layout(
        template=TEMPLATE_NAME,
        title=_title(title, subtitle),
        height=_rows_height(labels),
        xaxis={"title": {"text": axis_title(value_label, unit, lang, wrap=24)}, "range": _value_range(rows[value])},
        yaxis={"autorange": "reversed"},  # the largest on top
        showlegend=False,
        meta={UNIT_MARK: unit},
    )
    return figure


def grouped_bars(
    frame: pd.DataFrame,
    *,
    title: str,
    subtitle: str = "",
    value_label: str,
    unit: str,
    category: str = "category",
    series: str = "series",
    value: str = "value",
    empty_message: str = "没有数据 / No data",
    lang: str = "zh",
) -> go.Figure:
    """Horizontal grouped bars for series without a benchmark role (plan / admitted / registered …)."""
    if frame.empty:
        return empty_figure(empty_message, title)
    frame = cap_categories(frame, category, value, unit, lang=lang)
    figure = go.Figure()
    for position, name in enumerate(dict.fromkeys(frame[series])):
        part = frame[frame[series] == name]
        figure.add_bar(
            name=_html(name),
            y=_labels(part[category]),
            x=part[value],
            orientation="h",
            marker_color=series_colour(name, position),
            text=[format_value(v, unit, with_unit=False) for v in part[value]],
            textposition="auto",
            insidetextanchor="end",
            textangle=0,  # never turned on its side in a thin bar
            textfont={"size": 15},
            insidetextfont={"color": "#ffffff"},
            cliponaxis=False,
            hovertemplate=f"%{{y}}<br>%{{fullData.name}}: %{{x:,.2f}} {_html(unit_name(unit, lang))}<extra></extra>",
        )
    figure.update_layout(
        template=TEMPLATE_NAME,
        title=_title(title, subtitle),
        barmode="group",
        height=_bars_height(frame[category].nunique(), len(frame)),
        xaxis={"title": {"text": axis_title(value_label, unit, lang)}, "range": _value_range(frame[value])},
        yaxis={"autorange": "reversed"},
        bargap=0.2,
        margin={"b": LEGEND_MARGIN_PX},
        meta={UNIT_MARK: unit},
    )
    return legend_below(figure)


def trend_lines(
    frame: pd.DataFrame,
    *,
    title: str,
    subtitle: str = "",
    value_label: str,
    unit: str,
    x: str = "year",
    series: str = "series",
    value: str = "value",
    x_label: str = "年份 Year",
    empty_message: str = "没有数据 / No data",
    target: float | None = None,
    target_label: str = "目标",
    lang: str = "zh",
) -> go.Figure:
    """Lines over years, one per series (school, benchmark or peer), with an optional target line."""
    if frame.empty:
        return empty_figure(empty_message, title)
    if frame[series].nunique() > MAX_LINES:  # the largest lines; the subtitle says how many more
        capped = cap_categories(frame, series, value, ":1", lang=lang, most=MAX_LINES)
        note = str(capped[series].iloc[-1])
        frame = capped[capped[x].notna()]
        subtitle = f"{subtitle} · {note}" if subtitle else note
    figure = go.Figure()
    for position, name in enumerate(dict.fromkeys(frame[series])):
        part = frame[frame[series] == name].sort_values(x)
        role = part["role"].iloc[0] if "role" in part.columns else name
        figure.add_scatter(
            name=_html(name),
            x=_labels(part[x]),
            y=part[value],
            mode="lines+markers+text",
            line={"color": series_colour(role, position), "width": 4 if role == SCHOOL_SUBJECT else 3},
            marker={"size": 11},
            text=[format_value(v, unit, with_unit=False) for v in part[value]],
            textposition="top center",
            cliponaxis=False,
        )
    if target is not None:
        figure.add_hline(
            y=target,
            line={"color": TARGET_COLOUR, "dash": "dash", "width": 3},
            annotation_text=_html(f"{target_label} {format_value(target, unit, lang=lang)}"),
            annotation_font={"color": TARGET_COLOUR},
        )
    low, high = _value_range(frame[value], [target])
    figure.update_layout(
        template=TEMPLATE_NAME,
        title=_title(title, subtitle),
        height=DEFAULT_HEIGHT,
        xaxis={"title": {"text": _html(x_label)}, "dtick": 1, "tickformat": "d"},
        yaxis={"title": {"text": axis_title(value_label, unit, lang)}, "range": [low, high * 1.05]},
        margin={"b": LEGEND_MARGIN_PX},
    )
    return legend_below(figure)
