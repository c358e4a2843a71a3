"""A school's figures against the national minimum standards (国家基本办学条件, 教发〔2004〕2号).

Belongs here: one row per minimum the school's type is held to — its threshold (合格; 限制招生 when
known), the school's latest value in the report (a derived figure where the registry computes it),
and a status: ``met``, ``below`` (the qualifying threshold is missed), ``restricted`` (the 限制招生
threshold is missed too), ``no_value`` (the report does not state it) or ``no_threshold`` (the
document's text for it was not available). Pure: frames in, frames out.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from metrics.derive import with_derived
from metrics.observations import TOTAL_LABELS, require_columns, select_observations, with_basis
from metrics.units import find_unit_factor

MINIMUM_STATUSES = ("met", "below", "restricted", "no_value", "no_threshold")

MINIMUM_RESULT_COLUMNS = [
    "indicator_zh", "indicator_id", "kind", "comparator", "qualified", "restricted", "unit", "value", "year",
    "source_table", "source_line", "basis", "status", "share_of_minimum_pct", "reference",
]  # fmt: skip


def _meets(value: float, comparator: str, threshold: float) -> bool:
    return value <= threshold + 1e-9 if comparator == "<=" else value >= threshold - 1e-9


def compare_to_minimums(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    minimums: pd.DataFrame,
    school_type: str | None,
) -> pd.DataFrame:
    """The school's figures against the minimums of its type.

    Args:
        observations: One report's observations (with derived rows, see :func:`metrics.derive.with_derived`).
        indicators: The registry (``indicator_id``, ``unit``).
        minimums: :func:`loaders.contracts.minimums.read_minimums`.
        school_type: The school's type (``工科、农、林院校``); None or unknown: no rows.

    Returns:
        :data:`MINIMUM_RESULT_COLUMNS`, in the document's order. ``share_of_minimum_pct`` is how far the
        value is along to the qualifying threshold (value ÷ threshold, or threshold ÷ value for a ceiling
        such as 生师比), 100 at the line; NaN without a value or threshold.
    """
    require_columns(observations, ["indicator_id", "subject", "year", "value", "unit", "source_table"], "observations")
    chosen = minimums[minimums["school_type"] == school_type] if school_type else minimums.iloc[0:0]
    units = indicators.drop_duplicates("indicator_id").set_index("indicator_id")["unit"]
    rows = with_basis(select_observations(observations)) if not observations.empty else with_basis(observations)
    own = rows[rows["subject"].isin([SCHOOL_SUBJECT, *TOTAL_LABELS])]
    out = []
    for minimum in chosen.itertuples(index=False):
        row = {column: getattr(minimum, column) for column in MINIMUM_RESULT_COLUMNS if hasattr(minimum, column)}
        row.update(
            value=math.nan, year=pd.NA, source_table="", source_line=pd.NA, basis="", share_of_minimum_pct=math.nan
        )
        unit = str(units.get(minimum.indicator_id, minimum.unit)) if minimum.indicator_id else minimum.unit
        factor = find_unit_factor(minimum.unit, unit) or 1.0
        qualified = minimum.qualified * factor if not math.isnan(minimum.qualified) else math.nan
        restricted = minimum.restricted * factor if not math.isnan(minimum.restricted) else math.nan
        row.update(qualified=qualified, restricted=restricted, unit=unit)
        found = own[own["indicator_id"] == minimum.indicator_id] if minimum.indicator_id else own.iloc[0:0]
        if not found.empty:
            latest = found.sort_values(["year", "source_line"], ascending=[False, True], kind="stable").iloc[0]
            row.update(
                value=float(latest["value"]),
                year=int(latest["year"]),
                source_table=str(latest["source_table"]),
                source_line=int(latest["source_line"]),
                basis=str(latest["basis"]),
            )
        value = row["value"]
        if math.isnan(qualified):
            row["status"] = "no_threshold"
        elif math.isnan(value):
            row["status"] = "no_value"
        else:
            ceiling = minimum.comparator == "<="
            row["share_of_minimum_pct"] = (
                (qualified / value if ceiling else value / qualified) * 100 if value else math.nan
            )
            if _meets(value, minimum.comparator, qualified):
                row["status"] = "met"
            elif not math.isnan(restricted) and not _meets(value, minimum.comparator, restricted):
                row["status"] = "restricted"
            else:
                row["status"] = "below"
        out.append(row)
    frame = pd.DataFrame(out, columns=MINIMUM_RESULT_COLUMNS)
    return frame.astype(
        {"qualified": "float64", "restricted": "float64", "value": "float64", "year": "Int64", "source_line": "Int64",
         "share_of_minimum_pct": "float64"}
    )  # fmt: skip


def school_minimums(
    observations: pd.DataFrame, indicators: pd.DataFrame, benchmarks: Any, school: str
) -> tuple[pd.DataFrame, str]:
    """One report's figures (with those the registry derives) against the minimums of its school's type.

    Args:
        observations: One report's observations (as stored; derived figures are added here).
        indicators: The registry (with its formulas).
        benchmarks: ``loaders.contracts.minimums.national_minimums()`` (thresholds, school → type).
        school: The school.

    Returns:
        :func:`compare_to_minimums` rows and the school type held to (``""`` when the school has none).
    """
    school_type = benchmarks.school_types.get(school, ("", ""))[0]
    derived = with_derived(observations, indicators)
    return compare_to_minimums(derived, indicators, benchmarks.thresholds, school_type or None), school_type


def count_minimums(result: pd.DataFrame) -> dict[str, int]:
    """``met``, ``unmet`` (below or restricted) and ``open`` (no value or no threshold) of a comparison."""
    status = result["status"]
    return {
        "met": int((status == "met").sum()),
        "unmet": int(status.isin(["below", "restricted"]).sum()),
        "open": int(status.isin(["no_value", "no_threshold"]).sum()),
    }
