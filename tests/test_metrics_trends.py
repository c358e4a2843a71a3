"""metrics.trends: series, year-on-year change, compound growth, one year → three years after."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from metrics import MissingColumnsError, UnitMismatchError, UnknownIndicatorError
from metrics.observations import OBSERVATION_COLUMNS, collapse_restatements
from metrics.trends import (
    CHANGE_COLUMNS,
    GROWTH_COLUMNS,
    SERIES_COLUMNS,
    YEARS_AFTER_COLUMNS,
    build_series,
    compare_years_after,
    compute_cagr,
    compute_changes,
    compute_growth,
)

OBS_HEADER = ",".join(OBSERVATION_COLUMNS) + "\n"
NUMERIC = {
    "report_year": "int64",
    "year": "int64",
    "years_after": "Int64",
    "value": "float64",
    "source_line": "int64",
    "previous_year": "Int64",
    "previous_value": "float64",
    "change": "float64",
    "change_pct": "float64",
    "is_improvement": "boolean",
    "n_years": "int64",
    "first_year": "int64",
    "first_value": "float64",
    "last_year": "int64",
    "last_value": "float64",
    "cagr_pct": "float64",
    "one_year_cohort": "int64",
    "one_year_value": "float64",
    "three_year_cohort": "int64",
    "three_year_value": "float64",
    "difference": "float64",
    "ratio": "float64",
}

REGISTRY = """indicator_id,unit,direction,kind
monthly_income,元,higher,amount
employment_rate,%,higher,rate
student_teacher_ratio,:1,lower,ratio
tech_service_income,万元,higher,amount
origin_count,人,neutral,count
"""


def read(text: str) -> pd.DataFrame:
    """An inline CSV frame: text columns as ``str`` ('' stays ''), known numeric columns typed."""
    header = text.splitlines()[0].split(",")
    dtypes = {c: NUMERIC.get(c, "str") for c in header}
    na = {c: [""] for c in header if c in NUMERIC}
    return pd.read_csv(io.StringIO(text), dtype=dtypes, keep_default_na=False, na_values=na)


def obs(rows: str) -> pd.DataFrame:
    return read(OBS_HEADER + rows)


@pytest.fixture
def registry() -> pd.DataFrame:
    return read(REGISTRY)


# Three reports of one school; the 2021 report restates 2020's income with a correction.
INCOME = (
    "A-2019,A,2019,tech_service_income,本校,2019,,2000,万元,表4,10,x\n"
    "A-2020,A,2020,tech_service_income,本校,2020,,2500,万元,表4,10,x\n"
    "A-2021,A,2021,tech_service_income,本校,2020,,2420,万元,§五,5,x\n"
    "A-2021,A,2021,tech_service_income,本校,2021,,30250000,元,表4,10,x\n"
)


def test_compute_cagr() -> None:
    assert compute_cagr(100.0, 121.0, 2) == pytest.approx(0.1)
    assert compute_cagr(20.0, 18.0, 1) == pytest.approx(-0.1)
    for args in ((0.0, 5.0, 2), (-1.0, 5.0, 2), (5.0, -1.0, 2), (5.0, 6.0, 0)):
        assert pd.isna(compute_cagr(*args))


def test_build_series_latest_report_wins_and_units_convert(registry: pd.DataFrame) -> None:
    result = build_series(obs(INCOME), registry)
    expected = read(
        ",".join(SERIES_COLUMNS) + "\n"
        "A,tech_service_income,本校,,2019,2000.0,万元,A-2019,表4,10,table\n"
        "A,tech_service_income,本校,,2020,2420.0,万元,A-2021,§五,5,narrative\n"
        "A,tech_service_income,本校,,2021,3025.0,万元,A-2021,表4,10,table\n"
    )
    assert_frame_equal(result, expected)


def test_build_series_empty_and_bad_input(registry: pd.DataFrame) -> None:
    empty = build_series(obs(""), registry)
    assert list(empty.columns) == SERIES_COLUMNS and empty.empty
    assert build_series(obs(INCOME), registry, indicator_id="monthly_income").empty
    with pytest.raises(MissingColumnsError, match="report_year"):
        build_series(obs(INCOME).drop(columns="report_year"), registry)
    with pytest.raises(UnknownIndicatorError):
        build_series(obs("r,A,2020,nope,本校,2020,,1,人,表X,1,x\n"), registry)
    with pytest.raises(UnitMismatchError, match="'万元'"):
        build_series(obs("r,A,2020,tech_service_income,本校,2020,,1,%,表X,1,x\n"), registry)


def test_collapse_restatements_counts_a_figure_once() -> None:
    # §五 says 2019, the appendix says 2020: one figure. A multi-year table's equal values stay.
    frame = obs(
        "r,A,2020,tech_service_income,本校,2019,,3255.214,万元,§五,3474,x\n"
        "r,A,2020,tech_service_income,本校,2020,,3255.214,万元,表4,4739,x\n"
        "r,A,2020,origin_count,本校,2019,,7,人,表4-4,1,x\n"
        "r,A,2020,origin_count,本校,2020,,7,人,表4-4,2,x\n"
    )
    assert_frame_equal(collapse_restatements(frame), frame.iloc[[1, 2, 3]])
    assert collapse_restatements(obs("")).empty


def test_compute_changes_year_on_year(registry: pd.DataFrame) -> None:
    result = compute_changes(obs(INCOME), registry)
    expected = read(
        ",".join(CHANGE_COLUMNS) + "\n"
        "A,tech_service_income,本校,,2019,2000.0,万元,,,,万元,,\n"
        "A,tech_service_income,本校,,2020,2420.0,万元,2019,2000.0,420.0,万元,21.0,True\n"
        "A,tech_service_income,本校,,2021,3025.0,万元,2020,2420.0,605.0,万元,25.0,True\n"
    )
    assert_frame_equal(result, expected)


def test_compute_changes_lower_is_better_and_rates(registry: pd.DataFrame) -> None:
    frame = obs(
        "A-2020,A,2020,student_teacher_ratio,本校,2020,,15.0,:1,表3,1,x\n"
        "A-2021,A,2021,student_teacher_ratio,本校,2021,,14.0,:1,表3,1,x\n"
        "A-2020,A,2020,employment_rate,本校,2019,1,98.0,%,表2-15,1,x\n"
        "A-2021,A,2021,employment_rate,本校,2020,1,97.5,%,表2-15,1,x\n"
        "A-2021,A,2021,employment_rate,本校,2018,3,99.0,%,表2-16,2,x\n"
    )
    result = compute_changes(frame, registry)
    assert result[["indicator_id", "year", "change", "change_unit", "is_improvement"]].dropna().to_dict("records") == [
        {
            "indicator_id": "employment_rate",
            "year": 2020,
            "change": pytest.approx(-0.5),
            "change_unit": "百分点",
            "is_improvement": False,
        },
        {
            "indicator_id": "student_teacher_ratio",
            "year": 2021,
            "change": pytest.approx(-1.0),
            "change_unit": ":1",
            "is_improvement": True,
        },
    ]
    # The three-years-after figure is a series of one year: it never joins the one-year series.
    assert not ((result["indicator_id"] == "employment_rate") & (result["years_after"] == 3)).any()


def test_compute_changes_empty_and_single_year(registry: pd.DataFrame) -> None:
    single = obs("r,A,2020,monthly_income,本校,2019,1,6378.9,元,表2-17,1320,x\n")
    assert compute_changes(single, registry).empty
    empty = compute_changes(obs(""), registry)
    assert list(empty.columns) == CHANGE_COLUMNS and empty.empty
    with pytest.raises(MissingColumnsError):
        compute_changes(single.drop(columns="value"), registry)


def test_compute_growth_compound(registry: pd.DataFrame) -> None:
    result = compute_growth(obs(INCOME), registry)
    expected = read(
        ",".join(GROWTH_COLUMNS) + "\n"
        "A,tech_service_income,本校,,万元,3,2019,2000.0,2021,3025.0,1025.0,万元,22.9837,True\n"
    )
    assert_frame_equal(result, expected)


def test_compute_growth_lower_is_better_unit_mismatch_and_zero_start(registry: pd.DataFrame) -> None:
    frame = obs(
        "A-2018,A,2018,student_teacher_ratio,本校,2018,,20.0,:1,表3,1,x\n"
        "A-2020,A,2020,student_teacher_ratio,本校,2020,,16.2,:1,表3,1,x\n"
        "A-2018,A,2018,origin_count,本校,2018,,0,人,表5-4,1,x\n"
        "A-2020,A,2020,origin_count,本校,2020,,3,人,表5-4,1,x\n"
        "A-2019,A,2019,tech_service_income,本校,2019,,20000000,元,表4,1,x\n"
        "A-2020,A,2020,tech_service_income,本校,2020,,2200,万元,表4,1,x\n"
    )
    result = compute_growth(frame, registry).set_index("indicator_id")
    assert result.at["student_teacher_ratio", "cagr_pct"] == pytest.approx(-10.0)
    assert bool(result.at["student_teacher_ratio", "is_improvement"]) is True
    assert pd.isna(result.at["origin_count", "cagr_pct"])
    assert pd.isna(result.at["origin_count", "is_improvement"])  # neutral
    assert result.at["tech_service_income", "first_value"] == 2000.0
    assert result.at["tech_service_income", "cagr_pct"] == pytest.approx(10.0)
    empty = compute_growth(obs(""), registry)
    assert list(empty.columns) == GROWTH_COLUMNS and empty.empty


SURVEY = (
    "A-2020,A,2020,monthly_income,本校,2019,1,6378.90,元,表2-17,1320,x\n"
    "A-2020,A,2020,monthly_income,本校,2017,3,9020.27,元,表2-18,1340,x\n"
    "A-2020,A,2020,monthly_income,高职,2019,1,4885.36,元,表2-17,1318,x\n"
    "A-2020,A,2020,monthly_income,高职,2017,3,6368.72,元,表2-18,1338,x\n"
    "A-2018,A,2018,monthly_income,本校,2017,1,5800.00,元,表2-17,1300,x\n"
)


def test_compare_years_after_as_the_report_shows_it(registry: pd.DataFrame) -> None:
    result = compare_years_after(obs(SURVEY), registry)
    expected = read(
        ",".join(YEARS_AFTER_COLUMNS) + "\n"
        "A,monthly_income,本校,元,2019,6378.9,A-2020,2017,9020.27,A-2020,2641.37,元,1.4140779\n"
        "A,monthly_income,高职,元,2019,4885.36,A-2020,2017,6368.72,A-2020,1483.36,元,1.3036293\n"
    )
    assert_frame_equal(result, expected)


def test_compare_years_after_following_one_cohort(registry: pd.DataFrame) -> None:
    result = compare_years_after(obs(SURVEY), registry, pair_by="cohort")
    expected = read(
        ",".join(YEARS_AFTER_COLUMNS) + "\n"
        "A,monthly_income,本校,元,2017,5800.0,A-2018,2017,9020.27,A-2020,3220.27,元,1.5552190\n"
    )
    assert_frame_equal(result, expected)


def test_compare_years_after_missing_side_unit_mismatch_empty_and_bad_input(registry: pd.DataFrame) -> None:
    one_side = obs("A,A,2020,monthly_income,本校,2019,1,6378.9,元,表2-17,1320,x\n")
    assert compare_years_after(one_side, registry).empty
    mixed = obs(
        "A,A,2020,tech_service_income,本校,2019,1,30000000,元,表X,1,x\n"
        "A,A,2020,tech_service_income,本校,2017,3,2000,万元,表X,2,x\n"
    )
    result = compare_years_after(mixed, registry)
    assert result[["one_year_value", "three_year_value", "difference"]].to_dict("records") == [
        {"one_year_value": 3000.0, "three_year_value": 2000.0, "difference": -1000.0}
    ]
    empty = compare_years_after(obs(""), registry)
    assert list(empty.columns) == YEARS_AFTER_COLUMNS and empty.empty
    with pytest.raises(ValueError, match="pair_by"):
        compare_years_after(one_side, registry, pair_by="school")
    with pytest.raises(MissingColumnsError):
        compare_years_after(one_side.drop(columns="years_after"), registry)
