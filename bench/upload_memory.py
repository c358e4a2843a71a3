"""The server's memory while a planner uploads a large file through the real dashboard.

    python -m bench.upload_memory [--csv-mb 17] [--file F]...

Starts the dashboard on a store of its own (a temporary folder, never ``data/``), lets Debian's
Chromium unlock the planner tab, upload each file and confirm it, and samples every 20 ms the
resident memory of the server process itself and, separately, of its child processes (the
parsing child). Prints, per file: the server's RSS before, its peak during the upload and after,
the children's peak, the seconds until the result was shown, and what the page said.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from contextlib import suppress
from pathlib import Path

from bench.server import CHROMIUM, LAUNCH_ARGS, free_port, serving
from loaders.store.build import rebuild

PASSWORD = "bench-password"


def _rss_kb(pid: int) -> int:
    with suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _children(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with suppress(OSError):
                kids = [int(child) for child in task.read_text().split()]
                found += kids
                pending += kids
    return found


class Sampler(threading.Thread):
    """Peaks of the server's own RSS and of its children's total RSS, every ``interval_s``."""

    def __init__(self, pid: int, interval_s: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval_s = pid, interval_s
        self.server_peak_kb = self.children_peak_kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.server_peak_kb = max(self.server_peak_kb, _rss_kb(self.pid))
            self.children_peak_kb = max(self.children_peak_kb, sum(_rss_kb(c) for c in _children(self.pid)))
            time.sleep(self.interval_s)


def big_csv(path: Path, megabytes: float) -> Path:
    """A tidy CSV of about ``megabytes`` (the shape of the 17 MB file of issue 12)."""
    lines = ["school,report_year,indicator_id,subject,year,years_after,value,unit,source_table,source_line,source_text"]
    size, row = 0, 0
    while size < megabytes * 2**20:
        cells = f"industry_employment_count,行业{row},2020,,{row % 997},人,表X,{row + 2},行业{row} 原文"
        line = f"大文件测试职业学院,2021,{cells}"
        lines.append(line)
        size += len(line.encode()) + 1
        row += 1
    path.write_bytes("\n".join(lines).encode("utf-8"))
    return path


def _server_pid(shell_pid: int) -> int:
    """The Python process serving (``manage.sh`` execs it; a wrapper may not)."""
    for pid in [shell_pid, *_children(shell_pid)]:
        with suppress(OSError):
            if b"streamlit" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
    return shell_pid


def measure(files: list[Path], workdir: Path) -> list[dict[str, object]]:
    from playwright.sync_api import sync_playwright

    db = workdir / "quality.duckdb"
    rebuild(db)
    port = free_port()
    env = {
        **os.environ,
        "QUALITY_DB": str(db),
        "QUALITY_UPLOADS": str(workdir / "uploads"),
        "PLANNER_PASSWORD": PASSWORD,
        "QUALITY_MAX_UPLOAD_MB": "50",
    }
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.maxUploadSize", "50",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    results = []
    with serving(command, env, port) as (url, shell_pid), sync_playwright() as playwright:
        pid = _server_pid(shell_pid)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for file in files:
            page = browser.new_page(viewport={"width": 1400, "height": 1200})  # a session per file
            page.set_default_timeout(300_000)
            page.goto(f"{url}/data?school=温州职业技术学院", timeout=120_000)  # the bundled report in view
            page.get_by_role("tab", name="载入新数据").click()
            page.get_by_label("规划人员密码").fill(PASSWORD)
            page.get_by_role("button", name="解锁").click()
            page.locator("input[type=file]").wait_for(state="attached", timeout=60_000)
            time.sleep(2)
            before = _rss_kb(pid)
            sampler = Sampler(pid)
            sampler.start()
            started = time.perf_counter()
            page.locator("input[type=file]").set_input_files(str(file))
            shown = page.locator("[data-testid='stAlert']:visible, button:visible:has-text('确认载入')")
            shown.first.wait_for(timeout=300_000)
            confirm = page.get_by_role("button", name="确认载入")
            if confirm.count():
                confirm.click()
                page.get_by_text("已载入").first.wait_for(timeout=300_000)
            seconds = time.perf_counter() - started
            time.sleep(1)
            sampler.stop.set()
            sampler.join()
            alerts = page.locator("[data-testid='stAlert']:visible").all_inner_texts()
            results.append(
                {
                    "file": file.name,
                    "size_mb": round(file.stat().st_size / 2**20, 1),
                    "server_before_mb": round(before / 1024),
                    "server_peak_mb": round(sampler.server_peak_kb / 1024),
                    "server_after_mb": round(_rss_kb(pid) / 1024),
                    "child_peak_mb": round(sampler.children_peak_kb / 1024),
                    "seconds": round(seconds, 1),
                    "page_said": [a.strip().replace("\n", " ")[:160] for a in alerts if "体检" not in a],
                }
            )
            page.close()
        browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.upload_memory", description=__doc__.splitlines()[0])
    parser.add_argument("--csv-mb", type=float, default=17.0, help="size of the generated tidy CSV")
    parser.add_argument("--file", type=Path, action="append", default=[], help="another file to upload")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="upload-memory-") as folder:
        workdir = Path(folder)
        files = [big_csv(workdir / f"大文件_{args.csv_mb:g}MB.csv", args.csv_mb), *args.file]
        print(json.dumps(measure(files, workdir), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
