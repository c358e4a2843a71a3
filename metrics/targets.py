"""Attainment of plan targets: current value, gap, progress, status and what it takes.

Belongs here: everything that sets a school's observed values beside a plan's targets. One row
per target. The status is one of :data:`STATUSES`:

- ``met`` — the latest value (or the sum / average a cumulative / 年均 target asks for) meets it;
- ``in_progress`` — not met, the target year still ahead and only one year observed: no growth is
  guessed (nothing says it is failing), but the growth needed per year and the value needed next
  year are given;
- ``on_track`` / ``off_track`` — not met, the target year ahead, two or more observed years: the
  observed compound growth is set against the growth needed to reach the target by its year (the
  Open SDG ratio; at least :data:`metrics.progress.ON_TRACK_RATIO` is on track); for cumulative
  and 年均 targets, whose totals do not grow by compounding, the ratio is the plan-period total reached if the
  latest year's value held for the remaining years, over the total needed;
- ``not_met`` — the target year has come (the latest observed year is the target year or later)
  and the target is not met;
- ``no_data`` — measurable, but the loaded reports carry no value for it;
- ``not_measurable`` — the target is text, or no registry indicator measures it.

Finding the series a target is judged on is here; judging it (the value judged, what next year
needs, the status) is :func:`metrics.progress.assess_target`.

Pure functions: frames in, frames out.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from loaders.contracts.fields import TARGET_FIELDS, names
from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from metrics.entries import SERIES_FRAME_COLUMNS, describe_entries, entered_series, merge_series, split_by_view
from metrics.errors import MetricsError, PlanNotFoundError
from metrics.observations import (
    collapse_restatements,
    missing,
    require_columns,
    require_indicators,
    select_observations,
    with_basis,
)
from metrics.progress import MEASURABLE_COMPARATORS, ObservedSeries, _text, assess_target
from metrics.trends import TREND_REQUIRED, build_series
from metrics.units import convert_value

#: What attainment needs of a target: every target column but where it was written and how.
TARGET_REQUIRED = names(
    TARGET_FIELDS, exclude=("source_line", "source_text", "level1", "level2", "level3", "value_text", "note")
)

ATTAINMENT_COLUMNS = [
    "plan_id",
    "level1",
    "level2",
    "level3",
    "label_zh",
    "indicator_id",
    "subject",
    "kind",
    "comparator",
    "target_value",
    "target_low",
    "target_high",
    "unit",
    "target_year",
    "relative_to",
    "value_text",
    "reference_value",
    "reference_unit",
    "target_equivalent",
    "years_after",
    "current_year",
    "current_value",
    "n_years",
    "first_year",
    "first_value",
    "gap",
    "progress_pct",
    "status",
    "growth_observed_pct",
    "growth_needed_pct",
    "pace_ratio",
    "next_year",
    "next_year_value_needed",
    "report_id",
    "source_table",
    "source_line",
    "basis",
    "target_source_line",
    "note",
    "entered_elsewhere",
]

_DTYPES = {
    "target_value": "float64",
    "target_low": "float64",
    "target_high": "float64",
    "target_year": "Int64",
    "reference_value": "float64",
    "target_equivalent": "float64",
    "years_after": "Int64",
    "current_year": "Int64",
    "current_value": "float64",
    "n_years": "int64",
    "first_year": "Int64",
    "first_value": "float64",
    "gap": "float64",
    "progress_pct": "float64",
    "growth_observed_pct": "float64",
    "growth_needed_pct": "float64",
    "pace_ratio": "float64",
    "next_year": "Int64",
    "next_year_value_needed": "float64",
    "source_line": "Int64",
    "target_source_line": "Int64",
}


def _pick_years_after(series: pd.DataFrame) -> object:
    """The ``years_after`` whose series holds the latest year (ties: the smallest; NA last)."""
    latest = series["year"].max()
    candidates = series.loc[series["year"] == latest, "years_after"]
    known = candidates.dropna()
    return known.min() if not known.empty else pd.NA


def _restrict(series: pd.DataFrame, years_after: object) -> pd.DataFrame:
    """Rows of one ``years_after`` (NA matches NA)."""
    if missing(years_after):
        return series[series["years_after"].isna()]
    return series[series["years_after"] == years_after]


def split_relative_to(relative_to: str, default_indicator: str) -> tuple[str, str]:
    """Read a relative target's benchmark series: ``"monthly_income@高职"`` (``|`` also accepted).

    Args:
        relative_to: ``"<indicator_id>@<subject>"``; either part may be empty.
        default_indicator: The indicator used when the text names none (the target's own).

    Returns:
        ``(indicator_id, subject)``; the subject defaults to ``本校``.
    """
    indicator_id, _, subject = relative_to.replace("|", "@").partition("@")
    return indicator_id.strip() or default_indicator, subject.strip() or SCHOOL_SUBJECT


def _to_registry_unit(
    frame: pd.DataFrame, indicators: pd.DataFrame, conversions: pd.DataFrame | None, label: str
) -> pd.DataFrame:
    """Rows of one indicator with ``value`` converted into the registry unit."""
    registry = require_indicators(indicators, frame["indicator_id"])
    unit = str(registry.at[frame["indicator_id"].iloc[0], "unit"])
    values = [
        convert_value(v, u, unit, conversions, where=label) for v, u in zip(frame["value"], frame["unit"], strict=True)
    ]
    return frame.assign(value=values, unit=unit)


class _SchoolRows:
    """One school's rows, prepared once for every target of a plan.

    A plan has dozens of targets and each asked for its series over the whole school's rows (a few
    thousand at many reports): the series of every indicator are built in one pass and looked up by
    indicator and subject. The rows are the same as one :func:`build_series` call per target (its
    steps work quantity by quantity); when that pass fails on some row (an indicator not in the
    registry, a unit that cannot be converted), series are built one target at a time again, so
    only the targets that need that row fail, as before.
    """

    def __init__(self, observations: pd.DataFrame, indicators: pd.DataFrame, school: str, conversions) -> None:
        self.observations = observations
        self.indicators = indicators
        self.school = school
        self.conversions = conversions
        self._series: dict[tuple, object] | None = None  # (indicator, subject) → positions in _every
        self._every = pd.DataFrame()
        self._one_pass = True
        self._selected: pd.DataFrame | None = None

    def series(self, indicator_id: str, subject: str) -> pd.DataFrame:
        """:func:`build_series` of one indicator and subject of the school."""
        if self._series is None and self._one_pass:
            try:
                every = build_series(
                    self.observations, self.indicators, school=self.school, conversions=self.conversions
                )
            except MetricsError:
                self._one_pass = False
            else:
                self._every = every
                self._series = every.groupby(["indicator_id", "subject"], sort=False, dropna=False).indices
        if self._series is None:
            return build_series(
                self.observations,
                self.indicators,
                indicator_id=indicator_id,
                school=self.school,
                subject=subject,
                conversions=self.conversions,
            )
        positions = self._series.get((indicator_id, subject))
        rows = self._every.iloc[positions if positions is not None else []]
        return rows.reset_index(drop=True)

    def selected(self) -> pd.DataFrame:
        """The school's rows, one value per quantity, restatements counted once (relative targets)."""
        if self._selected is None:
            rows = self.observations[self.observations["school"] == self.school]
            self._selected = collapse_restatements(select_observations(rows))
        return self._selected


def _observed_series(school_rows: _SchoolRows, target: pd.Series) -> ObservedSeries | None:
    """The series a target is judged on, in the target's unit; None when there is none."""
    indicators, conversions = school_rows.indicators, school_rows.conversions
    indicator_id = str(target["indicator_id"])
    subject = _text(target.get("subject")) or SCHOOL_SUBJECT
    relative_to = _text(target.get("relative_to"))
    label = f"{_text(target.get('label_zh'))} ({indicator_id})"
    if relative_to:
        bench_indicator, bench_subject = split_relative_to(relative_to, indicator_id)
        rows = school_rows.selected()
        own = rows[(rows["indicator_id"] == indicator_id) & (rows["subject"] == subject)]
        bench = rows[(rows["indicator_id"] == bench_indicator) & (rows["subject"] == bench_subject)]
        if own.empty or bench.empty:
            return None
        own = _to_registry_unit(own, indicators, conversions, label)
        bench = _to_registry_unit(bench, indicators, conversions, label)
        key = ["report_id", "year", "years_after"]
        paired = own.merge(
            bench[[*key, "value"]].rename(columns={"value": "bench_value"}), on=key, how="inner", validate="1:1"
        )
        paired = paired[paired["bench_value"] != 0]
        if paired.empty:
            return None
        paired = paired.assign(value=paired["value"] / paired["bench_value"], reference=paired["bench_value"])
        paired = paired.sort_values(["report_year", "source_line"], ascending=[False, True], kind="stable")
        paired = paired.drop_duplicates(["year", "years_after"]).sort_values("year", kind="stable")
        series = paired
    else:
        series = school_rows.series(indicator_id, subject)
        if series.empty:
            return None
        target_unit = _text(target.get("unit"))
        if target_unit:
            series = series.assign(
                value=[
                    convert_value(v, u, target_unit, conversions, where=label)
                    for v, u in zip(series["value"], series["unit"], strict=True)
                ]
            )
    years_after = _pick_years_after(series)
    chosen = _restrict(series, years_after).sort_values("year", kind="stable")
    if relative_to:
        return ObservedSeries(chosen[[*SERIES_FRAME_COLUMNS, "reference"]], years_after, str(bench["unit"].iloc[0]))
    return ObservedSeries(frame=chosen[SERIES_FRAME_COLUMNS], years_after=years_after)


def _plan_years(plans: pd.DataFrame | None, plan_id: str) -> tuple[int | None, int | None]:
    """The plan's start and target year from the plans frame (None when unknown)."""
    if plans is None or plans.empty:
        return None, None
    require_columns(plans, ["plan_id", "start_year", "target_year"], "plans")
    row = plans[plans["plan_id"] == plan_id]
    if row.empty:
        return None, None
    start, end = row["start_year"].iloc[0], row["target_year"].iloc[0]
    return (None if missing(start) else int(start)), (None if missing(end) else int(end))


def _base_row(target: pd.Series) -> dict:
    """The target's own columns of an attainment row."""
    return {
        "plan_id": _text(target["plan_id"]),
        "level1": _text(target.get("level1")),
        "level2": _text(target.get("level2")),
        "level3": _text(target.get("level3")),
        "label_zh": _text(target.get("label_zh")),
        "indicator_id": _text(target.get("indicator_id")),
        "subject": _text(target.get("subject")),
        "kind": _text(target.get("kind")),
        "comparator": _text(target.get("comparator")),
        "target_value": target.get("target_value"),
        "target_low": target.get("target_low"),
        "target_high": target.get("target_high"),
        "unit": _text(target.get("unit")),
        "target_year": target.get("target_year"),
        "relative_to": _text(target.get("relative_to")),
        "value_text": _text(target.get("value_text")),
        "n_years": 0,
        "target_source_line": target.get("source_line"),
    }


def compute_attainment(
    targets: pd.DataFrame,
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    plan_id: str,
    plans: pd.DataFrame | None = None,
    school: str | None = None,
    conversions: pd.DataFrame | None = None,
    entries: pd.DataFrame | None = None,
    view_year: int | None = None,
) -> pd.DataFrame:
    """One row per target of a plan: current value, target, gap, progress, status, what it takes.

    The current value is the latest observed year of the target's indicator and subject
    (``本校`` when the target names none), converted into the target's unit. For graduate-survey
    indicators the ``years_after`` series holding the latest cohort is used and never mixed
    with the other. Kinds:

    - ``relative`` (``relative_to = "monthly_income@高职"``): the value is the school's value
      divided by that benchmark series' value from the **same report** and year
      (``reference_value``, in ``reference_unit``); ``target_equivalent`` is the target in that
      unit (1.3 × 4,885.36 元 = 6,350.97 元);
    - ``cumulative`` (累计): the sum of the years inside the plan period
      (``plans.start_year`` … ``target_year``); no year inside it gives ``no_data``;
    - ``annual_average`` (年均): the average of the years inside the plan period (of all observed
      years when none is inside, said in ``note``);
    - ``range``: met inside ``target_low`` … ``target_high``;
    - ``text`` or a null ``indicator_id``: ``not_measurable``.

    "What it takes": ``growth_needed_pct`` is the compound yearly growth from the latest value to
    the target by ``target_year`` and ``next_year_value_needed`` the value that growth gives next
    year. For cumulative targets ``next_year_value_needed`` is the amount still needed per
    remaining year; for 年均 targets with years inside the plan period, the yearly value the
    remaining years need for the period's average to reach the target (``growth_needed_pct`` is
    then the jump from the latest value to it). ``pace_ratio`` is the observed growth over the
    growth required from the first observed year (Open SDG); for sums and averages, see above.

    Args:
        targets: Plan targets (columns :data:`TARGET_REQUIRED`; ``level1..3`` and
            ``source_line`` are used when present).
        observations: Frame in the observations contract.
        indicators: The indicator registry.
        plan_id: The plan to assess.
        plans: The plans frame (``plan_id, start_year, target_year``); needed for cumulative and
            年均 targets to know the plan period.
        school: The school; may be omitted when the observations hold one school.
        conversions: Explicit unit factors.
        entries: Values planners entered by hand (:mod:`metrics.entries`): a target's entries join
            its reported series (a report's table or derived figure wins a year, an entry beats a
            sentence), and measure a target no indicator maps to. ``basis`` says what the current
            value rests on (``table``, ``derived``, ``entered``, ``narrative``).
        view_year: The year the viewed report describes: an entry counts only in the years it describes
            (:func:`metrics.entries.split_by_view`); the others are listed in ``entered_elsewhere``
            (``"2025=98.5"``). None: every entry counts.

    Returns:
        :data:`ATTAINMENT_COLUMNS`, one row per target in the plan, in the targets' order.

    Raises:
        MissingColumnsError: A frame lacks a required column.
        PlanNotFoundError: ``plan_id`` has no targets.
        MetricsError: No school given and the observations hold several (or none).
        UnknownIndicatorError: A target's indicator is not in the registry.
        UnitMismatchError: A target's unit cannot be converted from its indicator's unit.
    """
    require_columns(targets, TARGET_REQUIRED, "targets")
    require_columns(observations, TREND_REQUIRED, "observations")
    plan_targets = targets[targets["plan_id"] == plan_id]
    if plan_targets.empty:
        raise PlanNotFoundError(plan_id, list(targets["plan_id"].dropna().astype(str)))
    schools: Sequence[str] = sorted(observations["school"].dropna().unique())
    if school is None:
        if len(schools) > 1:
            raise MetricsError(
                f"数据含 {len(schools)} 所学校（{'、'.join(schools)}），请指定一所。",
                f"observations: expected one school or school=..., found {len(schools)}: {schools}",
            )
        school = schools[0] if schools else ""
    start_year, _ = _plan_years(plans, plan_id)
    measurable_ids = plan_targets["indicator_id"].dropna().astype(str)
    if not measurable_ids.empty:
        require_indicators(indicators, measurable_ids)
    school_rows = _SchoolRows(
        with_basis(observations[observations["school"] == school]), indicators, school, conversions
    )

    rows = []
    for _, target in plan_targets.iterrows():
        row = _base_row(target)
        comparator = _text(target["comparator"])
        kind = _text(target.get("kind"))
        entered = entered_series(entries, plan_id, _text(target.get("label_zh")), school)
        numeric = comparator in MEASURABLE_COMPARATORS and kind != "text"
        measured_by_entries = not entered.empty
        entered, elsewhere = split_by_view(entered, view_year, kind)
        row["entered_elsewhere"] = describe_entries(elsewhere)
        if not numeric or (missing(target["indicator_id"]) and not measured_by_entries):
            row["status"] = "not_measurable"
            row["note"] = _text(target.get("note")) or "目标为文字表述或无对应指标"
        else:
            # A target no indicator maps to is measured by the planner's entries alone.
            observed = None
            if not missing(target["indicator_id"]):
                observed = _observed_series(school_rows, target)
            merged = merge_series(None if observed is None else observed.frame, entered)
            if observed is None:
                series = ObservedSeries(merged, pd.NA)
            else:
                series = ObservedSeries(merged, observed.years_after, observed.reference_unit)
            row.update(assess_target(target, series, start_year))
        rows.append(row)
    out = pd.DataFrame(rows, columns=ATTAINMENT_COLUMNS)
    for column in ATTAINMENT_COLUMNS:
        dtype = _DTYPES.get(column, "str")
        if dtype == "str":
            out[column] = out[column].map(_text).astype("str")
        elif dtype == "Int64":
            out[column] = pd.array([None if missing(v) else int(v) for v in out[column]], dtype="Int64")
        else:
            out[column] = out[column].astype(dtype)
    return out.reset_index(drop=True)
