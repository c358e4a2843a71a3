"""Tests for loaders/plans.py: the value parser, the plan documents in data/plans, and the mapping."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from pydantic import ValidationError

from loaders.contracts.errors import FormatError, TableError, ValueParseError
from loaders.contracts.paths import INDICATORS_CSV, PLANS_DIR
from loaders.contracts.registry import registry_units, unit_factors
from loaders.plans.documents import (
    PLAN_COLUMNS,
    UnknownPlanError,
    parse_all_plans,
    parse_plan,
    parse_plan_lines,
    targets_json,
)
from loaders.plans.mapping import MAP_COLUMNS, NOTE_NO_VALUE, NOTE_UNREVIEWED, load_target_map, split_relative_to
from loaders.plans.spec import PLAN_SPECS, load_plan_specs
from loaders.plans.targets import COMPARATORS, KINDS, TARGET_COLUMNS, TARGET_DTYPES
from loaders.plans.values import ParsedValue, parse_target_value, split_value_parts, tidy

SCHOOL = "wzvtc_2022_2025"
PLAN_FILES = sorted(PLANS_DIR.glob("*.txt"))


@pytest.fixture(scope="module")
def parsed() -> tuple[pd.DataFrame, pd.DataFrame]:
    return parse_all_plans()


@pytest.fixture(scope="module")
def targets(parsed: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return parsed[1]


def target(targets: pd.DataFrame, plan_id: str, label: str) -> dict:
    rows = targets[(targets["plan_id"] == plan_id) & (targets["label_zh"] == label)]
    assert len(rows) == 1, f"{plan_id} {label}: {len(rows)} rows"
    return {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in rows.iloc[0].to_dict().items()}


def pick(row: dict, *keys: str) -> dict:
    return {k: row[k] for k in keys}


VALUE_KEYS = ("indicator_id", "subject", "comparator", "target_value", "unit", "kind", "source_line")


# --------------------------------------------------------------------------- value parser


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90%", ParsedValue(">=", value=90.0, unit="%")),
        ("98%以上", ParsedValue(">=", value=98.0, unit="%")),
        ("18:1", ParsedValue("<=", value=18.0, unit=":1")),
        ("18：1", ParsedValue("<=", value=18.0, unit=":1")),
        ("1 亿元", ParsedValue(">=", value=1.0, unit="亿元")),
        ("6000 万", ParsedValue(">=", value=6000.0, unit="万")),
        ("1-2 家", ParsedValue("range", low=1.0, high=2.0, unit="家")),
        ("4 万人次", ParsedValue(">=", value=4.0, unit="万人次")),
        ("4 万人日", ParsedValue(">=", value=4.0, unit="万人日")),
        ("1.2 万元", ParsedValue(">=", value=1.2, unit="万元")),
        ("100T", ParsedValue(">=", value=100.0, unit="T")),
        ("30%左右", ParsedValue("=", value=30.0, unit="%")),
        ("15%以内", ParsedValue("<=", value=15.0, unit="%")),
        ("25 个项目", ParsedValue(">=", value=25.0, unit="个")),
        ("省内普高一段生 300 人以上", ParsedValue(">=", value=300.0, unit="人", qualifier="省内普高一段生")),
        ("规上企业参与度达到 65%", ParsedValue(">=", value=65.0, unit="%", qualifier="规上企业参与度")),
        (
            "毕业一年后薪酬高于全省高职平均值 1.3 倍",
            ParsedValue(
                ">=", value=1.3, unit="倍", qualifier="毕业一年后薪酬", benchmark="全省高职平均值", is_relative=True
            ),
        ),
        ("高于全省平均水平", ParsedValue(">=", value=1.0, unit="倍", benchmark="全省平均水平", is_relative=True)),
        ("实质性运 作", ParsedValue("text")),
        ("", ParsedValue("text")),
        (None, ParsedValue("text")),
    ],
)
def test_parse_target_value(text: str | None, expected: ParsedValue) -> None:
    assert parse_target_value(text) == expected


def test_parse_target_value_rejects_two_numbers() -> None:
    with pytest.raises(ValueParseError) as info:
        parse_target_value("12 或 13 项", source="plan.txt", where="第 9 行")
    assert "plan.txt，第 9 行" in str(info.value)
    assert "found 2" in str(info.value)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("36 项，国家一等奖 2 项", ["36 项", "国家一等奖 2 项"]),
        ("30 家，实现增效 30 亿元", ["30 家", "实现增效 30 亿元"]),
        ("1200 亩(生均 60 平方米)", ["1200 亩", "生均 60 平方米"]),
        ("毕业率 97%、就业率 98%以上", ["毕业率 97%", "就业率 98%以上"]),
        (
            "社会培训 25 万人次、职业技能考核评价 2.5 万人次，年培训人数达到在校生数 1.5 倍",
            ["社会培训 25 万人次", "职业技能考核评价 2.5 万人次", "年培训人数达到在校生数 1.5 倍"],
        ),
        ("生均占地面积、建筑面积、实训设备值符合国（省）标", ["生均占地面积、建筑面积、实训设备值符合国（省）标"]),
        ("4 万人次", ["4 万人次"]),
        ("", []),
    ],
)
def test_split_value_parts(text: str, parts: list[str]) -> None:
    assert split_value_parts(text) == parts


def test_tidy_drops_gaps_between_chinese_characters_only() -> None:
    assert tidy(" 实质性运 作 ") == "实质性运作"
    assert tidy("教学资源 （获奖）") == "教学资源（获奖）"
    assert tidy("1+X 证书获取比例") == "1+X 证书获取比例"
    assert tidy("30 家，实 现增效 30 亿元") == "30 家，实现增效 30 亿元"


def test_split_relative_to() -> None:
    assert split_relative_to("monthly_income@高职") == ("monthly_income", "高职")
    with pytest.raises(ValueError):
        split_relative_to("monthly_income")


# --------------------------------------------------------------------------- a small inline plan

MINI_PLAN = [
    "温州职业技术学院高质量发展行动计划",
    "## 附件 2",
    "## 温州职业技术学院高质量发展监测指标",
    "一级指标\t二级指标\t三级指标\t观测值",
    "高质量 师资队伍\t师资结构\t生师比\t18:1",
    "\t\t双师型教师比例\t90%",
    "",
    "一级指标\t二级指标\t三级指标\t观测值",
    "\t中高职一体化招生比\t20%\t",
    "高质量 科技研发\t科研贡献\t技术服务到款额\t6000 万",
    "\t\t国家级示范性职业教育集团（联盟）\t实质性运 作",
    "---",
]


def mini_map(rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=MAP_COLUMNS).astype("str")


def test_parse_plan_lines_on_an_inline_table() -> None:
    mapping = mini_map(
        [
            [SCHOOL, "生师比", "student_teacher_ratio", "", "", "", ""],
            [SCHOOL, "双师型教师比例", "dual_qualified_ratio", "", "", "", ""],
            [SCHOOL, "中高职一体化招生比", "", "", "", "", "无此指标"],
            [SCHOOL, "技术服务到款额", "tech_service_income", "", "万元", "", ""],
        ]
    )
    result = parse_plan_lines(MINI_PLAN, "mini.txt", load_plan_specs(), mapping, registry_units(), unit_factors())
    assert result.plan == {
        "plan_id": SCHOOL,
        "title": "温州职业技术学院高质量发展行动计划（2022—2025年）",
        "issuer": "温州职业技术学院",
        "scope": "school",
        "start_year": 2022,
        "target_year": 2025,
        "source_file": "mini.txt",
        "source_table": "附件2",
        "applies_to": "温州职业技术学院",
    }
    expected = pd.DataFrame(
        {
            "plan_id": [SCHOOL] * 5,
            "indicator_id": ["student_teacher_ratio", "dual_qualified_ratio", None, "tech_service_income", None],
            "subject": ["本校"] * 5,
            "comparator": ["<=", ">=", ">=", ">=", "text"],
            "target_value": [18.0, 90.0, 20.0, 6000.0, None],
            "unit": [":1", "%", "%", "万元", None],
            "target_year": [2025] * 5,
            "relative_to": [None] * 5,
            "label_zh": [
                "生师比",
                "双师型教师比例",
                "中高职一体化招生比",
                "技术服务到款额",
                "国家级示范性职业教育集团（联盟）",
            ],
            "source_line": [5, 6, 9, 10, 11],
            "source_text": [MINI_PLAN[4], MINI_PLAN[5], MINI_PLAN[8], MINI_PLAN[9], MINI_PLAN[10]],
            "level1": ["高质量师资队伍", "高质量师资队伍", "高质量师资队伍", "高质量科技研发", "高质量科技研发"],
            "level2": ["师资结构", "师资结构", "师资结构", "科研贡献", "科研贡献"],
            "level3": [
                "生师比",
                "双师型教师比例",
                "中高职一体化招生比",
                "技术服务到款额",
                "国家级示范性职业教育集团（联盟）",
            ],
            "value_text": ["18:1", "90%", "20%", "6000 万", "实质性运作"],
            "target_low": [None] * 5,
            "target_high": [None] * 5,
            "kind": ["absolute", "absolute", "absolute", "absolute", "text"],
            "note": [None, None, "无此指标", None, NOTE_UNREVIEWED],
        }
    ).astype(TARGET_DTYPES)
    assert_frame_equal(result.targets, expected)


def test_unit_that_cannot_reach_the_registry_unit_is_an_error() -> None:
    mapping = mini_map([[SCHOOL, "生师比", "dual_qualified_ratio", "", "", "", ""]])
    with pytest.raises(ValueParseError) as info:
        parse_plan_lines(MINI_PLAN, "mini.txt", load_plan_specs(), mapping, registry_units(), unit_factors())
    assert "mini.txt，第 5 行" in str(info.value)
    assert "the unit ':1' of '18:1' cannot be converted to '%'" in str(info.value)


def test_source_unit_must_extend_the_written_unit() -> None:
    mapping = mini_map([[SCHOOL, "技术服务到款额", "tech_service_income", "", "元", "", ""]])
    with pytest.raises(TableError, match="does not extend the written unit"):
        parse_plan_lines(MINI_PLAN, "mini.txt", load_plan_specs(), mapping, registry_units(), unit_factors())


# --------------------------------------------------------------------------- bad input


def test_empty_file_is_a_format_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "空白规划.txt"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        parse_plan(path)
    assert info.value.source == "空白规划.txt"


def test_school_plan_without_its_table_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "no_table.txt"
    path.write_text(
        "温州职业技术学院高质量发展行动计划\n温州职业技术学院高质量发展监测指标\n正文。\n", encoding="utf-8"
    )
    with pytest.raises(FormatError) as info:
        parse_plan(path)
    assert info.value.source == "no_table.txt"
    assert "附件2" in info.value.where
    assert "no line matches" in info.value.en


def test_table_with_a_header_but_no_rows_is_a_format_error() -> None:
    lines = [*MINI_PLAN[:4], "---"]
    with pytest.raises(FormatError, match="has a header but no rows"):
        parse_plan_lines(lines, "x.txt", load_plan_specs(), mini_map([]), registry_units(), unit_factors())


def test_unknown_document_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("会议纪要\n无关内容\n", encoding="utf-8")
    with pytest.raises(FormatError, match="matches none of the plans"):
        parse_plan(path)


def test_city_plan_missing_a_target_sentence_is_a_table_error() -> None:
    lines = ["丽水市职业教育高质量发展三年行动计划", "“双师型”教师占比达 95%以上。"]
    with pytest.raises(TableError) as info:
        parse_plan_lines(lines, "ls.txt", load_plan_specs(), mini_map([]), registry_units(), unit_factors())
    assert info.value.where == "中高职一体化招生人数占比"
    assert "found 0" in info.value.en


def test_target_map_with_unknown_indicator_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_text(",".join(MAP_COLUMNS) + "\nwzvtc_2022_2025,生师比,no_such_id,,,,\n", encoding="utf-8")
    with pytest.raises(TableError) as info:
        load_target_map(path, registry_ids=set(registry_units()))
    assert info.value.where == "第 2 行"


def test_target_map_row_without_indicator_needs_a_note(tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_text(",".join(MAP_COLUMNS) + "\nwzvtc_2022_2025,生均图书,,,,,\n", encoding="utf-8")
    with pytest.raises(TableError, match="its note must say why"):
        load_target_map(path)


# --------------------------------------------------------------------------- empty folder


def test_empty_plans_folder_gives_empty_frames_with_columns(tmp_path: Path) -> None:
    plans, targets = parse_all_plans(tmp_path)
    assert list(plans.columns) == PLAN_COLUMNS
    assert list(targets.columns) == TARGET_COLUMNS
    assert plans.empty and targets.empty
    assert targets.dtypes.astype(str).to_dict() == {k: ("str" if v == "str" else v) for k, v in TARGET_DTYPES.items()}
    assert targets_json(plans_dir=tmp_path) == "[]"


# --------------------------------------------------------------------------- the real plan documents


@pytest.mark.parametrize("path", PLAN_FILES, ids=[p.name for p in PLAN_FILES])
def test_every_plan_file_keeps_its_provenance(path: Path) -> None:
    result = parse_plan(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert not result.targets.empty
    for row in result.targets.itertuples(index=False):
        assert row.source_text == lines[row.source_line - 1], (row.label_zh, row.source_line)
        assert row.source_text.strip()


def test_plans_are_recognised_by_content_not_file_name(tmp_path: Path) -> None:
    for index, path in enumerate(PLAN_FILES):
        shutil.copy(path, tmp_path / f"plan{index}.txt")
    plans, targets = parse_all_plans(tmp_path)
    assert sorted(plans["plan_id"]) == ["lishui_2023_2025", "taizhou_2023", "wenzhou_city", SCHOOL]
    assert len(targets) == 151


def test_same_plan_twice_is_an_error(tmp_path: Path) -> None:
    source = next(p for p in PLAN_FILES if p.name.startswith("丽水"))
    shutil.copy(source, tmp_path / "a.txt")
    shutil.copy(source, tmp_path / "b.txt")
    with pytest.raises(FormatError, match="same plan"):
        parse_all_plans(tmp_path)


def test_plans_rows(parsed: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    plans = parsed[0].set_index("plan_id")
    assert plans.loc[SCHOOL, ["scope", "start_year", "target_year"]].tolist() == ["school", 2022, 2025]
    assert plans.loc["taizhou_2023", ["scope", "start_year", "target_year"]].tolist() == ["city", 2021, 2023]
    assert plans.loc["lishui_2023_2025", ["start_year", "target_year"]].tolist() == [2023, 2025]
    assert pd.isna(plans.loc["wenzhou_city", "start_year"])
    assert plans.loc["wenzhou_city", "target_year"] == 2025


def test_target_counts(targets: pd.DataFrame) -> None:
    school = targets[targets["plan_id"] == SCHOOL]
    # 附件2 has 112 rows (lines 444–565 less blank lines and four repeated headers); three cells hold
    # two targets each (36 项，国家一等奖 2 项 / 30 家，实现增效 30 亿元 / 1200 亩(生均 60 平方米)).
    assert school["source_line"].nunique() == 112
    assert len(school) == 115
    assert school["source_line"].min() == 444
    assert school["source_line"].max() == 565
    assert targets.groupby("plan_id").size().to_dict() == {
        "lishui_2023_2025": 6,
        "taizhou_2023": 25,
        "wenzhou_city": 5,
        SCHOOL: 115,
    }
    taizhou = targets[targets["plan_id"] == "taizhou_2023"]
    assert taizhou["source_line"].nunique() == 20  # every row of 附表1


def test_school_ratio_is_a_ceiling(targets: pd.DataFrame) -> None:
    row = target(targets, SCHOOL, "生师比")
    assert pick(row, *VALUE_KEYS, "value_text", "level1", "level2") == {
        "indicator_id": "student_teacher_ratio",
        "subject": "本校",
        "comparator": "<=",
        "target_value": 18.0,
        "unit": ":1",
        "kind": "absolute",
        "source_line": 489,
        "value_text": "18:1",
        "level1": "高质量师资队伍",
        "level2": "师资结构",
    }


def test_school_income_relative_to_provincial_average(targets: pd.DataFrame) -> None:
    row = target(targets, SCHOOL, "毕业生薪酬水平")
    assert pick(row, *VALUE_KEYS, "relative_to", "value_text") == {
        "indicator_id": "monthly_income",
        "subject": "本校",
        "comparator": ">=",
        "target_value": 1.3,
        "unit": "倍",
        "kind": "relative",
        "source_line": 465,
        "relative_to": "monthly_income@高职",
        "value_text": "毕业一年后薪酬高于全省高职平均值 1.3 倍",
    }


def test_school_money_converted_to_wan_yuan(targets: pd.DataFrame) -> None:
    social = target(targets, SCHOOL, "吸引社会力量投入办学资源")
    assert pick(social, *VALUE_KEYS, "value_text") == {
        "indicator_id": None,
        "subject": "本校",
        "comparator": ">=",
        "target_value": 10000.0,
        "unit": "万元",
        "kind": "absolute",
        "source_line": 500,
        "value_text": "1 亿元",
    }
    assert social["note"]
    service = target(targets, SCHOOL, "技术服务到款额")
    assert pick(service, "indicator_id", "target_value", "unit", "value_text", "kind") == {
        "indicator_id": "tech_service_income",
        "target_value": 6000.0,
        "unit": "万元",
        "value_text": "6000 万",
        "kind": "absolute",
    }
    gain = target(targets, SCHOOL, "企业综合服务平台助力产教融合型企业（实现增效）")
    assert pick(gain, "target_value", "unit", "source_line") == {
        "target_value": 300000.0,
        "unit": "万元",
        "source_line": 509,
    }


def test_school_range_target(targets: pd.DataFrame) -> None:
    row = target(targets, SCHOOL, "国家技术技能人才培训基地")
    assert pick(row, *VALUE_KEYS, "target_low", "target_high", "value_text") == {
        "indicator_id": None,
        "subject": "本校",
        "comparator": "range",
        "target_value": None,
        "unit": "家",
        "kind": "range",
        "source_line": 549,
        "target_low": 1.0,
        "target_high": 2.0,
        "value_text": "1-2 家",
    }


def test_school_cell_with_two_targets_is_split(targets: pd.DataFrame) -> None:
    total = target(targets, SCHOOL, "国家级职业技能竞赛获奖")
    first = target(targets, SCHOOL, "国家级职业技能竞赛获奖（国家一等奖）")
    assert pick(total, "target_value", "unit", "value_text", "source_line", "kind") == {
        "target_value": 36.0,
        "unit": "项",
        "value_text": "36 项",
        "source_line": 473,
        "kind": "cumulative",
    }
    assert pick(first, "target_value", "unit", "value_text", "source_line", "kind") == {
        "target_value": 2.0,
        "unit": "项",
        "value_text": "国家一等奖 2 项",
        "source_line": 473,
        "kind": "cumulative",
    }
    land = target(targets, SCHOOL, "用地面积")
    per_student = target(targets, SCHOOL, "用地面积（生均）")
    assert (land["target_value"], land["unit"]) == (1200.0, "亩")
    assert (per_student["target_value"], per_student["unit"], per_student["source_line"]) == (60.0, "平方米", 562)


def test_person_times_and_person_days_stay_apart(targets: pd.DataFrame) -> None:
    times = target(targets, SCHOOL, "年均职业培训人数")
    days = target(targets, SCHOOL, "境外职业培训")
    assert pick(times, *VALUE_KEYS) == {
        "indicator_id": "vocational_training_persontimes",  # 人次 from the text, never the 人日 of 表4
        "subject": "本校",
        "comparator": ">=",
        "target_value": 40000.0,
        "unit": "人次",
        "kind": "annual_average",
        "source_line": 546,
    }
    assert "人日" in times["note"]
    assert pick(days, *VALUE_KEYS) == {
        "indicator_id": "foreign_training_persondays",
        "subject": "本校",
        "comparator": ">=",
        "target_value": 40000.0,
        "unit": "人日",
        "kind": "cumulative",
        "source_line": 536,
    }


def test_school_text_target_is_kept(targets: pd.DataFrame) -> None:
    row = target(targets, SCHOOL, "国家级示范性职业教育集团（联盟）")
    assert pick(row, *VALUE_KEYS, "value_text", "target_low", "target_high") == {
        "indicator_id": None,
        "subject": "本校",
        "comparator": "text",
        "target_value": None,
        "unit": None,
        "kind": "text",
        "source_line": 506,
        "value_text": "实质性运作",
        "target_low": None,
        "target_high": None,
    }


def test_school_rows_without_a_value_are_kept(targets: pd.DataFrame) -> None:
    centre = target(targets, SCHOOL, "国家课程思政教学研究示范中心")
    joint = target(targets, SCHOOL, "中外合作项目（机构）")
    assert pick(centre, "comparator", "value_text", "level1", "level2", "source_line") == {
        "comparator": "text",
        "value_text": None,
        "level1": "高质量教学资源",
        "level2": "教学资源（获奖）",
        "source_line": 510,
    }
    assert pick(joint, "comparator", "value_text", "level1", "level2", "source_line") == {
        "comparator": "text",
        "value_text": None,
        "level1": "高水平国际合作",
        "level2": "合作项目",
        "source_line": 533,
    }
    assert NOTE_NO_VALUE in centre["note"] and NOTE_NO_VALUE in joint["note"]


def test_school_shifted_cells_keep_their_hierarchy(targets: pd.DataFrame) -> None:
    merged = target(targets, SCHOOL, "中高职一体化招生比")
    assert pick(merged, "level1", "level2", "level3", "target_value", "source_line") == {
        "level1": "高质量人才培养",
        "level2": "招生就业",
        "level3": "中高职一体化招生比",
        "target_value": 20.0,
        "source_line": 471,
    }
    course = target(targets, SCHOOL, "国家级精品课程")
    assert pick(course, "level2", "target_value", "unit") == {
        "level2": "教学资源（获奖）",
        "target_value": 4.0,
        "unit": "门",
    }
    luban = target(targets, SCHOOL, "鲁班工坊（丝路学院）")
    assert pick(luban, "level1", "level2", "target_value") == {
        "level1": "高水平国际合作",
        "level2": "鲁班工坊（丝路学院）",
        "target_value": 2.0,
    }


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("双师型教师比例", ("dual_qualified_ratio", ">=", 90.0, "%", "absolute", 490)),
        ("毕业生就业率", ("employment_rate", ">=", 98.0, "%", "absolute", 463)),
        ("授权发明专利数", ("invention_patents_granted", ">=", 480.0, "项", "cumulative", 525)),
        ("年均职业培训收入", ("nondegree_training_income", ">=", 3200.0, "万元", "annual_average", 547)),
        ("生均拨款", ("fiscal_funding_per_student", ">=", 25000.0, "元", "absolute", 563)),
        ("生均仪器设备", ("equipment_value_per_student", ">=", 20000.0, "元/生", "absolute", 565)),
        ("输出课程标准", ("course_standards_adopted_abroad", ">=", 10.0, "个", "cumulative", 538)),
        ("高级职称比例", ("senior_title_ratio", ">=", 40.0, "%", "absolute", 492)),
    ],
)
def test_school_mapped_targets(targets: pd.DataFrame, label: str, expected: tuple) -> None:
    row = target(targets, SCHOOL, label)
    keys = ("indicator_id", "comparator", "target_value", "unit", "kind", "source_line")
    assert tuple(row[k] for k in keys) == expected


@pytest.mark.parametrize(
    ("plan_id", "label", "expected"),
    [
        ("taizhou_2023", "公用经费（高职生均财政拨款）", ("fiscal_funding_per_student", "本校", 12000.0, "元", 60)),
        ("taizhou_2023", "毕业就业（毕业率）", ("ontime_graduation_rate", "合计", 97.0, "%", 72)),
        ("taizhou_2023", "毕业就业（就业率）", ("employment_rate", "本校", 98.0, "%", 72)),
        ("taizhou_2023", "留台比例", ("local_retention_rate", "本校", 45.0, "%", 74)),
        ("wenzhou_city", "“双师型”教师占比", ("dual_qualified_ratio", "本校", 90.0, "%", 274)),
        ("wenzhou_city", "兼职教师占比", (None, "职业院校", 20.0, "%", 252)),
        ("wenzhou_city", "中高职一体化本地招生比例", (None, "高职院校", 40.0, "%", 37)),
        ("lishui_2023_2025", "“双师型”教师占比", ("dual_qualified_ratio", "本校", 95.0, "%", 214)),
        ("lishui_2023_2025", "研究生层次以上的教师占比", ("graduate_degree_teacher_share", "本校", 20.0, "%", 212)),
        ("lishui_2023_2025", "中高职一体化招生人数占比", ("enroll_channel_share", "五年制转入", 40.0, "%", 82)),
    ],
)
def test_city_targets(targets: pd.DataFrame, plan_id: str, label: str, expected: tuple) -> None:
    row = target(targets, plan_id, label)
    assert (row["indicator_id"], row["subject"], row["target_value"], row["unit"], row["source_line"]) == expected
    assert (row["comparator"], row["kind"]) == (">=", "absolute")


def test_city_relative_and_text_targets(targets: pd.DataFrame) -> None:
    funding = target(targets, "wenzhou_city", "公办高职院校生均拨款")
    assert pick(funding, "comparator", "target_value", "unit", "kind", "relative_to", "value_text") == {
        "comparator": ">=",
        "target_value": 1.0,
        "unit": "倍",
        "kind": "relative",
        "relative_to": "fiscal_funding_per_student@高职",
        "value_text": "高于全省平均水平",
    }
    secondary = target(targets, "taizhou_2023", "公用经费（中职生均公用经费）")
    assert pick(secondary, "indicator_id", "subject", "target_value", "kind", "relative_to") == {
        "indicator_id": None,
        "subject": "中职学校",
        "target_value": 2.0,
        "kind": "relative",
        "relative_to": None,
    }
    policy = target(targets, "taizhou_2023", "政府支持政策")
    assert pick(policy, "comparator", "value_text", "level1") == {
        "comparator": "text",
        "value_text": "政府出台专项支持政策并落实到位",
        "level1": "企业办学",
    }
    transfer = target(targets, "taizhou_2023", "技术服务（校企合作技术服务转化累计到款额）")
    assert (transfer["target_value"], transfer["unit"], transfer["kind"]) == (5000.0, "万元", "cumulative")


# --------------------------------------------------------------------------- data tests


def test_targets_are_well_formed(targets: pd.DataFrame) -> None:
    assert list(targets.columns) == TARGET_COLUMNS
    assert not targets.duplicated(["plan_id", "label_zh"]).any()
    assert targets["comparator"].isin(COMPARATORS).all()
    assert targets["kind"].isin(KINDS).all()
    for column in ["plan_id", "subject", "comparator", "label_zh", "source_text", "kind"]:
        assert targets[column].notna().all(), column
    numeric = targets["comparator"].isin([">=", "<=", "="])
    assert targets.loc[numeric, "target_value"].notna().all()
    assert targets.loc[numeric, "unit"].notna().all()
    assert targets.loc[~numeric, "target_value"].isna().all()
    ranges = targets["comparator"] == "range"
    assert (targets.loc[ranges, "target_low"] < targets.loc[ranges, "target_high"]).all()
    rates = numeric & (targets["unit"] == "%")
    assert targets.loc[rates, "target_value"].between(0, 100).all()


def test_every_indicator_is_in_the_registry_with_its_unit(targets: pd.DataFrame) -> None:
    registry = pd.read_csv(INDICATORS_CSV, dtype=str).set_index("indicator_id")["unit"]
    mapped = targets[targets["indicator_id"].notna()]
    assert mapped["indicator_id"].isin(registry.index).all()
    absolute = mapped[mapped["comparator"].isin([">=", "<=", "=", "range"]) & (mapped["kind"] != "relative")]
    assert (absolute["unit"] == registry.loc[absolute["indicator_id"]].to_numpy()).all()
    assert set(mapped["indicator_id"]) >= {
        "dual_qualified_ratio",
        "student_teacher_ratio",
        "employment_rate",
        "tech_service_income",
        "fiscal_funding_per_student",
        "equipment_value_per_student",
        "invention_patents_granted",
        "nondegree_training_income",
        "course_standards_adopted_abroad",
        "monthly_income",
    }


def test_every_target_is_reviewed_and_every_map_row_used(targets: pd.DataFrame) -> None:
    assert not targets["note"].fillna("").str.contains(NOTE_UNREVIEWED).any()
    unmapped = targets[targets["indicator_id"].isna()]
    assert unmapped["note"].notna().all()
    mapping = load_target_map(registry_ids=set(registry_units()))
    assert set(zip(mapping["plan_id"], mapping["label_zh"], strict=True)) == set(
        zip(targets["plan_id"], targets["label_zh"], strict=True)
    )


def test_targets_json(targets: pd.DataFrame) -> None:
    records = json.loads(targets_json(SCHOOL))
    assert len(records) == 115
    assert list(records[0]) == TARGET_COLUMNS
    ratio = next(r for r in records if r["label_zh"] == "生师比")
    assert (ratio["comparator"], ratio["target_value"], ratio["unit"], ratio["relative_to"]) == ("<=", 18.0, ":1", None)
    assert len(json.loads(targets_json())) == len(targets)
    with pytest.raises(UnknownPlanError, match="nope"):
        targets_json("nope")


def test_no_nan_leaks_into_json() -> None:
    text = targets_json("wenzhou_city")
    assert "NaN" not in text
    assert all(not (isinstance(v, float) and math.isnan(v)) for r in json.loads(text) for v in r.values())


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('default_subject = "本校"', 'default_subjct = "本校"', "default_subjct"),  # a misspelt key
        ("levels = 3", "levels = 7", "levels"),  # out of range
        ("start = '^#*\\s*附件\\s*2\\s*$'", "start = '^附件(2'", "not a valid regular expression"),
        ('ceiling_words = ["以内"', 'ceiling_word = ["以内"', "ceiling_word"),
    ],
)
def test_plan_spec_mistakes_fail_loudly_by_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = PLAN_SPECS.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "plan_specs.toml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        load_plan_specs(broken)
