"""招生 Enrollment: plan vs admitted vs registered by channel, registration rates, intake mix."""

from __future__ import annotations

import streamlit as st

from dashboard import store
from dashboard.state import current
from dashboard.ui import chart, indicator_name, kpi_row, report_label
from viz.charts import grouped_bars, horizontal_bars, trend_lines
from viz.exports import Provenance
from viz.frames import long_frame, subject_frame, totals_by_year
from viz.i18n import t

f = current()
lang = f.lang
st.title(t("enrollment_title", lang))
registry = store.indicators()
observations = store.observations(f.report_id)
source = report_label(f.school, f.year, lang)
filters_text = f.describe()
subtitle = f"{f.school} · {f.year}"
name = {i: indicator_name(registry, i, lang) for i in registry["indicator_id"]}

kpi_row(
    observations,
    registry,
    ["enroll_plan", "enroll_admitted", "enroll_registered", "enroll_registration_rate"],
    subject="合计",
    lang=lang,
)

channels = long_frame(observations, {i: name[i] for i in ("enroll_plan", "enroll_admitted", "enroll_registered")})
chart(
    grouped_bars(
        channels,
        title=t("enrollment_title", lang),
        subtitle=subtitle,
        value_label=t("people", lang),
        unit="人",
        empty_message=t("no_data", lang),
    ),
    Provenance(source, tuple(channels["source_table"]), filters_text, channels),
    data=channels,
    name=f"{t('enrollment_title', lang)}_{f.school}_{f.year}",
    lang=lang,
    key="channels",
)

left, right = st.columns(2)
for column, indicator_id, title_key, unit in (
    (left, "enroll_registration_rate", "registration_rate_by_channel", "%"),
    (right, "intake_type_count", "intake_mix", "人"),
    (left, "intake_region_count", "intake_regions", "人"),
    (right, "registered_3yr_type_count", "intake_3yr", "人"),
):
    frame = subject_frame(observations, indicator_id)
    with column:
        chart(
            horizontal_bars(
                frame,
                title=t(title_key, lang),
                subtitle=subtitle,
                value_label=name[indicator_id],
                unit=unit,
                empty_message=t("no_data", lang),
            ),
            Provenance(source, tuple(frame["source_table"]), filters_text, frame),
            data=frame,
            name=f"{t(title_key, lang)}_{f.school}_{f.year}",
            lang=lang,
            key=indicator_id,
        )

history = totals_by_year(
    store.observations(),
    f.school,
    ["enroll_plan", "enroll_admitted", "enroll_registered"],
    {i: name[i] for i in ("enroll_plan", "enroll_admitted", "enroll_registered")},
)
chart(
    trend_lines(
        history,
        title=f"{t('enrollment_title', lang)} · {t('year', lang)}",
        subtitle=f.school,
        value_label=t("people", lang),
        unit="人",
        x_label=t("year", lang),
        empty_message=t("one_year_only", lang),
    ),
    Provenance(source, tuple(history["source_table"]) if not history.empty else (), filters_text, history),
    data=history,
    name=f"{t('enrollment_title', lang)}_{f.school}_trend",
    lang=lang,
    key="history",
)
