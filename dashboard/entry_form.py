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
from dashboard.components import dataframe, show_error, unlock_form
from dashboard.downloads import download_row
from dashboard.widgets import choice_texts
from loaders.contracts.errors import LoadError
from loaders.contracts.plausible import entry_years
from viz.entries import entries_table, entry_problems, required
from viz.exports import Provenance
from viz.i18n import log_word, t
from viz.markup import plain


def entries_section(
    plan: pd.Series, school: str, attainment: pd.DataFrame, describe: str, lang: str, report_year: int | None = None
) -> None:
    """Show the plan's entries for the school and, to a planner, the form to enter and change them.

    Args:
        plan: The plan's row (``plan_id``, ``title``).
        school: The chosen school.
        attainment: The plan's attainment rows (the targets a value can be entered for, with units).
        describe: The active filters in words (for the export's provenance).
        lang: ``zh`` or ``en``.
        report_year: The year of the report being viewed: a new entry's year starts there.
    """
    st.header(t("entries_title", lang))
    st.caption(t("entries_help", lang))
    flash = st.session_state.pop(FLASH, None)  # what the last save or delete did, said after the rerun
    if flash:
        st.success(flash, icon=":material/check_circle:")
    entries = store.entries(str(plan["plan_id"]))
    entries = entries[entries["school"] == school]
    if entries.empty:
        st.info(t("entries_none", lang), icon=":material/edit_note:")
    else:
        table = entries_table(entries, lang)
        dataframe(table, hide_index=True, width="stretch", key="entries_table")
        provenance = Provenance(f"{plan['title']}；{school}", (t("entry_table", "zh"),), describe)
        download_row(table, provenance, name=f"{t('entries_export', lang)}_{school}", lang=lang, key="entries")
    if store.is_read_only():
        st.info(t("read_only", lang), icon=":material/visibility:")
    elif auth.planner_password() is None:
        st.info(t("entries_disabled", lang), icon=":material/lock:")
        problem = auth.secrets_problem()  # a secrets file that cannot be read, said rather than passed over
        if problem is not None:
            st.warning(plain(problem.text(lang)), icon=":material/warning:")
    elif not auth.is_planner():
        st.caption(t("entries_locked", lang))
        unlock_form("unlock_entries", lang, input_key="entries_password")
    else:
        numeric = attainment[~attainment["comparator"].isin(["text", ""])]
        year = report_year if report_year is not None else date.today().year - 1
        start = plan.get("start_year")
        first, last = entry_years(None if pd.isna(start) else int(start), int(plan["target_year"]))
        if not first <= year <= last:  # the viewed report lies outside the years an entry may be for
            st.caption(t("entry_year_window", lang, year=year, first=first, last=last))
        _entry_form(str(plan["plan_id"]), school, numeric, entries, lang, min(max(year, first), last), (first, last))


#: Session keys: the message of the last save or delete (shown after the rerun that refreshes the
#: counts), and a request to clear the form (set before the rerun: a widget's value can only be reset
#: before the widget is drawn).
FLASH = "entry_flash"
RESET = "entry_reset"


def _entry_form(
    plan_id: str,
    school: str,
    targets: pd.DataFrame,
    entries: pd.DataFrame,
    lang: str,
    default_year: int,
    window: tuple[int, int],
) -> None:
    labels = list(dict.fromkeys(targets["label_zh"].astype(str)))
    units = dict(zip(targets["label_zh"].astype(str), targets["unit"].fillna("").astype(str), strict=False))
    by_id = {str(row.entry_id): row for row in entries.itertuples(index=False)}
    if st.session_state.pop(RESET, False) or st.session_state.get("entry_pick") not in (None, *by_id):
        st.session_state["entry_pick"] = None
    picked = st.selectbox(
        t("entry_pick", lang),
        list(by_id),
        index=None,
        format_func=lambda i: f"{by_id[i].label_zh} · {by_id[i].year} · {by_id[i].value:g}{by_id[i].unit}",
        key="entry_pick",
        **choice_texts(by_id, lang),
    )
    current = by_id.get(picked) if picked else None
    generation = st.session_state.get("entry_generation", 0)  # a new form after each save or delete
    suffix = picked or ("new" if generation == 0 else f"new_{generation}")  # widgets start from the entry's values
    with st.form(f"entry_form_{suffix}"):
        st.caption(t("entry_required_help", lang))
        label = st.selectbox(
            required(t("entry_target", lang), lang),
            labels,
            index=labels.index(current.label_zh) if current is not None and current.label_zh in labels else None,
            format_func=lambda x: f"{x}（{units.get(x) or '—'}）",
            key=f"entry_target_{suffix}",
            **choice_texts(labels, lang),
        )
        slots = {"target": st.empty()}
        left, right = st.columns(2)
        year = left.number_input(
            t("entry_year", lang),
            min_value=window[0],
            max_value=window[1],
            value=int(current.year) if current is not None else int(default_year),
            step=1,
            key=f"entry_year_{suffix}",
        )
        value = right.number_input(
            required(t("entry_value_unit", lang, unit=units.get(label or "", "") or "—"), lang),
            value=float(current.value) if current is not None else None,
            format="%g",
            key=f"entry_value_{suffix}",
        )
        slots["value"] = right.empty()
        source = st.text_input(
            required(t("entry_source", lang), lang),
            value=str(current.source_document) if current is not None else "",
            placeholder=t("entry_source_help", lang),
            key=f"entry_source_{suffix}",
        )
        slots["source"] = st.empty()
        note = st.text_area(
            t("entry_note", lang), value=str(current.note) if current is not None else "", key=f"entry_note_{suffix}"
        )
        author = st.text_input(
            required(t("entry_author", lang), lang),
            value=str(current.author) if current is not None else "",
            key=f"entry_author_{suffix}",
        )
        slots["author"] = st.empty()
        if st.form_submit_button(t("entry_save", lang), type="primary"):
            problems = entry_problems(label, value, source, author, lang)
            for field, message in problems.items():  # each next to its field
                slots[field].error(message, icon=":material/error:")
            if not problems:
                try:
                    entry, outcome = entering.save(
                        plan_id,
                        str(label),
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
                st.session_state[FLASH] = t(
                    "entry_saved", lang, action=log_word(outcome, lang), what=plain(_what(entry))
                )
                _fresh_form()
                st.rerun()  # the table, the counts and the charts above read the new entry
    if current is not None:
        with st.form(f"entry_delete_{suffix}"):
            sure = st.checkbox(t("entry_delete_confirm", lang), key=f"entry_sure_{suffix}")
            if st.form_submit_button(t("entry_delete", lang)) and sure:
                try:
                    gone = entering.delete(str(picked))
                except LoadError as exc:
                    show_error(exc, lang)
                if gone is not None:
                    st.session_state[FLASH] = t("entry_deleted", lang, what=plain(_what(gone)))
                _fresh_form()
                st.rerun()


def _fresh_form() -> None:
    """After a save or a delete: nothing picked and an empty new form at the next run."""
    st.session_state[RESET] = True
    st.session_state["entry_generation"] = st.session_state.get("entry_generation", 0) + 1


def _what(entry: dict) -> str:
    return f"{entry['label_zh']} · {entry['year']} · {entry['value']:g}{entry['unit']}"
