"""The one escaping function (viz.markup.plain) and the chart builders that use it as values enter
a figure."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.helpers import CODE_SPAN, autolinks, unescaped
from viz.charts import benchmark_bars, horizontal_bars, trend_lines
from viz.markup import plain
from viz.target_charts import bullet

HOSTILE = [
    "[点我](https://evil.example/x)",
    "<b>加粗</b>",
    '<span style="color:red">红</span>',
    "https://evil.example/login",
    "www.evil.example",
    "a@evil.example",
    ":red[红] :material/home: $x^2$ **粗** _斜_ `码` # 标题 - 列表",
    "%{x}",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_escaping_leaves_no_markup_and_reads_as_typed(text: str) -> None:
    escaped = plain(text)
    assert unescaped(escaped) == text  # a reader sees exactly the text
    outside_code = CODE_SPAN.sub("", escaped)
    for special in "[]()<>*_`#:$/.@":  # every character Markdown could use is escaped outside code spans
        assert special not in outside_code.replace(f"\\{special}", "")
    assert autolinks(escaped) == []  # bare URLs, www. and e-mail addresses sit in code spans


def test_html_escaping_for_plotly() -> None:
    assert (
        plain('<a href="https://x">链接</a> & co', "html")
        == "&lt;a href=&quot;https://x&quot;&gt;链接&lt;/a&gt; &amp; co"
    )
    assert plain("本校 98.82%", "html") == "本校 98.82%"  # ordinary text is unchanged
    assert plain(12, "html") == "12"


def test_chart_builders_draw_values_from_files_as_text() -> None:
    frame = pd.DataFrame(
        {
            "category": ["<b>粗</b>", "2019届"],
            "series": ['<span style="x">本校</span>', "高职"],
            "role": ["本校", "高职"],
            "value": [1.0, 2.0],
        }
    )
    bars = benchmark_bars(frame, title="<i>标题</i>", subtitle="[a](b)", value_label="值", unit="%")
    assert [trace.name for trace in bars.data] == ["&lt;span style=&quot;x&quot;&gt;本校&lt;/span&gt;", "高职"]
    assert list(bars.data[0].y) == ["&lt;b&gt;粗&lt;/b&gt;"] and bars.layout.title.text == "&lt;i&gt;标题&lt;/i&gt;"
    assert "%{fullData.name}" in bars.data[0].hovertemplate and "span" not in bars.data[0].hovertemplate
    horizontal = horizontal_bars(frame, title="t", value_label="值", unit="人", highlight="<b>粗</b>")
    assert list(horizontal.data[0].y) == ["2019届", "&lt;b&gt;粗&lt;/b&gt;"]  # largest first (drawn on top)
    assert horizontal.data[0].marker.color[1] != horizontal.data[0].marker.color[0]  # still highlighted
    lines = trend_lines(frame.assign(year=[2019, 2020]), title="t", value_label="v", unit="%")
    assert lines.data[0].name.startswith("&lt;span")
    assert bullet(title="<script>", value=1.0, target=2.0, unit="%").layout.title.text == "&lt;script&gt;"
