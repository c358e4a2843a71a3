"""Replacing is a decision (issue 24 item 3): a smaller version of a stored report is refused unless allowed.

The truncated copy is made here from the bundled report (the graduate survey, 表2-14 … 表2-19, and the
appendix 附件 cut away); it is a test input only, never written under data/. Counts were typed by hand
from a run of the loader on it and checked against the coverage: the survey and scorecard core items go.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.__main__ import main
from loaders.read.load import load
from loaders.store.replacing import ReplaceRefusedError, replacement_loss
from loaders.store.schema import connect
from loaders.store.writes import ingest_result

#: The bundled report's lines kept in the truncated copy: up to 表2-14, and from after the survey to 附件.
KEEP = (slice(0, 1260), slice(1400, 4597))
REPORT = "温州职业技术学院-2020"
LOST_CORE = {
    "survey_employment@1",
    "survey_employment@3",
    "survey_income@1",
    "survey_income@3",
    "survey_alma_mater@1",
    "survey_alma_mater@3",
    "rows:scorecard",
}


@pytest.fixture
def truncated(tmp_path: Path, bundled_report: Path) -> Path:
    lines = bundled_report.read_text(encoding="utf-8").split("\n")
    path = tmp_path / "温州职业技术学院_2020_截断副本.txt"
    path.write_text("\n".join(lines[KEEP[0]] + lines[KEEP[1]]), encoding="utf-8")
    return path


def _figures(db: Path) -> list[tuple]:
    con = connect(db, read_only=True)
    try:
        return con.execute(
            "SELECT source_line, indicator_id, subject, year, years_after, value FROM observations"
            " WHERE report_id = ? ORDER BY ALL",
            [REPORT],
        ).fetchall()
    finally:
        con.close()


def _sha(db: Path) -> str:
    con = connect(db, read_only=True)
    try:
        return con.execute("SELECT sha256 FROM reports WHERE report_id = ?", [REPORT]).fetchall()[0][0]
    finally:
        con.close()


def test_truncated_copy_over_full_report_is_refused_without_replace(
    db_path: Path, bundled_report: Path, truncated: Path, capsys
) -> None:
    assert main(["ingest", str(bundled_report), "--db", str(db_path)]) == 0
    before, sha = _figures(db_path), _sha(db_path)
    assert len(before) == 802
    capsys.readouterr()

    assert main(["ingest", str(truncated), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    # 802 stored, 634 in the copy: 90 (indicator, subject, year, years after) are no longer there
    assert "将丢失 90 个数字和 7 个核心项目" in err
    assert "90 figures and 7 core items would be lost" in err
    assert "核心项目：" in err and "core item: " in err
    assert "--replace" in err and "未写入任何内容" in err and "Nothing was written" in err
    assert _figures(db_path) == before  # the same figures, the same values
    assert _sha(db_path) == sha

    assert main(["ingest", str(truncated), "--db", str(db_path), "--replace"]) == 0
    after = _figures(db_path)
    assert len(after) == 634
    assert _sha(db_path) != sha


def test_the_same_report_again_or_a_fuller_one_goes_through(
    db_path: Path, bundled_report: Path, truncated: Path
) -> None:
    assert main(["ingest", str(truncated), "--db", str(db_path)]) == 0  # nothing stored: added
    assert len(_figures(db_path)) == 634
    assert main(["ingest", str(truncated), "--db", str(db_path)]) == 0  # the same bytes: unchanged
    assert main(["ingest", str(bundled_report), "--db", str(db_path)]) == 0  # fuller: nothing lost
    assert len(_figures(db_path)) == 802


def test_replacement_loss_lists_figures_and_core_items(db_path: Path, bundled_report: Path, truncated: Path) -> None:
    con = connect(db_path)
    try:
        ingest_result(con, load(bundled_report))
        smaller = load(truncated)
        loss = replacement_loss(con, smaller)
        assert loss is not None and loss.loses
        assert (loss.n_stored, loss.n_new, len(loss.figures)) == (802, 634, 90)
        assert {item_id for item_id, _, _ in loss.core_items} == LOST_CORE
        lost_tables = set(loss.figures["source_table"])
        assert {"表2-15", "表2-19"} <= lost_tables and "表2-1" not in lost_tables
        # the store's own check (inside the write) refuses too, and writes nothing
        with pytest.raises(ReplaceRefusedError) as refused:
            ingest_result(con, smaller, allow_loss=False, refused_how=("加 --replace。", "add --replace."))
        assert "加 --replace。" in refused.value.zh and "add --replace." in refused.value.en
        assert con.execute("SELECT count(*) FROM observations").fetchall() == [(802,)]
        # the same bytes: no loss to speak of
        assert replacement_loss(con, load(bundled_report)) is None
    finally:
        con.close()


def test_the_data_page_shows_what_a_replacement_would_lose_and_asks_first(
    tmp_path: Path, truncated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from loaders.contracts.paths import ROOT
    from loaders.store.build import rebuild

    db = tmp_path / "quality.duckdb"
    rebuild(db, uploads=tmp_path / "uploads")
    monkeypatch.setenv("QUALITY_DB", str(db))
    monkeypatch.setenv("QUALITY_UPLOADS", str(tmp_path / "uploads"))
    monkeypatch.setenv("PLANNER_PASSWORD", "s3cret")
    monkeypatch.delenv("QUALITY_DB_READONLY", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/data.py").run()
    at.text_input[-1].input("s3cret")  # the upload tab's password form (the last on the page)
    next(b for b in at.button if b.label == "解锁" and b.form_id == "unlock").click().run()
    at.get("file_uploader")[0].set_value((truncated.name, truncated.read_bytes(), "text/plain"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(
        "替换将丢失已存储报告中的 90 个数字和 7 个核心项目（已存 802 个数字，新文件 634 个）" in e.value
        for e in at.error
    )
    lost = next(d.value for d in at.dataframe if len(d.value) == 90)
    assert "表2-15" in set(lost["表"])
    confirm = next(b for b in at.button if b.label == "确认载入")
    assert confirm.disabled  # not before the planner ticks the loss
    at.checkbox(key="replace_sure").check().run()
    confirm = next(b for b in at.button if b.label == "确认载入")
    assert not confirm.disabled
    confirm.click().run()
    assert not at.exception, [e.value for e in at.exception]
    from dashboard import store as app_store

    count = app_store.cursor().execute("SELECT count(*) FROM observations WHERE report_id = ?", [REPORT]).fetchone()
    assert count == (634,)
