"""Findings of the check-up: their columns and how one is made (shared by the check modules).

Belongs here: :data:`FINDING_COLUMNS`, :func:`finding` (one finding's record) and
:func:`to_frame`, and the small text helpers the checks share.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

import pandas as pd

from metrics.observations import missing, require_columns, with_basis
from metrics.units import find_unit_factor

AUDIT_REQUIRED = [
    "report_id",
    "indicator_id",
    "subject",
    "year",
    "years_after",
    "value",
    "unit",
    "source_table",
    "source_line",
]

CHECKS = (
    "parts_vs_total",
    "share_vs_count",
    "conflicting_values",
    "sentence_vs_table",
    "sentence_vs_sentence",
    "year_label",
    "duplicate_label",
    "cohort_label",
    "text_vs_table",
)


FINDING_COLUMNS = [
    "report_id",
    "check",
    "source_table",
    "subject",
    "indicator_id",
    "lines",
    "first_line",
    "values",
    "expected",
    "found",
    "difference",
    "message",
    "message_en",
]


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def fmt(value: float) -> str:
    """A number as a planner would write it: no trailing zeros, up to 4 decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def key_part(value: object) -> object:
    """A part of a grouping key where every missing value is the same (as pandas matches NaN with NaN)."""
    return None if missing(value) else value


def lines_text(lines: Sequence[int]) -> str:
    return ",".join(str(n) for n in sorted({int(n) for n in lines}))


def finding(
    report_id: str,
    check: str,
    table: str,
    lines: Sequence[int],
    message: str,
    message_en: str,
    *,
    subject: str = "",
    indicator_id: str = "",
    values: str = "",
    expected: float = float("nan"),
    found: float = float("nan"),
) -> dict:
    difference = found - expected if not (math.isnan(found) or math.isnan(expected)) else float("nan")
    return {
        "report_id": report_id,
        "check": check,
        "source_table": table,
        "subject": subject,
        "indicator_id": indicator_id,
        "lines": lines_text(lines),
        "first_line": min(int(n) for n in lines),
        "values": values,
        "expected": expected,
        "found": found,
        "difference": difference,
        "message": message,
        "message_en": message_en,
    }


def to_frame(findings: list[dict]) -> pd.DataFrame:
    """Findings as a frame with :data:`FINDING_COLUMNS`, sorted by report, line and check."""
    dtypes = {"first_line": "int64", "expected": "float64", "found": "float64", "difference": "float64"}
    if not findings:
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "str")) for c in FINDING_COLUMNS})
    out = pd.DataFrame(findings, columns=FINDING_COLUMNS)
    for column in FINDING_COLUMNS:
        out[column] = out[column].astype(dtypes.get(column, "str"))
    order = {name: position for position, name in enumerate(CHECKS)}
    out["_order"] = out["check"].map(order)
    out = out.sort_values(["report_id", "first_line", "_order", "source_table", "subject", "indicator_id"])
    return out.drop(columns="_order").reset_index(drop=True)


def prepare(observations: pd.DataFrame, report_id: str | None, conversions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows to check, each indicator's values in one unit (that of its first row in the report).

    A figure stated as 3255.214 万元 in one place and 32552140 元 in another is one figure; a
    unit that cannot be converted is left as it is.
    """
    require_columns(observations, AUDIT_REQUIRED, "observations")
    extra = ["source_text"] if "source_text" in observations.columns else []
    rows = with_basis(observations)[[*AUDIT_REQUIRED, "basis", *extra]]
    if report_id is not None:
        rows = rows[rows["report_id"] == report_id]
    rows = rows.sort_values(["report_id", "source_line"], kind="stable").reset_index(drop=True)
    if rows.empty:
        return rows
    first_unit = rows.groupby(["report_id", "indicator_id"])["unit"].transform("first")
    values, units = [], []
    for value, unit, wanted in zip(rows["value"].tolist(), rows["unit"].tolist(), first_unit.tolist(), strict=True):
        if unit == wanted:  # nearly every row: nothing to convert
            values.append(value)
            units.append(unit)
            continue
        factor = find_unit_factor(unit, wanted, conversions)
        values.append(value if factor is None else value * factor)
        units.append(unit if factor is None else wanted)
    rows = rows.assign(value=pd.Series(values, dtype="float64"), unit=pd.Series(units, dtype="str"))
    # The checks filter, merge and compare these rows label by label, many times per report: plain
    # Python strings do that about a third faster than Arrow-backed ones (the overview's first check-up).
    text = [c for c in rows.columns if pd.api.types.is_string_dtype(rows[c])]
    return rows.astype(dict.fromkeys(text, object))
