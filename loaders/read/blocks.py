"""Reading by patterns: narrative paragraphs and small tables that are not grids (``[[block]]``).

Belongs here: the pattern language of the spec (``{v}``, ``{n}``, ``{_}``, ``{...}``, ``{end}``,
whitespace-insensitive) and reading a region of text with a block's patterns into figures.
"""

from __future__ import annotations

import bisect
import re
from functools import cache

from loaders.contracts.registry import registry_units, unit_factor
from loaders.read.coverage import CoverageItem, Problem
from loaders.read.document import Document
from loaders.read.spec import BlockSpec
from loaders.read.text import normalize, parse_number

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
PLACEHOLDERS = {
    "{v}": rf"(?<![\d.])({NUM})\s*(?:%|:1)?",
    "{n}": rf"(?<![\d.])(?:{NUM})\s*(?:%|:1)?",
    "{_}": r"[^\d]{0,20}?",
    "{...}": r"[\s\S]{0,120}?",
    "{end}": r"\s*\Z",
}
_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))
_COHORT_RE = re.compile(r"(\d{4})\s*届")
_YEAR_RE = re.compile(r"(\d{4})\s*年")


def literal(text: str) -> str:
    """Regex for literal text whose characters may be separated by any whitespace (line breaks too)."""
    return r"\s*".join(re.escape(ch) for ch in normalize(text) if not ch.isspace())


@cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a spec pattern: literal characters with optional whitespace between them.

    Args:
        pattern: Pattern text with ``{v}``, ``{n}``, ``{_}``, ``{...}``, ``{end}`` placeholders.

    Returns:
        A regex whose groups are the ``{v}`` values, in order.
    """
    parts: list[str] = []
    pos = 0
    for match in _PLACEHOLDER_RE.finditer(pattern):
        chunk = literal(pattern[pos : match.start()])
        if chunk:
            parts.append(chunk)
        parts.append(PLACEHOLDERS[match.group()])
        pos = match.end()
    chunk = literal(pattern[pos:])
    if chunk:
        parts.append(chunk)
    return re.compile(r"\s*".join(parts))


def resolve_year(rule: str | int, caption_title: str, data_year: int) -> int | None:
    """A year rule of the spec applied to a caption: ``cohort``, ``caption``, ``report±N`` or a number.

    Returns:
        The year, or None for ``cohort`` when the caption names no ``NNNN 届``.
    """
    if isinstance(rule, int):
        return rule
    if rule == "cohort":
        match = _COHORT_RE.search(caption_title)
        return int(match.group(1)) if match else None
    if rule == "caption":
        years = [int(y) for y in _YEAR_RE.findall(caption_title)]
        return max(years) if years else data_year
    return data_year + int(rule[len("report") :] or 0)


def read_block(
    doc: Document, block: BlockSpec, item: CoverageItem, start: int, end: int, table: str, caption_title: str
) -> None:
    """Read a region with a block's patterns; rows whose patterns match nowhere are reported.

    Args:
        doc: The report.
        block: The block spec.
        item: Its coverage item (figures counted, problems added).
        start: First line index of the region.
        end: Line index after the region.
        table: Source table for the figures (``表4-4``, ``§五``).
        caption_title: The caption's title (for ``caption`` year rules).
    """
    text_lines = doc.norm[start:end]
    offsets = []
    position = 0
    for line in text_lines:
        offsets.append(position)
        position += len(line) + 1
    text = "\n".join(text_lines)
    missing: list[str] = []
    for row in block.rows:
        match = next((m for m in (compile_pattern(p).search(text) for p in row.patterns) if m), None)
        if match is None:
            missing.append(row.indicator)
            continue
        if len(row.subjects) != len(match.groups()):
            raise ValueError(f"spec row {row.indicator}: {len(match.groups())} values, subjects {row.subjects}")
        year = resolve_year(row.year if row.year is not None else block.year, caption_title, doc.data_year)
        years_after = row.years_after if row.years_after is not None else block.years_after
        for group, subject in enumerate(row.subjects, start=1):
            index = start + bisect.bisect_right(offsets, match.start(group)) - 1
            value = parse_number(match.group(group))
            if value is None:
                item.add(
                    Problem(
                        "unparseable",
                        "warning",
                        f"{row.indicator} 应为数字，实际为“{match.group(group)}”，未读取",
                        f"{row.indicator} must be a number, found '{match.group(group)}'; not read",
                        index + 1,
                    )
                )
                continue
            factor = unit_factor(row.unit, registry_units()[row.indicator]) or 1.0 if row.unit else 1.0
            year = int(year or doc.data_year)
            doc.observe(item, row.indicator, subject, year, years_after, value, table, index, factor, row.unit)
    if missing:
        names = "、".join(missing)
        item.add(Problem("row_absent", "warning", f"未找到：{names}", f"not found: {', '.join(missing)}"))
