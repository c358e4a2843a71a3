"""Plans belong to someone, and a college brings its own (issue 23, items 2 and 3).

Fixtures are a fictional college, 沧浪虚构职业技术学院, marked 测试样例 (test fixture): its plan as the
plan-targets workbook (built here from typed values) and as a plan document with a target table
(``tests/fixtures/plans/测试样例_沧浪虚构职业技术学院_发展规划.txt``: a unit row, a wrapped cell and rows
no indicator matches). Expected values are typed by hand.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from loaders.__main__ import main
from loaders.contracts.errors import LoadError
from loaders.contracts.paths import ROOT
from loaders.contracts.schools import read_schools
from loaders.plans.documents import parse_all_plans
from loaders.plans.load import read_plan_bytes
from loaders.plans.own_table import PlanReadError
from loaders.plans.workbook import PlanWorkbookError, is_plan_workbook, plan_template_bytes
from loaders.store.build import rebuild
from loaders.store.kept_plans import ingest_plan_upload, kept_plans
from loaders.store.queries import StoreReader
from loaders.store.schema import connect
from loaders.store.writes import ingest_file
from metrics.applicability import find_place, select_applicable_plans
from metrics.errors import MissingColumnsError

COLLEGE = "沧浪虚构职业技术学院"
FIXTURES = ROOT / "tests" / "fixtures"
PLAN_DOCUMENT = FIXTURES / "plans" / "测试样例_沧浪虚构职业技术学院_发展规划.txt"
COLLEGE_REPORT = FIXTURES / "reports" / "测试夹具_沧浪虚构职业技术学院_2023.txt"
TARGET_COLUMNS = ["indicator_id", "label_zh", "comparator", "target_value", "unit", "target_year", "relative_to"]

#: The fictional college's plan, as a planner types it into the template (rows from row 11).
WORKBOOK_TOP = {
    "B2": "沧浪虚构职业技术学院“十五五”发展规划（测试样例）",
    "B3": COLLEGE,
    "B4": "学校",
    "B5": COLLEGE,
    "B6": 2026,
    "B7": 2030,
    "B8": "测试样例规划.docx",
}
WORKBOOK_ROWS = [
    # 指标, 比较, 目标值, 单位, 年份, 相对基准, 规划原文, 来源文件, 分组
    ["就业率", "≥", 98, "%", 2030, None, "毕业生就业率稳定在 98% 以上", None, "人才培养"],
    ["平均月收入", None, 1.3, None, 2030, "全省高职", "月收入达全省高职平均的 1.3 倍", None, "人才培养"],
    ["生师比", None, 18, None, 2030, None, None, None, "师资"],
    ["双师素质专任教师比例", None, 90, "%", 2028, None, None, "附表1", "师资"],
    ["校友捐赠到账额", None, 500, "万元", 2030, None, "校友捐赠到账 500 万元", None, None],
]


def plan_workbook(top: dict[str, object] = WORKBOOK_TOP, rows: list[list[object]] = WORKBOOK_ROWS) -> bytes:
    """The template, filled with typed values."""
    book = openpyxl.load_workbook(io.BytesIO(plan_template_bytes()))
    sheet = book["规划目标"]
    for cell, value in top.items():
        sheet[cell] = value
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=11 + offset, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------- whom a plan applies to

PLANS = pd.DataFrame(
    {
        "plan_id": ["wzvtc", "wenzhou", "taizhou", "zhejiang", "canglang"],
        "scope": ["school", "city", "city", "province", "school"],
        "applies_to": ["温州职业技术学院", "温州市", "台州市", "浙江省", COLLEGE],
    }
)
PLACES = pd.DataFrame({"school": ["温州职业技术学院"], "city": ["温州"], "province": ["浙江省"]})


def test_a_school_gets_its_own_its_citys_and_its_provinces_plans() -> None:
    assert select_applicable_plans(PLANS, "温州职业技术学院", PLACES)["plan_id"].tolist() == [
        "wzvtc",
        "wenzhou",
        "zhejiang",
    ]
    assert select_applicable_plans(PLANS, COLLEGE, PLACES)["plan_id"].tolist() == ["canglang"]
    assert select_applicable_plans(PLANS, "某某职业学院", PLACES).empty
    assert find_place("温州职业技术学院", PLACES) == ("温州", "浙江省")
    assert find_place(COLLEGE, PLACES) == ("", "")


def test_applicability_on_empty_and_bad_frames() -> None:
    empty = PLANS.iloc[0:0]
    assert_frame_equal(select_applicable_plans(empty, COLLEGE, PLACES), empty)
    with pytest.raises(MissingColumnsError, match="applies_to"):
        select_applicable_plans(PLANS.drop(columns="applies_to"), COLLEGE, PLACES)


def test_the_bundled_plans_say_whom_they_apply_to() -> None:
    plans, _ = parse_all_plans()
    assert dict(zip(plans["plan_id"], zip(plans["scope"], plans["applies_to"], strict=True), strict=True)) == {
        "lishui_2023_2025": ("city", "丽水市"),
        "taizhou_2023": ("city", "台州市"),
        "wenzhou_city": ("city", "温州市"),
        "wzvtc_2022_2025": ("school", "温州职业技术学院"),
    }
    schools = read_schools()
    applicable = select_applicable_plans(plans, "温州职业技术学院", schools)
    assert sorted(applicable["plan_id"]) == ["wenzhou_city", "wzvtc_2022_2025"]
    assert select_applicable_plans(plans, COLLEGE, schools).empty


def test_schools_file_errors_name_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "schools.csv"
    bad.write_text("school,city\nA,温州市\n", encoding="utf-8")
    with pytest.raises(LoadError, match="province"):
        read_schools(bad)
    bad.write_text("school,city,province,basis\nA,温州市,浙江省,\nA,台州市,浙江省,\n", encoding="utf-8")
    with pytest.raises(LoadError, match="A"):
        read_schools(bad)
    assert read_schools(tmp_path / "missing.csv").empty


# ---------------------------------------------------------------------------- the plan-targets workbook


def test_the_template_is_recognised_and_refused_blank() -> None:
    blank = plan_template_bytes()
    assert is_plan_workbook(blank)
    assert not is_plan_workbook(PLAN_DOCUMENT.read_bytes())
    with pytest.raises(PlanWorkbookError) as caught:
        read_plan_bytes(blank, "空白.xlsx")
    assert "B2" in caught.value.where and "规划名称" in caught.value.zh and "title" in caught.value.en


def test_a_filled_workbook_becomes_the_colleges_plan() -> None:
    read = read_plan_bytes(plan_workbook(), "测试样例_规划目标.xlsx")
    assert read.format_used == "plan_workbook"
    plan = {k: read.plan[k] for k in ("title", "issuer", "scope", "applies_to", "start_year", "target_year")}
    assert plan == {
        "title": "沧浪虚构职业技术学院“十五五”发展规划（测试样例）",
        "issuer": COLLEGE,
        "scope": "school",
        "applies_to": COLLEGE,
        "start_year": 2026,
        "target_year": 2030,
    }
    expected = pd.DataFrame(
        {
            "indicator_id": [
                "employment_rate",
                "monthly_income",
                "student_teacher_ratio",
                "dual_qualified_ratio",
                None,
            ],
            "label_zh": ["就业率", "平均月收入", "生师比", "双师素质专任教师比例", "校友捐赠到账额"],
            "comparator": [">=", ">=", "<=", ">=", ">="],  # 生师比: blank comparator, lower is better → ≤
            "target_value": [98.0, 1.3, 18.0, 90.0, 500.0],
            "unit": ["%", "倍", ":1", "%", "万元"],
            "target_year": [2030, 2030, 2030, 2028, 2030],
            "relative_to": [None, "monthly_income@高职", None, None, None],
        }
    ).astype(read.targets[TARGET_COLUMNS].dtypes.to_dict())
    assert_frame_equal(read.targets[TARGET_COLUMNS].reset_index(drop=True), expected)
    assert read.targets["kind"].tolist() == ["absolute", "relative", "absolute", "absolute", "absolute"]
    assert read.targets["source_line"].tolist() == [11, 12, 13, 14, 15]
    assert read.targets["level1"].tolist()[:2] == ["人才培养", "人才培养"]
    assert read.targets["source_text"].iloc[3].startswith("[工作表「规划目标」第 14 行] 双师素质专任教师比例 |")
    assert read.targets["source_text"].iloc[3].endswith("（来源：附表1）")
    assert read.targets["value_text"].iloc[0] == "毕业生就业率稳定在 98% 以上"
    # The row no indicator matches keeps its wording and is listed, never dropped.
    assert read.report[["place", "label_zh", "status"]].values.tolist() == [["第 15 行", "校友捐赠到账额", "unmapped"]]


def test_workbook_rows_not_understood_are_kept_and_listed() -> None:
    rows = [
        ["就业率", "≥", 98, "%", "二〇三〇", None, None, None, None],  # a year that is not one
        ["就业率", None, "九成八", None, 2028, None, None, None, None],  # a target without a number
        ["平均月收入", None, 1.3, None, 2030, "全国", None, None, None],  # a benchmark not offered
    ]
    read = read_plan_bytes(plan_workbook(rows=rows), "测试样例_规划目标.xlsx")
    assert read.targets["label_zh"].tolist() == ["就业率（2030年）", "就业率（2028年）", "平均月收入"]
    assert read.targets["comparator"].tolist() == [">=", "text", ">="]
    assert read.targets["indicator_id"].tolist()[:2] == ["employment_rate", "employment_rate"]
    assert pd.isna(read.targets["indicator_id"].iloc[2])
    report = read.report.set_index("label_zh")
    assert "1990–2100" in report.at["就业率（2030年）", "problems_zh"]
    assert "二〇三〇" in report.at["就业率（2030年）", "problems_zh"]
    assert report.at["就业率（2028年）", "status"] == "no_value"
    assert "全国" in report.at["平均月收入", "problems_zh"] and "benchmark" in report.at["平均月收入", "problems_en"]


@pytest.mark.parametrize(
    ("change", "cell", "said"),
    [
        ({"B4": "县"}, "B4", "适用范围"),
        ({"B5": None}, "B5", "适用对象"),
        ({"B7": 1800}, "B7", "1990"),
        ({"A10": "指标名称"}, "A10", "表头"),
        ({"C11": "=1+1"}, "C11", "公式"),
    ],
)
def test_workbook_errors_name_the_cell(change: dict[str, object], cell: str, said: str) -> None:
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook()))
    for where, value in change.items():
        book["规划目标"][where] = value
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(PlanWorkbookError) as caught:
        read_plan_bytes(buffer.getvalue(), "测试样例_规划目标.xlsx")
    assert cell in caught.value.where and said in caught.value.zh
    assert caught.value.source == "测试样例_规划目标.xlsx"


# ---------------------------------------------------------------------------- a plan document's target table


def test_a_documents_target_table_is_read_by_its_header() -> None:
    read = read_plan_bytes(PLAN_DOCUMENT.read_bytes(), PLAN_DOCUMENT.name)
    assert read.format_used == "plan_table"
    assert (read.plan["scope"], read.plan["applies_to"], read.plan["source_table"]) == ("school", COLLEGE, "附表1")
    assert (read.plan["start_year"], read.plan["target_year"]) == (2026, 2030)
    expected = pd.DataFrame(
        {
            "indicator_id": ["employment_rate", "dual_qualified_ratio", None, None, "student_teacher_ratio", None],
            "label_zh": [
                "就业率",
                "双师素质专任教师比例",
                "毕业生对母校的满意度",  # the wrapped cell 满意度 joined
                "专业群建设质量（省级评价）",
                "生师比",
                "智慧校园建设水平",
            ],
            "comparator": [">=", ">=", ">=", "text", "<=", "text"],
            "target_value": [98.5, 85.0, 95.0, None, 16.0, None],
            "unit": ["%", "%", "%", None, ":1", None],  # % from the unit row; 16:1 keeps its own
            "target_year": [2030, 2028, 2030, 2030, 2030, 2030],
            "relative_to": [None] * 6,
        }
    ).astype(read.targets[TARGET_COLUMNS].dtypes.to_dict())
    assert_frame_equal(read.targets[TARGET_COLUMNS].reset_index(drop=True), expected)
    assert read.targets["source_line"].tolist() == [11, 12, 13, 15, 16, 17]
    listed = read.report[["place", "label_zh", "status"]].values.tolist()
    assert listed == [
        ["第 10 行", "（单位：%）", "skipped"],
        ["第 13 行", "毕业生对母校的满意度", "unmapped"],
        ["第 14 行", "满意度", "skipped"],
        ["第 15 行", "专业群建设质量（省级评价）", "unmapped"],
        ["第 17 行", "智慧校园建设水平", "unmapped"],
    ]


def test_a_pipe_table_in_markdown_and_a_workbook_table() -> None:
    text = "\n".join(
        [
            "台州市高职教育提质行动方案（2024—2026年）",
            "| 指标 | 2026年目标值 | 单位 |",
            "|---|---|---|",
            "| 就业率 | 97 | % |",
            "| 技术服务到款额 | 1.2 | 亿元 |",
        ]
    )
    meta = {"scope": "city", "applies_to": "台州市"}
    read = read_plan_bytes(text.encode(), "方案.md", meta)
    assert read.targets["indicator_id"].tolist() == ["employment_rate", "tech_service_income"]
    assert read.targets["target_value"].tolist() == [97.0, 12000.0]  # 1.2 亿元 → 12,000 万元
    assert read.targets["target_year"].tolist() == [2026, 2026]
    assert read.report.empty
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["沧浪虚构职业技术学院发展目标（2026—2028年）（测试样例）"])
    sheet.append(["指标", "目标值", "年份"])
    sheet.append(["生师比", "17:1", 2028])
    buffer = io.BytesIO()
    book.save(buffer)
    read = read_plan_bytes(buffer.getvalue(), "目标.xlsx")
    assert (read.plan["applies_to"], read.targets["target_value"].tolist()) == (COLLEGE, [17.0])
    assert read.targets["source_text"].iloc[0].startswith("[工作表「Sheet」第 3 行]")


def test_a_document_without_a_table_or_an_addressee_is_refused() -> None:
    with pytest.raises(PlanReadError, match="目标表"):
        read_plan_bytes("某规划\n正文没有表格。\n".encode(), "无表.txt")
    text = "某市职业教育规划（2024—2026年）\n指标\t目标值\n就业率\t97%\n"
    with pytest.raises(PlanReadError) as caught:
        read_plan_bytes(text.encode(), "无对象.txt")
    assert "适用对象" in caught.value.zh and "--applies-to" in caught.value.en
    read = read_plan_bytes(text.encode(), "无对象.txt", {"scope": "city", "applies_to": "某市"})
    assert (read.plan["scope"], read.plan["applies_to"]) == ("city", "某市")
    assert read.targets["target_value"].tolist() == [97.0]


def test_a_known_plan_document_is_read_by_its_spec() -> None:
    path = ROOT / "data" / "plans" / "温州职业技术学院_高质量发展行动计划_2022-2025.txt"
    read = read_plan_bytes(path.read_bytes(), path.name)
    assert (read.format_used, read.plan_id, len(read.targets)) == ("plan_spec", "wzvtc_2022_2025", 115)


# ---------------------------------------------------------------------------- writing, keeping, the CLI


def test_cli_template_ingest_plan_and_ingest_recognising_the_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "规划目标.xlsx"
    assert main(["plan-template", str(out)]) == 0
    assert is_plan_workbook(out.read_bytes())
    db = tmp_path / "q.duckdb"
    assert main(["ingest-plan", str(PLAN_DOCUMENT), "--db", str(db)]) == 0
    err = capsys.readouterr().err
    assert "毕业生对母校的满意度" in err and "not mapped" in err
    filled = tmp_path / "测试样例_规划目标.xlsx"
    filled.write_bytes(plan_workbook())
    assert main(["ingest", str(filled), "--db", str(db)]) == 0
    assert main(["ingest", str(filled), "--db", str(db)]) == 0  # the same bytes again: unchanged
    assert "unchanged (5 targets)" in capsys.readouterr().out
    con = connect(db)
    try:
        plans = con.execute("SELECT scope, applies_to, source_file FROM plans ORDER BY source_file").fetchall()
        log = con.execute("SELECT action, outcome FROM write_log ORDER BY logged_at").fetchall()
    finally:
        con.close()
    assert plans == [
        ("school", COLLEGE, "测试样例_沧浪虚构职业技术学院_发展规划.txt"),
        ("school", COLLEGE, filled.name),
    ]
    assert log == [("ingest-plan", "added"), ("ingest-plan", "added"), ("ingest-plan", "unchanged")]
    empty = tmp_path / "空白.xlsx"
    empty.write_bytes(plan_template_bytes())
    assert main(["ingest-plan", str(empty), "--db", str(db)]) == 2
    assert "B2" in capsys.readouterr().err


def test_a_kept_plan_comes_back_after_a_rebuild(tmp_path: Path) -> None:
    uploads, db = tmp_path / "uploads", tmp_path / "q.duckdb"
    data = PLAN_DOCUMENT.read_bytes()
    read = read_plan_bytes(data, PLAN_DOCUMENT.name)
    con = connect(db)
    try:
        assert ingest_plan_upload(con, read, data, uploads=uploads).action == "added"
    finally:
        con.close()
    assert [k.plan_id for k in kept_plans(uploads)] == [read.plan_id]
    rebuild(db, uploads=uploads)
    con = connect(db)
    try:
        n = con.execute("SELECT count(*) FROM targets WHERE plan_id = ?", [read.plan_id]).fetchone()[0]
    finally:
        con.close()
    assert n == 6


def test_a_file_that_is_no_plan_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    with pytest.raises(LoadError):  # the shared decoder: a binary file, named
        read_plan_bytes(b"\x00\x01binary", "x.txt")
    assert main(["ingest-plan", str(tmp_path / "missing.xlsx"), "--db", str(db)]) == 2


# ---------------------------------------------------------------------------- the dashboard


@pytest.fixture(scope="module")
def two_colleges(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data plus the fictional college's report, and its plan from the filled workbook."""
    folder = tmp_path_factory.mktemp("own_plans")
    db = folder / "quality.duckdb"
    rebuild(db, uploads=folder / "uploads")
    con = connect(db)
    try:
        ingest_file(con, COLLEGE_REPORT)
        workbook = folder / "测试样例_规划目标.xlsx"
        workbook.write_bytes(plan_workbook())
    finally:
        con.close()
    assert main(["ingest-plan", str(workbook), "--db", str(db)]) == 0
    return db


@pytest.fixture(scope="module")
def without_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data plus the fictional college's report, and no plan of that college."""
    folder = tmp_path_factory.mktemp("no_plan")
    db = folder / "quality.duckdb"
    rebuild(db, uploads=folder / "uploads")
    con = connect(db)
    try:
        ingest_file(con, COLLEGE_REPORT)
    finally:
        con.close()
    return db


def _app(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("QUALITY_DB", str(db))
    monkeypatch.delenv("PLANNER_PASSWORD", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _texts(at) -> str:
    parts = []
    for kind in ("title", "subheader", "caption", "markdown", "info", "warning", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [e.value.to_csv() for e in at.dataframe]
    return "\n".join(parts)


def test_the_colleges_cards_and_targets_page_show_its_own_plan(
    two_colleges: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(two_colleges, monkeypatch, school=COLLEGE, plan="wzvtc_2022_2025")  # another school's plan in the URL
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    filters = at.session_state["_filters"]
    assert filters.school == COLLEGE and filters.plan_id.startswith("own_")
    assert at.selectbox(key="f_plan").options == ["沧浪虚构职业技术学院“十五五”发展规划（测试样例）"]
    at.switch_page("pages/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    cards = [m.value for m in at.markdown if "badge[" in m.value]  # the cards, not the verdict line
    # 就业率 98.36 (2022届, one year after) ≥ 98; 平均月收入 5,988.20 ÷ 全省高职 5,301.88 = 1.13 (1.3 × = 6,892);
    # 生师比 18.10 (2023) against ≤ 18 by 2030; 双师 88.40 (2023) against ≥ 90 by 2028.
    assert cards == [
        ":green-badge[已达成] 目标 ≥ 98%（2030 年）",
        ":blue-badge[推进中] 目标 ≥ 1\\.3 倍全省高职（≥ 6,892 元） · 现 1\\.13 倍",
        ":green-badge[按进度可达成] 目标 ≤ 18 \\: 1（2030 年）",
        ":green-badge[按进度可达成] 目标 ≥ 90%（2028 年）",
    ]
    # its school type is not registered: the minimums are not judged, and it is said why (not "0 项合格")
    infos = [str(i.value) for i in at.info]
    assert any(i.startswith(f"{COLLEGE} 的学校类别（如综合、工科、农林、医学院校）尚未登记") for i in infos), infos
    assert not any("项合格、" in str(m.value) for m in at.markdown)
    at.switch_page("pages/targets.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = _texts(at)
    assert "沧浪虚构职业技术学院“十五五”发展规划（测试样例）" in text
    assert "98.36" in text and "18.10" in text
    assert "校友捐赠到账额" in text  # the unmapped row keeps its wording


def test_the_home_school_is_not_offered_the_colleges_plan(two_colleges: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(two_colleges, monkeypatch, school="温州职业技术学院")
    at.run()
    assert not at.exception
    options = at.selectbox(key="f_plan").options
    assert "沧浪虚构职业技术学院“十五五”发展规划（测试样例）" not in options
    assert len(options) == 2  # its own plan and 温州市's


def test_a_college_without_a_plan_sees_no_targets_and_how_to_load_one(
    without_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(without_plan, monkeypatch, school=COLLEGE, plan="wzvtc_2022_2025")
    at.run()
    assert at.session_state["_filters"].plan_id == ""
    at.switch_page("pages/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = _texts(at)
    assert "尚未载入适用于沧浪虚构职业技术学院的规划——请载入本校规划" in text
    assert "python -m loaders ingest-plan" in text
    assert "目标 " not in "\n".join(m.value for m in at.markdown)
    at.switch_page("pages/targets.py").run()
    assert not at.exception
    assert "请载入本校规划" in _texts(at)
    at = _app(without_plan, monkeypatch, school=COLLEGE, lang="en")
    at.run()
    at.switch_page("pages/overview.py").run()
    assert "No plan of 沧浪虚构职业技术学院 is loaded — load one" in _texts(at)


def test_a_planner_uploads_the_colleges_report_and_plan_on_the_data_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers import unlocked, upload

    db = tmp_path / "quality.duckdb"
    monkeypatch.setenv("QUALITY_UPLOADS", str(tmp_path / "uploads"))
    rebuild(db)
    at = unlocked(db, monkeypatch, tmp_path)
    at = upload(at, COLLEGE_REPORT.name, COLLEGE_REPORT.read_bytes())
    at.get("file_uploader")[1].set_value(("测试样例_规划目标.xlsx", plan_workbook(), "application/octet-stream"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    preview = "\n".join(str(i.value) for i in at.info)
    assert "读出 5 个目标，其中 4 个对应到指标，1 个未对应（保留原文）" in preview.replace("\\", "")
    assert any("校友捐赠到账额" in d.value.to_csv() for d in at.dataframe)  # listed before anything is written
    next(b for b in at.button if b.label == "确认载入此规划").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已载入" in str(s.value) and "5 个目标" in str(s.value) for s in at.success)
    assert [k.source_file for k in kept_plans(tmp_path / "uploads")] == ["测试样例_规划目标.xlsx"]
    assert "上传规划" in at.dataframe[-1].value.to_csv()  # the write log
    at = _app(db, monkeypatch, school=COLLEGE)  # a fresh link to the college, on the same store
    at.run()
    at.switch_page("pages/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    cards = [m.value for m in at.markdown if "badge[" in m.value]  # the cards, not the verdict line
    assert cards[0] == ":green-badge[已达成] 目标 ≥ 98%（2030 年）"
    assert len(cards) == 4


def test_a_plan_upload_is_read_in_a_child_process_as_in_this_one() -> None:
    from loaders.store.isolate import read_plan_isolated

    data = PLAN_DOCUMENT.read_bytes()
    here, there = read_plan_bytes(data, PLAN_DOCUMENT.name), read_plan_isolated(data, PLAN_DOCUMENT.name)
    assert_frame_equal(there.targets, here.targets)
    assert_frame_equal(there.report, here.report)
    with pytest.raises(LoadError) as caught:  # the message comes back whole
        read_plan_isolated("某规划\n没有表格。\n".encode(), "无表.txt")
    assert caught.value.source == "无表.txt" and "未找到目标表" in caught.value.zh


def test_a_pack_of_the_college_holds_its_own_plan_and_refuses_another(tmp_path: Path) -> None:
    from viz.__main__ import PackError, load_attainment, load_context

    db = tmp_path / "q.duckdb"
    rebuild(db, uploads=tmp_path / "uploads")
    workbook = tmp_path / "测试样例_规划目标.xlsx"
    workbook.write_bytes(plan_workbook())
    con = connect(db)
    try:
        ingest_file(con, COLLEGE_REPORT)
    finally:
        con.close()
    assert main(["ingest-plan", str(workbook), "--db", str(db)]) == 0
    con = connect(db, read_only=True)
    try:
        ctx = load_context(StoreReader(con), school=COLLEGE, year=None, lang="zh", benchmark="高职")
        attainment, title, _ = load_attainment(StoreReader(con), ctx, None)
        assert title == "沧浪虚构职业技术学院“十五五”发展规划（测试样例）" and len(attainment) == 5
        with pytest.raises(PackError, match="不适用于"):
            load_attainment(StoreReader(con), ctx, "wzvtc_2022_2025")
        home = load_context(StoreReader(con), school="温州职业技术学院", year=None, lang="zh", benchmark="高职")
        assert load_attainment(StoreReader(con), home, None)[1].startswith("温州职业技术学院")
    finally:
        con.close()


def test_metrics_attainment_refuses_a_plan_that_does_not_apply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from metrics.__main__ import main as metrics_main

    db = tmp_path / "q.duckdb"
    rebuild(db, uploads=tmp_path / "uploads")
    school = ["--school", "温州职业技术学院", "--db", str(db)]
    assert metrics_main(["attainment", "--plan", "wenzhou_city", *school]) == 0
    assert metrics_main(["attainment", "--plan", "taizhou_2023", *school]) == 2
    assert "不适用于温州职业技术学院" in capsys.readouterr().err
