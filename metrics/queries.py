"""The questions every view asks, answered once: comparison, attainment and check-up of a report.

Belongs here: functions that take a *reader* — anything with the store's read methods
(``observations``, ``school_observations``, ``indicators``, ``plans``, ``targets``,
``report_lines``) — and return what the pure metrics make of its frames. The dashboard passes its
cached reads (:mod:`dashboard.store`), the command-line tools a :class:`loaders.store.queries.StoreReader`
on their connection; both get the same numbers by construction. Nothing here opens a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from metrics.audit import audit_report
from metrics.audit_values import year_disputes
from metrics.compare import compare_to_benchmark
from metrics.derive import with_derived
from metrics.minimums import school_minimums
from metrics.observations import ROW_REQUIRED
from metrics.schools import align_schools, compare_schools_to_benchmarks, trace_schools
from metrics.targets import compute_attainment


class Reader(Protocol):
    """The store's reads (see :class:`loaders.store.queries.StoreReader` and :mod:`dashboard.store`)."""

    def reports(self) -> pd.DataFrame: ...
    def observations(self, report_id: str | None = None) -> pd.DataFrame: ...
    def school_observations(self, schools: Sequence[str], indicator_id: str | None = None) -> pd.DataFrame: ...
    def indicators(self) -> pd.DataFrame: ...
    def plans(self) -> pd.DataFrame: ...
    def targets(self, plan_id: str | None = None) -> pd.DataFrame: ...
    def report_lines(self, report_id: str) -> list[str]: ...
    def coverage(self, report_id: str) -> pd.DataFrame: ...
    def entries(self, plan_id: str | None = None) -> pd.DataFrame: ...


def comparison(reader: Reader, report_id: str, school: str) -> pd.DataFrame:
    """School vs 全省 / 本科 / 高职 for every indicator of one report (:func:`compare_to_benchmark`)."""
    return compare_to_benchmark(reader.observations(report_id), reader.indicators(), school=school)


@dataclass(frozen=True)
class SchoolComparison:
    """Several schools on one indicator (see :mod:`metrics.schools`).

    Attributes:
        aligned: :func:`metrics.schools.align_schools` rows: a figure per school and years after
            graduation, with rank and status.
        benchmarks: :func:`metrics.schools.compare_schools_to_benchmarks` rows: each figure against
            its own report's benchmarks, with the gap's significance.
        trend: :func:`metrics.schools.trace_schools` rows: each school's editions joined into series.
    """

    aligned: pd.DataFrame
    benchmarks: pd.DataFrame
    trend: pd.DataFrame


def compare_schools(
    reader: Reader,
    indicator_id: str,
    schools: Sequence[str],
    *,
    year: int | None = None,
    subject: str = SCHOOL_SUBJECT,
    sample_sizes: Mapping[str, str] | None = None,
) -> SchoolComparison:
    """Several schools side by side on one indicator: the 对比 page and ``python -m metrics compare``.

    Args:
        reader: The store's reads.
        indicator_id: The indicator.
        schools: The schools in display order (the one the view is about first).
        year: Compare each school's report of this data year; None: each one's latest.
        subject: The row holding each school's own figure.
        sample_sizes: Survey rate → its sample-size indicator (``loaders.contracts.registry.sample_sizes()``).
    """
    observations = reader.school_observations(list(schools), indicator_id)
    if sample_sizes and indicator_id in sample_sizes:
        respondents = reader.school_observations(list(schools), sample_sizes[indicator_id])
        observations = pd.concat([observations, respondents], ignore_index=True)
    observations = observations[ROW_REQUIRED]  # not the line's text and names: every step copies less
    indicators = reader.indicators()
    aligned = align_schools(
        observations, indicators, reader.reports(), indicator_id=indicator_id, schools=schools, year=year,
        subject=subject,
    )  # fmt: skip
    benchmarks = compare_schools_to_benchmarks(
        aligned, observations, indicators, sample_sizes=sample_sizes, subject=subject
    )
    trend = trace_schools(observations, indicators, indicator_id=indicator_id, schools=schools, subject=subject)
    return SchoolComparison(aligned, benchmarks, trend)


def align(
    reader: Reader, indicator_id: str, schools: Sequence[str], *, year: int | None = None, subject: str = SCHOOL_SUBJECT
) -> pd.DataFrame:
    """Only the aligned figures of several schools (:func:`metrics.schools.align_schools`), without
    benchmarks or trend: what a domain page needs to overlay the peers on its charts."""
    observations = reader.school_observations(list(schools), indicator_id)[ROW_REQUIRED]
    return align_schools(
        observations, reader.indicators(), reader.reports(), indicator_id=indicator_id, schools=schools, year=year,
        subject=subject,
    )  # fmt: skip


def attainment(reader: Reader, plan_id: str, school: str, *, view_year: int | None = None) -> pd.DataFrame:
    """Attainment of every target of a plan by a school (:func:`compute_attainment`): on all of its
    reports, their derived indicators (:func:`metrics.derive.with_derived`) and the values planners
    entered for the plan's targets (填报) — in the view of the report of ``view_year``, only the entries
    for the years that view describes (:func:`metrics.entries.split_by_view`)."""
    indicators = reader.indicators()
    observations = with_derived(reader.school_observations([school]), indicators)
    result = compute_attainment(
        reader.targets(plan_id),
        observations,
        indicators,
        plan_id=plan_id,
        plans=reader.plans(),
        school=school,
        entries=reader.entries(plan_id),
        view_year=view_year,
    )
    return year_disputes(result, observations)  # a figure the report also gives under another year: said


def minimums(reader: Reader, report_id: str, school: str, benchmarks: Any) -> tuple[pd.DataFrame, str]:
    """A report's figures against the national minimum standards of its school's type (:func:`school_minimums`).

    Args:
        reader: The store's reads.
        report_id: The report.
        school: Its school.
        benchmarks: ``loaders.contracts.minimums.national_minimums()`` (thresholds, school → type).

    Returns:
        The comparison and the school type it was held to (``""`` when the school has none listed).
    """
    return school_minimums(reader.observations(report_id), reader.indicators(), benchmarks, school)


def checkup(reader: Reader, report_id: str, rules: Any) -> pd.DataFrame:
    """The check-up (体检) of one report, on its figures and its text as stored (:func:`audit_report`).

    The figures are the report's own and those derived from them (:mod:`metrics.derive`), so a
    sentence is also checked against a figure computed from tables. The text is the one kept in the
    store at ingest — never re-read from ``data/`` — and the tables' captions are those the loader
    recorded in the report's coverage (the report grammar is not run again), so the dashboard and
    ``python -m metrics audit`` find the same, also once the file is gone.

    Args:
        reader: The store's reads.
        report_id: The report.
        rules: The check-up's rules (``loaders.contracts.registry.checkup_rules()``: share and component rules,
            subject aliases).
    """
    coverage = reader.coverage(report_id)
    captions = None
    lists: list[str] = []
    if not coverage.empty:
        lists = list(coverage.loc[coverage["kind"] == "list", "source_table"].astype(str))
        numbered = coverage[coverage["line"].notna() & coverage["source_table"].str.startswith("表")]
        captions = pd.DataFrame(
            {
                "line": numbered["line"].astype("int64"),
                "source_table": numbered["source_table"].astype("str"),
                "title": numbered["caption"].astype("str"),
            }
        ).reset_index(drop=True)
    indicators = reader.indicators()
    return audit_report(
        with_derived(reader.observations(report_id), indicators),
        indicators,
        reader.report_lines(report_id) or None,
        report_id=report_id,
        share_rules=rules.share_rules,
        component_rules=rules.component_rules,
        subject_aliases=rules.subject_aliases,
        captions=captions,
        list_tables=lists,
    )
