"""Bad input: each case gets a clear bilingual message naming the file and place, a non-zero
exit from the CLI, and leaves the database exactly as it was."""

from __future__ import annotations

from pathlib import Path

from loaders.__main__ import main
from loaders.contracts.errors import EncodingError, FormatError
from loaders.read.load import load
from tests.helpers import assert_partly_read, assert_rejected


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _replace_line(lines: list[str], number: int, new: str) -> list[str]:
    changed = list(lines)
    changed[number - 1] = new
    return changed


def test_empty_file(tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert_rejected(path, loaded_db, FormatError, "文件为空", "the file is empty", capsys=capsys)


def test_binary_file(tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 10)
    assert_rejected(path, loaded_db, EncodingError, "二进制文件", "binary file", capsys=capsys)


def test_text_without_tables(tmp_path: Path, loaded_db: Path, capsys) -> None:
    path = _write_lines(tmp_path / "notice.txt", ["温州职业技术学院关于 2020 年放假安排的通知", "各部门："])
    assert_rejected(path, loaded_db, FormatError, "没有找到任何可识别", "no recognisable", capsys=capsys)


def _school_figures(result, table: str) -> list[str]:
    obs = result.observations
    return sorted(obs.loc[(obs["source_table"] == table) & (obs["subject"] == "本校"), "indicator_id"])


def test_table_cut_off_mid_row(tmp_path: Path, loaded_db: Path, bundled_lines: list[str], capsys) -> None:
    # The row is not read, the rest of the report is, and the coverage says which row and why.
    assert bundled_lines[1276] == "本校 3518 3318 94.31% 98.82% 24.47%"
    path = _write_lines(tmp_path / "cut.txt", _replace_line(bundled_lines, 1277, "本校 3518 3318 94.31%"))
    result = assert_partly_read(
        path,
        loaded_db,
        "survey_employment@1",
        1277,
        "“本校”之后应有 5 个数字，实际为 3 个，该行未读取",
        "expected 5 numbers after 本校, found 3; row not read",
        capsys=capsys,
    )
    assert _school_figures(result, "表2-15") == []
    assert len(result.observations) == 802 - 5


def test_number_that_will_not_parse(tmp_path: Path, loaded_db: Path, bundled_lines: list[str], capsys) -> None:
    path = _write_lines(
        tmp_path / "typo.txt", _replace_line(bundled_lines, 1277, "本校 3518 3318 94.31% 98..82% 24.47%")
    )
    result = assert_partly_read(
        path,
        loaded_db,
        "survey_employment@1",
        1277,
        "“本校”一行中的“98..82%”不是数字，该行未读取",
        "'98..82%' in the row of 本校 is not a number",
        capsys=capsys,
    )
    assert _school_figures(result, "表2-15") == []


def test_missing_row_is_named(tmp_path: Path, loaded_db: Path, bundled_lines: list[str], capsys) -> None:
    # 表2-17's 本校 row is gone: the coverage says which row (and how many cells) is missing.
    assert bundled_lines[1319].startswith("本校 3518")
    path = _write_lines(tmp_path / "norow.txt", _replace_line(bundled_lines, 1320, ""))
    assert_partly_read(
        path,
        loaded_db,
        "survey_income@1",
        None,
        "缺少 本校 行（每行 4 个数字）",
        "rows missing: 本校 (4 numbers each)",
        capsys=capsys,
    )


def test_value_out_of_range_is_refused_by_name(tmp_path: Path, loaded_db: Path, bundled_lines, capsys) -> None:
    path = _write_lines(
        tmp_path / "range.txt", _replace_line(bundled_lines, 1277, "本校 3518 3318 94.31% 198.82% 24.47%")
    )
    result = load(path)
    item = next(i for i in result.coverage if i.item_id == "survey_employment@1")
    problem = next(p for p in item.problems if p.code == "out_of_range")
    assert problem.line == 1277
    assert problem.zh == "employment_rate 的数值 198.82 % 超出合理范围（0–100），未读取。"
    assert _school_figures(result, "表2-15") == sorted(
        ["survey_population", "survey_respondents", "response_rate", "further_study_rate"]
    )


def test_gb18030_file_reads_like_utf8(tmp_path: Path, bundled_report: Path) -> None:
    text = bundled_report.read_text(encoding="utf-8")
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gb18030"))
    gb = load(path)
    utf8 = load(bundled_report)
    assert gb.encoding == "gb18030"
    assert gb.notes[0] == "按 GB18030 编码读取 / decoded as GB18030"
    assert gb.observations.equals(utf8.observations)


def test_utf8_with_bom_and_fullwidth_digits(tmp_path: Path, bundled_lines: list[str]) -> None:
    # Full-width digits and ％ in a row of 表2-15 still give the same numbers.
    fullwidth = "本校 ３５１８ ３３１８ ９４．３１％ ９８．８２％ ２４．４７％"
    path = tmp_path / "bom.txt"
    path.write_bytes("\n".join(_replace_line(bundled_lines, 1277, fullwidth)).encode("utf-8-sig"))
    result = load(path)
    row = result.observations.query(
        "source_table == '表2-15' and subject == '本校' and indicator_id == 'employment_rate'"
    )
    assert row["value"].tolist() == [98.82]
    assert row["source_text"].tolist() == [fullwidth]


def test_missing_file(tmp_path: Path, capsys) -> None:
    status = main(["extract", str(tmp_path / "nope.txt"), "--json"])
    assert status == 2
    assert "nope.txt" in capsys.readouterr().err
