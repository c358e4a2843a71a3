"""Figures held back, shown on the Data page: why each is in doubt, and a planner's form to accept one.

Belongs here: the list of a report's held-back figures (:func:`dashboard.store.held_observations`:
the one read that includes them; every other read leaves them out, see :mod:`loaders.read.holds`), their
state (held back, or accepted by whom and when), and the acceptance form (planner password, as the
Data page's other writes; the acceptance is logged and kept for rebuilds). Everything from the file is
shown as plain text (dataframes, ``st.text``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, planner, store
from dashboard.components import dataframe, show_error, unlock_form
from dashboard.widgets import choice_texts
from loaders.contracts.errors import LoadError
from loaders.read.holds import reason_text
from viz.charts import format_value
from viz.i18n import t
from viz.markup import plain
from viz.names import subject_name, table_name

#: Session key of the message shown after an acceptance (the page runs again on the new data first).
_FLASH = "_held_accepted"


def held_table(frame: pd.DataFrame, acceptances: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Held (and accepted) figures as a planner reads them: figure, value, table, line, reason, state.

    Args:
        frame: A report's figures with ``held_reason`` and ``is_held`` (only rows with a reason are shown).
        acceptances: The report's acceptances (``source_line``, ``indicator_id``, ``subject``, ``year``,
            ``accepted_by``, ``accepted_at``).
        lang: ``zh`` or ``en``.
    """
    rows = frame[frame["held_reason"].fillna("").astype(str) != ""]
    by_key = {
        (int(a.source_line), str(a.indicator_id), str(a.subject), int(a.year)): a
        for a in acceptances.itertuples(index=False)
    }

    def state(row: object) -> str:
        if row.is_held:
            return t("held_state_held", lang)
        found = by_key.get((int(row.source_line), str(row.indicator_id), str(row.subject), int(row.year)))
        who = found.accepted_by if found is not None else "—"
        when = str(found.accepted_at)[:16].replace("T", " ") if found is not None else "—"
        return t("held_state_accepted", lang, who=who, when=when)

    name = "name_zh" if lang == "zh" else "name_en"
    return pd.DataFrame(
        {
            t("indicator", lang): rows[name].astype(str),
            t("subject", lang): rows["subject"].map(lambda s: subject_name(s, lang)),
            t("year", lang): rows["year"].astype(str),
            t("value", lang): [format_value(v, u, lang=lang) for v, u in zip(rows["value"], rows["unit"], strict=True)],
            t("table", lang): rows["source_table"].map(lambda x: table_name(x, lang)),
            t("line", lang): rows["source_line"].astype(str),
            t("held_reason", lang): rows["held_reason"].map(lambda r: reason_text(r, lang)),
            t("held_state", lang): [state(row) for row in rows.itertuples(index=False)],
        }
    )


def show_held(report_id: str, lang: str) -> None:
    """The report's held-back figures and, for a planner, the form that accepts one."""
    st.subheader(t("held_title", lang))
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    frame = store.held_observations(report_id)
    doubtful = frame[frame["held_reason"].fillna("").astype(str) != ""]
    if doubtful.empty:
        st.caption(t("held_none", lang))
        return
    st.caption(t("held_help", lang))
    held_now = doubtful[doubtful["is_held"]].reset_index(drop=True)
    st.warning(t("held_count", lang, n=len(doubtful), accepted=len(doubtful) - len(held_now)), icon=":material/help:")
    dataframe(
        held_table(doubtful, store.acceptances(report_id), lang),
        hide_index=True,
        width="stretch",
        column_config={t("held_reason", lang): st.column_config.TextColumn(width="large")},
        key="held_table",
    )
    if held_now.empty or store.is_read_only():
        return
    if auth.planner_password() is None:
        st.caption(t("held_unlock_help", lang))
        return
    if not auth.is_planner():
        st.caption(t("held_unlock_help", lang))
        unlock_form("unlock_held", lang, input_key="unlock_held_password")
        return
    _accept_form(held_now, lang)


def _label(row: pd.Series, lang: str) -> str:
    name = row["name_zh"] if lang == "zh" else row["name_en"]
    return (
        f"{name} · {subject_name(row['subject'], lang)} · {row['year']} = "
        f"{format_value(row['value'], row['unit'], lang=lang)} · {table_name(row['source_table'], lang)}"
        f" · {t('line', lang)} {row['source_line']}"
    )


def _accept_form(held_now: pd.DataFrame, lang: str) -> None:
    st.markdown(f"**{t('held_accept_title', lang)}**")
    with st.form("accept_held"):
        choice = st.selectbox(
            t("held_accept_pick", lang),
            held_now.index.tolist(),
            format_func=lambda i: _label(held_now.loc[i], lang),
            key="held_pick",
            **choice_texts(held_now.index, lang),
        )
        who = st.text_input(t("held_accept_by", lang), key="held_by", max_chars=40)
        note = st.text_input(t("held_accept_note", lang), key="held_note", max_chars=500)
        sure = st.checkbox(t("held_accept_sure", lang), key="held_sure")
        if st.form_submit_button(t("held_accept_button", lang)) and choice is not None and sure:
            row = held_now.loc[choice]
            figure = {
                "report_id": str(row["report_id"]),
                "source_line": int(row["source_line"]),
                "indicator_id": str(row["indicator_id"]),
                "subject": str(row["subject"]),
                "year": int(row["year"]),
            }
            try:
                planner.accept(figure, who, note)
            except LoadError as exc:
                show_error(exc, lang)
            # the data changed: the page runs again on the new version and says what was done
            st.session_state[_FLASH] = t("held_accepted_ok", lang, figure=plain(_label(row, lang)))
            st.rerun()
