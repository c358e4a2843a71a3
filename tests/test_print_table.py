"""The print copy of a dataframe (viz.print_table): every row, the screen's formats and labels, escaped."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import streamlit as st

from viz.print_table import format_cell, html_table


def _frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype={"指标": "str", "说明": "str"})


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (6378.9, "%,.2f", "6,378.90"),
        (94.969697, "%.0f%%", "95%"),
        (2019, None, "2019"),
        (28000, None, "28000"),  # as the grid writes a whole number: no separator
        (0.123456, None, "0.1235"),
        (1.5, "localized", "1.5"),
        (7, "%d 项", "7 项"),
        (None, "%,.2f", "—"),
        (float("nan"), None, "—"),
        (pd.NA, None, "—"),
        ("≥ 99%", "%,.2f", "≥ 99%"),  # text is never formatted as a number
    ],
)
def test_a_cell_reads_as_its_column_shows_it(value: object, number_format: str | None, expected: str) -> None:
    assert format_cell(value, number_format) == expected


def test_every_row_with_the_screen_labels_and_formats_and_nothing_from_a_cell_as_markup() -> None:
    frame = _frame(
        "指标,进度,差值,说明\n"
        "招生计划完成率,94.969697,1234.5,<b>粗</b> & 细\n"
        "建立名企订单班,,,\n"
        "国家规划教材,40.909091,-2,见表2-15\n"
    )
    config = {
        "进度": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f%%"),
        "差值": st.column_config.NumberColumn("差值（元）", format="%,.2f"),
        "说明": st.column_config.Column(width=300),
    }
    assert html_table(frame, config) == (
        '<div class="print-copy"><table><thead><tr><th>指标</th><th>进度</th><th>差值（元）</th><th>说明</th></tr>'
        "</thead><tbody>"
        '<tr><td>招生计划完成率</td><td class="num">95%</td><td class="num">1,234.50</td>'
        "<td>&lt;b&gt;粗&lt;/b&gt; &amp; 细</td></tr>"
        '<tr><td>建立名企订单班</td><td class="num">—</td><td class="num">—</td><td>—</td></tr>'
        '<tr><td>国家规划教材</td><td class="num">41%</td><td class="num">-2.00</td><td>见表2-15</td></tr>'
        "</tbody></table></div>"
    )


def test_a_column_configured_none_is_left_out_as_on_screen() -> None:
    frame = pd.DataFrame({"a": ["x"], "hidden": ["secret"]})
    assert "secret" not in html_table(frame, {"hidden": None})
    assert html_table(frame, {"hidden": None}).count("<th>") == 1


def test_an_empty_frame_prints_its_header_only() -> None:
    frame = pd.DataFrame({"指标": pd.Series([], dtype="str"), "现值": pd.Series([], dtype="float")})
    assert html_table(frame) == (
        '<div class="print-copy"><table><thead><tr><th>指标</th><th>现值</th></tr></thead><tbody></tbody></table></div>'
    )


def test_a_header_that_is_markup_is_escaped() -> None:
    assert "<th>&lt;script&gt;</th>" in html_table(pd.DataFrame({"<script>": [1]}))
