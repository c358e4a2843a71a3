"""Shared fixtures: paths to the bundled data and a fresh store per test.

No test touches the dashboard's own store or kept uploads (``data/quality.duckdb``,
``data/uploads``): a dashboard started with ``bash manage.sh start`` in the same checkout holds
that file, and DuckDB lets no other process open it. Before any test module is imported, the
whole session's default store and uploads folder are moved to a temporary folder
(``QUALITY_DB``, ``QUALITY_UPLOADS``; a test that needs its own sets them again), and at the end
the session checks that the real ones were left exactly as they were.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from loaders.contracts.paths import DATA_DIR, REPORTS_DIR

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="quality-tests-"))
os.environ["QUALITY_DB"] = str(_SESSION_DIR / "quality.duckdb")
os.environ["QUALITY_UPLOADS"] = str(_SESSION_DIR / "uploads")

from loaders.store.schema import connect  # noqa: E402  (after the environment is set)
from loaders.store.writes import ingest_file  # noqa: E402  (after the environment is set)

BUNDLED_REPORT = REPORTS_DIR / "温州职业技术学院_2020_质量年度报告.txt"
#: The dashboard's own files, which no test may create, open or change.
DASHBOARD_FILES = (DATA_DIR / "quality.duckdb", DATA_DIR / "quality.duckdb.wal", DATA_DIR / "uploads")


def _state(path: Path) -> tuple | None:
    if not path.exists():
        return None
    if path.is_dir():
        return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in path.iterdir()))
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns)


@pytest.fixture(scope="session", autouse=True)
def _the_dashboards_own_store_is_never_touched():
    """Fail the session when any test created or changed ``data/quality.duckdb`` or ``data/uploads``."""
    before = {path: _state(path) for path in DASHBOARD_FILES}
    yield
    after = {path: _state(path) for path in DASHBOARD_FILES}
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)
    changed = [str(path) for path in DASHBOARD_FILES if before[path] != after[path]]
    assert not changed, f"tests changed the dashboard's own files: {changed}"


@pytest.fixture(scope="session")
def bundled_report() -> Path:
    """The bundled quality report (温州职业技术学院, data year 2020)."""
    return BUNDLED_REPORT


@pytest.fixture(scope="session")
def bundled_lines(bundled_report: Path) -> list[str]:
    """The bundled report's raw lines."""
    return bundled_report.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a store of this test's own."""
    return tmp_path / "quality.duckdb"


@pytest.fixture
def loaded_db(db_path: Path, bundled_report: Path) -> Path:
    """A store of this test's own holding the bundled report."""
    con = connect(db_path)
    ingest_file(con, bundled_report)
    con.close()
    return db_path


@pytest.fixture(autouse=True)
def _no_password_attempts_counted_before():
    """Each test starts with no wrong planner passwords counted in this process."""
    from dashboard import auth

    auth.reset_attempts()
    yield
    auth.reset_attempts()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (Debian's; never a downloaded one)."""
    from playwright.sync_api import sync_playwright

    from bench.server import CHROMIUM, LAUNCH_ARGS

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()
