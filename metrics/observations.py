"""Shared handling of the ``observations`` frame: required columns and one value per key.

Belongs here: what every metrics module needs to know about the observations contract — the
column lists, the check that a frame has them, and the rule that picks one value when the same
quantity is stated in several tables of one report.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from loaders.fields import OBSERVATION_FIELDS, names
from metrics.errors import MissingColumnsError, UnknownIndicatorError

#: Columns of the observations contract: the report's identity, then the stored columns (loaders.fields).
OBSERVATION_COLUMNS = ["report_id", "school", "report_year", *names(OBSERVATION_FIELDS)]
#: What a computation over stored rows needs: every observation column but the sentence's text.
ROW_REQUIRED = [
    "report_id",
    "school",
    "report_year",
    *names(OBSERVATION_FIELDS, exclude=("source_text", "held_reason")),  # held_reason: optional (null = fine)
]

#: One quantity within a report: the same key may be stated in several tables.
VALUE_KEY = ["report_id", "school", "indicator_id", "subject", "year", "years_after"]

#: Subjects that carry the graduate survey's benchmark series.
BENCHMARK_SUBJECTS = ("全省", "本科", "高职")

#: The subject that carries a school's own value.
SCHOOL_SUBJECT = "本校"

#: Row labels that state a table's total.
TOTAL_LABELS = ("合计", "总数", "总计")

#: What a figure rests on, most trusted first: a table of the report (or a count of a list table), a
#: derived indicator computed from the report's figures, a value a planner entered by hand (填报), a
#: sentence of the report's narrative. Within one report, one quantity stated on several bases is
#: taken from the most trusted (see :func:`select_observations`).
BASES = ("table", "derived", "entered", "narrative")

#: The mark of a narrative source table (``§五``, ``§一``): figures read from the report's sentences.
#: The report spec refuses a narrative block whose ``source_table`` lacks it (loaders/spec.py).
NARRATIVE_MARK = "§"


def missing(value: object) -> bool:
    """Whether a plain value read from a frame is missing (None, ``pd.NA`` or NaN)."""
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def observation_basis(source_table: str) -> str:
    """What a stored figure rests on, from where it was read: ``narrative`` for ``§…``, else ``table``."""
    return "narrative" if str(source_table).startswith(NARRATIVE_MARK) else "table"


def with_basis(observations: pd.DataFrame) -> pd.DataFrame:
    """The frame with a ``basis`` column (one of :data:`BASES`); rows that have one keep it.

    Args:
        observations: Frame with ``source_table`` (and maybe ``basis``).

    Returns:
        A copy with ``basis`` filled from ``source_table`` where it is missing.
    """
    require_columns(observations, ["source_table"], "observations")
    narrative = observations["source_table"].astype(str).str.startswith(NARRATIVE_MARK).to_numpy(dtype=bool)
    derived = pd.Series(np.where(narrative, "narrative", "table"), index=observations.index, dtype=object)
    if "basis" in observations.columns:
        given = observations["basis"].astype("str").where(observations["basis"].notna(), "")
        derived = given.where(given != "", derived)
    return observations.assign(basis=pd.Series(derived.to_numpy(), index=observations.index, dtype="str"))


def basis_rank(basis: pd.Series) -> pd.Series:
    """The position of each basis in :data:`BASES` (lower is more trusted; unknown last)."""
    order = {name: position for position, name in enumerate(BASES)}
    return basis.map(lambda b: order.get(b, len(order))).astype("int64")


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raise if ``frame`` lacks any of ``columns``.

    Args:
        frame: The frame to check.
        columns: The columns the caller needs.
        name: The frame's name, for the message (``"observations"``).

    Raises:
        MissingColumnsError: Some columns are absent.
    """
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise MissingColumnsError(name, missing)


def require_indicators(indicators: pd.DataFrame, indicator_ids: Iterable[str]) -> pd.DataFrame:
    """Return the registry indexed by ``indicator_id``, checking the given ids are in it.

    Args:
        indicators: The registry frame (``indicator_id, unit, direction, kind`` at least).
        indicator_ids: Ids the caller is about to use.

    Returns:
        The registry indexed by ``indicator_id``.

    Raises:
        MissingColumnsError: The registry lacks a needed column.
        UnknownIndicatorError: An id is not in the registry.
    """
    require_columns(indicators, ["indicator_id", "unit", "direction", "kind"], "indicators")
    registry = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    unknown = [i for i in pd.unique(pd.Series(list(indicator_ids), dtype="str")) if i not in registry.index]
    if unknown:
        raise UnknownIndicatorError(unknown)
    return registry


def select_observations(observations: pd.DataFrame) -> pd.DataFrame:
    """Pick one value per quantity when a report states it in several places.

    The same quantity (``report_id, school, indicator_id, subject, year, years_after``) may
    appear in several tables, e.g. the 2019届 monthly income in 表2-17 and in appendix 表1. This
    keeps the most trusted statement (a table before a derived figure before a sentence, see
    :data:`BASES`; judged from ``basis`` or ``source_table`` when the frame has them) and, among
    equally trusted ones, the row that comes first in the report — the **lowest** ``source_line``.
    Comparison, trends and attainment use this; the check-up uses every row.

    Args:
        observations: Frame in the observations contract.

    Returns:
        A copy with one row per key, in report order (``report_id``, then ``source_line``), with a
        fresh index.

    Raises:
        MissingColumnsError: A key column or ``source_line`` is missing.
    """
    require_columns(observations, [*VALUE_KEY, "source_line"], "observations")
    if "basis" in observations.columns or "source_table" in observations.columns:
        rank = basis_rank(with_basis(observations)["basis"])
        ordered = observations.assign(_rank=rank).sort_values(["report_id", "_rank", "source_line"], kind="stable")
        kept = ordered.drop_duplicates(VALUE_KEY, keep="first").drop(columns="_rank")
        return kept.sort_values(["report_id", "source_line"], kind="stable").reset_index(drop=True)
    ordered = observations.sort_values(["report_id", "source_line"], kind="stable")
    return ordered.drop_duplicates(VALUE_KEY, keep="first").reset_index(drop=True)


def collapse_restatements(observations: pd.DataFrame) -> pd.DataFrame:
    """Count a figure once when one report states it under two year labels in two tables.

    Reports sometimes state the same figure in the text for one year and in the appendix for
    the next (技术服务到款额 3255.214 万元: "2019 年" in §五, "2020 年" in 表4). Read as two
    years, it would be a flat trend that does not exist. Within one report, rows with the same
    school, indicator, subject, ``years_after`` and value but different years **and** different
    tables are kept once, at the latest year (the check-up reports them as ``year_label``).
    Equal values in one table (a multi-year table) are kept.

    Args:
        observations: Frame in the observations contract, one value per key (see
            :func:`select_observations`).

    Returns:
        A copy without the earlier-year restatements, in the input's order.

    Raises:
        MissingColumnsError: A key column or ``source_table`` is missing.
    """
    require_columns(observations, [*VALUE_KEY, "value", "source_table"], "observations")
    if observations.empty:
        return observations.copy()
    figure = ["report_id", "school", "indicator_id", "subject", "years_after", "value"]
    ranked = observations.sort_values("year", ascending=False, kind="stable")
    latest = ranked.drop_duplicates(figure, keep="first")
    keep = observations.index.isin(latest.index)
    # A row whose figure reappears only within its own table (a multi-year table) is kept.
    first_table = ranked.groupby(figure, dropna=False, sort=False)["source_table"].transform("first")
    keep |= observations.index.isin(first_table[first_table == ranked["source_table"]].index)
    return observations[keep].copy()
