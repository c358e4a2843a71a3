"""Check-up of stated values: one quantity stated with different values, or under different years,
and a row label used twice in one table (see :mod:`metrics.audit` for the whole check-up).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import pandas as pd

from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from metrics.findings import finding, fmt, key_part, lines_text, prepare, to_frame
from metrics.observations import TOTAL_LABELS


def check_conflicts(
    observations: pd.DataFrame,
    *,
    report_id: str | None = None,
    total_labels: Sequence[str] = TOTAL_LABELS,
    year_gap: int = 1,
    rel_tolerance: float = 1e-6,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Find one quantity stated with different values, or the same figures under different years.

    Compared: rows of the same report, indicator, subject, year and ``years_after`` from
    different tables; a table's total row (合计…) counts as the school's own (本校) value when set
    against a 本校 row. When two tables each state a school-level figure for a single year and
    those years differ by at most ``year_gap`` (2019届 in one, 2020 年 in the appendix), their
    values are compared too: different values give ``conflicting_values`` (the year labels are
    named), identical values give one ``year_label`` finding per pair of tables.

    Args:
        observations: Observations of one or more reports (every row).
        report_id: Only this report.
        total_labels: Row labels that state a total.
        year_gap: Largest difference between year labels of two tables still compared.
        rel_tolerance: Relative difference below which two values are the same.
        conversions: Explicit unit factors (3255.214 万元 and 32552140 元 are the same figure).

    Returns:
        Findings (:data:`FINDING_COLUMNS`).

    Raises:
        MissingColumnsError: A required column is missing.
    """
    rows = prepare(observations, report_id, conversions)
    if rows.empty:
        return to_frame([])
    # A few hundred rows grouped many ways: plain Python records, not a frame per group.
    records = _records(rows, total_labels)

    def same(a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=rel_tolerance, abs_tol=1e-9)

    same_year = _same_year_conflicts(records, same)
    neighbours, same_figures = _neighbouring_year_conflicts(records, same, year_gap)
    return to_frame(same_year + neighbours + _year_label_findings(same_figures))


#: Whether two values are the same figure (within the check's tolerance).
_Same = Callable[[float, float], bool]
#: ``(report, table a, year a, table b, year b)`` → the figures both tables state under their own year.
_SameFigures = dict[tuple[str, str, int, str, int], list[tuple[str, "_Value", "_Value"]]]


def _same_year_conflicts(records: list[_Value], same: _Same) -> list[dict]:
    """One quantity of one year stated with different values in different tables.

    A sentence against a table is :mod:`metrics.audit_sources`' check; narrative rows are left out.
    """
    findings: list[dict] = []
    quantities: dict[tuple, list[_Value]] = {}
    for row in records:
        if row.basis != "narrative":
            key = (row.report_id, row.indicator_id, row.level, key_part(row.year), key_part(row.years_after))
            quantities.setdefault(key, []).append(row)
    for (report, indicator, level, _, _), group in quantities.items():
        if len({row.source_table for row in group}) < 2:
            continue
        if all(row.is_total for row in group):
            continue  # totals of different tables are different quantities
        frame = sorted(group, key=lambda row: row.source_line)
        first = frame[0]
        others = [row for row in frame if not same(row.value, first.value) and row.source_table != first.source_table]
        if not others:
            continue
        statements = "；".join(f"{r.source_table} 第 {r.source_line} 行 {fmt(r.value)}{r.unit}" for r in frame)
        findings.append(
            finding(
                str(report),
                "conflicting_values",
                "/".join(dict.fromkeys(row.source_table for row in frame)),
                [row.source_line for row in frame],
                f"{indicator}（{level}，{first.year}）在不同位置数值不一致：{statements}。",
                f"{indicator} ({level}, {first.year}) is stated differently: {statements}.",
                subject=str(level),
                indicator_id=str(indicator),
                values=statements,
                expected=float(first.value),
                found=float(others[0].value),
            )
        )
    return findings


def _neighbouring_year_conflicts(records: list[_Value], same: _Same, year_gap: int) -> tuple[list[dict], _SameFigures]:
    """School-level figures that two tables label with neighbouring years.

    Returns:
        The findings of different values, and the pairs of tables stating the same values (for
        :func:`_year_label_findings`).
    """
    findings: list[dict] = []
    school: dict[tuple, list[_Value]] = {}
    for row in sorted(records, key=lambda row: row.source_line):
        if row.level == SCHOOL_SUBJECT:
            school.setdefault((row.report_id, row.indicator_id, key_part(row.years_after)), []).append(row)
    same_figures: _SameFigures = {}
    for (report, indicator, _), group in school.items():
        single = _single_year_tables(group)
        tables = list(single)
        for i, table_a in enumerate(tables):
            for table_b in tables[i + 1 :]:
                a, b = single[table_a][0], single[table_b][0]
                if a.year == b.year or abs(int(a.year) - int(b.year)) > year_gap:
                    continue
                if a.is_total and b.is_total:
                    continue
                if same(float(a.value), float(b.value)):
                    pair = (str(report), table_a, int(a.year), table_b, int(b.year))
                    same_figures.setdefault(pair, []).append((str(indicator), a, b))
                    continue
                findings.append(_neighbour_finding(records, str(report), str(indicator), a, b))
    return findings, same_figures


def _single_year_tables(group: list[_Value]) -> dict[str, list[_Value]]:
    """The rows of one figure by table, keeping only the tables that state it for a single year."""
    per_table: dict[str, list[_Value]] = {}
    for row in group:
        per_table.setdefault(row.source_table, []).append(row)
    return {table: part for table, part in per_table.items() if len({key_part(r.year) for r in part} - {None}) == 1}


def _neighbour_finding(records: list[_Value], report: str, indicator: str, a: _Value, b: _Value) -> dict:
    """``conflicting_values``: one school-level figure, two tables, neighbouring years, different values."""
    table_a, table_b = a.source_table, b.source_table
    hint = _coincidence_hint(records, a, b)
    return finding(
        report,
        "conflicting_values",
        f"{table_a}/{table_b}",
        [int(a.source_line), int(b.source_line)],
        f"{indicator}：{table_a} 第 {a.source_line} 行（{a.subject}，{a.year}）为 "
        f"{fmt(a.value)}{a.unit}，{table_b} 第 {b.source_line} 行（{b.subject}，"
        f"{b.year}）为 {fmt(b.value)}{b.unit}。{hint[0]}",
        f"{indicator}: {table_a} line {a.source_line} ({a.subject}, {a.year}) says "
        f"{fmt(a.value)} {a.unit}, {table_b} line {b.source_line} ({b.subject}, "
        f"{b.year}) says {fmt(b.value)} {b.unit}.{hint[1]}",
        subject=SCHOOL_SUBJECT,
        indicator_id=indicator,
        values=f"{table_a} {fmt(a.value)}；{table_b} {fmt(b.value)}",
        expected=float(a.value),
        found=float(b.value),
    )


def _year_label_findings(same_figures: _SameFigures) -> list[dict]:
    """``year_label``: one finding per pair of tables stating the same figures under different years."""
    findings: list[dict] = []
    for (report, table_a, year_a, table_b, year_b), items in same_figures.items():
        names = "、".join(f"{indicator} {fmt(a.value)}{a.unit}" for indicator, a, _ in items)
        lines = [int(n) for _, a, b in items for n in (a.source_line, b.source_line)]
        findings.append(
            finding(
                report,
                "year_label",
                f"{table_a}/{table_b}",
                lines,
                f"同一组数字在 {table_a} 标为 {year_a} 年、在 {table_b} 标为 {year_b} 年：{names}。请统一年份口径。",
                f"The same figures are labelled {year_a} in {table_a} and {year_b} in {table_b}: "
                f"{', '.join(i for i, _, _ in items)}. Use one year label.",
                subject=SCHOOL_SUBJECT,
                indicator_id=",".join(i for i, _, _ in items),
                values=names,
            )
        )
    return findings


class _Value(NamedTuple):
    """One stated value as the conflict checks read it (plain Python values)."""

    report_id: str
    indicator_id: str
    subject: str
    year: object
    years_after: object
    value: float
    unit: str
    source_table: str
    source_line: int
    basis: str
    is_total: bool
    level: str  # the subject, 本校 for a table's total row


def _records(rows: pd.DataFrame, total_labels: Sequence[str]) -> list[_Value]:
    totals = set(total_labels)
    columns = [rows[c].tolist() for c in _Value._fields[:-2]]
    return [
        _Value(*values, values[2] in totals, SCHOOL_SUBJECT if values[2] in totals else values[2])
        for values in zip(*columns, strict=True)
    ]


def _coincidence_hint(records: list[_Value], a: _Value, b: _Value) -> tuple[str, str]:
    """Say when one side's value equals another indicator's value in the other side's table."""
    for this, other in ((b, a), (a, b)):
        hit = next(
            (
                row
                for row in records
                if row.report_id == other.report_id
                and row.source_table == other.source_table
                and row.subject == other.subject
                and row.indicator_id != other.indicator_id
                and abs(row.value - float(this.value)) < 1e-9
            ),
            None,
        )
        if hit is not None:
            return (
                f"{fmt(this.value)} 恰是 {other.source_table} 的 {hit.indicator_id}（{hit.subject}），可能填错了指标。",
                f" {fmt(this.value)} is {other.source_table}'s {hit.indicator_id} ({hit.subject}); "
                f"the wrong figure may have been copied.",
            )
    return "", ""


def check_duplicate_labels(observations: pd.DataFrame, *, report_id: str | None = None) -> pd.DataFrame:
    """Find row labels that appear more than once in one table.

    Args:
        observations: Observations of one or more reports (every row).
        report_id: Only this report.

    Returns:
        One finding per table and repeated label, listing the lines and each line's numbers.

    Raises:
        MissingColumnsError: A required column is missing.
    """
    rows = prepare(observations, report_id)
    rows = rows[rows["basis"] == "table"]  # a sentence restating a figure is no second row label
    if rows.empty:
        return to_frame([])
    findings: list[dict] = []
    key = ["report_id", "source_table", "indicator_id", "subject", "year", "years_after"]
    lines_per_key = rows.groupby(key, dropna=False)["source_line"].transform("nunique")
    repeated = rows[lines_per_key > 1]
    for (report, table, subject), frame in repeated.groupby(["report_id", "source_table", "subject"], sort=False):
        frame = frame.sort_values(["source_line", "indicator_id"])
        per_line = [
            f"第 {line} 行：{' '.join(fmt(v) + u for v, u in zip(part['value'], part['unit'], strict=True))}"
            for line, part in frame.groupby("source_line", sort=True)
        ]
        lines = sorted(frame["source_line"].unique())
        findings.append(
            finding(
                str(report),
                "duplicate_label",
                str(table),
                lines,
                f"{table} 中「{subject}」出现 {len(lines)} 次（{'；'.join(per_line)}），"
                "如非不同项目，其中一行的类别名可能写错了。",
                f"{table} has the row label '{subject}' {len(lines)} times (lines {lines_text(lines)}); "
                f"unless they are separate items, one of them is probably mislabelled.",
                subject=str(subject),
                indicator_id=",".join(dict.fromkeys(frame["indicator_id"])),
                values="；".join(per_line),
            )
        )
    return to_frame(findings)


def year_disputes(attainment: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """``attainment`` with where the report states a target's current figure under another year too
    (表4's 2020 年 column and §五's 「2019 年，…技术服务到款额 3255.214 万元」), so that the year shown is never
    taken for the only one: ``other_year``, ``other_table``, ``other_line`` (missing when there is none).

    Args:
        attainment: :func:`metrics.targets.compute_attainment` rows (``report_id``, ``indicator_id``,
            ``subject``, ``current_year``, ``current_value``, ``source_table``).
        observations: The school's observations (every report).

    Returns:
        A copy of ``attainment`` with the three columns.
    """
    out = attainment.copy()
    years: list[object] = [pd.NA] * len(out)
    tables: list[object] = [pd.NA] * len(out)
    lines: list[object] = [pd.NA] * len(out)
    if not out.empty and not observations.empty:
        rows = observations[observations["report_id"].isin(set(out["report_id"].dropna()))]
        index: dict[tuple, list[tuple[str, int, int]]] = {}
        for r in rows.itertuples(index=False):
            key = (r.report_id, r.indicator_id, r.subject, round(float(r.value), 6))
            index.setdefault(key, []).append((str(r.source_table), int(r.year), int(r.source_line)))
        for i, row in enumerate(out.to_dict("records")):
            value, year = row.get("current_value"), row.get("current_year")
            if value is None or pd.isna(value) or year is None or pd.isna(year):
                continue
            key = (row.get("report_id"), row.get("indicator_id"), row.get("subject"), round(float(value), 6))
            others = sorted(
                {(t, y, line) for t, y, line in index.get(key, []) if y != int(year) and t != row.get("source_table")}
            )
            if others:
                tables[i], years[i], lines[i] = others[0]
    out["other_year"] = pd.array(years, dtype="Int64")
    out["other_table"] = pd.array(tables, dtype="str")
    out["other_line"] = pd.array(lines, dtype="Int64")
    return out
