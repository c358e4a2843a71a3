"""Charts of plan targets: one target's bullet, and a plan's measurable targets as progress bars.

Belongs here: figures drawn from :func:`metrics.targets.compute_attainment` rows. Colours are the
status colours of :mod:`viz.theme`; the status words are :data:`viz.i18n.STATUS_NAMES`, the same as
in the tables, the cards and the exports.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from loaders.contracts.vocabulary import SCHOOL_SUBJECT, STATUS_COLOURS
from viz.charts import RATIO_UNIT, UNIT_MARK, _html, empty_figure, format_value, wrap_label
from viz.i18n import status_name, t, unit_name
from viz.names import target_label
from viz.theme import SCHOOL_COLOUR, TARGET_COLOUR, TEMPLATE_NAME

COMPARATOR_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "range": "∈"}


#: Money units an English bullet chart shows in million yuan (the factor to millions), and that unit.
MILLIONS_EN = {"万元": 0.01, "亿元": 100.0}
MILLION_YUAN = "百万元"


def comparator_symbol(comparator: object) -> str:
    """``>=`` → ``≥`` (what a target's comparison looks like in print); unknown or missing → ``""``."""
    return COMPARATOR_SYMBOLS.get(str(comparator), "") if isinstance(comparator, str) else ""


def target_phrase(
    comparator: object, target: object, unit: str, lang: str, low: object = None, high: object = None
) -> str:
    """A target as a reader writes it: ``≥ 98%``, ``≤ 18:1``, ``≥ 480 项`` / ``≥ 480 items``, ``1–2 个``.

    Whole numbers lose their decimals; others are rounded to their unit (:func:`viz.charts.rounded`).
    Missing gives ``—``.
    """

    def number(value: object) -> str:  # as the plan writes it: 98, 1.3, 3,200 (no trailing zeros)
        value = float(value)  # type: ignore[arg-type]
        decimals = 0 if value.is_integer() else len(f"{value:.2f}".rstrip("0").split(".")[1])
        return format_value(value, unit, lang=lang, decimals=decimals)

    if comparator == "range" and not (_missing(low) and _missing(high)):
        if _missing(high):
            return f"≥ {number(low)}"
        if _missing(low):
            return f"≤ {number(high)}"
        return f"{number(low).split(' ')[0].rstrip('%')}–{number(high)}"
    if _missing(target):
        return "—"
    symbol = comparator_symbol(comparator)
    return f"{symbol} {number(target)}".strip()


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


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
    comparator: str = ">=",
    value_label: str = SCHOOL_SUBJECT,
    target_label: str = "目标",
    lang: str = "zh",
) -> go.Figure:
    """A bullet chart: the school's value as a bar in its status colour, the target as a red line.

    The target's label sits on the side of its line that has room, so it is never cut off.

    Args:
        title: The target's name.
        subtitle: What else to say (the status, the target year).
        value: Current value (None: no data — a message instead of a chart).
        target: Target value (None: not numeric).
        unit: Unit of value and target (as stored).
        benchmark: A benchmark value to mark (e.g. the provincial 高职 average).
        benchmark_label: Name of the benchmark.
        status: Attainment status; colours the bar.
        comparator: The target's comparison (``>=``, ``<=`` …), written before it.
        value_label: Name of the school's bar.
        target_label: Name of the target line.
        lang: Language of the units.

    Returns:
        The figure (a short horizontal chart).
    """
    if _missing(value):
        return empty_figure(t("no_data", lang), title)
    if lang == "en" and unit in MILLIONS_EN:  # one unit on the bar, the axis and the target: million yuan
        factor = MILLIONS_EN[unit]
        value, target, benchmark = (None if _missing(v) else float(v) * factor for v in (value, target, benchmark))
        unit = MILLION_YUAN
    figure = go.Figure(
        go.Bar(
            x=[value],
            y=[_html(value_label)],
            orientation="h",
            marker_color=STATUS_COLOURS.get(status, SCHOOL_COLOUR),
            # the unit is on the axis; a bare number fits on its bar (``3,255.21``, not ``… × 10,000 yuan``)
            text=[format_value(value, unit, lang=lang, with_unit=unit in ("%", ":1"))],
            textposition="auto",
            insidetextanchor="start",  # clear of the target's line, which is near or past the bar's end
            textangle=0,  # never turned on its side in a thin bar
            insidetextfont={"color": "#ffffff", "size": 17},
            outsidetextfont={"size": 17},
            cliponaxis=False,
            name=_html(value_label),
            width=0.5,
            hovertemplate=f"%{{x:,.2f}} {_html(unit_name(unit, lang))}<extra></extra>",
        )
    )
    reference = [float(v) for v in (value, target, benchmark) if not _missing(v)]
    top = max(reference) * 1.15 if reference and max(reference) > 0 else 1.0
    if not _missing(target):
        figure.add_vline(x=target, line={"color": TARGET_COLOUR, "width": 4})
        right_side = float(target) < top * 0.5  # the label goes where there is room
        figure.add_annotation(
            x=target,
            y=1,
            yref="paper",
            yanchor="bottom",
            xanchor="left" if right_side else "right",
            showarrow=False,
            text=_html(f"{target_label} {target_phrase(comparator, target, unit, lang)}"),
            font={"color": TARGET_COLOUR, "size": 15},
        )
    if not _missing(benchmark):
        figure.add_scatter(
            x=[benchmark],
            y=[_html(value_label)],
            mode="markers",
            marker={"symbol": "diamond", "size": 16, "color": "#4a5a70"},
            name=_html(f"{benchmark_label} {format_value(benchmark, unit, lang=lang)}"),
        )
    heading = wrap_label(title, 16)
    two_lines = 24 if "<br>" in heading else 0  # a title on two lines pushes the subtitle down
    figure.update_layout(
        template=TEMPLATE_NAME,
        title={
            "text": heading,
            "font": {"size": 17},
            "subtitle": {"text": _html(subtitle), "font": {"size": 14, "color": "#5b6577"}},
        },
        height=250 + two_lines,
        margin={"l": 20, "r": 20, "t": 124 + two_lines, "b": 40},  # title, subtitle, then the target's label
        # A ratio's values say ": 1" themselves; its axis needs no title of ":1" alone.
        xaxis={"range": [0, top], "title": {"text": "" if unit == RATIO_UNIT else _html(unit_name(unit, lang))}},
        yaxis={"showticklabels": False},
        showlegend=not _missing(benchmark),
        legend={"y": -0.35, "yanchor": "top"},
    )
    return figure


def target_progress(
    rows: pd.DataFrame, *, title: str, subtitle: str = "", names: dict[str, str] | None = None, lang: str = "zh"
) -> go.Figure:
    """A plan's measurable targets as horizontal bars of progress (0–100 %), coloured by status.

    Args:
        rows: :func:`metrics.targets.compute_attainment` rows with a current value.
        title: Chart title (the plan).
        subtitle: The school and the filters.
        names: ``indicator_id`` → display name (English pages); the plan's own label otherwise.
        lang: Language of the status words.

    Returns:
        The figure; a message when no target has a value.
    """
    measured = rows[rows["progress_pct"].notna()] if not rows.empty else rows
    if measured.empty:
        return empty_figure(t("no_data", lang), title)
    labels = [
        target_label(r.get("indicator_id"), r.get("subject"), r.get("label_zh"), names or {}, lang)
        for r in measured.to_dict("records")
    ]
    statuses = measured["status"].astype(str).tolist()
    figure = go.Figure(
        go.Bar(
            x=measured["progress_pct"],
            y=[wrap_label(label, 24) for label in labels],  # one line where it fits: the rows are close
            orientation="h",
            marker_color=[STATUS_COLOURS.get(s, SCHOOL_COLOUR) for s in statuses],
            text=[
                f"{p:.0f}% · {_html(status_name(s, lang))}"
                for p, s in zip(measured["progress_pct"], statuses, strict=True)
            ],
            textposition="auto",
            insidetextanchor="end",
            textangle=0,  # never turned on its side in a thin bar
            insidetextfont={"color": "#ffffff"},
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.0f}%<extra></extra>",
        )
    )
    figure.add_vline(x=100, line={"color": TARGET_COLOUR, "dash": "dash", "width": 2})
    figure.update_layout(
        template=TEMPLATE_NAME,
        title={"text": _html(title), "subtitle": {"text": _html(subtitle), "font": {"size": 15}}},
        height=max(420, 190 + 40 * len(measured)),
        xaxis={"range": [0, 105], "title": {"text": _html(t("progress", lang) + " (%)")}, "ticksuffix": "%"},
        yaxis={"autorange": "reversed"},
        showlegend=False,
        meta={UNIT_MARK: "%"},  # progress: a slide splits its targets rather than summing the rest
    )
    return figure
