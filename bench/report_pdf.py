"""A report's text printed to PDF by Chromium, the way a college's web page or Word file is printed.

Used by the PDF benchmark (``python -m bench.loaders --pdf``) and the PDF test fixtures: the lines of
a text report become an HTML page — captions and paragraphs as text, the rows of each table as a real
HTML table (a label cell, one cell per number) — printed with Debian's Chromium to A4 pages.

* ``ruled=True``: tables with a 1 px border on every cell (as most reports print them);
* ``ruled=False``: borderless tables, columns set apart by padding only;
* ``running_header``: a line printed in the top margin of every page (a ``@page`` margin box), as
  reports with a running title have — it lands in the middle of a table that runs over a page break;
* ``wrap_labels``: label and header cells so narrow that long labels wrap over two or three lines;
* ``break_before``: row labels before which a page break is forced (a table broken across pages).

Nothing is downloaded: Chromium is the Debian package ``manage.sh`` installs, the font is Debian's
Noto Sans CJK.
"""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
from pathlib import Path

from bench.server import CHROMIUM

_CAPTION_RE = re.compile(r"^(?:附\s*)?表\s*\d")
_TABLE_END_RE = re.compile(r"^(数据来源|资料来源|注\s*[:：])")
_NUMBER_RE = re.compile(r"^[\d.,]+(?:%|％|:1)?$|^[—–-]{1,2}$")


def _split(line: str) -> tuple[str, list[str]]:
    tokens = line.split()
    first = len(tokens)
    while first > 0 and _NUMBER_RE.match(tokens[first - 1]):
        first -= 1
    return " ".join(tokens[:first]), tokens[first:]


def report_html(
    lines: list[str],
    *,
    ruled: bool = True,
    running_header: str | None = None,
    wrap_labels: bool = False,
    font_px: int = 13,
    break_before: frozenset[str] = frozenset(),
    cell_padding_px: int = 10,
    number_spacing_px: float = 0.0,
    split_numbers_px: float = 0.0,
) -> str:
    """The report as an HTML page whose tables are HTML tables (see the module docstring).

    ``cell_padding_px`` is the left and right padding of every cell (the gap between two columns of
    a borderless table is twice it); ``number_spacing_px`` a letter spacing inside the number cells
    (a text layer whose digits stand apart, as justified or spaced-out cells print): with a small
    padding the gaps inside a number come near the gaps between columns. ``split_numbers_px`` draws
    every number of seven characters or more as two runs with this gap after its fourth character
    (``1726`` ␣ ``5.39``), as a text layer that breaks a number into two runs does.
    """
    body: list[str] = []
    stripped = [line.strip() for line in lines if line.strip()]

    def number(text: str) -> str:
        if split_numbers_px and len(text) >= 7 and text[:4].isdigit():
            gap = f"<span style='margin-left:{split_numbers_px}px'></span>"
            return html.escape(text[:4]) + gap + html.escape(text[4:])
        return html.escape(text)

    index = 0
    while index < len(stripped):
        line = stripped[index]
        body.append(f"<p>{html.escape(line)}</p>")
        index += 1
        if not _CAPTION_RE.match(line):
            continue
        rows: list[str] = []
        while (
            index < len(stripped)
            and not _CAPTION_RE.match(stripped[index])
            and not _TABLE_END_RE.match(stripped[index])
        ):
            rows.append(stripped[index])
            index += 1
        split = [_split(row) for row in rows]
        width = max((1 + len(numbers) for label, numbers in split if numbers), default=1)
        cells: list[str] = []
        for row, (label, numbers) in zip(rows, split, strict=True):
            tokens = row.split()
            tr = "<tr style='break-before: page'>" if label in break_before else "<tr>"
            if numbers and len(numbers) < width:
                cells.append(
                    tr
                    + "<td class=label>"
                    + html.escape(label)
                    + "</td>"
                    + "".join(f"<td>{number(n)}</td>" for n in numbers)
                    + "<td></td>" * (width - 1 - len(numbers))
                    + "</tr>"
                )
            elif numbers:
                cells.append(
                    tr
                    + "<td class=label>"
                    + html.escape(label)
                    + "</td>"
                    + "".join(f"<td>{number(n)}</td>" for n in numbers)
                    + "</tr>"
                )
            elif len(tokens) == width:
                cells.append("<tr>" + "".join(f"<th>{html.escape(t)}</th>" for t in tokens) + "</tr>")
            else:
                cells.append(f"<tr><td colspan={width} class=label>{html.escape(row)}</td></tr>")
        body.append("<table>" + "".join(cells) + "</table>")
    border = "1px solid #000" if ruled else "none"
    label_width = "5.5em" if wrap_labels else "auto"
    running = running_header.replace('"', "'") if running_header else ""
    style = f"""
      @page {{ size: A4; margin: 22mm 18mm 20mm 18mm; }}
      body {{ font-family: "Noto Sans CJK SC", sans-serif; font-size: {font_px}px; line-height: 1.55; }}
      p {{ margin: 0 0 4px 0; }}
      table {{ border-collapse: collapse; margin: 6px 0 10px 0; }}
      td, th {{ border: {border}; padding: 2px {cell_padding_px}px; font-weight: normal; vertical-align: middle; }}
      td:not(.label) {{ letter-spacing: {number_spacing_px}px; }}
      tr {{ break-inside: avoid; }}
      td.label {{ width: {label_width}; }}
      th {{ max-width: {"4.5em" if wrap_labels else "none"}; }}
      @page {{ @top-center {{ content: "{running}"; font-size: 10px; }} }}
    """
    head = f"<!doctype html><html><head><meta charset=utf-8><style>{style}</style></head>"
    return f"{head}<body>{''.join(body)}</body></html>"


def print_pdf(page_html: str, out: Path, timeout_s: float = 120.0) -> Path:
    """Print an HTML page to ``out`` with headless Chromium (no header or footer lines of its own).

    Raises:
        RuntimeError: Chromium is missing or did not write the file.
    """
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is not installed (bash manage.sh test installs it)")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.html"
        source.write_text(page_html, encoding="utf-8")
        subprocess.run(
            [
                CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", f"--print-to-pdf={out}",
                source.as_uri(),
            ],
            check=False,
            capture_output=True,
            timeout=timeout_s,
        )  # fmt: skip
    if not out.exists() or out.stat().st_size == 0:
        raise RuntimeError(f"Chromium did not print {out}")
    return out
