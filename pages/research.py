"""科研与社会服务 Research & service: income by kind, patents, training volume and income."""

from __future__ import annotations

import streamlit as st

from dashboard import frames, store
from dashboard.state import current
from dashboard.ui import chart, indicator_name, kpi_row, report_label, show_error, target_bullets
from metrics.errors import MetricsError
from viz.charts import horizontal_bars
from viz.exports import Provenance
from viz.frames import indicator_values
from viz.i18n import t

f = current()
lang = f.lang
st.title(t("research_title", lang))
registry = store.indicators()
observations = store.observations(f.report_id)
source = report_label(f.school, f.year, lang)
filters_text = f.describe()
subtitle = f"{f.school} · {f.year}"


def labels(ids: list[str]) -> dict[str, str]:
    """Indicator names in the reader's language, in the given order."""
    return {i: indicator_name(registry, i, lang) for i in ids}


kpi_row(
    observations,
    registry,
    ["research_income_total", "tech_service_income", "nondegree_training_income", "invention_patents_granted"],
    subject="本校",
    lang=lang,
)

groups = [
    (
        "income_by_kind",
        "万元",
        ["tech_service_income", "vertical_research_funding", "tech_transaction_income", "nondegree_training_income"],
    ),
    ("patents", "项", ["ip_applications", "ip_granted", "invention_patents_granted", "tech_transfer_projects"]),
    (
        "training_volume",
        "人日",
        [
            "skills_training_persondays",
            "community_worker_training_persondays",
            "farmer_training_persondays",
            "veteran_training_persondays",
        ],
    ),
]
columns = st.columns(2)
for position, (title_key, unit, ids) in enumerate(groups):
    frame = indicator_values(observations, labels(ids))
    with columns[position % 2]:
        chart(
            horizontal_bars(
                frame,
                title=t(title_key, lang),
                subtitle=subtitle,
                value_label=t("value", lang),
                unit=unit,
                empty_message=t("no_data", lang),
            ),
            Provenance(source, tuple(frame["source_table"]), filters_text, frame),
            data=frame,
            name=f"{t(title_key, lang)}_{f.school}_{f.year}",
            lang=lang,
            key=title_key,
        )
st.info(t("top_projects_missing", lang), icon=":material/info:")

if f.plan_id:
    st.header(t("against_targets", lang))
    try:
        attainment = frames.attainment(f.plan_id, f.school)
    except MetricsError as exc:
        show_error(exc, lang)
    domain = set(registry.loc[registry["domain"] == "research_service", "indicator_id"])
    target_bullets(attainment[attainment["indicator_id"].isin(domain)], lang=lang, key="research")
