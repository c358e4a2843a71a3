"""Sharing the store's file between the serving dashboard and the command line.

Belongs here: who holds the file (:func:`lock_holder`), opening it for reading beside a server
(:func:`open_for_reading`) and for writing while a server serves it (:func:`open_for_writing`),
and the write request a serving process answers (:func:`pending_request`, :class:`Gate`).

DuckDB lets many processes open a file read-only, or one process read-write (an operating-system
lock on the file). So:

- the dashboard holds the file **read-only** while it serves and takes it read-write only for the
  length of one of its own writes (``dashboard.store.write``);
- a command-line **read** (``python -m metrics …``, ``loaders export``) opens it read-only beside
  the dashboard; during one of the dashboard's writes (a second or so) it waits and says so;
- a command-line **write** (``loaders ingest``, ``rebuild`` …) leaves a request beside the file
  (``<file>.write-request``, holding its process id), says that it waits, and opens the file when
  the dashboard has let go of it; the dashboard lets go within a second, reopens the file when the
  request is gone, and takes the file as written by its own side (not as damage). A request of a
  process that has ended is ignored.

Who holds the lock is asked of the operating system (``fcntl`` ``F_GETLK``), never read from a
message's words. The question opens the file, and closing any descriptor of a file drops every
lock the process holds on it (POSIX): it is asked only by a process that has no connection to the
file open.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from loaders.contracts.errors import StoreBusyError
from loaders.contracts.paths import default_db_path, uploads_dir
from loaders.contracts.settings import setting
from loaders.store.build import rebuild
from loaders.store.guard import move_aside
from loaders.store.queries import StoreReader
from loaders.store.schema import StoreOutdatedError, connect

#: Seconds between two tries to open a file another process holds.
POLL_S = 0.2
_FLOCK = "hhqqi"  # struct flock on Linux: l_type, l_whence, l_start, l_len, l_pid


@dataclass(frozen=True)
class Holder:
    """The process holding the store's file.

    Attributes:
        pid: Its process id.
        writing: Whether it holds the file read-write (else read-only).
    """

    pid: int
    writing: bool


def lock_holder(path: Path | str) -> Holder | None:
    """The other process holding a lock on the file, or None (no file, or nobody holds it).

    Only for a process with no connection of its own to the file (see the module docstring).
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        query = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        kind, _, _, _, pid = struct.unpack(_FLOCK, fcntl.fcntl(fd, fcntl.F_GETLK, query))
    finally:
        os.close(fd)
    if kind == fcntl.F_UNLCK:
        return None
    return Holder(pid, kind == fcntl.F_WRLCK)


def request_file(path: Path | str) -> Path:
    """The file a command-line writer leaves beside the store to ask the server to let go."""
    return Path(f"{path}.write-request")


def pending_request(path: Path | str) -> int | None:
    """The process id of a live process asking to write the store, or None (a dead one's request is removed)."""
    request = request_file(path)
    try:
        pid = int(request.read_text(encoding="ascii").strip() or 0)
    except (OSError, ValueError):
        return None
    if pid > 0 and _alive(pid):
        return pid
    with contextlib.suppress(OSError):
        request.unlink()
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _say_default(zh: str, en: str) -> None:
    import sys

    print(f"{zh}\n{en}", file=sys.stderr, flush=True)


def open_for_reading(
    path: Path | str, wait_s: float | None = None, say: Callable[[str, str], None] = _say_default
) -> duckdb.DuckDBPyConnection:
    """Open the store read-only, beside a server that serves it; wait while another process writes.

    Raises:
        StoreBusyError: Another process held the file for writing for longer than ``wait_s``.
        duckdb.Error: The file cannot be opened for another reason (damaged, not a database).
    """
    deadline = time.monotonic() + (float(setting("cli_wait_s")) if wait_s is None else wait_s)
    told = False
    while True:
        try:
            return connect(path, read_only=True)
        except duckdb.IOException:
            holder = lock_holder(path)
            if holder is None or not holder.writing:
                raise
            if time.monotonic() > deadline:
                raise _busy(path, holder) from None
            if not told:
                say(
                    f"数据库正由进程 {holder.pid} 写入，等待其完成……",
                    f"the store is being written by process {holder.pid}; waiting for it to finish …",
                )
                told = True
            time.sleep(POLL_S)


@contextlib.contextmanager
def open_for_writing(
    path: Path | str, wait_s: float | None = None, say: Callable[[str, str], None] = _say_default, *, ask: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the store read-write for the block; ask a serving dashboard to let go of it, and wait.

    Args:
        path: The store's file.
        wait_s: How long to wait for the file (the ``cli_wait_s`` setting when None).
        say: Told (Chinese, English) when the block has to wait.
        ask: Leave a write request for a serving process (the dashboard's own writes do not: they
            wait only for command-line readers, who finish by themselves).

    Raises:
        StoreBusyError: The file was still held after ``wait_s`` (nothing was written).
        duckdb.Error: The file cannot be opened for another reason (damaged, not a database).
    """
    request = request_file(path)
    deadline = time.monotonic() + (float(setting("cli_wait_s")) if wait_s is None else wait_s)
    asked = False
    try:
        while True:
            try:
                con = connect(path)
                break
            except duckdb.IOException:
                holder = lock_holder(path)
                if holder is None:
                    raise
                if time.monotonic() > deadline:
                    raise _busy(path, holder) from None
                if ask and not asked:
                    request.write_text(str(os.getpid()), encoding="ascii")
                    say(
                        f"数据库正被进程 {holder.pid}（如正在运行的仪表盘）使用；已请它暂时释放，等待中……",
                        f"the store is in use by process {holder.pid} (e.g. the running dashboard); it was asked to"
                        " let go for this write; waiting …",
                    )
                    asked = True
                elif not ask and not asked:
                    say(
                        f"等待进程 {holder.pid} 释放数据库……",
                        f"waiting for process {holder.pid} to let go of the store …",
                    )
                    asked = True
                time.sleep(POLL_S)
        try:
            yield con
            with contextlib.suppress(duckdb.Error):
                con.execute("CHECKPOINT")  # the file alone holds everything when the server reopens it
        finally:
            con.close()
    finally:
        if ask and asked:
            with contextlib.suppress(OSError):
                request.unlink()


def _busy(path: Path | str, holder: Holder) -> StoreBusyError:
    name = Path(path).name
    how, how_en = ("写入", "writing") if holder.writing else ("读取", "reading")
    return StoreBusyError(
        name,
        "",
        f"数据库正被进程 {holder.pid} {how}，等待超时。本次未写入任何内容；请稍后重试。",
        f"the store is held by process {holder.pid} ({how_en}) and did not become free in time. Nothing was"
        " written; please retry.",
    )


class Gate:
    """Many readers or one writer inside one process (a writer waits for the readers to leave).

    The writing thread may read and write again inside its own write (it passes straight through).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0
        self._writer: int | None = None

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Held around a read; waits while a write or a hand-over to another process is under way."""
        if self._writer == threading.get_ident():
            yield
            return
        with self._cond:
            self._cond.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Held around a write (or while another process writes); waits for the readers to leave."""
        if self._writer == threading.get_ident():
            yield
            return
        with self._cond:
            self._writers_waiting += 1
            self._cond.wait_for(lambda: not self._writing and self._readers == 0)
            self._writers_waiting -= 1
            self._writing = True
            self._writer = threading.get_ident()
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._writer = None
                self._cond.notify_all()


def prepare(
    path: Path | str, wait_s: float | None = None, say: Callable[[str, str], None] = _say_default
) -> str | None:
    """Make the file a usable store of this version before serving it.

    Built from ``data/`` when missing; rebuilt when written by another version; moved aside
    (``<file>.damaged-<time>``) and rebuilt when it cannot be opened and no process holds it —
    damage is told from a lock by asking the operating system who holds the file, not by the
    words of DuckDB's message.

    Returns:
        What was done, in English for the log, or None when the file was usable as it was.

    Raises:
        StoreBusyError: Another process held the file for writing for longer than ``wait_s``.
    """
    path = Path(path)
    if not path.exists():
        rebuild(path, uploads=uploads_dir(path), isolate=True)
        return f"built {path.name} from data/"
    try:
        con = open_for_reading(path, wait_s, say)
        try:
            con.execute("SELECT count(*) FROM reports").fetchall()
            con.execute("SELECT count(*) FROM observations").fetchall()
        finally:
            con.close()
        return None
    except StoreOutdatedError:
        rebuild(path, uploads=uploads_dir(path))
        return f"rebuilt {path.name}: written by another version"
    except duckdb.Error as exc:
        holder = lock_holder(path)
        if holder is not None:
            raise _busy(path, holder) from exc
        kept = move_aside(path)
        rebuild(path, uploads=uploads_dir(path), isolate=True)
        return f"{path.name} could not be opened ({type(exc).__name__}): kept as {kept.name if kept else '-'}, rebuilt"


@contextlib.contextmanager
def store_reader(
    db_path: Path | str | None = None, wait_s: float | None = None, say: Callable[[str, str], None] = _say_default
) -> Iterator[StoreReader]:
    """A :class:`loaders.store.queries.StoreReader` on the store, for the command-line tools.

    Opened read-only beside a dashboard that serves the same file; built from ``data/`` first
    when the file does not exist yet.

    Raises:
        StoreBusyError: Another process held the file for writing for longer than ``wait_s``.
        duckdb.Error: The file cannot be opened (damaged, not a database, another version).
    """
    path = Path(db_path or default_db_path())
    if not path.exists():
        say(f"数据库不存在，正在由 data/ 构建：{path}", f"building the store from data/: {path}")
        rebuild(path, uploads=uploads_dir(path))
    con = open_for_reading(path, wait_s, say)
    try:
        yield StoreReader(con)
    finally:
        con.close()
