"""Kept plan uploads: a copy of every plan a college loaded, so that a rebuild of the store brings it back.

Belongs here: the plans' manifest and copies in the ``plans/`` folder of the uploads folder
(``data/uploads/plans/plans.json`` and ``<sha256>.<ext>``), apart from the reports' manifest (whose
folder holds only report copies), changed under the uploads folder's lock; the files a rebuild
loads (:func:`kept_plan_files`), and :func:`ingest_plan_upload` (write a plan and keep its copy as one
step: both or neither). Each entry keeps what the planner said about a document that does not say
it itself (title, scope, whom it applies to), so the rebuilt plan is the same plan.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from loaders.contracts.paths import uploads_dir
from loaders.plans.load import PlanRead
from loaders.store.uploads import locked, write_json
from loaders.store.writes import IngestOutcome, ingest_plan_read

PLANS_FOLDER = "plans"
MANIFEST = "plans.json"
_EXTENSIONS = {"plan_workbook": "xlsx", "plan_spec": "txt", "plan_table": "bin"}


@dataclass(frozen=True)
class KeptPlan:
    """One kept plan: its id, the copy's name, the hash, the name it was uploaded under, what the planner said."""

    plan_id: str
    file: str
    sha256: str
    source_file: str
    kept_at: str
    meta: dict[str, Any] = field(default_factory=dict)


def _folder(uploads: Path | None) -> tuple[Path, Path]:
    uploads = uploads or uploads_dir()
    return uploads, uploads / PLANS_FOLDER


def kept_plans(uploads: Path | None = None) -> list[KeptPlan]:
    """The kept plans, oldest first (none when nothing was kept)."""
    uploads, folder = _folder(uploads)
    path = folder / MANIFEST
    if not path.is_file():
        return []
    with locked(uploads):
        records = json.loads(path.read_text(encoding="utf-8"))
    return [KeptPlan(**record) for record in records["plans"]]


def kept_plan_files(uploads: Path | None = None) -> list[tuple[Path, str, dict[str, Any]]]:
    """What a rebuild loads: ``(copy, name uploaded under, what the planner said)``, oldest first."""
    _, folder = _folder(uploads)
    return [(folder / kept.file, kept.source_file, dict(kept.meta)) for kept in kept_plans(uploads)]


def _extension(read: PlanRead) -> str:
    suffix = Path(read.source_file).suffix.lower().lstrip(".")
    return suffix if suffix in ("txt", "md", "pdf", "xlsx", "csv") else _EXTENSIONS.get(read.format_used, "bin")


def ingest_plan_upload(
    con: duckdb.DuckDBPyConnection, read: PlanRead, data: bytes, uploads: Path | None = None
) -> IngestOutcome:
    """Write a plan read from an upload and keep its copy: both or, on any error, neither.

    Args:
        con: A writable connection (or cursor).
        read: The plan read (:func:`loaders.plans.load.read_plan_bytes`).
        data: The file's bytes.
        uploads: The uploads folder (:func:`loaders.contracts.paths.uploads_dir` when None).

    Returns:
        The store's :class:`loaders.store.IngestOutcome`.

    Raises:
        LoadError: The write failed (nothing written, the manifest as before).
        OSError: The copy could not be saved (nothing written).
    """
    uploads, folder = _folder(uploads)
    with locked(uploads):
        folder.mkdir(parents=True, exist_ok=True)
        manifest = folder / MANIFEST
        before = manifest.read_text(encoding="utf-8") if manifest.is_file() else None
        entries = [KeptPlan(**r) for r in json.loads(before)["plans"]] if before else []
        copy = folder / f"{read.sha256}.{_extension(read)}"
        new_copy = not copy.is_file()
        if new_copy:
            copy.write_bytes(data)
        meta = _meta(read)
        entry = KeptPlan(read.plan_id, copy.name, read.sha256, read.source_file, _now(), meta)
        entries = [e for e in entries if e.plan_id != read.plan_id] + [entry]
        write_json(folder, MANIFEST, {"plans": [asdict(e) for e in entries]}, tag="plans")
        try:
            outcome = ingest_plan_read(con, read)
        except BaseException:
            if before is None:
                manifest.unlink(missing_ok=True)
            else:
                write_json(folder, MANIFEST, json.loads(before), tag="plans")
            if new_copy:
                with contextlib.suppress(OSError):
                    os.unlink(copy)
            raise
        used = {e.file for e in entries}
        for path in folder.iterdir():
            if path.is_file() and path.name != MANIFEST and path.name not in used and not path.name.startswith("."):
                path.unlink()
    return outcome


def _meta(read: PlanRead) -> dict[str, Any]:
    """What the rebuild needs to read a document into the same plan (the workbook and known plans say it)."""
    if read.format_used != "plan_table":
        return {}
    keys = ("title", "issuer", "scope", "applies_to", "start_year", "target_year")
    return {key: read.plan[key] for key in keys if read.plan.get(key) is not None}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
