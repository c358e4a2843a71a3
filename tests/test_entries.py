"""填报: a planner enters the current value of a target the report lacks; a viewer sees it but cannot change
it; the write log records every write; a rebuild of the store keeps it (it is kept beside the uploads).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import store as app_store
from loaders.contracts.errors import TableError, ValueParseError
from loaders.store.build import rebuild
from loaders.store.entries import check_entry, delete_entry, read_entries_file, save_entry, target_of
from loaders.store.queries import StoreReader, read_entries
from loaders.store.schema import connect
from loaders.store.writelog import read_log
from metrics import queries
from tests.helpers import PASSWORD, app_test, unescaped

PLAN = "wzvtc_2022_2025"
SCHOOL = "温州职业技术学院"


@pytest.fixture
def built_db(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUALITY_UPLOADS", str(tmp_path / "uploads"))
    rebuild(db_path)
    return db_path


def _targets_page(at: AppTest) -> AppTest:
    at.run()
    at.switch_page("pages/targets.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _text(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in [*at.markdown, *at.caption, *at.success, *at.info, *at.error])


def _attainment_row(label: str) -> dict:
    table = queries.attainment(StoreReader(app_store.cursor()), PLAN, SCHOOL)
    return table.set_index("label_zh").loc[label].to_dict()


def test_a_planner_enters_a_viewer_sees_the_log_records_a_rebuild_keeps(
    built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A viewer: no form, only the way to unlock.
    at = _targets_page(app_test(built_db, monkeypatch, tmp_path, PLANNER_PASSWORD=PASSWORD))
    assert "entry_pick" not in [s.key for s in at.selectbox]
    assert "尚无填报记录。" in _text(at)
    at.text_input(key="entries_password").input(PASSWORD)
    _button(at, "解锁").click().run()
    assert not at.exception and "entry_pick" in [s.key for s in at.selectbox]

    # The planner enters 毕业生留温率 for 2023, which no report states.
    at.selectbox(key="entry_target_new").set_value("毕业生留温率")
    at.number_input(key="entry_year_new").set_value(2023)
    at.number_input(key="entry_value_new").set_value(61.5)
    at.text_input(key="entry_source_new").input("2023 年高职院校人才培养工作状态数据采集表")
    at.text_area(key="entry_note_new").input("招生就业处统计，本市就业 2150 人")
    at.text_input(key="entry_author_new").input("张规划")
    _button(at, "保存填报").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已保存（新增）：毕业生留温率 · 2023 · 61.5%" in unescaped(s.value) for s in at.success)

    entries = read_entries(app_store.cursor(), PLAN)  # the app holds the store: read through its connection
    log = read_log(app_store.cursor())
    assert len(entries) == 1
    entry = entries.iloc[0].to_dict()
    assert (entry["label_zh"], entry["school"], entry["year"], entry["value"], entry["unit"], entry["author"]) == (
        "毕业生留温率",
        SCHOOL,
        2023,
        61.5,
        "%",
        "张规划",
    )
    assert entry["source_document"] == "2023 年高职院校人才培养工作状态数据采集表"
    logged = log[log["action"] == "entry"].iloc[0]
    assert (logged["outcome"], logged["report_id"]) == ("added", entry["entry_id"])
    assert "毕业生留温率」2023 = 61.5%" in logged["detail"] and "填报人：张规划" in logged["detail"]

    # The attainment now rests on the entry for 2023 (the report's derived 57.62 is for 2019): met.
    row = _attainment_row("毕业生留温率")
    assert (row["current_year"], row["current_value"], row["basis"], row["status"]) == (2023, 61.5, "entered", "met")
    assert (row["first_year"], row["first_value"]) == (2019, 57.62)

    # Another browser on the same link: sees the entry, marked as entered by hand, and no form.
    viewer = _targets_page(app_test(built_db, monkeypatch, tmp_path, PLANNER_PASSWORD=PASSWORD))
    assert "entry_pick" not in [s.key for s in viewer.selectbox]
    assert not [b for b in viewer.button if b.label in ("保存填报", "删除这条填报")]
    shown = next(frame.value for frame in viewer.dataframe if "填报人" in frame.value.columns)
    assert shown.iloc[0][["目标", "年份", "现值", "依据", "来源文件", "填报人"]].tolist() == [
        "毕业生留温率",
        2023,
        61.5,
        "填报（手工）",
        "2023 年高职院校人才培养工作状态数据采集表",
        "张规划",
    ]
    marks = [frame.value for frame in viewer.dataframe if "依据" in frame.value.columns]
    assert any((table["依据"] == "填报（手工）").any() for table in marks)
    # Viewing the 2020 report, the entry for 2023 is not the current value (an entry counts only in the
    # years it describes): the table keeps the report's 57.62%, the target's line says the entry is there.
    screens = [f.value for f in viewer.dataframe if {"现值", "状态"} <= set(f.value.columns)]
    shown_values = [v for table in screens for v in table["现值"]]
    assert "61.50%（填报）" not in shown_values and "57.62%" in shown_values
    assert "已填报 2023 年：61.50%（填报值只计入所描述年度的报告）" in unescaped(_text(viewer))

    # The planner changes it (same entry, new value): replaced, logged.
    at.run()
    at.selectbox(key="entry_pick").select_index(0).run()  # the one entry
    suffix = entry["entry_id"]
    assert at.number_input(key=f"entry_value_{suffix}").value == 61.5
    at.number_input(key=f"entry_value_{suffix}").set_value(62.0)
    _button(at, "保存填报").click().run()
    assert any("已保存（已替换）" in s.value for s in at.success)

    # A rebuild of the store (python -m loaders rebuild, or the app's recovery) keeps the entry.
    kept = read_entries_file(tmp_path / "uploads")
    assert [(e["entry_id"], e["value"]) for e in kept] == [(entry["entry_id"], 62.0)]
    app_store.close()  # as the app's recovery does before it rebuilds
    rebuild(built_db, uploads=tmp_path / "uploads")
    con = connect(built_db, read_only=True)
    again = read_entries(con, PLAN)
    outcomes = list(read_log(con)["outcome"][read_log(con)["action"] == "entry"])
    con.close()
    assert list(zip(again["entry_id"], again["value"], again["entered_at"], strict=True)) == [
        (entry["entry_id"], 62.0, entry["entered_at"])
    ]
    assert sorted(outcomes) == ["added", "replaced"]  # the write log came along

    # The planner deletes it; the kept file and the store no longer have it.
    at = _targets_page(app_test(built_db, monkeypatch, tmp_path, PLANNER_PASSWORD=PASSWORD))
    at.text_input(key="entries_password").input(PASSWORD)
    _button(at, "解锁").click().run()
    at.selectbox(key="entry_pick").select_index(0).run()  # the one entry
    at.checkbox(key=f"entry_sure_{suffix}").check()
    _button(at, "删除这条填报").click().run()
    assert not at.exception and any("已删除" in s.value for s in at.success)
    assert read_entries_file(tmp_path / "uploads") == []
    assert read_entries(app_store.cursor(), PLAN).empty
    assert read_log(app_store.cursor())["outcome"].iloc[0] == "deleted"
    app_store.close()


def test_a_wrong_password_changes_nothing(built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _targets_page(app_test(built_db, monkeypatch, tmp_path, PLANNER_PASSWORD=PASSWORD))
    at.text_input(key="entries_password").input("guess")
    _button(at, "解锁").click().run()
    assert any("密码不正确" in e.value for e in at.error)
    assert "entry_pick" not in [s.key for s in at.selectbox]
    without = _targets_page(app_test(built_db, monkeypatch, tmp_path))  # no password configured: no entries at all
    assert "本服务不接受填报" in _text(without)


def test_entries_are_checked_with_the_row_validator(built_db: Path, tmp_path: Path) -> None:
    con = connect(built_db)
    target = target_of(con, PLAN, "毕业生留温率")
    fields = {"school": SCHOOL, "year": 2023, "source_document": "状态数据", "note": "", "author": "张"}
    with pytest.raises(ValueParseError, match="超出合理范围"):
        check_entry(target, value=160.0, **fields)  # a percent above 100
    with pytest.raises(ValueParseError, match="有限"):
        check_entry(target, value=math.inf, **fields)
    with pytest.raises(ValueParseError, match="2100"):
        check_entry(target, value=60.0, **{**fields, "year": 3023})
    with pytest.raises(TableError, match="来源文件"):
        check_entry(target, value=60.0, **{**fields, "source_document": " "})
    with pytest.raises(TableError, match="规划中没有目标"):
        target_of(con, PLAN, "不存在的目标")
    # A target no indicator maps to can be entered too, and then measures it.
    parents = target_of(con, PLAN, "家长满意度")
    entry, outcome = save_entry(con, check_entry(parents, value=96.0, **fields), uploads=tmp_path / "uploads")
    assert outcome == "added"
    row = queries.attainment(StoreReader(con), PLAN, SCHOOL).set_index("label_zh").loc["家长满意度"]
    assert (row["status"], row["current_value"], row["basis"], row["source_table"]) == ("met", 96.0, "entered", "填报")
    # The same target, school and year again replaces it; a stored file keeps one.
    _, outcome = save_entry(con, check_entry(parents, value=94.0, **fields), uploads=tmp_path / "uploads")
    assert outcome == "replaced"
    kept = json.loads((tmp_path / "uploads" / "entries.json").read_text(encoding="utf-8"))["entries"]
    assert [e["value"] for e in kept] == [94.0]
    assert delete_entry(con, entry["entry_id"], uploads=tmp_path / "uploads")["value"] == 94.0
    assert delete_entry(con, entry["entry_id"], uploads=tmp_path / "uploads") is None
    con.close()
