"""The upload preview on the Data page: what a parsed file would load, and the button that loads it.

Belongs here: showing a :class:`loaders.LoadResult` before it is written (school, year, format,
what was read and what was not, the figures as a reader's table) and writing it on confirmation.
Everything from the file is shown as plain text (``st.text``, dataframes).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import planner, store
from dashboard.components import dataframe, show_error
from dashboard.coverage_view import show_coverage, years_text
from loaders.contracts.errors import LoadError, SchoolUnknownError, YearUnknownError
from loaders.read.coverage import coverage_frame
from loaders.read.holds import reason_text
from viz.i18n import log_word, t, unit_name
from viz.markup import plain
from viz.names import subject_name, table_name

#: Session key of what the planner said of an uploaded file: ``(sha256, {"school": …, "report_year": …})``.
GIVEN = "_upload_given"


def given_for(sha256: str) -> dict[str, object]:
    """What the planner said of this file (the school, the data year) in this session; ``{}`` for another file."""
    kept = st.session_state.get(GIVEN)
    return dict(kept[1]) if kept and kept[0] == sha256 else {}


def asks_for_given(exc: LoadError) -> bool:
    """Whether a refusal is one the planner can answer by naming the school or the year."""
    return isinstance(exc, SchoolUnknownError | YearUnknownError)


def ask_school_and_year(sha256: str, exc: LoadError, lang: str) -> None:
    """The fields for a document that does not say its school or year; the file is read again with them.

    Only what the document lacks is asked (what was given before stays filled); nothing is guessed.
    """
    given = given_for(sha256)
    st.info(t("given_ask", lang), icon=":material/edit_note:")
    with st.form("upload_given"):
        school = given.get("school")
        if isinstance(exc, SchoolUnknownError) or school:
            school = st.text_input(
                t("given_school", lang), value=str(school or ""), max_chars=60, placeholder=t("given_school_hint", lang)
            )
        year = given.get("report_year")
        if isinstance(exc, YearUnknownError) or year:
            year = st.number_input(
                t("given_year", lang), min_value=1990, max_value=2100, value=year, step=1,
                placeholder=t("given_year_hint", lang),
            )  # fmt: skip
        if st.form_submit_button(t("given_read", lang), type="primary"):
            said = {"school": (school or "").strip() or None, "report_year": int(year) if year else None}
            st.session_state[GIVEN] = (sha256, {k: v for k, v in said.items() if v is not None})
            st.rerun()


def indicator_label(ids: pd.Series, names: dict[str, str]) -> pd.Series:
    """Indicator ids as their names in the reader's language (an id the registry lacks stays as it is)."""
    return ids.astype(str).map(lambda i: names.get(i, i))


def preview_table(observations: pd.DataFrame, lang: str, names: dict[str, str] | None = None) -> pd.DataFrame:
    """A parsed file's figures as a planner reads them: indicator (by name), row, year, value, unit, table,
    line (and why a figure would be held back, when one would)."""
    names = names or {}
    frame = pd.DataFrame(
        {
            t("indicator", lang): indicator_label(observations["indicator_id"], names),
            t("subject", lang): observations["subject"].map(lambda s: subject_name(s, lang)),
            t("year", lang): observations["year"],
            t("value", lang): observations["value"],
            t("unit", lang): observations["unit"].map(lambda u: unit_name(str(u), lang)),
            t("table", lang): observations["source_table"].map(lambda x: table_name(x, lang)),
            t("line", lang): observations["source_line"],
        }
    )
    reasons = _reasons(observations, lang)
    if reasons.ne("").any():
        frame[t("held_reason", lang)] = reasons.to_numpy()
    return frame


def _reasons(observations: pd.DataFrame, lang: str) -> pd.Series:
    if "held_reason" not in observations.columns:
        return pd.Series([""] * len(observations), index=observations.index, dtype="str")
    return observations["held_reason"].map(lambda r: reason_text(r, lang)).astype("str")


def lost_table(figures: pd.DataFrame, lang: str, names: dict[str, str] | None = None) -> pd.DataFrame:
    """The figures a replacement would lose (:class:`~loaders.store.replacing.ReplacementLoss`), in words."""
    return pd.DataFrame(
        {
            t("indicator", lang): indicator_label(figures["indicator_id"], names or {}),
            t("subject", lang): figures["subject"].map(lambda s: subject_name(s, lang)),
            t("year", lang): figures["year"],
            t("value", lang): figures["value"],
            t("unit", lang): figures["unit"].map(lambda u: unit_name(str(u), lang)),
            t("table", lang): figures["source_table"].map(lambda x: table_name(x, lang)),
            t("line", lang): figures["source_line"],
        }
    )


def _replacement(result, lang: str) -> bool:
    """Show what replacing the stored report would lose; returns whether the planner may go on."""
    loss = store.replacement_loss(result)
    if loss is None or not loss.loses:
        return True
    st.error(
        t("replace_loses", lang, n=len(loss.figures), m=len(loss.core_items), stored=loss.n_stored, new=loss.n_new),
        icon=":material/warning:",
    )
    if loss.core_items:
        names = (
            "、".join(zh for _, zh, _ in loss.core_items)
            if lang == "zh"
            else "; ".join(en for _, _, en in loss.core_items)
        )
        st.text(t("replace_lost_core", lang, names=names))
    if len(loss.figures):
        st.caption(t("replace_lost_figures", lang))
        dataframe(
            lost_table(loss.figures, lang, _names(lang)), hide_index=True, width="stretch", height=240, key="lost"
        )
    return st.checkbox(t("replace_confirm_loss", lang), key="replace_sure")


def confirm_upload(result, data: bytes, reports: pd.DataFrame, lang: str) -> bool:
    """The preview of a parsed upload and its confirm button (see the module docstring).

    Returns:
        Whether the upload was written (or found unchanged) in this run.
    """
    st.subheader(t("preview", lang))
    seen_versions = st.session_state.setdefault("_upload_seen", {})
    key = (result.sha256, result.report_id)
    if key not in seen_versions:  # what the store held when this preview was first shown
        seen_versions[key] = planner.stored_version(store.cursor(), result.report_id)
    existing = reports[reports["report_id"] == result.report_id]
    if not existing.empty and (existing["n_observations"].iloc[0] > 0):
        st.warning(t("replaces", lang))
    st.text(  # plain text: nothing from the file is read as Markdown or HTML
        f"{t('school_label', lang)}: {result.school} · {result.report_year} · {t('format_' + result.format_used, lang)}"
        f" · {len(result.observations)} {t('figures', lang)} · {t('file_label', lang)}: {result.source_file}"
    )
    for note in result.notes:
        st.text(note)
    if result.years is not None:
        st.text(years_text(result.report_year, getattr(result.years, f"basis_{lang}"), result.years.title_year, lang))
    if result.coverage:
        st.caption(t("preview_coverage", lang))
        show_coverage(coverage_frame(result.coverage), lang, key="preview")
    held = int(_reasons(result.observations, lang).ne("").sum())
    if held:
        st.warning(t("held_preview", lang, n=held), icon=":material/help:")
    dataframe(preview_table(result.observations, lang, _names(lang)), hide_index=True, width="stretch", height=300)
    allowed = _replacement(result, lang)  # replacing is a decision: what would be lost, and a confirmation
    # A key keeps the button one widget when the page above it changes (another planner's load adds
    # the "replaces" warning): the click counts, and the check below tells the planner.
    if st.button(t("confirm_load", lang), type="primary", key="confirm_load", disabled=not allowed):
        with st.spinner(t("confirm_load", lang)):
            try:  # busy, a value the database refuses, a store changed underneath: a message
                outcome = planner.load(result, data, seen_versions[key], allow_loss=allowed)
            except planner.ReplacedMeanwhile as exc:  # told, and asked again: the next click replaces it
                seen_versions[key] = exc.current
                st.warning(plain(exc.text(lang)), icon=":material/group:")
                return False
            except LoadError as exc:
                show_error(exc, lang)
        if outcome.action == "unchanged":
            st.info(t("unchanged", lang))
        else:
            st.success(
                t(
                    "loaded_ok",
                    lang,
                    report=plain(result.report_id),
                    action=log_word(outcome.action, lang),
                    n=outcome.n_observations,
                )
            )
        st.button(
            t("open_loaded_overview", lang, school=result.school, year=result.report_year),
            icon=":material/dashboard:",
            on_click=open_overview,
            args=(result.school, int(result.report_year)),
            key="open_loaded",
        )
        return True
    return False


#: Session key: open the 总览 of the school just loaded at the start of the next run.
GO_OVERVIEW = "open_loaded_overview"


def open_overview(school: str, year: int) -> None:
    """The button's callback: choose the loaded school and year (before the sidebar is drawn) and ask
    the Data page to switch to 总览 (:func:`follow_open_overview`)."""
    st.session_state["f_school"] = school
    st.session_state["f_year"] = str(year)
    st.session_state[GO_OVERVIEW] = True


def follow_open_overview() -> None:
    """At the top of the Data page: go to 总览 when the loaded school's button asked for it."""
    if st.session_state.pop(GO_OVERVIEW, False):
        params = {name: st.query_params.get_all(name) for name in st.query_params if name != "tab"}
        st.switch_page("pages/overview.py", query_params=params)  # the link names the loaded school


def _names(lang: str) -> dict[str, str]:
    """``indicator_id → name`` in ``lang`` from the registry."""
    registry = store.indicators()
    return dict(zip(registry["indicator_id"], registry["name_zh" if lang == "zh" else "name_en"], strict=True))
