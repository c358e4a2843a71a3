"""CSV in the tidy layout: round trips equal to the text loader (UTF-8 with and without BOM,
GB18030), school and year from the file or the caller, unit conversion, formula injection, and
bad input (a message naming the line, a non-zero exit, the store unchanged)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from loaders.__main__ import main
from loaders.contracts.errors import FormatError, TableError, ValueParseError
from loaders.read.load import load, load_bytes
from loaders.read.record import OBSERVATION_COLUMNS
from loaders.read.tidy_csv import EXPORT_COLUMNS, is_tidy_csv, protect_text, render_csv, unprotect_text
from loaders.store.build import rebuild
from loaders.store.schema import connect
from tests.helpers import assert_rejected

REPORT_ID = "温州职业技术学院-2020"
SCHOOL = "温州职业技术学院"
KEY = ["source_line", "indicator_id", "subject"]
BOM = "\ufeff".encode()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(KEY).reset_index(drop=True)


@pytest.fixture(scope="module")
def text_observations(bundled_report: Path) -> pd.DataFrame:
    return load(bundled_report).observations


@pytest.fixture(scope="module")
def exported(text_observations: pd.DataFrame) -> bytes:
    return render_csv(text_observations, SCHOOL, 2020)


def _frame(rows: list[list[object]]) -> pd.DataFrame:
    frame = pd.DataFrame([[*row, None] for row in rows], columns=OBSERVATION_COLUMNS)  # held_reason: none
    return frame.astype(
        {
            "indicator_id": "str",
            "subject": "str",
            "year": "int64",
            "years_after": "Int64",
            "value": "float64",
            "unit": "str",
            "source_table": "str",
            "source_line": "int64",
            "source_text": "str",
            "held_reason": "str",
        }
    )


# ---------------------------------------------------------------------------- round trips (golden)


def test_export_layout(exported: bytes) -> None:
    assert exported.startswith(BOM)
    text = exported.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == ",".join(EXPORT_COLUMNS)
    assert lines[0].startswith("indicator_id,subject,year,years_after,value,unit")
    assert (
        "employment_rate,本校,2019,1,98.82,%,表2-15,1277,本校 3518 3318 94.31% 98.82% 24.47%,温州职业技术学院,2020"
        in lines
    )
    assert (
        "enroll_plan,单独考试,2019,,1085,人,表2-1,354,单独考试 1085 1085 1029 94.84% 22.46%,温州职业技术学院,2020"
        in lines
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_round_trip_equals_text_loader(encoding: str, exported: bytes, text_observations: pd.DataFrame) -> None:
    data = exported.decode("utf-8-sig").encode(encoding)
    result = load_bytes(data, f"report-{encoding}.csv")
    assert (result.format_used, result.school, result.report_year, result.report_id) == ("csv", SCHOOL, 2020, REPORT_ID)
    assert_frame_equal(_sorted(result.observations), _sorted(text_observations))
    if encoding == "gb18030":
        assert (result.encoding, result.notes) == ("gb18030", ["按 GB18030 编码读取 / decoded as GB18030"])
    else:
        assert (result.encoding, result.notes) == ("utf-8", [])


def test_store_export_cli(tmp_path: Path, text_observations: pd.DataFrame, capsys) -> None:
    db = tmp_path / "quality.duckdb"
    rebuild(db)
    out = tmp_path / "export.csv"
    assert main(["export", "--report", REPORT_ID, str(out), "--db", str(db)]) == 0
    assert "802 observations" in capsys.readouterr().out
    assert out.read_bytes().startswith(BOM)
    result = load(out)
    assert (result.format_used, result.report_id) == ("csv", REPORT_ID)
    assert_frame_equal(_sorted(result.observations), _sorted(text_observations))
    # and it loads into the store, replacing the text version of the same report
    assert main(["ingest", str(out), "--db", str(db)]) == 0
    con = connect(db, read_only=True)
    try:
        assert con.execute(
            "SELECT format, n_observations FROM reports WHERE report_id = ?", [REPORT_ID]
        ).fetchall() == [("csv", 802)]
    finally:
        con.close()


def test_minimal_csv_with_caller_school_and_year() -> None:
    text = (
        "indicator_id,subject,year,years_after,value,unit\n"
        "fulltime_teachers,本校,2023,,600,人\n"
        "\n"
        "income_total,本校,2023,,398769200,元\n"
        "employment_rate,我校,2022,1,97.5%,%\n"
        'monthly_income,高职,2022,1,"4,885.36",\n'
    )
    result = load_bytes(text.encode(), "mini.csv", school="示例职业技术学院", report_year=2023)
    assert (result.school, result.report_year, result.report_id) == ("示例职业技术学院", 2023, "示例职业技术学院-2023")
    expected = _frame(
        [
            ["fulltime_teachers", "本校", 2023, None, 600.0, "人", "CSV", 2, "fulltime_teachers,本校,2023,,600,人"],
            ["income_total", "本校", 2023, None, 39876.92, "万元", "CSV", 4, "income_total,本校,2023,,398769200,元"],
            ["employment_rate", "本校", 2022, 1, 97.5, "%", "CSV", 5, "employment_rate,我校,2022,1,97.5%,%"],
            ["monthly_income", "高职", 2022, 1, 4885.36, "元", "CSV", 6, 'monthly_income,高职,2022,1,"4,885.36",'],
        ]
    )
    assert_frame_equal(result.observations, expected)


def test_school_and_year_columns_and_ignored_columns() -> None:
    text = (
        "school,report_year,indicator_id,subject,year,years_after,value,unit,备注\n"
        "示例学院,2023,majors,本校,2023,,40,个,x\n"
    )
    result = load_bytes(text.encode(), "a.csv")
    assert (result.school, result.report_year) == ("示例学院", 2023)
    assert result.notes == ["忽略的列 / columns ignored: 备注"]


def test_empty_frame_exports_a_header_only() -> None:
    data = render_csv(_frame([]), SCHOOL, 2020)
    assert data.decode("utf-8-sig") == ",".join(EXPORT_COLUMNS) + "\r\n"
    with pytest.raises(FormatError, match="没有任何数据行"):
        load_bytes(data, "empty.csv")


def test_formula_injection(text_observations: pd.DataFrame) -> None:
    tricky = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "'=quoted", "''-x", "'plain"]
    rows = text_observations[text_observations["indicator_id"] == "apprentices"].head(len(tricky)).copy()
    rows["subject"] = tricky
    rows["source_text"] = tricky[::-1]
    data = render_csv(rows, "=school", 2020)
    records = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    for record in records[1:]:
        assert not any(field.startswith(("=", "+", "@", "\t", "\r")) for field in record)
        assert not any(field.startswith("-") and not field.lstrip("-").replace(".", "").isdigit() for field in record)
    assert records[1][1] == "'" + tricky[0]
    result = load_bytes(data, "tricky.csv")
    assert result.school == "=school"
    assert_frame_equal(_sorted(result.observations), _sorted(rows))


@pytest.mark.parametrize("text", ["=1", "+1", "-1", "@a", "\tx", "\rx", "'=1", "''@", "'", "'a", "a=1", "", "'-"])
def test_protect_is_undone_exactly(text: str) -> None:
    assert unprotect_text(protect_text(text)) == text
    assert not protect_text(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_detection_by_content(bundled_report: Path, exported: bytes) -> None:
    assert not is_tidy_csv(bundled_report.read_bytes(), "report.csv")
    assert load(bundled_report).format_used == "text"
    assert is_tidy_csv(b'"indicator_id","subject","year","years_after","value","unit"\r\n', "data.txt")
    assert is_tidy_csv(exported.decode("utf-8-sig").encode("gb18030"), "no-extension")
    assert not is_tidy_csv(b"id,subject,year,value\n", "a.csv")


# ---------------------------------------------------------------------------- bad input


HEADER = "school,report_year,indicator_id,subject,year,years_after,value,unit"
GOOD = "温州职业技术学院,2020,fulltime_teachers,本校,2020,,533,人"

BAD_CASES = [
    pytest.param(
        [HEADER, GOOD, "温州职业技术学院,2020,no_such_indicator,本校,2020,,1,人"],
        TableError,
        ["第 3 行", "未知的指标代码“no_such_indicator”", "unknown indicator id"],
        id="unknown-indicator",
    ),
    pytest.param(
        [HEADER, "温州职业技术学院,2020,fulltime_teachers,本校,2020,,五百,人"],
        ValueParseError,
        ["第 2 行", "value 应为数字，实际为“五百”", "must be a number"],
        id="text-in-value",
    ),
    pytest.param(
        [HEADER, GOOD, "温州职业技术学院,2020,income_total,本校,2020,,5,美元"],
        ValueParseError,
        ["第 3 行", "income_total 的单位应为 万元，实际为 美元，无法换算", "cannot be converted"],
        id="unit-without-factor",
    ),
    pytest.param(
        [HEADER, "温州职业技术学院,2020,employment_rate,全国,2019,1,98,%"],
        TableError,
        ["第 2 行", "全省/本科/高职/本校 之一，实际为“全国”", "graduate-survey subject"],
        id="unknown-survey-subject",
    ),
    pytest.param(
        [HEADER, GOOD, "温州职业技术学院,2020,fulltime_teachers,本校,2020,533,人"],
        TableError,
        ["第 3 行", "应有 8 个字段，实际为 7 个", "expected 8 fields"],
        id="wrong-field-count",
    ),
    pytest.param(
        [HEADER, GOOD, "温州职业技术学院,2020,fulltime_teachers,本校,二〇二〇,,533,人"],
        ValueParseError,
        ["第 3 行", "year 应为数字", "year must be a number"],
        id="text-in-year",
    ),
    pytest.param(
        ["school,report_year,indicator_id,subject,year,value,unit", GOOD],
        FormatError,
        ["第 1 行", "表头缺少列：years_after", "lacks columns"],
        id="missing-column",
    ),
    pytest.param(
        [HEADER, GOOD, "另一所职业学院,2020,majors,本校,2020,,40,个"],
        FormatError,
        ["第 3 行", "school 列应只有一个值", "must hold one value"],
        id="two-schools",
    ),
    pytest.param(
        [HEADER + ",source_table,source_line", GOOD + ",表3,4730", GOOD + ",表3,4730"],
        TableError,
        ["第 3 行", "与 第 2 行 重复", "duplicates"],
        id="duplicate-row",
    ),
    pytest.param(
        ["indicator_id,subject,year,years_after,value,unit", "fulltime_teachers,本校,2020,,533,人"],
        FormatError,
        ["请在导入时指定学校与报告年度", "give the school and report year"],
        id="no-school",
    ),
    pytest.param(
        [HEADER, GOOD, "温州职业技术学院,2020,employment_rate,本校,2019,1,150,%"],
        ValueParseError,
        ["第 3 行", "employment_rate 的数值 150 % 超出合理范围（0–100），未读取", "outside its plausible range"],
        id="percent-over-100",
    ),
    pytest.param(
        [HEADER, GOOD, "温州职业技术学院,2020,income_total,本校,2020,,1e308,亿元"],
        ValueParseError,
        ["第 3 行", "income_total 的数值 inf 不是有限数", "not a finite number"],
        id="infinite-after-conversion",
    ),
    pytest.param(
        [HEADER, GOOD, "温州职业技术学院,2020,fulltime_teachers,本校,2020,,-5,人"],
        ValueParseError,
        ["第 3 行", "超出合理范围", "plausible range"],
        id="negative-count",
    ),
    pytest.param(
        [HEADER, "温州职业技术学院,99999,fulltime_teachers,本校,2020,,533,人"],
        FormatError,
        ["报告年度应在 1990–2100 之间，实际为 99999", "within 1990–2100"],
        id="report-year-99999",
    ),
]


@pytest.mark.parametrize(("lines", "error", "fragments"), BAD_CASES)
def test_bad_csv(lines: list[str], error, fragments, tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = tmp_path / "坏数据.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))
    assert_rejected(path, loaded_db, error, *fragments, capsys=capsys)


def test_bad_gb18030_csv_names_the_line(tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        ("\n".join([HEADER, GOOD, "温州职业技术学院,2020,majors,本校,2020,,四十,个"]) + "\n").encode("gb18030")
    )
    assert_rejected(path, loaded_db, ValueParseError, "第 3 行", "四十", capsys=capsys)
