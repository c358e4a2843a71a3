"""对比 Compare: the school and its peers side by side on one indicator, aligned by what is comparable;
each school against its own benchmarks; each school's editions as a trend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import frames, store
from dashboard.components import chart, dataframe, show_error
from dashboard.downloads import download_row
from dashboard.state import current
from dashboard.widgets import choice_texts
from metrics.errors import MetricsError
from viz.exports import Provenance
from viz.frames import SERIES_NAMES, benchmark_matrix, series_name, years_after_name
from viz.i18n import t
from viz.names import subject_name
from viz.sections import report_label

LATEST = "latest"

f = current()
lang = f.lang
st.title(t("compare_title", lang))
registry = store.indicators()
schools = (f.school, *f.peers)
choices = store.indicator_subjects(schools)
present = set(choices["indicator_id"])
indicator_ids = [i for i in registry["indicator_id"] if i in present]
names = dict(zip(registry["indicator_id"], registry["name_zh" if lang == "zh" else "name_en"], strict=True))
left, middle, right = st.columns(3)
indicator_id = left.selectbox(
    t("pick_indicator", lang),
    indicator_ids,
    index=indicator_ids.index("employment_rate") if "employment_rate" in indicator_ids else 0,
    format_func=lambda i: names.get(i, i),
    key="cmp_indicator",
    **choice_texts(indicator_ids, lang),
)
subjects = choices.loc[choices["indicator_id"] == indicator_id, "subject"].tolist()
default_subject = subjects.index("本校") if "本校" in subjects else 0


def subject_label(subject: str) -> str:
    """本校 / 全省高职 … for the survey's rows (display names, never the stored codes), else the row's name."""
    return series_name(subject, lang) if subject in SERIES_NAMES else subject_name(subject, lang)


subject = middle.selectbox(
    t("pick_subject", lang),
    subjects,
    index=default_subject,
    key="cmp_subject",
    format_func=subject_label,
    **choice_texts(subjects, lang),
)
reports = store.reports()
years = [str(y) for y in sorted(set(reports.loc[reports["school"].isin(schools), "report_year"]), reverse=True)]
if st.session_state.get("cmp_year") not in [LATEST, *years]:
    st.session_state["cmp_year"] = LATEST
choice = right.selectbox(
    t("cmp_pick_year", lang),
    [LATEST, *years],
    key="cmp_year",
    format_func=lambda y: t("cmp_latest", lang) if y == LATEST else t("cmp_year_option", lang, year=y),
    **choice_texts(years, lang),
)
year = None if choice == LATEST else int(choice)

try:
    aligned = frames.schools_comparison(indicator_id, schools, year, subject).aligned
    groups = list(dict.fromkeys(None if pd.isna(a) else int(a) for a in aligned["years_after"]))
    years_after = groups[0] if groups else None
    if len(groups) > 1:
        years_after = st.radio(
            t("pick_years_after", lang),
            groups,
            format_func=lambda a: years_after_name(a, lang),
            horizontal=True,
            key="cmp_after",
        )
    view = frames.compare_view(indicator_id, schools, year, subject, years_after, f)
except MetricsError as exc:
    show_error(exc, lang)
for note in view.notes:
    st.info(note, icon=":material/info:")

name = names.get(indicator_id, indicator_id)
# The chart, then its table across the page: the table has a value, a gap and a significance per
# benchmark and the rank, too many columns for half a 1366 px screen.
chart(view.figure, view.provenance, data=view.frame, name=f"{name}_{'_'.join(schools)}", lang=lang, key="compare")
st.subheader(t("cmp_table", lang))
numbers = view.table.select_dtypes("number").columns
dataframe(
    view.table,
    hide_index=True,
    width="stretch",
    column_config={c: st.column_config.NumberColumn(format="%,.2f") for c in numbers},
)
download_row(view.table, view.provenance, name=f"{name}_{t('cmp_table', lang)}", lang=lang, key="compare_table")

st.header(t("cmp_trend", lang))
if view.trend_figure is None:
    st.info(t("cmp_trend_none", lang), icon=":material/timeline:")
else:
    chart(
        view.trend_figure, view.trend_provenance, data=view.trend, name=f"{name}_{t('cmp_trend', lang)}", lang=lang,
        key="compare_trend",
    )  # fmt: skip
if view.trend_left_out:
    st.caption(view.trend_left_out)

if not f.peers:
    others = set(reports["school"]) - {f.school}
    st.info(t("cmp_add_peers" if others else "one_school", lang), icon=":material/group_add:")
    if not others:
        st.page_link(
            "pages/data.py",
            label=t("add_school_link", lang),
            icon=":material/upload_file:",
            query_params={"tab": "upload"},
        )
    # Meanwhile: the school against every benchmark, for every indicator of the survey.
    st.subheader(t("against_every_benchmark", lang))
    matrix = benchmark_matrix(frames.comparison(f.report_id, f.school), names, lang)
    dataframe(
        matrix,
        hide_index=True,
        width="stretch",
        column_config={  # every column visible on a 1366-px screen beside the sidebar (≈ 900 px)
            **dict(zip(matrix.columns[:3], (st.column_config.Column(width=w) for w in (220, 150, 56)), strict=False)),
            **{c: st.column_config.NumberColumn(format="%,.2f", width=112) for c in matrix.columns[3:]},
        },
    )
    download_row(
        matrix,
        Provenance(report_label(f.school, f.year, lang), (), f.describe(), filters_short=f"{f.school}_{f.year}"),
        name=f"{t('against_every_benchmark', lang)}_{f.school}_{f.year}",
        lang=lang,
        key="matrix",
    )
