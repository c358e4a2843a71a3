"""Benchmark of the loaders: prints the time to extract the bundled report and to rebuild the store.

    python -m loaders.bench [--repeat N]

Targets on the 2-core reference machine: extract < 0.5 s, rebuild < 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from loaders import load
from loaders.report import load_spec
from loaders.store import bundled_report_files, rebuild


def _timed(func, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Run the benchmark and print one line per measurement."""
    parser = argparse.ArgumentParser(prog="python -m loaders.bench")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    report = bundled_report_files()[0]
    load_spec()  # compile the spec once, as a running process does
    extract = _timed(lambda: load(report), args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "bench.duckdb"
        build = _timed(lambda: rebuild(target), args.repeat)
    print(
        f"extract {report.name}: median {statistics.median(extract):.3f} s, max {max(extract):.3f} s (target < 0.5 s)"
    )
    print(f"rebuild store from data/: median {statistics.median(build):.3f} s, max {max(build):.3f} s (target < 3 s)")


if __name__ == "__main__":
    main()
