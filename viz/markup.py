"""Text from files shown as text: the one escaping function, :func:`plain`.

Belongs here: making a value from a report, a workbook, a CSV or a file name literal where it is
shown through a renderer that gives characters a meaning. Two renderers do: Streamlit's Markdown
(``st.markdown``, captions, titles, alerts, labels, tooltips: links ``[a](b)``, bare URLs,
``**``, HTML, ``:red[…]``, ``:material/…:``, ``$…$``) and Plotly's text (titles, legends, axis
and tick labels, hover text, annotations: ``<b>``, ``<span style=…>``, ``<a href=…>``, ``<br>``,
entities). It is applied at the edge — where a value enters a Markdown string or a figure — and
nowhere else: tables (``st.dataframe``), ``st.text``, ``st.code``, widget options and the
CSV/xlsx downloads show text as it is and need nothing (the downloads make formulas inert, see
:func:`viz.exports.neutralise`). The Office files (pptx, docx) store text in XML through lxml,
which escapes ``< > &`` itself but refuses control characters XML 1.0 cannot hold: ``"office"``
drops those.
"""

from __future__ import annotations

import re
from typing import Literal

# Everything Markdown (CommonMark, GitHub's autolinks and Streamlit's extensions: :color[…],
# :material/…:, $…$) gives a meaning to; a backslash makes each one literal.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~:$&/@=\"'])")
# Streamlit's Markdown (remark-gfm) finds bare URLs, ``www.`` names and e-mail addresses in the
# text *after* backslash escapes are resolved, so escaping ``:`` ``/`` ``.`` ``@`` does not stop
# them becoming links. Only a node boundary does: anything that looks like one of them (a superset
# of GFM's autolink-literal patterns) is set as an inline code span, whose text Markdown shows as
# typed and never links. A span ends at the first space or non-ASCII character (the next text
# node starts there, and cannot join the span's text into a link).
_LINK_LIKE = re.compile(
    r"(?:(?:https?|ftp|mailto|xmpp):[!-~]*|www\.[!-~]*|[-.\w+]*@[-\w]+(?:\.[-\w]+)+[!-~]*)",
    re.IGNORECASE | re.ASCII,
)
_BACKTICKS = re.compile("`+")
_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_HTML_RE = re.compile("[&<>\"']")
# Characters XML 1.0 cannot hold (C0 controls but tab, newline, carriage return; lone surrogates;
# U+FFFE/U+FFFF): lxml raises on them, so a stray one in a report would stop a deck being made.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def plain(text: object, markup: Literal["markdown", "html", "office"] = "markdown") -> str:
    """``text`` made literal for a renderer: every character shows as itself, nothing is markup.

    Args:
        text: A value from a file (converted with ``str``).
        markup: ``"markdown"`` for Streamlit's Markdown (backslash escapes), ``"html"`` for Plotly's
            text and HTML (character entities), ``"office"`` for text in a pptx or docx (characters
            XML cannot hold are dropped; lxml escapes the rest).

    Returns:
        The escaped text; a reader sees the original characters (``<script>`` shows as
        ``<script>``, ``[a](https://x)`` as typed, ``https://x.org``, ``www.x.org`` and ``a@x.org`` as
        text in a code span, not a link).
    """
    if markup == "html":
        return _HTML_RE.sub(lambda match: _HTML_SPECIAL[match.group(0)], str(text))
    if markup == "office":
        return _NOT_XML.sub("", str(text))
    text = str(text)
    parts, start = [], 0
    for match in _LINK_LIKE.finditer(text):
        parts.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text[start : match.start()]))
        parts.append(_code_span(match.group(0)))
        start = match.end()
    parts.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text[start:]))
    return "".join(parts)


def _code_span(text: str) -> str:
    """``text`` as a Markdown inline code span: shown as typed, never a link (fenced past any backticks)."""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
