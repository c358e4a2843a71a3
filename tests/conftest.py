"""Shared fixtures: paths to the bundled data and a fresh store per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.paths import REPORTS_DIR
from loaders.store import connect, ingest_file

BUNDLED_REPORT = REPORTS_DIR / "温州职业技术学院_2020_质量年度报告.txt"


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
