"""Kept uploads: a copy of every report loaded from outside ``data/reports``, so that a rebuild of
the store brings every loaded report back.

Belongs here: the manifest that maps each report id to its kept file, keeping and forgetting a
copy, the files a rebuild loads, and :func:`ingest_upload` (write a report and keep its copy as
one step).

Each copy is named after the SHA-256 of its bytes (``<hash>.txt``, ``.pdf``, ``.xlsx``, ``.csv``),
never after the school or the uploaded name: two reports never share a file, whatever their
names, and no name from a user reaches the file system. ``manifest.json`` in the same folder
says which report each copy is for and the name it was uploaded under (a rebuild loads it under
that name, so its provenance is unchanged). Forgetting a report removes its manifest entry and
its copy, never another report's. The manifest is replaced atomically and changed under a file
lock (the dashboard and the command line may both keep copies).

An upload is kept in two steps (:func:`ingest_upload`): its copy is listed as *pending* before the
store is written and moved among the kept uploads once the write has committed. A process killed in
between leaves a pending entry: the store never had that report, so the next rebuild does not bring
it back — :func:`kept_files` drops the entry and its copy and says so in the write log (“unconfirmed
upload not restored”). The report the upload would have replaced stays kept, as the store kept it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from loaders.contracts.errors import LoadError
from loaders.contracts.paths import uploads_dir
from loaders.read.record import LoadResult
from loaders.store.isolate import KeptCopy, load_bytes_isolated
from loaders.store.writelog import record

_LOG = logging.getLogger(__name__)

MANIFEST = "manifest.json"
#: The planners' hand entries (填报) are kept in the same folder, under the same lock (loaders.store.entries).
ENTRIES_FILE = "entries.json"
#: The planners' acceptances of held-back figures, likewise (loaders.read.holds).
ACCEPTANCES_FILE = "acceptances.json"
_LOCK_FILE = ".manifest.lock"
#: Serialises keeping, writing and forgetting within a process (the file lock does it between processes).
UPLOAD_LOCK = threading.RLock()
_HASH_NAME = re.compile(r"[0-9a-f]{64}\.[a-z0-9]{1,8}")


@dataclass(frozen=True)
class KeptUpload:
    """One manifest entry.

    Attributes:
        report_id: The report the copy is of.
        file: The copy's name in the uploads folder (``<sha256>.<ext>``).
        sha256: Hash of the copy's bytes.
        source_file: The name it was uploaded (or ingested) under.
        kept_at: When it was kept (UTC, ISO 8601).
        given: What the planner said of the document when loading it (``school``, ``report_year``;
            see :attr:`loaders.read.record.LoadResult.given`): a rebuild loads the copy with it.
    """

    report_id: str
    file: str
    sha256: str
    source_file: str
    kept_at: str
    given: dict = field(default_factory=dict)


def kept_uploads(uploads: Path | None = None) -> list[KeptUpload]:
    """The manifest's entries, oldest first (a missing manifest: none).

    Files in the folder from before the manifest (named after the report id) are taken into it
    first (see :func:`_adopt_unlisted`), so that nothing kept earlier is lost.

    Args:
        uploads: The uploads folder (:func:`loaders.contracts.paths.uploads_dir` when None).

    Returns:
        One entry per kept report.
    """
    uploads = uploads or uploads_dir()
    if not uploads.is_dir():
        return []
    with _locked(uploads):
        entries = _read(uploads)
        if _unlisted(uploads, entries):
            entries = _adopt_unlisted(uploads, entries)
            _write(uploads, entries)
        return entries


def kept_files(uploads: Path | None = None, db_path: Path | str | None = None) -> list[KeptCopy]:
    """What a rebuild loads from the uploads folder: each copy with its name and what the planner said
    of it (:class:`loaders.store.isolate.KeptCopy`), oldest first.

    Pending entries (an upload killed before its write committed) are dropped with their copies and
    logged (in the log of the store at ``db_path``, default: the default store), never loaded (see the
    module docstring).
    """
    uploads = uploads or uploads_dir()
    entries = kept_uploads(uploads)
    discard_unconfirmed(uploads, db_path)
    return [
        KeptCopy(uploads / entry.file, entry.source_file, entry.given.get("school"), entry.given.get("report_year"))
        for entry in entries
    ]


def pending_uploads(uploads: Path | None = None) -> list[KeptUpload]:
    """Uploads listed before their write and never confirmed (a process killed in between)."""
    uploads = uploads or uploads_dir()
    if not (uploads / MANIFEST).is_file():
        return []
    with _locked(uploads):
        return _read(uploads, "pending")


def discard_unconfirmed(uploads: Path | None = None, db_path: Path | str | None = None) -> list[KeptUpload]:
    """Drop the pending entries and their copies, each with a write-log entry; returns them.

    Safe while another process uploads: a pending entry is written and confirmed under the
    manifest's file lock, which this takes too, so one seen here belongs to a process that died.
    """
    uploads = uploads or uploads_dir()
    if not (uploads / MANIFEST).is_file():
        return []
    with UPLOAD_LOCK, _locked(uploads):
        pending = _read(uploads, "pending")
        if not pending:
            return []
        entries = _read(uploads)
        _write(uploads, entries, pending=[])
        _remove_unused(uploads, entries)
    for entry in pending:
        record(
            None,
            "upload",
            "unconfirmed",
            report_id=entry.report_id,
            file_sha256=entry.sha256,
            detail=f"{entry.source_file}: 上传未确认写入（进程中断），未恢复 / upload never confirmed"
            " (its process was stopped before the write); not restored",
            db_path=db_path,
        )
    return pending


def keep(result: LoadResult, data: bytes, uploads: Path | None = None) -> Path:
    """Keep a copy of a loaded report's bytes and record it for its report id.

    A report id already kept is pointed at the new copy; the old copy is removed when no other
    report uses it. Writing the same bytes twice changes nothing.

    Args:
        result: The loaded report (its ``report_id``, ``format_used`` and ``source_file``).
        data: The file's bytes.
        uploads: The uploads folder (:func:`loaders.contracts.paths.uploads_dir` when None).

    Returns:
        The copy.
    """
    uploads = uploads or uploads_dir()
    with _locked(uploads):
        entries = _read(uploads)
        target = _write_copy(uploads, data, result.format_used)
        entries = _put(entries, _entry(result, target.name, data))
        _write(uploads, entries)
        _remove_unused(uploads, entries)
    return target


def forget(report_id: str, uploads: Path | None = None) -> list[Path]:
    """Forget a deleted report's copy, so that a rebuild does not bring it back.

    Returns:
        The files removed (none for a report that was not uploaded, e.g. a bundled one); a copy
        another report still uses is kept.
    """
    uploads = uploads or uploads_dir()
    if not uploads.is_dir():
        return []
    with _locked(uploads):
        entries = _read(uploads)
        gone = [e for e in entries if e.report_id == report_id]
        if not gone:
            return []
        entries = [e for e in entries if e.report_id != report_id]
        _write(uploads, entries)
        return _remove_unused(uploads, entries)


@contextlib.contextmanager
def keeping(
    result: LoadResult, data: bytes, uploads: Path | None = None, db_path: Path | None = None
) -> Iterator[None]:
    """Keep a report's copy for the write inside this block: both happen or, on any error, neither.

    The copy is kept (and the manifest points at it) before the block runs, and put back as it
    was when the block raises, so there is never a stored report that a rebuild would lose.

    Args:
        result: The loaded report.
        data: The file's bytes.
        uploads: The uploads folder (:func:`loaders.contracts.paths.uploads_dir` when None).
        db_path: The store written (whose write log hears of a killed upload's leftovers).
    """
    uploads = uploads or uploads_dir()
    discard_unconfirmed(uploads, db_path)  # a killed upload's leftovers, logged
    with UPLOAD_LOCK, _locked(uploads):
        before = _read(uploads)
        target = _write_copy(uploads, data, result.format_used)
        entry = _entry(result, target.name, data)
        _write(uploads, before, pending=[entry])  # listed, not yet kept: killed now, it is not restored
        try:
            yield
        except BaseException:
            _write(uploads, before, pending=[])
            _remove_unused(uploads, before)
            raise
        _write(uploads, _put(before, entry), pending=[])  # committed: now kept
        with contextlib.suppress(OSError):  # the report is written; an old copy left behind is harmless
            _remove_unused(uploads, _read(uploads))


# ------------------------------------------------------------------------------------ internals
def _entry(result: LoadResult, file: str, data: bytes) -> KeptUpload:
    return KeptUpload(
        report_id=result.report_id,
        file=file,
        sha256=hashlib.sha256(data).hexdigest(),
        source_file=result.source_file,
        kept_at=datetime.now(UTC).isoformat(timespec="seconds"),
        given=dict(result.given),
    )


def _put(entries: list[KeptUpload], entry: KeptUpload) -> list[KeptUpload]:
    """The entries with ``entry`` for its report id (an earlier one for the same id goes)."""
    return [e for e in entries if e.report_id != entry.report_id] + [entry]


def _extension(format_used: str) -> str:
    return {"text": "txt"}.get(format_used, re.sub(r"[^a-z0-9]", "", format_used)[:8] or "bin")


def _write_copy(uploads: Path, data: bytes, format_used: str) -> Path:
    """Write ``data`` as ``<sha256>.<ext>`` (atomically; an identical copy is left as it is)."""
    uploads.mkdir(parents=True, exist_ok=True)
    target = uploads / f"{hashlib.sha256(data).hexdigest()}.{_extension(format_used)}"
    if target.is_file() and target.stat().st_size == len(data):
        return target
    handle, tmp_name = tempfile.mkstemp(prefix=f".upload-{os.getpid()}-", dir=uploads)
    try:
        with os.fdopen(handle, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
    return target


def _remove_unused(uploads: Path, entries: list[KeptUpload]) -> list[Path]:
    """Remove copies no entry (kept or pending) uses (only files named like a copy; nothing else in the folder)."""
    used = {e.file for e in entries} | {e.file for e in _read(uploads, "pending")}
    removed = []
    for path in uploads.iterdir():
        if _HASH_NAME.fullmatch(path.name) and path.name not in used and path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def _read(uploads: Path, part: str = "uploads") -> list[KeptUpload]:
    path = uploads / MANIFEST
    if not path.is_file():
        return []
    records = json.loads(path.read_text(encoding="utf-8"))
    return [KeptUpload(**record) for record in records.get(part, [])]


def _write(uploads: Path, entries: list[KeptUpload], *, pending: list[KeptUpload] | None = None) -> None:
    """Replace the manifest; ``pending`` None keeps its pending entries as they are."""
    if pending is None:
        pending = _read(uploads, "pending")
    payload: dict[str, list] = {"uploads": [asdict(e) for e in entries]}
    if pending:
        payload["pending"] = [asdict(e) for e in pending]
    write_json(uploads, MANIFEST, payload)


def write_json(uploads: Path, name: str, payload: object, *, tag: str = "") -> None:
    """Write ``payload`` as ``uploads/name`` atomically (a synced temporary file, then a rename).

    A killed write leaves the old file whole; its ``.upload-*`` temporary is swept like any other.
    """
    uploads.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, ensure_ascii=False, indent=1)
    handle, tmp_name = tempfile.mkstemp(prefix=f".upload-{os.getpid()}-{tag}", suffix=".json", dir=uploads)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as tmp:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, uploads / name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)


def locked(uploads: Path) -> contextlib.AbstractContextManager[None]:
    """The uploads folder's lock (the manifest's), for other files kept there (loaders.store.entries)."""
    return _locked(uploads)


@contextlib.contextmanager
def _locked(uploads: Path) -> Iterator[None]:
    """The manifest's lock: this process's threads in turn, and other processes in turn."""
    with UPLOAD_LOCK:
        uploads.mkdir(parents=True, exist_ok=True)
        with open(uploads / _LOCK_FILE, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _unlisted(uploads: Path, entries: list[KeptUpload]) -> list[Path]:
    """Report files in the folder that the manifest does not list (kept before it existed)."""
    listed = (MANIFEST, ENTRIES_FILE, ACCEPTANCES_FILE, *(e.file for e in entries))
    return sorted(
        p
        for p in uploads.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name not in listed
        and not _HASH_NAME.fullmatch(p.name)  # a copy of ours that the manifest dropped: removed, not adopted
    )  # fmt: skip


def _adopt_unlisted(uploads: Path, entries: list[KeptUpload]) -> list[KeptUpload]:
    """Take files kept before the manifest existed into it, under their hash (a one-time step).

    Each is loaded (in a child process, under the parsing limits) to learn its report id; one
    that no longer loads is left where it is and reported in the log.
    """
    adopted = list(entries)
    for path in _unlisted(uploads, entries):
        data = path.read_bytes()
        try:
            result = load_bytes_isolated(data, path.name)
        except LoadError as exc:
            _LOG.warning("kept upload %s cannot be loaded and stays outside the manifest: %s", path.name, exc)
            continue
        target = _write_copy(uploads, data, result.format_used)
        adopted = _put(adopted, _entry(result, target.name, data))
        if target != path:
            path.unlink()
    return adopted
