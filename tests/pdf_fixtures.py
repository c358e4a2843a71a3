"""Make PDF quality reports for the tests from a text report's lines (nothing is downloaded).

Text is set in reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1): it needs no font
file, and pdfminer decodes what is drawn with it back to the same Chinese characters. It has
no glyph for ``·`` and ``•``: those two are missing from the PDFs made here.

* :func:`flowing_pdf`: every non-empty line drawn as one line of text, page after page, with a
  page number at the foot of each page (as a PDF exported from a word processor).
* :func:`grid_pdf`: the same, except that the tables named are drawn as real ruled tables
  (reportlab ``Table`` with a ``GRID``): labels and numbers in separate columns, label and
  header cells narrow enough that long ones wrap inside their cell, lines without numbers
  (headers that do not fit the columns, notes) in a cell spanning the whole row.
* :func:`scanned_pdf`, :func:`encrypted_pdf`: the bad inputs.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw
from reportlab.lib import colors, pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

FONT = "STSong-Light"
FONT_SIZE = 9
LEADING = 12
MARGIN = 40
LABEL_WIDTH = 110  # narrow on purpose: long labels wrap inside their cell
NUMBER_WIDTH = 60

# Survey tables 表2-15 … 表2-28, faculty 表3-7/3-8, and the appendix 表1 … 表5.
GRID_TABLES = frozenset({*(f"2-{n}" for n in range(15, 29)), "3-7", "3-8", "1", "2", "3", "4", "5"})

_CAPTION_RE = re.compile(r"^表\s*(\d+(?:\s*-\s*\d+)?)")
_TABLE_END_RE = re.compile(r"^(数据来源|资料来源|注\s*[:：])")
_NUMBER_RE = re.compile(r"^[\d.,]+%?$")


def register_font() -> str:
    """Register the CJK font with reportlab (idempotent) and return its name."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def flowing_pdf(lines: list[str], path: Path, scanned_cover: bool = False) -> Path:
    """Draw each non-empty line as one line of text, with page numbers at the foot.

    Args:
        lines: The report's lines.
        path: Where to write the PDF.
        scanned_cover: Put a scanned (image-only) cover page first.

    Returns:
        ``path``.
    """
    register_font()
    width, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4)
    if scanned_cover:
        _draw_scan(pdf, 0)
        pdf.showPage()
    page = 1
    y = height - MARGIN

    def foot() -> None:
        pdf.setFont(FONT, FONT_SIZE)
        pdf.drawCentredString(width / 2, MARGIN / 2, str(page))

    pdf.setFont(FONT, FONT_SIZE)
    for line in lines:
        if not line.strip():
            continue
        if y < MARGIN:
            foot()
            pdf.showPage()
            pdf.setFont(FONT, FONT_SIZE)
            page += 1
            y = height - MARGIN
        pdf.drawString(MARGIN, y, line.strip())
        y -= LEADING
    foot()
    pdf.save()
    return path


def grid_pdf(lines: list[str], path: Path, tables: Collection[str] = GRID_TABLES) -> Path:
    """Draw the report with the named tables as ruled grids and everything else as text lines.

    A table runs from its caption to the next caption, a ``数据来源``/``注：`` line or the end.

    Args:
        lines: The report's lines.
        path: Where to write the PDF.
        tables: Table numbers to draw as grids (``"2-15"``, ``"1"`` for the appendix 表1).

    Returns:
        ``path``.
    """
    register_font()
    stripped = [line.strip() for line in lines if line.strip()]
    story = []
    index = 0
    while index < len(stripped):
        line = stripped[index]
        story.append(_TextLine(line))
        index += 1
        match = _CAPTION_RE.match(line)
        if not match or re.sub(r"\s", "", match.group(1)) not in tables:
            continue
        body = []
        while (
            index < len(stripped)
            and not _CAPTION_RE.match(stripped[index])
            and not _TABLE_END_RE.match(stripped[index])
        ):
            body.append(stripped[index])
            index += 1
        story.append(_grid(body))

    def foot(page_canvas: canvas.Canvas, doc: SimpleDocTemplate) -> None:
        page_canvas.saveState()
        page_canvas.setFont(FONT, FONT_SIZE)
        page_canvas.drawCentredString(A4[0] / 2, MARGIN / 2, f"- {doc.page} -")
        page_canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN
    )
    doc.build(story, onFirstPage=foot, onLaterPages=foot)
    return path


def scanned_pdf(path: Path, n_pages: int = 2) -> Path:
    """A PDF whose pages are images only (as from a scanner): no text layer at all."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in range(n_pages):
        _draw_scan(pdf, page)
        pdf.showPage()
    pdf.save()
    return path


def encrypted_pdf(lines: list[str], path: Path, password: str = "secret") -> Path:
    """A PDF of the given lines that needs a password to open."""
    register_font()
    encryption = pdfencrypt.StandardEncryption(password, ownerPassword=password + "-owner")
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encryption)
    pdf.setFont(FONT, FONT_SIZE)
    y = A4[1] - MARGIN
    for line in lines:
        pdf.drawString(MARGIN, y, line)
        y -= LEADING
    pdf.save()
    return path


# ------------------------------------------------------------------ drawing helpers


def _draw_scan(pdf: canvas.Canvas, seed: int) -> None:
    """Fill the page with an image of grey bars where lines of text were, as a scanner would."""
    image = Image.new("L", (200, 280), 255)
    draw = ImageDraw.Draw(image)
    for row in range(20, 260, 12):
        draw.rectangle((20, row, 180 - 7 * (row % 5) - seed, row + 5), fill=90)
    pdf.drawImage(ImageReader(image), MARGIN, MARGIN, width=A4[0] - 2 * MARGIN, height=A4[1] - 2 * MARGIN)


def _paragraph(text: str) -> Paragraph:
    style = ParagraphStyle("cell", fontName=FONT, fontSize=FONT_SIZE, leading=FONT_SIZE + 2, wordWrap="CJK")
    return Paragraph(escape(text), style)


def _split(line: str) -> tuple[str, list[str]]:
    """A line's label (text before the trailing numbers) and its trailing numbers."""
    tokens = line.split()
    first_number = len(tokens)
    while first_number > 0 and _NUMBER_RE.match(tokens[first_number - 1]):
        first_number -= 1
    return " ".join(tokens[:first_number]), tokens[first_number:]


def _grid(body: list[str]) -> Table:
    """A ruled table: rows with numbers as label + one column per number; other lines span the row."""
    split = [_split(line) for line in body]
    n_columns = max((1 + len(numbers) for label, numbers in split if label and numbers), default=1)
    data = []
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONT", (0, 0), (-1, -1), FONT, FONT_SIZE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for row, (line, (label, numbers)) in enumerate(zip(body, split, strict=True)):
        tokens = line.split()
        if label and numbers:
            data.append([_paragraph(label), *numbers, *[""] * (n_columns - 1 - len(numbers))])
        elif not numbers and len(tokens) == n_columns:  # a header that fits the columns
            data.append([_paragraph(token) for token in tokens])
        else:
            data.append([_paragraph(line), *[""] * (n_columns - 1)])
            style.append(("SPAN", (0, row), (-1, row)))
    widths = [LABEL_WIDTH] + [NUMBER_WIDTH] * (n_columns - 1)
    return Table(data, colWidths=widths, style=TableStyle(style), hAlign="LEFT")


class _TextLine(Flowable):
    """One line of text drawn as it is (spaces included), one leading high."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, LEADING

    def draw(self) -> None:
        self.canv.setFont(FONT, FONT_SIZE)
        self.canv.drawString(0, LEADING - FONT_SIZE, self.text)
