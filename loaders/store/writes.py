"""The DuckDB store: schema and ingestion (the only writer); reads are in :mod:`loaders.store.queries`,
bulk builds in :mod:`loaders.store.build` (both re-exported here for the callers that import them from here).

Layers: core tables ``reports``, ``indicators``, ``observations`` (and, for plans, ``plans`` and
``targets``) hold tidy rows; ``out_`` views are what pages and metrics read. Each file is
ingested in one transaction, so a failed import writes nothing; the same bytes loaded twice
change nothing; a changed version of a report replaces that report's rows (unless it would lose
figures and the caller did not allow that: ``allow_loss``, see :mod:`loaders.store.replacing`). Figures
whose reading is in doubt are stored with their ``held_reason`` and left out of every read
(:mod:`loaders.read.holds`).

Writes are safe under concurrency: within a process, writes take :data:`WRITE_LOCK` in turn (a
write that cannot get it within the ``write_wait_s`` setting, or that DuckDB reports as a
transaction conflict, raises :class:`loaders.contracts.errors.StoreBusyError` — "please retry" — having
written nothing). Readers see the state before or after a write, never a mix (DuckDB's MVCC:
every read is one statement or one transaction). A process killed in the middle of a write leaves
the file with its previous content (an uncommitted transaction never reaches the file); a rebuild
writes a new file and moves it into place only when complete.

Bulk builds (:func:`build_store`, ``python -m loaders build``) parse files in parallel processes
and write many reports per transaction; only files that parsed are written, and a failed file is
reported by name.

Size: ~500 lines — every write to the store goes through this module (ingest, replace, delete,
plans, the write log), which is what makes "one writer" checkable; reads and builds are elsewhere.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from loaders.contracts.errors import TableError
from loaders.contracts.fields import COVERAGE_FIELDS, LIST_ROW_FIELDS, arrow_schema, names
from loaders.plans.documents import PLAN_COLUMNS
from loaders.plans.load import PlanRead, read_plan_bytes
from loaders.plans.targets import TARGET_COLUMNS
from loaders.read.coverage import COVERAGE_COLUMNS, coverage_rows
from loaders.read.load import load
from loaders.read.record import LoadResult
from loaders.store.queries import report_keys
from loaders.store.transaction import write_transaction
from loaders.store.uploads import UPLOAD_LOCK, forget, keeping
from loaders.store.writelog import database_file

LIST_ROW_COLUMNS = names(LIST_ROW_FIELDS)

_OBSERVATION_INSERT = """
INSERT INTO observations
SELECT $ids[report_index + 1], indicator_id, subject, year, years_after, value, unit,
       source_table, source_line, source_text, nullif(held_reason, ''), $first_key + report_index
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


def ingest_result(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    *,
    allow_loss: bool = True,
    refused_how: tuple[str, str] = ("", ""),
) -> IngestOutcome:
    """Write one loaded report in a single transaction (in turn with other writes).

    Args:
        con: A writable connection (or a cursor of one).
        result: What :func:`loaders.read.load.load` returned.
        allow_loss: Replace a stored version even when that loses figures or core items
            (:mod:`loaders.store.replacing`); when False such a write is refused.
        refused_how: How to allow the loss, said in the refusal (Chinese, English).

    Returns:
        What was done.

    Raises:
        StoreBusyError: Another write was under way; nothing was written (retry).
        ReplaceRefusedError: ``allow_loss`` is False and the write would lose figures; nothing was written.
    """
    outcomes = ingest_results(con, [result], allow_loss=allow_loss, refused_how=refused_how)
    return outcomes[0]


def ingest_results(
    con: duckdb.DuckDBPyConnection,
    results: Sequence[LoadResult],
    *,
    allow_loss: bool = True,
    refused_how: tuple[str, str] = ("", ""),
) -> list[IngestOutcome]:
    """Write several loaded reports in one transaction: all of them or, on any error, none.

    A report whose bytes are already stored is left as it is (``unchanged``); a report id already
    stored with other bytes is replaced; when the same report id comes twice, the later wins.

    Args:
        con: A writable connection (or a cursor of one).
        results: Loaded reports.
        allow_loss: See :func:`ingest_result` (checked inside the write's transaction).
        refused_how: See :func:`ingest_result`.

    Returns:
        One outcome per result, in order.

    Raises:
        StoreBusyError: Another write was under way; nothing was written (retry).
        ReplaceRefusedError: A replacement would lose figures and ``allow_loss`` is False; nothing was written.
    """
    if not results:
        return []
    what = f"{results[0].source_file}（{results[0].report_id}）" if len(results) == 1 else f"{len(results)} reports"
    try:
        return _ingest_results(con, results, what, allow_loss, refused_how)
    finally:
        for name in ("new_reports", "new_observations", "new_lines", "new_coverage", "new_list_rows"):
            with contextlib.suppress(duckdb.Error):
                con.unregister(name)


def _ingest_results(
    con: duckdb.DuckDBPyConnection,
    results: Sequence[LoadResult],
    what: str,
    allow_loss: bool = True,
    refused_how: tuple[str, str] = ("", ""),
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
                n = result.n_observations
                outcomes[position] = IngestOutcome(result.report_id, action, n, tuple(result.notes))
                to_write.append(result)
        if to_write:
            replaced = [r.report_id for r in to_write if r.report_id in stored]
            if replaced and not allow_loss:
                from loaders.store.replacing import replacement_loss

                for r in to_write:
                    loss = replacement_loss(con, r) if r.report_id in stored else None
                    if loss is not None and loss.loses:
                        raise loss.refused(*refused_how)
            if replaced:
                _delete_reports(con, replaced)
            _insert(con, to_write)
    return [outcome for outcome in outcomes if outcome is not None]


def _insert(con: duckdb.DuckDBPyConnection, results: Sequence[LoadResult]) -> None:
    """Append reports, observations and text lines of ``results`` (inside the caller's transaction).

    Built for batches of hundreds of reports: one Arrow table per target table, the report id
    attached in SQL through a small integer ``report_index``, so no per-row Python work is done.
    """
    import numpy as np
    import pyarrow as pa

    now = datetime.now(UTC).replace(tzinfo=None)
    index = np.arange(len(results), dtype="int64")
    tables = [r.table for r in results]
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
    list_counts = [len(getattr(r, "list_rows", [])) for r in results]
    list_rows = pa.Table.from_pylist(
        [dict(zip(LIST_ROW_COLUMNS, row, strict=True)) for r in results for row in getattr(r, "list_rows", [])],
        schema=arrow_schema(LIST_ROW_FIELDS),
    ).append_column("report_index", pa.array(np.repeat(index, list_counts), pa.int64()))
    con.register("new_list_rows", list_rows)
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
    con.execute(
        f"INSERT INTO list_rows SELECT $ids[report_index + 1], {', '.join(LIST_ROW_COLUMNS)},"
        " $first_key + report_index FROM new_list_rows",
        keys,
    )


def _coverage_schema() -> object:
    return arrow_schema(COVERAGE_FIELDS)


def _check_new_rows(con: duckdb.DuckDBPyConnection, results: Sequence[LoadResult]) -> None:
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
    keys = report_keys(con, "list_contains(?, report_id)", [report_ids])
    for table in ("report_lines", "observations", "coverage", "list_rows"):
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


def ingest_plan(
    con: duckdb.DuckDBPyConnection, path: Path, *, name: str | None = None, meta: dict | None = None
) -> IngestOutcome:
    """Read one plan file (any form, :func:`loaders.plans.load.read_plan_bytes`) and write it.

    Args:
        con: A writable connection.
        path: The plan file (a known document, the plan-targets workbook, a document with a target table).
        name: The name it is known by (a kept upload is stored under its hash); ``path.name`` when None.
        meta: What a document does not say itself (title, issuer, scope, applies_to, years).

    Returns:
        What was done (``report_id`` holds the plan id; ``notes`` the rows not fully understood).
    """
    return ingest_plan_read(con, read_plan_bytes(path.read_bytes(), name or path.name, meta))


def ingest_plan_read(con: duckdb.DuckDBPyConnection, read: PlanRead) -> IngestOutcome:
    """Write a plan read from a file: its plan row and targets in one transaction (the same bytes: unchanged).

    Args:
        con: A writable connection.
        read: The plan read.

    Returns:
        What was done (``report_id`` holds the plan id).
    """
    plan_id, sha256 = read.plan_id, read.sha256
    rows = con.execute("SELECT sha256 FROM plans WHERE plan_id = ?", [plan_id]).fetchall()
    n_targets = len(read.targets)
    notes = tuple(f"{r.place} {r.label_zh}：{r.problems_zh}" for r in read.report.itertuples(index=False))
    if rows and rows[0][0] == sha256:
        return IngestOutcome(plan_id, "unchanged", n_targets, notes)
    con.register("new_targets", read.targets[TARGET_COLUMNS])
    try:
        with write_transaction(con, plan_id):
            con.execute("DELETE FROM targets WHERE plan_id = ?", [plan_id])
            con.execute("DELETE FROM plans WHERE plan_id = ?", [plan_id])
            row = {
                **read.plan,
                "source_file": read.source_file,
                "sha256": sha256,
                "loaded_at": datetime.now(UTC).replace(tzinfo=None),
            }
            row["start_year"] = _none_if_missing(row["start_year"])
            row["target_year"] = _none_if_missing(row["target_year"])
            columns = [*PLAN_COLUMNS, "sha256", "loaded_at"]
            con.execute(
                f"INSERT INTO plans ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [row[c] for c in columns],
            )
            con.execute(f"INSERT INTO targets SELECT {', '.join(TARGET_COLUMNS)} FROM new_targets")
    finally:
        with contextlib.suppress(duckdb.Error):
            con.unregister("new_targets")
    return IngestOutcome(plan_id, "replaced" if rows else "added", n_targets, notes)


def _none_if_missing(value: object) -> object:
    return None if value is None or pd.isna(value) else int(value)


def ingest_upload(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    data: bytes,
    uploads: Path | None = None,
    *,
    allow_loss: bool = True,
    refused_how: tuple[str, str] = ("", ""),
) -> IngestOutcome:
    """Write a loaded report and keep its copy, as one step: both or, on any error, neither.

    The copy is kept (and the manifest points at it) before the write, and put back as it was
    when the write fails, so there is never a stored report that a rebuild would lose.

    Args:
        con: A writable connection (or cursor).
        result: The loaded report.
        data: The file's bytes.
        uploads: The uploads folder (:func:`loaders.contracts.paths.uploads_dir` when None).
        allow_loss: Replace a stored version even when figures would be lost (:mod:`loaders.store.replacing`).
        refused_how: How to allow the loss, said in the refusal (Chinese, English).

    Returns:
        The :class:`loaders.store.writes.IngestOutcome`.

    Raises:
        LoadError: The write failed (busy, refused by the database, a loss not allowed:
            :class:`loaders.store.replacing.ReplaceRefusedError`); nothing was written or kept.
    """
    with keeping(result, data, uploads, database_file(con)):
        return ingest_result(con, result, allow_loss=allow_loss, refused_how=refused_how)


def forget_report(
    con: duckdb.DuckDBPyConnection, report_id: str, uploads: Path | None = None
) -> tuple[bool, list[Path]]:
    """Delete a report from the store and forget its copy (in turn with uploads).

    Returns:
        Whether the store had the report, and the files removed.
    """
    with UPLOAD_LOCK:
        found = delete_report(con, report_id)
        return found, forget(report_id, uploads)
