"""Figures held back (issue 24 item 1): checks before storing, every read leaving them out, a planner's acceptance.

Every input here is a fictional test fixture (the school 测试夹具虚构职业技术学院 — "test fixture,
fictional" — does not exist); expected values are typed by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders.contracts.paths import ROOT
from loaders.contracts.registry import checkup_rules
from loaders.read.holds import _Row, find_holds, reason_text
from loaders.read.load import load
from loaders.store.build import rebuild
from loaders.store.queries import StoreReader, read_observations, stored_report
from loaders.store.schema import connect
from loaders.store.writes import ingest_upload

SCHOOL = "测试夹具虚构职业技术学院"
REPORT = f"{SCHOOL}-2023"
#: A tidy CSV of the fictional school: 生均设备值 17265.39 in 表2-3 and 1726 (cut) in the appendix 表2.
FIXTURE_CSV = (
    "indicator_id,subject,year,years_after,value,unit,source_table,source_line,source_text,school,report_year\n"
    f"equipment_value_per_student,本校,2023,,17265.39,元/生,表2-3,12,生均仪器设备值（元/生） 17265.39,{SCHOOL},2023\n"
    f"equipment_value_per_student,本校,2023,,1726,元/生,表2,40,1 生均教学科研仪器设备值 元/生 1726,{SCHOOL},2023\n"
    f"building_area_per_student,本校,2023,,18.73,m2/生,表2,41,2 生均教学行政用房 m2/生 18.73,{SCHOOL},2023\n"
    f"enroll_admitted,单独考试,2023,,1085,人,表2-1,20,单独考试 1085 1029 94.84%,{SCHOOL},2023\n"
    f"enroll_registered,单独考试,2023,,1029,人,表2-1,20,单独考试 1085 1029 94.84%,{SCHOOL},2023\n"
    f"enroll_registration_rate,单独考试,2023,,94.84,%,表2-1,20,单独考试 1085 1029 94.84%,{SCHOOL},2023\n"
)


def _row(position: int, indicator: str, subject: str, value: float, table: str, line: int, unit: str = "人") -> _Row:
    return _Row(position, indicator, subject, 2023, None, value, unit, table, line)


def _rules() -> list:
    return list(checkup_rules().share_rules.itertuples(index=False))


# ------------------------------------------------------------------------------------ the checks
def test_the_same_figure_ten_times_apart_in_two_tables_is_held_both_ways() -> None:
    rows = [
        _row(0, "equipment_value_per_student", "本校", 17265.39, "表2-3", 12, "元/生"),
        _row(1, "equipment_value_per_student", "本校", 1726.0, "表2", 40, "元/生"),
    ]
    held = find_holds(rows, _rules())
    assert sorted(held) == [0, 1]
    assert held[1] == [
        (
            "同一指标在表2-3第 12 行为 17265.39，与此处的 1726 相差约 10 倍："
            "可能读错（数字被截断或单位不符），暂不采用。",
            "the same figure is 17265.39 at 表2-3 line 12, about 10 times this 1726: possibly misread (a number cut,"
            " or a unit off); held back.",
        )
    ]


def test_a_unit_off_by_ten_thousand_is_held_and_a_small_difference_is_the_reports_own() -> None:
    amounts = [
        _row(0, "income_total", "本校", 35210.5, "表6-1", 5, "万元"),
        _row(1, "income_total", "本校", 352105000.0, "表4", 80, "万元"),  # 元 read as 万元: 10⁴
        _row(2, "income_total", "本校", 35000.0, "§六", 300, "万元"),  # the narrative rounds: not a misreading
    ]
    held = find_holds(amounts, _rules())
    assert sorted(held) == [0, 1, 2]  # 0↔1 and 1↔2 are 10⁴ apart; 0↔2 differ by 0.6 %: no reason of their own
    assert all("10^4" in zh for zh, _ in held[0])
    assert not find_holds([amounts[0], amounts[2]], _rules())  # a small difference: left to the check-up
    assert not find_holds([amounts[0], _row(1, "income_total", "本校", 35210.5 * 3, "表4", 80, "万元")], _rules())


def test_the_same_table_twice_is_not_compared() -> None:
    rows = [
        _row(0, "enroll_admitted", "文化艺术大类", 12, "表3-1", 10),
        _row(1, "enroll_admitted", "文化艺术大类", 120, "表3-1", 30),
    ]
    assert find_holds(rows, _rules()) == {}


def test_a_rate_a_power_of_ten_from_its_counts_is_held_with_them() -> None:
    counts = [
        _row(0, "enroll_admitted", "单独考试", 1085, "表2-1", 20),
        _row(1, "enroll_registered", "单独考试", 1029, "表2-1", 20),
    ]
    cut = [*counts, _row(2, "enroll_registration_rate", "单独考试", 9.484, "表2-1", 20, "%")]
    held = find_holds(cut, _rules())
    assert sorted(held) == [0, 1, 2]
    assert held[2][0][0] == (
        "表2-1「单独考试」的 enroll_registration_rate 为 9.484，而 1029 ÷ 1085（enroll_admitted）× 100 = 94.8387，"
        "相差约 10 倍：其中某个数字可能读错，暂不采用。"
    )
    printed = [*counts, _row(2, "enroll_registration_rate", "单独考试", 94.84, "表2-1", 20, "%")]
    assert find_holds(printed, _rules()) == {}
    slip = [*counts, _row(2, "enroll_registration_rate", "单独考试", 90.0, "表2-1", 20, "%")]
    assert find_holds(slip, _rules()) == {}  # the report's own slip: stored as printed, the check-up says so


def test_a_share_a_power_of_ten_from_count_over_total_is_held() -> None:
    rows = [
        _row(0, "intake_type_count", "普通高中", 300, "表2-4", 7),
        _row(1, "intake_type_share", "普通高中", 2.5, "表2-4", 7, "%"),  # 300 / 1200 = 25 %
        _row(2, "intake_type_count", "中职", 900, "表2-4", 8),
        _row(3, "intake_type_share", "中职", 75.0, "表2-4", 8, "%"),
        _row(4, "intake_type_count", "合计", 1200, "表2-4", 9),
    ]
    held = find_holds(rows, _rules())
    assert sorted(held) == [0, 1, 4]
    assert "300 ÷ 1200（合计行）× 100 = 25" in held[1][0][0]


def test_a_percentage_written_as_a_fraction_is_held_and_a_small_share_is_not() -> None:
    rows = [
        _row(0, "initial_employment_rate", "本校", 0.9806, "表1", 12, unit="%"),  # 98.06% as a fraction
        _row(1, "industry_employment_share", "采矿业", 0.10, "表2-24", 40, unit="%"),  # a real 0.10%
        _row(2, "entrepreneurship_rate", "本校", 0.56, "表2-26", 50, unit="%"),
        _row(3, "graduates", "本校", 0.9806, "表1", 13),  # not a percentage: another check's business
    ]
    held = find_holds(rows, _rules())
    assert list(held) == [0]
    assert held[0] == [
        (
            "单位为 %，数值却是 0.9806：可能是以小数书写的比例（0.9806 即 98.06%），暂不采用。",
            "the unit is % but the figure is 0.9806: possibly a fraction (0.9806 = 98.06%); held back.",
        )
    ]


def test_a_count_that_is_not_whole_is_held_and_an_average_is_not() -> None:
    from loaders.contracts.registry import whole_indicators

    whole = whole_indicators()
    assert "enroll_admitted" in whole and "online_course_avg_students" not in whole  # 课均: an average
    rows = [
        _row(0, "enroll_admitted", "单独考试", 0.1085, "表2-1", 12),  # 1085 人 printed as 万人
        _row(1, "enroll_admitted", "统一高考", 1633.0, "表2-1", 13),
        _row(2, "online_course_avg_students", "本校", 132.36, "表3-5", 30),
    ]
    assert find_holds(rows, _rules(), whole) == {
        0: [
            (
                "enroll_admitted 以人计，应为整数，读到的是 0.1085：单位或小数点可能读错，暂不采用。",
                "enroll_admitted is counted in 人 and must be whole, but reads 0.1085: a unit or a decimal point"
                " may be misread; held back.",
            )
        ]
    }


def test_the_schools_rate_a_hundred_times_off_its_tables_province_rows_is_held() -> None:
    def survey(position: int, indicator: str, subject: str, value: float, line: int) -> _Row:
        return _Row(position, indicator, subject, 2019, 1, value, "%", "表2-15", line)

    rows = [
        survey(0, "employment_rate", "全省", 93.60, 1271),
        survey(1, "employment_rate", "本科", 90.96, 1273),
        survey(2, "employment_rate", "高职", 96.68, 1275),
        survey(3, "employment_rate", "本校", 0.98, 1277),  # 98.82 % typed as a fraction (2 decimals: rule 6 misses it)
        # 升学率 three years after (表2-16): 本校 16.23 beside 高职 1.70, ten times apart — real, not held
        _Row(4, "further_study_rate", "全省", 2017, 3, 3.97, "%", "表2-16", 1291),
        _Row(5, "further_study_rate", "高职", 2017, 3, 1.70, "%", "表2-16", 1295),
        _Row(6, "further_study_rate", "本校", 2017, 3, 16.23, "%", "表2-16", 1297),
    ]
    held = find_holds(rows, _rules())
    assert list(held) == [3]
    # median of 90.96, 93.60, 96.68 = 93.60; 93.60 / 0.98 = 95.5 ≈ 10²
    assert (
        held[3][0][0]
        == "本校 0.98% 与同表的全省各行（中位 93.6%）相差约 100 倍：可能是以小数书写的比例或单位读错，暂不采用。"
    )


def test_no_rows_hold_nothing() -> None:
    assert find_holds([], _rules()) == {}


def test_reasons_in_either_language() -> None:
    assert reason_text("中文\nEnglish", "en") == "English"
    assert reason_text("中文\nEnglish", "zh") == "中文"
    assert reason_text("一行 one line", "en") == "一行 one line"  # a parser's single line: as it is
    assert reason_text(None, "zh") == ""


def test_the_bundled_report_holds_nothing(bundled_report: Path) -> None:
    result = load(bundled_report)
    assert result.observations["held_reason"].isna().all()
    assert "held" not in {item.item_id for item in result.coverage}


# ------------------------------------------------------------------------------------ load, store, read
@pytest.fixture
def fixture_csv(tmp_path: Path) -> Path:
    path = tmp_path / "测试夹具_虚构_held.csv"
    path.write_text(FIXTURE_CSV, encoding="utf-8")
    return path


def test_loading_marks_the_held_figures_and_lists_them_in_the_coverage(fixture_csv: Path) -> None:
    result = load(fixture_csv)
    reasons = dict(zip(result.observations["source_line"], result.observations["held_reason"].notna(), strict=True))
    assert reasons == {12: True, 40: True, 41: False, 20: False}
    item = next(item for item in result.coverage if item.item_id == "held")
    assert (item.status, item.n_values) == ("partial", 2)
    assert [p.line for p in item.problems] == [12, 40]


def test_every_read_leaves_held_figures_out_until_a_planner_accepts_one(
    db_path: Path, tmp_path: Path, fixture_csv: Path
) -> None:
    from loaders.store.acceptances import accept_figure, read_acceptances_file

    uploads = tmp_path / "uploads"
    con = connect(db_path)
    try:
        ingest_upload(con, load(fixture_csv), fixture_csv.read_bytes(), uploads)
        shown = read_observations(con, REPORT)
        assert sorted(shown["source_line"]) == [20, 20, 20, 41]
        everything = read_observations(con, REPORT, include_held=True)
        assert sorted(everything.loc[everything["is_held"], "source_line"]) == [12, 40]
        assert con.execute("SELECT count(*) FROM out_observations WHERE report_id = ?", [REPORT]).fetchall() == [(4,)]
        assert len(stored_report(con, REPORT)[0].observations) == 4  # the export
        reader = StoreReader(con)
        assert len(reader.observations(REPORT)) == 4 and len(reader.school_observations([SCHOOL])) == 4

        accepted = accept_figure(
            con, REPORT, 12, "equipment_value_per_student", "本校", 2023, accepted_by="王规划", uploads=uploads
        )
        assert accepted["value"] == 17265.39
        shown = read_observations(con, REPORT)
        assert sorted(shown["source_line"]) == [12, 20, 20, 20, 41]
        assert shown.loc[shown["source_line"] == 12, "value"].tolist() == [17265.39]
        assert [a["source_line"] for a in read_acceptances_file(uploads)] == [12]
        with pytest.raises(Exception, match="没有这个暂不采用的数字"):  # accepted already
            accept_figure(
                con, REPORT, 12, "equipment_value_per_student", "本校", 2023, accepted_by="王规划", uploads=uploads
            )
    finally:
        con.close()

    rebuild(db_path, uploads=uploads)  # the acceptance survives a rebuild (kept with the uploads)
    con = connect(db_path, read_only=True)
    try:
        assert sorted(read_observations(con, REPORT)["source_line"]) == [12, 20, 20, 20, 41]
        assert (
            json.loads((uploads / "acceptances.json").read_text(encoding="utf-8"))["acceptances"][0]["accepted_by"]
            == "王规划"
        )
    finally:
        con.close()


# ------------------------------------------------------------------------------------ the Data page
def _held_table(at: AppTest):
    return next(d.value for d in at.dataframe if "存疑原因" in d.value.columns)


def test_the_data_page_shows_a_held_figure_and_a_planner_accepts_it(
    tmp_path: Path, fixture_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "quality.duckdb"
    uploads = tmp_path / "uploads"
    rebuild(db, uploads=uploads)
    con = connect(db)
    ingest_upload(con, load(fixture_csv), fixture_csv.read_bytes(), uploads)
    con.close()
    monkeypatch.setenv("QUALITY_DB", str(db))
    monkeypatch.setenv("QUALITY_UPLOADS", str(uploads))
    monkeypatch.setenv("PLANNER_PASSWORD", "s3cret")
    monkeypatch.delenv("QUALITY_DB_READONLY", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["school"] = SCHOOL
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("2 个数字读数存疑、暂不采用（0 个已由规划人员确认采用）" in w.value for w in at.warning)
    table = _held_table(at)
    assert table["状态"].tolist() == ["暂不采用", "暂不采用"]
    assert "相差约 10 倍" in table["存疑原因"].iloc[0]

    at.text_input(key="unlock_held_password").input("s3cret")
    next(b for b in at.button if b.label == "解锁" and "unlock_held" in str(b.form_id)).click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="held_pick").select(0)
    at.text_input(key="held_by").input("王规划")
    at.checkbox(key="held_sure").check()
    next(b for b in at.button if b.label == "确认采用").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已确认采用" in s.value for s in at.success)

    from dashboard import store as app_store  # the app's own connection (one writer per process)

    cursor = app_store.cursor()
    assert cursor.execute("SELECT source_line, accepted_by FROM acceptances").fetchall() == [(12, "王规划")]
    log = cursor.execute("SELECT action, outcome, detail FROM write_log WHERE action = 'accept'").fetchall()
    assert [(a, o) for a, o, _ in log] == [("accept", "accepted")]
    assert "第 12 行 equipment_value_per_student「本校」2023 = 17265.39" in log[0][2]
    table = _held_table(at)
    assert table["状态"].iloc[0].startswith("已确认采用（王规划")


# ------------------------------------------------------------------------------------ the report contradicting itself
def test_a_chart_of_a_table_that_contradicts_itself_carries_a_note(db_path: Path, tmp_path: Path) -> None:
    """The bundled report's 表3-7: its rows add up to 526 teachers, its 合计 says 533 (stored as printed)."""
    from viz.__main__ import load_context
    from viz.catalogue import SECTIONS

    rebuild(db_path, uploads=tmp_path / "uploads")
    con = connect(db_path, read_only=True)
    try:
        ctx = load_context(StoreReader(con), school=None, year=None, lang="zh", benchmark="高职")
        en = load_context(StoreReader(con), school=None, year=None, lang="en", benchmark="高职")
        by_title = next(item for item in SECTIONS["faculty"](ctx) if item.key == "teachers_by_title")
        by_title_en = next(item for item in SECTIONS["faculty"](en) if item.key == "teachers_by_title")
        outcomes = SECTIONS["outcomes"](ctx)
    finally:
        con.close()
    assert by_title.provenance.caption("zh").endswith(
        "。注：报告本身在表3-7中的数字不一致（如各行之和与合计不符），图中按原文绘制；详见数据页的体检。"
    )
    assert "Note: the report's own figures in Table 3-7 disagree" in by_title_en.provenance.caption("en")
    assert not any(item.provenance.note for item in outcomes)  # the survey's tables agree with themselves
    assert (by_title.data["value"] > 0).all()  # drawn as printed, nothing held back
