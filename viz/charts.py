"""Chart builders: one function per chart kind, each returning a Plotly figure.

Every builder takes a tidy frame and plain labels (already in the reader's language), uses the
shared template of :mod:`viz.theme`, states units on its value axis, and returns a figure with
a clear message instead of empty axes when there is nothing to draw.

Plotly reads HTML in every text it draws (titles, legends, tick labels, hover text); values
from files (subjects, categories, series, titles) pass through :func:`viz.markup.plain` as they
enter a figure, and hover text names a trace through ``%{fullData.name}``, never by pasting it
into the template. Only the builders' own ``<br>`` and ``<extra>`` are markup.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from viz.markup import plain
from viz.theme import (
    NEUTRAL_COLOUR,
    SCHOOL_COLOUR,
    STATUS_COLOURS,
    TARGET_COLOUR,
    TEMPLATE_NAME,
    series_colour,
)

DEFAULT_HEIGHT = 480


COUNT_UNITS = {"人", "个", "项", "门", "人次", "人日", "课时", "学时", "课次", "家"}


def format_value(value: float | None, unit: str = "", with_unit: bool = True) -> str:
    """A number as a planner reads it: counts as integers, other values with two decimals.

    Args:
        value: The number (None or NaN gives "—").
        unit: Its unit; counts (人, 项 …) are shown without decimals.
        with_unit: Attach the unit (``98.82%``, ``6,378.90 元``).

    Returns:
        The text.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.0f}" if unit in COUNT_UNITS and float(value).is_integer() else f"{value:,.2f}"
    if not with_unit or not unit:
        return text
    return f"{text}{unit}" if unit in ("%", ":1") else f"{text} {unit}"


def _html(value: object) -> str:
    """A label for Plotly: shown as typed (see :func:`viz.markup.plain`)."""
    return plain(value, "html")


def _labels(values: object) -> list:
    """Category or series values for Plotly: text made literal, numbers kept."""
    return [_html(v) if isinstance(v, str) else v for v in values]


def empty_figure(message: str, title: str = "") -> go.Figure:
    """A figure that says why there is nothing to show (no empty axes)."""
    figure = go.Figure()
    figure.update_layout(
        template=TEMPLATE_NAME,
        title={"text": _html(title)},
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


def _title(title: str, subtitle: str) -> dict:
    """Title with the active filters as a smaller subtitle line."""
    return {"text": _html(title), "subtitle": {"text": _html(subtitle), "font": {"size": 15, "color": "#5b6577"}}}


def _axis_title(label: str, unit: str) -> str:
    if not unit:
        return _html(label)
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in label)
    return _html(f"{label}（{unit}）" if chinese else f"{label} ({unit})")


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
) -> go.Figure:
    """Grouped bars: 本校 against its benchmarks (全省/本科/高职) or peers, per category.

    Args:
        frame: One row per (category, series) with the value.
        title: Chart title (include the active filters).
        value_label: Name of the value axis.
        unit: Unit of the values, shown on the axis and the bar labels.
        category: Column with the x categories (e.g. cohort or indicator name).
        series: Column with the series name as displayed; colours follow the ``role`` column
            (``本校``, ``高职``, ``全省``, ``本科``) when present, else the name (see :mod:`viz.theme`).
        value: Column with the values.
        empty_message: What to say when the frame is empty.
        series_order: Order of the series in the legend; order of appearance when None.
        target: Draw a red target line at this value.
        target_label: Label of the target line.
        labelled_series: How many leading series show their values on the bars (the others
            keep them in the hover text), so a projected chart stays legible.

    Returns:
        The figure.
    """
    if frame.empty:
        return empty_figure(empty_message, title)
    order = series_order or list(dict.fromkeys(frame[series]))
    figure = go.Figure()
    for position, name in enumerate(order):
        part = frame[frame[series] == name]
        if part.empty:
            continue
        role = part["role"].iloc[0] if "role" in part.columns else name
        labelled = position < labelled_series  # the school and the chosen benchmark carry numbers
        figure.add_bar(
            name=_html(name),
            x=_labels(part[category]),
            y=part[value],
            marker_color=series_colour(role, position),
            hovertemplate=f"%{{x}}<br>%{{fullData.name}}: %{{y:,.2f}} {_html(unit)}<extra></extra>",
            text=[format_value(v, unit, with_unit=False) if labelled else "" for v in part[value]],
            textposition="outside",
            textfont={"size": 15},
            cliponaxis=False,
        )
    if target is not None:
        figure.add_hline(
            y=target,
            line={"color": TARGET_COLOUR, "dash": "dash", "width": 3},
            annotation_text=_html(f"{target_label} {format_value(target, unit)}"),
            annotation_position="top right",
            annotation_font={"color": TARGET_COLOUR},
        )
    values = frame[value].astype(float)
    top = max(values.max(), target if target is not None else values.max())
    figure.update_layout(
        template=TEMPLATE_NAME,
        title=_title(title, subtitle),
        barmode="group",
        height=DEFAULT_HEIGHT,
        yaxis={"title": {"text": _axis_title(value_label, unit)}, "range": [min(0.0, values.min() * 1.1), top * 1.15]},
        bargap=0.25,
    )
    return figure


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
) -> go.Figure:
    """Sorted horizontal bars for a distribution (industries, regions, majors …).

    Args:
        frame: One row per category.
        title: Chart title.
        value_label: Name of the value axis.
        unit: Unit of the values.
        category: Column with the labels.
        value: Column with the values.
        highlight: A category drawn in the school colour (the others muted).
        empty_message: What to say when the frame is empty.
        max_rows: Show at most this many rows (largest first).

    Returns:
        The figure.
    """
    if frame.empty:
        return empty_figure(empty_message, title)
    rows = frame.sort_values(value, ascending=False).head(max_rows).iloc[::-1]
    colours = [SCHOOL_COLOUR if highlight is None or c == highlight else "#9fb3cc" for c in rows[category]]
    figure = go.Figure(
        go.Bar(
            x=rows[value],
            y=_labels(rows[category]),
            orientation="h",
            marker_color=colours,
            text=[format_value(v, unit, with_unit=False) for v in rows[value]],
            textposition="outside",
            cliponaxis=False,
        )
    )
    figure.update_layout(
        template=TEMPLATE_NAME,
        title=_title(title, subtitle),
        height=max(320, 42 * len(rows) + 140),
        xaxis={"title": {"text": _axis_title(value_label, unit)}, "range": [0, rows[value].max() * 1.18]},
        showlegend=False,
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
) -> go.Figure:
    """Grouped bars for series without a benchmark role (plan / admitted / registered …)."""
    if frame.empty:
        return empty_figure(empty_message, title)
    figure = go.Figure()
    for position, name in enumerate(dict.fromkeys(frame[series])):
        part = frame[frame[series] == name]
        figure.add_bar(
            name=_html(name),
            x=_labels(part[category]),
            y=part[value],
            marker_color=series_colour(name, position),
            text=[format_value(v, unit, with_unit=False) for v in part[value]],
            textposition="outside",
            textfont={"size": 15},
            cliponaxis=False,
        )
    figure.update_layout(
        template=TEMPLATE_NAME,
        title=_title(title, subtitle),
        barmode="group",
        height=DEFAULT_HEIGHT,
        yaxis={"title": {"text": _axis_title(value_label, unit)}, "range": [0, frame[value].max() * 1.18]},
    )
    return figure


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
) -> go.Figure:
    """Lines over years, one per series (school, benchmark or peer), with an optional target line."""
    if frame.empty:
        return empty_figure(empty_message, title)
    figure = go.Figure()
    for position, name in enumerate(dict.fromkeys(frame[series])):
        part = frame[frame[series] == name].sort_values(x)
        role = part["role"].iloc[0] if "role" in part.columns else name
        figure.add_scatter(
            name=_html(name),
            x=_labels(part[x]),
            y=part[value],
            mode="lines+markers+text",
            line={"color": series_colour(role, position), "width": 4 if role == "本校" else 3},
            marker={"size": 11},
            text=[format_value(v, unit, with_unit=False) for v in part[value]],
            textposition="top center",
        )
    if target is not None:
        figure.add_hline(
            y=target,
            line={"color": TARGET_COLOUR, "dash": "dash", "width": 3},
            annotation_text=_html(f"{target_label} {format_value(target, unit)}"),
            annotation_font={"color": TARGET_COLOUR},
        )
    figure.update_layout(
        template=TEMPLATE_NAME,
        title=_title(title, subtitle),
        height=DEFAULT_HEIGHT,
        xaxis={"title": {"text": _html(x_label)}, "dtick": 1, "tickformat": "d"},
        yaxis={"title": {"text": _axis_title(value_label, unit)}},
    )
    return figure


def bullet(
    *,
    title: str,
    subtitle: str = "",
    value: float | None,
    target: float | None,
    unit: str,
    benchmark: float | None = None,
    benchmark_label: str = "高职",
    status: str = "no_data",
    lower_is_better: bool = False,
    value_label: str = "本校",
    target_label: str = "目标",
) -> go.Figure:
    """A bullet chart: the school's value as a bar, the target as a red line, a benchmark as a marker.

    Args:
        title: The target's label.
        value: Current value (None: no data).
        target: Target value (None: not numeric).
        unit: Unit of value and target.
        benchmark: A benchmark value to mark (e.g. the provincial 高职 average).
        benchmark_label: Name of the benchmark.
        status: Attainment status; colours the bar.
        lower_is_better: For ceilings such as 生师比 18:1.
        value_label: Name of the school's bar.
        target_label: Name of the target line.

    Returns:
        The figure (a short horizontal chart).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return empty_figure("暂无数据 / No data yet", title)
    figure = go.Figure(
        go.Bar(
            x=[value],
            y=[_html(value_label)],
            orientation="h",
            marker_color=STATUS_COLOURS.get(status, SCHOOL_COLOUR),
            text=[format_value(value, unit)],
            textposition="inside",
            insidetextanchor="end",
            textfont={"color": "#ffffff", "size": 18},
            name=_html(value_label),
            width=0.5,
        )
    )
    reference = [v for v in (value, target, benchmark) if v is not None and not math.isnan(v)]
    top = max(reference) * 1.2 if reference else 1
    if target is not None and not math.isnan(target):
        figure.add_vline(
            x=target,
            line={"color": TARGET_COLOUR, "width": 4},
            annotation_text=_html(f"{target_label} {'≤' if lower_is_better else '≥'} {format_value(target, unit)}"),
            annotation_position="top",
            annotation_font={"color": TARGET_COLOUR, "size": 15},
        )
    if benchmark is not None and not math.isnan(benchmark):
        figure.add_scatter(
            x=[benchmark],
            y=[_html(value_label)],
            mode="markers",
            marker={"symbol": "diamond", "size": 16, "color": "#4a5a70"},
            name=_html(f"{benchmark_label} {format_value(benchmark, unit)}"),
        )
    figure.update_layout(
        template=TEMPLATE_NAME,
        title={"text": _html(title), "font": {"size": 17}},
        height=200,
        margin={"l": 60, "r": 30, "t": 70, "b": 40},
        xaxis={"range": [0, top], "title": {"text": _html(unit)}},
        yaxis={"showticklabels": False},
        showlegend=benchmark is not None,
        legend={"y": -0.35, "yanchor": "top"},
    )
    return figure
