"""The report spec (``data/specs/report_tables.toml``) as typed models, checked when read.

Belongs here: the shape of the spec and the compiled forms the parsers use (regexes, alias
tables). Models refuse unknown keys, so a misspelt key in the TOML fails loudly with the path of
the key instead of being ignored; indicator ids are checked against the registry. What the spec
*means* — how captions, headers and rows are read — is documented at the top of the TOML file and
in :mod:`loaders.read.grids`, :mod:`loaders.read.forms` and :mod:`loaders.read.blocks`.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from loaders.contracts.paths import REPORT_SPEC
from loaders.contracts.registry import registry_units
from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from loaders.read.text import normalize

YearRule = str | int  # "cohort" | "caption" | "report" | "report±N" | a fixed year

#: The mark of a narrative section's source table (``§五``); see metrics.observations.NARRATIVE_MARK.
NARRATIVE_MARK = "§"

_YEAR_RULE_RE = re.compile(r"^(cohort|caption|report(?:[+-]\d+)?)$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_year_rule(rule: YearRule | None) -> YearRule | None:
    if rule is None or isinstance(rule, int) or _YEAR_RULE_RE.match(rule):
        return rule
    raise ValueError(f"unknown year rule {rule!r} (cohort, caption, report, report-1 …)")


def _check_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from exc
    return pattern


def _check_indicator(indicator: str) -> str:
    if indicator not in registry_units():
        raise ValueError(f"indicator {indicator!r} is not in data/indicators.csv")
    return indicator


class Meta(_Model):
    """``[meta]``: captions, table ends, the school name, survey rows, placeholder cells."""

    caption: str
    continuation: str
    block_end: list[str]
    school: list[str]
    survey_subjects: list[str]
    placeholders: list[str]
    header_words: list[str]
    threshold_words: list[str] = Field(min_length=1)
    value_words: list[str] = Field(min_length=1)
    years_after_words: dict[str, int]


class YearRuleSpec(_Model):
    """One rule of ``[years]``: a pattern with a ``year`` group and what the year found means."""

    kind: Literal["data", "title", "caption"]
    pattern: str
    offset: int = 0
    zh: str
    en: str


class Years(_Model):
    """``[years]``: the rules, in priority order."""

    rule: list[YearRuleSpec]


class Column(_Model):
    """One column of a grid: the indicator and the names a header may give it."""

    indicator: str
    headers: list[str] = Field(min_length=1)

    _indicator = field_validator("indicator")(_check_indicator)


class _Captioned(_Model):
    """What a table and a list spec share: id, names, whether core, and the caption terms that find
    them — squeezed once (the parser asks for them for every caption of every report)."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    id: str
    zh: str
    en: str
    core: bool = False
    caption: list[list[str]] = Field(min_length=1)
    not_caption: list[str] = []

    @cached_property
    def caption_terms(self) -> tuple[tuple[str, ...], ...]:
        """The caption term groups, squeezed."""
        return tuple(tuple(squeeze(term) for term in group) for group in self.caption)

    @cached_property
    def excluded_terms(self) -> tuple[str, ...]:
        """The excluded caption terms, squeezed."""
        return tuple(squeeze(term) for term in self.not_caption)


class TableSpec(_Captioned):
    """``[[table]]``: a grid read row by row, columns mapped from its header."""

    header_keys: list[str] = []
    rows: Literal["any", "survey"] = "any"
    year: YearRule
    years_after: YearRule | None = None
    expect_years_after: list[int] = []
    stop_after: str | None = None
    strip_serial: bool = False
    trailing_text: str | None = None
    columns: list[Column] = Field(min_length=1)

    _year = field_validator("year")(_check_year_rule)

    @field_validator("years_after")
    @classmethod
    def _years_after(cls, rule: YearRule | None) -> YearRule | None:
        if rule is None or isinstance(rule, int) or rule == "caption":
            return rule
        raise ValueError(f"years_after must be a number or 'caption', not {rule!r}")

    @property
    def survey(self) -> bool:
        """Whether the rows are the graduate survey's 全省 / 本科 / 高职 / 本校."""
        return self.rows == "survey"

    @cached_property
    def key_terms(self) -> tuple[str, ...]:
        """The identifying header labels, squeezed."""
        return tuple(squeeze(term) for term in self.header_keys)

    @cached_property
    def alias_map(self) -> dict[str, int]:
        """``squeezed column name → column index`` (the first column to claim a name keeps it)."""
        seen: dict[str, int] = {}
        for position, column in enumerate(self.columns):
            for header in column.headers:
                seen.setdefault(squeeze(header), position)
        return seen

    @cached_property
    def alias_re(self) -> re.Pattern[str]:
        """Any column name (longest first), with an optional printed unit in brackets after it."""
        alternation = "|".join(re.escape(alias) for alias in sorted(self.alias_map, key=len, reverse=True))
        return re.compile(rf"(?P<alias>{alternation})(?:\((?P<unit>[^()]{{1,8}})\))?")


class FormSpec(_Model):
    """``[[form]]``: an appendix form, by its names; ``rows`` are what it holds (for coverage)."""

    id: str
    zh: str
    en: str
    names: list[str] = Field(min_length=1)
    core: bool = False
    rows: list[str] = []

    @field_validator("rows")
    @classmethod
    def _rows(cls, rows: list[str]) -> list[str]:
        return [_check_indicator(row) for row in rows]


class EditionSpec(_Model):
    """``[[edition]]``: one generation of appendix forms."""

    id: str
    zh: str
    en: str
    forms: list[str] = Field(min_length=1)


class RowSpec(_Model):
    """``[[row]]``: a form row, recognised by its name wherever it sits."""

    indicator: str
    names: list[str] = Field(min_length=1)
    units: list[str] = []
    after: str | None = None
    cohort_offset: int | None = None
    years_after: int | None = None

    _indicator = field_validator("indicator")(_check_indicator)


class PatternRow(_Model):
    """One row of a ``[[block]]``: alternatives of a pattern, and the subjects of its ``{v}`` s."""

    indicator: str
    patterns: list[str] = Field(min_length=1)
    subjects: list[str] = [SCHOOL_SUBJECT]
    unit: str | None = None
    year: YearRule | None = None
    years_after: int | None = None

    _indicator = field_validator("indicator")(_check_indicator)
    _year = field_validator("year")(_check_year_rule)


class BlockSpec(_Model):
    """``[[block]]``: a narrative section (``start``/``end``), a captioned table or a part of a form,
    read by patterns."""

    id: str
    zh: str
    en: str
    core: bool = False
    caption: list[list[str]] = []
    within_form: list[str] = []
    start: str | None = None
    end: str | None = None
    source_table: str | None = None
    year: YearRule = "report"
    years_after: int | None = None
    rows: list[PatternRow] = Field(min_length=1)

    _year = field_validator("year")(_check_year_rule)

    @model_validator(mode="after")
    def _one_place(self) -> BlockSpec:
        places = [bool(self.caption), bool(self.within_form), self.start is not None]
        if sum(places) != 1:
            raise ValueError(f"block {self.id}: give exactly one of caption, within_form or start/end")
        if self.start is not None and (self.end is None or self.source_table is None):
            raise ValueError(f"block {self.id}: start needs end and source_table")
        # A section of running text is narrative (lower confidence than a table): its figures are marked
        # by a source table starting with the narrative mark (metrics.observations.NARRATIVE_MARK).
        if self.start is not None and not str(self.source_table).startswith(NARRATIVE_MARK):
            raise ValueError(f"block {self.id}: a narrative section's source_table must start with {NARRATIVE_MARK}")
        if self.source_table is not None and self.start is None and self.source_table.startswith(NARRATIVE_MARK):
            raise ValueError(f"block {self.id}: {NARRATIVE_MARK} marks narrative sections (start/end) only")
        return self


class ListField(_Model):
    """A field of a list table's row: ``pattern``'s first group, searched in the row's text."""

    name: str
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        return _check_regex(pattern)


class ListCount(_Model):
    """A count of a list table into an indicator.

    ``measure``: ``rows`` (the rows), ``sum`` (the sum of a numeric ``field``) or ``tally`` (every
    match of ``pattern`` in a row's text counts its first group, or 1 when the group is empty).
    ``where``: field name → regex the field's value must match in full (``{level = "国家级"}``).
    """

    indicator: str
    measure: Literal["rows", "sum", "tally"] = "rows"
    field: str | None = None
    pattern: str | None = None
    where: dict[str, str] = {}

    _indicator = field_validator("indicator")(_check_indicator)

    @model_validator(mode="after")
    def _complete(self) -> ListCount:
        if self.measure == "sum" and not self.field:
            raise ValueError(f"count {self.indicator}: measure 'sum' needs a field")
        if self.measure == "tally" and not self.pattern:
            raise ValueError(f"count {self.indicator}: measure 'tally' needs a pattern")
        for regex in [self.pattern or "", *self.where.values()]:
            _check_regex(regex)
        return self


class ListSpec(_Captioned):
    """``[[list]]``: a table whose rows are items (awards, textbooks, projects), counted into indicators.

    Rows are found by ``rows = "serial"`` (lines starting with 1, 2, 3 … in turn; a wrapped cell joins
    the row above) or ``rows = "anchor"`` (each match of ``anchor`` in the table's text is one row).
    """

    rows: Literal["serial", "anchor"] = "serial"
    anchor: str | None = None
    year: YearRule = "report"
    fields: list[ListField] = []
    counts: list[ListCount] = Field(min_length=1)

    _year = field_validator("year")(_check_year_rule)

    @model_validator(mode="after")
    def _consistent(self) -> ListSpec:
        if (self.rows == "anchor") != (self.anchor is not None):
            raise ValueError(f"list {self.id}: an anchor is given with rows = 'anchor', and only then")
        if self.anchor is not None:
            _check_regex(self.anchor)
        names = {f.name for f in self.fields}
        for count in self.counts:
            used = {*count.where, *([count.field] if count.field else [])}
            if used - names:
                raise ValueError(f"list {self.id}: count {count.indicator} names unknown fields {sorted(used - names)}")
        return self


class ReportSpec(_Model):
    """The whole spec, with the compiled forms the parsers use as cached properties."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    meta: Meta
    years: Years
    table: list[TableSpec]
    form: list[FormSpec]
    edition: list[EditionSpec]
    row: list[RowSpec]
    block: list[BlockSpec]
    lists: list[ListSpec] = Field(default=[], alias="list")  # the TOML's [[list]]

    @model_validator(mode="after")
    def _references(self) -> ReportSpec:
        ids = [item.id for item in [*self.table, *self.form, *self.block, *self.lists]]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"ids used twice: {duplicates}")
        forms = {form.id for form in self.form}
        for edition in self.edition:
            unknown = [f for f in edition.forms if f not in forms]
            if unknown:
                raise ValueError(f"edition {edition.id}: unknown forms {unknown}")
        for block in self.block:
            unknown = [f for f in block.within_form if f not in forms]
            if unknown:
                raise ValueError(f"block {block.id}: unknown forms {unknown}")
        rows = {row.indicator for row in self.row}
        for row in self.row:
            if row.after is not None and row.after not in rows:
                raise ValueError(f"row {row.indicator}: 'after' names {row.after!r}, which is not a row")
        return self

    # ---------------------------------------------------------------- compiled forms
    @cached_property
    def caption_re(self) -> re.Pattern[str]:
        """A numbered caption line (``表 2-15 …``)."""
        return re.compile(self.meta.caption)

    @cached_property
    def continuation_re(self) -> re.Pattern[str]:
        """A caption title that only says the table goes on (``续表``)."""
        return re.compile(self.meta.continuation)

    @cached_property
    def block_end_re(self) -> re.Pattern[str]:
        """The lines that end a table, as one alternation."""
        return re.compile("|".join(f"(?:{p})" for p in self.meta.block_end))

    @cached_property
    def school_res(self) -> list[re.Pattern[str]]:
        """Patterns with a ``school`` group."""
        return [re.compile(p) for p in self.meta.school]

    @cached_property
    def year_rules(self) -> list[tuple[YearRuleSpec, re.Pattern[str]]]:
        """The year rules with their compiled patterns, in priority order."""
        return [(rule, re.compile(rule.pattern)) for rule in self.years.rule]

    @cached_property
    def placeholders(self) -> frozenset[str]:
        """Cell texts that mean "no value"."""
        return frozenset(normalize(p) for p in self.meta.placeholders)

    @cached_property
    def tables_by_id(self) -> dict[str, TableSpec]:
        """``id → table``."""
        return {table.id: table for table in self.table}

    @cached_property
    def forms_by_id(self) -> dict[str, FormSpec]:
        """``id → form``."""
        return {form.id: form for form in self.form}

    @cached_property
    def survey_subjects(self) -> list[str]:
        """The graduate survey's four rows."""
        return list(self.meta.survey_subjects)


def squeeze(text: str, normalized: bool = False) -> str:
    """Normalised text without any whitespace: what caption terms, headers and names are matched on.

    Args:
        text: The text.
        normalized: It is normalised already (a line of the document): only drop the whitespace.
    """
    return "".join((text if normalized else normalize(text)).split())


@cache
def load_spec(path: Path = REPORT_SPEC) -> ReportSpec:
    """Read and check the report spec.

    Args:
        path: The TOML spec.

    Returns:
        The spec; a misspelt key, an unknown indicator or a bad year rule raises.

    Raises:
        pydantic.ValidationError: The spec is not well formed (the message names the key).
    """
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    return ReportSpec.model_validate(raw)
