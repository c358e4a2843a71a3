"""Issue 25, the 填报 form: the year starts at the viewed report's year, required fields are marked and
an empty one is named next to it in words, the counts above refresh on save, the form is empty after
a delete."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import store as app_store
from loaders.store.build import rebuild
from tests.helpers import PASSWORD, app_test, unescaped
from viz.entries import entry_problems, required

PLAN = "wzvtc_2022_2025"


def test_entry_problems_name_each_empty_field_in_words() -> None:
    assert entry_problems("毕业生留温率", 61.5, "采集表", "张规划", "zh") == {}
    problems = entry_problems(None, None, " ", "", "zh")
    assert list(problems) == ["target", "value", "source", "author"]
    assert problems["author"] == "请填写填报人姓名。" and "来源文件" in problems["source"]
    assert entry_problems("x", 0.0, "s", "a", "en") == {}  # zero is a value
    assert required("填报人", "zh") == "填报人 （必填）"


@pytest.fixture
def built_db(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUALITY_UPLOADS", str(tmp_path / "uploads"))
    rebuild(db_path)
    return db_path


def _planner(at: AppTest) -> AppTest:
    at.run()
    at.switch_page("pages/targets.py").run()
    at.text_input(key="entries_password").input(PASSWORD)
    next(b for b in at.button if b.label == "解锁").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _save(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.label == "保存填报").click().run()


ENTERED_2021 = "已填报 2021 年：61.50%（填报值只计入所描述年度的报告）"


def _said(at: AppTest) -> str:
    return unescaped("\n".join(str(e.value) for e in [*at.markdown, *at.caption]))


def _met(at: AppTest) -> int:
    return next(int(m.value) for m in at.metric if m.label == "已达成")


def test_the_form_starts_at_the_report_year_marks_and_explains_required_fields_and_refreshes(
    built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _planner(app_test(built_db, monkeypatch, tmp_path, PLANNER_PASSWORD=PASSWORD))
    # The viewed report (2020) precedes the plan (2022–2025, base year 2021): the form starts at the
    # nearest year an entry may be for, and says why (issue 26: entries only within the plan's period).
    assert at.number_input(key="entry_year_new").value == 2021
    assert any("所看报告为 2020 年" in str(c.value) and "2021–2025" in str(c.value) for c in at.caption)
    assert at.text_input(key="entry_author_new").label == "填报人 （必填）"
    met_before = _met(at)

    # Saving with the author left empty: the message sits under the author field, nothing is written.
    at.selectbox(key="entry_target_new").set_value("毕业生留温率")
    at.number_input(key="entry_value_new").set_value(61.5)
    at.text_input(key="entry_source_new").input("2023 年高职院校人才培养工作状态数据采集表")
    _save(at)
    assert not at.exception
    assert [e.value for e in at.error] == ["请填写填报人姓名。"]
    assert "wzvtc" not in " ".join(str(e.value) for e in at.error)  # no internal plan id

    # Filled in: saved, the page above reads it at once, the form is a new empty one. The entry is for
    # 2021 and the viewed report describes 2020: it does not count here (an entry counts only in the
    # years it describes) — the met count stays, and the target says the entry is there.
    at.text_input(key="entry_author_new").input("张规划")
    _save(at)
    assert not at.exception, [e.value for e in at.exception]
    assert any("已保存（新增）" in str(s.value) for s in at.success)
    assert _met(at) == met_before
    assert ENTERED_2021 in _said(at)
    assert at.number_input(key="entry_value_new_1").value is None

    # Deleted: the form no longer shows the deleted values.
    at.selectbox(key="entry_pick").select_index(0).run()
    picked = at.selectbox(key="entry_pick").value
    at.checkbox(key=f"entry_sure_{picked}").check()
    next(b for b in at.button if b.label == "删除这条填报").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已删除" in str(s.value) for s in at.success)
    assert at.selectbox(key="entry_pick").value is None
    assert at.number_input(key="entry_value_new_2").value is None
    assert _met(at) == met_before
    assert ENTERED_2021 not in _said(at)
    app_store.close()
