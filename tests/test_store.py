"""The DuckDB store: idempotent ingest, replacement of a changed report, rebuild, data tests."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from loaders.__main__ import main
from loaders.contracts.formula import parse_formula
from loaders.contracts.paths import INDICATORS_CSV
from loaders.contracts.registry import read_registry
from loaders.read.load import load
from loaders.read.spec import load_spec
from loaders.store.build import rebuild
from loaders.store.queries import read_observations
from loaders.store.schema import connect
from loaders.store.writelog import file_entries, log_file, record, restore
from loaders.store.writes import ingest_file, ingest_result


@pytest.fixture
def built_db(db_path: Path) -> Path:
    rebuild(db_path)
    return db_path


def test_rebuild_loads_the_bundled_report(built_db: Path) -> None:
    con = connect(built_db, read_only=True)
    reports = con.execute("SELECT report_id, school, report_year, format, n_observations FROM reports").fetchall()
    assert reports == [("温州职业技术学院-2020", "温州职业技术学院", 2020, "text", 802)]
    assert con.execute("SELECT count(*) FROM observations").fetchall() == [(802,)]
    con.close()


def test_same_content_twice_changes_nothing(built_db: Path, bundled_report: Path) -> None:
    con = connect(built_db)
    loaded_at = con.execute("SELECT loaded_at FROM reports").fetchall()
    outcome = ingest_file(con, bundled_report)
    assert (outcome.action, outcome.n_observations) == ("unchanged", 802)
    assert con.execute("SELECT loaded_at FROM reports").fetchall() == loaded_at
    con.close()


def test_changed_version_replaces_the_report(built_db: Path, bundled_report: Path, tmp_path: Path) -> None:
    lines = bundled_report.read_text(encoding="utf-8").splitlines()
    lines[1276] = "本校 3518 3318 94.31% 98.90% 24.47%"  # a corrected 就业率
    revised = tmp_path / "revised.txt"
    revised.write_text("\n".join(lines), encoding="utf-8")
    con = connect(built_db)
    outcome = ingest_file(con, revised)
    assert (outcome.report_id, outcome.action, outcome.n_observations) == ("温州职业技术学院-2020", "replaced", 802)
    value = con.execute(
        "SELECT value FROM observations WHERE source_table = '表2-15' AND subject = '本校'"
        " AND indicator_id = 'employment_rate'"
    ).fetchall()
    assert value == [(98.90,)]
    assert con.execute("SELECT count(*), any_value(source_file) FROM reports").fetchall() == [(1, "revised.txt")]
    assert con.execute("SELECT count(*) FROM observations").fetchall() == [(802,)]
    con.close()


def test_failed_write_rolls_back(built_db: Path, bundled_report: Path) -> None:
    result = load(bundled_report)
    bad = result.observations.copy()
    bad.loc[bad.index[-1], "indicator_id"] = "no_such_indicator"  # violates the foreign key at the last row
    result.observations = bad
    result.sha256 = "0" * 64
    con = connect(built_db)
    before = read_observations(con)
    with pytest.raises(Exception, match=r"no_such_indicator|foreign key|FOREIGN KEY"):
        ingest_result(con, result)
    assert read_observations(con).equals(before)
    assert con.execute("SELECT sha256 FROM reports").fetchall() != [("0" * 64,)]
    con.close()


def test_rebuild_replaces_a_corrupt_file(db_path: Path) -> None:
    db_path.write_bytes(b"this is not a duckdb file" * 100)
    rebuild(db_path)
    con = connect(db_path, read_only=True)
    assert con.execute("SELECT count(*) FROM observations").fetchall() == [(802,)]
    con.close()
    assert not list(db_path.parent.glob(".rebuild-*"))


# ------------------------------------------------------------------------- data tests
def test_primary_key_unique_and_values_present(built_db: Path) -> None:
    con = connect(built_db, read_only=True)
    frame = read_observations(con)
    con.close()
    assert not frame.duplicated(["report_id", "source_line", "indicator_id", "subject", "year"]).any()
    for column in ["report_id", "indicator_id", "subject", "year", "value", "unit", "source_table", "source_line"]:
        assert frame[column].notna().all(), column
    assert (frame["source_text"].str.len() > 0).all()


def test_every_indicator_is_in_the_registry_and_rates_are_within_0_100(built_db: Path) -> None:
    con = connect(built_db, read_only=True)
    frame = con.execute(
        "SELECT o.indicator_id, i.kind, o.value, o.unit, i.unit AS registry_unit"
        " FROM observations o LEFT JOIN indicators i USING (indicator_id)"
    ).df()
    con.close()
    assert frame["kind"].notna().all()
    assert (frame["unit"] == frame["registry_unit"]).all()
    rates = frame[frame["kind"].isin(["rate", "share"])]
    assert len(rates) > 100
    assert rates["value"].between(0, 100).all(), rates[~rates["value"].between(0, 100)]


def test_registry_is_well_formed_and_fully_used() -> None:
    registry = read_registry()
    assert registry["indicator_id"].is_unique
    assert set(registry["direction"]) <= {"higher", "lower", "neutral"}
    assert set(registry["kind"]) <= {"rate", "share", "count", "amount", "score", "ratio"}
    assert list(registry.columns)[-1] == "formula"
    assert (registry[["name_zh", "name_en", "unit", "domain", "definition"]] != "").all().all()
    spec = load_spec()
    derived = registry[registry["formula"] != ""]
    used = (
        {column.indicator for table in spec.table for column in table.columns}
        | {row.indicator for block in spec.block for row in block.rows}
        | {row.indicator for row in spec.row}
        | {count.indicator for listed in spec.lists for count in listed.counts}
        | set(derived["indicator_id"])
    )
    assert used == set(registry["indicator_id"])
    inputs = {term.indicator_id for text in derived["formula"] for term in parse_formula(text).terms}
    assert inputs <= used - set(derived["indicator_id"])  # formulas are over figures read from reports
    ranges = pd.read_csv(INDICATORS_CSV, dtype={"min_value": float, "max_value": float})
    assert (ranges["min_value"] <= ranges["max_value"]).all()
    assert (ranges.loc[ranges["kind"].isin(["rate", "share"]), "max_value"] == 100).all()
    assert (ranges["min_value"] >= 0).all()
    required = {
        "response_rate", "employment_rate", "further_study_rate", "monthly_income", "alma_mater_satisfaction",
        "major_relevance", "entrepreneurship_rate", "promotion_rate", "employer_response_rate",
        "employer_sat_practical", "employer_sat_professional", "employer_sat_innovation", "employer_sat_teamwork",
        "employer_sat_communication", "enroll_plan", "enroll_admitted", "enroll_registered",
        "enroll_registration_rate", "graduates", "initial_employment_rate", "employer_satisfaction",
        "equipment_value_per_student", "fiscal_funding_per_student", "fulltime_teachers", "student_teacher_ratio",
        "dual_qualified_ratio", "senior_title_ratio", "tech_service_income", "vertical_research_funding",
        "tech_transaction_income", "nondegree_training_persondays", "nondegree_training_income",
        "foreign_training_persondays", "course_standards_adopted_abroad",
    }  # fmt: skip
    assert required <= set(registry["indicator_id"])
    assert registry.set_index("indicator_id").loc["student_teacher_ratio", "direction"] == "lower"


# ------------------------------------------------------------------------- CLI
def test_cli_extract_json(bundled_report: Path, capsys) -> None:
    assert main(["extract", str(bundled_report), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["report_id"], document["report_year"], document["title_year"]) == (
        "温州职业技术学院-2020",
        2020,
        None,
    )
    assert document["year_basis"]["zh"] == "附表表头“序号 指标 单位 2020 年”（第 4611 行）"
    assert document["summary"] == {"found": 49, "partial": 0, "missing": 0, "not_read": 12}
    records = document["observations"]
    assert len(records) == 802
    assert set(records[0]) == {
        "indicator_id", "subject", "year", "years_after", "value", "unit", "source_table", "source_line",
        "held_reason",
    }  # fmt: skip
    assert not [r for r in records if r["held_reason"]]  # nothing of the bundled report is held back
    income = [r for r in records if r["indicator_id"] == "monthly_income" and r["source_table"] == "表2-18"]
    assert {r["subject"]: r["value"] for r in income} == {
        "全省": 7073.85,
        "本科": 7692.99,
        "高职": 6368.72,
        "本校": 9020.27,
    }
    assert {r["years_after"] for r in income} == {3}
    assert {r["year"] for r in income} == {2017}


def test_cli_ingest_and_rebuild(db_path: Path, bundled_report: Path, capsys) -> None:
    assert main(["ingest", str(bundled_report), "--db", str(db_path)]) == 0
    assert main(["ingest", str(bundled_report), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "温州职业技术学院-2020: added (802 observations)",
        "温州职业技术学院-2020: unchanged (802 observations)",
    ]
    assert main(["rebuild", "--db", str(db_path)]) == 0
    con = connect(db_path, read_only=True)
    assert con.execute("SELECT count(*) FROM observations").fetchall() == [(802,)]
    con.close()


def test_cli_reports_a_locked_database(db_path: Path, bundled_report: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("QUALITY_CLI_WAIT_S", "1")  # a holder that is not a dashboard never lets go
    rebuild(db_path)
    import subprocess
    import sys

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(db_path)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        assert main(["ingest", str(bundled_report), "--db", str(db_path)]) == 3
        err = capsys.readouterr().err
        assert f"数据库正被进程 {holder.pid}" in err and f"the store is in use by process {holder.pid}" in err
        assert "本次未写入任何内容" in err and "Nothing was written" in err
        assert not Path(f"{db_path}.write-request").exists()  # the request is taken back
    finally:
        holder.kill()
        holder.wait()


def test_every_observation_belongs_to_a_report(built_db: Path) -> None:
    con = connect(built_db, read_only=True)
    orphans = con.execute(
        "SELECT count(*) FROM observations o ANTI JOIN reports r ON o.report_id = r.report_id"
    ).fetchall()
    con.close()
    assert orphans == [(0,)]


def test_plans_and_targets_are_stored(built_db: Path) -> None:
    con = connect(built_db, read_only=True)
    plans = dict(con.execute("SELECT plan_id, scope FROM plans ORDER BY plan_id").fetchall())
    counts = dict(con.execute("SELECT plan_id, count(*) FROM targets GROUP BY plan_id").fetchall())
    ratio = con.execute(
        "SELECT comparator, target_value, unit, source_line FROM targets"
        " WHERE plan_id = 'wzvtc_2022_2025' AND indicator_id = 'student_teacher_ratio'"
    ).fetchall()
    con.close()
    assert plans == {
        "lishui_2023_2025": "city",
        "taizhou_2023": "city",
        "wenzhou_city": "city",
        "wzvtc_2022_2025": "school",
    }
    assert counts == {"wzvtc_2022_2025": 115, "taizhou_2023": 25, "wenzhou_city": 5, "lishui_2023_2025": 6}
    assert ratio == [("<=", 18.0, ":1", 489)]


def test_plan_ingest_is_idempotent(built_db: Path) -> None:
    from loaders.store.build import bundled_plan_files
    from loaders.store.writes import ingest_plan

    con = connect(built_db)
    outcomes = [ingest_plan(con, path) for path in bundled_plan_files()]
    assert {o.action for o in outcomes} == {"unchanged"}
    assert con.execute("SELECT count(*) FROM targets").fetchall() == [(151,)]
    con.close()


def test_cli_targets_json(capsys) -> None:
    assert main(["targets", "--plan", "taizhou_2023", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 25
    funding = [r for r in records if r["indicator_id"] == "fiscal_funding_per_student"]
    assert [(r["target_value"], r["unit"], r["comparator"]) for r in funding] == [(12000.0, "元", ">=")]
    assert main(["targets", "--plan", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_report_text_is_kept_for_provenance(built_db: Path, bundled_lines: list[str]) -> None:
    from loaders.store.queries import read_report_lines

    con = connect(built_db, read_only=True)
    lines = read_report_lines(con, "温州职业技术学院-2020")
    source_text = con.execute(
        "SELECT source_line, source_text FROM observations WHERE source_table = '表3' AND"
        " indicator_id = 'dual_qualified_ratio'"
    ).fetchall()
    con.close()
    assert lines == bundled_lines
    assert source_text == [(4693, "3 双师素质专任教师比例 % 90.81")]
    assert lines[4693 - 1] == "3 双师素质专任教师比例 % 90.81"


def test_unreadable_write_log_lines_are_reported_and_a_restore_says_which(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A line of the log file that is not an entry (cut short, edited by hand) is not passed over:
    the process's log names its line, and the restored log says how many lines and which."""
    db = tmp_path / "quality.duckdb"
    path = log_file(db)
    record(None, "upload", "added", detail="a.txt", db_path=db)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"logged_at": "2026-12-07T01:00:00", "action": "del\n')  # cut short by a full disk
    record(None, "delete", "deleted", report_id="r1", db_path=db)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"logged_at": "yesterday", "action": "x", "report_id": "", "file_sha256": "",'
                     ' "outcome": "", "detail": ""}\n')  # fmt: skip

    entries, unreadable = file_entries(path)
    assert [(e.action, e.outcome) for e in entries] == [("upload", "added"), ("delete", "deleted")]
    assert unreadable == [2, 4]
    assert [r.getMessage().split(": ", 1)[0] for r in caplog.records] == [f"{path}, line 2", f"{path}, line 4"]

    con = connect(tmp_path / "rebuilt.duckdb")
    assert restore(con, db) == 2
    rows = con.execute("SELECT action, outcome, report_id, detail FROM write_log ORDER BY logged_at").fetchall()
    assert rows == [
        ("upload", "added", "", "a.txt"),
        ("delete", "deleted", "r1", ""),
        (
            "store",
            "unreadable lines",
            "",
            "写入日志 quality.duckdb.log.jsonl 有 2 行无法读取：第 2、4 行 / "
            "2 line(s) of quality.duckdb.log.jsonl could not be read: 2, 4",
        ),
    ]
    assert file_entries(path)[0][-1].outcome == "unreadable lines"  # the file keeps it too
    assert restore(con, db) == 0  # a log that holds entries is not restored into again
    con.close()


def test_a_readable_write_log_restores_without_a_note(tmp_path: Path) -> None:
    db = tmp_path / "quality.duckdb"
    record(None, "upload", "added", db_path=db)
    assert file_entries(log_file(db)) == (file_entries(log_file(db))[0], [])
    con = connect(tmp_path / "rebuilt.duckdb")
    assert restore(con, db) == 1
    assert con.execute("SELECT action, outcome FROM write_log").fetchall() == [("upload", "added")]
    assert file_entries(tmp_path / "absent.log.jsonl") == ([], [])
    con.close()
