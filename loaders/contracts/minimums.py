"""The national minimum standards of school conditions (国家基本办学条件, 教发〔2004〕2号) as data.

Belongs here: reading and checking ``data/benchmarks/national_minimums.csv`` (thresholds by school
type, with their reference; an empty threshold means the document's text was not available, never
zero) and ``data/benchmarks/school_types.csv`` (which school type a school is held to, and why).
What a school's figures make of them is :mod:`metrics.minimums`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from loaders.contracts.errors import TableError
from loaders.contracts.paths import DATA_DIR
from loaders.contracts.registry import registry_units, unit_factor

BENCHMARKS_DIR = DATA_DIR / "benchmarks"
MINIMUMS_CSV = BENCHMARKS_DIR / "national_minimums.csv"
SCHOOL_TYPES_CSV = BENCHMARKS_DIR / "school_types.csv"
MINIMUM_COLUMNS = [
    "standard", "school_type", "indicator_zh", "indicator_id", "comparator", "qualified", "restricted", "unit",
    "kind", "reference",
]  # fmt: skip


@cache
def read_minimums(path: Path = MINIMUMS_CSV) -> pd.DataFrame:
    """The thresholds, one row per school type and indicator; ``qualified``/``restricted`` NaN when unknown.

    Raises:
        TableError: A column is missing, a comparator is not ``<=``/``>=``, a threshold is not a number,
            an indicator is not in the registry or its unit cannot be converted to the registry's.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    missing = [c for c in MINIMUM_COLUMNS if c not in frame.columns]
    if missing:
        raise TableError(path.name, "表头", f"缺少列 {'、'.join(missing)}。", f"missing columns {', '.join(missing)}.")
    units = registry_units()
    for position, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"第 {position} 行（{row.indicator_zh}）"
        if row.comparator not in ("<=", ">="):
            raise TableError(path.name, where, "comparator 应为 <= 或 >=。", "comparator must be <= or >=.")
        for column in ("qualified", "restricted"):
            text = getattr(row, column).strip()
            try:
                float(text) if text else None
            except ValueError:
                raise TableError(
                    path.name,
                    where,
                    f"{column} 应为数字或留空，实际为“{text}”。",
                    f"{column} must be a number or empty.",
                ) from None
        if row.indicator_id:
            if row.indicator_id not in units:
                raise TableError(
                    path.name,
                    where,
                    f"指标 {row.indicator_id} 不在指标登记表中。",
                    f"{row.indicator_id!r} is not in the registry.",
                )
            if unit_factor(row.unit, units[row.indicator_id]) is None:
                raise TableError(
                    path.name,
                    where,
                    f"单位 {row.unit} 无法换算为 {units[row.indicator_id]}。",
                    f"the unit {row.unit!r} cannot be converted to {units[row.indicator_id]!r}.",
                )
    out = frame[MINIMUM_COLUMNS].copy()
    for column in ("qualified", "restricted"):
        out[column] = pd.to_numeric(out[column].replace("", None), errors="coerce").astype("float64")
    return out


@cache
def read_school_types(path: Path = SCHOOL_TYPES_CSV) -> dict[str, tuple[str, str]]:
    """``school → (school type, why)``; a school not listed is held to no type (its minimums are unknown)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    return {row.school: (row.school_type, row.basis) for row in frame.itertuples(index=False)}


class NationalMinimums(NamedTuple):
    """The minimums and the school types, as :func:`metrics.queries.minimums` takes them (metrics reads no files)."""

    thresholds: pd.DataFrame
    school_types: dict[str, tuple[str, str]]


def national_minimums() -> NationalMinimums:
    """The bundled minimums (``data/benchmarks``), cached."""
    return NationalMinimums(read_minimums(), read_school_types())
