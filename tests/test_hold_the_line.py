"""Issue 26 (hold the line): each break an attacker, a clumsy planner or a crash found, reproduced.

One test (or a few) per item of the issue; each fails on the code before the fix.
"""

from __future__ import annotations

import io
import re
import zipfile

import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.util import Inches

from tests.helpers import autolinks, unescaped
from viz.deck_pptx import add_native_chart
from viz.markup import plain

FORMULA = "=cmd|' /C calc'!A0"


# 2. Office files inert ------------------------------------------------------------------------


@pytest.mark.parametrize("text", [FORMULA, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "https://evil.example/x"])
def test_a_deck_chart_workbook_holds_report_text_as_text_never_a_formula(text: str) -> None:
    figure = go.Figure(go.Bar(x=[text, "本校"], y=[1.0, 2.0], name=text))
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    add_native_chart(slide, figure, (Inches(1), Inches(1), Inches(6), Inches(4)), "zh")
    buffer = io.BytesIO()
    deck.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as pptx:
        embedded = [name for name in pptx.namelist() if re.match(r"ppt/embeddings/.*\.xlsx$", name)]
        assert embedded
        for name in embedded:
            with zipfile.ZipFile(io.BytesIO(pptx.read(name))) as workbook:
                sheets = [workbook.read(n).decode() for n in workbook.namelist() if n.startswith("xl/worksheets/")]
                strings = workbook.read("xl/sharedStrings.xml").decode()
                names = workbook.namelist()
                assert not [n for n in names if "hyperlink" in n.lower() or ("rels" in n and "sheet" in n)]
            for sheet in sheets:
                assert "<f>" not in sheet and "<f " not in sheet
            assert text.replace("'", "&apos;") in strings or text in strings.replace("&apos;", "'")


# 3. No link from file text, ever --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "表2-15 https://evil.example/b",
        "见 www.evil.example 下载",
        "联系 a@evil.example",
        "HTTP://EVIL.EXAMPLE",
        "mailto:a@evil.example",
        "a`b https://x.example/``c",
        "[点我](https://evil.example/x)",
        "来源：表1 本校 98.5%",
    ],
)
def test_bare_urls_www_and_e_mail_from_a_file_are_no_links_in_markdown(text: str) -> None:
    shown = plain(text)
    assert autolinks(shown) == []
    assert unescaped(shown) == text
