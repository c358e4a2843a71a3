"""metrics.significance: intervals and gap tests against numbers worked out by hand.

The bundled report's 表2-15 (line 1271–1277) prints, for the 2019届 one year after graduation:

    全省 282828 253991 89.80% 93.60% 14.26%
    高职 125153 117126 93.59% 96.68% 12.68%
    本校 3518 3318 94.31% 98.82% 24.47%

(总人数, 作答人数, 作答率, 就业率, 升学率). The hand computations below use those figures.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from loaders.contracts.registry import sample_sizes
from metrics.compare import compare_to_benchmark
from metrics.errors import MissingColumnsError
from metrics.significance import GAP_COLUMNS, assess_gaps, judge_gap, wilson_interval
from tests.test_metrics_compare import REGISTRY, obs, read


def test_wilson_interval_of_the_2019_employment_rate() -> None:
    # p = 0.9882, n = 3318, z = 1.959964, z² = 3.841459
    # denominator 1 + z²/n = 1.00115776; centre (p + z²/2n) / d = (0.9882 + 0.00057888) / 1.00115776 = 0.98763543
    # half z·√(p(1−p)/n + z²/4n²) / d = 1.959964·√(3.5143942e-6 + 8.72343e-8) / 1.00115776 = 0.00371765
    low, high = wilson_interval(98.82, 3318)
    assert low == pytest.approx(98.392, abs=0.001)
    assert high == pytest.approx(99.135, abs=0.001)


def test_2019_employment_gap_to_vocational_is_significant_and_material() -> None:
    # SE = √(0.9882·0.0118/3318 + 0.9668·0.0332/117126) = √(3.5143942e-6 + 2.7404470e-7) = 0.00194639
    # z = (0.9882 − 0.9668) / 0.00194639 = 10.9947; gap 2.14 pp ± 1.96·0.194639 = 1.7585 … 2.5215
    result = judge_gap(98.82, 3318, 96.68, 117126)
    assert result.method == "two_sample"
    assert result.gap_pp == pytest.approx(2.14)
    assert result.z == pytest.approx(10.9947, abs=1e-3)
    assert (result.gap_ci_low, result.gap_ci_high) == (pytest.approx(1.7585, abs=1e-4), pytest.approx(2.5215, abs=1e-4))
    assert result.p_value < 1e-20
    assert result.is_significant and result.is_material and result.verdict == "significant"


def test_a_small_gap_is_significant_but_not_material() -> None:
    # 2017届 (表2-16): 本校 99.00 % of 2699, 高职 97.13 % of 97465: gap 1.87 pp (< 2)
    # SE = √(0.99·0.01/2699 + 0.9713·0.0287/97465) = √(3.668025e-6 + 2.860117e-7) = 0.00198848; z = 9.404
    result = judge_gap(99.00, 2699, 97.13, 97465)
    assert result.z == pytest.approx(9.404, abs=1e-3)
    assert result.is_significant and not result.is_material
    assert result.verdict == "immaterial"


def test_a_large_gap_on_a_small_sample_is_not_significant() -> None:
    # 50 % of 100 vs 45 % of 1000: SE = √(0.25/100 + 0.2475/1000) = 0.0524166; z = 0.05 / 0.0524166 = 0.9539
    # two-sided p = erfc(0.9539/√2) = 0.3401
    result = judge_gap(50.0, 100, 45.0, 1000)
    assert result.z == pytest.approx(0.9539, abs=1e-4)
    assert result.p_value == pytest.approx(0.3401, abs=1e-4)
    assert result.is_material and not result.is_significant
    assert result.verdict == "not_significant"


def test_a_benchmark_without_respondents_is_taken_as_fixed() -> None:
    # Score test: SE₀ = √(0.9668·0.0332/3318) = 0.00311028; z = 0.0214 / 0.00311028 = 6.8804.
    # The gap's interval is the Wilson interval shifted by the benchmark: 98.392 − 96.68 … 99.135 − 96.68.
    result = judge_gap(98.82, 3318, 96.68, None)
    assert result.method == "one_sample"
    assert result.z == pytest.approx(6.8804, abs=1e-3)
    assert result.gap_ci_low == pytest.approx(1.712, abs=1e-3)
    assert result.verdict == "significant"
    # 98.5 lies inside the school's interval 98.392 … 99.135: not significantly different (the test and
    # the interval agree); 98.3 lies outside it: significant, though under 2 pp.
    assert judge_gap(98.82, 3318, 98.5, None).verdict == "not_significant"
    assert judge_gap(98.82, 3318, 98.3, None).verdict == "immaterial"


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="sample size"):
        wilson_interval(50, 0)
    with pytest.raises(ValueError, match="0–100"):
        judge_gap(101, 10, 50, 10)
    both_full = judge_gap(100.0, 50, 100.0, 500)
    assert both_full.z == 0 and not both_full.is_significant


def _bundled_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    from loaders.contracts.paths import REPORTS_DIR
    from loaders.contracts.registry import read_registry
    from loaders.read.load import load

    result = load(REPORTS_DIR / "温州职业技术学院_2020_质量年度报告.txt")
    observations = result.observations.assign(
        report_id=result.report_id, school=result.school, report_year=result.report_year
    )
    return compare_to_benchmark(observations, read_registry()), observations


def test_the_bundled_report_employment_rate_2019() -> None:
    comparison, observations = _bundled_frames()
    gaps = assess_gaps(comparison, observations, sample_sizes())
    row = gaps[
        (gaps["indicator_id"] == "employment_rate") & (gaps["year"] == 2019) & (gaps["benchmark"] == "高职")
    ].iloc[0]
    assert (row["n"], row["benchmark_n"]) == (3318, 117126)
    assert (row["value"], row["benchmark_value"]) == (98.82, 96.68)
    assert row["ci_low"] == pytest.approx(98.392, abs=0.001) and row["ci_high"] == pytest.approx(99.135, abs=0.001)
    assert row["z"] == pytest.approx(10.9947, abs=1e-3)
    assert row["verdict"] == "significant" and row["method"] == "two_sample"
    # against 全省高校 (n = 253,991): gap 5.22 pp
    province = gaps[
        (gaps["indicator_id"] == "employment_rate") & (gaps["year"] == 2019) & (gaps["benchmark"] == "全省")
    ].iloc[0]
    assert (province["benchmark_n"], province["gap_pp"]) == (253991, pytest.approx(5.22))
    # 2017届 three years after: 99.00 vs 97.13, 1.87 pp: significant, not material
    later = gaps[
        (gaps["indicator_id"] == "employment_rate") & (gaps["year"] == 2017) & (gaps["benchmark"] == "高职")
    ].iloc[0]
    assert (later["n"], later["verdict"]) == (2699, "immaterial")
    # Only the listed rates: income (元) and scores (分) get no verdict.
    assert set(gaps["indicator_id"]) == {
        "employment_rate",
        "further_study_rate",
        "entrepreneurship_rate",
        "promotion_rate",
    }


def test_no_sample_size_in_the_report() -> None:
    comparison, observations = _bundled_frames()
    without = observations[observations["indicator_id"] != "survey_respondents"]
    gaps = assess_gaps(comparison, without, sample_sizes())
    assert not gaps.empty and set(gaps["verdict"]) == {"no_sample"}
    assert gaps["ci_low"].isna().all()


def test_empty_and_missing_columns() -> None:
    columns = ["report_id", "indicator_id", "year", "years_after", "benchmark", "value"]
    empty = assess_gaps(
        pd.DataFrame(columns=[*columns, "benchmark_value", "source_table", "benchmark_table"]),
        pd.DataFrame(columns=["report_id", "indicator_id", "subject", "year", "years_after", "value"]),
        {"employment_rate": "survey_respondents"},
    )
    assert list(empty.columns) == GAP_COLUMNS and empty.empty
    with pytest.raises(MissingColumnsError):
        assess_gaps(pd.DataFrame({"x": [1]}), pd.DataFrame(), {})


def test_inline_rows() -> None:
    registry = read(REGISTRY + "survey_respondents,人,neutral,count\n")
    rows = obs(
        "r,A,2020,employment_rate,本校,2019,1,98.82,%,表2-15,3,x\n"
        "r,A,2020,employment_rate,高职,2019,1,96.68,%,表2-15,2,x\n"
        "r,A,2020,survey_respondents,本校,2019,1,3318,人,表2-15,3,x\n"
    )
    gaps = assess_gaps(compare_to_benchmark(rows, registry), rows, {"employment_rate": "survey_respondents"})
    expected = pd.DataFrame({"benchmark": ["高职"], "method": ["one_sample"], "verdict": ["significant"]})
    assert_frame_equal(gaps[["benchmark", "method", "verdict"]], expected)
    assert math.isnan(gaps.at[0, "benchmark_n"])
    assert gaps.at[0, "z"] == pytest.approx(6.8804, abs=1e-3)
