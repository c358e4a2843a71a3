"""The office files of a view: the PowerPoint deck, the Word appendix and the offline HTML file.

Each file is read back: the deck with python-pptx (its charts are chart objects whose series hold
the dashboard's numbers), the appendix with python-docx (its tables hold the same numbers, its
sentences their values), the HTML file in Debian's Chromium with every network request refused
(every chart is drawn). The sentences are checked against sums done by hand on the bundled report.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE_TYPE

from loaders.contracts.paths import ROOT
from loaders.store.build import rebuild
from loaders.store.queries import StoreReader
from loaders.store.schema import connect
from metrics.errors import MissingColumnsError
from viz.__main__ import load_context, load_dossier
from viz.appendix_docx import render_appendix
from viz.charts import horizontal_bars
from viz.deck_pptx import render_deck
from viz.documents import DOCUMENTS, OFFICE_FORMATS, render_document
from viz.dossier import Dossier
from viz.exports import Provenance
from viz.offline_html import render_html
from viz.png import png_available
from viz.sections import ChartItem
from viz.sentences import describe_comparison, takeaway
from viz.theme import SCHOOL_COLOUR, SERIES_COLOURS

SCHOOL = "温州职业技术学院"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CLI = [sys.executable, "-m", "viz", "pack"]
#: The bundled report's 表2-15/表2-16: 本校 and 全省高职 employment rate, 2019届 one year and 2017届 three years after.
EMPLOYMENT = {"本校": [98.82, 99.0], "全省高职": [96.68, 97.13]}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("office") / "quality.duckdb"
    rebuild(path)
    return path


def _dossier(db: Path, page: str = "all", lang: str = "zh") -> Dossier:
    con = connect(db, read_only=True)
    try:
        ctx = load_context(StoreReader(con), school=SCHOOL, year=2020, lang=lang, benchmark="高职")
        return load_dossier(StoreReader(con), ctx, page, None)
    finally:
        con.close()


@pytest.fixture(scope="module")
def whole(db: Path) -> Dossier:
    return _dossier(db)


@pytest.fixture(scope="module")
def deck(whole: Dossier):
    return Presentation(io.BytesIO(render_deck(whole)))


@pytest.fixture(scope="module")
def appendix_bytes(whole: Dossier) -> bytes:
    return render_appendix(whole, png=png_available())


@pytest.fixture(scope="module")
def appendix(appendix_bytes: bytes):
    return Document(io.BytesIO(appendix_bytes))


def _slide_texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame and shape.text_frame.text]


def _trace_values(trace) -> list[float]:
    values = trace.x if trace.orientation == "h" else trace.y
    return [float(v) for v in values]


def _as_drawn(chart) -> tuple[list[str], list[tuple[str, list]]]:
    """A chart's categories and series in the order a reader sees them: a horizontal bar chart
    (``c:barDir bar``) draws its first category at the bottom and, in a group, its first series
    lowest, unless its category axis is reversed; a column or line chart reads left to right."""
    categories = list(chart.plots[0].categories)
    series = [(s.name, list(s.values)) for s in chart.plots[0].series]
    if chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED and not chart.category_axis.reverse_order:
        categories = categories[::-1]
        series = [(name, values[::-1]) for name, values in reversed(series)]
    return categories, series


# --- sentences ----------------------------------------------------------------------------------


def test_a_sentence_matches_a_hand_computation_on_the_bundled_report(whole: Dossier) -> None:
    # 表2-15: 本校 98.82, 全省高职 96.68 → 98.82 - 96.68 = 2.14 个百分点; 表2-16: 99.00 - 97.13 = 1.87.
    sentences = dict(zip(whole.sentences["indicator_id"], whole.sentences["sentence"], strict=True))
    assert sentences["employment_rate"] == (
        "2019届毕业生毕业一年后就业率为 98.82%，高于全省高职平均（96.68%）2.14 个百分点；"
        "2017届毕业生毕业三年后就业率为 99.00%，高于全省高职平均（97.13%）1.87 个百分点。"
    )
    # 表2-17: 6378.90 - 4885.36 = 1493.54 元 (money in 元, not 个百分点).
    assert sentences["monthly_income"].startswith(
        "2019届毕业生毕业一年后平均月收入为 6,378.90 元，高于全省高职平均（4,885.36 元）1,493.54 元；"
    )
    # 表2-15 (2017届, three years after) 作答率: 77.98 - 80.49 = -2.51: below.
    assert (
        "2017届毕业生毕业三年后作答率为 77.98%，低于全省高职平均（80.49%）2.51 个百分点" in sentences["response_rate"]
    )
    ctx = whole.context
    english = describe_comparison(
        ctx.comparison, {"employment_rate": "Employment rate"}, "高职", "en", ["employment_rate"]
    )
    assert (
        english["sentence"]
        .iloc[0]
        .startswith(
            "Employment rate, class of 2019, 1 yr after: 98.82%, 2.14 percentage points above the Zhejiang vocational"
            " average (96.68%)"
        )
    )


def _comparison(csv: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(csv), dtype={"years_after": "Int64"})


def test_sentences_from_a_few_rows_say_below_level_and_nothing_without_a_benchmark() -> None:
    rows = _comparison(
        "indicator_id,year,years_after,unit,value,benchmark,benchmark_value,difference,difference_unit\n"
        "rate,2020,1,%,90.5,高职,92.0,-1.5,百分点\n"
        "income,2020,1,元,5000,高职,5000,0,元\n"
        "income,2020,1,元,5000,全省,4000,1000,元\n"
        "alone,2020,1,分,80,高职,,,分\n"
    )
    names = {"rate": "就业率", "income": "月收入", "alone": "满意度"}
    out = describe_comparison(rows, names, "高职", "zh")
    assert out["sentence"].tolist() == [
        "2020届毕业生毕业一年后就业率为 90.50%，低于全省高职平均（92.00%）1.50 个百分点。",
        "2020届毕业生毕业一年后月收入为 5,000 元，与全省高职平均（5,000 元）持平。",
        "2020届毕业生毕业一年后满意度为 80.00 分。",
    ]
    assert describe_comparison(rows, names, "全省", "en")["sentence"].tolist() == [
        "月收入, class of 2020, 1 yr after: 5,000 yuan, 1,000 yuan above the All Zhejiang HEIs average (4,000 yuan)."
    ]


def test_sentences_of_an_empty_comparison_and_of_a_frame_without_values() -> None:
    empty = _comparison(
        "indicator_id,year,years_after,unit,value,benchmark,benchmark_value,difference,difference_unit\n"
    )
    pd.testing.assert_frame_equal(
        describe_comparison(empty, {}, "高职", "zh"), pd.DataFrame(columns=["indicator_id", "sentence"])
    )
    with pytest.raises(MissingColumnsError, match="difference"):
        describe_comparison(_comparison("indicator_id,year,value\nrate,2020,1\n"), {}, "高职", "zh")


def test_takeaways_of_a_dimension_chart_and_of_a_distribution(whole: Dossier) -> None:
    items = {item.key: item for item in whole.pages["outcomes"]}
    # 表2-21 创新能力: 95.18 - 89.74 = 5.44 分, the widest of the five gaps (4.13, 4.74, 5.44, 4.33, 3.80).
    assert whole.takeaway(items["employer"]) == "5 项均高于全省高职平均；差距最大的是“创新能力”（高 5.44 分）。"
    assert whole.takeaway(items["industry_employment_count"]) == "最多的是“制造业”，1,021 人。"
    enrollment = {item.key: item for item in whole.pages["enrollment"]}
    assert whole.takeaway(enrollment["enroll_registration_rate"]) == "最高的是“提前招生”，98.08%。"
    assert whole.takeaway(enrollment["history"]) == ""  # one year loaded: no trend, no line
    ctx = whole.context
    assert takeaway(pd.DataFrame({"year": [2019, 2020], "series": ["计划", "计划"], "value": [10.0, 12.0]}), (),
                    ctx.comparison, ctx.names, "高职", "zh") == "2020 年：计划 12.00。"  # fmt: skip


# --- PowerPoint ---------------------------------------------------------------------------------


def test_deck_charts_are_chart_objects_holding_the_dashboards_numbers(deck, whole: Dossier) -> None:
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)  # 16:9, 13.333 × 7.5 in
    shapes = [shape for slide in deck.slides for shape in slide.shapes]
    assert not [s for s in shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    charts = {}
    for slide in deck.slides:
        frames = [shape for shape in slide.shapes if shape.has_chart]
        if frames:
            assert len(frames) == 1
            charts[_slide_texts(slide)[0]] = (slide, frames[0].chart)
    expected = whole.charts()
    assert len(expected) == 25 and len(charts) == 25  # the enrollment trend has one year only: left out
    slide, chart = charts["就业率"]
    categories, drawn = _as_drawn(chart)
    series = dict(drawn)
    assert series["本校"] == pytest.approx(EMPLOYMENT["本校"])
    assert series["全省高职"] == pytest.approx(EMPLOYMENT["全省高职"])
    assert categories == ["2019届·毕业一年后", "2017届·毕业三年后"]  # top to bottom, as on the page
    fills = {s.name: str(s.format.fill.fore_color.rgb) for s in chart.plots[0].series}
    assert fills["本校"] == SCHOOL_COLOUR.lstrip("#").upper()
    assert fills["全省高职"] == SERIES_COLOURS["高职"].lstrip("#").upper()
    texts = "\n".join(_slide_texts(slide))
    assert "高于全省高职平均（96.68%）2.14 个百分点" in texts
    assert "来源：温州职业技术学院 2020 年质量年度报告，表2-15、表2-16" in texts
    assert "筛选：学校：温州职业技术学院；报告年度：2020；对比基准：全省高职" in texts
    assert "表2-15: 1271, 1273, 1275, 1277" in slide.notes_slide.notes_text_frame.text
    for _, item in expected:  # every chart: the figure's series, names and values, in its order
        _, chart = charts[item.title]
        traces = [trace for trace in item.figure.data if trace.type in ("bar", "scatter")]
        _, plotted = _as_drawn(chart)
        assert [name for name, _ in plotted] == [html.unescape(trace.name or "") for trace in traces]
        if item.title == "就业行业流向":
            continue  # 12 industries and 「其他 7 项」: test_the_deck_sums_the_smallest_industries_into_one_bar
        for trace, (_, plotted_values) in zip(traces, plotted, strict=True):
            values = [v for v in plotted_values if v is not None]
            assert values == pytest.approx(_trace_values(trace)), item.title


def test_deck_has_a_title_a_kpi_and_plan_target_slides_in_chinese_fonts(deck) -> None:
    slides = [("\n".join(_slide_texts(slide)), slide) for slide in deck.slides]
    assert slides[0][0].startswith("温州职业技术学院 2020 年质量年度报告对标分析")
    kpi = slides[1][0]
    assert kpi.startswith("核心指标") and "98.82" in kpi and "+2.14 百分点" in kpi and "14.02" in kpi
    plan = [text for text, slide in slides if text.startswith("规划对标")]
    assert len(plan) == 4  # 33 measurable targets, 10 to a slide
    tables = [shape.table for _, slide in slides for shape in slide.shapes if shape.has_table]
    cells = [cell.text for table in tables for row in table.rows for cell in row.cells]
    assert "生师比" in cells and "≤ 18 : 1" in cells and "14.02 : 1" in cells and "已达成" in cells
    xml = deck.slides[3].shapes._spTree.xml
    assert 'typeface="微软雅黑"' in xml and "<a:ea " in xml and 'charset="-122"' in xml and 'lang="zh-CN"' in xml


def test_deck_of_one_page_holds_its_charts_only(db: Path) -> None:
    dossier = _dossier(db, "faculty", "en")
    deck = Presentation(io.BytesIO(render_document("pptx", dossier)))
    titles = [_slide_texts(slide)[0] for slide in deck.slides]
    assert titles[0] == f"{SCHOOL}: quality report 2020 · Faculty"
    assert titles[1:] == ["Full-time teachers by title", "Full-time teachers by degree",
                          "Teacher training and exchange (person-times)",
                          "National minimum school conditions (MoE circular No. 2 of 2004)"]  # fmt: skip
    chart = next(shape.chart for shape in deck.slides[1].shapes if shape.has_chart)
    item = dossier.pages["faculty"][0]
    assert sorted(chart.plots[0].series[0].values) == sorted(item.data["value"].astype(float).tolist())
    assert _as_drawn(chart)[0][0] == "Senior title"  # largest first, in English, drawn on top as on the page


# --- Word ---------------------------------------------------------------------------------------


def _table_rows(document) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


def test_appendix_tables_hold_the_dashboards_numbers_and_sentences_their_values(appendix, whole: Dossier) -> None:
    rows = _table_rows(appendix)
    assert ["就业率", "2019届·毕业一年后", "%", "98.82", "96.68", "+2.14 百分点"] in rows  # the 计分卡
    assert ["2019届·毕业一年后", "98.82", "96.68", "93.60", "90.96"] in rows  # the chart's table (表2-15)
    assert ["技术服务到款额", "3,255.21"] in rows
    assert ["生师比", "≤ 18 : 1", "14.02 : 1", "2020", "100%", "已达成"] in rows
    paragraphs = [p.text for p in appendix.paragraphs]
    sentence = next(p for p in paragraphs if p.startswith("2019届毕业生毕业一年后就业率"))
    assert "98.82%" in sentence and "2.14 个百分点" in sentence
    assert len([p for p in paragraphs if p.startswith("20") and "届毕业生" in p]) == 13  # 8 indicators + 5 dimensions


def test_appendix_numbers_its_captions_with_word_fields_and_names_chinese_fonts(appendix, whole: Dossier) -> None:
    captions = [p.text for p in appendix.paragraphs if p.style.name == "Caption"]
    tables = [c for c in captions if c.startswith("表 ")]
    figures = [c for c in captions if c.startswith("图 ")]
    assert [int(re.match(r"表 (\d+)", c).group(1)) for c in tables] == list(range(1, len(tables) + 1))
    assert tables[:3] == ["表 1  核心指标", "表 2  计分卡：本校与全省高职平均", "表 3  就业率（单位：%）"]
    assert len(tables) == 2 + 25 + 1  # headline, 计分卡, one per chart, plan targets
    assert len(appendix.tables) == len(tables)
    body = appendix.element.body.xml
    assert body.count("SEQ 表") == len(tables) and body.count("SEQ 图") == len(figures)
    pictures = appendix.inline_shapes
    if png_available():
        assert figures[0] == "图 1  就业率" and len(figures) == len(pictures) == 25
    else:
        assert not figures and any("未含图表图片" in p.text for p in appendix.paragraphs)
    normal = appendix.styles["Normal"].element.rPr.rFonts
    assert normal.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"


#: The charts' smallest text, in CSS px: bar labels may shrink to the template's uniformtext.minsize 14
#: (their own size is 15, ticks and legends 16). At 9 pt on paper: 14 px × 425.2 pt / 9 pt = 661 px
#: across 15 cm, 14 × 368.5 / 9 = 573 px across 13 cm (before: 1,400 and 1,000 px, 4.2 and 5.2 pt).
SMALLEST_FONT_PX = 14


def test_appendix_chart_pictures_print_their_smallest_text_at_9_pt_or_more(appendix, whole: Dossier) -> None:
    from viz.appendix_docx import PICTURE_SCALE, smallest_font_px, untitled

    pictures = appendix.inline_shapes
    if not len(pictures):
        pytest.skip("no chart pictures: Chromium is not installed (bash manage.sh test installs it)")
    items = [item for _, item in whole.charts()]
    assert len(pictures) == len(items) == 25
    printed = []
    for shape, item in zip(pictures, items, strict=True):
        assert smallest_font_px(untitled(item.figure).to_dict()) == SMALLEST_FONT_PX, item.title
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        image = appendix.part.related_parts[blip].image
        css_width = image.px_width / PICTURE_SCALE
        placed_pt = shape.width.pt
        assert placed_pt == pytest.approx(425.2 if item.width == "full" else 368.5, abs=0.1), item.title
        printed.append(SMALLEST_FONT_PX * placed_pt / css_width)
        assert image.px_width / (placed_pt / 72) >= 300, item.title  # dots per inch on paper
    assert min(printed) >= 9.0 and max(printed) < 9.1  # as wide as 9 pt allows: no wider, no narrower


def test_the_width_a_chart_is_drawn_at_for_9_pt_on_paper() -> None:
    from viz.appendix_docx import picture_width_px, smallest_font_px

    assert picture_width_px(15.0, 14) == 661  # 14 × 425.197 / 9 = 661.4
    assert picture_width_px(13.0, 14) == 573  # 14 × 368.504 / 9 = 573.2
    assert picture_width_px(15.0, 16, min_pt=10.5) == 647  # 16 × 425.197 / 10.5 = 647.9
    spec = {
        "data": [{"type": "bar", "textfont": {"size": 15}, "insidetextfont": {"size": 12}}],
        "layout": {"font": {"size": 16}, "xaxis": {"tickfont": {"size": 13}}, "uniformtext": {"minsize": 14}},
    }
    assert smallest_font_px(spec) == 12
    with pytest.raises(ValueError, match="no font size"):
        smallest_font_px({"data": [], "layout": {}})
    with pytest.raises(ValueError, match="positive"):
        picture_width_px(0, 14)


def test_appendix_without_pictures_keeps_its_tables_and_says_why(db: Path) -> None:
    document = Document(io.BytesIO(render_appendix(_dossier(db, "research"), png=False)))
    assert len(document.inline_shapes) == 0
    assert len(document.tables) == 3 and "未要求生成图片" in "\n".join(p.text for p in document.paragraphs)
    assert ["技术服务到款额", "3,255.21"] in _table_rows(document)


# --- HTML ---------------------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script>"


def _hostile_dossier(whole: Dossier, extra: str | None = None) -> Dossier:
    categories = [HOSTILE, "</script><img src=x onerror=alert(2)>", "正常", *([extra] if extra else [])]
    frame = pd.DataFrame(
        {"category": categories, "value": [3.0, 2.0, 1.0, 0.5][: len(categories)],
         "unit": ["人"] * len(categories), "source_table": ["表9-9"] * len(categories),
         "source_line": list(range(1, len(categories) + 1))}
    )  # fmt: skip
    figure = horizontal_bars(frame, title="<b>标题</b>", value_label="人数", unit="人")
    provenance = Provenance('报告"<i>x</i>', ("表9-9",), "学校：<a href=x>y</a>", frame)
    item = ChartItem("hostile", "<b>标题</b>", figure, frame, provenance)
    return Dossier(whole.context, {"faculty": [item]})


def test_html_holds_every_chart_as_text_and_escapes_what_comes_from_data(whole: Dossier) -> None:
    page = render_html(whole).decode("utf-8")
    assert page.count('class="plot"') == 25
    assert "Content-Security-Policy" in page and "default-src 'none'" in html.unescape(page)
    from plotly.offline import get_plotlyjs

    own = page.replace(get_plotlyjs(), "")  # plotly.js names its website and map tiles; it fetches none here
    assert get_plotlyjs() in page and 'src="http' not in own and 'href="http' not in own
    assert page.count("<script") == 3  # the figures (JSON), plotly.js, the drawing code
    assert "高于全省高职平均（96.68%）2.14 个百分点" in page
    hostile = render_html(_hostile_dossier(whole)).decode("utf-8")
    assert HOSTILE not in hostile and "<img src=x" not in hostile and "<a href=x>" not in hostile
    assert "&lt;a href=x&gt;y&lt;/a&gt;" in hostile  # the filters as text
    assert hostile.count("</script>") == 3  # none inside the embedded figure


def _chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (bash manage.sh test installs it)")
    from playwright.sync_api import sync_playwright

    from bench.server import LAUNCH_ARGS

    return sync_playwright, LAUNCH_ARGS


def _open_offline(browser, path: Path):
    """A page on ``path`` in a context that is offline and refuses every request but file://."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
    refused: list[str] = []

    def refuse(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", refuse)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.goto(path.as_uri())
    return page, refused, problems


def test_deck_and_appendix_keep_text_from_data_as_text(whole: Dossier) -> None:
    dossier = _hostile_dossier(whole, extra="制\x0b造\x00业")  # control characters XML cannot hold
    deck = Presentation(io.BytesIO(render_deck(dossier)))
    chart = next(shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart)
    assert _as_drawn(chart)[0][0] == HOSTILE  # the largest, on top: as typed
    assert "制造业" in list(chart.plots[0].categories)
    assert "<b>标题</b>" in [_slide_texts(slide)[0] for slide in deck.slides]
    document = Document(io.BytesIO(render_appendix(dossier, png=False)))
    assert [HOSTILE, "3"] in _table_rows(document) and ["制造业", "0.50"] in _table_rows(document)


@pytest.mark.browser
def test_html_file_draws_every_chart_in_chromium_without_a_network(whole: Dossier, tmp_path: Path) -> None:
    sync_playwright, launch_args = _chromium()
    path = tmp_path / "view.html"
    path.write_bytes(render_html(whole))
    hostile = tmp_path / "hostile.html"
    hostile.write_bytes(render_html(_hostile_dossier(whole)))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=launch_args)
        try:
            page, refused, problems = _open_offline(browser, path)
            page.wait_for_function(
                "document.querySelectorAll('.plot').length === 25"
                " && document.querySelectorAll('.plot .main-svg').length >= 25",
                timeout=60_000,
            )
            plots = page.locator(".plot")
            for index in range(plots.count()):
                assert plots.nth(index).locator(".main-svg").count() >= 1, f"chart {index + 1} not drawn"
                assert plots.nth(index).locator(".point, .trace").count() >= 1
            text = page.inner_text("body")
            assert "就业率" in text and "温州职业技术学院 2020 年质量年度报告对标分析" in text
            assert page.locator(".plot .gtitle").first.text_content() == "就业率"  # Plotly drew the Chinese title
            assert refused == [] and problems == []
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "office_html.png"))
            page, refused, problems = _open_offline(browser, hostile)
            page.wait_for_selector(".plot .main-svg", timeout=30_000)
            page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
            assert HOSTILE in page.inner_text("body")  # in the table, shown as text, never run
            assert HOSTILE in page.locator(".plot .ytick").all_text_contents()  # and on the chart's axis
            assert page.locator("img").count() == 0 and problems == [] and refused == []
        finally:
            browser.close()


@pytest.mark.browser
def test_the_dashboards_buttons_download_the_files(db: Path) -> None:
    sync_playwright, launch_args = _chromium()
    from bench.server import running_server

    with running_server(db) as (url, _), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=launch_args)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1200}, accept_downloads=True)
            files = {}
            for path, label in (("faculty", "下载 PPT（可编辑图表）"), ("", "下载离线网页")):
                page.goto(f"{url}/{path}")
                button = page.get_by_role("button", name=label)
                button.wait_for(timeout=90_000)
                with page.expect_download(timeout=120_000) as download:
                    button.click()
                files[download.value.suggested_filename] = Path(download.value.path()).read_bytes()
        finally:
            browser.close()
    assert sorted(files) == ["师资_温州职业技术学院_2020.pptx", "汇报材料_温州职业技术学院_2020.html"]
    deck = Presentation(io.BytesIO(files["师资_温州职业技术学院_2020.pptx"]))
    assert [_slide_texts(slide)[0] for slide in deck.slides][1:] == ["专任教师职称结构", "专任教师学位结构",
                                                                     "教师进修、培训与交流（人次）",
                                                                     "国家基本办学条件（教发〔2004〕2号）"]  # fmt: skip
    page_html = files["汇报材料_温州职业技术学院_2020.html"].decode("utf-8")
    assert page_html.count('class="plot"') == 25 and "规划对标" in page_html


# --- the registry, the CLI and the app ----------------------------------------------------------


def test_every_office_format_is_registered_with_its_file_type(whole: Dossier) -> None:
    assert list(DOCUMENTS) == ["zip", "pptx", "docx", "html"] and OFFICE_FORMATS == ("pptx", "docx", "html")
    inside = {"pptx": "ppt/charts/chart1.xml", "docx": "word/document.xml"}
    page = Dossier(whole.context, {"research": whole.pages["research"]})
    for kind in OFFICE_FORMATS:
        data = render_document(kind, page, png=False)
        if kind == "html":
            assert data.startswith(b"<!DOCTYPE html>")
        else:
            assert inside[kind] in zipfile.ZipFile(io.BytesIO(data)).namelist()


@pytest.mark.parametrize(
    ("arguments", "name"),
    [(["--out"], "research.pptx"), (["--format", "docx", "--no-png", "--out"], "appendix.bin"), (["--out"], "r.html")],
)
def test_cli_writes_the_office_files(db: Path, tmp_path: Path, arguments: list[str], name: str) -> None:
    out = tmp_path / name
    command = [*CLI, "--page", "research", "--school", SCHOOL, "--year", "2020", "--db", str(db), *arguments, str(out)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "(3 charts / 张图, 0 tables / 张表)" in result.stdout
    if name.endswith(".pptx"):
        deck = Presentation(out)
        chart = next(shape.chart for shape in deck.slides[1].shapes if shape.has_chart)
        assert any(value == pytest.approx(3255.214) for value in chart.plots[0].series[0].values)
    elif name.endswith(".bin"):
        assert ["技术服务到款额", "3,255.21"] in _table_rows(Document(out))
    else:
        assert out.read_text(encoding="utf-8").count('class="plot"') == 3


def test_cli_all_pages_writes_the_whole_dashboard_deck(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.pptx"
    command = [*CLI, "--page", "all", "--lang", "en", "--db", str(db), "--out", str(out)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    deck = Presentation(out)
    titles = [_slide_texts(slide)[0] for slide in deck.slides]
    assert titles[1] == "Headline indicators" and titles[-1].startswith("Plan targets")
    assert len([s for s in deck.slides if any(shape.has_chart for shape in s.shapes)]) == 25


def test_pages_offer_the_three_office_downloads(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("QUALITY_DB", str(db))
    monkeypatch.delenv("PLANNER_PASSWORD", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    wanted = ["下载 PPT（可编辑图表）", "下载 Word 附录", "下载离线网页"]
    for page, key in (("pages/overview.py", "office_all"), ("pages/faculty.py", "office_faculty")):
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        buttons = [b.proto for b in at.get("download_button") if b.proto.id.endswith(key)]
        assert [b.label for b in buttons] == wanted, page


# --- a look at the deck as LibreOffice draws it ---------------------------------------------------


def _as_libreoffice_prints(document: Path, folder: Path) -> Path:
    """The office file converted to PDF by LibreOffice (a profile of its own in ``folder``): the PDF's path."""
    result = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{folder}/lo", "--convert-to", "pdf",
         "--outdir", str(folder), str(document)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return folder / f"{document.stem}.pdf"


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed (apt-get install libreoffice-impress)"
)
def test_libreoffice_draws_the_deck_with_its_chinese_text(whole: Dossier, tmp_path: Path) -> None:
    import pypdfium2

    deck = tmp_path / "deck.pptx"
    deck.write_bytes(render_deck(whole))
    pdf = pypdfium2.PdfDocument(str(_as_libreoffice_prints(deck, tmp_path)))
    slides = Presentation(deck).slides
    assert len(pdf) == len(slides)
    text = pdf[3].get_textpage().get_text_range()
    assert "就业率" in text and "98.82" in text and "2019" in text
    # What LibreOffice drew (it leaves out a category label it finds no room for: the 19 industries
    # lost every other one at 9 pt): every category of every chart is in its page's text.
    titles = [_slide_texts(slide)[0] for slide in slides]
    for title, (_, chart) in _chart_slides(Presentation(deck)).items():
        page = pdf[titles.index(title)].get_textpage()
        drawn = re.sub(r"\s", "", page.get_text_range())  # LibreOffice spaces Latin from CJK text
        missing = [c for c in chart.plots[0].categories if re.sub(r"\s", "", c) not in drawn]
        assert not missing, (title, missing)
    page = pdf[titles.index("就业率")].get_textpage()

    def top(text: str, nth: int = 0) -> float:  # PDF y grows upwards: higher on the page is larger
        searcher = page.search(text)
        for _ in range(nth):
            searcher.get_next()
        index, _ = searcher.get_next()
        return page.get_charbox(index)[3]

    legend = [top("本校"), top("全省高职", 2), top("全省高校"), top("全省本科")]
    assert legend == sorted(legend, reverse=True)  # the legend lists the series top-down, as the bars stand
    assert top("100") < top("2017")  # the value axis' ticks are below the bars' labels


def test_the_kpi_slide_writes_the_ratio_as_a_reader_does(deck) -> None:
    texts = [shape.text_frame.text for shape in deck.slides[1].shapes if shape.has_text_frame]
    ratio = next(text for text in texts if text.startswith("生师比"))
    assert ratio.splitlines()[:2] == ["生师比", "14.02 : 1"]
    assert not any("（:1）" in text for text in texts)


def test_every_source_line_of_the_appendix_cites_tables_as_a_publication_does(appendix) -> None:
    lines = [p.text for p in appendix.paragraphs if p.text.startswith("来源：")]
    pictures = len(appendix.inline_shapes)  # 25 with Chromium, else none
    assert len(lines) == 4 + 25 + pictures  # title, headline, 计分卡, targets; each chart's table and picture
    for line in lines:
        assert "行号" not in line and not re.search(r"\d+, \d+", line), line  # no .txt line numbers
    scorecard = next(line for line in lines if "表2-15、" in line and "筛选" not in line)
    assert scorecard.endswith(
        "表2-15、表2-16、表2-17、表2-18、表2-19、表2-20、表2-21、表2-22、表2-23、表2-26、表2-27、表2-28"
    )  # in the report's order (表2-21 was last)
    filters = "筛选：学校：温州职业技术学院；报告年度：2020；对比基准：全省高职"
    assert f"来源：温州职业技术学院 2020 年质量年度报告，表2-24；{filters}" in lines


def test_the_appendix_cites_tables_without_text_line_numbers(db: Path) -> None:
    document = Document(io.BytesIO(render_appendix(_dossier(db, "research"), png=False)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "表4" in text and "行号" not in text


# --- the deck's charts as a reader's office suite draws them ------------------------------------

#: 表2-24 (就业行业流向): the seven smallest industries, summed into 「其他 7 项」 = 62 + 42 + 16 + 15 + 13 + 3 + 3.
FOLDED_INDUSTRIES = {"科学研究和技术服务业": 62, "交通运输、仓储和邮政业": 42, "农、林、牧、渔业": 16,
                     "公共管理、社会保障和社会组织": 15, "卫生和社会工作": 13, "采矿业": 3,
                     "水利、环境和公共设施管理业": 3}  # fmt: skip


def _chart_slides(deck) -> dict[str, tuple]:
    return {
        _slide_texts(slide)[0]: (slide, next(shape.chart for shape in slide.shapes if shape.has_chart))
        for slide in deck.slides
        if any(shape.has_chart for shape in slide.shapes)
    }


def _category_font_pt(chart) -> float:
    size = chart.category_axis._element.xpath("./c:txPr//a:defRPr/@sz")
    return int(size[0]) / 100


def test_the_deck_sums_the_smallest_industries_into_one_bar(deck, whole: Dossier) -> None:
    slide, chart = _chart_slides(deck)["就业行业流向"]
    categories, series = _as_drawn(chart)
    item = next(item for item in whole.pages["outcomes"] if item.title == "就业行业流向")
    assert len(item.data) == 19
    assert len(categories) == 13 and categories[-1] == "其他 7 项"
    assert categories[:4] == ["制造业", "信息传输、软件和信息技术服务业", "建筑业", "批发和零售业"]
    assert series[0][1][0] == 1021 and series[0][1][-1] == 154 == sum(FOLDED_INDUSTRIES.values())
    assert not set(FOLDED_INDUSTRIES) & set(categories)
    notes = slide.notes_slide.notes_text_frame.text
    assert "其他 7 项：" + "；".join(FOLDED_INDUSTRIES) in notes  # what 「其他」 holds, for the speaker
    assert _category_font_pt(chart) == 12


def test_every_deck_chart_labels_every_category_at_12_pt_with_the_axis_below_and_legend_in_bar_order(
    deck, whole: Dossier
) -> None:
    charts = _chart_slides(deck)
    for _, item in whole.charts():
        _, chart = charts[item.title]
        categories, series = _as_drawn(chart)
        skip = chart.category_axis._element.xpath("./c:tickLblSkip/@val")
        assert skip == ["1"], item.title  # no label left out by the suite
        assert _category_font_pt(chart) >= 12, item.title
        assert all(category for category in categories), item.title
        if chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED:
            # Not reversed and crossing at the first category: the value axis lies along the bottom.
            assert not chart.category_axis.reverse_order, item.title
            assert chart.value_axis._element.xpath("./c:crosses/@val") == ["autoZero"], item.title
            assert chart.value_axis._element.xpath("./c:axPos/@val") == ["b"], item.title
            if len(series) > 1:  # a legend beside the bars lists the series top-down, as they stand
                assert chart.legend.position == XL_LEGEND_POSITION.RIGHT, item.title
        traces = [trace for trace in item.figure.data if trace.type in ("bar", "scatter")]
        assert [name for name, _ in series] == [html.unescape(trace.name or "") for trace in traces], item.title
    _, chart = charts["就业率"]
    assert [name for name, _ in _as_drawn(chart)[1]] == ["本校", "全省高职", "全省高校", "全省本科"]
    assert chart.value_axis.maximum_scale == 100  # a % axis ends at 100


def test_a_chart_of_shares_too_many_for_one_slide_is_split_in_two(whole: Dossier) -> None:
    shares = pd.DataFrame(
        {"category": [f"专业{n:02d}" for n in range(1, 20)], "value": [float(90 - n) for n in range(19)],
         "unit": ["%"] * 19, "source_table": ["表9-9"] * 19, "source_line": list(range(19))}
    )  # fmt: skip
    figure = horizontal_bars(shares, title="各专业就业率", value_label="就业率", unit="%")
    item = ChartItem("shares", "各专业就业率", figure, shares, Provenance("报告", ("表9-9",), "学校：x", shares))
    deck = Presentation(io.BytesIO(render_deck(Dossier(whole.context, {"faculty": [item]}))))
    charts = _chart_slides(deck)
    assert sorted(charts) == ["各专业就业率（1 / 2）", "各专业就业率（2 / 2）"]
    first = _as_drawn(charts["各专业就业率（1 / 2）"][1])
    second = _as_drawn(charts["各专业就业率（2 / 2）"][1])
    assert first[0] == [f"专业{n:02d}" for n in range(1, 11)] and second[0] == [f"专业{n:02d}" for n in range(11, 20)]
    assert first[1][0][1][0] == 90.0 and second[1][0][1][-1] == 72.0  # shares are never summed


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed (apt-get install libreoffice-writer)"
)
def test_libreoffice_prints_the_appendix_pictures_at_their_width_with_9_pt_text(
    appendix_bytes: bytes, tmp_path: Path
) -> None:
    import pypdfium2
    import pypdfium2.raw as pdfium

    from viz.appendix_docx import PICTURE_SCALE

    if not png_available():
        pytest.skip("no chart pictures: Chromium is not installed (bash manage.sh test installs it)")
    path = tmp_path / "appendix.docx"
    path.write_bytes(appendix_bytes)
    pdf = pypdfium2.PdfDocument(str(_as_libreoffice_prints(path, tmp_path)))
    drawn = []
    for page in pdf:
        for image in page.get_objects(filter=[pdfium.FPDF_PAGEOBJ_IMAGE]):
            left, _, right, _ = image.get_bounds()
            width_px, _ = image.get_px_size()
            drawn.append((right - left, SMALLEST_FONT_PX * (right - left) / (width_px / PICTURE_SCALE)))
    assert len(drawn) == 25
    assert {round(width / 72 * 2.54, 1) for width, _ in drawn} == {13.0, 15.0}  # as placed: not shrunk
    assert min(points for _, points in drawn) >= 9.0
    assert len(pdf) <= 28  # A4 pages (20 with the old 4–6 pt pictures)
