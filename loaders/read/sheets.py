"""Workbooks laid out like a report's tables (not the template): each sheet read as lines of text.

Belongs here: turning the sheets of a workbook that holds report tables — a caption row, a header
row, data rows, as a college keeps them in Excel — into the plain lines the report parser reads,
with every line's sheet and row for provenance. Cells are shown as Excel shows them: a cell with a
percent number format holding 0.9836 is the ``98.36%`` the planner sees, not 0.9836.

A sheet without a ``表 N`` caption of its own is introduced by a line ``【工作表】<sheet name>``,
so the sheet's name is matched as its caption (``招生录取情况`` finds the enrollment table).
Formulas are never evaluated: a formula cell is read as the result Excel saved with the file,
and said so; one without a saved result is left empty and named.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import openpyxl

from loaders.read.coverage import CoverageItem, Problem, locate
from loaders.read.document import SHEET_MARK
from loaders.read.record import LoadResult
from loaders.read.report import parse_report_lines
from loaders.read.spec import load_spec
from loaders.read.text import normalize

MAX_ROWS_PER_SHEET = 5000
MAX_COLUMNS = 60

_DECIMALS_RE = re.compile(r"0\.(0+)")


@dataclass
class SheetText:
    """A workbook as lines: ``places[i]`` is the ``(sheet, row)`` of ``lines[i]`` (row 0: a sheet mark)."""

    lines: list[str] = field(default_factory=list)
    places: list[tuple[str, int]] = field(default_factory=list)
    formula_cells: list[str] = field(default_factory=list)  # "sheet!B7" read from Excel's saved result
    empty_formulas: list[str] = field(default_factory=list)  # "sheet!B7" with no saved result
    percent_cells: int = 0
    hidden: list[str] = field(default_factory=list)
    cut: list[tuple[str, int]] = field(default_factory=list)  # (sheet, its rows) of sheets longer than read


def display(value: object, number_format: str) -> str:
    """A cell's value as Excel shows it: percent formats as percents, whole numbers without ``.0``.

    Args:
        value: The cell's value (openpyxl).
        number_format: The cell's number format (``0.00%``, ``General`` …).

    Returns:
        The text; empty for an empty cell.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if "%" in number_format:
            match = _DECIMALS_RE.search(number_format)
            decimals = len(match.group(1)) if match else 0
            return f"{value * 100:.{decimals}f}%"
        if float(value).is_integer():
            return str(int(value))
        return f"{value:.10g}"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    text = str(value)
    if "\n" in text:  # a cell with line breaks (Alt+Enter): joined without a space between Chinese characters
        parts = [part.strip() for part in text.splitlines() if part.strip()]
        joined = parts[0] if parts else ""
        for part in parts[1:]:
            joined += ("" if not joined[-1].isascii() or not part[0].isascii() else " ") + part
        text = joined
    return text.strip()


def sheet_text(formulas: openpyxl.Workbook, values: openpyxl.Workbook) -> SheetText:
    """Every visible sheet's rows as lines (see the module docstring).

    Args:
        formulas: The workbook loaded with formulas (``data_only=False``).
        values: The same workbook with Excel's saved results (``data_only=True``).
    """
    spec = load_spec()
    out = SheetText()
    for sheet in values.worksheets:
        if sheet.sheet_state != "visible":
            out.hidden.append(sheet.title)
            continue
        source = formulas[sheet.title]
        rows: list[tuple[str, int]] = []
        if sheet.max_row > MAX_ROWS_PER_SHEET:  # said in the coverage, never cut silently
            out.cut.append((sheet.title, sheet.max_row))
        for cells in sheet.iter_rows(max_row=min(sheet.max_row, MAX_ROWS_PER_SHEET), max_col=MAX_COLUMNS):
            texts = []
            for cell in cells:
                if cell.value is None and source[cell.coordinate].data_type != "f":
                    continue
                if source[cell.coordinate].data_type == "f":
                    if cell.value is None:
                        out.empty_formulas.append(f"{sheet.title}!{cell.coordinate}")
                        continue
                    out.formula_cells.append(f"{sheet.title}!{cell.coordinate}")
                if isinstance(cell.value, (int, float)) and "%" in cell.number_format:
                    out.percent_cells += 1
                text = display(cell.value, cell.number_format)
                if text:
                    texts.append(text)
            if texts:
                rows.append((" ".join(texts), cells[0].row))
        if not rows:
            continue
        captioned = any(spec.caption_re.match(normalize(text)) for text, _ in rows)
        if not captioned:
            out.lines.append(f"{SHEET_MARK}{sheet.title}")
            out.places.append((sheet.title, 0))
        for text, row in rows:
            out.lines.append(text)
            out.places.append((sheet.title, row))
    return out


def read_sheets_report(
    formulas: openpyxl.Workbook, values: openpyxl.Workbook, name: str, school: str | None, report_year: int | None
) -> LoadResult:
    """Read a workbook of report tables like a text report, with sheet and row as provenance.

    Raises:
        FormatError: No sheet holds a recognisable table (the report parser's message).
    """
    text = sheet_text(formulas, values)
    parsed = parse_report_lines(text.lines, name, school=school, report_year=report_year)
    table = parsed.table
    places = text.places

    def where(line: int) -> str:
        sheet, row = places[line - 1]
        return f"[工作表「{sheet}」第 {row} 行]"

    parsed.with_source_texts(
        [
            f"{where(line)} {source}"
            for line, source in zip(table["source_line"].to_pylist(), table["source_text"].to_pylist(), strict=True)
        ]
    )

    def place(line: int) -> tuple[str, str] | None:
        if not 1 <= line <= len(places):
            return None
        sheet, row = places[line - 1]
        if row == 0:  # the sheet's name, standing for its caption
            return f"工作表「{sheet}」", f"sheet {sheet}"
        return f"工作表「{sheet}」第 {row} 行", f"sheet {sheet}, row {row}"

    locate(parsed.coverage, place)
    workbook = CoverageItem("workbook", "report", "工作簿", "Workbook", status="info")
    if text.percent_cells:
        workbook.problems.append(
            Problem(
                "percent_format",
                "info",
                f"{text.percent_cells} 个单元格为百分比格式，按显示的百分数读取（如 0.9836 显示为 98.36%，读作 98.36）",
                f"{text.percent_cells} cell(s) in a percent format were read as the percent shown"
                " (0.9836 shown as 98.36% is read as 98.36)",
            )
        )
    if text.formula_cells:
        shown = "、".join(text.formula_cells[:5]) + ("…" if len(text.formula_cells) > 5 else "")
        workbook.problems.append(
            Problem(
                "formula_cached",
                "info",
                f"{len(text.formula_cells)} 个公式单元格按 Excel 保存的计算结果读取（不重新计算）：{shown}",
                f"{len(text.formula_cells)} formula cell(s) read as the result Excel saved (not recomputed): {shown}",
            )
        )
    if text.empty_formulas:
        shown = "、".join(text.empty_formulas[:5]) + ("…" if len(text.empty_formulas) > 5 else "")
        workbook.problems.append(
            Problem(
                "formula_empty",
                "warning",
                f"{len(text.empty_formulas)} 个公式单元格没有保存的计算结果，未读取：{shown}"
                "（请在 Excel 中打开并保存，或粘贴为数值）",
                f"{len(text.empty_formulas)} formula cell(s) have no saved result and were not read: {shown}"
                " (open and save the file in Excel, or paste values)",
            )
        )
    if text.hidden:
        workbook.problems.append(
            Problem(
                "hidden_sheets",
                "info",
                f"隐藏的工作表未读取：{'、'.join(text.hidden)}",
                f"hidden sheets not read: {', '.join(text.hidden)}",
            )
        )
    if text.cut:
        shown = "、".join(f"{title}（{rows} 行）" for title, rows in text.cut)
        shown_en = ", ".join(f"{title} ({rows} rows)" for title, rows in text.cut)
        message = (
            f"工作表超过 {MAX_ROWS_PER_SHEET} 行，只读取了前 {MAX_ROWS_PER_SHEET} 行：{shown}",
            f"sheets longer than {MAX_ROWS_PER_SHEET} rows; only the first {MAX_ROWS_PER_SHEET} were read: {shown_en}",
        )
        workbook.problems.append(Problem("sheet_cut", "warning", *message))
        parsed.notes.append(" / ".join(message))
    if workbook.problems:
        parsed.coverage.insert(1, workbook)
    return parsed
