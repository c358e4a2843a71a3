"""The DuckDB store: schema, ingestion (the only writer) and the read functions.

Layers: core tables ``reports``, ``indicators``, ``observations`` (and, for plans, ``plans`` and
``targets``) hold tidy rows; ``out_`` views are what pages and metrics read. Each file is
ingested in one transaction, so a failed import writes nothing; the same bytes loaded twice
change nothing; a changed version of a report replaces that report's rows.

Writes are safe under concurrency: within a process, writes take :data:`WRITE_LOCK` in turn (a
write that cannot get it within the ``write_wait_s`` setting, or that DuckDB reports as a
transaction conflict, raises :class:`loaders.errors.StoreBusyError` — "please retry" — having
written nothing). Readers see the state before or after a write, never a mix (DuckDB's MVCC:
every read is one statement or one transaction). A process killed in the middle of a write leaves
the file with its previous content (an uncommitted transaction never reaches the file); a rebuild
writes a new file and moves it into place only when complete.

Bulk builds (:func:`build_store`, ``python -m loaders build``) parse files in parallel processes
and write many reports per transaction; only files that parsed are written, and a failed file is
reported by name.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from loaders import LoadError, LoadResult, load, load_bytes
from loaders.coverage import COVERAGE_COLUMNS, coverage_rows, strict_failures
from loaders.errors import StoreBusyError, StoreWriteError, TableError
from loaders.fields import COVERAGE_FIELDS, OBSERVATION_FIELDS, TARGET_FIELDS, arrow_schema, sql_columns
from loaders.isolate import ParseFailure, ReportFile, crash_error
from loaders.leftovers import remove_stale_builds
from loaders.paths import PLANS_DIR, REPORTS_DIR, default_db_path, uploads_dir
from loaders.plans import TARGET_COLUMNS, parse_plan
from loaders.registry import read_registry
from loaders.report import OBSERVATION_COLUMNS, arrow_only
from loaders.settings import setting
from loaders.writelog import SCHEMA as WRITE_LOG_SCHEMA

#: Version of the tables below; a store of another version is rebuilt, not migrated (see connect).
SCHEMA_VERSION = 2

#: Serialises the writes of one process (DuckDB allows one writing process per file; within it,
#: concurrent transactions touching the same rows would conflict).
WRITE_LOCK = threading.Lock()

SCHEMA = f"""
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
-- every indicator_id is in ``indicators``. Older store files keep their constraints; both work.
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
{sql_columns(TARGET_FIELDS)}
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
SELECT $ids[report_index + 1], indicator_id, subject, year, years_after, value, unit,
       source_table, source_line, source_text, $first_key + report_index
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


class StoreOutdatedError(Exception):
    """The store file was written by an older version of the loaders; it must be rebuilt from ``data/``.

    The message (a Chinese and an English line) says how. No migration is attempted: everything
    in a store comes from ``data/`` and the kept uploads, so a rebuild loses nothing.
    """


def connect(db_path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store, creating its schema when opened for writing.

    Args:
        db_path: The DuckDB file; :func:`loaders.paths.default_db_path` when None.
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
                "请重建：python -m loaders rebuild（数据来自 data/ 与保留的上传文件，不会丢失）。\n"
                f"The store {path.name} has schema version {version}; this program needs {SCHEMA_VERSION}."
                " Rebuild it: python -m loaders rebuild (everything comes from data/ and the kept uploads)."
            )
        if not read_only:
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
            " domain, kind, definition FROM registry_frame"
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("registry_frame")


@contextlib.contextmanager
def write_transaction(con: duckdb.DuckDBPyConnection, what: str) -> Iterator[None]:
    """One write transaction, taken in turn with the process's other writes.

    Args:
        con: A writable connection or cursor.
        what: What is being written (a report id or file name), for the retry message.

    Raises:
        StoreBusyError: Another write held the lock longer than the ``write_wait_s`` setting, or
            DuckDB reported a conflicting transaction; nothing was written.
    """
    if not WRITE_LOCK.acquire(timeout=float(setting("write_wait_s"))):
        raise _busy(what)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            yield
            con.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(duckdb.Error):  # the transaction may already be aborted
                con.execute("ROLLBACK")
            if isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower():
                raise _busy(what) from exc
            if isinstance(exc, duckdb.Error):
                raise _refused(what, exc) from exc
            raise
    finally:
        WRITE_LOCK.release()


def _refused(what: str, exc: duckdb.Error) -> StoreWriteError:
    """The database's own error as a message for people: what it said, and that nothing was written."""
    said = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    return StoreWriteError(
        what,
        "",
        f"数据库拒绝写入（{said}）。本次未写入任何内容。",
        f"the database refused the write ({said}). Nothing was written.",
    )


def _busy(what: str) -> StoreBusyError:
    return StoreBusyError(
        what,
        "",
        "数据库正忙：另一位用户正在写入数据。本次未写入任何内容，请稍后重试。",
        "the store is busy: another user is writing data. Nothing was written; please retry.",
    )


def ingest_result(con: duckdb.DuckDBPyConnection, result: LoadResult) -> IngestOutcome:
    """Write one loaded report in a single transaction (in turn with other writes).

    Args:
        con: A writable connection (or a cursor of one).
        result: What :func:`loaders.load` returned.

    Returns:
        What was done.

    Raises:
        StoreBusyError: Another write was under way; nothing was written (retry).
    """
    outcomes = ingest_results(con, [result])
    return outcomes[0]


def ingest_results(con: duckdb.DuckDBPyConnection, results: Sequence[LoadResult | StagedReport]) -> list[IngestOutcome]:
    """Write several loaded reports in one transaction: all of them or, on any error, none.

    A report whose bytes are already stored is left as it is (``unchanged``); a report id already
    stored with other bytes is replaced; when the same report id comes twice, the later wins.

    Args:
        con: A writable connection (or a cursor of one).
        results: Loaded reports.

    Returns:
        One outcome per result, in order.

    Raises:
        StoreBusyError: Another write was under way; nothing was written (retry).
    """
    if not results:
        return []
    what = f"{results[0].source_file}（{results[0].report_id}）" if len(results) == 1 else f"{len(results)} reports"
    try:
        return _ingest_results(con, results, what)
    finally:
        for name in ("new_reports", "new_observations", "new_lines", "new_coverage"):  # after the transaction
            with contextlib.suppress(duckdb.Error):
                con.unregister(name)


def _ingest_results(
    con: duckdb.DuckDBPyConnection, results: Sequence[LoadResult | StagedReport], what: str
) -> list[IngestOutcome]:
    with write_transaction(con, what):
        ids = list(dict.fromkeys(r.report_id for r in results))
        stored = dict(
            (row[0], (row[1], row[2]))
            for row in con.execute(
                "SELECT report_id, sha256, n_observations FROM reports WHERE report_id IN (SELECT unnest(?))", [ids]
            ).fetchall()
        )
        last = {r.report_id: position for position, r in enumerate(results)}
        outcomes: list[IngestOutcome | None] = [None] * len(results)
        to_write: list[LoadResult] = []
        for position, result in enumerate(results):
            existing = stored.get(result.report_id)
            if last[result.report_id] != position:
                outcomes[position] = IngestOutcome(result.report_id, "superseded", 0, tuple(result.notes))
            elif existing and existing[0] == result.sha256:
                outcomes[position] = IngestOutcome(result.report_id, "unchanged", existing[1], tuple(result.notes))
            else:
                action = "replaced" if existing else "added"
                n = result.n_observations if isinstance(result, StagedReport) else len(result.observations)
                outcomes[position] = IngestOutcome(result.report_id, action, n, tuple(result.notes))
                to_write.append(result)
        if to_write:
            replaced = [r.report_id for r in to_write if r.report_id in stored]
            if replaced:
                _delete_reports(con, replaced)
            _insert(con, to_write)
    return [outcome for outcome in outcomes if outcome is not None]


def _insert(con: duckdb.DuckDBPyConnection, results: Sequence[LoadResult | StagedReport]) -> None:
    """Append reports, observations and text lines of ``results`` (inside the caller's transaction).

    Built for batches of hundreds of reports: one Arrow table per target table, the report id
    attached in SQL through a small integer ``report_index``, so no per-row Python work is done.
    """
    import numpy as np
    import pyarrow as pa

    now = datetime.now(UTC).replace(tzinfo=None)
    index = np.arange(len(results), dtype="int64")
    tables = [observation_arrow(r) for r in results]
    reports = pa.table(
        {
            "report_index": index,
            "report_id": pa.array([r.report_id for r in results], pa.string()),
            "school": pa.array([r.school for r in results], pa.string()),
            "report_year": pa.array([r.report_year for r in results], pa.int64()),
            "source_file": pa.array([r.source_file for r in results], pa.string()),
            "sha256": pa.array([r.sha256 for r in results], pa.string()),
            "format": pa.array([r.format_used for r in results], pa.string()),
            "n_observations": pa.array([t.num_rows for t in tables], pa.int64()),
            "loaded_at": pa.array([now] * len(results), pa.timestamp("us")),
            "title_year": pa.array([getattr(r.years, "title_year", None) for r in results], pa.int64()),
            "year_basis_zh": pa.array([getattr(r.years, "basis_zh", None) for r in results], pa.string()),
            "year_basis_en": pa.array([getattr(r.years, "basis_en", None) for r in results], pa.string()),
        }
    )
    coverage_counts = [len(r.coverage) for r in results]
    coverage = pa.Table.from_pylist(
        [row for r in results for row in coverage_rows(r.coverage)], schema=_coverage_schema()
    ).append_column("report_index", pa.array(np.repeat(index, coverage_counts), pa.int64()))
    observations = pa.concat_tables(tables)
    observations = observations.append_column(
        "report_index", pa.array(np.repeat(index, [t.num_rows for t in tables]), pa.int64())
    )
    line_counts = [len(r.lines) for r in results]
    lines = pa.table(
        {
            "report_index": pa.array(np.repeat(index, line_counts), pa.int64()),
            "line_number": pa.array(
                np.concatenate([np.arange(1, n + 1, dtype="int64") for n in line_counts]), pa.int64()
            ),
            "text": pa.array([line for r in results for line in r.lines], pa.string()),
        }
    )
    con.register("new_reports", reports)  # unregistered by ingest_results once the transaction is over
    con.register("new_observations", observations)
    con.register("new_lines", lines)
    con.register("new_coverage", coverage)
    _check_new_rows(con, results)
    first_key = con.execute("SELECT coalesce(max(report_key), 0) + 1 FROM reports").fetchall()[0][0]
    con.execute(
        "INSERT INTO reports SELECT * EXCLUDE (report_index), ? + report_index AS report_key FROM new_reports",
        [first_key],
    )
    # report_index → report id and key, in order (no join, no sort)
    keys = {"ids": [r.report_id for r in results], "first_key": first_key}
    con.execute(_OBSERVATION_INSERT, keys)
    con.execute(
        "INSERT INTO report_lines SELECT $ids[report_index + 1], line_number, text, $first_key + report_index"
        " FROM new_lines",
        keys,
    )
    con.execute(
        f"INSERT INTO coverage SELECT $ids[report_index + 1], {', '.join(COVERAGE_COLUMNS)}, $first_key + report_index"
        " FROM new_coverage",
        keys,
    )


def _coverage_schema() -> object:
    return arrow_schema(COVERAGE_FIELDS)


def observation_arrow(result: LoadResult | StagedReport) -> object:
    """A report's observations as an Arrow table (:data:`loaders.report.OBSERVATION_COLUMNS`)."""
    import pyarrow as pa

    if isinstance(result, StagedReport):
        return result.table
    frame = result.observations[OBSERVATION_COLUMNS]
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.cast(_arrow_schema())


def _arrow_schema() -> object:
    return arrow_schema(OBSERVATION_FIELDS)


@dataclass
class StagedReport:
    """A parsed report on its way into a bulk build: what :func:`load` found, in Arrow form.

    Cheap to send between processes (a ``LoadResult`` carries a pandas frame, whose pickling
    costs more than the parsing). Same attributes as :class:`loaders.LoadResult`, with ``table``
    instead of ``observations``.
    """

    report_id: str
    school: str
    report_year: int
    source_file: str
    sha256: str
    format_used: str
    notes: list[str]
    lines: list[str]
    table: object  # pyarrow.Table
    coverage: list = field(default_factory=list)  # loaders.coverage.CoverageItem
    years: object | None = None  # loaders.years.YearInfo

    @classmethod
    def from_result(cls, result: LoadResult) -> StagedReport:
        """Stage a loaded report (its parser's Arrow table, else its frame converted)."""
        table = result.table if result.table is not None else observation_arrow(result)  # observations may be None
        return cls(
            result.report_id,
            result.school,
            result.report_year,
            result.source_file,
            result.sha256,
            result.format_used,
            list(result.notes),
            list(result.lines),
            table.cast(_arrow_schema()),
            list(result.coverage),
            result.years,
        )

    @property
    def n_observations(self) -> int:
        """Rows of observations."""
        return self.table.num_rows


def _check_new_rows(con: duckdb.DuckDBPyConnection, results: Sequence[LoadResult | StagedReport]) -> None:
    """The rules a primary and a foreign key would enforce, checked on the rows about to be written."""
    unknown = con.execute(
        "SELECT DISTINCT r.report_id, n.indicator_id FROM new_observations n JOIN new_reports r USING (report_index)"
        " ANTI JOIN indicators i ON n.indicator_id = i.indicator_id ORDER BY ALL LIMIT 5"
    ).fetchall()
    duplicate = con.execute(
        "SELECT r.report_id, n.source_line, n.indicator_id, n.subject, n.year FROM new_observations n"
        " JOIN new_reports r USING (report_index) GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL LIMIT 1"
    ).fetchall()
    if not unknown and not duplicate:
        return
    files = {r.report_id: r.source_file for r in results}
    if unknown:
        report_id = unknown[0][0]
        ids = ", ".join(row[1] for row in unknown if row[0] == report_id)
        raise TableError(
            files[report_id],
            "",
            f"指标不在指标登记表中：{ids}（违反外键约束，未写入）。",
            f"indicators not in the registry: {ids} (foreign key violated; nothing written).",
        )
    report_id, line, indicator_id, subject, year = duplicate[0]
    raise TableError(
        files[report_id],
        f"第 {line} 行",
        f"同一行的 {indicator_id}（{subject}，{year} 年）出现了两次（违反主键约束，未写入）。",
        f"{indicator_id} ({subject}, {year}) appears twice on this line (primary key violated; nothing written).",
    )


def delete_report(con: duckdb.DuckDBPyConnection, report_id: str) -> bool:
    """Delete one report (its row, observations and text) in one transaction.

    Args:
        con: A writable connection (or a cursor of one).
        report_id: The report to delete.

    Returns:
        Whether there was such a report.

    Raises:
        StoreBusyError: Another write was under way; nothing was deleted (retry).
    """
    with write_transaction(con, report_id):
        found = con.execute("SELECT count(*) FROM reports WHERE report_id = ?", [report_id]).fetchall()[0][0]
        _delete_reports(con, [report_id])
    return bool(found)


def _delete_reports(con: duckdb.DuckDBPyConnection, report_ids: list[str]) -> None:
    """Delete reports and their rows (inside the caller's transaction), finding the rows by key."""
    keys = _report_keys(con, "list_contains(?, report_id)", [report_ids])
    for table in ("report_lines", "observations", "coverage"):
        if keys:
            con.execute(
                f"DELETE FROM {table} WHERE report_key BETWEEN ? AND ? AND list_contains(?, report_key)",
                [min(keys), max(keys), keys],
            )
        else:
            con.execute(f"DELETE FROM {table} WHERE list_contains(?, report_id)", [report_ids])
    con.execute("DELETE FROM reports WHERE list_contains(?, report_id)", [report_ids])


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path | str) -> IngestOutcome:
    """Load a file and write it (see :func:`ingest_result`); a file that fails writes nothing."""
    return ingest_result(con, load(path))


def bundled_report_files(reports_dir: Path = REPORTS_DIR, uploads: Path | None = None) -> list[ReportFile]:
    """The report files under ``data/reports``, then every kept upload (``(copy, name uploaded
    under)``, see :mod:`loaders.uploads`): what a rebuild loads."""
    from loaders.uploads import kept_files

    files: list[ReportFile] = sorted(p for p in reports_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    return files + kept_files(uploads)


def report_files_in(folder: Path | str) -> list[Path]:
    """The report files in a folder (not hidden), sorted by name."""
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and not p.name.startswith("."))


def load_file(file: ReportFile) -> LoadResult:
    """Load a report file (a kept upload under the name it was uploaded with)."""
    if isinstance(file, tuple):
        path, name = file
        return load_bytes(Path(path).read_bytes(), name)
    return load(file)


@dataclass
class BuildSummary:
    """What a build did.

    Attributes:
        outcomes: One per report file written (or left unchanged) and per plan.
        failures: ``(file name, message)`` of every file that could not be loaded (nothing of it
            was written).
        partial: ``(file name, message)`` of every report written whose core tables are missing or
            damaged (with ``require_core`` these are failures instead).
        seconds: Wall time of the build.
    """

    outcomes: list[IngestOutcome] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    partial: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def _parse(file: ReportFile) -> StagedReport | ParseFailure:
    """Load one file in this process; a file that cannot be loaded gives a :class:`ParseFailure`."""
    name = file[1] if isinstance(file, tuple) else Path(file).name
    try:
        with arrow_only():
            return StagedReport.from_result(load_file(file))
    except LoadError as exc:
        return ParseFailure(file, name, exc)
    except Exception as exc:  # a parser bug must not stop a build of thousands of files
        return ParseFailure(file, name, crash_error(name, exc))


def _parsed(files: Sequence[ReportFile], workers: int, isolate: bool) -> Iterator[StagedReport | ParseFailure]:
    """Parsed files in order: in this process, or in child processes (see :mod:`loaders.isolate`).

    The children are started as ``python -m loaders.isolate``, never through multiprocessing,
    whose workers re-run the parent's ``__main__`` (``app.py`` after Streamlit ran it).
    """
    if not isolate and (workers <= 1 or len(files) < 2):
        yield from (_parse(file) for file in files)
        return
    from loaders.isolate import parse_files

    yield from parse_files(files, max(1, workers))


def build_store(
    db_path: Path | str | None,
    report_files: Iterable[ReportFile],
    plan_files: Iterable[Path] = (),
    *,
    workers: int = 1,
    batch: int | None = None,
    strict: bool = False,
    require_core: bool = False,
    required: Collection[ReportFile] = (),
    isolate: bool = False,
    keep_log: bool = False,
    progress: Callable[[int, int, float], None] | None = None,
) -> BuildSummary:
    """Build a store afresh from report and plan files, quickly, and move it into place.

    Files are parsed in ``workers`` processes; parsed reports are written ``batch`` at a time,
    one transaction per batch (a batch that fails is retried report by report, so one bad
    report costs only itself). Files that cannot be loaded write nothing and are listed in
    :attr:`BuildSummary.failures`. The new file is built beside the old one and moved into place
    only when complete, so a failure (or a kill) leaves the previous store as it was.

    Args:
        db_path: Target file; the default store when None.
        report_files: Report files, in order (a later file with the same report id wins); a
            ``(path, name)`` pair is loaded under ``name`` (a kept upload).
        plan_files: Plan documents.
        workers: Parsing processes (1: parse in this process, unless ``isolate``).
        batch: Reports per transaction (the ``build_batch`` setting when None).
        require_core: Treat a report whose core tables are missing or damaged (see
            :func:`loaders.coverage.strict_failures`) as a file that cannot be loaded.
        strict: Raise the first file's :class:`LoadError` instead of listing it (nothing is moved
            into place then).
        required: Files whose failure is raised as with ``strict`` (the others are listed).
        isolate: Parse in child processes under the memory limit even with one worker (the
            dashboard's rebuilds: its own memory never grows with a file's).
        keep_log: Take the write log file of the store being replaced into the new one (a
            rebuild keeps the history; see :mod:`loaders.writelog`).
        progress: Called with ``(files done, files in all, seconds so far)`` after each batch.

    Returns:
        What was written and what failed.

    Raises:
        LoadError: With ``strict``, the first file that cannot be loaded.
    """
    import time

    started = time.perf_counter()
    files = list(report_files)
    batch = int(batch or setting("build_batch"))
    target = Path(db_path or default_db_path())
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(target.parent)
    handle, tmp_name = tempfile.mkstemp(prefix=f".rebuild-{os.getpid()}-", suffix=".duckdb", dir=target.parent)
    os.close(handle)
    os.unlink(tmp_name)  # DuckDB must create the file itself
    summary = BuildSummary()
    try:
        con = connect(tmp_name)
        try:
            # The parsing processes keep the other cores busy; DuckDB's own threads would only compete
            # with them (measured: a third less CPU per report with one thread).
            if workers > 1:
                con.execute(f"SET threads = {max(1, (os.cpu_count() or 1) - workers)}")
            pending: list[StagedReport] = []
            done = 0
            required = set(required)
            for parsed in _parsed(files, workers, isolate):
                done += 1
                if isinstance(parsed, ParseFailure):
                    if strict or parsed.file in required:
                        raise parsed.error
                    summary.failures.append((parsed.name, parsed.error.message))
                    continue
                gaps = strict_failures(parsed.coverage)
                if require_core and gaps:
                    summary.failures.append((parsed.source_file, _core_message(gaps)))
                    continue
                if gaps:
                    summary.partial.append((parsed.source_file, _core_message(gaps)))
                pending.append(parsed)
                if len(pending) >= batch:
                    _write_batch(con, pending, summary, strict)
                    pending = []
                    if progress:
                        progress(done, len(files), time.perf_counter() - started)
            _write_batch(con, pending, summary, strict)
            summary.outcomes += [ingest_plan(con, path) for path in plan_files]
            if keep_log:
                from loaders.writelog import restore

                restore(con, target)
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
    summary.seconds = time.perf_counter() - started
    if progress:
        progress(len(files), len(files), summary.seconds)
    return summary


def _core_message(items: list) -> str:
    names = "、".join(f"{item.name_zh}（{item.source_table or '未找到'}）" for item in items)
    names_en = "; ".join(f"{item.name_en} ({item.source_table or 'not found'})" for item in items)
    return f"核心表格缺失或不完整：{names}\ncore tables missing or incomplete: {names_en}"


def _write_batch(
    con: duckdb.DuckDBPyConnection, results: list[StagedReport], summary: BuildSummary, strict: bool
) -> None:
    if not results:
        return
    try:
        summary.outcomes += [o for o in ingest_results(con, results) if o.action != "superseded"]
    except StoreBusyError:
        raise
    except (duckdb.Error, LoadError):
        if strict:
            raise
        for result in results:  # find the report that failed; the others are written one by one
            try:
                summary.outcomes.append(ingest_result(con, result))
            except LoadError as exc:
                summary.failures.append((result.source_file, exc.message))
            except duckdb.Error as exc:
                summary.failures.append((result.source_file, f"{type(exc).__name__}: {exc}"))


def rebuild(
    db_path: Path | str | None = None,
    reports_dir: Path = REPORTS_DIR,
    plans_dir: Path = PLANS_DIR,
    *,
    uploads: Path | None = None,
    isolate: bool = False,
) -> list[IngestOutcome]:
    """Build the store afresh from everything under ``data/`` and every kept upload.

    The new file is built beside the old one and moved into place only when complete, so a
    failure (or a kill) leaves the previous store as it was. The write log comes along (from the
    log file beside the store).

    Args:
        db_path: Target file; the default store when None.
        reports_dir: Where the report files are.
        plans_dir: Where the plan documents are.
        uploads: The kept uploads' folder (:func:`loaders.paths.uploads_dir` when None).
        isolate: Parse in a child process under the memory limit (the dashboard does).

    Returns:
        One outcome per file; a kept upload that no longer loads is ``failed`` (its message in
        ``notes``; the copy stays kept).

    Raises:
        LoadError: A file under ``data/reports`` (or a plan) cannot be loaded (the previous store is kept).
    """
    uploads = uploads or uploads_dir()
    bundled = [p for p in bundled_report_files(reports_dir, uploads=uploads) if not isinstance(p, tuple)]
    summary = build_store(
        db_path,
        bundled_report_files(reports_dir, uploads=uploads),
        bundled_plan_files(plans_dir),
        batch=1000,
        required=bundled,
        isolate=isolate,
        keep_log=True,
    )
    failed = [IngestOutcome(name, "failed", 0, (message,)) for name, message in summary.failures]
    return summary.outcomes + failed


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
        with write_transaction(con, plan_id):
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
    finally:
        with contextlib.suppress(duckdb.Error):
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


_OBSERVATION_COLUMNS_OUT = """
    o.report_id, r.school, r.report_year, o.indicator_id, i.name_zh, i.name_en, i.domain,
    o.subject, o.year, o.years_after, o.value, o.unit, o.source_table, o.source_line,
    o.source_text, r.source_file"""


def read_observations(
    con: duckdb.DuckDBPyConnection,
    report_id: str | None = None,
    *,
    schools: Sequence[str] | None = None,
    indicator_id: str | None = None,
) -> pd.DataFrame:
    """Observations with school, year and indicator names (the ``out_observations`` view's columns).

    Filters are applied in SQL (values bound as parameters) and find their rows through
    ``report_key``, so one report or one school out of thousands reads only its own row groups.

    Args:
        con: A connection (or cursor).
        report_id: Only this report.
        schools: Only these schools' reports (all their years).
        indicator_id: Only this indicator.

    Returns:
        One row per stored cell, ordered by report, line, indicator and subject.
    """
    where: list[str] = []
    params: list[object] = []
    if report_id is not None or schools is not None:
        chosen = {"report_id = ?": report_id, "list_contains(?, school)": None if schools is None else list(schools)}
        chosen = {clause: value for clause, value in chosen.items() if value is not None}
        keys = _report_keys(con, " AND ".join(chosen), list(chosen.values()))
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
    sql = (
        f"SELECT {_OBSERVATION_COLUMNS_OUT} FROM observations o JOIN reports r USING (report_id)"
        " JOIN indicators i USING (indicator_id)"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY o.report_id, o.source_line, o.indicator_id, o.subject"
    return con.execute(sql, params).df()


def _report_keys(con: duckdb.DuckDBPyConnection, where: str, params: list[object]) -> list[int]:
    """The ``report_key`` s of the reports matching ``where``; empty when none (or the store has no keys)."""
    try:
        rows = con.execute(f"SELECT report_key FROM reports WHERE {where}", params).fetchall()
    except duckdb.BinderException:  # a store written before report_key, opened read-only
        return []
    keys = [row[0] for row in rows]
    return [] if any(key is None for key in keys) else keys


def read_report_lines(con: duckdb.DuckDBPyConnection, report_id: str) -> list[str]:
    """The text a report's figures were read from (empty for workbook and CSV imports)."""
    keys = _report_keys(con, "report_id = ?", [report_id])
    if keys:
        sql, params = "report_key = ? AND report_id = ?", [keys[0], report_id]
    else:
        sql, params = "report_id = ?", [report_id]
    rows = con.execute(f"SELECT text FROM report_lines WHERE {sql} ORDER BY line_number", params).fetchall()
    return [row[0] for row in rows]


def read_reports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The loaded reports, newest data year first."""
    frame = con.execute("SELECT * FROM reports ORDER BY report_year DESC, school").df()
    return frame.drop(columns="report_key", errors="ignore")


def read_coverage(con: duckdb.DuckDBPyConnection, report_id: str) -> pd.DataFrame:
    """What was read from a report, item by item (:data:`loaders.coverage.COVERAGE_COLUMNS`), in order."""
    keys = _report_keys(con, "report_id = ?", [report_id])
    where, params = (
        ("report_key = ? AND report_id = ?", [keys[0], report_id]) if keys else ("report_id = ?", [report_id])
    )
    return con.execute(
        f"SELECT {', '.join(COVERAGE_COLUMNS)} FROM coverage WHERE {where} ORDER BY position", params
    ).df()


def read_indicators(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The indicator registry as stored."""
    return con.execute("SELECT * FROM indicators ORDER BY domain, indicator_id").df()
