"""Parsing in child processes (loaders.store.isolate): an upload under memory and time limits, and the
bulk build's workers, which never run ``app.py`` — also next to a running dashboard that holds
its store, with ``__main__`` left as ``app.py`` (as Streamlit and ``AppTest`` leave it)."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal

from loaders.contracts.errors import EncodingError, FormatError, ParseLimitError
from loaders.contracts.paths import ROOT
from loaders.read.load import load_bytes
from loaders.read.synthetic import render_report, write_reports
from loaders.store.build import build_store
from loaders.store.isolate import FORBIDDEN_MODULES, _start, load_bytes_isolated, parse_files
from loaders.store.isolate_child import frame, read_frame
from loaders.store.queries import read_observations, read_report_lines
from loaders.store.schema import connect


def big_csv(megabytes: float) -> bytes:
    """A tidy CSV of about this size (one school, one indicator, many subjects)."""
    lines = ["school,report_year,indicator_id,subject,year,years_after,value,unit,source_table,source_line,source_text"]
    size, row = 0, 0
    while size < megabytes * 2**20:
        line = f"大文件测试职业学院,2021,industry_employment_count,行业{row},2020,,{row % 997},人,表X,{row + 2},{row}"
        lines.append(line)
        size += len(line.encode()) + 1
        row += 1
    return "\n".join(lines).encode("utf-8")


def test_an_upload_parsed_in_a_child_is_what_load_bytes_gives(bundled_report: Path) -> None:
    data = bundled_report.read_bytes()
    isolated, direct = load_bytes_isolated(data, "../x/report.txt"), load_bytes(data, "../x/report.txt")
    assert (isolated.report_id, isolated.source_file, isolated.sha256, isolated.notes) == (
        direct.report_id,
        "report.txt",
        direct.sha256,
        direct.notes,
    )
    assert_frame_equal(isolated.observations, direct.observations)
    assert isolated.lines == direct.lines and len(isolated.observations) == 802
    with pytest.raises(EncodingError) as raised:  # the loader's own error class and message come back
        load_bytes_isolated(b"\x00\x01\x02binary", "x.txt")
    assert raised.value.message.startswith("x.txt：") and "binary" in raised.value.message
    with pytest.raises(FormatError, match=r"超过上限 0\.01 MB"):  # refused before a process starts
        load_bytes_isolated(data, "x.txt", max_bytes=10_000)


def test_a_parse_that_needs_too_much_memory_is_stopped_in_the_child_not_the_server(monkeypatch) -> None:
    monkeypatch.setenv("QUALITY_REPORT_MAX_FIGURES", "1000000")  # a flood on purpose (loaders.read.proportion)
    monkeypatch.setenv("QUALITY_REPORT_MAX_SUBJECTS", "1000000")
    data = big_csv(8)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ParseLimitError) as raised:
        load_bytes_isolated(data, "大.csv", memory_mb=40)
    message = raised.value.message
    assert message.startswith("大.csv：内存超限") and "40 MB" in message and "parse_memory_mb" in message
    assert "out of memory" in message
    # the server's own peak did not grow by the parse (the child's 100+ MB were the child's)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 60 * 1024
    assert len(load_bytes_isolated(data, "大.csv").observations) > 50_000  # with the default limit it loads


def test_a_parse_that_takes_too_long_is_killed() -> None:
    data = big_csv(6)
    started = time.perf_counter()
    with pytest.raises(ParseLimitError) as raised:
        load_bytes_isolated(data, "慢.csv", timeout_s=0.3)
    assert time.perf_counter() - started < 5
    assert raised.value.message.startswith("慢.csv：解析超时：0.3 秒内未能读完") and "parsing timed out" in (
        raised.value.message
    )


def test_the_child_imports_neither_the_app_nor_streamlit_whatever_the_parents_main(monkeypatch) -> None:
    app_main = types.ModuleType("__main__")
    app_main.__file__ = str(ROOT / "app.py")  # what Streamlit and AppTest leave behind
    app_main.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", app_main)
    child = _start(100)
    try:
        child.stdin.write(frame({"kind": "probe"}))
        child.stdin.flush()
        probe = read_frame(child.stdout)
    finally:
        child.kill()
        child.wait()
    assert [m for m in probe["modules"] if m.split(".")[0] in FORBIDDEN_MODULES] == []
    assert probe["main"] == str(ROOT / "loaders" / "store" / "isolate_child.py")
    assert probe["rlimit_as"] == probe["cap"] > 0  # the memory limit is set
    assert probe["cwd"] == str(ROOT)


_HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('holding', flush=True); time.sleep(120)"


def test_the_bulk_build_works_next_to_a_running_dashboard_with_app_py_as_main(tmp_path: Path, monkeypatch) -> None:
    # The break: a dashboard holds its store; a test run in the same checkout leaves __main__ as
    # app.py (AppTest); the bulk build's multiprocessing workers re-ran app.py, which opened that
    # store, and the pool broke (BrokenProcessPool).
    held = tmp_path / "dashboard.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(held)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        marker = tmp_path / "app_ran"
        script = tmp_path / "app.py"
        script.write_text(
            f"open({str(marker)!r}, 'w').write('ran')\nimport dashboard.store\ndashboard.store.cursor()\n",
            encoding="utf-8",
        )
        app_main = types.ModuleType("__main__")
        app_main.__file__ = str(script)
        app_main.__spec__ = None
        monkeypatch.setitem(sys.modules, "__main__", app_main)
        monkeypatch.setenv("QUALITY_DB", str(held))
        reports = tmp_path / "reports"
        write_reports(reports, 3, 2, first_year=2019, workers=1)
        files = sorted(reports.iterdir())
        bulk, single = tmp_path / "bulk.duckdb", tmp_path / "single.duckdb"
        summary = build_store(bulk, files, workers=2, batch=2)
        build_store(single, files, workers=1)
        assert not marker.exists()  # no worker ran the app's script
        assert summary.failures == [] and len(summary.outcomes) == 6
    finally:
        holder.kill()
        holder.wait()
    a, b = connect(bulk, read_only=True), connect(single, read_only=True)
    try:
        ids = sorted(row[0] for row in a.execute("SELECT report_id FROM reports").fetchall())
        assert len(ids) == 6 and ids == sorted(row[0] for row in b.execute("SELECT report_id FROM reports").fetchall())
        for report_id in ids:
            assert read_observations(a, report_id).equals(read_observations(b, report_id))
            assert read_report_lines(a, report_id) == read_report_lines(b, report_id)
    finally:
        a.close()
        b.close()


def test_a_worker_that_runs_out_of_memory_fails_its_file_and_the_build_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "好.txt"
    good.write_text(render_report(1, 2020), encoding="utf-8")
    huge = tmp_path / "巨大.csv"
    huge.write_bytes(big_csv(8))
    parsed = list(parse_files([huge, good, (good, "另名.txt")], workers=1, chunk=2, memory_mb=40))
    assert [type(p).__name__ for p in parsed] == ["ParseFailure", "LoadResult", "LoadResult"]
    assert parsed[0].name == "巨大.csv" and "内存超限" in parsed[0].error.message
    assert parsed[1].source_file == "好.txt" and parsed[2].source_file == "另名.txt"  # a kept upload's own name
    assert parsed[1].n_observations == len(load_bytes(good.read_bytes(), "好.txt").observations)
