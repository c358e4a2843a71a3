"""Assertions shared by the loader tests."""

from __future__ import annotations

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


def assert_partly_read(
    path: Path, db_path: Path, item_id: str, line: int | None, zh: str, en: str, *, capsys
) -> object:
    """The file loads, but the coverage names what was not read (item, line, both languages);
    ``ingest --strict`` refuses it and leaves the store unchanged; the message reaches stderr.

    Returns:
        The load result, for further checks.
    """
    result = load(path)
    item = next(i for i in result.coverage if i.item_id == item_id)
    assert item.status in ("partial", "missing"), item
    problem = next((p for p in item.problems if zh in p.zh), None)
    assert problem is not None, [p.zh for p in item.problems]
    assert en in problem.en and problem.line == line
    before_obs, before_reports = snapshot(db_path)
    assert main(["ingest", str(path), "--db", str(db_path), "--strict"]) == 2
    err = capsys.readouterr().err
    assert path.name in err and zh in err and "--strict" in err
    after_obs, after_reports = snapshot(db_path)
    assert after_reports == before_reports
    assert after_obs.equals(before_obs)
    return result
