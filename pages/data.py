"""数据 Data: what is loaded, provenance of any figure, the check-up, and loading new data."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboard import auth, frames, gate, planner, store
from dashboard.components import dataframe, show_error, unlock_form
from dashboard.coverage_view import show_coverage, years_text
from dashboard.downloads import download_row
from dashboard.held_view import show_held
from dashboard.plan_upload_view import plan_upload_section
from dashboard.state import current
from dashboard.upload_preview import (
    ask_school_and_year,
    asks_for_given,
    confirm_upload,
    follow_open_overview,
    given_for,
)
from dashboard.widgets import choice_texts
from loaders.contracts.errors import LoadError
from loaders.contracts.paths import REPORTS_DIR
from loaders.contracts.settings import setting
from loaders.read.workbook_write import template_bytes
from metrics.errors import MetricsError
from viz.charts import format_value
from viz.exports import Provenance
from viz.i18n import check_name, colon, log_word, t
from viz.markup import plain
from viz.names import english_references, local_times, plan_issuer, plan_title, subject_name, table_name
from viz.sections import report_label


def loaded_tab() -> None:
    """The 已载入 tab: the reports and plans in the store (drawn last, so that what this run loaded is in it)."""
    st.subheader(t("reports", lang))
    reports = store.reports()  # read after the upload tab ran: a report just loaded is listed
    basis = "year_basis_zh" if lang == "zh" else "year_basis_en"
    dataframe(
        pd.DataFrame(
            {
                t("school", lang): reports["school"],
                t("report_year", lang): reports["report_year"].astype(str),
                t("year_basis", lang): reports[basis],
                t("title_year", lang): reports["title_year"].map(lambda y: "—" if pd.isna(y) else str(int(y))),
                t("source_file", lang): reports["source_file"],
                t("format", lang): reports["format"].map(lambda x: t(f"format_{x}", lang)),
                t("figures", lang): reports["n_observations"],
                t("loaded_at", lang): local_times(reports["loaded_at"]),
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={  # every column visible on a 1366-px screen beside the sidebar (≈ 890 px)
            t("school", lang): st.column_config.TextColumn(width=130),
            t("report_year", lang): st.column_config.TextColumn(width=60),
            t("year_basis", lang): st.column_config.TextColumn(width=170),
            t("title_year", lang): st.column_config.TextColumn(width=60),
            t("source_file", lang): st.column_config.TextColumn(width=170),
            t("format", lang): st.column_config.TextColumn(width=56),
            t("figures", lang): st.column_config.NumberColumn(width=60),
            t("loaded_at", lang): st.column_config.TextColumn(width=130),
        },
    )
    st.subheader(t("plans", lang))
    plans = store.plans()
    counts = store.targets().groupby("plan_id").size().rename("n_targets")
    plans = plans.join(counts, on="plan_id")
    dataframe(
        pd.DataFrame(
            {
                t("plan", lang): [
                    plan_title(i, x, lang) for i, x in zip(plans["plan_id"], plans["title"], strict=True)
                ],
                t("issuer", lang): [
                    plan_issuer(i, x, lang) for i, x in zip(plans["plan_id"], plans["issuer"], strict=True)
                ],
                t("scope", lang): plans["scope"].map(lambda x: t(f"scope_{x}", lang)),
                t("year", lang): plans["target_year"].map(lambda y: "—" if pd.isna(y) else str(int(y))),
                t("source_file", lang): plans["source_file"],
                t("targets_count", lang): plans["n_targets"].fillna(0).astype(int),
                t("loaded_at", lang): local_times(plans["loaded_at"]),
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            t("plan", lang): st.column_config.TextColumn(width=240),
            t("issuer", lang): st.column_config.TextColumn(width=180),
            t("scope", lang): st.column_config.TextColumn(width=56),
            t("year", lang): st.column_config.TextColumn(width=52),
            t("source_file", lang): st.column_config.TextColumn(width=150),
            t("targets_count", lang): st.column_config.NumberColumn(width=60),
            t("loaded_at", lang): st.column_config.TextColumn(width=130),
        },
    )


f = current()
lang = f.lang
follow_open_overview()  # after a report was loaded: its school's 总览, when the planner asked for it
st.title(t("data_title", lang))
labels = [t(key, lang) for key in ("tab_loaded", "tab_coverage", "tab_provenance", "tab_findings", "tab_upload")]
# A link to 数据 → 载入新数据 (the compare page's, for a second school) opens the upload tab.
opened = labels[4] if st.query_params.get("tab") == "upload" else None
# A key keeps the chosen tab when the page around it changes (unlocking, a file chosen): without one the
# tabs were drawn anew and showed 已载入 again, hiding the preview the planner was about to confirm.
loaded, read, lookup, checkup, upload = st.tabs(labels, default=opened, key="data_tab")
sep = colon(lang)

reports = store.reports()
basis = "year_basis_zh" if lang == "zh" else "year_basis_en"

with read:
    st.subheader(t("coverage_title", lang))
    report_ids = reports["report_id"].tolist()
    chosen = st.selectbox(
        t("coverage_pick", lang),
        report_ids,
        index=report_ids.index(f.report_id) if f.report_id in report_ids else 0,
        key="coverage_report",
        **choice_texts(report_ids, lang),
    )
    if chosen is not None:
        row = reports[reports["report_id"] == chosen].iloc[0]
        st.text(years_text(int(row["report_year"]), row[basis], row["title_year"], lang))
        items = store.coverage(chosen)
        if items.empty:
            st.info(t("coverage_none", lang))
        else:
            show_coverage(items, lang, key="stored")
        show_held(chosen, lang)  # figures whose reading is in doubt: why, and a planner's acceptance

with lookup:
    observations = store.observations(f.report_id)
    tables = list(dict.fromkeys(observations["source_table"]))
    table = st.selectbox(
        t("pick_table", lang),
        tables,
        key="prov_table",
        format_func=lambda name: table_name(name, lang),
        **choice_texts(tables, lang),
    )
    rows = observations[observations["source_table"] == table].reset_index(drop=True)
    name_column = "name_zh" if lang == "zh" else "name_en"
    choice = st.selectbox(
        t("pick_figure", lang),
        rows.index.tolist(),
        format_func=lambda i: (
            f"{rows.at[i, name_column]} · {subject_name(rows.at[i, 'subject'], lang)} · {rows.at[i, 'year']}"
            f" = {format_value(rows.at[i, 'value'], rows.at[i, 'unit'], lang=lang)}"
        ),
        key="prov_figure",
        **choice_texts(rows.index, lang),
    )
    if choice is not None:
        row = rows.loc[choice]
        left, right = st.columns(2)
        left.metric(str(row[name_column]), format_value(row["value"], row["unit"], lang=lang), border=True)
        right.markdown(  # values from the file are shown as typed (plain), never as Markdown
            f"**{t('source_file', lang)}**{sep}{plain(row['source_file'])}  \n"
            f"**{t('table', lang)}**{sep}{plain(table_name(row['source_table'], lang))}  \n"
            f"**{t('line', lang)}**{sep}{row['source_line']}"
        )
        lines = store.report_lines(f.report_id)
        if lines:
            start = max(0, int(row["source_line"]) - 3)
            context = [f"{n:>5} | {lines[n - 1]}" for n in range(start + 1, min(len(lines), start + 5) + 1)]
            st.caption(t("context", lang))
            st.code("\n".join(context), language=None)
        else:
            st.code(str(row["source_text"]), language=None)

with checkup:
    try:
        findings = frames.audit(f.report_id)
    except MetricsError as exc:
        show_error(exc, lang)
    if findings.empty:
        st.success(t("no_findings", lang))
    else:
        st.warning(t("findings_count", lang, n=len(findings)))
        table = pd.DataFrame(
            {
                t("check", lang): findings["check"].map(lambda c: check_name(c, lang)),
                t("table", lang): findings["source_table"].map(
                    lambda x: english_references(x) if lang == "en" else x  # 表2-14/表1 → Table 2-14/Table 1
                ),
                t("lines", lang): findings["lines"],
                t("message", lang): findings["message"]
                if lang == "zh"
                else findings["message_en"].map(english_references),
            }
        )
        dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                t("check", lang): st.column_config.TextColumn(width=150),
                t("table", lang): st.column_config.TextColumn(width=80),
                t("lines", lang): st.column_config.TextColumn(width=90),
                t("message", lang): st.column_config.TextColumn(width="large"),
            },
        )
        download_row(
            table,
            Provenance(report_label(f.school, f.year, lang), tuple(findings["source_table"]), f.describe()),
            name=f"{t('findings', lang)}_{f.school}_{f.year}",
            lang=lang,
            key="findings",
        )

with upload:
    st.caption(t("upload_help", lang))
    st.download_button(
        t("template_download", lang),
        data=template_bytes,
        file_name="质量年报填报模板.xlsx" if lang == "zh" else "quality_report_template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="template_download",
        on_click="ignore",
        icon=":material/download:",
        help=t("template_help", lang),
    )
    if store.is_read_only():
        st.info(t("read_only", lang), icon=":material/visibility:")
        plan_upload_section(lang, can_write=False)
    elif auth.planner_password() is None:
        st.info(t("upload_disabled", lang), icon=":material/lock:")
        problem = auth.secrets_problem()  # a secrets file that cannot be read, said rather than passed over
        if problem is not None:
            st.warning(plain(problem.text(lang)), icon=":material/warning:")
        plan_upload_section(lang, can_write=False)
    elif not auth.is_planner():
        unlock_form("unlock", lang)
        plan_upload_section(lang, can_write=False)
    else:
        recovery = store.last_recovery()
        if recovery is not None:
            when = local_times(pd.Series([recovery.at]))[0]
            st.warning(
                f"**{t('store_recovered', lang)}** · {when}\n\n" + plain(recovery.message()[0 if lang == "zh" else 1]),
                icon=":material/database:",
            )
        st.caption(t("upload_limit", lang, mb=f"{setting('max_upload_mb'):g}"))
        # Any file is accepted here and judged by its content: a wrong one gets one clear message in the
        # reader's language (the browser's own type filter would only show a small icon and keep an
        # earlier message on the page).
        uploaded = st.file_uploader(t("choose_file", lang), key="upload")
        result = None
        if uploaded is not None:
            data = uploaded.getvalue()
            sha256 = hashlib.sha256(data).hexdigest()
            try:  # in a child process, under size, memory and time limits
                with st.spinner(t("parsing", lang)):
                    result = planner.parse(data, uploaded.name, **given_for(sha256))
            except LoadError as exc:
                reason = exc.text(lang)
                for prefix in (f"{uploaded.name}：", f"{uploaded.name}: "):  # the message names the file; so do we
                    reason = reason.removeprefix(prefix)
                st.error(
                    t("upload_rejected", lang, name=plain(uploaded.name), reason=plain(reason)), icon=":material/block:"
                )
                if asks_for_given(exc):  # the planner can name the school or year: the file is kept for that
                    ask_school_and_year(sha256, exc, lang)
                else:
                    gate.release_upload(uploaded)  # refused: the server holds it no longer
        if result is not None and confirm_upload(result, data, reports, lang):
            gate.release_upload(uploaded)  # loaded: the server holds it no longer

        plan_upload_section(lang, can_write=True)

        st.subheader(t("delete_title", lang))
        report_ids = reports["report_id"].tolist()
        with st.form("delete"):
            chosen = st.selectbox(
                t("delete_pick", lang), report_ids, index=None, key="delete_pick", **choice_texts(report_ids, lang)
            )
            sure = st.checkbox(t("delete_confirm", lang), key="delete_sure")
            if st.form_submit_button(t("delete_button", lang)) and chosen and sure:
                try:
                    found = planner.delete(chosen)
                except LoadError as exc:
                    show_error(exc, lang)
                source = reports.loc[reports["report_id"] == chosen, "source_file"]
                if not found:
                    st.info(t("not_found", lang))
                else:
                    st.success(t("deleted", lang, report=plain(chosen)))
                    if not source.empty and (REPORTS_DIR / str(source.iloc[0])).exists():
                        st.info(t("delete_bundled", lang))

        st.subheader(t("write_log", lang))
        st.caption(t("write_log_help", lang))
        log = store.write_log()
        shown = log.assign(
            logged_at=local_times(log["logged_at"]),
            action=log["action"].map(lambda x: log_word(x, lang)),
            outcome=log["outcome"].map(lambda x: log_word(x, lang)),
            file_sha256=log["file_sha256"].fillna("").str[:12],
        )
        dataframe(
            shown.rename(columns={column: t(f"log_{column}", lang) for column in log.columns}),
            hide_index=True,
            width="stretch",
            column_config={t("log_detail", lang): st.column_config.TextColumn(width="large")},
        )

with loaded:  # last: a report or plan loaded on the upload tab in this run is listed
    loaded_tab()
