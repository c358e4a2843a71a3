"""Loading and deleting data through the dashboard (the 数据 page's planner tab).

Belongs here: an upload parsed in a child process under the size, memory and time limits
(:func:`loaders.store.isolate.load_bytes_isolated`; parsed once per file and session, not on every
rerun), written together with its kept copy (:func:`loaders.store.uploads.ingest_upload`) through the
store's guarded write path, deletions, and a write-log entry for each outcome. Every failure
arrives as a :class:`loaders.contracts.errors.LoadError` whose message names the file — a value the
database refuses included — never as a traceback.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import store
from loaders.contracts.errors import LoadError
from loaders.contracts.paths import uploads_dir
from loaders.contracts.settings import max_upload_bytes
from loaders.plans.load import PlanRead
from loaders.read.record import LoadResult
from loaders.store.acceptances import accept_figure
from loaders.store.acceptances import describe as describe_acceptance
from loaders.store.isolate import load_bytes_isolated, read_plan_isolated
from loaders.store.kept_plans import ingest_plan_upload
from loaders.store.writelog import record
from loaders.store.writes import IngestOutcome, forget_report, ingest_upload
from viz.i18n import both

_PARSED = "_upload_parsed"


def parse(data: bytes, name: str, school: str | None = None, report_year: int | None = None) -> LoadResult:
    """The uploaded file, parsed under the limits (the same file again in this session: as before).

    Args:
        data: The uploaded bytes.
        name: The name the browser gave.
        school: The school, when the planner gave it (a document that does not say it).
        report_year: The data year, when the planner gave it.

    Returns:
        The loaded report, not yet written.

    Raises:
        LoadError: Too large, over the time or memory limit, or not loadable (logged as refused).
    """
    key = (hashlib.sha256(data).hexdigest(), name, school, report_year)
    cached = st.session_state.get(_PARSED)
    if cached is None or cached[0] != key:
        try:
            given = {"school": school, "report_year": report_year}
            cached = (key, load_bytes_isolated(data, name, max_bytes=max_upload_bytes(), **given))
        except LoadError as exc:
            cached = (key, exc)
            _log("upload", "refused", file_sha256=key[0], detail=exc.message)
        st.session_state[_PARSED] = cached
    if isinstance(cached[1], LoadError):
        raise cached[1]
    return cached[1]


class ReplacedMeanwhile(LoadError):
    """The report changed between the planner's preview and their confirmation (another planner loaded it).

    Attributes:
        current: What the store holds now (see :func:`stored_version`).
    """

    def __init__(self, result: LoadResult, current: tuple[str, str, str] | None) -> None:
        when = current[1][:16].replace("T", " ") + " UTC" if current else "—"
        texts = both("replaced_meanwhile", report=result.report_id, when=when, file=current[2] if current else "—")
        super().__init__(result.source_file, "", *texts)
        self.current = current


def stored_version(cursor, report_id: str) -> tuple[str, str, str] | None:
    """``(sha256, loaded_at ISO, source file)`` of a stored report, or None when it is not loaded."""
    row = cursor.execute(
        "SELECT sha256, loaded_at, source_file FROM reports WHERE report_id = ?", [report_id]
    ).fetchone()
    return None if row is None else (str(row[0]), pd.Timestamp(row[1]).isoformat(), str(row[2]))


def load(result: LoadResult, data: bytes, seen: object = ..., *, allow_loss: bool = True) -> IngestOutcome:
    """Write a parsed upload and keep its copy (both or neither), and log it.

    Args:
        result: The parsed upload.
        data: Its bytes.
        allow_loss: The planner confirmed losing the figures a replacement loses
            (:mod:`loaders.store.replacing`); when False such a write is refused.
        seen: The report's stored version when the planner was shown the preview (see
            :func:`stored_version`; None: not loaded then). When the store holds another version now —
            another planner loaded one in the meantime — nothing is written and the planner is told
            (:class:`ReplacedMeanwhile`). Leave out (``...``) to skip the check (command line).

    Raises:
        ReplacedMeanwhile: See ``seen``.
        LoadError: Nothing was written: busy (retry), refused by the database (a value out of
            range), the file was changed underneath the app (the store was rebuilt), or the copy
            could not be saved.
    """

    def write(cursor) -> IngestOutcome:
        if seen is not ...:
            current = stored_version(cursor, result.report_id)
            if current != seen:  # checked inside the write: no other write runs in between
                raise ReplacedMeanwhile(result, current)
        return ingest_upload(cursor, result, data, allow_loss=allow_loss, refused_how=both("replace_refused_how"))

    return _logged_write("upload", write, result.source_file, result.report_id, result.sha256)


def _logged_write(
    action: str, write: Callable[[Any], IngestOutcome], source_file: str, item_id: str, sha256: str
) -> IngestOutcome:
    """Run one planner write through the app's store and log its outcome (a refusal with its message).

    Raises:
        LoadError: Nothing was written; a copy that could not be saved is said as such.
    """
    try:
        outcome = store.write(write)
    except OSError as exc:
        error = LoadError(source_file, "", *both("upload_copy_failed", reason=exc.strerror))
        _log(action, "refused", report_id=item_id, file_sha256=sha256, detail=error.message)
        raise error from exc
    except LoadError as exc:
        _log(action, "refused", report_id=item_id, file_sha256=sha256, detail=exc.message)
        raise
    finally:
        store.clear()
    _log(action, outcome.action, report_id=item_id, file_sha256=sha256, detail=source_file)
    return outcome


def accept(figure: dict, accepted_by: str, note: str) -> dict:
    """Accept one held-back figure (:func:`loaders.read.holds.accept_figure`: kept and stored), and log it.

    Args:
        figure: ``report_id``, ``source_line``, ``indicator_id``, ``subject``, ``year`` of the figure.
        accepted_by: Who accepts it.
        note: Why (optional).

    Returns:
        The acceptance as kept.

    Raises:
        LoadError: Nothing was accepted (no such held figure, no name, busy, the file changed underneath).
    """
    keys = ("report_id", "source_line", "indicator_id", "subject", "year")
    try:
        acceptance = store.write(
            lambda cursor: accept_figure(
                cursor, *(figure[k] for k in keys), accepted_by=accepted_by, note=note, uploads=uploads_dir()
            )
        )
    except LoadError as exc:
        _log("accept", "refused", report_id=str(figure.get("report_id", "")), detail=exc.message)
        raise
    finally:
        store.clear()
    _log("accept", "accepted", report_id=acceptance["report_id"], detail=describe_acceptance(acceptance))
    return acceptance


def delete(report_id: str) -> bool:
    """Delete a report and its kept copy (never another report's), and log it.

    Returns:
        Whether there was such a report.

    Raises:
        LoadError: Nothing was deleted (busy, or the file was changed underneath the app).
    """
    try:
        found, removed = store.write(lambda cursor: forget_report(cursor, report_id))
    except LoadError as exc:
        _log("delete", "refused", report_id=report_id, detail=exc.message)
        raise
    finally:
        store.clear()
    _log(
        "delete",
        "deleted" if found else "not found",
        report_id=report_id,
        detail=", ".join(f"removed {path.name}" for path in removed),
    )
    return found


def _log(action: str, outcome: str, **fields: str) -> None:
    """A write-log entry through the guarded write path (in the log file alone when the store cannot take it)."""
    try:
        store.write(lambda cursor: record(cursor, action, outcome, **fields))
    except LoadError:
        record(None, action, outcome, **fields)


_PLAN_PARSED = "_plan_upload_parsed"


def parse_plan(data: bytes, name: str, meta: dict[str, object]) -> PlanRead:
    """An uploaded plan file, read under the limits (the same file and fields again in this session: as before).

    Args:
        data: The uploaded bytes.
        name: The name the browser gave.
        meta: What the planner said a document does not say itself (title, issuer, scope, applies_to).

    Returns:
        The plan read, not yet written.

    Raises:
        LoadError: Too large, over the limits, or not a plan (logged as refused).
    """
    key = (hashlib.sha256(data).hexdigest(), name, tuple(sorted((k, str(v)) for k, v in meta.items() if v)))
    cached = st.session_state.get(_PLAN_PARSED)
    if cached is None or cached[0] != key:
        try:
            cached = (key, read_plan_isolated(data, name, meta, max_bytes=max_upload_bytes()))
        except LoadError as exc:
            cached = (key, exc)
            _log("upload-plan", "refused", file_sha256=key[0], detail=exc.message)
        st.session_state[_PLAN_PARSED] = cached
    if isinstance(cached[1], LoadError):
        raise cached[1]
    return cached[1]


def load_plan(read: PlanRead, data: bytes) -> IngestOutcome:
    """Write a plan read from an upload and keep its copy (both or neither), and log it.

    Raises:
        LoadError: Nothing was written (busy, refused, the store changed underneath, the copy not saved).
    """
    return _logged_write(
        "upload-plan",
        lambda cursor: ingest_plan_upload(cursor, read, data),
        read.source_file,
        read.plan_id,
        read.sha256,
    )
