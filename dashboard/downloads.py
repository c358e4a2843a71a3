"""Files a planner takes away: a chart's PNG, CSV and Excel, a page's or the dashboard's pack, and
the office documents (PowerPoint deck, Word appendix, offline HTML).

Belongs here: the buttons, driven by the export registries — :data:`viz.exports.RENDERERS` for one
chart or table (:data:`DOWNLOADS` says which formats a chart offers and with which icon) and
:data:`viz.documents.DOCUMENTS` for a whole view. Every file is made only when its button is clicked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from viz.charts import is_empty_figure
from viz.exports import RENDERERS, Provenance, safe_file_name
from viz.i18n import t
from viz.png import WIDTH_HALF, png_available

#: The buttons under a chart, in order: format of :data:`viz.exports.RENDERERS`, what it is made
#: from (the ``figure`` or the ``table``) and its icon.
DOWNLOADS: tuple[tuple[str, str, str], ...] = (
    ("png", "figure", ":material/image:"),
    ("csv", "table", ":material/download:"),
    ("xlsx", "table", ":material/table:"),
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
    wide: pd.DataFrame | None = None,
    unit: str = "",
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
        wide: The same figures as a report's table, for the Excel file's second sheet.
        unit: The unit of ``wide``'s values (its number format).
    """
    filename = safe_file_name(name)
    row = st.container(horizontal=True)
    has_table = data is not None and not data.empty
    for kind, takes, icon in DOWNLOADS:
        render, extension, mime = RENDERERS[kind]
        if takes == "figure":
            if figure is None or is_empty_figure(figure):  # an empty chart is not worth a picture
                continue
            if kind == "png" and not png_available():
                row.button(
                    t(f"download_{kind}", lang), key=f"{kind}_{key}", disabled=True, help=t("png_unavailable", lang),
                    icon=icon,
                )  # fmt: skip
                continue
            make = partial(render, figure, provenance, lang=lang, width=png_width)
        elif not has_table:
            continue
        elif kind == "xlsx":
            make = partial(render, data, provenance, lang=lang, wide=wide, unit=unit)
        else:
            make = partial(render, data, provenance, lang=lang)
        row.download_button(
            t(f"download_{kind}", lang),
            data=make,
            file_name=f"{filename}.{extension}",
            mime=mime,
            key=f"{kind}_{key}",
            on_click="ignore",
            icon=icon,
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


def page_pack(page: str, items: Callable[[], list], filters) -> None:
    """The pack button at the end of a page, and the page's deck, Word appendix and offline HTML
    (``items`` builds the page's charts when a file is asked for)."""
    from dashboard import frames
    from viz.dossier import Dossier

    lang = filters.lang
    st.divider()
    pack_button(
        lambda: {page: items()},
        lang=lang,
        key=f"pack_{page}",
        file_name=f"{safe_file_name(t('page_' + page, lang))}_{safe_file_name(filters.school)}_{filters.year}.zip",
        filters=filters.describe(),
    )
    office_buttons(
        lambda: Dossier(frames.context(filters), {page: items()}), label=t(f"page_{page}", lang), filters=filters,
        key=f"office_{page}",
    )  # fmt: skip


def dashboard_pack(filters, attainment: pd.DataFrame | None) -> None:
    """The whole-dashboard pack for the chosen school and year (every page's charts and the
    attainment table of the chosen plan), and the whole dashboard's deck, Word appendix and HTML."""
    from dashboard import frames, store
    from viz.dossier import Dossier
    from viz.frames import plan_tables
    from viz.names import plan_title as plan_name
    from viz.sections import plan_provenance
    from viz.target_tables import attainment_table

    lang = filters.lang
    plans = store.plans()
    plan = plans[plans["plan_id"] == filters.plan_id]
    plan_title = plan_name(filters.plan_id, str(plan["title"].iloc[0]), lang) if not plan.empty else ""
    tables_of_plan = plan_tables(plan.iloc[0]) if not plan.empty else ()

    def tables() -> dict:
        if attainment is None or attainment.empty:
            return {}
        provenance = plan_provenance(plan_title, tables_of_plan, filters.school, filters.year, filters.benchmark, lang)
        title = t("attainment_file", lang)
        indicator_names = frames.context(filters).names
        return {f"targets/{title}": (attainment_table(attainment, lang, indicator_names), provenance)}

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
