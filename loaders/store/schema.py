"""The store's tables, their version, and opening a store.

Belongs here: the ``CREATE TABLE`` s (generated from :mod:`loaders.contracts.fields`), :data:`SCHEMA_VERSION`
and :func:`connect`, which creates the schema in a new file and refuses one of another version
(:class:`StoreOutdatedError`: a store is rebuilt from ``data/`` and the kept uploads, never migrated).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from loaders.contracts.errors import BilingualError
from loaders.contracts.fields import (
    COVERAGE_FIELDS,
    ENTRY_FIELDS,
    LIST_ROW_FIELDS,
    OBSERVATION_FIELDS,
    PLAN_FIELDS,
    TARGET_FIELDS,
    sql_columns,
)
from loaders.contracts.paths import default_db_path
from loaders.contracts.registry import read_registry
from loaders.store.acceptances import SCHEMA as ACCEPTANCES_SCHEMA
from loaders.store.acceptances import shown_sql

#: Version of the tables below; a store of another version is rebuilt, not migrated (see connect).
SCHEMA_VERSION = 7  # 6: observations.held_reason and acceptances; 7: plans.applies_to (whom a plan applies to)

#: The write log's table (:mod:`loaders.store.writelog` writes and reads it).
WRITE_LOG_SCHEMA = """
CREATE TABLE IF NOT EXISTS write_log (
    logged_at TIMESTAMP NOT NULL,
    action VARCHAR NOT NULL,
    report_id VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    detail VARCHAR NOT NULL
);
"""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS indicators (
    indicator_id VARCHAR PRIMARY KEY,
    name_zh VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    direction VARCHAR NOT NULL CHECK (direction IN ('higher', 'lower', 'neutral')),
    domain VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    definition VARCHAR NOT NULL,
    formula VARCHAR NOT NULL DEFAULT ''  -- a derived indicator's formula (loaders/formula.py), else ''
);
CREATE TABLE IF NOT EXISTS reports (
    report_id VARCHAR PRIMARY KEY,
    school VARCHAR NOT NULL,
    report_year INTEGER NOT NULL,
    source_file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    n_observations INTEGER NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    title_year INTEGER,            -- the year in the title, when there is one
    year_basis_zh VARCHAR,         -- how the data year (report_year) was found
    year_basis_en VARCHAR,
    report_key BIGINT  -- a number per report, given in load order; see below
);
-- What was read from each report, table by table, and what was not and why (loaders/coverage.py).
CREATE TABLE IF NOT EXISTS coverage (
    report_id VARCHAR NOT NULL,
{sql_columns(COVERAGE_FIELDS)},
    report_key BIGINT
);
CREATE TABLE IF NOT EXISTS store_meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
-- observations and report_lines carry no PRIMARY KEY/FOREIGN KEY constraint: at 10 million rows the
-- index costs more time and memory than it is worth. Every write checks the same rules itself
-- (see _check_new_rows): the key (report_id, source_line, indicator_id, subject, year) is unique and
-- every indicator_id is in ``indicators``.
--
-- report_key (an integer per report, repeated on its rows) is what reads filter on: DuckDB skips
-- whole row groups by the min/max of a column, which for text keeps only the first bytes (all
-- "浙江…职业技术学院-2020" look alike) but for integers is exact, so one school's rows are found
-- without reading the other ten million.
CREATE TABLE IF NOT EXISTS observations (
    report_id VARCHAR NOT NULL,
{sql_columns(OBSERVATION_FIELDS)},
    report_key BIGINT
);
CREATE TABLE IF NOT EXISTS report_lines (
    report_id VARCHAR NOT NULL,
    line_number INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    report_key BIGINT
);
-- The rows of each report's list tables (表2-13 awards, 表5-1 projects …), kept with their lines
-- (loaders/lists.py); their counts are observations.
CREATE TABLE IF NOT EXISTS list_rows (
    report_id VARCHAR NOT NULL,
{sql_columns(LIST_ROW_FIELDS)},
    report_key BIGINT
);
-- Values planners entered by hand for plan targets (填报; loaders/entries.py). Kept in the uploads
-- folder too (entries.json), from where a rebuild takes them back.
CREATE TABLE IF NOT EXISTS entries (
{sql_columns(ENTRY_FIELDS)}
);
CREATE TABLE IF NOT EXISTS plans (
{sql_columns(PLAN_FIELDS)},
    sha256 VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS targets (
{sql_columns(TARGET_FIELDS)}
);
CREATE OR REPLACE VIEW out_observations AS
SELECT o.report_id, r.school, r.report_year, o.indicator_id, i.name_zh, i.name_en, i.domain,
       o.subject, o.year, o.years_after, o.value, o.unit, o.source_table, o.source_line,
       o.source_text, o.held_reason, r.source_file
FROM observations o
JOIN reports r USING (report_id)
JOIN indicators i USING (indicator_id)
WHERE {shown_sql("o")};  -- figures held back are not facts (loaders.read.holds)
"""


class StoreOutdatedError(BilingualError):
    """The store file was written by an older version of the loaders; it must be rebuilt from ``data/``.

    The message (a Chinese and an English line) says how. No migration is attempted: everything
    in a store comes from ``data/`` and the kept uploads, so a rebuild loses nothing.
    """


def connect(db_path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store, creating its schema when opened for writing.

    Args:
        db_path: The DuckDB file; :func:`loaders.contracts.paths.default_db_path` when None.
        read_only: Open without write access (for serving).

    Returns:
        A connection; use ``.cursor()`` per thread.

    Raises:
        StoreOutdatedError: The file holds a store of another :data:`SCHEMA_VERSION`.
    """
    path = Path(db_path or default_db_path())
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        version = schema_version(con)
        if version not in (None, SCHEMA_VERSION):
            raise StoreOutdatedError(
                f"数据库文件 {path.name} 的结构为第 {version} 版，当前程序需要第 {SCHEMA_VERSION} 版。"
                "请重建：python -m loaders rebuild（数据来自 data/ 与保留的上传文件，不会丢失）。",
                f"The store {path.name} has schema version {version}; this program needs {SCHEMA_VERSION}."
                " Rebuild it: python -m loaders rebuild (everything comes from data/ and the kept uploads).",
            )
        if not read_only:
            con.execute(ACCEPTANCES_SCHEMA)  # before the views, which read it
            con.execute(SCHEMA)
            con.execute(WRITE_LOG_SCHEMA)
            con.execute("INSERT OR REPLACE INTO store_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            _sync_indicators(con)
    except BaseException:
        con.close()
        raise
    return con


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version of an opened store: None for an empty file, 1 for stores before versions."""
    tables = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'"
        ).fetchall()
    }
    if "reports" not in tables:
        return None
    if "store_meta" not in tables:
        return 1
    found = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchall()
    return int(found[0][0]) if found else 1


def _sync_indicators(con: duckdb.DuckDBPyConnection) -> None:
    registry = read_registry()
    con.register("registry_frame", registry)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "INSERT OR REPLACE INTO indicators SELECT indicator_id, name_zh, name_en, unit, direction,"
            " domain, kind, definition, formula FROM registry_frame"
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("registry_frame")
