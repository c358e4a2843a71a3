"""A slide fits its content (viz.deck): how many categories a projected chart can label, the rest summed
into 「其他 N 项」 or the chart split over slides, values written whole beside short bars, no hover hints."""

from __future__ import annotations

import pandas as pd
import pytest

from viz.charts import NEUTRAL_COLOUR, benchmark_bars, horizontal_bars
from viz.deck import CHART_PX, LINE_PX, SLIDE_FONTS, rows_that_fit, slide_figures, split_evenly, top_n
from viz.target_charts import target_progress


def test_the_slide_geometry_is_what_the_counts_below_assume() -> None:
    # 26-px ticks, lines 1.3 em apart; a 1080-px screen leaves the chart 864 px, its plot 864 - 150 - 90 = 624
    assert (SLIDE_FONTS["tick"], LINE_PX, CHART_PX) == (26, 34, 864)


@pytest.mark.parametrize(
    ("room_px", "lines", "bars", "bargap", "expected"),
    [
        (624, 1, 1, 0.2, 14),  # a row: 34 px of label + 8 px between labels = 42 px; 624 // 42 = 14
        (624, 2, 1, 0.2, 8),  # two-line labels: 2 × 34 + 8 = 76 px; 624 // 76 = 8
        (624, 1, 4, 0.15, 5),  # four bars of 24 px in 85 % of a row: 112.9 px; 624 // 112.9 = 5
        (624, 1, 2, 0.15, 11),  # two bars: 56.5 px a row
        (30, 1, 1, 0.2, 1),  # never less than one row
    ],
)
def test_rows_that_fit_a_slide(room_px: float, lines: int, bars: int, bargap: float, expected: int) -> None:
    assert rows_that_fit(room_px, label_lines=lines, bars_per_row=bars, bargap=bargap) == expected


@pytest.mark.parametrize(("n", "fits", "expected"), [(19, 14, 13), (14, 14, 14), (3, 5, 3), (3, 1, 1), (0, 4, 0)])
def test_top_n_leaves_the_last_row_to_the_rest(n: int, fits: int, expected: int) -> None:
    assert top_n(n, fits) == expected


def test_split_evenly_uses_as_few_slides_as_hold_the_rows_and_evens_them() -> None:
    assert split_evenly(23, 14) == [range(0, 12), range(12, 23)]
    assert split_evenly(28, 14) == [range(0, 14), range(14, 28)]
    assert split_evenly(29, 14) == [range(0, 10), range(10, 20), range(20, 29)]
    assert split_evenly(5, 14) == [range(0, 5)]
    assert split_evenly(0, 14) == []


def _industries(n: int) -> pd.DataFrame:
    """``n`` industries with 10 × (n … 1) graduates, largest first."""
    return pd.DataFrame(
        {"category": [f"行业{i:02d}" for i in range(1, n + 1)], "value": [10.0 * (n - i) for i in range(n)]}
    )


def test_a_dense_count_chart_shows_the_largest_and_sums_the_rest_into_one_named_bar() -> None:
    figure = horizontal_bars(_industries(19), title="就业行业流向", value_label="人数", unit="人")
    [slide] = slide_figures(figure, "zh")
    bar = slide.data[0]
    # 14 rows fit (624 px of plot, 42 px a row): the 13 largest by name, then the 6 smallest as one bar
    assert list(bar.y) == [f"行业{i:02d}" for i in range(1, 14)] + ["其他 6 项"]
    assert list(bar.x)[-1] == 60 + 50 + 40 + 30 + 20 + 10
    assert list(bar.text)[-1] == "210" and list(bar.marker.color)[-1] == NEUTRAL_COLOUR
    assert (slide.layout.width, slide.layout.height, slide.layout.autosize) == (1840, 864, False)
    english = slide_figures(horizontal_bars(_industries(19), title="x", value_label="People", unit="人"), "en")[0]
    assert list(english.data[0].y)[-1] == "Other (6)"
    unchanged = slide_figures(horizontal_bars(_industries(14), title="x", value_label="人数", unit="人"), "zh")[0]
    assert len(unchanged.data[0].y) == 14 and "其他" not in "".join(unchanged.data[0].y)


def test_a_rate_chart_is_never_summed_but_split_over_slides_each_labelling_every_bar() -> None:
    rows = pd.DataFrame(
        {
            "indicator_id": [f"t{i}" for i in range(23)],
            "label_zh": [f"目标{i:02d}" for i in range(23)],
            "progress_pct": [float(4 * i + 10) for i in range(23)],
            "status": ["in_progress"] * 23,
        }
    )
    figure = target_progress(rows, title="行动计划", subtitle="温州职业技术学院 · 2020")
    first, second = slide_figures(figure, "zh")
    assert list(first.data[0].y) == [f"目标{i:02d}" for i in range(12)]
    assert list(second.data[0].y) == [f"目标{i:02d}" for i in range(12, 23)]
    assert first.layout.title.text == "行动计划（1/2）" and second.layout.title.text == "行动计划（2/2）"
    assert second.data[0].text[0] == "58% · 推进中"  # each bar keeps its own value and colour
    assert len(second.data[0].marker.color) == 11


def test_a_short_bar_writes_its_value_whole_beside_it_and_the_axis_makes_room() -> None:
    frame = pd.DataFrame({"category": ["制造业", "采矿业"], "value": [1000.0, 27.0]})
    figure = horizontal_bars(frame, title="就业行业流向", value_label="人数", unit="人")
    [slide] = slide_figures(figure, "zh")
    bar = slide.data[0]
    assert list(bar.textposition) == ["inside", "outside"]  # 27 in a 2-px bar would be cut to 「7」
    assert bar.constraintext == "none" and bar.cliponaxis is False  # never shrunk, never clipped
    assert slide.layout.uniformtext.mode is None
    # the page's axis ends at 1,100; 「1,000」 fits inside its bar; nothing is outside past 1,100: no change
    assert list(slide.layout.xaxis.range) == [0.0, 1100.0]
    [both_long] = slide_figures(
        horizontal_bars(frame.assign(value=[1000.0, 999.0]), title="x", value_label="人数", unit="人")
    )
    assert list(both_long.data[0].textposition) == ["inside", "inside"]


def test_a_value_past_a_long_bar_lengthens_the_axis_so_it_shows_whole() -> None:
    frame = pd.DataFrame({"category": ["a", "b"], "value": [600.0, 1000.0]})
    figure = horizontal_bars(frame, title="x", value_label="人数", unit="人")
    figure.update_layout(xaxis_range=[0, 1000])
    figure.update_traces(text=["1,000", "说" * 45])  # 600's text, 1,080 px: longer than its bar, past the axis's end
    [slide] = slide_figures(figure, "zh")
    assert list(slide.data[0].x) == [1000.0, 600.0]  # largest first
    assert list(slide.data[0].textposition) == ["inside", "outside"]
    # the plot is ~1,746 px wide; the text and its padding (1,100 px) must end by the axis's end:
    # 600 / (1 - 1,100 / 1,746) ≈ 1,622
    assert 1600.0 < slide.layout.xaxis.range[1] < 1650.0


def test_no_slide_tells_a_room_to_hover() -> None:
    frame = pd.DataFrame(
        {"category": ["2019届"] * 2, "series": ["本校", "全省高职"], "role": ["本校", "高职"], "value": [98.8, 96.7]}
    )
    figure = benchmark_bars(
        frame,
        title="就业率",
        subtitle="温州职业技术学院\n误差线：95% 置信区间（Wilson 法；差异用双样本 z 检验）",
        value_label="就业率",
        unit="%",
    )
    [slide] = slide_figures(figure, "zh")
    assert slide.layout.title.subtitle.text.endswith("误差线：95% 置信区间")  # the method is in the hover
    english = benchmark_bars(
        frame, title="x", subtitle="Error bars: 95% CI (Wilson; gaps: z-test)",
        value_label="x", unit="%",
    )  # fmt: skip
    assert slide_figures(english, "en")[0].layout.title.subtitle.text == "Error bars: 95% confidence interval"


def test_a_long_label_among_the_smallest_goes_into_the_rest_and_the_others_keep_one_line_rows() -> None:
    long_label = "水利、环境和公共设施管理业以及其他各类公共服务和社会组织的从业人员合计"  # 34 em: two lines
    frame = _industries(19)
    frame.loc[18, "category"] = long_label  # the smallest
    [slide] = slide_figures(horizontal_bars(frame, title="x", value_label="人数", unit="人"), "zh")
    assert list(slide.data[0].y) == [f"行业{i:02d}" for i in range(1, 14)] + ["其他 6 项"]  # 14 one-line rows
    frame.loc[0, "category"], frame.loc[18, "category"] = long_label, "行业19"  # now the largest
    [slide] = slide_figures(horizontal_bars(frame, title="x", value_label="人数", unit="人"), "zh")
    labels = list(slide.data[0].y)
    # rows for two lines: 624 // 76 = 8, the long label and the next 6 by name, then 「其他 12 项」
    assert len(labels) == 8 and "<br>" in labels[0] and labels[-1] == "其他 12 项"


def test_a_note_under_the_axis_keeps_its_lines_on_a_slide() -> None:
    """The minimums chart names what it cannot draw under its axis: on a slide (26 px ticks and axis title)
    the note moves below them and the bottom margin holds its lines (it was cut to the tops of its letters)."""
    import plotly.graph_objects as go

    figure = go.Figure(go.Bar(x=[120.0], y=["生师比"], orientation="h"))
    figure.update_layout(margin={"b": 182})
    figure.add_annotation(text="生均图书：报告无数据<br>生均占地面积：无合格值<br>高级职称：无合格值", xref="paper",
                          yref="paper", x=0, y=0, yshift=-78, showarrow=False)  # fmt: skip
    [slide] = slide_figures(figure, "zh")
    note = slide.layout.annotations[-1]
    assert note.yshift == -92  # 26 + 26 + 40
    assert slide.layout.margin.b == 188  # 92 + 3 lines × 22 px × 1.3 + 10 = 187.8
