"""对比 Compare: several schools and/or years side by side for any indicator; trends where years exist."""

from __future__ import annotations

import streamlit as st

from dashboard import frames, store
from dashboard.components import chart, indicator_name, indicator_unit, show_error
from dashboard.downloads import download_row
from dashboard.state import current
from metrics.compare import rank_within_peers
from metrics.errors import MetricsError
from metrics.trends import build_series
from viz.charts import benchmark_bars, trend_lines
from viz.exports import Provenance
from viz.frames import SERIES_NAMES, benchmark_matrix, comparison_series, has_trend, series_name
from viz.i18n import t
from viz.names import subject_name
from viz.sections import report_label

f = current()
lang = f.lang
st.title(t("compare_title", lang))
registry = store.indicators()
schools = [f.school, *f.peers]
available = store.school_observations(schools)
present = set(available["indicator_id"])
indicator_ids = [i for i in registry["indicator_id"] if i in present]
names = dict(zip(registry["indicator_id"], registry["name_zh" if lang == "zh" else "name_en"], strict=True))
left, middle, right = st.columns(3)
indicator_id = left.selectbox(
    t("pick_indicator", lang),
    indicator_ids,
    index=indicator_ids.index("employment_rate") if "employment_rate" in indicator_ids else 0,
    format_func=lambda i: names.get(i, i),
    key="cmp_indicator",
)
subjects = list(dict.fromkeys(available.loc[available["indicator_id"] == indicator_id, "subject"]))
default_subject = subjects.index("本校") if "本校" in subjects else 0


def subject_label(subject: str) -> str:
    """本校 / 全省高职 … for the survey's rows (display names, never the stored codes), else the row's name."""
    return series_name(subject, lang) if subject in SERIES_NAMES else subject_name(subject, lang)


subject = middle.selectbox(
    t("pick_subject", lang), subjects, index=default_subject, key="cmp_subject", format_func=subject_label
)
with_benchmarks = right.toggle(t("with_benchmarks", lang), value=True, disabled=subject != "本校")

try:
    series = build_series(available, registry, indicator_id=indicator_id)
except MetricsError as exc:
    show_error(exc, lang)
frame = comparison_series(series, schools, subject, with_benchmarks and subject == "本校", lang)
name = indicator_name(registry, indicator_id, lang)
unit = indicator_unit(registry, indicator_id)
provenance = Provenance(
    "、".join(schools) if lang == "zh" else ", ".join(schools),
    tuple(frame["source_table"].astype(str)) if not frame.empty else (),
    f.describe(),
    frame,
)
if has_trend(frame):
    figure = trend_lines(
        frame, title=name, subtitle=subject_label(subject), value_label=name, unit=unit, x_label=t("year", lang),
        empty_message=t("no_data", lang), lang=lang,
    )  # fmt: skip
else:
    figure = benchmark_bars(
        frame, title=name, subtitle=subject_label(subject), value_label=name, unit=unit, series="bar_series",
        empty_message=t("no_data", lang), lang=lang,
    )  # fmt: skip
chart(figure, provenance, data=frame, name=f"{name}_{'_'.join(schools)}", lang=lang, key="compare")

st.header(t("peer_ranking", lang))
if not f.peers:
    others = set(store.reports()["school"]) - {f.school}
    st.info(t("no_peers" if others else "one_school", lang), icon=":material/group_add:")
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
    st.dataframe(
        matrix,
        hide_index=True,
        width="stretch",
        column_config={c: st.column_config.NumberColumn(format="%,.2f") for c in matrix.columns[3:]},
    )
    download_row(
        matrix,
        Provenance(report_label(f.school, f.year, lang), (), f.describe(), filters_short=f"{f.school}_{f.year}"),
        name=f"{t('against_every_benchmark', lang)}_{f.school}_{f.year}",
        lang=lang,
        key="matrix",
    )
else:
    try:
        ranking = rank_within_peers(available, registry, indicator_id=indicator_id, subject=subject, schools=schools)
    except MetricsError as exc:
        show_error(exc, lang)
    shown = ranking[["school", "year", "years_after", "value", "rank", "n_schools", "percentile", "group_median"]]
    shown = shown.rename(
        columns={
            "school": t("school", lang),
            "year": t("year", lang),
            "years_after": t("pick_years_after", lang),
            "value": t("value", lang),
            "rank": t("rank", lang),
            "percentile": t("percentile", lang),
            "group_median": t("group_median", lang),
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    download_row(shown, provenance, name=f"{name}_ranking", lang=lang, key="ranking")
