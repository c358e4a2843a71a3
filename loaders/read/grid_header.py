"""A grid's region and header: scanning it, recognising its table spec, mapping its header onto columns.

Belongs here: steps 1–3 of reading a grid (see :mod:`loaders.read.grids`, which reads the rows):
splitting a captioned region into header lines and data rows (:func:`scan_region`), scoring
every ``[[table]]`` of the spec against it (:func:`recognise`), and the :class:`Layout` that says
which spec column, year, survey subject and unit each cell of a row is (:func:`read_layout`).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from loaders.contracts.registry import known_units, registry_units, subject_aliases, unit_factor
from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from loaders.read.coverage import Problem
from loaders.read.document import MAX_YEAR, MIN_YEAR, Caption, Document
from loaders.read.forms import header_meaning
from loaders.read.spec import ReportSpec, TableSpec, squeeze
from loaders.read.text import NUMERIC_TOKEN_RE, parse_number

_numeric_token = NUMERIC_TOKEN_RE.match
# A cell that is almost a number (a sign, a footnote mark: -6378.90, 6378.90*, 98.5%①): a cell of its
# row, so that the row is refused by name as holding something that is not a number, never read as
# a label nor passed over.
_NUMBERISH_RE = re.compile(r"[-−+]?[\d.,]*\d[\d.,]*(?:%|:1)?[*※#①-⑩⁰-⁹]{0,2}")
_YEAR_TOKEN_RE = re.compile(
    r"(?P<a>\d{4})\s*[-–—~至]\s*(?P<b>\d{4})\s*学年|(?P<c>\d{4})\s*届|(?P<d>\d{4})\s*年度?"
    r"|(?<![\d.])(?P<e>(?:19|20)\d{2})(?![\d.%年届])"
)
# A run of digits, points and commas long enough to hold two figures (checked: it must parse as one)
_DIGIT_RUN_RE = re.compile(r"\d[\d.,]{4,}%?")
_TABLE_UNIT_RE = re.compile(r"单位\s*[:]\s*(?P<unit>[^\s()]{1,4})")
_UNIT_CELL_RE = re.compile(r"\(([^()]{1,6})\)")


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
        while first > 0 and (
            _numeric_token(tokens[first - 1])
            or tokens[first - 1] in placeholders
            or _NUMBERISH_RE.fullmatch(tokens[first - 1])
        ):
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


def unit_row(line: str) -> list[str] | None:
    """The units of a header line that holds only units (``(人) (人) (%)`` or ``人 人 %``), else None."""
    tokens = line.split()
    if len(tokens) < 2:
        return None
    units = []
    for token in tokens:
        match = _UNIT_CELL_RE.fullmatch(token)
        unit = match.group(1) if match else token
        if unit not in known_units():
            return None
        units.append(unit)
    return units


def _with_unit_row(scan: Scan, measures_of: Callable[[Scan], list]) -> tuple[Scan, list, list[Problem]]:
    """A header's unit row (``(人) (人) (%) …`` under the names) given to the names, one unit each, in order.

    Joined with the names (as header lines are), its first unit would sit after the last name and
    be read as that column's. It is set aside; its units go to the named columns when there are as
    many of them as names (a name's own printed unit wins, and a different one is said), and are
    said and not used otherwise.
    """
    rows = [(index, units) for index, line in scan.header if (units := unit_row(line))]
    if not rows:
        return scan, measures_of(scan), []
    kept = Scan(header=[h for h in scan.header if unit_row(h[1]) is None], rows=scan.rows, garbled=scan.garbled)
    measures = measures_of(kept)
    index, units = rows[-1]
    shown = " ".join(units)
    if len(units) != len(measures):
        return (
            kept,
            measures,
            [
                Problem(
                    "unit_row_unmatched",
                    "warning",
                    f"表头的单位行“{shown}”有 {len(units)} 个单位，而列名有 {len(measures)} 个："
                    "单位行未采用，各列按指标的登记单位读取（请核对）",
                    f"the header's unit row '{shown}' has {len(units)} units for {len(measures)} column names:"
                    " not used; columns read in the indicators' registered units (please check)",
                    index + 1,
                )
            ],
        )
    problems = []
    given = []
    for (line, column, printed, name), unit in zip(measures, units, strict=True):
        if printed is not None and printed != unit:
            problems.append(
                Problem(
                    "unit_row_conflict",
                    "warning",
                    f"“{name}”列名写单位 {printed}，单位行写 {unit}：按列名的 {printed} 读取",
                    f"column '{name}' prints unit {printed}, the unit row {unit}: read as {printed}",
                    index + 1,
                )
            )
        given.append((line, column, printed or unit, name))
    return kept, given, problems


def _read_layout(
    doc: Document, spec: TableSpec, scan: Scan, caption: Caption, group_unit: str | None = None
) -> Layout | None:
    n = scan.n_cells
    if n == 0:
        return None
    scan, measures, unit_problems = _with_unit_row(scan, lambda s: _measures(spec, s, doc.spec))
    table_unit = group_unit
    for text in [caption.title, *(line for _, line in scan.header)]:
        match = _TABLE_UNIT_RE.search(text)
        if match:
            table_unit = match.group("unit")
    leaf = _LeafMaker(spec, table_unit)
    layout = (
        _turned_layout(doc, spec, scan, n, measures, leaf)
        or _named_layout(measures, n, leaf)
        or _token_layout(spec, scan, n, leaf, doc.spec.meta.header_words)
        or _position_layout(spec, caption, n, measures, leaf)
    )
    if layout is not None:
        layout.problems.extend(unit_problems)
    return layout


@dataclass(frozen=True)
class _LeafMaker:
    """Makes the :class:`Leaf` of a header name: its column, and the factor from its printed unit
    (or the table's) to the registry's; a unit that cannot be converted leaves the column unread."""

    spec: TableSpec
    table_unit: str | None

    def __call__(self, column: int, unit: str | None, name: str, **extra: object) -> Leaf:
        if column == THRESHOLD:
            return Leaf(None, header=name, threshold=True, **extra)
        indicator = self.spec.columns[column].indicator
        factor, printed = _unit_factor(unit or self.table_unit, indicator)
        if factor is None:
            return Leaf(None, header=name, unit=printed, **extra)
        return Leaf(column, factor=factor, unit=printed, header=name, **extra)


def _turned_layout(
    doc: Document, spec: TableSpec, scan: Scan, n: int, measures: list, leaf: _LeafMaker
) -> Layout | None:
    """Survey subjects or years across: the rows name the indicator (turned), or years over column names."""
    if spec.survey:
        subjects = _subject_columns(scan.header, doc)
        if len(subjects) == n:
            return Layout([Leaf(None, subject=s, header=s) for s in subjects], transposed=True)
    levels = _year_levels(scan.header)
    if not levels:
        return None
    year_line, years = levels[0]
    if not measures and len(years) == n:
        return Layout([Leaf(None, year=y, cohort=c, header=str(y)) for y, c in years], transposed=True)
    if not measures or n % len(years):
        return None
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
        return None
    return Layout(
        [
            leaf(column, unit, name, year=year_of[i][0], cohort=year_of[i][1])
            for i, (_, column, unit, name) in enumerate(names)
        ]
    )


def _named_layout(measures: list, n: int, leaf: _LeafMaker) -> Layout | None:
    """Every cell of a row named by the header: each column once (a second of the same is not read)."""
    if len(measures) != n:
        return None
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


def _token_layout(
    spec: TableSpec, scan: Scan, n: int, leaf: _LeafMaker, label_words: Sequence[str] = ()
) -> Layout | None:
    """The last header line's cells, one a column (the first may be the label column's name).

    A header of ``n`` cells whose first is no column of the table names the label column (``专业名称``,
    ``招生口径``: one of ``label_words``, or any name when the rows have labels): it names only ``n - 1``
    value columns for ``n`` numbers, a column's name is missing and which one cannot be told, so
    nothing is read by position (None).
    """
    tokens = scan.header[-1][1].split() if scan.header else []
    if not tokens or len(tokens) not in (n, n + 1):
        return None
    aliases = spec.alias_map
    first = squeeze(re.sub(r"\(.*?\)$", "", tokens[0]))
    if len(tokens) == n and first not in aliases:
        labelled = any(row.label for row in scan.rows)
        if labelled or any(first.startswith(squeeze(w)) for w in label_words):
            return None
    leaves = []
    for name in tokens[-n:]:
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
    return None


def _position_layout(spec: TableSpec, caption: Caption, n: int, measures: list, leaf: _LeafMaker) -> Layout | None:
    """No column named at all and the usual number of cells: the usual order, said as a guess."""
    if n != len(spec.columns) or measures:
        return None
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
