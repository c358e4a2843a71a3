"""Check-up of the report's sentences: a figure in the narrative against the same figure in a table.

Belongs here: comparing every figure read from a sentence (``basis = narrative``, source ``§…``) with
the same quantity stated by a table, counted from a list table or derived from tables
(``sentence_vs_table``), and, where no table states it, with the other sentences that do
(``sentence_vs_sentence``). "The same quantity" is the same report, indicator, year and
``years_after`` and the school's own row (a table's total row counts as the school's own).

A sentence usually rounds (``67%``, ``28.5 万人日``): two values are the same when they agree to the
precision the sentence writes (half a unit of its last decimal). Pure: frames in, frames out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from metrics.findings import finding, fmt, prepare, to_frame
from metrics.observations import TOTAL_LABELS


def _decimals(value: float) -> int:
    """Decimals a value is written with (``57.62`` → 2, ``67`` → 0), at most 6."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.partition(".")[2])


def agree(sentence: float, other: float) -> bool:
    """Whether a sentence's figure and another agree to the precision the sentence writes."""
    tolerance = 0.5 * 10 ** (-_decimals(sentence)) + 1e-9
    return math.isclose(sentence, other, rel_tol=1e-9) or abs(sentence - other) <= tolerance


def check_sentences(
    observations: pd.DataFrame,
    *,
    report_id: str | None = None,
    total_labels: Sequence[str] = TOTAL_LABELS,
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Find sentences that disagree with a table (or, with none, with another sentence).

    Args:
        observations: Observations of one or more reports (every row; derived rows may be included,
            with ``basis = derived``).
        report_id: Only this report.
        total_labels: Row labels that state a total (counted as the school's own row).
        conversions: Explicit unit factors.

    Returns:
        Findings (:data:`metrics.findings.FINDING_COLUMNS`): ``sentence_vs_table`` naming the
        sentence's line and value and the table's (for a derived figure, how it was computed), or
        ``sentence_vs_sentence`` naming both sentences.

    Raises:
        MissingColumnsError: A required column is missing.
    """
    rows = prepare(observations, report_id, conversions)
    if rows.empty:
        return to_frame([])
    rows = rows.assign(_level=rows["subject"].where(~rows["subject"].isin(list(total_labels)), SCHOOL_SUBJECT))
    rows = rows[rows["_level"] == SCHOOL_SUBJECT]
    key = ["report_id", "indicator_id", "year", "years_after"]
    rows = rows[_with_a_sentence(rows, key)]  # only quantities a sentence states are compared
    findings: list[dict] = []
    for (report, indicator, year, _), frame in rows.groupby(key, dropna=False, sort=False):
        sentences = frame[frame["basis"] == "narrative"].sort_values("source_line")
        if sentences.empty:
            continue
        tables = frame[frame["basis"] != "narrative"].sort_values("source_line")
        if not tables.empty:
            reference = tables.iloc[0]
            for sentence in sentences.itertuples(index=False):
                if agree(float(sentence.value), float(reference["value"])):
                    continue
                findings.append(_against_table(str(report), str(indicator), int(year), sentence, reference))
        elif len(sentences) > 1:
            first = sentences.iloc[0]
            for sentence in sentences.iloc[1:].itertuples(index=False):
                if agree(float(sentence.value), float(first["value"])) or agree(
                    float(first["value"]), float(sentence.value)
                ):
                    continue
                findings.append(_against_sentence(str(report), str(indicator), int(year), first, sentence))
    return to_frame(findings)


def _with_a_sentence(rows: pd.DataFrame, key: list[str]) -> pd.Series:
    """Which rows belong to a quantity (``key``) that at least one sentence states (missing parts equal)."""
    keys = [
        tuple(None if pd.isna(part) else part for part in values)
        for values in zip(*(rows[c].tolist() for c in key), strict=True)
    ]
    stated = {k for k, basis in zip(keys, rows["basis"].tolist(), strict=True) if basis == "narrative"}
    return pd.Series([k in stated for k in keys], index=rows.index, dtype=bool)


def _how(reference: pd.Series) -> tuple[str, str, str]:
    """How the table side was stated: read from a table, or computed (with the computation)."""
    if reference["basis"] == "derived":
        shown = str(reference.get("source_text", "")).split("（", 1)[0]
        return f"按 {reference['source_table']} 计算为", f"computed from {reference['source_table']} as", shown
    return (
        f"{reference['source_table']} 第 {reference['source_line']} 行为",
        (f"{reference['source_table']} line {reference['source_line']} says"),
        "",
    )


def _against_table(report: str, indicator: str, year: int, sentence: object, reference: pd.Series) -> dict:
    how_zh, how_en, shown = _how(reference)
    detail = f"（{shown}）" if shown else ""
    return finding(
        report,
        "sentence_vs_table",
        f"{sentence.source_table}/{reference['source_table']}",
        [int(sentence.source_line), int(reference["source_line"])],
        f"{indicator}（{year}）：正文 {sentence.source_table} 第 {sentence.source_line} 行写 "
        f"{fmt(sentence.value)}{sentence.unit}，{how_zh} {fmt(reference['value'])}{reference['unit']}{detail}。"
        "正文的数字是否另有口径？",
        f"{indicator} ({year}): the text ({sentence.source_table} line {sentence.source_line}) says "
        f"{fmt(sentence.value)} {sentence.unit}, {how_en} {fmt(reference['value'])} {reference['unit']}"
        f"{f' ({shown})' if shown else ''}. Does the sentence count something else?",
        subject=SCHOOL_SUBJECT,
        indicator_id=indicator,
        values=f"{sentence.source_table} {fmt(sentence.value)}；{reference['source_table']} {fmt(reference['value'])}",
        expected=float(reference["value"]),
        found=float(sentence.value),
    )


def _against_sentence(report: str, indicator: str, year: int, first: pd.Series, other: object) -> dict:
    return finding(
        report,
        "sentence_vs_sentence",
        f"{first['source_table']}/{other.source_table}",
        [int(first["source_line"]), int(other.source_line)],
        f"{indicator}（{year}）：正文两处说法不一：{first['source_table']} 第 {first['source_line']} 行写 "
        f"{fmt(first['value'])}{first['unit']}，{other.source_table} 第 {other.source_line} 行写 "
        f"{fmt(other.value)}{other.unit}；报告没有表格可核对。",
        f"{indicator} ({year}): the text says {fmt(first['value'])} {first['unit']} on line "
        f"{first['source_line']} and {fmt(other.value)} {other.unit} on line {other.source_line}; no table"
        " states it.",
        subject=SCHOOL_SUBJECT,
        indicator_id=indicator,
        values=f"{fmt(first['value'])}；{fmt(other.value)}",
        expected=float(first["value"]),
        found=float(other.value),
    )
