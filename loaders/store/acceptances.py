"""Figures held back, on the store's side: which stored figures the pages may use, and a planner's acceptance.

Belongs here: the one rule (:func:`shown_sql`, :func:`held_sql`) every read of the pages, exports and
command-line tools filters with, the ``acceptances`` table, and accepting a held figure
(:func:`accept_figure`: kept in ``acceptances.json`` beside the store's other kept files and in the
store, so a rebuild keeps it; every acceptance is in the write log). The checks that hold a figure back
are :mod:`loaders.read.holds`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from loaders.contracts.errors import TableError
from loaders.contracts.paths import uploads_dir
from loaders.read.holds import fmt, reason_text
from loaders.store.transaction import write_transaction
from loaders.store.uploads import ACCEPTANCES_FILE, UPLOAD_LOCK, locked, write_json

#: The store's table of acceptances (created with the schema; see :mod:`loaders.store.schema`).
ACCEPTANCE_COLUMNS = (
    "report_id",
    "source_line",
    "indicator_id",
    "subject",
    "year",
    "value",
    "held_reason",
    "accepted_by",
    "accepted_at",
    "note",
)
SCHEMA = """
CREATE TABLE IF NOT EXISTS acceptances (
    report_id VARCHAR NOT NULL,
    source_line INTEGER NOT NULL,
    indicator_id VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    held_reason VARCHAR NOT NULL,  -- the reason the figure was held, as it was when accepted
    accepted_by VARCHAR NOT NULL,
    accepted_at VARCHAR NOT NULL,  -- UTC, ISO 8601
    note VARCHAR NOT NULL
);
"""


# ------------------------------------------------------------------------------------ the one rule
def held_sql(alias: str = "o") -> str:
    """SQL that is true for a stored figure that is held back now: it has a reason and no acceptance.

    An acceptance is for one reading: the same report, line, indicator, subject, year *and value* (a
    changed reading of a new version of the report is held again).
    """
    return (
        f"(coalesce({alias}.held_reason, '') <> '' AND NOT EXISTS (SELECT 1 FROM acceptances a"
        f" WHERE a.report_id = {alias}.report_id AND a.source_line = {alias}.source_line"
        f" AND a.indicator_id = {alias}.indicator_id AND a.subject = {alias}.subject"
        f" AND a.year = {alias}.year AND a.value = {alias}.value))"
    )


def shown_sql(alias: str = "o") -> str:
    """SQL that is true for a figure the pages may use: not held back (see :func:`held_sql`).

    Every read the pages, the exports and the command-line tools use filters with this; only the Data
    page's list of figures asks for the held ones too.
    """
    return f"NOT {held_sql(alias)}"


# ------------------------------------------------------------------------------------ accepting
def read_acceptances_file(uploads: Path | None = None) -> list[dict]:
    """The kept acceptances (none when there is no file)."""
    path = (uploads or uploads_dir()) / ACCEPTANCES_FILE
    if not path.is_file():
        return []
    return list(json.loads(path.read_text(encoding="utf-8"))["acceptances"])


def restore_acceptances(con: duckdb.DuckDBPyConnection, uploads: Path | None = None) -> int:
    """Put the kept acceptances into a (rebuilt) store's empty ``acceptances`` table (inside the caller's write).

    Returns:
        Acceptances restored.
    """
    kept = read_acceptances_file(uploads)
    _insert(con, kept)
    return len(kept)


def accept_figure(
    con: duckdb.DuckDBPyConnection,
    report_id: str,
    source_line: int,
    indicator_id: str,
    subject: str,
    year: int,
    *,
    accepted_by: str,
    note: str = "",
    uploads: Path | None = None,
) -> dict:
    """Accept one held-back figure as read: from now on (and after any rebuild) it is used like any other.

    The acceptance is kept in ``acceptances.json`` (written first) and in the store's ``acceptances``
    table; when the store refuses, the file is put back as it was. The caller logs it (write log).

    Args:
        con: A writable connection (or cursor).
        report_id: The figure's report.
        source_line: Its line.
        indicator_id: Its indicator.
        subject: Its subject.
        year: Its year.
        accepted_by: Who accepts it (required).
        note: Why (optional).
        uploads: The uploads folder (:func:`loaders.contracts.paths.uploads_dir` when None).

    Returns:
        The acceptance as kept.

    Raises:
        TableError: No such figure held back now, or no name given.
        StoreBusyError: Another write was under way; nothing was kept or written.
    """
    where = f"{indicator_id}「{subject}」{year}（第 {source_line} 行）"
    accepted_by, note = str(accepted_by).strip()[:40], str(note).strip()[:500]
    if not accepted_by or any(ord(ch) < 32 for ch in accepted_by + note):
        raise TableError(
            report_id, where, "请填写确认人（不含控制字符）。", "give who accepts it (no control characters)."
        )  # fmt: skip
    found = con.execute(
        f"SELECT o.value, o.held_reason FROM observations o WHERE o.report_id = ? AND o.source_line = ?"
        f" AND o.indicator_id = ? AND o.subject = ? AND o.year = ? AND {held_sql('o')}",
        [report_id, int(source_line), indicator_id, subject, int(year)],
    ).fetchall()
    if not found:
        raise TableError(
            report_id, where, "没有这个暂不采用的数字（可能已被确认或报告已替换）。",
            "no such figure is held back (accepted already, or the report was replaced).",
        )  # fmt: skip
    value, reason = found[0]
    acceptance = {
        "report_id": report_id,
        "source_line": int(source_line),
        "indicator_id": indicator_id,
        "subject": subject,
        "year": int(year),
        "value": float(value),
        "held_reason": str(reason),
        "accepted_by": accepted_by,
        "accepted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "note": note,
    }
    folder = uploads or uploads_dir()
    with UPLOAD_LOCK, locked(folder):
        before = read_acceptances_file(folder)
        write_json(folder, ACCEPTANCES_FILE, {"acceptances": [*before, acceptance]}, tag="acceptances-")
        try:
            with write_transaction(con, report_id):
                _insert(con, [acceptance])
        except BaseException:
            write_json(folder, ACCEPTANCES_FILE, {"acceptances": before}, tag="acceptances-")
            raise
    return acceptance


def describe(acceptance: dict) -> str:
    """One line for the write log: the figure, its value, why it was held, who accepted it."""
    reason = reason_text(acceptance["held_reason"], "zh")
    return (
        f"{acceptance['report_id']} 第 {acceptance['source_line']} 行 {acceptance['indicator_id']}"
        f"「{acceptance['subject']}」{acceptance['year']} = {fmt(acceptance['value'])}（暂不采用的原因：{reason}；"
        f"确认人：{acceptance['accepted_by']}{'；' + acceptance['note'] if acceptance['note'] else ''}）"
    )


def _insert(con: duckdb.DuckDBPyConnection, acceptances: list[dict]) -> None:
    marks = ", ".join("?" * len(ACCEPTANCE_COLUMNS))
    sql = f"INSERT INTO acceptances ({', '.join(ACCEPTANCE_COLUMNS)}) VALUES ({marks})"
    for a in acceptances:
        con.execute(sql, [a[c] for c in ACCEPTANCE_COLUMNS])
