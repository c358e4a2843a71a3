"""Plan-target tables: the on-screen table of the 规划对标 page and the table its downloads carry.

Belongs here: turning :func:`metrics.targets.compute_attainment` rows into tables a planner reads —
the plan's own wording of each target, its comparison (≥ ≤ =), the target and the current value
rounded to their unit, the status in words, "—" wherever there is nothing (never ``None``). The
screen gets text (so every cell reads the same way); the downloads keep numbers as numbers.
"""

from __future__ import annotations

import pandas as pd

from viz.charts import format_value, rounded
from viz.i18n import basis_name, status_help, status_name, t, unit_name
from viz.names import target_label
from viz.target_charts import comparator_symbol, target_phrase
from viz.target_reasons import year_note

DASH = "—"


def _known(value: object) -> bool:
    return value is not None and value is not pd.NA and not (isinstance(value, float) and pd.isna(value))


def _names(attainment: pd.DataFrame, names: dict[str, str] | None, lang: str) -> list[str]:
    """The plan's own label in Chinese; the indicator's registry name in English where one measures it."""
    return [
        target_label(r.get("indicator_id"), r.get("subject"), r.get("label_zh"), names or {}, lang)
        for r in attainment.to_dict("records")
    ]


def _note(row: dict, lang: str) -> str:
    if lang == "zh" and isinstance(row.get("note"), str) and row["note"]:
        text = row["note"]
    else:
        text = status_help(str(row["status"]), lang)
    disputed = year_note(row, lang)  # the report gives the figure under another year too
    if disputed:
        text = f"{text}；{disputed}" if lang == "zh" else f"{text}; {disputed}"
    return text


def _target(row: dict, unit: str, lang: str) -> str:
    """The target's number with its unit (its comparison has a column of its own); a range as ``1–2 个``."""
    if row.get("comparator") == "range":
        return target_phrase("range", None, unit, lang, row.get("target_low"), row.get("target_high"))
    return target_phrase("", row.get("target_value"), unit, lang) or DASH


def _column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column, empty strings where it is missing (or the frame lacks it)."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    return frame[column].fillna("").astype(str)


def _places(attainment: pd.DataFrame, lang: str) -> pd.Series:
    """Where each current value was read: ``表2-1 第 364 行``; a hand entry or no value: its table alone."""
    tables, lines = _column(attainment, "source_table"), attainment.get("source_line")
    places = []
    for position, table in enumerate(tables):
        line = None if lines is None else lines.iloc[position]
        has_line = line is not None and not pd.isna(line) and int(line) > 0
        places.append(t("line_ref", lang, table=table, line=int(line)) if table and has_line else table)
    return pd.Series(places, index=attainment.index, dtype="str")


def attainment_table(attainment: pd.DataFrame, lang: str, names: dict[str, str] | None = None) -> pd.DataFrame:
    """The attainment rows as a downloadable table: hierarchy, wording, comparison, numbers, status.

    Args:
        attainment: Rows of :func:`metrics.targets.compute_attainment`.
        lang: ``zh`` or ``en`` for the headers, names and status words.
        names: ``indicator_id`` → indicator name in ``lang`` (English rows are named by it).

    Returns:
        A table whose first column is the plan's top level (for grouping); numbers stay numbers
        (missing ones empty), rounded to their unit.
    """
    records = attainment.to_dict("records")
    level = attainment["level1"].fillna("") if "level1" in attainment else pd.Series("", index=attainment.index)
    second = attainment["level2"].fillna("") if "level2" in attainment else pd.Series("", index=attainment.index)
    wording = attainment["value_text"] if "value_text" in attainment else pd.Series("", index=attainment.index)

    def number(row: dict, column: str) -> object:
        value = row.get(column)
        if not _known(value):
            return None
        return round(float(value), 0 if row.get("unit") in ("元", "元/生", "人", "项", "个", "人日") else 2)

    return pd.DataFrame(
        {
            t("level", lang): level.tolist(),
            t("level", lang) + " 2": second.tolist(),
            t("indicator", lang): _names(attainment, names, lang),
            t("target_text", lang): [w if isinstance(w, str) and w else None for w in wording],
            t("comparator", lang): [comparator_symbol(r.get("comparator")) or None for r in records],
            t("target", lang): [number(r, "target_value") for r in records],
            t("unit", lang): [unit_name(str(r.get("unit") or ""), lang) or None for r in records],
            t("current_value", lang): [number(r, "current_value") for r in records],
            t("current_year", lang): attainment["current_year"].tolist(),
            t("basis", lang): [basis_name(b, lang) if b else None for b in _column(attainment, "basis")],
            t("source_place", lang): [p or None for p in _places(attainment, lang)],
            t("progress", lang): [round(float(v), 1) if _known(v) else None for v in attainment["progress_pct"]],
            t("status", lang): [status_name(str(s), lang) for s in attainment["status"]],
            t("growth_needed", lang) + " (%)": [
                round(float(v), 2) if _known(v) else None for v in attainment["growth_needed_pct"]
            ],
            t("next_year_needed", lang): [  # only beside a current value (never 「明年需达到 120 项」 alone)
                number(r, "next_year_value_needed") if _known(r.get("current_value")) else None for r in records
            ],
            t("note", lang): [_note(r, lang) for r in records],
        }
    )


def _mark(row: dict, lang: str) -> str:
    """The marker of a value entered by hand or read from a sentence (``（填报）``, ``（正文）``); else nothing."""
    basis = row.get("basis")
    return t(f"basis_mark_{basis}", lang) if basis in ("entered", "narrative") else ""


def target_screen_table(attainment: pd.DataFrame, lang: str, names: dict[str, str] | None = None) -> pd.DataFrame:
    """The measurable targets as the 规划对标 page shows them: every cell text, "—" where empty.

    Columns: the target's name, the plan's wording, the comparison (≥ ≤ =), the target and the
    current value with their units (rounded to the unit), the year of the current value, progress
    (a number for the progress bar; empty when there is none), status, the growth still needed per
    year and the value needed next year. The plan's top level is the first column (for grouping).
    """
    rows = []
    for name, row in zip(_names(attainment, names, lang), attainment.to_dict("records"), strict=True):
        unit = str(row.get("unit") or "")
        status = str(row["status"])
        growth = row.get("growth_needed_pct")
        needed = row.get("next_year_value_needed")
        rows.append(
            {
                "group": row.get("level1") or "",
                t("indicator", lang): name,
                t("target_text", lang): row.get("value_text") or DASH,
                t("comparator", lang): comparator_symbol(row.get("comparator")) or DASH,
                t("target", lang): _target(row, unit, lang),
                t("current_value", lang): rounded(row.get("current_value"), unit, lang=lang) + _mark(row, lang)
                if _known(row.get("current_value"))
                else DASH,
                t("current_year", lang): str(int(row["current_year"])) if _known(row.get("current_year")) else DASH,
                t("progress", lang): float(row["progress_pct"]) if _known(row.get("progress_pct")) else None,
                t("status", lang): status_name(status, lang),
                t("growth_needed", lang): format_value(growth, "%") if _known(growth) and status != "met" else DASH,
                t("next_year_needed", lang): rounded(needed, unit, lang=lang)
                if _known(needed) and status != "met" and _known(row.get("current_value"))
                else DASH,
            }
        )
    columns = ["group", t("indicator", lang), t("target_text", lang), t("comparator", lang), t("target", lang)]
    columns += [t(c, lang) for c in ("current_value", "current_year", "progress", "status")]
    columns += [t("growth_needed", lang), t("next_year_needed", lang)]
    return pd.DataFrame(rows, columns=columns)
