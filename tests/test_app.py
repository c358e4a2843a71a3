"""AppTest smoke tests: every page runs on the bundled data with default and non-default filters,
shows a known value of the bundled report and carries its source caption."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import plotly.io
import pytest
import streamlit as st
from streamlit import config
from streamlit.runtime.secrets import Secrets
from streamlit.testing.v1 import AppTest

from dashboard import auth
from loaders.contracts.paths import ROOT
from loaders.store.build import rebuild
from tests.helpers import unescaped

PAGES = {
    # page: (a value that must appear, where to look)
    "pages/overview.py": "98.82",
    "pages/outcomes.py": "98.82",
    "pages/enrollment.py": "4,541",
    "pages/faculty.py": "90.81",
    "pages/research.py": "3,255.21",
    "pages/targets.py": "14.02",
    "pages/compare.py": "98.82",
    "pages/data.py": "802",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("app") / "quality.duckdb"
    rebuild(path)
    return path


def _app(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("QUALITY_DB", str(db))
    monkeypatch.delenv("PLANNER_PASSWORD", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _numbers(values: object) -> list[float]:
    """Plotly sends numeric arrays base64-encoded (``{"dtype": "f8", "bdata": …}``)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def _page_text(at: AppTest) -> str:
    """Everything a page shows: text elements, metrics, tables and chart specs."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value.to_csv() for e in at.dataframe]
    parts += [e.proto.spec for e in at.get("plotly_chart")]
    return "\n".join(parts)


@pytest.mark.parametrize("page", list(PAGES))
def test_page_with_default_filters(page: str, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(db, monkeypatch)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    text = _page_text(at)
    assert PAGES[page] in text
    assert "温州职业技术学院" in text
    captions = [c.value for c in at.caption]
    assert any(c.startswith("来源：") or "来源" in c for c in captions) or page == "pages/data.py"


@pytest.mark.parametrize("page", list(PAGES))
def test_page_in_english_with_another_benchmark(page: str, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 温州市's plan applies to 温州职业技术学院 (a college of 温州); 台州's and 丽水's do not (issue 23).
    at = _app(db, monkeypatch, lang="en", benchmark="全省", plan="wenzhou_city")
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["_filters"].benchmark == "全省"
    assert at.session_state["_filters"].plan_id == "wenzhou_city"
    expected = "90.81" if page == "pages/targets.py" else PAGES[page]  # 温州市's plan: 双师型 share, no 生师比
    assert expected in _page_text(at)
    captions = [c.value for c in at.caption]
    assert page == "pages/data.py" or any("Source" in c for c in captions)


def test_url_restores_the_selection(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(db, monkeypatch, lang="en", benchmark="本科", plan="wenzhou_city", year="2020")
    at.run()
    filters = at.session_state["_filters"]
    assert (filters.school, filters.year, filters.benchmark, filters.plan_id, filters.lang) == (
        "温州职业技术学院",
        2020,
        "本科",
        "wenzhou_city",
        "en",
    )
    assert at.query_params["benchmark"] == "本科"
    assert at.query_params["lang"] == "en"


def test_unknown_url_values_fall_back_to_defaults(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(db, monkeypatch, school="<script>alert(1)</script>", year="1999", benchmark="x", plan="nope")
    at.run()
    assert not at.exception
    filters = at.session_state["_filters"]
    assert (filters.school, filters.year, filters.benchmark, filters.plan_id) == (
        "温州职业技术学院",
        2020,
        "高职",
        "wzvtc_2022_2025",
    )


def test_outcomes_chart_holds_the_survey_values(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(db, monkeypatch)
    at.run()
    at.switch_page("pages/outcomes.py").run()
    figure = plotly.io.from_json(at.get("plotly_chart")[0].proto.spec)
    bars = {trace.name: _numbers(trace.x) for trace in figure.data}
    assert bars["本校"] == [98.82, 99.0]
    assert bars["全省高职"] == [96.68, 97.13]
    assert bars["全省高校"] == [93.60, 95.97]
    assert list(figure.data[0].y) == ["2019届·<br>毕业一年后", "2017届·<br>毕业三年后"]  # two-line cohorts
    assert figure.layout.title.text == "就业率"
    # Only the school and the chosen benchmark carry their values; the chosen one is the darkest grey.
    labelled = {trace.name: list(trace.text) for trace in figure.data}
    assert labelled["本校"] == ["98.82 差异显著", "99.00 差距不足 2 个百分点"]
    assert labelled["全省高职"] == ["96.68", "97.13"] and set(labelled["全省高校"]) == {""}
    colours = {trace.name: trace.marker.color for trace in figure.data}
    assert colours["全省高职"] == "#5a6473" and colours["全省高校"] == "#a7b0bc"


def test_upload_is_locked_without_a_planner_password(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(db, monkeypatch)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    # In the planner's words, not the administrator's (no environment variables or secrets named).
    assert [i.value for i in at.info if "密码" in i.value] == ["上传需要规划人员密码，请联系管理员。"]
    assert not any("PLANNER_PASSWORD" in i.value or "secrets" in i.value for i in at.info)
    assert len(at.get("file_uploader")) == 0


@pytest.fixture
def secrets_from(monkeypatch: pytest.MonkeyPatch):
    """Read Streamlit's secrets from one file of the test's own (the option is put back after)."""
    before = config.get_option("secrets.files")

    def use(path: Path) -> None:
        config.set_option("secrets.files", [str(path)])
        monkeypatch.setattr(st, "secrets", Secrets())

    yield use
    config.set_option("secrets.files", before)


def test_a_malformed_secrets_file_is_said_and_keeps_the_planner_role_closed(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secrets_from
) -> None:
    """A secrets.toml that does not parse is not taken for "no password set": loading stays off, and
    the page says which file cannot be read and where, in the reader's language."""
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text('planner_password = "unterminated\n', encoding="utf-8")
    secrets_from(secrets_file)
    assert auth.planner_password() is None
    problem = auth.secrets_problem()
    assert problem is not None and str(secrets_file) in problem.zh and "line 1" in problem.en
    at = _app(db, monkeypatch)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert [i.value for i in at.info if "密码" in i.value] == ["上传需要规划人员密码，请联系管理员。"]
    warnings = [unescaped(w.value) for w in at.warning if "secrets" in unescaped(w.value)]
    assert warnings == [problem.zh]
    assert f"设置文件 {secrets_file} 无法读取" in warnings[0] and "(at line 1, column 33)" in warnings[0]
    assert len(at.get("file_uploader")) == 0


def test_no_secrets_file_is_no_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secrets_from) -> None:
    secrets_from(tmp_path / "absent.toml")
    monkeypatch.delenv("PLANNER_PASSWORD", raising=False)
    assert auth.planner_password() is None and auth.secrets_problem() is None


def test_a_domain_page_sends_its_first_row_then_the_rest(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """就业与收入 has 13 charts (data/specs/pages.toml), two of them in its first row. Without a
    browser to say the first row is on screen (dashboard/staging.py), the page shows those two and a
    line saying 11 more follow, with a button that shows them; the page's pack still holds all 13."""
    at = _app(db, monkeypatch)
    at.run()
    at.switch_page("pages/outcomes.py").run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2
    assert [c.value for c in at.caption if "随后显示" in c.value] == ["其余 11 张图表随后显示……"]
    at.button(key="show_rest_outcomes").click().run()
    assert len(at.get("plotly_chart")) == 13
    assert not [c.value for c in at.caption if "随后显示" in c.value]
    at.run()  # shown once in this session: the page now draws every chart in one step
    assert len(at.get("plotly_chart")) == 13


def test_the_plan_targets_of_a_domain_page_come_with_the_rest(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """师资 (4 charts, 2 in its first row) sets its figures against the plan's faculty targets below
    the charts: that part comes with the other two charts, not before them."""
    at = _app(db, monkeypatch)
    at.run()
    at.switch_page("pages/faculty.py").run()
    assert len(at.get("plotly_chart")) == 2 and "与规划目标对照" not in [h.value for h in at.header]
    assert [c.value for c in at.caption if "随后显示" in c.value] == ["其余 2 张图表随后显示……"]
    at.button(key="show_rest_faculty").click().run()
    charts = [c.key for c in at.get("plotly_chart")]
    assert [k for k in charts if k.startswith("chart_")] == [
        "chart_teachers_by_title",
        "chart_teachers_by_degree",
        "chart_teacher_training_persontimes",
        "chart_national_minimums",
    ]
    assert "与规划目标对照" in [h.value for h in at.header] and any(k.startswith("faculty_") for k in charts)
