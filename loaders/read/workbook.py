"""Excel workbooks in, in the template layout: recognising one, and reading it back with every check.

Belongs here: refusing what must not be opened (macros, passwords, legacy ``.xls``, damaged zips,
zip bombs, XML entities) before openpyxl parses anything, reading ``报告信息`` and the domain sheets
cell by cell, and handing each row to the one row validator (:func:`loaders.read.rows.read_row`). The
layout is :mod:`loaders.read.workbook_layout`; writing it is :mod:`loaders.read.workbook_write`. A workbook
not in the layout is read as sheets of report tables (:mod:`loaders.read.sheets`).

Safety: formulas are never evaluated (a formula cell is refused on import, naming its cell);
workbooks with macros (``.xlsm``), password-protected or legacy ``.xls`` files, damaged zips and
zip bombs (more than :data:`MAX_ZIP_MEMBERS` members or :data:`MAX_UNCOMPRESSED_BYTES` unpacked)
are refused before openpyxl parses anything; XML entity declarations are refused outright.

Numbers: Excel keeps about 16 significant digits; openpyxl writes ``%.16g``. Values with more
digits than that (none come from the report parsers) do not survive a round trip exactly.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

import openpyxl
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from loaders.contracts.errors import FormatError, TableError, ValueParseError
from loaders.read.coverage import coverage_from_observations
from loaders.read.record import LoadResult, table_from_frame
from loaders.read.rows import Fallback, check_unique, check_year, format_number, read_row, typed_observations
from loaders.read.workbook_layout import (
    COLUMN_INDEX,
    COLUMNS,
    DOMAIN_SHEETS,
    HEADERS,
    INDICATOR_SHEET,
    INFO_SHEET,
    LISTS_SHEET,
    META_CELLS,
    META_SHEET,
    SHEET_DOMAINS,
)
from loaders.read.workbook_layout import where as _where

__all__ = ["COLUMNS", "DOMAIN_SHEETS", "MAX_ZIP_MEMBERS", "OLE_MAGIC", "is_workbook", "read_workbook"]

# Limits checked before openpyxl opens a workbook (a real one of this layout is well under 1 MB).
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # total unpacked size of all zip members
MAX_ZIP_MEMBERS = 1000  # zip members
MAX_SHEET_ROWS = 100_000  # rows on one domain sheet

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


# ---------------------------------------------------------------------------- recognising


def is_workbook(data: bytes, name: str) -> bool:
    """Whether the bytes are an Excel workbook this reader should answer for.

    True for a zip with ``[Content_Types].xml`` and ``xl/workbook.xml`` (``.xlsx``, and
    ``.xlsm``, which :func:`read_workbook` then refuses), for a zip too damaged to list (so the
    message says it is damaged), and for OLE2 files (encrypted workbooks and legacy ``.xls``,
    refused with a message saying how to save them).
    """
    if data.startswith(OLE_MAGIC):
        return True
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return True
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


# ---------------------------------------------------------------------------- reading


def read_workbook(data: bytes, name: str, school: str | None, report_year: int | None) -> LoadResult:
    """Read a workbook in the template layout.

    Args:
        data: The file's bytes.
        name: File name, for provenance and messages.
        school: School name; taken from ``报告信息`` B2 when None.
        report_year: Data year; taken from ``报告信息`` B3 when None.

    Returns:
        The parsed report. Rows whose 来源表 and 来源行 are filled keep that provenance; other
        rows get the sheet name, the Excel row number and the row's cells as text.

    Raises:
        FormatError: Not a usable workbook (encrypted, legacy, damaged, macros, too large, no
            data sheet or no data rows, school or year missing).
        TableError: Wrong header, merged cell, formula, unknown or misplaced indicator, unknown
            survey subject, duplicate row.
        ValueParseError: A number cell holds text (or a date, a logical, an error value), or a
            unit cannot be converted.
    """
    _check_container(data, name)
    book = _open_workbook(data, name)
    notes: list[str] = []
    meta = _read_meta(book, name) if META_SHEET in book.sheetnames else {}
    rows: list[tuple[dict[str, Any], str]] = []
    data_sheets = 0
    for sheet in book.worksheets:
        if sheet.title in SHEET_DOMAINS:
            data_sheets += 1
            rows.extend(_read_sheet(sheet, name))
            percent = [
                cell.coordinate
                for (cell,) in sheet.iter_rows(min_row=2, min_col=COLUMN_INDEX["value"], max_col=COLUMN_INDEX["value"])
                if isinstance(cell.value, (int, float)) and "%" in (cell.number_format or "")
            ]
            if percent:
                cells = "、".join(percent[:5]) + ("…" if len(percent) > 5 else "")
                notes.append(
                    f"工作表「{sheet.title}」{cells} 为百分比格式，按显示的百分数读取（0.9836 → 98.36）/ "
                    f"sheet {sheet.title}: {len(percent)} percent-formatted cell(s) read as the percent shown"
                )
        elif sheet.title not in (INFO_SHEET, META_SHEET, INDICATOR_SHEET, LISTS_SHEET):
            notes.append(f"忽略工作表 / sheet ignored: {sheet.title}")
    if not data_sheets:  # not the template: sheets of report tables, read like a report's text
        from loaders.read.sheets import read_sheets_report

        try:
            return read_sheets_report(book, _open_workbook(data, name, data_only=True), name, school, report_year)
        except FormatError as exc:
            raise FormatError(
                name,
                exc.where,
                exc.zh + f"（工作簿既不是填报模板——应有 {'、'.join(DOMAIN_SHEETS.values())} 等工作表——"
                "也没有可识别的报告表格。可用 python -m loaders template 生成模板。）",
                exc.en + f" (The workbook is neither the template — sheets {', '.join(DOMAIN_SHEETS.values())} —"
                " nor holds a recognisable report table; python -m loaders template writes the template.)",
            ) from exc
    if not rows:
        raise FormatError(
            name,
            "",
            "工作簿中没有任何数据行（各工作表从第 2 行起填写）。",
            "the workbook has no data rows (fill from row 2).",
        )
    check_unique(rows, name)
    school = school or meta.get("school")
    report_year = report_year or meta.get("report_year")
    for key, value in (("school", school), ("report_year", report_year)):
        if not value:
            _, cell, label = META_CELLS[key]
            raise FormatError(
                name,
                _where(META_SHEET, cell),
                f"请填写{label.split()[0]}（或在导入时指定）。",
                f"fill in the {key} (or give it when importing).",
            )
    observations = typed_observations([row for row, _ in rows])
    return LoadResult(
        school=str(school),
        report_year=int(report_year),
        table=table_from_frame(observations),
        notes=notes,
        coverage=coverage_from_observations(observations),
    )


def _check_container(data: bytes, name: str) -> None:
    if data.startswith(OLE_MAGIC):
        if _ENCRYPTED_MARK in data:
            raise FormatError(
                name,
                "",
                "工作簿设有打开密码（已加密），无法读取。请在 Excel 中取消密码，另存为 .xlsx 后再导入。",
                "the workbook is password-protected (encrypted); remove the password, save as .xlsx and import that.",
            )
        raise FormatError(
            name,
            "",
            "这是旧版 Excel（.xls）或其他 OLE 格式文件，无法读取。请在 Excel 中另存为 .xlsx（不设密码）后再导入。",
            "this is a legacy .xls (or another OLE) file; save it as .xlsx without a password and import that.",
        )
    damaged = FormatError(
        name,
        "",
        "文件已损坏，不是有效的 Excel 工作簿（.xlsx）。请在 Excel 中重新保存后再导入。",
        "the file is damaged: not a valid Excel workbook (.xlsx); save it again in Excel and import that.",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename.lower() for member in members}
            if len(members) > MAX_ZIP_MEMBERS:
                raise FormatError(
                    name,
                    "",
                    f"工作簿包含 {len(members)} 个内部文件，超过上限 {MAX_ZIP_MEMBERS}，疑为恶意文件，拒绝读取。",
                    f"the workbook holds {len(members)} parts, more than the limit of {MAX_ZIP_MEMBERS}; refused.",
                )
            unpacked = sum(member.file_size for member in members)
            if unpacked > MAX_UNCOMPRESSED_BYTES:
                raise FormatError(
                    name,
                    "",
                    f"工作簿解压后为 {unpacked / 2**20:.0f} MB，超过上限 {MAX_UNCOMPRESSED_BYTES // 2**20} MB"
                    "（疑为压缩炸弹），拒绝读取。",
                    f"the workbook unpacks to {unpacked / 2**20:.0f} MB, more than the limit of "
                    f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB (a zip bomb?); refused.",
                )
            if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
                raise damaged
            content_types = archive.read("[Content_Types].xml")
            # Entity declarations (XXE, "billion laughs") are refused here, whatever XML parser
            # openpyxl ends up using: with lxml installed (python-pptx needs it) openpyxl parses
            # with lxml and defusedxml no longer stands in the way.
            for member in members:
                if member.filename.lower().endswith((".xml", ".rels", ".vml")):
                    head = archive.read(member)[:65536].lower()
                    if b"<!doctype" in head or b"<!entity" in head:
                        raise FormatError(
                            name,
                            member.filename,
                            "工作簿的 XML 中含有实体（DTD）声明，可能是 XML 实体攻击，出于安全原因拒绝读取。",
                            "the workbook's XML declares entities (a DTD), as XML entity attacks do; refused.",
                        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise damaged from exc
    if (
        "xl/vbaproject.bin" in names
        or any(n.startswith("xl/macrosheets/") for n in names)
        or b"macroenabled" in content_types.lower()
    ):
        raise FormatError(
            name,
            "",
            "工作簿含有宏（.xlsm），出于安全考虑不予读取（宏不会被运行）。请另存为不含宏的 .xlsx 后再导入。",
            "the workbook contains macros (.xlsm) and is refused for safety (no macro is run); "
            "save it as a macro-free .xlsx and import that.",
        )


def _open_workbook(data: bytes, name: str, data_only: bool = False) -> openpyxl.Workbook:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; irrelevant here
            return openpyxl.load_workbook(
                io.BytesIO(data), read_only=False, data_only=data_only, keep_vba=False, keep_links=False
            )
    except Exception as exc:  # openpyxl raises many kinds on malformed parts; all mean "damaged"
        if _is_entity_attack(exc):
            raise FormatError(
                name,
                "",
                "工作簿的 XML 中含有实体（DTD）声明，可能是 XML 实体攻击，出于安全原因拒绝读取。",
                "the workbook's XML declares entities (a DTD), as XML entity attacks do; refused for safety.",
            ) from exc
        raise FormatError(
            name,
            "",
            f"文件已损坏，无法作为 Excel 工作簿读取（{type(exc).__name__}）。请在 Excel 中重新保存后再导入。",
            f"the file is damaged and cannot be read as an Excel workbook ({type(exc).__name__}); save it again.",
        ) from exc


def _is_entity_attack(exc: BaseException) -> bool:
    """Whether defusedxml refused a DTD or entity somewhere in the exception's chain."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if type(current).__module__.startswith("defusedxml"):
            return True
        current = current.__cause__ or current.__context__
    return False


def _read_meta(book: openpyxl.Workbook, source: str) -> dict[str, Any]:
    sheet = book[META_SHEET]
    _refuse_merged(sheet, source, max_col=2)
    meta: dict[str, Any] = {}
    for key in ("school", "report_year"):
        label_ref, value_ref, label = META_CELLS[key]
        label_cell, value_cell = sheet[label_ref], sheet[value_ref]
        _refuse_formula(label_cell, sheet.title, source)
        _refuse_formula(value_cell, sheet.title, source)
        found = _normalise(label_cell.value)
        if found not in (label, label.split()[0], key):
            raise TableError(
                source,
                _where(sheet.title, label_ref),
                f"应为“{label}”，实际为“{found}”（请勿插入或删除行）。",
                f"expected '{label}', found '{found}' (do not insert or delete rows).",
            )
        if _is_blank(value_cell.value):
            continue
        if key == "school":
            meta[key] = _text(value_cell, sheet.title, source).strip()
        else:
            meta[key] = check_year(
                _integer(value_cell, sheet.title, source, label), source, _where(sheet.title, value_ref)
            )
    return meta


def _read_sheet(sheet: Worksheet, source: str) -> list[tuple[dict[str, Any], str]]:
    title = sheet.title
    if sheet.max_row > MAX_SHEET_ROWS:
        raise FormatError(
            source,
            _where(title, f"A{sheet.max_row}"),
            f"工作表有 {sheet.max_row} 行，超过上限 {MAX_SHEET_ROWS} 行。",
            f"the sheet has {sheet.max_row} rows, more than the limit of {MAX_SHEET_ROWS}.",
        )
    _refuse_merged(sheet, source, max_col=len(COLUMNS))
    for column in COLUMNS:
        cell = sheet.cell(row=1, column=COLUMN_INDEX[column.key])
        _refuse_formula(cell, title, source)
        found = _normalise(cell.value)
        if found not in (column.header, column.header_zh, column.key):
            raise TableError(
                source,
                _where(title, cell.coordinate),
                f"表头应为“{column.header}”，实际为“{found}”。请使用模板中的表头，不要增删或移动列。",
                f"the header must be '{column.header}', found '{found}'; keep the template's columns.",
            )
    out = []
    for cells in sheet.iter_rows(min_row=2, max_row=sheet.max_row, max_col=len(COLUMNS)):
        if all(_is_blank(cell.value) for cell in cells):
            continue
        for cell in cells:
            _refuse_formula(cell, title, source)
        out.append(_read_row(dict(zip((c.key for c in COLUMNS), cells, strict=True)), title, source))
    return out


@dataclass(frozen=True)
class _SheetCells:
    """A domain-sheet row as :class:`loaders.read.rows.RowCells`: typed cells, each named by its coordinate."""

    cells: dict[str, Cell]
    sheet: str
    source: str

    def text(self, column: str) -> str:
        text = _text(self.cells[column], self.sheet, self.source)
        return text if column == "source_text" else text.strip()

    def number(self, column: str) -> tuple[float, bool]:
        cell = self.cells[column]
        value = _number(cell, self.sheet, self.source, HEADERS[column])
        if "%" in (cell.number_format or ""):
            return round(value * 100, 10), True  # 0.9836 shown as 98.36% → 98.36
        return value, False

    def integer(self, column: str) -> int:
        return _integer(self.cells[column], self.sheet, self.source, HEADERS[column])

    def is_blank(self, column: str) -> bool:
        return _is_blank(self.cells[column].value)

    def where(self, column: str) -> str:
        return _where(self.sheet, self.cells[column].coordinate)

    def label(self, column: str) -> str:
        return HEADERS[column]


def _read_row(cells: dict[str, Cell], sheet: str, source: str) -> tuple[dict[str, Any], str]:
    row_number = cells["indicator_id"].row
    shown = [_render(cells[c.key].value) for c in COLUMNS[:7]]
    fallback = Fallback(sheet, row_number, " | ".join(text for text in shown if text))
    observation = read_row(_SheetCells(cells, sheet, source), source, fallback, sheet_of=DOMAIN_SHEETS, sheet=sheet)
    return observation, _where(sheet, f"A{row_number}")


def _refuse_merged(sheet: Worksheet, source: str, max_col: int) -> None:
    merged = sorted(
        (r for r in sheet.merged_cells.ranges if r.min_col <= max_col), key=lambda r: (r.min_row, r.min_col)
    )
    if merged:
        coord = merged[0].coord
        raise TableError(
            source,
            _where(sheet.title, coord),
            f"{coord} 是合并单元格；每个数值须单独占一个单元格，请取消合并并逐格填写。",
            f"{coord} is a merged cell; every value needs a cell of its own: unmerge and fill each cell.",
        )


def _refuse_formula(cell: Cell | MergedCell, sheet: str, source: str) -> None:
    if cell.data_type == "f":
        formula = str(getattr(cell.value, "text", cell.value))
        raise TableError(
            source,
            _where(sheet, cell.coordinate),
            f"单元格含公式“{formula}”。导入时不计算公式，请改为数值（复制后“选择性粘贴 → 数值”）。",
            f"the cell holds a formula ('{formula}'); formulas are never evaluated: paste the value instead.",
        )
    if cell.data_type == "e":
        raise ValueParseError(
            source,
            _where(sheet, cell.coordinate),
            f"单元格为错误值“{cell.value}”，请填写数值。",
            f"the cell holds the error value '{cell.value}'; fill in a value.",
        )


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _normalise(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _render(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, (int, float)):
        return format_number(value)
    return str(value).strip()


def _text(cell: Cell, sheet: str, source: str) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    raise ValueParseError(
        source,
        _where(sheet, cell.coordinate),
        f"应为文字，实际为{_kind_zh(value)}“{value}”。",
        f"expected text, found {_kind_en(value)} '{value}'.",
    )


def _number(cell: Cell, sheet: str, source: str, label: str) -> float:
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if _is_blank(value):
        raise ValueParseError(source, _where(sheet, cell.coordinate), f"{label} 不能为空。", f"{label} is empty.")
    raise ValueParseError(
        source,
        _where(sheet, cell.coordinate),
        f"{label} 应为数字，实际为{_kind_zh(value)}“{value}”（只填数字，不带单位或 %）。",
        f"{label} must be a number, found {_kind_en(value)} '{value}' (numbers only, no unit or %).",
    )


def _integer(cell: Cell, sheet: str, source: str, label: str) -> int:
    value = _number(cell, sheet, source, label)
    if not value.is_integer():
        raise ValueParseError(
            source,
            _where(sheet, cell.coordinate),
            f"{label} 应为整数，实际为 {format_number(value)}。",
            f"{label} must be a whole number, found {format_number(value)}.",
        )
    return int(value)


def _kind_zh(value: object) -> str:
    if isinstance(value, bool):
        return "逻辑值"
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return "日期/时间"
    return "文本"


def _kind_en(value: object) -> str:
    if isinstance(value, bool):
        return "a logical value"
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return "a date/time"
    return "text"
