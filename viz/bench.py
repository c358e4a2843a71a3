"""``python -m viz.bench``: how long exports take on this machine (prints figures; not a test).

Measures, on a fresh store built from ``data/`` in a temporary folder:

* the first server-side PNG (starts the process's Chromium),
* warm server-side PNG per chart of every page (median and p95 over ``--repeat`` renders of each),
  as a planner clicks 下载 PNG: one image at a time with a pause between (``--pause``), and
  back to back as the pack draws them (kaleido reloads its tab after each image before the next
  can be drawn),
* CSV and xlsx per chart,
* the whole-dashboard report pack (every page's charts as PNG, CSV and xlsx, plus the plan table),
* the whole dashboard's office files (:data:`viz.documents.OFFICE_FORMATS`): the PowerPoint deck,
  the Word appendix (its pictures drawn by the same Chromium) and the offline HTML file
  (``--office-only`` measures just these, the appendix then starting Chromium itself).

Targets: warm PNG < 0.5 s per chart; whole-dashboard pack < 30 s; each office file < 20 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from loaders.store.queries import StoreReader


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print a table; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m viz.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="renders per chart for the warm PNG figures")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between single exports")
    parser.add_argument("--office-only", action="store_true", help="only the office files of the whole dashboard")
    args = parser.parse_args(argv)
    if args.office_only:
        return office(cold=True)

    from loaders.store.build import rebuild
    from loaders.store.schema import connect
    from viz.__main__ import attainment_tables, load_context
    from viz.catalogue import SECTIONS
    from viz.exports import reader_table, render_csv, render_xlsx
    from viz.pack import build_pack
    from viz.png import WIDTH_FULL, WIDTH_HALF, png_available, render_png

    if not png_available():
        print("没有 Chromium，无法测量 PNG。/ No Chromium: PNG timings cannot be measured.")
        return 1
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "quality.duckdb"
        rebuild(db)
        con = connect(db, read_only=True)
        try:
            ctx = load_context(StoreReader(con), school=None, year=None, lang="zh", benchmark="高职")
            tables = attainment_tables(StoreReader(con), ctx, None)
        finally:
            con.close()
    items = {page: build(ctx) for page, build in SECTIONS.items()}
    charts = [item for page_items in items.values() for item in page_items]

    def png(item) -> bytes:
        return render_png(item.figure, item.provenance, width=WIDTH_FULL if item.width == "full" else WIDTH_HALF)

    started = time.perf_counter()
    png(charts[0])
    first = time.perf_counter() - started

    per_chart: list[tuple[str, float, float, float, float]] = []
    single: list[float] = []
    burst: list[float] = []
    for item in charts:
        paused, back_to_back = [], []
        for _ in range(args.repeat):
            time.sleep(args.pause)
            started = time.perf_counter()
            png(item)
            paused.append(time.perf_counter() - started)
        for _ in range(args.repeat):
            started = time.perf_counter()
            png(item)
            back_to_back.append(time.perf_counter() - started)
        single += paused
        burst += back_to_back
        per_chart.append(
            (
                item.title,
                statistics.median(paused),
                _quantile(paused, 0.95),
                statistics.median(back_to_back),
                _quantile(back_to_back, 0.95),
            )
        )

    data_times = []
    for item in charts:
        started = time.perf_counter()
        table = reader_table(item.data, "zh")
        render_csv(table, item.provenance)
        render_xlsx(table, item.provenance)
        data_times.append(time.perf_counter() - started)

    started = time.perf_counter()
    pack = build_pack(items, tables, "zh")
    pack_seconds = time.perf_counter() - started

    print(f"首张 PNG（含启动 Chromium）/ first PNG (starts Chromium): {first:.2f} s")
    print(f"\n预热后的服务器端 PNG / warm server-side PNG, {args.repeat} renders per chart (seconds)")
    print(f"{'chart':<30} {'single':>8} {'p95':>7} {'burst':>8} {'p95':>7}")
    for title, median, p95, burst_median, burst_p95 in per_chart:
        print(f"{title[:28]:<30} {median:8.3f} {p95:7.3f} {burst_median:8.3f} {burst_p95:7.3f}")
    print(
        f"{'all charts':<30} {statistics.median(single):8.3f} {_quantile(single, 0.95):7.3f}"
        f" {statistics.median(burst):8.3f} {_quantile(burst, 0.95):7.3f}   (target < 0.5)"
    )
    print("single: one export after a pause (a click on 下载 PNG); burst: back to back (the pack)")
    print(f"\nCSV + xlsx per chart: median {statistics.median(data_times) * 1000:.0f} ms")
    print(
        f"整个仪表盘的图表包 / whole-dashboard pack: {pack_seconds:.1f} s for {len(charts)} charts"
        f" ({len(pack) / 1e6:.1f} MB; target < 30 s)"
    )
    return office(cold=False)


def office(*, cold: bool) -> int:
    """Time each office file of the whole dashboard (built from a fresh store); print a line each.

    Args:
        cold: No PNG has been drawn in this process yet (the Word appendix starts Chromium).

    Returns:
        The exit status.
    """
    from loaders.store.build import rebuild
    from loaders.store.schema import connect
    from viz.__main__ import load_context, load_dossier
    from viz.documents import DOCUMENTS, OFFICE_FORMATS, render_document
    from viz.png import png_available

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "quality.duckdb"
        rebuild(db)
        started = time.perf_counter()
        con = connect(db, read_only=True)
        try:
            ctx = load_context(StoreReader(con), school=None, year=None, lang="zh", benchmark="高职")
            dossier = load_dossier(StoreReader(con), ctx, "all", None)
        finally:
            con.close()
        assemble = time.perf_counter() - started
    print(
        f"\n整个仪表盘的办公文件 / the whole dashboard's office files"
        f" ({len(dossier.charts())} charts; target < 20 s each)"
    )
    print(f"  {'charts and frames from the store':<34} {assemble:6.2f} s")
    for kind in OFFICE_FORMATS:
        started = time.perf_counter()
        data = render_document(kind, dossier, png=png_available())
        seconds = time.perf_counter() - started
        note = " (starts Chromium)" if kind == "docx" and cold and png_available() else ""
        print(f"  {DOCUMENTS[kind].extension:<34} {seconds:6.2f} s  {len(data) / 1e6:5.1f} MB{note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
