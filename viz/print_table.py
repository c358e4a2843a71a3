"""A table as printed: every row of a dataframe as a static HTML table.

Belongs here: turning a frame shown with ``st.dataframe`` into the HTML its print copy carries
(:func:`dashboard.components.dataframe`). A dataframe on screen is drawn on a canvas that prints only
its visible scroll box; the copy, hidden on screen and shown in print (``dashboard/assets/print.css``),
holds all rows and columns and wraps its text to the page. Cells read as on screen: the column
configuration's number formats (``%,.2f``, ``%.0f%%``) and labels, missing values as "—". Every
text is escaped: cells may quote a report or a planner's entry.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping

import pandas as pd

DASH = "—"
#: A printf-style number format of Streamlit's column configuration: ``%,.2f``, ``%.0f%%``, ``%d``.
PRINTF = re.compile(r"%(?P<comma>,?)(?:\.(?P<places>\d+))?(?P<kind>[dfi])")


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def format_cell(value: object, number_format: str | None = None) -> str:
    """One cell as its column shows it.

    Args:
        value: The cell.
        number_format: The column's printf-style format (``%,.2f``, ``%.0f%%``); None or another kind
            of format (``localized``): numbers as Python writes them, thousands separated.

    Returns:
        The text, "—" for a missing value.
    """
    if _missing(value):
        return DASH
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        match = PRINTF.search(number_format or "")
        if match:
            places = 0 if match["kind"] in "di" else int(match["places"] or 6)
            text = f"{float(value):{',' if match['comma'] else ''}.{places}f}"
            return (number_format[: match.start()] + text + number_format[match.end() :]).replace("%%", "%")
        if isinstance(value, float) and not value.is_integer():  # as the grid writes it: at most 4 places
            return f"{value:.4f}".rstrip("0").rstrip(".")
        return str(int(value))
    return str(value)


def _is_number_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def html_table(frame: pd.DataFrame, column_config: Mapping[str, object] | None = None) -> str:
    """Every row of ``frame`` as an HTML table (``<div class="print-copy">``), escaped.

    Args:
        frame: The table as given to ``st.dataframe`` (its index is not shown).
        column_config: ``st.dataframe``'s column configuration: a column's ``label`` replaces its
            header, a number or progress column's ``format`` formats its cells; a column configured as
            ``None`` is left out, as on screen.

    Returns:
        The HTML; numbers right-aligned (``class="num"``).
    """
    config = dict(column_config or {})
    columns = [c for c in frame.columns if not (c in config and config[c] is None)]
    heads, formats, numeric = [], [], []
    for column in columns:
        spec = config.get(column)
        spec = spec if isinstance(spec, Mapping) else {}
        label = spec.get("label") or str(column)
        type_config = spec.get("type_config") if isinstance(spec.get("type_config"), Mapping) else {}
        heads.append(f"<th>{html.escape(str(label))}</th>")
        formats.append(type_config.get("format"))
        numeric.append(_is_number_column(frame[column]))
    opening = ['<td class="num">' if n else "<td>" for n in numeric]
    rows = []
    for values in frame[columns].itertuples(index=False, name=None):
        cells = [
            f"{td}{html.escape(format_cell(v, f))}</td>" for v, f, td in zip(values, formats, opening, strict=True)
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div class="print-copy"><table><thead><tr>{"".join(heads)}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
