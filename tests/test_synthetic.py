"""Synthetic reports (marked, parseable, consistent, never under data/) and the bulk build."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.__main__ import main
from loaders.contracts.paths import DATA_DIR
from loaders.read.load import load, load_bytes
from loaders.read.synthetic import SYNTHETIC_MARK, file_name, render_report, school_name, write_reports
from loaders.store.build import build_store, rebuild
from loaders.store.queries import read_coverage, read_observations, read_report_lines
from loaders.store.schema import StoreOutdatedError, connect
from loaders.store.writes import ingest_file


def test_a_synthetic_report_is_marked_and_reads_like_a_real_one() -> None:
    text = render_report(12, 2021, seed=3)
    assert text == render_report(12, 2021, seed=3)  # seeded: same arguments, same bytes
    assert text != render_report(12, 2021, seed=4)
    result = load_bytes(text.encode("utf-8"), file_name(12, 2021))
    assert (result.school, result.report_year) == (school_name(12), 2021) == ("模拟第零零一二号职业技术学院", 2021)
    assert text.splitlines()[0].startswith(SYNTHETIC_MARK)
    assert result.source_file.startswith("模拟_synthetic_0012_2021")
    assert result.notes == []  # every table the spec reads is there
    assert len(result.observations) > 550
    assert result.observations["source_table"].nunique() == 36
    frame = result.observations
    survey = frame[(frame["source_table"] == "表2-15") & (frame["indicator_id"] == "survey_population")]
    values = dict(zip(survey["subject"], survey["value"], strict=True))
    assert values["全省"] == values["本科"] + values["高职"]  # consistent totals
    other = load_bytes(render_report(40, 2021, seed=3).encode(), "b.txt").observations
    bench = other[(other["source_table"] == "表2-15") & (other["subject"] == "高职")]
    assert (
        bench["value"].tolist()
        == frame[(frame["source_table"] == "表2-15") & (frame["subject"] == "高职")]["value"].tolist()
    )  # the provincial rows of a cohort are the same in every school's report


def test_synthetic_reports_are_never_written_under_data(tmp_path: Path, capsys) -> None:
    with pytest.raises(ValueError, match="data/"):
        write_reports(DATA_DIR / "reports", 1, 1)
    assert main(["synthetic", "--schools", "1", "--years", "1", "--out", str(DATA_DIR / "x")]) == 2
    assert not (DATA_DIR / "x").exists()
    assert main(["synthetic", "--schools", "2", "--years", "3", "--out", str(tmp_path), "--workers", "1"]) == 0
    assert len(list(tmp_path.glob("模拟_synthetic_*.txt"))) == 6


def test_the_bulk_build_stores_what_ingesting_one_by_one_stores(tmp_path: Path, capsys) -> None:
    reports = tmp_path / "reports"
    write_reports(reports, 3, 2, first_year=2019)
    lines = render_report(9, 2019).splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("全省 "))  # 表2-15's first row …
    lines[row] = " ".join(lines[row].split()[:-2])  # … loses two numbers
    (reports / "broken.txt").write_text("\n".join(lines), encoding="utf-8")
    bulk, single = tmp_path / "bulk.duckdb", tmp_path / "single.duckdb"
    lenient = tmp_path / "lenient.duckdb"
    assert main(["build", "--from", str(reports), "--db", str(lenient), "--workers", "2"]) == 0
    err = capsys.readouterr().err  # written, but named as partly read, with the table
    assert "reports partly read: 1" in err and "broken.txt: 核心表格缺失或不完整" in err and "（表2-15）" in err
    status = main(["build", "--from", str(reports), "--db", str(bulk), "--workers", "2", "--batch", "4", "--strict"])
    assert status == 2  # with --strict the file fails …
    err = capsys.readouterr().err
    assert "broken.txt" in err and "表2-15" in err  # … and is named, with its place
    rebuild(single)
    con = connect(single)
    for path in sorted(reports.glob("模拟_*.txt")):
        ingest_file(con, path)
    con.close()
    a, b = connect(bulk, read_only=True), connect(single, read_only=True)
    reports_sql = "SELECT report_id, school, report_year, source_file, sha256, format, n_observations FROM reports"
    assert sorted(a.execute(reports_sql).fetchall()) == sorted(b.execute(reports_sql).fetchall())
    assert a.execute("SELECT count(*) FROM reports").fetchall() == [(7,)]  # bundled + 6, not the broken one
    for (report_id,) in a.execute("SELECT report_id FROM reports").fetchall():
        assert read_observations(a, report_id).equals(read_observations(b, report_id))
        assert read_report_lines(a, report_id) == read_report_lines(b, report_id)
    assert a.execute("SELECT count(*) FROM plans").fetchall() == [(4,)]
    keys = a.execute("SELECT count(DISTINCT report_key), count(*) FROM reports").fetchall()
    assert keys == [(7, 7)]
    assert a.execute("SELECT count(*) FROM observations o JOIN reports r USING (report_id, report_key)").fetchall() == (
        a.execute("SELECT count(*) FROM observations").fetchall()
    )
    a.close()
    b.close()


def test_reads_by_school_and_by_report(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    write_reports(reports, 2, 3)
    db = tmp_path / "q.duckdb"
    build_store(db, sorted(reports.iterdir()))
    con = connect(db, read_only=True)
    one = read_observations(con, schools=[school_name(2)])
    assert set(one["school"]) == {school_name(2)} and one["report_year"].nunique() == 3
    both = read_observations(con, schools=[school_name(1), school_name(2)])
    assert len(both) == con.execute("SELECT count(*) FROM observations").fetchall()[0][0]
    report_id = f"{school_name(1)}-2016"
    only = read_observations(con, report_id, indicator_id="employment_rate")
    assert set(only["report_id"]) == {report_id} and set(only["indicator_id"]) == {"employment_rate"}
    assert read_observations(con, schools=["没有这所学校"]).empty
    con.close()


def test_a_store_of_an_older_version_is_rebuilt_not_migrated(built_db_path: Path, capsys) -> None:
    con = connect(built_db_path)
    con.execute("DROP TABLE store_meta")  # what a store written before schema versions looks like
    con.close()
    with pytest.raises(StoreOutdatedError, match="python -m loaders rebuild"):
        connect(built_db_path)
    with pytest.raises(StoreOutdatedError):
        connect(built_db_path, read_only=True)
    assert main(["sync", "--db", str(built_db_path)]) == 0
    assert "rebuilt" in capsys.readouterr().err
    con = connect(built_db_path, read_only=True)
    assert len(read_observations(con, schools=["温州职业技术学院"])) == 802
    assert len(read_coverage(con, "温州职业技术学院-2020")) == 62
    con.close()


@pytest.fixture
def built_db_path(db_path: Path) -> Path:
    rebuild(db_path)
    return db_path


def test_loaded_bundled_report_is_unchanged_by_the_parser_speed_ups(bundled_report: Path) -> None:
    result = load(bundled_report)
    assert result.table is not None and result.table.num_rows == len(result.observations) == 802
    assert result.table.to_pandas()["value"].tolist() == result.observations["value"].tolist()
