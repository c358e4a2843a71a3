"""Observations as CSV in the tidy layout, in and out.

Belongs here: reading and writing ``indicator_id, subject, year, years_after, value, unit``
(plus optional ``source_table, source_line, source_text, school, report_year``) and recognising such
a file by its header. Each record is checked by the one row validator the template workbook uses
too (:func:`loaders.read.rows.read_row`).

Encoding: UTF-8 with or without BOM and GB18030/GBK are detected (:func:`loaders.read.text.decode_text`);
the export is UTF-8 with BOM so that Chinese Excel opens it correctly.

Formula injection: a spreadsheet opening a CSV runs any cell that starts with ``=``, ``+``,
``-`` or ``@`` (or a tab or carriage return) as a formula. The export therefore puts an
apostrophe ``'`` in front of such text cells (OWASP's advice; Excel then shows the text as it
is, with the apostrophe visible in the cell). Text that already starts with apostrophes followed
by such a character gets one more, so the import, which removes exactly one leading apostrophe
from text of the form ``'…'<trigger>…``, gives back exactly the original text. Numbers are never
prefixed (``-3.5`` stays a number).
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from loaders.contracts.errors import FormatError, LoadError, TableError, ValueParseError
from loaders.read.coverage import coverage_from_observations
from loaders.read.record import OBSERVATION_COLUMNS, LoadResult, table_from_frame
from loaders.read.rows import Fallback, check_unique, format_number, read_row, typed_observations
from loaders.read.text import decode_text

REQUIRED_COLUMNS = OBSERVATION_COLUMNS[:6]  # indicator_id … unit (loaders.contracts.fields)
PROVENANCE_COLUMNS = OBSERVATION_COLUMNS[6:9]  # source_table, source_line, source_text (not held_reason)
REPORT_COLUMNS = ["school", "report_year"]
EXPORT_COLUMNS = [*REQUIRED_COLUMNS, *PROVENANCE_COLUMNS, *REPORT_COLUMNS]
DETECT_COLUMNS = {"indicator_id", "subject", "year", "value"}

# source_table recorded for CSV rows that carry no provenance of their own (source_line is then
# the CSV line number and source_text the line itself).
CSV_SOURCE_TABLE = "CSV"

INJECTION_PREFIX = "'"
_PROTECTED_RE = re.compile(r"^'*[=+\-@\t\r]")
_NUMBER_RE = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?")


# ---------------------------------------------------------------------------- text safety


def protect_text(text: str) -> str:
    """Text safe to put in a CSV cell: an apostrophe before a leading ``= + - @`` (see module doc)."""
    return INJECTION_PREFIX + text if _PROTECTED_RE.match(text) else text


def unprotect_text(text: str) -> str:
    """Undo :func:`protect_text`."""
    return text[1:] if text.startswith(INJECTION_PREFIX) and _PROTECTED_RE.match(text) else text


# ---------------------------------------------------------------------------- CSV in


def is_tidy_csv(data: bytes, name: str) -> bool:
    """Whether the bytes are text whose first non-empty line is a tidy CSV header."""
    try:
        decoded = decode_text(data, name)
    except LoadError:
        return False
    first = next((line for line in decoded.lines if line.strip()), "")
    fields = {field.strip().strip('"').strip().lstrip("\ufeff").lower() for field in first.split(",")}
    return fields >= DETECT_COLUMNS


def read_tidy_csv(data: bytes, name: str, school: str | None, report_year: int | None) -> LoadResult:
    """Read a CSV in the tidy layout.

    Args:
        data: The file's bytes (UTF-8 with or without BOM, or GB18030).
        name: File name, for provenance and messages.
        school: School name; taken from the ``school`` column when None.
        report_year: Data year of the report; taken from the ``report_year`` column when None.

    Returns:
        The parsed report; rows without provenance get ``source_table = "CSV"``, their line
        number and the line's text.

    Raises:
        FormatError: Columns missing, no data rows, school or year unknown or not single-valued.
        TableError: Unknown indicator or survey subject, wrong field count, duplicate rows.
        ValueParseError: A number field holds something else, or a unit cannot be converted.
    """
    decoded = decode_text(data, name)
    text = data.decode("utf-8-sig" if decoded.encoding == "utf-8" else decoded.encoding).lstrip("\ufeff")
    physical = io.StringIO(text, newline="").readlines()
    reader = csv.reader(io.StringIO(text, newline=""))
    notes = []
    if decoded.encoding != "utf-8":
        notes.append(f"按 {decoded.encoding.upper()} 编码读取 / decoded as {decoded.encoding.upper()}")

    header: list[str] | None = None
    columns: dict[str, int] = {}
    rows: list[tuple[dict[str, Any], str]] = []
    file_values: dict[str, tuple[str, int]] = {}
    line_end = 0
    while True:
        line_start = line_end + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise FormatError(name, f"第 {line_start} 行", f"CSV 格式错误：{exc}。", f"malformed CSV: {exc}.") from exc
        line_end = reader.line_num
        if not any(field.strip() for field in record):
            continue
        if header is None:
            header = [field.strip().lower() for field in record]
            columns = _header_columns(header, name, line_start)
            ignored = [h for h in header if h and h not in columns]
            if ignored:
                notes.append(f"忽略的列 / columns ignored: {', '.join(ignored)}")
            continue
        raw_text = "".join(physical[line_start - 1 : line_end]).rstrip("\r\n")
        row = _read_csv_row(record, header, columns, name, line_start, raw_text, file_values)
        rows.append((row, f"第 {line_start} 行"))

    if header is None:
        raise FormatError(name, "", "文件为空，没有可读取的内容。", "the file is empty.")
    if not rows:
        raise FormatError(name, "", "只有表头，没有任何数据行。", "the file has a header but no data rows.")
    check_unique(rows, name)
    school = school or _file_value(file_values, "school", name)
    if not report_year:
        text_year = _file_value(file_values, "report_year", name)
        report_year = _csv_int(text_year, "report_year", name, f"第 {file_values['report_year'][1]} 行")
    observations = typed_observations([row for row, _ in rows])
    return LoadResult(
        school=school,
        report_year=report_year,
        table=table_from_frame(observations),
        notes=notes,
        encoding=decoded.encoding,
        coverage=coverage_from_observations(observations),
    )


def _header_columns(header: list[str], source: str, line: int) -> dict[str, int]:
    known = set(EXPORT_COLUMNS)
    columns: dict[str, int] = {}
    for index, field in enumerate(header):
        if field in known:
            if field in columns:
                raise FormatError(
                    source, f"第 {line} 行", f"列名“{field}”出现了两次。", f"column '{field}' appears twice."
                )
            columns[field] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise FormatError(
            source,
            f"第 {line} 行",
            f"表头缺少列：{', '.join(missing)}（应有 {', '.join(REQUIRED_COLUMNS)}）。",
            f"the header lacks columns: {', '.join(missing)} (required: {', '.join(REQUIRED_COLUMNS)}).",
        )
    partial = [c for c in ("source_table", "source_line") if c in columns]
    if len(partial) == 1:
        raise FormatError(
            source,
            f"第 {line} 行",
            "source_table 与 source_line 两列须同时出现。",
            "source_table and source_line must both be present or both absent.",
        )
    return columns


@dataclass(frozen=True)
class _CsvCells:
    """A CSV record as :class:`loaders.read.rows.RowCells` (every field is text; the place is the line)."""

    record: list[str]
    columns: dict[str, int]
    source: str
    line: int

    def text(self, column: str) -> str:
        if column not in self.columns:
            return ""
        value = self.record[self.columns[column]]
        return unprotect_text(value if column == "source_text" else value.strip())

    def number(self, column: str) -> tuple[float, bool]:
        return _csv_number(self.text(column), column, self.source, self.where(column))

    def integer(self, column: str) -> int:
        return _csv_int(self.text(column), column, self.source, self.where(column))

    def is_blank(self, column: str) -> bool:
        return not self.text(column)

    def where(self, column: str) -> str:
        return f"第 {self.line} 行"

    def label(self, column: str) -> str:
        return column


def _read_csv_row(
    record: list[str],
    header: list[str],
    columns: dict[str, int],
    source: str,
    line: int,
    raw_text: str,
    file_values: dict[str, tuple[str, int]],
) -> dict[str, Any]:
    where = f"第 {line} 行"
    if len(record) != len(header) and not (
        len(record) > len(header) and not any(f.strip() for f in record[len(header) :])
    ):
        raise TableError(
            source,
            where,
            f"应有 {len(header)} 个字段，实际为 {len(record)} 个。",
            f"expected {len(header)} fields, found {len(record)}.",
        )
    cells = _CsvCells(record, columns, source, line)
    for column in REPORT_COLUMNS:
        value = cells.text(column)
        if not value:
            continue
        first = file_values.setdefault(column, (value, line))
        if first[0] != value:
            raise FormatError(
                source,
                where,
                f"{column} 列应只有一个值：第 {first[1]} 行为“{first[0]}”，本行为“{value}”。",
                f"column {column} must hold one value: line {first[1]} has '{first[0]}', this line '{value}'.",
            )
    return read_row(cells, source, Fallback(CSV_SOURCE_TABLE, line, raw_text))


def _csv_number(text: str, column: str, source: str, where: str) -> tuple[float, bool]:
    body = text[:-1].rstrip() if text.endswith("%") else text
    if not body or not _NUMBER_RE.fullmatch(body) or not any(ch.isdigit() for ch in body):
        found = f"“{text}”" if text else "空"
        raise ValueParseError(
            source,
            where,
            f"{column} 应为数字，实际为{found}。",
            f"{column} must be a number, found {repr(text) if text else 'nothing'}.",
        )
    value = float(body.replace(",", ""))
    if not math.isfinite(value):
        raise ValueParseError(source, where, f"{column} 超出范围：“{text}”。", f"{column} is out of range: '{text}'.")
    return value, text.endswith("%")


def _csv_int(text: str, column: str, source: str, where: str) -> int:
    value, percent = _csv_number(text, column, source, where)
    if percent or not value.is_integer():
        raise ValueParseError(
            source, where, f"{column} 应为整数，实际为“{text}”。", f"{column} must be a whole number, found '{text}'."
        )
    return int(value)


def _file_value(values: dict[str, tuple[str, int]], column: str, source: str) -> str:
    if column in values:
        return values[column][0]
    raise FormatError(
        source,
        "",
        f"文件没有 {column} 列（或该列为空），请在导入时指定学校与报告年度。",
        f"the file has no {column} column (or it is empty); give the school and report year when importing.",
    )


# ---------------------------------------------------------------------------- CSV out


def render_csv(observations: pd.DataFrame, school: str, report_year: int) -> bytes:
    """One report's observations as CSV in the tidy layout (UTF-8 with BOM, CRLF line ends).

    Args:
        observations: Rows with :data:`OBSERVATION_COLUMNS`.
        school: School name, written in every row.
        report_year: The report's data year, written in every row.

    Returns:
        The CSV's bytes; :func:`read_tidy_csv` gives back the same observations.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in observations[OBSERVATION_COLUMNS].itertuples(index=False):
        years_after = "" if pd.isna(row.years_after) else str(int(row.years_after))
        writer.writerow(
            [
                protect_text(row.indicator_id),
                protect_text(row.subject),
                str(int(row.year)),
                years_after,
                format_number(row.value),
                protect_text(row.unit),
                protect_text(row.source_table),
                str(int(row.source_line)),
                protect_text(row.source_text),
                protect_text(school),
                str(int(report_year)),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
