"""Rendering helpers every page uses: a chart with its caption and downloads, and errors.

Only pages (through this module) turn exceptions into messages; no traceback reaches a user.
"""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from viz.exports import Provenance, render_csv, render_xlsx
from viz.i18n import t


def safe_name(text: str) -> str:
    """A file-name-safe version of ``text`` (keeps Chinese, drops path separators and punctuation)."""
    return re.sub(r"[^\w\u4e00-\u9fff-]+", "_", text).strip("_")[:80] or "chart"


def chart(
    figure: go.Figure,
    provenance: Provenance,
    *,
    data: pd.DataFrame | None,
    name: str,
    lang: str,
    key: str,
) -> None:
    """Show a chart with its source caption and CSV/Excel downloads of its data.

    Args:
        figure: The figure (built with the shared template).
        provenance: Source, tables and filters; shown as the caption.
        data: The chart's data for the downloads (None: no downloads).
        name: Base of the download file names (indicator_school_year).
        lang: Interface language.
        key: Unique widget key on the page.
    """
    filename = safe_name(name)
    st.plotly_chart(
        figure,
        theme=None,
        width="stretch",
        key=f"chart_{key}",
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
        },
    )
    st.caption(provenance.caption(lang))
    if data is not None and not data.empty:
        download_row(data, provenance, name=name, lang=lang, key=key)


def show_error(exc: Exception, lang: str) -> None:
    """Show an error in the reader's language and stop the page (no traceback)."""
    message = getattr(exc, "message", None) or str(exc)
    lines = message.splitlines()
    if len(lines) == 2:  # loaders' errors: Chinese line, English line
        message = lines[0] if lang == "zh" else lines[1]
    st.error(f"**{t('error_title', lang)}**\n\n{message}", icon=":material/error:")
    st.stop()


def report_label(school: str, year: int, lang: str) -> str:
    """How a report is named in captions."""
    from dashboard.frames import report_label as label

    return label(school, year, lang)


def render_items(items: list, lang: str) -> None:
    """Lay out :class:`viz.sections.ChartItem` s: half-width ones two to a row, full-width alone."""
    row = None
    slot = 0
    for item in items:
        if item.width == "full":
            chart(item.figure, item.provenance, data=item.data, name=item.file_stem, lang=lang, key=item.key)
            row = None
            continue
        if row is None or slot == 2:
            row = st.columns(2)
            slot = 0
        with row[slot]:
            chart(item.figure, item.provenance, data=item.data, name=item.file_stem, lang=lang, key=item.key)
        slot += 1


def indicator_name(indicators: pd.DataFrame, indicator_id: str, lang: str) -> str:
    """The registry name of an indicator in the reader's language."""
    row = indicators.loc[indicators["indicator_id"] == indicator_id]
    if row.empty:
        return indicator_id
    return str(row["name_zh" if lang == "zh" else "name_en"].iloc[0])


def indicator_unit(indicators: pd.DataFrame, indicator_id: str) -> str:
    """The registry unit of an indicator."""
    row = indicators.loc[indicators["indicator_id"] == indicator_id]
    return "" if row.empty else str(row["unit"].iloc[0])


def kpi_row(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    indicator_ids: list[str],
    *,
    subject: str,
    lang: str,
) -> None:
    """A row of plain KPI cards (value and unit) for indicators of one report and subject."""
    from viz.charts import format_value

    columns = st.columns(len(indicator_ids))
    for column, indicator_id in zip(columns, indicator_ids, strict=True):
        rows = observations[(observations["indicator_id"] == indicator_id) & (observations["subject"] == subject)]
        rows = rows.sort_values("source_line")
        unit = indicator_unit(indicators, indicator_id)
        value = rows["value"].iloc[0] if not rows.empty else None
        column.metric(
            indicator_name(indicators, indicator_id, lang),
            format_value(value, unit),
            help=(
                f"{rows['source_table'].iloc[0]} · {t('line', lang)} {rows['source_line'].iloc[0]}"
                if not rows.empty
                else None
            ),
            border=True,
        )


def target_bullets(rows: pd.DataFrame, *, lang: str, per_row: int = 3, key: str) -> None:
    """Bullet charts (value, target, status) for measurable attainment rows, with captions.

    Args:
        rows: Rows of :func:`metrics.targets.compute_attainment`.
        lang: Interface language.
        per_row: Charts per row.
        key: Widget key prefix.
    """
    from viz.charts import bullet, format_value
    from viz.i18n import status_name

    measurable = rows[rows["status"] != "not_measurable"]
    if measurable.empty:
        st.info(t("no_targets_here", lang))
        return
    columns = st.columns(per_row)
    for position, row in enumerate(measurable.itertuples(index=False)):
        target = row.target_value if pd.notna(row.target_value) else None
        value = row.current_value if pd.notna(row.current_value) else None
        with columns[position % per_row]:
            st.plotly_chart(
                bullet(
                    title=str(row.label_zh),
                    value=value,
                    target=target,
                    unit=str(row.unit) if pd.notna(row.unit) else "",
                    status=str(row.status),
                    lower_is_better=row.comparator == "<=",
                    value_label=t("school_row", lang),
                    target_label=t("target", lang),
                ),
                theme=None,
                width="stretch",
                key=f"{key}_{position}",
                config={"displaylogo": False},
            )
            needed = (
                f"；{t('growth_needed', lang)} {format_value(row.growth_needed_pct, '%')}"
                if pd.notna(row.growth_needed_pct) and row.status not in ("met",)
                else ""
            )
            st.caption(
                f"{status_name(str(row.status), lang)} · {t('target', lang)} {row.target_year}{needed}"
                f" · {t('source', lang)}：{row.source_table or '—'}"
            )


def download_row(data: pd.DataFrame, provenance: Provenance, *, name: str, lang: str, key: str) -> None:
    """CSV and Excel download buttons for a table."""
    filename = safe_name(name)
    row = st.container(horizontal=True)
    row.download_button(
        t("download_csv", lang),
        data=lambda: render_csv(data, provenance),
        file_name=f"{filename}.csv",
        mime="text/csv",
        key=f"csv_{key}",
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        t("download_xlsx", lang),
        data=lambda: render_xlsx(data, provenance),
        file_name=f"{filename}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{key}",
        on_click="ignore",
        icon=":material/table:",
    )


def status_counts(attainment: pd.DataFrame, lang: str) -> None:
    """Cards with the number of targets per status (met, on track, … not measurable)."""
    from viz.i18n import STATUS_NAMES, status_name

    counts = attainment["status"].value_counts()
    present = [s for s in STATUS_NAMES if s in counts.index]
    if not present:
        return
    for column, status in zip(st.columns(len(present)), present, strict=True):
        column.metric(status_name(status, lang), int(counts[status]), border=True)
