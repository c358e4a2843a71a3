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
    # the 已载入 list of the same run lists it (it was one upload behind: read before the write)
    listed = next(d.value for d in at.dataframe if "来源文件" in d.value.columns and "报告年度" in d.value.columns)
    assert ("青石虚构职业技术学院", "2020") in set(zip(listed["学校"], listed["报告年度"], strict=True))
    go = at.button(key="open_loaded")
    assert "青石虚构职业技术学院" in go.label
    go.click().run()
    assert not at.exception, [e.value for e in at.exception]
    # (AppTest replays the sidebar's old widget value on the switched run; a browser shows 青石's 总览.)
    assert (at.session_state["f_school"], at.session_state["f_year"]) == ("青石虚构职业技术学院", "2020")
    assert at.title[0].value.startswith("总览")


def test_reasons_name_indicators_instead_of_ids() -> None:
    from viz.names import named

    # one-word ids too, right after CJK text; English words the names do not know stay
    assert named("未找到：order_classes、apprentices", {"apprentices": "培养学徒数", "order_classes": "订单班数"}) == (
        "未找到：订单班数、培养学徒数"
    )
    assert named("not found: apprentices", {"apprentices": "Apprentices trained"}) == "not found: Apprentices trained"

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


def test_a_file_without_school_or_year_asks_for_them_and_keeps_them(
    built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page that says only 我院 is not refused for good: the planner names the school (and the year), the
    file is read again with them, and what they said is kept with the copy (a rebuild reads it alike)."""
    import json

    fragment = ROOT / "tests" / "fixtures" / "reports" / "reading" / "测试夹具_我院片段_学年.txt"
    at = unlocked(built_db, monkeypatch, tmp_path)
    at.get("file_uploader")[0].set_value((fragment.name, fragment.read_bytes(), "text/plain"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("无法从文本中识别学校名称" in str(e.value) for e in at.error)
    school = [w for w in at.text_input if w.label == "学校名称"]
    assert len(school) == 1 and not [w for w in at.number_input if w.label == "数据年度"]  # only what is lacking
    school[0].input("青萍虚构职业技术学院")
    at.button(key="FormSubmitter:upload_given-按此重新读取").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # the fragment does not say its year either: asked next, the school given stays filled in
    assert [str(e.value) for e in at.error if "无法从文本中识别报告年度" in str(e.value)]
    assert [w.value for w in at.text_input if w.label == "学校名称"] == ["青萍虚构职业技术学院"]
    at.number_input(key=next(w.key for w in at.number_input if w.label == "数据年度")).set_value(2017)
    at.button(key="FormSubmitter:upload_given-按此重新读取").click().run()
    assert not [e for e in at.error if "无法从文本中识别" in str(e.value)]
    confirm = [b for b in at.button if b.label == "确认载入"]
    assert confirm, [e.value for e in at.error]
    confirm[0].click().run()
    assert any("已载入" in str(s.value) for s in at.success)
    manifest = json.loads((tmp_path / "uploads" / "manifest.json").read_text(encoding="utf-8"))
    assert [e["given"] for e in manifest["uploads"]] == [{"school": "青萍虚构职业技术学院", "report_year": 2017}]
    assert [e["report_id"] for e in manifest["uploads"]] == ["青萍虚构职业技术学院-2017"]
