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

Size: one file of ~700 lines on purpose — scanning, recognising, layout and reading share the
:class:`Scan` and :class:`Layout` of one region and report into one coverage item; split, each part
would need the others' internals. Documents, forms and blocks are already their own modules.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from loaders.contracts.registry import known_units, registry_units, subject_aliases, unit_factor
from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from loaders.read.blocks import resolve_year
from loaders.read.coverage import CoverageItem, Problem
from loaders.read.document import MAX_YEAR, MIN_YEAR, Caption, Document
from loaders.read.forms import header_meaning
from loaders.read.spec import ReportSpec, TableSpec, squeeze
from loaders.read.text import NUMERIC_TOKEN_RE, merge_thousands, parse_number
from loaders.read.years import check_cohort

_numeric_token = NUMERIC_TOKEN_RE.match
_YEAR_TOKEN_RE = re.compile(
    r"(?P<a>\d{4})\s*[-–—~至]\s*(?P<b>\d{4})\s*学年|(?P<c>\d{4})\s*届|(?P<d>\d{4})\s*年度?"
    r"|(?<![\d.])(?P<e>(?:19|20)\d{2})(?![\d.%年届])"
)
_SERIAL_RE = re.compile(r"^\d+\s*")
# A run of digits, points and commas long enough to hold two figures (checked: it must parse as one)
_DIGIT_RUN_RE = re.compile(r"\d[\d.,]{4,}%?")
_TABLE_UNIT_RE = re.compile(r"单位\s*[:]\s*(?P<unit>[^\s()]{1,4})")


@dataclass
class RawRow:
    """A data row as scanned: its line, label and cells (numbers or placeholders)."""

    index: int
    label: str
    cells: list[str]


@dataclass
class Scan:
    """A region as scanned: header lines, data rows, where it stopped."""

    header: list[tuple[int, str]] = field(default_factory=list)
    rows: list[RawRow] = field(default_factory=list)
    #: Lines among the rows whose figures ran together into one token (``技术11032002.0010.00``)
    garbled: list[int] = field(default_factory=list)
    _index: tuple[str, list[tuple[int, int]], list[int]] | None = None

    def header_index(self) -> tuple[str, list[tuple[int, int]], list[int]]:
        """The header joined without whitespace, with ``(offset, line)`` starts and cell offsets."""
        if self._index is None:
            joined, starts, cells = "", [], []
            for index, line in self.header:
                starts.append((len(joined), index))
                for token in line.split():
                    cells.append(len(joined))
                    joined += squeeze(token, normalized=True)
            self._index = (joined, starts, cells)
        return self._index

    @property
    def n_cells(self) -> int:
        """The usual number of cells per row (the most common count)."""
        counts = Counter(len(row.cells) for row in self.rows)
        return counts.most_common(1)[0][0] if counts else 0


@dataclass(frozen=True)
class Leaf:
    """One value column: which spec column it is (None: not read) and what the header adds."""

    column: int | None
    year: int | None = None
    cohort: bool = False
    subject: str | None = None
    factor: float = 1.0
    unit: str | None = None
    header: str = ""
    threshold: bool = False  # a standard, threshold or target column: never the school's value


@dataclass
class Layout:
    """How a grid's cells map to figures."""

    leaves: list[Leaf]
    transposed: bool = False  # row labels name the column (years or survey subjects across)
    how: str = "header"  # "header", "tokens" or "position"
    problems: list[Problem] = field(default_factory=list)


# ---------------------------------------------------------------------------------------- scanning
def scan_region(doc: Document, start: int, end: int, trailing: re.Pattern[str] | None = None) -> Scan:
    """Split a region into header lines and data rows (see the module docstring).

    Args:
        doc: The report.
        start: First line index after the caption.
        end: Line index after the region.
        trailing: Text cells at the end of a row that are not numbers (``校级``): dropped.
    """
    scan = Scan()
    placeholders = doc.spec.placeholders
    block_end = doc.spec.block_end_re.search
    pending: list[str] = []
    continuation = set(c.index for c in doc.captions if c.continuation)
    index = start
    while index < end:
        line = doc.norm[index]
        if index in continuation:
            index += 1
            continue
        if block_end(line):
            break
        tokens = line.split()
        if not tokens:
            index += 1
            continue
        if trailing is not None and len(tokens) > 1 and trailing.match(tokens[-1]):
            tokens = tokens[:-1]
        first = len(tokens)
        while first > 0 and (_numeric_token(tokens[first - 1]) or tokens[first - 1] in placeholders):
            first -= 1
        cells = tokens[first:]
        numeric = [c for c in cells if c not in placeholders]
        if not numeric:
            if not scan.rows:
                scan.header.append((index, line))
            else:
                if any(parse_number(run.rstrip("%")) is None for run in _DIGIT_RUN_RE.findall(line)):
                    scan.garbled.append(index)
                pending.append(line)
            index += 1
            continue
        if not scan.rows and len(numeric) >= 2 and all(_is_year(c) for c in numeric):
            scan.header.append((index, line))  # a header line of years: 年度 2021 2022 2023
            index += 1
            continue
        label = "".join(tokens[:first]) or "".join("".join(p.split()) for p in pending)
        pending = []
        scan.rows.append(RawRow(index, label, cells))
        index += 1
    return scan


def _is_year(token: str) -> bool:
    return token.isdigit() and len(token) == 4 and MIN_YEAR <= int(token) <= MAX_YEAR


# ---------------------------------------------------------------------------------------- recognising
#: The column of a header cell that names a standard, threshold or target (``全省平均报到率``): counted
#: as a column of the table, never read as the school's value.
THRESHOLD = -1


def _measures(spec: TableSpec, scan: Scan, report: ReportSpec | None = None) -> list[tuple[int, int, str | None, str]]:
    """Column names found in the header: ``(line index, column, printed unit, name)`` in order.

    The header lines are joined without whitespace (a name may wrap over lines); a second name of
    the same column inside the same header cell (``占总留本地人数比例`` holds ``占总留`` and ``比例``)
    counts once. With ``report``, a header cell that names a threshold (``threshold_words``:
    ``全省平均报到率``, ``国家标准``) is one column :data:`THRESHOLD`, whatever names it holds.
    """
    joined, starts, cells = scan.header_index()
    found: list[tuple[int, int, str | None, str]] = []
    last: tuple[int, int] | None = None  # (cell, column) of the previous name
    aliases = spec.alias_map
    thresholds = _threshold_cells(joined, cells, report) if report is not None else {}
    for match in spec.alias_re.finditer(joined):
        cell = bisect.bisect_right(cells, match.start()) - 1
        column = THRESHOLD if cell in thresholds else aliases[match.group("alias")]
        if last == (cell, column):
            continue
        last = (cell, column)
        line = next(index for offset, index in reversed(starts) if offset <= match.start())
        name = thresholds.get(cell, match.group("alias"))
        found.append((line, column, None if column == THRESHOLD else match.group("unit"), name))
    return found


def _threshold_cells(joined: str, cells: list[int], report: ReportSpec) -> dict[int, str]:
    """``cell → text`` of the header cells that name a standard, threshold or target."""
    out = {}
    for i, start in enumerate(cells):
        text = joined[start : cells[i + 1] if i + 1 < len(cells) else len(joined)]
        if header_meaning(text, report) == "threshold":
            out[i] = text
    return out


def caption_score(spec: TableSpec, title: str, squeezed: str | None = None) -> bool:
    """Whether every caption term group of the spec is in the title and no excluded term is.

    ``squeezed``: the title already squeezed (one caption is scored against every spec).
    """
    squeezed = squeezed if squeezed is not None else squeeze(title, normalized=True)
    if any(term in squeezed for term in spec.excluded_terms):
        return False
    return all(any(term in squeezed for term in group) for group in spec.caption_terms)


def survey_subject(label: str, doc: Document) -> tuple[str | None, str]:
    """The survey subject a row label names, and any text before it that leaked from the header.

    ``全省``, ``浙江省``, ``高职院校``, ``我校``, the school's own name … (``subject_aliases.csv``).

    Returns:
        ``(subject or None, leaked prefix or "")``.
    """
    aliases = subject_aliases()
    subjects = doc.spec.survey_subjects
    label = squeeze(label, normalized=True)
    label = re.sub(r"\(.*?\)$", "", label) or label

    def direct(text: str) -> str | None:
        if text in subjects:
            return text
        if text == doc.school or text.startswith(doc.school):
            return SCHOOL_SUBJECT
        found = aliases.get(("survey", text)) or aliases.get(("all", text))
        return found if found in subjects else None

    subject = direct(label)
    if subject:
        return subject, ""
    names = sorted(
        [*subjects, doc.school, *(alias for scope, alias in aliases if scope in ("survey", "all"))],
        key=len,
        reverse=True,
    )
    for name in names:
        if name and label.endswith(name) and direct(name):
            prefix = label[: -len(name)]
            if any(word in prefix for word in doc.spec.meta.header_words) or len(prefix) <= 12:
                return direct(name), prefix
    return None, ""


def recognise(doc: Document, caption: Caption, scan: Scan) -> tuple[TableSpec, int] | None:
    """The table spec that best fits a captioned region, with its score; None when none fits."""
    best: tuple[int, int, TableSpec] | None = None
    header_text = scan.header_index()[0]
    title = squeeze(caption.title, normalized=True)
    for order, spec in enumerate(doc.spec.table):
        by_caption = caption_score(spec, caption.title, title)
        keyed = any(key in header_text for key in spec.key_terms)
        if not (by_caption or keyed):
            continue
        named = len({column for _, column, _, _ in _measures(spec, scan) if column != THRESHOLD})
        if not (by_caption or named >= 2):
            continue
        score = 4 * by_caption + 2 * keyed + named
        if spec.survey:
            rows = sum(1 for row in scan.rows if survey_subject(row.label, doc)[0])
            if rows < 2 and not _subject_columns(scan.header, doc):
                continue
            score += 2
        if best is None or (score, -order) > (best[0], best[1]):
            best = (score, -order, spec)
    return (best[2], best[0]) if best else None


# ---------------------------------------------------------------------------------------- layout
def _year_levels(header: list[tuple[int, str]]) -> list[tuple[int, list[tuple[int, bool]]]]:
    levels = []
    for index, line in header:
        years = []
        for match in _YEAR_TOKEN_RE.finditer(line):
            if match.group("b"):
                years.append((int(match.group("b")), False))
            elif match.group("c"):
                years.append((int(match.group("c")), True))
            else:
                years.append((int(match.group("d") or match.group("e")), False))
        if len(years) >= 2:
            levels.append((index, years))
    return levels


def _subject_columns(header: list[tuple[int, str]], doc: Document) -> list[str]:
    for _, line in header:
        subjects = [survey_subject(token, doc)[0] for token in line.split()]
        found = [s for s in subjects if s]
        if len(found) >= 3:
            return found
    return []


def _unit_factor(column_unit: str | None, indicator: str) -> tuple[float | None, str | None]:
    """Factor from a printed unit to the registry unit: ``(1.0, None)`` when none was printed or it
    is not a unit; ``(None, unit)`` when it is a unit that cannot be converted."""
    if not column_unit:
        return 1.0, None
    printed = column_unit.strip()
    if printed not in known_units():
        return 1.0, None
    factor = unit_factor(printed, registry_units()[indicator])
    return (factor, printed) if factor is not None else (None, printed)


def read_layout(doc: Document, spec: TableSpec, scan: Scan, caption: Caption) -> Layout | None:
    """Map the header onto the spec's columns (see the module docstring); None when it cannot be.

    A header line of one cell below the column names (``分类招生录取人数(人)`` under ``录取数 报到数 …``)
    is a row-group heading with its unit, not a column name: when the header does not fit with it,
    it is set aside (its unit, if any, stands for the table's) and the rest is tried again.
    """
    layout = _read_layout(doc, spec, scan, caption)
    if layout is not None or len(scan.header) < 2:
        return layout
    groups = [(i, line) for i, line in scan.header[1:] if len(line.split()) == 1 and not _TABLE_UNIT_RE.search(line)]
    if not groups:
        return None
    kept = Scan(header=[h for h in scan.header if h not in groups], rows=scan.rows)
    unit = None
    for _, line in groups:
        match = re.search(r"\(([^()]{1,6})\)$", line)
        if match and match.group(1) in known_units():
            unit = match.group(1)
    layout = _read_layout(doc, spec, kept, caption, unit)
    if layout is not None:
        shown = "、".join(line for _, line in groups)
        layout.problems.append(
            Problem(
                "header_group_row",
                "info",
                f"表头下的“{shown}”是分组行（不是列名）" + (f"，单位 {unit} 用于全表" if unit else ""),
                f"'{shown}' below the header is a row-group heading, not a column name"
                + (f"; its unit {unit} applies to the table" if unit else ""),
                groups[0][0] + 1,
            )
        )
    return layout


def _read_layout(
    doc: Document, spec: TableSpec, scan: Scan, caption: Caption, group_unit: str | None = None
) -> Layout | None:
    n = scan.n_cells
    if n == 0:
        return None
    measures = _measures(spec, scan, doc.spec)
    levels = _year_levels(scan.header)
    table_unit = group_unit
    for text in [caption.title, *(line for _, line in scan.header)]:
        match = _TABLE_UNIT_RE.search(text)
        if match:
            table_unit = match.group("unit")

    def leaf(column: int, unit: str | None, name: str, **extra: object) -> Leaf:
        if column == THRESHOLD:
            return Leaf(None, header=name, threshold=True, **extra)
        indicator = spec.columns[column].indicator
        factor, printed = _unit_factor(unit or table_unit, indicator)
        if factor is None:
            return Leaf(None, header=name, unit=printed, **extra)
        return Leaf(column, factor=factor, unit=printed, header=name, **extra)

    if spec.survey:
        subjects = _subject_columns(scan.header, doc)
        if len(subjects) == n:
            return Layout([Leaf(None, subject=s, header=s) for s in subjects], transposed=True)
    if levels:
        year_line, years = levels[0]
        if not measures and len(years) == n:
            return Layout([Leaf(None, year=y, cohort=c, header=str(y)) for y, c in years], transposed=True)
        if measures and n % len(years) == 0:
            group = n // len(years)
            years_outer = year_line <= measures[0][0]
            if len(years) == n:
                year_of = [years[i] for i in range(n)]
            else:
                year_of = [years[i // group] if years_outer else years[i % len(years)] for i in range(n)]
            if len(measures) == n:
                names = measures
            elif len(measures) * len(years) == n:
                m = len(measures)
                names = [measures[i % m] if years_outer else measures[i // len(years)] for i in range(n)]
            else:
                names = []
            if names:
                return Layout(
                    [
                        leaf(column, unit, name, year=year_of[i][0], cohort=year_of[i][1])
                        for i, (_, column, unit, name) in enumerate(names)
                    ]
                )
    if len(measures) == n:
        leaves, seen = [], set()
        problems = []
        for _, column, unit, name in measures:
            if column == THRESHOLD:
                leaves.append(leaf(column, unit, name))
                continue
            if column in seen:
                problems.append(
                    Problem(
                        "column_ambiguous",
                        "warning",
                        f"“{name}”列出现两次，第二列未读取",
                        f"column '{name}' appears twice; the second was not read",
                    )
                )
                leaves.append(Leaf(None, header=name))
                continue
            seen.add(column)
            leaves.append(leaf(column, unit, name))
        return Layout(leaves, problems=problems)
    tokens = scan.header[-1][1].split() if scan.header else []
    if tokens and len(tokens) in (n, n + 1):
        names = tokens[-n:]
        aliases = spec.alias_map
        leaves = []
        for name in names:
            squeezed = squeeze(re.sub(r"\(.*?\)$", "", name))
            unit_match = re.search(r"\(([^()]{1,8})\)$", name)
            column = aliases.get(squeezed)
            leaves.append(
                leaf(column, unit_match.group(1) if unit_match else None, name)
                if column is not None
                else Leaf(None, header=name)
            )
        if any(item.column is not None for item in leaves):
            return Layout(leaves, how="tokens")
    if n == len(spec.columns) and not measures:  # no column named at all: guess only then, and say so
        names = "、".join(column.headers[0] for column in spec.columns)
        return Layout(
            [leaf(i, None, column.headers[0]) for i, column in enumerate(spec.columns)],
            how="position",
            problems=[
                Problem(
                    "columns_by_position",
                    "warning",
                    f"未能识别表头，按通常顺序读取各列：{names}（请核对）",
                    f"the header was not recognised; columns read in the usual order: {names} (please check)",
                    caption.index + 1,
                )
            ],
        )
    return None


# ---------------------------------------------------------------------------------------- reading
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
