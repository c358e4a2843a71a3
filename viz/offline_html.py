"""One offline HTML file of a view: the same charts, interactive, readable without a server or network.

Belongs here: :func:`render_html`. A single UTF-8 file for sending over WeChat: Plotly's
JavaScript inlined once, every chart drawn from the very figure the page shows (zoom, hover and
the toolbar's PNG download work), each with its takeaway line, its 来源 line and filters, and
its data as a table (with the lines every figure was read from); for the whole dashboard the
headline cards and the plan's measurable targets too.

Safety: every text that comes from data is escaped with :func:`viz.markup.plain` (``"html"``),
the figures' JSON is embedded with ``<``, ``>``, ``&`` and the line separators written as
``\\u`` escapes (so no ``</script>`` in a subject name can end the script), and a
Content-Security-Policy in the file allows only its own two scripts (by hash), no network
requests at all (``default-src 'none'``), no frames, forms or base URL: a ``<script>`` that got
in anyway would not run, and nothing is fetched even if a reader's browser is online.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable

import pandas as pd
import plotly.io as pio

from loaders.contracts.vocabulary import STATUS_COLOURS
from viz.charts import format_value
from viz.dossier import Dossier, target_cells
from viz.exports import safe_file_name
from viz.frames import frame_unit, wide_frame
from viz.i18n import benchmark_name, status_name, t, unit_note
from viz.markup import plain
from viz.pack import source_note
from viz.sections import ChartItem
from viz.theme import FONT_FAMILY, SCHOOL_COLOUR

Progress = Callable[[float, str], None]
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}

STYLE = """
:root { --school: %(school)s; --muted: #5b6577; --rule: #d5dbe3; }
* { box-sizing: border-box; }
body { margin: 0; font-family: %(font)s; color: #1d2433; background: #f6f8fa; line-height: 1.6; }
header, main, footer { max-width: 1480px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 1.9rem; margin: 0 0 .4rem; border-left: 8px solid var(--school); padding-left: 14px; }
h2 { font-size: 1.45rem; margin: 2.2rem 0 1rem; border-left: 6px solid var(--school); padding-left: 12px; }
.meta { color: var(--muted); margin: .2rem 0; font-size: .95rem; }
nav { margin: 1rem 0 0; display: flex; flex-wrap: wrap; gap: .4rem 1rem; }
nav a { color: var(--school); text-decoration: none; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 18px; }
.chart { background: #fff; border: 1px solid var(--rule); border-radius: 8px; padding: 14px 16px; margin: 0;
  break-inside: avoid; min-width: 0; }
.chart.full { grid-column: 1 / -1; }
.takeaway { font-weight: 600; color: #1f3b5c; margin: 0 0 .4rem; }
.plot { width: 100%%; }
figcaption, .source { color: var(--muted); font-size: .85rem; margin-top: .4rem; }
details { margin-top: .5rem; }
summary { cursor: pointer; color: var(--school); }
table { border-collapse: collapse; width: 100%%; font-size: .9rem; margin-top: .4rem; background: #fff; }
th, td { border: 1px solid var(--rule); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #dce6f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 14px; }
.card { background: #fff; border: 1px solid var(--rule); border-radius: 8px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: .9rem; }
.card .value { color: var(--school); font-size: 1.8rem; font-weight: 700; }
.good { color: #2e8b57; font-weight: 600; } .bad { color: #c0392b; font-weight: 600; }
.status { color: #fff; padding: 1px 8px; border-radius: 4px; white-space: nowrap; }
footer { color: var(--muted); font-size: .85rem; padding: 2rem 24px 3rem; }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } .cards { grid-template-columns: repeat(2, 1fr); } }
@media print {
  body { background: #fff; } nav { display: none; } .chart { border: none; padding: 0; }
  .grid { grid-template-columns: 1fr; } .modebar-container { display: none !important; }
}
"""

#: Draws every chart from the embedded figures; opens the data tables before printing.
DRAW_JS = """
(() => {
  const figures = JSON.parse(document.getElementById("figures").textContent);
  for (const [id, spec] of Object.entries(figures)) {
    const config = Object.assign({responsive: true, displaylogo: false}, spec.config);
    Plotly.newPlot(document.getElementById(id), spec.data, spec.layout, config);
  }
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details").forEach((d) => { d.open = true; });
  });
})();
"""


def render_html(dossier: Dossier, progress: Progress | None = None, *, png: bool = True) -> bytes:
    """The view as one self-contained HTML file (UTF-8).

    Args:
        dossier: The view (a page or the whole dashboard).
        progress: Called with ``(fraction done, what is being made)`` after each chart.
        png: Unused (the browser draws the charts); kept for the common signature of
            :data:`viz.documents.DOCUMENTS`.

    Returns:
        The file's bytes.
    """
    report = progress or (lambda fraction, message: None)
    lang = dossier.lang
    ctx = dossier.context
    sep = "：" if lang == "zh" else ": "
    figures: dict[str, dict] = {}
    body: list[str] = []
    toc: list[tuple[str, str]] = []
    if dossier.whole and not dossier.headline.empty:
        toc.append(("kpi", t("headline", lang)))
        body.append(_kpi_section(dossier))
    charts = dossier.charts()
    current_page = None
    for position, (page, item) in enumerate(charts):
        if page != current_page:
            if current_page is not None:
                body.append("</div></section>")
            anchor = f"page-{_id(page)}"
            toc.append((anchor, t(f"page_{page}", lang)))
            body.append(f'<section id="{anchor}"><h2>{_e(t(f"page_{page}", lang))}</h2><div class="grid">')
            current_page = page
        plot_id = f"plot-{position + 1}"
        figures[plot_id] = _figure_spec(item)
        body.append(_chart_block(item, plot_id, dossier))
        report((position + 1) / (len(charts) + 1), item.title)
    if current_page is not None:
        body.append("</div></section>")
    targets = dossier.measurable_targets()
    if not targets.empty:
        toc.append(("targets", t("page_targets", lang)))
        body.append(_targets_section(dossier, targets))
    skipped = dossier.skipped()
    if skipped:
        names = ("、" if lang == "zh" else "; ").join(item.title for _, item in skipped)
        body.append(f'<p class="source">{_e(t("office_skipped", lang, names=names))}</p>')

    plotly_js = _plotly_js()
    figures_json = _json_for_script(figures)
    csp = (
        "default-src 'none'; "
        f"script-src {_hash(plotly_js)} {_hash(DRAW_JS)}; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    nav = "".join(f'<a href="#{anchor}">{_e(label)}</a>' for anchor, label in toc)
    meta = [
        f"{t('filters', lang)}{sep}{dossier.filters}",
        f"{t('source', lang)}{sep}{ctx.source}",
        t("office_created", lang, when=f"{dossier.created:%Y-%m-%d %H:%M}"),
    ]
    document = "".join(
        [
            "<!DOCTYPE html>\n",
            f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(dossier.title)}</title>",
            f"<style>{STYLE % {'school': SCHOOL_COLOUR, 'font': FONT_FAMILY}}</style>",
            "</head><body><header>",
            f"<h1>{_e(dossier.title)}</h1>",
            *(f'<p class="meta">{_e(line)}</p>' for line in meta),
            f"<nav>{nav}</nav></header><main>",
            *body,
            "</main>",
            f"<footer>{_e(t('office_offline_note', lang))}</footer>",
            f'<script type="application/json" id="figures">{figures_json}</script>',
            f"<script>{plotly_js}</script>",
            f"<script>{DRAW_JS}</script>",
            "</body></html>\n",
        ]
    )
    report(1.0, "html")
    return document.encode("utf-8")


def _e(text: object) -> str:
    """Text from data (or anything else) made literal in HTML."""
    return plain(text, "html")


def _id(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", key)


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _plotly_js() -> str:
    """plotly.js as plotly.py ships it (no CDN); a ``</script`` inside could not end the element."""
    from plotly.offline import get_plotlyjs

    return re.sub(r"</(script)", r"<\\/\1", get_plotlyjs(), flags=re.IGNORECASE)


def _json_for_script(value: object) -> str:
    """JSON that is inert inside ``<script>``: ``< > &`` and U+2028/2029 as ``\\u`` escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda match: _JSON_ESCAPES[match.group(0)], text)


def _figure_spec(item: ChartItem) -> dict:
    """The figure as JSON data (the dashboard's figure, its template and a named PNG download)."""
    spec = json.loads(pio.to_json(item.figure, validate=False))
    spec["config"] = {"toImageButtonOptions": {"format": "png", "scale": 2, "filename": safe_file_name(item.file_stem)}}
    return spec


def _chart_block(item: ChartItem, plot_id: str, dossier: Dossier) -> str:
    lang = dossier.lang
    sep = "：" if lang == "zh" else ": "
    provenance = item.provenance
    tables = ("、" if lang == "zh" else ", ").join(dict.fromkeys(provenance.tables))
    source = f"{t('source', lang)}{sep}{provenance.source}" + (
        f"{'，' if lang == 'zh' else ', '}{tables}" if tables else ""
    )
    takeaway = dossier.takeaway(item)
    table = wide_frame(item.data, lang)
    unit = frame_unit(item.data)
    note = unit_note(unit, lang) if unit and "series" in item.data else ""
    lines = source_note(provenance, lang).split("\n", 1)
    return "".join(
        [
            f'<figure class="chart {"full" if item.width == "full" else "half"}" id="chart-{_id(item.key)}">',
            f'<p class="takeaway">{_e(takeaway)}</p>' if takeaway else "",
            f'<div class="plot" id="{plot_id}" role="img" aria-label="{_e(item.title)}"></div>',
            f"<figcaption>{_e(source)}<br>{_e(t('filters', lang))}{_e(sep)}{_e(provenance.filters)}</figcaption>",
            f"<details><summary>{_e(t('office_data_table', lang))}{_e(note)}</summary>",
            _table_html([str(c) for c in table.columns], [_row(r, unit) for r in table.itertuples(index=False)]),
            f'<p class="source">{_e(lines[1].strip())}</p>' if len(lines) > 1 else "",
            "</details></figure>",
        ]
    )


def _row(record: tuple, unit: str) -> list[tuple[str, bool]]:
    cells = [(str(record[0]), False)]
    for value in record[1:]:
        cells.append(
            ("—" if value is None or pd.isna(value) else format_value(float(value), unit, with_unit=False), True)
        )
    return cells


def _table_html(header: list[str], rows: list[list[tuple[str, bool]]]) -> str:
    head = "".join(f"<th>{_e(text)}</th>" for text in header)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="num">{_e(text)}</td>' if numeric else f"<td>{_e(text)}</td>" for text, numeric in row)
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _kpi_section(dossier: Dossier) -> str:
    lang = dossier.lang
    ctx = dossier.context
    sep = "：" if lang == "zh" else ": "
    cards = []
    for card in dossier.headline.to_dict("records"):
        indicator_id = str(card["indicator_id"])
        unit = card["unit"] if isinstance(card["unit"], str) else ctx.unit(indicator_id)
        name = ctx.name(indicator_id)
        label = f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})"
        value = None if pd.isna(card["value"]) else float(card["value"])
        parts = [
            f'<div class="label">{_e(label)}</div>',
            f'<div class="value">{_e(format_value(value, unit, with_unit=False))}</div>',
        ]
        if pd.notna(card["difference"]):
            unit_text = card["difference_unit"] if card["difference_unit"] != "百分点" or lang == "zh" else "pp"
            css = {True: "good", False: "bad"}.get(card["is_favourable"], "")
            vs = t("vs", lang, benchmark=benchmark_name(ctx.benchmark, lang))
            gap = f"{card['difference']:+,.2f} {unit_text}"
            parts.append(f'<div><span class="{css}">{_e(gap)}</span> {_e(vs)}</div>')
        if isinstance(card["status"], str):
            status = f"{t('plan_status', lang)}{sep}{status_name(card['status'], lang)}"
            parts.append(f'<div class="source">{_e(status)}</div>')
        cards.append(f'<div class="card">{"".join(parts)}</div>')
    return f'<section id="kpi"><h2>{_e(t("headline", lang))}</h2><div class="cards">{"".join(cards)}</div></section>'


def _targets_section(dossier: Dossier, targets: pd.DataFrame) -> str:
    lang = dossier.lang
    header = [t("indicator", lang), t("target", lang), t("current_value", lang), t("current_year", lang),
              t("progress", lang), t("status", lang)]  # fmt: skip
    rows = []
    for row in targets.to_dict("records"):
        status = str(row["status"])
        colour = STATUS_COLOURS.get(status, "#95a5a6")
        cells = "".join(f'<td class="num">{_e(text)}</td>' for text in target_cells(row))
        badge = f'<span class="status" style="background:{colour}">{_e(status_name(status, lang))}</span>'
        rows.append(f"<tr><td>{_e(row['label_zh'])}</td>{cells}<td>{badge}</td></tr>")
    head = "".join(f"<th>{_e(text)}</th>" for text in header)
    provenance = dossier.plan_provenance()
    caption = f'<p class="source">{_e(provenance.caption(lang))}</p>' if provenance is not None else ""
    return (
        f'<section id="targets"><h2>{_e(t("page_targets", lang))}</h2><p class="meta">{_e(dossier.plan_title)}</p>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{caption}</section>"
    )
