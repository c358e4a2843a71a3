"""The indicator registry (``data/indicators.csv``) and the other small reference tables."""

from __future__ import annotations

import csv
import math
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from loaders.contracts import units
from loaders.contracts.paths import INDICATORS_CSV, SPECS_DIR, SUBJECT_ALIASES_CSV, UNITS_CSV
from loaders.contracts.units import clean_factors

REGISTRY_COLUMNS = [
    "indicator_id", "name_zh", "name_en", "unit", "direction", "domain", "kind", "definition", "formula",
]  # fmt: skip


def read_registry(path: Path = INDICATORS_CSV) -> pd.DataFrame:
    """Read the indicator registry and check its formulas.

    A derived indicator has a ``formula`` over other indicators of the same report (see
    :mod:`loaders.contracts.formula`); the others leave it empty.

    Args:
        path: The registry CSV.

    Returns:
        One row per indicator with :data:`REGISTRY_COLUMNS`.

    Raises:
        TableError: A formula does not parse, names an indicator not in the registry, or names a
            derived indicator (formulas are over read figures only).
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "formula" not in frame.columns:
        frame = frame.assign(formula="")
    check_formulas(frame, Path(path).name)
    return frame[REGISTRY_COLUMNS]


def check_formulas(frame: pd.DataFrame, source: str) -> None:
    """Check every formula of a registry frame (see :func:`read_registry`)."""
    from loaders.contracts.errors import TableError
    from loaders.contracts.formula import FormulaError, parse_formula

    ids = set(frame["indicator_id"])
    derived = set(frame.loc[frame["formula"].str.strip() != "", "indicator_id"])
    for position, row in enumerate(frame.itertuples(index=False), start=2):
        text = row.formula.strip()
        if not text:
            continue
        where = f"第 {position} 行（{row.indicator_id}）"
        try:
            formula = parse_formula(text)
        except FormulaError as exc:
            raise TableError(source, where, exc.zh, exc.en) from exc
        for term in formula.terms:
            if term.indicator_id not in ids:
                raise TableError(
                    source,
                    where,
                    f"公式中的指标 {term.indicator_id} 不在指标登记表中。",
                    f"the formula names {term.indicator_id!r}, which is not in the registry.",
                )
            if term.indicator_id in derived:
                raise TableError(
                    source,
                    where,
                    f"公式中的指标 {term.indicator_id} 本身也是计算得出的；公式只能引用报告中读取的指标。",
                    f"the formula names {term.indicator_id!r}, itself derived; formulas use figures read from"
                    " reports only.",
                )


@cache
def registry_units() -> dict[str, str]:
    """``indicator_id → unit`` from the registry."""
    with open(INDICATORS_CSV, encoding="utf-8") as handle:
        return {row["indicator_id"]: row["unit"] for row in csv.DictReader(handle)}


@cache
def registry_kinds() -> dict[str, tuple[str, str]]:
    """``indicator_id → (unit, kind)`` from the registry (kind: count, amount, ratio, rate, share, score)."""
    with open(INDICATORS_CSV, encoding="utf-8") as handle:
        return {row["indicator_id"]: (row["unit"], row["kind"]) for row in csv.DictReader(handle)}


@cache
def whole_indicators() -> frozenset[str]:
    """Indicators whose figures are whole numbers: counts in a unit counted whole (人, 项 …, see
    ``unit_ranges.csv``) that are not averages (no 均 in the name: 课均学生数 132.36 人 is an average)."""
    from loaders.contracts.plausible import unit_ranges

    whole_units = {unit for unit, r in unit_ranges().items() if r.whole}
    with open(INDICATORS_CSV, encoding="utf-8") as handle:
        return frozenset(
            row["indicator_id"]
            for row in csv.DictReader(handle)
            if row["kind"] == "count" and row["unit"] in whole_units and "均" not in row["name_zh"]
        )


@cache
def subject_aliases() -> dict[tuple[str, str], str]:
    """``(scope, alias) → subject`` from ``data/specs/subject_aliases.csv``."""
    with open(SUBJECT_ALIASES_CSV, encoding="utf-8") as handle:
        return {(row["scope"], row["alias"]): row["subject"] for row in csv.DictReader(handle)}


@cache
def unit_factors() -> dict[tuple[str, str], float]:
    """``(from_unit, to_unit) → factor`` from ``data/specs/units.csv``, as written and NFKC-cleaned (万㎡, 万m2)."""
    with open(UNITS_CSV, encoding="utf-8") as handle:
        pairs = {(row["from_unit"], row["to_unit"]): float(row["factor"]) for row in csv.DictReader(handle)}
    return {**pairs, **clean_factors(pairs)}


def unit_factor(from_unit: str, to_unit: str, factors: dict[tuple[str, str], float] | None = None) -> float | None:
    """The factor between two units (:func:`loaders.contracts.units.unit_factor`); ``units.csv`` by default."""
    return units.unit_factor(from_unit, to_unit, unit_factors() if factors is None else factors)


def convert(value: float, from_unit: str, to_unit: str) -> float | None:
    """Convert a value between units (``units.csv`` and magnitude prefixes); None if no factor is known."""
    factor = unit_factor(from_unit, to_unit)
    return None if factor is None else value * factor


@cache
def indicator_ranges() -> dict[str, tuple[float, float]]:
    """``indicator_id → (lowest, highest)`` plausible value, from the registry's ``min_value``/``max_value``.

    An empty bound is unbounded on that side.
    """
    with open(INDICATORS_CSV, encoding="utf-8") as handle:
        return {
            row["indicator_id"]: (
                float(row["min_value"]) if row["min_value"].strip() else -math.inf,
                float(row["max_value"]) if row["max_value"].strip() else math.inf,
            )
            for row in csv.DictReader(handle)
        }


def out_of_range(indicator: str, value: float) -> tuple[str, str] | None:
    """Why a value cannot be right for its indicator, or None when it is plausible.

    Non-finite values (``inf`` after converting ``1e308`` 万元, ``nan``) and values outside the
    registry's range (a percent above 100, a negative count) are refused.

    Args:
        indicator: A registry id.
        value: The value in the registry unit.

    Returns:
        ``(zh, en)`` saying what is wrong, or None.
    """
    if not math.isfinite(value):
        return (
            f"{indicator} 的数值 {value} 不是有限数（过大或无法计算），未读取。",
            f"{indicator}: {value} is not a finite number; not read.",
        )
    low, high = indicator_ranges()[indicator]
    if low <= value <= high:
        return None
    unit = registry_units()[indicator]
    shown = f"{value:,.10g}"
    bounds = f"{low:g}–{high:g}" if math.isfinite(high) else f"≥ {low:g}"
    return (
        f"{indicator} 的数值 {shown} {unit} 超出合理范围（{bounds}），未读取。",
        f"{indicator}: {shown} {unit} is outside its plausible range ({bounds}); not read.",
    )


@cache
def known_units() -> frozenset[str]:
    """Every unit the registry or ``units.csv`` names (what a printed ``(单位)`` may be)."""
    units = set(registry_units().values())
    for from_unit, to_unit in unit_factors():
        units.update((from_unit, to_unit))
    return frozenset(units)


class CheckupRules(NamedTuple):
    """The check-up's rule tables (passed to :func:`metrics.audit.audit_report`; metrics reads no files)."""

    share_rules: pd.DataFrame  # data/specs/checkup_share_rules.csv
    component_rules: pd.DataFrame  # data/specs/checkup_component_rules.csv
    subject_aliases: dict[str, str]  # how narrative text names survey rows (data/specs/subject_aliases.csv)


@cache
def checkup_rules() -> CheckupRules:
    """The check-up's rules from ``data/specs`` (cached; callers must not change them)."""
    options = {"dtype": "str", "keep_default_na": False, "comment": "#"}
    aliases = {alias: subject for (scope, alias), subject in subject_aliases().items() if scope == "survey"}
    return CheckupRules(
        pd.read_csv(SPECS_DIR / "checkup_share_rules.csv", **options),
        pd.read_csv(SPECS_DIR / "checkup_component_rules.csv", **options),
        aliases,
    )


@cache
def sample_sizes() -> dict[str, str]:
    """``indicator_id`` of a survey rate → ``indicator_id`` of its sample size, from ``data/specs/sample_sizes.csv``.

    Only the rates listed there get a confidence interval and a significance verdict
    (:func:`metrics.significance.assess_gaps`); both ids must be in the registry.
    """
    with open(SPECS_DIR / "sample_sizes.csv", encoding="utf-8") as handle:
        pairs = {row["indicator_id"]: row["sample_indicator"] for row in csv.DictReader(handle)}
    unknown = sorted({i for pair in pairs.items() for i in pair} - set(registry_units()))
    if unknown:
        raise ValueError(f"data/specs/sample_sizes.csv: indicators not in data/indicators.csv: {', '.join(unknown)}")
    return pairs
