"""The planners' hand entries (填报) as a table a reader (and an export) can take in."""

from __future__ import annotations

import pandas as pd

from viz.i18n import basis_name, t
from viz.names import local_times


def entries_table(entries: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Entries as shown and exported: target, year, value and unit, the 填报 mark, source, note, who and when.

    Args:
        entries: Rows of :func:`loaders.store.queries.read_entries` (``ENTRY_FIELDS`` columns).
        lang: ``zh`` or ``en``.

    Returns:
        One row per entry, ordered by target and year; every value keeps its source document.
    """
    ordered = entries.sort_values(["label_zh", "year"], kind="stable")
    return pd.DataFrame(
        {
            t("entry_target", lang): ordered["label_zh"].astype(str),
            t("entry_year", lang): ordered["year"].astype("int64"),
            t("entry_value", lang): ordered["value"].astype("float64"),
            t("unit", lang): ordered["unit"].astype(str),
            t("basis", lang): basis_name("entered", lang),
            t("entry_source", lang): ordered["source_document"].astype(str),
            t("entry_note", lang): ordered["note"].astype(str),
            t("entry_author", lang): ordered["author"].astype(str),
            t("entry_entered_at", lang): local_times(ordered["entered_at"]),
            t("entry_updated_at", lang): local_times(ordered["updated_at"]),
        }
    ).reset_index(drop=True)
