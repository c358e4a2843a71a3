"""The national minimum standards (国家基本办学条件, 教发〔2004〕2号) as a chart: a third benchmark beside the
province and the plan, drawn as a line.

Belongs here: the figure of :func:`metrics.minimums.compare_to_minimums` rows — one bar per
standard, as a share of its qualifying threshold, the threshold itself the dashed line at 100 % —
(the ``minimums`` chart kind of ``data/specs/pages.toml``, see :mod:`viz.catalogue`) and the
overview's count in words. No Streamlit.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from metrics.minimums import count_minimums
from viz.charts import _labels, _title, empty_figure, format_value
from viz.i18n import basis_name, t
from viz.names import subject_name
from viz.theme import BAD_COLOUR, NEUTRAL_COLOUR, SCHOOL_COLOUR, TARGET_COLOUR, TEMPLATE_NAME
from viz.vocabulary import DOCUMENT_NAMES_EN

#: Bars longer than this share of their threshold are drawn to it (the number says the rest).
SHOWN_UP_TO_PCT = 250.0


def _written(comparator: str, threshold: float, unit: str, lang: str) -> str:
    """A threshold as the circular writes it: ``≥ 15%``, ``≤ 18 : 1``, ``≥ 4,000 元/生`` (no ``.00``)."""
    decimals = 0 if float(threshold).is_integer() else None
    return f"{'≤' if comparator == '<=' else '≥'} {format_value(threshold, unit, lang=lang, decimals=decimals)}"


def _listed(missing: pd.DataFrame, lang: str) -> str:
    """Standards not drawn, with why: ``生均图书：报告无数据；…`` / ``Books per student: Not in the report; …``."""
    pairs = zip(missing["category"], missing["status"], strict=True)
    return ("；" if lang == "zh" else "; ").join(f"{c}{'：' if lang == 'zh' else ': '}{s}" for c, s in pairs)


def minimum_frame(result: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The chart's data (and export): standard, value, threshold, status, share of the threshold, source."""
    statuses = {
        "met": t("minimum_status_met", lang),
        "below": t("minimum_status_below", lang),
        "restricted": t("minimum_status_below", lang),
        "no_value": t("minimum_status_no_value", lang),
        "no_threshold": t("minimum_status_no_threshold", lang),
    }
    return pd.DataFrame(
        {
            "category": [subject_name(name, lang) for name in result["indicator_zh"].astype(str)],
            "value": result["value"],
            "unit": result["unit"].astype(str),
            "minimum": [
                _written(c, q, u, lang) if not math.isnan(q) else "—"
                for c, q, u in zip(result["comparator"], result["qualified"], result["unit"], strict=True)
            ],
            "status": result["status"].map(statuses),
            "share_of_minimum_pct": result["share_of_minimum_pct"].round(1),
            "basis": result["basis"].map(lambda b: basis_name(b, lang) if b else ""),
            "source_table": result["source_table"].astype(str),
            "source_line": result["source_line"],
            "reference": result["reference"].astype(str),
        }
    )


def minimum_figure(result: pd.DataFrame, *, title: str, subtitle: str, lang: str) -> go.Figure:
    """The chart of a school's figures against the national minimums of its type.

    Each standard is a bar: the school's value as a share of its qualifying threshold; the threshold
    is the dashed line at 100 %. Standards without a value or without a threshold (the document's
    text was not available) are named under the chart, never drawn as zero.

    Args:
        result: :func:`metrics.minimums.compare_to_minimums` rows.
        title: The chart's title.
        subtitle: School and school type.
        lang: ``zh`` or ``en``.
    """
    data = minimum_frame(result, lang)
    drawn = data[data["share_of_minimum_pct"].notna()]
    missing = data[data["share_of_minimum_pct"].isna()]
    if drawn.empty:
        return empty_figure(_listed(missing, lang) or t("no_data", lang), title)
    shown = drawn["share_of_minimum_pct"].clip(upper=SHOWN_UP_TO_PCT)
    colours = [SCHOOL_COLOUR if s >= 100 else BAD_COLOUR for s in drawn["share_of_minimum_pct"]]
    labels = [
        f"{format_value(v, u)}（{m}）" if lang == "zh" else f"{format_value(v, u, lang=lang)} ({m})"
        for v, u, m in zip(drawn["value"], drawn["unit"], drawn["minimum"], strict=True)
    ]
    # A bar cut at the axis's end says so, with its share: 432% and 575% must not look alike.
    labels = [
        f"{label} · {t('minimum_beyond', lang, share=f'{share:,.0f}')}" if share > SHOWN_UP_TO_PCT else label
        for label, share in zip(labels, drawn["share_of_minimum_pct"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=shown,
            y=_labels(drawn["category"]),
            orientation="h",
            marker_color=colours,
            text=labels,
            textposition="auto",  # inside a long bar, after a short one: never past the plot's edge
            insidetextanchor="end",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    figure.add_vline(x=100, line={"color": TARGET_COLOUR, "dash": "dash", "width": 2})  # named in the axis title
    below = [] if missing.empty else _listed(missing, lang).split("；" if lang == "zh" else "; ")
    figure.update_layout(
        template=TEMPLATE_NAME,
        title=_title(title, subtitle),
        height=max(320, 56 * len(drawn) + 160) + 24 * len(below),
        xaxis={
            "title": {"text": f"{t('minimum_share', lang)} · {t('minimum_line', lang)} = 100"},
            "range": [0, SHOWN_UP_TO_PCT * 1.05],
        },
        margin={"b": 110 + 24 * len(below)},
        showlegend=False,
    )
    if below:  # one line each, under the axis title; never drawn as zero
        figure.add_annotation(
            text="<br>".join(below),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="top",
            yshift=-78,
            align="left",
            showarrow=False,
            font={"color": NEUTRAL_COLOUR},
        )
    return figure


def minimum_reference(result: pd.DataFrame, lang: str = "zh") -> str:
    """The document(s) the thresholds are from: ``教发〔2004〕2号`` / ``MoE circular No. 2 of 2004``."""
    documents = dict.fromkeys(r.split(" ")[0] for r in result["reference"].astype(str) if r)
    if lang == "en":
        return ", ".join(DOCUMENT_NAMES_EN.get(d, d) for d in documents)
    return "、".join(documents)


def minimums_sentence(result: pd.DataFrame, lang: str) -> str:
    """The overview's count: ``国家基本办学条件：4 项合格、0 项未达合格线、3 项无数据或无合格值``."""
    return t("minimums_count", lang, **count_minimums(result))
