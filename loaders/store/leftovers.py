"""Leftovers of killed processes: half-built stores (``.rebuild-*``) and half-written copies
(``.upload-*``), removed when a command or the dashboard starts.

Belongs here: recognising a leftover and removing it. A temporary file's name carries the id of
the process writing it (``.rebuild-<pid>-….duckdb``); it is a leftover when that process is gone,
or — for a store under construction, whatever its name — when no process holds DuckDB's lock on
it. Files of a build that is still running are never touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from pathlib import Path

_PID = re.compile(r"\.(?:rebuild|upload)-(\d+)-")


def process_is_alive(pid: int) -> bool:
    """Whether a process with this id exists (0 or less: no)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _pid_of(name: str) -> int:
    match = _PID.match(name)
    return int(match.group(1)) if match else 0


def _locked_by_another_process(path: Path) -> bool:
    """Whether another process holds a lock on the file (DuckDB locks the store it has open).

    Never asked about a file this process may have open: closing any descriptor of a file
    drops every POSIX lock this process holds on it.
    """
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def remove_stale_builds(folder: Path) -> list[Path]:
    """Remove the temporary files of builds that were killed (``.rebuild-*`` with their ``.wal``).

    A build of this process is left alone; another process's is removed when that process is
    gone, or when its name has no process id (an older build) and nobody holds its lock.

    Args:
        folder: The store's folder.

    Returns:
        The files removed.
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in sorted(folder.glob(".rebuild-*")):
        if path.name.endswith(".wal"):
            continue  # goes with its store below
        pid = _pid_of(path.name)
        if pid == os.getpid():
            continue
        if process_is_alive(pid) or (pid == 0 and _locked_by_another_process(path)):
            continue
        for leftover in (path, Path(f"{path}.wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
                removed.append(leftover)
    for wal in folder.glob(".rebuild-*.wal"):  # a log whose store is gone
        if not Path(str(wal).removesuffix(".wal")).exists() and _pid_of(wal.name) != os.getpid():
            with contextlib.suppress(FileNotFoundError):
                wal.unlink()
                removed.append(wal)
    return removed


def remove_stale_uploads(uploads: Path) -> list[Path]:
    """Remove copies half-written by a process that was killed (``.upload-<pid>-…`` of a dead process)."""
    removed: list[Path] = []
    for path in sorted(uploads.glob(".upload-*")) if uploads.is_dir() else []:
        pid = _pid_of(path.name)
        if pid != os.getpid() and not process_is_alive(pid):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed


def remove_leftovers(db_path: Path, uploads: Path) -> list[Path]:
    """Everything killed processes left next to the store and in the uploads folder (at start)."""
    return remove_stale_builds(Path(db_path).parent) + remove_stale_uploads(uploads)
