"""规划对标 Plan targets: attainment by the plan's own hierarchy, with bullets and the rest as text."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import frames, store
from dashboard.components import (
    dataframe,
    indicator_names,
    no_plan_notice,
    report_figures,
    show_error,
    status_counts,
    target_bullets,
    target_name,
)
from dashboard.downloads import download_row
from dashboard.entry_form import entries_section
from dashboard.state import current
from dashboard.widgets import choice_texts
from metrics.errors import MetricsError
from viz.exports import Provenance
from viz.frames import plan_tables
from viz.i18n import STATUS_NAMES, colon, domain_name, status_help, status_name, t
from viz.markup import plain
from viz.names import plan_issuer, plan_term, plan_title
from viz.target_tables import attainment_table, target_screen_table

f = current()
lang = f.lang
st.title(t("targets_title", lang))
if not f.plan_id:
    no_plan_notice(f.school, lang)
    st.stop()
plans = store.plans()
plan = plans[plans["plan_id"] == f.plan_id].iloc[0]
title = plan_title(f.plan_id, str(plan["title"]), lang)
st.subheader(plain(title))
st.caption(plain(f"{plan_issuer(f.plan_id, str(plan['issuer']), lang)} · {plan['source_file']}"))
try:
    attainment = frames.attainment(f.plan_id, f.school, f.year)
except MetricsError as exc:
    show_error(exc, lang)
registry = store.indicators()
names = indicator_names(registry, lang)
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
    help="\n\n".join(f"**{status_name(s, lang)}**{colon(lang)}{status_help(s, lang)}" for s in statuses),
    **choice_texts(statuses, lang, many=True),
)
domain_options = sorted(set(attainment["domain"]))
chosen_domain = right.multiselect(
    t("domain_filter", lang),
    domain_options,
    default=domain_options,
    format_func=lambda d: domain_name(d, lang) if d else t("unmapped_domain", lang),
    **choice_texts(domain_options, lang, many=True),
)
shown = attainment[attainment["status"].isin(chosen_status) & attainment["domain"].isin(chosen_domain)]

provenance = Provenance(f"{title}{'；' if lang == 'zh' else '; '}{f.school}", plan_tables(plan), f.describe(title))
measured = shown[shown["status"] != "not_measurable"]
screen = target_screen_table(measured, lang, names)
# Every column visible at 1366 px beside the sidebar (≈ 900 px), in either language; long names and
# wordings wrap onto up to three lines (a row taller than 64 px wraps) instead of ending in "…".
widths = {
    "zh": (150, 120, 40, 86, 104, 46, 84, 64, 90, 96),
    "en": (156, 114, 40, 100, 100, 46, 80, 80, 76, 96),
}[lang]
headers = ("indicator", "target_text", "comparator", "target", "current_value", "current_year", "progress",
           "status", "growth_needed", "next_year_needed")  # fmt: skip
# a shorter header, the full one as its tooltip
short = {"target_text": "target_text_short", "growth_needed": "growth_needed_short",
         "next_year_needed": "next_year_needed_short"}  # fmt: skip
columns = {
    t(key, lang): st.column_config.Column(
        t(short[key], lang) if key in short else None, width=width, help=t(key, lang) if key in short else None
    )
    for key, width in zip(headers, widths, strict=True)
}
columns[t("progress", lang)] = st.column_config.ProgressColumn(
    min_value=0, max_value=100, format="%.0f%%", width=widths[headers.index("progress")]
)
for group, rows in screen.groupby("group", sort=False, dropna=False):
    label = plan_term(group, lang) if isinstance(group, str) and group else t("general_group", lang)
    st.markdown(f"**{plain(label)}**（{len(rows)}）" if lang == "zh" else f"**{plain(label)}** ({len(rows)})")
    dataframe(
        rows.drop(columns="group"), hide_index=True, width="stretch", height="content", row_height=66,
        column_config=columns,
    )  # fmt: skip
table = attainment_table(shown, lang, names)
download_row(table, provenance, name=f"{title}_{f.school}", lang=lang, key="attainment")
st.caption(plain(provenance.caption(lang)))
st.caption(t("basis_help", lang))

st.header(t("measurable_charts", lang))
# The table above has each target's progress: its charts folded (printed open), the reasons a target has no
# value in view.
target_bullets(shown, lang=lang, names=names, key="plan", figures=report_figures(f.report_id), fold_charts=True)

st.header(t("unmeasurable", lang))
rest = attainment[attainment["status"] == "not_measurable"]
why = rest["note"].where(rest["note"] != "", status_help("not_measurable", lang)) if lang == "zh" else None
with st.expander(t("unmeasurable_rows", lang, n=len(rest))):  # opened for print (print_fit.js)
    dataframe(
        {
            t("indicator", lang): [target_name(r, names, lang) for r in rest.itertuples(index=False)],
            t("target_text", lang): rest["value_text"].replace("", "—").tolist(),
            t("year", lang): ["—" if pd.isna(y) else str(int(y)) for y in rest["target_year"].tolist()],
            t("note", lang): why.tolist() if why is not None else [status_help("not_measurable", lang)] * len(rest),
        },
        hide_index=True,
        width="stretch",
        height="content",  # opened, every row in the page's own scroll
        row_height=66,
        column_config={
            t("indicator", lang): st.column_config.Column(width=200),
            t("target_text", lang): st.column_config.Column(width=240),
            t("year", lang): st.column_config.Column(width=50),
            t("note", lang): st.column_config.Column(width=390),
        },
    )

entries_section(plan, f.school, attainment, f.describe(title), lang, report_year=f.year)
