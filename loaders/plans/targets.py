"""Plan targets as rows: every plan, whatever its form, ends here (:func:`build_targets`).

Belongs here: a target as found (:class:`RawTarget`: a plan document's table row or sentence, a row
of the plan-targets workbook, a row of a document's own target table) and its parsed 观测值 turned
into a ``targets`` row — linked to an indicator, its value converted into the indicator's unit, its
kind decided, its relative benchmark named — and what a planner must hear about a target not fully
understood (:class:`TargetIssue`). Reading the documents is :mod:`loaders.plans.documents`; the
value grammar :mod:`loaders.plans.values`; the reviewed links :mod:`loaders.plans.mapping`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from loaders.contracts import registry
from loaders.contracts.errors import TableError, ValueParseError
from loaders.contracts.fields import TARGET_FIELDS, dtypes, names
from loaders.plans.mapping import NOTE_NO_VALUE, NOTE_UNREVIEWED, TARGET_MAP_CSV
from loaders.plans.spec import Grammar
from loaders.plans.values import ParsedValue

TARGET_COLUMNS = names(TARGET_FIELDS)
TARGET_DTYPES = dtypes(TARGET_FIELDS)
COMPARATORS = (">=", "<=", "=", "range", "text")
KINDS = ("absolute", "cumulative", "annual_average", "relative", "range", "text")


@dataclass(frozen=True)
class RawTarget:
    """A target as found in the text, before its value is parsed."""

    label_zh: str
    value_text: str | None
    source_line: int
    source_text: str
    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    target_year: int | None = None  # when the row states its own year (a plan a college brought)


@dataclass(frozen=True)
class TargetIssue:
    """Something about one target a planner must hear: it is stored, but not (fully) understood.

    Attributes:
        position: The target's row in the targets frame.
        status: ``unmapped`` (no indicator), ``not_understood`` (its value or unit), ``no_value``.
        zh: What, in Chinese.
        en: What, in English.
    """

    position: int
    status: str
    zh: str
    en: str


def build_targets(
    pairs: list[tuple[RawTarget, ParsedValue]],
    *,
    plan_id: str,
    default_subject: str,
    target_year: int | None,
    source: str,
    grammar: Grammar,
    link: Callable[[str], Any],
    registry_units: dict[str, str],
    units: dict[tuple[str, str], float],
    lenient: bool = False,
) -> tuple[pd.DataFrame, list[TargetIssue]]:
    """Turn targets as found (and their parsed 观测值) into ``targets`` rows: one path for every plan.

    Each target is linked to an indicator (``link(label)``: a row of target_indicator_map.csv for a
    known plan, a registry name for a plan a college brought), its value converted into the
    indicator's unit (or the grammar's canonical unit), its kind decided, its relative benchmark named.

    Args:
        pairs: ``(target as found, parsed value)`` in document order.
        plan_id: The plan.
        default_subject: Subject of a target whose link names none.
        target_year: Year of a target that states none itself.
        source: File name, for messages.
        grammar: The value grammar with its benchmarks.
        link: ``label → link`` (attributes ``indicator_id, subject, source_unit, kind, note``) or None.
        registry_units: ``indicator_id → unit`` of the registry.
        units: Unit factors.
        lenient: A plan a college brought: a unit that cannot be converted keeps the target's wording
            and leaves it unmeasured (an issue), instead of refusing the file.

    Returns:
        The rows (:data:`TARGET_COLUMNS`) and the issues of the targets not fully understood.

    Raises:
        TableError: (not lenient) a link names an indicator outside the registry, or a unit
            inconsistent with the 观测值.
        ValueParseError: (not lenient) a value's unit cannot be converted into its indicator's.
    """
    rows: list[dict[str, Any]] = []
    issues: list[TargetIssue] = []
    for target, parsed in pairs:
        where = f"第 {target.source_line} 行"
        entry = link(target.label_zh)
        indicator_id = (entry.indicator_id if entry else "") or None
        if indicator_id is not None and indicator_id not in registry_units:
            raise TableError(
                TARGET_MAP_CSV.name,
                f"{plan_id}“{target.label_zh}”",
                f"指标 {indicator_id} 不在指标登记表 indicators.csv 中。",
                f"indicator {indicator_id!r} is not in the registry indicators.csv.",
            )
        notes = [entry.note] if entry and entry.note else []
        if entry is None and not lenient:
            notes.append(NOTE_UNREVIEWED)
        if target.value_text is None:
            notes.append(NOTE_NO_VALUE)
        unit = _written_unit(target, parsed, entry, plan_id, source, where)
        value, low, high = parsed.value, parsed.low, parsed.high
        issue: tuple[str, str, str] | None = None
        if parsed.comparator != "text" and not parsed.is_relative:
            to_unit = registry_units[indicator_id] if indicator_id else grammar.canonical_units.get(unit, unit)
            if indicator_id and lenient and not unit:
                unit = to_unit  # a number without a unit is in the indicator's unit
            factor = registry.unit_factor(unit or "", to_unit, units)
            if factor is None and lenient:
                zh = f"单位“{unit}”无法换算为指标单位“{to_unit}”，此目标未计入达成判断"
                en = f"the unit {unit!r} cannot be converted to the indicator's unit {to_unit!r}; not judged"
                issue = ("not_understood", zh, en)
                notes.append(zh)
                indicator_id = None
            elif factor is None:
                raise ValueParseError(
                    source,
                    where,
                    f"观测值“{target.value_text}”的单位“{unit}”无法换算为“{to_unit}”（{indicator_id or '存储单位'}）。",
                    f"the unit {unit!r} of {target.value_text!r} cannot be converted to {to_unit!r} "
                    f"({indicator_id or 'canonical unit'}); add the factor to units.csv.",
                )
            else:
                value, low, high, unit = _scale(value, factor), _scale(low, factor), _scale(high, factor), to_unit
        relative_to = None
        if parsed.is_relative and indicator_id and parsed.benchmark in grammar.benchmarks:
            relative_to = f"{indicator_id}@{grammar.benchmarks[parsed.benchmark]}"
        elif parsed.is_relative and lenient and indicator_id:
            zh = f"相对基准“{parsed.benchmark or ''}”不是已知的对标对象（{'、'.join(grammar.benchmarks)}）"
            en = f"the benchmark {parsed.benchmark!r} is none of the known benchmarks ({', '.join(grammar.benchmarks)})"
            issue = ("not_understood", zh, en)
            notes.append(zh)
            indicator_id = None
        if issue is not None:
            issues.append(TargetIssue(len(rows), *issue))
        rows.append(
            {
                "plan_id": plan_id,
                "indicator_id": indicator_id,
                "subject": (entry.subject if entry else "") or default_subject,
                "comparator": parsed.comparator,
                "target_value": value,
                "unit": unit or None,
                "target_year": target.target_year or target_year,
                "relative_to": relative_to,
                "label_zh": target.label_zh,
                "source_line": target.source_line,
                "source_text": target.source_text,
                "level1": target.level1,
                "level2": target.level2,
                "level3": target.level3,
                "value_text": target.value_text,
                "target_low": low,
                "target_high": high,
                "kind": _kind(
                    parsed, target.label_zh, target.value_text or "", unit, entry.kind if entry else "", grammar
                ),
                "note": "；".join(notes) or None,
            }
        )
    return frame_of(rows, TARGET_COLUMNS, TARGET_DTYPES), issues


def _written_unit(
    target: RawTarget, parsed: ParsedValue, entry: Any, plan_id: str, source: str, where: str
) -> str | None:
    """The unit the 观测值 is written in: the mapping's ``source_unit`` where it names one (it must
    extend the unit written, ``亿`` → ``亿元``), else the parsed one."""
    unit = parsed.unit
    if entry is not None and entry.source_unit and parsed.comparator != "text":
        if not entry.source_unit.startswith(unit or ""):
            raise TableError(
                TARGET_MAP_CSV.name,
                f"{plan_id}“{target.label_zh}”",
                f"source_unit“{entry.source_unit}”与观测值的单位“{unit}”不符（{source} {where}）。",
                f"source_unit {entry.source_unit!r} does not extend the written unit {unit!r} ({source}, {where}).",
            )
        unit = entry.source_unit
    return unit


def _kind(parsed: ParsedValue, label: str, value_text: str, unit: str | None, override: str, grammar: Grammar) -> str:
    """A target's kind: the mapping's override, else by its comparator, words and unit."""
    if parsed.comparator == "text":
        return "text"
    if parsed.is_relative:
        return "relative"
    if parsed.comparator == "range":
        return "range"
    if override:
        return override
    words = f"{label} {value_text}"
    if any(w in words for w in grammar.cumulative_words):
        return "cumulative"
    if any(w in words for w in grammar.annual_average_words):
        return "annual_average"
    return "cumulative" if unit in grammar.cumulative_units else "absolute"


def _scale(value: float | None, factor: float) -> float | None:
    return None if value is None else round(value * factor, 6)


def frame_of(rows: list[dict[str, Any]], columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """Rows as a frame with the contract's columns and dtypes (empty rows: an empty frame with them)."""
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype(dtypes)
