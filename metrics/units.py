"""Unit conversion of metric frames: values that name the same quantity in different units (元, 万元, 亿元 …).

Belongs here: converting a value, or a frame's value columns, into the units a caller asks for. The
factor between two units comes from the one converter, :func:`loaders.contracts.units.unit_factor`: the pairs
in the conversions frame the caller passes (default :data:`UNIT_CONVERSIONS`, the project's
``data/specs/units.csv``), their reverses, and magnitude prefixes (``万人次`` → ``人次`` is × 10 000).
"""

from __future__ import annotations

import pandas as pd

from loaders.contracts.registry import unit_factors
from loaders.contracts.units import clean_factors, clean_unit, unit_factor
from metrics.errors import MissingColumnsError, UnitMismatchError

#: The project's factors (``data/specs/units.csv``): ``value_in_to_unit = value_in_from_unit * factor``.
UNIT_CONVERSIONS = pd.DataFrame(
    [(a, b, f) for (a, b), f in unit_factors().items()], columns=["from_unit", "to_unit", "factor"]
).astype({"from_unit": "str", "to_unit": "str", "factor": "float64"})

_clean = clean_unit


def _factors(conversions: pd.DataFrame | None) -> dict[tuple[str, str], float]:
    if conversions is None:
        return unit_factors()
    pairs = zip(conversions["from_unit"], conversions["to_unit"], conversions["factor"], strict=True)
    return clean_factors({(a, b): f for a, b, f in pairs})


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
    return unit_factor(from_unit, to_unit, _factors(conversions))


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
    table = _factors(conversions)
    factors = []
    for row_index, (indicator_id, have, want) in enumerate(zip(out["indicator_id"], out["unit"], wanted, strict=True)):
        factor = unit_factor(have, want, table)
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
