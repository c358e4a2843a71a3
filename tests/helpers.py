"""Assertions shared by the loader tests."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from loaders import load
from loaders.__main__ import main
from loaders.store import connect, read_observations


def snapshot(db_path: Path) -> tuple[pd.DataFrame, list[tuple]]:
    """The store's observations and report hashes, to compare before and after."""
    con = connect(db_path, read_only=True)
    try:
        return read_observations(con), con.execute("SELECT report_id, sha256 FROM reports").fetchall()
    finally:
        con.close()


def assert_rejected(path: Path, db_path: Path, error: type, *fragments: str, capsys) -> None:
    """``load`` raises ``error`` naming the file and each fragment; the CLI exits 2; the store is unchanged."""
    before_obs, before_reports = snapshot(db_path)
    with pytest.raises(error) as info:
        load(path)
    for fragment in fragments:
        assert fragment in info.value.message
    assert path.name in info.value.message
    status = main(["ingest", str(path), "--db", str(db_path)])
    assert status == 2
    err = capsys.readouterr().err
    assert path.name in err and fragments[0] in err
    after_obs, after_reports = snapshot(db_path)
    assert after_reports == before_reports
    assert after_obs.equals(before_obs)


def unescaped(markdown: str) -> str:
    """Markdown as a reader sees it: backslash escapes (see :func:`viz.markup.plain`) removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)
