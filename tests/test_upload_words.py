"""Issue 25, the upload preview in words: indicator names (not ids), a one-line legend of the coverage
states, reasons in full (a list, not a cut table cell), and after 已载入 a way to the loaded school's 总览."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard.coverage_view import attention_lines, coverage_table
from dashboard.upload_preview import preview_table
from loaders.contracts.paths import ROOT
from loaders.store.build import rebuild
from tests.helpers import unescaped, unlocked, upload

FIXTURE = ROOT / "tests" / "fixtures" / "colleges" / "测试夹具_青石虚构职业技术学院_2020.txt"


def test_the_preview_names_indicators_in_the_readers_language() -> None:
    observations = pd.DataFrame(
        {
            "indicator_id": ["enroll_plan", "unknown_id"],
            "subject": ["本校", "本校"],
            "year": [2020, 2020],
            "value": [3000.0, 1.0],
            "unit": ["人", "个"],
            "source_table": ["表1", "表1"],
            "source_line": [10, 11],
        }
    )
    names = {"enroll_plan": "计划招生数"}
    assert preview_table(observations, "zh", names)["指标"].tolist() == ["计划招生数", "unknown_id"]


def test_attention_items_are_listed_with_their_whole_reason() -> None:
    reason = "表格标题找到了，但“毕业去向落实率”所在的列没有读出：表头与已知的写法都不同" * 2
    frame = pd.DataFrame(
        {
            "status": ["partial", "found"],
            "core": [True, False],
            "name_zh": ["表2-15 就业率", "表1"],
            "name_en": ["Table 2-15", "Table 1"],
            "kind": ["table", "table"],
            "source_table": ["表2-15", "表1"],
            "line": [120, 3],
            "n_values": [0, 5],
            "problems_zh": [reason, ""],
            "problems_en": ["a column was not read", ""],
            "position": [1, 2],
        }
    )
    lines = [unescaped(x) for x in attention_lines(coverage_table(frame, "zh", attention_only=True), "zh")]
    assert len(lines) == 1 and lines[0].startswith("- **部分读取** ★ 表2-15 就业率（表2-15 · 行 120）")
    assert lines[0].endswith(reason)


@pytest.fixture
def built_db(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUALITY_UPLOADS", str(tmp_path / "uploads"))
    rebuild(db_path)
    return db_path


def test_after_loading_the_planner_can_open_the_loaded_schools_overview(
    built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = unlocked(built_db, monkeypatch, tmp_path)
    at.get("file_uploader")[0].set_value((FIXTURE.name, FIXTURE.read_bytes(), "text/plain"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(str(c.value) for c in at.caption)
    assert "未读取：找到了，但本系统不读它" in captions and "未找到：报告里没有找到" in captions
    frames = [d.value for d in at.dataframe if "指标" in d.value.columns and "数值" in d.value.columns]
    assert frames and not frames[0]["指标"].str.fullmatch(r"[a-z0-9_]+").any()  # names, never ids
    upload(at, FIXTURE.name, FIXTURE.read_bytes())
    assert any("已载入" in str(s.value) for s in at.success)
    go = at.button(key="open_loaded")
    assert "青石虚构职业技术学院" in go.label
    go.click().run()
    assert not at.exception, [e.value for e in at.exception]
    # (AppTest replays the sidebar's old widget value on the switched run; a browser shows 青石's 总览.)
    assert (at.session_state["f_school"], at.session_state["f_year"]) == ("青石虚构职业技术学院", "2020")
    assert at.title[0].value.startswith("总览")


def test_reasons_name_indicators_instead_of_ids() -> None:
    from viz.names import named

    names = {"response_rate": "作答率", "dual_qualified_ratio": "双师素质专任教师比例"}
    assert named("表中没有“作答率”列（response_rate），记为缺失；未找到：dual_qualified_ratio", names) == (
        "表中没有“作答率”列，记为缺失；未找到：双师素质专任教师比例"
    )


def test_a_dash_card_says_why_and_where_to_look(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import subprocess
    import sys

    db = tmp_path / "q.duckdb"
    monkeypatch.setenv("QUALITY_UPLOADS", str(tmp_path / "uploads"))
    command = [sys.executable, "-m", "loaders", "ingest", str(FIXTURE), "--db", str(db)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env=dict(os.environ))
    from tests.helpers import app_test

    at = app_test(db, monkeypatch, tmp_path)
    at.run()
    at.switch_page("pages/enrollment.py").run()
    assert not at.exception, [e.value for e in at.exception]
    dashes = [m for m in at.metric if m.value == "—"]
    assert dashes and all(m.help for m in dashes)
    said = " ".join(str(c.value) for c in at.caption)
    assert "这份报告中没有读到" in said and "读取情况" in said
