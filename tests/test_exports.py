"""Exports: reader-facing tables, CSV for Excel users, xlsx with a 来源 sheet, formula injection,
and server-side PNGs (header, size, colours, the source line, CJK glyphs, thread safety).

Every exported file is opened with the library that reads it and its values are compared with
the store's."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import threading
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook
from pandas.testing import assert_frame_equal
from PIL import Image, ImageChops

from loaders.store.build import rebuild
from loaders.store.queries import StoreReader, read_observations
from loaders.store.schema import connect
from viz import png as png_module
from viz.__main__ import load_context
from viz.catalogue import SECTIONS
from viz.exports import RENDERERS, Provenance, reader_table, render_csv, render_xlsx
from viz.png import PngUnavailableError, png_available, render_png, with_caption
from viz.theme import SCHOOL_COLOUR, TEMPLATE_NAME

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PNG_REASON = "no Chromium for server-side PNGs (bash manage.sh test installs Debian's chromium)"


@pytest.fixture(scope="module")
def store_rows(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    path = tmp_path_factory.mktemp("exports") / "quality.duckdb"
    rebuild(path)
    con = connect(path, read_only=True)
    try:
        return path, read_observations(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def items(store_rows: tuple[Path, pd.DataFrame]) -> dict:
    con = connect(store_rows[0], read_only=True)
    try:
        ctx = load_context(StoreReader(con), school="温州职业技术学院", year=2020, lang="zh", benchmark="高职")
    finally:
        con.close()
    return {f"{page}:{item.key}": item for page, build in SECTIONS.items() for item in build(ctx)}


def _store_values(observations: pd.DataFrame, indicator_id: str) -> dict[str, float]:
    rows = observations[(observations["indicator_id"] == indicator_id) & (observations["subject"] != "合计")]
    return dict(zip(rows["subject"], rows["value"], strict=True))


# reader_table ------------------------------------------------------------------------------------


def test_reader_table_chinese_headers_unit_in_header_and_provenance_kept() -> None:
    frame = pd.read_csv(
        io.StringIO(
            "category,series,role,value,unit,source_table,source_line\n"
            "2019届·毕业一年后,本校,本校,98.82,%,表2-15,1271\n"
            "2019届·毕业一年后,全省高职,高职,96.68,%,表2-15,1273\n"
        )
    )
    before = frame.copy()
    table = reader_table(frame, "zh")
    expected = pd.DataFrame(
        {
            "类别": ["2019届·毕业一年后", "2019届·毕业一年后"],
            "系列": ["本校", "全省高职"],
            "数值（%）": [98.82, 96.68],
            "来源表": ["表2-15", "表2-15"],
            "来源行": [1271, 1273],
        }
    )
    assert_frame_equal(table, expected)
    assert_frame_equal(frame, before)  # the input is not modified
    english = reader_table(frame, "en")
    assert list(english.columns) == ["Category", "Series", "Value (%)", "Source table", "Source line"]


def test_reader_table_mixed_units_keep_a_unit_column_and_english_unit_names() -> None:
    frame = pd.read_csv(
        io.StringIO(
            "category,indicator_id,value,unit,source_table\n专利,ip_granted,12,项,§五\n到款,income,3.5,万元,表4\n"
        )
    )
    assert list(reader_table(frame, "zh").columns) == ["类别", "数值", "单位", "来源表"]
    people = pd.DataFrame({"category": ["高级职称"], "value": [212.0], "unit": ["人"]})
    assert list(reader_table(people, "en").columns) == ["Category", "Value (people)"]
    assert list(reader_table(people.drop(columns="unit"), "zh", unit="人").columns) == ["类别", "数值（人）"]


def test_reader_table_of_an_empty_frame_has_the_headers() -> None:
    empty = pd.DataFrame(columns=["category", "series", "role", "value", "source_table", "source_line"])
    table = reader_table(empty, "zh")
    assert table.empty
    assert list(table.columns) == ["类别", "系列", "数值", "来源表", "来源行"]


# CSV and xlsx --------------------------------------------------------------------------------------


def test_csv_starts_with_a_bom_and_round_trips_chinese_with_the_store_values(items, store_rows) -> None:
    item = items["faculty:teachers_by_title"]
    data = render_csv(reader_table(item.data, "zh"), item.provenance)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    # Every row says the school, the report, the table and the line it comes from.
    assert list(back.columns) == ["学校", "报告", "类别", "数值（人）", "来源表", "来源行", "原文"]
    assert set(back["学校"]) == {"温州职业技术学院"} and set(back["报告"]) == {"温州职业技术学院 2020 年质量年度报告"}
    assert dict(zip(back["类别"], back["数值（人）"], strict=True)) == _store_values(store_rows[1], "teachers_by_title")
    assert set(back["来源表"]) == {"表3-7"}
    survey = items["outcomes:employment_rate"]
    rows = pd.read_csv(io.BytesIO(render_csv(reader_table(survey.data, "zh"))), encoding="utf-8-sig")
    assert rows["数值（%）"].tolist()[:2] == [98.82, 96.68]
    observations = store_rows[1]
    stored = observations[observations["indicator_id"] == "employment_rate"]
    stored = stored.set_index(["source_table", "source_line"])["value"]
    for row in rows.itertuples(index=False):
        assert stored.loc[(row[3], row[4])] == pytest.approx(row[2])  # the figure on that line


def test_xlsx_has_numbers_as_numbers_chinese_headers_frozen_row_and_a_source_sheet(items, store_rows) -> None:
    item = items["faculty:teachers_by_title"]
    book = load_workbook(io.BytesIO(render_xlsx(reader_table(item.data, "zh"), item.provenance)))
    assert book.sheetnames == ["数据", "来源"]
    data = book["数据"]
    assert [c.value for c in data[1]] == ["类别", "数值（人）", "来源表", "来源行", "原文"]
    assert data.freeze_panes == "A2"
    values = {}
    for category, value, table, line, _text in data.iter_rows(min_row=2):
        assert value.data_type == "n" and isinstance(value.value, float | int)
        assert line.data_type == "n" and isinstance(line.value, int)
        assert table.value == "表3-7"
        values[category.value] = value.value
    assert values == _store_values(store_rows[1], "teachers_by_title")
    assert data.column_dimensions["A"].width >= 2 * len("初级及以下职称")  # CJK counts double
    assert data.column_dimensions["E"].width <= 60
    source = book["来源"]
    meta = {row[0].value: row[1].value for row in source.iter_rows(min_row=2, max_row=4)}
    assert meta["来源 Source"] == "温州职业技术学院 2020 年质量年度报告"
    assert meta["表格 Tables"] == "表3-7"
    assert meta["筛选 Filters"] == "学校：温州职业技术学院；报告年度：2020；对比基准：全省高职"
    header_row = next(r for r in source.iter_rows(min_row=5) if r[0].value == "类别")
    headers = [c.value for c in header_row]
    assert headers == ["类别", "数值（人）", "来源表", "来源行", "原文"]
    listed = [
        (r[2].value, r[3].value) for r in source.iter_rows(min_row=header_row[0].row + 1) if r[0].value is not None
    ]
    stored = store_rows[1]
    expected = stored[(stored["indicator_id"] == "teachers_by_title") & (stored["subject"] != "合计")]
    assert sorted(listed) == sorted(zip(expected["source_table"], expected["source_line"].astype(int), strict=True))


def test_a_formula_from_the_data_comes_out_inert_in_csv_and_xlsx() -> None:
    frame = pd.DataFrame(
        {
            "category": ['=HYPERLINK("x")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "-5", "普通文本"],
            "value": [1.0, 2.0, 3.0, -4.0, 5.0, 6.0],
            "source_table": ["表1", "表1", "表1", "表1", "表1", "=evil()"],
        }
    )
    provenance = Provenance('=HYPERLINK("x")', ("=bad",), "@filters", frame)
    table = reader_table(frame, "zh")
    rows = list(csv.reader(io.StringIO(render_csv(table).decode("utf-8-sig"))))
    cells = [row[0] for row in rows[1:]]
    assert cells == ['\'=HYPERLINK("x")', "'+cmd|' /C calc'!A0", "'@SUM(A1)", "'-2+3", "-5", "普通文本"]
    assert rows[-1][2] == "'=evil()"
    assert [row[1] for row in rows[1:]][3] == "-4.0"  # numbers stay numbers
    book = load_workbook(io.BytesIO(render_xlsx(table, provenance)))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@")), cell.value
    data = book["数据"]
    assert data["A2"].value == '\'=HYPERLINK("x")' and data["A2"].data_type == "s"
    assert data["B5"].value == -4.0 and data["B5"].data_type == "n"
    meta = book["来源"]
    assert meta["B2"].value == '\'=HYPERLINK("x")'
    assert meta["B3"].value == "'=bad"
    assert meta["B4"].value == "'@filters"


# PNG ---------------------------------------------------------------------------------------------


def _image(data: bytes) -> Image.Image:
    assert data.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def _ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels in ``box`` clearly darker than the white background."""
    return sum(1 for r, g, b in image.crop(box).get_flattened_data() if r + g + b < 600)


def _title_figure(title: str) -> go.Figure:
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1, 2], marker_color=SCHOOL_COLOUR))
    figure.update_layout(template=TEMPLATE_NAME, title={"text": title}, height=300, width=600)
    return figure


SMALL = pd.read_csv(io.StringIO("指标,年份,数值\n就业率,2020,98.82\n专任教师,2020,802\n"))
SMALL_SOURCE = Provenance(
    "温州职业技术学院 2020 年质量年度报告", ("表2-15",), "学校：温州职业技术学院", school="温州职业技术学院"
)


def _opens_as_csv(data: bytes) -> None:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Chinese Excel needs
    table = pd.read_csv(io.StringIO(data.decode("utf-8-sig")))
    assert table[["指标", "年份", "数值"]].values.tolist() == [["就业率", 2020, 98.82], ["专任教师", 2020, 802.0]]
    assert set(table["学校"]) == {"温州职业技术学院"} and set(table["来源表"]) == {"表2-15"}


def _opens_as_xlsx(data: bytes) -> None:
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[-1] == "来源"
    rows = list(book[book.sheetnames[0]].iter_rows(values_only=True))
    assert rows == [("指标", "年份", "数值"), ("就业率", 2020, 98.82), ("专任教师", 2020, 802)]
    source = {row[0]: row[1] for row in book["来源"].iter_rows(values_only=True)}
    assert source["来源 Source"] == SMALL_SOURCE.source and source["表格 Tables"] == "表2-15"


def _opens_as_png(data: bytes) -> None:
    image = _image(data)  # the PNG magic, and Pillow decodes it
    assert image.width >= 600 and image.height >= 300, image.size


#: How each registered format is opened: a renderer added to RENDERERS without one here fails below.
OPENERS = {"csv": _opens_as_csv, "xlsx": _opens_as_xlsx, "png": _opens_as_png}


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_renderer_writes_bytes_that_open_as_its_format(fmt: str) -> None:
    renderer, extension, _mime = RENDERERS[fmt]
    before = SMALL.copy()
    subject: pd.DataFrame | go.Figure = SMALL
    if fmt == "png":
        if not png_available():
            pytest.skip(PNG_REASON)
        subject = go.Figure(go.Bar(x=SMALL["指标"], y=SMALL["数值"]), layout={"width": 640, "height": 360})
    data = renderer(subject, SMALL_SOURCE)
    assert isinstance(data, bytes)
    OPENERS[extension](data)
    assert_frame_equal(SMALL, before)  # the frame shown on screen is not changed by its export


def test_caption_band_is_added_below_the_chart_on_a_copy(items) -> None:
    item = items["faculty:teachers_by_title"]
    before = item.figure.to_json()
    spec = with_caption(item.figure, item.provenance, "zh", 1000)
    assert item.figure.to_json() == before  # the screen's figure is untouched
    assert spec["layout"]["height"] > item.figure.layout.height
    assert spec["layout"]["legend2"]["title"]["text"].startswith("来源：温州职业技术学院 2020 年质量年度报告，表3-7")
    assert spec["layout"]["font"]["family"].startswith('"Noto Sans CJK SC"')
    assert all(trace.get("showlegend") is False for trace in spec["data"][:-1])  # no legend the screen lacks


@pytest.mark.browser
@pytest.mark.skipif(not png_available(), reason=PNG_REASON)
def test_png_has_the_header_size_screen_colours_and_source_line(items) -> None:
    import streamlit  # noqa: F401  (sets plotly's default template to one only browsers can colour)

    item = items["faculty:teachers_by_title"]
    with_source = _image(render_png(item.figure, item.provenance, width=800, scale=2))
    without = _image(render_png(item.figure, None, width=800, scale=2))
    assert with_source.width == 1600 and without.width == 1600
    assert without.height == 2 * item.figure.layout.height
    assert with_source.height > without.height  # the band with the source line
    band = (0, with_source.height - (with_source.height - without.height), 1600, with_source.height)
    assert _ink(with_source, band) > 500  # the caption's text is drawn in the band
    school = tuple(int(SCHOOL_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
    assert sum(1 for p in without.get_flattened_data() if p == school) > 10_000  # the bars keep their colour


@pytest.mark.browser
@pytest.mark.skipif(not png_available(), reason=PNG_REASON)
def test_png_draws_chinese_glyphs_not_boxes() -> None:
    # Missing glyphs are drawn as one identical box each: two different Chinese titles of the same
    # length would then give identical images. Real glyphs differ, and differ from no title at all.
    first = _image(render_png(_title_figure("就业率与月收入对比"), None, scale=1))
    second = _image(render_png(_title_figure("专任教师学位结构"), None, scale=1))
    blank = _image(render_png(_title_figure(""), None, scale=1))
    title_box = (0, 0, 600, 95)
    assert _ink(first, title_box) > 400
    assert _ink(blank, title_box) == 0
    difference = ImageChops.difference(first.crop(title_box), second.crop(title_box))
    assert sum(1 for p in difference.get_flattened_data() if sum(p) > 150) > 400


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig's fc-match is not installed")
def test_the_first_font_of_the_theme_is_installed() -> None:
    found = subprocess.run(["fc-match", "Noto Sans CJK SC"], capture_output=True, text=True, check=True).stdout
    assert "Noto Sans CJK" in found, f"fonts-noto-cjk is missing (fc-match gave {found!r})"


@pytest.mark.browser
@pytest.mark.skipif(not png_available(), reason=PNG_REASON)
def test_concurrent_renders_each_get_their_own_image() -> None:
    figures = [_title_figure(f"图 {n}") for n in range(4)]
    expected = [_image(render_png(figure, None, scale=1)).tobytes() for figure in figures]
    results: dict[int, bytes] = {}

    def work(n: int) -> None:
        results[n] = _image(render_png(figures[n], None, scale=1)).tobytes()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [results[n] for n in range(4)] == expected


def test_without_chromium_the_error_says_why_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    monkeypatch.setitem(png_module._state, "started", False)
    monkeypatch.setitem(png_module._state, "broken", None)
    assert png_module.browser_path() is None
    assert not png_available()
    with pytest.raises(PngUnavailableError) as error:
        render_png(_title_figure("就业率"), None)
    zh, en = error.value.message.splitlines()
    assert "Chromium" in zh and "PNG" in zh
    assert "/nonexistent/chromium" in en


def test_long_captions_wrap_at_their_separators() -> None:
    from viz.png import wrap_caption

    caption = "来源：温州职业技术学院 2020 年质量年度报告，表2-15、表2-16；筛选：学校：温州职业技术学院；报告年度：2020"
    lines = wrap_caption(caption, 400, 14)
    assert "".join(lines).replace(" ", "") == caption.replace(" ", "")
    ems = [sum(1.0 if ord(c) > 0x2E80 else 0.56 for c in line) for line in lines]
    assert len(lines) == 2 and max(ems) <= 400 / 14  # CJK one em wide, others about half
    assert lines[0].endswith(("，", "；", "、"))
    assert wrap_caption("", 400) == []


def test_xlsx_number_formats_and_a_wide_sheet_for_a_report(items) -> None:
    from viz.frames import frame_unit, wide_frame

    survey = items["outcomes:employment_rate"]
    workbook = render_xlsx(
        reader_table(survey.data, "zh"), survey.provenance, wide=wide_frame(survey.data, "zh", by_subject=True),
        unit=frame_unit(survey.data),
    )  # fmt: skip
    book = load_workbook(io.BytesIO(workbook))
    assert book.sheetnames == ["数据", "宽表", "来源"]
    data = book["数据"]
    header = [c.value for c in data[1]]
    value = header.index("数值（%）") + 1
    cell = data.cell(row=2, column=value)
    assert (cell.value, cell.number_format) == (98.82, '0.00"%"')  # the report's figure, shown as 98.82%
    assert data.cell(row=2, column=header.index("来源行") + 1).number_format == "0"
    low = data.cell(row=2, column=header.index("95% 置信下限（%）") + 1)
    assert low.value == pytest.approx(98.392, abs=0.001) and low.number_format == '0.00"%"'
    assert data.cell(row=2, column=header.index("与基准的差异") + 1).value == "差异显著"
    # The wide sheet: one row per subject, one column per cohort, as the report's survey tables are.
    wide = [[c.value for c in row] for row in book["宽表"].iter_rows()]
    assert wide[0] == ["对象", "2019届·毕业一年后", "2017届·毕业三年后"]
    assert wide[1] == ["本校", 98.82, 99.0] and wide[2] == ["全省高职", 96.68, 97.13]
    assert book["宽表"]["B2"].number_format == '0.00"%"'
    income = items["outcomes:monthly_income"]
    table = reader_table(income.data, "zh")
    sheet = load_workbook(io.BytesIO(render_xlsx(table, income.provenance)))["数据"]
    amount = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("数值（元）") + 1)
    assert (amount.value, amount.number_format) == (6378.9, "#,##0.00")
    teachers = items["faculty:teachers_by_title"]
    sheet = load_workbook(io.BytesIO(render_xlsx(reader_table(teachers.data, "zh"), teachers.provenance)))["数据"]
    count = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("数值（人）") + 1)
    assert count.number_format == "#,##0" and isinstance(count.value, int | float)
