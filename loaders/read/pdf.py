"""Read quality reports published as PDF: extract the text layer, then parse it like a text report.

Belongs here: turning a PDF's pages into the plain lines :func:`loaders.read.report.parse_report_lines`
understands, the limits an untrusted PDF is read under, and the errors only a PDF can have
(scanned pages without a text layer, fonts without a Unicode mapping, encryption, a damaged file).
Finding and reading tables is the report parser's job, not this module's.

Library: pypdfium2 (PDFium, the PDF engine of Chromium; BSD-3-Clause / Apache-2.0 bindings, wheels
for every platform, maintained). It gives every character with its box and every drawn path, about
ten times faster than the pure-Python pdfminer/pdfplumber this module used before (92 Chromium-
printed pages: 13 s → see ``python -m bench.loaders --pdf``).

How the text comes out:

* **Lines.** Characters are grouped into lines by their vertical position, words joined by single
  spaces (a space or a gap wider than :data:`loaders.read.pdf_lines.X_TOLERANCE`), top to bottom. Rotated text
  (watermarks, margin notes) is left out.
* **Ruled tables.** Ruling lines (thin filled rectangles as Chromium and WPS print borders, or
  stroked lines as Word and reportlab draw them) that cross each other make a table; its rows are
  the bands between horizontal rules, its cells the spans between the vertical rules that cross a
  band. Each row becomes one line: its non-empty cells left to right, joined by single spaces; a
  cell wrapped over several lines is joined back (no space between Chinese characters).
* **Borderless tables.** A row label wrapped above and below its numbers (a vertically centred
  cell) is joined to the row; a header whose cells wrap over several lines is rebuilt column by
  column from the words' positions, so ``流向数占 / 生源数比例`` stays one column name.
* **Page furniture.** A page number alone in the top or bottom tenth of a page is dropped; a line
  repeated at the top or bottom of many pages (a running title) is dropped and noted — so a table
  broken across pages reads as one.

Limits (``loaders.contracts.settings``): pages (``pdf_max_pages``), total inflated size of the compressed
streams (``pdf_max_inflated_mb``, checked by streaming decompression before PDFium parses the file,
so a "zip bomb" PDF is refused without ever being held in memory) and wall time
(``pdf_max_seconds``).

Provenance: pages are concatenated in order; ``source_line`` is the 1-based number of the line in
that extracted text, and ``source_text`` is that line prefixed with its page, e.g.
``[第 31 页] 本校 3518 3318 94.31% 98.82% 24.47%``. Problems the parser reports name the page too.

Size: ~580 lines — the page model (characters, rules, ruled tables), the limits an untrusted PDF
is read under and the PDF-only errors belong together; the character-to-line geometry is
:mod:`loaders.read.pdf_lines`.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import re
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field

from loaders.contracts.errors import FormatError, LoadError
from loaders.contracts.settings import setting
from loaders.read.coverage import locate
from loaders.read.pdf_lines import (
    DOUBT_MARK,
    MARKS,
    SPLIT_MARK,
    group_lines,
    group_words_spaced,
    join_digit_gaps,
    join_wrapped,
    mend_borderless,
)
from loaders.read.record import LoadResult
from loaders.read.report import parse_report_lines
from loaders.read.text import normalize, parse_number

PDF_MAGIC = b"%PDF-"
# The PDF header may be preceded by junk; readers look for it in the first 1024 bytes.
HEADER_WINDOW = 1024
# Share of the page height at the top and at the bottom where page numbers and running titles are.
PAGE_MARGIN_SHARE = 0.1
# A page whose characters are mostly unmapped glyphs has no usable text.
CID_GARBAGE_SHARE = 0.5
# A ruling line is at most this thick (points) and at least RULE_MIN_LENGTH long.
RULE_MAX_THICKNESS = 2.0
RULE_MIN_LENGTH = 4.0
# Rules closer than this (points) are the same rule; a rule this close to another's end touches it.
RULE_SNAP = 2.0

_PAGE_NUMBER_RE = re.compile(r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)$")
_LINE_LOCATION_RE = re.compile(r"第 (\d+) 行")
_STREAM_RE = re.compile(rb"stream\r?\n")


@dataclass(frozen=True)
class PdfText:
    """The text layer of a PDF, as lines.

    Attributes:
        lines: Extracted lines, all pages in order (line ``i`` is line number ``i + 1``).
        pages: The 1-based page number of each line.
        n_pages: Number of pages in the file.
        scanned_pages: Pages with images but no text layer (probably scanned).
        undecodable_pages: Pages whose text is mostly glyphs without a Unicode mapping.
        running: Running titles removed (repeated at the top or bottom of many pages).
    """

    lines: list[str]
    pages: list[int]
    n_pages: int
    scanned_pages: list[int]
    undecodable_pages: list[int]
    running: list[str] = field(default_factory=list)
    #: ``line index → numbers`` joined across a gap inside their digits that no header proves to be
    #: one cell (digit continuity, :func:`loaders.read.pdf_lines.join_digit_gaps`): figures read from them
    #: are held back.
    doubts: dict[int, list[str]] = field(default_factory=dict)


def is_pdf(data: bytes, name: str) -> bool:
    """Whether the bytes are a PDF (by the ``%PDF-`` header, whatever the file is called)."""
    return PDF_MAGIC in data[:HEADER_WINDOW]


def read_pdf_report(data: bytes, name: str, school: str | None, report_year: int | None) -> LoadResult:
    """Read a quality report from a PDF with a text layer.

    Args:
        data: The PDF's bytes.
        name: File name, for provenance and messages.
        school: School name, when the file does not say it.
        report_year: Data year, when the file does not say it.

    Returns:
        The parsed report; ``source_text`` starts with the page (``[第 31 页] …``).

    Raises:
        FormatError: The PDF is encrypted, damaged, scanned (no text layer), over a limit, or
            holds no recognisable table; the message names the page where one is relevant.
        LoadError: The report parser's errors, with the page added to their place.
    """
    text = extract_pdf_text(data, name)
    try:
        parsed = parse_report_lines(text.lines, name, school=school, report_year=report_year, doubts=_doubts(text))
    except LoadError as exc:
        raise _locate(exc, text) from exc
    table = parsed.table
    parsed.with_source_texts(
        [
            f"[第 {text.pages[line - 1]} 页] {source}"
            for line, source in zip(table["source_line"].to_pylist(), table["source_text"].to_pylist(), strict=True)
        ]
    )
    pages = text.pages

    def place(line: int) -> tuple[str, str] | None:
        if not 1 <= line <= len(pages):
            return None
        return f"PDF 第 {pages[line - 1]} 页，第 {line} 行", f"PDF page {pages[line - 1]}, line {line}"

    locate(parsed.coverage, place)
    parsed.notes.extend(_page_notes(text))
    return parsed


# ------------------------------------------------------------------ limits
def _doubts(text: PdfText) -> dict[int, list[tuple[float, str, str]]]:
    """Figures to hold back, per line: ``(value as printed, reason zh, reason en)``."""
    out: dict[int, list[tuple[float, str, str]]] = {}
    for index, tokens in text.doubts.items():
        for token in tokens:
            value = parse_number(normalize(token))
            if value is None:
                continue
            out.setdefault(index, []).append(
                (
                    value,
                    f"PDF 文字层中“{token}”的数字之间有间隙，按一个数读取；表头不能证明它是一个数还是两列",
                    f"the PDF text layer has a gap inside the digits of '{token}'; read as one number, but no"
                    " header proves whether it is one number or two columns",
                )
            )
    return out


def check_inflated_size(data: bytes, source: str, limit_bytes: int) -> int:
    """Refuse a PDF whose compressed streams inflate to more than ``limit_bytes`` in all.

    Every ``stream … endstream`` is inflated with zlib in pieces that are counted and thrown
    away, so the check itself never holds more than a megabyte. Streams that are not zlib (images
    in DCT, JPX …) are counted at their stored size.

    Returns:
        The total inflated size, in bytes.

    Raises:
        FormatError: The total is over the limit.
    """
    total = 0
    for match in _STREAM_RE.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            break
        raw = data[start:end]
        inflater = zlib.decompressobj()
        size = 0
        try:
            chunk = inflater.decompress(raw, 1 << 20)
            while chunk:
                size += len(chunk)
                if total + size > limit_bytes:
                    break
                chunk = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
        except zlib.error:
            size = len(raw)
        total += size
        if total > limit_bytes:
            mb = limit_bytes / 2**20
            raise FormatError(
                source,
                "",
                f"PDF 中压缩的数据解压后超过 {mb:.0f} MB（疑为压缩炸弹），出于安全考虑拒绝读取。",
                f"the PDF's compressed data inflates to more than {mb:.0f} MB (a decompression bomb?); refused.",
            )
    return total


# ------------------------------------------------------------------ extraction
def extract_pdf_text(data: bytes, source: str) -> PdfText:
    """Extract a PDF's text layer as lines a report parser can read (see the module docstring).

    Args:
        data: The PDF's bytes.
        source: File name, for messages.

    Returns:
        The lines with their pages, and the pages that had no usable text.

    Raises:
        FormatError: The PDF is encrypted, damaged, has no pages, is over a limit, or no page has
            usable text.
    """
    check_inflated_size(data, source, int(float(setting("pdf_max_inflated_mb")) * 2**20))
    pages = _read_pages(data, source)
    if not pages:
        raise _damaged(source)
    readable = [page for page in pages if _has_text(page.chars) and not _is_undecodable(page.chars)]
    scanned = [page.number for page in pages if not _has_text(page.chars) and page.has_images]
    undecodable = [page.number for page in pages if _has_text(page.chars) and _is_undecodable(page.chars)]
    per_page = [(page.number, _page_lines(page)) for page in readable]
    per_page, running = _drop_running_lines(per_page)
    lines: list[str] = []
    numbers: list[int] = []
    for number, page_lines in per_page:
        texts = [text for _, text in page_lines]
        lines.extend(texts)
        numbers.extend([number] * len(texts))
    if not lines:
        raise _no_text(source, len(pages), scanned, undecodable)
    lines, doubts = resolve_marks(lines)
    return PdfText(lines, numbers, len(pages), scanned, undecodable, running, doubts)


# A cell as a row ends in it: a well-formed number (no leading zero: "0100%" is two cells run
# together) or a dash for an empty cell.
_CELL_RE = re.compile(r"^(?:(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)(?:\.\d+)?(?:%|％|:1)?|—|——|-|--|–|/)$")
_REGION_START_RE = re.compile(r"^(?:附\s*)?表\s*\d|^续表")
_REGION_END_RE = re.compile(r"^(?:数据来源|资料来源|注\s*[:：])")
_NEIGHBOURS = 40  # lines looked at on each side for the table's usual number of cells
_MAX_MARKS = 8  # marks in one line tried in every combination (2^8 readings at most)


def _trailing_cells(line: str) -> int:
    """How many cells (numbers or dashes) end a line after a label; 0 for a line of text or numbers only."""
    tokens = line.split()
    first = len(tokens)
    while first > 0 and _CELL_RE.match(tokens[first - 1]):
        first -= 1
    return len(tokens) - first if 0 < first < len(tokens) else 0


def _usual_cells(lines: list[str], index: int) -> int | None:
    """The number of cells most rows of the table around a line have, when clear.

    ``lines`` are read as the geometry has them (a mark proved a column gap split, any other joined);
    the table's rows are those between its caption and its end (数据来源 …), at most
    :data:`_NEIGHBOURS` lines away.
    """
    counts: Counter[int] = Counter()
    for step in (-1, 1):
        at = index + step
        while 0 <= at < len(lines) and abs(at - index) <= _NEIGHBOURS:
            line = lines[at]
            if _REGION_START_RE.match(line) or _REGION_END_RE.match(line):
                break
            cells = _trailing_cells(line)
            if cells:
                counts[cells] += 1
            at += step
    if counts:
        (best, n), *rest = [*counts.most_common(2), (None, 0)]
        if n >= 2 and n > rest[0][1]:
            return best
    return _header_cells(lines, index)


def _header_cells(lines: list[str], index: int) -> int | None:
    """Value cells a table's one-line header names (its words but the first, which heads the labels)."""
    for at in range(index - 1, max(index - _NEIGHBOURS, -1), -1):
        line = lines[at]
        if _REGION_START_RE.match(line) or _REGION_END_RE.match(line):
            return None
        tokens = line.split()
        if len(tokens) >= 3 and not any(char.isdigit() for char in line):
            return len(tokens) - 1
    return None


def resolve_marks(lines: list[str]) -> tuple[list[str], dict[int, list[str]]]:
    """Decide every digit gap :func:`loaders.read.pdf_lines.join_digit_gaps` marked.

    The table's columns decide: when exactly one way of joining or splitting a row's marked gaps
    gives the number of cells the rows around it have, that way is taken. Otherwise the geometry's
    verdict stands — a gap proved a column gap is split, any other is joined — and a number joined
    without proof is returned in ``doubts`` (line index → numbers) to be held back.
    """
    out = list(lines)
    doubts: dict[int, list[str]] = {}
    geometric = [_apply(line, _marks(line), tuple(line[p] == SPLIT_MARK for p in _marks(line))) for line in lines]
    for index, line in enumerate(lines):
        marks = _marks(line)
        if not marks:
            continue
        usual = _usual_cells(geometric, index)
        fits = []
        if usual is not None and len(marks) <= _MAX_MARKS:
            for choice in itertools.product((False, True), repeat=len(marks)):
                if _trailing_cells(_apply(line, marks, choice)) == usual:
                    fits.append(choice)
        if len(fits) == 1:
            out[index] = _apply(line, marks, fits[0])
            continue
        choice = tuple(line[position] == SPLIT_MARK for position in marks)
        text = _apply(line, marks, choice, flag=True)
        doubted = [token.replace(_FLAG, "") for token in text.split() if _FLAG in token]
        out[index] = text.replace(_FLAG, "")
        if doubted:
            doubts[index] = doubted
    return out, doubts


_FLAG = "\u2064"


def _marks(line: str) -> list[int]:
    return [position for position, char in enumerate(line) if char in MARKS] if any(m in line for m in MARKS) else []


def _apply(line: str, marks: list[int], split: tuple[bool, ...], flag: bool = False) -> str:
    """The line with each mark replaced by a space (split) or nothing (joined; ``flag``: a flag
    character left where a doubtful join was made)."""
    chars = list(line)
    for position, apart in zip(marks, split, strict=True):
        if apart:
            chars[position] = " "
        else:
            chars[position] = _FLAG if flag and line[position] == DOUBT_MARK else ""
    return "".join(chars)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    chars: list[tuple[str, float, float, float, float]]  # text, x0, x1, top, bottom (top-origin points)
    hrules: list[tuple[float, float, float]] = field(default_factory=list)  # y, x0, x1
    vrules: list[tuple[float, float, float]] = field(default_factory=list)  # x, y0, y1
    has_images: bool = False


def _read_pages(data: bytes, source: str) -> list[_Page]:
    """Every page's upright characters, ruling lines and whether it has images (PDFium)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if pdfium_c.FPDF_GetLastError() == pdfium_c.FPDF_ERR_PASSWORD:
            raise FormatError(
                source,
                "",
                "PDF 文件已加密（设有打开密码），无法读取。请提供未加密的版本或文本版报告。",
                "the PDF is password-protected (encrypted) and cannot be read; "
                "provide a copy without a password, or the report as text.",
            ) from exc
        raise _damaged(source) from exc
    try:
        n_pages = len(pdf)
        max_pages = int(setting("pdf_max_pages"))
        if n_pages > max_pages:
            raise FormatError(
                source,
                "",
                f"PDF 共 {n_pages} 页，超过上限 {max_pages} 页，未读取。",
                f"the PDF has {n_pages} pages, more than the limit of {max_pages}; not read.",
            )
        deadline = time.monotonic() + float(setting("pdf_max_seconds"))
        pages = []
        for index in range(n_pages):
            if time.monotonic() > deadline:
                raise FormatError(
                    source,
                    f"第 {index + 1} 页",
                    f"读取 PDF 超过 {setting('pdf_max_seconds'):g} 秒仍未完成（第 {index + 1} 页），已停止。",
                    f"reading the PDF took longer than {setting('pdf_max_seconds'):g} s (at page {index + 1});"
                    " stopped.",
                )
            try:
                page = pdf[index]
            except pdfium.PdfiumError as exc:
                raise _damaged(source) from exc
            try:
                pages.append(_read_page(page, index + 1, pdfium_c))
            finally:
                page.close()
        return pages
    finally:
        pdf.close()


def _read_page(page, number: int, pdfium_c) -> _Page:
    width, height = page.get_size()
    result = _Page(number, width, height, [])
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        box = pdfium_c.FS_RECTF()
        origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
        for index in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(raw, index)
            if code in (0, 0xFFFE, 0xFFFF, 10, 13):
                continue  # PDFium's own line breaks: lines are rebuilt from positions below
            if code != 32 and pdfium_c.FPDFText_IsGenerated(raw, index) == 1:
                continue  # (a space PDFium inserts where the gap between words is wide is kept)
            angle = pdfium_c.FPDFText_GetCharAngle(raw, index)
            if angle > 0.01 and abs(angle - 2 * math.pi) > 0.01:
                continue  # rotated: a watermark or a margin note, not a table
            # Vertical position from the baseline and the font size, so that every glyph of a line gets
            # the same top (the box of 、 or 一 sits far below the line's other characters).
            pdfium_c.FPDFText_GetLooseCharBox(raw, index, box)
            pdfium_c.FPDFText_GetCharOrigin(raw, index, origin_x, origin_y)
            size = pdfium_c.FPDFText_GetFontSize(raw, index) or (box.top - box.bottom) or 10.0
            baseline = height - origin_y.value
            text = chr(code) if code < 0x110000 else "\ufffd"
            result.chars.append((text, box.left, box.right, baseline - 0.88 * size, baseline + 0.12 * size))
    finally:
        textpage.close()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            result.has_images = True
            continue
        _add_rules(result, obj, pdfium_c)
    return result


def _add_rules(page: _Page, obj, pdfium_c) -> None:
    """The ruling lines a path draws: a thin rectangle, or the straight segments of a stroked path."""
    x0, y0, x1, y1 = obj.get_bounds()
    w, h = x1 - x0, y1 - y0
    top, bottom = page.height - y1, page.height - y0
    if h <= RULE_MAX_THICKNESS and w >= RULE_MIN_LENGTH:
        page.hrules.append(((top + bottom) / 2, x0, x1))
        return
    if w <= RULE_MAX_THICKNESS and h >= RULE_MIN_LENGTH:
        page.vrules.append(((x0 + x1) / 2, top, bottom))
        return
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
    if not stroke.value:
        return  # a filled area (a shaded cell): not a rule
    count = pdfium_c.FPDFPath_CountSegments(obj.raw)
    if count > 400:
        return
    matrix = obj.get_matrix()
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list[tuple[float, float]] = []
    start: tuple[float, float] | None = None
    for index in range(count):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        px = matrix.a * x.value + matrix.c * y.value + matrix.e
        py = page.height - (matrix.b * x.value + matrix.d * y.value + matrix.f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not points:
            start = (px, py)
        else:
            _add_segment(page, points[-1], (px, py))
        points.append((px, py))
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            _add_segment(page, (px, py), start)


def _add_segment(page: _Page, a: tuple[float, float], b: tuple[float, float]) -> None:
    if abs(a[1] - b[1]) <= 0.5 and abs(a[0] - b[0]) >= RULE_MIN_LENGTH:
        page.hrules.append((a[1], min(a[0], b[0]), max(a[0], b[0])))
    elif abs(a[0] - b[0]) <= 0.5 and abs(a[1] - b[1]) >= RULE_MIN_LENGTH:
        page.vrules.append((a[0], min(a[1], b[1]), max(a[1], b[1])))


# ------------------------------------------------------------------ ruled tables
@dataclass
class _Table:
    x0: float
    x1: float
    top: float
    bottom: float
    rows: list[float]  # horizontal rule positions, top to bottom
    vrules: list[tuple[float, float, float]]  # x, y0, y1


def _tables(page: _Page) -> list[_Table]:
    """Tables made of crossing rules: at least 2 rows × 2 columns."""
    hrules, vrules = page.hrules, page.vrules
    if len(hrules) < 2 or len(vrules) < 2:
        return []
    n = len(hrules) + len(vrules)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (y, hx0, hx1) in enumerate(hrules):
        for j, (x, vy0, vy1) in enumerate(vrules):
            if hx0 - RULE_SNAP <= x <= hx1 + RULE_SNAP and vy0 - RULE_SNAP <= y <= vy1 + RULE_SNAP:
                a, b = find(i), find(len(hrules) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(len(hrules)):
        groups.setdefault(find(i), ([], []))[0].append(i)
    for j in range(len(vrules)):
        groups.setdefault(find(len(hrules) + j), ([], []))[1].append(j)
    tables = []
    for hs, vs in groups.values():
        rows = _cluster(sorted(hrules[i][0] for i in hs))
        columns = _cluster(sorted(vrules[j][0] for j in vs))
        if len(rows) < 3 or len(columns) < 3:  # 2 rows × 2 columns need 3 rules each way
            continue
        x0 = min(hrules[i][1] for i in hs)
        x1 = max(hrules[i][2] for i in hs)
        tables.append(_Table(x0, x1, rows[0], rows[-1], rows, [vrules[j] for j in vs]))
    return tables


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in values:
        if not out or value - out[-1] > RULE_SNAP:
            out.append(value)
    return out


def _table_rows(table: _Table, chars: list[tuple[str, float, float, float, float]]) -> list[tuple[float, str]]:
    """One ``(top, text)`` per band between rules: the band's cells left to right."""
    rows: list[tuple[float, str]] = []
    for top, bottom in zip(table.rows, table.rows[1:], strict=False):
        middle = (top + bottom) / 2
        edges = _cluster(sorted(x for x, y0, y1 in table.vrules if y0 - RULE_SNAP <= middle <= y1 + RULE_SNAP))
        if len(edges) < 2:
            edges = [table.x0, table.x1]
        cells: list[list[tuple[str, float, float, float, float]]] = [[] for _ in range(len(edges) - 1)]
        for char in chars:
            cy = (char[3] + char[4]) / 2
            if not top <= cy < bottom:
                continue
            cx = (char[1] + char[2]) / 2
            for k in range(len(edges) - 1):
                if edges[k] <= cx < edges[k + 1]:
                    cells[k].append(char)
                    break
        texts = [join_wrapped("\n".join(text for _, text in group_lines(cell))) for cell in cells if cell]
        text = " ".join(t for t in texts if t)
        if text:
            rows.append((top, text))
    return rows


# ------------------------------------------------------------------ lines
def _page_lines(page: _Page) -> list[tuple[float, str]]:
    """A page's lines top to bottom: text lines and table rows in page order, page numbers dropped."""
    tables = _tables(page)
    outside = page.chars
    rows: list[tuple[float, str]] = []
    for table in tables:
        inside = [c for c in outside if _in_table(c, table)]
        outside = [c for c in outside if not _in_table(c, table)]
        rows.extend(_table_rows(table, inside))
    words, spaced = group_words_spaced(outside)
    words = join_digit_gaps(mend_borderless(words), spaced)
    items = [(line[0][3], " ".join(w[0] for w in line)) for line in words if line] + rows
    items.sort(key=lambda item: item[0])
    items = [item for item in items if item[1]]
    if items and items[-1][0] >= page.height * (1 - PAGE_MARGIN_SHARE) and _PAGE_NUMBER_RE.match(items[-1][1]):
        items.pop()
    if items and items[0][0] <= page.height * PAGE_MARGIN_SHARE and _PAGE_NUMBER_RE.match(items[0][1]):
        items.pop(0)
    return [(top / page.height, text) for top, text in items]


def _in_table(char: tuple[str, float, float, float, float], table: _Table) -> bool:
    cx, cy = (char[1] + char[2]) / 2, (char[3] + char[4]) / 2
    return table.x0 <= cx <= table.x1 and table.top <= cy < table.bottom


def _drop_running_lines(
    per_page: list[tuple[int, list[tuple[float, str]]]],
) -> tuple[list[tuple[int, list[tuple[float, str]]]], list[str]]:
    """Drop lines repeated at the top or bottom of many pages (a running title); ``(pages, titles)``."""
    if len(per_page) < 3:
        return per_page, []

    def key(text: str) -> str:
        return re.sub(r"\d+", "#", text)

    counts: Counter[str] = Counter()
    for _, lines in per_page:
        edges = {key(text) for top, text in lines if top <= PAGE_MARGIN_SHARE or top >= 1 - PAGE_MARGIN_SHARE}
        counts.update(edges)
    threshold = max(3, int(0.3 * len(per_page)))
    # a running title has words (two letters or Chinese characters at least), not just figures
    running = {text for text, n in counts.items() if n >= threshold and len(re.findall(r"[^\W\d_]", text)) >= 2}
    if not running:
        return per_page, []
    kept = []
    for number, lines in per_page:
        kept.append(
            (
                number,
                [
                    (top, text)
                    for top, text in lines
                    if not (key(text) in running and (top <= PAGE_MARGIN_SHARE or top >= 1 - PAGE_MARGIN_SHARE))
                ],
            )
        )
    return kept, sorted(running)


def _has_text(chars: list[tuple[str, float, float, float, float]]) -> bool:
    return any(char[0].strip() for char in chars)


def _is_undecodable(chars: list[tuple[str, float, float, float, float]]) -> bool:
    visible = [char[0] for char in chars if char[0].strip()]
    return sum(text == "\ufffd" or "\ue000" <= text <= "\uf8ff" for text in visible) > CID_GARBAGE_SHARE * len(visible)


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
    for title in text.running:
        notes.append(f"各页页眉/页脚“{title}”已略去 / running title '{title}' left out on every page")
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
