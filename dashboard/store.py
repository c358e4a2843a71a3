"""The app's read access to the DuckDB store: one connection per process, a cursor per query.

Opening: the file named by ``QUALITY_DB`` is opened once per process. A missing file is built
from ``data/``; a file DuckDB cannot open (damaged, not a database) is moved aside and rebuilt.
With ``QUALITY_DB_READONLY=1`` (a serving replica) the file is opened read-only and never
rebuilt; a missing or damaged file, or one locked by another process, gives a message saying
what to do instead of a traceback.

While serving, the file is watched (:class:`loaders.store.guard.StoreGuard`): every write of the app
goes through :func:`write`, which remembers the file as the write left it; a file changed by
anything else — truncated, overwritten, replaced — is noticed at the next read (the first read of
every script run) or write. Then nothing more is written to it: it is moved aside, the store is
rebuilt from ``data/`` and the kept uploads (:func:`loaders.store.guard.recover`), the write that
noticed it is refused with a message saying so, and the planner finds the account on the 数据
page and in the write log. A read-only replica says the file changed and stops.

Reads are cached with ``st.cache_data`` keyed by their filters *and* by the data version (a
fingerprint of ``reports`` and ``plans``). A page run uses one version from its first read to
its last; a cached frame is computed inside a transaction that checks it is still that version,
and when a planner's write has landed in between, the run starts again on the new data. So a
viewer sees the data before or after a write, never a mix.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from loaders.contracts.errors import BilingualError, StoreBusyError, StoreDamagedError
from loaders.contracts.paths import default_db_path, uploads_dir
from loaders.contracts.settings import read_only, setting
from loaders.store import queries
from loaders.store.access import Gate, lock_holder, open_for_reading, open_for_writing, pending_request, prepare
from loaders.store.guard import Recovery, StoreGuard, header_problem, recover
from loaders.store.leftovers import remove_leftovers
from loaders.store.queries import (
    read_acceptances,
    read_entries,
    read_held_observations,
    read_indicator_subjects,
    read_list_rows,
)
from loaders.store.schema import StoreOutdatedError
from loaders.store.writelog import record
from viz.i18n import both, t

_LOG = logging.getLogger(__name__)
#: Seconds between two looks for a command-line writer's request.
REQUEST_POLL_S = 0.5

#: Fingerprint of the loaded data: changes with every report or plan written, replaced or deleted.
VERSION_SQL = (
    "SELECT (SELECT count(*) || '/' || coalesce(max(loaded_at)::VARCHAR, '') FROM reports)"
    " || '|' || (SELECT count(*) || '/' || coalesce(max(loaded_at)::VARCHAR, '') FROM plans)"
    " || '|' || (SELECT count(*) || '/' || coalesce(max(updated_at), '') || '/' || coalesce(sum(hash(entry_id)), 0)"
    " FROM entries)"
    " || '|' || (SELECT count(*) || '/' || coalesce(max(accepted_at), '') FROM acceptances)"
)


class StoreUnavailableError(BilingualError):
    """The store cannot be opened; the message (Chinese, English) says what to do."""


class _StaleVersionError(Exception):
    """The data changed after this run pinned its version (a write landed mid-run)."""


# ------------------------------------------------------------------------------------ opening
def open_store(db_path: str, readonly: bool) -> duckdb.DuckDBPyConnection:
    """Open the store for serving: always read-only (see the module docstring).

    A writing app first makes the file usable (:func:`loaders.store.writes.access.prepare`: built when
    missing, rebuilt when of another version, moved aside and rebuilt when damaged); a read-only
    replica never changes it.

    Args:
        db_path: The DuckDB file.
        readonly: A serving replica (``QUALITY_DB_READONLY=1``): never build or rebuild.

    Returns:
        The process-wide read-only connection.

    Raises:
        StoreUnavailableError: The file is missing or damaged (replica), or held for writing by another
            process for longer than the ``write_wait_s`` setting.
    """
    path = Path(db_path)
    if readonly and not path.exists():
        raise StoreUnavailableError(*both("store_missing_readonly", name=path.name))
    if not readonly:
        remove_leftovers(path, uploads_dir(path))  # of builds and uploads killed before this start
        try:
            prepare(path, wait_s=float(setting("write_wait_s")), say=_log_say)
        except StoreBusyError as exc:
            raise StoreUnavailableError(*both("store_locked", name=path.name)) from exc
    try:
        con = open_for_reading(path, wait_s=float(setting("write_wait_s")), say=_log_say)
        _check(con)
    except StoreOutdatedError as exc:
        raise StoreUnavailableError(exc.zh, exc.en) from exc
    except StoreBusyError as exc:
        raise StoreUnavailableError(*both("store_locked", name=path.name)) from exc
    except duckdb.Error as exc:
        raise StoreUnavailableError(
            *both("store_damaged_readonly" if readonly else "store_unopenable", name=path.name)
        ) from exc
    con.execute(f"SET memory_limit = '{int(setting('memory_limit_mb'))}MB'")
    return con


def _log_say(zh: str, en: str) -> None:
    _LOG.warning("%s", en)


def _check(con: duckdb.DuckDBPyConnection) -> None:
    """Fail now, not on a page, when the file is not a usable store."""
    con.execute("SELECT count(*) FROM reports").fetchall()
    con.execute("SELECT count(*) FROM observations").fetchall()
    con.execute(VERSION_SQL).fetchall()


_OPENED: list[duckdb.DuckDBPyConnection] = []
#: One guard per store file this process serves (tests serve several).
_GUARDS: dict[str, StoreGuard] = {}
_GUARDS_LOCK = threading.Lock()
#: Many readers or one writer (this process's, or another process's through a write request).
GATE = Gate()
#: The store files whose write requests this process answers (one thread each).
_ANSWERING: set[str] = set()
#: The last recovery of each store file, for the planner (see :func:`last_recovery`).
_RECOVERIES: dict[str, Recovery] = {}
T = TypeVar("T")


def guard(db_path: str | None = None) -> StoreGuard:
    """The guard of the store file this app serves."""
    path = str(db_path or default_db_path())
    with _GUARDS_LOCK:
        if path not in _GUARDS:
            _GUARDS[path] = StoreGuard(Path(path))
        return _GUARDS[path]


@st.cache_resource(show_spinner=False)
def _connection(db_path: str, readonly: bool) -> duckdb.DuckDBPyConnection:
    watch = guard(db_path)
    with watch.lock:  # not while a recovery rebuilds the file
        con = open_store(db_path, readonly)
        _OPENED.append(con)
        watch.remember()
    if not readonly:
        _answer_write_requests(db_path)
    return con


def close() -> None:
    """Close this process's store connection(s), e.g. before another process opens the file for writing."""
    _connection.clear()
    while _OPENED:
        with contextlib.suppress(duckdb.Error):  # a damaged file may fail its last checkpoint
            _OPENED.pop().close()


def is_read_only() -> bool:
    """Whether this app serves a read-only copy (``QUALITY_DB_READONLY=1``): no upload, replace or delete."""
    return read_only()


def cursor() -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the process-wide connection (safe to use from this session's thread).

    When the store cannot be opened, shows why (in both languages) and stops the page.
    """
    try:
        with GATE.reading():  # not while a write or another process's write is under way
            return _connection(str(default_db_path()), read_only()).cursor()
    except StoreUnavailableError as exc:
        from viz.markup import plain

        st.error("  \n".join(plain(line) for line in exc.message.splitlines()), icon=":material/database:")
        st.stop()
        raise  # st.stop() raises; this is for type checkers


# ------------------------------------------------------------------------------------ watching
def _recover(watch: StoreGuard, reason: str) -> Recovery:
    """Stop using a changed file and rebuild the store (the caller holds ``watch.lock``)."""
    _LOG.error(
        "store %s changed underneath the app (%s): rebuilding from data/ and the kept uploads", watch.path, reason
    )
    close()
    recovery = recover(watch.path, reason)
    watch.generation += 1
    _RECOVERIES[str(watch.path)] = recovery
    _connection(str(watch.path), False)  # opens the new file and remembers it
    st.cache_data.clear()
    return recovery


def watch_store() -> None:
    """Notice a store file changed by another program (called at every run's first read).

    A writer rebuilds the store (see the module docstring); a read-only replica says so and stops
    the page. A check is skipped while this process is writing (the write checks for itself).
    """
    watch = guard()
    if not watch.lock.acquire(blocking=False):
        return
    try:
        reason = watch.problem()
        if reason is None:
            return
        if read_only():
            st.error("\n\n".join(both("store_changed_readonly")), icon=":material/database:")
            st.stop()
        _recover(watch, reason)
    finally:
        watch.lock.release()


def write(action: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run one write of the app (upload, delete, a log entry) on a file known to be the app's own.

    The app lets go of its read-only connection, opens the file read-write for this write alone
    (waiting, up to the ``write_wait_s`` setting, for a command-line reader to finish), and
    reopens it read-only at the next read.

    Args:
        action: Writes through the cursor it is given.

    Returns:
        What ``action`` returned.

    Raises:
        StoreDamagedError: The file had been changed by another program; nothing was written, the
            store was rebuilt (the message says so; retrying is safe).
        LoadError: What ``action`` raised (busy, refused by the database).
    """
    watch = guard()
    with GATE.writing(), watch.lock:
        reason = watch.problem()
        if reason is not None:
            recovery = _recover(watch, reason)
            zh, en = recovery.message()
            raise StoreDamagedError(
                watch.path.name,
                "",
                t("store_nothing_written", "zh", reason=zh),
                t("store_nothing_written", "en", reason=en),
            )
        close()  # the read-only connection: a process holds a file one way at a time
        try:
            with open_for_writing(watch.path, wait_s=float(setting("write_wait_s")), ask=False) as con:
                done = action(con.cursor())
            if _run_marker() is not None:  # this run's later reads see its own write (the 已载入 list)
                st.session_state.pop("_store_version", None)
            return done
        finally:
            damaged = watch.damaged_after_write()  # no connection is open now: reading the header is safe
            if damaged is None:
                watch.remember()
                _reopen(watch)
            else:
                _recover(watch, damaged)


def _answer_write_requests(db_path: str) -> None:
    """Start (once per file) the thread that lets go of the store when a command-line writer asks."""
    with _GUARDS_LOCK:
        if db_path in _ANSWERING:
            return
        _ANSWERING.add(db_path)
    threading.Thread(target=_answer_loop, args=(db_path,), name=f"store-requests:{db_path}", daemon=True).start()


def _answer_loop(db_path: str) -> None:
    path = Path(db_path)
    while path.exists() or path.parent.exists():
        time.sleep(REQUEST_POLL_S)
        pid = pending_request(path)
        if pid is None or pid == os.getpid():
            continue
        with contextlib.suppress(Exception):  # a thread of its own: log, never die
            _hand_over(guard(db_path), pid)


def _hand_over(watch: StoreGuard, pid: int) -> None:
    """Let another process write the store: close, wait until it is done, take the file as it left it."""
    _LOG.warning("store %s: process %s asked to write it; letting go until it is done", watch.path, pid)
    with GATE.writing(), watch.lock:
        close()
        deadline = time.monotonic() + float(setting("handover_max_s"))
        while pending_request(watch.path) == pid and time.monotonic() < deadline:
            time.sleep(REQUEST_POLL_S)
        while lock_holder(watch.path) is not None and time.monotonic() < deadline:
            time.sleep(REQUEST_POLL_S)  # its connection is still closing
        problem = header_problem(watch.path)
        if problem is None:
            watch.remember()  # the other process's write is the store's new state, not damage
            record(None, "store", "handed over", detail=f"written by process {pid}", db_path=watch.path)
            _reopen(watch)
        else:
            _recover(watch, problem)


def _reopen(watch: StoreGuard) -> None:
    """Hold the file read-only again at once (no moment in which another process could open it for writing)."""
    with contextlib.suppress(StoreUnavailableError, duckdb.Error):  # the next read says why, on its page
        _connection(str(watch.path), read_only())


def replacement_loss(result: Any) -> Any:
    """What writing a parsed upload over the stored report of its id would lose
    (:func:`loaders.store.replacing.replacement_loss`; not cached: asked once per preview)."""
    from loaders.store.replacing import replacement_loss as loss_of

    cur = cursor()
    try:
        return loss_of(cur, result)
    finally:
        cur.close()


def last_recovery() -> Recovery | None:
    """The last time this process rebuilt its store because the file was changed underneath it."""
    return _RECOVERIES.get(str(default_db_path()))


def write_log(limit: int = 500) -> pd.DataFrame:
    """The newest entries of the write log (not cached: a planner wants to see the latest)."""
    from loaders.store.writelog import read_log

    return read_log(cursor(), limit)


# ------------------------------------------------------------------------------------ versions
def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """The fingerprint of the data the connection sees now (see :data:`VERSION_SQL`)."""
    return str(con.execute(VERSION_SQL).fetchall()[0][0])


#: Session-state key of the current script run's number (app.py counts its runs; see new_run()).
RUN_KEY = "_run_number"


def new_run() -> None:
    """Start a new run's data version: ``app.py`` calls this first thing on every run."""
    st.session_state[RUN_KEY] = st.session_state.get(RUN_KEY, 0) + 1


def _run_marker() -> object | None:
    """A value that is the same throughout one script run and new in the next (None outside a run)."""
    if not st.runtime.exists():
        return None
    return st.session_state.get(RUN_KEY)


def version() -> str:
    """The data version this script run reads: fixed at the run's first read (which also checks
    that the store's file is still the app's own, see :func:`watch_store`)."""
    marker = _run_marker()
    if marker is not None:
        pinned = st.session_state.get("_store_version")
        if pinned is not None and pinned[0] == marker:
            return pinned[1]
    watch_store()
    current = data_version(cursor())
    if marker is not None:
        st.session_state["_store_version"] = (marker, current)
    return current


def _consistent(expected: str, reader: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``reader(cursor, …)`` in one read transaction, if the data is still version ``expected``."""
    cur = cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        if data_version(cur) != expected:
            raise _StaleVersionError
        return reader(cur, *args, **kwargs)
    finally:
        cur.execute("ROLLBACK")
        cur.close()


def _read(cached: Callable[..., Any], *args: Any) -> Any:
    """Call a cached reader for this run's version; when the data changed mid-run (or the store was
    rebuilt under it), start the run again."""
    generation = guard().generation
    try:
        return cached(version(), *args)
    except (_StaleVersionError, duckdb.Error) as exc:
        if isinstance(exc, duckdb.Error) and guard().generation == generation:
            watch_store()  # a read failing on a file changed underneath: rebuild, then read again
            if guard().generation == generation:
                raise
        st.session_state.pop("_store_version", None)
        if _run_marker() is not None:
            st.rerun()
        return cached(version(), *args)  # outside a run (benchmarks, scripts): read the new version


# ------------------------------------------------------------------------------------ reads
@st.cache_data(show_spinner=False, max_entries=8)
def _reports(data: str) -> pd.DataFrame:
    return _consistent(data, queries.read_reports)


@st.cache_data(show_spinner=False, max_entries=256)
def _observations(data: str, report_id: str | None) -> pd.DataFrame:
    return _consistent(data, queries.read_observations, report_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _school_observations(data: str, schools: tuple[str, ...], indicator_id: str | None) -> pd.DataFrame:
    return _consistent(data, queries.read_observations, schools=list(schools), indicator_id=indicator_id)


@st.cache_data(show_spinner=False, max_entries=16)
def _held_observations(data: str, report_id: str) -> pd.DataFrame:
    return _consistent(data, read_held_observations, report_id)


@st.cache_data(show_spinner=False, max_entries=16)
def _acceptances(data: str, report_id: str | None) -> pd.DataFrame:
    return _consistent(data, read_acceptances, report_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _indicator_subjects(data: str, schools: tuple[str, ...]) -> pd.DataFrame:
    return _consistent(data, read_indicator_subjects, list(schools))


@st.cache_data(show_spinner=False, max_entries=8)
def _indicators(data: str) -> pd.DataFrame:
    return _consistent(data, queries.read_indicators)


@st.cache_data(show_spinner=False, max_entries=8)
def _plans(data: str) -> pd.DataFrame:
    return _consistent(data, queries.read_plans)


@st.cache_data(show_spinner=False, max_entries=32)
def _targets(data: str, plan_id: str | None) -> pd.DataFrame:
    return _consistent(data, queries.read_targets, plan_id)


@st.cache_data(show_spinner=False, max_entries=128)
def _report_lines(data: str, report_id: str) -> list[str]:
    return _consistent(data, queries.read_report_lines, report_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _coverage(data: str, report_id: str) -> pd.DataFrame:
    return _consistent(data, queries.read_coverage, report_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _list_rows(data: str, report_id: str) -> pd.DataFrame:
    return _consistent(data, read_list_rows, report_id)


@st.cache_data(show_spinner=False, max_entries=32)
def _entries(data: str, plan_id: str | None) -> pd.DataFrame:
    return _consistent(data, read_entries, plan_id)


def reports() -> pd.DataFrame:
    """The loaded reports."""
    return _read(_reports)


def coverage(report_id: str) -> pd.DataFrame:
    """What was read from a report, item by item (see :mod:`loaders.read.coverage`)."""
    return _read(_coverage, report_id)


def list_rows(report_id: str) -> pd.DataFrame:
    """The rows of a report's list tables (表2-13 awards …), with their lines."""
    return _read(_list_rows, report_id)


def entries(plan_id: str | None = None) -> pd.DataFrame:
    """The values planners entered by hand (填报): all, or one plan's."""
    return _read(_entries, plan_id)


def observations(report_id: str | None = None) -> pd.DataFrame:
    """Observations of one report with school, year and indicator names (all reports when None:
    avoid that on a large store; use :func:`school_observations`)."""
    return _read(_observations, report_id)


def held_observations(report_id: str) -> pd.DataFrame:
    """One report's figures *including* those held back, with ``held_reason`` and ``is_held`` — for the
    Data page only (every other read leaves held-back figures out, see :mod:`loaders.read.holds`)."""
    return _read(_held_observations, report_id)


def acceptances(report_id: str | None = None) -> pd.DataFrame:
    """The planners' acceptances of held-back figures (all, or one report's)."""
    return _read(_acceptances, report_id)


def school_observations(schools: Sequence[str], indicator_id: str | None = None) -> pd.DataFrame:
    """Observations of every report of these schools (optionally one indicator only)."""
    return _read(_school_observations, tuple(schools), indicator_id)


def indicator_subjects(schools: Sequence[str]) -> pd.DataFrame:
    """Which indicators and subjects these schools' reports state (the 对比 page's choices)."""
    return _read(_indicator_subjects, tuple(schools))


def indicators() -> pd.DataFrame:
    """The indicator registry."""
    return _read(_indicators)


def plans() -> pd.DataFrame:
    """The loaded plans."""
    return _read(_plans)


def targets(plan_id: str | None = None) -> pd.DataFrame:
    """Plan targets (all, or one plan's)."""
    return _read(_targets, plan_id)


def report_lines(report_id: str) -> list[str]:
    """The report's text (for the check-up and provenance)."""
    return _read(_report_lines, report_id)


def clear() -> None:
    """Forget cached reads (after new data was loaded; old versions would not be read again anyway)."""
    st.cache_data.clear()
