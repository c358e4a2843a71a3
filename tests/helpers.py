"""Assertions and app drivers shared by the tests."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loaders.__main__ import main
from loaders.contracts.paths import ROOT
from loaders.read.load import load
from loaders.store.queries import read_observations
from loaders.store.schema import connect

PASSWORD = "s3cret"


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


def unescaped(markdown: str) -> str:
    """Markdown as a reader sees it: backslash escapes (see :func:`viz.markup.plain`) removed, code spans' text."""
    texts, codes = markdown_text_nodes(markdown)
    return "".join(part for pair in zip(texts, [*codes, ""], strict=True) for part in pair)


def store_content(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, int, int]]:
    """report id → (sha256, n_observations stated, rows actually stored)."""
    rows = con.execute(
        "SELECT r.report_id, r.sha256, r.n_observations,"
        " (SELECT count(*) FROM observations o WHERE o.report_id = r.report_id) FROM reports r"
    ).fetchall()
    return {report_id: (sha, stated, stored) for report_id, sha, stated, stored in rows}


def app_test(db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> AppTest:
    """The app on a store and an uploads folder of the test's own (``env``: more settings)."""
    monkeypatch.setenv("QUALITY_DB", str(db))
    monkeypatch.setenv("QUALITY_UPLOADS", str(tmp_path / "uploads"))
    for name in ("PLANNER_PASSWORD", "QUALITY_DB_READONLY", "QUALITY_MAX_UPLOAD_MB"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def data_page(at: AppTest) -> AppTest:
    """Run the app and switch to the 数据 page (no exception allowed)."""
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unlocked(db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> AppTest:
    """The 数据 page of a session that has unlocked the planner role."""
    at = data_page(app_test(db, monkeypatch, tmp_path, PLANNER_PASSWORD=PASSWORD, **env))
    at.text_input[0].input(PASSWORD)
    at.button[0].click().run()
    assert len(at.get("file_uploader")) == 2, [e.value for e in at.error]  # a report, a plan
    return at


def upload(at: AppTest, name: str, data: bytes, mime: str = "text/plain") -> AppTest:
    """Give the uploader a file and, when a preview appears, confirm it."""
    at.get("file_uploader")[0].set_value((name, data, mime))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    confirm = [b for b in at.button if b.label in ("确认载入", "Load it")]
    if confirm:
        confirm[0].click().run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def shown_as_markdown(at: AppTest) -> str:
    """Everything the page renders as Markdown (where markup would take effect)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "success", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def messages(at: AppTest) -> str:
    """The alerts a planner reads (errors, warnings, successes, infos), as they read them."""
    return unescaped(
        "\n".join(str(e.value) for kind in ("error", "warning", "success", "info") for e in getattr(at, kind))
    )


CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
#: GFM's autolink-literal patterns (mdast-util-gfm-autolink-literal), run on text after escapes.
GFM_AUTOLINKS = (
    re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE | re.ASCII),
    re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII),
)


def markdown_text_nodes(markdown: str) -> tuple[list[str], list[str]]:
    """The text nodes (escapes resolved) and code spans of inline Markdown as remark parses them."""
    texts, codes, start = [], [], 0
    for match in CODE_SPAN.finditer(markdown):
        texts.append(_unescape(markdown[start : match.start()]))
        body = match.group(2)
        if len(body) >= 2 and body[0] == " " and body[-1] == " " and body.strip():
            body = body[1:-1]
        codes.append(body)
        start = match.end()
    texts.append(_unescape(markdown[start:]))
    return texts, codes


def _unescape(markdown: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def autolinks(markdown: str) -> list[str]:
    """What Streamlit's Markdown would turn into links in ``markdown`` (bare URLs, www., e-mail)."""
    texts, _ = markdown_text_nodes(markdown)
    return [m.group(0) for text in texts for pattern in GFM_AUTOLINKS for m in pattern.finditer(text)]


def settle(page) -> None:
    """Wait until Streamlit has finished running the script and drawn the charts (a browser page)."""
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=60_000)
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=60_000)
    idle = (
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0"
    )
    page.wait_for_function(idle, timeout=60_000)
    page.wait_for_timeout(1500)
    page.wait_for_function(idle, timeout=60_000)  # a page's first run may rerun once (a copied link)
