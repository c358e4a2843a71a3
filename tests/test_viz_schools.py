"""The 对比 page's frames in words and colours (viz.schools, viz.theme.school_colours), from a few inline rows.

The rows are those the fixture colleges give (tests/test_metrics_schools.py), typed inline.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from metrics.schools import ALIGNED_COLUMNS, MIN_RANKED, SCHOOL_BENCHMARK_COLUMNS
from viz.schools import (
    MAX_LEGEND_SCHOOLS,
    aligned_chart_frame,
    alignment_notes,
    figure_label,
    school_bars,
    schools_table,
    trend_frame,
    trend_left_out,
)
from viz.theme import BENCHMARK_GREYS, PEER_COLOURS, SCHOOL_COLOUR, TARGET_COLOUR, school_colours

QS, BS, ZL = "青石虚构职业技术学院", "白沙虚构职业学院", "紫岭虚构职业技术学院"

ALIGNED = """years_after,position,school,report_id,report_year,year,value,status,rank,n_schools,percentile,years_differ
1,0,青石虚构职业技术学院,青石虚构职业技术学院-2022,2022,2021,98.1,ranked,1,3,100.0,True
1,1,白沙虚构职业学院,白沙虚构职业学院-2023,2023,2022,96.4,ranked,3,3,33.33,True
1,2,紫岭虚构职业技术学院,紫岭虚构职业技术学院-2023,2023,2022,97.9,ranked,2,3,66.67,True
3,0,青石虚构职业技术学院,青石虚构职业技术学院-2022,2022,,,no_value,,1,,False
3,1,白沙虚构职业学院,白沙虚构职业学院-2023,2023,2020,96.9,too_few,,1,,False
3,2,紫岭虚构职业技术学院,,,,,no_report,,1,,False
"""

BENCHMARKS = """years_after,position,school,report_id,year,value,benchmark,benchmark_value,difference,verdict
1,0,青石虚构职业技术学院,青石虚构职业技术学院-2022,2021,98.1,高职,96.6,1.5,immaterial
1,0,青石虚构职业技术学院,青石虚构职业技术学院-2022,2021,98.1,全省,95.5,2.6,significant
1,1,白沙虚构职业学院,白沙虚构职业学院-2023,2022,96.4,高职,96.95,-0.55,not_significant
1,2,紫岭虚构职业技术学院,紫岭虚构职业技术学院-2023,2022,97.9,高职,96.95,0.95,immaterial
"""


def _aligned() -> pd.DataFrame:
    frame = pd.read_csv(io.StringIO(ALIGNED), dtype={"report_id": "str"}, keep_default_na=False, na_values=[""])
    frame["report_id"] = frame["report_id"].fillna("")
    for column in ("years_after", "report_year", "year", "rank"):
        frame[column] = frame[column].astype("Int64")
    extra = {"indicator_id": "employment_rate", "unit": "%", "direction": "higher", "source_table": "表2-3",
             "source_line": 11, "group_median": 97.9, "difference_from_median": 0.0,
             "is_favourable": pd.NA}  # fmt: skip
    return frame.assign(**extra)[ALIGNED_COLUMNS]


def _benchmarks() -> pd.DataFrame:
    frame = pd.read_csv(io.StringIO(BENCHMARKS))
    frame["years_after"] = frame["years_after"].astype("Int64")
    extra = {"indicator_id": "employment_rate", "unit": "%", "difference_unit": "百分点", "is_favourable": True,
             "n": 2700.0, "benchmark_n": 114000.0, "ci_low": 97.5, "ci_high": 98.6, "p_value": 0.01,
             "benchmark_table": "表2-3", "benchmark_line": 10}  # fmt: skip
    return frame.assign(**extra)[SCHOOL_BENCHMARK_COLUMNS]


def test_school_colours_never_a_benchmark_grey_the_school_blue_or_the_target_red() -> None:
    colours = school_colours([QS, BS, ZL, QS])
    assert colours == {QS: SCHOOL_COLOUR, BS: PEER_COLOURS[0], ZL: PEER_COLOURS[1]}
    assert not {SCHOOL_COLOUR, TARGET_COLOUR, *BENCHMARK_GREYS} & set(PEER_COLOURS)
    assert len(set(PEER_COLOURS)) == len(PEER_COLOURS)
    many = school_colours([f"校{i}" for i in range(30)])
    assert list(many.values())[1:12] == [*PEER_COLOURS, PEER_COLOURS[0]]  # the palette repeats past eleven
    assert school_colours([]) == {}


def test_chart_frame_one_bar_per_school_and_its_own_benchmarks() -> None:
    frame = aligned_chart_frame(_aligned(), _benchmarks(), years_after=1, lang="zh", first_benchmark="高职")
    got = [(r.category, r.series, r.role, r.colour, r.value) for r in frame.itertuples()]
    assert got == [
        (f"{QS}·2021届", QS, "本校", SCHOOL_COLOUR, 98.1),
        (f"{BS}·2022届", BS, "peer", PEER_COLOURS[0], 96.4),
        (f"{ZL}·2022届", ZL, "peer", PEER_COLOURS[1], 97.9),
        (f"{QS}·2021届", "全省高职", "高职", BENCHMARK_GREYS[0], 96.6),
        (f"{BS}·2022届", "全省高职", "高职", BENCHMARK_GREYS[0], 96.95),
        (f"{ZL}·2022届", "全省高职", "高职", BENCHMARK_GREYS[0], 96.95),
        (f"{QS}·2021届", "全省高校", "全省", BENCHMARK_GREYS[1], 95.5),
    ]
    three = aligned_chart_frame(_aligned(), _benchmarks(), years_after=3, lang="en")
    assert three["category"].tolist() == [f"{BS}·class of 2020"]


def test_table_gaps_significance_and_rank_in_words() -> None:
    aligned, benchmarks = _aligned(), _benchmarks()
    table = schools_table(aligned, benchmarks, lang="zh", first_benchmark="高职", min_ranked=MIN_RANKED)
    assert list(table.columns) == [
        "学校", "毕业后年数", "届别/年度", "数值", "与全省高职差距", "显著性（全省高职）", "与全省高校差距",
        "显著性（全省高校）", "排名", "百分位",
    ]  # fmt: skip
    assert table["与全省高职差距"].tolist()[:3] == [1.5, -0.55, 0.95]
    assert table["数值"].dtype == "float64"  # a school without a figure: an empty cell, never "None"
    assert table["数值"].isna().tolist() == [False, False, False, True, False, True]
    assert table["显著性（全省高职）"].tolist()[:3] == ["差距不足 2 个百分点", "在抽样误差内", "差距不足 2 个百分点"]
    assert table["排名"].tolist() == [
        "第 1 名（共 3 所学校）",
        "第 3 名（共 3 所学校）",
        "第 2 名（共 3 所学校）",
        "所选报告未载明此数据",
        "不排名：只有 1 所学校有此数据，至少 3 所才排名",
        "未载入该年度报告",
    ]
    english = schools_table(aligned, benchmarks, lang="en", first_benchmark="全省", min_ranked=MIN_RANKED)
    assert english.columns[4] == "Gap to All Zhejiang HEIs"
    assert english["Rank"].tolist()[0] == "1 of 3 schools"


def test_notes_say_when_cohorts_differ() -> None:
    assert alignment_notes(_aligned(), "zh", 1) == [
        f"各校届别不同（{QS} 2021届；{BS} 2022届；{ZL} 2022届）：比较的是毕业一年后这一相同时点，不是同一届毕业生。"
    ]
    # three years after: 白沙's bar alone; the two others are named with why they have none
    assert alignment_notes(_aligned(), "zh", 3) == [
        f"图中未画出：{QS}（所选报告未载明此数据）；{ZL}（未载入该年度报告）。"
    ]


def test_figure_labels_and_the_empty_case() -> None:
    assert figure_label(2021, 1, "zh") == "2021届"
    assert figure_label(2022, pd.NA, "zh") == "2022年"
    assert figure_label(2022, None, "en") == "2022"
    assert figure_label(pd.NA, 1, "zh") == ""
    empty_aligned = _aligned().iloc[0:0]
    empty_benchmarks = _benchmarks().iloc[0:0]
    assert aligned_chart_frame(empty_aligned, empty_benchmarks, years_after=1, lang="zh").empty
    assert alignment_notes(empty_aligned, "zh") == []
    trend = pd.DataFrame(columns=["position", "school", "years_after", "year", "value", "unit", "source_table",
                                  "source_line"])  # fmt: skip
    assert trend_frame(trend, years_after=1, lang="zh").empty


def test_trend_names_the_schools_it_cannot_draw() -> None:
    trend = pd.DataFrame(
        {"position": [0, 0, 1, 1], "school": [QS, QS, BS, BS], "years_after": [1, 1, 1, 3],
         "year": [2020, 2021, 2022, 2020], "value": [97.0, 98.1, 96.4, 96.9], "unit": "%",
         "source_table": "表1", "source_line": 1}
    )  # fmt: skip
    assert trend_frame(trend, years_after=1, lang="zh")["series"].unique().tolist() == [QS]
    assert trend_left_out(trend, [QS, BS, ZL], years_after=1, lang="zh") == (
        f"趋势中未画出：{BS}（此项只有 2022届 一个年度的数据，一个点连不成线）；{ZL}（已载入的报告中没有此项数据）。"
    )
    assert trend_left_out(trend, [BS], years_after=3, lang="en") == (
        f"Not drawn in the trend: {BS} (this figure only for class of 2020: one point makes no line)."
    )
    assert trend_left_out(trend, [QS], years_after=1, lang="zh") == ""
    from viz.schools import school_lines

    figure = school_lines(
        trend_frame(trend, years_after=1, lang="zh"), title="就业率", subtitle="", value_label="就业率", unit="%",
        x_label="届别", lang="zh", empty_message="-",
    )  # fmt: skip
    assert [(trace.name, trace.showlegend) for trace in figure.data] == [(QS, True)]  # one line, still named


def test_bad_input_names_the_missing_column() -> None:
    with pytest.raises(KeyError):
        aligned_chart_frame(_aligned().drop(columns="position"), _benchmarks(), years_after=1, lang="zh")


def test_bars_a_legend_entry_per_school_up_to_the_palette_then_one_trace() -> None:
    frame = aligned_chart_frame(_aligned(), _benchmarks(), years_after=1, lang="zh")
    words = {
        "title": "就业率",
        "subtitle": "",
        "value_label": "就业率",
        "unit": "%",
        "lang": "zh",
        "empty_message": "-",
    }
    few = school_bars(frame, **words)
    assert [(trace.type, trace.name) for trace in few.data] == [
        ("bar", QS), ("bar", BS), ("bar", ZL), ("scatter", "全省高职（各校报告）"), ("scatter", "全省高校（各校报告）"),
    ]  # fmt: skip
    names = [f"模拟第{i:02d}号职业技术学院" for i in range(MAX_LEGEND_SCHOOLS + 1)]
    many = pd.DataFrame(
        {"category": [f"{n}·2022届" for n in names], "series": names, "role": ["本校"] + ["peer"] * (len(names) - 1),
         "colour": list(school_colours(names).values()), "value": [90.0 + i / 10 for i in range(len(names))],
         "unit": "%", "year": 2022, "source_table": "表1", "source_line": 1}
    )  # fmt: skip
    figure = school_bars(many, **words)
    assert len(figure.data) == 1 and figure.data[0].showlegend is False
    assert list(figure.data[0].marker.color) == list(school_colours(names).values())
