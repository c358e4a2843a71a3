"""Excel workbooks out: the blank template, and one report's observations in the template layout.

Belongs here: writing :mod:`loaders.read.workbook_layout` — the instructions, 报告信息, one validated
sheet per domain, the indicator list — so that :func:`loaders.read.workbook.read_workbook` reads back
exactly what was written. Every text cell is written as a string cell (never a formula, even when
it starts with ``=``), with Excel's quote prefix on text starting with ``= + - @``.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from loaders.contracts.registry import read_registry
from loaders.read.record import OBSERVATION_COLUMNS
from loaders.read.rows import IndicatorInfo, indicator_info
from loaders.read.spec import load_spec
from loaders.read.workbook_layout import (
    COLUMN_INDEX,
    COLUMNS,
    DOMAIN_SHEETS,
    EXCEL_MAX_ROW,
    FORMULA_PREFIXES,
    INDICATOR_SHEET,
    INFO_SHEET,
    INSTRUCTIONS,
    LISTS_SHEET,
    META_CELLS,
    META_SHEET,
    SURVEY_DOMAIN,
)

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


def render_workbook(
    observations: pd.DataFrame,
    school: str | None = None,
    report_year: int | None = None,
    source_file: str | None = None,
) -> bytes:
    """The workbook layout, filled with one report's observations (empty for the template).

    Args:
        observations: Rows with :data:`loaders.read.report.OBSERVATION_COLUMNS` (may be empty).
        school: School name for ``报告信息`` B2.
        report_year: Data year for ``报告信息`` B3.
        source_file: The file the observations came from, for ``报告信息`` B4.

    Returns:
        The ``.xlsx`` bytes; :func:`read_workbook` gives back the same observations.

    Raises:
        ValueError: An observation's indicator is not in the registry.
    """
    info = indicator_info()
    unknown = sorted(set(observations["indicator_id"]) - set(info))
    if unknown:
        raise ValueError(f"indicators not in the registry: {', '.join(unknown)}")
    book = openpyxl.Workbook()
    _write_instructions(book.active)
    _write_meta(book.create_sheet(META_SHEET), school, report_year, source_file)
    domains = observations["indicator_id"].map(lambda indicator: info[indicator].domain)
    list_refs = _list_ranges(info)
    for domain, title in DOMAIN_SHEETS.items():
        sheet = book.create_sheet(title)
        _write_data_sheet(sheet, domain, observations[domains == domain], info, list_refs)
    _write_indicator_sheet(book.create_sheet(INDICATOR_SHEET))
    _write_lists(book.create_sheet(LISTS_SHEET), info)
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_bytes() -> bytes:
    """The blank template: the layout with no data rows."""
    return render_workbook(pd.DataFrame(columns=OBSERVATION_COLUMNS))


def _set_text(cell: Cell, text: str) -> None:
    """Write text as a string cell, never a formula or an error value."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    cell.data_type = "s"
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True


def _write_instructions(sheet: Worksheet) -> None:
    sheet.title = INFO_SHEET
    sheet.column_dimensions["A"].width = 130
    for row, line in enumerate(INSTRUCTIONS, start=1):
        cell = sheet.cell(row=row, column=1)
        _set_text(cell, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)


def _write_meta(sheet: Worksheet, school: str | None, report_year: int | None, source_file: str | None) -> None:
    _set_text(sheet["A1"], "报告信息 / Report information")
    sheet["A1"].font = Font(bold=True, size=14)
    values = {"school": school, "report_year": report_year, "source_file": source_file}
    for key, (label_ref, value_ref, label) in META_CELLS.items():
        _set_text(sheet[label_ref], label)
        sheet[label_ref].font = _HEADER_FONT
        value = values[key]
        if isinstance(value, int):
            sheet[value_ref] = value
        elif value:
            _set_text(sheet[value_ref], value)
    _set_text(sheet["A6"], "B2、B3 必填；B4 仅在导出时记录原始文件，导入时不读取。")
    _set_text(sheet["A7"], "B2 and B3 are required; B4 records the original file on export and is ignored on import.")
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 50
    year = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100", allow_blank=True)
    year.error = "请填写 4 位年份 / a 4-digit year"
    year.showErrorMessage = True
    sheet.add_data_validation(year)
    year.add("B3")


def _list_ranges(info: dict[str, IndicatorInfo]) -> dict[str, str]:
    """``domain → range on _lists`` of its indicator ids, plus ``"subject"`` for survey subjects."""
    refs = {}
    for index, domain in enumerate(DOMAIN_SHEETS, start=1):
        count = sum(1 for item in info.values() if item.domain == domain)
        letter = get_column_letter(index)
        refs[domain] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${max(count, 1) + 1}"
    letter = get_column_letter(len(DOMAIN_SHEETS) + 1)
    refs["subject"] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(load_spec().survey_subjects) + 1}"
    return refs


def _write_lists(sheet: Worksheet, info: dict[str, IndicatorInfo]) -> None:
    for index, domain in enumerate(DOMAIN_SHEETS, start=1):
        _set_text(sheet.cell(row=1, column=index), domain)
        ids = [indicator for indicator, item in info.items() if item.domain == domain]
        for row, indicator in enumerate(ids, start=2):
            _set_text(sheet.cell(row=row, column=index), indicator)
    column = len(DOMAIN_SHEETS) + 1
    _set_text(sheet.cell(row=1, column=column), "survey_subject")
    for row, subject in enumerate(load_spec().survey_subjects, start=2):
        _set_text(sheet.cell(row=row, column=column), subject)
    sheet.sheet_state = "hidden"


def _validation(kind: str, column: str, error: str, **kwargs: Any) -> DataValidation:
    validation = DataValidation(type=kind, allow_blank=True, showErrorMessage=True, **kwargs)
    validation.error = error
    validation.errorTitle = "输入无效 / invalid entry"
    validation.add(f"{column}2:{column}{EXCEL_MAX_ROW}")
    return validation


def _write_data_sheet(
    sheet: Worksheet, domain: str, rows: pd.DataFrame, info: dict[str, IndicatorInfo], list_refs: dict[str, str]
) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        _set_text(cell, column.header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    letter = {column.key: get_column_letter(index) for index, column in enumerate(COLUMNS, start=1)}
    validations = [
        _validation(
            "list",
            letter["indicator_id"],
            "请从下拉列表选择本工作表的指标代码（全部指标见「指标一览」）/ pick one of this sheet's indicators.",
            formula1=list_refs[domain],
        ),
        _validation(
            "whole",
            letter["year"],
            "年份为 1990–2100 的整数 / a year",
            operator="between",
            formula1="1990",
            formula2="2100",
        ),
        _validation(
            "whole",
            letter["years_after"],
            "毕业后年数为 0 或正整数 / 0 or more",
            operator="greaterThanOrEqual",
            formula1="0",
        ),
        _validation(
            "decimal",
            letter["value"],
            "只填数字 / numbers only",
            operator="between",
            formula1="-1E+307",
            formula2="1E+307",
        ),
        _validation(
            "whole",
            letter["source_line"],
            "来源行为正整数 / a line number",
            operator="greaterThanOrEqual",
            formula1="1",
        ),
    ]
    if domain == SURVEY_DOMAIN:
        subjects = load_spec().survey_subjects
        validations.append(
            _validation(
                "list",
                letter["subject"],
                f"毕业生调查的对象为 {'/'.join(subjects)} 之一 / one of {'/'.join(subjects)}",
                formula1=list_refs["subject"],
            )
        )
    for validation in validations:
        sheet.add_data_validation(validation)
    for row_number, row in enumerate(rows.itertuples(index=False), start=2):
        _write_row(sheet, row_number, row, info)


def _write_row(sheet: Worksheet, row_number: int, row: Any, info: dict[str, IndicatorInfo]) -> None:
    def cell(key: str) -> Cell:
        return sheet.cell(row=row_number, column=COLUMN_INDEX[key])

    _set_text(cell("indicator_id"), row.indicator_id)
    _set_text(cell("name"), info[row.indicator_id].name_zh)
    _set_text(cell("subject"), row.subject)
    cell("year").value = int(row.year)
    if not pd.isna(row.years_after):
        cell("years_after").value = int(row.years_after)
    cell("value").value = float(row.value)
    _set_text(cell("unit"), row.unit)
    _set_text(cell("source_table"), row.source_table)
    cell("source_line").value = int(row.source_line)
    if row.source_text:
        _set_text(cell("source_text"), row.source_text)


def _write_indicator_sheet(sheet: Worksheet) -> None:
    headers = [
        ("指标代码 indicator_id", 30),
        ("中文名称 name_zh", 30),
        ("英文名称 name_en", 40),
        ("单位 unit", 10),
        ("工作表 sheet", 16),
        ("方向 direction", 14),
        ("定义 definition", 70),
    ]
    for index, (header, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        _set_text(cell, header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    registry = read_registry()
    order = {domain: index for index, domain in enumerate(DOMAIN_SHEETS)}
    registry = registry.assign(_order=registry["domain"].map(order)).sort_values("_order", kind="stable")
    for row_number, row in enumerate(registry.itertuples(index=False), start=2):
        values = [
            row.indicator_id,
            row.name_zh,
            row.name_en,
            row.unit,
            DOMAIN_SHEETS.get(row.domain, row.domain),
            row.direction,
            row.definition,
        ]
        for index, value in enumerate(values, start=1):
            _set_text(sheet.cell(row=row_number, column=index), value)
