"""Which plans apply to a school: its own (by name), its city's and its province's.

Belongs here: the rule that a school is judged only against plans that apply to it — a plan of
scope ``school`` applies to the school it names (``applies_to``), one of scope ``city`` to the
colleges of that city, one of scope ``province`` to those of that province; a school's city and
province come from the schools list (``data/schools.csv``, read by :mod:`loaders.contracts.schools`).
Names are compared without a trailing 市 or 省 (温州 = 温州市). Pure: frames in, frames out.
"""

from __future__ import annotations

import pandas as pd

from metrics.observations import require_columns

PLAN_COLUMNS_NEEDED = ["plan_id", "scope", "applies_to"]
PLACE_COLUMNS_NEEDED = ["school", "city", "province"]


def _bare(name: object) -> str:
    text = "" if name is None or (isinstance(name, float) and pd.isna(name)) else str(name).strip()
    for suffix in ("市", "省"):
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


def find_place(school: str, places: pd.DataFrame) -> tuple[str, str]:
    """The city and province of a school (empty strings when the list does not say).

    Args:
        school: The school's name.
        places: The schools list (``school, city, province``).

    Returns:
        ``(city, province)``.
    """
    require_columns(places, PLACE_COLUMNS_NEEDED, "schools")
    row = places[places["school"] == school]
    if row.empty:
        return "", ""
    return str(row["city"].iloc[0] or ""), str(row["province"].iloc[0] or "")


def select_applicable_plans(plans: pd.DataFrame, school: str, places: pd.DataFrame) -> pd.DataFrame:
    """The plans that apply to a school, in the order given (its own plan first when sorted so).

    Args:
        plans: The loaded plans (``plan_id, scope, applies_to``, more columns kept).
        school: The school's name.
        places: The schools list (``school, city, province``).

    Returns:
        The rows of ``plans`` that apply to ``school`` (a copy; possibly empty, with the same columns).

    Raises:
        MetricsError: A frame lacks a needed column.
    """
    require_columns(plans, PLAN_COLUMNS_NEEDED, "plans")
    city, province = find_place(school, places)
    wanted = {"school": _bare(school), "city": _bare(city), "province": _bare(province)}
    keep = [
        bool(wanted.get(str(scope))) and _bare(applies_to) == wanted.get(str(scope))
        for scope, applies_to in zip(plans["scope"], plans["applies_to"], strict=True)
    ]
    return plans[pd.Series(keep, index=plans.index, dtype=bool)].copy()
