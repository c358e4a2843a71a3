"""Synthetic schools: who each one is and what its figures are, for :mod:`loaders.read.synthetic`.

Belongs here: the vocabulary a synthetic report draws from (channels, majors, industries, cities),
a school's profile (size, quality, city, majors; the same every year), the provincial survey of a
cohort (the same in every school's report) and the school's own survey values, all drawn from
seeded random generators. The report's text is :mod:`loaders.read.synthetic`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

CHANNELS = ["单独考试", "统一高考", "提前招生", "五年制转入", "社会扩招"]
MAJORS = [
    "产品艺术设计", "城市轨道交通运营管理", "传播与策划", "电机与电器技术", "电气自动化技术", "电子商务",
    "电子信息工程技术", "房地产经营与管理", "服装与服饰设计", "工程造价", "工商企业管理", "国际商务",
    "环境艺术设计", "会计", "机电一体化技术", "机械设计与制造", "机械制造与自动化", "计算机网络技术",
    "家具设计与制造", "建筑工程技术", "建筑设计", "酒店管理", "模具设计与制造", "汽车电子技术", "软件技术",
    "商务英语", "市场营销", "数控技术", "数字媒体应用技术", "投资与理财", "文秘", "物流管理", "护理",
    "学前教育", "旅游管理", "应用化工技术", "食品检测技术", "大数据技术", "人工智能技术应用", "物联网应用技术",
    "工业机器人技术", "新能源汽车技术", "智能控制技术", "药品生产技术", "社会工作",
]  # fmt: skip
MAJOR_GROUPS = [
    "56 装备制造大类", "61 电子信息大类", "63 财经商贸大类", "54 土木建筑大类", "65 文化艺术大类",
    "64 旅游大类", "67 教育与体育大类", "66 新闻传播大类", "58 轻工纺织大类", "60 交通运输大类",
    "62 医药卫生大类", "57 生物与化工大类",
]  # fmt: skip
INDUSTRIES = [
    "制造业", "信息传输、软件和信息技术服务业", "建筑业", "批发和零售业", "电力、热力、燃气及水生产和供应业",
    "租赁和商务服务业", "文化、体育和娱乐业", "住宿和餐饮业", "教育", "金融业", "居民服务、修理和其他服务业",
    "房地产业", "科学研究和技术服务业", "交通运输、仓储和邮政业", "农、林、牧、渔业",
    "公共管理、社会保障和社会组织", "卫生和社会工作",
]  # fmt: skip
EMPLOYER_TYPES = ["民营企业", "机关事业单位", "国有企业", "三资企业"]
CITIES = {
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
FILLER = (
    "学校坚持立德树人根本任务，深化产教融合、校企合作，持续提升人才培养质量。",
    "本段为模拟文字，仅用于性能测试，不代表任何真实学校的办学情况。",
    "学校围绕区域产业发展需求，优化专业布局，推进教学改革，完善质量保证体系。",
)


#: The rows of a survey table, as the report prints them: the province, its universities, its
#: vocational colleges, the school itself.
SURVEY_ROWS = ("全省", "本科", "高职", "本校")


@dataclass(frozen=True)
class Profile:
    """What stays about the same for one school from year to year."""

    size: float  # students, thousands
    quality: float  # -1 … 1: how far above the provincial average the school's outcomes are
    city: str
    majors: tuple[str, ...]
    groups: tuple[str, ...]
    research: float  # scale of research income


def school_profile(seed: int, index: int) -> Profile:
    """The profile of school ``index``: the same for every report year."""
    rng = random.Random(f"{seed}:school:{index}")
    majors = tuple(rng.sample(MAJORS, rng.randint(18, 36)))
    return Profile(
        size=rng.uniform(3.0, 16.0),
        quality=rng.uniform(-1.0, 1.0),
        city=rng.choice(sorted(CITIES)),
        majors=majors,
        groups=tuple(rng.sample(MAJOR_GROUPS, rng.randint(5, 10))),
        research=rng.uniform(0.2, 3.0),
    )


def split_total(rng: random.Random, total: int, parts: int, skew: float = 1.0) -> list[int]:
    """``parts`` positive integers adding up to ``total`` (decreasing sizes when skewed)."""
    weights = [rng.uniform(0.3, 1.0) ** skew for _ in range(parts)]
    scale = sum(weights)
    counts = [max(1, int(total * w / scale)) for w in weights]
    counts[0] += total - sum(counts)
    return counts


def pct(part: float, whole: float) -> float:
    """``part`` as a percentage of ``whole``, two decimals (0 for an empty whole)."""
    return round(100.0 * part / whole, 2) if whole else 0.0


def f2(value: float) -> str:
    """A figure with two decimals, as the report prints it."""
    return f"{value:.2f}"


@dataclass(frozen=True)
class Survey:
    """How many graduates one survey row counts and how many answered."""

    population: int
    respondents: int

    @property
    def rate(self) -> float:
        """The response rate (%)."""
        return pct(self.respondents, self.population)


def province_survey(seed: int, cohort: int, years_after: int) -> dict[str, Survey]:
    """The provincial survey rows of one cohort: the same in every school's report."""
    rng = random.Random(f"{seed}:province:{cohort}:{years_after}")
    rows = {}
    for subject, size in (("本科", 150_000), ("高职", 120_000)):
        population = int(size * rng.uniform(0.9, 1.1))
        respondents = int(population * rng.uniform(0.72, 0.94))
        rows[subject] = Survey(population, respondents)
    rows["全省"] = Survey(rows["本科"].population + rows["高职"].population,
                         rows["本科"].respondents + rows["高职"].respondents)  # fmt: skip
    return rows


def province_values(seed: int, cohort: int, years_after: int) -> dict[str, dict[str, float]]:
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


def school_values(rng: random.Random, bench: dict[str, float], q: float) -> dict[str, float]:
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
