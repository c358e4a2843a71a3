"""The real server under real browsers: resident memory after every page, and concurrent sessions.

Starts ``streamlit run app.py`` on a loopback port, drives Debian's Chromium with Playwright
(launched with the offline arguments of ``tests/test_browser.py``; never downloads a browser),
reads the server's resident memory from ``/proc`` (the server and any child processes), and
times ``goto`` → the first Plotly chart drawn for several browser sessions at once.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path

from bench.sessions import FIGURE_MARK, first_figure_times
from loaders.contracts.paths import ROOT

#: Debian's Chromium (installed by manage.sh); Playwright is never allowed to download a browser.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Offline, headless, no sandbox (the tests and the benchmark run as root in a container).
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: URL paths of the pages, in navigation order ("" is the overview).
PAGE_PATHS = ["", "outcomes", "enrollment", "faculty", "research", "targets", "compare", "present", "data"]
CHART = ".js-plotly-plot .main-svg"
#: Records when the first chart is drawn (``window.__firstChartDrawn``, ms since navigation): the
#: frame after its SVG is inserted. Read in the page rather than polled from outside: Playwright's
#: polling runs on the page's main thread, so while the browser mounts later charts it saw a chart
#: drawn earlier only after them.
FIRST_CHART_JS = """
(() => {
  const watch = new MutationObserver(() => {
    if (window.__firstChartDrawn !== undefined || !document.querySelector(".js-plotly-plot .main-svg")) return;
    window.__firstChartDrawn = -1;
    watch.disconnect();
    requestAnimationFrame(() => { window.__firstChartDrawn = performance.now(); });
  });
  document.addEventListener("DOMContentLoaded", () => watch.observe(document.body, {childList: true, subtree: true}));
})();
"""
#: The smallest Streamlit page with one Plotly chart: what any such page costs a browser here.
FLOOR_APP = Path(__file__).with_name("floor_app.py")


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(
    command: list[str], env: dict[str, str], port: int, *, timeout_s: float = 180.0, capture: bool = False
) -> Iterator[tuple[str, int]]:
    """Run a command that serves the dashboard on ``port``; yields ``(url, pid)`` once it is healthy.

    The process (and its children) are stopped afterwards. With ``capture`` its output goes to a
    temporary file (a pipe nobody reads could fill and stall the server) and is shown when it
    does not start.
    """
    with tempfile.TemporaryFile() if capture else nullcontext() as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    output = ""
                    if log is not None:
                        log.seek(0)
                        output = log.read().decode("utf-8", "replace")
                    raise RuntimeError(f"the dashboard did not start (exit status {process.poll()})\n{output}")
                time.sleep(0.3)
            yield url, process.pid
        finally:
            with suppress(ProcessLookupError):  # already gone when it failed to start
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


@contextmanager
def running_server(
    db_path: Path, *, read_only: bool = False, timeout_s: float = 180.0, app: Path = ROOT / "app.py"
) -> Iterator[tuple[str, int]]:
    """Run the dashboard (or another ``app``) on a free loopback port; yields ``(url, pid)`` and stops it afterwards."""
    port = free_port()
    env = {**os.environ, "QUALITY_DB": str(db_path)}
    env.pop("PLANNER_PASSWORD", None)
    if read_only:
        env["QUALITY_DB_READONLY"] = "1"
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with serving(command, env, port, timeout_s=timeout_s) as running:
        yield running


def resident_mb(pid: int) -> float:
    """VmRSS of a process and all its descendants, in MB."""
    total_kb = 0
    pending = [pid]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with suppress(OSError):
                pending += [int(child) for child in task.read_text().split()]
    return total_kb / 1024


def _query(params: dict[str, str]) -> str:
    return urllib.parse.urlencode(params)


async def _settle(page, timeout_ms: int) -> None:
    await page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout_ms)
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=timeout_ms,
    )


async def _visit_every_page(url: str, params: dict[str, str], timeout_ms: int) -> dict[str, float]:
    from playwright.async_api import async_playwright

    times: dict[str, float] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1600, "height": 1200})
            for path in PAGE_PATHS:
                started = time.perf_counter()
                await page.goto(f"{url}/{path}?{_query(params)}")
                await _settle(page, timeout_ms)
                times[path or "overview"] = time.perf_counter() - started
        finally:
            await browser.close()
    return times


async def _fresh_visits(url: str, params: dict[str, str], path: str, visits: int, timeout_ms: int) -> list[float]:
    """Seconds until the page is shown (title drawn, nothing running), each visit in a fresh browser
    context (no cache, no cookies): the first one right after the server started, then later ones."""
    from playwright.async_api import async_playwright

    times: list[float] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            for _ in range(visits):
                context = await browser.new_context(viewport={"width": 1600, "height": 1200})
                try:
                    page = await context.new_page()
                    started = time.perf_counter()
                    await page.goto(f"{url}/{path}?{_query(params)}")
                    await _settle(page, timeout_ms)
                    times.append(time.perf_counter() - started)
                finally:
                    await context.close()
        finally:
            await browser.close()
    return times


async def _first_chart_times(
    url: str, rounds: list[list[dict[str, str]]], page_path: str, timeout_ms: int
) -> list[list[tuple[float, float]]]:
    """Per round, per session: seconds from navigation to the first chart drawn (:data:`FIRST_CHART_JS`),
    and to its data received.

    The second time is when the websocket frame carrying the first Plotly figure arrives: the
    server's part, before the browser parses Plotly.js and draws.
    """
    from playwright.async_api import async_playwright

    results: list[list[tuple[float, float]]] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:

            async def one(query: dict[str, str]) -> tuple[float, float]:
                context = await browser.new_context(viewport={"width": 1400, "height": 1000})
                await context.add_init_script(FIRST_CHART_JS)
                try:
                    page = await context.new_page()
                    received: list[float] = []

                    def watch(socket) -> None:
                        def frame(payload: str | bytes) -> None:
                            data = payload if isinstance(payload, bytes) else payload.encode()
                            if not received and FIGURE_MARK in data:
                                received.append(time.perf_counter())

                        socket.on("framereceived", frame)

                    page.on("websocket", watch)
                    started = time.perf_counter()
                    await page.goto(f"{url}/{page_path}?{_query(query)}")
                    await page.wait_for_selector(CHART, state="visible", timeout=timeout_ms)
                    await page.wait_for_function("() => window.__firstChartDrawn > 0", timeout=timeout_ms)
                    drawn = await page.evaluate("() => window.__firstChartDrawn") / 1000
                    return drawn, (received[0] - started) if received else float("nan")
                finally:
                    await context.close()

            for sessions in rounds:  # one round: its browser sessions start together
                results.append(list(await asyncio.gather(*(one(query) for query in sessions))))
        finally:
            await browser.close()
    return results


def measure_server(
    db_path: Path,
    first: dict[str, str],
    rounds: list[list[dict[str, str]]],
    server_rounds: list[list[dict[str, str]]] | None = None,
    *,
    page_path: str = "outcomes",
    timeout_s: float = 120.0,
) -> dict[str, object]:
    """Start the server; visit every page once; read its memory; then time concurrent sessions.

    Args:
        db_path: The store the server reads.
        first: Filters (URL parameters) of the visit to every page.
        rounds: Each round's sessions (their filters); a round's sessions start together.
        server_rounds: Rounds for the browserless sessions afterwards (``rounds`` when None).
        page_path: The page the sessions open (one with charts).
        timeout_s: Longest wait for a page or a chart.

    Returns:
        ``page_load_s`` (every page once), ``rss_mb_after_pages``, ``first_chart_s`` (per round,
        per session: seconds to the chart drawn and to its data received), ``rss_mb_after_sessions``,
        ``server_first_chart_s`` (``server_rounds`` without browsers, see :mod:`bench.sessions`), ``server_start_s``,
        ``warmup_s`` (:mod:`dashboard.warmup`, None when it failed), and ``overview_after_start_s`` /
        ``overview_later_s``: the overview (default view) in a fresh browser context right after the
        start and warm-up, and the faster of two later fresh visits.
    """
    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} is not installed"}
    timeout_ms = int(timeout_s * 1000)
    started = time.perf_counter()
    from dashboard.warmup import warm

    with running_server(db_path) as (url, pid):
        start_s = time.perf_counter() - started
        warm_s = warm(url)  # as manage.sh start does (dashboard.warmup)
        # The overview right after a start (the server warmed as above), then twice more; each in
        # a fresh browser context, so only the server's state differs.
        fresh = asyncio.run(_fresh_visits(url, {}, "", 3, timeout_ms))
        page_load = asyncio.run(_visit_every_page(url, first, timeout_ms))
        rss_pages = resident_mb(pid)
        first_chart = asyncio.run(_first_chart_times(url, rounds, page_path, timeout_ms))
        rss_sessions = resident_mb(pid)
        server_only = first_figure_times(url, server_rounds or rounds, page_path, timeout_s)
    return {
        "server_start_s": start_s,
        "warmup_s": warm_s,
        "overview_after_start_s": fresh[0],
        "overview_later_s": min(fresh[1:]),
        "page_load_s": page_load,
        "rss_mb_after_pages": rss_pages,
        "first_chart_s": first_chart,
        "rss_mb_after_sessions": rss_sessions,
        "server_first_chart_s": server_only,
    }


def measure_floor(rounds: list[int], timeout_s: float = 120.0) -> dict[str, object]:
    """The same sessions on :data:`FLOOR_APP` (one chart, no data): the browsers' own cost on this machine.

    Args:
        rounds: Sessions per round (each round's start together).
        timeout_s: Longest wait for a chart.

    Returns:
        ``first_chart_s`` as in :func:`measure_server`, or ``skipped``.
    """
    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} is not installed"}
    with running_server(Path(os.devnull), app=FLOOR_APP) as (url, _):
        times = asyncio.run(_first_chart_times(url, [[{}] * n for n in rounds], "", int(timeout_s * 1000)))
    return {"first_chart_s": times}
