"""The report check-up (体检): internal-consistency checks on one loaded report.

Belongs here: checks that find slips a planner wants to fix before a report is published. Each
finding names its table(s), line numbers, the numbers involved and a plain-language message.

Checks on the observations (every row, not one value per key):

- ``parts_vs_total`` — a table's rows do not add up to its total row (合计/总数/总计, or the row
  whose share is 100 %), or parts stated elsewhere do not add up to a school-level total
  (``data/specs/checkup_component_rules.csv``, e.g. 收入总计 = 财政拨款 + 事业 + 其他);
- ``share_vs_count`` — a share (or a rate on the same row) does not match its counts
  (``data/specs/checkup_share_rules.csv``);
- ``conflicting_values`` — the same quantity is stated with different values in two places
  (table vs appendix, text vs table), including school totals whose year labels differ by one;
- ``year_label`` — the same figures are stated under different years in two places;
- ``duplicate_label`` — a row label appears twice in one table;
- ``sentence_vs_table`` / ``sentence_vs_sentence`` — a figure read from a sentence differs from the
  table (or list count, or derived figure) that states it, or from another sentence
  (:mod:`metrics.audit_sources`).

Checks on the report's text (the caller passes the lines; nothing here reads a file):

- ``cohort_label`` — the narrative above a table names another cohort than its caption
  (2019届 in the text, 2017届 in the caption);
- ``text_vs_table`` — a figure in the sentence above a table differs from the table
  (装备制造大类 25.77 % in the text, 25.45 % in 表3-1).

Where each lives: the arithmetic checks (``parts_vs_total``, ``share_vs_count``) in
:mod:`metrics.audit_parts`, the text checks in :mod:`metrics.audit_text`, ``conflicting_values``,
``year_label`` and ``duplicate_label`` in :mod:`metrics.audit_values`, the sentence checks in
:mod:`metrics.audit_sources`, the finding record in :mod:`metrics.findings`; :func:`audit_report`,
which runs them all, here. Rule tables are data (``data/specs/checkup_*.csv``,
passed in by :mod:`metrics.queries`), not code branches.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from metrics.audit_parts import (
    COMPONENT_RULE_COLUMNS,
    NO_COMPONENT_RULES,
    NO_SHARE_RULES,
    SHARE_RULE_COLUMNS,
    check_parts_vs_total,
    check_shares,
)
from metrics.audit_sources import check_sentences
from metrics.audit_text import (
    NO_SUBJECT_ALIASES,
    check_cohort_labels,
    check_text_against_tables,
    find_captions,
)
from metrics.audit_values import check_conflicts, check_duplicate_labels
from metrics.errors import MetricsError
from metrics.findings import FINDING_COLUMNS, prepare, to_frame
from metrics.observations import TOTAL_LABELS

__all__ = [
    "COMPONENT_RULE_COLUMNS",
    "FINDING_COLUMNS",
    "NO_COMPONENT_RULES",
    "NO_SHARE_RULES",
    "SHARE_RULE_COLUMNS",
    "audit_report",
    "check_cohort_labels",
    "check_conflicts",
    "check_duplicate_labels",
    "check_parts_vs_total",
    "check_shares",
    "check_text_against_tables",
    "find_captions",
    "name_indicators",
]


# ---------------------------------------------------------------------------- text checks


def audit_report(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    lines: Sequence[str] | None = None,
    *,
    report_id: str | None = None,
    total_labels: Sequence[str] = TOTAL_LABELS,
    share_rules: pd.DataFrame = NO_SHARE_RULES,
    component_rules: pd.DataFrame = NO_COMPONENT_RULES,
    conversions: pd.DataFrame | None = None,
    captions: pd.DataFrame | None = None,
    subject_aliases: Mapping[str, str] = NO_SUBJECT_ALIASES,
    list_tables: Sequence[str] = (),
) -> pd.DataFrame:
    """Run every check-up on a report and return the findings in report order.

    Args:
        observations: Observations (every row, not one value per key).
        indicators: The indicator registry.
        lines: The report's text lines; without them the text checks are skipped.
        report_id: The report to check (needed with ``lines`` when several are loaded).
        total_labels: Row labels that state a total.
        share_rules: See ``data/specs/checkup_share_rules.csv``.
        component_rules: See ``data/specs/checkup_component_rules.csv``.
        conversions: Explicit unit factors.
        subject_aliases: How the narrative names survey rows (``我校`` → ``本校``).
        captions: The report's table captions (``line, source_table, title``) as the loader found
            them; found again with :data:`CAPTION_PATTERN` only when None (text without a store).
        list_tables: Tables read as lists (表2-13 …): their figures are counts, which the sentence
            above a table is not compared with cell by cell (the sentences' own check compares them).

    Derived figures (``basis = derived``, see :mod:`metrics.derive`) take part in the comparisons of
    values (``conflicting_values``, ``sentence_vs_table``) only; sentences are checked against tables
    by :func:`metrics.audit_sources.check_sentences`.

    Returns:
        Findings (:data:`FINDING_COLUMNS`) sorted by report, first line and check.

    Raises:
        MissingColumnsError: A required column is missing.
        MetricsError: ``lines`` were given, several reports are loaded and no ``report_id``.
    """
    every = prepare(observations, report_id)
    rows = every[every["basis"] != "derived"]
    if lines is not None and rows["report_id"].nunique() > 1:
        raise MetricsError(
            "给出正文时只能核对一份报告，实际有多份；请指定 report_id。",
            "observations: expected one report when lines are given, found several; pass report_id",
        )
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
        check_conflicts(every, total_labels=total_labels, conversions=conversions),
        check_sentences(every, total_labels=total_labels, conversions=conversions),
        check_duplicate_labels(rows),
    ]
    if lines is not None:
        report = report_id or (str(rows["report_id"].iloc[0]) if not rows.empty else "")
        parts.append(check_cohort_labels(lines, report_id=report, captions=captions))
        parts.append(
            check_text_against_tables(
                lines,
                rows[~rows["source_table"].isin(list(list_tables))],
                conversions=conversions,
                captions=captions,
                subject_aliases=subject_aliases,
            )
        )
    findings = [p for p in parts if not p.empty]
    if not findings:
        return to_frame([])
    combined = to_frame(pd.concat(findings, ignore_index=True).to_dict("records"))
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
