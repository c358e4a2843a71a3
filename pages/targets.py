"""规划对标 Plan targets: attainment by the plan's own hierarchy, with bullets and the rest as text."""

from __future__ import annotations

import streamlit as st

from dashboard import frames, store
from dashboard.entry_form import entries_section
from dashboard.state import current
from dashboard.ui import download_row, plain, show_error, status_counts, target_bullets
from metrics.errors import MetricsError
from viz.exports import Provenance
from viz.frames import attainment_table, plan_tables
from viz.i18n import STATUS_NAMES, domain_name, status_name, t

f = current()
lang = f.lang
st.title(t("targets_title", lang))
if not f.plan_id:
    st.info(t("no_data", lang))
    st.stop()
plans = store.plans()
plan = plans[plans["plan_id"] == f.plan_id].iloc[0]
st.subheader(plain(plan["title"]))
st.caption(plain(f"{plan['issuer']} · {plan['source_file']}"))
try:
    attainment = frames.attainment(f.plan_id, f.school)
except MetricsError as exc:
    show_error(exc, lang)
registry = store.indicators()
domains = attainment["indicator_id"].map(registry.set_index("indicator_id")["domain"]).fillna("")
attainment = attainment.assign(domain=domains)

status_counts(attainment, lang)

left, right = st.columns(2)
statuses = [s for s in STATUS_NAMES if s in set(attainment["status"])]
chosen_status = left.multiselect(
    t("status_filter", lang),
    statuses,
    default=[s for s in statuses if s != "not_measurable"],
    format_func=lambda s: status_name(s, lang),
)
domain_options = sorted(set(attainment["domain"]))
chosen_domain = right.multiselect(
    t("domain_filter", lang),
    domain_options,
    default=domain_options,
    format_func=lambda d: domain_name(d, lang) if d else t("unmapped_domain", lang),
)
shown = attainment[attainment["status"].isin(chosen_status) & attainment["domain"].isin(chosen_domain)]

provenance = Provenance(f"{plan['title']}；{f.school}", plan_tables(plan), f.describe(plan["title"]))
table = attainment_table(shown, lang)
group_column = table.columns[0]
for group, rows in table.groupby(group_column, sort=False, dropna=False):
    label = group if isinstance(group, str) and group else t("general_group", lang)
    with st.expander(plain(f"{label}（{len(rows)}）"), expanded=True):
        st.dataframe(
            rows.drop(columns=group_column),
            hide_index=True,
            width="stretch",
            column_config={
                t("progress", lang): st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f%%"),
            },
        )
download_row(table, provenance, name=f"{plan['title']}_{f.school}", lang=lang, key="attainment")
st.caption(plain(provenance.caption(lang)))
st.caption(t("basis_help", lang))

st.header(t("measurable_charts", lang))
target_bullets(shown, lang=lang, key="plan")

st.header(t("unmeasurable", lang))
rest = attainment[attainment["status"] == "not_measurable"].reindex(
    columns=["label_zh", "value_text", "target_year", "note"]
)
st.dataframe(
    rest.rename(
        columns={
            "label_zh": t("indicator", lang),
            "value_text": t("target_text", lang),
            "target_year": t("year", lang),
            "note": t("note", lang),
        }
    ),
    hide_index=True,
    width="stretch",
)

entries_section(plan, f.school, attainment, f.describe(plan["title"]), lang)
