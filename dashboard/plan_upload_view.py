"""The Data page's 载入规划 section: the plan-targets template, and a college's plan uploaded, previewed and loaded.

Belongs here: drawing the section — the template's download button (for everyone), and for an
unlocked planner the uploader, the fields a plan document may not state (title, issuer, scope, whom
it applies to), the preview of what was read (counts, and every row not fully understood, before
anything is written) and the confirm button. Reading and writing are :mod:`dashboard.planner`'s.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import planner
from dashboard.components import dataframe
from dashboard.widgets import choice_texts
from loaders.contracts.errors import LoadError
from loaders.plans.load import PlanRead, plan_summary
from loaders.plans.workbook import plan_template_bytes
from viz.i18n import log_word, t
from viz.markup import plain

SCOPES = ("", "school", "city", "province")
#: A row's status in the read report → its words.
STATUS_KEYS = {
    "unmapped": "plan_status_unmapped",
    "not_understood": "plan_status_not_understood",
    "no_value": "plan_status_no_value",
    "skipped": "plan_status_skipped",
}


def plan_upload_section(lang: str, *, can_write: bool) -> None:
    """Draw 载入规划: the template for everyone; uploading for an unlocked planner on a writable store.

    Args:
        lang: ``zh`` or ``en``.
        can_write: Whether this session may write (planner unlocked, store not read-only).
    """
    st.subheader(t("plan_upload_title", lang))
    st.caption(t("plan_upload_help", lang))
    st.download_button(
        t("plan_template_download", lang),
        data=plan_template_bytes,
        file_name=t("plan_template_file", lang),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="plan_template_download",
        on_click="ignore",
        icon=":material/download:",
        help=t("plan_template_help", lang),
    )
    if not can_write:
        return
    uploaded = st.file_uploader(t("plan_choose_file", lang), key="plan_upload")
    with st.expander(t("plan_document_meta", lang)):
        meta = {
            "title": st.text_input(t("plan_title_field", lang), key="plan_meta_title"),
            "issuer": st.text_input(t("plan_issuer_field", lang), key="plan_meta_issuer"),
            "scope": st.selectbox(
                t("scope", lang),
                SCOPES,
                format_func=lambda s: t(f"scope_{s}", lang) if s else "—",
                key="plan_meta_scope",
                **choice_texts(SCOPES, lang),
            ),
            "applies_to": st.text_input(t("plan_applies_field", lang), key="plan_meta_applies"),
        }
    if uploaded is None:
        return
    data = uploaded.getvalue()
    try:
        with st.spinner(t("parsing", lang)):
            read = planner.parse_plan(data, uploaded.name, meta)
    except LoadError as exc:
        st.error(
            t("plan_rejected", lang, name=plain(uploaded.name), reason=plain(exc.text(lang))), icon=":material/block:"
        )
        return
    show_plan_read(read, lang)
    if st.button(t("plan_confirm", lang), key="plan_confirm", type="primary"):
        try:
            outcome = planner.load_plan(read, data)
        except LoadError as exc:
            st.error(plain(exc.text(lang)), icon=":material/block:")
            return
        action = log_word(outcome.action, lang)
        title = plain(read.plan["title"])
        st.success(t("plan_loaded", lang, plan=title, action=action, n=outcome.n_observations))


def show_plan_read(read: PlanRead, lang: str) -> None:
    """What was read from a plan file: counts, whom it applies to, and every row not fully understood."""
    counts = plan_summary(read)
    scope = read.plan["scope"]
    who = f"{t(f'scope_{scope}', lang)} · {read.plan['applies_to']}"
    st.info(plain(t("plan_read_summary", lang, title=read.plan["title"], who=who, **counts)), icon=":material/flag:")
    if read.report.empty:
        st.success(t("plan_all_understood", lang))
        return
    st.markdown(f"**{t('plan_not_understood', lang)}**")
    dataframe(
        pd.DataFrame(
            {
                t("plan_row_place", lang): read.report["place"],
                t("indicator", lang): read.report["label_zh"],
                t("status", lang): read.report["status"].map(lambda s: t(STATUS_KEYS.get(s, s), lang)),
                t("plan_row_problem", lang): read.report["problems_zh" if lang == "zh" else "problems_en"],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={t("plan_row_problem", lang): st.column_config.TextColumn(width="large")},
    )
