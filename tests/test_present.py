"""AppTest: presentation mode (deck and slide in the URL, next/previous, exit) and the export
controls every chart carries (modebar PNG at 2× with a meaningful name, the 下载 PNG button)."""

from __future__ import annotations

import json
from pathlib import Path

import plotly.io
import pytest
from streamlit.testing.v1 import AppTest

from loaders.contracts.paths import ROOT
from loaders.store.build import rebuild
from tests.helpers import unescaped
from viz.png import png_available


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("present") / "quality.duckdb"
    rebuild(path)
    return path


def _app(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("QUALITY_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _chart_title(at: AppTest) -> str:
    return plotly.io.from_json(at.get("plotly_chart")[0].proto.spec).layout.title.text


def _counter(at: AppTest) -> str:
    return next(m.value for m in at.markdown if " / " in m.value)


def test_the_default_deck_is_the_outcomes_charts_and_goes_into_the_url(db: Path, monkeypatch) -> None:
    at = _app(db, monkeypatch)
    at.run()
    at.switch_page("pages/present.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "演示模式"
    deck = at.multiselect(key="present_deck").value
    assert deck[0] == "outcomes:employment_rate" and len(deck) == 13
    assert at.query_params["deck"].split(",") == deck


def test_a_shared_link_opens_the_deck_at_its_slide_and_the_buttons_move(db: Path, monkeypatch) -> None:
    at = _app(db, monkeypatch, deck="faculty:teachers_by_title,outcomes:monthly_income,nope:x", slide="2", present="1")
    at.run()
    at.switch_page("pages/present.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _counter(at) == "2 / 2"  # the unknown chart is dropped
    assert _chart_title(at) == "平均月收入"
    figure = plotly.io.from_json(at.get("plotly_chart")[0].proto.spec)
    # The canvas's size (scaled to the screen in the browser), projector type, no toolbar.
    assert (figure.layout.width, figure.layout.height) == (1840, 864) and figure.layout.xaxis.tickfont.size >= 24
    assert json.loads(at.get("plotly_chart")[0].proto.config)["displayModeBar"] is False
    # One line written from the data; income is no survey rate, so no verdict on significance.
    lines = [unescaped(m.value) for m in at.markdown]
    assert "本校2019届毕业一年后平均月收入 6,378.90 元，高于全省高职 1,493.54 元。" in lines
    assert at.button(key="present_next").disabled
    at.button(key="present_prev").click().run()
    assert _counter(at) == "1 / 2"
    assert _chart_title(at) == "专任教师职称结构"
    assert at.query_params["slide"] == "1"
    assert at.query_params["deck"] == "faculty:teachers_by_title,outcomes:monthly_income"
    assert any("来源：温州职业技术学院 2020 年质量年度报告，表3-7" in unescaped(c.value) for c in at.caption)
    at.button(key="present_exit").click().run()
    assert at.title[0].value == "演示模式"
    assert "present" not in at.query_params
    assert at.multiselect(key="present_deck").value == ["faculty:teachers_by_title", "outcomes:monthly_income"]


def test_adding_a_page_adds_its_charts_to_the_deck(db: Path, monkeypatch) -> None:
    at = _app(db, monkeypatch, lang="en")
    at.run()
    at.switch_page("pages/present.py").run()
    at.multiselect(key="present_pages").select("research").run()
    deck = at.multiselect(key="present_deck").value
    assert deck[-3:] == ["research:income_by_kind", "research:patents", "research:training_volume"]
    at.multiselect(key="present_deck").unselect("outcomes:employment_rate").run()
    assert "outcomes:employment_rate" not in at.multiselect(key="present_deck").value
    at.button(key="present_start").click().run()
    assert _counter(at) == f"1 / {len(deck) - 1}"
    assert _chart_title(at) == "Average monthly income"


def test_every_chart_has_a_2x_modebar_png_with_a_meaningful_name(db: Path, monkeypatch) -> None:
    at = _app(db, monkeypatch)
    at.run()
    at.switch_page("pages/outcomes.py").run()
    at.button(key="show_rest_outcomes").click().run()  # every chart, not only the first row
    config = json.loads(at.get("plotly_chart")[0].proto.config)
    assert config["toImageButtonOptions"] == {"format": "png", "scale": 2, "filename": "就业率_温州职业技术学院_2020"}
    # The server's PNG (with the source line) replaces the toolbar's camera (without it) where it can be drawn.
    assert ("toImage" in config.get("modeBarButtonsToRemove", [])) == png_available()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("下载 PNG") == (13 if png_available() else 0)
    assert labels.count("下载 CSV") == 13 and labels.count("下载 Excel") == 13
    assert any(b.proto.label == "生成本页图表包" for b in at.button)


# the deck's pure helpers ---------------------------------------------------------------------------


def test_parse_deck_keeps_order_and_drops_unknown_and_repeated_ids() -> None:
    from viz.deck import format_deck, parse_deck

    available = ["outcomes:employment_rate", "outcomes:monthly_income", "faculty:teachers_by_title"]
    text = "faculty:teachers_by_title, outcomes:employment_rate,nope:x,,faculty:teachers_by_title"
    assert parse_deck(text, available) == ["faculty:teachers_by_title", "outcomes:employment_rate"]
    assert parse_deck(None, available) == [] and parse_deck("", available) == []
    assert format_deck(parse_deck(format_deck(available), available)) == format_deck(available)
    # a chart split over slides: its parts follow its first part unless the link lists them itself
    split = ["targets:plan", "targets:plan~2", "overview:kpis"]
    assert parse_deck("overview:kpis,targets:plan", split) == ["overview:kpis", "targets:plan", "targets:plan~2"]
    assert parse_deck("targets:plan~2,overview:kpis,targets:plan", split) == [
        "targets:plan~2", "overview:kpis", "targets:plan"
    ]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [("3", 3), ("0", 1), ("99", 5), ("x", 1), (None, 1), ("-2", 1)])
def test_parse_slide_is_clamped_to_the_deck(text: str | None, expected: int) -> None:
    from viz.deck import parse_slide

    assert parse_slide(text, 5) == expected


def test_presentation_figure_has_projector_type_no_fixed_height_and_leaves_the_original() -> None:
    import plotly.graph_objects as go

    from viz.deck import SLIDE_FONTS, presentation_figure
    from viz.theme import TEMPLATE_NAME

    figure = go.Figure(go.Bar(x=["a"], y=[1], text=["1"], textfont={"size": 15}))
    figure.update_layout(template=TEMPLATE_NAME, height=480, title={"text": "就业率", "font": {"size": 22}})
    before = figure.to_json()
    slide = presentation_figure(figure)
    assert figure.to_json() == before
    assert slide.layout.height is None and slide.layout.autosize
    assert slide.layout.title.font.size == SLIDE_FONTS["title"] == 38
    assert slide.data[0].textfont.size == 24
    assert slide.layout.xaxis.tickfont.size == slide.layout.yaxis.tickfont.size == 26  # ≥ 24 px from 5 m
    assert (slide.layout.legend.yref, slide.layout.legend.xanchor) == ("container", "right")


def test_slides_say_significant_only_when_the_test_says_so(db: Path, monkeypatch) -> None:
    deck = "outcomes:employment_rate,overview:kpis,targets:plan"
    at = _app(db, monkeypatch, deck=deck, slide="1", present="1")
    at.run()
    at.switch_page("pages/present.py").run()
    assert not at.exception, [e.value for e in at.exception]
    lines = [unescaped(m.value) for m in at.markdown]
    # 就业率 2019届 98.82% vs 全省高职 96.68% (n 3,318 and 117,126): z = 10.99, gap 2.14 pp ≥ 2: 显著.
    assert "本校2019届毕业一年后就业率 98.82%，高于全省高职 2.14 个百分点（差异显著）。" in lines
    at.button(key="present_next").click().run()  # the headline cards as a slide
    assert _counter(at) == "2 / 4"  # the plan is split over two slides
    assert len(at.get("plotly_chart")) == 0 and len(at.metric) == 10
    assert "可与全省高职比较的 5 项核心指标中 5 项优于全省高职；有规划目标的 7 项中已达成 5 项。" in [
        unescaped(m.value) for m in at.markdown
    ]
    at.button(key="present_next").click().run()  # the plan's measurable targets
    figure = plotly.io.from_json(at.get("plotly_chart")[0].proto.spec)
    # the 23 targets with a value (8 met, 15 in progress): 13 before derived, list and sentence figures;
    # 14 rows fit a slide, so they are split 12 + 11, every one labelled (tests/test_deck_fit.py)
    assert len(figure.data[0].y) == 12
    assert figure.layout.title.text == "温州职业技术学院高质量发展行动计划（2022—2025年）（1/2）"
    assert "23 项目标有数据：已达成 8，推进中 15。" in [unescaped(m.value) for m in at.markdown]
    assert at.query_params["deck"] == "outcomes:employment_rate,overview:kpis,targets:plan,targets:plan~2"
    at.button(key="present_next").click().run()  # the plan's second part: the other 11 targets
    assert _counter(at) == "4 / 4"
    figure = plotly.io.from_json(at.get("plotly_chart")[0].proto.spec)
    assert len(figure.data[0].y) == 11 and figure.layout.title.text.endswith("（2/2）")


def test_a_gap_within_sampling_error_is_not_called_significant() -> None:
    import pandas as pd

    from viz.sentences import headline

    comparison = pd.DataFrame(
        {
            "indicator_id": ["employment_rate"], "year": [2019], "years_after": pd.array([1], dtype="Int64"),
            "unit": ["%"], "value": [50.0], "benchmark": ["高职"], "benchmark_value": [45.0], "difference": [5.0],
            "difference_unit": ["百分点"],
        }
    )  # fmt: skip
    gaps = comparison[["indicator_id", "year", "years_after", "benchmark"]].assign(verdict="not_significant")
    line = headline(comparison, "employment_rate", {"employment_rate": "就业率"}, "高职", "zh", gaps)
    assert line == "本校2019届毕业一年后就业率 50.00%，高于全省高职 5.00 个百分点（在抽样误差范围内）。"
    assert "显著" not in line
    english = headline(comparison, "employment_rate", {"employment_rate": "Employment rate"}, "高职", "en", gaps)
    assert english == (
        "Employment rate, class of 2019, 1 yr after: 50.00%, 5.00 percentage points above Zhejiang vocational"
        " (within sampling error)."
    )
