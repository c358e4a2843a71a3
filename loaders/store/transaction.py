"""One write transaction at a time: the only way anything is written to the store.

Belongs here: :data:`WRITE_LOCK`, :func:`write_transaction` and the messages a refused or busy
write gives. Every writer — reports, plans, entries, the write log — goes through it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import duckdb

from loaders.contracts.errors import StoreBusyError, StoreWriteError
from loaders.contracts.settings import setting

#: Serialises the writes of one process (DuckDB allows one writing process per file; within it,
#: concurrent transactions touching the same rows would conflict).
WRITE_LOCK = threading.Lock()


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
