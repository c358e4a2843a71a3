"""Figures held back: the checks a loaded report's figures pass before they are stored.

Belongs here: :func:`hold_doubtful` (run on every loaded report by :func:`loaders.read.load.load_bytes`),
:func:`check_agreement` (run by the text parser on a report's figures as read, before they become
rows: a unit slip of 10⁴ between two readings, a list counted short) and how a stored reason reads
(:func:`reason_text`). Which stored figures the pages may use, and a
planner's acceptance of a held figure, are :mod:`loaders.store.writes.acceptances`.

Two outcomes are kept apart:

- **the reading is in doubt** — a parser says so (it sets ``held_reason``), or two figures that must
  agree differ by a power of ten (×10, ×100 … ×10⁸: a number cut at a column gap, a unit wrong by 10⁴),
  which a misreading explains and a report's own slip rarely does. The figure is *held back*: stored
  with its reason (``held_reason``), listed in the coverage (item ``held``) and on the Data page, never
  read as a fact (:func:`shown_sql`) until a planner accepts it;
- **the report contradicts itself** — any other disagreement (rows not adding up to their 合计 by a few
  units, a share off by a point): the figures are stored as printed and the check-up
  (:mod:`metrics.audit`) says so. Nothing is held back for that.

The checks (each on one report, figures in registry units):

1. *the same figure elsewhere*: one indicator, subject, year (and years after graduation) read from two
   different tables (the body and the appendix) with values a power of ten apart — both are held;
2. *a rate against its counts*: a rule of ``data/specs/checkup_share_rules.csv`` with ``basis = row``
   (报到率 = 报到数 ÷ 录取数 on the same row) — the stated rate a power of ten from 100 × count ÷ denominator;
3. *shares against counts ÷ total*: a rule with ``basis = total`` — the stated share a power of ten from
   100 × the row's count ÷ the table's total row (else the rule's denominator figure, else the sum of the
   table's rows).

In 2 and 3 the share and the count it is checked against are held (and the denominator when it is one
printed figure): which of them was misread cannot be told, so none of them is used.

A reason is stored as two lines, Chinese then English (``"中文\\nEnglish"``); a reason of one line (a
parser's) is shown as it is in both languages (:func:`reason_text`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple

from loaders.contracts.registry import checkup_rules, whole_indicators
from loaders.contracts.vocabulary import BENCHMARK_SUBJECTS, SCHOOL_SUBJECT
from loaders.read.coverage import CoverageItem, Problem
from loaders.read.document import Document
from loaders.read.record import LoadResult

#: Row labels that state a table's total.
TOTAL_LABELS = ("合计", "总数", "总计")
#: Powers of ten a misreading explains (a cut number: 10, 100 …; a unit: 10⁴ for 元/万元, 10⁸ for 亿).
MAX_POWER = 8
#: How far the ratio of two readings may be from an exact power of ten (rounding of printed figures).
POWER_TOLERANCE = 0.06


def reason_text(reason: object, lang: str) -> str:
    """A stored reason in one language: the first line in Chinese, the second in English (one line: as is)."""
    if reason is None or (isinstance(reason, float) and math.isnan(reason)):
        return ""
    lines = [line for line in str(reason).split("\n") if line.strip()]
    if not lines:
        return ""
    if len(lines) == 1:
        return lines[0]
    return lines[0] if lang == "zh" else lines[1]


# ------------------------------------------------------------------------------------ the checks
class _Row(NamedTuple):
    """One figure as the checks read it (plain Python values; a report has a few hundred)."""

    position: int
    indicator_id: str
    subject: str
    year: int
    years_after: int | None
    value: float
    unit: str
    source_table: str
    source_line: int


def _power(a: float, b: float) -> int:
    """``k`` when ``a`` and ``b`` are ``10**k`` apart (1 ≤ k ≤ :data:`MAX_POWER`, either way), else 0."""
    if not (a > 0 and b > 0) or not (math.isfinite(a) and math.isfinite(b)):
        return 0
    ratio = max(a, b) / min(a, b)
    k = round(math.log10(ratio))
    if 1 <= k <= MAX_POWER and abs(ratio / 10**k - 1) <= POWER_TOLERANCE:
        return k
    return 0


def _times(k: int) -> str:
    """``10``, ``100``, ``1000``, then ``10^4`` …: how far apart two readings are."""
    return str(10**k) if k <= 3 else f"10^{k}"


def fmt(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def _at(row: _Row) -> tuple[str, str]:
    return f"{row.source_table}第 {row.source_line} 行", f"{row.source_table} line {row.source_line}"


def find_holds(
    rows: Sequence[_Row], share_rules: Sequence[Any], whole: frozenset[str] = frozenset()
) -> dict[int, list[tuple[str, str]]]:
    """The figures whose reading is in doubt, and why.

    Args:
        rows: One report's figures.
        share_rules: The rules of ``data/specs/checkup_share_rules.csv`` (objects with
            ``share_indicator``, ``count_indicator``, ``basis``, ``denominator_indicator``,
            ``denominator_subject``).
        whole: Indicators counted in whole numbers (:func:`loaders.contracts.registry.whole_indicators`).

    Returns:
        ``position → [(zh, en), …]`` for every figure held.
    """
    held: dict[int, list[tuple[str, str]]] = {}

    def hold(row: _Row, zh: str, en: str) -> None:
        reasons = held.setdefault(row.position, [])
        if (zh, en) not in reasons:
            reasons.append((zh, en))

    # 1. the same figure in two tables
    groups: dict[tuple, list[_Row]] = {}
    for row in rows:
        groups.setdefault((row.indicator_id, row.subject, row.year, row.years_after), []).append(row)
    for group in groups.values():
        if len({r.source_table for r in group}) < 2:
            continue
        for i, one in enumerate(group):
            for other in group[i + 1 :]:
                if one.source_table == other.source_table or one.unit != other.unit:
                    continue
                k = _power(one.value, other.value)
                if not k:
                    continue
                for this, that in ((one, other), (other, one)):
                    where_zh, where_en = _at(that)
                    hold(
                        this,
                        f"同一指标在{where_zh}为 {fmt(that.value)}，与此处的 {fmt(this.value)}"
                        f" 相差约 {_times(k)} 倍：可能读错（数字被截断或单位不符），暂不采用。",
                        f"the same figure is {fmt(that.value)} at {where_en}, about {_times(k)} times this"
                        f" {fmt(this.value)}: possibly misread (a number cut, or a unit off); held back.",
                    )

    # 2 and 3. rates and shares against their counts
    by_indicator: dict[str, list[_Row]] = {}
    by_row: dict[tuple, list[_Row]] = {}
    for row in rows:
        by_indicator.setdefault(row.indicator_id, []).append(row)
        by_row.setdefault((row.indicator_id, *_row_key(row)), []).append(row)
    for rule in share_rules:
        shares = by_indicator.get(rule.share_indicator, [])
        counts = by_indicator.get(rule.count_indicator, [])
        if not shares or not counts:
            continue
        for share in shares:
            key = _row_key(share)
            count = _nearest(by_row.get((rule.count_indicator, *key), []), share.source_line)
            if count is None:
                continue
            if rule.basis == "row":
                found = _nearest(by_row.get((rule.denominator_indicator, *key), []), share.source_line)
                denominator, printed = (found.value, found) if found else (None, None)
                basis_zh, basis_en = rule.denominator_indicator, rule.denominator_indicator
            else:
                if count.subject in TOTAL_LABELS:
                    continue
                denominator, printed, basis_zh, basis_en = _total_of(share, counts, by_indicator, rule)
            if denominator is None or denominator <= 0 or (printed is not None and printed.unit != count.unit):
                continue
            expected = 100.0 * count.value / denominator
            k = _power(share.value, expected)
            if not k:
                continue
            zh = (
                f"{share.source_table}「{share.subject}」的 {rule.share_indicator} 为 {fmt(share.value)}，"
                f"而 {fmt(count.value)} ÷ {fmt(denominator)}（{basis_zh}）× 100 = {fmt(expected)}，"
                f"相差约 {_times(k)} 倍：其中某个数字可能读错，暂不采用。"
            )
            en = (
                f"{share.source_table} '{share.subject}': {rule.share_indicator} is {fmt(share.value)}, but"
                f" {fmt(count.value)} / {fmt(denominator)} ({basis_en}) × 100 = {fmt(expected)}, about"
                f" {_times(k)} times apart: one of these numbers may be misread; held back."
            )
            for row in (share, count, printed):
                if row is not None:
                    hold(row, zh, en)

    # 4. a count that is not a whole number (0.1085 人: a unit or a decimal point misread)
    for row in rows:
        if row.indicator_id in whole and not float(row.value).is_integer():
            hold(
                row,
                f"{row.indicator_id} 以{row.unit}计，应为整数，读到的是 {fmt(row.value)}："
                "单位或小数点可能读错，暂不采用。",
                f"{row.indicator_id} is counted in {row.unit} and must be whole, but reads {fmt(row.value)}: a unit or"
                " a decimal point may be misread; held back.",
            )

    # 5. the school's survey rate a hundred times or more off the province's rows of its table (0.98 beside
    #    全省 93.60, 高职 96.68: a fraction, or a unit misread); ten times can be real (升学率 16.23 vs 1.70)
    survey: dict[tuple, list[_Row]] = {}
    for row in rows:
        if row.unit == "%":
            survey.setdefault((row.indicator_id, row.source_table, row.year, row.years_after), []).append(row)
    for group in survey.values():
        marks = sorted(r.value for r in group if r.subject in BENCHMARK_SUBJECTS and r.value > 0)
        if len(marks) < 2:
            continue
        middle = statistics.median(marks)
        for row in (r for r in group if r.subject == SCHOOL_SUBJECT):
            k = _power(row.value, middle)
            if k >= 2:
                hold(
                    row,
                    f"本校 {fmt(row.value)}% 与同表的全省各行（中位 {fmt(middle)}%）相差约 {_times(k)} 倍："
                    "可能是以小数书写的比例或单位读错，暂不采用。",
                    f"the school's {fmt(row.value)}% is about {_times(k)} times off the province's rows of its table"
                    f" (median {fmt(middle)}%): possibly a fraction or a unit misread; held back.",
                )

    # 6. a percentage written as a fraction (0.9806 under %, a spreadsheet's 98.06%)
    for row in rows:
        if row.unit == "%" and 0 < row.value < 1 and _decimals(row.value) >= 3:
            shown = fmt(row.value)
            hold(
                row,
                f"单位为 %，数值却是 {shown}：可能是以小数书写的比例（{shown} 即 {fmt(row.value * 100)}%），暂不采用。",
                f"the unit is % but the figure is {shown}: possibly a fraction ({shown} = {fmt(row.value * 100)}%);"
                " held back.",
            )
    return held


def _decimals(value: float) -> int:
    """Decimal places of a figure as read (0.9806 → 4)."""
    text = repr(float(value))
    return len(text.split(".")[1].rstrip("0")) if "." in text and "e" not in text else 0


def _row_key(row: _Row) -> tuple:
    return (row.source_table, row.subject, row.year, row.years_after)


def _nearest(candidates: list[_Row], line: int) -> _Row | None:
    return min(candidates, key=lambda r: abs(r.source_line - line)) if candidates else None


def _total_of(
    share: _Row, counts: list[_Row], by_indicator: dict[str, list[_Row]], rule: Any
) -> tuple[float | None, _Row | None, str, str]:
    """The denominator of a share of a total: the table's total row, the rule's figure, or the rows' sum."""
    table = [
        c
        for c in counts
        if (c.source_table, c.year, c.years_after) == (share.source_table, share.year, share.years_after)
    ]
    totals = [c for c in table if c.subject in TOTAL_LABELS]
    if totals:
        total = _nearest(totals, share.source_line)
        return total.value, total, f"{total.subject}行", f"the {total.subject} row"
    if rule.denominator_indicator:
        external = [
            r
            for r in by_indicator.get(rule.denominator_indicator, [])
            if r.year == share.year and (not rule.denominator_subject or r.subject == rule.denominator_subject)
        ]
        if external:
            first = min(external, key=lambda r: r.source_line)
            return first.value, first, rule.denominator_indicator, rule.denominator_indicator
    if len(table) > 1 and len({c.unit for c in table}) == 1:
        return sum(c.value for c in table), None, "各行之和", "the sum of the rows"
    return None, None, "", ""


# ------------------------------------------------------------------------------------ applying them
def hold_doubtful(result: LoadResult) -> int:
    """Run the checks on a loaded report and mark what they hold in its rows, adding a coverage item
    ``held`` that lists every figure held back (a parser's holds too).

    A figure a parser already holds keeps the parser's reason (it is not held twice).

    Args:
        result: The loaded report (its Arrow rows are read and updated; no pandas frame is built).

    Returns:
        How many figures are held back.
    """
    table = result.table
    if table.num_rows == 0:
        return 0
    columns = ("indicator_id", "subject", "year", "years_after", "value", "unit", "source_table", "source_line")
    values = {c: table.column(c).to_pylist() for c in columns}
    before = [None if _blank(v) else str(v) for v in table.column("held_reason").to_pylist()]
    after = [None if _blank(a) else int(a) for a in values["years_after"]]
    rows = [
        _Row(i, str(ind), str(sub), int(year), aft, float(value), str(unit), str(table), int(line))
        for i, (ind, sub, year, aft, value, unit, table, line) in enumerate(
            zip(
                values["indicator_id"], values["subject"], values["year"], after, values["value"], values["unit"],
                values["source_table"], values["source_line"], strict=True,
            )
        )
    ]  # fmt: skip
    found = find_holds(rows, _share_rules(), whole_indicators())
    reasons = list(before)
    for position, pairs in found.items():
        if reasons[position]:
            continue  # the parser's own doubt says it already
        zh = "；".join(p[0] for p in pairs)
        en = "; ".join(p[1] for p in pairs)
        reasons[position] = f"{zh}\n{en}"
    if reasons != before:
        result.with_texts("held_reason", reasons)
    held = [i for i, reason in enumerate(reasons) if reason and not before[i]]  # a parser lists its own holds
    if held:
        result.coverage = [c for c in result.coverage if c.item_id != "held"] + [_coverage_item(rows, reasons, held)]
    return sum(1 for reason in reasons if reason)


@cache
def _share_rules() -> tuple:
    """The share and rate rules of ``data/specs/checkup_share_rules.csv`` (read once)."""
    return tuple(checkup_rules().share_rules.itertuples(index=False))


def pd_str(values: list[str | None]) -> Any:
    """A text column (the frames' ``str`` dtype, missing as NA)."""
    import pandas as pd

    return pd.array(values, dtype="str")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("", "<NA>", "nan")


def _coverage_item(rows: list[_Row], reasons: list[str | None], held: list[int]) -> CoverageItem:
    item = CoverageItem(
        "held",
        "report",
        "读数存疑、暂不采用的数字（待规划人员确认）",
        "Figures held back: reading in doubt (until a planner accepts them)",
        status="partial",
        n_values=len(held),
    )
    for i in held:
        row = rows[i]
        item.add(
            Problem(
                "held_back",
                "warning",
                f"{row.source_table} {row.indicator_id}「{row.subject}」{row.year} = {fmt(row.value)}："
                f"{reason_text(reasons[i], 'zh')}",
                f"{row.source_table} {row.indicator_id} '{row.subject}' {row.year} = {fmt(row.value)}:"
                f" {reason_text(reasons[i], 'en')}",
                line=row.source_line,
            )
        )
    return item


#: A figure this many times another reading of the same figure: one of them is in the wrong unit (元/万元).
_UNIT_SLIPS = (1e4,)


#: A count of list rows this far (share) from the figure stated elsewhere is a reading in doubt; a smaller
#: gap (182 awards listed, 190 stated in the bundled report) is the report's own, left to the check-up.
_LIST_GAP = 0.25


def check_agreement(doc: Document, item: CoverageItem) -> None:
    """Hold back figures that another reading of the same figure in the report puts in doubt.

    Two checks over every figure read (same indicator, subject, year and years after, from two
    different tables or sections):

    * **magnitude**: one is 10⁴ times the other (a unit that may be wrong: 元 read as 万元) — both
      are held back, each naming the other;
    * **a count of list rows** more than a quarter away from the figure stated elsewhere (a table or
      a sentence): the list's rows may not all have been read (a borderless PDF) — the count is held.

    A report that contradicts itself in what it prints (rows that do not add up) is not a reading
    doubt: that is the check-up's business.
    """
    lists = {row[1] for row in doc.list_rows}
    groups: dict[tuple[object, ...], list[int]] = {}
    for position, row in enumerate(doc.rows):
        groups.setdefault(row[:4], []).append(position)
    for positions in groups.values():
        if len(positions) < 2:
            continue
        for i in positions:
            row = doc.rows[i]
            if row[9]:
                continue
            for j in positions:
                other = doc.rows[j]
                if other[6] == row[6] or not row[4] or not other[4]:
                    continue
                where = f"{other[6]} 第 {other[7]} 行：{other[4]:g}"
                where_en = f"{other[6]} line {other[7]}: {other[4]:g}"
                ratio = max(row[4], other[4]) / min(row[4], other[4]) if min(row[4], other[4]) > 0 else 0
                if any(abs(ratio / slip - 1) < 0.02 for slip in _UNIT_SLIPS):
                    reason = (
                        f"与报告中同一数字相差约 10⁴ 倍（{where}）：单位可能有误（元/万元）",
                        f"about 10⁴ times the same figure elsewhere in the report ({where_en}): the unit may be"
                        " wrong (元/万元)",
                    )
                elif row[6] in lists and other[6] not in lists and abs(row[4] - other[4]) > _LIST_GAP * other[4]:
                    reason = (
                        f"按清单行数计得 {row[4]:g}，报告另处为 {where}：清单的行可能未读全",
                        f"counted {row[4]:g} list rows, the report says {where_en}: the list's rows may not"
                        " all have been read",
                    )
                else:
                    continue
                doc.rows[i] = (*row[:9], f"{reason[0]} / {reason[1]}")
                item.add(
                    Problem(
                        "held_back",
                        "warning",
                        f"{row[0]}（{row[1]}，{row[2]}）= {row[4]:g}（{row[6]}）读数存疑，暂存待核：{reason[0]}",
                        f"{row[0]} ({row[1]}, {row[2]}) = {row[4]:g} ({row[6]}): reading in doubt, held back:"
                        f" {reason[1]}",
                        row[7],
                    )
                )
                break
