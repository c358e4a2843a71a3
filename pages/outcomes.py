"""就业与收入 Graduate outcomes: 本校 vs 全省/本科/高职, one and three years after graduation."""

from __future__ import annotations

import streamlit as st

from dashboard import frames, store
from dashboard.state import current
from dashboard.ui import chart, indicator_name, indicator_unit, report_label, show_error
from metrics.errors import MetricsError
from viz.charts import benchmark_bars, grouped_bars, horizontal_bars
from viz.exports import Provenance
from viz.frames import benchmark_chart_frame, long_frame, same_table_as, subject_frame
from viz.i18n import benchmark_name, t

SURVEY_INDICATORS = [
    "employment_rate",
    "monthly_income",
    "alma_mater_satisfaction",
    "major_relevance",
    "further_study_rate",
    "entrepreneurship_rate",
    "promotion_rate",
    "response_rate",
]
EMPLOYER_DIMENSIONS = [
    "employer_sat_practical",
    "employer_sat_professional",
    "employer_sat_innovation",
    "employer_sat_teamwork",
    "employer_sat_communication",
]

f = current()
lang = f.lang
st.title(t("outcomes_title", lang))
st.caption(t("outcomes_intro", lang))
registry = store.indicators()
observations = store.observations(f.report_id)
source = report_label(f.school, f.year, lang)
filters_text = f.describe()
subtitle = f"{f.school} · {f.year} · {t('benchmark', lang)}：{benchmark_name(f.benchmark, lang)}"
try:
    comparison = frames.comparison(f.report_id, f.school)
except MetricsError as exc:
    show_error(exc, lang)
comparison = comparison.assign(name=comparison["indicator_id"].map(lambda i: indicator_name(registry, i, lang)))

columns = st.columns(2)
for position, indicator_id in enumerate(SURVEY_INDICATORS):
    name = indicator_name(registry, indicator_id, lang)
    unit = indicator_unit(registry, indicator_id)
    frame = benchmark_chart_frame(comparison[comparison["indicator_id"] == indicator_id], lang, f.benchmark)
    with columns[position % 2]:
        chart(
            benchmark_bars(
                frame,
                title=name,
                subtitle=subtitle,
                value_label=name,
                unit=unit,
                empty_message=t("no_data", lang),
            ),
            Provenance(source, tuple(frame["source_table"].astype(str)), filters_text, frame),
            data=frame,
            name=f"{name}_{f.school}_{f.year}",
            lang=lang,
            key=indicator_id,
        )

st.header(t("employer_dimensions", lang))
employer = benchmark_chart_frame(
    comparison[comparison["indicator_id"].isin(EMPLOYER_DIMENSIONS)], lang, f.benchmark, category="indicator"
)
employer["category"] = employer["category"].str.replace("用人单位满意度·", "", regex=False)
chart(
    benchmark_bars(
        employer,
        title=t("employer_dimensions", lang),
        subtitle=subtitle,
        value_label=t("score", lang),
        unit="分",
        empty_message=t("no_data", lang),
    ),
    Provenance(source, tuple(employer["source_table"].astype(str)), filters_text, employer),
    data=employer,
    name=f"{t('employer_dimensions', lang)}_{f.school}_{f.year}",
    lang=lang,
    key="employer",
)

left, right = st.columns(2)
for column, indicator_id, title_key in (
    (left, "industry_employment_count", "destinations_industry"),
    (right, "employer_type_count", "destinations_employer"),
):
    frame = subject_frame(observations, indicator_id)
    with column:
        chart(
            horizontal_bars(
                frame,
                title=t(title_key, lang),
                subtitle=subtitle,
                value_label=t("people", lang),
                unit="人",
                empty_message=t("no_data", lang),
            ),
            Provenance(source, tuple(frame["source_table"]), filters_text, frame),
            data=frame,
            name=f"{t(title_key, lang)}_{f.school}_{f.year}",
            lang=lang,
            key=indicator_id,
        )

st.header(t("regions_title", lang))
series = {"origin_count": t("origin", lang), "destination_count": t("destination", lang)}
left, right = st.columns(2)
for column, marker, title_key in (
    (left, "destination_share_province", "zhejiang_cities"),
    (right, "destination_share_city", "wenzhou_counties"),
):
    frame = long_frame(same_table_as(observations, marker), series)
    if title_key == "zhejiang_cities":
        frame = frame[frame["category"] != "浙江省"]  # the table's total row
    with column:
        chart(
            grouped_bars(
                frame,
                title=t(title_key, lang),
                subtitle=subtitle,
                value_label=t("people", lang),
                unit="人",
                empty_message=t("no_data", lang),
            ),
            Provenance(source, tuple(frame["source_table"]), filters_text, frame),
            data=frame,
            name=f"{t(title_key, lang)}_{f.school}_{f.year}",
            lang=lang,
            key=marker,
        )
