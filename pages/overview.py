"""总览 Overview: headline KPIs against the benchmark and the plan, attainment and check-up summary."""

from __future__ import annotations

import streamlit as st

from dashboard import frames, store
from dashboard.components import kpi_card, no_plan_notice, show_error, status_counts
from dashboard.downloads import dashboard_pack
from dashboard.state import current
from metrics.errors import MetricsError
from viz.cards import card_text, headline_cards
from viz.catalogue import HEADLINE_INDICATORS
from viz.exports import Provenance
from viz.i18n import colon, t
from viz.markup import plain
from viz.minimums import minimums_sentence
from viz.names import subject_name, table_name
from viz.sections import report_label
from viz.verdict import overview_verdict

f = current()
lang = f.lang
st.title(t("overview_title", lang, school=plain(f.school), year=f.year))
registry = store.indicators().set_index("indicator_id")
try:
    # The first visit to a report runs its check-up (a few seconds); later visits read the cache.
    with st.spinner(t("computing", lang)):
        comparison = frames.comparison(f.report_id, f.school)
        attainment = frames.attainment(f.plan_id, f.school, f.year) if f.plan_id else None
        findings = frames.audit(f.report_id)
except MetricsError as exc:
    show_error(exc, lang)
gaps = frames.gaps(f.report_id, f.school)
cards = headline_cards(comparison, store.observations(f.report_id), attainment, HEADLINE_INDICATORS, f.benchmark, gaps)

minimum_result, school_type = frames.minimums(f.report_id, f.school)
verdict = overview_verdict(cards, attainment, minimum_result, f.benchmark, lang)
if verdict:  # the page's one line, first: what a meeting reads before the cards
    st.markdown(f"**{plain(verdict)}**")

st.subheader(t("headline", lang))
with st.container(horizontal=True, key="kpi_cards"):
    for card in cards.to_dict("records"):
        meta = registry.loc[card["indicator_id"]]
        text = card_text(card, meta["name_zh" if lang == "zh" else "name_en"], meta["unit"], f.benchmark, lang)
        table = table_name(card["source_table"], lang)
        where = f"{t('source', lang)}{colon(lang)}{table} · {t('line', lang)} {card['source_line']}"
        kpi_card(
            text,
            help_text=where if isinstance(card["source_table"], str) else "",
            key=card["indicator_id"],
            delta_color="inverse" if meta["direction"] == "lower" else "normal",
        )

st.subheader(t("attainment_summary", lang))
if attainment is not None:
    status_counts(attainment, lang)
    st.page_link("pages/targets.py", label=t("page_targets", lang), icon=":material/flag:")
else:
    no_plan_notice(f.school, lang)

st.subheader(t("minimums_title", lang))
if school_type:
    st.markdown(plain(minimums_sentence(minimum_result, lang)))
    school_kind = plain(subject_name(school_type, lang))
    st.caption(f"{t('minimum_school_type', lang, kind=school_kind)} · {t('minimums_help', lang)}")
else:  # the thresholds depend on the type: without one nothing is judged (not "0 项合格")
    st.info(t("minimums_no_type", lang, school=plain(f.school)), icon=":material/rule:")
st.page_link("pages/faculty.py", label=t("page_faculty", lang), icon=":material/school:")

st.subheader(t("findings", lang))
if findings.empty:
    st.success(t("no_findings", lang), icon=":material/check_circle:")
else:
    st.warning(t("findings_count", lang, n=len(findings)), icon=":material/report:")
    st.page_link("pages/data.py", label=t("see_findings", lang), icon=":material/fact_check:")
st.caption(plain(Provenance(report_label(f.school, f.year, lang), (), f.describe()).caption(lang)))

with st.container(key="noprint_pack"):  # downloads: nothing to read on paper (print.css)
    st.subheader(t("pack_all_title", lang))
    st.caption(t("pack_help", lang))
    dashboard_pack(f, attainment)
