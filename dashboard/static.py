"""The print and presentation styles: static CSS and JavaScript under ``dashboard/assets``.

The files are the project's own code (no user input reaches them); they are read once per process.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

ASSETS = Path(__file__).with_name("assets")


@cache
def asset(name: str) -> str:
    """The text of ``dashboard/assets/<name>``."""
    return (ASSETS / name).read_text(encoding="utf-8")


def print_styles() -> None:
    """Every page's styles: on screen (``screen.css``: wrapping labels, even KPI cards) and printed to A4
    (``print.css``, ``print_fit.js``); call once per run."""
    st.html(f"<style>{asset('screen.css')}{asset('print.css')}</style>")
    st.html(f"<script>{asset('print_fit.js')}</script>", unsafe_allow_javascript=True)


def hide_chrome() -> None:
    """Hide the sidebar, header and toolbar for presenting (``present.css``)."""
    st.html(f"<style>{asset('present.css')}</style>")


def arrow_keys() -> None:
    """Let the arrow keys move through the slides (``arrow_keys.js``)."""
    st.html(f"<script>{asset('arrow_keys.js')}</script>", unsafe_allow_javascript=True)


def slide_canvas() -> None:
    """Lay a slide out on a 1920 × 1080 canvas, scaled down whole on a smaller screen (``slide_zoom.js``)."""
    st.html(f"<script>{asset('slide_zoom.js')}</script>", unsafe_allow_javascript=True)
