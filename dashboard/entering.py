"""Writing hand entries (填报) through the dashboard: save, change, delete — each logged.

Belongs here: the planner's writes of :mod:`loaders.store.entries` through the store's guarded write path
(:func:`dashboard.store.write`), the write-log entry of every outcome (``entry`` — ``added``,
``replaced``, ``deleted``, ``refused``), and forgetting the cached reads afterwards. The page
calls these only for a session that has unlocked the planner role (:mod:`dashboard.auth`); every
failure arrives as a :class:`loaders.contracts.errors.LoadError` whose message names the target.
"""

from __future__ import annotations

from dashboard import auth, store
from loaders.contracts.errors import LoadError, TableError
from loaders.store.entries import check_entry, delete_entry, describe, save_entry, target_of
from loaders.store.writelog import record
from viz.i18n import both, t

ACTION = "entry"


def _require_planner() -> None:
    if not auth.is_planner():  # the page shows no form then; this guards the write itself
        raise TableError(t("entry_table", "zh"), "", *both("entry_planners_only"))


def save(
    plan_id: str,
    label_zh: str,
    *,
    school: str,
    year: int,
    value: float,
    source_document: str,
    note: str,
    author: str,
    entry_id: str | None = None,
) -> tuple[dict, str]:
    """Check, keep and store one entry (new, or a change of ``entry_id``), and log it.

    Returns:
        The entry as stored and ``added`` or ``replaced``.

    Raises:
        LoadError: Not a planner; the target or a field is not acceptable; the store is busy or was
            changed underneath the app. Nothing was kept or written.
    """
    try:
        _require_planner()

        def write(cursor: object) -> tuple[dict, str]:
            target = target_of(cursor, plan_id, label_zh)
            checked = check_entry(
                target,
                school=school,
                year=year,
                value=value,
                source_document=source_document,
                note=note,
                author=author,
            )
            return save_entry(cursor, checked, entry_id)

        entry, outcome = store.write(write)
    except OSError as exc:
        error = LoadError(
            t("entry_table", "zh"),
            label_zh,
            *both("entry_copy_failed", reason=exc.strerror),
        )
        _log("refused", entry_id or "", error.message)
        raise error from exc
    except LoadError as exc:
        _log("refused", entry_id or "", exc.message)
        raise
    finally:
        store.clear()
    _log(outcome, str(entry["entry_id"]), describe(entry))
    return entry, outcome


def delete(entry_id: str) -> dict | None:
    """Delete an entry (kept file and store), and log it.

    Returns:
        The entry deleted, or None when there was none.

    Raises:
        LoadError: Not a planner; busy, or the store was changed underneath the app.
    """
    try:
        _require_planner()
        entry = store.write(lambda cursor: delete_entry(cursor, entry_id))
    except LoadError as exc:
        _log("refused", entry_id, exc.message)
        raise
    finally:
        store.clear()
    _log("deleted" if entry else "not found", entry_id, describe(entry) if entry else "")
    return entry


def _log(outcome: str, entry_id: str, detail: str) -> None:
    """A write-log entry (in the log file alone when the store cannot take it)."""
    try:
        store.write(lambda cursor: record(cursor, ACTION, outcome, report_id=entry_id, detail=detail))
    except LoadError:
        record(None, ACTION, outcome, report_id=entry_id, detail=detail)
