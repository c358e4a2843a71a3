"""The plan-targets workbook: a template a college fills with its own plan's targets, written and read.

Belongs here: the layout both sides agree on (sheet ``规划目标``: the plan's title, issuer, scope,
whom it applies to and its years at the top, one target per row below; ``填写说明``; the indicator
list ``指标一览``; hidden ``_lists`` for the drop-downs), :func:`plan_template_bytes` (the blank
template, with data validation lists as the report template has), :func:`is_plan_workbook`
(recognised by its sheet and labels, never by the file name) and :func:`read_plan_workbook`, which
turns the rows into targets through :func:`loaders.plans.build_targets` — the one path every plan
takes. A row whose indicator is not in the registry keeps its wording and is listed; a row whose
value is not understood is kept as a text target and listed; nothing is dropped. What makes the
whole file unreadable (no title, no scope, a changed header, no target) is refused with the cell.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from loaders.contracts.errors import TableError
from loaders.contracts.registry import read_registry
from loaders.plans.values import ParsedValue, parse_target_value, tidy
from loaders.read.workbook import _check_container, _open_workbook  # the report workbook's safety checks

PLAN_SHEET = "规划目标"
HELP_SHEET = "填写说明"
INDICATOR_SHEET = "指标一览"
LISTS_SHEET = "_lists"
TITLE_CELL_TEXT = "规划目标填报表 / Plan targets"
HEADER_ROW = 10
FIRST_ROW = HEADER_ROW + 1
MAX_ROWS = 2000

#: Cells at the top: key → (row, label). The value is in column B.
META_ROWS: dict[str, tuple[int, str]] = {
    "title": (2, "规划名称 title"),
    "issuer": (3, "发布单位 issuer"),
    "scope": (4, "适用范围 scope"),
    "applies_to": (5, "适用对象 applies to"),
    "start_year": (6, "起始年份 start year"),
    "target_year": (7, "目标年份 target year"),
    "source_document": (8, "来源文件 source document"),
}
#: 适用范围 as offered → the stored scope.
SCOPES = {"学校": "school", "市": "city", "省": "province"}
#: 比较 as offered → the stored comparator (blank: by the indicator's direction).
COMPARATORS = {"≥": ">=", "≤": "<=", "=": "=", "区间": "range", "文字": "text"}


@dataclass(frozen=True)
class PlanColumn:
    """One column of the target rows: its key, header and width."""

    key: str
    header: str
    width: float


COLUMNS: tuple[PlanColumn, ...] = (
    PlanColumn("indicator", "指标 indicator", 30),
    PlanColumn("comparator", "比较 comparator", 12),
    PlanColumn("target", "目标值 target", 12),
    PlanColumn("unit", "单位 unit", 10),
    PlanColumn("year", "年份 year", 10),
    PlanColumn("benchmark", "相对基准 benchmark", 14),
    PlanColumn("wording", "规划原文 wording", 48),
    PlanColumn("source_document", "来源文件 source document", 28),
    PlanColumn("group", "分组 group", 16),
)
COLUMN_INDEX = {column.key: index for index, column in enumerate(COLUMNS, start=1)}

INSTRUCTIONS = [
    "规划目标填报表 / Plan-targets workbook",
    "",
    "用途：把本校（或本市、本省）发展规划的目标填入此表并导入，仪表盘即按这些目标判断达成情况。",
    "Purpose: enter the targets of your college's (or city's, province's) development plan; once imported the"
    " dashboard judges attainment against them.",
    "",
    "1. 在「规划目标」第 2–8 行填写：规划名称、发布单位、适用范围（学校 / 市 / 省）、"
    "适用对象（学校全称，或市、省名称）、起始年份、目标年份、来源文件（规划文件的名称）。",
    "   Rows 2–8 of 规划目标: title, issuer, scope (学校 = school, 市 = city, 省 = province), whom it applies to (the"
    " school's full name as its report gives it, or the city or province), start year, target year, source document.",
    "2. 从第 11 行起每行填一个目标 / One target per row from row 11:",
    "   指标：从下拉列表选择指标登记表中的名称（见「指标一览」）；"
    "列表中没有的指标照原文填写，导入后保留原文并列为“未对应指标”。",
    "      Indicator: pick a registry name from the list (see 指标一览); one not in the list may be typed as the plan"
    " words it — it is kept with its wording and listed as not mapped.",
    "   比较：≥（不低于）、≤（不高于）、=（约为）、区间、文字；留空时按指标方向（越高越好为 ≥，越低越好为 ≤）。",
    "      Comparator: ≥, ≤, =, 区间 (range, target like 90-95), 文字 (text); blank: by the indicator's direction.",
    "   目标值：数字（百分比填 98，不填 0.98）；区间填 90-95；文字目标可填文字。",
    "      Target value: a number (a percentage as 98, not 0.98); a range as 90-95; a text target as text.",
    "   单位：留空即指标登记表中的单位；其他单位（如 元 而非 万元）按 data/specs/units.csv 换算。",
    "      Unit: blank means the registry unit; another unit is converted by data/specs/units.csv.",
    "   年份：目标的年份（如 2025）；留空即目标年份。 Year of the target; blank: the plan's target year.",
    "   相对基准：目标是某基准的倍数时选择（全省高职 / 全省 / 本科），"
    "目标值填倍数，如 1.3 表示“高于全省高职平均 1.3 倍”。",
    "      Relative benchmark: for a multiple of a benchmark (全省高职, 全省, 本科); the target value is the multiple,"
    " e.g. 1.3 for '1.3 × the provincial 高职 average'.",
    "   规划原文：规划中这一目标的原话（建议填写，用于出处）；来源文件：这一目标出自的文件（可与第 8 行不同）。",
    "      Wording: the plan's own words for the target (kept as its provenance); source document of this row.",
    "   分组：可选，如“人才培养”，用于分组显示。 Group: optional, e.g. a chapter of the plan.",
    "3. 不计算公式，不要合并单元格或改动表头。 Formulas are not evaluated; do not merge cells or change the header.",
    "4. 导入 / Import: 仪表盘「数据 → 载入新数据 → 载入规划」（规划人员密码），"
    "或 python -m loaders ingest-plan 文件.xlsx。",
    "   On the Data page (planner password), or python -m loaders ingest-plan FILE.xlsx.",
    "",
    "示例 / Example: 就业率 | ≥ | 98 | % | 2025 | | 毕业生就业率稳定在 98% 以上 | 《某某学院“十四五”发展规划》 |",
    "          平均月收入 | ≥ | 1.3 | 倍 | 2025 | 全省高职 | 毕业生月收入达全省高职平均的 1.3 倍 | |",
]


class PlanWorkbookError(TableError):
    """The plan-targets workbook cannot be read as a whole (its top cells or header)."""


def _where(cell: str) -> str:
    return f"工作表「{PLAN_SHEET}」{cell} 单元格 (sheet {PLAN_SHEET}, {cell})"


# ---------------------------------------------------------------------------- writing


def plan_template_bytes() -> bytes:
    """The blank plan-targets workbook (``python -m loaders plan-template``, the Data page's button).

    Returns:
        The ``.xlsx`` bytes.
    """
    registry = read_registry()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = PLAN_SHEET
    _write_plan_sheet(sheet, len(registry))
    help_sheet = book.create_sheet(HELP_SHEET)
    for row, text in enumerate(INSTRUCTIONS, start=1):
        help_sheet.cell(row=row, column=1, value=text)
    help_sheet.column_dimensions["A"].width = 140
    listing = book.create_sheet(INDICATOR_SHEET)
    for column, header in enumerate(("指标 name", "英文名 English", "单位 unit", "方向 direction", "代码 id"), 1):
        listing.cell(row=1, column=column, value=header).font = Font(bold=True)
    for row, item in enumerate(registry.itertuples(index=False), start=2):
        values = (item.name_zh, item.name_en, item.unit, item.direction, item.indicator_id)
        for column, value in enumerate(values, start=1):
            listing.cell(row=row, column=column, value=str(value))
    for letter, width in zip("ABCDE", (30, 44, 10, 10, 32), strict=True):
        listing.column_dimensions[letter].width = width
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    for column, values in enumerate((list(SCOPES), list(COMPARATORS), _benchmark_names()), start=1):
        for row, value in enumerate(values, start=1):
            lists.cell(row=row, column=column, value=value)
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _benchmark_names() -> list[str]:
    from loaders.plans.spec import load_plan_specs

    return list(load_plan_specs().own_plans.benchmarks)


def _write_plan_sheet(sheet: Worksheet, n_indicators: int) -> None:
    bold, fill, wrap = Font(bold=True), PatternFill("solid", fgColor="DDEBF7"), Alignment(wrap_text=True)
    sheet.cell(row=1, column=1, value=TITLE_CELL_TEXT).font = Font(bold=True, size=14)
    for row, label in META_ROWS.values():
        sheet.cell(row=row, column=1, value=label).font = bold
    for column in COLUMNS:
        cell = sheet.cell(row=HEADER_ROW, column=COLUMN_INDEX[column.key], value=column.header)
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
        sheet.column_dimensions[cell.column_letter].width = column.width
    sheet.freeze_panes = f"A{FIRST_ROW}"
    last = FIRST_ROW + MAX_ROWS - 1

    def listed(formula: str, cells: str, prompt: str, strict: bool) -> None:
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=strict)
        validation.prompt, validation.showInputMessage = prompt, True
        sheet.add_data_validation(validation)
        validation.add(cells)

    listed(f"{LISTS_SHEET}!$A$1:$A${len(SCOPES)}", f"B{META_ROWS['scope'][0]}", "学校 / 市 / 省", True)
    indicator = get_letter("indicator")
    listed(
        f"{INDICATOR_SHEET}!$A$2:$A${n_indicators + 1}",
        f"{indicator}{FIRST_ROW}:{indicator}{last}",
        "指标登记表中的名称；没有的照原文填写 / a registry name, or the plan's own words",
        False,
    )
    comparator = get_letter("comparator")
    listed(f"{LISTS_SHEET}!$B$1:$B${len(COMPARATORS)}", f"{comparator}{FIRST_ROW}:{comparator}{last}", "≥ ≤ =", True)
    benchmark = get_letter("benchmark")
    listed(
        f"{LISTS_SHEET}!$C$1:$C${len(_benchmark_names())}",
        f"{benchmark}{FIRST_ROW}:{benchmark}{last}",
        "目标为基准的倍数时选择 / for a multiple of a benchmark",
        True,
    )
    years = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100", allow_blank=True)
    years.error = "年份应为 1990–2100 的整数 / a year from 1990 to 2100"
    sheet.add_data_validation(years)
    year = get_letter("year")
    years.add(f"{year}{FIRST_ROW}:{year}{last}")
    years.add(f"B{META_ROWS['start_year'][0]}:B{META_ROWS['target_year'][0]}")


def get_letter(key: str) -> str:
    """The column letter of a target column (``indicator`` → ``A``)."""
    return openpyxl.utils.get_column_letter(COLUMN_INDEX[key])


# ---------------------------------------------------------------------------- recognising and reading


def is_plan_workbook(data: bytes) -> bool:
    """Whether the bytes are a filled (or blank) plan-targets workbook: a sheet 规划目标 whose A1 says so."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # not a workbook openpyxl can open: not ours to read
        return False
    try:
        if PLAN_SHEET not in book.sheetnames:
            return False
        first = next(book[PLAN_SHEET].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True), (None,))
        return str(first[0] or "").strip() == TITLE_CELL_TEXT
    finally:
        book.close()


@dataclass(frozen=True)
class WorkbookRow:
    """One target row of the workbook, as typed.

    Attributes:
        row: Its row number.
        cells: ``column key → value`` (None for blank).
        text: The row as written (cells joined by `` | ``), with its sheet and row.
    """

    row: int
    cells: dict[str, Any]
    text: str


@dataclass(frozen=True)
class PlanWorkbook:
    """The workbook's top cells and rows, not yet turned into targets."""

    meta: dict[str, Any]
    rows: list[WorkbookRow]


def read_plan_workbook(data: bytes, name: str) -> PlanWorkbook:
    """Read the plan-targets workbook's top cells and target rows (checked for safety first).

    Args:
        data: The file's bytes.
        name: Its name, for messages.

    Returns:
        The plan's top cells (``title, issuer, scope, applies_to, start_year, target_year,
        source_document``) and its non-blank target rows.

    Raises:
        FormatError: The file is damaged, encrypted, has macros or is otherwise unsafe to open.
        PlanWorkbookError: A required top cell is blank or wrong, the header was changed, a cell
            holds a formula, or no target row is filled.
    """
    _check_container(data, name)
    book = _open_workbook(data, name)
    if PLAN_SHEET not in book.sheetnames:
        raise PlanWorkbookError(
            name, PLAN_SHEET, f"缺少工作表「{PLAN_SHEET}」。", f"the sheet {PLAN_SHEET!r} is missing."
        )
    sheet = book[PLAN_SHEET]
    for cells in sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, FIRST_ROW + MAX_ROWS)):
        for cell in cells:
            if cell.data_type == "f":
                raise PlanWorkbookError(
                    name,
                    _where(cell.coordinate),
                    f"单元格含公式“{cell.value}”；公式不计算，请粘贴数值。",
                    f"the cell holds a formula {cell.value!r}; formulas are not evaluated — paste the value.",
                )
    for column in COLUMNS:
        cell = sheet.cell(row=HEADER_ROW, column=COLUMN_INDEX[column.key])
        if _text(cell.value) != column.header:
            raise PlanWorkbookError(
                name,
                _where(cell.coordinate),
                f"表头应为“{column.header}”，实际为“{_text(cell.value)}”；请勿修改表头或插入列。",
                f"expected the header {column.header!r}, found {_text(cell.value)!r}; do not change the header.",
            )
    meta = {key: sheet.cell(row=row, column=2).value for key, (row, _) in META_ROWS.items()}
    meta = _check_meta(meta, name)
    rows = []
    for number in range(FIRST_ROW, min(sheet.max_row, FIRST_ROW + MAX_ROWS - 1) + 1):
        cells = {column.key: sheet.cell(row=number, column=COLUMN_INDEX[column.key]).value for column in COLUMNS}
        if all(_text(value) == "" for value in cells.values()):
            continue
        written = " | ".join(_text(cells[c.key]) for c in COLUMNS)
        rows.append(WorkbookRow(number, cells, f"[工作表「{PLAN_SHEET}」第 {number} 行] {written}"))
    book.close()
    if not rows:
        raise PlanWorkbookError(
            name,
            _where(f"A{FIRST_ROW}"),
            f"没有填写任何目标（应从第 {FIRST_ROW} 行起每行一个目标）。",
            f"no target is filled in (one target per row from row {FIRST_ROW}).",
        )
    return PlanWorkbook(meta, rows)


def _check_meta(meta: dict[str, Any], name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("title", "applies_to"):
        out[key] = _text(meta[key])
        if not out[key]:
            row, label = META_ROWS[key]
            raise PlanWorkbookError(
                name,
                _where(f"B{row}"),
                f"请填写{label.split()[0]}（此格为空）。",
                f"the {label.split(' ', 1)[1]} is required; B{row} is empty.",
            )
    out["issuer"] = _text(meta["issuer"]) or out["applies_to"]
    scope = _text(meta["scope"])
    if scope not in SCOPES:
        row = META_ROWS["scope"][0]
        raise PlanWorkbookError(
            name,
            _where(f"B{row}"),
            f"适用范围应为 {'、'.join(SCOPES)} 之一，实际为“{scope}”。",
            f"the scope must be one of {', '.join(SCOPES)} (school, city, province); found {scope!r}.",
        )
    out["scope"] = SCOPES[scope]
    for key in ("start_year", "target_year"):
        row, label = META_ROWS[key]
        out[key] = year_value(meta[key], name, _where(f"B{row}"), label, required=key == "target_year")
    out["source_document"] = _text(meta["source_document"])
    return out


def year_value(value: Any, name: str, where: str, label: str, *, required: bool = False) -> int | None:
    """A year cell: an integer 1990–2100 (``2025``, ``2025年``, ``2025.0``); None when blank and not required.

    Raises:
        PlanWorkbookError: The cell is not such a year (or blank while required).
    """
    text = _text(value).removesuffix("年")
    if not text and not required:
        return None
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not (number == int(number) if number == number else False) or not 1990 <= number <= 2100:
        raise PlanWorkbookError(
            name,
            where,
            f"{label.split()[0]}应为 1990–2100 的年份，实际为“{text}”。",
            f"the {label.split(' ', 1)[-1]} must be a year from 1990 to 2100; found {text!r}.",
        )
    return int(number)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return tidy(str(value))


def row_value(row: WorkbookRow, direction: str, grammar: Any) -> tuple[ParsedValue, str | None, str]:
    """A row's target as a parsed value, the written unit, and the 观测值 as text.

    A number with a comparator (or the indicator's direction), a unit and perhaps a benchmark is
    built directly; text in the target cell (``90%``, ``90-95``, ``实质性运作``) goes through the
    plan grammar (:func:`loaders.plans.values.parse_target_value`), as a plan document's cell does.

    Args:
        row: The row.
        direction: The indicator's direction (``higher``, ``lower``, ``neutral``; ``""`` when unmapped).
        grammar: The value grammar with the own plans' benchmarks.

    Returns:
        ``(parsed value, unit as written or None, value text)``.

    Raises:
        ValueParseError: The target cell is text the grammar does not understand.
    """
    cells = row.cells
    unit = _text(cells["unit"]) or None
    comparator_word = _text(cells["comparator"])
    comparator = COMPARATORS.get(comparator_word, "")
    raw = cells["target"]
    benchmark = _text(cells["benchmark"]) or None
    shown = " ".join(x for x in (comparator_word, _text(raw), unit or "", f"× {benchmark}" if benchmark else "") if x)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw)
        if benchmark:
            return (
                ParsedValue(comparator or ">=", value=value, unit="倍", benchmark=benchmark, is_relative=True),
                None,
                shown,
            )
        if not comparator or comparator in ("range", "text"):
            comparator = "<=" if direction == "lower" else ">="
        return ParsedValue(comparator, value=value, unit=unit), unit, shown
    text = _text(raw)
    if comparator == "text" or not text:
        return ParsedValue("text"), unit, text or shown
    written = text if benchmark is None else f"{benchmark}{text}倍"
    parsed = parse_target_value(written if unit is None or text.endswith(unit) else f"{text}{unit}", grammar)
    if benchmark:
        parsed = ParsedValue(parsed.comparator, value=parsed.value, unit="倍", benchmark=benchmark, is_relative=True)
    elif comparator in (">=", "<=", "=") and parsed.comparator in (">=", "<=", "="):
        parsed = ParsedValue(comparator, value=parsed.value, unit=parsed.unit, qualifier=parsed.qualifier)
    return parsed, parsed.unit or unit, shown
