"""The DuckDB store: schema, ingestion (the only writer) and the read functions.

Layers: core tables ``reports``, ``indicators``, ``observations`` (and, for plans, ``plans`` and
``targets``) hold tidy rows; ``out_`` views are what pages and metrics read. Each file is
ingested in one transaction, so a failed import writes nothing; the same bytes loaded twice
change nothing; a changed version of a report replaces that report's rows.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from loaders import LoadResult, load
from loaders.paths import REPORTS_DIR, default_db_path
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
    con.register("new_observations", frame)
    try:
        con.execute("BEGIN TRANSACTION")
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
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("new_observations")
    action = "replaced" if existing else "added"
    return IngestOutcome(result.report_id, action, len(frame), tuple(result.notes))


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path | str) -> IngestOutcome:
    """Load a file and write it (see :func:`ingest_result`); a file that fails writes nothing."""
    return ingest_result(con, load(path))


def bundled_report_files(reports_dir: Path = REPORTS_DIR) -> list[Path]:
    """The report files under ``data/reports`` in a stable order."""
    return sorted(p for p in reports_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def rebuild(db_path: Path | str | None = None, reports_dir: Path = REPORTS_DIR) -> list[IngestOutcome]:
    """Build the store afresh from everything under ``data/``.

    The new file is built beside the old one and moved into place only when complete, so a
    failure (or a kill) leaves the previous store as it was.

    Args:
        db_path: Target file; the default store when None.
        reports_dir: Where the report files are.

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


def read_reports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The loaded reports, newest data year first."""
    return con.execute("SELECT * FROM reports ORDER BY report_year DESC, school").df()


def read_indicators(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The indicator registry as stored."""
    return con.execute("SELECT * FROM indicators ORDER BY domain, indicator_id").df()
