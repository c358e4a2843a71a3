"""The shared filters (school, year, benchmark, plan, language, peers), kept in the URL.

A copied link reopens the same view: on a session's first run the query parameters seed the
widgets; after every run the current selection is written back to the URL. Values that do not
exist in the store fall back to defaults instead of failing; a link without a school opens the
home school (:func:`loaders.contracts.settings.home_school`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.places import school_places
from dashboard.widgets import choice_texts
from loaders.contracts.vocabulary import BENCHMARK_CHOICES
from loaders.read.bundled import home_school
from metrics.applicability import select_applicable_plans
from metrics.schools import order_schools
from viz.i18n import LANGUAGES, benchmark_name, t
from viz.names import plan_title
from viz.sections import describe_filters

BENCHMARKS = BENCHMARK_CHOICES  # declared in data/specs/vocabulary.toml
PARAMS = ("school", "year", "benchmark", "plan", "lang", "peers")
#: Parameters a page owns (the presentation deck, its slide, the Data page's tab); kept when the
#: filters rewrite the URL.
PAGE_PARAMS = ("deck", "slide", "present", "tab")


@dataclass(frozen=True)
class Filters:
    """The active selection.

    Attributes:
        school: School name.
        year: Report data year.
        report_id: The selected report's id.
        benchmark: Benchmark subject (``高职``, ``全省``, ``本科``).
        plan_id: Selected plan id (may be empty when no plan is loaded).
        lang: ``zh`` or ``en``.
        peers: Other schools chosen for comparison.
    """

    school: str
    year: int
    report_id: str
    benchmark: str
    plan_id: str
    lang: str
    peers: tuple[str, ...] = ()

    def describe(self, plan_title: str = "") -> str:
        """The filters in words, for captions and export metadata (see :func:`viz.sections.describe_filters`)."""
        return describe_filters(self.school, self.year, self.benchmark, self.lang, plan_title)


def _seed_from_url() -> None:
    if st.session_state.get("_seeded"):
        return
    params = st.query_params
    for name in PARAMS:
        if name == "peers":
            values = params.get_all("peers")
            if values:
                st.session_state["f_peers"] = values
        elif name in params:
            st.session_state[f"f_{name}"] = params[name]
    st.session_state["_seeded"] = True


def _valid(key: str, options: list[str], default: str) -> None:
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def sidebar_filters(reports: pd.DataFrame, plans: pd.DataFrame) -> Filters:
    """Draw the sidebar filters and return the selection; keeps the URL in step.

    Args:
        reports: The loaded reports (``report_id, school, report_year``).
        plans: The loaded plans (``plan_id, title, scope``).

    Returns:
        The active filters.
    """
    _seed_from_url()
    _valid("f_lang", list(LANGUAGES), "zh")
    lang = st.sidebar.radio(
        t("language", "zh"),
        list(LANGUAGES),
        format_func=LANGUAGES.get,
        horizontal=True,
        key="f_lang",
    )
    home = home_school()
    chosen_peers = [str(p) for p in st.session_state.get("f_peers", [])]
    schools = order_schools(reports["school"].unique().tolist(), home, chosen_peers)
    # A link without parameters opens the home school (else the first loaded school by name).
    _valid("f_school", schools, home if home in schools else min(schools))
    school = st.sidebar.selectbox(
        t("school", lang),
        schools,
        key="f_school",
        format_func=lambda s: school_label(s, home, chosen_peers, lang),
        help=t("school_help", lang),
        **choice_texts(schools, lang),
    )
    years = [str(y) for y in sorted(reports.loc[reports["school"] == school, "report_year"].unique(), reverse=True)]
    _valid("f_year", years, years[0])
    year = int(st.sidebar.selectbox(t("report_year", lang), years, key="f_year", **choice_texts(years, lang)))
    _valid("f_benchmark", list(BENCHMARKS), BENCHMARKS[0])
    benchmark = st.sidebar.selectbox(
        t("benchmark", lang),
        list(BENCHMARKS),
        format_func=lambda s: benchmark_name(s, lang),
        key="f_benchmark",
        **choice_texts(BENCHMARKS, lang),
    )
    plan_id = _plan_filter(plans, school, lang)
    others = [s for s in schools if s != school]
    peers: list[str] = []
    if others:
        st.session_state["f_peers"] = [p for p in st.session_state.get("f_peers", []) if p in others]
        peers = st.sidebar.multiselect(t("peers", lang), others, key="f_peers", **choice_texts(others, lang, many=True))
    report_id = reports.loc[(reports["school"] == school) & (reports["report_year"] == year), "report_id"].iloc[0]
    kept = {name: st.query_params[name] for name in PAGE_PARAMS if name in st.query_params}
    st.query_params.from_dict(
        {
            "school": school,
            "year": str(year),
            "benchmark": benchmark,
            "plan": plan_id,
            "lang": lang,
            **({"peers": peers} if peers else {}),
            **kept,
        }
    )
    return Filters(school, year, report_id, benchmark, plan_id, lang, tuple(peers))


def _plan_filter(plans: pd.DataFrame, school: str, lang: str) -> str:
    """The plan selector: only the plans that apply to the school (its own, its city's, its province's).

    A plan of another school is never offered, whatever the URL says; a school with none gets ``""``
    (the pages then say how to load its own plan).
    """
    applicable = select_applicable_plans(plans, school, school_places())
    plan_ids = applicable["plan_id"].tolist()
    if not plan_ids:
        st.sidebar.caption(t("no_plan_sidebar", lang))
        return ""
    _valid("f_plan", plan_ids, plan_ids[0])
    titles = {i: plan_title(i, x, lang) for i, x in zip(applicable["plan_id"], applicable["title"], strict=True)}
    return st.sidebar.selectbox(
        t("plan", lang), plan_ids, format_func=titles.get, key="f_plan", **choice_texts(plan_ids, lang)
    )


def school_label(school: str, home: str, peers: list[str], lang: str) -> str:
    """A school as the sidebar lists it: its name, marked （主校） for the home school and （对比校） for a peer."""
    if school == home:
        return school + t("home_mark", lang)
    return school + t("peer_mark", lang) if school in peers else school


def current() -> Filters:
    """The filters chosen in ``app.py`` for this run.

    When a server's very first request is a page URL (a copied link), Streamlit runs the page
    script alone in its legacy "pages/ folder" mode, without ``app.py`` (the product keeps the
    ``pages/`` folder, so Streamlit cannot know yet that ``app.py`` declares the navigation).
    Declaring a navigation with the public ``st.navigation`` — what ``app.py`` does on every run —
    tells Streamlit the app uses ``st.navigation`` and not the folder; the rerun then runs
    ``app.py``, which frames the page as usual. Trade-off: this relies on ``st.navigation``
    switching the folder mode off for the whole server (documented: "once st.navigation runs,
    the pages/ folder is no longer auto-discovered"), not on any private attribute.
    """
    if "_filters" not in st.session_state:
        from dashboard.navigation import st_pages

        st.navigation(st_pages(st.query_params.get("lang", "zh")), position="hidden")
        st.rerun()
    return st.session_state["_filters"]
