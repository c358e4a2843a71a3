"""metrics.targets: attainment of plan targets, on inline frames and on the bundled plan and report."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from loaders.contracts.vocabulary import STATUSES
from metrics import MetricsError, MissingColumnsError, PlanNotFoundError, UnitMismatchError
from metrics.observations import OBSERVATION_COLUMNS
from metrics.progress import compute_progress, judge_met, judge_pace
from metrics.targets import ATTAINMENT_COLUMNS, compute_attainment, split_relative_to

OBS_HEADER = ",".join(OBSERVATION_COLUMNS) + "\n"
TARGET_HEADER = (
    "plan_id,indicator_id,subject,comparator,target_value,target_low,target_high,unit,target_year,"
    "relative_to,label_zh,kind,level1,level2,level3,value_text,source_line,source_text\n"
)
NUMERIC = {
    "report_year": "int64",
    "year": "int64",
    "years_after": "Int64",
    "value": "float64",
    "source_line": "Int64",
    "target_value": "float64",
    "target_low": "float64",
    "target_high": "float64",
    "target_year": "Int64",
    "start_year": "Int64",
    "current_year": "Int64",
    "current_value": "float64",
    "gap": "float64",
    "progress_pct": "float64",
    "growth_observed_pct": "float64",
    "growth_needed_pct": "float64",
    "pace_ratio": "float64",
    "next_year": "Int64",
    "next_year_value_needed": "float64",
    "n_years": "int64",
}
NULLABLE_TEXT = {"indicator_id", "relative_to"}

REGISTRY = """indicator_id,unit,direction,kind
dual_qualified_ratio,%,higher,rate
student_teacher_ratio,:1,lower,ratio
teachers_by_degree_share,%,higher,share
monthly_income,元,higher,amount
tech_service_income,万元,higher,amount
research_projects,项,higher,count
invention_patents_granted,项,higher,count
nondegree_training_income,万元,higher,amount
overseas_campuses,个,higher,count
"""

SUMMARY = [
    "label_zh",
    "status",
    "current_year",
    "current_value",
    "n_years",
    "gap",
    "progress_pct",
    "growth_observed_pct",
    "growth_needed_pct",
    "pace_ratio",
    "next_year",
    "next_year_value_needed",
    "note",
]


def read(text: str) -> pd.DataFrame:
    """An inline CSV frame: text columns as ``str`` ('' stays ''), known numeric columns typed."""
    header = text.splitlines()[0].split(",")
    dtypes = {c: NUMERIC.get(c, "str") for c in header}
    na = {c: [""] for c in header if c in NUMERIC or c in NULLABLE_TEXT}
    return pd.read_csv(io.StringIO(text), dtype=dtypes, keep_default_na=False, na_values=na)


def obs(rows: str) -> pd.DataFrame:
    return read(OBS_HEADER + rows).astype({"source_line": "int64"})


def targets(rows: str) -> pd.DataFrame:
    return read(TARGET_HEADER + rows)


def summary(rows: str) -> pd.DataFrame:
    return read(",".join(SUMMARY) + "\n" + rows)


@pytest.fixture
def registry() -> pd.DataFrame:
    return read(REGISTRY)


PLANS = read("plan_id,start_year,target_year\np,2022,2025\n")

REPORT = (
    "A-2020,A,2020,dual_qualified_ratio,本校,2020,,90.81,%,表3,4693,x\n"
    "A-2020,A,2020,student_teacher_ratio,本校,2020,,14.02,:1,表3,4691,x\n"
    "A-2020,A,2020,teachers_by_degree_share,博士及以上,2020,,4.88,%,表3-8,2299,x\n"
    "A-2020,A,2020,monthly_income,高职,2019,1,4885.36,元,表2-17,1318,x\n"
    "A-2020,A,2020,monthly_income,本校,2019,1,6378.90,元,表2-17,1320,x\n"
    "A-2020,A,2020,monthly_income,本校,2017,3,9020.27,元,表2-18,1340,x\n"
    "A-2020,A,2020,monthly_income,本校,2019,1,6378.90,元,表1,4634,x\n"
    "A-2020,A,2020,tech_service_income,本校,2019,,3255.214,万元,§五,3474,x\n"
    "A-2020,A,2020,tech_service_income,本校,2020,,3255.214,万元,表4,4739,x\n"
    "A-2020,A,2020,overseas_campuses,本校,2020,,3,个,表5,4844,x\n"
)


def test_single_report_targets(registry: pd.DataFrame) -> None:
    plan = targets(
        "p,dual_qualified_ratio,本校,>=,90,,,%,2025,,双师型教师比例,absolute,,,,90%,490,x\n"
        "p,student_teacher_ratio,本校,<=,18,,,:1,2025,,生师比,absolute,,,,18:1,489,x\n"
        "p,teachers_by_degree_share,博士及以上,>=,15,,,%,2025,,博士比例,absolute,,,,15%,491,x\n"
        "p,monthly_income,本校,>=,1.3,,,倍,2025,monthly_income@高职,毕业生薪酬水平,relative,,,,1.3 倍,465,x\n"
        "p,tech_service_income,本校,>=,6000,,,万元,2025,,技术服务到款额,absolute,,,,6000 万,526,x\n"
        "p,overseas_campuses,本校,range,,1,2,个,2025,,国外办学点,range,,,,1-2 个,9,x\n"
        "p,,本校,text,,,,,2025,,国家级示范性职业教育集团,text,,,,实质性运作,506,x\n"
        "p,,本校,>=,2,,,个,2025,,国家级专业教学资源库,cumulative,,,,2 个,511,x\n"
        "p,research_projects,本校,>=,800,,,项,2025,,企业技术服务项目,absolute,,,,800 项,529,x\n"
    )
    result = compute_attainment(plan, obs(REPORT), registry, plan_id="p", plans=PLANS)
    in_progress = "目标年未到，仅一年观测值，不判断趋势"
    expected = summary(
        "双师型教师比例,met,2020,90.81,1,0.0,100.0,,,,,,\n"
        "生师比,met,2020,14.02,1,0.0,100.0,,,,,,\n"
        f"博士比例,in_progress,2020,4.88,1,10.12,32.533333,,25.179810,,2021,6.1087747,{in_progress}\n"
        "毕业生薪酬水平,met,2019,1.3057175,1,0.0,100.0,,,,,,\n"
        f"技术服务到款额,in_progress,2020,3255.214,1,2744.786,54.253567,,13.009341,,2021,3678.6958789,{in_progress}\n"
        f"国外办学点,in_progress,2020,3.0,1,1.0,66.666667,,-7.7892089,,2021,2.7663237,{in_progress}\n"
        "国家级示范性职业教育集团,not_measurable,,,0,,,,,,,,目标为文字表述或无对应指标\n"
        "国家级专业教学资源库,not_measurable,,,0,,,,,,,,目标为文字表述或无对应指标\n"
        "企业技术服务项目,no_data,,,0,,,,,,,,已载入的报告中没有该指标的数据\n"
    )
    assert_frame_equal(result[SUMMARY], expected)
    assert list(result.columns) == ATTAINMENT_COLUMNS
    # The survey target uses the one-year-after series and the first table (表2-17, not 表1).
    income = result.iloc[3]
    assert (income["years_after"], income["source_table"], income["source_line"]) == (1, "表2-17", 1320)
    # The target in the benchmark's own terms: 1.3 × 全省高职 4,885.36 元 (表2-17, line 1318) = 6,350.968 元.
    assert (income["reference_value"], income["reference_unit"]) == (4885.36, "元")
    assert income["target_equivalent"] == pytest.approx(6350.968)
    assert income["value_text"] == "1.3 倍"
    assert math.isnan(result.iloc[0]["target_equivalent"]) and result.iloc[0]["reference_unit"] == ""
    # 3255.214 is stated for 2019 (§五) and 2020 (表4): one figure, not a flat two-year trend.
    assert result.iloc[4]["source_table"] == "表4"


def test_trend_statuses_follow_open_sdg(registry: pd.DataFrame) -> None:
    # Observed growth 10 % a year (100 → 121); needed 10 % / 12.5 % / 25 % a year from 2019 to 2024,
    # so pace ratios 1.0 / 0.8 / 0.4: on track, then off track twice (below 0.95). "What it takes" is
    # counted from the latest value (2021). "late": its year 2021 has come unmet.
    history = obs(
        "A-2019,A,2019,research_projects,本校,2019,,100,项,§五,1,x\n"
        "A-2021,A,2021,research_projects,本校,2021,,121,项,§五,1,x\n"
        "A-2019,A,2019,student_teacher_ratio,本校,2019,,20,:1,表3,1,x\n"
        "A-2020,A,2020,student_teacher_ratio,本校,2020,,19,:1,表3,1,x\n"
    )
    plan = targets(
        "p,research_projects,本校,>=,161.051,,,项,2024,,on,absolute,,,,,1,x\n"
        "p,research_projects,本校,>=,180.2032471,,,项,2024,,risk,absolute,,,,,2,x\n"
        "p,research_projects,本校,>=,305.1757813,,,项,2024,,off,absolute,,,,,3,x\n"
        "p,student_teacher_ratio,本校,<=,18,,,:1,2022,,ceiling,absolute,,,,,4,x\n"
        "p,research_projects,本校,>=,130,,,项,2021,,late,absolute,,,,,5,x\n"
    )
    result = compute_attainment(plan, history, registry, plan_id="p", plans=PLANS)
    expected = summary(
        "on,on_track,2021,121.0,2,40.051,75.130238,10.0,10.0,1.0,2022,133.1,\n"
        "risk,off_track,2021,121.0,2,59.2032471,67.146840,10.0,14.198153,0.8,2022,138.179765,\n"
        "off,off_track,2021,121.0,2,184.1757813,39.648533,10.0,36.119882,0.4,2022,164.705058,\n"
        "ceiling,on_track,2020,19.0,2,1.0,94.736842,-5.0,-2.6671473,1.4488,2021,18.493242,\n"
        "late,not_met,2021,121.0,2,9.0,93.076923,,,,,,目标年 2021 已到，未达成\n"
    )
    assert_frame_equal(result[SUMMARY], expected, rtol=1e-4)


def test_cumulative_and_annual_average_targets(registry: pd.DataFrame) -> None:
    # Sums and averages count only the plan period 2022–2025. Pace: if the latest year's value held
    # for 2024–2025, patents would total 240 + 2 × 110 = 460 of 480 (0.958, on track) and projects
    # 4420 + 2 × 2420 = 9260 of 4 × 3200 (0.723, off track); the remaining years need 4190 a year.
    history = obs(
        "A-2019,A,2019,invention_patents_granted,本校,2019,,176,项,§五,1,x\n"
        "A-2022,A,2022,invention_patents_granted,本校,2022,,130,项,§五,1,x\n"
        "A-2023,A,2023,invention_patents_granted,本校,2023,,110,项,§五,1,x\n"
        "A-2022,A,2022,nondegree_training_income,本校,2022,,3000,万元,表4,1,x\n"
        "A-2023,A,2023,nondegree_training_income,本校,2023,,3400,万元,表4,1,x\n"
        "A-2020,A,2020,tech_service_income,本校,2020,,2000,万元,表4,1,x\n"
        "A-2022,A,2022,research_projects,本校,2022,,2000,项,§五,1,x\n"
        "A-2023,A,2023,research_projects,本校,2023,,2420,项,§五,1,x\n"
    )
    plan = targets(
        "p,invention_patents_granted,本校,>=,480,,,项,2025,,授权发明专利数,cumulative,,,,480 项,525,x\n"
        "p,invention_patents_granted,本校,>=,200,,,项,2025,,少量专利,cumulative,,,,200 项,1,x\n"
        "p,nondegree_training_income,本校,>=,3200,,,万元,2025,,年均职业培训收入,annual_average,,,,3200 万元,547,x\n"
        "p,tech_service_income,本校,>=,2400,,,万元,2025,,年均技术服务,annual_average,,,,2400 万元,2,x\n"
        "p,tech_service_income,本校,>=,9000,,,万元,2025,,累计技术服务,cumulative,,,,9000 万元,3,x\n"
        "p,research_projects,本校,>=,3200,,,项,2025,,年均科研项目,annual_average,,,,3200 项,4,x\n"
    )
    result = compute_attainment(plan, history, registry, plan_id="p", plans=PLANS)
    outside = "规划期 2022–2025 内没有观测年份"
    expected = summary(
        "授权发明专利数,on_track,2023,240.0,2,240.0,50.0,,,0.9583333,2024,120.0,\n"
        "少量专利,met,2023,240.0,2,0.0,100.0,,,,,,\n"
        "年均职业培训收入,met,2023,3200.0,2,0.0,100.0,,,,,,\n"
        f"年均技术服务,in_progress,2020,2000.0,1,400.0,83.333333,,3.7137289,,2021,2074.2746,"
        f"{outside}，按已观测各年平均; 目标年未到，仅一年观测值，不判断趋势\n"
        f"累计技术服务,no_data,,,0,,,,,,2022,2250.0,{outside}（最近一年 2020：2000）；累计目标只计规划期内各年\n"
        "年均科研项目,off_track,2023,2210.0,2,990.0,69.0625,,73.140496,0.7234375,2024,4190.0,\n"
    )
    assert_frame_equal(result[SUMMARY], expected, rtol=1e-6)


def test_relative_target_missing_benchmark_gives_no_data(registry: pd.DataFrame) -> None:
    plan = targets("p,monthly_income,本校,>=,1.3,,,倍,2025,monthly_income@全省,薪酬,relative,,,,,1,x\n")
    result = compute_attainment(plan, obs(REPORT), registry, plan_id="p", plans=PLANS)
    assert result.at[0, "status"] == "no_data"
    assert math.isnan(result.at[0, "current_value"])


def test_unit_conversion_and_mismatch(registry: pd.DataFrame) -> None:
    # The target is in 亿元, the report in 万元.
    plan = targets("p,tech_service_income,本校,>=,0.6,,,亿元,2025,,技术服务到款额,absolute,,,,0.6 亿元,1,x\n")
    result = compute_attainment(plan, obs(REPORT), registry, plan_id="p", plans=PLANS)
    assert result.at[0, "current_value"] == pytest.approx(0.3255214)
    assert result.at[0, "growth_needed_pct"] == pytest.approx(13.009341)
    assert result.at[0, "unit"] == "亿元"
    wrong = targets("p,tech_service_income,本校,>=,60,,,%,2025,,技术服务到款额,absolute,,,,60%,1,x\n")
    with pytest.raises(UnitMismatchError, match="技术服务到款额"):
        compute_attainment(wrong, obs(REPORT), registry, plan_id="p", plans=PLANS)


def test_empty_observations_and_bad_input(registry: pd.DataFrame) -> None:
    plan = targets(
        "p,dual_qualified_ratio,本校,>=,90,,,%,2025,,双师型教师比例,absolute,,,,90%,490,x\n"
        "p,,本校,text,,,,,2025,,集团,text,,,,实质性运作,506,x\n"
    )
    result = compute_attainment(plan, obs(""), registry, plan_id="p", plans=PLANS)
    assert result["status"].tolist() == ["no_data", "not_measurable"]
    with pytest.raises(PlanNotFoundError, match=r"'q'.*found plans: p"):
        compute_attainment(plan, obs(REPORT), registry, plan_id="q")
    with pytest.raises(MissingColumnsError, match="targets: expected columns comparator"):
        compute_attainment(plan.drop(columns="comparator"), obs(REPORT), registry, plan_id="p")
    two_schools = pd.concat([obs(REPORT), obs(REPORT).assign(school="B")])
    with pytest.raises(MetricsError, match="one school"):
        compute_attainment(plan, two_schools, registry, plan_id="p")
    assert compute_attainment(plan, two_schools, registry, plan_id="p", school="B").at[0, "status"] == "met"


def test_small_helpers() -> None:
    nan = float("nan")
    assert judge_met(14.02, "<=", 18, nan, nan) and not judge_met(18.01, "<=", 18, nan, nan)
    assert judge_met(2, "range", nan, 1, 2) and not judge_met(3, "range", nan, 1, 2)
    assert compute_progress(14.02, "<=", 18, nan, nan) == (100.0, 0.0)
    assert compute_progress(20, "<=", 18, nan, nan) == (90.0, 2.0)
    assert compute_progress(45, ">=", 90, nan, nan) == (50.0, 45.0)
    assert [judge_pace(r) for r in (1.2, 0.95, 0.7, 0.2, -1, nan)] == [
        "on_track",
        "on_track",
        "off_track",
        "off_track",
        "off_track",
        "off_track",
    ]
    assert split_relative_to("monthly_income@高职", "x") == ("monthly_income", "高职")
    assert split_relative_to("monthly_income|高职", "x") == ("monthly_income", "高职")
    assert split_relative_to("@全省", "monthly_income") == ("monthly_income", "全省")
    with pytest.raises(MetricsError, match="comparator"):
        judge_met(1, "about", 1, nan, nan)


# ---------------------------------------------------------------------------- bundled plan × report


@pytest.fixture(scope="module")
def bundled_attainment() -> tuple[pd.DataFrame, pd.DataFrame]:
    from loaders.contracts.paths import REPORTS_DIR
    from loaders.contracts.registry import read_registry
    from loaders.plans.documents import parse_all_plans
    from loaders.read.load import load

    result = load(REPORTS_DIR / "温州职业技术学院_2020_质量年度报告.txt")
    observations = result.observations.assign(
        report_id=result.report_id, school=result.school, report_year=result.report_year
    )
    plans, all_targets = parse_all_plans()
    plan_targets = all_targets[all_targets["plan_id"] == "wzvtc_2022_2025"]
    table = compute_attainment(all_targets, observations, read_registry(), plan_id="wzvtc_2022_2025", plans=plans)
    return plan_targets, table


def _row(table: pd.DataFrame, label: str) -> pd.Series:
    rows = table[table["label_zh"] == label]
    assert len(rows) == 1, f"expected one target {label!r}, found {len(rows)}"
    return rows.iloc[0]


def test_bundled_plan_has_a_row_for_every_target(bundled_attainment: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    plan_targets, table = bundled_attainment
    assert len(table) == len(plan_targets) > 100
    assert table["label_zh"].tolist() == plan_targets["label_zh"].tolist()
    assert set(table["status"]) <= set(STATUSES)


BUNDLED = [
    # label, status, current_year, current_value, gap, growth_needed_pct, next_year_value_needed.
    # 博士比例 and 普高生源比例 read one row of a multi-subject indicator (博士及以上, 高中生(高中起点)).
    ("双师型教师比例", "met", 2020, 90.81, 0.0, None, None),
    ("生师比", "met", 2020, 14.02, 0.0, None, None),
    ("毕业生薪酬水平", "met", 2019, 6378.90 / 4885.36, 0.0, None, None),
    ("毕业生就业率", "met", 2019, 98.82, 0.0, None, None),
    ("用人单位满意度", "met", 2020, 96.16, 0.0, None, None),
    ("成果转化收入", "met", 2020, 862.44, 0.0, None, None),
    ("技术服务到款额", "in_progress", 2020, 3255.214, 2744.786, 13.009341, 3678.695879),
    ("高级职称比例", "in_progress", 2020, 39.78, 0.22, 0.1103645, 39.8239030),
    ("生均拨款", "in_progress", 2020, 13585.12, 11414.88, 12.973168, 15347.540388),
    ("生均仪器设备", "in_progress", 2020, 17265.39, 2734.61, 2.9842287, 17780.628718),
    ("年均职业培训收入", "in_progress", 2020, 2712.0, 488.0, 3.3646548, 2803.249438),
    ("博士比例", "in_progress", 2020, 4.88, 10.12, 25.179810, 6.1087747),
    ("普高生源比例", "in_progress", 2019, 53.03, 1.97, 0.6097748, 53.3533636),
]


@pytest.mark.parametrize(("label", "status", "year", "value", "gap", "growth", "next_value"), BUNDLED)
def test_bundled_plan_attainment(
    bundled_attainment: tuple[pd.DataFrame, pd.DataFrame],
    label: str,
    status: str,
    year: int,
    value: float,
    gap: float,
    growth: float | None,
    next_value: float | None,
) -> None:
    _, table = bundled_attainment
    row = _row(table, label)
    assert row["status"] == status
    assert row["current_year"] == year
    assert row["current_value"] == pytest.approx(value, rel=1e-9)
    assert row["gap"] == pytest.approx(gap, abs=1e-9)
    if growth is not None:
        assert row["growth_needed_pct"] == pytest.approx(growth, rel=1e-6)
        assert row["next_year"] == year + 1
        assert row["next_year_value_needed"] == pytest.approx(next_value, rel=1e-6)
    if status == "met":
        assert row["progress_pct"] == 100.0
        assert pd.isna(row["growth_needed_pct"])


def test_bundled_plan_cumulative_and_text_targets(bundled_attainment: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    _, table = bundled_attainment
    patents = _row(table, "授权发明专利数")
    # 176 patents were granted in 2019, before the plan period 2022–2025: nothing to add up yet.
    assert (patents["status"], patents["next_year"], patents["next_year_value_needed"]) == ("no_data", 2022, 120.0)
    assert "最近一年 2019：176" in patents["note"]
    assert _row(table, "国家级示范性职业教育集团（联盟）")["status"] == "not_measurable"
    assert _row(table, "家长满意度")["status"] == "not_measurable"
    assert _row(table, "家长满意度")["note"] == "质量年报无家长满意度调查；可填报"  # the reason, for a planner


def test_cli_attainment_json(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from loaders.store.build import rebuild
    from metrics.__main__ import main

    db = tmp_path / "quality.duckdb"
    rebuild(db)
    assert main(["attainment", "--plan", "wzvtc_2022_2025", "--db", str(db), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    rows = {row["label_zh"]: row for row in document["targets"]}
    assert (rows["生师比"]["status"], rows["生师比"]["current_value"]) == ("met", 14.02)
    assert rows["技术服务到款额"]["growth_needed_pct"] == pytest.approx(13.009341)
    assert sum(document["status_counts"].values()) == len(document["targets"])
    assert main(["attainment", "--plan", "no_such_plan", "--db", str(db)]) == 2
    assert "no_such_plan" in capsys.readouterr().err


def test_a_figure_the_report_gives_under_two_years_says_so() -> None:
    """表4's 2020 年 column and §五's 「2019 年，…技术服务到款额 3255.214 万元」: the target line uses 表4's
    year and says that the report gives the same figure as 2019's."""
    from metrics.audit_values import year_disputes
    from viz.target_reasons import year_note

    attainment = pd.DataFrame(
        {"report_id": ["r", "r"], "indicator_id": ["tech_service_income", "patents"], "subject": ["本校", "本校"],
         "current_year": [2020, 2020], "current_value": [3255.214, 12.0], "source_table": ["表4", "表4"]}
    )  # fmt: skip
    observations = pd.DataFrame(
        {"report_id": ["r", "r", "r"], "indicator_id": ["tech_service_income"] * 2 + ["patents"],
         "subject": ["本校"] * 3, "year": [2020, 2019, 2019], "value": [3255.214, 3255.214, 13.0],
         "source_table": ["表4", "§五", "§五"], "source_line": [4739, 3474, 3480]}
    )  # fmt: skip
    out = year_disputes(attainment, observations)
    assert out["other_year"].tolist() == [2019, pd.NA]  # another value under 2019: not the same figure
    rows = out.to_dict("records")
    assert year_note(rows[0], "zh") == "报告在§五（第 3474 行）把同一数字写为 2019 年的；表4 记为 2020 年（此处按后者）"
    assert year_note(rows[0], "en") == (
        "the report gives the same figure as 2019's in Section 5 (line 3474); Table 4 labels it 2020 (used here)"
    )
    assert year_note(rows[1], "zh") == ""
