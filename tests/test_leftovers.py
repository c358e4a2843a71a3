"""Leftovers of killed processes: a build killed half-way leaves ``.rebuild-*`` files (up to 11 MB
seen); the next start removes them, and never the files of a build that is still running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from loaders.__main__ import main
from loaders.contracts.paths import ROOT
from loaders.read.synthetic import write_reports
from loaders.store.build import rebuild
from loaders.store.leftovers import remove_leftovers
from tests.helpers import app_test

_BUILD_THAT_WAITS = """
import sys, time
from pathlib import Path
from loaders.store.build import build_store

def progress(done, total, seconds):
    print("building", flush=True)
    time.sleep(120)

build_store(sys.argv[1], sorted(Path(sys.argv[2]).iterdir()), batch=2, progress=progress)
"""

_HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('holding', flush=True); time.sleep(120)"


def _start(args: list[str], line: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == line
    return process


def _stop(process: subprocess.Popen) -> None:
    process.kill()
    process.wait()


def test_a_killed_builds_files_go_at_the_next_start_and_a_running_builds_stay(tmp_path: Path, monkeypatch) -> None:
    reports = tmp_path / "reports"
    write_reports(reports, 3, 2, workers=1)
    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "quality.duckdb"
    rebuild(db)
    killed = _start(["-c", _BUILD_THAT_WAITS, str(db), str(reports)], "building")
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    left = sorted(folder.glob(".rebuild-*"))
    assert left and left[0].name.startswith(f".rebuild-{killed.pid}-") and left[0].stat().st_size > 0  # the break
    running = _start(["-c", _BUILD_THAT_WAITS, str(db), str(reports)], "building")
    legacy_free = folder / ".rebuild-old.duckdb"  # an older build's name, nobody holds it
    legacy_free.write_bytes(b"x" * 1000)
    legacy_held = folder / ".rebuild-older.duckdb"
    holder = _start(["-c", _HOLD, str(legacy_held)], "holding")
    try:
        assert main(["sync", "--db", str(db)]) == 0  # what `bash manage.sh start` runs first
        remaining = sorted(p.name for p in folder.glob(".rebuild-*"))
        assert [n for n in remaining if n.startswith(f".rebuild-{killed.pid}-")] == []
        assert legacy_free.name not in remaining
        assert legacy_held.name in remaining  # locked: a build of an older version, still running
        assert [n for n in remaining if n.startswith(f".rebuild-{running.pid}-")]  # still being built
    finally:
        _stop(running)
        _stop(holder)
    remove_leftovers(db, tmp_path / "uploads")  # once its process is gone, its files go too
    assert [p.name for p in folder.glob(f".rebuild-{running.pid}-*")] == []


def test_the_dashboard_removes_leftovers_when_it_starts(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "quality.duckdb"
    rebuild(db)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    leftovers = [tmp_path / f".rebuild-{pid}-abc.duckdb", tmp_path / f".rebuild-{pid}-abc.duckdb.wal"]
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    leftovers.append(uploads / f".upload-{pid}-half")
    for path in leftovers:
        path.write_bytes(b"\0" * 11 * 2**20 if path.suffix == ".duckdb" else b"x")
    from dashboard import store

    store.close()
    at = app_test(db, monkeypatch, tmp_path)
    at.run()
    assert not at.exception
    assert [p for p in leftovers if p.exists()] == []
    assert at.session_state["_filters"].report_id == "温州职业技术学院-2020"
