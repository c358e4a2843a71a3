"""The three years of a report, kept apart: title year, data year and the survey cohorts.

Belongs here: resolving the report's data year (the year its figures describe) and its title year
(the year in the title, 2023年质量年度报告) from the rules in ``[years]`` of the report spec, and
saying how: which rule decided, on which line, and which other evidence agrees or disagrees.
Cohorts (2022届) come from the survey tables' captions as they are read; see
:func:`check_cohort`.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from loaders.contracts.errors import FormatError, YearUnknownError
from loaders.read.coverage import Problem
from loaders.read.document import MAX_YEAR, MIN_YEAR
from loaders.read.spec import ReportSpec

_COHORT_ONE_YEAR_RE = re.compile(r"(\d{4})\s*届[^\n]{0,12}?(?:毕业)?(?:一年后|1年后)")


@dataclass
class YearInfo:
    """How the report's years were resolved.

    Attributes:
        data_year: The year the report's figures describe (stored as ``report_year``).
        title_year: The year in the title, when there is one.
        basis_zh: How the data year was found, in Chinese (``附表表头“序号 指标 单位 2020 年”（第 4611 行）``).
        basis_en: The same in English.
        evidence: Every rule that found a year: ``(kind, year, line, zh, en)``.
        cohorts: ``(cohort, years_after, table)`` of every survey table read.
        problems: Disagreements between the rules, cohorts that do not fit.
    """

    data_year: int
    title_year: int | None
    basis_zh: str
    basis_en: str
    evidence: list[tuple[str, int, int, str, str]] = field(default_factory=list)
    cohorts: list[tuple[int, int | None, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def resolve_years(norm: list[str], spec: ReportSpec, source: str, given: int | None = None) -> YearInfo:
    """Find the data year and the title year.

    Args:
        norm: The report's normalised lines.
        spec: The report spec.
        source: File name, for messages.
        given: The data year given by the caller (it wins; the text's evidence is still listed).

    Returns:
        The years and how they were found.

    Raises:
        FormatError: No rule finds a year and none was given, or the year is outside 1990–2100.
    """
    evidence: list[tuple[str, int, int, str, str]] = []
    problems: list[Problem] = []
    text = "\n".join(norm)
    starts = [0]
    for line in norm[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    for rule, pattern in spec.year_rules:
        years: list[tuple[int, int]] = []
        for match in re.finditer(pattern.pattern, text, re.MULTILINE):  # one pass over the text, not per line
            years.append((int(match.group("year")) + rule.offset, bisect.bisect_right(starts, match.start())))
        if years:
            year = Counter(y for y, _ in years).most_common(1)[0][0]
            line = next(n for y, n in years if y == year)
            evidence.append((rule.kind, year, line, rule.zh.format(year=year), rule.en.format(year=year)))
    title = next((e for e in evidence if e[0] == "title"), None)
    data = next((e for e in evidence if e[0] == "data"), None)
    caption = next((e for e in evidence if e[0] == "caption"), None)
    if given is not None:
        year, basis_zh, basis_en = int(given), "导入时指定", "given when importing"
    elif data is not None:
        year = data[1]
        basis_zh, basis_en = f"{data[3]}（第 {data[2]} 行）", f"{data[4]} (line {data[2]})"
    elif title is not None:
        year = title[1]
        basis_zh, basis_en = f"{title[3]}（第 {title[2]} 行）", f"{title[4]} (line {title[2]})"
    elif caption is not None:
        year = caption[1]
        basis_zh, basis_en = f"{caption[3]}（第 {caption[2]} 行）", f"{caption[4]} (line {caption[2]})"
        problems.append(
            Problem(
                "year_from_caption",
                "warning",
                "数据年度仅由表题推断，请核对（可在导入时指定年度）",
                "the data year was only inferred from a caption; check it (or give it when importing)",
                caption[2],
            )
        )
    else:
        cohort = _one_year_cohort(norm)
        if cohort is None:
            raise YearUnknownError(
                source,
                "",
                "无法从文本中识别报告年度（标题、附表表头或调查年份均未找到），请在导入时指定年度"
                "（网页上传：在上传处填写数据年度；命令行：python -m loaders extract/ingest 文件 --year 年度）。",
                "cannot tell the report's data year from the text (no title, appendix header or survey year); "
                "give it when importing (upload page: fill in the data year there; command line:"
                " python -m loaders extract/ingest FILE --year YEAR).",
            )
        year = cohort[0] + 1
        basis_zh = f"由毕业一年后调查的 {cohort[0]} 届推断（第 {cohort[1]} 行）"
        basis_en = f"inferred from the one-year-after survey of the class of {cohort[0]} (line {cohort[1]})"
    check_year(year, source, "报告年度", "the report year")
    for kind, found, line, zh, en in evidence:
        if kind == "data" and found != year:
            problems.append(
                Problem(
                    "year_conflict",
                    "warning",
                    f"{zh} 与采用的数据年度 {year} 不一致",
                    f"{en} disagrees with the data year used, {year}",
                    line,
                )
            )
    title_year = title[1] if title is not None else None
    if title_year is not None and not MIN_YEAR <= title_year <= MAX_YEAR:
        title_year = None
    return YearInfo(year, title_year, basis_zh, basis_en, evidence, [], problems)


def check_year(year: int, source: str, what_zh: str, what_en: str) -> int:
    """A year within 1990–2100, else a :class:`FormatError` naming it."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise FormatError(
            source,
            "",
            f"{what_zh}应在 {MIN_YEAR}–{MAX_YEAR} 之间，实际为 {year}。",
            f"{what_en} must be within {MIN_YEAR}–{MAX_YEAR}, found {year}.",
        )
    return year


def check_cohort(cohort: int, years_after: int | None, data_year: int) -> tuple[str, str, str] | None:
    """Whether a survey cohort fits the report's data year.

    Returns:
        None when it fits; ``("refuse", zh, en)`` for a cohort after the data year or more than
        ten years before it (the table is not read); ``("warn", zh, en)`` when the cohort is
        plausible but not the one the survey's timing implies (data year − years after).
    """
    if cohort > data_year or cohort < data_year - 10:
        return (
            "refuse",
            f"{cohort} 届与报告数据年度 {data_year} 不符（应在 {data_year - 10}–{data_year} 之间），该表未读取",
            f"the class of {cohort} does not fit the data year {data_year} (expected {data_year - 10}–{data_year});"
            " the table was not read",
        )
    if years_after is not None and years_after > 0 and cohort + years_after != data_year:
        expected = data_year - years_after
        return (
            "warn",
            f"{cohort} 届毕业 {years_after} 年后的调查通常载于 {cohort + years_after} 年度报告；"
            f"本报告数据年度为 {data_year}（按惯例应为 {expected} 届）",
            f"a survey of the class of {cohort}, {years_after} year(s) after graduation, usually appears in the"
            f" {cohort + years_after} report; this report's data year is {data_year}"
            f" (expected the class of {expected})",
        )
    return None


def _one_year_cohort(norm: list[str]) -> tuple[int, int] | None:
    found = [
        (int(m.group(1)), index + 1) for index, line in enumerate(norm) for m in _COHORT_ONE_YEAR_RE.finditer(line)
    ]
    if not found:
        return None
    cohort = Counter(c for c, _ in found).most_common(1)[0][0]
    return cohort, next(n for c, n in found if c == cohort)
