"""Issue 14's points, asserted on the bundled data through AppTest: the income card states the plan's
target in its own terms, the targets page never says "None", and English pages hold no Chinese
except data values (school and file names, the plan's and the report's own wording)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from loaders.contracts.paths import ROOT
from loaders.store.build import rebuild
from tests.helpers import unescaped

CJK = re.compile(r"[\u3400-\u9fff]")
PAGES = ["overview", "outcomes", "enrollment", "faculty", "research", "targets", "compare", "data", "present"]
#: The report's own row labels and subject codes, quoted by English messages ("(合计, 2019) says 3463").
REPORT_LABELS = ("合计", "本校")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("views") / "quality.duckdb"
    rebuild(path)
    _DATA_VALUES[path] = _data_values(path)  # read before the app holds the file open
    return path


_DATA_VALUES: dict[Path, list[str]] = {}


def _page(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, **params: str) -> AppTest:
    monkeypatch.setenv("QUALITY_DB", str(db))
    monkeypatch.delenv("PLANNER_PASSWORD", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> list[str]:
    """What the page says outside its tables: text elements, metrics, and every text of its charts."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "text", "info", "warning", "success", "error"):
        texts += [unescaped(str(e.value)) for e in getattr(at, kind)]
    texts += [f"{m.label} {m.value} {m.help or ''}" for m in at.metric]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key != "meta":  # layout.meta is never drawn (the unit a slide needs, as stored)
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            texts.append(node)

    for chart in at.get("plotly_chart"):
        walk(json.loads(chart.proto.spec))
    return texts


def _data_values(db: Path) -> list[str]:
    """Chinese that is data, longest first: school and file names, the plans' wording, the captions of
    report tables the loader does not read, and quoted report text."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT school FROM reports UNION SELECT source_file FROM reports UNION SELECT source_file FROM plans"
            " UNION SELECT label_zh FROM targets UNION SELECT value_text FROM targets"
            " UNION SELECT name_zh FROM coverage WHERE name_en = name_zh OR name_en = ''"
        ).fetchall()
    values = {str(value) for (value,) in rows if value}
    return sorted(values, key=len, reverse=True)


def _without_data(text: str, values: list[str]) -> str:
    for value in values:
        text = text.replace(value, "")
    text = re.sub(r"“[^”]*”|'[^']*'", "", text)  # the report's text, quoted
    for label in REPORT_LABELS:
        text = text.replace(label, "")
    return text


@pytest.mark.parametrize("page", PAGES)
def test_english_pages_show_no_chinese_outside_data_values(page: str, db: Path, monkeypatch) -> None:
    presenting = {"present": "1", "slide": "1"} if page == "present" else {}  # a slide, not the chooser
    at = _page(db, monkeypatch, page, lang="en", **presenting)
    values = _DATA_VALUES[db]
    shown = [_without_data(text, values) for text in _texts(at)]
    for frame in at.dataframe:
        shown += [str(column) for column in frame.value.columns]  # headers are interface, always English
        shown += [_without_data(str(cell), values) for cell in frame.value.astype(str).to_numpy().ravel()]
    chinese = sorted({text[:80] for text in shown if CJK.search(text)})
    assert chinese == [], f"{page}: Chinese in English mode:\n" + "\n".join(chinese)
    assert "温州职业技术学院" in "\n".join(_texts(at))  # the school's name is data: it stays as written


def test_the_data_values_allowed_in_english_are_data(db: Path) -> None:
    """The allowance above is the store's own text, not a list of the interface's words."""
    values = _DATA_VALUES[db]
    assert "温州职业技术学院" in values and "毕业一年后薪酬高于全省高职平均值 1.3 倍" in values
    assert not {"来源", "目标", "已达成", "推进中", "就业率", "毕业一年后"} & set(values)


def _income_card(at: AppTest) -> tuple[str, str]:
    """The 平均月收入 card's metric (label and value) and the rest of its text."""
    metric = next(m for m in at.metric if m.label.startswith(("平均月收入", "Average monthly income")))
    lines = [unescaped(str(e.value)) for e in at.caption] + [unescaped(str(e.value)) for e in at.markdown]
    return unescaped(f"{metric.label} {metric.value} {metric.delta}"), "\n".join(lines)


def test_the_income_card_states_the_target_in_its_own_terms(db: Path, monkeypatch) -> None:
    at = _page(db, monkeypatch, "overview")
    metric, text = _income_card(at)
    assert metric == "平均月收入（元） 6,378.90 +1,493.54 元"
    # 2019届 one year after: 本校 6,378.90, 全省高职 4,885.36 (表2-17 line 1297).
    # The plan: 1.3 × 全省高职 → 1.3 × 4,885.36 = 6,350.97 ≈ 6,351 元; now 6,378.90 / 4,885.36 = 1.3057 → 1.31 倍.
    assert "2019届·毕业一年后  \n全省高职 4,885.36 元" in text
    assert ":green-badge[已达成] 目标 ≥ 1.3 倍全省高职（≥ 6,351 元） · 现 1.31 倍" in text


def test_the_income_card_in_english(db: Path, monkeypatch) -> None:
    at = _page(db, monkeypatch, "overview", lang="en")
    metric, text = _income_card(at)
    assert metric == "Average monthly income (yuan) 6,378.90 +1,493.54 yuan"
    assert "class of 2019, 1 yr after  \nZhejiang vocational 4,885.36 yuan" in text
    assert ":green-badge[Met] Target ≥ 1.3× Zhejiang vocational (≥ 6,351 yuan) · now 1.31×" in text


def test_a_target_for_2025_on_2020_data_is_in_progress_not_failed(db: Path, monkeypatch) -> None:
    at = _page(db, monkeypatch, "overview")
    cards = {m.label: m.value for m in at.metric}
    # 33 of the 115 school-plan targets are measured (issue 15): 8 met, 15 in progress, and 10 cumulative
    # targets whose only figure (2020) predates the 2022–2025 plan period
    assert (cards["已达成"], cards["推进中"], cards["暂无数据"]) == ("8", "15", "10")  # none "未达成"
    assert "未达成" not in "\n".join(_texts(at))
    assert ":blue-badge[推进中] 目标 ≥ 6,000 万元（2025 年）" in [unescaped(m.value) for m in at.markdown]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_targets_page_says_dash_not_none(lang: str, db: Path, monkeypatch) -> None:
    at = _page(db, monkeypatch, "targets", lang=lang)
    assert not [text for text in _texts(at) if re.search(r"\bNone\b|\bnan\b", text)]
    progress = {"进度", "Progress"}  # a bar: empty without a value
    for frame in at.dataframe:
        table = frame.value
        cells = table[[c for c in table.columns if c not in progress]]
        assert not cells.isna().any().any(), table.columns.tolist()
        assert not cells.astype(str).isin(["None", "nan", "NaN", "<NA>", ""]).any().any(), table.columns.tolist()
    first = at.dataframe[0].value  # 高素质人才培养: the plan's wording, a comparator, numbers rounded to the unit
    if lang == "zh":
        income = first[first["指标"] == "毕业生薪酬水平"].iloc[0]
        assert (income["目标（原文）"], income["比较"], income["目标"], income["现值"]) == (
            "毕业一年后薪酬高于全省高职平均值 1.3 倍",  # the plan's own wording
            "≥",
            "1.3 倍",
            "1.31 倍",
        )
        assert "—" in set(first["需年均增长"])  # a met target needs no growth
    else:
        employment = first[first["Indicator"] == "Employment rate"].iloc[0]
        assert (employment["As written in the plan"], employment["≥ / ≤"], employment["Current"]) == (
            "98%",
            "≥",
            "98.82%",
        )
