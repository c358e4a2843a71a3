"""The template workbook's layout: its sheets, columns, report-information cells and instructions.

Belongs here: what both the reader (:mod:`loaders.read.workbook`) and the writer
(:mod:`loaders.read.workbook_write`) must agree on, and the text of the 说明 sheet that explains it.

Layout:

- ``说明``: what to fill, units, years and ``years_after``, that formulas are not evaluated.
- ``报告信息``: school name in B2, report (data) year in B3; B4 the original file on export.
- One sheet per registry domain (``毕业生调查``, ``招生``, …, ``经费``), header in row 1
  (:data:`COLUMNS`), one observation per row from row 2; a list validation offers the
  domain's indicator ids (kept on the hidden sheet ``_lists``), and on ``毕业生调查`` the four
  survey subjects.
- ``指标一览``: every indicator with its Chinese and English name, unit and sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

DOMAIN_SHEETS: dict[str, str] = {
    "graduate_survey": "毕业生调查",
    "enrollment": "招生",
    "student_development": "学生发展",
    "programs": "专业与课程",
    "faculty": "师资",
    "conditions": "办学条件",
    "research_service": "科研与社会服务",
    "international": "国际交流",
    "finance": "经费",
}
SHEET_DOMAINS = {sheet: domain for domain, sheet in DOMAIN_SHEETS.items()}
INFO_SHEET = "说明"
META_SHEET = "报告信息"
INDICATOR_SHEET = "指标一览"
LISTS_SHEET = "_lists"
SURVEY_DOMAIN = "graduate_survey"


@dataclass(frozen=True)
class Column:
    """One column of a domain sheet: the observation field, its header and its width."""

    key: str
    header_zh: str
    width: float

    @property
    def header(self) -> str:
        """The header cell's text, e.g. ``数值 value``."""
        return f"{self.header_zh} {self.key}"


COLUMNS: tuple[Column, ...] = (
    Column("indicator_id", "指标代码", 30),
    Column("name", "指标名称", 28),
    Column("subject", "对象", 22),
    Column("year", "年份", 10),
    Column("years_after", "毕业后年数", 20),
    Column("value", "数值", 14),
    Column("unit", "单位", 10),
    Column("source_table", "来源表", 18),
    Column("source_line", "来源行", 16),
    Column("source_text", "原文", 60),
)
COLUMN_INDEX = {column.key: index for index, column in enumerate(COLUMNS, start=1)}
HEADERS = {column.key: column.header for column in COLUMNS}
# Cells of 报告信息: (label cell, value cell, label).
META_CELLS = {
    "school": ("A2", "B2", "学校名称 school"),
    "report_year": ("A3", "B3", "报告年度 report_year"),
    "source_file": ("A4", "B4", "原始文件 source_file"),
}

EXCEL_MAX_ROW = 1_048_576
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def where(sheet: str, cell: str) -> str:
    """A cell's place in messages: ``工作表「师资」F7 单元格 (sheet 师资, F7)``."""
    return f"工作表「{sheet}」{cell} 单元格 (sheet {sheet}, {cell})"


INSTRUCTIONS = [
    "高职质量年度报告数据填报模板 / Quality-report data workbook",
    "",
    "用途：为另一所学校或另一年度填写质量年度报告中的数据，导入后即可与其他报告比较。",
    "Purpose: fill in a quality report's figures for another school or year; once imported they are compared "
    "with the other reports.",
    "",
    "1. 在「报告信息」中填写学校名称（B2）和报告年度（B3，数据年度，如 2020）。",
    "   Fill in the school's name (B2) and the report's data year (B3, e.g. 2020) on 报告信息.",
    "2. 每个领域一个工作表（毕业生调查、招生、学生发展、专业与课程、师资、办学条件、科研与社会服务、国际交流、经费），"
    "从第 2 行起每行填一个数值。",
    "   One sheet per domain; one figure per row from row 2.",
    "3. 各列 / Columns:",
    "   指标代码 indicator_id：从下拉列表选择本工作表的指标；全部指标的名称、单位和所属工作表见「指标一览」。",
    "      Pick one of the sheet's indicators from the list; 指标一览 lists every indicator with its unit and sheet.",
    "   指标名称：仅供阅读，导入时不读取。 For reading only; ignored on import.",
    "   对象 subject：数值所指的对象，如 本校、专业名称、合计；「毕业生调查」只能填 全省/本科/高职/本校。",
    "      What the figure is about (本校, a programme, 合计 …); on 毕业生调查 one of 全省/本科/高职/本校.",
    "   年份 year：数值所属年份；毕业生调查填毕业届别（2019 届填 2019）。",
    "      The year the figure is for; for graduate surveys the cohort (2019 for the class of 2019).",
    "   毕业后年数 years_after：毕业生调查中毕业一年后填 1、三年后填 3，毕业当年（就业去向）填 0；其他指标留空。",
    "      Graduate surveys: 1 for one year after graduation, 3 for three years, 0 at graduation; blank otherwise.",
    "   数值 value：只填数字（数值格式），不带单位、% 或文字；百分比填 94.31，不填 0.9431 或“94.31%”。",
    "      Numbers only, no unit, % sign or words; a percentage as 94.31, not 0.9431 or '94.31%'.",
    "   单位 unit：留空即按「指标一览」中的单位；填了其他单位（如 元 而非 万元）则按 data/specs/units.csv 换算，"
    "无法换算时报错。",
    "      Blank means the indicator's unit (see 指标一览); another unit is converted by data/specs/units.csv, "
    "or refused when no factor is known.",
    "   来源表 / 来源行 / 原文 source_table / source_line / source_text：数据出处（如 表2-15、第 1277 行及该行原文）；"
    "两者须同时填写或同时留空，留空时导入记为本工作表、本行及该行内容。",
    "      Where the figure comes from; fill both table and line or neither — when blank, the import records this "
    "sheet, this row and the row's cells.",
    "4. 不计算公式：含公式的单元格会被拒绝，请粘贴数值（选择性粘贴 → 数值）。",
    "   Formulas are never evaluated: a cell holding a formula is refused; paste values instead.",
    "5. 不要合并单元格，不要修改表头或插入列；带宏（.xlsm）或设有打开密码的工作簿不予读取。",
    "   Do not merge cells or change the headers; workbooks with macros (.xlsm) or a password are refused.",
    "6. 以 = + - @ 开头的文字按文本保存和读取，不会被当作公式。",
    "   Text starting with = + - @ is kept as text and never run as a formula.",
    "7. 导入：python -m loaders ingest 文件.xlsx；"
    "导出已导入的报告：python -m loaders export --report 学校-年度 文件.xlsx。",
    "   Import: python -m loaders ingest FILE.xlsx; "
    "export a loaded report: python -m loaders export --report ID FILE.xlsx.",
    "",
    "示例 / Examples (指标代码 | 指标名称 | 对象 | 年份 | 毕业后年数 | 数值 | 单位):",
    "   毕业生调查: employment_rate | 就业率 | 本校 | 2019 | 1 | 98.82 | %",
    "   师资: fulltime_teachers | 专任教师总数 | 本校 | 2020 | (空 blank) | 533 | 人",
    "   经费: income_total | 学校收入总计 | 本校 | 2020 | (空 blank) | 39876.92 | 万元",
]
