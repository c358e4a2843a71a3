"""Check-up on the figures' arithmetic: parts against totals, shares against counts.

Belongs here: ``parts_vs_total`` — a table's rows do not add up to its total row (合计/总数/总计, or
the row whose share is 100 %), or parts stated elsewhere do not add up to a school-level total
(``data/specs/checkup_component_rules.csv``, e.g. 收入总计 = 财政拨款 + 事业 + 其他); and
``share_vs_count`` — a share (or a rate on the same row) does not match its counts
(``data/specs/checkup_share_rules.csv``). The rule tables are data, passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from metrics.findings import finding, fmt, prepare, to_frame
from metrics.observations import SCHOOL_SUBJECT, TOTAL_LABELS, require_columns
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
    kinds = _kinds(indicators)
    rows = rows.assign(_total=_mark_totals(rows, total_labels, share_rules), _kind=rows["indicator_id"].map(kinds))
    findings: list[dict] = []
    group = ["report_id", "source_table", "indicator_id", "year", "years_after"]
    summable = rows[rows["_kind"].isin(_SUMMABLE_KINDS)]
    for key, frame in summable.groupby(group, dropna=False, sort=False):
        totals = frame[frame["_total"]]
        parts = frame[~frame["_total"]]
        if len(totals) != 1 or len(parts) < 2:
            continue
        total = float(totals["value"].iloc[0])
        found = float(parts["value"].sum())
        kind = str(frame["_kind"].iloc[0])
        if abs(found - total) <= _tolerance(kind, len(parts)):
            continue
        report, table, indicator = key[0], key[1], key[2]
        unit = str(totals["unit"].iloc[0])
        label = str(totals["subject"].iloc[0])
        terms = " + ".join(fmt(v) for v in parts["value"])
        values = f"{terms} = {fmt(found)}；{label} {fmt(total)}"
        findings.append(
            finding(
                report,
                "parts_vs_total",
                table,
                [*parts["source_line"], *totals["source_line"]],
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
    findings.extend(_check_components(rows, component_rules, conversions))
    return to_frame(findings)


def _check_components(
    rows: pd.DataFrame, component_rules: pd.DataFrame, conversions: pd.DataFrame | None
) -> list[dict]:
    """School totals against the parts stated for them (see ``data/specs/checkup_component_rules.csv``)."""
    findings: list[dict] = []
    school_level = rows[(rows["subject"] == SCHOOL_SUBJECT) & ~rows["_total"]]
    for (total_id, _), rules in component_rules.groupby(["total_indicator", "part_set"], sort=False):
        totals = school_level[school_level["indicator_id"] == total_id]
        for (report, year), total_rows in totals.groupby(["report_id", "year"], sort=False):
            total_row = total_rows.sort_values("source_line").iloc[0]
            contributions = [_part_rows(rows, report, year, part_id) for part_id in rules["part_indicator"]]
            if any(part.empty for part in contributions):
                continue
            factors = [find_unit_factor(part["unit"].iloc[0], total_row["unit"], conversions) for part in contributions]
            if any(factor is None for factor in factors):
                continue  # parts in a unit the total cannot be compared with
            contributions = [
                part.assign(value=part["value"] * factor) for part, factor in zip(contributions, factors, strict=True)
            ]
            found = float(sum(part["value"].sum() for part in contributions))
            total = float(total_row["value"])
            n_parts = sum(len(part) for part in contributions)
            if abs(found - total) <= _tolerance(str(total_row["_kind"]), n_parts):
                continue
            tables = list(dict.fromkeys(str(t) for part in contributions for t in part["source_table"]))
            part_ids = "+".join(rules["part_indicator"])
            terms = " + ".join(fmt(v) for part in contributions for v in part["value"])
            lines = [int(total_row["source_line"]), *(int(n) for part in contributions for n in part["source_line"])]
            unit = str(total_row["unit"])
            findings.append(
                finding(
                    str(report),
                    "parts_vs_total",
                    "/".join(dict.fromkeys([str(total_row["source_table"]), *tables])),
                    lines,
                    f"{total_row['source_table']} 的 {total_id} 为 {fmt(total)}{unit}，而 {'、'.join(tables)} 中的 "
                    f"{part_ids} 合计 {fmt(found)}{unit}（{terms}），相差 {fmt(found - total)}。",
                    f"{total_row['source_table']} gives {total_id} = {fmt(total)} {unit}, but {part_ids} in "
                    f"{', '.join(tables)} add up to {fmt(found)} {unit} (off by {fmt(found - total)}).",
                    subject=SCHOOL_SUBJECT,
                    indicator_id=total_id,
                    values=f"{terms} = {fmt(found)}；{total_id} {fmt(total)}",
                    expected=total,
                    found=found,
                )
            )
    return findings


def _part_rows(rows: pd.DataFrame, report: str, year: int, part_id: str) -> pd.DataFrame:
    """The rows that state one part: its table's total row, its 本校 row, or all its rows."""
    part = rows[(rows["report_id"] == report) & (rows["year"] == year) & (rows["indicator_id"] == part_id)]
    if part.empty:
        return part
    part = part.sort_values("source_line")
    part = part[part["source_table"] == part["source_table"].iloc[0]]
    if part["_total"].any():
        return part[part["_total"]].head(1)
    if (part["subject"] == SCHOOL_SUBJECT).any():
        return part[part["subject"] == SCHOOL_SUBJECT].head(1)
    return part


def _pair_nearest(left: pd.DataFrame, right: pd.DataFrame, key: list[str], right_line: str) -> pd.DataFrame:
    """Join each left row to the right row of the same key nearest to it in the report.

    A row label repeated in one table (表3-1's 文化艺术大类) has several candidates; the one on
    the same line, else the closest line, is its partner.
    """
    merged = left.reset_index(drop=True).reset_index(names="_left").merge(right, on=key, how="inner", validate="m:m")
    if merged.empty:
        return merged.drop(columns="_left")
    merged["_distance"] = (merged["source_line"] - merged[right_line]).abs()
    merged = merged.sort_values(["_left", "_distance"], kind="stable").drop_duplicates("_left")
    return merged.drop(columns=["_left", "_distance"]).reset_index(drop=True)


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
    rows = rows.assign(_total=_mark_totals(rows, total_labels, share_rules))
    findings: list[dict] = []
    row_key = ["report_id", "source_table", "subject", "year", "years_after"]
    by_indicator = dict(iter(rows.groupby("indicator_id", sort=False)))  # one pass, not one filter per rule
    none = rows.iloc[0:0]
    for rule in share_rules.itertuples(index=False):
        shares = by_indicator.get(rule.share_indicator, none)
        counts = by_indicator.get(rule.count_indicator, none)
        if shares.empty or counts.empty:
            continue
        paired = _pair_nearest(
            shares,
            counts[[*row_key, "value", "unit", "source_line", "_total"]].rename(
                columns={
                    "value": "count",
                    "unit": "count_unit",
                    "source_line": "count_line",
                    "_total": "count_is_total",
                }
            ),
            row_key,
            "count_line",
        )
        if paired.empty:
            continue
        if rule.basis == "row":
            denominators = by_indicator.get(rule.denominator_indicator, none)
            paired = _pair_nearest(
                paired,
                denominators[[*row_key, "value", "unit", "source_line"]].rename(
                    columns={"value": "denominator", "unit": "denominator_unit", "source_line": "denominator_line"}
                ),
                row_key,
                "denominator_line",
            )
            paired["basis_text"] = rule.denominator_indicator
        else:
            paired = _attach_denominator(paired, rows, rule)
        for item in paired.itertuples(index=False):
            if item.denominator is None or pd.isna(item.denominator) or item.denominator == 0:
                continue
            if rule.basis == "total" and item.count_is_total:
                continue
            factor = find_unit_factor(item.denominator_unit, item.count_unit, conversions)
            if factor is None:
                continue
            expected = 100.0 * item.count / (item.denominator * factor)
            if abs(expected - item.value) <= tolerance_pp:
                continue
            lines = [item.source_line, item.count_line]
            if not pd.isna(item.denominator_line):
                lines.append(int(item.denominator_line))
            findings.append(
                finding(
                    str(item.report_id),
                    "share_vs_count",
                    str(item.source_table),
                    lines,
                    f"{item.source_table}「{item.subject}」：{rule.share_indicator} 写作 {fmt(item.value)}%，"
                    f"但 {fmt(item.count)} / {fmt(item.denominator)}（{item.basis_text}）= {fmt(expected)}%，"
                    f"相差 {fmt(item.value - expected)} 个百分点。",
                    f"{item.source_table} '{item.subject}': {rule.share_indicator} is given as {fmt(item.value)}% "
                    f"but {fmt(item.count)} / {fmt(item.denominator)} ({item.basis_text}) = {fmt(expected)}% "
                    f"(off by {fmt(item.value - expected)} points).",
                    subject=str(item.subject),
                    indicator_id=rule.share_indicator,
                    values=(f"{fmt(item.count)} / {fmt(item.denominator)} = {fmt(expected)}%；表中 {fmt(item.value)}%"),
                    expected=expected,
                    found=float(item.value),
                )
            )
    return to_frame(findings)


def _attach_denominator(paired: pd.DataFrame, rows: pd.DataFrame, rule: object) -> pd.DataFrame:
    """Add ``denominator``/``denominator_line``/``basis_text`` for a share of a table total."""
    table_key = ["report_id", "source_table", "year", "years_after"]
    counts = rows[rows["indicator_id"] == rule.count_indicator]
    totals = counts[counts["_total"]].sort_values("source_line").drop_duplicates(table_key)
    totals = totals[[*table_key, "value", "unit", "source_line", "subject"]].rename(
        columns={
            "value": "table_total",
            "unit": "table_total_unit",
            "source_line": "table_total_line",
            "subject": "total_label",
        }
    )
    sums = counts[~counts["_total"]].groupby(table_key, dropna=False)["value"].sum().rename("parts_sum").reset_index()
    out = paired.merge(totals, on=table_key, how="left", validate="m:1")
    out = out.merge(sums, on=table_key, how="left", validate="m:1")
    out["external"] = float("nan")
    out["external_unit"] = ""
    out["external_line"] = float("nan")
    if rule.denominator_indicator:
        external = rows[rows["indicator_id"] == rule.denominator_indicator]
        if rule.denominator_subject:
            external = external[external["subject"] == rule.denominator_subject]
        external = external.sort_values("source_line").drop_duplicates(["report_id", "year"])
        external = external[["report_id", "year", "value", "unit", "source_line"]].rename(
            columns={"value": "external", "unit": "external_unit", "source_line": "external_line"}
        )
        out = out.drop(columns=["external", "external_unit", "external_line"]).merge(
            external, on=["report_id", "year"], how="left", validate="m:1"
        )
    use_total = out["table_total"].notna()
    use_external = ~use_total & out["external"].notna()
    out["denominator"] = out["table_total"].where(use_total, out["external"].where(use_external, out["parts_sum"]))
    out["denominator_line"] = out["table_total_line"].where(use_total, out["external_line"].where(use_external))
    out["denominator_unit"] = out["table_total_unit"].where(
        use_total, out["external_unit"].where(use_external, out["count_unit"])
    )
    label = rule.denominator_indicator or ""
    out["basis_text"] = [
        f"{t}行" if u else (f"{label}" if e else "各行之和")
        for t, u, e in zip(out["total_label"], use_total, use_external, strict=True)
    ]
    return out
