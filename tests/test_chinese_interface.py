"""Issue 25, Chinese throughout: Streamlit's own widget words (Choose an option, No options to select,
No results, Upload, 20MB per file) never show in the Chinese interface, and ``/overview`` lands on
总览 instead of Streamlit's English "Page not found"."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from bench.server import CHROMIUM, serving
from dashboard.widgets import SEARCH_FROM, choice_texts, uploader_css
from loaders.contracts.paths import ROOT
from loaders.store.build import rebuild
from tests.helpers import settle

ENGLISH = re.compile(r"Choose|option|No results|Upload|per file|Page not found", re.IGNORECASE)
#: The pages with select boxes of their own (the overview: the sidebar's).
PAGES = ["overview", "targets", "compare", "data", "present"]


def test_choice_texts_give_a_chinese_placeholder_and_no_search_on_short_lists() -> None:
    assert choice_texts(["a", "b"], "zh") == {"placeholder": "请选择", "filter_mode": None}
    assert choice_texts(["a"], "zh", many=True)["placeholder"] == "请选择（可多选）"
    assert choice_texts([], "zh")["placeholder"] == "没有可选项"
    assert choice_texts(range(SEARCH_FROM), "zh")["filter_mode"] == "fuzzy"  # long lists can be searched
    assert not ENGLISH.search(" ".join(choice_texts(x, "zh")["placeholder"] for x in ([], [1])))
    assert choice_texts([], "en")["placeholder"] == "Nothing to choose"


def test_the_uploader_is_restyled_in_chinese_only() -> None:
    css = uploader_css("zh")
    assert 'content: "选择文件上传"' in css and "stFileUploaderDropzoneInstructions" in css
    assert 'content: "无匹配项"' in css
    assert uploader_css("en") == ""


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("zh") / "quality.duckdb"
    rebuild(path)
    return path


@pytest.mark.parametrize("page", PAGES)
def test_every_select_box_of_every_page_has_a_chinese_placeholder(
    db: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    monkeypatch.setenv("QUALITY_DB", str(db))
    monkeypatch.delenv("PLANNER_PASSWORD", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "zh"
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    boxes = [*at.selectbox, *at.multiselect]
    assert boxes, page
    for box in boxes:
        assert box.proto.placeholder in ("请选择", "请选择（可多选）", "没有可选项"), (page, box.label)


def test_the_default_pages_own_path_is_an_alias_of_the_overview() -> None:
    source = (ROOT / "dashboard" / "navigation.py").read_text(encoding="utf-8")
    assert 'visibility="hidden"' in source and "switch_page" in source


# --- in a real browser ---------------------------------------------------------------------------------

PORT = 8667  # this project's browser tests run on 8661–8669


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (bash manage.sh test installs it)")
    folder = tmp_path_factory.mktemp("zh_browser")
    env = {
        **os.environ,
        "QUALITY_DB": str(folder / "q.duckdb"),
        "QUALITY_UPLOADS": str(folder / "uploads"),
        "PLANNER_PASSWORD": "zh-test",
    }
    subprocess.run([sys.executable, "-m", "loaders", "sync"], cwd=ROOT, env=env, check=True, capture_output=True)
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    command += ["--server.port", str(PORT), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    with serving(command, env, PORT, timeout_s=120, capture=True) as (url, _):
        yield url


VISIBLE_WIDGET_TEXT = """() => Array.from(document.querySelectorAll(
  '[data-testid=stSelectbox], [data-testid=stMultiSelect], [data-testid=stFileUploader]'))
  .flatMap(w => Array.from(w.querySelectorAll('*')))
  .filter(e => e.children.length === 0 && e.dataset.testid !== 'stIconMaterial')
  .filter(e => parseFloat(getComputedStyle(e).fontSize) > 0 && e.offsetParent !== null)
  .map(e => e.textContent).join(' | ')"""


@pytest.mark.browser
def test_overview_path_lands_on_the_overview_without_an_english_dialog(server: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(f"{server}/overview?lang=zh")
        settle(page)
        assert page.locator("[role=dialog]").count() == 0
        assert page.url.startswith(f"{server}/?") and "lang=zh" in page.url
        assert page.locator("[data-testid='stMain'] h1").first.inner_text().startswith("总览")
    finally:
        page.close()


@pytest.mark.browser
def test_no_english_in_the_chinese_widgets(server: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(f"{server}/data?lang=zh")
        settle(page)
        page.get_by_role("tab", name="载入新数据").click()
        page.locator("input[type=password]").first.fill("zh-test")
        page.keyboard.press("Enter")
        settle(page)
        page.get_by_role("tab", name="载入新数据").click()
        page.wait_for_selector("[data-testid=stFileUploader]", timeout=30_000)
        shown = page.evaluate(VISIBLE_WIDGET_TEXT)
        assert "选择文件上传" in page.evaluate(
            "getComputedStyle(document.querySelector('[data-testid=stFileUploaderDropzone] button p'), '::after')"
            ".content"
        )
        assert not ENGLISH.search(shown), shown
        for name in ("targets", "compare", "present"):
            page.goto(f"{server}/{name}?lang=zh")
            settle(page)
            shown = page.evaluate(VISIBLE_WIDGET_TEXT)
            assert not ENGLISH.search(shown), (name, shown)
    finally:
        page.close()


# --- numbers as a reader writes them -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "zh", "en"),
    [
        (1237.0, "亩", "1,237 亩", "1,237 mu"),
        (9.0, "本", "9 本", "9 titles"),
        (2712.0, "万元", "2,712 万元", "27.12 million yuan"),
        (6000.0, "万元", "6,000 万元", "60 million yuan"),
        (3255.21, "万元", "3,255.21 万元", "32.55 million yuan"),
        (5.0, "万元", "5 万元", "50,000 yuan"),
        (4000.0, "元/生", "4,000 元/生", "4,000 yuan per student"),
        (6378.9, "元", "6,378.90 元", "6,378.90 yuan"),
        (18.0, ":1", "18 : 1", "18 : 1"),
        (14.02, ":1", "14.02 : 1", "14.02 : 1"),
        (98.82, "%", "98.82%", "98.82%"),
        (12.3, "m2/生", "12.30 m²/生", "12.30 m² per student"),
        (5.0, "项", "5 项", "5"),
        (176.0, "个", "176 个", "176"),
        (None, "个", "—", "—"),
    ],
)
def test_numbers_are_written_as_a_reader_writes_them(value, unit: str, zh: str, en: str) -> None:
    from viz.charts import format_value

    assert format_value(value, unit) == zh
    assert format_value(value, unit, lang="en") == en


def test_the_kind_of_a_unit_comes_from_the_registry() -> None:
    from viz.charts import format_value, unit_kind

    assert unit_kind("亩") == "amount" and unit_kind("人") == "count" and unit_kind("%") is None
    assert format_value(9.0, "%", kind="count") == "9%"  # the registry's kind wins over the unit
    from viz.charts import rounded

    assert rounded(9.0, "本") == "9 本" and rounded(10.76, "本") == "11 本"


def test_a_ratio_card_says_14_02_to_1_without_a_unit_in_its_label() -> None:
    from viz.cards import card_text

    text = card_text({"unit": ":1", "value": 14.02}, "生师比", ":1", "高职", "zh")
    assert (text.label, text.value) == ("生师比", "14.02 : 1")


def test_an_empty_chart_offers_no_picture() -> None:
    import plotly.graph_objects as go

    from viz.charts import empty_figure, is_empty_figure

    assert is_empty_figure(empty_figure("没有数据"))
    assert not is_empty_figure(go.Figure(go.Bar(x=[1], y=["a"])))


# --- why a target has no value -------------------------------------------------------------------------

_CUMULATIVE = {
    "status": "no_data",
    "kind": "cumulative",
    "current_value": float("nan"),
    "next_year": 2022,
    "target_year": 2025,
    "unit": "项",
    "next_year_value_needed": 120.0,
}


def test_a_cumulative_target_says_the_reports_figure_precedes_the_plan() -> None:
    from viz.target_reasons import missing_reason

    assert missing_reason(_CUMULATIVE, "zh", observed=(2019, 176.0)) == (
        "累计目标只计 2022–2025 年；报告中的是 2019 年的 176 项，在规划期之前，不计入"
    )
    assert "before the plan period" in missing_reason(_CUMULATIVE, "en", observed=(2019, 176.0))


def test_a_missing_figure_can_be_entered_and_a_held_one_is_on_the_data_page() -> None:
    from viz.target_reasons import missing_reason

    assert "可在「规划对标」页填报" in missing_reason(_CUMULATIVE, "zh")
    assert "「数据」页" in missing_reason(_CUMULATIVE, "zh", held=True)
    assert missing_reason({**_CUMULATIVE, "current_value": 3.0}, "zh") == ""  # a value: no reason


def test_the_value_needed_next_year_never_stands_without_the_current_value() -> None:
    from viz.target_tables import attainment_table, target_screen_table

    rows = pd.DataFrame(
        [
            {
                **_CUMULATIVE,
                "label_zh": "授权发明专利数",
                "indicator_id": "x",
                "comparator": ">=",
                "target_value": 480.0,
            },
        ]
    )
    rows["current_year"] = pd.Series([None], dtype="Int64")
    for column in ("progress_pct", "growth_needed_pct", "target_low", "target_high"):
        rows[column] = float("nan")
    for column in ("level1", "value_text", "basis", "source_table", "note", "relative_to"):
        rows[column] = ""
    screen = target_screen_table(rows, "zh")
    assert screen["明年需达到"].tolist() == ["—"]
    assert attainment_table(rows, "zh")["明年需达到"].isna().all()


def test_no_file_path_in_the_interface_text() -> None:
    from viz.i18n import TEXT

    paths = re.compile(r"data/[a-z_]+|\.csv\b")
    leaks = {key: text for key, both_texts in TEXT.items() for text in both_texts.values() if paths.search(text)}
    assert leaks == {}


# --- takeaways compare like with like -------------------------------------------------------------------


def test_the_minimums_takeaway_compares_each_standard_with_its_own_threshold() -> None:
    from viz.sentences import takeaway

    data = pd.DataFrame(
        {
            "category": ["生师比", "生均教学科研仪器设备值", "生均图书"],
            "value": [14.02, 17265.39, 90.0],
            "unit": [":1", "元/生", "册/生"],
            "status": ["合格", "合格", "合格"],
            "share_of_minimum_pct": [128.4, 431.6, 112.5],
        }
    )
    line = takeaway(data, [], pd.DataFrame(), {}, "高职", "zh")
    assert line == "3 项国家基本办学条件均达标，最宽裕的是“生均教学科研仪器设备值”（为合格线的 432%）。"
    assert "元/生" not in line


def test_no_largest_value_across_different_units() -> None:
    from viz.sentences import takeaway

    data = pd.DataFrame(
        {"category": ["占地", "图书"], "value": [1237.0, 90.0], "unit": ["亩", "本"], "year": [2020, 2020]}
    )
    assert takeaway(data, [], pd.DataFrame(), {}, "高职", "zh") == ""


def test_a_percent_axis_of_a_deck_chart_ends_at_100() -> None:
    import plotly.graph_objects as go
    from pptx import Presentation
    from pptx.util import Inches

    from viz.deck_pptx import add_native_chart, is_percent_axis

    figure = go.Figure(go.Bar(x=[98.82, 96.68], y=["本校", "全省高职"], orientation="h", text=["98.82", "96.68"]))
    figure.update_layout(xaxis_title_text="数值（%）")
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    chart = add_native_chart(slide, figure, (0, 0, Inches(6), Inches(4)), "zh").chart
    assert chart.value_axis.maximum_scale == 100
    assert not is_percent_axis("数值（人）", 90) and not is_percent_axis("增长（%）", 140)


def test_the_overview_verdict_says_cards_plan_and_minimums_in_one_line() -> None:
    from viz.verdict import overview_verdict

    cards = pd.DataFrame({"is_favourable": [True, True, False, None]})
    attainment = pd.DataFrame({"status": ["met", "met", "off_track", "no_data", "not_measurable"]})
    minimums = pd.DataFrame({"status": ["met", "met", "no_value"]})
    assert overview_verdict(cards, attainment, minimums, "高职", "zh") == (
        "3 项核心指标中 2 项优于全省高职；可衡量的规划目标 4 项中 2 项已达成、1 项滞后或未达成；"
        "有数据的 2 项国家基本办学条件全部合格。"  # the third has no figure: never counted as met
    )
    assert overview_verdict(pd.DataFrame(), None, None, "高职", "zh") == ""
    assert overview_verdict(cards.head(2), None, None, "高职", "zh") == "2 项核心指标均优于全省高职。"
    assert "2 of 3 headline figures" in overview_verdict(cards, None, None, "高职", "en")
    assert overview_verdict(cards.head(2), None, None, "高职", "en").startswith("All 2 headline figures better")
    assert overview_verdict(cards.head(1), None, None, "高职", "zh") == "1 项核心指标中 1 项优于全省高职。"


def test_an_empty_trend_says_whether_one_report_or_one_year_of_the_figure_is_the_cause() -> None:
    from viz.catalogue import trend_missing

    history = pd.DataFrame(
        {
            "school": ["甲", "甲", "甲"],
            "report_id": ["甲-2020", "甲-2020", "甲-2021"],
            "indicator_id": ["enroll_plan", "x", "x"],
            "year": [2020, 2020, 2021],
        }
    )
    assert trend_missing(history, "甲", ["enroll_plan"], "zh") == (
        "已载入 2 份报告，但其中只有 1 个年度有这项数据，暂无趋势可画。"
    )
    assert trend_missing(history[history["report_id"] == "甲-2020"], "甲", ["x"], "zh").startswith("只载入了一个年度")


@pytest.mark.browser
def test_a_search_without_a_match_says_so_in_chinese(server: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(f"{server}/compare?lang=zh")
        settle(page)
        page.locator("[data-testid=stMain] [data-testid=stSelectbox]").first.click()
        page.keyboard.type("zzzq")
        page.wait_for_selector('[role=listbox][data-empty="true"]', timeout=10_000)
        shown = page.evaluate(
            "() => { const s = document.querySelector('[role=listbox][data-empty=\"true\"] [role=option] span');"
            " return [getComputedStyle(s).fontSize, getComputedStyle(s, '::after').content]; }"
        )
        assert shown == ["0px", '"无匹配项"']
    finally:
        page.close()


def test_a_ratio_bullet_has_no_axis_title_of_colon_one_and_thresholds_drop_zeros() -> None:
    from viz.minimums import _written
    from viz.target_charts import bullet

    figure = bullet(
        title="生师比", subtitle="", value=14.02, target=18.0, unit=":1", status="met", comparator="<=",
        value_label="本校", target_label="目标", lang="zh",
    )  # fmt: skip
    assert not figure.layout.xaxis.title.text
    assert _written(">=", 15.0, "%", "zh") == "≥ 15%" and _written("<=", 18.0, ":1", "zh") == "≤ 18 : 1"


def test_an_english_money_bullet_is_in_million_yuan_throughout() -> None:
    from viz.target_charts import bullet

    figure = bullet(
        title="Technical service income", value=3255.21, target=6000.0, unit="万元", lang="en", comparator=">=",
        value_label="School", target_label="Target",
    )  # fmt: skip
    assert figure.data[0].text == ("32.55",) and figure.layout.xaxis.title.text == "million yuan"
    assert figure.layout.annotations[0].text == "Target ≥ 60 million yuan"


def test_the_largest_line_reads_as_one_sentence_in_english() -> None:
    from viz.sentences import _largest_line

    data = pd.DataFrame(
        {"category": ["杭州市", "温州市"], "series": ["From the region", "From the region"], "value": [189.0, 1651.0],
         "unit": ["人", "人"]}
    )  # fmt: skip
    assert _largest_line(data, "en") == "Largest (From the region): 温州市, 1,651 people."
    assert _largest_line(data, "zh") == "From the region：最多的是“温州市”，1,651 人。"


def test_an_axis_title_with_its_own_bracket_takes_the_unit_inside_it() -> None:
    from viz.charts import axis_title

    assert axis_title("就业率", "%", "zh") == "就业率（%）"
    assert axis_title("报到人数（近三年）", "人", "zh") == "报到人数（近三年，人）"
    assert axis_title("Registered (three years)", "人", "en") == "Registered (three years, people)"
