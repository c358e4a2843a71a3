"""Synthetic quality reports for measuring: N schools × M years in the layout of the real report.

Belongs here: rendering the text of a made-up 高职 quality report with every table and narrative
sentence that ``data/specs/report_tables.toml`` reads (表2-1…2-4, 2-14…2-28, 3-1, 3-4, 3-5,
3-7…3-10, 4-4, 5-4, 5-5, the appendix 表1…表5, §五 and §六(三)), with values drawn from a seeded
random generator so that the same arguments always give the same bytes.

Every synthetic report is marked as such: the school is called ``模拟第〇〇〇一号职业技术学院``
(“模拟” = simulated; the digits are written with Chinese numerals so that the spec's school-name
pattern, which accepts only Chinese characters before 职业技术学院, still finds it), the first line
says ``【模拟数据 SYNTHETIC】``, and the file name starts with ``模拟_synthetic_``. Nothing here writes
under ``data/``: :func:`write_reports` refuses a target inside the bundled data folder.

Values are plausible and internally consistent: totals are the sums of their rows, shares and
rates are computed from the counts, the provincial benchmark rows of a cohort are the same in
every school's report, and figures stated twice (appendix and tables) agree.

Who a school is and what its survey figures are (profiles, the provincial survey, the vocabulary
the text draws from) is :mod:`loaders.read.synthetic_school`.

Size: ~690 lines on purpose. :func:`render_report` writes the report section by section (one
function a section, in the order the real report prints them) from one random stream held by
:class:`_Report`; the appendix restates figures of the sections before it. Split across files,
every section would need the stream and the figures of the others, and the order of the draws —
which fixes the text — would no longer be readable in one place.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from loaders.contracts.paths import DATA_DIR
from loaders.read.synthetic_school import (
    CHANNELS,
    CITIES,
    EMPLOYER_TYPES,
    FILLER,
    INDUSTRIES,
    SURVEY_ROWS,
    Survey,
    f2,
    pct,
    province_survey,
    province_values,
    school_profile,
    school_values,
    split_total,
)

SYNTHETIC_MARK = "【模拟数据 SYNTHETIC】"
FILE_PREFIX = "模拟_synthetic_"
DEFAULT_FIRST_YEAR = 2015

_DIGITS = "零一二三四五六七八九"


def school_name(index: int, width: int = 4) -> str:
    """The synthetic school's name, e.g. ``模拟第零零零一号职业技术学院`` for index 1.

    Args:
        index: The school's number (1-based).
        width: Digits, zero-padded (at least 4, so that names sort by number).

    Returns:
        A name the spec's school pattern accepts (only Chinese characters before the suffix).
    """
    digits = "".join(_DIGITS[int(ch)] for ch in f"{index:0{width}d}")
    return f"模拟第{digits}号职业技术学院"


def file_name(index: int, report_year: int, width: int = 4) -> str:
    """The file name of a synthetic report (starts with :data:`FILE_PREFIX`)."""
    return f"{FILE_PREFIX}{index:0{width}d}_{report_year}_质量年度报告.txt"


class _Report:
    """The text of one report as it is written: its lines, its random stream and the school's profile.

    Every section draws from the one stream in the order the report prints it, so that the same
    arguments always give the same text.
    """

    def __init__(self, index: int, report_year: int, seed: int, width: int) -> None:
        self.profile = school_profile(seed, index)
        self.rng = random.Random(f"{seed}:report:{index}:{report_year}")
        self.school = school_name(index, width)
        self.seed = seed
        self.year = report_year
        self.growth = 1.0 + 0.02 * (report_year - DEFAULT_FIRST_YEAR)
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        """One line; a sentence without figures goes above every table."""
        if line.startswith("表 "):
            self.lines.append(self.rng.choice(FILLER))
        self.lines.append(line)

    def source(self, office: str) -> None:
        """The source line under a table of the school's own."""
        self.add(f"数据来源：{self.school}{office}")

    def filler(self) -> None:
        """A sentence without figures."""
        self.add(self.rng.choice(FILLER))

    def text(self) -> str:
        """The report, lines separated by ``\\n``."""
        return "\n".join(self.lines) + "\n"


def render_report(index: int, report_year: int, seed: int = 0, width: int = 4) -> str:
    """The text of one synthetic report.

    Args:
        index: The school's number (1-based).
        report_year: The report's data year (the year in the appendix header ``序号 指标 单位 YYYY 年``).
        seed: Seed of the random values (same arguments, same text).
        width: Digits in the school's number.

    Returns:
        The report text, lines separated by ``\\n``.
    """
    r = _Report(index, report_year, seed, width)
    r.add(f"{SYNTHETIC_MARK} 本报告为程序生成的模拟数据，仅用于性能测试，不代表任何真实学校。")
    r.add(f"{r.school}高等职业教育质量年度报告（{report_year} 年度）")
    r.add("一、办学概况")
    r.add("（一）基本情况")
    r.filler()
    r.add("二、学生发展")
    r.add("（一）招生情况")
    r.filler()
    _enrolment(r)
    total_graduates = _graduation(r)
    surveys = _Surveys.of(r, total_graduates)
    _employment_tables(r, surveys)
    employed = _destinations(r, total_graduates)
    _career_tables(r, surveys)
    enrolled_total, courses = _teaching(r)
    teachers, titles = _faculty(r, enrolled_total)
    _exchanges(r, teachers)
    service = _service(r, total_graduates)
    _finance(r)
    _appendix_students(r, total_graduates, employed, service.flows_home, surveys.own_values)
    _appendix_conditions(r)
    _appendix_teaching(r, teachers, titles, enrolled_total, courses)
    _appendix_research(r, service)
    _appendix_international(r)
    return r.text()


def _enrolment(r: _Report) -> None:
    """表2-1 enrolment by channel, 2-2 by region, 2-3 by type, 2-4 over three years."""
    y, c1, growth = r.year, r.year - 1, r.growth
    plans = split_total(r.rng, int(r.profile.size * 330 * growth), len(CHANNELS))
    admitted = [max(1, int(p * r.rng.uniform(0.85, 1.0))) for p in plans]
    registered = [max(1, int(a * r.rng.uniform(0.88, 0.995))) for a in admitted]
    r.add(f"表 2-1 本校 {c1} 年计划招生数、实际录取数以及报到率")
    r.add("招生口径 计划招生数（人） 实际录取数（人） 录取后报到数（人） 报到率（%） 各类招生口径所占比例（%）")
    for name, p, a, reg in zip(CHANNELS, plans, admitted, registered, strict=True):
        r.add(f"{name} {p} {a} {reg} {f2(pct(reg, a))}% {f2(pct(p, sum(plans)))}%")
    total_admitted = sum(admitted)
    r.add(f"合计 {sum(plans)} {total_admitted} {sum(registered)} {f2(pct(sum(registered), total_admitted))}% 100.00%")
    r.source("招生就业处")

    # 表2-2 intake by region
    local = int(total_admitted * r.rng.uniform(0.15, 0.45))
    province = min(total_admitted, local + int(total_admitted * r.rng.uniform(0.35, 0.5)))
    west = int(total_admitted * r.rng.uniform(0.01, 0.06))
    r.add(f"表 2-2 本校 {c1} 年新生生源分布地区")
    r.add("生源地 人数 百分比")
    for name, count in (("本市生源", local), ("本省生源（含本市）", province), ("西部地区生源", west)):
        r.add(f"{name} {count} {f2(pct(count, total_admitted))}%")
    r.source("招生就业处")

    # 表2-3 intake by type, 表2-4 registered over three years
    high = int(total_admitted * r.rng.uniform(0.45, 0.65))
    other = int(total_admitted * r.rng.uniform(0.0, 0.04))
    vocational = total_admitted - high - other
    r.add(f"表 2-3 本校 {c1} 年招生类型分布")
    r.add("生源类型 人数 百分比")
    for name, count in (("高中生（高中起点）", high), ("三校生（中职起点）", vocational), ("其他（社会扩招）", other)):
        r.add(f"{name} {count} {f2(pct(count, total_admitted))}%")
    r.add(f"合计 {total_admitted} 100%")
    r.source("招生就业处")
    three_years = int(total_admitted * r.rng.uniform(2.6, 3.0))
    high3 = int(three_years * r.rng.uniform(0.5, 0.68))
    r.add(f"表 2-4 本校 {y - 3} 年、{y - 2} 年、{c1} 年招生口径分布")
    r.add("生源类型 人数 百分比")
    r.add(f"高中生（高中起点） {high3} {f2(pct(high3, three_years))}%")
    r.add(f"三校生（中职起点） {three_years - high3} {f2(pct(three_years - high3, three_years))}%")
    r.add(f"合计 {three_years} 100%")
    r.source("招生就业处")


def _graduation(r: _Report) -> int:
    """§（二） and 表2-14 on-time graduation by major; returns the graduates."""
    c1, growth = r.year - 1, r.growth
    r.add("（二）毕业情况")
    r.filler()
    # 表2-14 on-time graduation by major
    due = split_total(r.rng, int(r.profile.size * 300 * growth), len(r.profile.majors), skew=2.0)
    graduated = [max(1, int(d * r.rng.uniform(0.85, 1.0))) for d in due]
    r.add(f"表 2-14 {c1} 届各专业毕业生准时毕业情况")
    r.add("专业 学生总数 毕业生数 毕业率")
    for name, d, g in zip(r.profile.majors, due, graduated, strict=True):
        r.add(f"{name} {d} {g} {f2(pct(g, d))}%")
    r.add(f"合计 {sum(due)} {sum(graduated)} {f2(pct(sum(graduated), sum(due)))}%")
    r.source("教务处")
    total_graduates = sum(graduated)
    return total_graduates


_SURVEY_HEADER = "专业名称 总人数 作答人数 作答率"


@dataclass
class _Surveys:
    """The graduate survey of the report's two cohorts (1 and 3 years after): the school's own counts
    and values, and the province's rows of each cohort."""

    own: dict[int, Survey]
    own_values: dict[int, dict[str, float]]
    province_rows: dict[int, dict[str, Survey]]
    province_values: dict[int, dict[str, dict[str, float]]]

    @classmethod
    def of(cls, r: _Report, total_graduates: int) -> _Surveys:
        """Draw the school's survey of both cohorts (the province's are the same in every report)."""
        surveys = cls({}, {}, {}, {})
        for years_after, cohort in ((1, r.year - 1), (3, r.year - 3)):
            surveys.province_rows[years_after] = province_survey(r.seed, cohort, years_after)
            surveys.province_values[years_after] = values = province_values(r.seed, cohort, years_after)
            population = int(total_graduates * r.rng.uniform(0.93, 1.0))
            surveys.own[years_after] = Survey(population, int(population * r.rng.uniform(0.7, 0.97)))
            surveys.own_values[years_after] = school_values(r.rng, values["高职"], r.profile.quality)
        return surveys

    def rows(self, r: _Report, years_after: int, keys: list[str], percent: set[str]) -> None:
        """The four subject rows of a survey table (全省, 本科, 高职, 本校) and its source line."""
        rows = self.province_rows[years_after]
        values = self.province_values[years_after]
        for subject in SURVEY_ROWS:
            counts = self.own[years_after] if subject == "本校" else rows[subject]
            figures = self.own_values[years_after] if subject == "本校" else values[subject]
            cells = [f"{f2(figures[k])}%" if k in percent else f2(figures[k]) for k in keys]
            r.add(f"{subject} {counts.population} {counts.respondents} {f2(counts.rate)}% {' '.join(cells)}")
        r.add(f"数据来源：{r.year} 年浙江省毕业生职业发展状况和人才培养质量调查")


def _employment_tables(r: _Report, s: _Surveys) -> None:
    """§（三） and 表2-15…2-23: employment, income, satisfaction, employers, relevance."""
    y, c1, c3 = r.year, r.year - 1, r.year - 3
    r.add("（三）就业质量")
    r.filler()
    r.add(f"表 2-15 {c1} 届（毕业一年后）各专业毕业生就业状况")
    r.add(f"{_SURVEY_HEADER} 就业率 升学率")
    s.rows(r, 1, ["employment_rate", "further_study_rate"], {"employment_rate", "further_study_rate"})
    r.add(f"表 2-16 {c3} 届（毕业三年后）各专业毕业生就业状况")
    r.add(f"{_SURVEY_HEADER} 就业率 升学率")
    s.rows(r, 3, ["employment_rate", "further_study_rate"], {"employment_rate", "further_study_rate"})
    r.add(f"表 2-17 {c1} 届毕业生（毕业一年后）各专业平均月收入")
    r.add(f"{_SURVEY_HEADER} 工资水平")
    s.rows(r, 1, ["monthly_income"], set())
    r.add(f"表 2-18 {c3} 届毕业生（毕业三年后）各专业平均月收入")
    r.add(f"{_SURVEY_HEADER} 工资水平")
    s.rows(r, 3, ["monthly_income"], set())
    r.add(f"表 2-19 {c1} 届毕业生（毕业一年后）对母校总体满意度")
    r.add(f"{_SURVEY_HEADER} 总体满意度")
    s.rows(r, 1, ["alma_mater_satisfaction"], set())
    r.add(f"表 2-20 {c3} 届毕业生（毕业三年后）对母校总体满意度")
    r.add(f"{_SURVEY_HEADER} 总体满意度")
    s.rows(r, 3, ["alma_mater_satisfaction"], set())

    r.add(f"表 2-21 用人单位对 {c1} 届毕业生的总体满意度评价表")
    r.add("学校名称 作答率 实践动手能力 专业水平 创新能力 合作与协调能力 人际沟通能力")
    for subject in SURVEY_ROWS:
        figures = s.own_values[1] if subject == "本校" else s.province_values[1][subject]
        dimensions = [f2(min(99.9, figures["employer_sat"] + r.rng.uniform(-1.5, 1.5))) for _ in range(5)]
        r.add(f"{subject} {f2(figures['employer_response_rate'])}% {' '.join(dimensions)}")
    r.add(f"数据来源：{y} 年浙江省毕业生职业发展状况和人才培养质量调查")

    r.add(f"表 2-22 {c1} 届毕业生（毕业一年后）就业专业相关度统计表")
    r.add(f"{_SURVEY_HEADER} 专业相关度")
    s.rows(r, 1, ["major_relevance"], set())
    r.add(f"表 2-23 {c3} 届毕业生（毕业三年后）就业专业相关度统计表")
    r.add(f"{_SURVEY_HEADER} 专业相关度")
    s.rows(r, 3, ["major_relevance"], set())


def _destinations(r: _Report, total_graduates: int) -> int:
    """表2-24, 2-25: where the employed graduates went; returns how many were employed."""
    c1 = r.year - 1
    employed = int(total_graduates * r.rng.uniform(0.75, 0.9))
    industries = r.rng.sample(INDUSTRIES, r.rng.randint(10, len(INDUSTRIES)))
    industry_counts = sorted(split_total(r.rng, employed, len(industries), skew=3.0), reverse=True)
    r.add(f"表 2-24 {c1} 届毕业生对主要行业的人才贡献")
    r.add("就业行业流向 就业人数 占总就业人数比例")
    for name, count in zip(industries, industry_counts, strict=True):
        r.add(f"{name} {count} {f2(pct(count, employed))}%")
    r.add(f"总计 {employed} 100.00%")
    r.add(f"数据来源：浙江省大学生网上就业市场管理系统（截止至 {c1} 年 8 月 31 日）")
    type_counts = sorted(split_total(r.rng, employed, len(EMPLOYER_TYPES), skew=6.0), reverse=True)
    r.add(f"表 2-25 {c1} 届毕业生对不同类型企业的人才贡献")
    r.add("企业类型 就业人数 占总就业人数比例")
    for name, count in zip(EMPLOYER_TYPES, type_counts, strict=True):
        r.add(f"{name} {count} {f2(pct(count, employed))}%")
    r.add(f"数据来源：浙江省大学生网上就业市场管理系统（截止至 {c1} 年 8 月 31 日）")
    return employed


def _career_tables(r: _Report, s: _Surveys) -> None:
    """表2-26…2-28: entrepreneurship and promotion."""
    c1, c3 = r.year - 1, r.year - 3
    r.add(f"表 2-26 {c1} 届毕业生（毕业一年后）自主创业比例")
    r.add(f"{_SURVEY_HEADER} 创业率")
    s.rows(r, 1, ["entrepreneurship_rate"], {"entrepreneurship_rate"})
    r.add(f"表 2-27 {c3} 届毕业生（毕业三年后）自主创业比例")
    r.add(f"{_SURVEY_HEADER} 创业率")
    s.rows(r, 3, ["entrepreneurship_rate"], {"entrepreneurship_rate"})
    r.add(f"表 2-28 {c3} 届毕业生（毕业三年后）获得晋升或表彰比例")
    r.add(f"{_SURVEY_HEADER} 获得过晋升或表彰比例")
    s.rows(r, 3, ["promotion_rate"], {"promotion_rate"})


def _teaching(r: _Report) -> tuple[int, list[int]]:
    """§三 and 表3-1 programmes, 3-4 courses, 3-5 course levels; returns the students and courses."""
    growth = r.growth
    r.add("三、教学改革")
    r.filler()
    enrolled_total = int(r.profile.size * 1000 * growth)
    group_majors = split_total(r.rng, len(r.profile.majors), len(r.profile.groups), skew=1.0)
    group_students = split_total(r.rng, enrolled_total, len(r.profile.groups), skew=1.5)
    r.add("表 3-1 本校专业结构及规模")
    r.add("专业大类名称 设置专业数量（个） 在校生人数（人） 占在校生总数的比例（%）")
    for name, majors, students in zip(r.profile.groups, group_majors, group_students, strict=True):
        r.add(f"{name} {majors} {students} {f2(pct(students, enrolled_total))}%")
    r.add(f"合计 {sum(group_majors)} {enrolled_total} 100%")
    r.source("教务处")
    courses = [int(r.profile.size * f * r.rng.uniform(0.8, 1.2)) for f in (12, 90, 20)]
    hours = [c * r.rng.randint(60, 150) for c in courses]
    r.add("表 3-4 本校课程类型、数量及学时")
    r.add("课程类型 课程门数（门） 学时（课时） 占总学时的比例（%）")
    for name, c, h in zip(("理论课（A类）", "理论+实践课（B类）", "实践课（C类）"), courses, hours, strict=True):
        r.add(f"{name} {c} {h:,} {f2(pct(h, sum(hours)))}%")
    r.add(f"合计 {sum(courses)} {sum(hours)} 100.00%")
    r.add("数据来源：高等职业院校人才培养工作状态数据采集与管理平台")
    r.add("表 3-5 本校课程级别及数量")
    r.add("课程级别/类别 课程数（门）")
    for name, scale in (("国家级开放课程", 3), ("省级开放课程", 15), ("市级开放课程", 10)):
        r.add(f"{name} {int(scale * r.rng.uniform(0.2, 2.0) * (1 + r.profile.quality / 2))}")
    r.add("数据来源：高等职业院校人才培养工作状态数据采集与管理平台")
    return enrolled_total, courses


def _faculty(r: _Report, enrolled_total: int) -> tuple[int, list[int]]:
    """§四 and 表3-7, 3-8 faculty, 3-9 training, 3-10 apprenticeship; returns the teachers and their titles."""
    y, c1 = r.year, r.year - 1
    teachers = int(enrolled_total / r.rng.uniform(13.0, 19.0))
    titles = [int(teachers * r.rng.uniform(0.3, 0.45)), int(teachers * r.rng.uniform(0.35, 0.45))]
    titles.append(teachers - sum(titles))
    r.add("四、师资队伍")
    r.filler()
    r.add("表 3-7 本校校内专任教师职称结构分布")
    r.add("职称等级 人数（人） 百分比（%）")
    for name, count in zip(("高级职称", "中级职称", "初级及以下职称"), titles, strict=True):
        r.add(f"{name} {count} {f2(pct(count, teachers))}")
    r.add(f"总数 {teachers} 100")
    r.add("数据来源：人才培养数据平台")
    doctors = int(teachers * r.rng.uniform(0.03, 0.15))
    masters = int(teachers * r.rng.uniform(0.6, 0.8))
    degrees = [doctors, masters, teachers - doctors - masters]
    r.add("表 3-8 本校校内专任教师学位结构分布")
    r.add("学位等级 人数（人） 百分比（%）")
    for name, count in zip(("博士及以上", "硕士", "学士"), degrees, strict=True):
        r.add(f"{name} {count} {f2(pct(count, teachers))}")
    r.add("数据来源：人才培养数据平台")
    training = [int(teachers * f * r.rng.uniform(0.5, 1.5)) for f in (0.05, 0.03, 0.04, 0.9, 9.0)]
    r.add("表 3-9 本校参与校外进修、培训、交流的教师比例")
    r.add("进修、培训、交流项目 参与教师数（人次）")
    names = ("学历学位进修", "赴境外培训、交流", "访工访学", "企业锻炼、实践指导", "校内外培训")
    for name, count in zip(names, training, strict=True):
        r.add(f"{name} {count}")
    r.add(f"合计 {sum(training)}")
    r.source("人事处")
    r.add(f"表 3-10 {c1}-{y} 学年现代学徒制培养情况")
    r.add(
        "专业名称（全称） 班级数 培养学徒数 企业师傅数 企业承担的教学课时数（学时）"
        " 学校年投入经费（万元） 企业年投入经费（万元） 等级"
    )
    for name in r.rng.sample(r.profile.majors, r.rng.randint(4, min(18, len(r.profile.majors)))):
        classes = r.rng.randint(1, 4)
        apprentices = classes * r.rng.randint(3, 40)
        level = r.rng.choice(["", " 校级", " 校级", " 省级", " 国家级"])
        r.add(
            f"{name} {classes} {apprentices} {max(1, apprentices // r.rng.randint(2, 10))} {r.rng.randint(40, 2200)}"
            f" {f2(r.rng.uniform(0, 12))} {f2(r.rng.uniform(0, 60))}{level}"
        )
    r.add("数据来源：高等职业院校人才培养工作状态数据采集与管理平台")
    return teachers, titles


def _exchanges(r: _Report, teachers: int) -> None:
    """§五 国际合作 and 表4-4 exchanges abroad."""
    r.add("五、国际合作")
    r.filler()
    abroad_teachers = int(teachers * r.rng.uniform(0.05, 0.2))
    r.add("表 4-4 近三年师生赴国（境）外交流情况")
    r.add("序号 指标 单位 数量")
    r.add(f"1 学生赴国（境）外研习交流人数 人次 {int(r.profile.size * r.rng.uniform(2, 20))}")
    r.add(f"2 教师赴国（境）外交流人数 人次 {int(teachers * r.rng.uniform(0.02, 0.15))}")
    r.add(f"3 具有三个月以上国（境）外学习交流经验的教师数 人 {abroad_teachers}")
    r.add("数据来源：相关职能部门")


@dataclass(frozen=True)
class _Service:
    """The research income and local graduates §五 states and the appendix restates."""

    service: float
    vertical: float
    transaction: float
    flows_home: int


def _service(r: _Report, total_graduates: int) -> _Service:
    """§五 服务贡献: research income in sentences, 表5-4 and 5-5 where graduates went (what the appendix restates)."""
    y, c1 = r.year, r.year - 1
    scale = r.profile.research * (1 + 0.05 * (y - DEFAULT_FIRST_YEAR))
    vertical_n, horizontal_n, transfer_n = r.rng.randint(20, 150), r.rng.randint(20, 150), r.rng.randint(5, 60)
    service = round(1500 * scale * r.rng.uniform(0.7, 1.3), 3)
    local_service = round(service * r.rng.uniform(0.4, 0.8), 3)
    vertical = round(500 * scale * r.rng.uniform(0.5, 1.5), 3)
    transaction = round(300 * scale * r.rng.uniform(0.3, 1.5), 2)
    research_total = round(service + vertical + transaction, 3)
    ip_applied = r.rng.randint(30, 300)
    ip_granted = r.rng.randint(10, ip_applied)
    inventions = r.rng.randint(0, ip_granted)
    r.add("五、服务贡献")
    r.add("（一）技术研发与服务")
    r.filler()
    r.add(
        f"{c1} 年，学校科技项目立项 {vertical_n + horizontal_n + transfer_n} 项，其中纵向 {vertical_n} 项，"
        f"横向 {horizontal_n} 项，成果转化 {transfer_n} 项；"
    )
    r.add(
        f"科技到款额为 {research_total} 万元，其中技术服务到款额 {service} 万元（为本地企业提供咨询、技术开发服务达"
        f" {local_service} 万元），纵向 {vertical} 万元，技术交易到款额 {transaction} 万元。"
    )
    r.add(
        f"{c1} 年我校申请各类知识产权 {ip_applied} 项，授权各类知识产权 {ip_granted} 项，"
        f"其中授权发明专利 {inventions} 项。"
    )
    r.add("（二）服务地方")
    cities = sorted(CITIES)
    home = r.profile.city
    origins = {
        city: max(1, int(total_graduates * (0.5 if city == home else r.rng.uniform(0.01, 0.06)))) for city in cities
    }
    flows = {
        city: max(1, int(origins[city] * (r.rng.uniform(1.0, 1.4) if city == home else r.rng.uniform(0.2, 1.2))))
        for city in cities
    }
    in_province = sum(flows.values())
    r.add(f"表 5-4 {c1} 届毕业生就业流向浙江省分布表")
    r.add("省市名 生源数 毕业生流向数 流向数占生源数比例 占总留浙人数比例")
    origin_total = sum(origins.values())
    r.add(f"浙江省 {origin_total} {in_province} {f2(pct(in_province, origin_total))}% 100.00%")
    for city in cities:
        per_origin, share = f2(pct(flows[city], origins[city])), f2(pct(flows[city], in_province))
        r.add(f"{city}市 {origins[city]} {flows[city]} {per_origin}% {share}%")
    r.add("注：表中数据均保留小数，由于四舍五入，相加可能不等于 100%")
    counties = CITIES[home]
    county_origins = split_total(r.rng, origins[home], len(counties), skew=2.0)
    county_flows = split_total(r.rng, flows[home], len(counties), skew=2.0)
    r.add(f"表 5-5 {c1} 届毕业生就业流向{home}地区分布表")
    r.add("序号 县市区 生源数 毕业生流向数 流向数占生源数比例 占总留本地人数比例")
    for number, (county, o, f) in enumerate(zip(counties, county_origins, county_flows, strict=True), start=1):
        r.add(f"{number} {county} {o} {f} {f2(pct(f, o))}% {f2(pct(f, flows[home]))}%")
    r.add(f"合计 {origins[home]} {flows[home]} {f2(pct(flows[home], origins[home]))}% 100.00%")
    r.add("注：表中数据均保留小数，由于四舍五入，相加可能不等于 100%")
    r.add("（三）社会培训与服务")
    r.filler()
    return _Service(service, vertical, transaction, flows[home])


def _finance(r: _Report) -> None:
    """§六(三) income in sentences."""
    c1, growth = r.year - 1, r.growth
    income_total = round(r.profile.size * 3000 * growth * r.rng.uniform(0.8, 1.2), 2)
    fiscal = round(income_total * r.rng.uniform(0.45, 0.65), 2)
    special = round(fiscal * r.rng.uniform(0.1, 0.3), 2)
    business = round(income_total * r.rng.uniform(0.25, 0.4), 2)
    other_income = round(income_total - fiscal - business, 2)
    r.add("六、发展保障")
    r.add("（一）政策保障")
    r.filler()
    r.add("（三）经费保障")
    r.add(
        f"{c1} 年 1-12 月收入总计 {income_total:,.2f} 万元，包括财政拨款收入 {fiscal:,.2f} 万元（其中专项资金收入"
        f" {special} 万元），占收入合计 {f2(pct(fiscal, income_total))}%；事业收入 {business:,.2f} 万元，"
        f"占收入合计 {f2(pct(business, income_total))}%；其他收入 {other_income:,.2f} 万元，"
        f"占收入合计 {f2(pct(other_income, income_total))}%。"
    )
    r.add("（四）智慧校园建设")
    r.filler()


def _appendix_students(
    r: _Report, total_graduates: int, employed: int, flows_home: int, own_values: dict[int, dict[str, float]]
) -> None:
    """附件 表1 学生发展."""
    y = r.year
    employed_appendix = int(total_graduates * r.rng.uniform(0.95, 0.99))
    r.add("附件")
    r.add("表 1：学生发展")
    r.add(f"序号 指标 单位 {y} 年")
    r.add("1")
    r.add(f"毕业生人数 人 {total_graduates}")
    r.add(f"其中：就业人数 人 {employed_appendix}")
    r.add("2")
    r.add("毕业生就业去向： —")
    r.add(f"A 类:留在当地就业人数 人 {flows_home}")
    r.add(f"B 类:到西部地区和东北地区就业人数 人 {r.rng.randint(0, 80)}")
    r.add(f"C 类:到中小微企业等基层服务人数 人 {int(employed * r.rng.uniform(0.6, 0.9))}")
    r.add(f"D 类:到 500 强企业就业人数 人 {r.rng.randint(5, 150)}")
    r.add(f"3 初次就业率 % {f2(pct(employed_appendix, total_graduates))}")
    r.add(f"4 理工农医类专业相关度 % {f2(min(99.0, own_values[1]['major_relevance'] + r.rng.uniform(-2, 2)))}")
    r.add(f"5 月收入 元 {f2(own_values[1]['monthly_income'])}")
    r.add(f"6 自主创业比例 % {f2(own_values[1]['entrepreneurship_rate'])}")
    r.add(f"7 雇主满意度 % {f2(own_values[1]['employer_sat'])}")
    r.add(f"8 毕业三年职位晋升比例 % {f2(own_values[3]['promotion_rate'])}")
    r.add(f"9 母校满意度 % {f2(own_values[1]['alma_mater_satisfaction'])}")


def _appendix_conditions(r: _Report) -> None:
    """附件 表2 办学条件."""
    y = r.year
    r.add("表 2：办学条件")
    r.add(f"序号 指标 单位 {y} 年")
    r.add(f"1 生均教学科研仪器设备值 元/生 {f2(r.rng.uniform(8000, 25000))}")
    r.add(f"2 生均教学及辅助、行政办公用房面积 m2/生 {f2(r.rng.uniform(9, 25))}")
    r.add(f"3 生均校内实践教学工位数 个/生 {f2(r.rng.uniform(0.5, 1.5))}")
    r.add("4")
    r.add(f"年生均财政拨款水平 元 {f2(r.rng.uniform(9000, 20000))}")
    r.add(f"其中：年生均财政专项经费 元 {f2(r.rng.uniform(500, 4000))}")
    r.add(f"5 企业提供的校内实践教学设备值 万元 {f2(r.rng.uniform(500, 15000))}")
    r.add(f"6 年生均校外实训基地实习时间 人时 {f2(r.rng.uniform(200, 700))}")
    r.add("7")
    r.add(f"生均企业实习经费补贴 元 {r.rng.randint(0, 400)}")
    r.add(f"其中：生均财政专项补贴 元 {r.rng.randint(0, 50)}")
    r.add("8")
    r.add(f"生均企业实习责任保险补贴 元 {r.rng.randint(5, 40)}")
    r.add(f"其中：生均财政专项补贴 元 {r.rng.randint(0, 5)}")


def _appendix_teaching(r: _Report, teachers: int, titles: list[int], enrolled_total: int, courses: list[int]) -> None:
    """附件 表3 教育教学."""
    y = r.year
    r.add("表 3：教育教学")
    r.add(f"序号 指标 单位 {y} 年")
    r.add("1")
    r.add(f"教职员工额定编制数 人 {int(teachers * r.rng.uniform(1.4, 1.7))}")
    r.add(f"在岗教职员工总数 人 {int(teachers * r.rng.uniform(1.2, 1.4))}")
    r.add(f"其中：专任教师总数 人 {teachers}")
    r.add(f"2 生师比 — {f2(enrolled_total / teachers)}")
    r.add(f"3 双师素质专任教师比例 % {f2(r.rng.uniform(70, 95))}")
    r.add(f"4 高级专业技术职务专任教师比例 % {f2(pct(titles[0], teachers))}")
    r.add("5")
    parttime_pay = round(r.rng.uniform(1e6, 6e6), 2)
    r.add(f"企业兼职教师年课时总量 课时 {r.rng.randint(10000, 60000)}")
    r.add(f"年支付企业兼职教师课酬 元 {f2(parttime_pay)}")
    r.add(f"其中：财政专项补贴 元 {f2(parttime_pay * r.rng.uniform(0.05, 0.3))}")
    r.add("6")
    r.add(f"教学计划内课程总数 门 {sum(courses)}")
    r.add(f"其中：线上开设课程数 门 {int(sum(courses) * r.rng.uniform(0.3, 0.9))}")
    r.add(f"线上课程课均学生数 人 {f2(r.rng.uniform(40, 150))}")
    r.add("7")
    r.add("教学满意度")
    r.add("一年级 二年级")
    sessions = [r.rng.randint(1000, 5000), r.rng.randint(1000, 5000)]
    for label in ("（1）思想政治课", "（2）公共基础课（不含思想政治课）", "（3）专业课教学"):
        r.add(label)
        r.add(f"满意度 % {f2(r.rng.uniform(95, 99.9))} {f2(r.rng.uniform(95, 99.9))}")
        r.add(f"调研课次 课次 {sessions[0]} {sessions[1]}")


def _appendix_research(r: _Report, service: _Service) -> None:
    """附件 表4 科研与社会服务."""
    y = r.year
    r.add("表 4：科研与社会服务")
    r.add(f"序号 指标 单位 {y} 年 备注")
    r.add("1")
    r.add(f"技术服务到款额 万元 {service.service}")
    r.add(f"技术服务产生的经济效益 万元 {int(service.service * r.rng.uniform(5, 30))}")
    r.add(f"2 纵向科研经费到款额 万元 {service.vertical}")
    r.add(f"3 技术交易到款额 万元 {service.transaction}")
    training_days = [
        r.rng.randint(20000, 150000),
        r.rng.randint(0, 2000),
        r.rng.randint(0, 1000),
        r.rng.randint(500, 20000),
    ]
    r.add("4")
    r.add(f"非学历培训服务 人日 {sum(training_days) + r.rng.randint(1000, 150000)}")
    r.add("其中")
    r.add(f"技术技能培训服务 人日 {training_days[0]}")
    r.add(f"新型职业农民培训服务 人日 {training_days[1]}")
    r.add(f"退役军人培训服务 人日 {training_days[2]}")
    r.add(f"基层社会服务人员培训服务 人日 {training_days[3]}")
    r.add(f"非学历培训到款额 万元 {r.rng.randint(200, 4000)}")


def _appendix_international(r: _Report) -> None:
    """附件 表5 国际交流."""
    y = r.year
    r.add("表 5：国际交流")
    r.add(f"序号 指标 单位 {y} 年 备注")
    r.add(f"1 国（境）外人员培训量 人日 {r.rng.randint(0, 8000)} ——")
    r.add(f"2 专任教师赴国（境）外指导和开展培训时间 人日 {r.rng.randint(0, 5000)}")
    r.add(f"3 开发并被国（境）外采用的专业教学标准数 个 {r.rng.randint(0, 5)}")
    r.add(f"开发并被国（境）外采用的课程标准数 个 {r.rng.randint(0, 20)}")
    r.add(f"4 国（境）外技能大赛获奖数量 项 {r.rng.randint(0, 5)}")
    r.add(f"5 国（境）外办学点数量 个 {r.rng.randint(0, 3)}")


def _refuse_bundled_data(out_dir: Path) -> None:
    resolved = out_dir.resolve()
    data = DATA_DIR.resolve()
    if resolved == data or data in resolved.parents:
        raise ValueError(
            f"模拟报告不得写入 {DATA_DIR}：{out_dir}\nsynthetic reports must not be written under data/: {out_dir}"
        )


def _write_school(args: tuple[Path, int, tuple[int, ...], int, int]) -> list[Path]:
    out_dir, index, years, seed, width = args
    written = []
    for year in years:
        path = out_dir / file_name(index, year, width)
        path.write_text(render_report(index, year, seed, width), encoding="utf-8")
        written.append(path)
    return written


def report_years(years: int, first_year: int = DEFAULT_FIRST_YEAR) -> tuple[int, ...]:
    """``years`` consecutive report years starting at ``first_year``."""
    return tuple(range(first_year, first_year + years))


def write_reports(
    out_dir: Path | str,
    schools: int,
    years: int,
    *,
    first_year: int = DEFAULT_FIRST_YEAR,
    seed: int = 0,
    workers: int = 1,
) -> list[Path]:
    """Write ``schools × years`` synthetic reports into ``out_dir`` (never under ``data/``).

    Args:
        out_dir: Target folder (created when missing).
        schools: Number of schools.
        years: Number of consecutive report years per school.
        first_year: The first report year.
        seed: Seed of the random values.
        workers: Processes rendering in parallel.

    Returns:
        The files written, by school then year.

    Raises:
        ValueError: ``out_dir`` is inside the bundled ``data/`` folder.
    """
    out = Path(out_dir)
    _refuse_bundled_data(out)
    out.mkdir(parents=True, exist_ok=True)
    width = max(4, len(str(schools)))
    jobs = [(out, index, report_years(years, first_year), seed, width) for index in range(1, schools + 1)]
    if workers <= 1:
        return [path for job in jobs for path in _write_school(job)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [path for paths in pool.map(_write_school, jobs, chunksize=16) for path in paths]


def iter_reports(
    schools: int, years: int, first_year: int = DEFAULT_FIRST_YEAR, seed: int = 0
) -> Iterator[tuple[str, str]]:
    """``(file name, text)`` of every synthetic report, without touching the disk."""
    width = max(4, len(str(schools)))
    for index in range(1, schools + 1):
        for year in report_years(years, first_year):
            yield file_name(index, year, width), render_report(index, year, seed, width)
