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


#: The fields of the 填报 form a planner must fill, in the form's order.
REQUIRED_FIELDS = ("target", "value", "source", "author")


def entry_problems(label: str | None, value: float | None, source: str, author: str, lang: str) -> dict[str, str]:
    """What is missing in a 填报 form, field by field, in words (empty when it can be saved).

    Args:
        label: The chosen target (None: none chosen).
        value: The current value (None: empty).
        source: The source document.
        author: Who enters it.
        lang: ``zh`` or ``en``.

    Returns:
        ``field → message`` for each of :data:`REQUIRED_FIELDS` left empty.
    """
    given = {"target": bool(label), "value": value is not None, "source": bool(source.strip())}
    given["author"] = bool(author.strip())
    return {field: t(f"entry_missing_{field}", lang) for field in REQUIRED_FIELDS if not given[field]}


def required(label: str, lang: str) -> str:
    """A field's label marked as required (「填报人 *」)."""
    return f"{label} {t('required_mark', lang)}"


def entries_elsewhere(described: str, unit: str, lang: str) -> str:
    """The line a target carries when a planner entered it for other years than the viewed report's.

    Args:
        described: The attainment's ``entered_elsewhere`` (``"2021=61.5;2025=63"``; "" when none).
        unit: The target's unit.
        lang: ``zh`` or ``en``.

    Returns:
        「已填报 2021 年：61.50%（填报值只计入所描述年度的报告）」, or "".
    """
    from viz.charts import format_value

    pairs = [part.partition("=") for part in described.split(";") if "=" in part]
    if not pairs:
        return ""
    years = ("、" if lang == "zh" else ", ").join(year for year, _, _ in pairs)
    values = ("；" if lang == "zh" else "; ").join(
        (f"{year} 年 " if lang == "zh" else f"{year}: ") + format_value(float(value), unit, lang=lang)
        if len(pairs) > 1
        else format_value(float(value), unit, lang=lang)
        for year, _, value in pairs
    )
    return t("entry_other_year", lang, years=years, values=values)
