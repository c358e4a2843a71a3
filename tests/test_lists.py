"""List tables and the report's sentences: every count and narrative figure of the bundled report.

Expected values were counted by hand in the report's text (data/reports/温州职业技术学院_2020_质量年度报告.txt):
表2-13 has 49 rows, 6 国家级 (4 + 8 + 2 + 1 + 1 + 2 = 18 awards, of which 一等奖 2 in row 2) and 43 省级
(164 awards); its sentence above says 190 in all. 表3-6 lists 9 textbooks, 表4-2 3 / 19 / 2 standards,
表4-3 7 competitions with 18 prizes (1 + 2 + 3 + 6 + 3 + 1 + 2), 表5-1 32 projects (10.100 … 1100.00 万元,
1589.83 in all), 表5-3 7 institutes, 表5-6 23 trainings (77 … 77974 people, 87609 in all), 表5-7 8 months
of 6 + 6 + 6 + 5 + 6 + 3 + 6 + 7 = 45 activities.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from loaders.contracts.fields import LIST_ROW_FIELDS, names
from loaders.read.coverage import coverage_frame
from loaders.read.load import load
from loaders.read.spec import ListSpec, ReportSpec, load_spec
from loaders.store.queries import read_list_rows
from loaders.store.schema import connect
from loaders.store.writes import ingest_file


@pytest.fixture(scope="module")
def result(bundled_report: Path):
    return load(bundled_report)


def _value(result, indicator_id: str, table: str) -> tuple[float, int, int]:
    rows = result.observations
    row = rows[(rows["indicator_id"] == indicator_id) & (rows["source_table"] == table)]
    assert len(row) == 1, (indicator_id, table, row)
    return float(row["value"].iloc[0]), int(row["year"].iloc[0]), int(row["source_line"].iloc[0])


@pytest.mark.parametrize(
    ("indicator_id", "table", "value", "year", "caption_line"),
    [
        ("student_awards_total", "表2-13", 182, 2020, 1028),
        ("student_awards_national", "表2-13", 18, 2020, 1028),
        ("student_awards_provincial", "表2-13", 164, 2020, 1028),
        ("student_awards_national_first", "表2-13", 2, 2020, 1028),
        ("national_planned_textbooks", "表3-6", 9, 2020, 2152),
        ("program_standards_adopted_abroad", "表4-2", 3, 2020, 3156),
        ("course_standards_adopted_abroad", "表4-2", 19, 2020, 3156),
        ("job_standards_adopted_abroad", "表4-2", 2, 2020, 3156),
        ("intl_competitions_listed", "表4-3", 7, 2020, 3220),
        ("intl_awards_listed", "表4-3", 18, 2020, 3220),
        ("enterprise_projects_over_100k", "表5-1", 32, 2019, 3480),
        ("enterprise_projects_over_100k_income", "表5-1", 1589.83, 2019, 3480),
        ("company_research_institutes", "表5-3", 7, 2019, 3693),
        ("enterprise_training_programmes", "表5-6", 23, 2020, 3826),
        ("enterprise_trainees", "表5-6", 87609, 2020, 3826),
        ("local_cultural_activities", "表5-7", 45, 2020, 3896),
    ],
)
def test_list_counts_of_the_bundled_report(result, indicator_id, table, value, year, caption_line) -> None:
    assert _value(result, indicator_id, table) == (pytest.approx(value), year, caption_line)


def test_list_rows_keep_their_lines_and_fields(result, bundled_lines: list[str]) -> None:
    rows = pd.DataFrame(result.list_rows, columns=names(LIST_ROW_FIELDS))
    assert rows.groupby("list_id").size().to_dict() == {
        "student_awards": 49,
        "national_textbooks": 9,
        "standards_abroad": 3,
        "intl_awards": 7,
        "enterprise_projects": 32,
        "company_institutes": 7,
        "enterprise_training": 23,
        "local_activities": 8,
    }
    awards = rows[rows["list_id"] == "student_awards"].set_index("row_number")
    assert awards.loc[2, "source_line"] == 1034
    assert bundled_lines[1033].startswith("2 国家级 8")
    assert json.loads(awards.loc[2, "fields"]) == {"level": "国家级", "quantity": "8"}
    assert "金奖 1 个,银奖 1 个,一等奖 2 个" in awards.loc[2, "text"]  # the wrapped line joined (NFKC text)
    assert awards.loc[10, "text"].startswith("10 省级 1 IMC")  # the header repeated on the next page is dropped
    training = rows[rows["list_id"] == "enterprise_training"].set_index("row_number")
    assert training.loc[9, "text"] == "9 2019.9-2020.8 温州市应急管理局 3198 52"  # the page number "70" left out
    assert json.loads(training.loc[23, "fields"]) == {"people": "77974"}  # "(其中线上 72681)" is not the count
    projects = rows[rows["list_id"] == "enterprise_projects"].set_index("row_number")
    assert json.loads(projects.loc[32, "fields"]) == {"income": "1100.00"}
    assert "104 国道苍南段" in projects.loc[23, "text"]  # a number that does not continue the serial is text
    textbooks = rows[rows["list_id"] == "national_textbooks"]
    assert textbooks["text"].str.contains("温州职业技术学院").all()


@pytest.mark.parametrize(
    ("indicator_id", "table", "line", "value", "year", "years_after", "written"),
    [
        ("campus_area_mu", "§一", 29, 1237, 2020, None, "校园总占地 1237 亩"),
        ("fulltime_students_total", "§一", 29, 12800, 2020, None, "全日制在校生 12800"),
        ("undergrad_level_programmes", "§一", 50, 6, 2020, None, "本科层次人才培养专业 6 个"),
        ("x_certificate_pilots", "§一", 52, 20, 2020, None, "国家 1+X 证书制度试点 20 个"),
        ("vocational_training_persontimes", "§一", 72, 28000, 2020, None, "年培训、鉴定 28000 人次"),
        ("national_planned_textbooks", "§一", 149, 9, 2020, None, "学校 9本教材获得“十三五”国家规划教材立项"),
        ("x_certificate_pilots", "§一", 151, 19, 2020, None, "学校入选国家 19 个 1+X 证书制度试点"),
        ("student_awards_total", "§二", 1020, 190, 2020, None, "共获得 190 项奖项"),
        ("student_awards_national_first", "§二", 1022, 2, 2020, None, "得了 2项国家级一等奖"),
        ("national_planned_textbooks", "§三", 2148, 9, 2020, None, "我校有 9本教材入选了十三五国家规划教材"),
        ("order_classes", "§三", 2566, 12, 2020, None, "订单班12个"),
        ("apprentices", "§三", 2674, 513, 2020, None, "共培养学徒 513 人"),
        ("international_students", "§四", 3057, 44, 2020, None, "两批共 44 名南非来华留学生"),
        ("program_standards_adopted_abroad", "§四", 3148, 3, 2020, None, "机械设计与制造等 3"),
        ("course_standards_adopted_abroad", "§四", 3150, 19, 2020, None, "电气 CAD 等 19 个课程标准"),
        ("job_standards_adopted_abroad", "§四", 3152, 2, 2020, None, "设备装配工等 2个岗位标准"),
        ("intl_competitions_listed", "§四", 3211, 7, 2020, None, "网竞赛等 7个赛事 18 个奖项"),
        ("intl_awards_listed", "§四", 3211, 18, 2020, None, "网竞赛等 7个赛事 18 个奖项"),
        ("company_research_institutes", "§五", 3691, 7, 2019, None, "（研发中心）7家"),
        ("graduates_destination_total", "§五", 3713, 3473, 2019, 0, "我校2019届毕业生共计3473人"),
        ("local_retention_rate", "§五", 3717, 57.62, 2019, 0, "区的学生人数为2001人，占全部学生人数的57.62%"),
        ("local_retention_rate", "§五", 4168, 67, 2019, 0, "有 67%的毕业生留在温州就业"),
    ],
)
def test_narrative_figures_with_their_lines(
    result, bundled_lines: list[str], indicator_id, table, line, value, year, years_after, written
) -> None:
    rows = result.observations
    row = rows[(rows["indicator_id"] == indicator_id) & (rows["source_line"] == line)]
    assert len(row) == 1
    assert (row["source_table"].iloc[0], float(row["value"].iloc[0]), int(row["year"].iloc[0])) == (
        table,
        pytest.approx(value),
        year,
    )
    assert (None if pd.isna(row["years_after"].iloc[0]) else int(row["years_after"].iloc[0])) == years_after
    assert written in bundled_lines[line - 1]


def test_list_tables_are_read_not_listed_as_unread(result) -> None:
    coverage = coverage_frame(result.coverage)
    lists = coverage[coverage["kind"] == "list"].set_index("item_id")
    assert set(lists.index) == {
        "student_awards", "national_textbooks", "standards_abroad", "intl_awards", "enterprise_projects",
        "company_institutes", "enterprise_training", "local_activities",
    }  # fmt: skip
    assert (lists["status"] == "found").all()
    assert lists.loc["student_awards", "source_table"] == "表2-13"
    assert "按清单读取 49 行（第 1032–1169 行）" in lists.loc["student_awards", "problems_zh"]
    unread = set(coverage.loc[coverage["status"] == "not_read", "source_table"])
    assert not unread & {"表2-13", "表3-6", "表4-2", "表4-3", "表5-1", "表5-3", "表5-6", "表5-7"}


def test_list_rows_are_stored_and_deleted_with_the_report(db_path: Path, bundled_report: Path) -> None:
    con = connect(db_path)
    ingest_file(con, bundled_report)
    stored = read_list_rows(con, "温州职业技术学院-2020")
    assert len(stored) == 138 and stored["source_line"].is_monotonic_increasing
    from loaders.store.writes import delete_report

    assert delete_report(con, "温州职业技术学院-2020")
    assert con.execute("SELECT count(*) FROM list_rows").fetchall() == [(0,)]
    con.close()


def test_a_list_without_rows_is_reported_missing_not_zero() -> None:
    spec = load_spec()
    lines = ["表 2-13 2019/2020 学年本校学生竞赛获奖情况", "序号 级别 数量 获奖情况", "数据来源：教务处",
             "表 2-15 2019 届（毕业一年后）各专业毕业生就业状况", "类别 总人数 作答人数 作答率 就业率",
             "全省 100 90 90% 97%", "高职 100 90 90% 97%", "本校 100 90 90% 97%"]  # fmt: skip
    from loaders.read.report import parse_report_lines

    parsed = parse_report_lines(lines, "测试.txt", school="沧浪虚构职业技术学院", report_year=2020, spec=spec)
    awards = next(item for item in parsed.coverage if item.item_id == "student_awards")
    assert awards.status == "missing"
    assert not (parsed.table.column("indicator_id").to_pylist().count("student_awards_total"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rows": "anchor"}, "anchor"),
        ({"counts": [{"indicator": "nope"}]}, "not in data/indicators.csv"),
        ({"counts": [{"indicator": "student_awards_total", "measure": "sum"}]}, "needs a field"),
        ({"counts": [{"indicator": "student_awards_total", "where": {"level": "国家级"}}]}, "unknown fields"),
        ({"fields": [{"name": "x", "pattern": "("}]}, "not a valid regular expression"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_list_spec_mistakes_fail_loudly(change: dict, message: str) -> None:
    base = {"id": "x", "zh": "x", "en": "x", "caption": [["获奖"]], "counts": [{"indicator": "student_awards_total"}]}
    with pytest.raises(ValueError, match=message):
        ListSpec.model_validate({**base, **change})


def test_a_narrative_block_must_be_marked_narrative() -> None:
    raw = load_spec().model_dump(by_alias=True)
    block = next(b for b in raw["block"] if b["id"] == "narrative_research")
    block["source_table"] = "五"
    with pytest.raises(ValueError, match="must start with §"):
        ReportSpec.model_validate(raw)
