"""The contracts of the stored data, declared once: every column of observations, plans, targets, coverage.

Belongs here: one :class:`Field` per column with its SQL type, pandas dtype and Arrow type, and the
helpers that generate what the rest of the code needs from them — column lists, dtype maps, Arrow
schemas and ``CREATE TABLE`` column lists. A new column is one line here; the store's tables, the
parsers' frames, the bulk build's Arrow tables and the exports follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pyarrow as pa


@dataclass(frozen=True)
class Field:
    """One column.

    Attributes:
        name: Column name.
        sql: DuckDB type and constraint (``VARCHAR NOT NULL``).
        dtype: pandas dtype of the parsers' frames (``str``, ``int64``, ``Int64``, ``float64``, ``bool``).
        doc: What it holds.
    """

    name: str
    sql: str
    dtype: str
    doc: str

    @property
    def arrow(self) -> pa.DataType:
        """The Arrow type (text as ``large_string``, nullable integers as ``int64``)."""
        return {
            "str": pa.large_string(),
            "int64": pa.int64(),
            "Int64": pa.int64(),
            "float64": pa.float64(),
            "bool": pa.bool_(),
        }[self.dtype]


#: One figure of a report (``observations``; the store adds ``report_id`` and ``report_key``).
OBSERVATION_FIELDS: tuple[Field, ...] = (
    Field("indicator_id", "VARCHAR NOT NULL", "str", "registry id (data/indicators.csv)"),
    Field("subject", "VARCHAR NOT NULL", "str", "what the figure is about: 本校, 全省, a programme, 合计 …"),
    Field("year", "INTEGER NOT NULL", "int64", "the year the figure is for (the cohort for graduate surveys)"),
    Field("years_after", "INTEGER", "Int64", "years after graduation (graduate surveys), else null"),
    Field("value", "DOUBLE NOT NULL", "float64", "the value, in the registry unit"),
    Field("unit", "VARCHAR NOT NULL", "str", "the registry unit"),
    Field("source_table", "VARCHAR NOT NULL", "str", "where it was read: 表2-15, 计分卡, §五, 工作表「招生」"),
    Field("source_line", "INTEGER NOT NULL", "int64", "line of the report's text (or sheet row) it was read from"),
    Field("source_text", "VARCHAR NOT NULL", "str", "that line as written (with its page or sheet)"),
    Field(
        "held_reason",
        "VARCHAR",
        "str",
        "why the reading is in doubt (a number possibly cut at a column gap, a column that may be a threshold,"
        " a unit that may be wrong by 10⁴, two figures a power of ten apart); empty or null: read without doubt."
        " A held-back figure is never read as a fact until a planner accepts it (loaders.store.acceptances)",
    ),
)

#: One plan document (``plans``; the store adds ``sha256`` and ``loaded_at``).
PLAN_FIELDS: tuple[Field, ...] = (
    Field("plan_id", "VARCHAR PRIMARY KEY", "str", "the plan (data/specs/plan_specs.toml)"),
    Field("title", "VARCHAR NOT NULL", "str", "its title"),
    Field("issuer", "VARCHAR", "str", "who issued it"),
    Field("scope", "VARCHAR NOT NULL", "str", "school, city or province"),
    Field("start_year", "INTEGER", "Int64", "first year of the plan period, when stated"),
    Field("target_year", "INTEGER", "int64", "year its targets are for"),
    Field("source_file", "VARCHAR NOT NULL", "str", "the document's file name"),
    Field("source_table", "VARCHAR", "str", "its table as provenance names it (附件2), when it has one"),
    Field(
        "applies_to",
        "VARCHAR NOT NULL",
        "str",
        "whom it applies to: the school's name (scope school), the city (city) or the province (province)",
    ),
)

#: One plan target (``targets``).
TARGET_FIELDS: tuple[Field, ...] = (
    Field("plan_id", "VARCHAR NOT NULL", "str", "the plan"),
    Field("indicator_id", "VARCHAR REFERENCES indicators (indicator_id)", "str", "indicator measured, if any"),
    Field("subject", "VARCHAR", "str", "subject of the indicator measured"),
    Field(
        "comparator", "VARCHAR NOT NULL CHECK (comparator IN ('>=', '<=', '=', 'range', 'text'))", "str", "≥ ≤ = range"
    ),
    Field("target_value", "DOUBLE", "float64", "target value in the registry unit"),
    Field("unit", "VARCHAR", "str", "unit of the target value"),
    Field("target_year", "INTEGER", "int64", "year the target is for"),
    Field("relative_to", "VARCHAR", "str", "a benchmark the target is relative to (monthly_income@高职)"),
    Field("label_zh", "VARCHAR NOT NULL", "str", "the target's label as the plan writes it"),
    Field("source_line", "INTEGER NOT NULL", "int64", "line of the plan"),
    Field("source_text", "VARCHAR NOT NULL", "str", "that line as written"),
    Field("level1", "VARCHAR", "str", "first-level heading"),
    Field("level2", "VARCHAR", "str", "second-level heading"),
    Field("level3", "VARCHAR", "str", "third-level heading"),
    Field("value_text", "VARCHAR", "str", "the target value as written"),
    Field("target_low", "DOUBLE", "float64", "lower end of a range target"),
    Field("target_high", "DOUBLE", "float64", "upper end of a range target"),
    Field("kind", "VARCHAR NOT NULL", "str", "numeric, text …"),
    Field("note", "VARCHAR", "str", "why a target cannot be measured"),
)

#: What was read from a report, item by item (``coverage``; the store adds ``report_id``, ``report_key``).
COVERAGE_FIELDS: tuple[Field, ...] = (
    Field("position", "INTEGER NOT NULL", "int64", "order in the report's coverage"),
    Field("item_id", "VARCHAR NOT NULL", "str", "spec id (survey_employment@1, form:scorecard, caption:表2-7)"),
    Field("kind", "VARCHAR NOT NULL", "str", "table, form, rows, block, unrecognised, report"),
    Field("name_zh", "VARCHAR NOT NULL", "str", "what it is, in Chinese"),
    Field("name_en", "VARCHAR NOT NULL", "str", "what it is, in English"),
    Field("core", "BOOLEAN NOT NULL", "bool", "whether ingest --strict needs it"),
    Field("status", "VARCHAR NOT NULL", "str", "found, partial, missing, not_read, info"),
    Field("source_table", "VARCHAR NOT NULL", "str", "where it was found"),
    Field("caption", "VARCHAR NOT NULL", "str", "its caption as printed"),
    Field("line", "INTEGER", "Int64", "the caption's line"),
    Field("n_values", "INTEGER NOT NULL", "int64", "figures read from it"),
    Field("problems_zh", "VARCHAR NOT NULL", "str", "what was not read and why, in Chinese"),
    Field("problems_en", "VARCHAR NOT NULL", "str", "the same in English"),
)


#: One row of a list table (``list_rows``; the store adds ``report_id`` and ``report_key``): an item of
#: a table such as 表2-13 (awards) or 表5-1 (projects), read by :mod:`loaders.read.lists` and counted.
LIST_ROW_FIELDS: tuple[Field, ...] = (
    Field("list_id", "VARCHAR NOT NULL", "str", "the list's spec id ([[list]] in report_tables.toml)"),
    Field("source_table", "VARCHAR NOT NULL", "str", "the table: 表2-13"),
    Field("row_number", "INTEGER NOT NULL", "int64", "the row's position (its serial number)"),
    Field("source_line", "INTEGER NOT NULL", "int64", "line of the report's text the row starts on"),
    Field("last_line", "INTEGER NOT NULL", "int64", "line it ends on (cells wrap over lines)"),
    Field("text", "VARCHAR NOT NULL", "str", "the row's cells joined by spaces"),
    Field("fields", "VARCHAR NOT NULL", "str", "the fields read from it (JSON: level, quantity …)"),
)


#: A value a planner entered by hand (填报) for a plan's target (``entries``; kept in the uploads folder too).
ENTRY_FIELDS: tuple[Field, ...] = (
    Field("entry_id", "VARCHAR PRIMARY KEY", "str", "the entry's id"),
    Field("plan_id", "VARCHAR NOT NULL", "str", "the plan"),
    Field("label_zh", "VARCHAR NOT NULL", "str", "the target, by its label in the plan"),
    Field("indicator_id", "VARCHAR NOT NULL", "str", "the indicator the target maps to ('' when none)"),
    Field("school", "VARCHAR NOT NULL", "str", "the school the value is for"),
    Field("year", "INTEGER NOT NULL", "int64", "the year the value is for"),
    Field("value", "DOUBLE NOT NULL", "float64", "the value, in the target's unit"),
    Field("unit", "VARCHAR NOT NULL", "str", "the target's unit"),
    Field("source_document", "VARCHAR NOT NULL", "str", "the document the value was taken from (状态数据表 …)"),
    Field("note", "VARCHAR NOT NULL", "str", "the planner's note"),
    Field("author", "VARCHAR NOT NULL", "str", "who entered it"),
    Field("entered_at", "VARCHAR NOT NULL", "str", "when it was first entered (UTC, ISO 8601)"),
    Field("updated_at", "VARCHAR NOT NULL", "str", "when it was last changed (UTC, ISO 8601)"),
)


def names(fields: tuple[Field, ...], *, exclude: tuple[str, ...] = ()) -> list[str]:
    """The column names, in order, without those in ``exclude`` (each of which must be a column)."""
    unknown = set(exclude) - {field.name for field in fields}
    if unknown:
        raise KeyError(f"not columns: {', '.join(sorted(unknown))}")
    return [field.name for field in fields if field.name not in exclude]


def dtypes(fields: tuple[Field, ...]) -> dict[str, str]:
    """``column → pandas dtype``."""
    return {field.name: field.dtype for field in fields}


@cache
def arrow_schema(fields: tuple[Field, ...]) -> pa.Schema:
    """The Arrow schema of the columns."""
    return pa.schema([(field.name, field.arrow) for field in fields])


def sql_columns(fields: tuple[Field, ...], indent: str = "    ") -> str:
    """The columns of a ``CREATE TABLE``, one per line (without the surrounding brackets)."""
    return ",\n".join(f"{indent}{field.name} {field.sql}" for field in fields)
