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

Where the modules part: this one holds the door (:func:`read_pdf_report`), the limits an untrusted
PDF is read under, the digit gaps a table's columns decide (:func:`resolve_marks`) and the
PDF-only errors; the page model (characters, ruling lines, ruled tables, page furniture) is
:mod:`loaders.read.pdf_pages`, the character-to-line geometry :mod:`loaders.read.pdf_lines`.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field

from loaders.contracts.errors import FormatError, LoadError
from loaders.contracts.settings import setting
from loaders.read.coverage import locate
from loaders.read.pdf_lines import DOUBT_MARK, MARKS, SPLIT_MARK
from loaders.read.pdf_pages import damaged, drop_running_lines, has_text, is_undecodable, page_lines, read_pages
from loaders.read.record import LoadResult
from loaders.read.report import parse_report_lines
from loaders.read.text import normalize, parse_number

PDF_MAGIC = b"%PDF-"
# The PDF header may be preceded by junk; readers look for it in the first 1024 bytes.
HEADER_WINDOW = 1024
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
    pages = read_pages(data, source)
    if not pages:
        raise damaged(source)
    readable = [page for page in pages if has_text(page.chars) and not is_undecodable(page.chars)]
    scanned = [page.number for page in pages if not has_text(page.chars) and page.has_images]
    undecodable = [page.number for page in pages if has_text(page.chars) and is_undecodable(page.chars)]
    per_page = [(page.number, page_lines(page)) for page in readable]
    per_page, running = drop_running_lines(per_page)
    lines: list[str] = []
    numbers: list[int] = []
    for number, lines_of_page in per_page:
        texts = [text for _, text in lines_of_page]
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


# ------------------------------------------------------------------ messages
def _page_list(pages: list[int]) -> str:
    return "、".join(str(page) for page in pages)


def _page_list_en(pages: list[int]) -> str:
    return ", ".join(str(page) for page in pages)


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
