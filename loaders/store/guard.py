"""Watching the store's file while a process serves it, and recovering when it was damaged.

Belongs here: :class:`StoreGuard` (has the file changed other than by this process's own
writes?) and :func:`recover` (move a damaged file aside, rebuild from ``data/`` and the kept
uploads, check that every kept report is back, write it in the log).

Only the writing process changes the store's file, and only while it writes: between its writes
the file's identity, size and modification time (and those of its ``.wal``) stay as they were
after the last one. The guard remembers them after every write of its process; anything else
that changes them — the file truncated, overwritten or replaced, its log removed — is noticed at
the next read or write. The file's header (DuckDB's ``DUCK`` magic) is checked too.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

#: Where DuckDB's magic bytes are in a database file's first block.
_MAGIC = b"DUCK"
_MAGIC_AT = 8

Stat = tuple[int, int, int, int] | None


def _stat(path: Path) -> Stat:
    try:
        s = path.stat()
    except FileNotFoundError:
        return None
    return (s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns)


def fingerprint(path: Path) -> tuple[Stat, Stat]:
    """The file's and its ``.wal``'s identity, size and modification time."""
    return (_stat(path), _stat(Path(f"{path}.wal")))


def header_problem(path: Path) -> str | None:
    """What is wrong with the file's header, or None when it looks like a DuckDB database."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_MAGIC_AT + len(_MAGIC))
    except FileNotFoundError:
        return "the file is missing"
    except OSError as exc:
        return f"the file cannot be read ({exc.strerror})"
    if head[_MAGIC_AT:] != _MAGIC:
        return f"the file's header is not a DuckDB header ({len(head)} bytes read)"
    return None


@dataclass
class StoreGuard:
    """The state of one store file as its serving process last left it.

    Attributes:
        path: The store's file.
        lock: Held around every write of the process (and a recovery); a check between writes
            takes it without waiting (a check while a write is under way is the writer's to make).
        generation: Counts recoveries (a reader that failed mid-way can tell the store was replaced).
    """

    path: Path
    lock: threading.RLock = field(default_factory=threading.RLock)
    generation: int = 0
    _known: tuple[Stat, Stat] | None = None

    def remember(self) -> None:
        """Take the file as it is now as the process's own (after opening it and after each write)."""
        self._known = fingerprint(self.path)

    def problem(self) -> str | None:
        """What changed since :meth:`remember`, in words, or None (nothing remembered yet: None)."""
        if self._known is None:
            return None
        now = fingerprint(self.path)
        if now == self._known:
            return None
        (was, was_wal), (is_, is_wal) = self._known, now
        if is_ is None:
            return "the database file was removed"
        if was is not None and (was[0], was[1]) != (is_[0], is_[1]):
            return "the database file was replaced by another file"
        if was is not None and is_[2] < was[2]:
            return f"the database file was truncated ({was[2]} → {is_[2]} bytes)"
        if was != is_:
            return "the database file was written by another program"
        if was_wal != is_wal:
            return "the database's write-ahead log (.wal) was changed by another program"
        return "the database file changed"  # pragma: no cover - every field is covered above

    def damaged_after_write(self) -> str | None:
        """After this process's own write: whether the file still looks like a database."""
        return header_problem(self.path)


@dataclass(frozen=True)
class Recovery:
    """What :func:`recover` did.

    Attributes:
        at: When (UTC).
        reason: What was noticed.
        moved_to: Where the damaged file was kept (None when there was no file).
        reports: Reports in the rebuilt store.
        missing: Kept uploads whose report is not back (their copy no longer loads).
        failures: ``file: message`` of kept uploads that could not be loaded.
    """

    at: datetime
    reason: str
    moved_to: Path | None
    reports: int
    missing: tuple[str, ...] = ()
    failures: tuple[str, ...] = ()

    def message(self) -> tuple[str, str]:
        """What happened and what was done, in Chinese and in English."""
        moved = f"已移至 {self.moved_to.name} 保留备查；" if self.moved_to else ""
        moved_en = f"it was kept as {self.moved_to.name}; " if self.moved_to else ""
        missing = f"未能恢复：{'、'.join(self.missing)}。" if self.missing else "所有已载入的报告均已恢复。"
        missing_en = f"not restored: {', '.join(self.missing)}." if self.missing else "every loaded report is back."
        return (
            f"数据库文件在服务运行期间被其他程序改动或损坏（{self.reason}）。{moved}"
            f"已从 data/ 与保留的上传副本重建，现有 {self.reports} 份报告，{missing}",
            f"the database file was changed or damaged by another program while being served ({self.reason}); "
            f"{moved_en}the store was rebuilt from data/ and the kept uploads and holds {self.reports} reports; "
            f"{missing_en}",
        )


def move_aside(path: Path) -> Path | None:
    """Keep a damaged file for inspection (``<name>.damaged-<time>``, with its ``.wal``) instead of deleting it."""
    if not path.exists():
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{number}")
    os.replace(path, target)
    wal = Path(f"{path}.wal")
    if wal.exists():
        os.replace(wal, Path(f"{target}.wal"))
    return target


def recover(path: Path, reason: str, uploads: Path | None = None) -> Recovery:
    """Rebuild a store whose file was damaged or changed underneath its process.

    The file (and its log) is moved aside, a new store is built from ``data/`` and every kept
    upload (parsed in a child process, as uploads are), the kept uploads are checked against it,
    and both events go into the write log. The caller must have closed its connection to the file.

    Args:
        path: The store's file.
        reason: What was noticed (for the log and the message).
        uploads: The kept uploads' folder (the default when None).

    Returns:
        What was done.
    """
    from loaders.contracts.paths import uploads_dir
    from loaders.store.build import rebuild
    from loaders.store.schema import connect
    from loaders.store.uploads import kept_uploads
    from loaders.store.writelog import record

    uploads = uploads or uploads_dir(path)
    moved = move_aside(path)
    outcomes = rebuild(path, uploads=uploads, isolate=True)
    con = connect(path)
    try:
        ids = {row[0] for row in con.execute("SELECT report_id FROM reports").fetchall()}
        missing = tuple(entry.report_id for entry in kept_uploads(uploads) if entry.report_id not in ids)
        failures = tuple(f"{o.report_id}: {o.notes[0] if o.notes else ''}" for o in outcomes if o.action == "failed")
        recovery = Recovery(datetime.now(UTC), reason, moved, len(ids), missing, failures)
        record(con, "store", "damaged", detail=f"{reason}; kept as {moved.name if moved else '-'}", db_path=path)
        record(con, "store", "recovered", detail=recovery.message()[1], db_path=path)
        with contextlib.suppress(Exception):
            con.execute("CHECKPOINT")
    finally:
        con.close()
    return recovery
