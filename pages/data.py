"""数据 Data: what is loaded, provenance of any figure, the check-up, and loading new data."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import auth, frames, planner, store
from dashboard.components import show_error
from dashboard.coverage_view import show_coverage, years_text
from dashboard.downloads import download_row
from dashboard.state import current
from loaders import LoadError
from loaders.coverage import coverage_frame
from loaders.paths import REPORTS_DIR
from loaders.settings import setting
from metrics.errors import MetricsError
from viz.exports import Provenance
from viz.i18n import t
from viz.markup import plain
from viz.sections import report_label

f = current()
lang = f.lang
st.title(t("data_title", lang))
loaded, read, lookup, checkup, upload = st.tabs(
    [
        t("tab_loaded", lang),
        t("tab_coverage", lang),
        t("tab_provenance", lang),
        t("tab_findings", lang),
        t("tab_upload", lang),
    ]
)

with loaded:
    st.subheader(t("reports", lang))
    reports = store.reports()
    basis = "year_basis_zh" if lang == "zh" else "year_basis_en"
    st.dataframe(
        reports[
            ["school", "report_year", basis, "title_year", "source_file", "format", "n_observations", "loaded_at"]
        ].rename(
            columns={
                "school": t("school", lang),
                "report_year": t("report_year", lang),
                basis: t("year_basis", lang),
                "title_year": t("title_year", lang),
                "source_file": t("source_file", lang),
                "format": t("format", lang),
                "n_observations": t("figures", lang),
                "loaded_at": t("loaded_at", lang),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.subheader(t("plans", lang))
    plans = store.plans()
    counts = store.targets().groupby("plan_id").size().rename("n_targets")
    plans = plans.join(counts, on="plan_id")
    st.dataframe(
        plans[["title", "issuer", "scope", "target_year", "source_file", "n_targets", "loaded_at"]].rename(
            columns={
                "title": t("plan", lang),
                "target_year": t("year", lang),
                "source_file": t("source_file", lang),
                "n_targets": t("targets_count", lang),
                "loaded_at": t("loaded_at", lang),
            }
        ),
        hide_index=True,
        width="stretch",
    )

with read:
    st.subheader(t("coverage_title", lang))
    report_ids = reports["report_id"].tolist()
    chosen = st.selectbox(
        t("coverage_pick", lang),
        report_ids,
        index=report_ids.index(f.report_id) if f.report_id in report_ids else 0,
        key="coverage_report",
    )
    if chosen is not None:
        row = reports[reports["report_id"] == chosen].iloc[0]
        st.text(years_text(int(row["report_year"]), row[basis], row["title_year"], lang))
        items = store.coverage(chosen)
        if items.empty:
            st.info(t("coverage_none", lang))
        else:
            show_coverage(items, lang, key="stored")

with lookup:
    observations = store.observations(f.report_id)
    tables = list(dict.fromkeys(observations["source_table"]))
    table = st.selectbox(t("pick_table", lang), tables, key="prov_table")
    rows = observations[observations["source_table"] == table].reset_index(drop=True)
    name_column = "name_zh" if lang == "zh" else "name_en"
    choice = st.selectbox(
        t("pick_figure", lang),
        rows.index.tolist(),
        format_func=lambda i: (
            f"{rows.at[i, name_column]} · {rows.at[i, 'subject']} · {rows.at[i, 'year']}"
            f" = {rows.at[i, 'value']:g} {rows.at[i, 'unit']}"
        ),
        key="prov_figure",
    )
    if choice is not None:
        row = rows.loc[choice]
        left, right = st.columns(2)
        left.metric(str(row[name_column]), f"{row['value']:g} {row['unit']}", border=True)
        right.markdown(  # values from the file are shown as typed (plain), never as Markdown
            f"**{t('source_file', lang)}**：{plain(row['source_file'])}  \n"
            f"**{t('table', lang)}**：{plain(row['source_table'])}  \n**{t('line', lang)}**：{row['source_line']}"
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
                t("check", lang): findings["check"],
                t("table", lang): findings["source_table"],
                t("lines", lang): findings["lines"],
                t("message", lang): findings["message" if lang == "zh" else "message_en"],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
        download_row(
            table,
            Provenance(report_label(f.school, f.year, lang), tuple(findings["source_table"]), f.describe()),
            name=f"{t('findings', lang)}_{f.school}_{f.year}",
            lang=lang,
            key="findings",
        )

with upload:
    st.caption(t("upload_help", lang))
    if store.is_read_only():
        st.info(t("read_only", lang), icon=":material/visibility:")
    elif auth.planner_password() is None:
        st.info(t("upload_disabled", lang), icon=":material/lock:")
    elif not auth.is_planner():
        with st.form("unlock"):
            given = st.text_input(t("password", lang), type="password")
            if st.form_submit_button(t("unlock", lang)):
                attempt = auth.unlock(given)
                if attempt.ok:
                    st.rerun()
                elif attempt.locked_for_s:
                    st.error(t("locked_out", lang, s=math.ceil(attempt.locked_for_s)))
                else:
                    st.error(t("wrong_password", lang))
    else:
        recovery = store.last_recovery()
        if recovery is not None:
            st.warning(
                f"**{t('store_recovered', lang)}** · {recovery.at:%Y-%m-%d %H:%M:%S} UTC\n\n"
                + plain(recovery.message()[0 if lang == "zh" else 1]),
                icon=":material/database:",
            )
        st.caption(t("upload_limit", lang, mb=f"{setting('max_upload_mb'):g}"))
        uploaded = st.file_uploader(t("choose_file", lang), type=["txt", "pdf", "xlsx", "csv"], key="upload")
        if uploaded is not None:
            data = uploaded.getvalue()
            try:  # in a child process, under size, memory and time limits
                with st.spinner(t("parsing", lang)):
                    result = planner.parse(data, uploaded.name)
            except LoadError as exc:
                show_error(exc, lang)
            st.subheader(t("preview", lang))
            existing = reports[reports["report_id"] == result.report_id]
            if not existing.empty and (existing["n_observations"].iloc[0] > 0):
                st.warning(t("replaces", lang))
            st.text(  # plain text: nothing from the file is read as Markdown or HTML
                f"{t('school_label', lang)}: {result.school} · {result.report_year} · {result.format_used}"
                f" · {len(result.observations)} · {t('file_label', lang)}: {result.source_file}"
            )
            for note in result.notes:
                st.text(note)
            if result.years is not None:
                st.text(
                    years_text(
                        result.report_year, getattr(result.years, f"basis_{lang}"), result.years.title_year, lang
                    )
                )
            if result.coverage:
                st.caption(t("preview_coverage", lang))
                show_coverage(coverage_frame(result.coverage), lang, key="preview")
            st.dataframe(result.observations, hide_index=True, width="stretch", height=300)
            if st.button(t("confirm_load", lang), type="primary"):
                with st.spinner(t("confirm_load", lang)):
                    try:  # busy, a value the database refuses, a store changed underneath: a message
                        outcome = planner.load(result, data)
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
                            action=outcome.action,
                            n=outcome.n_observations,
                        )
                    )

        st.subheader(t("delete_title", lang))
        report_ids = reports["report_id"].tolist()
        with st.form("delete"):
            chosen = st.selectbox(t("delete_pick", lang), report_ids, index=None, key="delete_pick")
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
        st.dataframe(
            log.rename(columns={column: t(f"log_{column}", lang) for column in log.columns}),
            hide_index=True,
            width="stretch",
        )
