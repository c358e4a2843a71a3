"""The child process that parses an untrusted file, and the messages it exchanges with its parent.

Belongs here: what runs in the child — ``python -m loaders.store.isolate_child``: its memory and
CPU limits, the jobs it answers (a report's bytes, a plan's bytes, a batch of files, a probe for
tests) — the length-prefixed pickles both sides read and write, and the errors both sides make
(out of memory, a parser's crash). Why a fresh interpreter and not :mod:`multiprocessing`, and the
parent's side, are :mod:`loaders.store.isolate`. This module imports the loaders only: never
streamlit, the app, the dashboard or the store.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from loaders.contracts.errors import LoadError, ParseLimitError
from loaders.read.load import load_bytes

HEADER = struct.Struct("!Q")


def frame(value: object) -> bytes:
    """One message: a pickle with its length in front."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


def read_frame(stream: IO[bytes]) -> Any:
    """The next message of a stream, or None at its end (or a message cut short)."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return pickle.loads(payload)  # written by our own child (no data from a file decides its shape)


def first_frame(data: bytes) -> Any:
    """The first message of the bytes a child wrote, or None when there is none whole."""
    if len(data) < HEADER.size:
        return None
    (size,) = HEADER.unpack_from(data)
    if len(data) < HEADER.size + size:
        return None
    return pickle.loads(data[HEADER.size : HEADER.size + size])


def memory_error(name: str, memory_mb: float) -> ParseLimitError:
    """The error of a file whose parsing needed more than ``memory_mb``."""
    return ParseLimitError(
        name,
        "",
        f"内存超限：解析此文件需要超过 {memory_mb:g} MB 内存（上限见设置 parse_memory_mb），已停止读取。"
        "未写入任何内容。",
        f"out of memory: parsing this file needs more than {memory_mb:g} MB (limit: setting parse_memory_mb);"
        " stopped. Nothing was written.",
    )


def crash_error(name: str, exc: BaseException) -> LoadError:
    """A parser's unexpected exception as a loader's error: a message naming the file, not a traceback."""
    return LoadError(
        name,
        "",
        f"读取时出错（{type(exc).__name__}：{str(exc)[:200]}）。未写入任何内容。",
        f"an error occurred while reading ({type(exc).__name__}: {str(exc)[:200]}). Nothing was written.",
    )


def _vm_size_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _limit(memory_mb: float, cpu_s: float | None) -> int:
    """Cap this process's address space at what it uses now plus ``memory_mb``; returns the cap."""
    import resource

    cap = _vm_size_bytes() + int(memory_mb * 2**20)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    if cpu_s is not None:
        seconds = int(cpu_s) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    return cap


def _error_fields(exc: LoadError) -> dict[str, str]:
    return {"class": type(exc).__name__, "source": exc.source, "where": exc.where, "zh": exc.zh, "en": exc.en}


def _ran_out_of_memory(exc: BaseException) -> bool:
    """Whether a MemoryError is behind an error (a parser may report it as a damaged file)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, MemoryError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _load_job(job: dict[str, Any], memory_mb: float) -> dict[str, Any]:
    name = job["name"]
    try:
        result = load_bytes(job["data"], name, school=job.get("school"), report_year=job.get("report_year"))
    except LoadError as exc:
        if _ran_out_of_memory(exc):
            return {"error": _error_fields(memory_error(name, memory_mb))}
        return {"error": _error_fields(exc)}
    except MemoryError:
        return {"error": _error_fields(memory_error(name, memory_mb))}
    except Exception as exc:  # a parser bug on a strange file: a message, not a traceback
        return {"error": _error_fields(crash_error(name, exc))}
    return {"result": result}


def _plan_job(job: dict[str, Any], memory_mb: float) -> dict[str, Any]:
    from loaders.plans.load import read_plan_bytes

    name = job["name"]
    try:
        return {"result": read_plan_bytes(job["data"], name, job.get("meta"))}
    except LoadError as exc:
        return {"error": _error_fields(memory_error(name, memory_mb) if _ran_out_of_memory(exc) else exc)}
    except MemoryError:
        return {"error": _error_fields(memory_error(name, memory_mb))}
    except Exception as exc:  # a parser bug on a strange file: a message, not a traceback
        return {"error": _error_fields(crash_error(name, exc))}


def _file_job(
    path: str, name: str, memory_mb: float, school: str | None = None, report_year: int | None = None
) -> dict[str, Any]:
    try:
        data = Path(path).read_bytes()
        return {"result": load_bytes(data, name, school=school, report_year=report_year)}
    except LoadError as exc:
        return {"error": _error_fields(memory_error(name, memory_mb) if _ran_out_of_memory(exc) else exc)}
    except MemoryError:
        return {"error": _error_fields(memory_error(name, memory_mb))}
    except OSError as exc:
        return {"error": _error_fields(crash_error(name, exc))}
    except Exception as exc:  # a parser bug must not stop a build of thousands of files
        return {"error": _error_fields(crash_error(name, exc))}


def _probe(cap: int) -> dict[str, Any]:
    """What a test needs to see about a child: its modules, limits and working folder."""
    import resource

    return {
        "modules": sorted(sys.modules),
        "rlimit_as": resource.getrlimit(resource.RLIMIT_AS)[0],
        "cap": cap,
        "cwd": os.getcwd(),
        "main": getattr(sys.modules.get("__main__"), "__file__", None),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """The child: answer jobs from stdin on stdout until told to stop (a ``None`` job) or stdin ends."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m loaders.store.isolate_child")
    parser.add_argument("--memory-mb", type=float, required=True)
    parser.add_argument("--cpu-s", type=float, default=None)
    args = parser.parse_args(argv)
    answers = os.fdopen(os.dup(1), "wb")  # the protocol's channel …
    os.dup2(2, 1)  # … and anything else printed goes to stderr
    sys.stdout = sys.stderr
    # The parsers, before the limit is set.
    import loaders.read.formats  # noqa: F401

    cap = _limit(args.memory_mb, args.cpu_s)
    jobs = sys.stdin.buffer
    while True:
        job = read_frame(jobs)
        if job is None:
            return 0
        if job["kind"] == "bytes":
            answers.write(frame(_load_job(job, args.memory_mb)))
        elif job["kind"] == "plan":
            answers.write(frame(_plan_job(job, args.memory_mb)))
        elif job["kind"] == "files":
            for path, name, school, report_year in job["files"]:
                answers.write(frame(_file_job(path, name, args.memory_mb, school, report_year)))
                answers.flush()
        elif job["kind"] == "probe":
            answers.write(frame(_probe(cap)))
        answers.flush()


if __name__ == "__main__":
    sys.exit(main())
