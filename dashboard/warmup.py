"""Warm the dashboard once it has started, so its first visitor does not wait for the imports.

    python -m dashboard.warmup --port 8501      (started in the background by ``manage.sh start``)

A fresh server process has imported nothing of the app and cached nothing: its first visitor
waited for pandas, Plotly and the metrics to load and for the default report's check-up, about
twice as long as any later visitor. Streamlit's script health check
(``server.scriptHealthCheckEnabled`` in ``.streamlit/config.toml``) runs the app once, as a
session without a browser would, on the default view; this asks for it as soon as the server
answers. Nothing is written: the run reads the store like any visitor. The gate in front of the
app (:mod:`dashboard.gate`) answers that route once per ``script_check_interval_s`` and only on
this machine, so this one call right after the start is the one that runs.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request

HEALTH = "/_stcore/health"
SCRIPT_CHECK = "/_stcore/script-health-check"


def _get(url: str, timeout_s: float) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return response.status, response.read(200).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(200).decode("utf-8", "replace")


def warm(base_url: str, *, wait_s: float = 120.0, run_timeout_s: float = 120.0) -> float | None:
    """Wait for the server at ``base_url`` to answer, then run the app once on its default view.

    Args:
        base_url: ``http://127.0.0.1:8501``.
        wait_s: How long to wait for the server to start.
        run_timeout_s: How long the app's run may take.

    Returns:
        Seconds the run took, or None when the server never answered or the run failed (the
        dashboard works as before then; its first visitor does the loading).
    """
    deadline = time.monotonic() + wait_s
    while True:
        try:
            if _get(base_url + HEALTH, 2.0)[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            return None
        time.sleep(0.3)
    started = time.perf_counter()
    try:
        status, _ = _get(base_url + SCRIPT_CHECK, run_timeout_s)
    except OSError:
        return None
    return time.perf_counter() - started if status == 200 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.warmup", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--host", default="127.0.0.1", help="where the server listens (0.0.0.0: asked on 127.0.0.1)")
    args = parser.parse_args(argv)
    host = "127.0.0.1" if args.host in ("0.0.0.0", "", "::") else args.host
    seconds = warm(f"http://{host}:{args.port}")
    from viz.i18n import both

    texts = both("warmup_failed") if seconds is None else both("warmup_done", seconds=f"{seconds:.1f}")
    print(" / ".join(texts), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
