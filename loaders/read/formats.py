"""The registry of source formats: how each is recognised from its bytes and how it is read.

Each entry is ``(name, matches, read)``: ``matches(data, name) -> bool`` looks at the content
(never only at the file extension), ``read(data, name, school, report_year) -> LoadResult``
returns tidy observations. :func:`loaders.load_bytes` tries the entries in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loaders.read.pdf import is_pdf, read_pdf_report
from loaders.read.record import LoadResult
from loaders.read.report import parse_report_lines
from loaders.read.text import decode_text
from loaders.read.tidy_csv import is_tidy_csv, read_tidy_csv
from loaders.read.workbook import is_workbook, read_workbook

Matcher = Callable[[bytes, str], bool]
Reader = Callable[[bytes, str, "str | None", "int | None"], LoadResult]


@dataclass(frozen=True)
class Format:
    """One source format.

    Attributes:
        name: Short name stored with the report (``text``, ``pdf``, ``xlsx``, ``csv``).
        matches: Whether bytes are in this format.
        read: Parse the bytes into a :class:`loaders.read.record.LoadResult`.
    """

    name: str
    matches: Matcher
    read: Reader


def _is_text(data: bytes, name: str) -> bool:
    return True  # the fallback: decode_text rejects binary and empty files with a clear message


def read_text_report(data: bytes, name: str, school: str | None, report_year: int | None) -> LoadResult:
    """Read a quality report in plain text (UTF-8 with or without BOM, or GB18030).

    Text whose lines are comma-separated cells (a report table saved as CSV from Excel or WPS, not
    the tidy layout) is read cell by cell: each row becomes its cells separated by spaces, so a
    quoted ``"1,085"`` stays one number. Provenance keeps the file's own lines.
    """
    decoded = decode_text(data, name)
    lines = decoded.lines
    cells = table_csv_lines(lines)
    parsed = parse_report_lines(cells if cells is not None else lines, name, school=school, report_year=report_year)
    if cells is not None:  # the figures' source_text is the CSV row as written in the file
        parsed.lines = list(lines)
        # the figures' source_text is the CSV row as written in the file
        parsed.with_source_texts([lines[n - 1].strip() for n in parsed.table["source_line"].to_pylist()])
        parsed.notes.insert(0, "按逗号分隔的表格读取 / read as comma-separated table cells")
    parsed.encoding = decoded.encoding
    if decoded.encoding != "utf-8":
        parsed.notes.insert(0, f"按 {decoded.encoding.upper()} 编码读取 / decoded as {decoded.encoding.upper()}")
    return parsed


def table_csv_lines(lines: list[str]) -> list[str] | None:
    """The lines as space-separated cells when most of them are comma-separated rows; else None.

    A Chinese text report uses full-width commas (，) in its sentences, so ASCII commas between
    cells on most lines mark a CSV table. Line numbers are kept (one output line per input line;
    a quoted cell running over lines is rare in such tables and ends the attempt).
    """
    import csv

    filled = [line for line in lines if line.strip()]
    if len(filled) < 2 or sum(1 for line in filled if line.count(",") >= 1) < 0.6 * len(filled):
        return None
    out = []
    for line in lines:
        try:
            row = next(csv.reader([line]), [])
        except csv.Error:
            return None
        out.append(" ".join(" ".join(cell.split()) for cell in row if cell.strip()))
    return out


FORMATS: list[Format] = [
    Format("pdf", is_pdf, read_pdf_report),
    Format("xlsx", is_workbook, read_workbook),
    Format("csv", is_tidy_csv, read_tidy_csv),
    Format("text", _is_text, read_text_report),
]
