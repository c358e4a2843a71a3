"""The charts of each dashboard page, built from plain frames (no Streamlit).

A page, the report pack and the CLI all call the same function here, so a chart exported from
the shell is the chart a planner saw in the browser. Each function takes a :class:`Context`
and returns :class:`ChartItem` s in page order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from viz.charts import benchmark_bars, grouped_bars, horizontal_bars, trend_lines
from viz.exports import Provenance
from viz.frames import (
    benchmark_chart_frame,
    indicator_values,
    long_frame,
    same_table_as,
    subject_frame,
    totals_by_year,
)
from viz.i18n import benchmark_name, t

SURVEY_INDICATORS = [
    "employment_rate",
    "monthly_income",
    "alma_mater_satisfaction",
    "major_relevance",
    "further_study_rate",
    "entrepreneurship_rate",
    "promotion_rate",
    "response_rate",
]
EMPLOYER_DIMENSIONS = [
    "employer_sat_practical",
    "employer_sat_professional",
    "employer_sat_innovation",
    "employer_sat_teamwork",
    "employer_sat_communication",
]
#: The overview's headline cards (and the deck's KPI slide), in display order.
HEADLINE_INDICATORS = [
    "employment_rate",
    "monthly_income",
    "alma_mater_satisfaction",
    "major_relevance",
    "entrepreneurship_rate",
    "employer_satisfaction",
    "student_teacher_ratio",
    "dual_qualified_ratio",
    "tech_service_income",
    "nondegree_training_income",
]


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
        history: Observations of all the school's reports (for year-over-year charts).
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
    history: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __post_init__(self) -> None:
        # Looked up for every row of a comparison: a dict, not a filter of the registry each time.
        column = "name_zh" if self.lang == "zh" else "name_en"
        ids = self.registry["indicator_id"].astype(str)
        object.__setattr__(self, "_names", dict(zip(ids, self.registry[column].astype(str), strict=True)))
        object.__setattr__(self, "_units", dict(zip(ids, self.registry["unit"].astype(str), strict=True)))

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
        f"{plan_title}；{school}",
        plan_tables,
        describe_filters(school, year, benchmark, lang, plan_title),
        filters_short=f"{school}_{year}",
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
    history: pd.DataFrame,
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
        history: Observations of all reports (only the school's are kept).

    Returns:
        The context.
    """
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
        history=history[history["school"] == school],
    )


def _provenance(ctx: Context, frame: pd.DataFrame) -> Provenance:
    tables = tuple(frame["source_table"].astype(str)) if "source_table" in frame and not frame.empty else ()
    return Provenance(ctx.source, tables, ctx.filters, frame, filters_short=f"{ctx.school}_{ctx.year}")


def outcomes_charts(ctx: Context) -> list[ChartItem]:
    """就业与收入: survey indicators vs benchmarks, employer dimensions, destinations, regions."""
    lang = ctx.lang
    items: list[ChartItem] = []
    subtitle = f"{ctx.subtitle} · {t('benchmark', lang)}：{benchmark_name(ctx.benchmark, lang)}"
    comparison = ctx.comparison.assign(name=ctx.comparison["indicator_id"].map(ctx.name))
    for indicator_id in SURVEY_INDICATORS:
        frame = benchmark_chart_frame(comparison[comparison["indicator_id"] == indicator_id], lang, ctx.benchmark)
        frame = frame.assign(unit=ctx.unit(indicator_id))
        name = ctx.name(indicator_id)
        figure = benchmark_bars(
            frame,
            title=name,
            subtitle=subtitle,
            value_label=name,
            unit=ctx.unit(indicator_id),
            empty_message=t("no_data", lang),
        )
        items.append(ChartItem(indicator_id, name, figure, frame, _provenance(ctx, frame), indicators=(indicator_id,)))
    employer = benchmark_chart_frame(
        comparison[comparison["indicator_id"].isin(EMPLOYER_DIMENSIONS)], lang, ctx.benchmark, category="indicator"
    )
    employer["category"] = employer["category"].str.replace("用人单位满意度·", "", regex=False)
    employer = employer.assign(unit="分")
    title = t("employer_dimensions", lang)
    figure = benchmark_bars(
        employer,
        title=title,
        subtitle=subtitle,
        value_label=t("score", lang),
        unit="分",
        empty_message=t("no_data", lang),
    )
    items.append(
        ChartItem(
            "employer",
            title,
            figure,
            employer,
            _provenance(ctx, employer),
            "full",
            indicators=tuple(EMPLOYER_DIMENSIONS),
        )
    )
    for indicator_id, title_key in (
        ("industry_employment_count", "destinations_industry"),
        ("employer_type_count", "destinations_employer"),
    ):
        frame = subject_frame(ctx.observations, indicator_id)
        title = t(title_key, lang)
        figure = horizontal_bars(
            frame,
            title=title,
            subtitle=ctx.subtitle,
            value_label=t("people", lang),
            unit="人",
            empty_message=t("no_data", lang),
        )
        items.append(ChartItem(indicator_id, title, figure, frame, _provenance(ctx, frame)))
    series = {"origin_count": t("origin", lang), "destination_count": t("destination", lang)}
    for marker, title_key in (
        ("destination_share_province", "province_cities"),
        ("destination_share_city", "home_counties"),
    ):
        table = same_table_as(ctx.observations, marker)
        # The table's total row is the one whose share is the whole (100 %): 浙江省, 温州市合计, 合计 …
        shares = table[table["indicator_id"] == marker]
        totals = set(shares.loc[(shares["value"] - 100).abs() < 0.005, "subject"])
        frame = long_frame(table, series)
        frame = frame[~frame["category"].isin(totals)].reset_index(drop=True)
        title = t(title_key, lang)
        figure = grouped_bars(
            frame,
            title=f"{t('regions_title', lang)}：{title}" if lang == "zh" else f"{title}",
            subtitle=ctx.subtitle,
            value_label=t("people", lang),
            unit="人",
            empty_message=t("no_data", lang),
        )
        items.append(ChartItem(marker, title, figure, frame, _provenance(ctx, frame)))
    return items


def enrollment_charts(ctx: Context) -> list[ChartItem]:
    """招生: plan/admitted/registered by channel, registration rates, intake mix, history."""
    lang = ctx.lang
    ids = ("enroll_plan", "enroll_admitted", "enroll_registered")
    channels = long_frame(ctx.observations, {i: ctx.name(i) for i in ids})
    title = t("enrollment_title", lang)
    items = [
        ChartItem(
            "channels",
            title,
            grouped_bars(
                channels,
                title=title,
                subtitle=ctx.subtitle,
                value_label=t("people", lang),
                unit="人",
                empty_message=t("no_data", lang),
            ),
            channels,
            _provenance(ctx, channels),
            "full",
        )
    ]
    for indicator_id, title_key, unit in (
        ("enroll_registration_rate", "registration_rate_by_channel", "%"),
        ("intake_type_count", "intake_mix", "人"),
        ("intake_region_count", "intake_regions", "人"),
        ("registered_3yr_type_count", "intake_3yr", "人"),
    ):
        frame = subject_frame(ctx.observations, indicator_id)
        title = t(title_key, lang)
        figure = horizontal_bars(
            frame,
            title=title,
            subtitle=ctx.subtitle,
            value_label=ctx.name(indicator_id),
            unit=unit,
            empty_message=t("no_data", lang),
        )
        items.append(ChartItem(indicator_id, title, figure, frame, _provenance(ctx, frame)))
    history = totals_by_year(ctx.history, ctx.school, list(ids), {i: ctx.name(i) for i in ids}).assign(unit="人")
    title = f"{t('enrollment_title', lang)} · {t('year', lang)}"
    figure = trend_lines(
        history,
        title=title,
        subtitle=ctx.school,
        value_label=t("people", lang),
        unit="人",
        x_label=t("year", lang),
        empty_message=t("one_year_only", lang),
    )
    items.append(ChartItem("history", title, figure, history, _provenance(ctx, history), "full"))
    return items


def faculty_charts(ctx: Context) -> list[ChartItem]:
    """师资: teachers by title and degree, training."""
    lang = ctx.lang
    items = []
    for indicator_id, title_key, unit, width in (
        ("teachers_by_title", "by_title", "人", "half"),
        ("teachers_by_degree", "by_degree", "人", "half"),
        ("teacher_training_persontimes", "training", "人次", "full"),
    ):
        frame = subject_frame(ctx.observations, indicator_id)
        title = t(title_key, lang)
        figure = horizontal_bars(
            frame,
            title=title,
            subtitle=ctx.subtitle,
            value_label=ctx.name(indicator_id),
            unit=unit,
            empty_message=t("no_data", lang),
        )
        items.append(ChartItem(indicator_id, title, figure, frame, _provenance(ctx, frame), width))
    return items


RESEARCH_GROUPS = [
    (
        "income_by_kind",
        "万元",
        ["tech_service_income", "vertical_research_funding", "tech_transaction_income", "nondegree_training_income"],
    ),
    ("patents", "项", ["ip_applications", "ip_granted", "invention_patents_granted", "tech_transfer_projects"]),
    (
        "training_volume",
        "人日",
        [
            "skills_training_persondays",
            "community_worker_training_persondays",
            "farmer_training_persondays",
            "veteran_training_persondays",
        ],
    ),
]


def research_charts(ctx: Context) -> list[ChartItem]:
    """科研与社会服务: income by kind, intellectual property, training volume."""
    lang = ctx.lang
    items = []
    for title_key, unit, ids in RESEARCH_GROUPS:
        frame = indicator_values(ctx.observations, {i: ctx.name(i) for i in ids})
        title = t(title_key, lang)
        figure = horizontal_bars(
            frame,
            title=title,
            subtitle=ctx.subtitle,
            value_label=t("value", lang),
            unit=unit,
            empty_message=t("no_data", lang),
        )
        items.append(ChartItem(title_key, title, figure, frame, _provenance(ctx, frame)))
    return items


#: Page id → the function that builds its charts (the report pack walks this).
SECTIONS: dict[str, Callable[[Context], list[ChartItem]]] = {
    "outcomes": outcomes_charts,
    "enrollment": enrollment_charts,
    "faculty": faculty_charts,
    "research": research_charts,
}
