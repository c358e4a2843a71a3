"""The DuckDB store: schema, ingestion (the only writer) and the read functions.

Layers: core tables ``reports``, ``indicators``, ``observations`` (and, for plans, ``plans`` and
``targets``) hold tidy rows; ``out_`` views are what pages and metrics read. Each file is
ingested in one transaction, so a failed import writes nothing; the same bytes loaded twice
change nothing; a changed version of a report replaces that report's rows.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from loaders import LoadResult, load
from loaders.paths import PLANS_DIR, REPORTS_DIR, UPLOADS_DIR, default_db_path
from loaders.plans import TARGET_COLUMNS, parse_plan
from loaders.registry import read_registry

SCHEMA = """
CREATE TABLE IF NOT EXISTS indicators (
    indicator_id VARCHAR PRIMARY KEY,
    name_zh VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    direction VARCHAR NOT NULL CHECK (direction IN ('higher', 'lower', 'neutral')),
    domain VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    definition VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
    report_id VARCHAR PRIMARY KEY,
    school VARCHAR NOT NULL,
    report_year INTEGER NOT NULL,
    source_file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    n_observations INTEGER NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS observations (
    report_id VARCHAR NOT NULL,  -- no FOREIGN KEY: DuckDB cannot delete a referenced row in the same transaction
    indicator_id VARCHAR NOT NULL REFERENCES indicators (indicator_id),
    subject VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    years_after INTEGER,
    value DOUBLE NOT NULL,
    unit VARCHAR NOT NULL,
    source_table VARCHAR NOT NULL,
    source_line INTEGER NOT NULL,
    source_text VARCHAR NOT NULL,
    PRIMARY KEY (report_id, source_line, indicator_id, subject)
);
CREATE TABLE IF NOT EXISTS report_lines (
    report_id VARCHAR NOT NULL,
    line_number INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    PRIMARY KEY (report_id, line_number)
);
CREATE TABLE IF NOT EXISTS plans (
    plan_id VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    issuer VARCHAR,
    scope VARCHAR NOT NULL,
    start_year INTEGER,
    target_year INTEGER,
    source_file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS targets (
    plan_id VARCHAR NOT NULL,
    indicator_id VARCHAR REFERENCES indicators (indicator_id),
    subject VARCHAR,
    comparator VARCHAR NOT NULL CHECK (comparator IN ('>=', '<=', '=', 'range', 'text')),
    target_value DOUBLE,
    unit VARCHAR,
    target_year INTEGER,
    relative_to VARCHAR,
    label_zh VARCHAR NOT NULL,
    source_line INTEGER NOT NULL,
    source_text VARCHAR NOT NULL,
    level1 VARCHAR,
    level2 VARCHAR,
    level3 VARCHAR,
    value_text VARCHAR,
    target_low DOUBLE,
    target_high DOUBLE,
    kind VARCHAR NOT NULL,
    note VARCHAR
);
CREATE OR REPLACE VIEW out_observations AS
SELECT o.report_id, r.school, r.report_year, o.indicator_id, i.name_zh, i.name_en, i.domain,
       o.subject, o.year, o.years_after, o.value, o.unit, o.source_table, o.source_line,
       o.source_text, r.source_file
FROM observations o
JOIN reports r USING (report_id)
JOIN indicators i USING (indicator_id);
"""

_OBSERVATION_INSERT = """
INSERT INTO observations
SELECT ? AS report_id, indicator_id, subject, year, years_after, value, unit,
       source_table, source_line, source_text
FROM new_observations
"""


@dataclass(frozen=True)
class IngestOutcome:
    """What one ingest did.

    Attributes:
        report_id: The report's id.
        action: ``"added"``, ``"replaced"`` or ``"unchanged"``.
        n_observations: Rows the report now has in the store.
        notes: The loader's notes (encoding, tables not found).
    """

    report_id: str
    action: str
    n_observations: int
    notes: tuple[str, ...] = ()


def connect(db_path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store, creating its schema when opened for writing.

    Args:
        db_path: The DuckDB file; :func:`loaders.paths.default_db_path` when None.
        read_only: Open without write access (for serving).

    Returns:
        A connection; use ``.cursor()`` per thread.
    """
    path = Path(db_path or default_db_path())
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        con.execute(SCHEMA)
        _sync_indicators(con)
    return con


def _sync_indicators(con: duckdb.DuckDBPyConnection) -> None:
    registry = read_registry()
    con.register("registry_frame", registry)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "INSERT OR REPLACE INTO indicators SELECT indicator_id, name_zh, name_en, unit, direction,"
            " domain, kind, definition FROM registry_frame"
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("registry_frame")


def ingest_result(con: duckdb.DuckDBPyConnection, result: LoadResult) -> IngestOutcome:
    """Write one loaded report in a single transaction.

    Args:
        con: A writable connection.
        result: What :func:`loaders.load` returned.

    Returns:
        What was done.
    """
    rows = con.execute("SELECT sha256, n_observations FROM reports WHERE report_id = ?", [result.report_id]).fetchall()
    existing = rows[0] if rows else None
    if existing and existing[0] == result.sha256:
        return IngestOutcome(result.report_id, "unchanged", existing[1], tuple(result.notes))
    frame = result.observations
    lines = pd.DataFrame({"line_number": range(1, len(result.lines) + 1), "text": pd.Series(result.lines, dtype="str")})
    con.register("new_observations", frame)
    con.register("new_lines", lines)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM report_lines WHERE report_id = ?", [result.report_id])
        con.execute("DELETE FROM observations WHERE report_id = ?", [result.report_id])
        con.execute("DELETE FROM reports WHERE report_id = ?", [result.report_id])
        con.execute(
            "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                result.report_id,
                result.school,
                result.report_year,
                result.source_file,
                result.sha256,
                result.format_used,
                len(frame),
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        con.execute(_OBSERVATION_INSERT, [result.report_id])
        con.execute("INSERT INTO report_lines SELECT ?, line_number, text FROM new_lines", [result.report_id])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("new_observations")
        con.unregister("new_lines")
    action = "replaced" if existing else "added"
    return IngestOutcome(result.report_id, action, len(frame), tuple(result.notes))


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path | str) -> IngestOutcome:
    """Load a file and write it (see :func:`ingest_result`); a file that fails writes nothing."""
    return ingest_result(con, load(path))


def bundled_report_files(reports_dir: Path = REPORTS_DIR, uploads_dir: Path = UPLOADS_DIR) -> list[Path]:
    """The report files under ``data/reports``, then those uploaded through the dashboard."""
    files = sorted(p for p in reports_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    if uploads_dir.is_dir():
        files += sorted(p for p in uploads_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    return files


def keep_upload(result: LoadResult, data: bytes, uploads_dir: Path = UPLOADS_DIR) -> Path:
    """Keep an uploaded report's bytes so that a rebuild loads it again.

    The file is named after the report id (never after the uploaded name, so no path from a
    user reaches the file system) and written atomically.

    Args:
        result: The loaded report.
        data: The uploaded bytes.
        uploads_dir: Where uploads are kept.

    Returns:
        The file written.
    """
    uploads_dir.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff_-]+", "_", result.report_id).strip("_") or "report"
    extension = {"text": "txt"}.get(result.format_used, result.format_used)
    target = uploads_dir / f"{stem}.{extension}"
    for old in uploads_dir.glob(f"{stem}.*"):
        if old != target:
            old.unlink()
    handle, tmp_name = tempfile.mkstemp(prefix=".upload-", dir=uploads_dir)
    with os.fdopen(handle, "wb") as tmp:
        tmp.write(data)
    os.replace(tmp_name, target)
    return target


def rebuild(
    db_path: Path | str | None = None, reports_dir: Path = REPORTS_DIR, plans_dir: Path = PLANS_DIR
) -> list[IngestOutcome]:
    """Build the store afresh from everything under ``data/``.

    The new file is built beside the old one and moved into place only when complete, so a
    failure (or a kill) leaves the previous store as it was.

    Args:
        db_path: Target file; the default store when None.
        reports_dir: Where the report files are.
        plans_dir: Where the plan documents are.

    Returns:
        One outcome per file.
    """
    target = Path(db_path or default_db_path())
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=".rebuild-", suffix=".duckdb", dir=target.parent)
    os.close(handle)
    os.unlink(tmp_name)  # DuckDB must create the file itself
    try:
        con = connect(tmp_name)
        try:
            outcomes = [ingest_file(con, path) for path in bundled_report_files(reports_dir)]
            outcomes += [ingest_plan(con, path) for path in bundled_plan_files(plans_dir)]
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp_name, target)
        wal = Path(str(target) + ".wal")
        if wal.exists():
            wal.unlink()
    finally:
        for leftover in (Path(tmp_name), Path(tmp_name + ".wal")):
            if leftover.exists():
                leftover.unlink()
    return outcomes


def ingest_plan(con: duckdb.DuckDBPyConnection, path: Path) -> IngestOutcome:
    """Parse one plan document and write its plan row and targets in one transaction.

    Args:
        con: A writable connection.
        path: The plan's text file.

    Returns:
        What was done (``report_id`` holds the plan id).
    """
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    parsed = parse_plan(path)
    plan_id = parsed.plan["plan_id"]
    rows = con.execute("SELECT sha256 FROM plans WHERE plan_id = ?", [plan_id]).fetchall()
    n_targets = len(parsed.targets)
    if rows and rows[0][0] == sha256:
        return IngestOutcome(plan_id, "unchanged", n_targets)
    plan = parsed.plan
    con.register("new_targets", parsed.targets[TARGET_COLUMNS])
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM targets WHERE plan_id = ?", [plan_id])
        con.execute("DELETE FROM plans WHERE plan_id = ?", [plan_id])
        con.execute(
            "INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                plan_id,
                plan["title"],
                plan["issuer"],
                plan["scope"],
                _none_if_missing(plan["start_year"]),
                _none_if_missing(plan["target_year"]),
                path.name,
                sha256,
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        con.execute(f"INSERT INTO targets SELECT {', '.join(TARGET_COLUMNS)} FROM new_targets")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("new_targets")
    return IngestOutcome(plan_id, "replaced" if rows else "added", n_targets)


def _none_if_missing(value: object) -> object:
    return None if value is None or pd.isna(value) else int(value)


def bundled_plan_files(plans_dir: Path = PLANS_DIR) -> list[Path]:
    """The plan documents under ``data/plans`` in a stable order."""
    return sorted(p for p in plans_dir.glob("*.txt") if p.is_file())


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


def read_observations(con: duckdb.DuckDBPyConnection, report_id: str | None = None) -> pd.DataFrame:
    """Observations with school, year and indicator names (the ``out_observations`` view).

    Args:
        con: A connection (or cursor).
        report_id: Only this report when given.

    Returns:
        One row per stored cell.
    """
    sql = "SELECT * FROM out_observations"
    params: list[object] = []
    if report_id is not None:
        sql += " WHERE report_id = ?"
        params.append(report_id)
    sql += " ORDER BY report_id, source_line, indicator_id, subject"
    return con.execute(sql, params).df()


def read_report_lines(con: duckdb.DuckDBPyConnection, report_id: str) -> list[str]:
    """The text a report's figures were read from (empty for workbook and CSV imports)."""
    rows = con.execute("SELECT text FROM report_lines WHERE report_id = ? ORDER BY line_number", [report_id]).fetchall()
    return [row[0] for row in rows]


def read_reports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The loaded reports, newest data year first."""
    return con.execute("SELECT * FROM reports ORDER BY report_year DESC, school").df()


def read_indicators(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The indicator registry as stored."""
    return con.execute("SELECT * FROM indicators ORDER BY domain, indicator_id").df()
