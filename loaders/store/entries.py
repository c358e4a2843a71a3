"""填报: values a planner enters by hand for a plan's targets — checked, kept and stored.

Belongs here: checking an entry (one validator for hand-entered values: :mod:`loaders.read.rows`), keeping
it durably and writing it to the store's ``entries`` table, editing and deleting it, and putting the
kept entries back into a rebuilt store.

An entry is the current value of one target of one plan for one school and year, with the source
document it was taken from, a note, the author's name and the times it was entered and last changed
(columns :data:`loaders.contracts.fields.ENTRY_FIELDS`). It is kept the way uploaded reports are kept
(:mod:`loaders.store.uploads`): in ``entries.json`` in the uploads folder, replaced atomically under the
same file lock as the uploads' manifest. The file is written first and the store second; when the
store refuses, the file is put back as it was — so a rebuild of the store (``python -m loaders
rebuild``, or the app's recovery from a damaged file) brings every entry back, and never one the
store did not take.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from loaders.contracts.errors import TableError, ValueParseError
from loaders.contracts.fields import ENTRY_FIELDS, dtypes, names
from loaders.contracts.names import clean_name
from loaders.contracts.paths import uploads_dir
from loaders.contracts.plausible import check_entry_year, check_unit_value
from loaders.read.rows import check_indicator, check_year, to_registry_unit
from loaders.store.transaction import write_transaction
from loaders.store.uploads import ENTRIES_FILE, UPLOAD_LOCK, locked, write_json

ENTRY_COLUMNS = names(ENTRY_FIELDS)
ENTRY_DTYPES = dtypes(ENTRY_FIELDS)
#: What an entry's messages name as their file.
SOURCE = "填报"
#: Longest text kept in a field (source document, note, author).
MAX_TEXT = {"source_document": 200, "note": 500, "author": 40}


@dataclass(frozen=True)
class Target:
    """The target an entry is for, as the store has it (what the entry is checked against)."""

    plan_id: str
    label_zh: str
    indicator_id: str | None
    unit: str | None
    comparator: str
    start_year: int | None = None
    plan_year: int | None = None


def target_of(con: duckdb.DuckDBPyConnection, plan_id: str, label_zh: str) -> Target:
    """The stored target a value may be entered for.

    Raises:
        TableError: No such target, or a target whose value is text (nothing to enter a number for).
    """
    found = con.execute(
        "SELECT t.indicator_id, t.unit, t.comparator, p.start_year, p.target_year"
        " FROM targets t LEFT JOIN plans p USING (plan_id) WHERE t.plan_id = ? AND t.label_zh = ?",
        [plan_id, label_zh],
    ).fetchall()
    if not found:
        raise TableError(SOURCE, plan_id, f"规划中没有目标“{label_zh}”。", f"the plan has no target {label_zh!r}.")
    indicator_id, unit, comparator, start_year, plan_year = found[0]
    return Target(plan_id, label_zh, indicator_id, unit, comparator, start_year, plan_year)


def check_entry(
    target: Target,
    *,
    school: str,
    year: int,
    value: float,
    source_document: str,
    note: str,
    author: str,
) -> dict[str, object]:
    """Check one entry; the value is in the target's unit (the registry unit of its indicator).

    Returns:
        The entry's checked fields (no id or times yet).

    Raises:
        ValueParseError: The value is not a finite number, out of its unit's plausible range
            (``data/specs/unit_ranges.csv``: even for a target with no indicator) or its indicator's, or
            not whole where a count is meant; the year is outside 1990–2100, outside the plan's period
            (its baseline year included) or after the current year.
        TableError: The school, source document or author is empty; a text is too long or holds
            control characters.
    """
    where = f"{target.plan_id}「{target.label_zh}」"
    if not isinstance(value, int | float) or not math.isfinite(float(value)):
        raise ValueParseError(
            SOURCE,
            where,
            f"数值应为有限的数字，实际为“{value}”。",
            f"the value must be a finite number, found {value!r}.",
        )
    value = float(value)
    check_year(int(year), SOURCE, where)
    if target.plan_year is not None:  # within the plan's period, never a future year
        check_entry_year(int(year), target.start_year, target.plan_year, SOURCE, where)
    check_unit_value(value, target.unit, SOURCE, where)  # every entry, with or without an indicator
    texts = {"school": school, "source_document": source_document, "note": note, "author": author}
    for field, text in texts.items():
        text = str(text).strip()
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
            raise TableError(SOURCE, where, f"“{field}”含有控制字符。", f"{field} holds control characters.")
        if len(text) > MAX_TEXT.get(field, 60):
            raise TableError(
                SOURCE,
                where,
                f"“{field}”过长（至多 {MAX_TEXT.get(field, 60)} 字）。",
                f"{field} is too long (at most {MAX_TEXT.get(field, 60)} characters).",
            )
        texts[field] = text
    texts["school"] = clean_name(texts["school"])  # one canonical name, as a report's (loaders.contracts.names)
    for field, zh in (("school", "学校"), ("source_document", "来源文件"), ("author", "填报人")):
        if not texts[field]:
            raise TableError(SOURCE, where, f"请填写{zh}。", f"the {field.replace('_', ' ')} is required.")
    unit = target.unit or ""
    if target.indicator_id and target.comparator != "text":
        info = check_indicator(target.indicator_id, SOURCE, where)
        if unit in ("", info.unit):  # a relative target's 倍 is no registry unit: its range is not the indicator's
            value, unit = to_registry_unit(target.indicator_id, value, unit, info, SOURCE, where)
    elif value < 0:
        raise ValueParseError(
            SOURCE, where, f"数值不能为负数，实际为 {value:g}。", f"the value must not be negative, found {value:g}."
        )
    return {
        "plan_id": target.plan_id,
        "label_zh": target.label_zh,
        "indicator_id": target.indicator_id or "",
        "year": int(year),
        "value": value,
        "unit": unit,
        **texts,
    }


def save_entry(
    con: duckdb.DuckDBPyConnection, checked: dict[str, object], entry_id: str | None = None, uploads: Path | None = None
) -> tuple[dict[str, object], str]:
    """Keep and store an entry: a new one, or a change to ``entry_id`` (the same target, school and year
    replaces the entry there was).

    Args:
        con: A writable connection or cursor.
        checked: What :func:`check_entry` returned.
        entry_id: The entry to change; None for a new one.
        uploads: The uploads folder (:func:`loaders.contracts.paths.uploads_dir` when None).

    Returns:
        The entry as stored and what happened (``added``, ``replaced``).

    Raises:
        TableError: ``entry_id`` names no entry.
        StoreBusyError: Another write was under way; nothing was kept or written.
    """
    uploads = uploads or uploads_dir()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with UPLOAD_LOCK, locked(uploads):
        before = read_entries_file(uploads)
        same = [
            e for e in before
            if (e["plan_id"], e["label_zh"], e["school"], e["year"]) == (
                checked["plan_id"], checked["label_zh"], checked["school"], checked["year"]
            )
        ]  # fmt: skip
        if entry_id is not None and not any(e["entry_id"] == entry_id for e in before):
            raise TableError(
                SOURCE, entry_id, "没有这条填报记录（可能已被删除）。", "no such entry (deleted, perhaps)."
            )
        replaced = next((e for e in before if e["entry_id"] == entry_id), None) or (same[0] if same else None)
        entry = {
            "entry_id": replaced["entry_id"] if replaced else uuid.uuid4().hex,
            **checked,
            "entered_at": replaced["entered_at"] if replaced else now,
            "updated_at": now,
        }
        gone = {e["entry_id"] for e in same} | ({entry_id} if entry_id else set())
        after = [e for e in before if e["entry_id"] not in gone] + [entry]
        _write_file(uploads, after)
        try:
            _replace_rows(con, gone | {entry["entry_id"]}, [entry])
        except BaseException:
            _write_file(uploads, before)
            raise
    return entry, "replaced" if replaced else "added"


def delete_entry(con: duckdb.DuckDBPyConnection, entry_id: str, uploads: Path | None = None) -> dict | None:
    """Delete an entry from the kept file and the store (both or neither).

    Returns:
        The entry deleted, or None when there was none.
    """
    uploads = uploads or uploads_dir()
    with UPLOAD_LOCK, locked(uploads):
        before = read_entries_file(uploads)
        entry = next((e for e in before if e["entry_id"] == entry_id), None)
        if entry is None:
            return None
        _write_file(uploads, [e for e in before if e["entry_id"] != entry_id])
        try:
            _replace_rows(con, {entry_id}, [])
        except BaseException:
            _write_file(uploads, before)
            raise
    return entry


def read_entries_file(uploads: Path | None = None) -> list[dict]:
    """The kept entries (none when there is no file)."""
    path = (uploads or uploads_dir()) / ENTRIES_FILE
    if not path.is_file():
        return []
    return list(json.loads(path.read_text(encoding="utf-8"))["entries"])


def restore_entries(con: duckdb.DuckDBPyConnection, uploads: Path | None = None) -> int:
    """Put the kept entries into a (rebuilt) store's empty ``entries`` table, inside the caller's write.

    Returns:
        Entries restored.
    """
    entries = read_entries_file(uploads)
    if entries:
        _insert(con, entries)
    return len(entries)


def entries_frame(entries: list[dict]) -> pd.DataFrame:
    """Entries as a frame with :data:`ENTRY_COLUMNS` and their dtypes."""
    return pd.DataFrame(entries, columns=ENTRY_COLUMNS).astype(ENTRY_DTYPES)


def describe(entry: dict) -> str:
    """One line for the write log: the target, the value and year, the school, source and author."""
    return (
        f"{entry['plan_id']}「{entry['label_zh']}」{entry['year']} = {entry['value']:g}{entry['unit']}"
        f"（{entry['school']}；来源：{entry['source_document']}；填报人：{entry['author']}）"
    )


def _replace_rows(con: duckdb.DuckDBPyConnection, ids: set[str], entries: list[dict]) -> None:
    with write_transaction(con, SOURCE):
        con.execute("DELETE FROM entries WHERE list_contains(?, entry_id)", [sorted(ids)])
        _insert(con, entries)


def _insert(con: duckdb.DuckDBPyConnection, entries: list[dict]) -> None:
    if not entries:
        return
    con.register("new_entries", entries_frame(entries))
    try:
        con.execute(f"INSERT INTO entries SELECT {', '.join(ENTRY_COLUMNS)} FROM new_entries")
    finally:
        con.unregister("new_entries")


def _write_file(uploads: Path, entries: list[dict]) -> None:
    write_json(uploads, ENTRIES_FILE, {"entries": entries}, tag="entries-")
