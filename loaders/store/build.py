"""Building a store afresh: from data/, the kept uploads and folders of reports, quickly.

Belongs here: which files a build reads (:func:`bundled_report_files`, :func:`bundled_plan_files`),
the bulk build (:func:`build_store`: parsing in child processes, many reports per transaction, a
new file moved into place only when complete) and :func:`rebuild`. Writing one report belongs to
:mod:`loaders.store.writes`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from loaders.contracts.errors import LoadError, StoreBusyError
from loaders.contracts.paths import PLANS_DIR, REPORTS_DIR, default_db_path, uploads_dir
from loaders.contracts.settings import setting
from loaders.read.coverage import strict_failures
from loaders.read.load import load, load_bytes
from loaders.read.record import LoadResult
from loaders.store.isolate import ParseFailure, ReportFile, as_copy
from loaders.store.isolate_child import crash_error
from loaders.store.kept_plans import kept_plan_files
from loaders.store.leftovers import remove_stale_builds
from loaders.store.schema import connect
from loaders.store.writes import IngestOutcome, ingest_plan, ingest_result, ingest_results


def bundled_report_files(
    reports_dir: Path = REPORTS_DIR, uploads: Path | None = None, db_path: Path | str | None = None
) -> list[ReportFile]:
    """The report files under ``data/reports``, then every kept upload (``(copy, name uploaded
    under)``, see :mod:`loaders.store.uploads`): what a rebuild loads."""
    from loaders.store.uploads import kept_files

    files: list[ReportFile] = sorted(p for p in reports_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    return files + kept_files(uploads, db_path)


def report_files_in(folder: Path | str) -> list[Path]:
    """The report files in a folder (not hidden), sorted by name."""
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and not p.name.startswith("."))


def load_file(file: ReportFile) -> LoadResult:
    """Load a report file (a kept upload under the name it was uploaded with, with what was said of it)."""
    if isinstance(file, tuple):
        copy = as_copy(file)
        return load_bytes(Path(copy.path).read_bytes(), copy.name, school=copy.school, report_year=copy.report_year)
    return load(file)


@dataclass
class BuildSummary:
    """What a build did.

    Attributes:
        outcomes: One per report file written (or left unchanged) and per plan.
        failures: ``(file name, message)`` of every file that could not be loaded (nothing of it
            was written).
        partial: ``(file name, message)`` of every report written whose core tables are missing or
            damaged (with ``require_core`` these are failures instead).
        seconds: Wall time of the build.
    """

    outcomes: list[IngestOutcome] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    partial: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def _parse(file: ReportFile) -> LoadResult | ParseFailure:
    """Load one file in this process; a file that cannot be loaded gives a :class:`ParseFailure`."""
    name = as_copy(file).name
    try:
        return load_file(file)
    except LoadError as exc:
        return ParseFailure(file, name, exc)
    except Exception as exc:  # a parser bug must not stop a build of thousands of files
        return ParseFailure(file, name, crash_error(name, exc))


def _parsed(files: Sequence[ReportFile], workers: int, isolate: bool) -> Iterator[LoadResult | ParseFailure]:
    """Parsed files in order: in this process, or in child processes (see :mod:`loaders.store.isolate`).

    The children are started as ``python -m loaders.store.isolate_child``, never through multiprocessing,
    whose workers re-run the parent's ``__main__`` (``app.py`` after Streamlit ran it).
    """
    if not isolate and (workers <= 1 or len(files) < 2):
        yield from (_parse(file) for file in files)
        return
    from loaders.store.isolate import parse_files

    yield from parse_files(files, max(1, workers))


def build_store(
    db_path: Path | str | None,
    report_files: Iterable[ReportFile],
    plan_files: Iterable[Path | tuple[Path, str, dict]] = (),
    *,
    workers: int = 1,
    batch: int | None = None,
    strict: bool = False,
    require_core: bool = False,
    required: Collection[ReportFile] = (),
    isolate: bool = False,
    keep_log: bool = False,
    entries_from: Path | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> BuildSummary:
    """Build a store afresh from report and plan files, quickly, and move it into place.

    Files are parsed in ``workers`` processes; parsed reports are written ``batch`` at a time,
    one transaction per batch (a batch that fails is retried report by report, so one bad
    report costs only itself). Files that cannot be loaded write nothing and are listed in
    :attr:`BuildSummary.failures`. The new file is built beside the old one and moved into place
    only when complete, so a failure (or a kill) leaves the previous store as it was.

    Args:
        db_path: Target file; the default store when None.
        report_files: Report files, in order (a later file with the same report id wins); a
            ``(path, name)`` pair is loaded under ``name`` (a kept upload).
        plan_files: Plan files; a ``(copy, name, meta)`` triple is a kept plan upload (one that no longer
            loads is listed in the failures, the others are written).
        workers: Parsing processes (1: parse in this process, unless ``isolate``).
        batch: Reports per transaction (the ``build_batch`` setting when None).
        require_core: Treat a report whose core tables are missing or damaged (see
            :func:`loaders.read.coverage.strict_failures`) as a file that cannot be loaded.
        strict: Raise the first file's :class:`LoadError` instead of listing it (nothing is moved
            into place then).
        required: Files whose failure is raised as with ``strict`` (the others are listed).
        isolate: Parse in child processes under the memory limit even with one worker (the
            dashboard's rebuilds: its own memory never grows with a file's).
        keep_log: Take the write log file of the store being replaced into the new one (a
            rebuild keeps the history; see :mod:`loaders.store.writelog`).
        entries_from: An uploads folder whose kept hand entries (填报, :mod:`loaders.store.entries`) and
            acceptances of held-back figures (:mod:`loaders.read.holds`) the new store takes back.
        progress: Called with ``(files done, files in all, seconds so far)`` after each batch.

    Returns:
        What was written and what failed.

    Raises:
        LoadError: With ``strict``, the first file that cannot be loaded.
    """
    import time

    started = time.perf_counter()
    files = list(report_files)
    batch = int(batch or setting("build_batch"))
    target = Path(db_path or default_db_path())
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(target.parent)
    handle, tmp_name = tempfile.mkstemp(prefix=f".rebuild-{os.getpid()}-", suffix=".duckdb", dir=target.parent)
    os.close(handle)
    os.unlink(tmp_name)  # DuckDB must create the file itself
    summary = BuildSummary()
    try:
        con = connect(tmp_name)
        try:
            # The parsing processes keep the other cores busy; DuckDB's own threads would only compete
            # with them (measured: a third less CPU per report with one thread).
            if workers > 1:
                con.execute(f"SET threads = {max(1, (os.cpu_count() or 1) - workers)}")
            pending: list[LoadResult] = []
            done = 0
            required = set(required)
            for parsed in _parsed(files, workers, isolate):
                done += 1
                if isinstance(parsed, ParseFailure):
                    if strict or parsed.file in required:
                        raise parsed.error
                    summary.failures.append((parsed.name, parsed.error.message))
                    continue
                gaps = strict_failures(parsed.coverage)
                if require_core and gaps:
                    summary.failures.append((parsed.source_file, _core_message(gaps)))
                    continue
                if gaps:
                    summary.partial.append((parsed.source_file, _core_message(gaps)))
                pending.append(parsed)
                if len(pending) >= batch:
                    _write_batch(con, pending, summary, strict)
                    pending = []
                    if progress:
                        progress(done, len(files), time.perf_counter() - started)
            _write_batch(con, pending, summary, strict)
            for plan_file in plan_files:
                if isinstance(plan_file, tuple):  # a kept upload: (copy, name, what the planner said)
                    try:
                        summary.outcomes.append(ingest_plan(con, plan_file[0], name=plan_file[1], meta=plan_file[2]))
                    except LoadError as exc:
                        summary.failures.append((plan_file[1], exc.message))
                else:
                    summary.outcomes.append(ingest_plan(con, plan_file))
            if entries_from is not None:
                from loaders.store.entries import restore_entries

                restore_entries(con, entries_from)
                from loaders.store.acceptances import restore_acceptances

                restore_acceptances(con, entries_from)  # planners' acceptances of held-back figures
            if keep_log:
                from loaders.store.writelog import restore

                restore(con, target)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp_name, target)
        wal = Path(str(target) + ".wal")
        if wal.exists():
            wal.unlink()
    finally:
        for leftover in (Path(tmp_name), Path(tmp_name + ".wal")):
            if leftover.exists():
                leftover.unlink()
    summary.seconds = time.perf_counter() - started
    if progress:
        progress(len(files), len(files), summary.seconds)
    return summary


def _core_message(items: list) -> str:
    names = "、".join(f"{item.name_zh}（{item.source_table or '未找到'}）" for item in items)
    names_en = "; ".join(f"{item.name_en} ({item.source_table or 'not found'})" for item in items)
    return f"核心表格缺失或不完整：{names}\ncore tables missing or incomplete: {names_en}"


def _write_batch(
    con: duckdb.DuckDBPyConnection, results: list[LoadResult], summary: BuildSummary, strict: bool
) -> None:
    if not results:
        return
    try:
        summary.outcomes += [o for o in ingest_results(con, results) if o.action != "superseded"]
    except StoreBusyError:
        raise
    except (duckdb.Error, LoadError):
        if strict:
            raise
        for result in results:  # find the report that failed; the others are written one by one
            try:
                summary.outcomes.append(ingest_result(con, result))
            except LoadError as exc:
                summary.failures.append((result.source_file, exc.message))
            except duckdb.Error as exc:
                summary.failures.append((result.source_file, f"{type(exc).__name__}: {exc}"))


def rebuild(
    db_path: Path | str | None = None,
    reports_dir: Path = REPORTS_DIR,
    plans_dir: Path = PLANS_DIR,
    *,
    uploads: Path | None = None,
    isolate: bool = False,
) -> list[IngestOutcome]:
    """Build the store afresh from everything under ``data/``, every kept upload and every kept hand entry.

    The new file is built beside the old one and moved into place only when complete, so a
    failure (or a kill) leaves the previous store as it was. The write log comes along (from the
    log file beside the store).

    Args:
        db_path: Target file; the default store when None.
        reports_dir: Where the report files are.
        plans_dir: Where the plan documents are.
        uploads: The kept uploads' folder (:func:`loaders.contracts.paths.uploads_dir` when None).
        isolate: Parse in a child process under the memory limit (the dashboard does).

    Returns:
        One outcome per file; a kept upload that no longer loads is ``failed`` (its message in
        ``notes``; the copy stays kept).

    Raises:
        LoadError: A file under ``data/reports`` (or a plan) cannot be loaded (the previous store is kept).
    """
    uploads = uploads or uploads_dir(db_path)
    bundled = [
        p for p in bundled_report_files(reports_dir, uploads=uploads, db_path=db_path) if not isinstance(p, tuple)
    ]
    summary = build_store(
        db_path,
        bundled_report_files(reports_dir, uploads=uploads, db_path=db_path),
        [*bundled_plan_files(plans_dir), *kept_plan_files(uploads)],
        batch=1000,
        required=bundled,
        isolate=isolate,
        keep_log=True,
        entries_from=uploads,
    )
    failed = [IngestOutcome(name, "failed", 0, (message,)) for name, message in summary.failures]
    return summary.outcomes + failed


def bundled_plan_files(plans_dir: Path = PLANS_DIR) -> list[Path]:
    """The plan documents under ``data/plans`` in a stable order."""
    return sorted(p for p in plans_dir.glob("*.txt") if p.is_file())
