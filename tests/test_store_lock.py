"""A damaged store told from a locked one, and the serving dashboard keeping its lock (issue 26, items 4 and 8).

A damaged file (bytes overwritten inside it, its size and time kept) is moved aside and rebuilt by
``loaders sync`` — what ``manage.sh start`` runs first — instead of being reported as locked
forever. While the dashboard serves its store, no other process can open it for writing except by
asking (a write request), before and after one of the dashboard's own writes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from loaders.__main__ import main
from loaders.contracts.paths import ROOT, uploads_dir
from loaders.store.access import lock_holder, prepare
from loaders.store.build import rebuild
from loaders.store.schema import connect
from tests.test_store_sharing import served


def _damage(db: Path) -> None:
    """Overwrite every byte after the file's first blocks with a pattern; keep its size and times."""
    stat = db.stat()
    size = stat.st_size
    with open(db, "r+b") as handle:
        handle.seek(8192)
        handle.write(b"block\x00lock" * ((size - 8192) // 10) + b"\x00" * ((size - 8192) % 10))
    os.utime(db, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert db.stat().st_size == size


def test_a_damaged_store_is_moved_aside_and_rebuilt_by_sync(tmp_path: Path, monkeypatch, capsys) -> None:
    db = tmp_path / "q.duckdb"
    rebuild(db, uploads=uploads_dir(db))
    _damage(db)
    with pytest.raises(duckdb.Error):  # the damage is real: DuckDB cannot use the file
        con = connect(db, read_only=True)
        try:
            con.execute("SELECT count(*) FROM observations").fetchall()
        finally:
            con.close()
    assert lock_holder(db) is None  # nobody holds it: damage, not a lock
    assert main(["sync", "--db", str(db)]) == 0
    assert "kept as q.duckdb.damaged-" in capsys.readouterr().err
    assert [p.name.startswith("q.duckdb.damaged-") for p in tmp_path.iterdir() if ".damaged-" in p.name] == [True]
    con = connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM reports").fetchall()[0][0] == 1  # the bundled report, rebuilt
    con.close()


def test_a_locked_store_is_never_taken_for_damaged(tmp_path: Path) -> None:
    db = tmp_path / "q.duckdb"
    rebuild(db, uploads=uploads_dir(db))
    code = f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(60)"
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(Exception) as raised:
            prepare(db, wait_s=0.5, say=lambda zh, en: None)
        assert type(raised.value).__name__ == "StoreBusyError"
        assert not [p for p in tmp_path.iterdir() if ".damaged-" in p.name]  # nothing moved aside
    finally:
        holder.kill()
        holder.wait()


def _open_for_writing_elsewhere(db: Path) -> str:
    """Another process tries to open the store read-write, as a careless program would: its outcome."""
    code = (
        f"import duckdb\ntry:\n    duckdb.connect({str(db)!r}).close(); print('opened')\n"
        "except duckdb.IOException:\n    print('refused')"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout.strip()


def test_the_serving_dashboard_keeps_its_lock_before_and_after_its_own_writes(tmp_path: Path) -> None:
    db = tmp_path / "served.duckdb"
    rebuild(db, uploads=uploads_dir(db))
    env = {**os.environ, "QUALITY_DB": str(db), "PLANNER_PASSWORD": "s3cret-for-tests"}
    env.pop("QUALITY_UPLOADS", None)
    with served(db, env) as (_, pid):
        assert lock_holder(db).pid == pid
        assert _open_for_writing_elsewhere(db) == "refused"
        # the dashboard writes (a hand-over is one of its writes too: close, wait, reopen at once)
        ingest = subprocess.run(
            [sys.executable, "-m", "loaders", "sync", "--db", str(db)], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=180,
        )  # fmt: skip
        assert ingest.returncode == 0, ingest.stderr
        deadline = time.monotonic() + 5  # the dashboard notices the request is gone within a poll
        while (lock_holder(db) is None or lock_holder(db).pid != pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        holder = lock_holder(db)
        assert holder is not None and holder.pid == pid and not holder.writing  # reopened at once
        assert _open_for_writing_elsewhere(db) == "refused"
