"""AppTest smoke tests: every page runs without an exception on the bundled data."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders.paths import ROOT
from loaders.store import rebuild


@pytest.fixture
def app(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    rebuild(db_path)
    monkeypatch.setenv("QUALITY_DB", str(db_path))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def test_data_page_lists_the_bundled_report(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert app.title[0].value == "已载入数据 · Loaded data"
    reports = app.dataframe[0].value
    assert reports["学校 School"].tolist() == ["温州职业技术学院"]
    assert reports["数据项 Figures"].tolist() == [764]
    figures = app.dataframe[2].value
    employment = figures[
        (figures.source_table == "表2-15") & (figures.subject == "本校") & (figures.name_zh == "就业率")
    ]
    assert employment["value"].tolist() == [98.82]
    assert "来源 Source：温州职业技术学院_2020_质量年度报告.txt" in [c.value for c in app.caption]
