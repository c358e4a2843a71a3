"""Read quality reports published as PDF: extract the text layer, then parse it like a text report.

Belongs here: turning a PDF's pages into the plain lines :func:`loaders.report.parse_report_lines`
understands, and the errors only a PDF can have (scanned pages without a text layer, fonts
without a Unicode mapping, encryption, a damaged file). Finding and reading tables is the
report parser's job, not this module's.

Libraries (both MIT, pure Python, maintained): pdfminer.six reads every page's characters,
lines, rectangles and images (its interpreter only, no layout analysis: fast); pdfplumber's
table finder runs only on the pages that have ruling lines, to find ruled tables and their cells.

How the text comes out:

* **Lines.** Text outside tables is read line by line (characters grouped by their vertical
  position, words joined by single spaces), top to bottom. Rotated text (watermarks, margin
  notes) is left out.
* **Ruled tables.** A table drawn with grid lines (found by pdfplumber from its ruling lines,
  at least 2 rows × 2 columns) becomes one line per table row: its non-empty cells in column
  order, joined by single spaces, so a row reads ``本校 3518 3318 94.31% 98.82% 24.47%`` as in a
  text report. A cell whose text wraps over several lines inside the cell is joined back into
  one (without a space between Chinese characters). Table rows and the text around them keep
  their order on the page.
* **Page numbers**: a page's first or last line is dropped when it is a page number alone
  (``12``, ``- 12 -``, ``第 12 页``) in the top or bottom tenth of the page, so that it does not
  land inside a table that runs over a page break.

Provenance: pages are concatenated in order; ``source_line`` is the 1-based number of the line
in that extracted text (so it orders figures as they appear in the report, like a text file's
line number), and ``source_text`` is that line prefixed with its page, e.g.
``[第 31 页] 本校 3518 3318 94.31% 98.82% 24.47%``. Messages from the parser that name a line
also name its page first: ``PDF 第 31 页，表2-15 第 1277 行``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from loaders.coverage import locate
from loaders.errors import FormatError, LoadError
from loaders.report import ParsedReport, frame_from_table, parse_report_lines

PDF_MAGIC = b"%PDF-"
# The PDF header may be preceded by junk; readers look for it in the first 1024 bytes.
HEADER_WINDOW = 1024
# Share of the page height at the top and at the bottom where page numbers are dropped.
PAGE_MARGIN_SHARE = 0.1
# A page whose characters are mostly undecodable glyph ids ("(cid:123)") has no usable text.
CID_GARBAGE_SHARE = 0.5

# Characters whose tops differ by at most this (points) are on one line; a gap wider than
# X_TOLERANCE between two characters with no space character between them separates words.
# (pdfplumber's defaults.)
Y_TOLERANCE = 3
X_TOLERANCE = 3

_PAGE_NUMBER_RE = re.compile(r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)$")
_CID_RE = re.compile(r"^\(cid:\d+\)$")
_LINE_LOCATION_RE = re.compile(r"第 (\d+) 行")
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


@dataclass(frozen=True)
class PdfText:
    """The text layer of a PDF, as lines.

    Attributes:
        lines: Extracted lines, all pages in order (line ``i`` is line number ``i + 1``).
        pages: The 1-based page number of each line.
        n_pages: Number of pages in the file.
        scanned_pages: Pages with images but no text layer (probably scanned).
        undecodable_pages: Pages whose text is mostly glyph ids without a Unicode mapping.
    """

    lines: list[str]
    pages: list[int]
    n_pages: int
    scanned_pages: list[int]
    undecodable_pages: list[int]


def is_pdf(data: bytes, name: str) -> bool:
    """Whether the bytes are a PDF (by the ``%PDF-`` header, whatever the file is called)."""
    return PDF_MAGIC in data[:HEADER_WINDOW]


def read_pdf_report(data: bytes, name: str, school: str | None, report_year: int | None) -> ParsedReport:
    """Read a quality report from a PDF with a text layer.

    Args:
        data: The PDF's bytes.
        name: File name, for provenance and messages.
        school: School name, when the file does not say it.
        report_year: Data year, when the file does not say it.

    Returns:
        The parsed report; ``source_text`` starts with the page (``[第 31 页] …``).

    Raises:
        FormatError: The PDF is encrypted, damaged, scanned (no text layer) or holds no
            recognisable table; the message names the page where one is relevant.
        LoadError: The report parser's errors, with the page added to their place.
    """
    text = extract_pdf_text(data, name)
    try:
        parsed = parse_report_lines(text.lines, name, school=school, report_year=report_year)
    except LoadError as exc:
        raise _locate(exc, text) from exc
    frame = parsed.observations if parsed.observations is not None else frame_from_table(parsed.table)
    with_page = [
        f"[第 {text.pages[line - 1]} 页] {source}"
        for line, source in zip(frame["source_line"], frame["source_text"], strict=True)
    ]
    parsed.observations = frame.assign(source_text=pd.Series(with_page, index=frame.index, dtype="str"))
    parsed.table = None  # the parser's table lacks the pages
    pages = text.pages
    locate(
        parsed.coverage,
        lambda line: (
            (f"PDF 第 {pages[line - 1]} 页", f"PDF page {pages[line - 1]}") if 1 <= line <= len(pages) else None
        ),
    )
    parsed.notes.extend(_page_notes(text))
    return parsed


def extract_pdf_text(data: bytes, source: str) -> PdfText:
    """Extract a PDF's text layer as lines a report parser can read (see the module docstring).

    Args:
        data: The PDF's bytes.
        source: File name, for messages.

    Returns:
        The lines with their pages, and the pages that had no usable text.

    Raises:
        FormatError: The PDF is encrypted, damaged, has no pages, or no page has usable text.
    """
    # pdfminer and pdfplumber are imported where used: importing loaders need not load them.
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pages = _read_pages(data)
        readable = [page for page in pages if _has_text(page.chars) and not _is_undecodable(page.chars)]
        tables = _read_tables(data, [page.number for page in readable if page.has_rules])
    except Exception as exc:  # pdfminer raises many exception types on malformed input
        original = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(original, PDFPasswordIncorrect | PDFEncryptionError):
            raise FormatError(
                source,
                "",
                "PDF 文件已加密（设有打开密码），无法读取。请提供未加密的版本或文本版报告。",
                "the PDF is password-protected (encrypted) and cannot be read; "
                "provide a copy without a password, or the report as text.",
            ) from exc
        raise _damaged(source) from exc
    if not pages:
        raise _damaged(source)
    scanned = [page.number for page in pages if not _has_text(page.chars) and page.has_images]
    undecodable = [page.number for page in pages if _has_text(page.chars) and _is_undecodable(page.chars)]
    lines: list[str] = []
    numbers: list[int] = []
    for page in readable:
        found = tables.get(page.number) or _Tables(page.chars, [])
        page_lines = _page_lines(found.chars, found.rows, page.height)
        lines.extend(page_lines)
        numbers.extend([page.number] * len(page_lines))
    if not lines:
        raise _no_text(source, len(pages), scanned, undecodable)
    return PdfText(lines, numbers, len(pages), scanned, undecodable)


# ------------------------------------------------------------------ reading pages


@dataclass
class _Page:
    number: int
    height: float
    chars: list[dict[str, Any]]  # upright characters, spaces included: text, x0, x1, top, bottom
    has_rules: bool = False  # lines or rectangles: maybe a ruled table
    has_images: bool = False


@dataclass
class _Tables:
    chars: list[dict[str, Any]]  # the page's characters outside its tables
    rows: list[tuple[float, str]]  # (top, text) of each table row


def _read_pages(data: bytes) -> list[_Page]:
    """Every page's characters, and whether it has ruling lines or images (pdfminer, no layout analysis)."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTCurve, LTImage, LTLayoutContainer
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = PDFDocument(PDFParser(io.BytesIO(data)))
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    pages = []
    for number, pdf_page in enumerate(PDFPage.create_pages(document), start=1):
        interpreter.process_page(pdf_page)
        layout = device.get_result()
        page = _Page(number, layout.height, [])
        stack = list(layout)
        while stack:
            item = stack.pop()
            if isinstance(item, LTChar):
                if item.upright:  # rotated text is a watermark or a margin note, not a table
                    top = layout.y1 - item.y1
                    page.chars.append(
                        {"text": item.get_text(), "x0": item.x0, "x1": item.x1, "top": top, "bottom": top + item.height}
                    )
            elif isinstance(item, LTCurve):  # lines and rectangles are curves too
                page.has_rules = True
            elif isinstance(item, LTImage):
                page.has_images = True
            elif isinstance(item, LTLayoutContainer):  # form XObjects hold text and images too
                stack.extend(item)
        pages.append(page)
    return pages


def _read_tables(data: bytes, numbers: list[int]) -> dict[int, _Tables]:
    """The ruled tables on the pages named (pdfplumber's table finder), and the text around them."""
    if not numbers:
        return {}
    import pdfplumber

    found = {}
    with pdfplumber.open(io.BytesIO(data), pages=numbers) as pdf:
        for page in pdf.pages:
            tables = page.find_tables(table_settings=_TABLE_SETTINGS)
            tables = [t for t in tables if len(t.rows) >= 2 and max(len(row.cells) for row in t.rows) >= 2]
            if tables:
                rows = []
                for table in tables:
                    for row, cells in zip(table.rows, table.extract(), strict=True):
                        text = " ".join(_join_wrapped(cell) for cell in cells if cell and cell.strip())
                        if text:
                            rows.append((row.bbox[1], text))
                outside = [
                    {key: char[key] for key in ("text", "x0", "x1", "top", "bottom")}
                    for char in page.chars
                    if char["upright"] and not any(_centre_in(char, table.bbox) for table in tables)
                ]
                found[page.page_number] = _Tables(outside, rows)
            page.close()
    return found


def _page_lines(chars: list[dict[str, Any]], rows: list[tuple[float, str]], height: float) -> list[str]:
    """A page's lines top to bottom: text lines and table rows in page order, page numbers dropped."""
    items = [*_group_lines(chars), *rows]
    items.sort(key=lambda item: item[0])
    texts = [text for _, text in items]
    if items and items[-1][0] >= height * (1 - PAGE_MARGIN_SHARE) and _PAGE_NUMBER_RE.match(texts[-1]):
        texts.pop()
    if items and items[0][0] <= height * PAGE_MARGIN_SHARE and _PAGE_NUMBER_RE.match(texts[0]):
        texts.pop(0)
    return texts


def _group_lines(chars: list[dict[str, Any]]) -> list[tuple[float, str]]:
    """Characters into (top, text) lines: same top within a tolerance; words split by spaces or gaps."""
    lines: list[tuple[float, str]] = []
    current: list[dict[str, Any]] = []
    for char in sorted(chars, key=lambda c: c["top"]):
        if current and char["top"] - current[0]["top"] > Y_TOLERANCE:
            lines.append(_line_text(current))
            current = []
        current.append(char)
    if current:
        lines.append(_line_text(current))
    return [(top, text) for top, text in lines if text]


def _line_text(chars: list[dict[str, Any]]) -> tuple[float, str]:
    parts: list[str] = []
    last_x1: float | None = None
    gap = False
    for char in sorted(chars, key=lambda c: c["x0"]):
        if not char["text"].strip():
            gap = True
            continue
        if parts and (gap or (last_x1 is not None and char["x0"] > last_x1 + X_TOLERANCE)):
            parts.append(" ")
        parts.append(char["text"])
        last_x1 = char["x1"]
        gap = False
    return chars[0]["top"], "".join(parts)


def _has_text(chars: list[dict[str, Any]]) -> bool:
    return any(char["text"].strip() for char in chars)


def _is_undecodable(chars: list[dict[str, Any]]) -> bool:
    visible = [char["text"] for char in chars if char["text"].strip()]
    return sum(bool(_CID_RE.match(text)) for text in visible) > CID_GARBAGE_SHARE * len(visible)


def _centre_in(obj: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]


def _join_wrapped(cell: str) -> str:
    """Join a cell's wrapped lines: no space between Chinese characters, one space otherwise."""
    parts = [" ".join(part.split()) for part in cell.splitlines()]
    parts = [part for part in parts if part]
    joined = parts[0] if parts else ""
    for part in parts[1:]:
        glue = "" if not joined[-1].isascii() or not part[0].isascii() else " "
        joined += glue + part
    return joined


# ------------------------------------------------------------------ messages


def _page_list(pages: list[int]) -> str:
    return "、".join(str(page) for page in pages)


def _page_list_en(pages: list[int]) -> str:
    return ", ".join(str(page) for page in pages)


def _damaged(source: str) -> FormatError:
    return FormatError(
        source,
        "",
        "PDF 文件已损坏或不完整（可能在下载或复制时被截断），无法读取。请重新获取原文件。",
        "the PDF is damaged or incomplete (perhaps cut off while downloading or copying) "
        "and cannot be read; get the original file again.",
    )


def _no_text(source: str, n_pages: int, scanned: list[int], undecodable: list[int]) -> FormatError:
    if undecodable and not scanned:
        first = undecodable[0]
        return FormatError(
            source,
            f"第 {first} 页",
            f"第 {first} 页的文字无法解码（字体缺少 Unicode 映射，共 {n_pages} 页均如此或没有文字）。"
            "请用原始软件重新导出 PDF，或提供文本版报告。",
            f"the text on page {first} cannot be decoded (its font has no Unicode mapping; no page of "
            f"{n_pages} has readable text). Export the PDF again from the original, or provide the report as text.",
        )
    first = scanned[0] if scanned else 1
    return FormatError(
        source,
        f"第 {first} 页",
        f"第 {first} 页没有文字层（共 {n_pages} 页，均无可提取的文字），可能是扫描件。"
        "请先做文字识别（OCR），或提供带文字的 PDF 或文本版报告。",
        f"page {first} has no text layer, and none of the {n_pages} pages has text: this looks like a "
        "scanned document. Run OCR on it first, or provide a PDF with text or the report as text.",
    )


def _page_notes(text: PdfText) -> list[str]:
    notes = []
    if text.scanned_pages:
        notes.append(
            f"第 {_page_list(text.scanned_pages)} 页没有文字层（可能是扫描页），未读取 / "
            f"page(s) {_page_list_en(text.scanned_pages)} have no text layer (scanned?) and were not read"
        )
    if text.undecodable_pages:
        notes.append(
            f"第 {_page_list(text.undecodable_pages)} 页的文字无法解码，未读取 / "
            f"the text of page(s) {_page_list_en(text.undecodable_pages)} cannot be decoded and was not read"
        )
    return notes


def _locate(exc: LoadError, text: PdfText) -> LoadError:
    """The parser's error with the page of the line it names, and the pages that could not be read."""
    where = exc.where
    match = _LINE_LOCATION_RE.search(where)
    if match and 1 <= int(match.group(1)) <= len(text.pages):
        where = f"PDF 第 {text.pages[int(match.group(1)) - 1]} 页，{where}"
    zh, en = exc.zh, exc.en
    unread = sorted(text.scanned_pages + text.undecodable_pages)
    if isinstance(exc, FormatError) and unread:
        where = where or f"第 {unread[0]} 页"
        zh += f"另：第 {_page_list(unread)} 页没有可读取的文字（可能是扫描页），其中的表格无法读取。"
        en += f" Also, page(s) {_page_list_en(unread)} have no readable text (scanned?), so tables there were not read."
    return type(exc)(exc.source, where, zh, en)
