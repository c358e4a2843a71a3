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

Size: ~700 lines, most of them one function (:func:`render_report`) that writes the report's
tables in the order the real report prints them; splitting it by table would scatter the shared
random state and the figures one table reuses from another (totals, shares, the appendix).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from loaders.contracts.paths import DATA_DIR

SYNTHETIC_MARK = "【模拟数据 SYNTHETIC】"
FILE_PREFIX = "模拟_synthetic_"
DEFAULT_FIRST_YEAR = 2015

_DIGITS = "零一二三四五六七八九"
_CHANNELS = ["单独考试", "统一高考", "提前招生", "五年制转入", "社会扩招"]
_MAJORS = [
    "产品艺术设计", "城市轨道交通运营管理", "传播与策划", "电机与电器技术", "电气自动化技术", "电子商务",
    "电子信息工程技术", "房地产经营与管理", "服装与服饰设计", "工程造价", "工商企业管理", "国际商务",
    "环境艺术设计", "会计", "机电一体化技术", "机械设计与制造", "机械制造与自动化", "计算机网络技术",
    "家具设计与制造", "建筑工程技术", "建筑设计", "酒店管理", "模具设计与制造", "汽车电子技术", "软件技术",
    "商务英语", "市场营销", "数控技术", "数字媒体应用技术", "投资与理财", "文秘", "物流管理", "护理",
    "学前教育", "旅游管理", "应用化工技术", "食品检测技术", "大数据技术", "人工智能技术应用", "物联网应用技术",
    "工业机器人技术", "新能源汽车技术", "智能控制技术", "药品生产技术", "社会工作",
]  # fmt: skip
_MAJOR_GROUPS = [
    "56 装备制造大类", "61 电子信息大类", "63 财经商贸大类", "54 土木建筑大类", "65 文化艺术大类",
    "64 旅游大类", "67 教育与体育大类", "66 新闻传播大类", "58 轻工纺织大类", "60 交通运输大类",
    "62 医药卫生大类", "57 生物与化工大类",
]  # fmt: skip
_INDUSTRIES = [
    "制造业", "信息传输、软件和信息技术服务业", "建筑业", "批发和零售业", "电力、热力、燃气及水生产和供应业",
    "租赁和商务服务业", "文化、体育和娱乐业", "住宿和餐饮业", "教育", "金融业", "居民服务、修理和其他服务业",
    "房地产业", "科学研究和技术服务业", "交通运输、仓储和邮政业", "农、林、牧、渔业",
    "公共管理、社会保障和社会组织", "卫生和社会工作",
]  # fmt: skip
_EMPLOYER_TYPES = ["民营企业", "机关事业单位", "国有企业", "三资企业"]
_CITIES = {
    "杭州": ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "富阳区", "桐庐县"],
    "宁波": ["海曙区", "江北区", "北仑区", "镇海区", "鄞州区", "余姚市", "慈溪市", "宁海县"],
    "温州": ["温州四区", "瑞安市", "乐清市", "永嘉县", "文成县", "泰顺县", "平阳县", "苍南县"],
    "嘉兴": ["南湖区", "秀洲区", "嘉善县", "海盐县", "海宁市", "平湖市", "桐乡市"],
    "湖州": ["吴兴区", "南浔区", "德清县", "长兴县", "安吉县"],
    "绍兴": ["越城区", "柯桥区", "上虞区", "新昌县", "诸暨市", "嵊州市"],
    "金华": ["婺城区", "金东区", "武义县", "浦江县", "兰溪市", "义乌市", "东阳市", "永康市"],
    "衢州": ["柯城区", "衢江区", "常山县", "开化县", "龙游县", "江山市"],
    "舟山": ["定海区", "普陀区", "岱山县", "嵊泗县"],
    "台州": ["椒江区", "黄岩区", "路桥区", "三门县", "天台县", "仙居县", "温岭市", "临海市", "玉环市"],
    "丽水": ["莲都区", "青田县", "缙云县", "遂昌县", "松阳县", "云和县", "庆元县", "龙泉市"],
}
_FILLER = (
    "学校坚持立德树人根本任务，深化产教融合、校企合作，持续提升人才培养质量。",
    "本段为模拟文字，仅用于性能测试，不代表任何真实学校的办学情况。",
    "学校围绕区域产业发展需求，优化专业布局，推进教学改革，完善质量保证体系。",
)


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


@dataclass(frozen=True)
class _Profile:
    """What stays about the same for one school from year to year."""

    size: float  # students, thousands
    quality: float  # -1 … 1: how far above the provincial average the school's outcomes are
    city: str
    majors: tuple[str, ...]
    groups: tuple[str, ...]
    research: float  # scale of research income


def _profile(seed: int, index: int) -> _Profile:
    rng = random.Random(f"{seed}:school:{index}")
    majors = tuple(rng.sample(_MAJORS, rng.randint(18, 36)))
    return _Profile(
        size=rng.uniform(3.0, 16.0),
        quality=rng.uniform(-1.0, 1.0),
        city=rng.choice(sorted(_CITIES)),
        majors=majors,
        groups=tuple(rng.sample(_MAJOR_GROUPS, rng.randint(5, 10))),
        research=rng.uniform(0.2, 3.0),
    )


def _split(rng: random.Random, total: int, parts: int, skew: float = 1.0) -> list[int]:
    """``parts`` positive integers adding up to ``total`` (decreasing sizes when skewed)."""
    weights = [rng.uniform(0.3, 1.0) ** skew for _ in range(parts)]
    scale = sum(weights)
    counts = [max(1, int(total * w / scale)) for w in weights]
    counts[0] += total - sum(counts)
    return counts


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def _f2(value: float) -> str:
    return f"{value:.2f}"


@dataclass(frozen=True)
class _Survey:
    population: int
    respondents: int

    @property
    def rate(self) -> float:
        return _pct(self.respondents, self.population)


def _province_survey(seed: int, cohort: int, years_after: int) -> dict[str, _Survey]:
    """The provincial survey rows of one cohort: the same in every school's report."""
    rng = random.Random(f"{seed}:province:{cohort}:{years_after}")
    rows = {}
    for subject, size in (("本科", 150_000), ("高职", 120_000)):
        population = int(size * rng.uniform(0.9, 1.1))
        respondents = int(population * rng.uniform(0.72, 0.94))
        rows[subject] = _Survey(population, respondents)
    rows["全省"] = _Survey(rows["本科"].population + rows["高职"].population,
                         rows["本科"].respondents + rows["高职"].respondents)  # fmt: skip
    return rows


def _province_values(seed: int, cohort: int, years_after: int) -> dict[str, dict[str, float]]:
    """Provincial benchmark values per subject for one cohort survey."""
    rng = random.Random(f"{seed}:province-values:{cohort}:{years_after}")
    drift = (cohort - 2015) * 0.15
    later = years_after == 3
    base = {
        "employment_rate": 93.5 + drift + (2.0 if later else 0.0),
        "further_study_rate": 12.0 if not later else 4.0,
        "monthly_income": (4600 if not later else 6300) * (1.04 ** (cohort - 2015)),
        "alma_mater_satisfaction": 87.0 + drift,
        "major_relevance": 66.0 if not later else 61.0,
        "entrepreneurship_rate": 3.6 if not later else 5.5,
        "promotion_rate": 34.0,
        "employer_response_rate": 78.0,
        "employer_sat": 92.0,
    }
    values: dict[str, dict[str, float]] = {}
    for subject, shift in (("全省", 0.0), ("本科", -0.6), ("高职", 0.8)):
        row = {}
        for key, value in base.items():
            spread = value * 0.02 if key != "monthly_income" else value * 0.05
            row[key] = round(value + shift * spread + rng.uniform(-spread, spread), 2)
        values[subject] = row
    return values


def _school_values(rng: random.Random, bench: dict[str, float], q: float) -> dict[str, float]:
    """The school's survey values: the provincial 高职 value moved by the school's quality and noise."""

    def near(key: str, shift: float, noise: float, low: float = 0.0, high: float = 99.9) -> float:
        return round(min(high, max(low, bench[key] + shift * q + rng.uniform(-noise, noise))), 2)

    def scaled(key: str, shift: float, noise: float, low: float = 0.0, high: float = 99.9) -> float:
        return round(min(high, max(low, bench[key] * (1 + shift * q + rng.uniform(-noise, noise)))), 2)

    return {
        "employment_rate": near("employment_rate", 1.5, 1.0),
        "further_study_rate": near("further_study_rate", 3.0, 2.0, low=0.5),
        "monthly_income": scaled("monthly_income", 0.12, 0.04, high=1e6),
        "alma_mater_satisfaction": near("alma_mater_satisfaction", 4.0, 2.0, high=99.5),
        "major_relevance": near("major_relevance", 8.0, 4.0),
        "entrepreneurship_rate": scaled("entrepreneurship_rate", 0.6, 0.3, low=0.3),
        "promotion_rate": scaled("promotion_rate", 0.4, 0.2, high=90.0),
        "employer_response_rate": near("employer_response_rate", 10.0, 5.0, high=99.0),
        "employer_sat": near("employer_sat", 3.0, 0.0, high=99.0),
    }


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
    profile = _profile(seed, index)
    rng = random.Random(f"{seed}:report:{index}:{report_year}")
    school = school_name(index, width)
    lines: list[str] = []
    y = report_year
    c1, c3 = y - 1, y - 3
    q = profile.quality
    growth = 1.0 + 0.02 * (y - DEFAULT_FIRST_YEAR)

    def source(office: str) -> None:
        add(f"数据来源：{school}{office}")

    def filler() -> None:
        add(rng.choice(_FILLER))

    def add(line: str) -> None:
        if line.startswith("表 "):
            lines.append(rng.choice(_FILLER))  # a sentence without figures above every table
        lines.append(line)

    add(f"{SYNTHETIC_MARK} 本报告为程序生成的模拟数据，仅用于性能测试，不代表任何真实学校。")
    add(f"{school}高等职业教育质量年度报告（{y} 年度）")
    add("一、办学概况")
    add("（一）基本情况")
    filler()
    add("二、学生发展")
    add("（一）招生情况")
    filler()

    # 表2-1 enrolment by channel
    plans = _split(rng, int(profile.size * 330 * growth), len(_CHANNELS))
    admitted = [max(1, int(p * rng.uniform(0.85, 1.0))) for p in plans]
    registered = [max(1, int(a * rng.uniform(0.88, 0.995))) for a in admitted]
    add(f"表 2-1 本校 {c1} 年计划招生数、实际录取数以及报到率")
    add("招生口径 计划招生数（人） 实际录取数（人） 录取后报到数（人） 报到率（%） 各类招生口径所占比例（%）")
    for name, p, a, r in zip(_CHANNELS, plans, admitted, registered, strict=True):
        add(f"{name} {p} {a} {r} {_f2(_pct(r, a))}% {_f2(_pct(p, sum(plans)))}%")
    total_admitted = sum(admitted)
    add(f"合计 {sum(plans)} {total_admitted} {sum(registered)} {_f2(_pct(sum(registered), total_admitted))}% 100.00%")
    source("招生就业处")

    # 表2-2 intake by region
    local = int(total_admitted * rng.uniform(0.15, 0.45))
    province = min(total_admitted, local + int(total_admitted * rng.uniform(0.35, 0.5)))
    west = int(total_admitted * rng.uniform(0.01, 0.06))
    add(f"表 2-2 本校 {c1} 年新生生源分布地区")
    add("生源地 人数 百分比")
    for name, count in (("本市生源", local), ("本省生源（含本市）", province), ("西部地区生源", west)):
        add(f"{name} {count} {_f2(_pct(count, total_admitted))}%")
    source("招生就业处")

    # 表2-3 intake by type, 表2-4 registered over three years
    high = int(total_admitted * rng.uniform(0.45, 0.65))
    other = int(total_admitted * rng.uniform(0.0, 0.04))
    vocational = total_admitted - high - other
    add(f"表 2-3 本校 {c1} 年招生类型分布")
    add("生源类型 人数 百分比")
    for name, count in (("高中生（高中起点）", high), ("三校生（中职起点）", vocational), ("其他（社会扩招）", other)):
        add(f"{name} {count} {_f2(_pct(count, total_admitted))}%")
    add(f"合计 {total_admitted} 100%")
    source("招生就业处")
    three_years = int(total_admitted * rng.uniform(2.6, 3.0))
    high3 = int(three_years * rng.uniform(0.5, 0.68))
    add(f"表 2-4 本校 {y - 3} 年、{y - 2} 年、{c1} 年招生口径分布")
    add("生源类型 人数 百分比")
    add(f"高中生（高中起点） {high3} {_f2(_pct(high3, three_years))}%")
    add(f"三校生（中职起点） {three_years - high3} {_f2(_pct(three_years - high3, three_years))}%")
    add(f"合计 {three_years} 100%")
    source("招生就业处")

    add("（二）毕业情况")
    filler()
    # 表2-14 on-time graduation by major
    due = _split(rng, int(profile.size * 300 * growth), len(profile.majors), skew=2.0)
    graduated = [max(1, int(d * rng.uniform(0.85, 1.0))) for d in due]
    add(f"表 2-14 {c1} 届各专业毕业生准时毕业情况")
    add("专业 学生总数 毕业生数 毕业率")
    for name, d, g in zip(profile.majors, due, graduated, strict=True):
        add(f"{name} {d} {g} {_f2(_pct(g, d))}%")
    add(f"合计 {sum(due)} {sum(graduated)} {_f2(_pct(sum(graduated), sum(due)))}%")
    source("教务处")
    total_graduates = sum(graduated)

    # graduate survey tables
    own: dict[int, _Survey] = {}
    own_values: dict[int, dict[str, float]] = {}
    province_rows: dict[int, dict[str, _Survey]] = {}
    province_values: dict[int, dict[str, dict[str, float]]] = {}
    for years_after, cohort in ((1, c1), (3, c3)):
        province_rows[years_after] = _province_survey(seed, cohort, years_after)
        province_values[years_after] = values = _province_values(seed, cohort, years_after)
        population = int(total_graduates * rng.uniform(0.93, 1.0))
        own[years_after] = _Survey(population, int(population * rng.uniform(0.7, 0.97)))
        own_values[years_after] = _school_values(rng, values["高职"], q)

    def survey_rows(years_after: int, keys: list[str], percent: set[str]) -> None:
        rows = province_rows[years_after]
        values = province_values[years_after]
        for subject in ("全省", "本科", "高职", "本校"):
            counts = own[years_after] if subject == "本校" else rows[subject]
            figures = own_values[years_after] if subject == "本校" else values[subject]
            cells = [f"{_f2(figures[k])}%" if k in percent else _f2(figures[k]) for k in keys]
            add(f"{subject} {counts.population} {counts.respondents} {_f2(counts.rate)}% {' '.join(cells)}")
        add(f"数据来源：{y} 年浙江省毕业生职业发展状况和人才培养质量调查")

    header = "专业名称 总人数 作答人数 作答率"
    add("（三）就业质量")
    filler()
    add(f"表 2-15 {c1} 届（毕业一年后）各专业毕业生就业状况")
    add(f"{header} 就业率 升学率")
    survey_rows(1, ["employment_rate", "further_study_rate"], {"employment_rate", "further_study_rate"})
    add(f"表 2-16 {c3} 届（毕业三年后）各专业毕业生就业状况")
    add(f"{header} 就业率 升学率")
    survey_rows(3, ["employment_rate", "further_study_rate"], {"employment_rate", "further_study_rate"})
    add(f"表 2-17 {c1} 届毕业生（毕业一年后）各专业平均月收入")
    add(f"{header} 工资水平")
    survey_rows(1, ["monthly_income"], set())
    add(f"表 2-18 {c3} 届毕业生（毕业三年后）各专业平均月收入")
    add(f"{header} 工资水平")
    survey_rows(3, ["monthly_income"], set())
    add(f"表 2-19 {c1} 届毕业生（毕业一年后）对母校总体满意度")
    add(f"{header} 总体满意度")
    survey_rows(1, ["alma_mater_satisfaction"], set())
    add(f"表 2-20 {c3} 届毕业生（毕业三年后）对母校总体满意度")
    add(f"{header} 总体满意度")
    survey_rows(3, ["alma_mater_satisfaction"], set())

    add(f"表 2-21 用人单位对 {c1} 届毕业生的总体满意度评价表")
    add("学校名称 作答率 实践动手能力 专业水平 创新能力 合作与协调能力 人际沟通能力")
    for subject in ("全省", "本科", "高职", "本校"):
        figures = own_values[1] if subject == "本校" else province_values[1][subject]
        dimensions = [_f2(min(99.9, figures["employer_sat"] + rng.uniform(-1.5, 1.5))) for _ in range(5)]
        add(f"{subject} {_f2(figures['employer_response_rate'])}% {' '.join(dimensions)}")
    add(f"数据来源：{y} 年浙江省毕业生职业发展状况和人才培养质量调查")

    add(f"表 2-22 {c1} 届毕业生（毕业一年后）就业专业相关度统计表")
    add(f"{header} 专业相关度")
    survey_rows(1, ["major_relevance"], set())
    add(f"表 2-23 {c3} 届毕业生（毕业三年后）就业专业相关度统计表")
    add(f"{header} 专业相关度")
    survey_rows(3, ["major_relevance"], set())

    # 表2-24, 2-25 destinations
    employed = int(total_graduates * rng.uniform(0.75, 0.9))
    industries = rng.sample(_INDUSTRIES, rng.randint(10, len(_INDUSTRIES)))
    industry_counts = sorted(_split(rng, employed, len(industries), skew=3.0), reverse=True)
    add(f"表 2-24 {c1} 届毕业生对主要行业的人才贡献")
    add("就业行业流向 就业人数 占总就业人数比例")
    for name, count in zip(industries, industry_counts, strict=True):
        add(f"{name} {count} {_f2(_pct(count, employed))}%")
    add(f"总计 {employed} 100.00%")
    add(f"数据来源：浙江省大学生网上就业市场管理系统（截止至 {c1} 年 8 月 31 日）")
    type_counts = sorted(_split(rng, employed, len(_EMPLOYER_TYPES), skew=6.0), reverse=True)
    add(f"表 2-25 {c1} 届毕业生对不同类型企业的人才贡献")
    add("企业类型 就业人数 占总就业人数比例")
    for name, count in zip(_EMPLOYER_TYPES, type_counts, strict=True):
        add(f"{name} {count} {_f2(_pct(count, employed))}%")
    add(f"数据来源：浙江省大学生网上就业市场管理系统（截止至 {c1} 年 8 月 31 日）")

    add(f"表 2-26 {c1} 届毕业生（毕业一年后）自主创业比例")
    add(f"{header} 创业率")
    survey_rows(1, ["entrepreneurship_rate"], {"entrepreneurship_rate"})
    add(f"表 2-27 {c3} 届毕业生（毕业三年后）自主创业比例")
    add(f"{header} 创业率")
    survey_rows(3, ["entrepreneurship_rate"], {"entrepreneurship_rate"})
    add(f"表 2-28 {c3} 届毕业生（毕业三年后）获得晋升或表彰比例")
    add(f"{header} 获得过晋升或表彰比例")
    survey_rows(3, ["promotion_rate"], {"promotion_rate"})

    # 三、教学改革: 表3-1 programmes, 3-4 courses, 3-5 course levels
    add("三、教学改革")
    filler()
    enrolled_total = int(profile.size * 1000 * growth)
    group_majors = _split(rng, len(profile.majors), len(profile.groups), skew=1.0)
    group_students = _split(rng, enrolled_total, len(profile.groups), skew=1.5)
    add("表 3-1 本校专业结构及规模")
    add("专业大类名称 设置专业数量（个） 在校生人数（人） 占在校生总数的比例（%）")
    for name, majors, students in zip(profile.groups, group_majors, group_students, strict=True):
        add(f"{name} {majors} {students} {_f2(_pct(students, enrolled_total))}%")
    add(f"合计 {sum(group_majors)} {enrolled_total} 100%")
    source("教务处")
    courses = [int(profile.size * f * rng.uniform(0.8, 1.2)) for f in (12, 90, 20)]
    hours = [c * rng.randint(60, 150) for c in courses]
    add("表 3-4 本校课程类型、数量及学时")
    add("课程类型 课程门数（门） 学时（课时） 占总学时的比例（%）")
    for name, c, h in zip(("理论课（A类）", "理论+实践课（B类）", "实践课（C类）"), courses, hours, strict=True):
        add(f"{name} {c} {h:,} {_f2(_pct(h, sum(hours)))}%")
    add(f"合计 {sum(courses)} {sum(hours)} 100.00%")
    add("数据来源：高等职业院校人才培养工作状态数据采集与管理平台")
    add("表 3-5 本校课程级别及数量")
    add("课程级别/类别 课程数（门）")
    for name, scale in (("国家级开放课程", 3), ("省级开放课程", 15), ("市级开放课程", 10)):
        add(f"{name} {int(scale * rng.uniform(0.2, 2.0) * (1 + q / 2))}")
    add("数据来源：高等职业院校人才培养工作状态数据采集与管理平台")

    # 表3-7, 3-8 faculty; 3-9 training; 3-10 apprenticeship
    teachers = int(enrolled_total / rng.uniform(13.0, 19.0))
    titles = [int(teachers * rng.uniform(0.3, 0.45)), int(teachers * rng.uniform(0.35, 0.45))]
    titles.append(teachers - sum(titles))
    add("四、师资队伍")
    filler()
    add("表 3-7 本校校内专任教师职称结构分布")
    add("职称等级 人数（人） 百分比（%）")
    for name, count in zip(("高级职称", "中级职称", "初级及以下职称"), titles, strict=True):
        add(f"{name} {count} {_f2(_pct(count, teachers))}")
    add(f"总数 {teachers} 100")
    add("数据来源：人才培养数据平台")
    doctors = int(teachers * rng.uniform(0.03, 0.15))
    masters = int(teachers * rng.uniform(0.6, 0.8))
    degrees = [doctors, masters, teachers - doctors - masters]
    add("表 3-8 本校校内专任教师学位结构分布")
    add("学位等级 人数（人） 百分比（%）")
    for name, count in zip(("博士及以上", "硕士", "学士"), degrees, strict=True):
        add(f"{name} {count} {_f2(_pct(count, teachers))}")
    add("数据来源：人才培养数据平台")
    training = [int(teachers * f * rng.uniform(0.5, 1.5)) for f in (0.05, 0.03, 0.04, 0.9, 9.0)]
    add("表 3-9 本校参与校外进修、培训、交流的教师比例")
    add("进修、培训、交流项目 参与教师数（人次）")
    names = ("学历学位进修", "赴境外培训、交流", "访工访学", "企业锻炼、实践指导", "校内外培训")
    for name, count in zip(names, training, strict=True):
        add(f"{name} {count}")
    add(f"合计 {sum(training)}")
    source("人事处")
    add(f"表 3-10 {c1}-{y} 学年现代学徒制培养情况")
    add(
        "专业名称（全称） 班级数 培养学徒数 企业师傅数 企业承担的教学课时数（学时）"
        " 学校年投入经费（万元） 企业年投入经费（万元） 等级"
    )
    for name in rng.sample(profile.majors, rng.randint(4, min(18, len(profile.majors)))):
        classes = rng.randint(1, 4)
        apprentices = classes * rng.randint(3, 40)
        level = rng.choice(["", " 校级", " 校级", " 省级", " 国家级"])
        add(
            f"{name} {classes} {apprentices} {max(1, apprentices // rng.randint(2, 10))} {rng.randint(40, 2200)}"
            f" {_f2(rng.uniform(0, 12))} {_f2(rng.uniform(0, 60))}{level}"
        )
    add("数据来源：高等职业院校人才培养工作状态数据采集与管理平台")

    # 表4-4 exchanges abroad
    add("五、国际合作")
    filler()
    abroad_teachers = int(teachers * rng.uniform(0.05, 0.2))
    add("表 4-4 近三年师生赴国（境）外交流情况")
    add("序号 指标 单位 数量")
    add(f"1 学生赴国（境）外研习交流人数 人次 {int(profile.size * rng.uniform(2, 20))}")
    add(f"2 教师赴国（境）外交流人数 人次 {int(teachers * rng.uniform(0.02, 0.15))}")
    add(f"3 具有三个月以上国（境）外学习交流经验的教师数 人 {abroad_teachers}")
    add("数据来源：相关职能部门")

    # §五 narrative, 表5-4 and 5-5
    r = profile.research * (1 + 0.05 * (y - DEFAULT_FIRST_YEAR))
    vertical_n, horizontal_n, transfer_n = rng.randint(20, 150), rng.randint(20, 150), rng.randint(5, 60)
    service = round(1500 * r * rng.uniform(0.7, 1.3), 3)
    local_service = round(service * rng.uniform(0.4, 0.8), 3)
    vertical = round(500 * r * rng.uniform(0.5, 1.5), 3)
    transaction = round(300 * r * rng.uniform(0.3, 1.5), 2)
    research_total = round(service + vertical + transaction, 3)
    ip_applied = rng.randint(30, 300)
    ip_granted = rng.randint(10, ip_applied)
    inventions = rng.randint(0, ip_granted)
    add("五、服务贡献")
    add("（一）技术研发与服务")
    filler()
    add(
        f"{c1} 年，学校科技项目立项 {vertical_n + horizontal_n + transfer_n} 项，其中纵向 {vertical_n} 项，"
        f"横向 {horizontal_n} 项，成果转化 {transfer_n} 项；"
    )
    add(
        f"科技到款额为 {research_total} 万元，其中技术服务到款额 {service} 万元（为本地企业提供咨询、技术开发服务达"
        f" {local_service} 万元），纵向 {vertical} 万元，技术交易到款额 {transaction} 万元。"
    )
    add(
        f"{c1} 年我校申请各类知识产权 {ip_applied} 项，授权各类知识产权 {ip_granted} 项，"
        f"其中授权发明专利 {inventions} 项。"
    )
    add("（二）服务地方")
    cities = sorted(_CITIES)
    home = profile.city
    origins = {
        city: max(1, int(total_graduates * (0.5 if city == home else rng.uniform(0.01, 0.06)))) for city in cities
    }
    flows = {
        city: max(1, int(origins[city] * (rng.uniform(1.0, 1.4) if city == home else rng.uniform(0.2, 1.2))))
        for city in cities
    }
    in_province = sum(flows.values())
    add(f"表 5-4 {c1} 届毕业生就业流向浙江省分布表")
    add("省市名 生源数 毕业生流向数 流向数占生源数比例 占总留浙人数比例")
    origin_total = sum(origins.values())
    add(f"浙江省 {origin_total} {in_province} {_f2(_pct(in_province, origin_total))}% 100.00%")
    for city in cities:
        per_origin, share = _f2(_pct(flows[city], origins[city])), _f2(_pct(flows[city], in_province))
        add(f"{city}市 {origins[city]} {flows[city]} {per_origin}% {share}%")
    add("注：表中数据均保留小数，由于四舍五入，相加可能不等于 100%")
    counties = _CITIES[home]
    county_origins = _split(rng, origins[home], len(counties), skew=2.0)
    county_flows = _split(rng, flows[home], len(counties), skew=2.0)
    add(f"表 5-5 {c1} 届毕业生就业流向{home}地区分布表")
    add("序号 县市区 生源数 毕业生流向数 流向数占生源数比例 占总留本地人数比例")
    for number, (county, o, f) in enumerate(zip(counties, county_origins, county_flows, strict=True), start=1):
        add(f"{number} {county} {o} {f} {_f2(_pct(f, o))}% {_f2(_pct(f, flows[home]))}%")
    add(f"合计 {origins[home]} {flows[home]} {_f2(_pct(flows[home], origins[home]))}% 100.00%")
    add("注：表中数据均保留小数，由于四舍五入，相加可能不等于 100%")
    add("（三）社会培训与服务")
    filler()

    # §六(三) finance
    income_total = round(profile.size * 3000 * growth * rng.uniform(0.8, 1.2), 2)
    fiscal = round(income_total * rng.uniform(0.45, 0.65), 2)
    special = round(fiscal * rng.uniform(0.1, 0.3), 2)
    business = round(income_total * rng.uniform(0.25, 0.4), 2)
    other_income = round(income_total - fiscal - business, 2)
    add("六、发展保障")
    add("（一）政策保障")
    filler()
    add("（三）经费保障")
    add(
        f"{c1} 年 1-12 月收入总计 {income_total:,.2f} 万元，包括财政拨款收入 {fiscal:,.2f} 万元（其中专项资金收入"
        f" {special} 万元），占收入合计 {_f2(_pct(fiscal, income_total))}%；事业收入 {business:,.2f} 万元，"
        f"占收入合计 {_f2(_pct(business, income_total))}%；其他收入 {other_income:,.2f} 万元，"
        f"占收入合计 {_f2(_pct(other_income, income_total))}%。"
    )
    add("（四）智慧校园建设")
    filler()

    # appendix 表1 … 表5
    employed_appendix = int(total_graduates * rng.uniform(0.95, 0.99))
    add("附件")
    add("表 1：学生发展")
    add(f"序号 指标 单位 {y} 年")
    add("1")
    add(f"毕业生人数 人 {total_graduates}")
    add(f"其中：就业人数 人 {employed_appendix}")
    add("2")
    add("毕业生就业去向： —")
    add(f"A 类:留在当地就业人数 人 {flows[home]}")
    add(f"B 类:到西部地区和东北地区就业人数 人 {rng.randint(0, 80)}")
    add(f"C 类:到中小微企业等基层服务人数 人 {int(employed * rng.uniform(0.6, 0.9))}")
    add(f"D 类:到 500 强企业就业人数 人 {rng.randint(5, 150)}")
    add(f"3 初次就业率 % {_f2(_pct(employed_appendix, total_graduates))}")
    add(f"4 理工农医类专业相关度 % {_f2(min(99.0, own_values[1]['major_relevance'] + rng.uniform(-2, 2)))}")
    add(f"5 月收入 元 {_f2(own_values[1]['monthly_income'])}")
    add(f"6 自主创业比例 % {_f2(own_values[1]['entrepreneurship_rate'])}")
    add(f"7 雇主满意度 % {_f2(own_values[1]['employer_sat'])}")
    add(f"8 毕业三年职位晋升比例 % {_f2(own_values[3]['promotion_rate'])}")
    add(f"9 母校满意度 % {_f2(own_values[1]['alma_mater_satisfaction'])}")
    add("表 2：办学条件")
    add(f"序号 指标 单位 {y} 年")
    add(f"1 生均教学科研仪器设备值 元/生 {_f2(rng.uniform(8000, 25000))}")
    add(f"2 生均教学及辅助、行政办公用房面积 m2/生 {_f2(rng.uniform(9, 25))}")
    add(f"3 生均校内实践教学工位数 个/生 {_f2(rng.uniform(0.5, 1.5))}")
    add("4")
    add(f"年生均财政拨款水平 元 {_f2(rng.uniform(9000, 20000))}")
    add(f"其中：年生均财政专项经费 元 {_f2(rng.uniform(500, 4000))}")
    add(f"5 企业提供的校内实践教学设备值 万元 {_f2(rng.uniform(500, 15000))}")
    add(f"6 年生均校外实训基地实习时间 人时 {_f2(rng.uniform(200, 700))}")
    add("7")
    add(f"生均企业实习经费补贴 元 {rng.randint(0, 400)}")
    add(f"其中：生均财政专项补贴 元 {rng.randint(0, 50)}")
    add("8")
    add(f"生均企业实习责任保险补贴 元 {rng.randint(5, 40)}")
    add(f"其中：生均财政专项补贴 元 {rng.randint(0, 5)}")
    add("表 3：教育教学")
    add(f"序号 指标 单位 {y} 年")
    add("1")
    add(f"教职员工额定编制数 人 {int(teachers * rng.uniform(1.4, 1.7))}")
    add(f"在岗教职员工总数 人 {int(teachers * rng.uniform(1.2, 1.4))}")
    add(f"其中：专任教师总数 人 {teachers}")
    add(f"2 生师比 — {_f2(enrolled_total / teachers)}")
    add(f"3 双师素质专任教师比例 % {_f2(rng.uniform(70, 95))}")
    add(f"4 高级专业技术职务专任教师比例 % {_f2(_pct(titles[0], teachers))}")
    add("5")
    parttime_pay = round(rng.uniform(1e6, 6e6), 2)
    add(f"企业兼职教师年课时总量 课时 {rng.randint(10000, 60000)}")
    add(f"年支付企业兼职教师课酬 元 {_f2(parttime_pay)}")
    add(f"其中：财政专项补贴 元 {_f2(parttime_pay * rng.uniform(0.05, 0.3))}")
    add("6")
    add(f"教学计划内课程总数 门 {sum(courses)}")
    add(f"其中：线上开设课程数 门 {int(sum(courses) * rng.uniform(0.3, 0.9))}")
    add(f"线上课程课均学生数 人 {_f2(rng.uniform(40, 150))}")
    add("7")
    add("教学满意度")
    add("一年级 二年级")
    sessions = [rng.randint(1000, 5000), rng.randint(1000, 5000)]
    for label in ("（1）思想政治课", "（2）公共基础课（不含思想政治课）", "（3）专业课教学"):
        add(label)
        add(f"满意度 % {_f2(rng.uniform(95, 99.9))} {_f2(rng.uniform(95, 99.9))}")
        add(f"调研课次 课次 {sessions[0]} {sessions[1]}")
    add("表 4：科研与社会服务")
    add(f"序号 指标 单位 {y} 年 备注")
    add("1")
    add(f"技术服务到款额 万元 {service}")
    add(f"技术服务产生的经济效益 万元 {int(service * rng.uniform(5, 30))}")
    add(f"2 纵向科研经费到款额 万元 {vertical}")
    add(f"3 技术交易到款额 万元 {transaction}")
    training_days = [rng.randint(20000, 150000), rng.randint(0, 2000), rng.randint(0, 1000), rng.randint(500, 20000)]
    add("4")
    add(f"非学历培训服务 人日 {sum(training_days) + rng.randint(1000, 150000)}")
    add("其中")
    add(f"技术技能培训服务 人日 {training_days[0]}")
    add(f"新型职业农民培训服务 人日 {training_days[1]}")
    add(f"退役军人培训服务 人日 {training_days[2]}")
    add(f"基层社会服务人员培训服务 人日 {training_days[3]}")
    add(f"非学历培训到款额 万元 {rng.randint(200, 4000)}")
    add("表 5：国际交流")
    add(f"序号 指标 单位 {y} 年 备注")
    add(f"1 国（境）外人员培训量 人日 {rng.randint(0, 8000)} ——")
    add(f"2 专任教师赴国（境）外指导和开展培训时间 人日 {rng.randint(0, 5000)}")
    add(f"3 开发并被国（境）外采用的专业教学标准数 个 {rng.randint(0, 5)}")
    add(f"开发并被国（境）外采用的课程标准数 个 {rng.randint(0, 20)}")
    add(f"4 国（境）外技能大赛获奖数量 项 {rng.randint(0, 5)}")
    add(f"5 国（境）外办学点数量 个 {rng.randint(0, 3)}")
    return "\n".join(lines) + "\n"


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
