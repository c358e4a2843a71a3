"""metrics.audit: the report check-up, on inline frames and on the bundled report."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from loaders.contracts.registry import checkup_rules
from metrics import MetricsError, MissingColumnsError
from metrics.audit import (
    FINDING_COLUMNS,
    audit_report,
    check_cohort_labels,
    check_conflicts,
    check_duplicate_labels,
    check_parts_vs_total,
    check_shares,
    check_text_against_tables,
    find_captions,
)
from metrics.audit_sources import check_sentences
from metrics.observations import OBSERVATION_COLUMNS
from metrics.units import UNIT_CONVERSIONS

SHARE, COMPONENT, ALIASES = checkup_rules()  # the rules in data/specs (checkup_*.csv, subject_aliases.csv)
PART_RULES = {"share_rules": SHARE, "component_rules": COMPONENT}
AUDIT_RULES = {**PART_RULES, "subject_aliases": ALIASES}

OBS_HEADER = ",".join(OBSERVATION_COLUMNS) + "\n"
NUMERIC = {
    "report_year": "int64",
    "year": "int64",
    "years_after": "Int64",
    "value": "float64",
    "source_line": "int64",
    "first_line": "int64",
    "expected": "float64",
    "found": "float64",
    "difference": "float64",
    "line": "int64",
}

REGISTRY = """indicator_id,unit,direction,kind
teachers_by_title,人,neutral,count
teachers_by_title_share,%,neutral,share
teachers_by_degree,人,neutral,count
fulltime_teachers,人,higher,count
enrolled_students,人,neutral,count
enrolled_share,%,neutral,share
enroll_registered,人,higher,count
enroll_admitted,人,higher,count
enroll_registration_rate,%,higher,rate
graduates,人,neutral,count
students_due_to_graduate,人,neutral,count
destination_count,人,higher,count
destination_share_province,%,neutral,share
income_total,万元,higher,amount
income_fiscal_share,%,neutral,share
income_fiscal,万元,higher,amount
income_business,万元,neutral,amount
income_other,万元,neutral,amount
tech_service_income,万元,higher,amount
"""


def read(text: str) -> pd.DataFrame:
    """An inline CSV frame: text columns as ``str`` ('' stays ''), known numeric columns typed."""
    header = text.splitlines()[0].split(",")
    dtypes = {c: NUMERIC.get(c, "str") for c in header}
    na = {c: [""] for c in header if c in NUMERIC}
    return pd.read_csv(io.StringIO(text), dtype=dtypes, keep_default_na=False, na_values=na)


def obs(rows: str) -> pd.DataFrame:
    return read(OBS_HEADER + rows)


def findings(rows: str) -> pd.DataFrame:
    return read(",".join(FINDING_COLUMNS) + "\n" + rows)


@pytest.fixture
def registry() -> pd.DataFrame:
    return read(REGISTRY)


# A 表3-7 whose rows add up to 526 against a total of 533, with one share that does not match.
TITLES = (
    "r,A,2020,teachers_by_title,高级职称,2020,,212,人,表3-7,2286,x\n"
    "r,A,2020,teachers_by_title_share,高级职称,2020,,39.78,%,表3-7,2286,x\n"
    "r,A,2020,teachers_by_title,中级职称,2020,,209,人,表3-7,2288,x\n"
    "r,A,2020,teachers_by_title_share,中级职称,2020,,39.21,%,表3-7,2288,x\n"
    "r,A,2020,teachers_by_title,初级及以下职称,2020,,105,人,表3-7,2290,x\n"
    "r,A,2020,teachers_by_title_share,初级及以下职称,2020,,21.01,%,表3-7,2290,x\n"
    "r,A,2020,teachers_by_title,合计,2020,,533,人,表3-7,2292,x\n"
    "r,A,2020,teachers_by_title_share,合计,2020,,100,%,表3-7,2292,x\n"
)


def expected_findings(**columns: list) -> pd.DataFrame:
    """A findings frame from column lists (text cells may hold commas)."""
    dtypes = {"first_line": "int64", "expected": "float64", "found": "float64", "difference": "float64"}
    return pd.DataFrame({c: pd.Series(columns[c], dtype=dtypes.get(c, "str")) for c in FINDING_COLUMNS})


def test_parts_vs_total_finds_rows_that_do_not_add_up(registry: pd.DataFrame) -> None:
    result = check_parts_vs_total(obs(TITLES), registry, share_rules=SHARE, component_rules=COMPONENT)
    expected = expected_findings(
        report_id=["r"],
        check=["parts_vs_total"],
        source_table=["表3-7"],
        subject=["合计"],
        indicator_id=["teachers_by_title"],
        lines=["2286,2288,2290,2292"],
        first_line=[2286],
        values=["212 + 209 + 105 = 526；合计 533"],
        expected=[533.0],
        found=[526.0],
        difference=[-7.0],
        message=["表3-7（teachers_by_title）：各行相加为 526人，而合计行为 533人，相差 -7。"],
        message_en=["表3-7 (teachers_by_title): the rows add up to 526 人 but the 合计 row says 533 人 (off by -7)."],
    )
    assert_frame_equal(result, expected)


def test_parts_vs_total_share_total_row_components_and_clean_tables(registry: pd.DataFrame) -> None:
    frame = obs(
        # A share table whose total row is the one at 100 % (no 合计 label) — adds up.
        "r,A,2020,destination_count,浙江省,2019,0,2784,人,表5-4,1,x\n"
        "r,A,2020,destination_share_province,浙江省,2019,0,100,%,表5-4,1,x\n"
        "r,A,2020,destination_count,杭州市,2019,0,188,人,表5-4,2,x\n"
        "r,A,2020,destination_share_province,杭州市,2019,0,6.75,%,表5-4,2,x\n"
        "r,A,2020,destination_count,温州市,2019,0,2596,人,表5-4,3,x\n"
        "r,A,2020,destination_share_province,温州市,2019,0,93.25,%,表5-4,3,x\n"
        # Rates are not summed.
        "r,A,2020,enroll_registration_rate,单独考试,2019,,94.84,%,表2-1,1,x\n"
        "r,A,2020,enroll_registration_rate,统一高考,2019,,93.2,%,表2-1,2,x\n"
        "r,A,2020,enroll_registration_rate,合计,2019,,94.6,%,表2-1,3,x\n"
        # Degrees: no total row, but 专任教师总数 533 elsewhere; and income parts in 万元 that add up.
        "r,A,2020,teachers_by_degree,博士及以上,2020,,26,人,表3-8,2299,x\n"
        "r,A,2020,teachers_by_degree,硕士,2020,,434,人,表3-8,2301,x\n"
        "r,A,2020,teachers_by_degree,学士,2020,,52,人,表3-8,2303,x\n"
        "r,A,2020,fulltime_teachers,本校,2020,,533,人,表3,4689,x\n"
        "r,A,2020,income_total,本校,2019,,39876.92,万元,§六,4403,x\n"
        "r,A,2020,income_fiscal,本校,2019,,21887.78,万元,§六,4403,x\n"
        "r,A,2020,income_business,本校,2019,,15889.02,万元,§六,4405,x\n"
        "r,A,2020,income_other,本校,2019,,2100.12,万元,§六,4407,x\n"
    )
    result = check_parts_vs_total(frame, registry, share_rules=SHARE, component_rules=COMPONENT)
    assert result[["source_table", "lines", "expected", "found", "difference"]].to_dict("records") == [
        {
            "source_table": "表3/表3-8",
            "lines": "2299,2301,2303,4689",
            "expected": 533.0,
            "found": 512.0,
            "difference": -21.0,
        }
    ]


def test_parts_vs_total_empty_and_bad_input(registry: pd.DataFrame) -> None:
    empty = check_parts_vs_total(obs(""), registry, share_rules=SHARE, component_rules=COMPONENT)
    assert list(empty.columns) == FINDING_COLUMNS and empty.empty
    with pytest.raises(MissingColumnsError, match="source_table"):
        check_parts_vs_total(
            obs(TITLES).drop(columns="source_table"), registry, share_rules=SHARE, component_rules=COMPONENT
        )


def test_shares_against_counts() -> None:
    result = check_shares(obs(TITLES), share_rules=SHARE)
    assert result[["source_table", "subject", "lines", "expected", "found"]].to_dict("records") == [
        {
            "source_table": "表3-7",
            "subject": "初级及以下职称",
            "lines": "2290,2292",
            "expected": pytest.approx(19.699812),
            "found": 21.01,
        }
    ]
    assert result.at[0, "message"] == (
        "表3-7「初级及以下职称」：teachers_by_title_share 写作 21.01%，但 105 / 533（合计行）= 19.6998%，"
        "相差 1.3102 个百分点。"
    )


def test_shares_pair_a_repeated_label_by_line_and_rates_by_row() -> None:
    frame = obs(
        "r,A,2020,enrolled_students,文化艺术大类,2020,,321,人,表3-1,1904,x\n"
        "r,A,2020,enrolled_share,文化艺术大类,2020,,2.79,%,表3-1,1904,x\n"
        "r,A,2020,enrolled_students,文化艺术大类,2020,,753,人,表3-1,1914,x\n"
        "r,A,2020,enrolled_share,文化艺术大类,2020,,6.53,%,表3-1,1914,x\n"
        "r,A,2020,enrolled_students,合计,2020,,11524,人,表3-1,1918,x\n"
        "r,A,2020,enrolled_share,合计,2020,,100,%,表3-1,1918,x\n"
        "r,A,2020,enroll_admitted,社会扩招,2019,,118,人,表2-1,362,x\n"
        "r,A,2020,enroll_registered,社会扩招,2019,,90,人,表2-1,362,x\n"
        "r,A,2020,enroll_registration_rate,社会扩招,2019,,86.27,%,表2-1,362,x\n"
    )
    result = check_shares(frame, share_rules=SHARE)
    assert result[["source_table", "subject", "expected", "found"]].to_dict("records") == [
        {"source_table": "表2-1", "subject": "社会扩招", "expected": pytest.approx(76.271186), "found": 86.27}
    ]
    assert check_shares(obs(""), share_rules=SHARE).empty


def test_shares_of_an_external_total() -> None:
    # Income shares are of 收入总计 (another indicator); all in 万元 — none is off.
    frame = obs(
        "r,A,2020,income_total,本校,2019,,39876.92,万元,§六,4403,x\n"
        "r,A,2020,income_fiscal,本校,2019,,21887.78,万元,§六,4403,x\n"
        "r,A,2020,income_fiscal_share,本校,2019,,54.89,%,§六,4405,x\n"
        "r,A,2020,income_other,本校,2019,,2100.12,万元,§六,4407,x\n"
        "r,A,2020,income_other_share,本校,2019,,15.26,%,§六,4407,x\n"
    )
    result = check_shares(frame, share_rules=SHARE)
    assert result[["subject", "indicator_id", "lines", "expected"]].to_dict("records") == [
        {
            "subject": "本校",
            "indicator_id": "income_other_share",
            "lines": "4403,4407",
            "expected": pytest.approx(5.266507),
        }
    ]


def test_unit_mismatch_wan_yuan_against_yuan(registry: pd.DataFrame) -> None:
    # The same figures in 万元 and in 元 are one figure; a real difference is shown in the unit of
    # the indicator's first statement in the report (§五, line 3474: 元). The sentence (§五) agrees with
    # 表4, so only the tables conflict (a sentence against a table is check_sentences').
    frame = obs(
        "r,A,2020,income_total,本校,2019,,39876.92,万元,§六,4403,x\n"
        "r,A,2020,income_fiscal,本校,2019,,218877800,元,§六,4403,x\n"
        "r,A,2020,income_fiscal_share,本校,2019,,54.89,%,§六,4405,x\n"
        "r,A,2020,income_business,本校,2019,,15889.02,万元,§六,4405,x\n"
        "r,A,2020,income_other,本校,2019,,2100.12,万元,§六,4407,x\n"
        "r,A,2020,tech_service_income,本校,2020,,3255.214,万元,表4,4739,x\n"
        "r,A,2020,tech_service_income,本校,2020,,32552140,元,§五,3474,x\n"
        "r,A,2020,income_total,本校,2019,,398769200,元,表9,9000,x\n"
    )
    assert check_shares(frame, conversions=UNIT_CONVERSIONS, share_rules=SHARE).empty
    assert check_parts_vs_total(
        frame, registry, conversions=UNIT_CONVERSIONS, share_rules=SHARE, component_rules=COMPONENT
    ).empty
    assert check_conflicts(frame, conversions=UNIT_CONVERSIONS).empty
    off = pd.concat([frame, obs("r,A,2020,tech_service_income,本校,2020,,30000000,元,表5,5000,x\n")])
    result = check_conflicts(off, conversions=UNIT_CONVERSIONS)
    assert result[["source_table", "expected", "found"]].to_dict("records") == [
        {"source_table": "表4/表5", "expected": 32552140.0, "found": 30000000.0}
    ]
    assert check_sentences(off, conversions=UNIT_CONVERSIONS).empty


def test_conflicts_same_year_adjacent_years_and_year_labels() -> None:
    frame = obs(
        "r,A,2020,students_due_to_graduate,合计,2019,,3653,人,表2-14,1256,x\n"
        "r,A,2020,graduates,合计,2019,,3463,人,表2-14,1256,x\n"
        "r,A,2020,graduates,本校,2020,,3653,人,表1,4614,x\n"
        "r,A,2020,tech_service_income,本校,2019,,3255.214,万元,§五,3474,x\n"
        "r,A,2020,tech_service_income,本校,2020,,3255.214,万元,表4,4739,x\n"
        "r,A,2020,fulltime_teachers,本校,2020,,533,人,表3,4689,x\n"
        "r,A,2020,fulltime_teachers,本校,2020,,535,人,§三,2276,x\n"
        "r,A,2020,destination_count,合计,2019,0,2784,人,表5-4,3723,x\n"
        "r,A,2020,destination_count,合计,2019,0,2001,人,表5-5,3779,x\n"
    )
    result = check_conflicts(frame)
    expected = read(
        "check,source_table,first_line,expected,found\n"
        "conflicting_values,表2-14/表1,1256,3463,3653\n"
        "year_label,§五/表4,3474,,\n"
    )
    assert_frame_equal(result[["check", "source_table", "first_line", "expected", "found"]], expected)
    assert result["lines"].tolist() == ["1256,4614", "3474,4739"]
    # The sentence (§三, 535) against the table (表3, 533) is the sentences' check, said as such.
    sentence = check_sentences(frame)
    assert sentence[["check", "source_table", "lines", "expected", "found"]].to_dict("records") == [
        {"check": "sentence_vs_table", "source_table": "§三/表3", "lines": "2276,4689", "expected": 533.0,
         "found": 535.0}
    ]  # fmt: skip
    assert "3653 恰是 表2-14 的 students_due_to_graduate（合计）" in result.at[0, "message"]
    assert check_conflicts(obs("")).empty


def test_duplicate_labels() -> None:
    frame = obs(
        "r,A,2020,enrolled_students,文化艺术大类,2020,,321,人,表3-1,1904,x\n"
        "r,A,2020,enrolled_share,文化艺术大类,2020,,2.79,%,表3-1,1904,x\n"
        "r,A,2020,enrolled_students,旅游大类,2020,,275,人,表3-1,1906,x\n"
        "r,A,2020,enrolled_students,文化艺术大类,2020,,753,人,表3-1,1914,x\n"
        "r,A,2020,enrolled_share,文化艺术大类,2020,,6.53,%,表3-1,1914,x\n"
    )
    result = check_duplicate_labels(frame)
    assert result[["source_table", "subject", "lines", "values"]].to_dict("records") == [
        {
            "source_table": "表3-1",
            "subject": "文化艺术大类",
            "lines": "1904,1914",
            "values": "第 1904 行：2.79% 321人；第 1914 行：6.53% 753人",
        }
    ]
    assert check_duplicate_labels(obs("")).empty
    with pytest.raises(MissingColumnsError):
        check_duplicate_labels(frame.drop(columns="subject"))


LINES = [
    "2．毕业生对母校总体满意度",  # 1
    "",
    "浙江省高校 2019 届毕业生（毕业三年后）对母校的总体满意度评价，浙江省高校为 89.12",  # 3
    "分，浙江省高职院校为 90.33 分，我校为 98.01 分，高出浙江省高职院校平均水平 7.68 分。",  # 4
    "表 2-20 2017 届毕业生（毕业三年后）对母校总体满意度",  # 5
    "全省 275198 209391 76.09% 89.12",  # 6
    "高职 121084 97465 80.49% 90.33",  # 7
    "本校 3461 2699 77.98% 98.01",  # 8
    "数据来源：调查（2017 届）",  # 9
    "我校共设置 40 个专业，装备制造大",  # 10
    "类学生数占在校生总数的 25.77%，电子信息大类学生数占在校生总数的 13.0%。",  # 11
    "技术服务到款额为 3255.214 万元。",  # 12
    "表 3-1 本校专业结构及规模",  # 13
    "56 装备制造大类 10 2933 25.45%",  # 14
    "61 电子信息大类 7 1501 13.02%",  # 15
    "表彰比例",  # 16: not a caption
]

TABLE_ROWS = (
    "r,A,2020,alma_mater_satisfaction,全省,2017,3,89.12,分,表2-20,6,x\n"
    "r,A,2020,alma_mater_satisfaction,高职,2017,3,90.33,分,表2-20,7,x\n"
    "r,A,2020,alma_mater_satisfaction,本校,2017,3,98.01,分,表2-20,8,x\n"
    "r,A,2020,enrolled_share,装备制造大类,2020,,25.45,%,表3-1,14,x\n"
    "r,A,2020,enrolled_share,电子信息大类,2020,,13.02,%,表3-1,15,x\n"
)


def test_find_captions() -> None:
    expected = read(
        "line,source_table,title\n"
        "5,表2-20,2017 届毕业生(毕业三年后)对母校总体满意度\n"  # titles come back NFKC-normalised
        "13,表3-1,本校专业结构及规模\n"
    )
    assert_frame_equal(find_captions(LINES), expected)
    assert find_captions([]).empty


def test_cohort_label_in_text_contradicts_caption() -> None:
    result = check_cohort_labels(LINES, report_id="r")
    assert result[["check", "source_table", "lines", "expected", "found"]].to_dict("records") == [
        {"check": "cohort_label", "source_table": "表2-20", "lines": "3,5", "expected": 2017.0, "found": 2019.0}
    ]
    assert result.at[0, "message"] == (
        "第 3 行正文写「2019 届毕业生（毕业三年后）」，而第 5 行表2-20 的标题是 2017 届（毕业三年后）。"
    )
    assert check_cohort_labels([], report_id="r").empty
    assert check_cohort_labels([line.replace("2019 届", "2017 届") for line in LINES], report_id="r").empty


def test_text_against_tables() -> None:
    result = check_text_against_tables(LINES, obs(TABLE_ROWS))
    # 25.77 ≠ 25.45; "13.0%" matches 13.02 within its rounding; 我校/浙江省高职院校 are aliases that
    # match; the clause with 高出 is not read.
    assert result[["source_table", "subject", "lines", "expected", "found", "values"]].to_dict("records") == [
        {
            "source_table": "表3-1",
            "subject": "装备制造大类",
            "lines": "11,14",
            "expected": 25.45,
            "found": 25.77,
            "values": "正文 25.77%；表 25.45%",
        }
    ]


def test_text_against_tables_unit_mismatch_converts_wan_yuan() -> None:
    lines = ["学校技术服务到款额为 3255.214 万元。", "表 4 科研与社会服务", "技术服务到款额 元 32552140"]
    in_yuan = obs("r,A,2020,tech_service_income,技术服务到款额,2020,,32552140,元,表4,3,x\n")
    assert check_text_against_tables(lines, in_yuan, conversions=UNIT_CONVERSIONS).empty
    off = obs("r,A,2020,tech_service_income,技术服务到款额,2020,,32000000,元,表4,3,x\n")
    result = check_text_against_tables(lines, off)
    assert result[["expected", "found", "lines"]].to_dict("records") == [
        {"expected": 32000000.0, "found": 3255.214, "lines": "1,3"}
    ]


def test_text_against_tables_equal_length_names_take_the_first_written() -> None:
    # 「本校与全省均为 90.00 分」 names two rows of equal length; the clause is about 本校 (written first),
    # whose table value is 98.01: one finding for 本校, in every process (never set order).
    lines = ["本校与全省均为 90.00 分", "表 2-20 满意度", "全省 89.12", "本校 98.01"]
    rows = obs(
        "r,A,2020,alma_mater_satisfaction,全省,2017,3,89.12,分,表2-20,3,x\n"
        "r,A,2020,alma_mater_satisfaction,本校,2017,3,98.01,分,表2-20,4,x\n"
    )
    result = check_text_against_tables(lines, rows)
    assert result[["subject", "expected", "found", "lines"]].to_dict("records") == [
        {"subject": "本校", "expected": 98.01, "found": 90.0, "lines": "1,4"}
    ]


def test_text_checks_empty_and_bad_input() -> None:
    assert check_text_against_tables(LINES, obs("")).empty
    assert check_text_against_tables([], obs(TABLE_ROWS)).empty
    two = pd.concat([obs(TABLE_ROWS), obs(TABLE_ROWS).assign(report_id="s")])
    with pytest.raises(MetricsError, match="one report"):
        check_text_against_tables(LINES, two)
    assert len(check_text_against_tables(LINES, two, report_id="s")) == 1


def test_audit_report_combines_checks_in_report_order(registry: pd.DataFrame) -> None:
    result = audit_report(
        obs(TITLES + TABLE_ROWS), registry, LINES, share_rules=SHARE, component_rules=COMPONENT, subject_aliases=ALIASES
    )
    assert result[["check", "first_line"]].to_dict("records") == [
        {"check": "cohort_label", "first_line": 3},
        {"check": "text_vs_table", "first_line": 11},
        {"check": "parts_vs_total", "first_line": 2286},
        {"check": "share_vs_count", "first_line": 2290},
    ]
    without_text = audit_report(
        obs(TITLES), registry, share_rules=SHARE, component_rules=COMPONENT, subject_aliases=ALIASES
    )
    assert without_text["check"].tolist() == ["parts_vs_total", "share_vs_count"]
    empty = audit_report(obs(""), registry, [], **AUDIT_RULES)
    assert list(empty.columns) == FINDING_COLUMNS and empty.empty
    with pytest.raises(MetricsError, match="one report"):
        audit_report(
            pd.concat([obs(TITLES), obs(TITLES).assign(report_id="s")]),
            registry,
            LINES,
        )


# ---------------------------------------------------------------------------- the bundled report


@pytest.fixture(scope="module")
def bundled_findings() -> pd.DataFrame:
    from loaders.contracts.paths import REPORTS_DIR
    from loaders.contracts.registry import read_registry
    from loaders.read.load import load

    path = REPORTS_DIR / "温州职业技术学院_2020_质量年度报告.txt"
    result = load(path)
    observations = result.observations.assign(
        report_id=result.report_id, school=result.school, report_year=result.report_year
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    return audit_report(
        observations,
        read_registry(),
        lines,
        share_rules=SHARE,
        component_rules=COMPONENT,
        subject_aliases=ALIASES,
        list_tables=sorted({row[1] for row in result.list_rows}),
    )


def _one(findings_frame: pd.DataFrame, check: str, table: str, subject: str | None = None) -> pd.Series:
    rows = findings_frame[(findings_frame["check"] == check) & (findings_frame["source_table"] == table)]
    if subject is not None:
        rows = rows[rows["subject"] == subject]
    assert len(rows) == 1, f"expected one {check} finding for {table} {subject or ''}, found {len(rows)}"
    return rows.iloc[0]


def test_bundled_table_3_7_rows_do_not_add_up(bundled_findings: pd.DataFrame) -> None:
    finding = _one(bundled_findings, "parts_vs_total", "表3-7")
    assert (finding["lines"], finding["expected"], finding["found"]) == ("2286,2288,2290,2292", 533.0, 526.0)
    assert finding["values"] == "212 + 209 + 105 = 526；合计 533"
    share = _one(bundled_findings, "share_vs_count", "表3-7")
    assert (share["subject"], share["lines"], share["found"]) == ("初级及以下职称", "2290,2292", 21.01)
    assert share["expected"] == pytest.approx(105 / 533 * 100)


def test_bundled_table_3_1_text_contradicts_table(bundled_findings: pd.DataFrame) -> None:
    machinery = _one(bundled_findings, "text_vs_table", "表3-1", "装备制造大类")
    electronics = _one(bundled_findings, "text_vs_table", "表3-1", "电子信息大类")
    assert (machinery["lines"], machinery["found"], machinery["expected"]) == ("1877,1895", 25.77, 25.45)
    assert (electronics["lines"], electronics["found"], electronics["expected"]) == ("1877,1897", 12.70, 13.02)


def test_bundled_table_3_1_repeats_a_category(bundled_findings: pd.DataFrame) -> None:
    finding = _one(bundled_findings, "duplicate_label", "表3-1")
    assert (finding["subject"], finding["lines"]) == ("文化艺术大类", "1904,1914")


def test_bundled_cohort_label_and_other_slips(bundled_findings: pd.DataFrame) -> None:
    cohort = _one(bundled_findings, "cohort_label", "表2-20")
    assert (cohort["lines"], cohort["expected"], cohort["found"]) == ("1369,1375", 2017.0, 2019.0)
    graduates = _one(bundled_findings, "conflicting_values", "表2-14/表1")
    assert (graduates["lines"], graduates["expected"], graduates["found"]) == ("1256,4614", 3463.0, 3653.0)
    degrees = _one(bundled_findings, "parts_vs_total", "表3/表3-8")
    assert (degrees["expected"], degrees["found"]) == (533.0, 512.0)
    assert _one(bundled_findings, "year_label", "§五/表4")["indicator_id"] == (
        "tech_service_income,vertical_research_funding,tech_transaction_income"
    )
    # The report's sentences: 190 awards in the text, 182 in 表2-13; 1+X pilots 20 (line 52) and 19 (line
    # 151); 57.62% of graduates in Wenzhou (line 3717, as 表5-5 gives) and 67% (line 4168).
    assert _one(bundled_findings, "sentence_vs_table", "§二/表2-13")["lines"] == "1020,1028"
    assert _one(bundled_findings, "sentence_vs_sentence", "§一/§一")["lines"] == "52,151"
    assert _one(bundled_findings, "sentence_vs_sentence", "§五/§五")["lines"] == "3717,4168"
    # Everything else in the report is consistent: no other finding.
    assert len(bundled_findings) == 13


def test_cli_audit_json(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from loaders.store.build import rebuild
    from metrics.__main__ import main

    db = tmp_path / "quality.duckdb"
    rebuild(db)
    assert main(["audit", "--db", str(db), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["reports"] == ["温州职业技术学院-2020"]
    found = {(f["check"], f["source_table"], f["lines"]) for f in document["findings"]}
    assert ("parts_vs_total", "表3-7", "2286,2288,2290,2292") in found
    assert ("text_vs_table", "表3-1", "1877,1895") in found
    assert ("duplicate_label", "表3-1", "1904,1914") in found
    assert ("cohort_label", "表2-20", "1369,1375") in found
    assert main(["audit", "--report", "nope", "--db", str(db)]) == 2


def test_cli_and_dashboard_find_the_same_once_the_reports_file_is_gone(tmp_path, capsys, monkeypatch) -> None:
    """The check-up reads the text kept in the store, never data/reports: with the file removed,
    ``python -m metrics audit`` and the dashboard's check-up (the same metrics.queries.checkup,
    there with the app's cached reader) give the same findings, text checks included."""
    import json
    import shutil

    from streamlit.testing.v1 import AppTest

    from loaders.contracts.paths import REPORTS_DIR, ROOT
    from loaders.store.build import rebuild
    from metrics.__main__ import main

    reports = tmp_path / "reports"
    reports.mkdir()
    copy = reports / "温州职业技术学院_2020_质量年度报告.txt"
    shutil.copy(REPORTS_DIR / copy.name, copy)
    db = tmp_path / "quality.duckdb"
    rebuild(db, reports_dir=reports)
    copy.unlink()  # the report's file is gone; only the store holds its text
    assert main(["audit", "--db", str(db), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)["findings"]
    assert ("text_vs_table", "表3-1", "1877,1895") in {(f["check"], f["source_table"], f["lines"]) for f in cli}

    monkeypatch.setenv("QUALITY_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    from dashboard import frames

    shown = frames.audit("温州职业技术学院-2020")
    keys = ["check", "source_table", "lines", "message"]
    assert shown[keys].to_dict(orient="records") == [{k: f[k] for k in keys} for f in cli]


def test_sentences_of_a_report_without_a_school_level_row_find_nothing() -> None:
    """A report whose every row is a category (no 本校, no total row) has no figure a sentence could
    restate: nothing to compare, and no error (an uploaded table of categories only)."""
    frame = obs(
        "r,A,2020,enrolled_students,文化艺术大类,2020,,321,人,表3-1,1904,x\n"
        "r,A,2020,enrolled_students,旅游大类,2020,,275,人,§三,1906,x\n"
    )
    assert check_sentences(frame).empty
