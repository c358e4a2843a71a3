"""The 填报 section of the 规划对标 page: everyone sees the entries; a planner enters, changes, deletes.

Belongs here: laying out the entries table (with its download, source documents included), the
unlock form for a session that is not yet a planner, and the entry form. Writes go through
:mod:`dashboard.entering`; nothing here touches the store directly.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import auth, entering, store
from dashboard.components import show_error, unlock_form
from dashboard.downloads import download_row
from dashboard.widgets import choice_texts
from loaders.contracts.errors import LoadError
from viz.entries import entries_table
from viz.exports import Provenance
from viz.i18n import log_word, t
from viz.markup import plain


def entries_section(plan: pd.Series, school: str, attainment: pd.DataFrame, describe: str, lang: str) -> None:
    """Show the plan's entries for the school and, to a planner, the form to enter and change them.

    Args:
        plan: The plan's row (``plan_id``, ``title``).
        school: The chosen school.
        attainment: The plan's attainment rows (the targets a value can be entered for, with units).
        describe: The active filters in words (for the export's provenance).
        lang: ``zh`` or ``en``.
    """
    st.header(t("entries_title", lang))
    st.caption(t("entries_help", lang))
    entries = store.entries(str(plan["plan_id"]))
    entries = entries[entries["school"] == school]
    if entries.empty:
        st.info(t("entries_none", lang), icon=":material/edit_note:")
    else:
        table = entries_table(entries, lang)
        st.dataframe(table, hide_index=True, width="stretch", key="entries_table")
        provenance = Provenance(f"{plan['title']}；{school}", (t("entry_table", "zh"),), describe)
        download_row(table, provenance, name=f"{t('entries_export', lang)}_{school}", lang=lang, key="entries")
    if store.is_read_only():
        st.info(t("read_only", lang), icon=":material/visibility:")
    elif auth.planner_password() is None:
        st.info(t("entries_disabled", lang), icon=":material/lock:")
    elif not auth.is_planner():
        st.caption(t("entries_locked", lang))
        unlock_form("unlock_entries", lang, input_key="entries_password")
    else:
        numeric = attainment[~attainment["comparator"].isin(["text", ""])]
        _entry_form(str(plan["plan_id"]), school, numeric, entries, lang)


def _entry_form(plan_id: str, school: str, targets: pd.DataFrame, entries: pd.DataFrame, lang: str) -> None:
    labels = list(dict.fromkeys(targets["label_zh"].astype(str)))
    units = dict(zip(targets["label_zh"].astype(str), targets["unit"].fillna("").astype(str), strict=False))
    by_id = {str(row.entry_id): row for row in entries.itertuples(index=False)}
    picked = st.selectbox(
        t("entry_pick", lang),
        list(by_id),
        index=None,
        format_func=lambda i: f"{by_id[i].label_zh} · {by_id[i].year} · {by_id[i].value:g}{by_id[i].unit}",
        key="entry_pick",
        **choice_texts(by_id, lang),
    )
    current = by_id.get(picked) if picked else None
    suffix = picked or "new"  # widgets start from the picked entry's values
    with st.form(f"entry_form_{suffix}"):
        label = st.selectbox(
            t("entry_target", lang),
            labels,
            index=labels.index(current.label_zh) if current is not None and current.label_zh in labels else None,
            format_func=lambda x: f"{x}（{units.get(x) or '—'}）",
            key=f"entry_target_{suffix}",
            **choice_texts(labels, lang),
        )
        left, right = st.columns(2)
        year = left.number_input(
            t("entry_year", lang),
            min_value=1990,
            max_value=2100,
            value=int(current.year) if current is not None else date.today().year - 1,
            step=1,
            key=f"entry_year_{suffix}",
        )
        value = right.number_input(
            t("entry_value_unit", lang, unit=units.get(label or "", "") or "—"),
            value=float(current.value) if current is not None else None,
            format="%g",
            key=f"entry_value_{suffix}",
        )
        source = st.text_input(
            t("entry_source", lang),
            value=str(current.source_document) if current is not None else "",
            placeholder=t("entry_source_help", lang),
            key=f"entry_source_{suffix}",
        )
        note = st.text_area(
            t("entry_note", lang), value=str(current.note) if current is not None else "", key=f"entry_note_{suffix}"
        )
        author = st.text_input(
            t("entry_author", lang),
            value=str(current.author) if current is not None else "",
            key=f"entry_author_{suffix}",
        )
        if st.form_submit_button(t("entry_save", lang), type="primary"):
            if not label or value is None:
                st.error(f"{t('entry_target', lang)} / {t('entry_value', lang)}: —")
            else:
                try:
                    entry, outcome = entering.save(
                        plan_id,
                        label,
                        school=school,
                        year=int(year),
                        value=float(value),
                        source_document=source,
                        note=note,
                        author=author,
                        entry_id=picked,
                    )
                except LoadError as exc:
                    show_error(exc, lang)
                st.success(t("entry_saved", lang, action=log_word(outcome, lang), what=plain(_what(entry))))
    if current is not None:
        with st.form(f"entry_delete_{suffix}"):
            sure = st.checkbox(t("entry_delete_confirm", lang), key=f"entry_sure_{suffix}")
            if st.form_submit_button(t("entry_delete", lang)) and sure:
                try:
                    gone = entering.delete(str(picked))
                except LoadError as exc:
                    show_error(exc, lang)
                if gone is not None:
                    st.success(t("entry_deleted", lang, what=plain(_what(gone))))


def _what(entry: dict) -> str:
    return f"{entry['label_zh']} · {entry['year']} · {entry['value']:g}{entry['unit']}"
