"""Where the project's files live; every path the loaders use is derived here."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
SPECS_DIR = DATA_DIR / "specs"
REPORTS_DIR = DATA_DIR / "reports"
PLANS_DIR = DATA_DIR / "plans"
UPLOADS_DIR = DATA_DIR / "uploads"  # reports loaded through the dashboard (not committed); see uploads_dir()
INDICATORS_CSV = DATA_DIR / "indicators.csv"
REPORT_SPEC = SPECS_DIR / "report_tables.toml"
SUBJECT_ALIASES_CSV = SPECS_DIR / "subject_aliases.csv"
UNITS_CSV = SPECS_DIR / "units.csv"


def default_db_path() -> Path:
    """The DuckDB file the app and the CLI use: ``$QUALITY_DB`` or ``data/quality.duckdb``."""
    return Path(os.environ.get("QUALITY_DB", DATA_DIR / "quality.duckdb"))


def uploads_dir() -> Path:
    """Where reports loaded through the dashboard are kept: ``$QUALITY_UPLOADS`` or ``data/uploads``."""
    return Path(os.environ.get("QUALITY_UPLOADS", UPLOADS_DIR))
