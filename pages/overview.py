"""总览 Overview: headline KPIs against the benchmark and the plan, attainment and check-up summary."""

from __future__ import annotations

import streamlit as st

from dashboard import frames, store
from dashboard.state import current
from dashboard.ui import dashboard_pack, plain, show_error, status_counts
from metrics.errors import MetricsError
from viz.charts import format_value
from viz.frames import cohort_label, headline_cards
from viz.i18n import benchmark_name, status_name, t
from viz.minimums import minimums_sentence
from viz.sections import HEADLINE_INDICATORS, report_label

f = current()
lang = f.lang
st.title(t("overview_title", lang, school=plain(f.school), year=f.year))
registry = store.indicators().set_index("indicator_id")
try:
    # The first visit to a report runs its check-up (a few seconds); later visits read the cache.
    with st.spinner(t("computing", lang)):
        comparison = frames.comparison(f.report_id, f.school)
        attainment = frames.attainment(f.plan_id, f.school) if f.plan_id else None
        findings = frames.audit(f.report_id)
except MetricsError as exc:
    show_error(exc, lang)
cards = headline_cards(comparison, store.observations(f.report_id), attainment, HEADLINE_INDICATORS, f.benchmark)

st.subheader(t("headline", lang))
columns = st.columns(5)
for position, card in enumerate(cards.itertuples(index=False)):
    meta = registry.loc[card.indicator_id]
    unit = card.unit if isinstance(card.unit, str) else meta["unit"]
    name = meta["name_zh"] if lang == "zh" else meta["name_en"]
    label = f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})"
    delta = None
    notes = []
    if card.difference == card.difference:  # not NaN: a survey indicator with a benchmark
        difference_unit = card.difference_unit if card.difference_unit != "百分点" or lang == "zh" else "pp"
        delta = f"{card.difference:+,.2f} {difference_unit}"
        notes.append(t("vs", lang, benchmark=benchmark_name(f.benchmark, lang)))
    if isinstance(card.status, str):
        notes.append(f"{t('plan_status', lang)}：{status_name(card.status, lang)}")
    help_parts = [f"{t('source', lang)}：{card.source_table} · {t('line', lang)} {card.source_line}"]
    if card.years_after == card.years_after and card.years_after is not None:
        help_parts.insert(0, cohort_label(int(card.year), card.years_after, lang))
    if isinstance(card.status, str):
        target = format_value(card.target_value, unit)
        help_parts.append(f"{t('target', lang)}：{card.comparator} {target}")
    with columns[position % 5]:
        st.metric(
            plain(label),
            format_value(card.value, unit, with_unit=False),
            delta=delta,
            delta_color="inverse" if meta["direction"] == "lower" else "normal",
            help="\n\n".join(plain(part) for part in help_parts),
            border=True,
        )
        if notes:
            st.caption(" · ".join(notes))

if attainment is not None:
    st.subheader(t("attainment_summary", lang))
    status_counts(attainment, lang)
    st.page_link("pages/targets.py", label=t("page_targets", lang), icon=":material/flag:")

st.subheader(t("minimums_title", lang))
minimum_result, school_type = frames.minimums(f.report_id, f.school)
st.markdown(plain(minimums_sentence(minimum_result, lang)))
st.caption(f"{t('minimum_school_type', lang, kind=plain(school_type or '—'))} · {t('minimums_help', lang)}")
st.page_link("pages/faculty.py", label=t("page_faculty", lang), icon=":material/school:")

st.subheader(t("findings", lang))
if findings.empty:
    st.success(t("no_findings", lang), icon=":material/check_circle:")
else:
    st.warning(t("findings_count", lang, n=len(findings)), icon=":material/report:")
    st.page_link("pages/data.py", label=t("see_findings", lang), icon=":material/fact_check:")
st.caption(plain(f"{t('source', lang)}：{report_label(f.school, f.year, lang)}；{f.describe()}"))

st.subheader(t("pack_all_title", lang))
st.caption(t("pack_help", lang))
dashboard_pack(f, attainment)
