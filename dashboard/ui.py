"""Rendering helpers every page uses: a chart with its caption and downloads, packs, print and
presentation styles, and errors.

Only pages (through this module) turn exceptions into messages; no traceback reaches a user.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from loaders.errors import BilingualError
from viz.exports import Provenance, reader_table, render_csv, render_xlsx, safe_file_name
from viz.i18n import t
from viz.markup import plain
from viz.png import WIDTH_FULL, WIDTH_HALF, png_available, render_png


def modebar_config(filename: str) -> dict:
    """Plotly's browser-side toolbar: no logo, PNG download at 2× with a meaningful file name."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": safe_file_name(filename)},
    }


def chart(
    figure: go.Figure,
    provenance: Provenance,
    *,
    data: pd.DataFrame | None,
    name: str,
    lang: str,
    key: str,
    png_width: int = WIDTH_HALF,
) -> None:
    """Show a chart with its source caption and PNG, CSV and Excel downloads.

    Args:
        figure: The figure (built with the shared template).
        provenance: Source, tables and filters; shown as the caption.
        data: The chart's data for the downloads (None or empty: PNG only).
        name: Base of the download file names (indicator_school_year).
        lang: Interface language.
        key: Unique widget key on the page.
        png_width: Width in CSS pixels of the server-side PNG.
    """
    st.plotly_chart(figure, theme=None, width="stretch", key=f"chart_{key}", config=modebar_config(name))
    st.caption(plain(provenance.caption(lang)))
    table = reader_table(data, lang) if data is not None and not data.empty else None
    download_row(table, provenance, name=name, lang=lang, key=key, figure=figure, png_width=png_width)


def show_error(exc: Exception, lang: str) -> None:
    """Show an error in the reader's language and stop the page (no traceback).

    The message is shown as text (see :func:`viz.markup.plain`): it names files and quotes cells.
    """
    message = exc.text(lang) if isinstance(exc, BilingualError) else str(exc)
    text = "  \n".join(plain(line) for line in message.splitlines())
    st.error(f"**{t('error_title', lang)}**\n\n{text}", icon=":material/error:")
    st.stop()


def render_items(items: list, lang: str) -> None:
    """Lay out :class:`viz.sections.ChartItem` s: half-width ones two to a row, full-width alone."""
    row = None
    slot = 0
    for item in items:
        if item.width == "full":
            chart(
                item.figure, item.provenance, data=item.data, name=item.file_stem, lang=lang, key=item.key,
                png_width=WIDTH_FULL,
            )  # fmt: skip
            row = None
            continue
        if row is None or slot == 2:
            row = st.columns(2)
            slot = 0
        with row[slot]:
            chart(item.figure, item.provenance, data=item.data, name=item.file_stem, lang=lang, key=item.key)
        slot += 1


def indicator_name(indicators: pd.DataFrame, indicator_id: str, lang: str) -> str:
    """The registry name of an indicator in the reader's language."""
    row = indicators.loc[indicators["indicator_id"] == indicator_id]
    if row.empty:
        return indicator_id
    return str(row["name_zh" if lang == "zh" else "name_en"].iloc[0])


def indicator_unit(indicators: pd.DataFrame, indicator_id: str) -> str:
    """The registry unit of an indicator."""
    row = indicators.loc[indicators["indicator_id"] == indicator_id]
    return "" if row.empty else str(row["unit"].iloc[0])


def kpi_row(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    indicator_ids: list[str],
    *,
    subject: str,
    lang: str,
) -> None:
    """A row of plain KPI cards (value and unit) for indicators of one report and subject."""
    from viz.charts import format_value

    columns = st.columns(len(indicator_ids))
    for column, indicator_id in zip(columns, indicator_ids, strict=True):
        rows = observations[(observations["indicator_id"] == indicator_id) & (observations["subject"] == subject)]
        rows = rows.sort_values("source_line")
        unit = indicator_unit(indicators, indicator_id)
        value = rows["value"].iloc[0] if not rows.empty else None
        column.metric(
            indicator_name(indicators, indicator_id, lang),
            format_value(value, unit),
            help=(
                plain(f"{rows['source_table'].iloc[0]} · {t('line', lang)} {rows['source_line'].iloc[0]}")
                if not rows.empty
                else None
            ),
            border=True,
        )


@st.cache_resource(show_spinner=False, max_entries=2048)
def _bullet(**arguments: object) -> go.Figure:
    """:func:`viz.charts.bullet`, built once per arguments and shared by every session (not to be changed).

    A plan page draws dozens of bullets; building each figure again on every rerun cost more
    than the rest of the page.
    """
    from viz.charts import bullet

    return bullet(**arguments)


def target_bullets(rows: pd.DataFrame, *, lang: str, per_row: int = 3, key: str) -> None:
    """Bullet charts (value, target, status) for measurable attainment rows, with captions.

    Args:
        rows: Rows of :func:`metrics.targets.compute_attainment`.
        lang: Interface language.
        per_row: Charts per row.
        key: Widget key prefix.
    """
    from viz.charts import format_value
    from viz.i18n import status_name

    measurable = rows[rows["status"] != "not_measurable"]
    if measurable.empty:
        st.info(t("no_targets_here", lang))
        return
    columns = st.columns(per_row)
    for position, row in enumerate(measurable.itertuples(index=False)):
        target = row.target_value if pd.notna(row.target_value) else None
        value = row.current_value if pd.notna(row.current_value) else None
        with columns[position % per_row]:
            st.plotly_chart(
                _bullet(
                    title=str(row.label_zh),
                    value=value,
                    target=target,
                    unit=str(row.unit) if pd.notna(row.unit) else "",
                    status=str(row.status),
                    lower_is_better=row.comparator == "<=",
                    value_label=t("school_row", lang),
                    target_label=t("target", lang),
                ),
                theme=None,
                width="stretch",
                key=f"{key}_{position}",
                config=modebar_config(f"{row.label_zh}_{t('target', lang)}"),
            )
            needed = (
                f"；{t('growth_needed', lang)} {format_value(row.growth_needed_pct, '%')}"
                if pd.notna(row.growth_needed_pct) and row.status not in ("met",)
                else ""
            )
            st.caption(
                plain(
                    f"{status_name(str(row.status), lang)} · {t('target', lang)} {row.target_year}{needed}"
                    f" · {t('source', lang)}：{row.source_table or '—'}"
                )
            )


def download_row(
    data: pd.DataFrame | None,
    provenance: Provenance,
    *,
    name: str,
    lang: str,
    key: str,
    figure: go.Figure | None = None,
    png_width: int = WIDTH_HALF,
) -> None:
    """Download buttons: CSV and Excel of a table and, for a chart, a server-side PNG.

    Every file is made only when its button is clicked (``on_click="ignore"``: no rerun).
    Without Chromium on the server the PNG button is disabled and its tooltip says why; the
    chart toolbar's camera button still downloads a PNG drawn by the browser.

    Args:
        data: The table as the reader sees it (see :func:`viz.exports.reader_table`); None or
            empty: no CSV/Excel.
        provenance: Source, tables and filters (the xlsx 来源 sheet, the PNG's source line).
        name: Base of the file names.
        lang: Interface language.
        key: Unique widget key on the page.
        figure: The chart, for the PNG button.
        png_width: Width in CSS pixels of the PNG.
    """
    filename = safe_file_name(name)
    row = st.container(horizontal=True)
    if figure is not None:
        if png_available():
            row.download_button(
                t("download_png", lang),
                data=lambda: render_png(figure, provenance, lang=lang, width=png_width),
                file_name=f"{filename}.png",
                mime="image/png",
                key=f"png_{key}",
                on_click="ignore",
                icon=":material/image:",
            )
        else:
            row.button(
                t("download_png", lang), key=f"png_{key}", disabled=True, help=t("png_unavailable", lang),
                icon=":material/image:",
            )  # fmt: skip
    if data is None or data.empty:
        return
    row.download_button(
        t("download_csv", lang),
        data=lambda: render_csv(data, provenance),
        file_name=f"{filename}.csv",
        mime="text/csv",
        key=f"csv_{key}",
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        t("download_xlsx", lang),
        data=lambda: render_xlsx(data, provenance, lang=lang),
        file_name=f"{filename}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{key}",
        on_click="ignore",
        icon=":material/table:",
    )


Items = Mapping[str, list] | Callable[[], Mapping[str, list]]


def pack_button(
    items_by_page: Items,
    *,
    lang: str,
    key: str,
    file_name: str,
    filters: str,
    tables: Mapping | Callable[[], Mapping] | None = None,
    whole: bool = False,
) -> None:
    """A button that builds a report pack (zip) with progress, then a button that saves it.

    The pack is built in this run, under an ``st.status`` with a progress bar, and kept in the
    session (for these filters) so the save button stays until the filters change.

    Args:
        items_by_page: Page id → :class:`viz.sections.ChartItem` s, or a function that returns
            them (so the whole-dashboard pack builds its charts only when asked).
        lang: Interface language.
        key: Unique key on the page.
        file_name: The zip's file name.
        filters: The active filters in words (a pack built for other filters is not offered).
        tables: Extra tables for :func:`viz.pack.build_pack`, or a function returning them.
        whole: The whole-dashboard pack (labels say so).
    """
    from viz.pack import build_pack

    saved_key = f"_pack_{key}"
    signature = (file_name, lang, filters)
    with st.container(horizontal=True, vertical_alignment="center"):
        clicked = st.button(
            t("pack_all" if whole else "pack_page", lang),
            key=f"build_{key}",
            icon=":material/folder_zip:",
            help=None if whole else t("pack_help", lang),  # the overview says it in a caption
        )
        if not png_available():
            st.caption(t("pack_no_png", lang))
    if clicked:
        with st.status(t("pack_building", lang), expanded=True) as status:
            bar = st.progress(0.0, text=t("pack_building", lang))

            def progress(fraction: float, message: str) -> None:
                bar.progress(min(max(fraction, 0.0), 1.0), text=f"{fraction:.0%} · {message}")

            items = items_by_page() if callable(items_by_page) else items_by_page
            extra = tables() if callable(tables) else tables
            data = build_pack(items, extra, lang, progress, png=png_available())
            status.update(label=t("pack_ready", lang), state="complete", expanded=False)
        st.session_state[saved_key] = (signature, data)
    saved = st.session_state.get(saved_key)
    if saved is not None and saved[0] == signature:
        st.download_button(
            f"{t('pack_save_all' if whole else 'pack_save', lang)}（{len(saved[1]) / 1e6:.1f} MB）",
            data=saved[1],
            file_name=file_name,
            mime="application/zip",
            key=f"save_{key}",
            on_click="ignore",
            type="primary",
            icon=":material/download:",
        )


def office_buttons(make_dossier: Callable[[], object], *, label: str, filters, key: str) -> None:
    """Download buttons for a view's PowerPoint deck, Word appendix and offline HTML file.

    Each file is made only when its button is clicked (a callable with ``on_click="ignore"``),
    by :func:`viz.documents.render_document` from the dossier ``make_dossier`` returns; the
    Word appendix draws its pictures on the server when Chromium is there.

    Args:
        make_dossier: Returns the :class:`viz.dossier.Dossier` of the view (called on click).
        label: What the view is, for the file names (the page's title, or 汇报材料).
        filters: The active filters (school and year for the file names, the language).
        key: Unique key on the page.
    """
    from viz.documents import DOCUMENTS, OFFICE_FORMATS, document_file_name, render_document

    lang = filters.lang
    with st.container(horizontal=True):
        for kind in OFFICE_FORMATS:
            spec = DOCUMENTS[kind]
            st.download_button(
                t(spec.label, lang),
                data=lambda kind=kind: render_document(kind, make_dossier(), png=png_available()),
                file_name=document_file_name(label, filters.school, filters.year, kind),
                mime=spec.mime,
                key=f"{kind}_{key}",
                on_click="ignore",
                icon=spec.icon,
                help=t("office_help", lang),
            )


def page_pack(page: str, items: list, filters) -> None:
    """The pack button at the end of a page, and the page's deck, Word appendix and offline HTML."""
    from dashboard import frames
    from viz.dossier import Dossier

    lang = filters.lang
    st.divider()
    pack_button(
        {page: items},
        lang=lang,
        key=f"pack_{page}",
        file_name=f"{safe_file_name(t('page_' + page, lang))}_{safe_file_name(filters.school)}_{filters.year}.zip",
        filters=filters.describe(),
    )
    office_buttons(
        lambda: Dossier(frames.context(filters), {page: items}), label=t(f"page_{page}", lang), filters=filters,
        key=f"office_{page}",
    )  # fmt: skip


def dashboard_pack(filters, attainment: pd.DataFrame | None) -> None:
    """The whole-dashboard pack for the chosen school and year (every page's charts and the
    attainment table of the chosen plan), and the whole dashboard's deck, Word appendix and HTML."""
    from dashboard import frames, store
    from viz.dossier import Dossier
    from viz.frames import attainment_table, plan_tables
    from viz.sections import plan_provenance

    lang = filters.lang
    plans = store.plans()
    plan = plans[plans["plan_id"] == filters.plan_id]
    plan_title = str(plan["title"].iloc[0]) if not plan.empty else ""
    tables_of_plan = plan_tables(plan.iloc[0]) if not plan.empty else ()

    def tables() -> dict:
        if attainment is None or attainment.empty:
            return {}
        provenance = plan_provenance(plan_title, tables_of_plan, filters.school, filters.year, filters.benchmark, lang)
        title = "规划目标达成" if lang == "zh" else "plan_attainment"
        return {f"targets/{title}": (attainment_table(attainment, lang), provenance)}

    pack_button(
        lambda: frames.all_section_items(filters),
        lang=lang,
        key="pack_all",
        file_name=f"{safe_file_name(t('pack_all_title', lang))}_{safe_file_name(filters.school)}_{filters.year}.zip",
        filters=filters.describe(plan_title),
        tables=tables,
        whole=True,
    )

    def dossier() -> Dossier:
        return Dossier(
            frames.context(filters),
            frames.all_section_items(filters),
            attainment,
            plan_title,
            tables_of_plan,
            whole=True,
        )

    office_buttons(dossier, label=t("pack_all_title", lang), filters=filters, key="office_all")


#: Printing a page from the browser: A4, no sidebar or buttons, one chart per row, charts kept
#: whole (a chart never splits across pages; a heading stays with what follows it).
PRINT_CSS = """
<style>
@media print {
  @page { size: A4 portrait; margin: 12mm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stBottom"], .stButton, .stDownloadButton, [data-testid="stPageLink"],
  .modebar-container { display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], .stMain { margin: 0 !important;
    padding: 0 !important; overflow: visible !important; height: auto !important; position: static !important; }
  [data-testid="stMainBlockContainer"], .block-container { padding: 0 !important; max-width: 100% !important; }
  [data-testid="stHorizontalBlock"]:has([data-testid="stPlotlyChart"]) { flex-direction: column !important; }
  [data-testid="stHorizontalBlock"]:has([data-testid="stPlotlyChart"]) > [data-testid="stColumn"] {
    width: 100% !important; flex: 1 1 auto !important; }
  [data-testid="stColumn"]:has([data-testid="stPlotlyChart"]), [data-testid="stPlotlyChart"],
  [data-testid="stMetric"], [data-testid="stExpander"], [data-testid="stAlert"] {
    break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3, [data-testid="stHeading"] { break-after: avoid; page-break-after: avoid; }
  body, .stApp { background: #ffffff !important; }
}
</style>
"""

#: Charts keep the pixel size they were drawn at on screen; before printing, each one wider than
#: an A4 column or taller than half a page is zoomed down to fit (and back after), so none is cut
#: off at the edge and two ordinary charts share a page.
PRINT_FIT_JS = """
<script>
(() => {
  if (window.__printFit) { return; }
  window.__printFit = true;
  const WIDTH = 650;   // CSS px: A4 portrait minus 2 x 12 mm margins is ~700 px wide
  const HEIGHT = 380;  // and ~1030 px tall: two charts with their captions and gaps
  // The element container, not the chart: inner boxes keep the chart's height as a fixed size.
  const charts = () => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    .map((chart) => chart.closest('[data-testid="stElementContainer"]') || chart);
  window.addEventListener("beforeprint", () => {
    charts().forEach((chart) => {
      const svg = chart.querySelector(".main-svg");
      if (!svg) { return; }
      const box = svg.getBoundingClientRect();
      const tall = box.height > 1.5 * HEIGHT;  // a long list of bars may fill most of a page
      const zoom = Math.min(1, WIDTH / box.width, (tall ? 2.3 * HEIGHT : HEIGHT) / box.height);
      chart.style.zoom = zoom < 1 ? String(zoom) : "";
    });
  });
  window.addEventListener("afterprint", () => charts().forEach((chart) => { chart.style.zoom = ""; }));
})();
</script>
"""


def print_styles() -> None:
    """Make every page print cleanly to A4 (:data:`PRINT_CSS`, :data:`PRINT_FIT_JS`); call once per run."""
    st.html(PRINT_CSS)
    st.html(PRINT_FIT_JS, unsafe_allow_javascript=True)


def status_counts(attainment: pd.DataFrame, lang: str) -> None:
    """Cards with the number of targets per status (met, on track, … not measurable)."""
    from viz.i18n import STATUS_NAMES, status_name

    counts = attainment["status"].value_counts()
    present = [s for s in STATUS_NAMES if s in counts.index]
    if not present:
        return
    for column, status in zip(st.columns(len(present)), present, strict=True):
        column.metric(status_name(status, lang), int(counts[status]), border=True)


#: While presenting: no sidebar, header or toolbar; the chart uses the whole width; a large counter.
PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container { padding: 1rem 2rem 0.5rem 2rem !important;
  max-width: 100% !important; }
.st-key-present_counter p { font-size: 1.8rem; font-weight: 600; margin: 0 1.5rem; font-variant-numeric: tabular-nums; }
[data-testid="stCaptionContainer"] { font-size: 1.05rem; }
</style>
"""

#: ← / → (and PageUp / PageDown, which presenter remotes send) click the previous / next buttons;
#: Esc leaves presentation mode.
ARROW_KEYS_JS = """
<script>
(() => {
  if (window.__presentKeys) { document.removeEventListener("keydown", window.__presentKeys); }
  window.__presentKeys = (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) { return; }
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    const which = { ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev", Escape: "exit" }[
      event.key
    ];
    const button = which && document.querySelector(`.st-key-present_${which} button`);
    if (!button || button.disabled) { return; }
    event.preventDefault();
    button.click();
  };
  document.addEventListener("keydown", window.__presentKeys);
})();
</script>
"""


def hide_chrome() -> None:
    """Hide the sidebar, header and toolbar for presenting (:data:`PRESENT_CSS`)."""
    st.html(PRESENT_CSS)


def arrow_keys() -> None:
    """Let the arrow keys move through the slides (:data:`ARROW_KEYS_JS`; static code, no user input)."""
    st.html(ARROW_KEYS_JS, unsafe_allow_javascript=True)
