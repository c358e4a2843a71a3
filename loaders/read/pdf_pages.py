"""A PDF's pages as lines: characters and ruling lines from PDFium, ruled tables, page furniture.

Belongs here: the page model of :mod:`loaders.read.pdf` — every upright character with its box
and every ruling line of a page (:func:`read_pages`, under the page and time limits), the ruled
tables those lines make and their rows, and a page's lines top to bottom with page numbers and
running titles dropped (:func:`page_lines`, :func:`drop_running_lines`). The geometry that groups
characters into words and lines is :mod:`loaders.read.pdf_lines`.
"""

from __future__ import annotations

import ctypes
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field

from loaders.contracts.errors import FormatError
from loaders.contracts.settings import setting
from loaders.read.pdf_lines import group_lines, group_words_spaced, join_digit_gaps, join_wrapped, mend_borderless

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


@dataclass
class Page:
    """One page as PDFium gives it: upright characters, ruling lines, whether it has images."""

    number: int
    width: float
    height: float
    chars: list[tuple[str, float, float, float, float]]  # text, x0, x1, top, bottom (top-origin points)
    hrules: list[tuple[float, float, float]] = field(default_factory=list)  # y, x0, x1
    vrules: list[tuple[float, float, float]] = field(default_factory=list)  # x, y0, y1
    has_images: bool = False


def read_pages(data: bytes, source: str) -> list[Page]:
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
        raise damaged(source) from exc
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
                raise damaged(source) from exc
            try:
                pages.append(_read_page(page, index + 1, pdfium_c))
            finally:
                page.close()
        return pages
    finally:
        pdf.close()


def _read_page(page, number: int, pdfium_c) -> Page:
    width, height = page.get_size()
    result = Page(number, width, height, [])
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


def _add_rules(page: Page, obj, pdfium_c) -> None:
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


def _add_segment(page: Page, a: tuple[float, float], b: tuple[float, float]) -> None:
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


def _tables(page: Page) -> list[_Table]:
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
def page_lines(page: Page) -> list[tuple[float, str]]:
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


def drop_running_lines(
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


def has_text(chars: list[tuple[str, float, float, float, float]]) -> bool:
    return any(char[0].strip() for char in chars)


def is_undecodable(chars: list[tuple[str, float, float, float, float]]) -> bool:
    visible = [char[0] for char in chars if char[0].strip()]
    return sum(text == "\ufffd" or "\ue000" <= text <= "\uf8ff" for text in visible) > CID_GARBAGE_SHARE * len(visible)


def damaged(source: str) -> FormatError:
    """The error of a PDF that PDFium cannot open or read a page of."""
    return FormatError(
        source,
        "",
        "PDF 文件已损坏或不完整（可能在下载或复制时被截断），无法读取。请重新获取原文件。",
        "the PDF is damaged or incomplete (perhaps cut off while downloading or copying) "
        "and cannot be read; get the original file again.",
    )
