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
    return Path(os.environ.get("QUALITY_DB", DATA_DIR / "quality.duckdb"))  # see DEFAULT_DB


DEFAULT_DB = DATA_DIR / "quality.duckdb"


def uploads_dir(db_path: Path | str | None = None) -> Path:
    """Where a store keeps its loaded reports and 填报 entries: a place tied to that store.

    The bundled store ``data/quality.duckdb`` keeps them in ``data/uploads``; any other store
    beside its own file (``<file>.uploads``), so that two stores never share kept files.
    ``$QUALITY_UPLOADS`` names the folder of the store ``$QUALITY_DB`` names (the default store),
    not of a store given by path.

    Args:
        db_path: The store's file; the default store (:func:`default_db_path`) when None.
    """
    default = default_db_path()
    db = Path(db_path) if db_path is not None else default
    if _same_file(db, default) and "QUALITY_UPLOADS" in os.environ:
        return Path(os.environ["QUALITY_UPLOADS"])
    if _same_file(db, DEFAULT_DB):
        return UPLOADS_DIR
    return db.with_name(f"{db.name}.uploads")


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()
