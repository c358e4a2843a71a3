"""Reading the store: every query the dashboard, the pack and the metrics command ask, in one place.

Belongs here: the ``read_*`` functions (filters in SQL, values bound as parameters, rows found by
``report_key``) and :class:`StoreReader`, which offers them on one connection with the same names
the dashboard's cached reads have (:mod:`dashboard.store`), so :mod:`metrics.queries` and
:mod:`viz.sections` can ask either and get the same answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from loaders.contracts.errors import UnknownReportError
from loaders.contracts.fields import ENTRY_FIELDS, LIST_ROW_FIELDS, dtypes, names
from loaders.read.coverage import COVERAGE_COLUMNS
from loaders.read.record import OBSERVATION_COLUMNS, OBSERVATION_DTYPES, LoadResult, table_from_frame
from loaders.store.acceptances import ACCEPTANCE_COLUMNS, held_sql, shown_sql


def read_plans(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The loaded plans (school plan first, then city plans by id)."""
    return con.execute("SELECT * EXCLUDE (sha256) FROM plans ORDER BY scope = 'school' DESC, plan_id").df()


def read_targets(con: duckdb.DuckDBPyConnection, plan_id: str | None = None) -> pd.DataFrame:
    """Plan targets in source order (all plans, or one)."""
    sql = "SELECT * FROM targets"
    params: list[object] = []
    if plan_id is not None:
        sql += " WHERE plan_id = ?"
        params.append(plan_id)
    return con.execute(sql + " ORDER BY plan_id, source_line", params).df()


_OBSERVATION_COLUMNS_OUT = """
    o.report_id, r.school, r.report_year, o.indicator_id, i.name_zh, i.name_en, i.domain,
    o.subject, o.year, o.years_after, o.value, o.unit, o.source_table, o.source_line,
    o.source_text, r.source_file, o.held_reason"""


def read_observations(
    con: duckdb.DuckDBPyConnection,
    report_id: str | None = None,
    *,
    schools: Sequence[str] | None = None,
    indicator_id: str | None = None,
    include_held: bool = False,
) -> pd.DataFrame:
    """Observations with school, year and indicator names (the ``out_observations`` view's columns).

    Filters are applied in SQL (values bound as parameters) and find their rows through
    ``report_key``, so one report or one school out of thousands reads only its own row groups.
    Figures held back (:mod:`loaders.read.holds`: a reading in doubt, not accepted by a planner) are left
    out unless ``include_held``.

    Args:
        con: A connection (or cursor).
        report_id: Only this report.
        schools: Only these schools' reports (all their years).
        indicator_id: Only this indicator.
        include_held: Also the figures held back, with one more column, ``is_held`` (held back now;
            False for a figure a planner accepted).

    Returns:
        One row per stored cell, ordered by report, line, indicator and subject; ``held_reason`` is
        empty but for a figure held back (with ``include_held``) or accepted by a planner.
    """
    where: list[str] = [] if include_held else [shown_sql("o")]
    params: list[object] = []
    if report_id is not None or schools is not None:
        chosen = {"report_id = ?": report_id, "list_contains(?, school)": None if schools is None else list(schools)}
        chosen = {clause: value for clause, value in chosen.items() if value is not None}
        keys = report_keys(con, " AND ".join(chosen), list(chosen.values()))
        if keys:
            where.append("o.report_key BETWEEN ? AND ? AND list_contains(?, o.report_key)")
            params += [min(keys), max(keys), keys]
        else:  # nothing chosen, or a store without keys: filter by name (a full scan)
            if report_id is not None:
                where.append("o.report_id = ?")
                params.append(report_id)
            if schools is not None:
                where.append("list_contains(?, r.school)")
                params.append(list(schools))
    if indicator_id is not None:
        where.append("o.indicator_id = ?")
        params.append(indicator_id)
    held = f", {held_sql('o')} AS is_held" if include_held else ""
    sql = (
        f"SELECT {_OBSERVATION_COLUMNS_OUT}{held} FROM observations o JOIN reports r USING (report_id)"
        " JOIN indicators i USING (indicator_id)"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY o.report_id, o.source_line, o.indicator_id, o.subject"
    return con.execute(sql, params).df()


def read_indicator_subjects(con: duckdb.DuckDBPyConnection, schools: Sequence[str]) -> pd.DataFrame:
    """Which indicators, and of which subjects (本校, 合计, a channel …), these schools' reports state.

    Args:
        con: A connection (or cursor).
        schools: The schools.

    Returns:
        Columns ``indicator_id, subject``, each pair once, in the order the reports first state them.
    """
    keys = report_keys(con, "list_contains(?, school)", [list(schools)])
    if keys:
        where, params = "o.report_key BETWEEN ? AND ? AND list_contains(?, o.report_key)", [min(keys), max(keys), keys]
    else:
        where, params = "list_contains(?, r.school)", [list(schools)]
    sql = (
        "SELECT o.indicator_id, o.subject FROM observations o JOIN reports r USING (report_id)"
        f" WHERE {where} GROUP BY o.indicator_id, o.subject ORDER BY min(o.source_line), o.indicator_id, o.subject"
    )
    return con.execute(sql, params).df()


def report_keys(con: duckdb.DuckDBPyConnection, where: str, params: list[object]) -> list[int]:
    """The ``report_key`` s of the reports matching ``where``; empty when none (or a report has none yet)."""
    rows = con.execute(f"SELECT report_key FROM reports WHERE {where}", params).fetchall()
    keys = [row[0] for row in rows]
    return [] if any(key is None for key in keys) else keys


def read_report_lines(con: duckdb.DuckDBPyConnection, report_id: str) -> list[str]:
    """The text a report's figures were read from (empty for workbook and CSV imports)."""
    sql, params = _one_report(con, report_id)
    rows = con.execute(f"SELECT text FROM report_lines WHERE {sql} ORDER BY line_number", params).fetchall()
    return [row[0] for row in rows]


def read_reports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The loaded reports, newest data year first."""
    frame = con.execute("SELECT * FROM reports ORDER BY report_year DESC, school").df()
    return frame.drop(columns="report_key", errors="ignore")


def _one_report(con: duckdb.DuckDBPyConnection, report_id: str) -> tuple[str, list[object]]:
    """The WHERE clause (and its values) for one report's rows: by its key, which the index serves, when known."""
    keys = report_keys(con, "report_id = ?", [report_id])
    if keys:
        return "report_key = ? AND report_id = ?", [keys[0], report_id]
    return "report_id = ?", [report_id]


def read_coverage(con: duckdb.DuckDBPyConnection, report_id: str) -> pd.DataFrame:
    """What was read from a report, item by item (:data:`loaders.read.coverage.COVERAGE_COLUMNS`), in order."""
    where, params = _one_report(con, report_id)
    return con.execute(
        f"SELECT {', '.join(COVERAGE_COLUMNS)} FROM coverage WHERE {where} ORDER BY position", params
    ).df()


def stored_report(con: duckdb.DuckDBPyConnection, report_id: str) -> tuple[LoadResult, str]:
    """One report as stored, ready to export.

    Args:
        con: A connection (or cursor) to the store.
        report_id: ``<school>-<report_year>``.

    Returns:
        The report (observations with :data:`OBSERVATION_COLUMNS` and the loaders' dtypes; figures
        held back left out, see :mod:`loaders.read.holds`) and the name of the file it was loaded from.

    Raises:
        UnknownReportError: No such report; the message lists the reports there are.
    """
    found = con.execute(
        "SELECT school, report_year, source_file FROM reports WHERE report_id = ?", [report_id]
    ).fetchall()
    if not found:
        known = [row[0] for row in con.execute("SELECT report_id FROM reports ORDER BY report_id").fetchall()]
        raise UnknownReportError(report_id, known)
    school, report_year, source_file = found[0]
    frame = con.execute(
        f"SELECT {', '.join(f'o.{c}' for c in OBSERVATION_COLUMNS)} FROM observations o WHERE o.report_id = ?"
        f" AND {shown_sql('o')} ORDER BY o.source_line, o.indicator_id, o.subject",
        [report_id],
    ).df()
    report = LoadResult(
        school, int(report_year), table_from_frame(frame.astype(OBSERVATION_DTYPES)), source_file=source_file
    )
    return report, source_file


def read_list_rows(con: duckdb.DuckDBPyConnection, report_id: str) -> pd.DataFrame:
    """The rows of a report's list tables (``LIST_ROW_FIELDS``), table by table, in order."""
    where, params = _one_report(con, report_id)
    return con.execute(
        f"SELECT {', '.join(names(LIST_ROW_FIELDS))} FROM list_rows WHERE {where} ORDER BY source_line", params
    ).df()


def read_entries(con: duckdb.DuckDBPyConnection, plan_id: str | None = None) -> pd.DataFrame:
    """The values planners entered by hand (填报): all, or one plan's, by target and year."""
    sql = f"SELECT {', '.join(names(ENTRY_FIELDS))} FROM entries"
    params: list[object] = []
    if plan_id is not None:
        sql += " WHERE plan_id = ?"
        params.append(plan_id)
    try:
        frame = con.execute(sql + " ORDER BY plan_id, label_zh, school, year", params).df()
    except duckdb.CatalogException:  # a read-only store of an older version
        frame = pd.DataFrame(columns=names(ENTRY_FIELDS))
    return frame.astype(dtypes(ENTRY_FIELDS))


def read_held_observations(con: duckdb.DuckDBPyConnection, report_id: str) -> pd.DataFrame:
    """One report's figures including those held back (``held_reason``, ``is_held``): the Data page's read."""
    return read_observations(con, report_id, include_held=True)


def read_acceptances(con: duckdb.DuckDBPyConnection, report_id: str | None = None) -> pd.DataFrame:
    """The planners' acceptances of figures held back (:mod:`loaders.read.holds`), newest first."""
    sql = f"SELECT {', '.join(ACCEPTANCE_COLUMNS)} FROM acceptances"
    params: list[object] = []
    if report_id is not None:
        sql += " WHERE report_id = ?"
        params.append(report_id)
    return con.execute(sql + " ORDER BY accepted_at DESC, source_line", params).df()


def read_indicators(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The indicator registry as stored."""
    return con.execute("SELECT * FROM indicators ORDER BY domain, indicator_id").df()


@dataclass
class StoreReader:
    """The store's reads on one connection (or cursor), under the names :mod:`dashboard.store` uses.

    The dashboard adds caching around the same questions; the command-line tools use this directly.
    """

    con: duckdb.DuckDBPyConnection

    def reports(self) -> pd.DataFrame:
        """The loaded reports."""
        return read_reports(self.con)

    def observations(self, report_id: str | None = None) -> pd.DataFrame:
        """One report's observations (all reports when None)."""
        return read_observations(self.con, report_id)

    def school_observations(self, schools: Sequence[str], indicator_id: str | None = None) -> pd.DataFrame:
        """Every report of these schools (optionally one indicator)."""
        return read_observations(self.con, schools=list(schools), indicator_id=indicator_id)

    def held_observations(self, report_id: str) -> pd.DataFrame:
        """One report's figures including those held back, with ``held_reason`` and ``is_held`` (Data page)."""
        return read_held_observations(self.con, report_id)

    def acceptances(self, report_id: str | None = None) -> pd.DataFrame:
        """The planners' acceptances of held-back figures (all, or one report's)."""
        return read_acceptances(self.con, report_id)

    def indicators(self) -> pd.DataFrame:
        """The indicator registry."""
        return read_indicators(self.con)

    def indicator_subjects(self, schools: Sequence[str]) -> pd.DataFrame:
        """Which indicators and subjects these schools' reports state."""
        return read_indicator_subjects(self.con, schools)

    def plans(self) -> pd.DataFrame:
        """The loaded plans."""
        return read_plans(self.con)

    def targets(self, plan_id: str | None = None) -> pd.DataFrame:
        """Plan targets (all, or one plan's)."""
        return read_targets(self.con, plan_id)

    def report_lines(self, report_id: str) -> list[str]:
        """A report's stored text."""
        return read_report_lines(self.con, report_id)

    def coverage(self, report_id: str) -> pd.DataFrame:
        """What was read from a report."""
        return read_coverage(self.con, report_id)

    def list_rows(self, report_id: str) -> pd.DataFrame:
        """The rows of a report's list tables."""
        return read_list_rows(self.con, report_id)

    def entries(self, plan_id: str | None = None) -> pd.DataFrame:
        """The values planners entered by hand (all, or one plan's)."""
        return read_entries(self.con, plan_id)
