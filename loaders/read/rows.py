"""One row validator for the tidy formats: a row of a CSV file or of a template workbook → one observation.

Belongs here: the checks every hand-filled row needs, whatever file it came in — a known indicator
(on the right sheet), a stored subject (aliases resolved, graduate-survey subjects checked), a year in
range, ``years_after`` within 0–10, a number shown as a percent only where a percent is meant, the
value converted into the registry unit and within its plausible range, provenance complete — and the
check that every stored key appears once. The formats differ only in how a cell is read (text in a
CSV field, a typed cell in a workbook) and how a place is named; they hand the validator a
:class:`RowCells` and get the observation back, or a :class:`~loaders.contracts.errors.LoadError` naming the
cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import pandas as pd

from loaders.contracts.errors import TableError, ValueParseError
from loaders.contracts.registry import convert, out_of_range, read_registry, subject_aliases
from loaders.read.document import MAX_YEAR, MIN_YEAR
from loaders.read.record import OBSERVATION_COLUMNS, OBSERVATION_DTYPES
from loaders.read.spec import load_spec

#: Most years after graduation a survey figure may be for (surveys ask after 1, 3 and 5 years).
MAX_YEARS_AFTER = 10
#: Registry units whose values may be typed or formatted as a percent (98.36% → 98.36).
PERCENT_UNITS = ("%", "分")


@dataclass(frozen=True)
class IndicatorInfo:
    """What the registry says about one indicator."""

    unit: str
    domain: str
    name_zh: str


@cache
def indicator_info() -> dict[str, IndicatorInfo]:
    """``indicator_id → IndicatorInfo`` from the registry."""
    registry = read_registry()
    return {
        row.indicator_id: IndicatorInfo(row.unit, row.domain, row.name_zh) for row in registry.itertuples(index=False)
    }


class RowCells(Protocol):
    """One row of a tidy file, as its format reads it (columns are observation column keys)."""

    def text(self, column: str) -> str:
        """The column's text, stripped except ``source_text`` (kept as written); empty when blank or absent."""

    def number(self, column: str) -> tuple[float, bool]:
        """The column's number as shown and whether it was shown as a percent; raises when not a number."""

    def integer(self, column: str) -> int:
        """The column's whole number; raises when blank, not a number or not whole."""

    def is_blank(self, column: str) -> bool:
        """Whether the column is empty (or absent)."""

    def where(self, column: str) -> str:
        """The column's place in the file (``第 5 行``, ``工作表「师资」F7 单元格``)."""

    def label(self, column: str) -> str:
        """The column as the file's header names it, for messages."""


@dataclass(frozen=True)
class Fallback:
    """Provenance of a row that states none of its own: the file's table name, its line and its text."""

    source_table: str
    source_line: int
    source_text: str


def read_row(
    cells: RowCells,
    source: str,
    fallback: Fallback,
    *,
    sheet_of: dict[str, str] | None = None,
    sheet: str | None = None,
) -> dict[str, Any]:
    """Check one row and return its observation (keys :data:`OBSERVATION_COLUMNS`).

    Args:
        cells: The row.
        source: File name, for messages.
        fallback: Provenance when the row gives no ``source_table``/``source_line``.
        sheet_of: ``domain → sheet name`` when each domain has its own sheet (template workbooks).
        sheet: The sheet this row is on (with ``sheet_of``).

    Returns:
        The observation, value in the registry unit.

    Raises:
        TableError: Unknown indicator, indicator on another domain's sheet, empty or unknown survey
            subject, provenance half filled.
        ValueParseError: A number field holds something else; a negative ``years_after``; a percent
            where none is meant; a unit that cannot be converted; a value out of range.
    """
    indicator = cells.text("indicator_id")
    info = check_indicator(indicator, source, cells.where("indicator_id"))
    if sheet_of is not None and sheet_of.get(info.domain) != sheet:
        raise TableError(
            source,
            cells.where("indicator_id"),
            f"指标 {indicator}（{info.name_zh}）应填在工作表「{sheet_of.get(info.domain)}」中，不在「{sheet}」。",
            f"indicator {indicator} belongs on sheet {sheet_of.get(info.domain)}, not {sheet}.",
        )
    subject = canonical_subject(cells.text("subject"), info, source, cells.where("subject"))
    year = check_year(cells.integer("year"), source, cells.where("year"))
    years_after = None
    if not cells.is_blank("years_after"):
        years_after = cells.integer("years_after")
        if not 0 <= years_after <= MAX_YEARS_AFTER:
            label = cells.label("years_after")
            raise ValueParseError(
                source,
                cells.where("years_after"),
                f"{label} 应在 0–{MAX_YEARS_AFTER} 之间，实际为 {years_after}。",
                f"{label} must be within 0–{MAX_YEARS_AFTER}, found {years_after}.",
            )
    value, percent = cells.number("value")
    unit = cells.text("unit")
    if percent and (unit or info.unit) not in PERCENT_UNITS:
        raise ValueParseError(
            source,
            cells.where("value"),
            f"数值按百分比填写（百分比格式或带 %），但 {indicator}（{info.name_zh}）的单位是 {unit or info.unit}，"
            "不是百分比；请改为常规数字。",
            f"the value is written as a percent, but {indicator} is in {unit or info.unit}, not a percentage;"
            " use a plain number.",
        )
    value, unit = to_registry_unit(indicator, value, unit, info, source, cells.where("unit"))

    table = cells.text("source_table")
    has_line = not cells.is_blank("source_line")
    if bool(table) != has_line:
        missing = "source_line" if table else "source_table"
        raise TableError(
            source,
            cells.where(missing),
            "来源表与来源行须同时填写或同时留空（source_table、source_line）。",
            "source_table and source_line must both be filled or both be empty.",
        )
    if table:
        source_line = cells.integer("source_line")
        if source_line < 1:
            raise ValueParseError(
                source,
                cells.where("source_line"),
                f"{cells.label('source_line')}应为正整数，实际为 {source_line}。",
                f"source_line must be ≥ 1, found {source_line}.",
            )
        source_text = cells.text("source_text")
    else:
        table, source_line, source_text = fallback.source_table, fallback.source_line, fallback.source_text
    return {
        "indicator_id": indicator,
        "subject": subject,
        "year": year,
        "years_after": years_after,
        "value": value,
        "unit": unit,
        "source_table": table,
        "source_line": source_line,
        "source_text": source_text,
    }


def check_indicator(indicator: str, source: str, where: str) -> IndicatorInfo:
    """The registry entry of an indicator id.

    Raises:
        TableError: The id is empty or not in the registry.
    """
    if not indicator:
        raise TableError(source, where, "指标代码不能为空。", "the indicator id is empty.")
    info = indicator_info().get(indicator)
    if info is None:
        raise TableError(
            source,
            where,
            f"未知的指标代码“{indicator}”（不在 data/indicators.csv 中）。",
            f"unknown indicator id '{indicator}' (not in data/indicators.csv).",
        )
    return info


def canonical_subject(label: str, info: IndicatorInfo, source: str, where: str) -> str:
    """The stored subject for a label: aliases resolved (``我校`` → ``本校``), graduate-survey subjects checked.

    Raises:
        TableError: The subject is empty, or a graduate-survey subject is not one of the four.
    """
    if not label:
        raise TableError(source, where, "对象不能为空。", "the subject is empty.")
    aliases = subject_aliases()
    survey = info.domain == "graduate_survey"
    subject = (survey and aliases.get(("survey", label))) or aliases.get(("all", label)) or label
    allowed = load_spec().survey_subjects
    if survey and subject not in allowed:
        raise TableError(
            source,
            where,
            f"毕业生调查的对象应为 {'/'.join(allowed)} 之一，实际为“{label}”。",
            f"a graduate-survey subject must be one of {'/'.join(allowed)}, found '{label}'.",
        )
    return subject


def to_registry_unit(
    indicator: str, value: float, unit: str, info: IndicatorInfo, source: str, where: str
) -> tuple[float, str]:
    """A value in the registry unit of its indicator (converted values rounded to 10 decimals).

    Args:
        indicator: The indicator id.
        value: The value as given.
        unit: The unit as given; empty means the registry unit.
        info: The indicator's registry entry.
        source: File name, for the message.
        where: Place in the file (the unit's).

    Raises:
        ValueParseError: No factor from the given unit to the registry unit is known, or the value
            (after conversion) is not finite or outside the indicator's plausible range.
    """
    if unit and unit != info.unit:
        converted = convert(value, unit, info.unit)
        if converted is None:
            raise ValueParseError(
                source,
                where,
                f"{indicator} 的单位应为 {info.unit}，实际为 {unit}，无法换算（见 data/specs/units.csv）。",
                f"{indicator} must be in {info.unit}, found {unit}, which cannot be converted"
                " (see data/specs/units.csv).",
            )
        value = round(converted, 10)
    refused = out_of_range(indicator, value)
    if refused is not None:
        raise ValueParseError(source, where, refused[0], refused[1])
    return value, info.unit


def check_year(year: int, source: str, where: str) -> int:
    """A data year within :data:`~loaders.read.document.MIN_YEAR`..:data:`~loaders.read.document.MAX_YEAR`."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueParseError(
            source,
            where,
            f"年份应在 {MIN_YEAR}–{MAX_YEAR} 之间，实际为 {year}。",
            f"the year must be within {MIN_YEAR}–{MAX_YEAR}, found {year}.",
        )
    return year


def check_unique(rows: Iterable[tuple[dict[str, Any], str]], source: str) -> None:
    """Each stored key ``(source_line, indicator_id, subject, year)`` appears once.

    Args:
        rows: ``(observation, place)`` pairs.
        source: File name, for the message.

    Raises:
        TableError: A key appears twice; the message names both places.
    """
    seen: dict[tuple[Any, ...], str] = {}
    for row, where in rows:
        key = (row["source_line"], row["indicator_id"], row["subject"], row["year"])
        if key in seen:
            raise TableError(
                source,
                where,
                f"与 {seen[key]} 重复：来源行 {key[0]}、指标 {key[1]}、对象 {key[2]}、年份 {key[3]} 只能出现一次。",
                f"duplicates {seen[key]}: source line {key[0]}, indicator {key[1]}, subject {key[2]},"
                f" year {key[3]} may appear once.",
            )
        seen[key] = where


def typed_observations(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows as an observations frame with the text loader's dtypes (:data:`OBSERVATION_COLUMNS`)."""
    frame = pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)
    return frame.astype(OBSERVATION_DTYPES)


def format_number(value: float) -> str:
    """A float as short exact text: ``1085`` for 1085.0, else ``repr`` (which round-trips)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
