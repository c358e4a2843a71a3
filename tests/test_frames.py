"""Charts kept across runs (dashboard.frames.section_items): one set per view while the data stays the
same, new ones as soon as a report is loaded or corrected."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dashboard import frames, store
from dashboard.state import Filters
from loaders.read.load import load_bytes
from loaders.store.writes import ingest_result

SCHOOL = "温州职业技术学院"
ROW = "本校 3518 3318 94.31% 98.82% 24.47%"  # 表2-15, line 1277: 本校's employment rate 98.82 %


def _values(items: list) -> set[float]:
    """Every number the charts' data hold (rounded as the report prints them)."""
    found: set[float] = set()
    for item in items:
        for column in item.data.select_dtypes("number").columns:
            found |= {round(float(v), 2) for v in item.data[column].dropna()}
    return found


@pytest.fixture
def app_store(loaded_db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("QUALITY_DB", str(loaded_db))
    store.close()
    yield
    store.close()


def same(items: list, others: list) -> bool:
    """The very same chart objects (built once, shared), in the same order."""
    return len(items) == len(others) and all(a is b for a, b in zip(items, others, strict=True))


def test_charts_are_shared_per_view_and_rebuilt_when_the_report_changes(app_store, bundled_lines: list[str]) -> None:
    view = Filters(SCHOOL, 2020, f"{SCHOOL}-2020", "高职", "", "zh")
    first = frames.section_items("outcomes", view)
    assert 98.82 in _values(first)
    # The plan and the peers do not change the domain charts: the same objects come back.
    assert same(frames.section_items("outcomes", replace(view, plan_id="taizhou_2023", peers=("x",))), first)
    # The first row is built on its own (a page draws it before building the rest), the same objects.
    first_row = frames.first_section_items("outcomes", view)
    assert len(first_row) == 2 and same(first_row, first[:2])
    # Language and benchmark do.
    english = frames.section_items("outcomes", replace(view, lang="en"))
    assert not same(english, first) and [i.key for i in english] == [i.key for i in first]
    assert not same(frames.section_items("outcomes", replace(view, benchmark="全省")), first)

    assert bundled_lines[1276] == ROW
    corrected = [line.replace("98.82%", "97.11%") if n == 1276 else line for n, line in enumerate(bundled_lines)]
    result = load_bytes("\n".join(corrected).encode("utf-8"), "温州职业技术学院_2020_质量年度报告.txt")
    assert store.write(lambda cursor: ingest_result(cursor, result)).action == "replaced"  # the app's write path

    second = frames.section_items("outcomes", view)
    assert not any(a is b for a, b in zip(second, first, strict=True))
    assert 97.11 in _values(second) and 98.82 in _values(first)
    (employment,) = [item for item in second if item.key == "employment_rate"]
    school = employment.data[employment.data["role"] == "本校"]
    assert school["value"].round(2).tolist() == [97.11, 99.0]  # 表2-15 (corrected) and 表2-16 (three years on)
