"""The write log: every change to the store and every attempt at one, with its outcome.

Belongs here: recording an entry and reading the log. An entry has the time (UTC), the action
(``upload``, ``delete``, ``unlock``, ``ingest``, ``store``), the report id, the SHA-256 of the
file, the outcome (``added``, ``replaced``, ``unchanged``, ``refused``, ``deleted``, ``wrong
password``, ``locked out``, ``damaged``, ``recovered``, ``unreadable lines`` …) and a detail (the
file's name, the message shown). Entries go to the store's ``write_log`` table and, one JSON object per line, to a
file beside the store (``quality.duckdb.log.jsonl``): a rebuilt store (after damage, or ``python
-m loaders rebuild``) takes the file's entries back, and an entry whose write to the store failed
(a damaged store) is still in the file.

Repeated refusals do not flood the log: an entry recorded with ``coalesce=True`` (a wrong
password, a locked-out attempt) that repeats the previous one of the same action, outcome, report,
file and detail within ``log_repeat_s`` seconds of it is counted into that entry — the store's row
says ``… ×N (first – last)`` — instead of adding a row; the log file gets the first entry and, when
the run of repeats ends, one more line with the count.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from loaders.contracts.errors import LoadError
from loaders.contracts.paths import default_db_path
from loaders.contracts.settings import setting
from loaders.store.transaction import write_transaction

_LOG = logging.getLogger(__name__)

LOG_SUFFIX = ".log.jsonl"
COLUMNS = ("logged_at", "action", "report_id", "file_sha256", "outcome", "detail")
#: Longest detail kept (a message shown to the planner, a file name).
MAX_DETAIL = 500


@dataclass(frozen=True)
class LogEntry:
    """One entry (see the module docstring for the values)."""

    logged_at: datetime
    action: str
    report_id: str
    file_sha256: str
    outcome: str
    detail: str


@dataclass
class _Run:
    """A run of one repeated entry: the first, how many, when the last came (monotonic) and its time."""

    first: LogEntry
    count: int
    last_at: float
    last: datetime


#: Runs of repeated entries, by (log file, action, outcome, report, file hash, detail).
_RUNS: dict[tuple[str, ...], _Run] = {}
_RUNS_LOCK = threading.Lock()
#: The clock runs of repeats are measured with (tests replace it).
_clock = time.monotonic


def log_file(db_path: Path | str | None = None) -> Path:
    """The log file of a store: beside it, ``<store file>.log.jsonl``."""
    path = Path(db_path or default_db_path())
    return path.with_name(path.name + LOG_SUFFIX)


def record(
    con: duckdb.DuckDBPyConnection | None,
    action: str,
    outcome: str,
    *,
    report_id: str = "",
    file_sha256: str = "",
    detail: str = "",
    db_path: Path | str | None = None,
    coalesce: bool = False,
) -> LogEntry:
    """Record one entry in the store (when ``con`` is given) and in the store's log file.

    Never raises for the log's sake: an entry the store cannot take (busy, damaged) is in the
    file, and the failure is reported in the process's log.

    Args:
        con: A writable connection or cursor of the store, or None (file only).
        action: What was tried.
        outcome: How it ended.
        report_id: The report concerned.
        file_sha256: Hash of the file concerned.
        detail: File name, message.
        db_path: The store's file (the connection's own when None; the default store without one).
        coalesce: Count a repeat of the previous such entry into it (see the module docstring).

    Returns:
        The entry (a counted repeat: the run's first entry with the count in its detail).
    """
    entry = LogEntry(
        datetime.now(UTC).replace(tzinfo=None), action, report_id, file_sha256, outcome, str(detail)[:MAX_DETAIL]
    )
    path = log_file(db_path or database_file(con))
    _close_runs(path, keep=None)
    if coalesce:
        key = (str(path), action, outcome, report_id, file_sha256, entry.detail)
        now = _clock()
        with _RUNS_LOCK:
            run = _RUNS.get(key)
            if run is not None:
                run.count += 1
                run.last_at = now
                run.last = entry.logged_at
                counted = _counted(run)
            else:
                _RUNS[key] = _Run(entry, 1, now, entry.logged_at)
        if run is not None:
            _update_counted(con, run.first, counted)
            return counted
    try:
        _append(path, entry)
    except OSError as exc:
        _LOG.warning("write log file not written (%s): %s", exc, entry)
    if con is not None:
        try:
            with write_transaction(con, "write log"):
                con.execute("INSERT INTO write_log VALUES (?, ?, ?, ?, ?, ?)", list(asdict(entry).values()))
        except (duckdb.Error, LoadError) as exc:
            _LOG.warning("write log entry not stored (%s): %s", exc, entry)
    return entry


def _counted(run: _Run) -> LogEntry:
    """The first entry of a run with the count and the span in its detail."""
    span = f"{run.first.logged_at:%H:%M:%S}–{run.last:%H:%M:%S} UTC"
    detail = f"{run.first.detail} ×{run.count} ({span})".strip()[:MAX_DETAIL]
    return LogEntry(
        run.first.logged_at, run.first.action, run.first.report_id, run.first.file_sha256, run.first.outcome, detail
    )


def _update_counted(con: duckdb.DuckDBPyConnection | None, first: LogEntry, counted: LogEntry) -> None:
    """The store's row of a run's first entry, now saying the count."""
    if con is None:
        return
    from loaders.store.transaction import write_transaction

    try:
        with write_transaction(con, "write log"):
            con.execute(
                "UPDATE write_log SET detail = ? WHERE logged_at = ? AND action = ? AND outcome = ?"
                " AND report_id = ? AND file_sha256 = ?",
                [counted.detail, first.logged_at, first.action, first.outcome, first.report_id, first.file_sha256],
            )
    except (duckdb.Error, LoadError) as exc:
        _LOG.warning("write log count not stored (%s): %s", exc, counted)


def _close_runs(path: Path, keep: tuple[str, ...] | None) -> None:
    """End the runs of repeats older than ``log_repeat_s``: the log file gets one line with each count."""
    window = float(setting("log_repeat_s"))
    now = _clock()
    with _RUNS_LOCK:
        ended = [key for key, run in _RUNS.items() if key != keep and now - run.last_at > window]
        runs = [_RUNS.pop(key) for key in ended]
    for key, run in zip(ended, runs, strict=True):
        if run.count > 1:
            try:
                _append(Path(key[0]), _counted(run))
            except OSError as exc:
                _LOG.warning("write log file not written (%s): %s", exc, run.first)


def read_log(con: duckdb.DuckDBPyConnection, limit: int = 500) -> pd.DataFrame:
    """The newest ``limit`` entries, newest first."""
    return con.execute(f"SELECT {', '.join(COLUMNS)} FROM write_log ORDER BY logged_at DESC LIMIT ?", [int(limit)]).df()


def file_entries(path: Path) -> tuple[list[LogEntry], list[int]]:
    """The entries of a log file, oldest first, and the numbers of the lines that could not be read.

    A line that is not one JSON entry (cut short by a full disk, edited by hand) is not an entry; it
    is reported in the process's log with its line number and returned, so that :func:`restore`
    can say so in the log it restores.
    """
    if not path.is_file():
        return [], []
    entries, unreadable = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        try:
            entries.append(_entry(line))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            _LOG.warning("%s, line %d: not a write-log entry (%s: %s)", path, number, type(exc).__name__, exc)
            unreadable.append(number)
    return entries, unreadable


def restore(con: duckdb.DuckDBPyConnection, db_path: Path | str) -> int:
    """Put the log file of the store at ``db_path`` into a new store's empty ``write_log`` (a rebuild).

    Lines of the file that could not be read are said in one more entry (action ``store``,
    outcome ``unreadable lines``, how many and which), in the store and in the file.

    Returns:
        Entries restored (0 when the table already holds entries).
    """
    if con.execute("SELECT count(*) FROM write_log").fetchall()[0][0]:
        return 0
    path = log_file(db_path)
    entries, unreadable = file_entries(path)
    if entries:
        frame = pd.DataFrame([asdict(e) for e in entries], columns=list(COLUMNS))
        con.register("restored_log", frame)
        try:
            con.execute(f"INSERT INTO write_log SELECT {', '.join(COLUMNS)} FROM restored_log")
        finally:
            con.unregister("restored_log")
    if unreadable:
        record(con, "store", "unreadable lines", detail=_unreadable_detail(path, unreadable), db_path=db_path)
    return len(entries)


def _entry(line: str) -> LogEntry:
    """One line of the log file as an entry (raises ValueError, TypeError, KeyError when it is not one)."""
    fields = json.loads(line)
    fields["logged_at"] = datetime.fromisoformat(fields["logged_at"])
    return LogEntry(**{key: fields[key] for key in COLUMNS})


def _unreadable_detail(path: Path, lines: list[int]) -> str:
    """``写入日志 <file> 有 2 行无法读取：第 3、7 行 / 2 lines … could not be read: 3, 7`` (at most 20 numbers)."""
    shown = [str(number) for number in lines[:20]] + (["…"] if len(lines) > 20 else [])
    return (
        f"写入日志 {path.name} 有 {len(lines)} 行无法读取：第 {'、'.join(shown)} 行 / "
        f"{len(lines)} line(s) of {path.name} could not be read: {', '.join(shown)}"
    )


def database_file(con: duckdb.DuckDBPyConnection | None) -> Path | None:
    """The file of the database a connection writes to (None without one, or in memory)."""
    if con is None:
        return None
    with contextlib.suppress(duckdb.Error):
        rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
        if rows and rows[0][0]:
            return Path(rows[0][0])
    return None


def _append(path: Path, entry: LogEntry) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({**asdict(entry), "logged_at": entry.logged_at.isoformat()}, ensure_ascii=False)
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.write(line + "\n")
            handle.flush()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
