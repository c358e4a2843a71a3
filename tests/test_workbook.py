"""Excel workbooks: the template's layout, export → import round trips equal to the text loader,
a filled template, formula injection, the CLI, and every kind of bad workbook (a clear message
naming sheet and cell, a non-zero exit, and a store left exactly as it was)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from loaders.__main__ import main
from loaders.contracts.errors import FormatError, TableError, ValueParseError
from loaders.contracts.registry import read_registry
from loaders.read.load import load, load_bytes
from loaders.read.record import OBSERVATION_COLUMNS
from loaders.read.rows import indicator_info
from loaders.read.workbook import MAX_ZIP_MEMBERS, OLE_MAGIC, is_workbook
from loaders.read.workbook_layout import COLUMNS, DOMAIN_SHEETS, INDICATOR_SHEET, INFO_SHEET, LISTS_SHEET, META_SHEET
from loaders.read.workbook_write import render_workbook, template_bytes
from loaders.store.build import rebuild
from loaders.store.queries import read_observations
from loaders.store.schema import connect
from tests.helpers import assert_rejected

REPORT_ID = "温州职业技术学院-2020"
SCHOOL = "温州职业技术学院"
KEY = ["source_line", "indicator_id", "subject"]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(KEY).reset_index(drop=True)


@pytest.fixture(scope="module")
def text_observations(bundled_report: Path) -> pd.DataFrame:
    return load(bundled_report).observations


@pytest.fixture(scope="module")
def exported(text_observations: pd.DataFrame) -> bytes:
    """The bundled report's observations in the workbook layout."""
    return render_workbook(text_observations, SCHOOL, 2020, "温州职业技术学院_2020_质量年度报告.txt")


@pytest.fixture(scope="module")
def sample(text_observations: pd.DataFrame) -> bytes:
    """A few rows of each sheet of the bundled report, in the workbook layout (for the bad-input cases)."""
    domain = text_observations["indicator_id"].map(lambda indicator: indicator_info()[indicator].domain)
    rows = text_observations.groupby(domain, sort=False).head(4)
    return render_workbook(rows, SCHOOL, 2020, "温州职业技术学院_2020_质量年度报告.txt")


def _edit(data: bytes, change: Callable[[openpyxl.Workbook], None]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes | None] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The zip with members replaced (None drops one) or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename in replace:
                if replace[member.filename] is not None:
                    target.writestr(member.filename, replace[member.filename])
            else:
                target.writestr(member, source.read(member))
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


# ---------------------------------------------------------------------------- the template


def test_template_layout() -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    assert book.sheetnames == [INFO_SHEET, META_SHEET, *DOMAIN_SHEETS.values(), INDICATOR_SHEET, LISTS_SHEET]
    assert list(DOMAIN_SHEETS.values()) == [
        "毕业生调查",
        "招生",
        "学生发展",
        "专业与课程",
        "师资",
        "办学条件",
        "科研与社会服务",
        "国际交流",
        "经费",
    ]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    assert book.active.title == INFO_SHEET
    info_text = "\n".join(str(row[0]) for row in book[INFO_SHEET].iter_rows(values_only=True) if row[0])
    for phrase in ("不计算公式", "Formulas are never evaluated", "years_after", "单位 unit", "指标一览"):
        assert phrase in info_text

    meta = book[META_SHEET]
    assert (meta["A2"].value, meta["A3"].value) == ("学校名称 school", "报告年度 report_year")
    assert meta["B2"].value is None and meta["B3"].value is None

    registry = read_registry()
    lists = book[LISTS_SHEET]
    for domain, title in DOMAIN_SHEETS.items():
        sheet = book[title]
        assert [cell.value for cell in sheet[1]] == [
            "指标代码 indicator_id",
            "指标名称 name",
            "对象 subject",
            "年份 year",
            "毕业后年数 years_after",
            "数值 value",
            "单位 unit",
            "来源表 source_table",
            "来源行 source_line",
            "原文 source_text",
        ]
        assert sheet.max_row == 1  # no data rows
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["A"].width == COLUMNS[0].width
        assert sheet.column_dimensions["J"].width == 60
        by_column = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
        indicator_list = by_column["A2:A1048576"]
        assert indicator_list.type == "list"
        assert indicator_list.showErrorMessage
        ids = _list_values(lists, indicator_list.formula1)
        assert ids == registry.loc[registry["domain"] == domain, "indicator_id"].tolist()
        assert by_column["D2:D1048576"].type == "whole"
        assert by_column["F2:F1048576"].type == "decimal"
        if domain == "graduate_survey":
            assert _list_values(lists, by_column["C2:C1048576"].formula1) == ["全省", "本科", "高职", "本校"]
        else:
            assert "C2:C1048576" not in by_column

    indicators = book[INDICATOR_SHEET]
    units = {row[0]: row[3] for row in indicators.iter_rows(min_row=2, values_only=True)}
    assert units == dict(zip(registry["indicator_id"], registry["unit"], strict=True))


def _list_values(lists: openpyxl.worksheet.worksheet.Worksheet, formula: str) -> list[str]:
    assert formula.startswith(f"'{LISTS_SHEET}'!")
    cells = lists[formula.split("!")[1].replace("$", "")]
    return [row[0].value for row in cells]


def test_template_cli(tmp_path: Path, capsys) -> None:
    out = tmp_path / "模板.xlsx"
    assert main(["template", str(out)]) == 0
    assert "模板.xlsx" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).sheetnames[2:11] == list(DOMAIN_SHEETS.values())
    assert main(["template", str(tmp_path / "模板.txt")]) == 2
    assert ".xlsx" in capsys.readouterr().err


def test_blank_template_imports_as_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    path.write_bytes(template_bytes())
    with pytest.raises(FormatError, match="没有任何数据行"):
        load(path)


# ---------------------------------------------------------------------------- round trips (golden)


def test_store_export_import_equals_text_loader(tmp_path: Path, text_observations: pd.DataFrame, capsys) -> None:
    db = tmp_path / "quality.duckdb"
    rebuild(db)
    out = tmp_path / "export.xlsx"
    assert main(["export", "--report", REPORT_ID, str(out), "--db", str(db)]) == 0
    assert "802 observations" in capsys.readouterr().out
    result = load(out)
    assert (result.format_used, result.school, result.report_year, result.report_id) == (
        "xlsx",
        SCHOOL,
        2020,
        REPORT_ID,
    )
    assert result.notes == []
    assert result.encoding is None
    assert_frame_equal(_sorted(result.observations), _sorted(text_observations))
    book = openpyxl.load_workbook(out)
    assert book[META_SHEET]["B4"].value == "温州职业技术学院_2020_质量年度报告.txt"


def test_workbook_round_trip_is_exact(exported: bytes, text_observations: pd.DataFrame) -> None:
    result = load_bytes(exported, "report.xlsx")
    assert_frame_equal(_sorted(result.observations), _sorted(text_observations))
    assert (result.school, result.report_year) == (SCHOOL, 2020)
    # exported again, the same rows come out in the same layout
    again = render_workbook(result.observations, result.school, result.report_year)
    assert_frame_equal(_sorted(load_bytes(again, "again.xlsx").observations), _sorted(text_observations))


def test_exported_numbers_are_number_cells(exported: bytes) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(exported))["毕业生调查"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "employment_rate" and r[8].value == 1277)
    assert [cell.value for cell in row] == [
        "employment_rate",
        "就业率",
        "本校",
        2019,
        1,
        98.82,
        "%",
        "表2-15",
        1277,
        "本校 3518 3318 94.31% 98.82% 24.47%",
    ]
    assert [cell.data_type for cell in row[3:6]] == ["n", "n", "n"]


def test_ingest_workbook_replaces_the_report(tmp_path: Path, exported: bytes, text_observations) -> None:
    db = tmp_path / "quality.duckdb"
    rebuild(db)
    path = tmp_path / "修订.xlsx"
    path.write_bytes(exported)
    assert main(["ingest", str(path), "--db", str(db)]) == 0
    con = connect(db, read_only=True)
    try:
        reports = con.execute(
            "SELECT report_id, format, source_file, n_observations FROM reports WHERE report_id = ?", [REPORT_ID]
        ).fetchall()
        stored = read_observations(con, REPORT_ID)
    finally:
        con.close()
    assert reports == [(REPORT_ID, "xlsx", "修订.xlsx", 802)]
    assert len(stored) == len(text_observations)


def test_filled_template(tmp_path: Path) -> None:
    def fill(book: openpyxl.Workbook) -> None:
        book[META_SHEET]["B2"] = "示例职业技术学院"
        book[META_SHEET]["B3"] = 2023
        book["师资"].append(["fulltime_teachers", "专任教师总数", "本校", 2023, None, 600, None])
        book["师资"].append(["student_teacher_ratio", None, " 本校 ", 2023, None, 15.5, ":1"])
        book["经费"].append(["income_total", None, "本校", 2023, None, 398769200, "元"])
        book["毕业生调查"].append(["employment_rate", "就业率", "我校", 2022, 1, 97.5, "%"])
        book["毕业生调查"].append(["employment_rate", None, "高职", 2022, 1, 96.1, None, "表2-15", 1270, "高职 …"])
        book.create_sheet("草稿")

    path = tmp_path / "示例.xlsx"
    path.write_bytes(_edit(template_bytes(), fill))
    result = load(path)
    assert (result.school, result.report_year, result.format_used) == ("示例职业技术学院", 2023, "xlsx")
    assert result.notes == ["忽略工作表 / sheet ignored: 草稿"]
    expected = pd.DataFrame(
        [
            [
                "employment_rate",
                "本校",
                2022,
                1,
                97.5,
                "%",
                "毕业生调查",
                2,
                "employment_rate | 就业率 | 我校 | 2022 | 1 | 97.5 | %",
            ],
            ["employment_rate", "高职", 2022, 1, 96.1, "%", "表2-15", 1270, "高职 …"],
            [
                "fulltime_teachers",
                "本校",
                2023,
                None,
                600.0,
                "人",
                "师资",
                2,
                "fulltime_teachers | 专任教师总数 | 本校 | 2023 | 600",
            ],
            [
                "student_teacher_ratio",
                "本校",
                2023,
                None,
                15.5,
                ":1",
                "师资",
                3,
                "student_teacher_ratio | 本校 | 2023 | 15.5 | :1",
            ],
            [
                "income_total",
                "本校",
                2023,
                None,
                39876.92,
                "万元",
                "经费",
                2,
                "income_total | 本校 | 2023 | 398769200 | 元",
            ],
        ],
        columns=OBSERVATION_COLUMNS[:-1],
    ).assign(held_reason=None)  # a template's figures are read without doubt
    expected = expected[OBSERVATION_COLUMNS].astype(result.observations.dtypes.to_dict())
    assert_frame_equal(result.observations, expected)


def test_school_and_year_from_the_caller(sample: bytes) -> None:
    def clear(book: openpyxl.Workbook) -> None:
        book[META_SHEET]["B2"] = None
        book[META_SHEET]["B3"] = None

    data = _edit(sample, clear)
    result = load_bytes(data, "x.xlsx", school="另一所职业学院", report_year=2021)
    assert (result.school, result.report_year, result.report_id) == ("另一所职业学院", 2021, "另一所职业学院-2021")
    with pytest.raises(FormatError) as info:
        load_bytes(data, "x.xlsx")
    assert "工作表「报告信息」B2 单元格" in info.value.message


def test_formula_injection_round_trips_as_text(tmp_path: Path, text_observations: pd.DataFrame) -> None:
    tricky = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "#N/A", "'=quoted"]
    rows = text_observations[text_observations["indicator_id"] == "apprentices"].head(len(tricky)).copy()
    rows["subject"] = tricky
    rows["source_text"] = tricky[::-1]
    data = render_workbook(rows, SCHOOL, 2020)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["师资"]
    for row_number, text in enumerate(tricky, start=2):
        cell = sheet.cell(row=row_number, column=3)
        assert (cell.value, cell.data_type) == (text, "s")
        assert cell.quotePrefix == text.startswith(("=", "+", "-", "@"))
    result = load_bytes(data, "tricky.xlsx")
    assert_frame_equal(_sorted(result.observations), _sorted(rows))


def test_is_workbook_by_content(exported: bytes, bundled_report: Path) -> None:
    assert is_workbook(exported, "no-extension")
    assert not is_workbook(bundled_report.read_bytes(), "report.xlsx")
    assert not is_workbook(_rezip(exported, replace={"xl/workbook.xml": None}), "x.xlsx")  # e.g. a .docx
    assert load_bytes(exported, "report.bin").format_used == "xlsx"


def test_export_cli_errors(tmp_path: Path, capsys) -> None:
    db = tmp_path / "quality.duckdb"
    rebuild(db)
    assert main(["export", "--report", "无此学校-2020", str(tmp_path / "x.xlsx"), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "无此学校-2020" in err and REPORT_ID in err
    assert not (tmp_path / "x.xlsx").exists()
    assert main(["export", "--report", REPORT_ID, str(tmp_path / "x.json"), "--db", str(db)]) == 2
    assert ".xlsx 或 .csv" in capsys.readouterr().err


# ---------------------------------------------------------------------------- bad workbooks


def _set(sheet: str, cell: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    def change(book: openpyxl.Workbook) -> None:
        book[sheet][cell] = value

    return change


CELL_CASES = [
    pytest.param(
        _set("师资", "C1", "科目"),
        TableError,
        ["工作表「师资」C1 单元格", "表头应为“对象 subject”，实际为“科目”", "the header must be '对象 subject'"],
        id="wrong-header",
    ),
    pytest.param(
        _set("师资", "F2", "94.31%"),
        ValueParseError,
        ["工作表「师资」F2 单元格", "数值 value 应为数字，实际为文本“94.31%”", "must be a number, found text"],
        id="text-in-number-cell",
    ),
    pytest.param(
        lambda book: book["师资"].merge_cells("F2:F3"),
        TableError,
        ["工作表「师资」F2:F3 单元格", "F2:F3 是合并单元格", "merged cell"],
        id="merged-cell",
    ),
    pytest.param(
        _set("师资", "A2", "no_such_indicator"),
        TableError,
        ["工作表「师资」A2 单元格", "未知的指标代码“no_such_indicator”", "unknown indicator id"],
        id="unknown-indicator",
    ),
    pytest.param(
        _set("师资", "A2", "employment_rate"),
        TableError,
        ["工作表「师资」A2 单元格", "应填在工作表「毕业生调查」中", "belongs on sheet 毕业生调查"],
        id="indicator-on-wrong-sheet",
    ),
    pytest.param(
        _set("毕业生调查", "C2", "全国"),
        TableError,
        ["工作表「毕业生调查」C2 单元格", "全省/本科/高职/本校 之一，实际为“全国”", "graduate-survey subject"],
        id="unknown-survey-subject",
    ),
    pytest.param(
        _set("师资", "F2", "=SUM(F3:F9)"),
        TableError,
        ["工作表「师资」F2 单元格", "单元格含公式“=SUM(F3:F9)”", "formulas are never evaluated"],
        id="formula-cell",
    ),
    pytest.param(
        _set("师资", "F2", "#DIV/0!"),
        ValueParseError,
        ["工作表「师资」F2 单元格", "错误值“#DIV/0!”", "error value"],
        id="error-value-cell",
    ),
    pytest.param(
        _set("师资", "G2", "公斤"),
        ValueParseError,
        ["工作表「师资」G2 单元格", "无法换算", "cannot be converted"],
        id="unit-without-factor",
    ),
    pytest.param(
        _set("师资", "I2", None),
        TableError,
        ["工作表「师资」I2 单元格", "来源表与来源行须同时填写或同时留空", "both be filled"],
        id="half-provenance",
    ),
    pytest.param(
        _set("报告信息", "B3", "2020年"),
        ValueParseError,
        ["工作表「报告信息」B3 单元格", "报告年度 report_year 应为数字", "must be a number"],
        id="year-as-text",
    ),
    pytest.param(
        _set("报告信息", "B2", "=A1"),
        TableError,
        ["工作表「报告信息」B2 单元格", "单元格含公式", "formula"],
        id="formula-in-report-info",
    ),
    pytest.param(
        _set("报告信息", "B2", None),
        FormatError,
        ["工作表「报告信息」B2 单元格", "请填写学校名称", "fill in the school"],
        id="school-missing",
    ),
]


@pytest.mark.parametrize(("change", "error", "fragments"), CELL_CASES)
def test_bad_cell(change, error, fragments, sample: bytes, tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = tmp_path / "坏表.xlsx"
    path.write_bytes(_edit(sample, change))
    assert_rejected(path, loaded_db, error, *fragments, capsys=capsys)


def test_duplicate_row(sample: bytes, tmp_path: Path, loaded_db: Path, capsys) -> None:
    def duplicate(book: openpyxl.Workbook) -> None:
        sheet = book["师资"]
        sheet.append([cell.value for cell in sheet[2]])

    path = tmp_path / "重复.xlsx"
    path.write_bytes(_edit(sample, duplicate))
    row = openpyxl.load_workbook(path)["师资"].max_row
    assert_rejected(path, loaded_db, TableError, f"工作表「师资」A{row} 单元格", "与 工作表「师资」A2", capsys=capsys)


def test_password_protected(tmp_path: Path, loaded_db: Path, capsys) -> None:
    # An encrypted OOXML file is an OLE2 compound file holding EncryptionInfo and EncryptedPackage streams.
    path = tmp_path / "加密.xlsx"
    path.write_bytes(OLE_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(2000))
    assert_rejected(path, loaded_db, FormatError, "设有打开密码", "password-protected", capsys=capsys)


def test_legacy_xls(tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = tmp_path / "旧版.xls"
    path.write_bytes(OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(2000))
    assert_rejected(path, loaded_db, FormatError, "旧版 Excel（.xls）", "save it as .xlsx", capsys=capsys)


def test_truncated_xlsx(sample: bytes, tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = tmp_path / "截断.xlsx"
    path.write_bytes(sample[: len(sample) // 2])
    assert_rejected(path, loaded_db, FormatError, "文件已损坏", "damaged", capsys=capsys)


def test_damaged_sheet_xml(sample: bytes, tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = tmp_path / "损坏.xlsx"
    path.write_bytes(_rezip(sample, replace={"xl/worksheets/sheet3.xml": b"<worksheet><sheetData><row"}))
    assert_rejected(path, loaded_db, FormatError, "文件已损坏", "damaged", capsys=capsys)


@pytest.mark.parametrize("how", ["vba-part", "content-type"])
def test_xlsm_with_macros(how: str, sample: bytes, tmp_path: Path, loaded_db: Path, capsys) -> None:
    if how == "vba-part":
        data = _rezip(sample, add={"xl/vbaProject.bin": OLE_MAGIC + bytes(600)})
    else:
        with zipfile.ZipFile(io.BytesIO(sample)) as archive:
            types = archive.read("[Content_Types].xml")
        types = types.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        data = _rezip(sample, replace={"[Content_Types].xml": types})
    path = tmp_path / "宏.xlsm"
    path.write_bytes(data)
    assert_rejected(path, loaded_db, FormatError, "含有宏", "macros", capsys=capsys)


def test_zip_bomb_by_size(sample: bytes, tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = tmp_path / "炸弹.xlsx"
    path.write_bytes(_rezip(sample, add={"xl/media/padding.bin": bytes(101 * 2**20)}))
    assert path.stat().st_size < 2 * 2**20
    assert_rejected(path, loaded_db, FormatError, "超过上限 100 MB", "zip bomb", capsys=capsys)


def test_zip_bomb_by_members(sample: bytes, tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = tmp_path / "碎片.xlsx"
    path.write_bytes(_rezip(sample, add={f"xl/media/p{i}.bin": b"" for i in range(MAX_ZIP_MEMBERS)}))
    assert_rejected(path, loaded_db, FormatError, f"超过上限 {MAX_ZIP_MEMBERS}", "parts", capsys=capsys)


def test_no_data_sheet(tmp_path: Path, loaded_db: Path, capsys) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "indicator_id"
    path = tmp_path / "别的.xlsx"
    book.save(path)
    assert_rejected(
        path, loaded_db, FormatError, "工作簿既不是填报模板", "neither the template", "no recognisable", capsys=capsys
    )


def test_percent_formatted_cells_are_read_as_the_percent_shown(tmp_path: Path, capsys) -> None:
    def fill(book: openpyxl.Workbook) -> None:
        book[META_SHEET]["B2"] = "示例职业技术学院"
        book[META_SHEET]["B3"] = 2023
        book["毕业生调查"].append(["employment_rate", None, "本校", 2022, 1, 0.9836, "%"])
        book["毕业生调查"]["F2"].number_format = "0.00%"

    path = tmp_path / "percent.xlsx"
    path.write_bytes(_edit(template_bytes(), fill))
    result = load(path)
    assert result.observations["value"].tolist() == [98.36]
    assert result.notes == [
        "工作表「毕业生调查」F2 为百分比格式，按显示的百分数读取（0.9836 → 98.36）/ "
        "sheet 毕业生调查: 1 percent-formatted cell(s) read as the percent shown"
    ]

    def count_as_percent(book: openpyxl.Workbook) -> None:
        fill(book)
        book["师资"].append(["fulltime_teachers", None, "本校", 2023, None, 6, None])
        book["师资"]["F2"].number_format = "0%"

    path.write_bytes(_edit(template_bytes(), count_as_percent))
    with pytest.raises(ValueParseError, match="按百分比填写（百分比格式或带 %），但 fulltime_teachers"):
        load(path)
