"""National minimum standards (国家基本办学条件, 教发〔2004〕2号) as a third benchmark: the data file, the
comparison, the faculty chart and the overview's count.

The bundled file carries the five basic "qualified" thresholds of 表一 for two 专科（高职）school types,
transcribed by hand from the circular's text (a repost; see the file's header): 综合、师范、民族院校
18 / 15 / 14 / 4000 / 80 and 工科、农、林院校 18 / 15 / 16 / 4000 / 60 (生师比 / 研究生学位 % / 生均教学行政用房
平方米 / 设备 元 / 图书 册). The 限制招生 levels and the monitoring thresholds were not at hand: they stay
empty (never zero, never a guess) and the dashboard shows "无合格值（原文未得）" for them. The comparison's
rules for 限制招生 are checked on thresholds made up for the test (``TEST``), *not* the Ministry's.

The school's values are read by hand from the bundled report's appendix (2020): 生师比 14.02 (line 4691),
生均教学科研仪器设备值 17265.39 元/生 (line 4647), 生均教学及辅助、行政办公用房面积 18.73 m2/生 (line 4649),
高级专业技术职务专任教师比例 39.78 % (line 4695; 表3-7 says the same for 2019); 研究生学位 4.88 + 81.43 =
86.31 % (表3-8 lines 2299, 2301, derived); 生均占地面积 1237 亩 × 2000/3 ÷ 12800 = 64.43 平方米 (§一 line 29,
derived). The report gives no 生均图书 (and the registry has no indicator for it).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from loaders.contracts.errors import TableError
from loaders.contracts.minimums import MINIMUM_COLUMNS, national_minimums, read_minimums, read_school_types
from loaders.store.queries import StoreReader
from loaders.store.schema import connect
from loaders.store.writes import ingest_file
from metrics import queries
from metrics.minimums import compare_to_minimums, count_minimums
from tests.helpers import app_test, unescaped
from viz.catalogue import load_catalogue, page_charts
from viz.i18n import t
from viz.minimums import minimum_figure, minimums_sentence
from viz.sections import build_context

REPORT = "温州职业技术学院-2020"
SCHOOL = "温州职业技术学院"
TYPE = "工科、农、林院校"


@pytest.fixture(scope="module")
def reader(tmp_path_factory, bundled_report: Path):
    con = connect(tmp_path_factory.mktemp("minimums") / "quality.duckdb")
    ingest_file(con, bundled_report)
    yield StoreReader(con)
    con.close()


def test_the_bundled_file_holds_the_transcribed_floors_and_leaves_the_rest_out() -> None:
    minimums = read_minimums()
    names = [
        "生师比", "具有研究生学位教师占专任教师的比例", "生均教学行政用房", "生均教学科研仪器设备值", "生均图书",
        "具有高级职务教师占专任教师的比例", "生均占地面积",
    ]  # fmt: skip
    assert list(minimums["indicator_zh"]) == names * 2
    assert list(minimums["school_type"]) == ["综合、师范、民族院校"] * 7 + [TYPE] * 7
    assert list(minimums["kind"]) == (["basic"] * 5 + ["monitoring"] * 2) * 2
    qualified = minimums.set_index(["school_type", "indicator_zh"])["qualified"]
    # 表一「合格」, 专科（高职）院校 — typed from the circular's text
    assert [qualified[("综合、师范、民族院校", n)] for n in names[:5]] == [18, 15, 14, 4000, 80]
    assert [qualified[(TYPE, n)] for n in names[:5]] == [18, 15, 16, 4000, 60]
    monitoring = minimums[minimums["kind"] == "monitoring"]
    assert monitoring["qualified"].isna().all() and minimums["restricted"].isna().all()  # not 0, not guessed
    assert all(r.startswith("教发〔2004〕2号") and "原文未得" in r for r in minimums["reference"])
    assert read_school_types()[SCHOOL][0] == TYPE


def test_the_school_against_the_bundled_file_meets_the_four_floors_it_reports(reader: StoreReader) -> None:
    result, school_type = queries.minimums(reader, REPORT, SCHOOL, national_minimums())
    assert school_type == TYPE
    rows = result.set_index("indicator_zh")
    assert rows["status"].to_dict() == {
        "生师比": "met",  # 14.02 ≤ 18
        "具有研究生学位教师占专任教师的比例": "met",  # 86.31 ≥ 15
        "生均教学行政用房": "met",  # 18.73 ≥ 16
        "生均教学科研仪器设备值": "met",  # 17,265.39 ≥ 4,000
        "生均图书": "no_value",  # the report gives none
        "具有高级职务教师占专任教师的比例": "no_threshold",
        "生均占地面积": "no_threshold",
    }
    expected = {  # value, table, line — by hand from the report
        "生师比": (14.02, 4691),
        "生均教学科研仪器设备值": (17265.39, 4647),
        "生均教学行政用房": (18.73, 4649),
        "具有高级职务教师占专任教师的比例": (39.78, 4695),
        "具有研究生学位教师占专任教师的比例": (86.31, None),
        "生均占地面积": (64.43, None),
    }
    for name, (value, line) in expected.items():
        assert rows.loc[name, "value"] == pytest.approx(value, abs=0.005), name
        if line is not None:
            assert rows.loc[name, "source_line"] == line, name
    assert rows.loc["具有研究生学位教师占专任教师的比例", "basis"] == "derived"
    assert math.isnan(rows.loc["生均图书", "value"])
    assert count_minimums(result) == {"met": 4, "unmet": 0, "open": 3}
    assert minimums_sentence(result, "zh") == "国家基本办学条件：4 项合格、0 项未达合格线、3 项无数据或无合格值"
    assert minimums_sentence(result, "en") == "National minimums: 4 met, 0 below, 3 without data or threshold"


def _test_thresholds() -> pd.DataFrame:
    """Made-up thresholds (NOT the Ministry's) to check the rules: a ceiling, floors, a 限制招生 level."""
    rows = [
        ("t", TYPE, "生师比", "student_teacher_ratio", "<=", 13.0, 20.0, ":1", "basic", "TEST"),
        ("t", TYPE, "仪器设备", "equipment_value_per_student", ">=", 1.5, 1.0, "万元/生", "basic", "TEST"),
        ("t", TYPE, "高级职称", "senior_title_ratio", ">=", 50.0, 45.0, "%", "monitoring", "TEST"),
        ("t", TYPE, "研究生学位", "graduate_degree_teacher_share", ">=", 80.0, math.nan, "%", "basic", "TEST"),
        ("t", TYPE, "生均用房", "building_area_per_student", ">=", 10.0, math.nan, "m2/生", "basic", "TEST"),
        ("t", TYPE, "生均图书", "", ">=", 7.0, math.nan, "册/生", "basic", "TEST"),
        ("t", "其他院校", "生师比", "student_teacher_ratio", "<=", 1.0, math.nan, ":1", "basic", "TEST"),
    ]
    return pd.DataFrame(rows, columns=MINIMUM_COLUMNS)


def test_met_below_restricted_and_no_value_by_the_rules(reader: StoreReader) -> None:
    from metrics.derive import with_derived

    indicators = reader.indicators()
    observations = with_derived(reader.observations(REPORT), indicators)
    result = compare_to_minimums(observations, indicators, _test_thresholds(), TYPE).set_index("indicator_zh")
    names = ["生师比", "仪器设备", "高级职称", "研究生学位", "生均用房", "生均图书"]
    assert list(result.index) == names  # the 其他院校 row is not this school's type
    # 14.02 > 13 (a ceiling) but within 20: below the line, not restricted; 13 / 14.02 = 92.7 %
    assert result.loc["生师比", "status"] == "below"
    assert result.loc["生师比", "share_of_minimum_pct"] == pytest.approx(13 / 14.02 * 100)
    # 1.5 万元 = 15000 元 (the registry's unit): 17265.39 meets it
    assert result.loc["仪器设备", "qualified"] == 15000.0 and result.loc["仪器设备", "status"] == "met"
    assert result.loc["高级职称", "status"] == "restricted"  # 39.78 < 45 < 50
    assert result.loc["研究生学位", "status"] == "met"  # 86.31 ≥ 80
    assert result.loc["生均用房", "status"] == "met"  # 18.73 ≥ 10
    assert result.loc["生均图书", "status"] == "no_value"
    assert count_minimums(result.reset_index()) == {"met": 3, "unmet": 2, "open": 1}
    assert compare_to_minimums(observations, indicators, _test_thresholds(), None).empty  # no type: no rows


def test_the_chart_draws_the_minimum_as_a_line_at_100_and_names_what_it_cannot_draw(reader: StoreReader) -> None:
    from metrics.derive import with_derived

    indicators = reader.indicators()
    observations = with_derived(reader.observations(REPORT), indicators)
    result = compare_to_minimums(observations, indicators, _test_thresholds(), TYPE)
    figure = minimum_figure(result, title="T", subtitle="S", lang="zh")
    lines = [s for s in figure.layout.shapes if s.type == "line"]
    assert len(lines) == 1 and lines[0].x0 == 100 and lines[0].x1 == 100
    assert len(figure.data[0].y) == 5  # the five with a value and a threshold
    assert "生均图书：报告无数据" in figure.layout.annotations[-1].text


def test_a_bar_past_the_axis_says_its_share(reader: StoreReader) -> None:
    """432 % and 575 % of their minimums are both drawn to the axis's end (250 %): their labels say how far."""
    result, _ = queries.minimums(reader, REPORT, SCHOOL, national_minimums())
    figure = minimum_figure(result, title="T", subtitle="S", lang="zh")
    beyond = [text for x, text in zip(figure.data[0].x, figure.data[0].text, strict=True) if x == 250.0]
    # 17,265.39 ÷ 4,000 = 431.6 %; 86.31 ÷ 15 = 575.4 % (表3-8: 博士 4.88 + 硕士 81.43)
    assert sorted(beyond) == [
        "17,265.39 元/生（≥ 4,000 元/生） · 合格线的 432%（超出刻度）",
        "86.31%（≥ 15%） · 合格线的 575%（超出刻度）",
    ]


def test_the_faculty_page_carries_the_minimums_chart_from_the_catalogue(reader: StoreReader) -> None:
    assert [c.kind for c in load_catalogue().get("faculty").chart][-1] == "minimums"
    ctx = build_context(
        school=SCHOOL, year=2020, lang="zh", benchmark="高职", observations=reader.observations(REPORT),
        registry=reader.indicators(), comparison=pd.DataFrame(), history=reader.observations(), gaps=pd.DataFrame(),
    )  # fmt: skip
    item = next(i for i in page_charts("faculty", ctx) if i.key == "national_minimums")
    assert item.title == t("minimums_title", "zh")
    assert "教发〔2004〕2号" in item.provenance.source
    assert sorted(item.data["status"]) == ["合格"] * 4 + ["报告无数据"] + ["无合格值（原文未得）"] * 2
    lines = [s for s in item.figure.layout.shapes if s.type == "line"]
    assert len(lines) == 1 and lines[0].x0 == 100  # the four floors the school is measured against
    assert len(item.figure.data[0].y) == 4


def test_a_threshold_that_is_not_a_number_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "national_minimums.csv"
    text = "\n".join(",".join(row) for row in [MINIMUM_COLUMNS, ["s", TYPE, "生师比", "student_teacher_ratio",
            "<=", "约十八", "", ":1", "basic", "x"]])  # fmt: skip
    broken.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(TableError, match="qualified"):
        read_minimums(broken)


def test_the_overview_counts_the_minimums_and_says_why_there_is_no_line(loaded_db: Path, monkeypatch, tmp_path) -> None:
    at = app_test(loaded_db, monkeypatch, tmp_path)
    at.run()
    assert not at.exception
    shown = unescaped("\n".join(m.value for m in [*at.markdown, *at.caption]))
    assert "国家基本办学条件：4 项合格、0 项未达合格线、3 项无数据或无合格值" in shown
    assert "学校类别：工科、农、林院校" in shown and "未填写" in shown
