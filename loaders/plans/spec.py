"""The plan spec (``data/specs/plan_specs.toml``) as typed models, checked when read.

Belongs here: the shape of the spec — the value grammar of 观测值, the benchmarks, and one
:class:`PlanSpec` per plan document (how it is recognised, its table or its target sentences).
Models refuse unknown keys and check every pattern compiles, so a misspelt key or a broken regex in
the TOML fails loudly with the path of the key instead of being ignored. What the spec *means* is
documented at the top of the TOML file and in :mod:`loaders.plans.documents` and :mod:`loaders.plans.values`.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from loaders.contracts.paths import SPECS_DIR
from loaders.contracts.vocabulary import SCHOOL_SUBJECT

PLAN_SPECS = SPECS_DIR / "plan_specs.toml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc}): {pattern!r}") from exc
    return pattern


class Grammar(_Model):
    """How 观测值 are written: the ``[value_grammar]`` and ``[benchmarks]`` of plan_specs.toml.

    Attributes:
        units: Units a number may carry (kept longest first).
        ceiling_words: Words that make a target a ceiling (``<=``).
        approx_words: Words that make a target approximate (``=``).
        ceiling_units: Units that are ceilings without a word (``:1``).
        part_separators: Characters between several targets in one cell.
        relative_cues: Words between a qualifier and a benchmark (``高于``; kept longest first).
        qualifier_trim: Words trimmed from the end of a qualifier (kept longest first).
        cumulative_words: Words that make a target cumulative (``累计``).
        annual_average_words: Words that make a target an annual average (``年均``).
        cumulative_units: Units of counted achievements (cumulative by default).
        canonical_units: Unit a target is stored in when no indicator fixes it.
        benchmarks: Benchmark as written → report subject (``全省高职平均值`` → ``高职``).
    """

    units: tuple[str, ...]
    ceiling_words: tuple[str, ...] = ()
    approx_words: tuple[str, ...] = ()
    ceiling_units: tuple[str, ...] = ()
    part_separators: str = "，,；;、"
    relative_cues: tuple[str, ...] = ()
    qualifier_trim: tuple[str, ...] = ()
    cumulative_words: tuple[str, ...] = ()
    annual_average_words: tuple[str, ...] = ()
    cumulative_units: tuple[str, ...] = ()
    canonical_units: dict[str, str] = Field(default_factory=dict)
    benchmarks: dict[str, str] = Field(default_factory=dict)

    _sort = field_validator("units", "relative_cues", "qualifier_trim")(_longest_first)


class PlanTable(_Model):
    """``[plan.table]``: a plan's indicator table (the school plan's 附件2, 台州's 附表1).

    Attributes:
        name: The table's name in messages.
        label: What figures' provenance calls it (``附件2``); none when not given.
        start: Pattern of the line that starts the table.
        header: Pattern of its header line.
        levels: Label columns before the 观测值 (3: 一级/二级/三级指标).
        layout: ``positional`` (cells where the header says) or ``shifted`` (merged cells moved by
            the PDF extraction, so cells are classified by content).
        level1: Pattern of a 一级指标 cell (``shifted`` layout).
        text_values: Patterns of 观测值 without a number (``实质性运作``).
        label_strip: Pattern removed from labels (a numbering such as ``1.``).
    """

    name: str
    label: str = ""
    start: str
    header: str
    levels: int = Field(ge=1, le=3)
    layout: Literal["positional", "shifted"]
    level1: str = ""
    text_values: tuple[str, ...] = ()
    label_strip: str = ""

    @field_validator("start", "header", "level1", "label_strip")
    @classmethod
    def _pattern(cls, value: str) -> str:
        return _compiles(value)

    @field_validator("text_values")
    @classmethod
    def _patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_compiles(p) for p in value)


class PlanClause(_Model):
    """``[[plan.clauses]]``: one target sentence of a plan written as prose; group ``value`` is the 观测值."""

    label: str
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        if "(?P<value>" not in value:
            raise ValueError(f"a target sentence needs a group (?P<value>…): {value!r}")
        return _compiles(value)


class PlanSpec(_Model):
    """``[[plan]]``: one plan document — recognised by its own text, read from a table or sentences."""

    plan_id: str
    title: str
    issuer: str
    scope: Literal["school", "city", "province"]
    #: Whom the plan applies to: the school (scope school), the city or the province, by name.
    applies_to: str = Field(min_length=1)
    start_year: int | None = None
    target_year: int = Field(ge=1990, le=2100)
    default_subject: str
    identify: tuple[str, ...] = Field(min_length=1)
    table: PlanTable | None = None
    clauses: tuple[PlanClause, ...] = ()

    @field_validator("identify")
    @classmethod
    def _patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_compiles(p) for p in value)

    @model_validator(mode="after")
    def _one_source(self) -> PlanSpec:
        if (self.table is None) == (not self.clauses):
            raise ValueError(f"plan {self.plan_id}: give either [plan.table] or [[plan.clauses]], not both or neither")
        return self

    @property
    def source_table(self) -> str | None:
        """The table as provenance names it (``附件2``); None when the spec gives no label."""
        return (self.table.label or None) if self.table else None


class OwnPlanColumns(_Model):
    """``[own_plans.columns]``: header names of a plan document's own target table, any one of each list.

    A header cell is compared after NFKC, without spaces, without a year (``2025年目标值`` → ``目标值``,
    the year kept for the column) and without a unit in brackets (``目标值（%）`` → unit ``%``).
    """

    indicator: tuple[str, ...] = Field(min_length=1)
    target: tuple[str, ...] = Field(min_length=1)
    year: tuple[str, ...] = ()
    unit: tuple[str, ...] = ()
    comparator: tuple[str, ...] = ()
    benchmark: tuple[str, ...] = ()


class OwnPlans(_Model):
    """``[own_plans]``: plans a college brings itself (the plan-targets workbook, a document's target table).

    Attributes:
        benchmarks: A benchmark as the workbook offers it (``全省高职``) → the report subject.
        default_subject: The subject a target of an own plan measures (``本校``).
        unit_row: Pattern of a line (or cell) that states the unit of the rows below (``单位：%``);
            group ``unit``.
        school_name: Pattern that finds a school's name in a plan's title (group ``school``).
        columns: Header names of a document's target table.
    """

    benchmarks: dict[str, str]
    default_subject: str = SCHOOL_SUBJECT
    unit_row: str
    school_name: str
    columns: OwnPlanColumns

    @field_validator("unit_row", "school_name")
    @classmethod
    def _pattern(cls, value: str) -> str:
        return _compiles(value)


class PlanSpecs(_Model):
    """The whole plan_specs.toml: the value grammar, the benchmarks and one spec per plan document."""

    value_grammar: Grammar
    benchmarks: dict[str, str] = Field(default_factory=dict)
    own_plans: OwnPlans
    plan: tuple[PlanSpec, ...]

    @cached_property
    def grammar(self) -> Grammar:
        """The value grammar with its benchmarks."""
        return self.value_grammar.model_copy(update={"benchmarks": self.benchmarks})

    @property
    def plans(self) -> tuple[PlanSpec, ...]:
        """The plan documents."""
        return self.plan

    @model_validator(mode="after")
    def _check(self) -> PlanSpecs:
        ids = [p.plan_id for p in self.plan]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"plan ids given more than once: {', '.join(twice)}")
        return self


def load_plan_specs(path: Path = PLAN_SPECS) -> PlanSpecs:
    """Read plan_specs.toml.

    Args:
        path: The spec file.

    Returns:
        The grammar and the plan specs.

    Raises:
        pydantic.ValidationError: A key is unknown or missing, a value has the wrong type, or a
            pattern does not compile (the message names the key's path).
    """
    return _load_cached(Path(path))


@cache
def _load_cached(path: Path) -> PlanSpecs:
    with open(path, "rb") as handle:
        return PlanSpecs.model_validate(tomllib.load(handle))
