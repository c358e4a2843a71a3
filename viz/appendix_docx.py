"""The Word appendix (.docx) of a view: tables and sentences a planner pastes into the next report.

Belongs here: :func:`render_appendix`. An A4 document in the national forms' way: for the whole
dashboard the headline indicators and a 计分卡 (indicator, cohort, unit, the school's value, the
benchmark's, the gap), then one sentence per indicator written from the data (主要发现); a
chapter per page in which every chart comes as a picture (drawn by :mod:`viz.png` without its
caption band, as narrow as makes its smallest text print at ≥ 9 pt: :func:`picture_width_px`), its
来源 line, and its data as a numbered table; the plan's measurable targets.
Captions are numbered with Word's own ``SEQ`` fields (表 1, 图 1 …), so they renumber when the
appendix is pasted into a chapter (Word: select all, F9). Body text names 宋体 for Chinese and
Times New Roman for Latin, headings and captions 黑体: the government-document convention WPS and
Word both know; LibreOffice substitutes a Noto CJK face.

Without Chromium the pictures are left out and the document says why; tables and sentences stay.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from viz.charts import format_value
from viz.dossier import Dossier, target_cells
from viz.frames import cohort_label, frame_unit, wide_frame
from viz.i18n import benchmark_name, status_name, t, unit_name, unit_note
from viz.markup import plain
from viz.sections import ChartItem

BODY_FONT = ("Times New Roman", "宋体")
HEADING_FONT = ("Times New Roman", "黑体")
TEXT_WIDTH = Cm(15.0)
#: Printed width of a half-width chart's picture.
HALF_WIDTH = Cm(13.0)
#: Smallest text on a chart picture as printed (points): the smallest a reader of A4 reads with ease.
MIN_PICTURE_PT = 9.0
#: Device pixels per CSS pixel of a chart picture: 3 gives ~340 dpi at 15 cm for a 661 px chart.
PICTURE_SCALE = 3
MUTED = RGBColor(0x5B, 0x65, 0x77)
HEADER_FILL = "DCE6F2"
_NUMERALS = "一二三四五六七八九十"

Progress = Callable[[float, str], None]


def render_appendix(dossier: Dossier, progress: Progress | None = None, *, png: bool = True) -> bytes:
    """The view as a Word appendix: tables, numbered captions, charts as pictures, sentences.

    Args:
        dossier: The view (a page or the whole dashboard).
        progress: Called with ``(fraction done, what is being made)`` after each chart.
        png: Draw the charts as pictures (False, or no Chromium: tables and sentences only).

    Returns:
        The .docx file's bytes.
    """
    report = progress or (lambda fraction, message: None)
    lang = dossier.lang
    ctx = dossier.context
    document = Document()
    _page_and_styles(document, lang)
    numbers = {"表": 0, "图": 0}
    document.add_paragraph(plain(t("office_appendix", lang, title=dossier.title), "office"), style="Title")
    sep = "：" if lang == "zh" else ": "
    for line in (
        f"{t('filters', lang)}{sep}{dossier.filters}",
        f"{t('source', lang)}{sep}{ctx.source}",
        t("office_created", lang, when=f"{dossier.created:%Y-%m-%d %H:%M}"),
    ):
        _note(document, line)
    chapter = 0

    def heading(text: str) -> None:
        nonlocal chapter
        chapter += 1
        label = (
            f"{_NUMERALS[chapter - 1]}、{text}" if lang == "zh" and chapter <= len(_NUMERALS) else f"{chapter}. {text}"
        )
        document.add_heading(plain(label, "office"), level=1)

    described: set[str] = set()
    if dossier.whole and not dossier.headline.empty:
        heading(t("headline", lang))
        _headline_table(document, dossier, numbers)
    if (dossier.whole or "outcomes" in dossier.pages) and not dossier.scorecard.empty:
        heading(t("office_scorecard", lang, benchmark=benchmark_name(ctx.benchmark, lang)))
        _scorecard_table(document, dossier, numbers)
        document.add_heading(plain(t("office_findings", lang), "office"), level=2)
        for sentence in dossier.sentences["sentence"]:
            document.add_paragraph(plain(sentence, "office"))
        described = set(dossier.sentences["indicator_id"])
    charts = dossier.charts()
    png_error = None if png else t("office_no_png_asked", lang)
    current_page = None
    for position, (page, item) in enumerate(charts):
        if page != current_page:
            heading(t(f"page_{page}", lang))
            current_page = page
        png_error = _chart(document, item, dossier, numbers, png_error, skip_takeaway=set(item.indicators) <= described)
        report((position + 1) / (len(charts) + 1), item.title)
    if png_error:
        _note(document, t("office_png_missing", lang, reason=png_error.replace("\n", " ")))
    targets = dossier.measurable_targets()
    if not targets.empty:
        heading(t("page_targets", lang))
        _targets(document, dossier, targets, numbers)
    skipped = dossier.skipped()
    if skipped:
        names = ("、" if lang == "zh" else "; ").join(item.title for _, item in skipped)
        _note(document, t("office_skipped", lang, names=names))
    buffer = io.BytesIO()
    document.save(buffer)
    report(1.0, "docx")
    return buffer.getvalue()


# --- styles and small pieces --------------------------------------------------------------------


def _fonts(style_or_run, fonts: tuple[str, str], lang: str) -> None:
    """Name the Latin and East Asian typefaces (and the language) of a style or a run."""
    latin, east_asian = fonts
    style_or_run.font.name = latin
    rPr = style_or_run.element.get_or_add_rPr()
    rFonts = rPr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rFonts.attrib.pop(qn(theme), None)  # a theme font would win over the names below
    rFonts.set(qn("w:ascii"), latin)
    rFonts.set(qn("w:hAnsi"), latin)
    rFonts.set(qn("w:eastAsia"), east_asian)
    language = rPr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rPr.append(language)
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")


def _page_and_styles(document, lang: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.54)
    section.left_margin = section.right_margin = Cm(3.0)
    styles = document.styles
    _fonts(styles["Normal"], BODY_FONT, lang)
    styles["Normal"].font.size = Pt(10.5)  # 五号
    styles["Normal"].paragraph_format.space_after = Pt(4)
    styles["Normal"].paragraph_format.line_spacing = 1.25
    for name, size in (("Title", 18), ("Heading 1", 15), ("Heading 2", 12), ("Caption", 10.5)):
        style = styles[name]
        _fonts(style, HEADING_FONT, lang)
        style.font.size = Pt(size)
        style.font.bold = name != "Caption"
        style.font.italic = False
        style.font.color.rgb = RGBColor(0x1D, 0x24, 0x33)
    styles["Caption"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Caption"].paragraph_format.space_before = Pt(6)
    styles["Caption"].paragraph_format.space_after = Pt(4)
    styles["Caption"].paragraph_format.keep_with_next = True


def _note(document, text: str) -> None:
    """A small grey line (source, filters, a remark)."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(2)
    for position, line in enumerate(text.split("\n")):
        run = paragraph.add_run(plain(line.strip(), "office"))
        run.font.size = Pt(9)
        run.font.color.rgb = MUTED
        if position < len(text.split("\n")) - 1:
            run.add_break()


def _caption(document, kind: str, numbers: dict[str, int], title: str, lang: str) -> None:
    """``表 3  就业率`` with the number as a Word ``SEQ`` field (renumbered by Word on F9)."""
    numbers[kind] += 1
    paragraph = document.add_paragraph(style="Caption")
    label = kind if lang == "zh" else {"表": "Table", "图": "Figure"}[kind]
    paragraph.add_run(f"{label} ")
    for field_type, text in (("begin", None), (None, f" SEQ {kind} \\* ARABIC "), ("separate", None)):
        run = paragraph.add_run()
        if field_type:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), field_type)
            run._r.append(char)
        else:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
    paragraph.add_run(str(numbers[kind]))
    end = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._r.append(char)
    paragraph.add_run(f"  {plain(title, 'office')}")


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _table(
    document,
    header: list[str],
    rows: list[list[str]],
    widths: list[float],
    numeric_from: int = 1,
    *,
    keep: bool = False,
) -> None:
    """A ruled table, header shaded and repeated on every page, numbers right-aligned (``keep``: its
    last row stays with the paragraph after it, a source line that would otherwise open a page alone)."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(widths)
    columns_cm = [TEXT_WIDTH.cm * width / total for width in widths]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for position, text in enumerate(header):
        cell = table.rows[0].cells[position]
        _shade(cell, HEADER_FILL)
        _cell_text(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, keep=bool(rows))
    for number, values in enumerate(rows, start=1):
        cells = table.add_row().cells
        for position, text in enumerate(values):
            align = WD_ALIGN_PARAGRAPH.RIGHT if position >= numeric_from else WD_ALIGN_PARAGRAPH.LEFT
            # Every row but the last keeps with the next: a table shorter than a page is not split.
            _cell_text(cells[position], text, align=align, keep=keep or number < len(rows))
    table.autofit = False  # Word and LibreOffice keep the widths below (the grid and every cell)
    for position, width in enumerate(columns_cm):
        table.columns[position].width = Cm(width)
    for row in table.rows:
        for position, cell in enumerate(row.cells):
            cell.width = Cm(columns_cm[position])


def _cell_text(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.LEFT, keep: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.keep_with_next = keep
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    run = paragraph.add_run(plain(text, "office"))
    run.font.size = Pt(9)
    run.bold = bold


def _table_order(name: str) -> tuple[int, ...]:
    """表2-21 before 表2-26 (and 表2-3 before 表2-15): a report's tables in the order it numbers them."""
    return tuple(int(part) for part in re.findall(r"\d+", name))


def _number(value: object, unit: str) -> str:
    return "—" if value is None or pd.isna(value) else format_value(float(value), unit, with_unit=False)


def _unit(unit: str, lang: str) -> str:
    return unit_name(unit, lang) if unit else "—"


def picture_width_px(placed_cm: float, smallest_font_px: float, min_pt: float = MIN_PICTURE_PT) -> int:
    """The widest a chart may be drawn (CSS px) for its smallest text to print at ``min_pt`` or more.

    A font of ``f`` px in a ``W`` px wide picture placed ``w`` cm wide prints at
    ``f × (w / 2.54 × 72) / W`` pt; so ``W = ⌊f × (w / 2.54 × 72) / min_pt⌋``.

    Args:
        placed_cm: Printed width of the picture.
        smallest_font_px: The figure's smallest font size (:func:`smallest_font_px`).
        min_pt: Smallest printed text size wanted.

    Returns:
        The width in CSS pixels.

    Raises:
        ValueError: A width or size that is not positive.
    """
    if placed_cm <= 0 or smallest_font_px <= 0 or min_pt <= 0:
        raise ValueError(f"sizes must be positive: {placed_cm} cm, {smallest_font_px} px, {min_pt} pt")
    return math.floor(smallest_font_px * (placed_cm / 2.54 * 72) / min_pt + 1e-9)


def smallest_font_px(spec: dict) -> float:
    """The smallest font size a Plotly figure (as a dict, its template included) may draw text at.

    Every ``size`` of a ``font``-like entry (``font``, ``tickfont``, ``textfont``, ``insidetextfont`` …)
    counts, and ``uniformtext.minsize`` (bar labels shrunk to fit their bars stop there).

    Raises:
        ValueError: The figure names no font size at all.
    """
    sizes: list[float] = []

    def walk(node: object, key: str = "") -> None:
        if isinstance(node, dict):
            if key.endswith("font") and isinstance(node.get("size"), int | float):
                sizes.append(float(node["size"]))
            if key == "uniformtext" and isinstance(node.get("minsize"), int | float):
                sizes.append(float(node["minsize"]))
            for child_key, child in node.items():
                walk(child, child_key)
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child, key)

    walk(spec)
    if not sizes:
        raise ValueError("the figure names no font size")
    return min(sizes)


def untitled(figure: go.Figure) -> go.Figure:
    """A copy of a chart without its title and subtitle: in a document the numbered caption names it
    and the source line under it gives the filters."""
    spec = figure.to_dict()
    layout = spec.setdefault("layout", {})
    layout["title"] = {"text": ""}
    margin = layout.setdefault("margin", {})
    margin["t"] = 40
    if layout.get("height"):
        layout["height"] = max(240, int(layout["height"]) - 60)
    return go.Figure(spec)


# --- parts --------------------------------------------------------------------------------------


def _headline_table(document, dossier: Dossier, numbers: dict[str, int]) -> None:
    """The overview's headline indicators: value, benchmark, gap and plan status."""
    lang = dossier.lang
    ctx = dossier.context
    benchmark = benchmark_name(ctx.benchmark, lang)
    _caption(document, "表", numbers, t("headline", lang), lang)
    header = [t("indicator", lang), t("unit", lang), t("school_row", lang), benchmark, t("difference", lang),
              t("plan_status", lang)]  # fmt: skip
    rows = []
    for card in dossier.headline.to_dict("records"):
        indicator_id = str(card["indicator_id"])
        unit = card["unit"] if isinstance(card["unit"], str) else ctx.unit(indicator_id)
        name = ctx.name(indicator_id)
        if pd.notna(card["years_after"]) and pd.notna(card["year"]):
            cohort = cohort_label(int(card["year"]), card["years_after"], lang)
            name += f"（{cohort}）" if lang == "zh" else f" ({cohort})"
        gap = "—"
        if pd.notna(card["difference"]):
            gap = f"{card['difference']:+,.2f} {_unit(str(card['difference_unit']), lang)}"
        status = status_name(card["status"], lang) if isinstance(card["status"], str) else "—"
        rows.append(
            [name, _unit(unit, lang), _number(card["value"], unit), _number(card["benchmark_value"], unit), gap, status]
        )
    _table(document, header, rows, [3.6, 1.4, 1.8, 1.8, 2.3, 2.3], numeric_from=2)
    _note(document, f"{t('source', lang)}{'：' if lang == 'zh' else ': '}{ctx.source}")


def _scorecard_table(document, dossier: Dossier, numbers: dict[str, int]) -> None:
    """计分卡: indicator, cohort, unit, the school's value, the benchmark's, the gap."""
    lang = dossier.lang
    ctx = dossier.context
    benchmark = benchmark_name(ctx.benchmark, lang)
    _caption(document, "表", numbers, t("office_scorecard", lang, benchmark=benchmark), lang)
    header = [t("indicator", lang), t("office_cohort", lang), t("unit", lang), t("school_row", lang), benchmark,
              t("difference", lang)]  # fmt: skip
    rows = []
    for row in dossier.scorecard.to_dict("records"):
        unit = str(row["unit"])
        gap = "—"
        if pd.notna(row["difference"]):
            gap = f"{row['difference']:+,.2f} {_unit(str(row['difference_unit']), lang)}"
        rows.append([str(row["indicator"]), str(row["cohort"]), _unit(unit, lang), _number(row["value"], unit),
                     _number(row["benchmark_value"], unit), gap])  # fmt: skip
    _table(document, header, rows, [3.0, 2.6, 1.3, 1.7, 1.7, 2.2], numeric_from=3)
    cited = sorted(dict.fromkeys(str(v) for v in dossier.scorecard["source_table"]), key=_table_order)
    tables = ("、" if lang == "zh" else ", ").join(cited)
    _note(
        document,
        f"{t('source', lang)}{'：' if lang == 'zh' else ': '}{ctx.source}{'，' if lang == 'zh' else ', '}{tables}",
    )


def _chart(
    document, item: ChartItem, dossier: Dossier, numbers: dict[str, int], png_error: str | None, *, skip_takeaway: bool
) -> str | None:
    """One chart: its takeaway, the picture with its 图 caption, its data as a 表 with the source lines."""
    lang = dossier.lang
    if not skip_takeaway:
        line = dossier.takeaway(item)
        if line:
            document.add_paragraph(plain(line, "office"))
    if png_error is None:
        from viz.png import WIDTH_FULL, WIDTH_HALF, PngUnavailableError, render_png

        figure = untitled(item.figure)
        placed = TEXT_WIDTH if item.width == "full" else HALF_WIDTH
        screen = WIDTH_FULL if item.width == "full" else WIDTH_HALF
        # Drawn as wide as its smallest text allows at 9 pt on paper (never wider than on screen).
        width = min(screen, picture_width_px(placed.cm, smallest_font_px(figure.to_dict())))
        try:
            image = render_png(figure, None, lang=lang, width=width, scale=PICTURE_SCALE)
        except PngUnavailableError as exc:
            png_error = exc.message
        else:
            document.add_picture(io.BytesIO(image), width=placed)
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            document.paragraphs[-1].paragraph_format.keep_with_next = True
            _caption(document, "图", numbers, item.title, lang)
            _note(document, item.provenance.caption(lang))
    table = wide_frame(item.data, lang)
    unit = frame_unit(item.data)
    title = item.title + (unit_note(unit, lang) if unit and "series" in item.data else "")
    _caption(document, "表", numbers, title, lang)
    rows = [
        [str(record[0]), *(_number(value, unit) for value in record[1:])] for record in table.itertuples(index=False)
    ]
    _table(document, [str(c) for c in table.columns], rows, [3.0] + [1.5] * (len(table.columns) - 1), keep=True)
    # The source as a publication cites it (表2-15), without the .txt line numbers the pack's readme lists.
    _note(document, item.provenance.caption(lang))
    return png_error


def _targets(document, dossier: Dossier, targets: pd.DataFrame, numbers: dict[str, int]) -> None:
    """The plan's measurable targets: a summary sentence and the table."""
    lang = dossier.lang
    counts = targets["status"].value_counts()
    total = len(dossier.attainment) if dossier.attainment is not None else len(targets)
    parts = [f"{status_name(status, lang)} {int(count)}" for status, count in counts.items()]
    summary = t("office_targets_summary", lang, plan=dossier.plan_title, total=total, n=len(targets),
                parts=("，" if lang == "zh" else ", ").join(parts))  # fmt: skip
    document.add_paragraph(plain(summary, "office"))
    _caption(document, "表", numbers, t("office_targets", lang, plan=dossier.plan_title), lang)
    header = [t("indicator", lang), t("target", lang), t("current_value", lang), t("current_year", lang),
              t("progress", lang), t("status", lang)]  # fmt: skip
    rows = []
    for row in targets.to_dict("records"):
        rows.append([str(row["label_zh"]), *target_cells(row), status_name(str(row["status"]), lang)])
    _table(document, header, rows, [3.6, 2.4, 2.4, 1.2, 1.1, 2.3])
    provenance = dossier.plan_provenance()
    if provenance is not None:
        _note(document, provenance.caption(lang))
