"""Derived indicators (formulas in data/indicators.csv), sentences against tables in the check-up, and the
plan targets they measure — on the bundled report, values computed by hand from its text.

By hand: 表2-1 合计 实际录取 4541 ÷ 计划招生 4830 × 100 = 94.0166 → 94.02; 表5-5 温州市合计 2001 ÷ §五
“2019届毕业生共计3473人” × 100 = 57.6159 → 57.62 (the text itself writes 57.62%, and elsewhere 67%);
表3-8 博士及以上 4.88% + 硕士 81.43% = 86.31; §三 学徒 513 ÷ 表3-1 在校生 11524 × 100 = 4.4516 → 4.45;
§五 成果转化 58 ÷ 授权知识产权 199 × 100 = 29.1457 → 29.15; §一 1237 亩 × 2000/3 ÷ 12800 人 = 64.4271 → 64.43.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from loaders.contracts.errors import TableError
from loaders.contracts.formula import FormulaError, Term, parse_formula
from loaders.contracts.registry import check_formulas, checkup_rules, read_registry
from loaders.store.queries import StoreReader
from loaders.store.schema import connect
from loaders.store.writes import ingest_file
from metrics import queries
from metrics.audit_sources import agree, check_sentences
from metrics.derive import derive_indicators

REPORT = "温州职业技术学院-2020"
SCHOOL = "温州职业技术学院"


@pytest.fixture(scope="module")
def reader(tmp_path_factory, bundled_report: Path):
    path = tmp_path_factory.mktemp("derived") / "quality.duckdb"
    con = connect(path)
    ingest_file(con, bundled_report)
    from loaders.store.build import bundled_plan_files
    from loaders.store.writes import ingest_plan

    for plan in bundled_plan_files():
        ingest_plan(con, plan)
    yield StoreReader(con)
    con.close()


@pytest.fixture(scope="module")
def derived(reader: StoreReader) -> pd.DataFrame:
    return derive_indicators(reader.observations(REPORT), reader.indicators()).set_index("indicator_id")


@pytest.mark.parametrize(
    ("indicator_id", "value", "year", "tables", "line"),
    [
        ("enroll_plan_completion_rate", 94.02, 2019, "表2-1", 364),
        ("local_retention_rate", 57.62, 2019, "表5-5/§五", 3713),
        ("graduate_degree_teacher_share", 86.31, 2020, "表3-8", 2299),
        ("apprenticeship_share", 4.45, 2020, "§三/表3-1", 1918),
        ("ip_transfer_ratio", 29.15, 2019, "§五", 3474),
        ("campus_area_per_student", 64.43, 2020, "§一", 29),
    ],
)
def test_derived_values_of_the_bundled_report(derived, indicator_id, value, year, tables, line) -> None:
    row = derived.loc[indicator_id]
    assert (row["value"], row["year"], row["source_table"], row["source_line"], row["basis"]) == (
        value,
        year,
        tables,
        line,
        "derived",
    )
    assert row["subject"] == "本校"


def test_a_derived_value_names_every_input_and_its_place(derived) -> None:
    row = derived.loc["enroll_plan_completion_rate"]
    assert row["source_text"] == (
        "4541 ÷ 4830 × 100 = 94.02（实际录取数[合计] 4541人：表2-1 第 364 行；"
        "计划招生数[合计] 4830人：表2-1 第 364 行）"
    )
    assert row["inputs"] == "enroll_admitted[合计]=4541@表2-1:364; enroll_plan[合计]=4830@表2-1:364"
    retention = derived.loc["local_retention_rate"]
    assert retention["years_after"] == 0
    assert "毕业生流向数[合计] 2001人：表5-5 第 3779 行" in retention["source_text"]
    assert "3473人：§五 第 3713 行" in retention["source_text"]


INDICATORS = """indicator_id,name_zh,unit,formula
a,甲,人,
b,乙,人,
r,比,%,a[合计] / b * 100
"""
OBS = """report_id,school,report_year,indicator_id,subject,year,years_after,value,unit,source_table,source_line
R,S,2020,a,合计,2020,,30,人,表1,10
R,S,2020,b,本校,2020,,0,人,表2,20
R,S,2020,a,合计,2021,,30,人,表1,11
R,S,2020,b,本校,2021,,40,人,表2,21
R,S,2020,a,合计,2022,,5,人,表1,12
R,S,2020,b,本校,2022,,8,人,§二,22
R,S,2020,b,本校,2022,,10,人,表2,23
"""


def _frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype={"formula": str, "years_after": "Int64"}, keep_default_na=False,
                       na_values={"years_after": [""]})  # fmt: skip


def test_derive_per_year_one_value_per_input_and_no_division_by_zero() -> None:
    out = derive_indicators(_frame(OBS), _frame(INDICATORS))
    # 2020: b = 0 gives no value; 2021: 30 / 40; 2022: the table's 10, not the sentence's 8.
    assert list(zip(out["year"], out["value"], out["source_table"], strict=True)) == [
        (2021, 75.0, "表1/表2"),
        (2022, 50.0, "表1/表2"),
    ]
    empty = derive_indicators(_frame(OBS).iloc[0:0], _frame(INDICATORS))
    assert empty.empty and "inputs" in empty.columns
    assert derive_indicators(_frame(OBS), _frame(INDICATORS).drop(columns="formula")).empty


@pytest.mark.parametrize("text", ["a +", "a b", "__import__('os')", "a ** 2", "(a", "a[x"])
def test_a_formula_that_is_not_arithmetic_over_ids_is_refused(text: str) -> None:
    with pytest.raises(FormulaError):
        parse_formula(text)


def test_formula_arithmetic() -> None:
    formula = parse_formula("-(a + b[x]) * 2 - c / 4")
    assert formula.terms == (Term("a"), Term("b", "x"), Term("c"))
    assert formula.evaluate({Term("a"): 1, Term("b", "x"): 2, Term("c"): 8}) == -8
    assert formula.evaluate({Term("a"): 1, Term("b", "x"): 2}) is None
    assert parse_formula("a / (b - c)").evaluate({Term("a"): 1, Term("b"): 2, Term("c"): 2}) is None


def test_registry_formulas_are_checked() -> None:
    registry = read_registry()
    bad = registry.copy()
    bad.loc[bad["indicator_id"] == "local_retention_rate", "formula"] = "nope / 2"
    with pytest.raises(TableError, match="nope"):
        check_formulas(bad, "indicators.csv")
    bad = registry.copy()
    bad.loc[bad["indicator_id"] == "local_retention_rate", "formula"] = "enroll_plan_completion_rate * 2"
    with pytest.raises(TableError, match="itself derived"):
        check_formulas(bad, "indicators.csv")


# ------------------------------------------------------------------------------------------- check-up
def test_sentences_against_tables_in_the_bundled_checkup(reader: StoreReader) -> None:
    findings = queries.checkup(reader, REPORT, checkup_rules()).set_index("check")
    table = findings.loc[["sentence_vs_table"]].set_index("indicator_id")
    awards = table.loc["student_awards_total"]
    assert (awards["lines"], awards["expected"], awards["found"]) == ("1020,1028", 182.0, 190.0)
    assert awards["message"] == (
        "学生竞赛获奖总数（2020）：正文 §二 第 1020 行写 190项，表2-13 第 1028 行为 182项。正文的数字是否另有口径？"
    )
    retention = table.loc["local_retention_rate"]
    assert (retention["expected"], retention["found"]) == (57.62, 67.0)
    assert "第 4168 行写 67%" in retention["message"] and "2001 ÷ 3473 × 100 = 57.62" in retention["message"]
    pilots = findings.loc[["sentence_vs_sentence"]].iloc[0]
    assert (pilots["indicator_id"], pilots["lines"], pilots["expected"], pilots["found"]) == (
        "x_certificate_pilots",
        "52,151",
        20.0,
        19.0,
    )
    # Sentences that agree with their table give nothing: 9 textbooks (§一, §三, 表3-6), 7 institutes,
    # 3 / 19 / 2 standards, 7 competitions and 18 prizes, 2 national first prizes, 57.62% (line 3717).
    assert len(findings.loc[["sentence_vs_table"]]) == 2
    assert "duplicate_label" not in set(findings.loc[findings["source_table"].str.startswith("§")].index)


def test_check_sentences_rounding_and_empty() -> None:
    assert agree(67, 67.4) and not agree(67, 67.6) and agree(57.62, 57.6159) and not agree(57.6, 57.7)
    rows = _frame(
        "report_id,school,report_year,indicator_id,subject,year,years_after,value,unit,source_table,source_line\n"
        "R,S,2020,a,本校,2020,,28.5,人,§一,5\n"
        "R,S,2020,a,合计,2020,,28.46,人,表1,9\n"
    )
    assert check_sentences(rows).empty  # the sentence rounds the table's total
    changed = rows.assign(value=[28.4, 28.46])
    assert list(check_sentences(changed)["check"]) == ["sentence_vs_table"]
    assert check_sentences(rows.iloc[0:0]).empty


# ------------------------------------------------------------------------------------------- targets
def test_the_school_plan_is_measured_by_derived_and_narrative_figures(reader: StoreReader) -> None:
    attainment = queries.attainment(reader, "wzvtc_2022_2025", SCHOOL).set_index("label_zh")
    rows = attainment.loc[
        ["招生计划完成率", "毕业生留温率", "现代学徒制培养比例", "年平均知识产权转化数与授权数比例", "用地面积（生均）",
         "年均职业培训人数", "本科层次职业教育专业", "用地面积"],
        ["current_year", "current_value", "basis", "status"],
    ]  # fmt: skip
    expected = pd.DataFrame(
        {
            "current_year": pd.array([2019, 2019, 2020, 2019, 2020, 2020, 2020, 2020], dtype="Int64"),
            "current_value": [94.02, 57.62, 4.45, 29.15, 64.43, 28000.0, 6.0, 1237.0],
            "basis": ["derived", "derived", "derived", "derived", "derived", "narrative", "narrative", "narrative"],
            # 2025 still ahead and one year observed: in progress (no growth guessed)
            "status": ["in_progress"] * 4 + ["met", "in_progress", "in_progress", "met"],
        },
        index=pd.Index(rows.index, name="label_zh"),
    )
    assert_frame_equal(rows, expected)
    counts = attainment["status"].value_counts().to_dict()
    assert sum(n for status, n in counts.items() if status != "not_measurable") == 33  # was 19
    unmapped = attainment[attainment["status"] == "not_measurable"]
    assert len(unmapped) == 82 and (unmapped["note"] != "").all()
    assert unmapped.loc["家长满意度", "note"] == "质量年报无家长满意度调查；可填报"
