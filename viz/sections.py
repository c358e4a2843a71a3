"""What a page's charts are built from and what they are: :class:`Context` and :class:`ChartItem` (no Streamlit).

A page, the report pack, the office files and the CLI all build the same context
(:func:`build_context`) and draw it with :func:`viz.catalogue.page_charts`, so a chart exported from
the shell is the chart a planner saw in the browser. Provenance helpers for charts and the plan table
live here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from viz.exports import Provenance
from viz.i18n import benchmark_name, t

#: Check-up findings that mean the report contradicts itself (stored as printed; the chart says so).
CONTRADICTION_CHECKS = ("parts_vs_total", "share_vs_count")


@dataclass(frozen=True)
class Context:
    """Everything a page's charts are built from.

    Attributes:
        school: School name.
        year: Report data year.
        lang: ``zh`` or ``en``.
        benchmark: Chosen benchmark subject (``高职`` …).
        filters: The active filters in words (for captions and export metadata).
        source: The report's name in captions.
        observations: Observations of the selected report.
        registry: The indicator registry.
        comparison: :func:`metrics.compare.compare_to_benchmark` rows of the report.
        gaps: :func:`metrics.significance.assess_gaps` rows of the report: the 95 % interval of each
            survey rate and whether its gap to each benchmark is significant.
        history_of: Reads the observations of all the school's reports (:attr:`history`, for
            year-over-year charts), when a chart first needs them.
        minimums_of: Works out the report's figures against the national minimum standards
            (教发〔2004〕2号) of its school's type and that type (:attr:`minimums`, :attr:`school_type`),
            when a chart first needs them.
    """

    school: str
    year: int
    lang: str
    benchmark: str
    filters: str
    source: str
    observations: pd.DataFrame
    registry: pd.DataFrame
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame)
    gaps: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Read or worked out when a chart first asks (:attr:`history`, :attr:`minimums`): a page's first
    #: row rarely needs them, and ten new viewers at once should not wait for what is below it.
    history_of: Callable[[], pd.DataFrame] = pd.DataFrame
    minimums_of: Callable[[], tuple[pd.DataFrame, str]] = lambda: (pd.DataFrame(), "")
    #: The check-up's findings where the report contradicts itself (its rows and its 合计, a share and
    #: its counts), worked out when a chart first asks: a chart drawing those tables carries a note.
    contradictions_of: Callable[[], pd.DataFrame] = pd.DataFrame
    _answers: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Looked up for every row of a comparison: a dict, not a filter of the registry each time.
        column = "name_zh" if self.lang == "zh" else "name_en"
        ids = self.registry["indicator_id"].astype(str)
        object.__setattr__(self, "_names", dict(zip(ids, self.registry[column].astype(str), strict=True)))
        object.__setattr__(self, "_units", dict(zip(ids, self.registry["unit"].astype(str), strict=True)))

    @property
    def history(self) -> pd.DataFrame:
        """Observations of all the school's reports (for year-over-year charts)."""
        if "history" not in self._answers:
            self._answers["history"] = self.history_of()
        return self._answers["history"]

    @property
    def minimums(self) -> pd.DataFrame:
        """The report's figures against the national minimum standards of its school's type."""
        if "minimums" not in self._answers:
            self._answers["minimums"] = self.minimums_of()
        return self._answers["minimums"][0]

    @property
    def contradictions(self) -> pd.DataFrame:
        """The check-up's findings of the report contradicting itself (``check``, ``source_table`` …)."""
        if "contradictions" not in self._answers:
            found = self.contradictions_of()
            if not found.empty and "check" in found.columns:
                found = found[found["check"].isin(CONTRADICTION_CHECKS)]
            self._answers["contradictions"] = found
        return self._answers["contradictions"]

    def contradiction_note(self, tables: tuple[str, ...]) -> str:
        """The note a chart drawing ``tables`` carries when the report's own figures there disagree ("" if not)."""
        found = self.contradictions
        if found.empty or not tables:
            return ""
        drawn = set(tables)
        hit = [table for table in dict.fromkeys(found["source_table"].astype(str)) if drawn & set(table.split("/"))]
        if not hit:
            return ""
        from viz.names import table_name

        names = [table_name(table, self.lang) for table in hit]
        return t("chart_contradiction_note", self.lang, tables=("、" if self.lang == "zh" else ", ").join(names))

    @property
    def school_type(self) -> str:
        """The school type those minimums are of (``""`` when the school has none listed)."""
        self.minimums  # noqa: B018 - worked out together
        return self._answers["minimums"][1]

    @property
    def names(self) -> dict[str, str]:
        """``indicator_id`` → name in the reader's language, for every registry indicator."""
        return self._names

    def name(self, indicator_id: str) -> str:
        """An indicator's name in the reader's language."""
        return self._names.get(indicator_id, indicator_id)

    def unit(self, indicator_id: str) -> str:
        """An indicator's registry unit."""
        return self._units.get(indicator_id, "")

    @property
    def subtitle(self) -> str:
        """School and year, the filters every chart title carries."""
        return f"{self.school} · {self.year}"


@dataclass(frozen=True)
class ChartItem:
    """One chart of a page with what its exports need.

    Attributes:
        key: Stable id (widget keys, file names in the pack).
        title: Title in the reader's language.
        figure: The Plotly figure.
        data: The figure's data (for CSV/xlsx), with provenance columns where known.
        provenance: Source, tables and filters.
        width: ``half`` or ``full`` column on the page.
        indicators: The benchmarked indicators the chart compares (their rows of the context's
            comparison say what the chart shows in words, see :func:`viz.sentences.takeaway`).
    """

    key: str
    title: str
    figure: go.Figure
    data: pd.DataFrame
    provenance: Provenance
    width: str = "half"
    indicators: tuple[str, ...] = ()

    @property
    def file_stem(self) -> str:
        """``指标_学校_年份`` style base name for exported files."""
        return f"{self.title}_{self.provenance.filters_short}" if self.provenance.filters_short else self.title


def report_label(school: str, year: int, lang: str) -> str:
    """How a report is named in captions, on the pages and in exports."""
    return f"{school} {year} 年质量年度报告" if lang == "zh" else f"{school} quality report {year}"


def describe_filters(school: str, year: int, benchmark: str, lang: str, plan_title: str = "") -> str:
    """The active filters in words, for captions and export metadata.

    Args:
        school: School name.
        year: Report data year.
        benchmark: Benchmark subject (``高职`` …).
        lang: ``zh`` or ``en``.
        plan_title: The chosen plan's title, when the view depends on it.

    Returns:
        ``学校：…；报告年度：2020；对比基准：全省高职`` / ``School: …; Report year: 2020; …``.
    """
    sep, colon = ("；", "：") if lang == "zh" else ("; ", ": ")
    parts = [
        f"{t('school', lang)}{colon}{school}",
        f"{t('report_year', lang)}{colon}{year}",
        f"{t('benchmark', lang)}{colon}{benchmark_name(benchmark, lang)}",
    ]
    if plan_title:
        parts.append(f"{t('plan', lang)}{colon}{plan_title}")
    return sep.join(parts)


def plan_provenance(
    plan_title: str, plan_tables: tuple[str, ...], school: str, year: int, benchmark: str, lang: str
) -> Provenance:
    """Where the plan-target table's figures come from: the plan, the school and the filters.

    Args:
        plan_title: The plan's title.
        plan_tables: The plan's tables as provenance names them (``("附件2",)``; from the plan spec).
        school: School name.
        year: Report data year.
        benchmark: Benchmark subject.
        lang: ``zh`` or ``en``.

    Returns:
        The provenance of the attainment table (the dashboard's pack, the CLI and the office files).
    """
    return Provenance(
        f"{plan_title}{'；' if lang == 'zh' else '; '}{school}",
        plan_tables,
        describe_filters(school, year, benchmark, lang, plan_title),
        filters_short=f"{school}_{year}",
        school=school,
        report=plan_title,
    )


def build_context(
    *,
    school: str,
    year: int,
    lang: str,
    benchmark: str,
    observations: pd.DataFrame,
    registry: pd.DataFrame,
    comparison: pd.DataFrame,
    history: pd.DataFrame | Callable[[], pd.DataFrame],
    gaps: pd.DataFrame | None = None,
    minimums: tuple[pd.DataFrame, str] | Callable[[], tuple[pd.DataFrame, str]] | None = None,
    contradictions: Callable[[], pd.DataFrame] | None = None,
) -> Context:
    """The :class:`Context` of one school and report year, from frames already read.

    ``dashboard.frames.context`` and the ``python -m viz`` CLI build the same context, so a pack
    made in the shell holds the charts a planner saw.

    Args:
        school: School name.
        year: Report data year.
        lang: ``zh`` or ``en``.
        benchmark: Chosen benchmark subject.
        observations: Observations of the selected report.
        registry: The indicator registry.
        comparison: :func:`metrics.compare.compare_to_benchmark` rows of the selected report.
        history: Observations of all reports (only the school's are kept), or a function that reads
            them (called when a chart first needs them).
        gaps: :func:`metrics.significance.assess_gaps` of the comparison; worked out here (from the
            report's respondents, ``data/specs/sample_sizes.csv``) when None.
        minimums: :func:`school_minimums` of the report and its school type, or a function that works
            them out; worked out (when a chart first needs them) when None.
        contradictions: A function giving the report's check-up findings (``metrics.queries.checkup``),
            called when a chart first needs them; a chart drawing a table where the report contradicts
            itself then carries a note. None: no notes.

    Returns:
        The context.
    """
    if gaps is None:
        gaps = survey_gaps(comparison, observations)
    if minimums is None:
        minimums = partial(school_minimums, observations, registry, school)
    read_history = history if callable(history) else (lambda: history)
    return Context(
        school=school,
        year=year,
        lang=lang,
        benchmark=benchmark,
        filters=describe_filters(school, year, benchmark, lang),
        source=report_label(school, year, lang),
        observations=observations,
        registry=registry,
        comparison=comparison,
        gaps=gaps,
        history_of=lambda: _of_school(read_history(), school),
        minimums_of=minimums if callable(minimums) else (lambda: minimums),
        contradictions_of=contradictions or pd.DataFrame,
    )


def _of_school(history: pd.DataFrame, school: str) -> pd.DataFrame:
    return history[history["school"] == school]


def survey_gaps(comparison: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """The significance of every survey rate's gaps (:func:`metrics.significance.assess_gaps`) of a report."""
    from loaders.contracts.registry import sample_sizes
    from metrics.significance import GAP_COLUMNS, assess_gaps

    if comparison.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    return assess_gaps(comparison, observations, sample_sizes())


def school_minimums(observations: pd.DataFrame, registry: pd.DataFrame, school: str) -> tuple[pd.DataFrame, str]:
    """A report's figures against the national minimums of its school's type (:mod:`metrics.minimums`)."""
    from loaders.contracts.minimums import national_minimums
    from metrics import minimums

    return minimums.school_minimums(observations, registry, national_minimums(), school)


def chart_provenance(ctx: Context, frame: pd.DataFrame) -> Provenance:
    """A chart's provenance: the report, the tables its rows come from, the filters."""
    tables = tuple(frame["source_table"].astype(str)) if "source_table" in frame and not frame.empty else ()
    return Provenance(
        ctx.source, tables, ctx.filters, frame, filters_short=f"{ctx.school}_{ctx.year}", school=ctx.school,
        report=ctx.source,
    )  # fmt: skip
