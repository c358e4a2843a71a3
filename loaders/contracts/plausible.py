"""What a college can plausibly report or enter in a unit, whatever the target or indicator.

Belongs here: the per-unit ranges of ``data/specs/unit_ranges.csv`` (percent 0–100, money not
negative and within a bound, counts whole and not negative …) and the check a hand-entered value
(填报) passes even when its target maps to no indicator, and the year window of a plan's entries.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from loaders.contracts.errors import ValueParseError
from loaders.contracts.paths import SPECS_DIR

UNIT_RANGES_CSV = SPECS_DIR / "unit_ranges.csv"
#: The row of ``unit_ranges.csv`` a unit not listed there gets.
OTHER_UNIT = "*"
#: Years before a plan's first year an entry may be for (its baseline, 基期).
BASELINE_YEARS = 1
#: Years a plan without a stated first year is taken to span.
DEFAULT_PLAN_YEARS = 5


@dataclass(frozen=True)
class UnitRange:
    """The plausible values of one unit."""

    unit: str
    min_value: float
    max_value: float
    whole: bool


@cache
def unit_ranges() -> dict[str, UnitRange]:
    """``unit → UnitRange`` from ``data/specs/unit_ranges.csv`` (``"*"``: any other unit)."""
    with open(UNIT_RANGES_CSV, encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {
            row["unit"]: UnitRange(
                row["unit"], float(row["min_value"]), float(row["max_value"]), row["whole"].strip() == "true"
            )
            for row in rows
        }


def unit_range(unit: str | None) -> UnitRange:
    """The range of ``unit`` (the ``"*"`` row for a unit not listed)."""
    ranges = unit_ranges()
    return ranges.get((unit or "").strip()) or ranges[OTHER_UNIT]


def check_unit_value(value: float, unit: str | None, source: str, where: str) -> float:
    """A value plausible in its unit, or refused with the range.

    Args:
        value: The value as entered, in ``unit``.
        unit: Its unit (empty or unknown: the ``"*"`` row).
        source: What the message names as its file (``填报``).
        where: The target.

    Raises:
        ValueParseError: Not finite, outside the unit's range, or not whole where a count is meant.
    """
    bounds = unit_range(unit)
    shown = (unit or "").strip()
    if not math.isfinite(value) or not bounds.min_value <= value <= bounds.max_value:
        raise ValueParseError(
            source,
            where,
            f"{value:,.10g} {shown} 超出合理范围（{bounds.min_value:,.10g}–{bounds.max_value:,.10g} {shown}）。",
            f"{value:,.10g} {shown} is outside the plausible range "
            f"({bounds.min_value:,.10g}–{bounds.max_value:,.10g} {shown}).",
        )
    if bounds.whole and value != math.floor(value):
        raise ValueParseError(
            source,
            where,
            f"以“{shown}”计的数应为整数，实际为 {value:g}。",
            f"a number of {shown} must be whole, found {value:g}.",
        )
    return value


def entry_years(start_year: int | None, target_year: int | None, *, today: int | None = None) -> tuple[int, int]:
    """The years a plan's entries may be for: its period (and the baseline year before it), not after this year.

    Args:
        start_year: The plan's first year, when stated.
        target_year: The year its targets are for.
        today: The current year (default: now, UTC).

    Returns:
        ``(first, last)`` inclusive.
    """
    today = today or datetime.now(UTC).year
    last = min(target_year or today, today)
    first = (start_year or (target_year or today) - DEFAULT_PLAN_YEARS + 1) - BASELINE_YEARS
    return first, last


def check_entry_year(year: int, start_year: int | None, target_year: int | None, source: str, where: str) -> int:
    """An entry's year within its plan's period and not after the current year, or refused with the window."""
    first, last = entry_years(start_year, target_year)
    if not first <= year <= last:
        raise ValueParseError(
            source,
            where,
            f"年份应在规划期内且不晚于今年（{first}–{last}），实际为 {year}。",
            f"the year must be within the plan's period and not after this year ({first}–{last}), found {year}.",
        )
    return year
