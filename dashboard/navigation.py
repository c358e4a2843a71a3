"""The dashboard's pages, declared once: their scripts, URL paths, titles, icons and sections.

``app.py`` builds its ``st.navigation`` from :data:`PAGES`; the benchmark and the tests take the
page list from here too, so a new page is one line in this file (and its script in ``pages/``).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from viz.i18n import t


@dataclass(frozen=True)
class PageSpec:
    """One page of the dashboard.

    Attributes:
        script: The page's script, relative to the project root (``pages/outcomes.py``).
        url_path: Its URL path (``outcomes``; empty for the default page's ``/``).
        title_key: Its title in :mod:`viz.i18n` (``page_outcomes``).
        icon: A Material icon (emoji render as boxes in headless Chromium).
        section_key: The sidebar section it is listed under (:mod:`viz.i18n` key).
        default: Whether it is the page at ``/``.
    """

    script: str
    url_path: str
    title_key: str
    icon: str
    section_key: str
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "overview", "page_overview", ":material/dashboard:", "section_overview", True),
    PageSpec("pages/outcomes.py", "outcomes", "page_outcomes", ":material/work:", "section_domains"),
    PageSpec("pages/enrollment.py", "enrollment", "page_enrollment", ":material/how_to_reg:", "section_domains"),
    PageSpec("pages/faculty.py", "faculty", "page_faculty", ":material/school:", "section_domains"),
    PageSpec("pages/research.py", "research", "page_research", ":material/science:", "section_domains"),
    PageSpec("pages/targets.py", "targets", "page_targets", ":material/flag:", "section_plans"),
    PageSpec("pages/compare.py", "compare", "page_compare", ":material/compare_arrows:", "section_plans"),
    PageSpec("pages/present.py", "present", "page_present", ":material/slideshow:", "section_plans"),
    PageSpec("pages/data.py", "data", "page_data", ":material/database:", "section_data"),
)


def st_pages(lang: str) -> dict[str, list[st.Page]]:
    """The pages as ``st.navigation`` takes them: ``{section title: [st.Page, …]}`` in the language.

    The default page is served at ``/``; its own path (``/overview``) is kept as a hidden alias that
    lands on it with the same selection, so an old or typed link never meets Streamlit's English
    "Page not found".
    """
    sections: dict[str, list[st.Page]] = {}
    aliases: list[st.Page] = []
    for spec in PAGES:
        page = st.Page(
            spec.script,
            title=t(spec.title_key, lang),
            icon=spec.icon,
            default=spec.default,
            url_path="" if spec.default else spec.url_path,
        )
        sections.setdefault(t(spec.section_key, lang), []).append(page)
        if spec.default:
            aliases.append(_alias(page, spec.url_path, t(spec.title_key, lang)))
    first = next(iter(sections))
    sections[first].extend(aliases)
    return sections


def _alias(target: st.Page, url_path: str, title: str) -> st.Page:
    """A hidden page at ``url_path`` that switches to ``target``, keeping the URL's selection."""

    def land() -> None:
        params = {name: st.query_params.get_all(name) for name in st.query_params}
        st.switch_page(target, query_params=params)

    return st.Page(land, title=title, url_path=url_path, visibility="hidden")
