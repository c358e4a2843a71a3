"""Streamlit's own widget texts in the reader's language.

Streamlit writes a few words of its own into its widgets: "Choose an option" and "No options to
select" in an empty select box, "No results" when typing matches nothing, "Upload" and "20MB per
file" in the file uploader. The select boxes take them from parameters — :func:`choice_texts` fills
``placeholder`` and ``filter_mode``. The uploader has no parameter for its button and size line, nor a
searched list for its "No results" (Streamlit 1.67): :func:`uploader_texts` restyles them from CSS in
Chinese (the size limit is said in words above the report uploader). Nothing here reaches a private API.
"""

from __future__ import annotations

from collections.abc import Sized
from typing import Any

import streamlit as st

from viz.i18n import t

SEARCH_FROM = 10
"""Lists with at least this many options can be searched by typing; shorter ones open as a plain list,
so Streamlit never shows its English "No results" on them."""


def choice_texts(options: Sized, lang: str, *, many: bool = False) -> dict[str, Any]:
    """Keyword arguments for ``st.selectbox`` / ``st.multiselect`` that keep Streamlit's English out.

    Args:
        options: The options the widget offers (only their number matters).
        lang: ``zh`` or ``en``.
        many: A multiselect (「请选择（可多选）」).

    Returns:
        ``placeholder`` (请选择 / 没有可选项) and ``filter_mode`` (typing only from :data:`SEARCH_FROM` options).
    """
    placeholder = t("no_options", lang) if len(options) == 0 else t("choose_many" if many else "choose_one", lang)
    return {"placeholder": placeholder, "filter_mode": "fuzzy" if len(options) >= SEARCH_FROM else None}


def uploader_css(lang: str) -> str:
    """The CSS that writes the file uploader's button and size line, and a searched list's "No results",
    in Chinese ("" in English)."""
    if lang != "zh":
        return ""
    button = t("upload_button", lang).replace('"', "")
    no_match = t("no_match", lang).replace('"', "")
    return (
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }\n'
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {'
        f' content: "{button}"; font-size: 0.875rem; }}\n'
        '[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }\n'
        # A searched list with no match (React Aria marks it data-empty): 「无匹配项」, not "No results".
        '[role="listbox"][data-empty="true"] [role="option"] span { font-size: 0; }\n'
        '[role="listbox"][data-empty="true"] [role="option"] span::after {'
        f' content: "{no_match}"; font-size: 0.875rem; }}\n'
    )


def uploader_texts(lang: str) -> None:
    """Put :func:`uploader_css` on the page (once per run, after the language is known)."""
    css = uploader_css(lang)
    if css:
        st.html(f"<style>{css}</style>")
