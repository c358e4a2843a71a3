"""AppTest smoke tests of many colleges side by side: the home school, the grouped sidebar and 对比.

The store holds the bundled report, 沧浪 (whose name sorts before 温州 by code point) and the three
fictional colleges of ``tests/fixtures/colleges/`` (marked test fixtures). Expected values were
typed from the fixtures' text.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from loaders.contracts.paths import ROOT
from loaders.store.build import rebuild
from loaders.store.schema import connect
from loaders.store.writes import ingest_file
from viz.theme import BENCHMARK_GREYS, PEER_COLOURS, SCHOOL_COLOUR

COLLEGES = ROOT / "tests" / "fixtures" / "colleges"
CANGLANG = ROOT / "tests" / "fixtures" / "reports" / "测试夹具_沧浪虚构职业技术学院_2023.txt"
HOME = "温州职业技术学院"
QS, BS, ZL = "青石虚构职业技术学院", "白沙虚构职业学院", "紫岭虚构职业技术学院"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("colleges_app") / "quality.duckdb"
    rebuild(path)
    con = connect(path)
    for report in [CANGLANG, *sorted(COLLEGES.glob("测试夹具_*.txt"))]:
        ingest_file(con, report)
    con.close()
    return path


def _app(db: Path, monkeypatch: pytest.MonkeyPatch, params: dict[str, str | list[str]] | None = None) -> AppTest:
    monkeypatch.setenv("QUALITY_DB", str(db))
    monkeypatch.delenv("PLANNER_PASSWORD", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at


def _numbers(values: object) -> list[float]:
    """Plotly sends numeric arrays base64-encoded (``{"dtype": "f8", "bdata": …}``)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_a_link_without_parameters_opens_the_home_school(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(db, monkeypatch)
    at.run()
    assert not at.exception
    assert at.session_state["_filters"].school == HOME  # not 沧浪, which sorts first
    box = at.sidebar.selectbox(key="f_school")
    assert box.options[0].startswith(HOME) and "主校" in box.options[0]
    assert len(box.options) == 5  # every loaded school is reachable


def test_the_home_school_setting_and_peers_in_the_url(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALITY_HOME_SCHOOL", ZL)
    at = _app(db, monkeypatch, {"peers": [QS]})
    at.run()
    assert not at.exception
    assert at.session_state["_filters"].school == ZL
    assert at.session_state["_filters"].peers == (QS,)
    options = at.sidebar.selectbox(key="f_school").options
    assert options[:2] == [f"{ZL}（主校）", f"{QS}（对比校）"]
    assert at.query_params["peers"] in (QS, [QS])  # kept in the link


def test_compare_three_colleges(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(db, monkeypatch, {"school": QS, "peers": [BS, ZL]})
    at.run()
    at.switch_page("pages/compare.py").run()
    assert not at.exception, [e.value for e in at.exception]
    bars, trend = _figures(at)[:2]
    schools = [trace for trace in bars["data"] if trace["type"] == "bar"]
    assert [trace["name"] for trace in schools] == [QS, BS, ZL]
    assert [trace["marker"]["color"] for trace in schools] == [SCHOOL_COLOUR, PEER_COLOURS[0], PEER_COLOURS[1]]
    assert [_numbers(trace["x"]) for trace in schools] == [[98.1], [96.4], [97.9]]
    assert [trace["y"] for trace in schools] == [[f"{QS}<br>2021届"], [f"{BS}<br>2022届"], [f"{ZL}<br>2022届"]]
    marks = [trace for trace in bars["data"] if trace["type"] == "scatter"]
    names = ["全省高职（各校报告）", "全省高校（各校报告）", "全省本科（各校报告）"]
    assert [trace["name"] for trace in marks] == names
    assert _numbers(marks[0]["x"]) == [96.6, 96.95, 96.95]  # each school's own report's 高职 figure
    assert [m["marker"]["line"]["color"] for m in marks] == list(BENCHMARK_GREYS)
    for colour in (SCHOOL_COLOUR, *BENCHMARK_GREYS):
        assert colour not in PEER_COLOURS
    table = at.dataframe[0].value
    assert table["排名"].tolist() == ["第 1 名（共 3 所学校）", "第 3 名（共 3 所学校）", "第 2 名（共 3 所学校）"]
    assert table["与全省高职差距"].round(2).tolist() == [1.50, -0.55, 0.95]
    assert table["显著性（全省高职）"].tolist()[:3] == ["差距不足 2 个百分点", "在抽样误差内", "差距不足 2 个百分点"]
    notes = [i.value for i in at.info]
    assert [n for n in notes if "届别不同" in n] == [
        f"各校届别不同（{QS} 2021届；{BS} 2022届；{ZL} 2022届）：比较的是毕业一年后这一相同时点，不是同一届毕业生。"
    ]
    at.radio(key="cmp_after").set_value(3).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table["排名"].tolist() == [
        "所选报告未载明此数据",
        "不排名：只有 1 所学校有此数据，至少 3 所才排名",
        "所选报告未载明此数据",
    ]
    lines = [trace["name"] for trace in trend["data"]]
    assert lines == [QS, BS, ZL]
    assert trend["data"][0]["line"]["color"] == SCHOOL_COLOUR
    captions = [c.value for c in at.caption]
    assert any(c.startswith("来源：") for c in captions)


def test_compare_in_english_on_a_ratio_with_a_chosen_year(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(db, monkeypatch, {"school": QS, "peers": [BS, ZL], "lang": "en"})
    at.run()
    at.switch_page("pages/compare.py").run()
    at.selectbox(key="cmp_indicator").set_value("student_teacher_ratio").run()
    assert not at.exception, [e.value for e in at.exception]
    bars = _figures(at)[0]
    assert [trace["y"] for trace in bars["data"]] == [[f"{QS}<br>2022"], [f"{BS}<br>2023"], [f"{ZL}<br>2023"]]
    assert at.dataframe[0].value["Rank"].tolist() == ["2 of 3 schools", "3 of 3 schools", "1 of 3 schools"]
    at.selectbox(key="cmp_year").set_value("2022").run()
    assert not at.exception
    ranks = at.dataframe[0].value["Rank"].tolist()
    assert ranks == [
        "not ranked: 2 school(s) with this figure, a rank needs 3",
        "no report of that year loaded",
        "not ranked: 2 school(s) with this figure, a rank needs 3",
    ]
    assert any("Source" in c.value for c in at.caption)


def test_peers_overlaid_on_a_domain_page(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(db, monkeypatch, {"peers": [QS, BS]})
    at.run()
    at.switch_page("pages/outcomes.py").run()
    assert not at.exception, [e.value for e in at.exception]
    plain = _figures(at)[0]
    assert len(plain["data"]) == 4  # 本校 and the three benchmarks
    at.toggle(key="overlay_outcomes").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    figure = _figures(at)[0]  # 就业率: 温州 2019届 one year after, 2017届 three years after
    peers = {
        trace["name"]: trace
        for trace in figure["data"]
        if trace["name"] in (f"{QS}（2021届）", f"{BS}（2022届、2020届）")
    }
    assert peers[f"{QS}（2021届）"]["marker"]["color"] == PEER_COLOURS[0]
    assert peers[f"{BS}（2022届、2020届）"]["marker"]["color"] == PEER_COLOURS[1]
    assert _numbers(peers[f"{QS}（2021届）"]["x"]) == [98.1]
    assert _numbers(peers[f"{BS}（2022届、2020届）"]["x"]) == [96.4, 96.9]  # one year after, three years after
    assert [y.endswith("毕业一年后") for y in peers[f"{QS}（2021届）"]["y"]] == [True]
