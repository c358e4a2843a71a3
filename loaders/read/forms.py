"""Appendix forms: rows recognised by their indicator's name wherever they sit.

Belongs here: reading the region of a form (计分卡, 教学资源表 …, a province's own tables, or any
numbered table no grid spec reads) for ``[[row]]`` s of the spec, the form's year columns, and the
coverage of forms and editions (which generation of forms a report has, and which of its forms and
rows were not found).

A row is ``[序号] [其中：| A 类:] <name> [(…)] <unit> <value> [<value> …]``:

* the name must be the whole label (it must start after a line break, a number, ``:`` or ``)``,
  so ``就业人数`` is not read out of ``留在当地就业人数``), and may be wrapped over lines;
* the unit must be the indicator's, one the spec lists for it, or one ``units.csv`` converts
  (converted and reported); a dash means "no unit" (``生师比 —``);
* the values sit on one line, one per year column of the form's header (``2019年 2020年``,
  ``2019届 2020届``, ``2019-2020学年``); a single column when the header names no year;
* a row whose name is shared (``其中：生均财政专项补贴``) belongs to the row named in ``after``
  and is read only right after it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from loaders.contracts.registry import known_units, registry_units, unit_factor
from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from loaders.read.blocks import NUM, literal
from loaders.read.coverage import CoverageItem, Problem
from loaders.read.document import MAX_YEAR, MIN_YEAR, Caption, Document
from loaders.read.spec import ReportSpec, RowSpec, squeeze

_COLUMN_RE = re.compile(
    r"(?P<a>\d{4})\s*[-–—~至]\s*(?P<b>\d{4})\s*学年|(?P<c>\d{4})\s*届|(?P<d>\d{4})\s*年(?:度)?|(?P<e>数值|本年度|本年|当年)"
    r"|(?<![\d.])(?P<f>(?:19|20)\d{2})(?![\d.%])"
)
_VALUE = rf"(?<![\d.])(?:{NUM})(?:%|:1)?(?![\d.])"
# A value cell printed with an operator (≥4000, ≤18): a threshold, never the school's value.
_OPERATOR = "[≥≤<>]"
_OP_VALUE = rf"(?:{_OPERATOR}[ \t]*)?{_VALUE}"
_DASHES = ["——", "—", "--", "-", "–", "/"]


@dataclass(frozen=True)
class YearColumn:
    """A value column of a form: its year and whether that is a cohort (``2019届``)."""

    year: int
    cohort: bool = False


@dataclass
class FormRegion:
    """A form's caption, the coverage item its figures count towards, and the indicators read in it."""

    caption: Caption
    item: CoverageItem
    form_id: str | None
    indicators: set[str] = field(default_factory=set)


_COMPILED: dict[int, tuple[ReportSpec, re.Pattern[str], dict[str, list[RowSpec]], re.Pattern[str]]] = {}


def _row_regex(spec: ReportSpec) -> tuple[re.Pattern[str], dict[str, list[RowSpec]]]:
    """One regex for every row name of the spec, and ``squeezed name → rows`` (compiled once per spec)."""
    compiled = _COMPILED.get(id(spec))
    if compiled is None or compiled[0] is not spec:
        compiled = (spec, *_compile_rows(spec))
        _COMPILED[id(spec)] = compiled
    return compiled[1], compiled[2]


def _name_regex(spec: ReportSpec) -> re.Pattern[str]:
    _row_regex(spec)
    return _COMPILED[id(spec)][3]


def _compile_rows(spec: ReportSpec) -> tuple[re.Pattern[str], dict[str, list[RowSpec]], re.Pattern[str]]:
    by_name: dict[str, list[RowSpec]] = {}
    for row in spec.row:
        for name in row.names:
            by_name.setdefault(squeeze(name), []).append(row)
    names = sorted(by_name, key=len, reverse=True)
    units = sorted({*known_units(), *(u for row in spec.row for u in row.units)}, key=len, reverse=True)
    unit_alternation = "|".join(literal(u) or re.escape(u) for u in [*units, *_DASHES])  # "人 日" is 人日
    placeholder = "|".join(re.escape(p) for p in sorted(spec.placeholders, key=len, reverse=True))
    cell = rf"(?:{_OP_VALUE}|{placeholder})"
    pattern = (
        r"(?:^|(?<=[\n\d:)、.])|(?<=其中))[ \t]*"
        rf"(?P<name>{'|'.join(literal(n) for n in names)})"
        r"\s*(?:\([^()\n]{0,12}\))?"
        rf"\s*(?P<unit>{unit_alternation})?"
        rf"\s*(?P<values>{_OP_VALUE}(?:[ \t]+{cell}){{0,5}}|(?:{placeholder})(?:[ \t]+{cell}){{0,5}})"
    )
    name_only = re.compile(
        r"(?:^|(?<=[\n\d:)、.])|(?<=其中))[ \t]*(?P<name>" + "|".join(literal(n) for n in names) + ")"
    )
    return re.compile(pattern), by_name, name_only


def year_columns(doc: Document, start: int, end: int) -> list[YearColumn]:
    """The value columns named by a form's header (the first line with 指标/单位 or years)."""
    for line in doc.norm[start:end][:8]:
        if not line:
            continue
        columns = []
        for match in _COLUMN_RE.finditer(line):
            if match.group("b"):
                columns.append(YearColumn(int(match.group("b"))))
            elif match.group("c"):
                columns.append(YearColumn(int(match.group("c")), cohort=True))
            elif match.group("d") or match.group("f"):
                columns.append(YearColumn(int(match.group("d") or match.group("f"))))
            else:
                columns.append(YearColumn(doc.data_year))
        columns = [c for c in columns if MIN_YEAR <= c.year <= MAX_YEAR]
        if columns and ("指标" in line or "单位" in line or "项目" in line or len(columns) >= 2):
            return columns
    return [YearColumn(doc.data_year)]


@dataclass(frozen=True)
class ValueColumns:
    """A form whose header names a standard or threshold column beside the school's value.

    Attributes:
        n: How many value cells a row has (the header cells from the first threshold or value cell on).
        value: Which of them is the school's value; None when the header does not say.
        thresholds: Which of them are thresholds (达标指标, 标准, 目标值 …).
        by_elimination: The value column is not named; it is the one cell left that is no threshold.
        header: The header line, for messages.
    """

    n: int
    value: int | None
    thresholds: tuple[int, ...]
    by_elimination: bool
    header: str


def header_meaning(token: str, spec: ReportSpec) -> str | None:
    """``"threshold"``, ``"value"`` or None for one header cell (see ``threshold_words`` in the spec)."""
    squeezed = squeeze(token, normalized=True)
    threshold = max((len(w) for w in spec.meta.threshold_words if squeeze(w) in squeezed), default=0)
    value = max((len(w) for w in spec.meta.value_words if squeeze(w) in squeezed), default=0)
    if threshold and value <= threshold:
        return "threshold"
    return "value" if value else None


def value_columns(doc: Document, start: int, end: int) -> ValueColumns | None:
    """The value and threshold columns a form's header names, when it names a threshold column.

    Only a header with a threshold cell changes how a row is read: without one, the form's year
    columns (:func:`year_columns`) are its value columns, as before.
    """
    for line in doc.norm[start:end][:8]:
        tokens = line.split()
        if not tokens or re.fullmatch(_OP_VALUE, tokens[-1]):
            continue  # a row, not the header
        meanings = [header_meaning(token, doc.spec) for token in tokens]
        if "threshold" not in meanings:
            continue
        first = next(i for i, m in enumerate(meanings) if m is not None)
        cells = meanings[first:]
        thresholds = tuple(i for i, m in enumerate(cells) if m == "threshold")
        values = [i for i, m in enumerate(cells) if m == "value"]
        rest = [i for i, m in enumerate(cells) if m is None]
        if len(values) == 1:
            return ValueColumns(len(cells), values[0], thresholds, False, line)
        if not values and len(rest) == 1:
            return ValueColumns(len(cells), rest[0], thresholds, True, line)
        return ValueColumns(len(cells), None, thresholds, False, line)
    return None


def read_form_rows(doc: Document, region: FormRegion) -> int:
    """Read every ``[[row]]`` found in a form's region; returns how many rows were read."""
    caption = region.caption
    start, end = caption.index + 1, doc.region_end(caption)
    columns = year_columns(doc, start, end)
    meaning = value_columns(doc, start, end) if len(columns) == 1 else None
    text_lines = doc.norm[start:end]
    offsets, position = [], 0
    for line in text_lines:
        offsets.append(position)
        position += len(line) + 1
    text = "\n".join(text_lines)
    pattern, by_name = _row_regex(doc.spec)
    previous: tuple[str, int] | None = None  # (indicator, end offset) of the row before
    covered: list[tuple[int, int]] = []
    read = 0
    item = region.item
    for match in pattern.finditer(text):
        candidates = by_name.get(squeeze(match.group("name")), [])
        row = _choose(candidates, previous, text, match.start())
        if row is None:
            continue
        covered.append((match.start(), match.end()))
        previous = (row.indicator, match.end())
        index = start + bisect.bisect_right(offsets, match.start("values")) - 1
        if _read_row(doc, row, match, columns, caption.table, index, item, meaning):
            read += 1
    _report_unread_names(doc, text, covered, start, offsets, item)
    return read


def _choose(candidates: list[RowSpec], previous: tuple[str, int] | None, text: str, at: int) -> RowSpec | None:
    follows = previous is not None and not re.search(r"\d", text[previous[1] : at])
    for row in candidates:
        if row.after is not None and follows and previous is not None and previous[0] == row.after:
            return row
    return next((row for row in candidates if row.after is None), None)


def _read_row(
    doc: Document,
    row: RowSpec,
    match: re.Match[str],
    columns: list[YearColumn],
    table: str,
    index: int,
    item: CoverageItem,
    meaning: ValueColumns | None = None,
) -> bool:
    unit = registry_units()[row.indicator]
    printed = squeeze(match.group("unit")) if match.group("unit") else None
    factor = 1.0
    if printed and printed not in _DASHES and printed != unit and printed not in row.units:
        converted = unit_factor(printed, unit)
        if converted is None:
            item.add(
                Problem(
                    "unit_unknown",
                    "warning",
                    f"{row.indicator} 的单位应为 {unit}，实际为 {printed}，无法换算，未读取",
                    f"{row.indicator} must be in {unit}, found {printed}, which cannot be converted; not read",
                    index + 1,
                )
            )
            return False
        factor = converted
    cells = _OP_CELL_RE.findall(match.group("values"))
    held = None
    if meaning is not None or any(_OP_START.match(c) for c in cells):
        chosen = _school_cell(doc, row, cells, meaning, index, item)
        if chosen is None:
            return False
        cells, held = chosen
    elif [c for c in cells[len(columns) :] if c not in doc.spec.placeholders]:
        extra = " ".join(cells[len(columns) :])
        held = (
            f"这一行有 {len(cells)} 个数字，表头只有 {len(columns)} 个数值列：多出的“{extra}”可能是标准值，"
            "或是一个在列间被切开的数字",
            f"the row has {len(cells)} numbers but the header only {len(columns)} value column(s): the extra"
            f" '{extra}' may be a threshold, or part of a number cut at a column gap",
        )
    if len(cells) < len(columns):
        item.add(
            Problem(
                "row_cut",
                "warning",
                f"{row.indicator} 应有 {len(columns)} 个年度的数值，实际为 {len(cells)} 个，未读取",
                f"{row.indicator}: expected values for {len(columns)} year(s), found {len(cells)}; not read",
                index + 1,
            )
        )
        return False
    kept = False
    for column, cell in zip(columns, cells, strict=False):
        if cell in doc.spec.placeholders:
            item.add(
                Problem(
                    "placeholder_cells",
                    "info",
                    f"{row.indicator} 的 {column.year} 年数值为空（{cell}），记为缺失",
                    f"{row.indicator} for {column.year} is empty ({cell}); recorded as absent",
                    index + 1,
                )
            )
            continue
        value = float(cell.rstrip("%").removesuffix(":1").replace(",", ""))
        if row.cohort_offset is not None:
            year = column.year if column.cohort else column.year + row.cohort_offset
        else:
            year = column.year
        kept |= doc.observe(
            item, row.indicator, SCHOOL_SUBJECT, year, row.years_after, value, table, index, factor, printed, held=held
        )
    return kept


_OP_CELL_RE = re.compile(rf"{_OPERATOR}[ \t]*\S+|\S+")
_OP_START = re.compile(_OPERATOR)


def _school_cell(
    doc: Document, row: RowSpec, cells: list[str], meaning: ValueColumns | None, index: int, item: CoverageItem
) -> tuple[list[str], tuple[str, str] | None] | None:
    """The school's value cell of a row beside threshold cells, and a reason to hold it back; None: refused.

    A cell printed with an operator is a threshold. With a header that names the columns, the value
    is the cell under the value column; a value found only by elimination (no column named the
    school's) that equals the threshold beside it is held back: the column may be the threshold.
    """
    line = index + 1
    if meaning is None:
        plain = [c for c in cells if not _OP_START.match(c)]
        thresholds = [c for c in cells if _OP_START.match(c)]
        if len(plain) != 1:
            item.add(
                Problem(
                    "threshold_ambiguous",
                    "warning",
                    f"{row.indicator}：这一行有标准值（{' '.join(thresholds)}），但表头未说明哪一列是本校数值"
                    f"（其余数字：{' '.join(plain) or '无'}），未读取",
                    f"{row.indicator}: the row holds a threshold ({' '.join(thresholds)}) but the header does not"
                    f" say which column is the school's (other numbers: {' '.join(plain) or 'none'}); not read",
                    line,
                )
            )
            return None
        value_text, threshold_text = plain[0], thresholds[0]
        by_elimination = True
    else:
        if meaning.value is None or len(cells) != meaning.n:
            expected = f"表头“{meaning.header}”的 {meaning.n} 列"
            why = (
                "表头未说明哪一列是本校数值"
                if meaning.value is None
                else f"应有 {meaning.n} 个数字，实际为 {len(cells)} 个"
            )
            why_en = (
                "the header does not say which column is the school's"
                if meaning.value is None
                else f"expected {meaning.n} numbers, found {len(cells)}"
            )
            item.add(
                Problem(
                    "threshold_ambiguous",
                    "warning",
                    f"{row.indicator}：{expected}中有标准列，{why}（“{' '.join(cells)}”），未读取",
                    f"{row.indicator}: the header '{meaning.header}' has a threshold column; {why_en}"
                    f" ('{' '.join(cells)}'); not read",
                    line,
                )
            )
            return None
        value_text = cells[meaning.value]
        threshold_text = cells[meaning.thresholds[0]] if meaning.thresholds else ""
        by_elimination = meaning.by_elimination
    if _OP_START.match(value_text):
        item.add(
            Problem(
                "threshold_in_value_column",
                "warning",
                f"{row.indicator}：本校数值列中是标准值“{value_text}”，未读取",
                f"{row.indicator}: the school's column holds a threshold '{value_text}'; not read",
                line,
            )
        )
        return None
    held = None
    threshold_number = _OP_START.sub("", threshold_text).strip()
    if by_elimination and threshold_number and _same_number(threshold_number, value_text):
        held = (
            f"表头未写明哪一列是本校数值，按排除法读取的“{value_text}”与旁边的标准值“{threshold_text}”相同，"
            "可能读成了标准列",
            f"no column is named the school's; the value '{value_text}' taken by elimination equals the"
            f" threshold '{threshold_text}' beside it: it may be the threshold column",
        )
    item.add(
        Problem(
            "threshold_column",
            "info",
            f"{row.indicator}：标准值“{threshold_text}”未作为本校数值读取",
            f"{row.indicator}: the threshold '{threshold_text}' was not read as the school's value",
            line,
        )
    )
    return [value_text], held


def _same_number(a: str, b: str) -> bool:
    try:
        return float(a.rstrip("%").removesuffix(":1").replace(",", "")) == float(
            b.rstrip("%").removesuffix(":1").replace(",", "")
        )
    except ValueError:
        return False


def _report_unread_names(
    doc: Document, text: str, covered: list[tuple[int, int]], start: int, offsets: list[int], item: CoverageItem
) -> None:
    """A row name found where no value could be read next to it (an unknown unit, text instead of a number)."""
    for match in _name_regex(doc.spec).finditer(text):
        at = match.start("name")
        if any(begin <= at < end for begin, end in covered):
            continue
        index = start + bisect.bisect_right(offsets, at) - 1
        line = doc.norm[index]
        rest = text[match.end() : match.end() + 40].split("\n")[0]
        if not re.search(r"\d", rest) or len(squeeze(match.group("name"))) < 3 or len(line) > 60:
            continue  # a short name, or a sentence that mentions it: not a row that failed
        item.add(
            Problem(
                "row_unreadable",
                "warning",
                f"找到“{squeeze(match.group('name'))}”，但其后的单位或数值无法识别：“{line[:60]}”，未读取",
                f"found '{squeeze(match.group('name'))}' but could not read the unit or value after it: "
                f"'{line[:60]}'; not read",
                index + 1,
            )
        )


def edition_coverage(
    doc: Document, found: dict[str, list[FormRegion]], regions: list[FormRegion]
) -> list[CoverageItem]:
    """Items for the forms of the best-matching edition that the report lacks, and for the
    scorecard-equivalent rows (core: what ``ingest --strict`` needs from the appendix).

    Args:
        doc: The report, after every region was read.
        found: ``form id → regions`` of the known forms found.
        regions: Every region read for form rows (known forms and other tables that held some).

    Returns:
        Missing-form items (empty when no form was found at all), then the scorecard rows item.
    """
    spec = doc.spec
    items: list[CoverageItem] = []
    if found:
        best = max(
            spec.edition,
            key=lambda e: (sum(f in found for f in e.forms), -sum(f not in found for f in e.forms)),
        )
        for form_id in best.forms:
            if form_id in found:
                continue
            form = spec.forms_by_id[form_id]
            item = CoverageItem(f"form:{form_id}", "form", form.zh, form.en, core=form.core, status="missing")
            item.problems.append(
                Problem(
                    "not_found",
                    "warning",
                    f"本报告的附表属于“{best.zh}”，但未找到其中的“{form.zh}”",
                    f"the report's forms are of the edition '{best.en}', but '{form.en}' was not found",
                )
            )
            items.append(item)
    scorecard = spec.forms_by_id["scorecard"]
    in_forms: dict[str, list[str]] = {}
    for region in regions:
        for indicator in region.indicators:
            in_forms.setdefault(indicator, []).append(region.caption.table)
    read = [r for r in scorecard.rows if r in in_forms]
    item = CoverageItem(
        "rows:scorecard", "rows", "计分卡指标（就业、收入、满意度等）", "Scorecard indicators", core=True
    )
    item.n_values = len(read)
    item.source_table = "、".join(sorted({t for r in read for t in in_forms[r]}))
    missing = [r for r in scorecard.rows if r not in in_forms]
    if not read:
        item.status = "missing"
        item.problems.append(
            Problem(
                "not_found", "warning", "附表中未找到计分卡类指标", "no scorecard indicator was found in the appendix"
            )
        )
    elif missing:
        item.add(Problem("row_absent", "warning", f"未找到：{'、'.join(missing)}", f"not found: {', '.join(missing)}"))
    items.append(item)
    return items


def form_rows_missing(doc: Document, form_id: str, region: FormRegion, regions: list[FormRegion]) -> None:
    """Report the rows a found form should hold that it lacks: read in another form, or nowhere."""
    form = doc.spec.forms_by_id[form_id]
    others = [r for r in regions if r is not region]
    lacking = [r for r in form.rows if r not in region.indicators]
    elsewhere = {r: [o.caption.table for o in others if r in o.indicators] for r in lacking}
    missing = [r for r in lacking if not elsewhere[r]]
    moved = {r: tables for r, tables in elsewhere.items() if tables}
    if missing:
        region.item.add(
            Problem("form_row_absent", "warning", f"未找到：{'、'.join(missing)}", f"not found: {', '.join(missing)}")
        )
    if moved:
        places = "；".join(f"{r} 见 {'、'.join(tables)}" for r, tables in moved.items())
        places_en = "; ".join(f"{r} in {', '.join(tables)}" for r, tables in moved.items())
        region.item.add(
            Problem("row_elsewhere", "info", f"在其他附表中读到：{places}", f"read in another form: {places_en}")
        )
