"""What one office file of a view holds: the charts a page (or every page) shows, and their words.

Belongs here: :class:`Dossier`, built from the same :class:`viz.sections.Context` and
:class:`viz.sections.ChartItem` s the dashboard and the report pack use (``dashboard.frames``
and ``python -m viz`` assemble them; nothing here reads the store), plus what the deck, the Word
appendix and the offline HTML file all say the same way: the title, the headline cards, the
sentences per indicator, each chart's takeaway, the benchmark scorecard and the plan targets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import pandas as pd

from viz.cards import headline_cards
from viz.catalogue import EMPLOYER_DIMENSIONS, HEADLINE_INDICATORS, SURVEY_INDICATORS
from viz.charts import format_value
from viz.exports import Provenance
from viz.frames import scorecard_frame
from viz.i18n import t
from viz.sections import ChartItem, Context, plan_provenance
from viz.sentences import describe_comparison, takeaway
from viz.target_tables import attainment_table

#: The indicators the Word appendix's scorecard and sentences cover: those the outcomes page charts.
SCORECARD_INDICATORS = [*SURVEY_INDICATORS, *EMPLOYER_DIMENSIONS]


#: How the office files print a target's comparison (``>=`` → ``≥``; others as stored).
OFFICE_COMPARATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "=": "="}


def office_comparator(comparator: object) -> str:
    """A target's comparison as the office files print it."""
    return OFFICE_COMPARATORS.get(str(comparator), str(comparator))


def target_cells(row: Mapping) -> tuple[str, str, str, str]:
    """One attainment row's cells in the office files: target, current value, its year, progress ("—" when missing)."""
    unit = str(row["unit"]) if pd.notna(row["unit"]) else ""
    comparator = office_comparator(row["comparator"])
    target = "—" if pd.isna(row["target_value"]) else f"{comparator} {format_value(float(row['target_value']), unit)}"
    current = "—" if pd.isna(row["current_value"]) else format_value(float(row["current_value"]), unit)
    year = str(int(row["current_year"])) if pd.notna(row["current_year"]) else "—"
    progress = f"{row['progress_pct']:.0f}%" if pd.notna(row["progress_pct"]) else "—"
    return target, current, year, progress


@dataclass(frozen=True)
class Dossier:
    """One view (a page, or the whole dashboard) for the office files.

    Attributes:
        context: The charts' context (school, year, language, benchmark, comparison, registry).
        pages: Page id → its charts in page order (:data:`viz.catalogue.SECTIONS`).
        attainment: The chosen plan's :func:`metrics.targets.compute_attainment` rows (whole
            dashboard only; None without a plan).
        plan_title: The chosen plan's title.
        plan_tables: The plan's tables as provenance names them (``("附件2",)``).
        whole: The whole dashboard (title, KPI and plan-target parts) rather than one page.
        created: When the file is made (printed on its title page).
    """

    context: Context
    pages: Mapping[str, list[ChartItem]]
    attainment: pd.DataFrame | None = None
    plan_title: str = ""
    plan_tables: tuple[str, ...] = ()
    whole: bool = False
    created: datetime = field(default_factory=datetime.now)

    @property
    def lang(self) -> str:
        """The reader's language."""
        return self.context.lang

    @property
    def title(self) -> str:
        """``温州职业技术学院 2020 年质量年度报告对标分析`` (whole) or ``… · 就业与收入`` (a page)."""
        ctx = self.context
        if self.whole or len(self.pages) != 1:
            return t("office_title", self.lang, school=ctx.school, year=ctx.year)
        page = next(iter(self.pages))
        return t("office_page_title", self.lang, school=ctx.school, year=ctx.year, page=t(f"page_{page}", self.lang))

    @property
    def filters(self) -> str:
        """The active filters in words (with the plan when the file shows its targets)."""
        ctx = self.context
        if self.whole and self.plan_title:
            return plan_provenance(
                self.plan_title, self.plan_tables, ctx.school, ctx.year, ctx.benchmark, ctx.lang
            ).filters
        return ctx.filters

    @property
    def label(self) -> str:
        """What the view is, for file names: 汇报材料 (whole dashboard) or the page's title."""
        return t("pack_all_title", self.lang) if self.whole else t(f"page_{next(iter(self.pages), '')}", self.lang)

    def charts(self) -> list[tuple[str, ChartItem]]:
        """``(page, chart)`` for every chart with data, in page order."""
        return [(page, item) for page, items in self.pages.items() for item in items if not item.data.empty]

    def skipped(self) -> list[tuple[str, ChartItem]]:
        """``(page, chart)`` for the charts without data (a trend when one year is loaded)."""
        return [(page, item) for page, items in self.pages.items() for item in items if item.data.empty]

    def takeaway(self, item: ChartItem) -> str:
        """The chart's one line in words (:func:`viz.sentences.takeaway`)."""
        ctx = self.context
        return takeaway(item.data, item.indicators, ctx.comparison, ctx.names, ctx.benchmark, ctx.lang)

    @cached_property
    def sentences(self) -> pd.DataFrame:
        """One sentence per benchmarked indicator the outcomes page charts (``indicator_id, sentence``)."""
        ctx = self.context
        return describe_comparison(ctx.comparison, ctx.names, ctx.benchmark, ctx.lang, SCORECARD_INDICATORS)

    @cached_property
    def scorecard(self) -> pd.DataFrame:
        """The benchmark scorecard (:func:`viz.frames.scorecard_frame`) of the outcomes page's indicators."""
        ctx = self.context
        return scorecard_frame(ctx.comparison, ctx.names, ctx.benchmark, ctx.lang, SCORECARD_INDICATORS)

    @cached_property
    def headline(self) -> pd.DataFrame:
        """The overview's headline cards (:func:`viz.cards.headline_cards`); empty for a page's file."""
        if not self.whole:
            return pd.DataFrame()
        ctx = self.context
        return headline_cards(
            ctx.comparison, ctx.observations, self.attainment, HEADLINE_INDICATORS, ctx.benchmark, ctx.gaps
        )

    def plan_provenance(self) -> Provenance | None:
        """Where the plan-target figures come from (None without a plan)."""
        if not self.whole or self.attainment is None:
            return None
        ctx = self.context
        return plan_provenance(self.plan_title, self.plan_tables, ctx.school, ctx.year, ctx.benchmark, ctx.lang)

    def plan_table(self) -> pd.DataFrame | None:
        """The plan-target table as the 规划对标 page shows it (None without a plan)."""
        if not self.whole or self.attainment is None or self.attainment.empty:
            return None
        return attainment_table(self.attainment, self.lang, self.context.names)

    def measurable_targets(self) -> pd.DataFrame:
        """The plan's targets the reports can measure (status other than ``not_measurable``)."""
        if not self.whole or self.attainment is None or self.attainment.empty:
            return pd.DataFrame()
        return self.attainment[self.attainment["status"] != "not_measurable"].reset_index(drop=True)

    def pack_tables(self) -> dict[str, tuple[pd.DataFrame, Provenance]]:
        """The extra tables of the report pack (the plan-target table of the whole dashboard)."""
        table = self.plan_table()
        provenance = self.plan_provenance()
        if table is None or provenance is None:
            return {}
        title = t("attainment_file", self.lang)
        return {f"targets/{title}": (table, provenance)}
