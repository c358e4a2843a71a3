"""Another college's next edition: the loader reads it, or names what it could not read.

The fixtures under ``tests/fixtures/reports/`` are a fictional school (沧浪虚构职业技术学院, marked
``【测试夹具 TEST FIXTURE】`` on the first line) written the way another college's 2023 report differs
from the bundled one: reworded and renumbered captions, columns in another order or left out, a
two-level header (year → 录取数 / 报到数), the appendix forms by their national names with and without
a "表 N" prefix, cohorts shifted, radical characters (⾼ ⽣ ⻓), a space as thousands separator, a
ratio written ``18.1:1``, an amount in 元 where the indicator is in 万元, an empty cell (—).

Every expected value below was typed in by hand from the fixture's text, not taken from the loader.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from loaders.__main__ import main
from loaders.contracts.paths import ROOT
from loaders.read.coverage import strict_failures
from loaders.read.load import load
from loaders.store.queries import read_observations
from loaders.store.schema import connect

FIXTURES = ROOT / "tests" / "fixtures" / "reports"
TEXT_FIXTURE = FIXTURES / "测试夹具_沧浪虚构职业技术学院_2023.txt"
# The same report printed by Chromium (tests/fixtures/make_fixtures.py): ruled tables; and borderless
# tables with narrow cells (labels and headers wrapped over lines), rows forced onto the next page
# and a running title in the top margin of every page.
RULED_PDF = FIXTURES / "测试夹具_沧浪虚构_有框表格.pdf"
BORDERLESS_PDF = FIXTURES / "测试夹具_沧浪虚构_无框表格_跨页.pdf"
SCHOOL = "沧浪虚构职业技术学院"

# (indicator, subject, year, years_after, value, source table) — typed from the fixture.
S = "本校"
EXPECTED: list[tuple[str, str, int, int | None, float, str]] = [
    # 表 1: two-level header, years over 录取数 / 报到数; no 计划招生数 column
    *[
        (ind, channel, year, None, value, "表1")
        for channel, values in {
            "普通高考": (1200, 1150, 1260, 1201, 1300, 1250),
            "单独考试招生": (900, 870, 950, 920, 980, 955),
            "中高职一体化": (400, 398, 420, 417, 450, 446),
            "合计": (2500, 2418, 2630, 2538, 2730, 2651),
        }.items()
        for (ind, year), value in zip(
            [(i, y) for y in (2021, 2022, 2023) for i in ("enroll_admitted", "enroll_registered")], values, strict=True
        )
    ],
    ("intake_region_count", "本市生源", 2023, None, 1020, "表2"),
    ("intake_region_share", "本市生源", 2023, None, 38.48, "表2"),
    ("intake_region_count", "本省生源(含本市)", 2023, None, 2490, "表2"),
    ("intake_region_share", "本省生源(含本市)", 2023, None, 93.93, "表2"),
    ("intake_region_count", "西部地区生源", 2023, None, 86, "表2"),
    ("intake_region_share", "西部地区生源", 2023, None, 3.24, "表2"),
    # 表 3: survey, class of 2022 one year after; reworded headers and rows
    *[
        (ind, subject, 2022, 1, value, "表3")
        for subject, values in {
            "全省": (301245, 270120, 89.67, 94.12, 15.02),
            "本科": (168230, 146890, 87.31, 92.05, 16.40),
            "高职": (133015, 123230, 92.64, 96.95, 13.51),
            S: (3126, 2987, 95.55, 98.36, 21.07),
        }.items()
        for ind, value in zip(
            ["survey_population", "survey_respondents", "response_rate", "employment_rate", "further_study_rate"],
            values,
            strict=True,
        )
    ],
    # 表 4: the income column first
    *[
        (ind, subject, 2022, 1, value, "表4")
        for subject, values in {
            "全省": (5612.40, 301245, 270120, 89.67),
            "本科": (5890.15, 168230, 146890, 87.31),
            "高职": (5301.88, 133015, 123230, 92.64),
            S: (5988.20, 3126, 2987, 95.55),
        }.items()
        for ind, value in zip(
            ["monthly_income", "survey_population", "survey_respondents", "response_rate"], values, strict=True
        )
    ],
    # 表 5: class of 2020 three years after, no 升学率 column
    *[
        (ind, subject, 2020, 3, value, "表5")
        for subject, values in {
            "全省": (290110, 221400, 76.32, 96.40),
            "本科": (160050, 119210, 74.48, 95.61),
            "高职": (130060, 102190, 78.57, 97.38),
            S: (3005, 2365, 78.70, 98.90),
        }.items()
        for ind, value in zip(
            ["survey_population", "survey_respondents", "response_rate", "employment_rate"], values, strict=True
        )
    ],
    *[
        (ind, subject, 2020, 3, value, "表6")
        for subject, values in {
            "全省": (290110, 221400, 76.32, 7688.10),
            "本科": (160050, 119210, 74.48, 8210.55),
            "高职": (130060, 102190, 78.57, 7012.36),
            S: (3005, 2365, 78.70, 7450.00),
        }.items()
        for ind, value in zip(
            ["survey_population", "survey_respondents", "response_rate", "monthly_income"], values, strict=True
        )
    ],
    *[
        (ind, subject, 2022, 1, value, "表7")
        for subject, values in {
            "全省": (301245, 270120, 89.67, 88.02),
            "本科": (168230, 146890, 87.31, 87.11),
            "高职": (133015, 123230, 92.64, 89.25),
            S: (3126, 2987, 95.55, 93.64),
        }.items()
        for ind, value in zip(
            ["survey_population", "survey_respondents", "response_rate", "alma_mater_satisfaction"], values, strict=True
        )
    ],
    # 表 8: "2 153" with a space as thousands separator
    *[
        (ind, subject, 2022, 0, value, "表8")
        for subject, values in {
            "民营企业": (2153, 72.31),
            "国有企业": (402, 13.52),
            "机关事业单位": (198, 6.66),
            "其他": (220, 7.40),
            "合计": (2973, 100.00),
        }.items()
        for ind, value in zip(["employer_type_count", "employer_type_share"], values, strict=True)
    ],
    # 表 9: a 序号 column; ⻓兴县 (radical) read as 长兴县
    *[
        (ind, subject, 2022, 0, value, "表9")
        for subject, values in {
            "沧浪区": (820, 1310, 159.76, 62.38),
            "长兴县": (260, 330, 126.92, 15.71),
            "虚构县": (410, 460, 112.20, 21.90),
            "合计": (1490, 2100, 140.94, 100.00),
        }.items()
        for ind, value in zip(
            ["origin_count", "destination_count", "destination_per_origin_pct", "destination_share_city"],
            values,
            strict=True,
        )
    ],
    *[
        (ind, subject, 2023, None, value, "表10")
        for subject, values in {
            "正高级": (48, 8.47),
            "副高级": (165, 29.10),
            "中级": (262, 46.21),
            "初级及以下": (92, 16.23),
            "合计": (567, 100.00),
        }.items()
        for ind, value in zip(["teachers_by_title", "teachers_by_title_share"], values, strict=True)
    ],
    # 计分卡 (表1 of the appendix), columns 2021届 2022届
    ("initial_employment_rate", S, 2021, None, 97.10, "表1"),
    ("initial_employment_rate", S, 2022, None, 97.85, "表1"),
    ("monthly_income", S, 2021, 1, 4620.50, "表1"),
    ("monthly_income", S, 2022, 1, 4803.25, "表1"),
    ("stem_major_relevance", S, 2021, 1, 71.30, "表1"),
    ("stem_major_relevance", S, 2022, 1, 72.60, "表1"),
    ("alma_mater_satisfaction", S, 2021, 1, 95.40, "表1"),
    ("alma_mater_satisfaction", S, 2022, 1, 96.10, "表1"),
    ("entrepreneurship_rate", S, 2021, 1, 3.80, "表1"),
    ("entrepreneurship_rate", S, 2022, 1, 4.10, "表1"),
    ("employer_satisfaction", S, 2021, None, 97.90, "表1"),
    ("employer_satisfaction", S, 2022, None, 98.20, "表1"),
    ("promotion_rate", S, 2021, 3, 58.20, "表1"),
    ("promotion_rate", S, 2022, 3, 60.70, "表1"),
    # 教学资源表 without a number, columns 2021-2022学年 2022-2023学年
    ("student_teacher_ratio", S, 2022, None, 17.6, "教学资源表"),
    ("student_teacher_ratio", S, 2023, None, 18.1, "教学资源表"),
    ("dual_qualified_ratio", S, 2022, None, 85.20, "教学资源表"),
    ("dual_qualified_ratio", S, 2023, None, 88.40, "教学资源表"),
    ("senior_title_ratio", S, 2022, None, 33.10, "教学资源表"),
    ("senior_title_ratio", S, 2023, None, 35.60, "教学资源表"),
    ("planned_courses", S, 2022, None, 1120, "教学资源表"),
    ("planned_courses", S, 2023, None, 1186, "教学资源表"),
    ("online_courses", S, 2022, None, 402, "教学资源表"),
    ("online_courses", S, 2023, None, 455, "教学资源表"),
    ("workstations_per_student", S, 2022, None, 0.92, "教学资源表"),
    ("workstations_per_student", S, 2023, None, 0.97, "教学资源表"),
    ("equipment_value_per_student", S, 2022, None, 15230.40, "教学资源表"),
    ("equipment_value_per_student", S, 2023, None, 16872.10, "教学资源表"),
    ("building_area_per_student", S, 2022, None, 14.20, "教学资源表"),
    ("building_area_per_student", S, 2023, None, 14.80, "教学资源表"),
    ("company_equipment_value", S, 2022, None, 325.0, "教学资源表"),  # 3250000 元
    ("company_equipment_value", S, 2023, None, 412.0, "教学资源表"),  # 4120000 元
    ("fiscal_funding_per_student", S, 2022, None, 13200.00, "教学资源表"),
    ("fiscal_funding_per_student", S, 2023, None, 14350.00, "教学资源表"),
    # 表4 国际影响表
    ("foreign_training_persondays", S, 2022, None, 1200, "表4"),
    ("foreign_training_persondays", S, 2023, None, 1650, "表4"),
    ("teachers_abroad_training_persondays", S, 2022, None, 320, "表4"),
    ("teachers_abroad_training_persondays", S, 2023, None, 410, "表4"),
    ("program_standards_adopted_abroad", S, 2022, None, 2, "表4"),
    ("program_standards_adopted_abroad", S, 2023, None, 3, "表4"),
    ("course_standards_adopted_abroad", S, 2022, None, 5, "表4"),
    ("course_standards_adopted_abroad", S, 2023, None, 8, "表4"),
    ("intl_competition_awards", S, 2022, None, 1, "表4"),
    ("intl_competition_awards", S, 2023, None, 2, "表4"),
    ("overseas_campuses", S, 2022, None, 1, "表4"),
    ("overseas_campuses", S, 2023, None, 1, "表4"),
    # 表5 服务贡献表 (生均企业实习经费补贴 moved here from 落实政策表)
    ("graduates", S, 2022, None, 3050, "表5"),
    ("graduates", S, 2023, None, 3126, "表5"),
    ("employed_graduates", S, 2022, None, 2980, "表5"),
    ("employed_graduates", S, 2023, None, 3061, "表5"),
    ("local_employment_count", S, 2022, None, 1520, "表5"),
    ("local_employment_count", S, 2023, None, 1601, "表5"),
    ("west_northeast_employment_count", S, 2022, None, 35, "表5"),
    ("west_northeast_employment_count", S, 2023, None, 41, "表5"),
    ("sme_grassroots_employment_count", S, 2022, None, 2210, "表5"),
    ("sme_grassroots_employment_count", S, 2023, None, 2288, "表5"),
    ("top500_employment_count", S, 2022, None, 96, "表5"),
    ("top500_employment_count", S, 2023, None, 104, "表5"),
    ("tech_service_income", S, 2022, None, 1850.30, "表5"),
    ("tech_service_income", S, 2023, None, 2210.75, "表5"),
    ("tech_service_economic_benefit", S, 2022, None, 21000, "表5"),
    ("tech_service_economic_benefit", S, 2023, None, 25500, "表5"),
    ("vertical_research_funding", S, 2022, None, 620.40, "表5"),
    ("vertical_research_funding", S, 2023, None, 688.90, "表5"),
    ("tech_transaction_income", S, 2022, None, 150.00, "表5"),  # 2023: "—", absent
    ("internship_subsidy_per_student", S, 2022, None, 210, "表5"),
    ("internship_subsidy_per_student", S, 2023, None, 230, "表5"),
]

KEY = ["indicator_id", "subject", "year", "years_after", "source_table"]


def expected_frame() -> pd.DataFrame:
    """The hand-typed figures as a frame."""
    frame = pd.DataFrame(EXPECTED, columns=[*KEY[:4], "value", "source_table"])
    return frame.astype({"year": "int64", "years_after": "Int64", "value": "float64"})


def assert_figures(observations: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Every expected figure was read with its value, and nothing else was read."""
    got = observations[[*KEY, "value"]].astype({"years_after": "Int64"})
    merged = expected.merge(got, on=KEY, how="outer", suffixes=("_expected", ""), indicator=True)
    missing = merged[merged["_merge"] == "left_only"]
    extra = merged[merged["_merge"] == "right_only"]
    assert missing.empty, f"not read:\n{missing[KEY].to_string()}"
    assert extra.empty, f"read but not expected:\n{extra[[*KEY, 'value']].to_string()}"
    wrong = merged[(merged["value"] - merged["value_expected"]).abs() > 1e-9]
    assert wrong.empty, f"wrong values:\n{wrong[[*KEY, 'value', 'value_expected']].to_string()}"


@pytest.fixture(scope="module")
def text_result():
    return load(TEXT_FIXTURE)


def _item(result, item_id: str):
    found = [item for item in result.coverage if item.item_id == item_id]
    assert len(found) == 1, [i.item_id for i in result.coverage]
    return found[0]


def test_every_hand_typed_figure_is_read(text_result) -> None:
    assert len(EXPECTED) == 217
    assert_figures(text_result.observations, expected_frame())


def test_identity_and_years(text_result) -> None:
    assert (text_result.school, text_result.report_year) == (SCHOOL, 2023)
    years = text_result.years
    assert years.basis_zh == "标题中的“（2023年度）”（第 2 行）"
    assert {(c, a) for c, a, _ in years.cohorts} == {(2022, 1), (2020, 3), (2022, 0)}


def test_absent_columns_are_named_not_zero(text_result) -> None:
    enrollment = _item(text_result, "enrollment_by_channel")
    assert enrollment.status == "partial" and enrollment.source_table == "表1" and enrollment.line == 8
    absent = {p.en.split("(")[1].split(")")[0] for p in enrollment.problems if p.code == "column_absent"}
    assert absent == {"enroll_plan", "enroll_registration_rate", "enroll_channel_share"}
    assert not text_result.observations["indicator_id"].eq("enroll_plan").any()
    three_years = _item(text_result, "survey_employment@3")
    assert [p.code for p in three_years.problems] == ["column_absent"]
    assert "further_study_rate" in three_years.problems[0].en


def test_half_a_survey_pair_is_reported(text_result) -> None:
    missing = _item(text_result, "survey_alma_mater@3")
    assert missing.status == "missing" and missing.core
    assert "表7" in missing.problems[0].zh  # says which half was found
    assert _item(text_result, "survey_alma_mater@1").status == "found"
    assert [item.item_id for item in strict_failures(text_result.coverage)] == ["survey_alma_mater@3"]


def test_conversions_and_oddities_are_recorded(text_result) -> None:
    resources = _item(text_result, "form:teaching_resources")
    assert "单位由 元 换算为 万元（×0.0001）" in " ".join(p.zh for p in resources.problems)
    service = _item(text_result, "form:service_contribution")
    empty = [p for p in service.problems if p.code == "placeholder_cells"]
    assert [(p.line, "tech_transaction_income" in p.en) for p in empty] == [(120, True)]
    employer = _item(text_result, "destination_employer_type")
    assert [p.code for p in employer.problems] == ["space_thousands"]
    report = _item(text_result, "report")
    folded = next(p for p in report.problems if p.code == "characters_folded")
    assert folded.zh.startswith("文字层中的 4 个部首字符")


def test_missing_form_of_the_edition_is_named(text_result) -> None:
    policy = _item(text_result, "form:policy")
    assert policy.status == "missing"
    assert "全国 2017–2018 版" in policy.problems[0].zh
    scorecard = _item(text_result, "rows:scorecard")
    assert (scorecard.status, scorecard.n_values, scorecard.source_table) == ("found", 7, "表1")


def test_extract_json_carries_the_coverage(capsys) -> None:
    import json

    assert main(["extract", str(TEXT_FIXTURE), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["report_id"] == f"{SCHOOL}-2023"
    assert document["summary"]["missing"] == sum(1 for c in document["coverage"] if c["status"] == "missing")
    by_id = {c["item_id"]: c for c in document["coverage"]}
    assert by_id["survey_alma_mater@3"]["status"] == "missing"
    assert len(document["observations"]) == 217


def test_strict_ingest_refuses_a_missing_core_table(tmp_path: Path, capsys) -> None:
    db = tmp_path / "q.duckdb"
    assert main(["ingest", str(TEXT_FIXTURE), "--db", str(db), "--strict"]) == 2
    err = capsys.readouterr().err
    assert "毕业生对母校总体满意度（省调查）·毕业3年后" in err and "--strict" in err
    assert not db.exists()  # refused before the store was even opened
    assert main(["ingest", str(TEXT_FIXTURE), "--db", str(db)]) == 0
    assert "未找到" in capsys.readouterr().err
    con = connect(db, read_only=True)
    assert len(read_observations(con)) == 217
    con.close()


@pytest.mark.parametrize("path", [RULED_PDF, BORDERLESS_PDF], ids=["ruled", "borderless"])
def test_printed_pdfs_give_the_same_figures(path: Path) -> None:
    result = load(path)
    assert (result.school, result.report_year, result.format_used) == (SCHOOL, 2023, "pdf")
    assert_figures(result.observations, expected_frame())
    assert result.observations["source_text"].str.match(r"^\[第 \d+ 页\] ").all()


def test_borderless_pdf_running_title_and_broken_tables(capsys) -> None:
    result = load(BORDERLESS_PDF)
    assert (
        "running title '沧浪虚构职业技术学院高等职业教育质量年度报告（#年度）【测试夹具】' left out on every page"
        in " ".join(result.notes)
    )
    income = next(i for i in result.coverage if i.item_id == "survey_income@1")
    assert (income.status, income.n_values) == ("found", 16)  # its rows run onto pages 2 and 3
    obs = result.observations
    high = obs[(obs["source_table"] == "表3") & (obs["subject"] == "高职") & (obs["indicator_id"] == "employment_rate")]
    assert high["source_text"].tolist() == ["[第 1 页] ⾼职院校 133015 123230 92.64% 96.95% 13.51%"]


WORKBOOK = FIXTURES / "测试夹具_沧浪虚构_报表.xlsx"

# Typed from tests/fixtures/make_fixtures.py (workbook): what Excel shows in each cell.
WORKBOOK_EXPECTED: list[tuple[str, str, int, int | None, float, str]] = [
    *[
        (ind, channel, 2023, None, value, "工作表「2023年招生录取情况」")
        for channel, values in {
            "普通高考": (1320, 1300, 1250, 96.15),  # 1250 / 1300 shown as 96.15%
            "单独考试招生": (1000, 980, 955, 97.45),
            "中高职一体化": (450, 450, 446, 99.11),
        }.items()
        for ind, value in zip(
            ["enroll_plan", "enroll_admitted", "enroll_registered", "enroll_registration_rate"], values, strict=True
        )
    ],
    *[
        (ind, subject, 2022, 1, value, "表3")
        for subject, values in {
            "全省": (301245, 270120, 89.67, 94.12),
            "本科": (168230, 146890, 87.31, 92.05),
            "高职": (133015, 123230, 92.64, 96.95),
            S: (3126, 2987, 95.55, 98.36),
        }.items()
        for ind, value in zip(
            ["survey_population", "survey_respondents", "response_rate", "employment_rate"], values, strict=True
        )
    ],
    ("student_teacher_ratio", S, 2023, None, 18.1, "工作表「教学资源表」"),
    ("dual_qualified_ratio", S, 2023, None, 88.40, "工作表「教学资源表」"),  # 0.884 shown as 88.40%
    ("company_equipment_value", S, 2023, None, 412.0, "工作表「教学资源表」"),  # 4120000 元
    ("fiscal_funding_per_student", S, 2023, None, 14350, "工作表「教学资源表」"),
]


def test_workbook_of_report_tables_reads_what_excel_shows() -> None:
    result = load(WORKBOOK)
    assert (result.school, result.report_year, result.format_used) == (SCHOOL, 2023, "xlsx")
    expected = pd.DataFrame(WORKBOOK_EXPECTED, columns=[*KEY[:4], "value", "source_table"]).astype(
        {"year": "int64", "years_after": "Int64", "value": "float64"}
    )
    assert_figures(result.observations, expected)
    survey = result.observations[result.observations["source_table"] == "表3"]
    assert survey["source_text"].iloc[-1] == "[工作表「就业」第 6 行] 沧浪虚构职业技术学院 3126 2987 95.55% 98.36%"
    workbook = _item(result, "workbook")
    codes = {p.code: p for p in workbook.problems}
    assert codes["percent_format"].zh.startswith("13 个单元格为百分比格式")
    assert "2023年招生录取情况!D5" in codes["formula_empty"].zh  # the SUM without a saved result …
    enrollment = _item(result, "enrollment_by_channel")
    cut = next(p for p in enrollment.problems if p.code == "row_cut")  # … so the 合计 row is not read
    assert cut.text("zh") == "工作表「2023年招生录取情况」第 5 行：“合计”之后应有 4 个数字，实际为 3 个，该行未读取"


def test_a_report_table_saved_as_csv() -> None:
    # Another college's enrollment table as Excel saves it to CSV: commas between cells, quoted
    # thousands, no title and no appendix (the data year comes from the caption, and says so).
    result = load(FIXTURES / "测试夹具_沧浪虚构_招生表.csv")
    assert (result.school, result.report_year, result.format_used) == (SCHOOL, 2023, "text")
    expected = pd.DataFrame(
        [
            (ind, subject, 2023, None, value, "表2-1")
            for subject, values in {
                "普通高考": (1320, 1300, 1250, 96.15),
                "单独考试招生": (1000, 980, 955, 97.45),
                "合计": (2320, 2280, 2205, 96.71),
            }.items()
            for ind, value in zip(
                ["enroll_plan", "enroll_admitted", "enroll_registered", "enroll_registration_rate"], values, strict=True
            )
        ],
        columns=[*KEY[:4], "value", "source_table"],
    ).astype({"year": "int64", "years_after": "Int64", "value": "float64"})
    assert_figures(result.observations, expected)
    assert result.observations["source_text"].iloc[0] == '普通高考,"1,320","1,300","1,250",96.15%'
    report = _item(result, "report")
    assert any(p.code == "year_from_caption" and p.line == 2 for p in report.problems)
