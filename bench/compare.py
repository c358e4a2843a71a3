"""对比 with many schools: the compare page's server-side script time with a school and 29 peers.

    python -m bench.compare                               150 synthetic schools × 10 years, 30 compared
    python -m bench.compare --schools 1500 --years 10     the size of issue 23 (slow to build here)
    python -m bench.compare --store P                     a synthetic store already built

It writes synthetic reports (:mod:`loaders.read.synthetic`, into a temporary folder, never ``data/``),
builds a store from them, and then, for ``--runs`` views of ``--compared`` schools (a school and
its peers in the URL, as a planner's link carries them):

- the page through ``AppTest`` (:func:`bench.pages.time_pages`): first visit with every cache
  cleared (cold) and the same view again (warm);
- the query path alone (:func:`metrics.queries.compare_schools` on a
  :class:`loaders.store.queries.StoreReader`), per indicator: what the CLI pays.

Targets (issue 23, printed, never asserted): warm p95 < 300 ms, first visit < 1 s. Figures are
written as JSON to ``artifacts/bench/``.
"""

from __future__ import annotations

import os

os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

from bench.pages import percentile, summarise_pages, time_pages
from loaders.contracts.paths import ROOT

TARGETS = {"warm_p95_ms": 300, "cold_p95_ms": 1000}
INDICATORS = ("employment_rate", "monthly_income", "student_teacher_ratio")


def compare_views(db_path: Path, runs: int, compared: int, seed: int = 23) -> list[dict[str, object]]:
    """``runs`` links to 对比: a school and ``compared - 1`` peers drawn from the store, languages alternating."""
    from loaders.store.schema import connect

    con = connect(db_path, read_only=True)
    try:
        schools = sorted(row[0] for row in con.execute("SELECT DISTINCT school FROM reports").fetchall())
    finally:
        con.close()
    rng = random.Random(seed)
    views = []
    for position in range(runs):
        chosen = rng.sample(schools, min(compared, len(schools)))
        views.append({"school": chosen[0], "peers": chosen[1:], "lang": ("zh", "en")[position % 2]})
    return views


def store_size(db_path: Path) -> dict[str, int]:
    """How many schools and reports a store holds (for a store measured as built)."""
    from loaders.store.schema import connect

    con = connect(db_path, read_only=True)
    try:
        schools, reports = con.execute("SELECT count(DISTINCT school), count(*) FROM reports").fetchone()
    finally:
        con.close()
    return {"schools": int(schools), "reports": int(reports)}


def time_query_path(db_path: Path, views: list[dict[str, object]]) -> dict[str, float]:
    """Seconds of :func:`metrics.queries.compare_schools` per view and indicator (a fresh reader each time)."""
    from loaders.contracts.registry import sample_sizes
    from loaders.store.queries import StoreReader
    from loaders.store.schema import connect
    from metrics import queries

    seconds = []
    con = connect(db_path, read_only=True)
    try:
        for view in views:
            schools = [str(view["school"]), *view["peers"]]
            for indicator_id in INDICATORS:
                started = time.perf_counter()
                queries.compare_schools(StoreReader(con), indicator_id, schools, sample_sizes=sample_sizes())
                seconds.append(time.perf_counter() - started)
    finally:
        con.close()
    return {
        "query_calls": len(seconds),
        "query_p50_ms": round(percentile(seconds, 50) * 1000),
        "query_p95_ms": round(percentile(seconds, 95) * 1000),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the measurement; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=150)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--compared", type=int, default=30, help="schools on the page (the school and its peers)")
    parser.add_argument("--runs", type=int, default=10, help="views timed (each cold, then warm)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--store", type=Path, default=None, help="a synthetic store already built")
    parser.add_argument("--workdir", type=Path, default=None, help="keep reports and store here")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-compare-"))
    result: dict[str, object] = {"compared": args.compared}
    try:
        db_path = args.store
        if db_path is None:
            from loaders.read.synthetic import write_reports
            from loaders.store.build import build_store, bundled_plan_files, bundled_report_files, report_files_in

            reports = workdir / f"reports-{args.schools}x{args.years}"
            started = time.perf_counter()
            write_reports(reports, args.schools, args.years, workers=args.workers)
            result["write_s"] = round(time.perf_counter() - started, 1)
            db_path = workdir / f"{args.schools}x{args.years}.duckdb"
            files = bundled_report_files() + report_files_in(reports)
            print(f"building the store from {len(files)} report files …", flush=True)
            summary = build_store(db_path, files, bundled_plan_files(), workers=args.workers)
            result["build_s"] = round(summary.seconds, 1)
            result.update(store_size(db_path))
        else:
            result.update(store_size(db_path))
        result["load_average_before"] = round(os.getloadavg()[0], 2)
        views = compare_views(db_path, args.runs, args.compared)
        result.update(time_query_path(db_path, views))
        pages, _ = time_pages(db_path, views, ["pages/compare.py"])
        row = summarise_pages(pages)[0]
        result.update({k: v for k, v in row.items() if k != "page"})
        result["first_errors"] = pages["pages/compare.py"].errors[:3]
        result["load_average_after"] = round(os.getloadavg()[0], 2)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    for key, target in TARGETS.items():
        print(f"{key}: {result.get(key)} ms (target < {target} ms)")
    print(json.dumps(result, ensure_ascii=False))
    out = ROOT / "artifacts" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"compare-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"targets": TARGETS, "result": result}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
