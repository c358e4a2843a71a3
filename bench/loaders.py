"""Benchmark of the loaders: prints the time to extract the bundled report, to rebuild the store,
and to read the bundled report printed to PDF.

    python -m bench.loaders [--repeat N] [--pdf | --no-pdf]

The PDF is the bundled report's text printed by Debian's Chromium to A4 pages with its tables as
ruled HTML tables (bench/report_pdf.py; written once to artifacts/bench/). Targets on the 2-core
reference machine: extract < 0.5 s, rebuild < 3 s, a ~100-page PDF < 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from loaders.contracts.paths import ROOT
from loaders.read.load import load
from loaders.read.spec import load_spec
from loaders.store.build import bundled_report_files, rebuild

PDF_PATH = ROOT / "artifacts" / "bench" / "bundled_report.pdf"
PDF_FONT_PX = 19  # type size that makes the bundled report about 100 A4 pages


def _timed(func, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def bundled_pdf(path: Path = PDF_PATH) -> Path:
    """The bundled report printed to PDF by Chromium (made once, then reused)."""
    if not path.exists():
        from bench.report_pdf import print_pdf, report_html

        lines = bundled_report_files()[0].read_text(encoding="utf-8").splitlines()
        print_pdf(report_html(lines, font_px=PDF_FONT_PX), path)
    return path


def main() -> None:
    """Run the benchmark and print one line per measurement."""
    parser = argparse.ArgumentParser(prog="python -m bench.loaders")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-pdf", dest="pdf", action="store_false", help="skip the PDF measurement")
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
    if args.pdf:
        import pypdfium2

        path = bundled_pdf()
        pages = len(pypdfium2.PdfDocument(path))
        results = []
        times = _timed(lambda: results.append(load(path)), args.repeat)
        figures = len(results[-1].observations)
        print(
            f"PDF {path.name} ({pages} pages, printed by Chromium; {figures} figures):"
            f" median {statistics.median(times):.3f} s, max {max(times):.3f} s (target < 3 s)"
        )


if __name__ == "__main__":
    main()
