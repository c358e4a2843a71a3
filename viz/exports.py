"""Exports: pure ``render(frame_or_figure, provenance) -> bytes`` functions in one registry.

Belongs here: CSV for Excel users (UTF-8 with BOM), xlsx with Chinese headers, units, numbers
as numbers, a frozen header row and a 来源 sheet, and the caption every chart carries. Values
from data that a spreadsheet would execute (``=``, ``+``, ``-``, ``@`` at the start) are made
inert. PNG rendering lives in :mod:`viz.png` (it needs a browser).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from viz.i18n import t, unit_name

_DANGEROUS_START = re.compile(r"^[=+\-@\t\r]")
_NUMBER_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?$")


@dataclass(frozen=True)
class Provenance:
    """Where a chart's or table's figures come from, and the filters that shaped it.

    Attributes:
        source: The report(s) or plan(s), e.g. ``温州职业技术学院 2020 年质量年度报告``.
        tables: Tables the figures come from (``表2-15`` …).
        filters: The active filters in words (``学校：…；年度：2020；对比：高职``).
        rows: Optional per-figure provenance: ``source_table, source_line, source_text`` columns.
        filters_short: School and year for file names (``温州职业技术学院_2020``).
        school: The school the figures are of; a CSV carries it on every row.
        report: The report (or plan) they come from, as a reader names it; a CSV carries it on every row.
    """

    source: str
    tables: tuple[str, ...] = ()
    filters: str = ""
    rows: pd.DataFrame | None = field(default=None, compare=False)
    filters_short: str = ""
    school: str = ""
    report: str = ""
    #: A note on the figures (the report contradicting itself in a table drawn), after the caption.
    note: str = ""

    def caption(self, lang: str = "zh") -> str:
        """The one-line caption under a chart: source, tables (named in ``lang``), filters."""
        from viz.names import table_name

        names = dict.fromkeys(name for name in (table_name(table, lang) for table in self.tables) if name.strip())
        tables = "、".join(names) if lang == "zh" else ", ".join(names)
        if lang == "zh":
            text = f"来源：{self.source}" + (f"，{tables}" if tables else "")
            return text + (f"；筛选：{self.filters}" if self.filters else "") + (f"。{self.note}" if self.note else "")
        text = f"Source: {self.source}" + (f", {tables}" if tables else "")
        return text + (f"; filters: {self.filters}" if self.filters else "") + (f". {self.note}" if self.note else "")


def safe_file_name(text: str, limit: int = 80) -> str:
    """A file-name-safe version of ``text``: keeps Chinese, letters, digits and ``-``; the rest become ``_``."""
    return re.sub(r"[^\w\u4e00-\u9fff-]+", "_", text).strip("_")[:limit] or "chart"


def neutralise(value: object) -> object:
    """Make a text value inert for spreadsheets: a leading ``= + - @`` gets a ``'`` prefix.

    Numbers are returned unchanged; so are texts that are plain numbers such as ``-5``.
    """
    if isinstance(value, str) and _DANGEROUS_START.match(value) and not _NUMBER_TEXT.match(value):
        return "'" + value
    return value


#: Chart-frame columns and the i18n key of their reader-facing header, in output order.
_READER_COLUMNS = {
    "category": "category",
    "series": "series",
    "year": "year",
    "value": "value",
    "unit": "unit",
    "source_table": "source_table",
    "source_line": "source_line",
    "source_text": "raw_text",
    "ci_low": "ci_low",
    "ci_high": "ci_high",
    "significance": "significance",
}
#: Columns that only steer the drawing (colour roles, ids, tooltips) and mean nothing to a reader.
_INTERNAL_COLUMNS = ("role", "bar_series", "indicator_id", "hover")


def value_header(unit: str, lang: str = "zh") -> str:
    """The header of a value column with its unit: ``数值（%）`` / ``Value (%)``."""
    if not unit:
        return t("value", lang)
    name = unit_name(unit, lang)
    return f"{t('value', lang)}（{name}）" if lang == "zh" else f"{t('value', lang)} ({name})"


def reader_table(frame: pd.DataFrame, lang: str = "zh", unit: str | None = None) -> pd.DataFrame:
    """A chart's data frame as a reader sees it in a download: headers in ``lang``, unit in the header.

    Known columns (``category, series, year, value, unit, source_table, source_line,
    source_text``) are renamed and put in that order; drawing-only columns (``role``,
    ``bar_series``, ``indicator_id``) are dropped; any other column is kept as it is, after them.
    When every row has the same unit it moves into the value header (数值（%）) and the unit
    column goes; mixed units keep a 单位 column. Values are not changed.

    Args:
        frame: A chart's data (see :mod:`viz.frames`).
        lang: ``zh`` or ``en``.
        unit: The unit of the values when the frame has no ``unit`` column.

    Returns:
        A new frame; the input is not modified.
    """
    out = frame.drop(columns=[c for c in _INTERNAL_COLUMNS if c in frame.columns])
    if "unit" in out.columns:
        units = out["unit"].dropna().astype(str).unique()
        if len(units) <= 1:
            unit = units[0] if len(units) else (unit or "")
            out = out.drop(columns="unit")
    if lang == "en" and "source_table" in out.columns:
        from viz.names import table_name

        out["source_table"] = out["source_table"].map(lambda name: table_name(name, lang))
    known = [c for c in _READER_COLUMNS if c in out.columns]
    out = out[known + [c for c in out.columns if c not in _READER_COLUMNS]]
    headers = {c: t(_READER_COLUMNS[c], lang) for c in known}
    if "value" in headers:
        headers["value"] = value_header(unit or "", lang)
    return out.rename(columns=headers).reset_index(drop=True)


def _inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def with_source_columns(frame: pd.DataFrame, provenance: Provenance | None, lang: str = "zh") -> pd.DataFrame:
    """The table with the school and the report on every row (and the table, when it has one for all).

    A CSV is one sheet: what the xlsx says on its 来源 sheet has to travel on each row, so a row
    pasted elsewhere still says where it came from. Columns already there are not added twice.
    """
    if provenance is None:
        return frame
    out = frame.copy()
    front = []
    for key, value in (("school", provenance.school), ("report_name", provenance.report)):
        header = t(key, lang)
        if value and header not in out.columns:
            out.insert(len(front), header, value)
            front.append(header)
    tables = list(dict.fromkeys(provenance.tables))
    table_header = t("source_table", lang)
    if len(tables) == 1 and table_header not in out.columns and t("table", lang) not in out.columns:
        from viz.names import table_name

        out[table_header] = table_name(tables[0], lang)
    return out


def render_csv(frame: pd.DataFrame, provenance: Provenance | None = None, *, lang: str = "zh") -> bytes:
    """CSV as UTF-8 with BOM (so Chinese Excel opens it correctly), formula-safe, every row with its source.

    Args:
        frame: The table to export (headers already in the reader's language).
        provenance: The school and the report go onto every row (:func:`with_source_columns`);
            the table and line are the frame's own ``来源表``/``来源行`` columns where it has them.
        lang: The language of the added headers.

    Returns:
        The file's bytes.
    """
    return _inert_frame(with_source_columns(frame, provenance, lang)).to_csv(index=False).encode("utf-8-sig")


def render_xlsx(
    frame: pd.DataFrame,
    provenance: Provenance | None = None,
    sheet: str | None = None,
    lang: str = "zh",
    wide: pd.DataFrame | None = None,
    unit: str = "",
) -> bytes:
    """An xlsx workbook: the data sheet, a wide sheet beside it, and a 来源 sheet.

    Numbers stay numbers and carry a number format a report can take as it is: rates ``0.00"%"``
    (the report's own figures, 98.82 shown as 98.82%), counts ``#,##0``, amounts and scores
    ``#,##0.00``, years and line numbers ``0``.

    Args:
        frame: The table to export (headers already in the reader's language, see
            :func:`reader_table`); numeric columns stay numeric.
        provenance: Source, tables and filters for the 来源 sheet; its ``rows`` (source_table,
            source_line, source_text per figure) are listed there too.
        sheet: Name of the data sheet (数据 / Data by default).
        lang: Language of the per-figure headers on the 来源 sheet.
        wide: The same figures as a report's table (one row per subject, one column per cohort or
            series, :func:`viz.frames.wide_frame`), written on a second sheet (宽表 / Wide).
        unit: The unit of the wide table's values (its number format).

    Returns:
        The file's bytes.
    """
    book = Workbook()
    data = book.active
    data.title = (sheet or ("数据" if lang == "zh" else "Data"))[:31]
    _write_table(data, _inert_frame(frame))
    _number_formats(data, frame, lang)
    if wide is not None and not wide.empty:
        wide_sheet = book.create_sheet(t("wide_sheet", lang))
        _write_table(wide_sheet, _inert_frame(wide))
        for row in wide_sheet.iter_rows(min_row=2, min_col=2):
            for cell in row:
                if isinstance(cell.value, int | float):
                    cell.number_format = _format_for(unit, cell.value)
    meta = book.create_sheet("来源")
    meta.append(["项目 Item", "内容 Content"])
    if provenance is not None:
        meta.append(["来源 Source", neutralise(provenance.source)])
        meta.append(["表格 Tables", neutralise("、".join(dict.fromkeys(str(x) for x in provenance.tables)))])
        meta.append(["筛选 Filters", neutralise(provenance.filters)])
    _style_header(meta, 2)
    meta.column_dimensions["A"].width = 16
    meta.column_dimensions["B"].width = 80
    if provenance is not None and provenance.rows is not None and not provenance.rows.empty:
        meta.append([])
        start = meta.max_row + 1
        rows = _inert_frame(reader_table(provenance.rows, lang))
        meta.append(list(rows.columns))
        for record in rows.itertuples(index=False):
            meta.append([_cell(v) for v in record])
        for cell in meta[start]:
            cell.font = Font(bold=True)
        for position, column in enumerate(rows.columns[2:], start=3):
            texts = [str(column)] + [str(v) for v in rows[column].head(200)]
            width = max(_display_width(text) for text in texts)
            meta.column_dimensions[get_column_letter(position)].width = min(max(8, width + 2), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_HEADER_UNIT = re.compile(r"[（(]([^（）()]+)[）)]\s*$")
#: Number formats: a rate as the report prints it, counts whole, everything else with two decimals.
PERCENT_FORMAT = '0.00"%"'
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"


def _format_for(unit: str, value: object) -> str:
    if unit in ("%", "pp"):
        return PERCENT_FORMAT
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and unit in _COUNT_UNIT_NAMES):
        return COUNT_FORMAT
    return DECIMAL_FORMAT


#: Units (stored, and their English names) whose whole numbers are counts.
_COUNT_UNIT_NAMES = {"人", "个", "项", "门", "人次", "人日", "课时", "学时", "课次", "家", "people", "items", "count",
                     "courses", "person-times", "person-days", "class hours", "classes", "organisations"}  # fmt: skip


def _number_formats(sheet, frame: pd.DataFrame, lang: str) -> None:
    """Give every numeric cell of the data sheet its number format (see :func:`render_xlsx`)."""
    unit_column = t("unit", lang)
    plain_columns = {t("source_line", lang), t("year", lang), t("line", lang), t("current_year", lang)}
    units = frame[unit_column].astype(str).tolist() if unit_column in frame.columns else None
    for position, column in enumerate(frame.columns, start=1):
        header = str(column)
        if header in plain_columns:
            number_format = "0"
        else:
            match = _HEADER_UNIT.search(header)
            number_format = None if match is None else match.group(1)
        for row_number, cell in enumerate(sheet.iter_rows(min_row=2, min_col=position, max_col=position), start=0):
            cell = cell[0]
            if not isinstance(cell.value, int | float) or isinstance(cell.value, bool):
                continue
            if number_format == "0":
                cell.number_format = "0"
            elif number_format is not None:
                cell.number_format = _format_for(number_format, cell.value)
            elif units is not None:
                cell.number_format = _format_for(units[row_number], cell.value)
            else:
                cell.number_format = _format_for("", cell.value)


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _style_header(sheet, width: int) -> None:
    fill = PatternFill("solid", fgColor="DCE6F2")
    for cell in sheet[1][:width]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"


def _write_table(sheet, frame: pd.DataFrame) -> None:
    sheet.append([str(c) for c in frame.columns])
    for record in frame.itertuples(index=False):
        sheet.append([_cell(v) for v in record])
    _style_header(sheet, len(frame.columns))
    for position, column in enumerate(frame.columns, start=1):
        texts = [str(column)] + [str(v) for v in frame[column].head(200)]
        width = max(_display_width(t) for t in texts)
        sheet.column_dimensions[get_column_letter(position)].width = min(max(8, width + 2), 60)


def _display_width(text: str) -> int:
    """Characters count double when they are CJK (they are twice as wide in Excel)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


#: The export registry: format → (renderer, file extension, MIME type). :mod:`viz.png` adds "png".
RENDERERS: dict[str, tuple[Callable[..., bytes], str, str]] = {
    "csv": (render_csv, "csv", "text/csv"),
    "xlsx": (render_xlsx, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
