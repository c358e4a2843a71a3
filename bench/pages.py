"""Server-side script time of every page, cold and warm cache, and the slowest store queries.

Each page runs through ``streamlit.testing.v1.AppTest`` (the app frame plus the page, as the
server runs them) with filter combinations drawn from the store: a cold run right after
``st.cache_data.clear()`` and a warm run of the same view straight after.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.navigation import PAGES as NAVIGATION
from loaders.contracts.paths import ROOT

#: The pages of the app, in navigation order (declared once, in :mod:`dashboard.navigation`).
PAGES = [spec.script for spec in NAVIGATION]


@dataclass
class PageTimes:
    """Script times of one page, in seconds."""

    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class QueryTime:
    """One store read: which function, with what filters, how long."""

    name: str
    detail: str
    seconds: float


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def filter_combinations(db_path: Path, runs: int, seed: int = 7) -> list[dict[str, object]]:
    """``runs`` varied filter sets (school, year, benchmark, plan, language, two peers) from the store."""
    from loaders.store.schema import connect

    con = connect(db_path, read_only=True)
    try:
        reports = con.execute("SELECT school, report_year FROM reports ORDER BY school, report_year").fetchall()
        plans = [row[0] for row in con.execute("SELECT plan_id FROM plans ORDER BY plan_id").fetchall()]
    finally:
        con.close()
    schools = sorted({school for school, _ in reports})
    years = {}
    for school, year in reports:
        years.setdefault(school, []).append(year)
    rng = random.Random(seed)
    combos = []
    for position in range(runs):
        school = rng.choice(schools)
        others = [s for s in schools if s != school]
        combo: dict[str, object] = {
            "school": school,
            "year": str(rng.choice(years[school])),
            "benchmark": ("高职", "全省", "本科")[position % 3],
            "lang": ("zh", "en")[position % 2],
        }
        if plans:
            combo["plan"] = plans[position % len(plans)]
        if others:
            combo["peers"] = rng.sample(others, min(2, len(others)))
        combos.append(combo)
    return combos


@contextmanager
def recorded_queries() -> Iterator[list[QueryTime]]:
    """Time every read the app makes through :mod:`loaders.store.queries` while the block runs."""
    import inspect

    from loaders.store import queries as store

    names = [
        name
        for name in dir(store)
        if name.startswith("read_")
        and getattr(getattr(store, name), "__module__", "") == store.__name__
        and next(iter(inspect.signature(getattr(store, name)).parameters), "") == "con"
    ]
    originals = {name: getattr(store, name) for name in names}
    records: list[QueryTime] = []

    def timed(name: str, function: Callable) -> Callable:
        def wrapper(con, *args, **kwargs):
            started = time.perf_counter()
            try:
                return function(con, *args, **kwargs)
            finally:
                detail = ", ".join([*(repr(a)[:60] for a in args), *(f"{k}={v!r}"[:60] for k, v in kwargs.items())])
                records.append(QueryTime(name, detail, time.perf_counter() - started))

        return wrapper

    for name, function in originals.items():
        setattr(store, name, timed(name, function))
    try:
        yield records
    finally:
        for name, function in originals.items():
            setattr(store, name, function)


def time_pages(
    db_path: Path, combos: list[dict[str, object]], pages: list[str] | None = None
) -> tuple[dict[str, PageTimes], list[QueryTime]]:
    """Cold and warm script time of each page for each filter combination.

    Args:
        db_path: The store to read (opened by the app as ``QUALITY_DB``).
        combos: Filter combinations (URL parameters), see :func:`filter_combinations`.
        pages: Pages to time (all of :data:`PAGES` that exist when None).

    Returns:
        Times per page, and every store read made while timing.
    """
    import logging

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import components, frames
    from dashboard import store as app_store

    logging.disable(logging.WARNING)  # AppTest outside a server warns "no runtime" on every cached call
    os.environ["QUALITY_DB"] = str(db_path)
    os.environ.pop("PLANNER_PASSWORD", None)
    pages = [p for p in (pages or PAGES) if (ROOT / p).exists()]
    results = {page: PageTimes() for page in pages}
    with recorded_queries() as queries:
        for page in pages:
            for combo in combos:
                at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
                for key, value in combo.items():
                    at.query_params[key] = value
                at.run()  # the frame and the default page; not timed
                st.cache_data.clear()
                frames._section_items.clear()  # built charts are kept too (st.cache_resource)
                frames._compare_view.clear()
                components._bullet.clear()
                started = time.perf_counter()
                at.switch_page(page).run()
                results[page].cold.append(time.perf_counter() - started)
                started = time.perf_counter()
                at.run()
                results[page].warm.append(time.perf_counter() - started)
                if at.exception:
                    results[page].errors.append(str(at.exception[0].value)[:200])
    app_store.close()  # the server (another process) will open the file next
    logging.disable(logging.NOTSET)
    return results, queries


def summarise_pages(results: dict[str, PageTimes]) -> list[dict[str, object]]:
    """Rows for printing: page, runs, cold and warm p50/p95 in milliseconds."""
    rows = []
    for page, times in results.items():
        rows.append(
            {
                "page": page.removeprefix("pages/").removesuffix(".py"),
                "runs": len(times.warm),
                "cold_p50_ms": round(percentile(times.cold, 50) * 1000),
                "cold_p95_ms": round(percentile(times.cold, 95) * 1000),
                "warm_p50_ms": round(percentile(times.warm, 50) * 1000),
                "warm_p95_ms": round(percentile(times.warm, 95) * 1000),
                "errors": len(times.errors),
            }
        )
    return rows


def slowest_queries(queries: list[QueryTime], top: int = 8) -> list[dict[str, object]]:
    """The slowest store reads by function: count, median and slowest time, and the slowest call."""
    by_name: dict[str, list[QueryTime]] = {}
    for query in queries:
        by_name.setdefault(query.name, []).append(query)
    rows = []
    for name, calls in by_name.items():
        slowest = max(calls, key=lambda q: q.seconds)
        rows.append(
            {
                "query": name,
                "calls": len(calls),
                "p50_ms": round(statistics.median(q.seconds for q in calls) * 1000, 1),
                "max_ms": round(slowest.seconds * 1000, 1),
                "slowest_call": slowest.detail,
            }
        )
    rows.sort(key=lambda row: row["max_ms"], reverse=True)
    return rows[:top]
