"""The report check-up (体检): internal-consistency checks on one loaded report.

Belongs here: checks that find slips a planner wants to fix before a report is published. Each
finding names its table(s), line numbers, the numbers involved and a plain-language message.

Checks on the observations (every row, not one value per key):

- ``parts_vs_total`` — a table's rows do not add up to its total row (合计/总数/总计, or the row
  whose share is 100 %), or parts stated elsewhere do not add up to a school-level total
  (:data:`COMPONENT_RULES`, e.g. 收入总计 = 财政拨款 + 事业 + 其他);
- ``share_vs_count`` — a share (or a rate on the same row) does not match its counts
  (:data:`SHARE_RULES`);
- ``conflicting_values`` — the same quantity is stated with different values in two places
  (table vs appendix, text vs table), including school totals whose year labels differ by one;
- ``year_label`` — the same figures are stated under different years in two places;
- ``duplicate_label`` — a row label appears twice in one table.

Checks on the report's text (the caller passes the lines; nothing here reads a file):

- ``cohort_label`` — the narrative above a table names another cohort than its caption
  (2019届 in the text, 2017届 in the caption);
- ``text_vs_table`` — a figure in the sentence above a table differs from the table
  (装备制造大类 25.77 % in the text, 25.45 % in 表3-1).

Rule tables are data (module constants that callers may replace), not code branches.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence

import pandas as pd

from metrics.errors import MetricsError
from metrics.observations import SCHOOL_SUBJECT, TOTAL_LABELS, require_columns
from metrics.units import find_unit_factor

AUDIT_REQUIRED = [
    "report_id",
    "indicator_id",
    "subject",
    "year",
    "years_after",
    "value",
    "unit",
    "source_table",
    "source_line",
]

FINDING_COLUMNS = [
    "report_id",
    "check",
    "source_table",
    "subject",
    "indicator_id",
    "lines",
    "first_line",
    "values",
    "expected",
    "found",
    "difference",
    "message",
    "message_en",
]

CHECKS = (
    "parts_vs_total",
    "share_vs_count",
    "conflicting_values",
    "year_label",
    "duplicate_label",
    "cohort_label",
    "text_vs_table",
)

#: How a share or rate relates to counts. ``basis = total``: share = count / the table's total
#: row of ``count_indicator`` (else ``denominator_indicator``/``denominator_subject`` from the same
#: report and year, else the sum of the table's rows). ``basis = row``: rate = count /
#: ``denominator_indicator`` on the same row.
SHARE_RULES = pd.read_csv(
    io.StringIO(
        "share_indicator,count_indicator,basis,denominator_indicator,denominator_subject\n"
        "enroll_channel_share,enroll_plan,total,,\n"
        "intake_region_share,intake_region_count,total,enroll_admitted,合计\n"
        "intake_type_share,intake_type_count,total,,\n"
        "registered_3yr_type_share,registered_3yr_type_count,total,,\n"
        "industry_employment_share,industry_employment_count,total,,\n"
        "employer_type_share,employer_type_count,total,,\n"
        "enrolled_share,enrolled_students,total,,\n"
        "course_hours_share,course_hours,total,,\n"
        "teachers_by_title_share,teachers_by_title,total,fulltime_teachers,本校\n"
        "teachers_by_degree_share,teachers_by_degree,total,fulltime_teachers,本校\n"
        "destination_share_province,destination_count,total,,\n"
        "destination_share_city,destination_count,total,,\n"
        "income_fiscal_share,income_fiscal,total,income_total,本校\n"
        "income_business_share,income_business,total,income_total,本校\n"
        "income_other_share,income_other,total,income_total,本校\n"
        "enroll_registration_rate,enroll_registered,row,enroll_admitted,\n"
        "ontime_graduation_rate,graduates,row,students_due_to_graduate,\n"
        "response_rate,survey_respondents,row,survey_population,\n"
        "destination_per_origin_pct,destination_count,row,origin_count,\n"
    ),
    dtype="str",
    keep_default_na=False,
)

#: School-level totals and the parts that make them up (same report and year). Parts sharing a
#: ``part_set`` are added up; each set is checked on its own (专任教师 by title, and by degree). A
#: part whose table has a total row contributes that total; otherwise the sum of its rows.
COMPONENT_RULES = pd.read_csv(
    io.StringIO(
        "total_indicator,part_set,part_indicator\n"
        "fulltime_teachers,by_title,teachers_by_title\n"
        "fulltime_teachers,by_degree,teachers_by_degree\n"
        "income_total,by_source,income_fiscal\n"
        "income_total,by_source,income_business\n"
        "income_total,by_source,income_other\n"
        "research_income_total,by_kind,tech_service_income\n"
        "research_income_total,by_kind,vertical_research_funding\n"
        "research_income_total,by_kind,tech_transaction_income\n"
        "research_projects,by_kind,research_projects_vertical\n"
        "research_projects,by_kind,research_projects_horizontal\n"
        "research_projects,by_kind,tech_transfer_projects\n"
    ),
    dtype="str",
    keep_default_na=False,
)

#: A graduate-survey cohort label: ``2019 届毕业生（毕业三年后）`` (matched on NFKC text).
COHORT_PATTERN = r"(?P<cohort>\d{4})\s*届(?:毕业生)?\s*\(\s*毕业(?P<after>[一二三四五])年后\s*\)"

#: A table caption line (matched on NFKC text).
CAPTION_PATTERN = r"^\s*表\s*(?P<num>\d+(?:\s*[-–—]\s*\d+)?)\s*[:]?\s*(?P<title>.*)$"

#: Lines that end a table or a figure: the narrative above the next caption starts after them.
BLOCK_END_PATTERNS = (
    r"^\s*数据来源",
    r"^\s*资料来源",
    r"^\s*图\s*\d",
    r"^\s*注\s*[:]",
    r"^\s*\([一二三四五六七八九十]+\)",
    r"^\s*[一二三四五六七八九十]+、",
    r"^\s*\d+\s*[.]\s*\D",
)

#: How the narrative names a table's row (survey tables say 我校 for the 本校 row). An alias is used
#: only when its subject is a row of the table and the alias itself is not.
SUBJECT_ALIASES = {
    "我校": "本校",
    "学校": "本校",
    "全省高校": "全省",
    "浙江省高校": "全省",
    "本科院校": "本科",
    "高职院校": "高职",
    "浙江省高职": "高职",
    "浙江省高职院校": "高职",
}

#: Clauses with these words compare or enumerate figures; their numbers are not a table value.
SKIP_WORDS = (
    "高出",
    "低于",
    "超出",
    "超过",
    "多出",
    "少于",
    "增长",
    "下降",
    "提高",
    "降低",
    "增加",
    "减少",
    "分别",
    "相比",
)

_NUMBER_RE = re.compile(
    r"(?<![\d.\-])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<unit>%|万元|亿元|元|分|人次|人日|人|个|项|门|名|家|所|课时|学时)?"
    r"(?P<after>\s*(?:年|届|月|日|学年|-))?"
)
_CLAUSE_SPLIT = re.compile(r"[，,、：:]")
_SENTENCE_SPLIT = re.compile(r"[。；;！？!?]")
_AFTER_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_SUMMABLE_KINDS = ("count", "amount", "share")


# ---------------------------------------------------------------------------- helpers


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _fmt(value: float) -> str:
    """A number as a planner would write it: no trailing zeros, up to 4 decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def _lines_text(lines: Sequence[int]) -> str:
    return ",".join(str(n) for n in sorted({int(n) for n in lines}))


def _finding(
    report_id: str,
    check: str,
    table: str,
    lines: Sequence[int],
    message: str,
    message_en: str,
    *,
    subject: str = "",
    indicator_id: str = "",
    values: str = "",
    expected: float = float("nan"),
    found: float = float("nan"),
) -> dict:
    difference = found - expected if not (math.isnan(found) or math.isnan(expected)) else float("nan")
    return {
        "report_id": report_id,
        "check": check,
        "source_table": table,
        "subject": subject,
        "indicator_id": indicator_id,
        "lines": _lines_text(lines),
        "first_line": min(int(n) for n in lines),
        "values": values,
        "expected": expected,
        "found": found,
        "difference": difference,
        "message": message,
        "message_en": message_en,
    }


def _to_frame(findings: list[dict]) -> pd.DataFrame:
    """Findings as a frame with :data:`FINDING_COLUMNS`, sorted by report, line and check."""
    dtypes = {"first_line": "int64", "expected": "float64", "found": "float64", "difference": "float64"}
    if not findings:
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "str")) for c in FINDING_COLUMNS})
    out = pd.DataFrame(findings, columns=FINDING_COLUMNS)
    for column in FINDING_COLUMNS:
        out[column] = out[column].astype(dtypes.get(column, "str"))
    order = {name: position for position, name in enumerate(CHECKS)}
    out["_order"] = out["check"].map(order)
    out = out.sort_values(["report_id", "first_line", "_order", "source_table", "subject", "indicator_id"])
    return out.drop(columns="_order").reset_index(drop=True)


def _prepare(
    observations: pd.DataFrame, report_id: str | None, conversions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The rows to check, each indicator's values in one unit (that of its first row in the report).

    A figure stated as 3255.214 万元 in one place and 32552140 元 in another is one figure; a
    unit that cannot be converted is left as it is.
    """
    require_columns(observations, AUDIT_REQUIRED, "observations")
    rows = observations[AUDIT_REQUIRED]
    if report_id is not None:
        rows = rows[rows["report_id"] == report_id]
    rows = rows.sort_values(["report_id", "source_line"], kind="stable").reset_index(drop=True)
    if rows.empty:
        return rows
    first_unit = rows.groupby(["report_id", "indicator_id"])["unit"].transform("first")
    values, units = [], []
    for value, unit, wanted in zip(rows["value"], rows["unit"], first_unit, strict=True):
        factor = find_unit_factor(unit, wanted, conversions)
        values.append(value if factor is None else value * factor)
        units.append(unit if factor is None else wanted)
    return rows.assign(value=pd.Series(values, dtype="float64"), unit=pd.Series(units, dtype="str"))


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
    share_rules: pd.DataFrame = SHARE_RULES,
    component_rules: pd.DataFrame = COMPONENT_RULES,
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
        share_rules: See :data:`SHARE_RULES` (used to find 100 % total rows).
        component_rules: See :data:`COMPONENT_RULES`.
        conversions: Explicit unit factors (rows of one indicator in 元 and 万元 are added in one unit).

    Returns:
        Findings (:data:`FINDING_COLUMNS`) with ``expected`` = the stated total and ``found`` =
        the sum of the parts.

    Raises:
        MissingColumnsError: A required column is missing.
    """
    rows = _prepare(observations, report_id, conversions)
    if rows.empty:
        return _to_frame([])
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
        terms = " + ".join(_fmt(v) for v in parts["value"])
        values = f"{terms} = {_fmt(found)}；{label} {_fmt(total)}"
        findings.append(
            _finding(
                report,
                "parts_vs_total",
                table,
                [*parts["source_line"], *totals["source_line"]],
                f"{table}（{indicator}）：各行相加为 {_fmt(found)}{unit}，而{label}行为 {_fmt(total)}{unit}，"
                f"相差 {_fmt(found - total)}。",
                f"{table} ({indicator}): the rows add up to {_fmt(found)} {unit} but the {label} row says "
                f"{_fmt(total)} {unit} (off by {_fmt(found - total)}).",
                subject=label,
                indicator_id=indicator,
                values=values,
                expected=total,
                found=found,
            )
        )
    findings.extend(_check_components(rows, component_rules, conversions))
    return _to_frame(findings)


def _check_components(
    rows: pd.DataFrame, component_rules: pd.DataFrame, conversions: pd.DataFrame | None
) -> list[dict]:
    """School totals against the parts stated for them (see :data:`COMPONENT_RULES`)."""
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
            terms = " + ".join(_fmt(v) for part in contributions for v in part["value"])
            lines = [int(total_row["source_line"]), *(int(n) for part in contributions for n in part["source_line"])]
            unit = str(total_row["unit"])
            findings.append(
                _finding(
                    str(report),
                    "parts_vs_total",
                    "/".join(dict.fromkeys([str(total_row["source_table"]), *tables])),
                    lines,
                    f"{total_row['source_table']} 的 {total_id} 为 {_fmt(total)}{unit}，而 {'、'.join(tables)} 中的 "
                    f"{part_ids} 合计 {_fmt(found)}{unit}（{terms}），相差 {_fmt(found - total)}。",
                    f"{total_row['source_table']} gives {total_id} = {_fmt(total)} {unit}, but {part_ids} in "
                    f"{', '.join(tables)} add up to {_fmt(found)} {unit} (off by {_fmt(found - total)}).",
                    subject=SCHOOL_SUBJECT,
                    indicator_id=total_id,
                    values=f"{terms} = {_fmt(found)}；{total_id} {_fmt(total)}",
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
    share_rules: pd.DataFrame = SHARE_RULES,
    tolerance_pp: float = 0.05,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Find shares and rates that do not match the counts they are computed from.

    Args:
        observations: Observations of one or more reports (every row).
        report_id: Only this report.
        total_labels: Row labels that state a total.
        share_rules: See :data:`SHARE_RULES`.
        tolerance_pp: Allowed difference in percentage points (rounding).
        conversions: Explicit unit factors (a count in 万元 against a total in 元).

    Returns:
        Findings with ``expected`` = 100 × count / denominator and ``found`` = the stated share.

    Raises:
        MissingColumnsError: A required column is missing.
    """
    rows = _prepare(observations, report_id, conversions)
    if rows.empty:
        return _to_frame([])
    rows = rows.assign(_total=_mark_totals(rows, total_labels, share_rules))
    findings: list[dict] = []
    row_key = ["report_id", "source_table", "subject", "year", "years_after"]
    for rule in share_rules.itertuples(index=False):
        shares = rows[rows["indicator_id"] == rule.share_indicator]
        counts = rows[rows["indicator_id"] == rule.count_indicator]
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
            denominators = rows[rows["indicator_id"] == rule.denominator_indicator]
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
                _finding(
                    str(item.report_id),
                    "share_vs_count",
                    str(item.source_table),
                    lines,
                    f"{item.source_table}「{item.subject}」：{rule.share_indicator} 写作 {_fmt(item.value)}%，"
                    f"但 {_fmt(item.count)} / {_fmt(item.denominator)}（{item.basis_text}）= {_fmt(expected)}%，"
                    f"相差 {_fmt(item.value - expected)} 个百分点。",
                    f"{item.source_table} '{item.subject}': {rule.share_indicator} is given as {_fmt(item.value)}% "
                    f"but {_fmt(item.count)} / {_fmt(item.denominator)} ({item.basis_text}) = {_fmt(expected)}% "
                    f"(off by {_fmt(item.value - expected)} points).",
                    subject=str(item.subject),
                    indicator_id=rule.share_indicator,
                    values=(
                        f"{_fmt(item.count)} / {_fmt(item.denominator)} = {_fmt(expected)}%；表中 {_fmt(item.value)}%"
                    ),
                    expected=expected,
                    found=float(item.value),
                )
            )
    return _to_frame(findings)


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
    rows = _prepare(observations, report_id, conversions)
    if rows.empty:
        return _to_frame([])
    rows = rows.assign(
        _is_total=rows["subject"].isin(list(total_labels)),
        _level=rows["subject"].where(~rows["subject"].isin(list(total_labels)), SCHOOL_SUBJECT),
    )
    findings: list[dict] = []

    def same(a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=rel_tolerance, abs_tol=1e-9)

    # 1. Same year: different values for one quantity in different tables.
    key = ["report_id", "indicator_id", "_level", "year", "years_after"]
    for (report, indicator, level, year, _), frame in rows.groupby(key, dropna=False, sort=False):
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
            f"{r.source_table} 第 {r.source_line} 行 {_fmt(r.value)}{r.unit}" for r in frame.itertuples(index=False)
        )
        findings.append(
            _finding(
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
                    _finding(
                        str(report),
                        "conflicting_values",
                        f"{table_a}/{table_b}",
                        [int(a["source_line"]), int(b["source_line"])],
                        f"{indicator}：{table_a} 第 {a['source_line']} 行（{a['subject']}，{a['year']}）为 "
                        f"{_fmt(a['value'])}{a['unit']}，{table_b} 第 {b['source_line']} 行（{b['subject']}，"
                        f"{b['year']}）为 {_fmt(b['value'])}{b['unit']}。{hint[0]}",
                        f"{indicator}: {table_a} line {a['source_line']} ({a['subject']}, {a['year']}) says "
                        f"{_fmt(a['value'])} {a['unit']}, {table_b} line {b['source_line']} ({b['subject']}, "
                        f"{b['year']}) says {_fmt(b['value'])} {b['unit']}.{hint[1]}",
                        subject=SCHOOL_SUBJECT,
                        indicator_id=str(indicator),
                        values=f"{table_a} {_fmt(a['value'])}；{table_b} {_fmt(b['value'])}",
                        expected=float(a["value"]),
                        found=float(b["value"]),
                    )
                )
    for (report, table_a, year_a, table_b, year_b), items in same_figures.items():
        names = "、".join(f"{indicator} {_fmt(a['value'])}{a['unit']}" for indicator, a, _ in items)
        lines = [int(n) for _, a, b in items for n in (a["source_line"], b["source_line"])]
        findings.append(
            _finding(
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
    return _to_frame(findings)


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
                f"{_fmt(this['value'])} 恰是 {other['source_table']} 的 {hit['indicator_id']}（{hit['subject']}），"
                f"可能填错了指标。",
                f" {_fmt(this['value'])} is {other['source_table']}'s {hit['indicator_id']} ({hit['subject']}); "
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
    rows = _prepare(observations, report_id)
    if rows.empty:
        return _to_frame([])
    findings: list[dict] = []
    key = ["report_id", "source_table", "indicator_id", "subject", "year", "years_after"]
    lines_per_key = rows.groupby(key, dropna=False)["source_line"].transform("nunique")
    repeated = rows[lines_per_key > 1]
    for (report, table, subject), frame in repeated.groupby(["report_id", "source_table", "subject"], sort=False):
        frame = frame.sort_values(["source_line", "indicator_id"])
        per_line = [
            f"第 {line} 行：{' '.join(_fmt(v) + u for v, u in zip(part['value'], part['unit'], strict=True))}"
            for line, part in frame.groupby("source_line", sort=True)
        ]
        lines = sorted(frame["source_line"].unique())
        findings.append(
            _finding(
                str(report),
                "duplicate_label",
                str(table),
                lines,
                f"{table} 中「{subject}」出现 {len(lines)} 次（{'；'.join(per_line)}），"
                "如非不同项目，其中一行的类别名可能写错了。",
                f"{table} has the row label '{subject}' {len(lines)} times (lines {_lines_text(lines)}); "
                f"unless they are separate items, one of them is probably mislabelled.",
                subject=str(subject),
                indicator_id=",".join(dict.fromkeys(frame["indicator_id"])),
                values="；".join(per_line),
            )
        )
    return _to_frame(findings)


# ---------------------------------------------------------------------------- text checks


def find_captions(lines: Sequence[str], *, caption_pattern: str = CAPTION_PATTERN) -> pd.DataFrame:
    """Find the table captions in a report's lines.

    Args:
        lines: The report's lines (line ``i`` of the list is line number ``i + 1``).
        caption_pattern: Regex with groups ``num`` and ``title`` matched on NFKC text.

    Returns:
        Columns ``line`` (int), ``source_table`` (``表3-1``), ``title`` (str).
    """
    pattern = re.compile(caption_pattern)
    found = []
    for number, raw in enumerate(lines, start=1):
        match = pattern.match(_nfkc(raw))
        if match:
            table = "表" + re.sub(r"\s+", "", match.group("num")).replace("–", "-").replace("—", "-")
            found.append({"line": number, "source_table": table, "title": match.group("title").strip()})
    frame = pd.DataFrame(found, columns=["line", "source_table", "title"])
    return frame.astype({"line": "int64", "source_table": "str", "title": "str"})


def _narrative_before(lines: Sequence[str], caption_line: int, stops: set[int], window: int) -> tuple[str, list[int]]:
    """The text above a caption (joined, NFKC) and the line number of each of its characters."""
    text_parts: list[str] = []
    owners: list[int] = []
    start = caption_line - 1
    while start > max(caption_line - window, 1) and (start - 1) not in stops:
        start -= 1
    for number in range(start, caption_line):
        if number in stops:
            continue
        piece = _nfkc(lines[number - 1]).strip()
        if not piece:
            continue
        text_parts.append(piece)
        owners.extend([number] * len(piece))
    return "".join(text_parts), owners


def _stop_lines(lines: Sequence[str], captions: pd.DataFrame, block_end_patterns: Sequence[str]) -> set[int]:
    patterns = [re.compile(p) for p in block_end_patterns]
    stops = set(captions["line"].tolist())
    for number, raw in enumerate(lines, start=1):
        text = _nfkc(raw)
        if any(p.match(text) for p in patterns):
            stops.add(number)
    return stops


def check_cohort_labels(
    lines: Sequence[str],
    *,
    report_id: str = "",
    cohort_pattern: str = COHORT_PATTERN,
    caption_pattern: str = CAPTION_PATTERN,
    block_end_patterns: Sequence[str] = BLOCK_END_PATTERNS,
    window: int = 20,
) -> pd.DataFrame:
    """Find narrative cohort labels that contradict the caption of the table below them.

    The narrative is the text between the previous table or figure (its caption, 数据来源 or 注
    line) and the caption, at most ``window`` lines. A mention such as ``2019 届毕业生（毕业三年后）``
    whose "years after" equals the caption's but whose cohort differs is a finding.

    Args:
        lines: The report's lines (line ``i`` of the list is line number ``i + 1``).
        report_id: The report's id, copied into the findings.
        cohort_pattern: Regex with groups ``cohort`` (four digits) and ``after`` (一…五).
        caption_pattern: See :func:`find_captions`.
        block_end_patterns: Lines that end a table or figure.
        window: Most lines looked at above a caption.

    Returns:
        Findings (:data:`FINDING_COLUMNS`) with ``expected`` = the caption's cohort and
        ``found`` = the narrative's.
    """
    captions = find_captions(lines, caption_pattern=caption_pattern)
    if captions.empty:
        return _to_frame([])
    stops = _stop_lines(lines, captions, block_end_patterns)
    pattern = re.compile(cohort_pattern)
    findings: list[dict] = []
    for caption in captions.itertuples(index=False):
        label = pattern.search(caption.title)
        if not label:
            continue
        cohort, after = int(label.group("cohort")), _AFTER_WORDS[label.group("after")]
        text, owners = _narrative_before(lines, caption.line, stops, window)
        for mention in pattern.finditer(text):
            m_cohort, m_after = int(mention.group("cohort")), _AFTER_WORDS[mention.group("after")]
            if m_after != after or m_cohort == cohort:
                continue
            line = owners[mention.start()]
            after_zh = label.group("after")
            findings.append(
                _finding(
                    report_id,
                    "cohort_label",
                    caption.source_table,
                    [line, caption.line],
                    f"第 {line} 行正文写「{m_cohort} 届毕业生（毕业{after_zh}年后）」，而第 {caption.line} 行"
                    f"{caption.source_table} 的标题是 {cohort} 届（毕业{after_zh}年后）。",
                    f"Line {line} says the {m_cohort} cohort ({m_after} years after graduation) while "
                    f"{caption.source_table}'s caption on line {caption.line} says the {cohort} cohort.",
                    values=f"正文 {m_cohort} 届；标题 {cohort} 届",
                    expected=float(cohort),
                    found=float(m_cohort),
                )
            )
    return _to_frame(findings)


def check_text_against_tables(
    lines: Sequence[str],
    observations: pd.DataFrame,
    *,
    report_id: str | None = None,
    caption_pattern: str = CAPTION_PATTERN,
    block_end_patterns: Sequence[str] = BLOCK_END_PATTERNS,
    skip_words: Sequence[str] = SKIP_WORDS,
    subject_aliases: Mapping[str, str] = SUBJECT_ALIASES,
    window: int = 20,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Find figures in the sentences above a table that differ from the table.

    For each table with observations, the narrative above its caption is split into sentences
    (。；) and clauses (，、：). A clause naming one of the table's row labels (or an alias of it,
    ``我校`` for ``本校``) is read for the first number with a unit after the name. The number must
    equal one of that row's values in the same unit, up to the rounding the text shows (12.7 %
    matches 12.70 and 12.74). Clauses that compare or enumerate (``skip_words``: 高出, 分别 …) are
    not read, and a clause without a row label is not attributed to one: the check prefers
    missing a slip to inventing one.

    Args:
        lines: The report's lines (line ``i`` of the list is line number ``i + 1``).
        observations: The report's observations (every row).
        report_id: The report (needed when ``observations`` hold several).
        caption_pattern: See :func:`find_captions`.
        block_end_patterns: Lines that end a table or figure.
        skip_words: Words that make a clause unreadable for this check.
        subject_aliases: Names the narrative uses for a row (see :data:`SUBJECT_ALIASES`).
        window: Most lines looked at above a caption.
        conversions: Explicit unit factors, so a text in 万元 can be set against a table in 元.

    Returns:
        Findings with ``expected`` = the table's value and ``found`` = the text's.

    Raises:
        MissingColumnsError: A required column is missing.
        MetricsError: ``observations`` hold several reports and no ``report_id`` was given.
    """
    rows = _prepare(observations, report_id, conversions)
    if rows.empty:
        return _to_frame([])
    if rows["report_id"].nunique() > 1:
        raise MetricsError("observations: expected one report for a text check, found several; pass report_id")
    report = str(rows["report_id"].iloc[0])
    captions = find_captions(lines, caption_pattern=caption_pattern)
    if captions.empty:
        return _to_frame([])
    stops = _stop_lines(lines, captions, block_end_patterns)
    findings: list[dict] = []
    for table, table_rows in rows.groupby("source_table", sort=False):
        first_row_line = int(table_rows["source_line"].min())
        candidates = captions[(captions["source_table"] == table) & (captions["line"] <= first_row_line)]
        if candidates.empty:
            continue
        caption_line = int(candidates["line"].max())
        text, owners = _narrative_before(lines, caption_line, stops, window)
        if not text:
            continue
        table_subjects = set(table_rows["subject"].unique())
        names = {s: s for s in table_subjects if len(s) >= 2}
        names.update({alias: subject for alias, subject in subject_aliases.items() if subject in table_subjects})
        names = {name: subject for name, subject in names.items() if name in text}
        if not names:
            continue
        by_length = sorted(names, key=len, reverse=True)
        for sentence_start, sentence in _spans(text, _SENTENCE_SPLIT):
            for clause_start, clause in _spans(sentence, _CLAUSE_SPLIT):
                if any(word in clause for word in skip_words):
                    continue
                name = next((n for n in by_length if n in clause), None)
                if name is None:
                    continue
                subject = names[name]
                number = _first_number(clause, clause.find(name) + len(name))
                if number is None:
                    continue
                value, unit, offset, decimals, written = number
                comparable = []
                for row in table_rows[table_rows["subject"] == subject].itertuples(index=False):
                    factor = find_unit_factor(row.unit, unit, conversions)
                    if factor is not None:
                        comparable.append((row, float(row.value) * factor))
                if not comparable:
                    continue
                half_step = 0.5 * 10 ** (-decimals) + 1e-9
                if any(abs(value - in_text_unit) <= half_step for _, in_text_unit in comparable):
                    continue
                row, _ = min(comparable, key=lambda pair: abs(pair[1] - value))
                line = owners[sentence_start + clause_start + offset]
                findings.append(
                    _finding(
                        report,
                        "text_vs_table",
                        str(table),
                        [line, int(row.source_line)],
                        f"第 {line} 行正文写「{name}」{written}{unit}，"
                        f"而 {table} 第 {row.source_line} 行为 {_fmt(row.value)}{row.unit}（{row.indicator_id}）。",
                        f"Line {line} gives '{name}' as {written} {unit} but {table} line "
                        f"{row.source_line} says {_fmt(row.value)} {row.unit} ({row.indicator_id}).",
                        subject=subject,
                        indicator_id=str(row.indicator_id),
                        values=f"正文 {written}{unit}；表 {_fmt(row.value)}{row.unit}",
                        expected=float(row.value),
                        found=value,
                    )
                )
    return _to_frame(findings)


def _spans(text: str, splitter: re.Pattern[str]) -> list[tuple[int, str]]:
    """Split text, keeping each piece's start offset."""
    spans, start = [], 0
    for match in splitter.finditer(text):
        spans.append((start, text[start : match.start()]))
        start = match.end()
    spans.append((start, text[start:]))
    return spans


def _first_number(clause: str, position: int) -> tuple[float, str, int, int, str] | None:
    """The first number with a unit at or after ``position``: value, unit, offset, decimals, as written."""
    for match in _NUMBER_RE.finditer(clause, position):
        if match.group("after") or not match.group("unit"):
            continue
        raw = match.group("num").replace(",", "")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        return float(raw), match.group("unit"), match.start(), decimals, match.group("num")
    return None


# ---------------------------------------------------------------------------- entry point


def audit_report(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    lines: Sequence[str] | None = None,
    *,
    report_id: str | None = None,
    total_labels: Sequence[str] = TOTAL_LABELS,
    share_rules: pd.DataFrame = SHARE_RULES,
    component_rules: pd.DataFrame = COMPONENT_RULES,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Run every check-up on a report and return the findings in report order.

    Args:
        observations: Observations (every row, not one value per key).
        indicators: The indicator registry.
        lines: The report's text lines; without them the text checks are skipped.
        report_id: The report to check (needed with ``lines`` when several are loaded).
        total_labels: Row labels that state a total.
        share_rules: See :data:`SHARE_RULES`.
        component_rules: See :data:`COMPONENT_RULES`.
        conversions: Explicit unit factors.

    Returns:
        Findings (:data:`FINDING_COLUMNS`) sorted by report, first line and check.

    Raises:
        MissingColumnsError: A required column is missing.
        MetricsError: ``lines`` were given, several reports are loaded and no ``report_id``.
    """
    rows = _prepare(observations, report_id)
    if lines is not None and rows["report_id"].nunique() > 1:
        raise MetricsError("observations: expected one report when lines are given, found several; pass report_id")
    parts = [
        check_parts_vs_total(
            rows,
            indicators,
            total_labels=total_labels,
            share_rules=share_rules,
            component_rules=component_rules,
            conversions=conversions,
        ),
        check_shares(rows, total_labels=total_labels, share_rules=share_rules, conversions=conversions),
        check_conflicts(rows, total_labels=total_labels, conversions=conversions),
        check_duplicate_labels(rows),
    ]
    if lines is not None:
        report = report_id or (str(rows["report_id"].iloc[0]) if not rows.empty else "")
        parts.append(check_cohort_labels(lines, report_id=report))
        parts.append(check_text_against_tables(lines, rows, conversions=conversions))
    findings = [p for p in parts if not p.empty]
    if not findings:
        return _to_frame([])
    combined = _to_frame(pd.concat(findings, ignore_index=True).to_dict("records"))
    return name_indicators(combined, indicators)


def name_indicators(findings: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Put the registry's names for indicator ids into the messages (``name_zh`` / ``name_en``).

    Args:
        findings: Findings (:data:`FINDING_COLUMNS`).
        indicators: The registry; without ``name_zh``/``name_en`` columns the messages stay as they are.

    Returns:
        A copy with ``message`` naming indicators in Chinese and ``message_en`` in English; the
        ``indicator_id`` column keeps the ids.
    """
    out = findings.copy()
    if out.empty:
        return out
    registry = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    ids = sorted(registry.index, key=len, reverse=True)
    pattern = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(re.escape(i) for i in ids) + r")(?![A-Za-z0-9_])")
    for column, name_column in (("message", "name_zh"), ("message_en", "name_en")):
        if name_column in registry.columns:
            names = registry[name_column]
            out[column] = out[column].map(lambda text, names=names: pattern.sub(lambda m: str(names[m.group(1)]), text))
    return out
