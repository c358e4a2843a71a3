"""Where each school is: ``data/schools.csv`` (school, city, province, basis), read and checked.

Belongs here: reading the planner-editable list of schools' places, which decides the city and
provincial plans that apply to a school (:func:`metrics.applicability.select_applicable_plans`).
A school's own plan applies to it by name; a school not listed has no city or province, so only
its own plans apply to it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from loaders.contracts.errors import TableError
from loaders.contracts.paths import DATA_DIR

SCHOOLS_CSV = DATA_DIR / "schools.csv"
SCHOOL_COLUMNS = ["school", "city", "province", "basis"]


def schools_csv() -> Path:
    """The schools file: ``$QUALITY_SCHOOLS`` or ``data/schools.csv``."""
    return Path(os.environ.get("QUALITY_SCHOOLS", SCHOOLS_CSV))


def read_schools(path: Path | None = None) -> pd.DataFrame:
    """Read the schools' places.

    Args:
        path: The CSV (``#`` lines are comments); :func:`schools_csv` when None. A missing file is
            an empty list.

    Returns:
        One row per school, columns :data:`SCHOOL_COLUMNS` (blanks as empty strings).

    Raises:
        TableError: A column is missing, a school is listed twice or has no name.
    """
    path = Path(path or schools_csv())
    if not path.exists():
        return pd.DataFrame({column: pd.Series(dtype="str") for column in SCHOOL_COLUMNS})
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#", encoding="utf-8-sig")
    missing = [c for c in SCHOOL_COLUMNS if c not in frame.columns]
    if missing:
        raise TableError(
            path.name,
            "表头",
            f"缺少列 {'、'.join(missing)}（应有 {'、'.join(SCHOOL_COLUMNS)}）。",
            f"expected columns {', '.join(SCHOOL_COLUMNS)}; missing {', '.join(missing)}.",
        )
    frame = frame[SCHOOL_COLUMNS].apply(lambda column: column.str.strip())
    blank = frame.index[frame["school"] == ""]
    if len(blank):
        raise TableError(path.name, f"第 {int(blank[0]) + 1} 个数据行", "学校名称为空。", "the row names no school.")
    twice = frame[frame.duplicated("school", keep=False)]
    if not twice.empty:
        name = twice["school"].iloc[0]
        raise TableError(path.name, name, f"学校“{name}”出现了不止一次。", f"the school {name!r} is listed twice.")
    return frame.reset_index(drop=True)
