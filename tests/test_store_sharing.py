"""The store shared between a serving dashboard and the command line (loaders.store.writes.access).

The dashboard holds its file read-only while it serves; command-line reads open it beside the
dashboard; a command-line write asks the dashboard to let go and waits. A second store keeps its
kept files beside its own file.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.server import free_port
from dashboard.warmup import warm
from loaders.contracts.paths import DATA_DIR, ROOT, uploads_dir
from loaders.read.synthetic import file_name, render_report
from loaders.store.access import Gate, lock_holder, open_for_reading, pending_request, request_file
from loaders.store.build import rebuild
from loaders.store.schema import connect


def _holder(db: Path, read_only: bool) -> subprocess.Popen:
    code = (
        f"import duckdb, time; c = duckdb.connect({str(db)!r}, read_only={read_only}); "
        "print('ok', flush=True); time.sleep(60)"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ok"
    return process


def test_lock_holder_names_the_process_and_how_it_holds_the_file(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    connect(db).close()
    assert lock_holder(db) is None
    assert lock_holder(tmp_path / "missing.duckdb") is None
    for read_only in (True, False):
        process = _holder(db, read_only)
        try:
            holder = lock_holder(db)
            assert holder is not None and holder.pid == process.pid and holder.writing is (not read_only)
        finally:
            process.kill()
            process.wait()
    assert lock_holder(db) is None


def test_a_reader_opens_beside_a_reader_and_waits_for_a_writer(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    connect(db).close()
    reading = _holder(db, True)
    try:
        con = open_for_reading(db, wait_s=1)  # beside a read-only holder: at once
        assert con.execute("SELECT count(*) FROM reports").fetchall() == [(0,)]
        con.close()
    finally:
        reading.kill()
        reading.wait()
    writing = _holder(db, False)
    said: list[str] = []
    try:
        started = time.monotonic()
        with pytest.raises(Exception) as raised:
            open_for_reading(db, wait_s=0.6, say=lambda zh, en: said.append(en))
        assert time.monotonic() - started >= 0.6
        assert f"process {writing.pid}" in said[0] and "waiting" in said[0]
        assert type(raised.value).__name__ == "StoreBusyError"
    finally:
        writing.kill()
        writing.wait()


def test_a_write_request_of_a_process_that_ended_is_ignored_and_removed(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    request_file(db).write_text(str(os.getpid()), encoding="ascii")
    assert pending_request(db) == os.getpid()
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    request_file(db).write_text(finished.stdout.strip(), encoding="ascii")
    assert pending_request(db) is None and not request_file(db).exists()


def test_the_gate_lets_readers_in_together_and_a_writer_alone() -> None:
    gate = Gate()
    with gate.reading(), gate.reading():
        pass
    with gate.writing(), gate.reading(), gate.writing():  # the writing thread passes through its own gate
        pass


def test_kept_files_live_with_their_store(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("QUALITY_UPLOADS", raising=False)
    monkeypatch.delenv("QUALITY_DB", raising=False)
    assert uploads_dir() == DATA_DIR / "uploads"  # the bundled store: as it always was
    assert uploads_dir(tmp_path / "s.duckdb") == tmp_path / "s.duckdb.uploads"
    monkeypatch.setenv("QUALITY_DB", str(tmp_path / "named.duckdb"))
    assert uploads_dir() == tmp_path / "named.duckdb.uploads"  # a store named by QUALITY_DB: beside it
    monkeypatch.setenv("QUALITY_UPLOADS", str(tmp_path / "chosen"))
    assert uploads_dir() == tmp_path / "chosen"  # … unless its folder is named too
    assert uploads_dir(tmp_path / "other.duckdb") == tmp_path / "other.duckdb.uploads"  # never another store's


@contextlib.contextmanager
def served(db: Path, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """The dashboard (``app.py``) serving ``db`` in a process of its own, warmed: ``(url, pid)``."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**env, "QUALITY_DB": str(db)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        assert warm(url, wait_s=60, run_timeout_s=120) is not None
        yield url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)


def test_the_command_line_reads_and_writes_while_the_dashboard_serves(tmp_path: Path) -> None:
    db = tmp_path / "served.duckdb"
    rebuild(db, uploads=uploads_dir(db))
    env = {**os.environ, "QUALITY_DB": str(db), "QUALITY_CLI_WAIT_S": "60"}
    env.pop("QUALITY_UPLOADS", None)
    with served(db, env) as (url, pid):
        holder = lock_holder(db)
        assert holder == type(holder)(pid, False)  # the dashboard serves the file read-only

        attainment = _cli(["-m", "metrics", "attainment", "--plan", "wzvtc_2022_2025", "--json"], env)
        assert attainment.returncode == 0, attainment.stderr
        assert json.loads(attainment.stdout)["status_counts"]["met"] >= 1
        exported = _cli(["-m", "loaders", "export", "--report", "温州职业技术学院-2020", str(tmp_path / "o.csv")], env)
        assert exported.returncode == 0, exported.stderr
        assert "802 observations" in exported.stdout

        report = tmp_path / file_name(3, 2021)
        report.write_text(render_report(3, 2021), encoding="utf-8")
        ingested = _cli(["-m", "loaders", "ingest", str(report)], env)
        assert ingested.returncode == 0, ingested.stderr
        assert "added" in ingested.stdout and "asked to let go" in ingested.stderr
        assert not request_file(db).exists()
        assert [p.suffix for p in (tmp_path / "served.duckdb.uploads").glob("*.txt")] == [".txt"]  # kept beside it

        assert warm(url, wait_s=30, run_timeout_s=120) is not None  # serves again
        deadline = time.monotonic() + 10
        while lock_holder(db) is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert lock_holder(db) == type(holder)(pid, False)
    con = connect(db, read_only=True)
    schools = {row[0] for row in con.execute("SELECT school FROM reports").fetchall()}
    con.close()
    assert len(schools) == 2  # the bundled school and the one the command line added: nothing rebuilt away
    log = [json.loads(line) for line in Path(f"{db}.log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ("store", "handed over") in {(e["action"], e["outcome"]) for e in log}
    assert ("store", "damaged") not in {(e["action"], e["outcome"]) for e in log}
