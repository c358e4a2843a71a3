"""The report pack: one zip with every chart of a page (or of the whole dashboard) for a meeting.

Belongs here: :func:`build_pack`. Each chart becomes ``<page>/<NN>_<title>.png`` (with its source
line), ``.csv`` (UTF-8 with BOM) and ``.xlsx`` (data sheet and 来源 sheet), all made by the
renderers of :mod:`viz.exports` and :mod:`viz.png`; ``README.txt`` lists every file with its
source in Chinese and English. Pages and the ``python -m viz pack`` CLI both call it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import PurePosixPath

import pandas as pd

from viz.exports import Provenance, reader_table, render_csv, render_xlsx, safe_file_name
from viz.frames import frame_unit, wide_frame
from viz.i18n import t
from viz.sections import ChartItem

#: A table for the pack: the frame alone, or with where its figures come from.
PackTable = pd.DataFrame | tuple[pd.DataFrame, Provenance]
Progress = Callable[[float, str], None]

_KIND = {
    "png": ("图表", "chart"),
    "csv": ("数据 CSV", "data as CSV"),
    "xlsx": ("数据 Excel", "data as Excel"),
}


def page_title(page: str) -> str:
    """``就业与收入 / Graduate outcomes`` for a page id (the id itself when unknown)."""
    zh, en = t(f"page_{page}", "zh"), t(f"page_{page}", "en")
    return page if zh == f"page_{page}" else f"{zh} / {en}"


def build_pack(
    items_by_page: Mapping[str, list[ChartItem]],
    tables: Mapping[str, PackTable] | None = None,
    lang: str = "zh",
    progress: Progress | None = None,
    *,
    png: bool = True,
    created: datetime | None = None,
) -> bytes:
    """A zip of charts (PNG), their data (CSV, xlsx) and a README.txt index.

    Charts without data (e.g. a trend when one year is loaded) are left out and named in the
    README. When no PNG can be drawn (no Chromium), the pack still holds the CSV and xlsx files
    and the README says why the PNGs are missing.

    Args:
        items_by_page: Page id (``outcomes`` …) → its charts in page order
            (see :data:`viz.catalogue.SECTIONS`).
        tables: Extra tables, ``"<page>/<title>"`` (or ``"<title>"``) → frame, or
            ``(frame, provenance)``; written as CSV and xlsx after the page's charts.
        lang: Language of headers, captions and file titles.
        progress: Called with ``(fraction done, what is being made)`` after each step.
        png: Draw PNGs (False: data files only).
        created: Time stamp for the README (now when None).

    Returns:
        The zip's bytes.
    """
    report = progress or (lambda fraction, message: None)
    pages = {page: [item for item in items if not item.data.empty] for page, items in items_by_page.items()}
    skipped = {page: [item for item in items if item.data.empty] for page, items in items_by_page.items()}
    extra = _group_tables(tables or {})
    total = sum(len(items) for items in pages.values()) + sum(len(rows) for rows in extra.values())
    done = 0
    png_error: str | None = None
    entries: list[tuple[str, str, str]] = []  # (path, kind, source note)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for page in list(dict.fromkeys([*pages, *extra])):
            number = 0
            for item in pages.get(page, []):
                number += 1
                stem = f"{page}/{number:02d}_{safe_file_name(item.title, 60)}"
                report(done / total if total else 1.0, item.title)
                if png and png_error is None:
                    png_error = _add_png(archive, stem, item, lang, entries)
                table = reader_table(item.data, lang)
                note = source_note(item.provenance, lang)
                archive.writestr(f"{stem}.csv", render_csv(table, item.provenance, lang=lang))
                wide = wide_frame(item.data, lang, by_subject=True)
                workbook = render_xlsx(table, item.provenance, lang=lang, wide=wide, unit=frame_unit(item.data))
                archive.writestr(f"{stem}.xlsx", workbook)
                entries += [(f"{stem}.csv", "csv", note), (f"{stem}.xlsx", "xlsx", note)]
                done += 1
            for title, frame, provenance in extra.get(page, []):
                number += 1
                stem = f"{page}/{number:02d}_{safe_file_name(title, 60)}"
                report(done / total if total else 1.0, title)
                note = source_note(provenance, lang) if provenance is not None else ""
                archive.writestr(f"{stem}.csv", render_csv(frame, provenance, lang=lang))
                archive.writestr(f"{stem}.xlsx", render_xlsx(frame, provenance, lang=lang))
                entries += [(f"{stem}.csv", "csv", note), (f"{stem}.xlsx", "xlsx", note)]
                done += 1
        readme = _readme(pages, skipped, entries, png, png_error, created or datetime.now())
        archive.writestr("README.txt", readme.encode("utf-8-sig"))
    report(1.0, "README.txt")
    return buffer.getvalue()


def _add_png(archive: zipfile.ZipFile, stem: str, item: ChartItem, lang: str, entries: list) -> str | None:
    """Draw one chart into the archive; the reason when PNGs cannot be drawn here."""
    from viz.png import WIDTH_FULL, WIDTH_HALF, PngUnavailableError, render_png

    try:
        image = render_png(
            item.figure, item.provenance, lang=lang, width=WIDTH_FULL if item.width == "full" else WIDTH_HALF
        )
    except PngUnavailableError as exc:
        return exc.message
    # PNGs are compressed already: store them as they are.
    archive.writestr(f"{stem}.png", image, compress_type=zipfile.ZIP_STORED)
    entries.append((f"{stem}.png", "png", source_note(item.provenance, lang)))
    return None


def _group_tables(tables: Mapping[str, PackTable]) -> dict[str, list[tuple[str, pd.DataFrame, Provenance | None]]]:
    grouped: dict[str, list[tuple[str, pd.DataFrame, Provenance | None]]] = {}
    for key, value in tables.items():
        frame, provenance = value if isinstance(value, tuple) else (value, None)
        path = PurePosixPath(key)
        page = path.parent.as_posix() if path.parent.as_posix() != "." else "tables"
        grouped.setdefault(page, []).append((path.name, frame, provenance))
    return grouped


def source_note(provenance: Provenance, lang: str) -> str:
    """The caption plus the lines each table's figures were read from (``表2-15: 1271, 1273``)."""
    note = provenance.caption(lang)
    rows = provenance.rows
    if rows is None or rows.empty or "source_line" not in rows or "source_table" not in rows:
        return note
    parts = []
    for table, group in rows.dropna(subset=["source_line"]).groupby("source_table", sort=False):
        lines = sorted({int(line) for line in group["source_line"]})
        parts.append(f"{table}: " + ", ".join(str(line) for line in lines))
    label = "行号" if lang == "zh" else "lines"
    return note + (f"\n      {label}: " + "; ".join(parts) if parts else "")


def _readme(
    pages: Mapping[str, list[ChartItem]],
    skipped: Mapping[str, list[ChartItem]],
    entries: list[tuple[str, str, str]],
    png: bool,
    png_error: str | None,
    created: datetime,
) -> str:
    first = next((item for items in pages.values() for item in items), None)
    lines = [
        "图表包 / Report pack",
        "====================",
        "",
        f"生成时间 Created: {created:%Y-%m-%d %H:%M}",
    ]
    if first is not None:
        lines.append(f"来源 Source: {first.provenance.source}")
        lines.append(f"筛选 Filters: {first.provenance.filters}")
    lines += [
        "",
        "每张图有三个文件：PNG 图片（图下有来源行）、CSV 数据（UTF-8 BOM，Excel 可直接打开）和 Excel 数据"
        "（“来源”工作表列出每个数据的报告、表格和行号以及筛选条件）。",
        "Each chart comes as three files: a PNG image (with its source line), its data as CSV (UTF-8 with"
        " BOM, opens in Excel) and as Excel (the 来源 sheet lists the report, table and line of every figure"
        " and the filters used).",
    ]
    if not png:
        lines += ["", "本包未生成 PNG。 / PNGs were not requested for this pack."]
    elif png_error:
        lines += ["", "未能生成 PNG / PNGs could not be drawn:", *png_error.splitlines()]
    lines += ["", "文件 Files", "----------"]
    stems: dict[str, list[tuple[str, str, str]]] = {}
    for path, kind, note in entries:
        stems.setdefault(path.rsplit(".", 1)[0], []).append((path, kind, note))
    current_page = None
    for stem, files in stems.items():
        page = stem.split("/", 1)[0]
        if page != current_page:
            lines += ["", f"{page}/  {page_title(page)}"]
            current_page = page
        for path, kind, _ in files:
            zh, en = _KIND[kind]
            lines.append(f"  {path}  —  {zh} / {en}")
        note = files[0][2]
        if note:  # the source, once per chart
            lines.append(f"      {note}")
    omitted = [(page, item) for page, items in skipped.items() for item in items]
    if omitted:
        lines += ["", "没有数据、未放入本包的图表 / Charts left out (no data):"]
        lines += [f"  {page}: {item.title}" for page, item in omitted]
    lines.append("")
    return "\r\n".join(lines)
