"""What was read from a report, shown to a planner: the coverage table and the report's years.

Belongs here: rendering a coverage frame (:data:`loaders.read.coverage.COVERAGE_COLUMNS`) — counts per
status, the items that need attention first, every item on request — and the years line (data year
and how it was found, title year, cohorts). Used by the Data page for a stored report and for an
upload before it is confirmed. Everything from the file is shown as plain text (dataframes, ``st.text``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components import dataframe
from loaders.read.coverage import KIND_TEXT, STATUS_TEXT
from viz.i18n import colon, t
from viz.markup import plain
from viz.names import english_references, named

#: Order in which statuses are listed: what needs attention first.
STATUS_ORDER = ["missing", "partial", "found", "not_read", "info"]


def coverage_table(frame: pd.DataFrame, lang: str, *, attention_only: bool) -> pd.DataFrame:
    """The frame as a planner reads it: status and kind in words, the problems in their language.

    Args:
        frame: Coverage rows (store or :func:`loaders.read.coverage.coverage_frame`).
        lang: ``zh`` or ``en``.
        attention_only: Only items not simply read (not found, partly read, notes).

    Returns:
        A display frame with translated column names.
    """
    if attention_only:
        frame = frame[frame["status"].isin(["missing", "partial", "info"])]
    order = {status: i for i, status in enumerate(STATUS_ORDER)}
    frame = frame.assign(_order=frame["status"].map(order)).sort_values(["_order", "position"], kind="stable")
    column = 0 if lang == "zh" else 1
    name = frame["name_zh"] if lang == "zh" else frame["name_en"]
    problems = frame["problems_zh"] if lang == "zh" else frame["problems_en"].map(english_references)
    return pd.DataFrame(
        {
            t("coverage_status", lang): frame["status"].map(lambda s: STATUS_TEXT.get(s, (s, s))[column]),
            t("coverage_item", lang): [
                ("★ " if core else "") + str(n) for core, n in zip(frame["core"], name, strict=True)
            ],
            t("coverage_kind", lang): frame["kind"].map(lambda k: KIND_TEXT.get(k, (k, k))[column]),
            t("table", lang): frame["source_table"]
            .map(lambda x: english_references(x) if lang == "en" else x)
            .replace("", "—"),
            t("line", lang): [str(int(n)) if pd.notna(n) else "—" for n in frame["line"]],
            t("figures", lang): frame["n_values"],
            t("coverage_problems", lang): problems.str.replace("；", "\n").str.replace("; ", "\n"),
        }
    )


def _columns(lang: str) -> dict[str, object]:
    """Column widths that keep the reasons readable at 1366 px."""
    small = {
        key: st.column_config.TextColumn(width="small") for key in ("coverage_status", "coverage_kind", "table", "line")
    }
    return {
        **{t(key, lang): column for key, column in small.items()},
        t("figures", lang): st.column_config.NumberColumn(width="small"),
        t("coverage_item", lang): st.column_config.TextColumn(width="medium"),
        t("coverage_problems", lang): st.column_config.TextColumn(width="large"),
    }


def show_coverage(frame: pd.DataFrame, lang: str, *, key: str) -> None:
    """Counts per status, then the items that need attention, then (on request) every item."""
    counts = frame["status"].value_counts()
    cells = st.columns(4)
    for cell, status in zip(cells, ["found", "partial", "missing", "not_read"], strict=True):
        label = STATUS_TEXT[status][0 if lang == "zh" else 1].split("（")[0].split(" (")[0]
        cell.metric(label, int(counts.get(status, 0)), border=True)
    core_missing = frame[(frame["core"]) & (frame["status"] == "missing")]
    if not core_missing.empty:
        names = "、".join(core_missing["name_zh" if lang == "zh" else "name_en"].astype(str))
        st.warning(t("coverage_core_missing", lang, names=names), icon=":material/warning:")
    st.caption(t("coverage_legend", lang))
    attention = coverage_table(frame, lang, attention_only=True)
    if attention.empty:
        st.success(t("coverage_all_read", lang), icon=":material/check_circle:")
    else:
        st.caption(t("coverage_attention", lang))
        # A list, not a table: each reason wraps in full instead of being cut at the right.
        st.markdown("\n".join(attention_lines(attention, lang, _indicator_names(lang))))
    with st.expander(t("coverage_every_item", lang)):
        dataframe(
            coverage_table(frame, lang, attention_only=False),
            hide_index=True,
            width="stretch",
            column_config=_columns(lang),
            key=f"{key}_all",
        )


def _indicator_names(lang: str) -> dict[str, str]:
    from dashboard import store

    registry = store.indicators()
    return dict(zip(registry["indicator_id"], registry["name_zh" if lang == "zh" else "name_en"], strict=True))


def attention_lines(attention: pd.DataFrame, lang: str, names: dict[str, str] | None = None) -> list[str]:
    """The rows of :func:`coverage_table` as Markdown list items: status, item, place, reason (all literal;
    indicator ids in a reason written as their ``names``)."""
    status, item, table, line, figures, problems = (
        t(key, lang) for key in ("coverage_status", "coverage_item", "table", "line", "figures", "coverage_problems")
    )
    lines = []
    for row in attention.to_dict("records"):
        place = " · ".join(
            part
            for part in (
                str(row[table]) if row[table] != "—" else "",
                f"{t('line', lang)} {row[line]}" if row[line] != "—" else "",
                f"{row[figures]} {t('figures', lang)}" if int(row[figures] or 0) else "",
            )
            if part
        )
        reason = named(str(row[problems] or "").replace("\n", "；" if lang == "zh" else "; "), names or {})
        text = f"- **{plain(row[status])}** {plain(row[item])}"
        text += f"（{plain(place)}）" if lang == "zh" and place else (f" ({plain(place)})" if place else "")
        lines.append(text + (f"{colon(lang)}{plain(reason)}" if reason else ""))
    return lines


def years_text(data_year: int, basis: str | None, title_year: object, lang: str) -> str:
    """One line: the data year and how it was found, the title year when there is one."""
    text = t("years_line", lang, year=data_year, basis=basis or t("years_unknown_basis", lang))
    if title_year is not None and not pd.isna(title_year):
        text += t("years_title", lang, year=int(title_year))
    return text
