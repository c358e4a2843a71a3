"""Coverage: what a reader found in a report, table by table, and what it could not read and why.

Belongs here: the :class:`CoverageItem` every reader returns (one per table, form, row group or
narrative section the spec knows, plus every numbered table no spec reads), the problems attached
to it (:class:`Problem`: a column absent, a row cut off, a value out of range, a unit converted …),
and their renderings — a frame for the store and the app, records for ``--json``, lines for the
terminal. The strict check (``ingest --strict``) lives here too.

Statuses: ``found`` (read, nothing wrong), ``partial`` (read, with at least one warning: something
in it was not read), ``missing`` (the spec expects it, the report does not have it or it could not
be recognised), ``not_read`` (a numbered table no spec reads), ``info`` (facts about the whole
report: the years, characters folded).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from loaders.contracts.fields import COVERAGE_FIELDS, names

STATUS_TEXT = {
    "found": ("已读取", "read"),
    "partial": ("部分读取", "partly read"),
    "missing": ("未找到", "not found"),
    "not_read": ("未读取（无读取规则）", "not read (no rule for it)"),
    "info": ("说明", "note"),
}

KIND_TEXT = {
    "table": ("表格", "table"),
    "form": ("附表", "appendix form"),
    "rows": ("指标组", "indicator group"),
    "block": ("正文/列表", "text or list"),
    "list": ("清单表（计数）", "list table (counted)"),
    "unrecognised": ("其他表格", "other table"),
    "report": ("报告", "report"),
}

#: Columns of the coverage frame (and of the store's ``coverage`` table, after ``report_id``).
COVERAGE_COLUMNS = names(COVERAGE_FIELDS)


@dataclass(frozen=True)
class Problem:
    """Something about an item a planner should know.

    Attributes:
        code: What kind of problem (``column_absent``, ``row_cut``, ``out_of_range``,
            ``unit_converted`` …).
        severity: ``warning`` (something was not read or is doubtful: the item is partly read) or
            ``info`` (read correctly, but worth knowing: a unit converted, a placeholder cell).
        zh: The message in Chinese.
        en: The same in English.
        line: The report line it is about, where there is one.
        place_zh: Where that line is in the file, when the file has pages or sheets
            (``PDF 第 2 页，第 77 行``, ``工作表「招生」第 5 行``); shown instead of the bare line.
        place_en: The same in English.
    """

    code: str
    severity: str
    zh: str
    en: str
    line: int | None = None
    place_zh: str = ""
    place_en: str = ""

    def text(self, lang: str) -> str:
        """The message in one language, after its place (``PDF 第 2 页，第 77 行``) or line."""
        place = self.place_zh if lang == "zh" else self.place_en
        message = self.zh if lang == "zh" else self.en
        if place:
            return f"{place}：{message}" if lang == "zh" else f"{place}: {message}"
        if self.line:
            return f"第 {self.line} 行：{message}" if lang == "zh" else f"line {self.line}: {message}"
        return message


def locate(items: list[CoverageItem], place: Callable[[int], tuple[str, str] | None]) -> None:
    """Give every problem that names a line the place of that line in the file (its page or sheet).

    Args:
        items: Coverage items, changed in place.
        place: ``line → (zh, en)`` place, or None when there is nothing to add.
    """
    for item in items:
        for position, problem in enumerate(item.problems):
            where = place(problem.line) if problem.line else None
            if where is not None:
                item.problems[position] = replace(problem, place_zh=where[0], place_en=where[1])


@dataclass
class CoverageItem:
    """One table, form, row group or section of a report, and how much of it was read.

    Attributes:
        item_id: The spec's id (``survey_employment@1`` for the one-year-after instance of a
            survey table, ``caption:表2-7`` for a table no spec reads).
        kind: ``table``, ``form``, ``rows``, ``block``, ``unrecognised`` or ``report``.
        name_zh: What it is, in Chinese.
        name_en: The same in English.
        core: Whether ``ingest --strict`` needs it.
        status: ``found``, ``partial``, ``missing``, ``not_read`` or ``info`` (see the module docstring).
        source_table: Where it was found (``表2-15``, ``计分卡``, ``§五``), or empty.
        caption: The caption as printed, or empty.
        line: The caption's line, or None.
        n_values: Figures read from it.
        problems: What was not read, and why; what was converted.
    """

    item_id: str
    kind: str
    name_zh: str
    name_en: str
    core: bool = False
    status: str = "found"
    source_table: str = ""
    caption: str = ""
    line: int | None = None
    n_values: int = 0
    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        """Attach a problem (the same message twice is kept once) and update the status."""
        if problem not in self.problems:
            self.problems.append(problem)
        if problem.severity == "warning" and self.status == "found":
            self.status = "partial"


def missing_item(item_id: str, kind: str, zh: str, en: str, core: bool, why_zh: str, why_en: str) -> CoverageItem:
    """An item the spec expects and the report does not have."""
    item = CoverageItem(item_id, kind, zh, en, core=core, status="missing")
    item.problems.append(Problem("not_found", "warning", why_zh, why_en))
    return item


def coverage_frame(items: list[CoverageItem]) -> pd.DataFrame:
    """The items as a frame with :data:`COVERAGE_COLUMNS` (problems joined per language)."""
    frame = pd.DataFrame(coverage_rows(items), columns=COVERAGE_COLUMNS)
    return frame.astype(
        {
            "position": "int64",
            "core": "bool",
            "line": "Int64",
            "n_values": "int64",
            **{c: "str" for c in COVERAGE_COLUMNS if c not in ("position", "core", "line", "n_values")},
        }
    )


def coverage_rows(items: list[CoverageItem]) -> list[dict[str, Any]]:
    """The items as plain rows with :data:`COVERAGE_COLUMNS` (what the store writes)."""
    return [
        {
            "position": position,
            "item_id": item.item_id,
            "kind": item.kind,
            "name_zh": item.name_zh,
            "name_en": item.name_en,
            "core": item.core,
            "status": item.status,
            "source_table": item.source_table,
            "caption": item.caption,
            "line": item.line,
            "n_values": item.n_values,
            "problems_zh": "；".join(p.text("zh") for p in item.problems),
            "problems_en": "; ".join(p.text("en") for p in item.problems),
        }
        for position, item in enumerate(items, start=1)
    ]


def coverage_records(items: list[CoverageItem]) -> list[dict[str, Any]]:
    """The items as plain records for JSON (problems as lists with their codes and lines)."""
    return [
        {
            "item_id": item.item_id,
            "kind": item.kind,
            "name_zh": item.name_zh,
            "name_en": item.name_en,
            "core": item.core,
            "status": item.status,
            "source_table": item.source_table or None,
            "caption": item.caption or None,
            "line": item.line,
            "n_values": item.n_values,
            "problems": [
                {"code": p.code, "severity": p.severity, "line": p.line, "zh": p.zh, "en": p.en} for p in item.problems
            ],
        }
        for item in items
    ]


def summary(items: list[CoverageItem]) -> dict[str, int]:
    """How many items have each status (``found``, ``partial``, ``missing``, ``not_read``)."""
    counts = {status: 0 for status in STATUS_TEXT if status != "info"}
    for item in items:
        if item.status in counts:
            counts[item.status] += 1
    return counts


def summary_line(items: list[CoverageItem]) -> str:
    """One bilingual line: ``已读取 30 · 部分读取 2 · 未找到 1 · 未读取 20 / read 30 · …``."""
    counts = summary(items)
    zh = " · ".join(f"{STATUS_TEXT[s][0].split('（')[0]} {n}" for s, n in counts.items())
    en = " · ".join(f"{STATUS_TEXT[s][1].split(' (')[0]} {n}" for s, n in counts.items())
    return f"{zh} / {en}"


#: Problems that make a core item unusable for ``--strict`` (a column left out by the college is not one).
STRICT_CODES = frozenset(
    {
        "not_found",
        "row_absent",
        "row_cut",
        "header_unknown",
        "unparseable",
        "cohort_mismatch",
        "no_rows",
        "out_of_range",
    }
)


def strict_failures(items: list[CoverageItem]) -> list[CoverageItem]:
    """The core items missing or damaged (what makes ``ingest --strict`` refuse a report).

    A core item fails when it was not found, or when one of its problems is of a kind in
    :data:`STRICT_CODES` (a row missing or cut off, a header not understood, a bad number …).
    """
    return [
        item
        for item in items
        if item.core
        and (item.status == "missing" or any(p.code in STRICT_CODES and p.severity == "warning" for p in item.problems))
    ]


def format_coverage(items: list[CoverageItem], lang: str = "zh", *, all_items: bool = False) -> list[str]:
    """Lines for a terminal: one per item that is not simply read (or every item with ``all_items``)."""
    lines = []
    for item in items:
        if item.status == "found" and not all_items:
            continue
        status = STATUS_TEXT[item.status][0 if lang == "zh" else 1]
        name = item.name_zh if lang == "zh" else item.name_en
        where = f" {item.source_table}" if item.source_table else ""
        if item.line:
            where += f"（第 {item.line} 行）" if lang == "zh" else f" (line {item.line})"
        core = ("【核心】" if lang == "zh" else "[core] ") if item.core else ""
        lines.append(f"[{status}] {core}{name}{where}")
        lines.extend(f"    - {p.text(lang)}" for p in item.problems)
    return lines


def coverage_from_observations(observations: pd.DataFrame) -> list[CoverageItem]:
    """Coverage of a tidy import (template workbook, tidy CSV): which of the spec's tables it fills.

    A tidy file has no captions; a table counts as found when the file holds figures of its columns
    (for survey tables, of each expected number of years after graduation), partly read when some
    of its columns are missing, not found when none is there. The scorecard indicators likewise.

    Args:
        observations: The imported figures (``indicator_id``, ``years_after`` at least).

    Returns:
        The items, in spec order.
    """
    from loaders.read.spec import load_spec

    spec = load_spec()
    present: dict[tuple[str, int | None], int] = {}
    for indicator, after in zip(observations["indicator_id"], observations["years_after"], strict=True):
        key = (str(indicator), None if pd.isna(after) else int(after))
        present[key] = present.get(key, 0) + 1
    by_indicator: dict[str, int] = {}
    for (indicator, _), n in present.items():
        by_indicator[indicator] = by_indicator.get(indicator, 0) + n
    items: list[CoverageItem] = []
    for table in spec.table:
        instances = [(f"{table.id}@{a}", a) for a in table.expect_years_after] or [(table.id, None)]
        for item_id, after in instances:
            counts = {
                column.indicator: (
                    present.get((column.indicator, after), 0)
                    if after is not None
                    else by_indicator.get(column.indicator, 0)
                )
                for column in table.columns
            }
            suffix_zh = f"·毕业{after}年后" if after is not None else ""
            suffix_en = f", {after} year(s) after graduation" if after is not None else ""
            item = CoverageItem(item_id, "table", table.zh + suffix_zh, table.en + suffix_en, core=table.core)
            item.n_values = sum(counts.values())
            missing = [indicator for indicator, n in counts.items() if not n]
            if not item.n_values:
                item.status = "missing"
                item.problems.append(
                    Problem("not_found", "warning", "文件中没有这张表的数据", "the file holds none of its figures")
                )
            elif missing:
                item.add(
                    Problem(
                        "column_absent",
                        "warning",
                        f"缺少：{'、'.join(missing)}（记为缺失）",
                        f"absent: {', '.join(missing)}",
                    )
                )
            items.append(item)
    scorecard = spec.forms_by_id["scorecard"]
    read = [r for r in scorecard.rows if by_indicator.get(r)]
    item = CoverageItem(
        "rows:scorecard", "rows", "计分卡指标（就业、收入、满意度等）", "Scorecard indicators", core=True
    )
    item.n_values = sum(by_indicator.get(r, 0) for r in read)
    if not read:
        item.status = "missing"
        item.problems.append(
            Problem("not_found", "warning", "文件中没有计分卡类指标", "no scorecard indicator in the file")
        )
    elif len(read) < len(scorecard.rows):
        missing = [r for r in scorecard.rows if r not in read]
        item.add(Problem("row_absent", "warning", f"未找到：{'、'.join(missing)}", f"not found: {', '.join(missing)}"))
    items.append(item)
    return items
