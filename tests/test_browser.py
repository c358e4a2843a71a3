"""Real-browser test: the README's start command serves the app; Debian's Chromium (driven by
Playwright) visits every page in both languages, finds no error element, and saves screenshots
to ``artifacts/screenshots`` for a person to look at."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from loaders.paths import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (bash manage.sh test installs it)"
)
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = ["", "outcomes", "enrollment", "faculty", "research", "targets", "compare", "data"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "QUALITY_DB": str(tmp_path_factory.mktemp("browser") / "q.duckdb")}
    env.pop("PLANNER_PASSWORD", None)
    process = subprocess.Popen(
        ["bash", str(ROOT / "manage.sh"), "start"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
                pytest.fail(f"the dashboard did not start:\n{output}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script and drawn the charts."""
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=60_000)
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=60_000,
    )
    page.wait_for_timeout(1500)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_without_errors(server: str, browser, lang: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1600, "height": 1400})
    try:
        for name in PAGES:
            page.goto(f"{server}/{name}?lang={lang}")
            _settle(page)
            errors = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
            assert errors.count() == 0, f"{name} ({lang}): {errors.first.inner_text()}"
            if name not in ("data", "targets", ""):
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
            page.screenshot(path=str(SCREENSHOTS / f"{name or 'overview'}_{lang}.png"))
    finally:
        page.close()
    assert len(list(SCREENSHOTS.glob(f"*_{lang}.png"))) >= len(PAGES)


def test_copied_link_reopens_the_same_view(server: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        page.goto(f"{server}/outcomes?lang=en&benchmark=%E6%9C%AC%E7%A7%91&plan=lishui_2023_2025")
        _settle(page)
        main = page.locator("[data-testid='stMain']").inner_text()
        assert page.locator("h1").first.inner_text().startswith("Graduate outcomes")
        assert "Benchmark: Zhejiang undergraduate" in main  # the chart captions state the filters
        assert "benchmark=%E6%9C%AC%E7%A7%91" in page.url
        assert "plan=lishui_2023_2025" in page.url
        page.goto(f"{server}/faculty?lang=zh&plan=lishui_2023_2025")
        _settle(page)
        main = page.locator("[data-testid='stMain']").inner_text()
        assert "“双师型”教师占比" in main  # the Lishui plan's 95% target is the one shown
    finally:
        page.close()
