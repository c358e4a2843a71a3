"""Why a plan target has no current value, said where the target is shown, in a planner's words.

A target without a value is one of three cases, each with its own remedy:

- *before the plan period*: a cumulative target counts only the plan's own years (2022–2025); the
  report describes an earlier year, so its figure — perhaps shown on the same page — does not count;
- *held back*: the report has the figure, but it waits for a planner's acceptance (the 数据 page);
- *not in the report*: the report has no such figure; a planner may enter it (填报).

Pure: rows of :func:`metrics.targets.compute_attainment` and plain values in, text out.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from viz.charts import format_value
from viz.names import table_name


def _known(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value is not pd.NA


def missing_reason(
    row: Mapping[str, object],
    lang: str,
    *,
    observed: tuple[int, float] | None = None,
    held: bool = False,
) -> str:
    """The reason a target has no current value ("" when it has one).

    Args:
        row: A row of the attainment frame (``status``, ``kind``, ``current_value``, ``next_year`` — the
            plan period's first year for a cumulative target —, ``target_year``, ``unit``).
        lang: ``zh`` or ``en``.
        observed: ``(year, value)`` of the indicator's latest figure in the viewed report, when it has one.
        held: The report's figure is held back, waiting for a planner's acceptance.

    Returns:
        One sentence: 「累计目标只计 2022–2025 年；报告中的是 2019 年的 176 项，在规划期之前，不计入」,
        「报告中的数值暂缓采用，待规划人员在「数据」页确认」 or 「年报中没有这一数据，可在「规划对标」页填报」.
    """
    if _known(row.get("current_value")):
        return ""
    unit = str(row.get("unit") or "")
    start, end = row.get("next_year"), row.get("target_year")
    if held:
        return (
            "报告中的数值暂缓采用，待规划人员在「数据」页确认"
            if lang == "zh"
            else "The report's figure is held back until a planner accepts it on the Data page"
        )
    if row.get("kind") == "cumulative" and observed is not None and _known(start):
        year, value = observed
        if int(year) < int(start):  # type: ignore[call-overload]
            shown = format_value(value, unit, lang=lang)
            period = f"{int(start)}–{int(end)}" if _known(end) else f"{int(start)}"  # type: ignore[call-overload]
            if lang == "zh":
                return f"累计目标只计 {period} 年；报告中的是 {int(year)} 年的 {shown}，在规划期之前，不计入"
            return (
                f"Counted over {period} only; the report's {shown} is for {int(year)}, before the plan period,"
                " and does not count"
            )
    if observed is None:
        return (
            "年报中没有这一数据，可在「规划对标」页填报"
            if lang == "zh"
            else "The report has no such figure; it can be entered on the Plan targets page"
        )
    return ""


def year_note(row: object, lang: str) -> str:
    """Where the report gives a target's current figure under another year too (see
    :func:`metrics.audit_values.year_disputes`): ``报告在§五（第 3474 行）把同一数字写为 2019 年的；表4 记为
    2020 年（此处按后者）``; ``""`` when it does not."""
    get = row.get if isinstance(row, dict) else lambda name, default=None: getattr(row, name, default)
    other = get("other_year", None)
    if other is None or pd.isna(other):
        return ""
    table, line = table_name(get("other_table"), lang), int(get("other_line"))
    here, year = table_name(get("source_table"), lang), int(get("current_year"))
    if lang == "zh":
        return f"报告在{table}（第 {line} 行）把同一数字写为 {int(other)} 年的；{here} 记为 {year} 年（此处按后者）"
    return (
        f"the report gives the same figure as {int(other)}'s in {table} (line {line}); {here} labels it {year}"
        " (used here)"
    )
