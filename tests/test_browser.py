"""Real-browser test: the README's start command serves the app; Debian's Chromium (driven by
Playwright) visits every page in both languages, finds no error element, and saves screenshots.

Each run's screenshots go to a folder of its own, where the tests check them (a PNG of the
viewport's size, one for each page); they are then copied to ``artifacts/screenshots`` for a
person to look at."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.server import CHROMIUM, free_port, serving
from loaders.contracts.paths import ROOT
from tests.helpers import settle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (bash manage.sh test installs it)"
    ),
]
PAGES = ["", "outcomes", "enrollment", "faculty", "research", "targets", "compare", "data"]
#: Where a person finds the latest screenshots (copies; the tests look only at their own run's).
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This run's screenshots: a fresh folder, copied to :data:`SCREENSHOTS` once the module is done."""
    folder = tmp_path_factory.mktemp("screenshots")
    yield folder
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for shot in folder.glob("*.png"):
        shutil.copy2(shot, SCREENSHOTS / shot.name)


def _screenshot(page, path: Path) -> Path:
    """Save the viewport as ``path`` and check it is a PNG of the viewport's size with something drawn."""
    from PIL import Image

    page.screenshot(path=str(path))
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC), path
    with Image.open(path) as image:
        size = page.viewport_size
        assert image.size == (size["width"], size["height"]), (path.name, image.size)
        colours = image.convert("L").getextrema()
    assert colours[1] - colours[0] > 100, f"{path.name}: a blank screenshot"  # text and charts, not one colour
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PORT": str(port), "QUALITY_DB": str(tmp_path_factory.mktemp("browser") / "q.duckdb")}
    # the start command warms the server; the test below asks once more (the gate allows one run in
    # script_check_interval_s, tested by tests/test_hold_the_line.py): no interval for this server
    env["QUALITY_SCRIPT_CHECK_INTERVAL_S"] = "0"
    env.pop("PLANNER_PASSWORD", None)
    with serving(["bash", str(ROOT / "manage.sh"), "start"], env, port, timeout_s=120, capture=True) as (url, _):
        yield url


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_without_errors(server: str, browser, shots: Path, lang: str) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 1400})
    try:
        for name in PAGES:
            page.goto(f"{server}/{name}?lang={lang}")
            settle(page)
            errors = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
            assert errors.count() == 0, f"{name} ({lang}): {errors.first.inner_text()}"
            if name not in ("data", "targets", ""):
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
            if name == "":  # the overview's headline cards come after its check-up
                page.wait_for_selector("[data-testid='stMetric']", timeout=30_000)
            _screenshot(page, shots / f"{name or 'overview'}_{lang}.png")
    finally:
        page.close()
    assert sorted(p.name for p in shots.glob(f"*_{lang}.png")) == sorted(f"{n or 'overview'}_{lang}.png" for n in PAGES)


def test_copied_link_reopens_the_same_view(server: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        page.goto(f"{server}/outcomes?lang=en&benchmark=%E6%9C%AC%E7%A7%91&plan=wenzhou_city")
        settle(page)
        page.wait_for_selector("[data-testid='stCaptionContainer']:has-text('Benchmark:')", timeout=30_000)
        main = page.locator("[data-testid='stMain']").inner_text()
        assert page.locator("h1").first.inner_text().startswith("Graduate outcomes")
        assert "Benchmark: Zhejiang undergraduate" in main  # the chart captions state the filters
        assert "benchmark=%E6%9C%AC%E7%A7%91" in page.url
        assert "plan=wenzhou_city" in page.url
        page.goto(f"{server}/faculty?lang=zh&plan=wenzhou_city")
        settle(page)
        main = page.locator("[data-testid='stMain']").inner_text()
        assert "“双师型”教师占比" in main  # 温州市's plan (it applies to a college of 温州) is the one shown
    finally:
        page.close()


def _counter(page) -> str:
    return page.locator(".st-key-present_counter").inner_text().strip()


def test_presentation_mode_moves_with_the_arrow_keys(server: str, browser, shots: Path) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    deck = "outcomes:employment_rate,outcomes:monthly_income,faculty:teachers_by_title"
    try:
        page.goto(f"{server}/present?lang=zh&deck={deck}")
        settle(page)
        page.get_by_role("button", name="开始演示").click()
        page.wait_for_function(
            "() => document.querySelector('.st-key-present_counter')?.innerText.trim() === '1 / 3'", timeout=60_000
        )
        page.wait_for_selector(".js-plotly-plot .gtitle", timeout=30_000)
        page.wait_for_timeout(1000)
        assert not page.locator("[data-testid='stSidebar']").is_visible()  # the chrome is hidden
        assert not page.locator("[data-testid='stHeader']").is_visible()
        assert page.locator(".js-plotly-plot .gtitle").first.text_content() == "就业率"
        _screenshot(page, shots / "present_1.png")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "() => document.querySelector('.st-key-present_counter')?.innerText.trim() === '2 / 3'", timeout=30_000
        )
        page.wait_for_function(
            "() => document.querySelector('.js-plotly-plot .gtitle')?.textContent === '平均月收入'", timeout=30_000
        )
        page.wait_for_timeout(1000)
        _screenshot(page, shots / "present_2.png")
        assert "slide=2" in page.url and "present=1" in page.url
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "() => document.querySelector('.st-key-present_counter')?.innerText.trim() === '3 / 3'", timeout=30_000
        )
        page.keyboard.press("ArrowRight")  # the last slide: nothing further
        page.wait_for_timeout(1500)
        assert _counter(page) == "3 / 3"
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(
            "() => document.querySelector('.st-key-present_counter')?.innerText.trim() === '2 / 3'", timeout=30_000
        )
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
        page.wait_for_timeout(500)
        chart = page.locator("[data-testid='stPlotlyChart']").first.bounding_box()
        assert chart is not None and chart["width"] > 1400  # full width without the sidebar
    finally:
        page.close()


def test_png_button_downloads_the_chart_drawn_on_the_server(server: str, browser) -> None:
    from viz.png import png_available

    if not png_available():
        pytest.skip("no Chromium for server-side PNGs")
    page = browser.new_page(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    try:
        page.goto(f"{server}/faculty?lang=zh")
        settle(page)
        with page.expect_download(timeout=60_000) as info:
            page.locator(".st-key-png_teachers_by_title button").click()
        download = info.value
        assert download.suggested_filename == "专任教师职称结构_温州职业技术学院_2020.png"
        data = Path(download.path()).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    finally:
        page.close()


#: A4 portrait in CSS px less print.css's 12-mm margins: the width a page is laid out at on paper.
PRINT_WIDTH = 703


def _print(page, path: Path) -> list[str]:
    """Print the page as Chromium prints it to A4 (print media, ``window.print``'s events) and return the
    text of each page, in the form the loaders match on (CJK radicals folded, NFKC) without whitespace."""
    import re

    import pypdfium2

    from loaders.read.text import normalize

    page.emulate_media(media="print")
    page.pdf(path=str(path), format="A4", print_background=True)
    document = pypdfium2.PdfDocument(str(path))
    width, height = document[0].get_size()
    assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5, (width, height)  # A4 in points
    return [re.sub(r"\s+", "", normalize(document[i].get_textpage().get_text_range())) for i in range(len(document))]


def _flat(text: str) -> str:
    """``text`` as :func:`_print` gives a page's text."""
    import re

    from loaders.read.text import normalize

    return re.sub(r"\s+", "", normalize(text))


def _widget_texts(page) -> list[str]:
    """The labels of the page's widgets (sidebar and main: selectors, radios, toggles, expanders) and
    its buttons' texts, where no other text of the page says the same (学校 is a widget's label and a
    caption's word): what must not be on paper."""
    texts = page.evaluate(
        """() => Array.from(document.querySelectorAll(`[data-testid="stWidgetLabel"], [data-testid="stExpander"]
             summary, [data-testid="stButton"] button, [data-testid="stDownloadButton"] button`))
             .map(e => e.innerText.trim()).filter(t => t)"""
    )
    content = page.evaluate(
        """() => Array.from(document.querySelectorAll(`[data-testid="stMain"] :is([data-testid="stMarkdown"],
             [data-testid="stCaptionContainer"], [data-testid="stHeading"], [data-testid="stMetric"],
             [data-testid="stAlert"], .print-copy)`)).map(e => e.textContent).join("\\n")"""
    )
    return sorted({text for text in texts if _flat(text) not in _flat(content)})


def _show(document_pages: list[str], shots: Path, pdf: Path, name: str) -> None:
    """Keep each printed page as a PNG for a person to look at (artifacts/screenshots)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    for i in range(len(document_pages)):
        document[i].render(scale=1).to_pil().save(shots / f"print_{name}_p{i + 1}.png")


def test_the_overview_prints_on_two_a4_pages_with_every_card_whole(
    server: str, browser, shots: Path, tmp_path: Path
) -> None:
    """总览 on A4: at most two pages; each headline card inside the page's width and whole on one page (its
    label, value and last line on the same page); no widget on paper."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(f"{server}/?lang=zh")
        settle(page)
        page.wait_for_selector(".st-key-kpi_cards [data-testid='stMetric']", timeout=30_000)
        cards = page.evaluate(
            """() => Array.from(document.querySelectorAll('.st-key-kpi_cards [data-testid="stMetric"]')).map(m => [
                 m.querySelector('[data-testid="stMetricLabel"]').innerText,
                 m.querySelector('[data-testid="stMetricValue"]').innerText,
                 m.closest('[class*="st-key-kpi_"]:not(.st-key-kpi_cards)').innerText.trim().split("\\n").pop()])"""
        )
        widgets = _widget_texts(page)
        pages = _print(page, tmp_path / "overview.pdf")
        page.set_viewport_size({"width": PRINT_WIDTH, "height": 1000})  # laid out as on paper
        page.wait_for_timeout(500)
        boxes = page.evaluate(
            """() => Array.from(document.querySelectorAll('[data-testid="stMetric"]')).map(m => {
                 const card = m.closest('[class*="st-key-kpi_"]:not(.st-key-kpi_cards)') || m;
                 const r = card.getBoundingClientRect(); return [r.left, r.right]; })"""
        )
    finally:
        page.close()
    _show(pages, shots, tmp_path / "overview.pdf", "overview")
    assert len(pages) <= 2, len(pages)
    assert len(cards) >= 8 and cards[0][:2] == ["就业率（%）", "98.82"], cards
    for label, value, last in cards:
        whole = [text for text in pages if all(_flat(part) in text for part in (label, value, last))]
        assert whole, f"card {label} {value} … {last}: not whole on one page"
        assert _flat(value) in whole[0][whole[0].index(_flat(label)) :]  # the value after its label
    assert len(boxes) == len(cards) + 3  # the cards and 已达成 · 推进中 · 暂无数据
    # none cut at the right: a card's border right on the edge of the printable width was cut off on paper
    assert all(left >= 0 and right <= PRINT_WIDTH - 2 for left, right in boxes), boxes
    assert "语言 Language" in widgets and "报告年度" not in widgets  # 报告年度 is also the caption's word
    printed = "".join(pages)
    assert [w for w in widgets if _flat(w) in printed] == []
    assert _flat("总览：温州职业技术学院 2020") in pages[0] and _flat("报告体检") in printed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_graduate_outcomes_print_on_five_a4_pages_at_most(
    server: str, browser, shots: Path, tmp_path: Path, lang: str
) -> None:
    """就业与收入's 13 charts on A4: at most five pages (ten before, mostly empty; English's longer source
    lines took six), every chart with its title and source line, each drawn again inside its column on
    paper; no widget, no download button."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(f"{server}/outcomes?lang={lang}")
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length === 13", timeout=60_000)
        settle(page)
        titles = page.evaluate(
            "() => Array.from(document.querySelectorAll('.js-plotly-plot .gtitle')).map(t => t.textContent)"
        )
        widgets = _widget_texts(page)
        pages = _print(page, tmp_path / "outcomes.pdf")
        widths = page.evaluate(
            "() => { window.dispatchEvent(new Event('beforeprint')); return Array.from("
            "document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')).map("
            "c => c.querySelector('.main-svg').getBoundingClientRect().width); }"
        )
        page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
        after = page.evaluate("() => document.querySelector('.js-plotly-plot').layout.width")
    finally:
        page.close()
    _show(pages, shots, tmp_path / "outcomes.pdf", f"outcomes_{lang}")
    assert 3 <= len(pages) <= 5, len(pages)
    assert len(widths) == 13 and max(widths) <= PRINT_WIDTH  # drawn again for paper: half-width ones ≈ 344 px
    assert sorted(round(w) for w in widths)[:9] == [342] * 9, widths
    assert after > 400  # and back to the screen's size after printing
    printed = "".join(pages)
    assert len(titles) == 13 and all(_flat(title) in printed for title in titles), titles
    assert printed.count(_flat("来源：" if lang == "zh" else "Source:")) == 13
    assert "下载PNG" not in printed and "PNG" not in printed and "语言Language" not in printed
    assert [w for w in widgets if _flat(w) in printed] == []


def test_plan_targets_print_every_row_and_column(server: str, browser, shots: Path, tmp_path: Path) -> None:
    """规划对标 on A4: every target of the plan by name (the 33 measurable in the group tables, the 82 the
    reports cannot measure in the table at the end, printed open), the tables' last columns; no filter."""
    from loaders.contracts.paths import REPORTS_DIR
    from loaders.contracts.registry import read_registry
    from loaders.plans.documents import parse_all_plans
    from loaders.read.load import load
    from metrics.targets import compute_attainment

    result = load(REPORTS_DIR / "温州职业技术学院_2020_质量年度报告.txt")
    observations = result.observations.assign(
        report_id=result.report_id, school=result.school, report_year=result.report_year
    )
    plans, targets = parse_all_plans()
    attainment = compute_attainment(targets, observations, read_registry(), plan_id="wzvtc_2022_2025", plans=plans)
    names = attainment["label_zh"].tolist()
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(f"{server}/targets?lang=zh&plan=wzvtc_2022_2025")
        settle(page)
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=30_000)
        widgets = _widget_texts(page)
        pages = _print(page, tmp_path / "targets.pdf")
    finally:
        page.close()
    _show(pages, shots, tmp_path / "targets.pdf", "targets")
    assert [i + 1 for i, text in enumerate(pages) if len(text) < 20] == []  # no blank page (an opened grid's canvas)
    assert len(pages) <= 9, len(pages)  # 8 here: the tables, 23 charts three to a row, the 82 unmeasurable
    printed = "".join(pages)
    assert len(names) == 115 and (attainment["status"] == "not_measurable").sum() == 82
    assert {"毕业生薪酬水平", "年平均知识产权转化数与授权数比例", "国家级职业技能竞赛获奖（国家一等奖）"} <= set(names)
    missing = [name for name in names if _flat(name) not in printed]
    assert missing == [], missing
    groups = attainment.loc[attainment["status"] != "not_measurable", "level1"].nunique()
    assert groups == 7  # 高质量人才培养 (11 targets) … 高质量办学条件 (4)
    assert printed.count(_flat("状态需年均增长明年需达到")) == groups  # each group's table to its last column
    assert _flat("指标目标（原文）年份说明") in printed  # …and the unmeasurable targets' table
    assert _flat("国家级职业技能竞赛获奖（国家一等奖）国家一等奖2项≥2项") in printed  # a row, cell by cell
    assert {"按状态筛选", "按领域筛选", "语言 Language"} <= set(widgets)
    assert [w for w in widgets if _flat(w) in printed] == []


def test_the_deck_fills_a_1920x1080_projector(server: str, browser, shots: Path) -> None:
    """Presenting at 1920×1080: the chart takes ≥ 80 % of the screen's height, ticks ≥ 24 px, the source
    line ≥ 18 px, no Plotly toolbar, and a takeaway line written from the data."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        page.goto(f"{server}/present?lang=zh&deck=outcomes:employment_rate&slide=1&present=1")
        page.wait_for_selector(".st-key-present_counter", timeout=60_000)  # a slide has no page title
        page.wait_for_selector(".js-plotly-plot .gtitle", timeout=60_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        page.wait_for_timeout(1500)
        chart = page.locator("[data-testid='stPlotlyChart']").first.bounding_box()
        assert chart is not None and chart["height"] >= 0.8 * 1080, chart
        assert chart["y"] + chart["height"] <= 1080 + 1  # on the screen, not below it
        ticks = page.evaluate(
            "() => Array.from(document.querySelectorAll('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text'))"
            ".map(t => parseFloat(getComputedStyle(t).fontSize))"
        )
        assert ticks and min(ticks) >= 24, ticks
        captions = page.locator("[data-testid='stCaptionContainer']")
        source = next(c for c in captions.all() if c.inner_text().startswith("来源"))
        assert float(source.evaluate("e => parseFloat(getComputedStyle(e.querySelector('p') || e).fontSize)")) >= 18
        assert (
            page.locator(".modebar-container .modebar").count() == 0 or not page.locator(".modebar").first.is_visible()
        )
        main = page.locator("[data-testid='stMain']").inner_text()
        assert "本校2019届毕业一年后就业率 98.82%，高于全省高职 2.14 个百分点（差异显著）。" in main
        _screenshot(page, shots / "present_1920x1080.png")
    finally:
        page.close()


@pytest.mark.parametrize("name", ["", "outcomes", "enrollment", "faculty", "research", "compare"])
def test_english_pages_show_no_chinese_outside_school_names(server: str, browser, name: str) -> None:
    """What a reader sees in English (text, chart labels, table headers) holds no Chinese but the school's
    name; pages with the plans' or the report's own wording are checked by tests/test_views.py."""
    import re

    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(f"{server}/{name}?lang=en")
        settle(page)
        if name:
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
        else:
            page.wait_for_selector("[data-testid='stMetric']", timeout=30_000)
        page.wait_for_timeout(1000)
        text = page.locator("[data-testid='stAppViewContainer']").inner_text()
        charts = page.evaluate(
            "() => Array.from(document.querySelectorAll('.js-plotly-plot text')).map(t => t.textContent).join('\\n')"
        )
        headers = page.evaluate(
            '() => Array.from(document.querySelectorAll(\'[data-testid="stDataFrame"] [role="columnheader"]\'))'
            ".map(h => h.textContent).join('\\n')"
        )
    finally:
        page.close()
    shown = "\n".join((text, charts, headers)).replace("温州职业技术学院", "").replace("语言 Language", "")
    shown = shown.replace("中文", "")  # the language switch names Chinese in Chinese
    chinese = sorted({line.strip()[:80] for line in shown.splitlines() if re.search(r"[\u3400-\u9fff]", line)})
    assert chinese == [], f"/{name}: " + "\n".join(chinese)


def test_the_start_command_runs_the_app_once_before_the_first_visitor(server: str) -> None:
    """manage.sh start warms the server (dashboard.warmup): Streamlit's script health check runs the
    app on its default view and says it ran without an error."""
    from dashboard.warmup import warm

    seconds = warm(server, wait_s=10, run_timeout_s=60)
    assert seconds is not None and seconds < 60


def test_a_domain_page_draws_its_first_row_then_every_chart_without_a_click(server: str, browser) -> None:
    """就业与收入's 13 charts: the first row is drawn first; once it is on screen the page sends the
    other 11 by itself (dashboard/staging.py), and the line saying they follow is gone."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/outcomes")
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length === 13", timeout=60_000)
        settle(page)
        assert page.locator(".js-plotly-plot").count() == 13
        assert page.get_by_text("随后显示").count() == 0
    finally:
        page.close()


#: What a slide shows, read in the page: per chart the categories (of its traces) and the labels drawn on
#: the category axis, every chart text's size on screen (font-size × the chart's scale), each value written
#: on a bar inside the chart; the KPI cards' height; the navigation buttons; any hint to hover.
SLIDE_FACTS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const facts = {counter: document.querySelector('.st-key-present_counter')?.innerText.trim(), text: main.innerText};
  const gd = document.querySelector('.st-key-present_box .js-plotly-plot');
  if (gd) {
    const svg = gd.querySelector('.main-svg');
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.width.baseVal.value;
    const horizontal = gd.data.every(trace => trace.type === 'bar' && trace.orientation === 'h');
    const axis = horizontal ? 'y' : 'x';
    facts.title = gd.layout.title.text;
    facts.horizontal = horizontal;
    facts.categories = new Set(gd.data.flatMap(trace => Array.from(trace[axis] || []))).size;
    facts.ticks = Array.from(gd.querySelectorAll(`.${axis}tick text`)).filter(t => t.textContent.trim()).length;
    facts.sizes = Array.from(gd.querySelectorAll('.xtick text, .ytick text, text.bartext'))
      .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    facts.outside = Array.from(gd.querySelectorAll('text.bartext')).filter(t => {
      const r = t.getBoundingClientRect();
      return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1);
    }).map(t => t.textContent);
    facts.svgText = Array.from(gd.querySelectorAll('text')).map(t => t.textContent).join('\\n');
    facts.chartBottom = box.bottom;
  }
  const cards = document.querySelector('.st-key-present_kpis');
  if (cards) {
    facts.cardsHeight = cards.getBoundingClientRect().height;
    facts.cards = cards.querySelectorAll('[data-testid="stMetric"]').length;
  }
  facts.buttons = ['prev', 'next', 'exit'].map(name => {
    const button = document.querySelector(`.st-key-present_${name} button`);
    const words = button.querySelector('p');
    const zoom = button.getBoundingClientRect().height / button.offsetHeight;
    return [button.getBoundingClientRect().height, parseFloat(getComputedStyle(words).fontSize) * zoom];
  });
  return facts;
}"""


def _slide_settled(page, number: int, count: int) -> None:
    page.wait_for_function(
        f"() => document.querySelector('.st-key-present_counter')?.innerText.trim() === '{number} / {count}'",
        timeout=60_000,
    )
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && (document.querySelector('.st-key-present_kpis [data-testid=\"stMetric\"]')"
        "     || document.querySelector('.st-key-present_box .js-plotly-plot .ytick text, "
        ".st-key-present_box .js-plotly-plot .xtick text'))",
        timeout=60_000,
    )
    page.wait_for_timeout(700)  # the chart of the slide before is replaced, not kept beside it


def test_every_slide_can_be_read_from_the_back_of_the_room(server: str, browser, shots: Path) -> None:
    """Every page's slides, presented at 1920×1080 and moved through with the arrow keys: every category
    labelled (as many labels as categories), chart text ≥ 24 px on screen, values written inside the chart,
    no hint to hover, navigation buttons ≥ 48 px high with ≥ 24-px words, the KPI cards over ≥ 60 % of the
    screen's height. Then one dense slide at 1366×768: the same slide, scaled whole."""
    deck = "overview,outcomes,enrollment,faculty,research,targets"
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    seen: list[dict] = []
    try:
        page.goto(f"{server}/present?lang=zh&deck={deck}&slide=1&present=1")
        page.wait_for_selector(".st-key-present_counter", timeout=60_000)
        count = int(page.locator(".st-key-present_counter").inner_text().split("/")[1])
        for number in range(1, count + 1):
            if number > 1:
                page.keyboard.press("ArrowRight")
            _slide_settled(page, number, count)
            facts = page.evaluate(SLIDE_FACTS)
            seen.append(facts)
            where = f"slide {number} ({facts.get('title') or 'KPI'})"
            assert not re.search("悬停|hover", facts["text"] + facts.get("svgText", ""), re.IGNORECASE), where
            assert all(height >= 48 and size >= 24 for height, size in facts["buttons"]), (where, facts["buttons"])
            if "cards" in facts:
                assert facts["cards"] == 10 and facts["cardsHeight"] >= 0.6 * 1080, (where, facts["cardsHeight"])
                _screenshot(page, shots / "slide_kpis_1920.png")
                continue
            if facts["horizontal"]:
                assert facts["ticks"] == facts["categories"], (where, facts["ticks"], facts["categories"])
            assert facts["sizes"] and min(facts["sizes"]) >= 24, (where, min(facts["sizes"]))
            assert facts["outside"] == [], (where, facts["outside"])  # every value whole, within the chart
            assert facts["chartBottom"] <= 1080, where
            if facts["title"].startswith(("就业行业流向", "温州职业技术学院高质量发展行动计划")):
                _screenshot(page, shots / f"slide_{number:02d}_1920.png")
    finally:
        page.close()
    titles = [facts.get("title") for facts in seen]
    assert len(seen) == count >= 25 and titles.count(None) == 1  # every page's charts, the KPI slide once
    industry = next(facts for facts in seen if facts.get("title") == "就业行业流向")
    assert industry["categories"] == 14  # 13 industries by name and 「其他 6 项」
    assert "其他 6 项" in industry["svgText"]
    plan = [facts for facts in seen if (facts.get("title") or "").startswith("温州职业技术学院高质量发展行动计划")]
    assert [facts["categories"] for facts in plan] == [12, 11]  # 23 targets over two slides

    small = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        small.goto(f"{server}/present?lang=zh&deck=outcomes:industry_employment_count&slide=1&present=1")
        _slide_settled(small, 1, 1)
        facts = small.evaluate(SLIDE_FACTS)
        width = small.evaluate(
            "() => document.querySelector('.st-key-present_box .main-svg').getBoundingClientRect().right"
        )
        _screenshot(small, shots / "slide_industry_1366.png")
    finally:
        small.close()
    assert facts["ticks"] == facts["categories"] == 14  # the 1920 × 1080 slide scaled (× 0.71), not re-laid out
    assert 17 <= min(facts["sizes"]) < 24 and width <= 1366 and facts["chartBottom"] <= 768
