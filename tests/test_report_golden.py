"""Golden tests: every figure extracted from the bundled report, checked against the source text.

Each ``tests/golden/<report>.csv`` lists the figures a report must yield, with the number as
written in the report (``raw``). Dropping another report and its golden file in adds a test.
Counts of list tables (表2-13 …) are not written on any one line; they are checked against counts
made by hand in ``tests/test_lists.py`` and left out here.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from loaders.contracts.paths import REPORTS_DIR, ROOT
from loaders.read.load import load

GOLDEN_DIR = ROOT / "tests" / "golden"

GOLDEN_FILES = sorted(GOLDEN_DIR.glob("*.csv"))
KEY = ["source_line", "indicator_id", "subject"]


def _golden(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["source_line"] = frame["source_line"].astype(int)
    return frame


@pytest.mark.parametrize("golden_path", GOLDEN_FILES, ids=[p.stem for p in GOLDEN_FILES])
def test_extraction_equals_golden(golden_path: Path) -> None:
    golden = _golden(golden_path)
    result = load(REPORTS_DIR / f"{golden_path.stem}.txt")
    got = result.observations
    list_tables = {row[1] for row in result.list_rows}
    got = got[~got["source_table"].isin(list_tables)]
    merged = golden.merge(got, on=KEY, how="outer", validate="1:1", indicator=True, suffixes=("_golden", ""))
    missing = merged[merged["_merge"] == "left_only"]
    extra = merged[merged["_merge"] == "right_only"]
    assert missing.empty, f"figures not extracted:\n{missing[KEY].to_string()}"
    assert extra.empty, f"figures not in the golden file:\n{extra[KEY].to_string()}"
    expected_values = merged["raw"].str.replace(",", "", regex=False).astype(float)
    assert (merged["value"] == expected_values).all()
    assert (merged["source_table_golden"] == merged["source_table"]).all()
    assert (merged["year_golden"].astype(int) == merged["year"]).all()
    years_after_golden = merged["years_after_golden"].replace("", None).astype("Int64")
    assert years_after_golden.equals(merged["years_after"].astype("Int64").rename("years_after_golden"))


@pytest.mark.parametrize("golden_path", GOLDEN_FILES, ids=[p.stem for p in GOLDEN_FILES])
def test_golden_numbers_are_in_their_source_lines(golden_path: Path) -> None:
    """Checks the golden file itself against the report: each number is on the line it names."""
    golden = _golden(golden_path)
    lines = (REPORTS_DIR / f"{golden_path.stem}.txt").read_text(encoding="utf-8").splitlines()
    for row in golden.itertuples():
        line = unicodedata.normalize("NFKC", lines[row.source_line - 1])
        assert row.raw in line, f"{row.raw} not on line {row.source_line}: {line}"


def test_golden_covers_the_required_tables() -> None:
    golden = _golden(GOLDEN_DIR / "温州职业技术学院_2020_质量年度报告.csv")
    assert len(golden) >= 300
    survey_tables = [f"表2-{n}" for n in range(15, 29) if n not in (24, 25)]
    for table in survey_tables:
        subjects = set(golden.loc[golden["source_table"] == table, "subject"])
        assert subjects == {"全省", "本科", "高职", "本校"}, table
    per_table = golden.groupby("source_table").size()
    assert per_table["表1"] == 13
    assert per_table["表2"] == 11
    assert per_table["表3"] == 24
    assert per_table["表4"] == 10
    assert per_table["表5"] == 6


def _value(frame: pd.DataFrame, table: str, indicator: str, subject: str = "本校") -> pd.Series:
    rows = frame[(frame.source_table == table) & (frame.indicator_id == indicator) & (frame.subject == subject)]
    assert len(rows) == 1, (table, indicator, subject, len(rows))
    return rows.iloc[0]


def test_hand_checked_figures(bundled_report: Path) -> None:
    """Figures typed in by hand from the report, independent of the golden file."""
    obs = load(bundled_report).observations
    row = _value(obs, "表2-15", "employment_rate")
    assert (row.value, row.year, row.years_after, row.source_line) == (98.82, 2019, 1, 1277)
    assert row.source_text == "本校 3518 3318 94.31% 98.82% 24.47%"
    assert _value(obs, "表2-15", "employment_rate", "高职").value == 96.68
    assert _value(obs, "表2-16", "employment_rate").years_after == 3
    assert _value(obs, "表2-16", "employment_rate").year == 2017
    assert _value(obs, "表2-17", "monthly_income").value == 6378.90
    assert _value(obs, "表2-17", "monthly_income", "高职").value == 4885.36
    assert _value(obs, "表2-18", "monthly_income").value == 9020.27
    assert _value(obs, "表2-21", "employer_sat_communication", "本科").value == 93.00
    assert _value(obs, "表2-28", "promotion_rate").value == 64.20
    assert _value(obs, "表2-1", "enroll_registration_rate", "合计").value == 94.60
    assert _value(obs, "表3-4", "course_hours", "理论课(A类)").value == 16425
    assert _value(obs, "表3-7", "teachers_by_title", "合计").value == 533
    assert _value(obs, "表3-10", "apprentices", "城市轨道交通运营管理").value == 10  # label wrapped over 2 lines
    assert _value(obs, "表5-5", "destination_count", "温州四区").value == 1217
    assert _value(obs, "表3", "student_teacher_ratio").value == 14.02
    assert _value(obs, "表3", "dual_qualified_ratio").value == 90.81
    assert _value(obs, "表3", "teaching_sat_general", "一年级").value == 99.36
    assert _value(obs, "表4", "tech_service_income").value == 3255.214
    assert _value(obs, "表5", "teachers_abroad_training_persondays").value == 4713  # label wrapped
    assert _value(obs, "§五", "research_income_total").value == 5230.119
    assert _value(obs, "§五", "invention_patents_granted").value == 176
    assert _value(obs, "§六(三)", "income_total").value == 39876.92
    assert _value(obs, "§六(三)", "income_other_share").value == 5.26


def test_report_identity(bundled_report: Path) -> None:
    result = load(bundled_report)
    assert (result.school, result.report_year, result.report_id) == ("温州职业技术学院", 2020, "温州职业技术学院-2020")
    assert result.format_used == "text"
    assert result.notes == []
