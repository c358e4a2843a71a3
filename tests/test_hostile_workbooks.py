"""Hostile workbooks shaped like the real template, each refused for the reason it was made for.

A hostile file that is not shaped like the template (no data sheet, not a zip) is refused early
for an unrelated reason and proves nothing about the check it was made for. Every attack here
starts from the bundled report exported in the template's layout — which loads, 802 figures —
changes one thing, and must be refused by the check for that thing: through ``load``, the
command line (store unchanged) and the dashboard's upload path (the child process).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from loaders.contracts.errors import FormatError, TableError
from loaders.read.load import load, load_bytes
from loaders.read.workbook import MAX_ZIP_MEMBERS
from loaders.read.workbook_write import render_workbook
from loaders.store.isolate import load_bytes_isolated
from tests.helpers import assert_rejected

DATA_SHEET = "xl/worksheets/sheet3.xml"  # 毕业生调查, the first data sheet
UNRELATED = ("没有找到任何数据工作表", "二进制", "binary", "文件已损坏", "damaged")


@pytest.fixture(scope="module")
def template_workbook(bundled_report: Path) -> bytes:
    result = load(bundled_report)
    return render_workbook(result.observations, result.school, result.report_year, bundled_report.name)


def _rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, (replace or {}).get(member.filename, source.read(member)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def _part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def _cell(sheet: str, cell: str, value: str) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        book = openpyxl.load_workbook(io.BytesIO(data))
        book[sheet][cell] = value
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    return change


def _doctype(part: str, doctype: bytes) -> Callable[[bytes], bytes]:
    return lambda data: _rezip(data, replace={part: doctype + _part(data, part)})


def _bomb(data: bytes) -> bytes:
    sheet = _part(data, DATA_SHEET)
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (150 * 2**20), 1)  # still well-formed XML
    return _rezip(data, replace={DATA_SHEET: padded})


ATTACKS = [
    pytest.param(_cell("毕业生调查", "F2", "=1+1"), TableError, "单元格含公式", id="formula-in-a-data-cell"),
    pytest.param(_cell("报告信息", "B2", '=HYPERLINK("http://x")'), TableError, "单元格含公式", id="formula-in-meta"),
    pytest.param(
        _doctype(DATA_SHEET, b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'),
        FormatError,
        "XML 中含有实体（DTD）声明",
        id="xxe-in-a-data-sheet",
    ),
    pytest.param(
        _doctype("[Content_Types].xml", b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'),
        FormatError,
        "XML 中含有实体（DTD）声明",
        id="billion-laughs-in-content-types",
    ),
    pytest.param(_bomb, FormatError, "疑为压缩炸弹", id="zip-bomb-in-a-data-sheet"),
    pytest.param(
        lambda data: _rezip(data, add={f"xl/media/p{i}.bin": b"" for i in range(MAX_ZIP_MEMBERS)}),
        FormatError,
        f"超过上限 {MAX_ZIP_MEMBERS}",
        id="too-many-parts",
    ),
    pytest.param(
        lambda data: _rezip(data, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(600)}),
        FormatError,
        "含有宏",
        id="macros",
    ),
]


@pytest.mark.parametrize(("attack", "error", "reason"), ATTACKS)
def test_a_hostile_workbook_is_refused_by_the_check_made_for_it(
    attack, error, reason: str, template_workbook: bytes, tmp_path: Path, loaded_db: Path, capsys
) -> None:
    assert len(load_bytes(template_workbook, "模板.xlsx").observations) == 802  # the shape is the real one
    data = attack(template_workbook)
    path = tmp_path / "恶意.xlsx"
    path.write_bytes(data)
    with pytest.raises(error) as raised:
        load(path)
    assert reason in raised.value.message
    assert not [word for word in UNRELATED if word in raised.value.message]  # not refused for another reason
    assert_rejected(path, loaded_db, error, reason, capsys=capsys)  # the command line; the store is unchanged
    with pytest.raises(error) as uploaded:  # the dashboard's upload path says the same
        load_bytes_isolated(data, "恶意.xlsx")
    assert uploaded.value.message == raised.value.message
