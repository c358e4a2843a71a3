"""PDF quality reports: the bundled report drawn as PDFs (made here, see :mod:`tests.pdf_fixtures`)
gives the same figures as the text loader; scanned, damaged and encrypted PDFs are refused with a
clear bilingual message and leave the store as it was."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pdfplumber
import pytest

from loaders.contracts.errors import FormatError
from loaders.contracts.paths import ROOT
from loaders.read.load import load, load_bytes
from loaders.read.pdf import extract_pdf_text
from loaders.read.record import LoadResult
from tests import pdf_fixtures
from tests.helpers import assert_partly_read, assert_rejected

GOLDEN = ROOT / "tests" / "golden" / "温州职业技术学院_2020_质量年度报告.csv"
VALUE_KEY = ["indicator_id", "subject", "year", "years_after", "value", "source_table"]
# Characters reportlab's built-in STSong-Light cannot draw: they are missing from the PDFs made here.
NOT_IN_FONT = str.maketrans("", "", "·•")
ROW_2_15 = "本校 3518 3318 94.31% 98.82% 24.47%"


# ------------------------------------------------------------------ PDFs made once per session


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf")


@pytest.fixture(scope="session")
def flowing_path(pdf_dir: Path, bundled_lines: list[str]) -> Path:
    return pdf_fixtures.flowing_pdf(bundled_lines, pdf_dir / "温州职业技术学院_2020_flowing.pdf")


@pytest.fixture(scope="session")
def grid_path(pdf_dir: Path, bundled_lines: list[str]) -> Path:
    return pdf_fixtures.grid_pdf(bundled_lines, pdf_dir / "温州职业技术学院_2020_grid.pdf")


@pytest.fixture(scope="session")
def text_result(bundled_report: Path) -> LoadResult:
    return load(bundled_report)


@pytest.fixture(scope="session")
def flowing_result(flowing_path: Path) -> LoadResult:
    return load(flowing_path)


@pytest.fixture(scope="session")
def grid_result(grid_path: Path) -> LoadResult:
    return load(grid_path)


def _mini_report(table_rows: list[str]) -> list[str]:
    """A short report: a page of prose, then 表2-15 with the rows given, on page 2."""
    prose = ["温州职业技术学院 2020 年度质量报告", *["学校坚持立德树人，深化产教融合。"] * 70]
    return [
        *prose,
        "表 2-15 2019 届（毕业一年后）各专业毕业生就业状况",
        "专业名称 总人数 作答人数 作答率 就业率 升学率",
        *table_rows,
        "数据来源：2020 年浙江省毕业生职业发展状况和人才培养质量调查（2019 届）",
    ]


SURVEY_ROWS = [
    "全省 282828 253991 89.80% 93.60% 14.26%",
    "本科 157675 136865 86.80% 90.96% 15.62%",
    "高职 125153 117126 93.59% 96.68% 12.68%",
    ROW_2_15,
]


# ------------------------------------------------------------------ same figures as the text


def _multiset(frame: pd.DataFrame) -> Counter:
    rows = frame[VALUE_KEY].astype({"years_after": "Int64"}).astype(str)
    return Counter(rows.itertuples(index=False, name=None))


def _golden_frame() -> pd.DataFrame:
    golden = pd.read_csv(GOLDEN, dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {
            "indicator_id": golden["indicator_id"],
            "subject": golden["subject"],
            "year": golden["year"].astype(int),
            "years_after": golden["years_after"].replace("", None).astype("Int64"),
            "value": golden["raw"].str.replace(",", "", regex=False).astype(float),
            "source_table": golden["source_table"],
        }
    )


@pytest.mark.parametrize("result_name", ["flowing_result", "grid_result"])
def test_pdf_gives_the_text_loaders_figures(result_name: str, text_result: LoadResult, request) -> None:
    result: LoadResult = request.getfixturevalue(result_name)
    got = _multiset(result.observations)
    listed = {row[1] for row in result.list_rows}  # counts of list tables: not in the golden file
    read = _multiset(result.observations[~result.observations["source_table"].isin(listed)])
    for expected, have in ((_multiset(text_result.observations), got), (_multiset(_golden_frame()), read)):
        assert have - expected == Counter(), "figures not in the text report"
        assert expected - have == Counter(), "figures of the text report missing"
    assert len(result.observations) == len(text_result.observations) >= 300


@pytest.mark.parametrize("result_name", ["flowing_result", "grid_result"])
def test_pdf_report_identity(result_name: str, text_result: LoadResult, request) -> None:
    result: LoadResult = request.getfixturevalue(result_name)
    assert result.format_used == "pdf"
    assert (result.school, result.report_year, result.report_id) == (
        text_result.school,
        text_result.report_year,
        text_result.report_id,
    )
    assert result.encoding is None
    assert result.notes == []


@pytest.mark.parametrize("result_name", ["flowing_result", "grid_result"])
def test_pdf_figures_come_in_report_order(result_name: str, text_result: LoadResult, request) -> None:
    result: LoadResult = request.getfixturevalue(result_name)

    def table_order(frame: pd.DataFrame) -> list[str]:
        return list(dict.fromkeys(frame.sort_values("source_line", kind="stable")["source_table"]))

    assert table_order(result.observations) == table_order(text_result.observations)


@pytest.mark.parametrize("path_name", ["flowing_path", "grid_path"])
def test_provenance_names_the_page(path_name: str, request) -> None:
    path: Path = request.getfixturevalue(path_name)
    result: LoadResult = request.getfixturevalue(path_name.replace("_path", "_result"))
    obs = result.observations
    row = obs[(obs.source_table == "表2-15") & (obs.indicator_id == "employment_rate") & (obs.subject == "本校")]
    assert row["value"].tolist() == [98.82]
    match = re.fullmatch(r"\[第 (\d+) 页\] (.*)", row["source_text"].iloc[0])
    assert match and match.group(2) == ROW_2_15
    with pdfplumber.open(path) as pdf:  # the row really is on the page named
        page_text = " ".join(pdf.pages[int(match.group(1)) - 1].extract_text().split())
    assert ROW_2_15 in page_text
    assert obs["source_text"].str.match(r"^\[第 \d+ 页\] ").all()


def test_flowing_pdf_text_is_the_reports_lines(tmp_path: Path, bundled_lines: list[str]) -> None:
    """Every line comes back once, in order, words separated by single spaces; page numbers are
    dropped, but not the lone numbers of the report's own text (lines 586 and 613 are "8")."""
    lines = bundled_lines[:1300]
    assert lines[585] == lines[612] == "8"
    path = pdf_fixtures.flowing_pdf(lines, tmp_path / "part.pdf")
    text = extract_pdf_text(path.read_bytes(), path.name)
    expected = [" ".join(line.split()).translate(NOT_IN_FONT) for line in lines if line.strip()]
    assert [line.translate(NOT_IN_FONT) for line in text.lines] == expected
    assert text.pages == sorted(text.pages)
    assert text.pages[-1] == text.n_pages > 5


def test_grid_pdf_really_has_ruled_tables(grid_path: Path, grid_result: LoadResult) -> None:
    """The fixture draws real grids: 表2-15 is a 6-column table, a long label wraps inside its cell."""
    obs = grid_result.observations
    page_of = {
        table: int(re.match(r"\[第 (\d+) 页\]", obs.loc[obs.source_table == table, "source_text"].iloc[0]).group(1))
        for table in ("表2-15", "表2-24")
    }
    with pdfplumber.open(grid_path) as pdf:
        survey = [t.extract() for t in pdf.pages[page_of["表2-15"] - 1].find_tables()]
        industry = [t.extract() for t in pdf.pages[page_of["表2-24"] - 1].find_tables()]
    rows = [row for table in survey for row in table if row[0] == "本校" and "98.82%" in row]
    assert rows == [["本校", "3518", "3318", "94.31%", "98.82%", "24.47%"]]
    wrapped = [row[0] for table in industry for row in table if row[0] and row[0].startswith("信息传输")]
    assert wrapped and "\n" in wrapped[0]  # drawn over two lines in its cell …


def test_grid_pdf_hand_checked_figures(grid_result: LoadResult) -> None:
    obs = grid_result.observations

    def value(table: str, indicator: str, subject: str = "本校") -> float:
        rows = obs[(obs.source_table == table) & (obs.indicator_id == indicator) & (obs.subject == subject)]
        assert len(rows) == 1, (table, indicator, subject, len(rows))
        return rows["value"].iloc[0]

    # … and read back as one label
    assert value("表2-24", "industry_employment_count", "信息传输、软件和信息技术服务业") == 308
    assert value("表2-15", "employment_rate") == 98.82
    assert value("表2-17", "monthly_income", "高职") == 4885.36
    assert value("表2-21", "employer_sat_communication", "本科") == 93.00
    assert value("表2-28", "promotion_rate") == 64.20
    assert value("表3-7", "teachers_by_title", "合计") == 533
    assert value("表1", "monthly_income") == 6378.90
    assert value("表2", "building_area_per_student") == 18.73
    assert value("表3", "teaching_sat_general", "一年级") == 99.36
    assert value("表4", "tech_service_income") == 3255.214
    assert value("表5", "teachers_abroad_training_persondays") == 4713
    assert value("表3-10", "apprentices", "城市轨道交通运营管理") == 10  # a text table, label wrapped


def test_pdf_is_recognised_by_content_not_name(pdf_dir: Path) -> None:
    path = pdf_fixtures.flowing_pdf(_mini_report(SURVEY_ROWS), pdf_dir / "mini.pdf")
    data = path.read_bytes()
    result = load_bytes(data, "报告.txt")
    assert result.format_used == "pdf"
    assert result.school == "温州职业技术学院"
    assert result.report_year == 2020
    row = result.observations.query("indicator_id == 'employment_rate' and subject == '本校'")
    assert row["value"].tolist() == [98.82]
    assert row["source_text"].tolist() == [f"[第 2 页] {ROW_2_15}"]
    # source_line numbers the extracted text; source_text is that line after its page
    text = extract_pdf_text(data, "报告.txt")
    for obs in result.observations.itertuples():
        assert obs.source_text == f"[第 {text.pages[obs.source_line - 1]} 页] {text.lines[obs.source_line - 1]}"


def test_scanned_cover_page_is_noted(pdf_dir: Path) -> None:
    path = pdf_fixtures.flowing_pdf(_mini_report(SURVEY_ROWS), pdf_dir / "cover.pdf", scanned_cover=True)
    result = load(path)
    assert len(result.observations) == 20
    assert "第 1 页没有文字层（可能是扫描页），未读取 / page(s) 1 have no text layer (scanned?) and were not read" in (
        result.notes
    )
    assert result.observations["source_text"].str.startswith("[第 3 页] ").all()


# ------------------------------------------------------------------ bad input


def test_scanned_pdf(tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = pdf_fixtures.scanned_pdf(tmp_path / "扫描件.pdf", n_pages=3)
    assert_rejected(
        path,
        loaded_db,
        FormatError,
        "第 1 页",
        "没有文字层",
        "扫描件",
        "page 1 has no text layer",
        "none of the 3 pages",
        "scanned",
        capsys=capsys,
    )


def test_truncated_pdf(tmp_path: Path, loaded_db: Path, capsys) -> None:
    whole = pdf_fixtures.flowing_pdf(_mini_report(SURVEY_ROWS), tmp_path / "whole.pdf")
    path = tmp_path / "truncated.pdf"
    path.write_bytes(whole.read_bytes()[:500])
    assert_rejected(
        path, loaded_db, FormatError, "PDF 文件已损坏或不完整", "the PDF is damaged or incomplete", capsys=capsys
    )


def test_encrypted_pdf(tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = pdf_fixtures.encrypted_pdf(_mini_report(SURVEY_ROWS)[-6:], tmp_path / "encrypted.pdf")
    assert_rejected(path, loaded_db, FormatError, "PDF 文件已加密", "the PDF is password-protected", capsys=capsys)


def test_pdf_without_report_tables(tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = pdf_fixtures.flowing_pdf(["温州职业技术学院关于 2020 年放假安排的通知", "各部门："], tmp_path / "notice.pdf")
    assert_rejected(path, loaded_db, FormatError, "没有找到任何可识别", "no recognisable", capsys=capsys)


def test_no_tables_and_a_scanned_page_says_so(tmp_path: Path, loaded_db: Path, capsys) -> None:
    lines = ["温州职业技术学院关于 2020 年放假安排的通知", "各部门："]
    path = pdf_fixtures.flowing_pdf(lines, tmp_path / "scanned_tables.pdf", scanned_cover=True)
    assert_rejected(
        path,
        loaded_db,
        FormatError,
        "没有找到任何可识别",
        "另：第 1 页没有可读取的文字（可能是扫描页）",
        "page(s) 1 have no readable text (scanned?)",
        capsys=capsys,
    )


def test_pdf_table_problem_names_the_page(tmp_path: Path, loaded_db: Path, capsys) -> None:
    rows = [*SURVEY_ROWS[:3], "本校 3518 3318 94.31%"]
    path = pdf_fixtures.flowing_pdf(_mini_report(rows), tmp_path / "cut.pdf")
    result = assert_partly_read(
        path,
        loaded_db,
        "survey_employment@1",
        77,
        "“本校”之后应有 5 个数字，实际为 3 个，该行未读取",
        "expected 5 numbers after 本校, found 3",
        capsys=capsys,
    )
    item = next(i for i in result.coverage if i.item_id == "survey_employment@1")
    cut = next(p for p in item.problems if p.code == "row_cut")
    assert cut.text("zh").startswith("PDF 第 2 页，第 77 行：")
    assert cut.text("en").startswith("PDF page 2, line 77: ")
