"""Check-up of stated values: one quantity stated with different values, or under different years,
and a row label used twice in one table (see :mod:`metrics.audit` for the whole check-up).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from metrics.findings import finding, fmt, lines_text, prepare, to_frame
from metrics.observations import SCHOOL_SUBJECT, TOTAL_LABELS


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
    rows = rows.assign(
        _is_total=rows["subject"].isin(list(total_labels)),
        _level=rows["subject"].where(~rows["subject"].isin(list(total_labels)), SCHOOL_SUBJECT),
    )
    findings: list[dict] = []

    def same(a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=rel_tolerance, abs_tol=1e-9)

    # 1. Same year: different values for one quantity in different tables (a sentence against a table is
    # metrics.audit_sources' check).
    key = ["report_id", "indicator_id", "_level", "year", "years_after"]
    tabled = rows[rows["basis"] != "narrative"]
    for (report, indicator, level, year, _), frame in tabled.groupby(key, dropna=False, sort=False):
        if frame["source_table"].nunique() < 2:
            continue
        genuine = frame[~frame["_is_total"]]
        if genuine.empty:
            continue  # totals of different tables are different quantities
        frame = frame.sort_values("source_line")
        first = frame.iloc[0]
        others = frame[[not same(float(v), float(first["value"])) for v in frame["value"]]]
        others = others[others["source_table"] != first["source_table"]]
        if others.empty:
            continue
        statements = "；".join(
            f"{r.source_table} 第 {r.source_line} 行 {fmt(r.value)}{r.unit}" for r in frame.itertuples(index=False)
        )
        findings.append(
            finding(
                str(report),
                "conflicting_values",
                "/".join(dict.fromkeys(frame["source_table"])),
                list(frame["source_line"]),
                f"{indicator}（{level}，{year}）在不同位置数值不一致：{statements}。",
                f"{indicator} ({level}, {year}) is stated differently: {statements}.",
                subject=str(level),
                indicator_id=str(indicator),
                values=statements,
                expected=float(first["value"]),
                found=float(others["value"].iloc[0]),
            )
        )

    # 2. School-level figures whose tables label them with neighbouring years.
    school = rows[rows["_level"] == SCHOOL_SUBJECT]
    same_figures: dict[tuple, list] = {}
    for (report, indicator, _), frame in school.groupby(
        ["report_id", "indicator_id", "years_after"], dropna=False, sort=False
    ):
        per_table = frame.sort_values("source_line").groupby("source_table", sort=False)
        single = {table: part for table, part in per_table if part["year"].nunique() == 1}
        tables = list(single)
        for i, table_a in enumerate(tables):
            for table_b in tables[i + 1 :]:
                a, b = single[table_a].iloc[0], single[table_b].iloc[0]
                if a["year"] == b["year"] or abs(int(a["year"]) - int(b["year"])) > year_gap:
                    continue
                if a["_is_total"] and b["_is_total"]:
                    continue
                if same(float(a["value"]), float(b["value"])):
                    pair = (str(report), table_a, int(a["year"]), table_b, int(b["year"]))
                    same_figures.setdefault(pair, []).append((str(indicator), a, b))
                    continue
                hint = _coincidence_hint(rows, a, b)
                findings.append(
                    finding(
                        str(report),
                        "conflicting_values",
                        f"{table_a}/{table_b}",
                        [int(a["source_line"]), int(b["source_line"])],
                        f"{indicator}：{table_a} 第 {a['source_line']} 行（{a['subject']}，{a['year']}）为 "
                        f"{fmt(a['value'])}{a['unit']}，{table_b} 第 {b['source_line']} 行（{b['subject']}，"
                        f"{b['year']}）为 {fmt(b['value'])}{b['unit']}。{hint[0]}",
                        f"{indicator}: {table_a} line {a['source_line']} ({a['subject']}, {a['year']}) says "
                        f"{fmt(a['value'])} {a['unit']}, {table_b} line {b['source_line']} ({b['subject']}, "
                        f"{b['year']}) says {fmt(b['value'])} {b['unit']}.{hint[1]}",
                        subject=SCHOOL_SUBJECT,
                        indicator_id=str(indicator),
                        values=f"{table_a} {fmt(a['value'])}；{table_b} {fmt(b['value'])}",
                        expected=float(a["value"]),
                        found=float(b["value"]),
                    )
                )
    for (report, table_a, year_a, table_b, year_b), items in same_figures.items():
        names = "、".join(f"{indicator} {fmt(a['value'])}{a['unit']}" for indicator, a, _ in items)
        lines = [int(n) for _, a, b in items for n in (a["source_line"], b["source_line"])]
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
    return to_frame(findings)


def _coincidence_hint(rows: pd.DataFrame, a: pd.Series, b: pd.Series) -> tuple[str, str]:
    """Say when one side's value equals another indicator's value in the other side's table."""
    for this, other in ((b, a), (a, b)):
        same_table = rows[
            (rows["report_id"] == other["report_id"])
            & (rows["source_table"] == other["source_table"])
            & (rows["subject"] == other["subject"])
            & (rows["indicator_id"] != other["indicator_id"])
        ]
        match = same_table[(same_table["value"] - float(this["value"])).abs() < 1e-9]
        if not match.empty:
            hit = match.iloc[0]
            return (
                f"{fmt(this['value'])} 恰是 {other['source_table']} 的 {hit['indicator_id']}（{hit['subject']}），"
                f"可能填错了指标。",
                f" {fmt(this['value'])} is {other['source_table']}'s {hit['indicator_id']} ({hit['subject']}); "
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
