"""Measure the dashboard on the bundled data and on synthetic data (N schools × M years).

    python -m bench                              bundled data, then 1,500 schools × 10 years
    python -m bench --schools 150 --years 10     a smaller synthetic run
    python -m bench --skip-synthetic             the bundled data only
    python -m bench --reports DIR                reuse synthetic reports already written to DIR

For each data set it prints: the time to build the store; every page's server-side script time
(cold and warm cache, p50/p95 over varied filters); the slowest store reads; the server's resident
memory after a browser has visited every page; and the p95 time from navigation to the first
chart with ``--sessions`` browser sessions at once (a meeting: everyone opens the shared link,
``--rounds`` times; and once with every session on a different school). Targets (2-core machine, 1,500 × 10): warm
p95 < 300 ms, build < 120 s, RSS < 700 MB, 10-session p95 < 3 s. Results are also written as
JSON to ``artifacts/bench/``. Generated reports and stores go to a temporary folder (never
``data/``) and are removed afterwards unless ``--workdir`` is given.
"""

from __future__ import annotations

import os

os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # AppTest's "missing ScriptRunContext" noise

import argparse
import json
import platform
import shutil
import tempfile
import time
from pathlib import Path

from bench.pages import (
    cached_sections,
    filter_combinations,
    percentile,
    slowest_queries,
    summarise_pages,
    time_pages,
)
from bench.server import measure_server
from loaders.paths import ROOT

TARGETS = {"warm_p95_ms": 300, "build_s": 120, "rss_mb": 700, "first_chart_p95_s": 3.0}


def _machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_gb:.0f} GB RAM, {platform.platform()},"
        f" Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f} at start"
    )


def _table(rows: list[dict[str, object]]) -> str:
    if not rows:
        return "(none)"
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


def _build(name: str, db_path: Path, report_dirs: list[Path], workers: int) -> float:
    from loaders.store import build_store, bundled_plan_files, bundled_report_files, report_files_in

    files = bundled_report_files()
    for folder in report_dirs:
        files += report_files_in(folder)
    print(f"[{name}] building the store from {len(files)} report files …", flush=True)
    summary = build_store(db_path, files, bundled_plan_files(), workers=workers)
    if summary.failures:
        print(f"[{name}] {len(summary.failures)} files failed, e.g. {summary.failures[0]}")
    return summary.seconds


def _session_params(db_path: Path, count: int) -> list[dict[str, str]]:
    combos = filter_combinations(db_path, count, seed=11)
    keep = ("school", "year", "benchmark", "lang", "plan")
    return [{k: str(v) for k, v in combo.items() if k in keep} for combo in combos]


def run_dataset(name: str, db_path: Path, build_s: float, args: argparse.Namespace) -> dict[str, object]:
    """Every measurement on one store; prints as it goes and returns the figures."""
    result: dict[str, object] = {"dataset": name, "build_s": round(build_s, 1)}
    print(f"[{name}] store built in {build_s:.1f} s ({db_path.stat().st_size / 2**20:.0f} MB)", flush=True)

    print(f"[{name}] timing every page, {args.runs} filter combinations each, cold and warm …", flush=True)
    combos = filter_combinations(db_path, args.runs)
    sessions = _session_params(db_path, 1 + args.sessions) if args.sessions > 0 else []
    pages, queries = time_pages(db_path, combos)
    rows = summarise_pages(pages)
    result["pages"] = rows
    result["warm_p95_ms_max"] = max(row["warm_p95_ms"] for row in rows)
    result["slowest_queries"] = slowest_queries(queries)
    result["page_errors"] = {page: times.errors for page, times in pages.items() if times.errors}
    print(_table(rows))
    print(f"[{name}] slowest store reads (cold runs):")
    print(_table(result["slowest_queries"]))
    if args.section_cache:
        domain = ["pages/outcomes.py", "pages/enrollment.py", "pages/faculty.py", "pages/research.py"]
        print(f"[{name}] the domain pages again, with the charts kept by frames.section_items (proposed) …")
        with cached_sections():
            proposed, _ = time_pages(db_path, combos, domain)
        result["pages_with_section_cache"] = summarise_pages(proposed)
        print(_table(result["pages_with_section_cache"]))

    if args.sessions > 0:
        print(
            f"[{name}] server: every page in a browser, then {args.sessions} sessions at once: one round on"
            f" {args.sessions} different schools, then {args.rounds} rounds all on one shared link …",
            flush=True,
        )
        different = sessions[1 : 1 + args.sessions]
        shared = [[sessions[0]] * args.sessions for _ in range(args.rounds)]
        server = measure_server(db_path, sessions[0], [different, *shared])
        if "skipped" in server:
            print(f"[{name}] browser measurements skipped: {server['skipped']}")
        else:
            cold, *same = server["first_chart_s"]
            same_flat = [x for round_times in same for x in round_times]
            result.update(
                rss_mb_after_pages=round(server["rss_mb_after_pages"]),
                rss_mb_after_sessions=round(server["rss_mb_after_sessions"]),
                first_chart_p50_s=round(percentile(same_flat, 50), 2),
                first_chart_p95_s=round(percentile(same_flat, 95), 2),
                first_chart_max_s=round(max(same_flat), 2),
                first_chart_samples=len(same_flat),
                first_chart_different_p50_s=round(percentile(cold, 50), 2),
                first_chart_different_p95_s=round(percentile(cold, 95), 2),
                page_load_s={k: round(v, 2) for k, v in server["page_load_s"].items()},
            )
            print(
                f"[{name}] server RSS after every page: {result['rss_mb_after_pages']} MB;"
                f" after the sessions: {result['rss_mb_after_sessions']} MB"
            )
            print(
                f"[{name}] {args.sessions} sessions at once on one shared link, navigation → first chart:"
                f" p50 {result['first_chart_p50_s']} s, p95 {result['first_chart_p95_s']} s,"
                f" max {result['first_chart_max_s']} s ({len(same_flat)} sessions)"
            )
            print(
                f"[{name}] {args.sessions} sessions at once on {args.sessions} different schools:"
                f" p50 {result['first_chart_different_p50_s']} s, p95 {result['first_chart_different_p95_s']} s"
            )
            print(f"[{name}] one browser visiting every page (s): {result['page_load_s']}")
    return result


def _verdict(result: dict[str, object]) -> str:
    checks = [
        ("warm page p95", result.get("warm_p95_ms_max"), TARGETS["warm_p95_ms"], "ms"),
        ("store build", result.get("build_s"), TARGETS["build_s"], "s"),
        ("server RSS", result.get("rss_mb_after_sessions"), TARGETS["rss_mb"], "MB"),
        ("10-session first chart p95", result.get("first_chart_p95_s"), TARGETS["first_chart_p95_s"], "s"),
    ]
    parts = []
    for label, value, target, unit in checks:
        if value is None:
            continue
        parts.append(f"{label} {value} {unit} {'≤' if value <= target else '>'} {target} {unit}")
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns 0 (the figures are the output, not a pass/fail)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1500)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--reports", type=Path, default=None, help="reuse synthetic reports in this folder")
    parser.add_argument("--workdir", type=Path, default=None, help="keep generated files here (default: temporary)")
    parser.add_argument("--workers", type=int, default=2, help="parsing processes for the build")
    parser.add_argument("--runs", type=int, default=6, help="filter combinations per page")
    parser.add_argument("--sessions", type=int, default=10, help="concurrent browser sessions (0: no browser)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of sessions on one shared link")
    parser.add_argument(
        "--section-cache",
        action="store_true",
        help="also time the domain pages as they run with dashboard.frames.section_items (simulated)",
    )
    parser.add_argument("--skip-bundled", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="quality-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {_machine()}")
    results = []
    try:
        # Every store is built before any page runs: AppTest makes app.py this process's __main__,
        # which the build's worker processes (spawned) would then run.
        datasets: list[tuple[str, Path, float]] = []
        if not args.skip_bundled:
            db_path = workdir / "bundled.duckdb"
            datasets.append(("bundled", db_path, _build("bundled", db_path, [], workers=1)))
        if not args.skip_synthetic:
            name = f"{args.schools}x{args.years}"
            reports = args.reports
            if reports is None:
                from loaders.synthetic import write_reports

                reports = workdir / f"reports-{name}"
                print(f"[{name}] writing {args.schools * args.years} synthetic reports …", flush=True)
                write_reports(reports, args.schools, args.years, workers=args.workers)
            db_path = workdir / f"{name}.duckdb"
            datasets.append((name, db_path, _build(name, db_path, [reports], workers=args.workers)))
        for name, db_path, build_s in datasets:
            results.append(run_dataset(name, db_path, build_s, args))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    out = ROOT / "artifacts" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"bench-{stamp}.json").write_text(
        json.dumps({"machine": _machine(), "targets": TARGETS, "results": results}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    for result in results:
        print(f"summary [{result['dataset']}]: {_verdict(result)}")
    print(f"figures written to {out / f'bench-{stamp}.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
