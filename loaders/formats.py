"""The registry of source formats: how each is recognised from its bytes and how it is read.

Each entry is ``(name, matches, read)``: ``matches(data, name) -> bool`` looks at the content
(never only at the file extension), ``read(data, name, school, report_year) -> ParsedReport``
returns tidy observations. :func:`loaders.load_bytes` tries the entries in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loaders.pdf import is_pdf, read_pdf_report
from loaders.report import ParsedReport, parse_report_lines
from loaders.text import decode_text
from loaders.tidy_csv import is_tidy_csv, read_tidy_csv
from loaders.workbook import is_workbook, read_workbook

Matcher = Callable[[bytes, str], bool]
Reader = Callable[[bytes, str, "str | None", "int | None"], ParsedReport]


@dataclass(frozen=True)
class Format:
    """One source format.

    Attributes:
        name: Short name stored with the report (``text``, ``pdf``, ``xlsx``, ``csv``).
        matches: Whether bytes are in this format.
        read: Parse the bytes into a :class:`loaders.report.ParsedReport`.
    """

    name: str
    matches: Matcher
    read: Reader


def _is_text(data: bytes, name: str) -> bool:
    return True  # the fallback: decode_text rejects binary and empty files with a clear message


def read_text_report(data: bytes, name: str, school: str | None, report_year: int | None) -> ParsedReport:
    """Read a quality report in plain text (UTF-8 with or without BOM, or GB18030)."""
    decoded = decode_text(data, name)
    parsed = parse_report_lines(decoded.lines, name, school=school, report_year=report_year)
    parsed.encoding = decoded.encoding
    if decoded.encoding != "utf-8":
        parsed.notes.insert(0, f"按 {decoded.encoding.upper()} 编码读取 / decoded as {decoded.encoding.upper()}")
    return parsed


FORMATS: list[Format] = [
    Format("pdf", is_pdf, read_pdf_report),
    Format("xlsx", is_workbook, read_workbook),
    Format("csv", is_tidy_csv, read_tidy_csv),
    Format("text", _is_text, read_text_report),
]
