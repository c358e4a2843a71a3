"""Grids: tables read row by row, recognised by caption terms and header labels, columns mapped by name.

Belongs here: recognising which ``[[table]]`` of the spec a captioned region holds, reading its
header into a column layout, and turning its rows into figures. Nothing about a particular
college is here; names are in ``data/specs/report_tables.toml``.

How a region is read:

1. **Scan.** Lines after the caption until the next caption or a table end (``数据来源``, a new
   section): lines before the first data row are the header; a data row is a label followed by
   numbers (or placeholder cells such as ``—``); lines without numbers between rows are kept as a
   label for a row that has none (a label wrapped above its numbers).
2. **Recognise.** Each table spec scores the region: all its caption term groups found in the
   caption (and none of its excluded terms), its identifying header labels, how many of its
   columns the header names; survey tables also need at least two of 全省 / 本科 / 高职 / 本校 as
   row labels. The best score wins.
3. **Layout.** The header is matched against every column's names (longest first; a printed unit
   in brackets after a name, ``（万元）``, is that column's unit). Years as a header level
   (``2021年 2022年`` over ``录取数 报到数``, or the other way round) give each column its year;
   survey subjects as columns (``指标 全省 本科 高职 本校``) turn the table: rows then name the
   indicator. A column the spec knows but the header does not have is reported absent (never 0);
   a header column the spec does not know is skipped and reported. Only when the header names no
   column at all and the rows have exactly the usual number of cells are columns taken in the usual
   order — and that is reported; a header that names some columns but not all is never guessed at
   (the table is reported as not read).
4. **Rows.** A row with the wrong number of cells, a number that does not parse, a value out of
   range, a survey row that is none of the four subjects: not read, and reported with its line.

Steps 1–3 (what the region is and how its header maps onto the spec's columns) are
:mod:`loaders.read.grid_header`; this module is step 4, the rows, and the table's year and
columns said in its coverage item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.contracts.registry import subject_aliases
from loaders.read.blocks import resolve_year
from loaders.read.coverage import CoverageItem, Problem
from loaders.read.document import MAX_YEAR, MIN_YEAR, Caption, Document
from loaders.read.grid_header import Layout, Scan, read_layout, scan_region, survey_subject
from loaders.read.spec import TableSpec, squeeze
from loaders.read.text import merge_thousands, parse_number
from loaders.read.years import check_cohort

_SERIAL_RE = re.compile(r"^\d+\s*")
#: A figure with a footnote mark after it (6378.90*, 95%※; superscripts become ※ in the text, see
#: :func:`loaders.read.text.normalize`): the figure, with the mark said.
_FOOTNOTED_RE = re.compile(r"([\d.,]*\d[\d.,]*%?)[*※]{1,2}")


def read_grid(
    doc: Document, spec: TableSpec, caption: Caption, item: CoverageItem, scan: Scan | None = None
) -> int | None:
    """Read a recognised grid into figures, recording what was not read in ``item``.

    Args:
        doc: The report.
        spec: The table spec it was recognised as.
        caption: Its caption.
        item: Its coverage item.
        scan: The region as scanned for recognising it (scanned again when the spec drops
            trailing text cells).

    Returns:
        The table's years after graduation (survey tables), also when nothing could be read.
    """
    if scan is None or spec.trailing_text:
        trailing = re.compile(spec.trailing_text) if spec.trailing_text else None
        scan = scan_region(doc, caption.index + 1, doc.region_end(caption), trailing)
    table = caption.table
    where = caption.index + 1
    years_after = _years_after(doc, spec, caption, item)
    layout = read_layout(doc, spec, scan, caption)
    if layout is None:
        header = " / ".join(line for _, line in scan.header)[:120]
        names = "、".join(column.headers[0] for column in spec.columns)
        item.add(
            Problem(
                "header_unknown",
                "warning",
                f"表头“{header}”与各行 {scan.n_cells} 个数字对不上，无法确定各列（应有：{names}），该表未读取",
                f"the header '{header}' does not fit rows of {scan.n_cells} numbers (expected: {names}); not read",
                where,
            )
        )
        return years_after
    for problem in layout.problems:
        item.add(problem)
    _report_columns(spec, layout, item, where)

    year = resolve_year(spec.year, caption.title, doc.data_year)
    if year is None:  # a survey caption without "NNNN 届"
        year = doc.data_year - (years_after or 0)
        item.add(
            Problem(
                "cohort_inferred",
                "info",
                f"表题未注明届别，按数据年度推断为 {year} 届",
                f"the caption names no class; taken to be the class of {year}",
                where,
            )
        )
    heading = _heading_year(caption, scan) if spec.year != "cohort" and not isinstance(spec.year, int) else None
    if heading is not None and heading[0] != year:
        item.add(
            Problem(
                "table_year",
                "warning" if heading[0] != doc.data_year else "info",
                f"表自身的年度标注“{heading[1]}”：数据按 {heading[0]} 年读取（报告数据年度 {doc.data_year}）",
                f"the table's own heading '{heading[1]}': its figures are for {heading[0]}"
                f" (the report's data year is {doc.data_year})",
                heading[2] + 1,
            )
        )
        year = heading[0]
    if spec.year == "cohort":
        fit = check_cohort(year, years_after, doc.data_year)
        if fit is not None:
            item.add(Problem("cohort_mismatch", "warning", fit[1], fit[2], where))
            if fit[0] == "refuse":
                return years_after
        doc_cohorts = (year, years_after, table)
        if doc_cohorts not in doc.cohorts:
            doc.cohorts.append(doc_cohorts)
    _read_rows(doc, spec, scan, layout, item, table, year, years_after)
    for index in scan.garbled:
        shown = doc.lines[index].strip()
        item.add(
            Problem(
                "row_garbled",
                "warning",
                f"这一行的数字连在一起，无法分开：“{shown}”，未读取",
                f"the figures of this row run together and cannot be told apart: '{shown}'; not read",
                index + 1,
            )
        )
    return years_after


_HEADING_YEAR_RE = re.compile(
    r"(?P<text>(?P<a>\d{4})\s*[-–—~至]\s*(?P<b>\d{4})\s*学年(?:度)?|(?P<c>\d{4})\s*年度|(?P<d>\d{4})\s*学年)"
)


def _heading_year(caption: Caption, scan: Scan) -> tuple[int, str, int] | None:
    """The year a table's own heading gives (``2015-2016学年`` → 2016, ``2016年度`` → 2016).

    Looked for in the caption and in a header line that is the heading alone (years as columns
    are a header level, not a heading). Returns ``(year, text, line index)`` or None.
    """
    places = [(caption.index, caption.title), *((i, line) for i, line in scan.header if len(line.split()) == 1)]
    for index, text in places:
        found = list(_HEADING_YEAR_RE.finditer(text))
        if len(found) != 1:
            continue
        match = found[0]
        year = int(match.group("b") or match.group("c") or match.group("d"))
        if MIN_YEAR <= year <= MAX_YEAR:
            return year, match.group("text"), index
    return None


def _years_after(doc: Document, spec: TableSpec, caption: Caption, item: CoverageItem) -> int | None:
    if spec.years_after is None or isinstance(spec.years_after, int):
        return spec.years_after
    title = squeeze(caption.title)
    for word, years in sorted(doc.spec.meta.years_after_words.items(), key=lambda kv: -len(kv[0])):
        if squeeze(word) in title:
            return years
    if spec.expect_years_after:
        assumed = spec.expect_years_after[0]
        item.add(
            Problem(
                "years_after_assumed",
                "warning",
                f"表题未注明毕业几年后，按毕业 {assumed} 年后读取",
                f"the caption does not say how long after graduation; read as {assumed} year(s) after",
                caption.index + 1,
            )
        )
        return assumed
    return None


def _report_columns(spec: TableSpec, layout: Layout, item: CoverageItem, line: int) -> None:
    if layout.transposed:
        return
    present = {leaf.column for leaf in layout.leaves if leaf.column is not None}
    for leaf in layout.leaves:
        if leaf.threshold:
            item.add(
                Problem(
                    "threshold_column",
                    "info",
                    f"“{leaf.header}”列是标准、目标或参照值，不作为本校数值读取",
                    f"column '{leaf.header}' holds a standard, target or reference value; not read as the school's",
                    line,
                )
            )
        elif leaf.column is None and leaf.unit:
            item.add(
                Problem(
                    "unit_unknown",
                    "warning",
                    f"“{leaf.header}”列的单位 {leaf.unit} 无法换算，该列未读取",
                    f"column '{leaf.header}': unit {leaf.unit} cannot be converted; not read",
                    line,
                )
            )
        elif leaf.column is None:
            item.add(
                Problem(
                    "column_unknown",
                    "info",
                    f"“{leaf.header}”列不在读取规则中，未读取",
                    f"column '{leaf.header}' is not one the spec reads; not read",
                    line,
                )
            )
    for position, column in enumerate(spec.columns):
        if position not in present and not any(leaf.unit and leaf.column is None for leaf in layout.leaves):
            item.add(
                Problem(
                    "column_absent",
                    "warning",
                    f"表中没有“{column.headers[0]}”列（{column.indicator}），记为缺失（不是 0）",
                    f"the table has no '{column.headers[0]}' column ({column.indicator}); recorded as absent, not 0",
                    line,
                )
            )


@dataclass
class _RowsRead:
    """What reading a grid's rows passed over, for the problems said once the rows are read."""

    subjects: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    placeholders: int = 0


def _read_rows(
    doc: Document,
    spec: TableSpec,
    scan: Scan,
    layout: Layout,
    item: CoverageItem,
    table: str,
    year: int,
    years_after: int | None,
) -> None:
    n = len(layout.leaves)
    read = _RowsRead()
    strip_serial = spec.strip_serial or "序号" in squeeze(" ".join(line for _, line in scan.header))
    for row in scan.rows:
        label = _SERIAL_RE.sub("", row.label) if strip_serial else row.label
        line = row.index + 1
        cells = _cells(row.cells, n, item, line)
        if not label:
            item.add(
                Problem(
                    "row_unlabelled",
                    "warning",
                    f"这一行只有数字，缺少行标题：“{doc.lines[row.index].strip()}”，未读取",
                    f"this row has numbers but no label: '{doc.lines[row.index].strip()}'; not read",
                    line,
                )
            )
            continue
        named = _row_names(doc, spec, scan, layout, item, label, line)
        if named is None:
            read.unknown.append(label)
            continue
        column, subject = named
        values = _row_values(doc, cells, n, item, subject or label, line)
        if values is None:
            continue
        read.placeholders += _observe_row(
            doc, spec, layout, item, row.index, values, column, subject, table, year, years_after
        )
        if subject is not None:
            read.subjects.append(subject)
        if spec.stop_after and subject == spec.stop_after:
            break
    _say_rows_passed_over(doc, spec, layout, item, read)


def _cells(cells: list[str], n: int, item: CoverageItem, line: int) -> list[str]:
    """A row's cells, numbers split by spaces as thousands (``1 234``) joined when that makes ``n``."""
    if len(cells) > n:
        merged = merge_thousands(cells, n)
        if merged is not None:
            item.add(
                Problem(
                    "space_thousands",
                    "info",
                    f"“{' '.join(cells)}”中的空格按千位分隔符读取",
                    f"spaces in '{' '.join(cells)}' read as thousands separators",
                    line,
                )
            )
            return merged
    return cells


def _row_names(
    doc: Document, spec: TableSpec, scan: Scan, layout: Layout, item: CoverageItem, label: str, line: int
) -> tuple[int | None, str | None] | None:
    """What a row label names: ``(column, None)`` in a turned table, ``(None, subject)`` otherwise;
    None when it names no known indicator or survey subject."""
    if layout.transposed:
        column = spec.alias_map.get(squeeze(re.sub(r"\(.*?\)$", "", label)))
        return None if column is None else (column, None)
    if spec.survey:
        subject, leaked = survey_subject(label, doc)
        if subject is None:
            return None
    else:
        subject, leaked = _subject(label, doc.spec.meta.header_words, scan)
    if leaked:
        item.add(
            Problem(
                "header_leak",
                "info",
                f"行标题“{label}”中含表头文字“{leaked}”，已去除",
                f"the row label '{label}' holds header text '{leaked}', which was removed",
                line,
            )
        )
    return None, subject


def _row_values(
    doc: Document, cells: list[str], n: int, item: CoverageItem, shown: str, line: int
) -> list[float | None] | None:
    """The row's numbers (None for a placeholder cell); None, and said, when the row cannot be read."""
    if len(cells) != n:
        item.add(
            Problem(
                "row_cut",
                "warning",
                f"“{shown}”之后应有 {n} 个数字，实际为 {len(cells)} 个，该行未读取",
                f"expected {n} numbers after {shown}, found {len(cells)}; row not read",
                line,
            )
        )
        return None
    values: list[float | None] = []
    for cell in cells:
        if cell in doc.spec.placeholders:
            values.append(None)
            continue
        value = parse_number(cell)
        marked = _FOOTNOTED_RE.fullmatch(cell)
        if value is None and marked and (value := parse_number(marked.group(1))) is not None:
            item.add(
                Problem(
                    "footnote_mark",
                    "info",
                    f"“{shown}”一行中的“{cell}”带脚注标记，按 {marked.group(1)} 读取（脚注见原文）",
                    f"'{cell}' in the row of {shown} carries a footnote mark; read as {marked.group(1)} (see the"
                    " note in the source)",
                    line,
                )
            )
        if value is None:
            item.add(
                Problem(
                    "unparseable",
                    "warning",
                    f"“{shown}”一行中的“{cell}”不是数字，该行未读取",
                    f"'{cell}' in the row of {shown} is not a number; row not read",
                    line,
                )
            )
            return None
        values.append(value)
    return values


def _observe_row(
    doc: Document,
    spec: TableSpec,
    layout: Layout,
    item: CoverageItem,
    index: int,
    values: list[float | None],
    column: int | None,
    subject: str | None,
    table: str,
    year: int,
    years_after: int | None,
) -> int:
    """Record the figures of one row; returns how many of its read cells were placeholders."""
    placeholders = 0
    for leaf, value in zip(layout.leaves, values, strict=True):
        if value is None:
            placeholders += leaf.column is not None or layout.transposed
            continue
        indicator_column = column if layout.transposed else leaf.column
        if indicator_column is None:
            continue
        indicator = spec.columns[indicator_column].indicator
        figure_subject = leaf.subject or subject or "合计"
        figure_year = leaf.year if leaf.year is not None else year
        if leaf.year is not None and leaf.cohort is False and spec.year == "cohort" and years_after:
            figure_year = leaf.year - years_after
        factor, printed = (1.0, None) if layout.transposed else (leaf.factor, leaf.unit)
        doc.observe(item, indicator, figure_subject, figure_year, years_after, value, table, index, factor, printed)
    return placeholders


def _say_rows_passed_over(doc: Document, spec: TableSpec, layout: Layout, item: CoverageItem, read: _RowsRead) -> None:
    """The problems of a whole grid: empty cells, rows of unknown names, survey rows absent, no rows."""
    n = len(layout.leaves)
    if read.placeholders:
        item.add(
            Problem(
                "placeholder_cells",
                "info",
                f"{read.placeholders} 个单元格为空（—），记为缺失",
                f"{read.placeholders} cell(s) empty (—), recorded as absent",
            )
        )
    unknown = read.unknown
    if unknown:
        shown = "、".join(unknown[:5]) + (f" 等 {len(unknown)} 行" if len(unknown) > 5 else "")
        shown_en = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        what = "不是 全省/本科/高职/本校" if spec.survey and not layout.transposed else "不是已知指标"
        what_en = "not one of 全省/本科/高职/本校" if spec.survey and not layout.transposed else "not a known indicator"
        item.add(
            Problem(
                "rows_unknown",
                "info",
                f"以下行{what}，未读取：{shown}",
                f"rows {what_en}, not read: {shown_en}",
            )
        )
    if spec.survey and not layout.transposed:
        missing = [s for s in doc.spec.survey_subjects if s not in read.subjects]
        if missing:
            item.add(
                Problem(
                    "row_absent",
                    "warning",
                    f"缺少 {'、'.join(missing)} 行（每行 {n} 个数字）",
                    f"rows missing: {', '.join(missing)} ({n} numbers each)",
                )
            )
    if not item.n_values and item.status != "missing":
        item.add(
            Problem("no_rows", "warning", "找到了表题，但没有读到任何数据行", "found the caption but no data rows")
        )


def _subject(label: str, header_words: list[str], scan: Scan) -> tuple[str, str]:
    """A row's subject (aliases applied: 总计 → 合计) and any header text that leaked into it."""
    aliases = subject_aliases()
    subject = aliases.get(("all", label)) or label
    header = squeeze(" ".join(line for _, line in scan.header))
    if scan.rows and label == scan.rows[0].label:
        for word in sorted(header_words, key=len, reverse=True):
            if label.startswith(word) and len(label) > len(word) + 1 and word not in header:
                rest = label[len(word) :]
                return aliases.get(("all", rest)) or rest, word
    return subject, ""
