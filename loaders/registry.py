"""The indicator registry (``data/indicators.csv``) and the other small reference tables."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pandas as pd

from loaders.paths import INDICATORS_CSV, SUBJECT_ALIASES_CSV, UNITS_CSV

REGISTRY_COLUMNS = ["indicator_id", "name_zh", "name_en", "unit", "direction", "domain", "kind", "definition"]


def read_registry(path: Path = INDICATORS_CSV) -> pd.DataFrame:
    """Read the indicator registry.

    Args:
        path: The registry CSV.

    Returns:
        One row per indicator with :data:`REGISTRY_COLUMNS`.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame[REGISTRY_COLUMNS]


@cache
def registry_units() -> dict[str, str]:
    """``indicator_id → unit`` from the registry."""
    with open(INDICATORS_CSV, encoding="utf-8") as handle:
        return {row["indicator_id"]: row["unit"] for row in csv.DictReader(handle)}


@cache
def subject_aliases() -> dict[tuple[str, str], str]:
    """``(scope, alias) → subject`` from ``data/specs/subject_aliases.csv``."""
    with open(SUBJECT_ALIASES_CSV, encoding="utf-8") as handle:
        return {(row["scope"], row["alias"]): row["subject"] for row in csv.DictReader(handle)}


@cache
def unit_factors() -> dict[tuple[str, str], float]:
    """``(from_unit, to_unit) → factor`` from ``data/specs/units.csv``."""
    with open(UNITS_CSV, encoding="utf-8") as handle:
        return {(row["from_unit"], row["to_unit"]): float(row["factor"]) for row in csv.DictReader(handle)}


def unit_factor(from_unit: str, to_unit: str, factors: dict[tuple[str, str], float] | None = None) -> float | None:
    """The factor that turns a value in ``from_unit`` into ``to_unit``.

    Args:
        from_unit: Unit of the value (``亿元``).
        to_unit: Unit wanted (``万元``).
        factors: ``(from_unit, to_unit) → factor``; :func:`unit_factors` (units.csv) by default.
            A listed pair also converts backwards.

    Returns:
        The factor (10000.0 for 亿元 → 万元), 1.0 for equal units, or None when unknown.
    """
    if from_unit == to_unit:
        return 1.0
    factors = unit_factors() if factors is None else factors
    factor = factors.get((from_unit, to_unit))
    if factor is not None:
        return factor
    backwards = factors.get((to_unit, from_unit))
    return 1.0 / backwards if backwards else None


def convert(value: float, from_unit: str, to_unit: str) -> float | None:
    """Convert a value between units listed in ``units.csv``; None if no factor is known."""
    factor = unit_factor(from_unit, to_unit)
    return None if factor is None else value * factor
