"""Unit conversion for values that name the same quantity in different units (元, 万元, 亿元 …).

Belongs here: the factor between two unit strings, and converting a value column of a frame into
the units a caller asks for. A conversion is known when the pair is in the conversions frame the
caller passes (default :data:`UNIT_CONVERSIONS`), or when both units are the same base unit with a
Chinese magnitude prefix (``万人次`` → ``人次`` is × 10 000). Nothing here reads a file.
"""

from __future__ import annotations

import io
import unicodedata

import pandas as pd

from metrics.errors import MissingColumnsError, UnitMismatchError

#: Explicit factors: ``value_in_to_unit = value_in_from_unit * factor``. Pairs made only of a
#: magnitude prefix (万元 ↔ 元) need no row here; they are derived from :data:`MAGNITUDES`.
UNIT_CONVERSIONS = pd.read_csv(
    io.StringIO("from_unit,to_unit,factor\n％,%,1\n：1,:1,1\nm²/生,m2/生,1\n平方米/生,m2/生,1\n"),
    dtype={"from_unit": "str", "to_unit": "str", "factor": "float64"},
)

#: Chinese magnitude prefixes and their factors.
MAGNITUDES = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}


def _split_magnitude(unit: str) -> tuple[float, str]:
    """Split ``"万元"`` into ``(10000.0, "元")``; a unit without prefix gives ``(1.0, unit)``."""
    if len(unit) > 1 and unit[0] in MAGNITUDES:
        return MAGNITUDES[unit[0]], unit[1:]
    return 1.0, unit


def _clean(unit: object) -> str:
    """NFKC-normalise a unit string (``％`` → ``%``); missing units become ``""``."""
    if unit is None or (isinstance(unit, float) and pd.isna(unit)) or unit is pd.NA:
        return ""
    return unicodedata.normalize("NFKC", str(unit)).strip()


def find_unit_factor(from_unit: str, to_unit: str, conversions: pd.DataFrame | None = None) -> float | None:
    """Find the factor that turns a value in ``from_unit`` into ``to_unit``.

    Args:
        from_unit: The unit the value is in, e.g. ``"万元"``.
        to_unit: The unit wanted, e.g. ``"元"``.
        conversions: Explicit factors with columns ``from_unit, to_unit, factor``; defaults to
            :data:`UNIT_CONVERSIONS`. The reverse of a listed pair is derived (1 / factor).

    Returns:
        The factor (``10000.0`` for 万元 → 元), or None when the units cannot be converted.
    """
    table = UNIT_CONVERSIONS if conversions is None else conversions
    source, target = _clean(from_unit), _clean(to_unit)
    if source == target:
        return 1.0
    for frm, to, factor in zip(table["from_unit"], table["to_unit"], table["factor"], strict=True):
        frm, to = _clean(frm), _clean(to)
        if (frm, to) == (source, target):
            return float(factor)
        if (frm, to) == (target, source) and factor:
            return 1.0 / float(factor)
    source_scale, source_base = _split_magnitude(source)
    target_scale, target_base = _split_magnitude(target)
    if source_base == target_base and source_base:
        return source_scale / target_scale
    return None


def convert_value(
    value: float, from_unit: str, to_unit: str, conversions: pd.DataFrame | None = None, where: str = ""
) -> float:
    """Convert one value between units.

    Args:
        value: The value in ``from_unit``.
        from_unit: Its unit.
        to_unit: The unit wanted.
        conversions: Explicit factors (see :func:`find_unit_factor`).
        where: What the value belongs to, for the error message.

    Returns:
        The value in ``to_unit``.

    Raises:
        UnitMismatchError: No conversion between the two units is known.
    """
    factor = find_unit_factor(from_unit, to_unit, conversions)
    if factor is None:
        raise UnitMismatchError(_clean(from_unit), _clean(to_unit), where)
    return value * factor


def convert_to_units(
    frame: pd.DataFrame,
    units: pd.Series,
    *,
    value_columns: tuple[str, ...] = ("value",),
    conversions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Convert a frame's value columns into the unit given for each row's indicator.

    Args:
        frame: Rows with ``indicator_id``, ``unit`` and the value columns.
        units: ``indicator_id → wanted unit`` (e.g. the registry's ``unit`` column indexed by id).
            Rows whose indicator is not in it keep their unit.
        value_columns: The columns to scale.
        conversions: Explicit factors (see :func:`find_unit_factor`).

    Returns:
        A copy of ``frame`` with the value columns scaled and ``unit`` set to the wanted unit.

    Raises:
        MissingColumnsError: ``frame`` lacks ``indicator_id``, ``unit`` or a value column.
        UnitMismatchError: A row's unit cannot be converted into its indicator's unit; the message
            names the indicator and, when the frame has them, the table and line.
    """
    needed = ["indicator_id", "unit", *value_columns]
    missing = [column for column in needed if column not in frame.columns]
    if missing:
        raise MissingColumnsError("frame", missing)
    out = frame.copy()
    if out.empty:
        return out
    wanted = out["indicator_id"].map(units)
    wanted = wanted.where(wanted.notna(), out["unit"])
    factors = []
    for row_index, (indicator_id, have, want) in enumerate(zip(out["indicator_id"], out["unit"], wanted, strict=True)):
        factor = find_unit_factor(have, want, conversions)
        if factor is None:
            place = [str(indicator_id)]
            for column in ("source_table", "source_line"):
                if column in out.columns:
                    place.append(str(out[column].iloc[row_index]))
            raise UnitMismatchError(_clean(have), _clean(want), " ".join(place))
        factors.append(factor)
    factor_series = pd.Series(factors, index=out.index, dtype="float64")
    for column in value_columns:
        out[column] = out[column].astype("float64") * factor_series
    out["unit"] = wanted.astype("str")
    return out
