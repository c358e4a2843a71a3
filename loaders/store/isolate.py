"""Parsing in child processes: an untrusted file never takes the server's memory or time.

Belongs here: :func:`load_bytes_isolated` (one upload, as the dashboard's 数据 page reads it),
:func:`read_plan_isolated` (one plan file), :func:`parse_files` (the worker processes of a bulk
build): the parent's side. The child itself, the protocol between them and the errors both sides
make are :mod:`loaders.store.isolate_child`.

Every child is a fresh interpreter started as ``python -m loaders.store.isolate_child`` in the project
folder, never through :mod:`multiprocessing`: its spawn and forkserver start methods re-run the
parent's ``__main__`` in every worker, and under Streamlit (or after an ``AppTest``) that is
``app.py``, which opens the store — which a running dashboard holds. A child imports the
loaders only (no streamlit, no app, no dashboard), never opens the store, reads its job from
stdin and answers on stdout (pickles with a length prefix; anything a library prints goes to
stderr). It parses under ``resource.setrlimit(RLIMIT_AS)``: the address space it has after its
imports plus the ``parse_memory_mb`` setting; an allocation beyond that fails in the child
(``MemoryError``), never in the server. One upload also has a wall-time limit
(``parse_timeout_s``): the parent kills the child when it is over, and a CPU-time limit backs
that up inside the child.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from loaders.contracts.errors import FormatError, LoadError, ParseLimitError
from loaders.contracts.paths import ROOT
from loaders.contracts.settings import setting
from loaders.read.load import load_bytes, safe_file_name
from loaders.read.record import LoadResult
from loaders.store.isolate_child import crash_error, first_frame, frame, read_frame


class KeptCopy(NamedTuple):
    """A kept upload as a build loads it: stored under its hash, loaded under the name it was uploaded
    with and with what the planner said of it (the school and year of a fragment that names neither)."""

    path: Path
    name: str
    school: str | None = None
    report_year: int | None = None


#: A report file for a build: a path, or a kept copy (a plain ``(path, name)`` pair is one too).
ReportFile = Path | KeptCopy | tuple[Path, str]


def as_copy(file: ReportFile) -> KeptCopy:
    """Any report file as a :class:`KeptCopy` (a path: its own name, nothing said of it)."""
    if isinstance(file, tuple):
        return KeptCopy(*file)
    return KeptCopy(Path(file), Path(file).name)


#: Modules a child must never import (it would mean the app, and with it the store, came along).
FORBIDDEN_MODULES = ("streamlit", "app", "dashboard", "pages")

#: Environment of a child: one thread per numeric library, Arrow on the system allocator (its
#: default allocator reserves a gigabyte of address space up front, which RLIMIT_AS would count).
_CHILD_ENV = {
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "MALLOC_ARENA_MAX": "2",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}


@dataclass(frozen=True)
class ParseFailure:
    """A file of a build that could not be loaded (nothing of it is written).

    Attributes:
        file: The file as given to :func:`parse_files`.
        name: Its name in messages.
        error: Why (the loader's own error, with file, place and problem).
    """

    file: ReportFile
    name: str
    error: LoadError


# ------------------------------------------------------------------------------------ one upload
def load_bytes_isolated(
    data: bytes,
    name: str,
    school: str | None = None,
    report_year: int | None = None,
    *,
    max_bytes: int | None = None,
    memory_mb: float | None = None,
    timeout_s: float | None = None,
) -> LoadResult:
    """:func:`loaders.load_bytes` in a child process under a memory and a wall-time limit.

    Returns what ``load_bytes`` returns and raises what it raises (the same class, the same
    message); the parsing happens in a child that holds the only copy of the parser's working
    memory, so the caller's memory grows by the result only.

    Args:
        data: The file's bytes.
        name: The file's name as given (only its last part is kept).
        school: School name, when the file does not say it.
        report_year: Data year, when the file does not say it.
        max_bytes: Refuse anything larger before any process starts; no limit when None.
        memory_mb: Memory the parsing may take (the ``parse_memory_mb`` setting when None).
        timeout_s: Wall time the parsing may take (the ``parse_timeout_s`` setting when None).

    Returns:
        The loaded report (``table`` is None: the observations come as a frame).

    Raises:
        ParseLimitError: The parsing took longer than ``timeout_s`` or more memory than
            ``memory_mb`` (or its process died); the message names the file and the limit.
        LoadError: The file cannot be loaded (too large, unreadable, …), as from ``load_bytes``.
    """
    name = safe_file_name(name)
    if max_bytes is not None and len(data) > max_bytes:
        load_bytes(data, name, max_bytes=max_bytes)  # raises its size error before looking inside
    memory_mb = float(setting("parse_memory_mb") if memory_mb is None else memory_mb)
    timeout_s = float(setting("parse_timeout_s") if timeout_s is None else timeout_s)
    job = {"kind": "bytes", "data": data, "name": name, "school": school, "report_year": report_year}
    return _one_job(job, name, memory_mb, timeout_s)


def read_plan_isolated(
    data: bytes, name: str, meta: dict[str, Any] | None = None, *, max_bytes: int | None = None
) -> Any:
    """:func:`loaders.plans.load.read_plan_bytes` in a child process, under the same limits as a report.

    Args:
        data: The plan file's bytes.
        name: Its name as given (only its last part is kept).
        meta: What a document does not say itself (see ``read_plan_bytes``).
        max_bytes: Refuse anything larger before any process starts.

    Returns:
        The :class:`loaders.plans.load.PlanRead`.

    Raises:
        ParseLimitError: Over the time or memory limit.
        LoadError: The file cannot become a plan (as from ``read_plan_bytes``).
    """
    name = safe_file_name(name)
    if max_bytes is not None and len(data) > max_bytes:
        load_bytes(data, name, max_bytes=max_bytes)  # raises its size error before looking inside
    memory_mb = float(setting("parse_memory_mb"))
    timeout_s = float(setting("parse_timeout_s"))
    job = {"kind": "plan", "data": data, "name": name, "meta": dict(meta or {})}
    return _one_job(job, name, memory_mb, timeout_s)


def _one_job(job: dict[str, Any], name: str, memory_mb: float, timeout_s: float) -> Any:
    """Run one job in a fresh child under the memory and wall-time limits; its answer or its error."""
    process = _start(memory_mb, cpu_s=timeout_s + 5)
    try:
        out, err = process.communicate(frame(job) + frame(None), timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise ParseLimitError(
            name,
            "",
            f"解析超时：{timeout_s:g} 秒内未能读完，已停止读取（上限见设置 parse_timeout_s）。未写入任何内容。",
            f"parsing timed out: not finished within {timeout_s:g} s and stopped (limit: setting"
            " parse_timeout_s). Nothing was written.",
        ) from None
    finally:
        if process.poll() is None:
            _kill(process)
    reply = first_frame(out)
    if reply is None:
        raise _died(name, process.returncode, memory_mb, err)
    return _answer(reply, name)


def _answer(reply: dict[str, Any], name: str) -> Any:
    if "error" in reply:
        raise _error_from(reply["error"], name)
    return reply["result"]


def _died(name: str, returncode: int | None, memory_mb: float, stderr: bytes = b"") -> ParseLimitError:
    """The error for a child that ended without answering (killed, or it crashed out of memory)."""
    how = f"signal {-returncode}" if returncode is not None and returncode < 0 else f"exit status {returncode}"
    detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] if stderr else []
    hint = f" ({detail[0][:160]})" if detail else ""
    return ParseLimitError(
        name,
        "",
        f"内存超限或解析进程意外退出（{how}；内存上限 {memory_mb:g} MB，见设置 parse_memory_mb）。未写入任何内容。",
        f"out of memory, or the parsing process died ({how}{hint}; memory limit {memory_mb:g} MB, setting"
        " parse_memory_mb). Nothing was written.",
    )


def _error_from(fields: dict[str, str], name: str) -> LoadError:
    """The loader's error as the child raised it (same class when it is one of :mod:`loaders.contracts.errors`)."""
    from loaders.contracts import errors

    cls = getattr(errors, fields.get("class", ""), None)
    if not (isinstance(cls, type) and issubclass(cls, LoadError)):
        cls = LoadError
    args = (fields.get("source") or name, fields.get("where", ""), fields["zh"], fields["en"])
    try:
        return cls(*args)
    except TypeError:  # a subclass with another signature
        return LoadError(*args)


# ------------------------------------------------------------------------------------ bulk builds
def parse_files(
    files: Sequence[ReportFile], workers: int, *, chunk: int = 16, memory_mb: float | None = None
) -> Iterator[Any]:
    """Parse files in ``workers`` child processes; yields, in the order of ``files``, a
    :class:`loaders.read.record.LoadResult` per file that loaded and a :class:`ParseFailure` per
    file that did not.

    Each child parses ``chunk`` files per job under the memory limit; a child that dies fails the
    rest of its job (named, with the reason) and is replaced for the next. At most two jobs per
    worker are parsed ahead of what the caller has taken.

    Args:
        files: Paths, or ``(path, name)`` pairs.
        workers: Child processes (at least one).
        chunk: Files per job.
        memory_mb: Memory each child may take for one file (the ``parse_memory_mb`` setting when None).

    Yields:
        One :class:`loaders.read.record.LoadResult` or :class:`ParseFailure` per file, in order.
    """
    memory_mb = float(setting("parse_memory_mb") if memory_mb is None else memory_mb)
    jobs = [list(files[i : i + chunk]) for i in range(0, len(files), chunk)]
    done: dict[int, list[Any]] = {}
    state = {"taken": 0, "yielded": 0, "stop": False}
    ready = threading.Condition()
    ahead = 2 * max(1, workers)

    def work() -> None:
        process: subprocess.Popen | None = None
        try:
            while True:
                with ready:
                    while not state["stop"] and state["taken"] >= state["yielded"] + ahead:
                        ready.wait()
                    if state["stop"] or state["taken"] >= len(jobs):
                        return
                    index = state["taken"]
                    state["taken"] += 1
                try:
                    if process is None or process.poll() is not None:
                        process = _start(memory_mb)
                    replies, process = _run_job(process, jobs[index], memory_mb)
                except Exception as exc:  # never leave the caller waiting for a job that will not come
                    replies = [ParseFailure(f, _name(f), crash_error(_name(f), exc)) for f in jobs[index]]
                with ready:
                    done[index] = replies
                    ready.notify_all()
        finally:
            if process is not None:
                _stop(process)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(min(max(1, workers), len(jobs)))]
    for thread in threads:
        thread.start()
    try:
        for index in range(len(jobs)):
            with ready:
                while index not in done:
                    ready.wait()
                replies = done.pop(index)
                state["yielded"] = index + 1
                ready.notify_all()
            yield from replies
    finally:
        with ready:
            state["stop"] = True
            ready.notify_all()
        for thread in threads:
            thread.join()


def _name(file: ReportFile) -> str:
    return as_copy(file).name


def _run_job(process: subprocess.Popen, files: list[ReportFile], memory_mb: float) -> tuple[list[Any], Any]:
    """Send one job to a child and read one answer per file; a dead child fails the rest."""
    paths = [(str(c.path), c.name, c.school, c.report_year) for c in map(as_copy, files)]
    replies: list[Any] = []
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(frame({"kind": "files", "files": paths}))
        process.stdin.flush()
        for file in files:
            reply = read_frame(process.stdout)
            if reply is None:
                raise EOFError
            if "result" in reply:
                replies.append(reply["result"])
            else:
                replies.append(ParseFailure(file, _name(file), _error_from(reply["error"], _name(file))))
    except (EOFError, OSError, pickle.UnpicklingError):
        process.wait()
        for file in files[len(replies) :]:
            replies.append(ParseFailure(file, _name(file), _died(_name(file), process.returncode, memory_mb)))
        return replies, None
    return replies, process


# ------------------------------------------------------------------------------------ processes
def child_command(memory_mb: float, cpu_s: float | None = None) -> list[str]:
    """The command line of a child (exposed for tests and measurements)."""
    command = [sys.executable, "-s", "-m", "loaders.store.isolate_child", "--memory-mb", f"{memory_mb:g}"]
    if cpu_s is not None:
        command += ["--cpu-s", f"{cpu_s:g}"]
    return command


def _start(memory_mb: float, cpu_s: float | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        child_command(memory_mb, cpu_s),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if cpu_s is not None else subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, **_CHILD_ENV},
        close_fds=True,
        start_new_session=True,  # a Ctrl-C in the server's terminal is the server's to handle
    )


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGKILL)
    with contextlib.suppress(Exception):
        process.communicate(timeout=10)


def _stop(process: subprocess.Popen) -> None:
    """End a worker: no more jobs; killed when it does not finish promptly."""
    with contextlib.suppress(OSError, ValueError):
        if process.stdin is not None and not process.stdin.closed:
            process.stdin.write(frame(None))
            process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        _kill(process)
    for stream in (process.stdout, process.stdin):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.close()


def load_file_isolated(
    file: Path | str | tuple[Path, str], *, school: str | None = None, report_year: int | None = None
) -> LoadResult:
    """A report file (or a kept upload ``(copy, name uploaded under)``) loaded as an upload is: in a child
    process under the same memory and time limits (the command line's ``extract``, ``ingest`` and ``sync``).

    Raises:
        LoadError: The file cannot be read, is over a limit, or cannot be loaded.
    """
    copy = as_copy(file)
    path, name = Path(copy.path), copy.name
    school = school if school is not None else copy.school
    report_year = report_year if report_year is not None else copy.report_year
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(
            name, "", f"无法读取文件：{exc.strerror}。", f"cannot read the file: {exc.strerror}."
        ) from exc
    return load_bytes_isolated(data, name, school=school, report_year=report_year)
