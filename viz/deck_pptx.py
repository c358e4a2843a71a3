"""The PowerPoint deck (.pptx) of a view: native, editable charts a planner restyles for the 校务会.

Belongs here: :func:`render_deck`. 16:9 slides: a title slide; for the whole dashboard the
overview's headline cards (KPI slide) and a divider per page; one slide per chart with its
takeaway line, the chart, its 来源 line and its filters (the lines each figure was read from go
into the speaker notes); the plan's measurable targets as a table. Charts are PowerPoint chart
objects (python-pptx) whose categories, series, values and colours are read from the very Plotly
figure the page shows (the same order, 本校 in the school colour and the benchmarks in their
greys), so the numbers on a slide are the numbers on the screen — except where a slide cannot
label them all at ≥ 12 pt (:func:`layout_chart`): then the smallest of values that add up are
one 「其他 N 项」 bar (their names in the speaker notes), others go on two slides (1 / 2, 2 / 2).
Horizontal bars are written bottom-up so that LibreOffice and PowerPoint draw the value axis at
the bottom and the legend in the bars' order (:func:`add_native_chart`).

Fonts: every run names 微软雅黑 for Latin and East Asian text, with its PANOSE, pitch family and
GB2312 charset, which is what PowerPoint and WPS fall back on when the font is missing (a Mac
takes PingFang, LibreOffice on Linux a Noto CJK face for ``lang="zh-CN"``). python-pptx has no
API for the East Asian typeface, so :func:`_typefaces` writes ``a:ea`` on the run's ``a:rPr``
(reached through ``Font._element``, the documented route for what the API lacks).

Size: ~520 lines — one slide layout engine (title, KPI, divider, chart, table slides share the
grid, fonts and colours); splitting the slide kinds apart would export those internals.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.text.text import Font
from pptx.util import Emu, Inches, Pt
from xlsxwriter import Workbook

from loaders.contracts.vocabulary import STATUS_COLOURS
from viz.charts import RATIO_UNIT, format_value
from viz.dossier import Dossier, office_comparator, target_cells
from viz.i18n import benchmark_name, status_name, t, unit_name
from viz.markup import plain
from viz.pack import source_note
from viz.sections import ChartItem
from viz.theme import SCHOOL_COLOUR
from viz.topn import ADDITIVE_UNITS, MAX_LABEL_PT, fit_categories, fold_rest, label_ems

#: The deck's typeface: named for Latin and East Asian text (see the module docstring).
FONT = "微软雅黑"
_FONT_HINTS = {"panose": "020B0503020204020204", "pitchFamily": "34", "charset": "-122"}
SLIDE_WIDTH = Emu(12192000)  # PowerPoint's own 16:9 (13.333 × 7.5 in)
SLIDE_HEIGHT = Emu(6858000)
MARGIN = Inches(0.5)
TEXT_COLOUR = "1D2433"
MUTED_COLOUR = "5B6577"
GRID_COLOUR = "E3E7EC"
#: Rows of the plan-target table per slide (14 pt rows that read from the back of the room).
TARGET_ROWS_PER_SLIDE = 10

Progress = Callable[[float, str], None]


def render_deck(dossier: Dossier, progress: Progress | None = None, *, png: bool = True) -> bytes:
    """The view as a 16:9 PowerPoint deck with native charts.

    Args:
        dossier: The view (a page or the whole dashboard).
        progress: Called with ``(fraction done, what is being made)`` after each slide.
        png: Unused (the charts are native); kept for the common signature of
            :data:`viz.documents.DOCUMENTS`.

    Returns:
        The .pptx file's bytes.
    """
    report = progress or (lambda fraction, message: None)
    lang = dossier.lang
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    blank = deck.slide_layouts[6]
    _title_slide(deck.slides.add_slide(blank), dossier)
    if dossier.whole and not dossier.headline.empty:
        _kpi_slide(deck.slides.add_slide(blank), dossier)
    charts = dossier.charts()
    current_page = None
    for position, (page, item) in enumerate(charts):
        if dossier.whole and page != current_page:
            count = sum(1 for p, _ in charts if p == page)
            _divider_slide(
                deck.slides.add_slide(blank), t(f"page_{page}", lang), t("office_charts", lang, n=count), lang
            )
        current_page = page
        _chart_slides(deck, blank, item, dossier)
        report((position + 1) / (len(charts) + 1), item.title)
    targets = dossier.measurable_targets()
    for start in range(0, len(targets), TARGET_ROWS_PER_SLIDE):
        part = targets.iloc[start : start + TARGET_ROWS_PER_SLIDE]
        pages = (len(targets) + TARGET_ROWS_PER_SLIDE - 1) // TARGET_ROWS_PER_SLIDE
        number = start // TARGET_ROWS_PER_SLIDE + 1
        _targets_slide(deck.slides.add_slide(blank), part, dossier, f"{number} / {pages}" if pages > 1 else "")
    total = len(deck.slides)
    for number, slide in enumerate(deck.slides, start=1):
        if number > 1:
            box = (SLIDE_WIDTH - MARGIN - Inches(1.2), SLIDE_HEIGHT - Inches(0.42), Inches(1.2), Inches(0.3))
            _text(slide, box, f"{number} / {total}", size=10, colour=MUTED_COLOUR, align=PP_ALIGN.RIGHT, lang=lang)
    buffer = io.BytesIO()
    deck.save(buffer)
    report(1.0, "pptx")
    return buffer.getvalue()


# --- text -------------------------------------------------------------------------------------


def _typefaces(font: Font, lang: str) -> None:
    """Name :data:`FONT` for Latin and East Asian text (with its fallback hints) and the language."""
    rPr = font._element
    rPr.set("lang", "zh-CN" if lang == "zh" else "en-US")
    rPr.set("altLang", "en-US" if lang == "zh" else "zh-CN")
    font.name = FONT  # a:latin
    latin = rPr.find(qn("a:latin"))
    for key, value in _FONT_HINTS.items():
        latin.set(key, value)
    ea = rPr.find(qn("a:ea"))
    if ea is None:
        ea = etree.SubElement(rPr, qn("a:ea"))
        latin.addnext(ea)
    ea.set("typeface", FONT)
    for key, value in _FONT_HINTS.items():
        ea.set(key, value)


def _style(font: Font, *, size: float, lang: str, bold: bool = False, colour: str = TEXT_COLOUR) -> None:
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
    _typefaces(font, lang)


def _fill_paragraph(paragraph, text: str, *, size: float, lang: str, bold: bool = False, colour: str = TEXT_COLOUR):
    run = paragraph.add_run()
    run.text = plain(text, "office")
    _style(run.font, size=size, lang=lang, bold=bold, colour=colour)
    return run


def _text(
    slide,
    box: Sequence[Emu],
    text: str | Sequence[str],
    *,
    size: float,
    lang: str,
    bold: bool = False,
    colour: str = TEXT_COLOUR,
    align: PP_ALIGN | None = None,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
):
    """A text box (one paragraph per line of ``text``) that wraps inside ``box`` and never grows."""
    shape = slide.shapes.add_textbox(*box)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    frame.margin_top = frame.margin_bottom = Inches(0.02)
    lines = [text] if isinstance(text, str) else list(text)
    for position, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if position == 0 else frame.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        _fill_paragraph(paragraph, line, size=size, lang=lang, bold=bold, colour=colour)
    return shape


def _accent(slide, left: Emu, top: Emu, height: Emu) -> None:
    """The school-colour bar beside a slide's title."""
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, Inches(0.1), height)
    bar.fill.solid()
    bar.fill.fore_color.rgb = RGBColor.from_string(SCHOOL_COLOUR.lstrip("#").upper())
    bar.line.fill.background()


def _heading(slide, title: str, lang: str) -> None:
    _accent(slide, MARGIN, Inches(0.38), Inches(0.6))
    _text(
        slide, (MARGIN + Inches(0.25), Inches(0.3), SLIDE_WIDTH - 2 * MARGIN - Inches(0.25), Inches(0.75)), title,
        size=28, bold=True, lang=lang, anchor=MSO_ANCHOR.MIDDLE,
    )  # fmt: skip


def _notes(slide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = plain(text, "office")


# --- slides -----------------------------------------------------------------------------------


def _title_slide(slide, dossier: Dossier) -> None:
    lang = dossier.lang
    ctx = dossier.context
    width = SLIDE_WIDTH - 2 * MARGIN - Inches(0.4)
    _accent(slide, MARGIN, Inches(2.3), Inches(1.6))
    _text(slide, (MARGIN + Inches(0.4), Inches(2.2), width, Inches(1.8)), dossier.title, size=36, bold=True, lang=lang,
          anchor=MSO_ANCHOR.MIDDLE)  # fmt: skip
    lines = [f"{t('filters', lang)}{'：' if lang == 'zh' else ': '}{dossier.filters}"]
    lines.append(f"{t('source', lang)}{'：' if lang == 'zh' else ': '}{ctx.source}")
    lines.append(t("office_created", lang, when=f"{dossier.created:%Y-%m-%d %H:%M}"))
    _text(
        slide, (MARGIN + Inches(0.4), Inches(4.3), width, Inches(1.6)), lines, size=16, colour=MUTED_COLOUR, lang=lang
    )
    skipped = dossier.skipped()
    if skipped:
        names = "、".join(item.title for _, item in skipped) if lang == "zh" else "; ".join(i.title for _, i in skipped)
        _notes(slide, t("office_skipped", lang, names=names))


def _divider_slide(slide, title: str, subtitle: str, lang: str) -> None:
    _accent(slide, MARGIN, Inches(2.9), Inches(1.2))
    _text(slide, (MARGIN + Inches(0.4), Inches(2.8), Inches(10), Inches(0.9)), title, size=34, bold=True, lang=lang,
          anchor=MSO_ANCHOR.MIDDLE)  # fmt: skip
    _text(slide, (MARGIN + Inches(0.4), Inches(3.6), Inches(10), Inches(0.5)), subtitle, size=16, colour=MUTED_COLOUR,
          lang=lang)  # fmt: skip


def _kpi_slide(slide, dossier: Dossier) -> None:
    """The overview's headline cards: value, difference from the benchmark, plan status."""
    lang = dossier.lang
    ctx = dossier.context
    _heading(slide, t("headline", lang), lang)
    columns, gap = 5, Inches(0.2)
    width = (SLIDE_WIDTH - 2 * MARGIN - gap * (columns - 1)) / columns
    height = Inches(2.45)
    for position, card in enumerate(dossier.headline.to_dict("records")):
        left = MARGIN + (width + gap) * (position % columns)
        top = Inches(1.35) + (height + gap) * (position // columns)
        shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, int(width), height)
        shape.adjustments[0] = 0.06
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string("F6F8FA")
        shape.line.color.rgb = RGBColor.from_string("D5DBE3")
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.vertical_anchor = MSO_ANCHOR.TOP
        frame.margin_left = frame.margin_right = Inches(0.12)
        frame.margin_top = Inches(0.12)
        indicator_id = str(card["indicator_id"])
        unit = card["unit"] if isinstance(card["unit"], str) else ctx.unit(indicator_id)
        name = ctx.name(indicator_id)
        shown_unit = unit_name(unit, lang)
        label = f"{name}（{shown_unit}）" if lang == "zh" else f"{name} ({shown_unit})"
        ratio = unit == RATIO_UNIT  # 生师比 14.02 : 1, not 生师比（:1） 14.02
        paragraphs = [(name if ratio else label, 14, False, MUTED_COLOUR)]
        value_text = format_value(_number(card["value"]), unit, with_unit=ratio, lang=lang)
        paragraphs.append((value_text, 26, True, SCHOOL_COLOUR))
        if pd.notna(card["difference"]):
            unit_text = card["difference_unit"] if card["difference_unit"] != "百分点" or lang == "zh" else "pp"
            colour = {True: "2E8B57", False: "C0392B"}.get(card["is_favourable"], MUTED_COLOUR)
            vs = t("vs", lang, benchmark=benchmark_name(ctx.benchmark, lang))
            paragraphs.append((f"{card['difference']:+,.2f} {unit_text}", 15, True, colour))
            paragraphs.append((vs, 12, False, MUTED_COLOUR))
        if isinstance(card["status"], str):
            status = f"{t('plan_status', lang)}{'：' if lang == 'zh' else ': '}{status_name(card['status'], lang)}"
            paragraphs.append((status, 12, False, MUTED_COLOUR))
        for number, (text, size, bold, colour) in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            paragraph.alignment = PP_ALIGN.LEFT
            paragraph.space_after = Pt(4)
            _fill_paragraph(paragraph, text, size=size, bold=bold, colour=colour, lang=lang)
    sep = "；" if lang == "zh" else "; "
    caption = f"{t('source', lang)}{'：' if lang == 'zh' else ': '}{ctx.source}{sep}{dossier.filters}"
    _caption_lines(slide, [caption], lang)


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _caption_lines(slide, lines: list[str], lang: str) -> None:
    top = SLIDE_HEIGHT - Inches(0.5) - Inches(0.3) * len(lines)
    box = (MARGIN, top, SLIDE_WIDTH - 2 * MARGIN - Inches(1.3), Inches(0.3) * len(lines) + Inches(0.1))
    _text(slide, box, lines, size=11, colour=MUTED_COLOUR, lang=lang, anchor=MSO_ANCHOR.BOTTOM)


def is_additive(data: pd.DataFrame) -> bool:
    """Whether a chart's values add up to a whole: one series, one unit of :data:`viz.topn.ADDITIVE_UNITS`."""
    if data.empty or "unit" not in data or ("series" in data and data["series"].nunique() > 1):
        return False
    units = set(data["unit"].dropna().astype(str))
    return len(units) == 1 and units <= ADDITIVE_UNITS


def _chart_slides(deck, blank, item: ChartItem, dossier: Dossier) -> None:
    """The slide(s) of one chart: one, or one per part when its categories need more than one."""
    box = (MARGIN, Inches(1.95), SLIDE_WIDTH - 2 * MARGIN, Inches(4.55))
    for part in layout_chart(item.figure, box, dossier.lang, additive=is_additive(item.data)):
        _chart_slide(deck.slides.add_slide(blank), item, dossier, box, part)


def _chart_slide(slide, item: ChartItem, dossier: Dossier, box: Sequence[Emu], part: NativeChart) -> None:
    """Title, takeaway line, the native chart, the 来源 line and the filters."""
    lang = dossier.lang
    number, of = part.part
    suffix = "" if of == 1 else (f"（{number} / {of}）" if lang == "zh" else f" ({number} / {of})")
    _heading(slide, item.title + suffix, lang)
    width = SLIDE_WIDTH - 2 * MARGIN
    takeaway = dossier.takeaway(item)
    _text(slide, (MARGIN, Inches(1.1), width, Inches(0.8)), takeaway, size=16, colour="1F3B5C", lang=lang,
          anchor=MSO_ANCHOR.MIDDLE)  # fmt: skip
    add_native_chart(slide, item.figure, box, lang, part=part)
    provenance = item.provenance
    sep = "：" if lang == "zh" else ": "
    tables = ("、" if lang == "zh" else ", ").join(dict.fromkeys(provenance.tables))
    source = f"{t('source', lang)}{sep}{provenance.source}" + (
        f"{'，' if lang == 'zh' else ', '}{tables}" if tables else ""
    )
    _caption_lines(slide, [source, f"{t('filters', lang)}{sep}{provenance.filters}"], lang)
    folded = ""
    if part.folded:
        names = ("；" if lang == "zh" else "; ").join(part.folded)  # names hold 、 themselves
        folded = t("office_other_names", lang, label=t("other_n", lang, n=len(part.folded)), names=names)
    _notes(slide, "\n".join(line for line in (takeaway, folded, source_note(provenance, lang)) if line))


def _targets_slide(slide, rows: pd.DataFrame, dossier: Dossier, part: str) -> None:
    """The plan's measurable targets: indicator, target, current value and year, progress, status."""
    lang = dossier.lang
    _heading(
        slide,
        t("page_targets", lang) + (f"（{part}）" if part and lang == "zh" else f" ({part})" if part else ""),
        lang,
    )
    _text(slide, (MARGIN + Inches(0.25), Inches(1.0), SLIDE_WIDTH - 2 * MARGIN, Inches(0.4)), dossier.plan_title,
          size=16, colour=MUTED_COLOUR, lang=lang)  # fmt: skip
    headers = [t("indicator", lang), t("target", lang), t("current_value", lang), t("current_year", lang),
               t("progress", lang), t("status", lang)]  # fmt: skip
    widths = [Inches(3.9), Inches(2.1), Inches(2.1), Inches(1.1), Inches(0.9), Inches(2.23)]
    height = Inches(0.4) * (len(rows) + 1)
    frame = slide.shapes.add_table(len(rows) + 1, len(headers), MARGIN, Inches(1.55), sum(widths, Emu(0)), height)
    table = frame.table
    for position, column_width in enumerate(widths):
        table.columns[position].width = column_width
    for column, header in enumerate(headers):
        _cell(table.cell(0, column), header, lang, bold=True, colour="FFFFFF", fill=SCHOOL_COLOUR)
    for number, row in enumerate(rows.to_dict("records"), start=1):
        unit = str(row["unit"]) if pd.notna(row["unit"]) else ""
        _, current, year, progress = target_cells(row)
        target = f"{office_comparator(row['comparator'])} {format_value(_number(row['target_value']), unit)}"
        values = [str(row["label_zh"]), target, current, year, progress]
        fill = "FFFFFF" if number % 2 else "F6F8FA"
        for column, value in enumerate(values):
            _cell(
                table.cell(number, column),
                value,
                lang,
                fill=fill,
                align=PP_ALIGN.LEFT if column == 0 else PP_ALIGN.RIGHT,
            )
        status = str(row["status"])
        _cell(table.cell(number, 5), status_name(status, lang), lang, bold=True, colour="FFFFFF",
              fill=STATUS_COLOURS.get(status, "#95a5a6"))  # fmt: skip
    provenance = dossier.plan_provenance()
    if provenance is not None:
        _caption_lines(slide, [provenance.caption(lang)], lang)


def _cell(cell, text: str, lang: str, *, bold: bool = False, colour: str = TEXT_COLOUR, fill: str = "FFFFFF",
          align: PP_ALIGN = PP_ALIGN.LEFT) -> None:  # fmt: skip
    cell.fill.solid()
    cell.fill.fore_color.rgb = RGBColor.from_string(fill.lstrip("#").upper())
    cell.margin_left = cell.margin_right = Inches(0.08)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame = cell.text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    paragraph.alignment = align
    _fill_paragraph(paragraph, text, size=13, bold=bold, colour=colour, lang=lang)


# --- charts -----------------------------------------------------------------------------------


def chart_series(figure: go.Figure) -> tuple[str, list[str], list[dict]]:
    """What a native chart needs from a Plotly figure: its kind, its categories and its series.

    Args:
        figure: A figure of :mod:`viz.charts` (bar or line traces; text made literal for Plotly
            by :func:`viz.markup.plain`, which is undone here: the deck holds plain text).

    Returns:
        ``(kind, categories, series)``: kind is ``column``, ``bar`` (horizontal) or ``line``;
        categories in the figure's order (horizontal bars: top to bottom, as both draw them);
        each series a dict of ``name``, ``values`` (None where the series has no point),
        ``colours`` (one per point, or one for all), ``labelled`` (the figure writes its values
        on the bars) and ``decimals``.
    """
    traces = [trace for trace in figure.data if trace.type in ("bar", "scatter")]
    horizontal = bool(traces) and traces[0].type == "bar" and traces[0].orientation == "h"
    kind = "line" if traces and traces[0].type == "scatter" else ("bar" if horizontal else "column")
    categories: list[str] = []
    parsed = []
    for trace in traces:
        labels = trace.y if horizontal else trace.x
        values = trace.x if horizontal else trace.y
        keys = [_literal(label) for label in (labels if labels is not None else [])]
        categories += [key for key in keys if key not in categories]
        colour = trace.line.color if kind == "line" else trace.marker.color
        texts = [str(text) for text in (trace.text or []) if str(text)]
        parsed.append((trace, keys, list(values if values is not None else []), colour, texts))
    series = []
    for trace, keys, values, colour, texts in parsed:
        by_key = {
            key: (None if value is None or pd.isna(value) else float(value))
            for key, value in zip(keys, values, strict=True)
        }
        colours = list(colour) if isinstance(colour, list | tuple) else ([colour] if colour else [])
        series.append(
            {
                "name": _literal(trace.name or ""),
                "values": [by_key.get(key) for key in categories],
                "colours": colours,
                "labelled": bool(texts),
                "decimals": any("." in text for text in texts),
            }
        )
    return kind, categories, series


def _literal(text: object) -> str:
    """A label of a figure (made literal for Plotly) as the text it stands for, fit for XML.

    A line break the chart put into a long label (:func:`viz.charts.wrap_label`) is undone: after a
    letter, a digit or a comma it was a space; after ``·`` ``、`` ``，`` nothing (the deck wraps labels itself).
    """
    joined = re.sub(r"(?<=[A-Za-z0-9,.)])<br>", " ", str(text)).replace("<br>", "")
    return plain(html.unescape(joined), "office")


def is_percent_axis(title: str, largest: float) -> bool:
    """Whether a value axis counts percent that cannot pass 100 (its title names %, every value ≤ 100)."""
    return ("%" in title or "％" in title) and 0 < largest <= 100


def _axis_title(figure: go.Figure, horizontal: bool) -> str:
    axis = figure.layout.xaxis if horizontal else figure.layout.yaxis
    text = axis.title.text if axis is not None and axis.title is not None else None
    return html.unescape(str(text)) if text else ""


class _InertWorkbookWriter(CategoryWorkbookWriter):
    """The chart's embedded workbook (PowerPoint's "Edit Data") with every text a text cell.

    XlsxWriter's ``write`` takes a text starting with ``=`` for a formula and one looking like a URL
    for a hyperlink: a category such as ``=cmd|' /C calc'!A0`` from a report would become a live
    formula that runs when a planner edits the chart's data. Here both are off, so such a text is a
    string cell shown as typed (no ``<f>`` element in the workbook).
    """

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        workbook = Workbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class InertChartData(CategoryChartData):
    """Chart data whose embedded workbook holds no formula and no link (see :class:`_InertWorkbookWriter`)."""

    @property
    def _workbook_writer(self):
        return _InertWorkbookWriter(self)


@dataclass(frozen=True)
class NativeChart:
    """One native chart as a slide draws it (a chart too dense for one slide gives several).

    Attributes:
        kind: ``column``, ``bar`` (horizontal) or ``line``.
        categories: Categories in the figure's order (horizontal bars: top to bottom).
        series: As :func:`chart_series` gives them, cut to ``categories``.
        font_pt: Size of the category labels (:func:`viz.topn.fit_categories`).
        folded: Categories summed into the last, 「其他 N 项」 row (empty: none).
        part: ``(number, of)`` when the chart is split across slides, else ``(1, 1)``.
    """

    kind: str
    categories: list[str]
    series: list[dict]
    font_pt: float
    folded: tuple[str, ...] = ()
    part: tuple[int, int] = (1, 1)


#: Room a horizontal bar chart's box gives away to its value axis, its title and the plot's margins (pt).
_AXIS_ROOM_PT = 62.0
#: Share of a chart's width a category label may take before it wraps.
_LABEL_SHARE = 0.3
#: Fill of the 「其他」 bar when the bars have colours of their own.
OTHER_COLOUR = "A0A8B4"


def layout_chart(figure: go.Figure, box: Sequence[Emu], lang: str, *, additive: bool = False) -> list[NativeChart]:
    """The native chart(s) of ``figure`` in ``box``: every category labelled at ≥ 12 pt.

    Horizontal bars get ``box``'s height less :data:`_AXIS_ROOM_PT` for their rows
    (:func:`viz.topn.fit_categories`): all categories when they fit, else the largest with the
    rest summed into 「其他 N 项」 (``additive``: one series whose values add up), else one chart
    per slide for each part. Columns and lines keep their categories (the pages draw none with
    more than a handful).

    Args:
        figure: The page's figure (not modified).
        box: ``(left, top, width, height)`` of the chart on its slide.
        lang: Language of the 「其他」 label.
        additive: Whether the figure's values add up to a whole (see :data:`viz.topn.ADDITIVE_UNITS`).

    Returns:
        One :class:`NativeChart` per slide.
    """
    kind, categories, series = chart_series(figure)
    if kind != "bar":
        return [NativeChart(kind, categories, series, 12.0 if len(categories) > 8 else MAX_LABEL_PT)]
    width_pt, height_pt = Emu(box[2]).pt, Emu(box[3]).pt
    values = series[0]["values"] if series else []
    ranked = sorted(range(len(categories)), key=lambda i: -(values[i] or 0.0))  # the order fold_rest keeps
    fit = fit_categories(
        [label_ems(categories[i]) for i in ranked],
        length_pt=height_pt - _AXIS_ROOM_PT,
        label_width_pt=width_pt * _LABEL_SHARE,
        additive=additive and len(series) == 1,
        other_length=label_ems(t("other_n", lang, n=len(categories))),
    )
    if fit.folded:
        entry = series[0]
        label = t("other_n", lang, n=fit.folded)
        kept, values, folded = fold_rest(categories, entry["values"], fit.shown - 1, label)
        colours = entry["colours"]
        if len(colours) == len(categories) and len(set(colours)) > 1:
            by_category = dict(zip(categories, colours, strict=True))
            colours = [by_category.get(c, OTHER_COLOUR) for c in kept]
        return [NativeChart(kind, kept, [{**entry, "values": values, "colours": colours}], fit.font_pt, tuple(folded))]
    starts = range(0, len(categories), max(fit.shown, 1))
    parts = []
    for number, start in enumerate(starts, start=1):
        stop = start + fit.shown
        cut = []
        for entry in series:
            colours = entry["colours"]
            if len(colours) == len(categories) and len(set(colours)) > 1:
                colours = colours[start:stop]
            cut.append({**entry, "values": entry["values"][start:stop], "colours": colours})
        parts.append(NativeChart(kind, categories[start:stop], cut, fit.font_pt, (), (number, len(starts))))
    return parts or [NativeChart(kind, categories, series, fit.font_pt)]


def add_native_chart(slide, figure: go.Figure, box: Sequence[Emu], lang: str, *, part: NativeChart | None = None):
    """Draw ``figure`` as an editable PowerPoint chart in ``box``; returns the chart's graphic frame.

    Horizontal bars are written bottom-up — the last category and the last series first — so that
    the first category and the first series (本校) are drawn on top with the value axis at the
    bottom and the legend (on the right, listed top-down in PowerPoint and LibreOffice alike) in
    the bars' order, without a reversed axis (with ``c:orientation maxMin`` LibreOffice draws
    the value axis at the top and both suites list the legend against the bars).

    Args:
        slide: The slide.
        figure: The page's figure (not modified).
        box: ``(left, top, width, height)``.
        lang: Language of the deck (font hints).
        part: What to draw (from :func:`layout_chart`); default the first of ``layout_chart(figure, box, lang)``.

    Returns:
        The graphic frame holding the chart.
    """
    part = part or layout_chart(figure, box, lang)[0]
    kind, categories, series = part.kind, part.categories, part.series
    if kind == "bar":  # bottom-up, see above
        categories = categories[::-1]
        series = [
            {**entry, "values": entry["values"][::-1],
             "colours": entry["colours"][::-1] if len(entry["colours"]) == len(categories) else entry["colours"]}
            for entry in reversed(series)
        ]  # fmt: skip
    data = InertChartData()
    data.categories = categories
    decimals = any(s["decimals"] for s in series)
    number_format = "#,##0.00" if decimals else "#,##0"
    largest = max((abs(v) for s in series for v in s["values"] if v is not None), default=0.0)
    for entry in series:
        data.add_series(entry["name"], entry["values"], number_format=number_format)
    chart_type = {
        "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
        "bar": XL_CHART_TYPE.BAR_CLUSTERED,
        "line": XL_CHART_TYPE.LINE_MARKERS,
    }[kind]
    frame = slide.shapes.add_chart(chart_type, *box, data)
    chart = frame.chart
    chart.font.size = Pt(12)
    chart.font.color.rgb = RGBColor.from_string(TEXT_COLOUR)
    _typefaces(chart.font, lang)
    chart.has_title = False
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        # Horizontal bars: a legend beside them lists the series top-down as the bars stand.
        chart.legend.position = XL_LEGEND_POSITION.RIGHT if kind == "bar" else XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(13)
    plot = chart.plots[0]
    if kind != "line":
        plot.gap_width = 60 if len(series) > 1 or len(categories) > 6 else 100
        plot.overlap = 0
        plot.vary_by_categories = False
    many = len(categories) * len(series) >= 16
    for entry, chart_series_ in zip(series, plot.series, strict=True):
        colours = [c for c in entry["colours"] if isinstance(c, str)]
        if kind == "line":
            if colours:
                chart_series_.format.line.color.rgb = _rgb(colours[0])
                chart_series_.marker.format.fill.solid()
                chart_series_.marker.format.fill.fore_color.rgb = _rgb(colours[0])
            chart_series_.smooth = False
        elif colours:
            chart_series_.format.fill.solid()
            chart_series_.format.fill.fore_color.rgb = _rgb(colours[0])
            if len(set(colours)) > 1 and len(colours) == len(categories):
                for point, colour in enumerate(colours):
                    chart_series_.points[point].format.fill.solid()
                    chart_series_.points[point].format.fill.fore_color.rgb = _rgb(colour)
        if entry["labelled"]:
            labels = chart_series_.data_labels
            labels.show_value = True
            labels.number_format = number_format
            labels.number_format_is_linked = False
            labels.position = XL_LABEL_POSITION.ABOVE if kind == "line" else XL_LABEL_POSITION.OUTSIDE_END
            labels.font.size = Pt(10 if many else 12)
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = _rgb(GRID_COLOUR)
    value_axis.tick_labels.font.size = Pt(11)
    # Ticks need no decimals unless the values are small (shares below 10).
    value_axis.tick_labels.number_format = "#,##0.0" if decimals and largest < 10 else "#,##0"
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.format.line.fill.background()
    if kind != "line":
        value_axis.minimum_scale = 0
    title = _axis_title(figure, kind == "bar")
    if is_percent_axis(title, largest):
        value_axis.maximum_scale = 100  # a share ends at 100 %, never at an automatic 120
    if title:
        value_axis.has_title = True
        value_axis.axis_title.text_frame.text = plain(title, "office")
        run = value_axis.axis_title.text_frame.paragraphs[0].runs[0]
        _style(run.font, size=12, lang=lang, colour=MUTED_COLOUR)
    category_axis = chart.category_axis
    category_axis.tick_labels.font.size = Pt(part.font_pt)  # every label fits at this size (layout_chart)
    category_axis.format.line.color.rgb = _rgb("B8C2CF")
    category_axis.has_major_gridlines = False
    _every_label(category_axis)
    return frame


def _every_label(axis) -> None:
    """Label every category (PowerPoint and LibreOffice skip some when they think space is short:
    a distribution of 19 industries would lose every other name). No python-pptx API sets
    ``c:tickLblSkip``, so it is written on the axis element."""
    element = axis._element
    if element.find(qn("c:tickLblSkip")) is None:
        skip = etree.SubElement(element, qn("c:tickLblSkip"))
        skip.set("val", "1")
        element.remove(skip)
        element.insert_element_before(skip, "c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper()[:6])
