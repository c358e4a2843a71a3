"""Holding up: concurrent writes, readers during writes, a process killed mid-write, a damaged or
missing store at start-up, the read-only replica, who may change data, and hostile files.

Every test checks what the database holds afterwards, not only that no exception was raised.
(Zip bombs by size and by member count are in ``tests/test_workbook.py``; here a bomb named
``.txt`` checks that the content, not the name, decides how a file is read.)
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from loaders.contracts.errors import FormatError, LoadError, StoreBusyError, StoreWriteError
from loaders.contracts.paths import ROOT
from loaders.read.load import load, load_bytes, safe_file_name
from loaders.read.record import OBSERVATION_COLUMNS
from loaders.read.synthetic import file_name, render_report
from loaders.read.workbook_write import render_workbook
from loaders.store.build import rebuild
from loaders.store.queries import read_observations, read_report_lines
from loaders.store.schema import connect
from loaders.store.transaction import WRITE_LOCK
from loaders.store.uploads import keep, kept_uploads
from loaders.store.writes import delete_report, ingest_result, ingest_results
from tests.helpers import app_test, data_page, shown_as_markdown, store_content, unescaped, unlocked

BUNDLED_ID = "温州职业技术学院-2020"
BUNDLED_ROWS = 802


# ------------------------------------------------------------------------------------ helpers
@pytest.fixture
def built_db(db_path: Path) -> Path:
    rebuild(db_path)
    return db_path


def _synthetic(index: int, year: int = 2020, change: str | None = None):
    text = render_report(index, year)
    if change is not None:
        text = text.replace("浙江省", change, 1)  # a different version of the same report
    return load_bytes(text.encode("utf-8"), file_name(index, year))


def _stored_equals(con: duckdb.DuckDBPyConnection, result) -> bool:
    """The report's stored observations are exactly the loaded ones."""
    key = ["source_line", "indicator_id", "subject"]
    stored = read_observations(con, result.report_id)[OBSERVATION_COLUMNS].sort_values(key, ignore_index=True)
    loaded = result.observations[OBSERVATION_COLUMNS].sort_values(key, ignore_index=True)
    stored = stored.astype(loaded.dtypes.to_dict())
    return stored.equals(loaded)


def _file_state(path: Path) -> tuple[str, int, bool]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns, Path(f"{path}.wal").exists()


# ------------------------------------------------------------------------------------ concurrent writes
def test_two_uploads_at_the_same_moment_both_succeed_in_turn(built_db: Path) -> None:
    con = connect(built_db)
    first, second = _synthetic(1), _synthetic(2)
    start = threading.Barrier(2)
    outcomes, errors = {}, []

    def upload(result) -> None:
        cursor = con.cursor()  # one cursor per thread, as the app's sessions have
        start.wait()
        try:
            outcomes[result.report_id] = ingest_result(cursor, result)
        except LoadError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert {o.action for o in outcomes.values()} == {"added"}
    content = store_content(con)
    assert set(content) == {BUNDLED_ID, first.report_id, second.report_id}
    assert all(stated == stored for _, stated, stored in content.values())
    assert content[first.report_id][0] == first.sha256 and content[second.report_id][0] == second.sha256
    assert _stored_equals(con, first) and _stored_equals(con, second)
    con.close()


def test_many_versions_of_one_report_at_once_leave_exactly_one_of_them(built_db: Path) -> None:
    con = connect(built_db)
    versions = [_synthetic(3, change=f"浙江省{'·' * n}") for n in range(6)]
    assert len({v.sha256 for v in versions}) == 6
    start = threading.Barrier(len(versions))
    outcomes, errors = [], []

    def upload(result) -> None:
        cursor = con.cursor()
        start.wait()
        try:
            outcomes.append(ingest_result(cursor, result))
        except StoreBusyError as exc:  # allowed: the user is told to retry; nothing was written
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(v,)) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) + len(errors) == len(versions)
    assert [o.action for o in outcomes].count("added") == 1
    content = store_content(con)
    assert set(content) == {BUNDLED_ID, versions[0].report_id}
    sha, stated, stored = content[versions[0].report_id]
    winner = next(v for v in versions if v.sha256 == sha)  # the stored report is one of the versions …
    assert stated == stored == len(winner.observations)
    assert _stored_equals(con, winner)  # … exactly, never a mix of two
    assert len(read_report_lines(con, winner.report_id)) == len(winner.lines)
    con.close()


def test_a_write_that_cannot_get_its_turn_is_told_to_retry(built_db: Path, monkeypatch) -> None:
    monkeypatch.setenv("QUALITY_WRITE_WAIT_S", "0.2")
    con = connect(built_db)
    before = store_content(con)
    with WRITE_LOCK, pytest.raises(StoreBusyError) as raised:  # another write holds the store
        ingest_result(con, _synthetic(4))
    assert "请稍后重试" in raised.value.message and "please retry" in raised.value.message
    assert store_content(con) == before
    con.close()


def test_a_conflicting_transaction_is_reported_as_busy_and_writes_nothing(built_db: Path, bundled_report) -> None:
    con = connect(built_db)
    before = store_content(con)
    other = con.cursor()
    other.execute("BEGIN TRANSACTION")
    other.execute("DELETE FROM reports WHERE report_id = ?", [BUNDLED_ID])  # not committed yet
    revised = load(bundled_report)
    revised.sha256 = "1" * 64  # a new version of the report: replacing it must delete the same row
    with pytest.raises(StoreBusyError):
        ingest_result(con.cursor(), revised)
    other.execute("ROLLBACK")
    assert store_content(con) == before
    con.close()


def test_readers_during_a_write_see_the_old_or_the_new_data_never_a_mix(built_db: Path) -> None:
    con = connect(built_db)
    batch = [_synthetic(i) for i in range(10, 40)]
    counts_sql = (
        "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM observations),"
        " (SELECT count(*) FROM report_lines)"
    )
    old = con.execute(counts_sql).fetchall()[0]
    seen: set[tuple] = set()
    stop = threading.Event()

    def read() -> None:
        cursor = con.cursor()
        while not stop.is_set():
            seen.add(cursor.execute(counts_sql).fetchall()[0])

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.05)
    ingest_results(con.cursor(), batch)
    time.sleep(0.05)
    stop.set()
    reader.join(timeout=60)
    new = con.execute(counts_sql).fetchall()[0]
    assert new == (
        old[0] + 30,
        old[1] + sum(len(r.observations) for r in batch),
        old[2] + sum(len(r.lines) for r in batch),
    )
    assert old in seen
    assert seen <= {old, new}
    con.close()


def test_a_page_run_that_straddles_a_write_reads_again(built_db: Path, monkeypatch) -> None:
    from dashboard import store as app_store

    monkeypatch.setenv("QUALITY_DB", str(built_db))
    monkeypatch.delenv("QUALITY_DB_READONLY", raising=False)
    pinned = app_store.data_version(app_store.cursor())
    assert len(app_store._consistent(pinned, lambda cur: app_store.queries.read_reports(cur))) == 1
    app_store.write(lambda cursor: ingest_result(cursor, _synthetic(5)))
    with pytest.raises(app_store._StaleVersionError):  # the run started before the write: it starts again
        app_store._consistent(pinned, lambda cur: app_store.queries.read_reports(cur))
    now = app_store.data_version(app_store.cursor())
    assert now != pinned
    assert len(app_store._consistent(now, lambda cur: app_store.queries.read_reports(cur))) == 2


# ------------------------------------------------------------------------------------ killed mid-write
_MID_TRANSACTION = """
import sys, time
from loaders.read.load import load_bytes
from loaders.store.schema import connect
from loaders.store.transaction import write_transaction
from loaders.store.writes import _insert
from loaders.read.synthetic import file_name, render_report

results = [load_bytes(render_report(i, 2021).encode(), file_name(i, 2021)) for i in range(1, 121)]
con = connect(sys.argv[1])
with write_transaction(con, "test"):
    _insert(con, results)  # ~80,000 rows: DuckDB writes large appends to the file before the commit
    print("inserted", flush=True)
    time.sleep(120)
"""

_ONE_BY_ONE = """
import sys
from loaders.read.load import load_bytes
from loaders.store.schema import connect
from loaders.store.writes import ingest_result
from loaders.read.synthetic import file_name, render_report

results = [load_bytes(render_report(i, 2022).encode(), file_name(i, 2022)) for i in range(1, 201)]
con = connect(sys.argv[1])
print("writing", flush=True)
for result in results:
    ingest_result(con, result)
print("done", flush=True)
"""


def _run_and_kill(script: str, db: Path, signal_line: str, delay_s: float) -> int:
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(db)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == signal_line
        time.sleep(delay_s)
        process.send_signal(signal.SIGKILL)
        return process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_killed_in_the_middle_of_an_ingest_the_store_keeps_its_previous_content(built_db: Path) -> None:
    con = connect(built_db, read_only=True)
    before = store_content(con)
    lines_before = con.execute("SELECT count(*) FROM report_lines").fetchall()
    con.close()
    assert _run_and_kill(_MID_TRANSACTION, built_db, "inserted", 0.5) == -signal.SIGKILL
    con = connect(built_db)  # opens (replaying what was committed), writable again
    assert store_content(con) == before
    assert con.execute("SELECT count(*) FROM report_lines").fetchall() == lines_before
    assert ingest_result(con, _synthetic(9)).action == "added"  # and it takes new data
    con.close()


def test_killed_between_ingests_every_report_is_whole(built_db: Path) -> None:
    returncode = _run_and_kill(_ONE_BY_ONE, built_db, "writing", 1.5)
    con = connect(built_db, read_only=True)
    content = store_content(con)
    con.close()
    assert returncode in (-signal.SIGKILL, 0)
    assert content[BUNDLED_ID][1:] == (BUNDLED_ROWS, BUNDLED_ROWS)
    assert all(stated == stored for _, stated, stored in content.values())  # no report half-written


# ------------------------------------------------------------------------------------ start-up
def test_a_damaged_store_is_moved_aside_and_rebuilt_at_start(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "quality.duckdb"
    garbage = b"this is not a duckdb file" * 1000
    db.write_bytes(garbage)
    at = app_test(db, monkeypatch, tmp_path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["_filters"].report_id == BUNDLED_ID
    kept = list(tmp_path.glob("quality.duckdb.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == garbage  # kept for inspection, not deleted
    from dashboard import store as app_store

    rows = app_store.cursor().execute("SELECT count(*) FROM observations").fetchall()
    assert rows == [(BUNDLED_ROWS,)]


def test_a_missing_store_is_built_at_start(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "new" / "quality.duckdb"
    at = app_test(db, monkeypatch, tmp_path)
    at.run()
    assert not at.exception
    assert db.exists()
    assert at.session_state["_filters"].report_id == BUNDLED_ID


@pytest.mark.parametrize("state", ["missing", "damaged"])
def test_a_read_only_replica_with_a_bad_file_says_what_to_do(state: str, tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "quality.duckdb"
    if state == "damaged":
        db.write_bytes(b"\0garbage" * 4096)
    at = app_test(db, monkeypatch, tmp_path, QUALITY_DB_READONLY="1")
    at.run()
    assert not at.exception
    message = unescaped(" ".join(e.value for e in at.error))
    assert "python -m loaders rebuild" in message and "只读" in message and "Read-only" in message
    assert db.exists() == (state == "damaged")  # never rebuilt or removed by a replica
    if state == "damaged":
        assert db.read_bytes() == b"\0garbage" * 4096


# ------------------------------------------------------------------------------------ read-only, roles
def test_a_read_only_replica_shows_every_page_and_writes_nothing(built_db: Path, tmp_path: Path, monkeypatch) -> None:
    before = _file_state(built_db)
    at = app_test(built_db, monkeypatch, tmp_path, QUALITY_DB_READONLY="1", PLANNER_PASSWORD="s3cret")
    at.run()
    for page in ("pages/overview.py", "pages/outcomes.py", "pages/targets.py", "pages/compare.py", "pages/data.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
    assert any("QUALITY_DB_READONLY" in i.value for i in at.info)  # the data page says view-only
    assert len(at.get("file_uploader")) == 0 and len(at.text_input) == 0  # no upload, no password form
    from dashboard import store as app_store

    with pytest.raises(StoreWriteError, match="read-only"):  # even code that tried could not write through it
        ingest_result(app_store.cursor(), _synthetic(6))
    assert _file_state(built_db) == before  # same bytes, same mtime, no WAL
    assert not (tmp_path / "uploads").exists()


def test_without_the_password_nobody_can_load_or_delete(built_db: Path, tmp_path: Path, monkeypatch) -> None:
    at = data_page(app_test(built_db, monkeypatch, tmp_path, PLANNER_PASSWORD="s3cret"))
    assert len(at.get("file_uploader")) == 0 and "delete_pick" not in [s.key for s in at.selectbox]
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert not at.exception
    assert any("密码不正确" in e.value for e in at.error)
    assert len(at.get("file_uploader")) == 0  # still locked
    at.text_input[0].input("s3cret")
    at.button[0].click().run()
    assert len(at.get("file_uploader")) == 2  # a report and a plan: the planner role is unlocked for this session only
    audience = data_page(app_test(built_db, monkeypatch, tmp_path, PLANNER_PASSWORD="s3cret"))
    assert len(audience.get("file_uploader")) == 0  # another browser on the same URL is not a planner
    from dashboard import store as app_store

    assert store_content(app_store.cursor()).keys() == {BUNDLED_ID}


# ------------------------------------------------------------------------------------ hostile files
HOSTILE_SUBJECTS = ["<script>alert(1)</script>", "'; DROP TABLE observations; --", "[点我](javascript:alert(1))"]


def _hostile_csv() -> bytes:
    lines = ["school,report_year,indicator_id,subject,year,years_after,value,unit"]
    lines += [
        f"注入测试职业学院,2021,industry_employment_count,{s},2020,,{n},人" for n, s in enumerate(HOSTILE_SUBJECTS, 1)
    ]
    return "\n".join(lines).encode("utf-8")


def test_hostile_subjects_and_file_name_are_stored_and_shown_as_plain_text(
    built_db: Path, tmp_path: Path, monkeypatch
) -> None:
    at = unlocked(built_db, monkeypatch, tmp_path)
    name = "../../<img src=x onerror=alert(1)>.csv"
    at.get("file_uploader")[0].set_value((name, _hostile_csv(), "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    confirm = next(b for b in at.button if b.label in ("确认载入", "Load it"))
    confirm.click().run()
    assert not at.exception, [e.value for e in at.exception]
    from dashboard import store as app_store

    cursor = app_store.cursor()
    tables = {row[0] for row in cursor.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {"observations", "reports", "report_lines"} <= tables  # nothing was dropped
    assert cursor.execute("SELECT count(*) FROM observations").fetchall() == [(BUNDLED_ROWS + 3,)]
    stored = cursor.execute(
        "SELECT subject, value FROM observations WHERE report_id = '注入测试职业学院-2021' ORDER BY value"
    ).fetchall()
    assert stored == [(s, float(n)) for n, s in enumerate(HOSTILE_SUBJECTS, 1)]  # bound as values, kept as typed
    source = cursor.execute("SELECT source_file FROM reports WHERE report_id = '注入测试职业学院-2021'").fetchall()
    assert source == [("<img src=x onerror=alert(1)>.csv",)]  # no directories from the user's name
    data = _hostile_csv()
    (entry,) = kept_uploads(tmp_path / "uploads")  # named by its hash, inside uploads/, listed for its report
    assert (entry.report_id, entry.file) == ("注入测试职业学院-2021", f"{hashlib.sha256(data).hexdigest()}.csv")
    assert entry.source_file == "<img src=x onerror=alert(1)>.csv"
    assert (tmp_path / "uploads" / entry.file).read_bytes() == data
    # A viewer opens the new report: the provenance tab lists its figures and its file.
    at = app_test(built_db, monkeypatch, tmp_path)
    at.query_params["school"] = "注入测试职业学院"
    at = data_page(at)
    assert at.session_state["_filters"].report_id == "注入测试职业学院-2021"
    shown = shown_as_markdown(at)
    assert not re.search(r"(?<!\\)[<>]", shown), "a < or > from a file reached Markdown unescaped"
    assert "](javascript" not in shown
    assert r"\<img src\=x onerror\=alert\(1\)\>" in shown  # the file name, escaped, as text
    options = " ".join(str(o) for s in at.selectbox for o in s.options)
    assert "<script>alert(1)</script>" in options  # the subject shown as typed, in a plain-text widget


def test_an_oversized_upload_is_refused_before_it_is_read(built_db: Path, tmp_path: Path, monkeypatch) -> None:
    from loaders.read import formats

    looked_inside = []
    monkeypatch.setattr(
        formats, "FORMATS", [formats.Format("spy", lambda d, n: looked_inside.append(n) or False, None)]
    )
    with pytest.raises(FormatError) as raised:
        load_bytes(b"x" * (2 * 2**20 + 1), "big.txt", max_bytes=2 * 2**20)
    assert "2 MB" in raised.value.message and "上限" in raised.value.message
    assert looked_inside == []
    monkeypatch.undo()

    at = unlocked(built_db, monkeypatch, tmp_path, QUALITY_MAX_UPLOAD_MB="0.01")
    at.get("file_uploader")[0].set_value(("big.txt", render_report(1, 2020).encode(), "text/plain"))
    at.run()
    assert not at.exception
    assert any("超过上限" in e.value for e in at.error), [e.value for e in at.error] + [t.value for t in at.text]
    from dashboard import store as app_store

    assert store_content(app_store.cursor()).keys() == {BUNDLED_ID}
    assert not (tmp_path / "uploads").exists()


def test_the_content_not_the_name_decides_the_format(bundled_report: Path) -> None:
    text = load(bundled_report)
    workbook = render_workbook(text.observations, text.school, text.report_year, bundled_report.name)
    assert load_bytes(workbook, "report.txt").format_used == "xlsx"
    assert load_bytes(bundled_report.read_bytes(), "report.xlsx").format_used == "text"
    assert load_bytes(bundled_report.read_bytes(), "report.pdf").format_used == "text"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (150 * 2**20))  # 150 MB unpacked, ~150 KB packed
    with pytest.raises(FormatError, match="zip bomb"):
        load_bytes(bomb.getvalue(), "notes.txt")


def test_xml_entity_attacks_in_a_workbook_are_refused(built_db: Path, bundled_report: Path) -> None:
    text = load(bundled_report)
    workbook = render_workbook(text.observations, text.school, text.report_year, bundled_report.name)
    source = zipfile.ZipFile(io.BytesIO(workbook))
    attacks = {
        "xxe": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        "billion laughs": b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    }
    con = connect(built_db)
    before = store_content(con)
    for doctype in attacks.values():
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for member in source.namelist():
                data = source.read(member)
                if member == "xl/workbook.xml":
                    data = doctype + data
                archive.writestr(member, data)
        with pytest.raises(FormatError, match=r"XML entity|DTD"):
            load_bytes(out.getvalue(), "report.xlsx")
    assert store_content(con) == before
    con.close()


def test_a_path_in_a_file_name_never_reaches_the_file_system(tmp_path: Path) -> None:
    assert safe_file_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_file_name("..\\..\\windows\\win.ini") == "win.ini"
    assert safe_file_name("/abs/\x00evil.csv") == "evil.csv"
    assert safe_file_name("..") == "upload"
    result = load_bytes(render_report(1, 2020).encode(), "../../etc/passwd.txt")
    assert result.source_file == "passwd.txt"
    uploads = tmp_path / "a" / "uploads"
    written = keep(result, b"data", uploads)
    copy = f"{hashlib.sha256(b'data').hexdigest()}.txt"
    assert written == uploads / copy
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "a",
        "a/uploads",
        "a/uploads/.manifest.lock",
        f"a/uploads/{copy}",
        "a/uploads/manifest.json",
    ]
    assert kept_uploads(uploads)[0].source_file == "passwd.txt"


def test_a_school_name_with_markup_or_a_path_is_refused() -> None:
    for school in ("<script>alert(1)</script>", "../学院", "[a](javascript:x)"):
        csv = (
            f"school,report_year,indicator_id,subject,year,years_after,value,unit\n{school},2021,majors,本校,2021,,4,个"
        )
        with pytest.raises(FormatError, match="school name"):
            load_bytes(csv.encode(), "x.csv")


def test_sql_in_values_is_bound_not_run(built_db: Path) -> None:
    con = connect(built_db)
    assert read_observations(con, "x'; DROP TABLE observations; --").empty
    assert read_observations(con, schools=["' OR 1=1 --"]).empty
    assert not delete_report(con, "' OR '1'='1")
    assert store_content(con)[BUNDLED_ID][1:] == (BUNDLED_ROWS, BUNDLED_ROWS)
    frame = load_bytes(_hostile_csv(), "hostile.csv")
    ingest_result(con, frame)
    assert con.execute("SELECT count(*) FROM observations").fetchall() == [(BUNDLED_ROWS + 3,)]
    got = read_observations(con, schools=["注入测试职业学院"])["subject"].tolist()
    assert sorted(got) == sorted(HOSTILE_SUBJECTS)
    con.close()


def test_warm_up_gives_up_quietly_when_no_server_answers() -> None:
    """The start command's warm-up must never hold the start: with nothing listening it returns None."""
    from bench.server import free_port
    from dashboard.warmup import warm

    assert warm(f"http://127.0.0.1:{free_port()}", wait_s=0.5) is None
