"""The planner sees what was read: before confirming an upload, and for every stored report.

Runs the dashboard with AppTest on a store of its own (QUALITY_DB), unlocks the planner role with a
test password, uploads the fictional college's report (a test fixture) and checks that the coverage
— what was not found, what was partly read and why — is on the page before anything is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders.contracts.paths import ROOT
from loaders.store.build import rebuild
from tests.test_variants import SCHOOL, TEXT_FIXTURE


@pytest.fixture(scope="module")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("coverage_app") / "quality.duckdb"
    rebuild(path)
    return path


def _app(
    db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, query: dict[str, str] | None = None, **env: str
) -> AppTest:
    monkeypatch.setenv("QUALITY_DB", str(db))
    monkeypatch.setenv("QUALITY_UPLOADS", str(tmp_path / "uploads"))
    for name in ("PLANNER_PASSWORD", "QUALITY_DB_READONLY", "QUALITY_MAX_UPLOAD_MB"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = [str(e.value) for kind in ("text", "caption", "warning", "success", "info") for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value.to_csv() for e in at.dataframe]
    return "\n".join(parts)


def test_the_upload_preview_shows_what_was_not_read_before_anything_is_written(
    built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(built_db, monkeypatch, tmp_path, PLANNER_PASSWORD="s3cret")
    at.text_input[0].input("s3cret")
    at.button[0].click().run()
    at.get("file_uploader")[0].set_value((TEXT_FIXTURE.name, TEXT_FIXTURE.read_bytes(), "text/plain"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _text(at)
    assert "数据年度 2023（标题中的“（2023年度）”（第 2 行））" in shown
    assert "核心表格未找到：毕业生对母校总体满意度（省调查）·毕业3年后" in shown
    assert "表中没有“计划招生数”列（enroll_plan），记为缺失（不是 0）" in shown  # why the table is partly read
    assert "未找到毕业 3 年后的这张表（已找到：表7）" in shown
    from dashboard import store as app_store  # the app's own connection (one writer per process)

    cursor = app_store.cursor()
    assert cursor.execute("SELECT count(*) FROM reports WHERE school = ?", [SCHOOL]).fetchone()[0] == 0
    confirm = next(b for b in at.button if b.label in ("确认载入", "Load it"))
    at = confirm.click().run()
    assert not at.exception, [e.value for e in at.exception]
    stored = (
        app_store.cursor()
        .execute(
            "SELECT status, problems_zh FROM coverage WHERE report_id = ? AND item_id = 'survey_alma_mater@3'",
            [f"{SCHOOL}-2023"],
        )
        .fetchall()
    )
    assert stored == [("missing", "未找到毕业 3 年后的这张表（已找到：表7）")]


def test_the_data_page_shows_each_reports_coverage_and_years(
    built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(built_db, monkeypatch, tmp_path, {"school": "温州职业技术学院"})
    shown = _text(at)
    assert "数据年度 2020（附表表头“序号 指标 单位 2020 年”（第 4611 行））" in shown
    assert "2019 届（毕业 1 年后）：表2-15、表2-17、表2-19、表2-21、表2-22、表2-26" in shown
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["已读取"], metrics["未找到"], metrics["未读取"]) == ("49", "0", "12")


@pytest.mark.parametrize(
    "page",
    ["pages/overview.py", "pages/outcomes.py", "pages/enrollment.py", "pages/faculty.py", "pages/targets.py"],
)
def test_another_colleges_report_shows_on_every_page(
    page: str, built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fictional college (a test fixture) loaded by the CLI beside the bundled report.
    from loaders.store.schema import connect
    from loaders.store.writes import ingest_file

    db = tmp_path / "other.duckdb"
    rebuild(db)
    con = connect(db)
    ingest_file(con, TEXT_FIXTURE)
    con.close()
    monkeypatch.setenv("QUALITY_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["school"] = SCHOOL
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["_filters"].report_id == f"{SCHOOL}-2023"
