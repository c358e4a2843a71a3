"""师资 Faculty: structure by title and degree, 双师 share, 生师比, training, against targets."""

from __future__ import annotations

import streamlit as st

from dashboard import frames, store
from dashboard.state import current
from dashboard.ui import chart, indicator_name, kpi_row, report_label, show_error, target_bullets
from metrics.errors import MetricsError
from viz.charts import horizontal_bars
from viz.exports import Provenance
from viz.frames import subject_frame
from viz.i18n import t

f = current()
lang = f.lang
st.title(t("faculty_title", lang))
registry = store.indicators()
observations = store.observations(f.report_id)
source = report_label(f.school, f.year, lang)
filters_text = f.describe()
subtitle = f"{f.school} · {f.year}"

kpi_row(
    observations,
    registry,
    ["fulltime_teachers", "student_teacher_ratio", "dual_qualified_ratio", "senior_title_ratio"],
    subject="本校",
    lang=lang,
)

left, right = st.columns(2)
for column, indicator_id, title_key, unit in (
    (left, "teachers_by_title", "by_title", "人"),
    (right, "teachers_by_degree", "by_degree", "人"),
):
    frame = subject_frame(observations, indicator_id)
    with column:
        chart(
            horizontal_bars(
                frame,
                title=t(title_key, lang),
                subtitle=subtitle,
                value_label=indicator_name(registry, indicator_id, lang),
                unit=unit,
                empty_message=t("no_data", lang),
            ),
            Provenance(source, tuple(frame["source_table"]), filters_text, frame),
            data=frame,
            name=f"{t(title_key, lang)}_{f.school}_{f.year}",
            lang=lang,
            key=indicator_id,
        )

frame = subject_frame(observations, "teacher_training_persontimes")
chart(
    horizontal_bars(
        frame,
        title=t("training", lang),
        subtitle=subtitle,
        value_label=indicator_name(registry, "teacher_training_persontimes", lang),
        unit="人次",
        empty_message=t("no_data", lang),
    ),
    Provenance(source, tuple(frame["source_table"]), filters_text, frame),
    data=frame,
    name=f"{t('training', lang)}_{f.school}_{f.year}",
    lang=lang,
    key="training",
)

if f.plan_id:
    st.header(t("against_targets", lang))
    try:
        attainment = frames.attainment(f.plan_id, f.school)
    except MetricsError as exc:
        show_error(exc, lang)
    domain = set(registry.loc[registry["domain"] == "faculty", "indicator_id"])
    target_bullets(attainment[attainment["indicator_id"].isin(domain)], lang=lang, key="faculty")
