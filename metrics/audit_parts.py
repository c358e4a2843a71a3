"""Check-up on the figures' arithmetic: parts against totals, shares against counts.

Belongs here: ``parts_vs_total`` — a table's rows do not add up to its total row (合计/总数/总计, or
the row whose share is 100 %), or parts stated elsewhere do not add up to a school-level total
(``data/specs/checkup_component_rules.csv``, e.g. 收入总计 = 财政拨款 + 事业 + 其他); and
``share_vs_count`` — a share (or a rate on the same row) does not match its counts
(``data/specs/checkup_share_rules.csv``). The rule tables are data, passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from metrics.findings import finding, fmt, key_part, missing, prepare, to_frame
from metrics.observations import TOTAL_LABELS, require_columns
from metrics.units import find_unit_factor

#: How a share or rate relates to counts. ``basis = total``: share = count / the table's total
#: row of ``count_indicator`` (else ``denominator_indicator``/``denominator_subject`` from the same
#: report and year, else the sum of the table's rows). ``basis = row``: rate = count /
#: ``denominator_indicator`` on the same row.
SHARE_RULE_COLUMNS = ["share_indicator", "count_indicator", "basis", "denominator_indicator", "denominator_subject"]
#: No share rules (the rules are data: ``data/specs/checkup_share_rules.csv``, read by the loaders and
#: passed in by :mod:`metrics.queries`).
NO_SHARE_RULES = pd.DataFrame(columns=SHARE_RULE_COLUMNS, dtype="str")

#: School-level totals and the parts that make them up (same report and year). Parts sharing a
#: ``part_set`` are added up; each set is checked on its own (专任教师 by title, and by degree). A
#: part whose table has a total row contributes that total; otherwise the sum of its rows.
COMPONENT_RULE_COLUMNS = ["total_indicator", "part_set", "part_indicator"]
#: No component rules (the rules are data: ``data/specs/checkup_component_rules.csv``).
NO_COMPONENT_RULES = pd.DataFrame(columns=COMPONENT_RULE_COLUMNS, dtype="str")

_SUMMABLE_KINDS = ("count", "amount", "share")


# ---------------------------------------------------------------------------- helpers


def _kinds(indicators: pd.DataFrame) -> pd.Series:
    require_columns(indicators, ["indicator_id", "kind"], "indicators")
    return indicators.drop_duplicates("indicator_id").set_index("indicator_id")["kind"]


def _mark_totals(rows: pd.DataFrame, total_labels: Sequence[str], share_rules: pd.DataFrame) -> pd.Series:
    """Which rows are a table's total: a total label, or a row label whose share is 100 %."""
    is_total = rows["subject"].isin(list(total_labels))
    share_ids = share_rules.loc[share_rules["basis"] == "total", "share_indicator"]
    full = rows[rows["indicator_id"].isin(share_ids) & ((rows["value"] - 100).abs() < 1e-9)]
    keys = ["report_id", "source_table", "year", "subject"]
    if not full.empty:
        # Only when the table has other rows for that share (a lone 100 % is not a total).
        shares = rows[rows["indicator_id"].isin(share_ids)]
        counts = shares.groupby(["report_id", "source_table", "year", "indicator_id"])["subject"].transform("nunique")
        full = full[counts.loc[full.index] > 1]
        marked = full[keys].drop_duplicates()
        hit = rows[keys].merge(marked.assign(_hit=True), on=keys, how="left", validate="m:1")["_hit"]
        is_total = is_total | hit.fillna(False).astype(bool).to_numpy()
    return pd.Series(is_total.to_numpy(), index=rows.index)


def _tolerance(kind: str, n_parts: int) -> float:
    """How far a sum may be off from rounding alone: counts exactly, shares and amounts by 0.005 a part."""
    if kind == "count":
        return 0.5
    if kind == "share":
        return 0.05 + 0.005 * n_parts
    return 0.005 * n_parts + 1e-6


class _Row(NamedTuple):
    """One observation as the share check reads it (plain Python values)."""

    report_id: str
    source_table: str
    subject: str
    year: object
    years_after: object
    indicator_id: str
    value: float
    unit: str
    source_line: int
    total: bool
    kind: str  # the registry's kind (count, amount, share, rate …)


def _records(rows: pd.DataFrame, totals: pd.Series, kinds: pd.Series | None = None) -> list[_Row]:
    """The rows as records (a report has a few hundred, grouped and paired label by label: plain Python
    lookups cost far less than a frame filter or merge per group, the check-up's cost on a first visit)."""
    columns = [rows[c].tolist() for c in _Row._fields[:-2]]
    columns.append(totals.tolist())
    columns.append(rows["indicator_id"].map(kinds).tolist() if kinds is not None else [""] * len(rows))
    return [_Row(*values) for values in zip(*columns, strict=True)]


def _row_key(row: _Row) -> tuple:
    return (row.report_id, row.source_table, row.subject, key_part(row.year), key_part(row.years_after))


def _table_key(row: _Row) -> tuple:
    return (row.report_id, row.source_table, key_part(row.year), key_part(row.years_after))


def _by_row(rows: list[_Row]) -> dict[tuple, list[_Row]]:
    """Rows by their row key (report, table, label, year, years after), in report order."""
    out: dict[tuple, list[_Row]] = {}
    for row in rows:
        out.setdefault(_row_key(row), []).append(row)
    return out


def _nearest(candidates: list[_Row] | None, line: int) -> _Row | None:
    """The candidate nearest to ``line`` in the report (the first of equals): a row label repeated in
    one table (表3-1's 文化艺术大类) has several, and the one on the same line, else the closest, is meant."""
    if not candidates:
        return None
    return min(candidates, key=lambda row: abs(row.source_line - line))


@dataclass(frozen=True)
class _Denominator:
    value: float
    unit: str
    line: int | None
    basis_text: str


class _TotalBasis:
    """The denominators of a share of a table total (``basis = total``): the table's total row of the
    count, else the rule's external row (same report and year), else the sum of the table's rows."""

    def __init__(self, rows_by_indicator: dict[str, list[_Row]], rule: object) -> None:
        self.totals: dict[tuple, _Row] = {}
        self.sums: dict[tuple, float] = {}
        for row in sorted(rows_by_indicator.get(rule.count_indicator, []), key=lambda r: r.source_line):
            key = _table_key(row)
            if row.total:
                self.totals.setdefault(key, row)
            else:
                self.sums[key] = self.sums.get(key, 0.0) + (0.0 if missing(row.value) else row.value)
        self.external: dict[tuple, _Row] = {}
        self.label = rule.denominator_indicator or ""
        if rule.denominator_indicator:
            for row in sorted(rows_by_indicator.get(rule.denominator_indicator, []), key=lambda r: r.source_line):
                if not rule.denominator_subject or row.subject == rule.denominator_subject:
                    self.external.setdefault((row.report_id, key_part(row.year)), row)

    def of(self, share: _Row, count: _Row) -> _Denominator | None:
        key = _table_key(share)
        total = self.totals.get(key)
        if total is not None:
            return _Denominator(total.value, total.unit, total.source_line, f"{total.subject}行")
        external = self.external.get((share.report_id, key_part(share.year)))
        if external is not None:
            return _Denominator(external.value, external.unit, external.source_line, self.label)
        if key in self.sums:
            return _Denominator(self.sums[key], count.unit, None, "各行之和")
        return None


# ---------------------------------------------------------------------------- observation checks


def check_parts_vs_total(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    report_id: str | None = None,
    total_labels: Sequence[str] = TOTAL_LABELS,
    share_rules: pd.DataFrame = NO_SHARE_RULES,
    component_rules: pd.DataFrame = NO_COMPONENT_RULES,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Find tables whose rows do not add up to their total, and totals their parts contradict.

    Only counts, amounts and shares are summed (rates and ratios are not additive). A table's
    total is a row labelled with one of ``total_labels`` or, for a share table, the row whose
    share is 100 % (表5-4's 浙江省). Component rules compare a school-level total with the parts
    stated for it (in the same report and year).

    Args:
        observations: Observations of one or more reports (every row).
        indicators: The indicator registry (``kind`` decides what is summed).
        report_id: Only this report.
        total_labels: Row labels that state a total.
        share_rules: See ``data/specs/checkup_share_rules.csv`` (used to find 100 % total rows).
        component_rules: See ``data/specs/checkup_component_rules.csv``.
        conversions: Explicit unit factors (rows of one indicator in 元 and 万元 are added in one unit).

    Returns:
        Findings (:data:`FINDING_COLUMNS`) with ``expected`` = the stated total and ``found`` =
        the sum of the parts.

    Raises:
        MissingColumnsError: A required column is missing.
    """
    rows = prepare(observations, report_id, conversions)
    if rows.empty:
        return to_frame([])
    records = _records(rows, _mark_totals(rows, total_labels, share_rules), _kinds(indicators))
    findings: list[dict] = []
    groups: dict[tuple, list[_Row]] = {}
    for row in records:
        if row.kind in _SUMMABLE_KINDS:
            key = (row.report_id, row.source_table, row.indicator_id, key_part(row.year), key_part(row.years_after))
            groups.setdefault(key, []).append(row)
    for (report, table, indicator, _, _), group in groups.items():
        totals = [row for row in group if row.total]
        parts = [row for row in group if not row.total]
        if len(totals) != 1 or len(parts) < 2:
            continue
        total_row = totals[0]
        total = float(total_row.value)
        found = float(sum(row.value for row in parts if not missing(row.value)))
        if abs(found - total) <= _tolerance(total_row.kind, len(parts)):
            continue
        unit = str(total_row.unit)
        label = str(total_row.subject)
        terms = " + ".join(fmt(row.value) for row in parts)
        values = f"{terms} = {fmt(found)}；{label} {fmt(total)}"
        findings.append(
            finding(
                report,
                "parts_vs_total",
                table,
                [*(row.source_line for row in parts), total_row.source_line],
                f"{table}（{indicator}）：各行相加为 {fmt(found)}{unit}，而{label}行为 {fmt(total)}{unit}，"
                f"相差 {fmt(found - total)}。",
                f"{table} ({indicator}): the rows add up to {fmt(found)} {unit} but the {label} row says "
                f"{fmt(total)} {unit} (off by {fmt(found - total)}).",
                subject=label,
                indicator_id=indicator,
                values=values,
                expected=total,
                found=found,
            )
        )
    findings.extend(_check_components(records, component_rules, conversions))
    return to_frame(findings)


def _check_components(
    records: list[_Row], component_rules: pd.DataFrame, conversions: pd.DataFrame | None
) -> list[dict]:
    """School totals against the parts stated for them (see ``data/specs/checkup_component_rules.csv``)."""
    findings: list[dict] = []
    by_indicator: dict[str, list[_Row]] = {}
    for row in records:
        by_indicator.setdefault(row.indicator_id, []).append(row)
    for (total_id, _), rules in component_rules.groupby(["total_indicator", "part_set"], sort=False):
        part_ids = list(rules["part_indicator"])
        totals: dict[tuple, list[_Row]] = {}
        for row in by_indicator.get(total_id, []):
            if row.subject == SCHOOL_SUBJECT and not row.total:
                totals.setdefault((row.report_id, key_part(row.year)), []).append(row)
        for (report, year), total_rows in totals.items():
            total_row = min(total_rows, key=lambda row: row.source_line)
            contributions = [_part_rows(by_indicator.get(part_id, []), report, year) for part_id in part_ids]
            if any(not part for part in contributions):
                continue
            factors = [find_unit_factor(part[0].unit, total_row.unit, conversions) for part in contributions]
            if any(factor is None for factor in factors):
                continue  # parts in a unit the total cannot be compared with
            scaled = [[row.value * factor for row in part] for part, factor in zip(contributions, factors, strict=True)]
            found = float(sum(sum(v for v in part if not missing(v)) for part in scaled))
            total = float(total_row.value)
            n_parts = sum(len(part) for part in contributions)
            if abs(found - total) <= _tolerance(str(total_row.kind), n_parts):
                continue
            tables = list(dict.fromkeys(str(row.source_table) for part in contributions for row in part))
            joined_ids = "+".join(part_ids)
            terms = " + ".join(fmt(v) for part in scaled for v in part)
            lines = [int(total_row.source_line), *(int(row.source_line) for part in contributions for row in part)]
            unit = str(total_row.unit)
            findings.append(
                finding(
                    str(report),
                    "parts_vs_total",
                    "/".join(dict.fromkeys([str(total_row.source_table), *tables])),
                    lines,
                    f"{total_row.source_table} 的 {total_id} 为 {fmt(total)}{unit}，而 {'、'.join(tables)} 中的 "
                    f"{joined_ids} 合计 {fmt(found)}{unit}（{terms}），相差 {fmt(found - total)}。",
                    f"{total_row.source_table} gives {total_id} = {fmt(total)} {unit}, but {joined_ids} in "
                    f"{', '.join(tables)} add up to {fmt(found)} {unit} (off by {fmt(found - total)}).",
                    subject=SCHOOL_SUBJECT,
                    indicator_id=total_id,
                    values=f"{terms} = {fmt(found)}；{total_id} {fmt(total)}",
                    expected=total,
                    found=found,
                )
            )
    return findings


def _part_rows(rows: list[_Row], report: str, year: object) -> list[_Row]:
    """The rows that state one part: its table's total row, its 本校 row, or all its rows."""
    part = sorted(
        (row for row in rows if row.report_id == report and key_part(row.year) == year), key=lambda row: row.source_line
    )
    if not part:
        return part
    part = [row for row in part if row.source_table == part[0].source_table]
    for wanted in (lambda row: row.total, lambda row: row.subject == SCHOOL_SUBJECT):
        chosen = [row for row in part if wanted(row)]
        if chosen:
            return chosen[:1]
    return part


def check_shares(
    observations: pd.DataFrame,
    *,
    report_id: str | None = None,
    total_labels: Sequence[str] = TOTAL_LABELS,
    share_rules: pd.DataFrame = NO_SHARE_RULES,
    tolerance_pp: float = 0.05,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Find shares and rates that do not match the counts they are computed from.

    Args:
        observations: Observations of one or more reports (every row).
        report_id: Only this report.
        total_labels: Row labels that state a total.
        share_rules: See ``data/specs/checkup_share_rules.csv``.
        tolerance_pp: Allowed difference in percentage points (rounding).
        conversions: Explicit unit factors (a count in 万元 against a total in 元).

    Returns:
        Findings with ``expected`` = 100 × count / denominator and ``found`` = the stated share.

    Raises:
        MissingColumnsError: A required column is missing.
    """
    rows = prepare(observations, report_id, conversions)
    if rows.empty:
        return to_frame([])
    by_indicator: dict[str, list[_Row]] = {}
    for row in _records(rows, _mark_totals(rows, total_labels, share_rules)):
        by_indicator.setdefault(row.indicator_id, []).append(row)
    findings: list[dict] = []
    for rule in share_rules.itertuples(index=False):
        shares = by_indicator.get(rule.share_indicator, [])
        counts = _by_row(by_indicator.get(rule.count_indicator, []))
        if not shares or not counts:
            continue
        if rule.basis == "row":
            denominators = _by_row(by_indicator.get(rule.denominator_indicator, []))
        else:
            totals = _TotalBasis(by_indicator, rule)
        for share in shares:
            count = _nearest(counts.get(_row_key(share)), share.source_line)
            if count is None:
                continue
            if rule.basis == "row":
                row = _nearest(denominators.get(_row_key(share)), share.source_line)
                if row is None:
                    continue
                denominator = _Denominator(row.value, row.unit, row.source_line, rule.denominator_indicator)
            else:
                if count.total:
                    continue
                denominator = totals.of(share, count)
            if denominator is None or missing(denominator.value) or denominator.value == 0:
                continue
            factor = find_unit_factor(denominator.unit, count.unit, conversions)
            if factor is None:
                continue
            expected = 100.0 * count.value / (denominator.value * factor)
            if abs(expected - share.value) <= tolerance_pp:
                continue
            lines = [share.source_line, count.source_line]
            if denominator.line is not None:
                lines.append(int(denominator.line))
            findings.append(
                finding(
                    str(share.report_id),
                    "share_vs_count",
                    str(share.source_table),
                    lines,
                    f"{share.source_table}「{share.subject}」：{rule.share_indicator} 写作 {fmt(share.value)}%，"
                    f"但 {fmt(count.value)} / {fmt(denominator.value)}（{denominator.basis_text}）= {fmt(expected)}%，"
                    f"相差 {fmt(share.value - expected)} 个百分点。",
                    f"{share.source_table} '{share.subject}': {rule.share_indicator} is given as {fmt(share.value)}% "
                    f"but {fmt(count.value)} / {fmt(denominator.value)} ({denominator.basis_text}) = {fmt(expected)}% "
                    f"(off by {fmt(share.value - expected)} points).",
                    subject=str(share.subject),
                    indicator_id=rule.share_indicator,
                    values=(
                        f"{fmt(count.value)} / {fmt(denominator.value)} = {fmt(expected)}%；表中 {fmt(share.value)}%"
                    ),
                    expected=expected,
                    found=float(share.value),
                )
            )
    return to_frame(findings)
