"""The four domain pages (就业与收入, 招生, 师资, 科研与社会服务), drawn by one function from the catalogue.

Belongs here: the layout every domain page shares — title, intro, KPI cards, the charts of
``data/specs/pages.toml`` (built once per view by :func:`dashboard.frames.section_items`), a note, the
plan's targets for the page's registry domains, and the page's pack and office files. What differs
between the pages is data in the catalogue, not code here.
"""

from __future__ import annotations

import streamlit as st

from dashboard import frames, store
from dashboard.components import indicator_names, kpi_row, render_items, report_figures, show_error, target_bullets
from dashboard.downloads import page_pack
from dashboard.staging import rest_now
from dashboard.state import Filters, current
from metrics.errors import MetricsError
from viz.catalogue import load_catalogue
from viz.i18n import t
from viz.schools import overlay_peers

#: Chart kinds that can show the peers beside the school (one indicator, by years after graduation).
OVERLAID_KINDS = ("benchmark",)


def with_peers(page_id: str, items: list, f: Filters) -> list:
    """The page's charts with the chosen peers overlaid where that makes sense (:data:`OVERLAID_KINDS`).

    Args:
        page_id: The domain page.
        items: Its chart items (shared between sessions: never changed, new ones are made).
        f: The filters (the school and its peers).
    """
    kinds = {c.chart_key: c for c in load_catalogue().get(page_id).chart}
    out = []
    for item in items:
        spec = kinds.get(item.key)
        if spec is None or spec.kind not in OVERLAID_KINDS:
            out.append(item)
            continue
        schools = (f.school, *f.peers)
        aligned = frames.aligned_schools(spec.indicators[0], schools)
        out.append(overlay_peers(item, aligned, f.lang))
    return out


def render_domain_page(page_id: str) -> None:
    """Draw one domain page of the catalogue for the current filters.

    Args:
        page_id: A ``[[page]]`` id of ``data/specs/pages.toml`` (``outcomes`` …).
    """
    spec = load_catalogue().get(page_id)
    f = current()
    st.title(t(f"{page_id}_title", f.lang))
    if spec.intro:
        st.caption(t(spec.intro, f.lang))
    registry = store.indicators()
    if spec.kpis:
        kpi_row(store.observations(f.report_id), registry, list(spec.kpis), subject=spec.kpi_subject, lang=f.lang)
    try:
        # The first row is sent before anything else is built; the rest of the page (its other charts
        # and the plan's targets) once the browser shows that row (dashboard.staging).
        overlay = bool(f.peers) and st.toggle(t("overlay_peers", f.lang), key=f"overlay_{page_id}")
        first = frames.first_section_items(page_id, f)
        render_items(with_peers(page_id, first, f) if overlay else first, f.lang)
        if rest_now(page_id, len(spec.chart) - len(first), f.lang):
            rest = frames.rest_section_items(page_id, f)
            render_items(with_peers(page_id, rest, f) if overlay else rest, f.lang)
            if spec.note:
                st.info(t(spec.note, f.lang), icon=":material/info:")
            if spec.target_domains and f.plan_id:
                st.header(t("against_targets", f.lang))
                attainment = frames.attainment(f.plan_id, f.school, f.year)
                domain = set(registry.loc[registry["domain"].isin(spec.target_domains), "indicator_id"])
                rows = attainment[attainment["indicator_id"].isin(domain)]
                names = indicator_names(registry, f.lang)
                target_bullets(rows, lang=f.lang, names=names, key=page_id, figures=report_figures(f.report_id))
    except MetricsError as exc:
        show_error(exc, f.lang)
    page_pack(page_id, lambda: frames.section_items(page_id, f), f)  # every chart, built when asked for
