"""Excel workbooks in the report layout: the blank template, import of a filled workbook, export.

Belongs here: the workbook layout (:data:`DOMAIN_SHEETS`, :data:`COLUMNS`), writing it (empty as
a template, or filled with one report's observations), and reading it back with every check a
hand-filled workbook needs. The per-row checks shared with CSV live in :mod:`loaders.tidy_csv`.

Layout:

- ``说明``: what to fill, units, years and ``years_after``, that formulas are not evaluated.
- ``报告信息``: school name in B2, report (data) year in B3; B4 the original file on export.
- One sheet per registry domain (``毕业生调查``, ``招生``, …, ``经费``), header in row 1
  (:data:`COLUMNS`), one observation per row from row 2; a list validation offers the
  domain's indicator ids (kept on the hidden sheet ``_lists``), and on ``毕业生调查`` the four
  survey subjects.
- ``指标一览``: every indicator with its Chinese and English name, unit and sheet.

Safety: formulas are never evaluated (a formula cell is refused on import, naming its cell);
workbooks with macros (``.xlsm``), password-protected or legacy ``.xls`` files, damaged zips and
zip bombs (more than :data:`MAX_ZIP_MEMBERS` members or :data:`MAX_UNCOMPRESSED_BYTES` unpacked)
and parts that declare a DTD or entities (XML entity attacks) are refused before openpyxl parses
anything, whichever XML parser openpyxl uses (lxml when installed, else defusedxml, which refuses
them too).
On export every text cell is written as a string cell (never a formula, even when it starts
with ``=``), with Excel's quote prefix on text starting with ``= + - @``.

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

import duckdb
import openpyxl
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from loaders.coverage import coverage_from_observations
from loaders.errors import FormatError, TableError, ValueParseError
from loaders.registry import read_registry
from loaders.report import OBSERVATION_COLUMNS, OBSERVATION_DTYPES, ParsedReport, load_spec
from loaders.tidy_csv import (
    IndicatorInfo,
    canonical_subject,
    check_indicator,
    check_unique,
    check_year,
    format_number,
    indicator_info,
    to_registry_unit,
    typed_observations,
)

DOMAIN_SHEETS: dict[str, str] = {
    "graduate_survey": "毕业生调查",
    "enrollment": "招生",
    "student_development": "学生发展",
    "programs": "专业与课程",
    "faculty": "师资",
    "conditions": "办学条件",
    "research_service": "科研与社会服务",
    "international": "国际交流",
    "finance": "经费",
}
SHEET_DOMAINS = {sheet: domain for domain, sheet in DOMAIN_SHEETS.items()}
INFO_SHEET = "说明"
META_SHEET = "报告信息"
INDICATOR_SHEET = "指标一览"
LISTS_SHEET = "_lists"
SURVEY_DOMAIN = "graduate_survey"


@dataclass(frozen=True)
class Column:
    """One column of a domain sheet: the observation field, its header and its width."""

    key: str
    header_zh: str
    width: float

    @property
    def header(self) -> str:
        """The header cell's text, e.g. ``数值 value``."""
        return f"{self.header_zh} {self.key}"


COLUMNS: tuple[Column, ...] = (
    Column("indicator_id", "指标代码", 30),
    Column("name", "指标名称", 28),
    Column("subject", "对象", 22),
    Column("year", "年份", 10),
    Column("years_after", "毕业后年数", 20),
    Column("value", "数值", 14),
    Column("unit", "单位", 10),
    Column("source_table", "来源表", 18),
    Column("source_line", "来源行", 16),
    Column("source_text", "原文", 60),
)
COLUMN_INDEX = {column.key: index for index, column in enumerate(COLUMNS, start=1)}
HEADERS = {column.key: column.header for column in COLUMNS}
# Cells of 报告信息: (label cell, value cell, label).
META_CELLS = {
    "school": ("A2", "B2", "学校名称 school"),
    "report_year": ("A3", "B3", "报告年度 report_year"),
    "source_file": ("A4", "B4", "原始文件 source_file"),
}

# Limits checked before openpyxl opens a workbook (a real one of this layout is well under 1 MB).
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # total unpacked size of all zip members
MAX_ZIP_MEMBERS = 1000  # zip members
MAX_SHEET_ROWS = 100_000  # rows on one domain sheet
EXCEL_MAX_ROW = 1_048_576

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


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


def read_workbook(data: bytes, name: str, school: str | None, report_year: int | None) -> ParsedReport:
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
            rows.extend(_read_sheet(sheet, SHEET_DOMAINS[sheet.title], name))
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
        from loaders.sheets import read_sheets_report

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
    return ParsedReport(
        school=str(school),
        report_year=int(report_year),
        observations=observations,
        notes=notes,
        coverage=coverage_from_observations(observations),
    )


def _where(sheet: str, cell: str) -> str:
    return f"工作表「{sheet}」{cell} 单元格 (sheet {sheet}, {cell})"


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
            if any(_declares_entities(archive, member) for member in members):
                raise _entity_refusal(name)
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


#: A DTD or an entity declaration, as a workbook part may encode it (Office writes UTF-8; XML allows UTF-16).
_DTD_MARKS = tuple(
    mark.encode(encoding) for mark in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_SCAN_CHUNK = 1 << 20


def _declares_entities(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether a part of the workbook declares a DTD or an entity (no Office file does; attacks do).

    Checked here, on the bytes, rather than left to the XML parser: openpyxl parses with lxml when
    lxml is installed (python-pptx brings it) and with defusedxml otherwise, and only defusedxml
    refuses a DTD (lxml merely leaves entities unresolved). Every part is read in 1 MB chunks; the
    total was bounded by :data:`MAX_UNCOMPRESSED_BYTES` before.
    """
    if member.is_dir():
        return False
    overlap = max(len(mark) for mark in _DTD_MARKS) - 1
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_SCAN_CHUNK):
            window = tail + chunk
            if any(mark in window for mark in _DTD_MARKS):
                return True
            tail = window[-overlap:]
    return False


def _entity_refusal(name: str) -> FormatError:
    return FormatError(
        name,
        "",
        "工作簿的 XML 中含有实体（DTD）声明，可能是 XML 实体攻击，出于安全原因拒绝读取。",
        "the workbook's XML declares entities (a DTD), as XML entity attacks do; refused for safety.",
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
            raise _entity_refusal(name) from exc
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


def _read_sheet(sheet: Worksheet, domain: str, source: str) -> list[tuple[dict[str, Any], str]]:
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
        out.append(_read_row(dict(zip((c.key for c in COLUMNS), cells, strict=True)), title, domain, source))
    return out


def _read_row(cells: dict[str, Cell], sheet: str, domain: str, source: str) -> tuple[dict[str, Any], str]:
    def where(key: str) -> str:
        return _where(sheet, cells[key].coordinate)

    indicator = _text(cells["indicator_id"], sheet, source).strip()
    info = check_indicator(indicator, source, where("indicator_id"))
    if info.domain != domain:
        raise TableError(
            source,
            where("indicator_id"),
            f"指标 {indicator}（{info.name_zh}）应填在工作表「{DOMAIN_SHEETS[info.domain]}」中，不在「{sheet}」。",
            f"indicator {indicator} belongs on sheet {DOMAIN_SHEETS[info.domain]}, not {sheet}.",
        )
    subject = canonical_subject(_text(cells["subject"], sheet, source).strip(), info, source, where("subject"))
    year = check_year(_integer(cells["year"], sheet, source, HEADERS["year"]), source, where("year"))
    years_after = None
    if not _is_blank(cells["years_after"].value):
        years_after = _integer(cells["years_after"], sheet, source, HEADERS["years_after"])
        if years_after < 0:
            raise ValueParseError(
                source,
                where("years_after"),
                f"毕业后年数不能为负数，实际为 {years_after}。",
                f"years_after must not be negative, found {years_after}.",
            )
    value = _number(cells["value"], sheet, source, HEADERS["value"])
    if "%" in (cells["value"].number_format or ""):
        value = _shown_percent(cells["value"], value, info, indicator, sheet, source)
    unit = _text(cells["unit"], sheet, source).strip()
    value, unit = to_registry_unit(indicator, value, unit, info, source, where("unit"))

    table = _text(cells["source_table"], sheet, source).strip()
    has_line = not _is_blank(cells["source_line"].value)
    if bool(table) != has_line:
        missing = "source_line" if table else "source_table"
        raise TableError(
            source,
            where(missing),
            "来源表与来源行须同时填写或同时留空。",
            "source_table and source_line must both be filled or both be empty.",
        )
    row_number = cells["indicator_id"].row
    if table:
        source_line = _integer(cells["source_line"], sheet, source, HEADERS["source_line"])
        if source_line < 1:
            raise ValueParseError(
                source,
                where("source_line"),
                f"来源行应为正整数，实际为 {source_line}。",
                f"source_line must be ≥ 1: {source_line}.",
            )
        source_text = _text(cells["source_text"], sheet, source)
    else:
        table, source_line = sheet, row_number
        shown = [_render(cells[c.key].value) for c in COLUMNS[:7]]
        source_text = " | ".join(text for text in shown if text)
    observation = {
        "indicator_id": indicator,
        "subject": subject,
        "year": year,
        "years_after": years_after,
        "value": value,
        "unit": unit,
        "source_table": table,
        "source_line": source_line,
        "source_text": source_text,
    }
    return observation, _where(sheet, f"A{row_number}")


def _shown_percent(cell: Cell, value: float, info: IndicatorInfo, indicator: str, sheet: str, source: str) -> float:
    """A percent-formatted cell read as the percent Excel shows (0.9836 shown as 98.36% → 98.36).

    Raises:
        ValueParseError: The indicator is not a percentage (a count or an amount in a percent cell).
    """
    if info.unit not in ("%", "分"):
        raise ValueParseError(
            source,
            _where(sheet, cell.coordinate),
            f"单元格为百分比格式，但 {indicator}（{info.name_zh}）的单位是 {info.unit}，"
            "不是百分比；请改为常规数字格式。",
            f"the cell has a percent format, but {indicator} is in {info.unit}, not a percentage; use a plain number.",
        )
    return round(value * 100, 10)


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


# ---------------------------------------------------------------------------- writing

_INSTRUCTIONS = [
    "高职质量年度报告数据填报模板 / Quality-report data workbook",
    "",
    "用途：为另一所学校或另一年度填写质量年度报告中的数据，导入后即可与其他报告比较。",
    "Purpose: fill in a quality report's figures for another school or year; once imported they are compared "
    "with the other reports.",
    "",
    "1. 在「报告信息」中填写学校名称（B2）和报告年度（B3，数据年度，如 2020）。",
    "   Fill in the school's name (B2) and the report's data year (B3, e.g. 2020) on 报告信息.",
    "2. 每个领域一个工作表（毕业生调查、招生、学生发展、专业与课程、师资、办学条件、科研与社会服务、国际交流、经费），"
    "从第 2 行起每行填一个数值。",
    "   One sheet per domain; one figure per row from row 2.",
    "3. 各列 / Columns:",
    "   指标代码 indicator_id：从下拉列表选择本工作表的指标；全部指标的名称、单位和所属工作表见「指标一览」。",
    "      Pick one of the sheet's indicators from the list; 指标一览 lists every indicator with its unit and sheet.",
    "   指标名称：仅供阅读，导入时不读取。 For reading only; ignored on import.",
    "   对象 subject：数值所指的对象，如 本校、专业名称、合计；「毕业生调查」只能填 全省/本科/高职/本校。",
    "      What the figure is about (本校, a programme, 合计 …); on 毕业生调查 one of 全省/本科/高职/本校.",
    "   年份 year：数值所属年份；毕业生调查填毕业届别（2019 届填 2019）。",
    "      The year the figure is for; for graduate surveys the cohort (2019 for the class of 2019).",
    "   毕业后年数 years_after：毕业生调查中毕业一年后填 1、三年后填 3，毕业当年（就业去向）填 0；其他指标留空。",
    "      Graduate surveys: 1 for one year after graduation, 3 for three years, 0 at graduation; blank otherwise.",
    "   数值 value：只填数字（数值格式），不带单位、% 或文字；百分比填 94.31，不填 0.9431 或“94.31%”。",
    "      Numbers only, no unit, % sign or words; a percentage as 94.31, not 0.9431 or '94.31%'.",
    "   单位 unit：留空即按「指标一览」中的单位；填了其他单位（如 元 而非 万元）则按 data/specs/units.csv 换算，"
    "无法换算时报错。",
    "      Blank means the indicator's unit (see 指标一览); another unit is converted by data/specs/units.csv, "
    "or refused when no factor is known.",
    "   来源表 / 来源行 / 原文 source_table / source_line / source_text：数据出处（如 表2-15、第 1277 行及该行原文）；"
    "两者须同时填写或同时留空，留空时导入记为本工作表、本行及该行内容。",
    "      Where the figure comes from; fill both table and line or neither — when blank, the import records this "
    "sheet, this row and the row's cells.",
    "4. 不计算公式：含公式的单元格会被拒绝，请粘贴数值（选择性粘贴 → 数值）。",
    "   Formulas are never evaluated: a cell holding a formula is refused; paste values instead.",
    "5. 不要合并单元格，不要修改表头或插入列；带宏（.xlsm）或设有打开密码的工作簿不予读取。",
    "   Do not merge cells or change the headers; workbooks with macros (.xlsm) or a password are refused.",
    "6. 以 = + - @ 开头的文字按文本保存和读取，不会被当作公式。",
    "   Text starting with = + - @ is kept as text and never run as a formula.",
    "7. 导入：python -m loaders ingest 文件.xlsx；"
    "导出已导入的报告：python -m loaders export --report 学校-年度 文件.xlsx。",
    "   Import: python -m loaders ingest FILE.xlsx; "
    "export a loaded report: python -m loaders export --report ID FILE.xlsx.",
    "",
    "示例 / Examples (指标代码 | 指标名称 | 对象 | 年份 | 毕业后年数 | 数值 | 单位):",
    "   毕业生调查: employment_rate | 就业率 | 本校 | 2019 | 1 | 98.82 | %",
    "   师资: fulltime_teachers | 专任教师总数 | 本校 | 2020 | (空 blank) | 533 | 人",
    "   经费: income_total | 学校收入总计 | 本校 | 2020 | (空 blank) | 39876.92 | 万元",
]


def render_workbook(
    observations: pd.DataFrame,
    school: str | None = None,
    report_year: int | None = None,
    source_file: str | None = None,
) -> bytes:
    """The workbook layout, filled with one report's observations (empty for the template).

    Args:
        observations: Rows with :data:`loaders.report.OBSERVATION_COLUMNS` (may be empty).
        school: School name for ``报告信息`` B2.
        report_year: Data year for ``报告信息`` B3.
        source_file: The file the observations came from, for ``报告信息`` B4.

    Returns:
        The ``.xlsx`` bytes; :func:`read_workbook` gives back the same observations.

    Raises:
        ValueError: An observation's indicator is not in the registry.
    """
    info = indicator_info()
    unknown = sorted(set(observations["indicator_id"]) - set(info))
    if unknown:
        raise ValueError(f"indicators not in the registry: {', '.join(unknown)}")
    book = openpyxl.Workbook()
    _write_instructions(book.active)
    _write_meta(book.create_sheet(META_SHEET), school, report_year, source_file)
    domains = observations["indicator_id"].map(lambda indicator: info[indicator].domain)
    list_refs = _list_ranges(info)
    for domain, title in DOMAIN_SHEETS.items():
        sheet = book.create_sheet(title)
        _write_data_sheet(sheet, domain, observations[domains == domain], info, list_refs)
    _write_indicator_sheet(book.create_sheet(INDICATOR_SHEET))
    _write_lists(book.create_sheet(LISTS_SHEET), info)
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_bytes() -> bytes:
    """The blank template: the layout with no data rows."""
    return render_workbook(pd.DataFrame(columns=OBSERVATION_COLUMNS))


def _set_text(cell: Cell, text: str) -> None:
    """Write text as a string cell, never a formula or an error value."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    cell.data_type = "s"
    if text.startswith(_FORMULA_PREFIXES):
        cell.quotePrefix = True


def _write_instructions(sheet: Worksheet) -> None:
    sheet.title = INFO_SHEET
    sheet.column_dimensions["A"].width = 130
    for row, line in enumerate(_INSTRUCTIONS, start=1):
        cell = sheet.cell(row=row, column=1)
        _set_text(cell, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)


def _write_meta(sheet: Worksheet, school: str | None, report_year: int | None, source_file: str | None) -> None:
    _set_text(sheet["A1"], "报告信息 / Report information")
    sheet["A1"].font = Font(bold=True, size=14)
    values = {"school": school, "report_year": report_year, "source_file": source_file}
    for key, (label_ref, value_ref, label) in META_CELLS.items():
        _set_text(sheet[label_ref], label)
        sheet[label_ref].font = _HEADER_FONT
        value = values[key]
        if isinstance(value, int):
            sheet[value_ref] = value
        elif value:
            _set_text(sheet[value_ref], value)
    _set_text(sheet["A6"], "B2、B3 必填；B4 仅在导出时记录原始文件，导入时不读取。")
    _set_text(sheet["A7"], "B2 and B3 are required; B4 records the original file on export and is ignored on import.")
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 50
    year = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100", allow_blank=True)
    year.error = "请填写 4 位年份 / a 4-digit year"
    year.showErrorMessage = True
    sheet.add_data_validation(year)
    year.add("B3")


def _list_ranges(info: dict[str, IndicatorInfo]) -> dict[str, str]:
    """``domain → range on _lists`` of its indicator ids, plus ``"subject"`` for survey subjects."""
    refs = {}
    for index, domain in enumerate(DOMAIN_SHEETS, start=1):
        count = sum(1 for item in info.values() if item.domain == domain)
        letter = get_column_letter(index)
        refs[domain] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${max(count, 1) + 1}"
    letter = get_column_letter(len(DOMAIN_SHEETS) + 1)
    refs["subject"] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(load_spec().survey_subjects) + 1}"
    return refs


def _write_lists(sheet: Worksheet, info: dict[str, IndicatorInfo]) -> None:
    for index, domain in enumerate(DOMAIN_SHEETS, start=1):
        _set_text(sheet.cell(row=1, column=index), domain)
        ids = [indicator for indicator, item in info.items() if item.domain == domain]
        for row, indicator in enumerate(ids, start=2):
            _set_text(sheet.cell(row=row, column=index), indicator)
    column = len(DOMAIN_SHEETS) + 1
    _set_text(sheet.cell(row=1, column=column), "survey_subject")
    for row, subject in enumerate(load_spec().survey_subjects, start=2):
        _set_text(sheet.cell(row=row, column=column), subject)
    sheet.sheet_state = "hidden"


def _validation(kind: str, column: str, error: str, **kwargs: Any) -> DataValidation:
    validation = DataValidation(type=kind, allow_blank=True, showErrorMessage=True, **kwargs)
    validation.error = error
    validation.errorTitle = "输入无效 / invalid entry"
    validation.add(f"{column}2:{column}{EXCEL_MAX_ROW}")
    return validation


def _write_data_sheet(
    sheet: Worksheet, domain: str, rows: pd.DataFrame, info: dict[str, IndicatorInfo], list_refs: dict[str, str]
) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        _set_text(cell, column.header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    letter = {column.key: get_column_letter(index) for index, column in enumerate(COLUMNS, start=1)}
    validations = [
        _validation(
            "list",
            letter["indicator_id"],
            "请从下拉列表选择本工作表的指标代码（全部指标见「指标一览」）/ pick one of this sheet's indicators.",
            formula1=list_refs[domain],
        ),
        _validation(
            "whole",
            letter["year"],
            "年份为 1990–2100 的整数 / a year",
            operator="between",
            formula1="1990",
            formula2="2100",
        ),
        _validation(
            "whole",
            letter["years_after"],
            "毕业后年数为 0 或正整数 / 0 or more",
            operator="greaterThanOrEqual",
            formula1="0",
        ),
        _validation(
            "decimal",
            letter["value"],
            "只填数字 / numbers only",
            operator="between",
            formula1="-1E+307",
            formula2="1E+307",
        ),
        _validation(
            "whole",
            letter["source_line"],
            "来源行为正整数 / a line number",
            operator="greaterThanOrEqual",
            formula1="1",
        ),
    ]
    if domain == SURVEY_DOMAIN:
        subjects = load_spec().survey_subjects
        validations.append(
            _validation(
                "list",
                letter["subject"],
                f"毕业生调查的对象为 {'/'.join(subjects)} 之一 / one of {'/'.join(subjects)}",
                formula1=list_refs["subject"],
            )
        )
    for validation in validations:
        sheet.add_data_validation(validation)
    for row_number, row in enumerate(rows.itertuples(index=False), start=2):
        _write_row(sheet, row_number, row, info)


def _write_row(sheet: Worksheet, row_number: int, row: Any, info: dict[str, IndicatorInfo]) -> None:
    def cell(key: str) -> Cell:
        return sheet.cell(row=row_number, column=COLUMN_INDEX[key])

    _set_text(cell("indicator_id"), row.indicator_id)
    _set_text(cell("name"), info[row.indicator_id].name_zh)
    _set_text(cell("subject"), row.subject)
    cell("year").value = int(row.year)
    if not pd.isna(row.years_after):
        cell("years_after").value = int(row.years_after)
    cell("value").value = float(row.value)
    _set_text(cell("unit"), row.unit)
    _set_text(cell("source_table"), row.source_table)
    cell("source_line").value = int(row.source_line)
    if row.source_text:
        _set_text(cell("source_text"), row.source_text)


def _write_indicator_sheet(sheet: Worksheet) -> None:
    headers = [
        ("指标代码 indicator_id", 30),
        ("中文名称 name_zh", 30),
        ("英文名称 name_en", 40),
        ("单位 unit", 10),
        ("工作表 sheet", 16),
        ("方向 direction", 14),
        ("定义 definition", 70),
    ]
    for index, (header, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        _set_text(cell, header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    registry = read_registry()
    order = {domain: index for index, domain in enumerate(DOMAIN_SHEETS)}
    registry = registry.assign(_order=registry["domain"].map(order)).sort_values("_order", kind="stable")
    for row_number, row in enumerate(registry.itertuples(index=False), start=2):
        values = [
            row.indicator_id,
            row.name_zh,
            row.name_en,
            row.unit,
            DOMAIN_SHEETS.get(row.domain, row.domain),
            row.direction,
            row.definition,
        ]
        for index, value in enumerate(values, start=1):
            _set_text(sheet.cell(row=row_number, column=index), value)


# ---------------------------------------------------------------------------- the store


def stored_report(con: duckdb.DuckDBPyConnection, report_id: str) -> tuple[ParsedReport, str]:
    """One report as stored, ready to export.

    Args:
        con: A connection (or cursor) to the store.
        report_id: ``<school>-<report_year>``.

    Returns:
        The report (observations with :data:`OBSERVATION_COLUMNS` and the loaders' dtypes) and
        the name of the file it was loaded from.

    Raises:
        LookupError: No such report; the message lists the reports there are.
    """
    found = con.execute(
        "SELECT school, report_year, source_file FROM reports WHERE report_id = ?", [report_id]
    ).fetchall()
    if not found:
        known = [row[0] for row in con.execute("SELECT report_id FROM reports ORDER BY report_id").fetchall()]
        raise LookupError(
            f"数据库中没有报告“{report_id}”；现有：{'、'.join(known) or '（无）'}\n"
            f"no report '{report_id}' in the store; there are: {', '.join(known) or '(none)'}"
        )
    school, report_year, source_file = found[0]
    frame = con.execute(
        f"SELECT {', '.join(OBSERVATION_COLUMNS)} FROM observations WHERE report_id = ?"
        " ORDER BY source_line, indicator_id, subject",
        [report_id],
    ).df()
    return ParsedReport(school, int(report_year), frame[OBSERVATION_COLUMNS].astype(OBSERVATION_DTYPES)), source_file
