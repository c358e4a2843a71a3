"""Values a planner entered by hand (填报) beside a plan's targets, as a series the attainment can use.

Belongs here: turning the entries of one target (``loaders.store.entries``: value, year, source document,
note, author, time) into the observed-series shape :mod:`metrics.targets` judges, and merging that
series with what the reports say. An entry answers for the years the reports leave open: where a
report's table (or a figure derived from its tables) states the same year, the report's figure is
used; where the report only has a sentence for that year, the planner's entry is used (a value
collected through the 状态数据 forms is firmer than a sentence). Pure: frames in, frames out.

An entry counts only in the years it describes (:func:`split_by_view`): viewing the 2020 report, an
entry for 2025 is not the current value — it is said beside the target instead.
"""

from __future__ import annotations

import pandas as pd

from metrics.observations import basis_rank

#: What an entry is marked as (see :data:`metrics.observations.BASES`) and where it says it came from.
ENTERED_BASIS = "entered"
ENTERED_TABLE = "填报"

#: The entries' columns (loaders.contracts.fields.ENTRY_FIELDS) that the attainment needs.
ENTRY_REQUIRED = ["entry_id", "plan_id", "label_zh", "school", "year", "value", "source_document", "author"]

#: Targets judged on the plan period's years together (a sum, an average) rather than on one year's value.
PERIOD_KINDS = frozenset({"cumulative", "annual_average"})

#: The series columns an attainment judges (see metrics.targets).
SERIES_FRAME_COLUMNS = ["year", "value", "years_after", "report_id", "source_table", "source_line", "basis"]


def entered_series(entries: pd.DataFrame | None, plan_id: str, label_zh: str, school: str) -> pd.DataFrame:
    """The entries of one target and school as a series, one row per year (the latest entry of a year).

    Args:
        entries: All entries (or None).
        plan_id: The plan.
        label_zh: The target's label.
        school: The school.

    Returns:
        :data:`SERIES_FRAME_COLUMNS` (``report_id`` holds the entry id, ``source_line`` 0) sorted by year.
    """
    if entries is None or entries.empty:
        return pd.DataFrame(columns=SERIES_FRAME_COLUMNS)
    mine = entries[(entries["plan_id"] == plan_id) & (entries["label_zh"] == label_zh) & (entries["school"] == school)]
    if mine.empty:
        return pd.DataFrame(columns=SERIES_FRAME_COLUMNS)
    order = "updated_at" if "updated_at" in mine.columns else "entry_id"
    mine = mine.sort_values(order, kind="stable").drop_duplicates("year", keep="last").sort_values("year")
    return pd.DataFrame(
        {
            "year": mine["year"].astype("int64").to_numpy(),
            "value": mine["value"].astype("float64").to_numpy(),
            "years_after": pd.array([None] * len(mine), dtype="Int64"),
            "report_id": mine["entry_id"].astype(str).to_numpy(),
            "source_table": ENTERED_TABLE,
            "source_line": 0,
            "basis": ENTERED_BASIS,
        }
    ).astype({"source_line": "int64"})


def merge_series(reported: pd.DataFrame | None, entered: pd.DataFrame) -> pd.DataFrame:
    """One value per year: a report's table or derived figure, else a planner's entry, else a sentence.

    Args:
        reported: The reports' series of the target (:data:`SERIES_FRAME_COLUMNS`), or None.
        entered: :func:`entered_series` of the target.

    Returns:
        :data:`SERIES_FRAME_COLUMNS`, one row per year, sorted by year. Entries join only the
        ``years_after`` the reported series uses (or stand alone when there is none).
    """
    if reported is None or reported.empty:
        return entered.reset_index(drop=True)
    if entered.empty:
        return reported.reset_index(drop=True)
    years_after = reported["years_after"].dropna()
    entered = entered.assign(
        years_after=pd.array([years_after.iloc[0] if not years_after.empty else None] * len(entered), dtype="Int64")
    )
    both = pd.concat([reported[SERIES_FRAME_COLUMNS], entered[SERIES_FRAME_COLUMNS]], ignore_index=True)
    both = both.assign(_rank=basis_rank(both["basis"].astype(str))).sort_values(["year", "_rank"], kind="stable")
    return both.drop_duplicates("year", keep="first").drop(columns="_rank").reset_index(drop=True)


def split_by_view(entered: pd.DataFrame, view_year: int | None, kind: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The entries that count in the view of one report, and the others.

    An entry counts only in the years it describes. A target judged on one year's value takes the
    entry for the viewed report's year and no other (an entry for 2025 is not 2020's value, nor is one
    for 2019). A target summed or averaged over the plan period (:data:`PERIOD_KINDS`) takes the
    entries up to the viewed year: the period as far as that report sees it includes them.

    Args:
        entered: :func:`entered_series` of one target.
        view_year: The year the viewed report describes (None: no report viewed, every entry counts).
        kind: The target's kind (``cumulative``, ``annual_average``, …).

    Returns:
        ``(counted, elsewhere)``, both in :data:`SERIES_FRAME_COLUMNS`, sorted by year.
    """
    if view_year is None or entered.empty:
        return entered, entered.iloc[0:0]
    years = entered["year"].astype("int64")
    counts = years <= int(view_year) if kind in PERIOD_KINDS else years == int(view_year)
    return entered[counts].reset_index(drop=True), entered[~counts].reset_index(drop=True)


def describe_entries(entered: pd.DataFrame) -> str:
    """Entries as ``year=value`` pairs joined by ``;`` (``"2025=98.5"``): the attainment's ``entered_elsewhere``."""
    return ";".join(f"{int(y)}={float(v):g}" for y, v in zip(entered["year"], entered["value"], strict=True))
