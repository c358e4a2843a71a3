"""Reading list tables (``[[list]]``): tables whose rows are items — awards, textbooks, projects —
kept row by row with their provenance and counted into indicators.

Belongs here: finding a list table's rows in the text under its caption (cells wrap over lines,
page headers repeat), reading each row's fields by the spec's patterns, and the counts. What a list
is called, how its rows start, which fields it has and what is counted where is in
``data/specs/report_tables.toml``; nothing here knows a particular table.

Rows (``rows = "serial"``): a line starting with the next serial number (1, then 2, 3 …) starts a
row; every other line joins the row above (a wrapped cell), except a line that repeats one of the
table's header lines (a page break). A number that does not continue the sequence (``104 国道…``)
is text. Rows (``rows = "anchor"``, tables without serial numbers): every match of the anchor pattern in
the table's text ends a row (its cells before the anchor are the row's; a cell after it, such as a
publisher, is counted with the next row's text — the count is what such a table is read for).
The table ends at the first line that ends any table (``数据来源…``, the next section heading) or at
the next caption.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field

from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from loaders.read.blocks import resolve_year
from loaders.read.coverage import CoverageItem, Problem
from loaders.read.document import Caption, Document
from loaders.read.spec import ListCount, ListSpec, squeeze
from loaders.read.text import parse_number

_SERIAL = re.compile(r"^(\d{1,3})(?:\s|$)")


@dataclass
class ListRow:
    """One item of a list table.

    Attributes:
        number: Its position in the table (the serial number, or the anchor's order).
        first_line: Line index (0-based) where the row starts.
        last_line: Line index where it ends.
        text: Its cells joined with single spaces.
        fields: The spec's fields found in it (name → text).
    """

    number: int
    first_line: int
    last_line: int
    text: str
    fields: dict[str, str] = field(default_factory=dict)


def list_matches(spec: ListSpec, title: str) -> bool:
    """Whether a caption's title is this list's: every caption group matches, no excluded term does."""
    squeezed = squeeze(title, normalized=True)
    if any(term in squeezed for term in spec.excluded_terms):
        return False
    return all(any(term in squeezed for term in group) for group in spec.caption_terms)


def read_list(doc: Document, spec: ListSpec, caption: Caption, item: CoverageItem) -> list[ListRow]:
    """Read a list table's rows and count them into its indicators.

    Args:
        doc: The report (the counts go into its rows through :meth:`Document.observe`).
        spec: The list's spec.
        caption: Its caption.
        item: Its coverage item (figures counted, problems added).

    Returns:
        The rows, in order; ``doc.list_rows`` gets them too.
    """
    lines = _region(doc, caption)
    rows = _serial_rows(lines) if spec.rows == "serial" else _anchor_rows(lines, re.compile(spec.anchor or ""))
    for row in rows:
        for list_field in spec.fields:
            match = re.search(list_field.pattern, row.text)
            if match is not None:
                row.fields[list_field.name] = (match.group(1) if match.groups() else match.group(0)).strip()
    if not rows:
        item.status = "missing"
        item.add(Problem("no_rows", "warning", "表题下未找到任何行", "no rows were found under the caption"))
        return rows
    year = int(resolve_year(spec.year, caption.title, doc.data_year) or doc.data_year)
    held = _doubt_rows(lines, rows) if spec.rows == "serial" else None
    for count in spec.counts:
        value = _count(count, rows, item, caption.table)
        doc.observe(item, count.indicator, SCHOOL_SUBJECT, year, None, value, caption.table, caption.index, held=held)
    for row in rows:
        doc.list_rows.append(
            (
                spec.id,
                caption.table,
                row.number,
                row.first_line + 1,
                row.last_line + 1,
                row.text,
                json.dumps(row.fields, ensure_ascii=False, sort_keys=True),
            )
        )
    item.problems.insert(
        0,
        Problem(
            "list_rows",
            "info",
            f"按清单读取 {len(rows)} 行（第 {rows[0].first_line + 1}–{rows[-1].last_line + 1} 行），"
            f"计入 {len(spec.counts)} 项指标",
            f"read as a list: {len(rows)} rows (lines {rows[0].first_line + 1}–{rows[-1].last_line + 1}),"
            f" counted into {len(spec.counts)} indicators",
        ),
    )
    return rows


def _doubt_rows(lines: list[tuple[int, str]], rows: list[ListRow]) -> tuple[str, str] | None:
    """A reason to doubt a serial list's row count: more lines start with digits than rows were found
    (a serial number run into the next cell, ``12019.9 …`` in a PDF whose columns touch)."""
    starts = {row.first_line for row in rows}
    digit_lines = [index for index, text in lines if text[:1].isdigit() and index not in starts]
    if len(digit_lines) < max(2, len(rows)):
        return None
    return (
        f"只认出 {len(rows)} 个序号行，另有 {len(digit_lines)} 行以数字开头（如第 {digit_lines[0] + 1} 行）："
        "序号可能与后一列连在一起，行数不可靠",
        f"only {len(rows)} numbered rows were recognised while {len(digit_lines)} more lines start with digits"
        f" (e.g. line {digit_lines[0] + 1}): serial numbers may have run into the next column; the count is"
        " not reliable",
    )


def _region(doc: Document, caption: Caption) -> list[tuple[int, str]]:
    """``(line index, text)`` of the table under a caption, blank lines and continuation captions left out."""
    continuation = {c.index for c in doc.captions if c.continuation}
    out = []
    for index in range(caption.index + 1, doc.region_end(caption)):
        line = doc.norm[index]
        if index in continuation or not line:
            continue
        if doc.spec.block_end_re.search(line):
            break
        out.append((index, " ".join(line.split())))
    return out


def _serial_rows(lines: list[tuple[int, str]]) -> list[ListRow]:
    header: list[str] = []
    rows: list[ListRow] = []
    undo: tuple[str, int] | None = None  # the row before a line that is a bare number (a page number?)
    for index, text in lines:
        match = _SERIAL.match(text)
        if match is not None and int(match.group(1)) == len(rows) + 1:
            rows.append(ListRow(len(rows) + 1, index, index, text))
            undo = None
        elif not rows:
            header.append(squeeze(text, normalized=True))
        elif squeeze(text, normalized=True) in header:
            if undo is not None:  # a bare number just before the repeated header is the page's number
                rows[-1].text, rows[-1].last_line = undo
                undo = None
            continue  # the header repeated after a page break
        else:
            undo = (rows[-1].text, rows[-1].last_line) if text.isdigit() else None
            rows[-1].text += " " + text
            rows[-1].last_line = index
    return rows


def _anchor_rows(lines: list[tuple[int, str]], anchor: re.Pattern[str]) -> list[ListRow]:
    """Rows ending at each anchor; the first line (the column names, when no anchor is in it) and its
    repeats after page breaks are left out, text after the last anchor joins the last row."""
    if lines and anchor.search(lines[0][1]) is None:
        header = squeeze(lines[0][1], normalized=True)
        lines = [(index, line) for index, line in lines if squeeze(line, normalized=True) != header]
    text = ""
    starts: list[int] = []
    for _, line in lines:
        starts.append(len(text))
        text += line + " "
    rows: list[ListRow] = []
    previous = 0
    for match in anchor.finditer(text):
        first = lines[bisect.bisect_right(starts, previous) - 1][0]
        last = lines[bisect.bisect_right(starts, max(match.end() - 1, 0)) - 1][0]
        rows.append(ListRow(len(rows) + 1, first, last, text[previous : match.end()].strip()))
        previous = match.end()
    if rows and text[previous:].strip():
        rows[-1].text += " " + text[previous:].strip()
        rows[-1].last_line = lines[-1][0]
    return rows


def _count(count: ListCount, rows: list[ListRow], item: CoverageItem, table: str) -> float:
    """The value of one count over the rows that meet its ``where``."""
    chosen = [row for row in rows if all(re.fullmatch(p, row.fields.get(f, "")) for f, p in count.where.items())]
    if count.measure == "rows":
        return float(len(chosen))
    if count.measure == "tally":
        pattern = re.compile(count.pattern or "")
        total = 0.0
        for row in chosen:
            for match in pattern.finditer(row.text):
                group = match.group(1) if match.groups() else None
                total += (parse_number(group) or 0.0) if group else 1.0
        return total
    total = 0.0
    for row in chosen:
        number = parse_number(row.fields.get(count.field or "", ""))
        if number is None:
            item.add(
                Problem(
                    "field_absent",
                    "warning",
                    f"{table} 第 {row.number} 行（第 {row.first_line + 1} 行）没有可读的“{count.field}”，"
                    f"{count.indicator} 未计入该行",
                    f"{table} row {row.number} (line {row.first_line + 1}) has no readable {count.field!r};"
                    f" {count.indicator} leaves it out",
                    row.first_line + 1,
                )
            )
            continue
        total += number
    return round(total, 10)
