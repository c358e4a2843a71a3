"""Is a gap real? Confidence intervals of survey rates and tests of their gaps to a benchmark.

Belongs here: the sampling error of a graduate-survey rate (a share of the survey's respondents:
就业率, 升学率, 自主创业比例 …) and whether the school's gap to a benchmark (全省 / 本科 / 高职) is
larger than that error — statistically significant — and large enough to matter (material, at least
:data:`MATERIAL_PP` percentage points). The reports print the respondents of every row of the survey
tables (表2-15: 本校 3,318, 全省 253,991); where a report gives none, the answer is ``no_sample``.

Method (said in words wherever a verdict is shown: ``sig_method`` in :mod:`viz.i18n`):

- the school's rate: the 95 % Wilson score interval (better than the textbook ``p ± 1.96·SE`` near 0 or
  100 %, where most employment rates are);
- its gap to a benchmark whose respondents are known: a two-sample z test with unpooled standard
  errors, ``z = (p₁ − p₂) / √(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂)``, and the gap's 95 % interval
  ``(p₁ − p₂) ± 1.96·SE``. The school's graduates are part of the provincial samples; treating the
  two samples as independent overstates the standard error, so the test errs on the side of "not
  significant";
- a benchmark without respondents: a one-sample score test against the benchmark as a fixed value
  (the same as asking whether it lies outside the school's Wilson interval).

Pure functions: numbers or frames in, numbers or frames out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from loaders.contracts.vocabulary import SCHOOL_SUBJECT
from metrics.observations import require_columns

#: The two-sided 95 % normal quantile.
Z_95 = 1.959963984540054
#: A gap smaller than this (percentage points) is not material, however significant.
MATERIAL_PP = 2.0
#: Significance level of the tests.
ALPHA = 0.05

#: Verdicts, in the order a legend lists them.
VERDICTS = ("significant", "immaterial", "not_significant", "no_sample")

GAP_COLUMNS = [
    "report_id",
    "indicator_id",
    "year",
    "years_after",
    "benchmark",
    "value",
    "benchmark_value",
    "n",
    "benchmark_n",
    "ci_low",
    "ci_high",
    "gap_pp",
    "gap_ci_low",
    "gap_ci_high",
    "z",
    "p_value",
    "is_significant",
    "is_material",
    "verdict",
    "method",
]


@dataclass(frozen=True)
class GapTest:
    """The school's rate, its interval, and its gap to a benchmark judged against sampling error.

    Rates and gaps are in percent / percentage points. ``benchmark_n`` is None when the benchmark's
    respondents are unknown (``method == "one_sample"``).
    """

    ci_low: float
    ci_high: float
    gap_pp: float
    gap_ci_low: float
    gap_ci_high: float
    z: float
    p_value: float
    is_significant: bool
    is_material: bool
    method: str

    @property
    def verdict(self) -> str:
        """``significant`` (and material), ``immaterial`` (significant, under 2 pp) or ``not_significant``."""
        if not self.is_significant:
            return "not_significant"
        return "significant" if self.is_material else "immaterial"


def wilson_interval(rate_pct: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a rate.

    Args:
        rate_pct: The observed rate in percent (98.82).
        n: The number of respondents it is a share of (3318).
        z: The normal quantile (1.96 for 95 %).

    Returns:
        ``(low, high)`` in percent.

    Raises:
        ValueError: ``n`` is not positive or the rate is outside 0–100.
    """
    p = _share(rate_pct)
    if not n > 0:
        raise ValueError(f"the sample size must be positive, found {n}")
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return (centre - half) * 100, (centre + half) * 100


def _share(rate_pct: float) -> float:
    if not 0 <= rate_pct <= 100:
        raise ValueError(f"a rate must be within 0–100 %, found {rate_pct}")
    return rate_pct / 100


def _two_sided_p(z: float) -> float:
    """Two-sided p value of a standard normal statistic."""
    return math.erfc(abs(z) / math.sqrt(2))


def judge_gap(
    rate_pct: float,
    n: float,
    benchmark_pct: float,
    benchmark_n: float | None = None,
    *,
    material_pp: float = MATERIAL_PP,
    z_crit: float = Z_95,
) -> GapTest:
    """Whether a school's rate differs from a benchmark's by more than sampling error, and by enough.

    Args:
        rate_pct: The school's rate in percent.
        n: The school's respondents.
        benchmark_pct: The benchmark's rate in percent.
        benchmark_n: The benchmark's respondents; None (or not positive) tests against the benchmark
            as a fixed value.
        material_pp: The smallest gap (percentage points) that matters.
        z_crit: The normal quantile of the intervals (1.96: 95 %).

    Returns:
        The :class:`GapTest`.

    Raises:
        ValueError: A rate outside 0–100 or a school sample size that is not positive.
    """
    low, high = wilson_interval(rate_pct, n, z_crit)
    p1, p0 = _share(rate_pct), _share(benchmark_pct)
    gap = rate_pct - benchmark_pct
    if benchmark_n is not None and benchmark_n > 0:
        se = math.sqrt(p1 * (1 - p1) / n + p0 * (1 - p0) / benchmark_n)
        method = "two_sample"
        gap_low, gap_high = gap - z_crit * se * 100, gap + z_crit * se * 100
    else:
        se = math.sqrt(p0 * (1 - p0) / n)  # the score test: the error under the benchmark's rate
        method = "one_sample"
        gap_low, gap_high = low - benchmark_pct, high - benchmark_pct
    # Both rates 0 % or 100 %: no sampling error to speak of.
    z = (p1 - p0) / se if se else (0.0 if gap == 0 else math.copysign(math.inf, gap))
    p_value = _two_sided_p(z)
    return GapTest(
        ci_low=low,
        ci_high=high,
        gap_pp=gap,
        gap_ci_low=gap_low,
        gap_ci_high=gap_high,
        z=z,
        p_value=p_value,
        is_significant=p_value < ALPHA,
        is_material=abs(gap) >= material_pp - 1e-9,
        method=method,
    )


def _respondents(observations: pd.DataFrame, sample_indicator: str) -> dict[tuple, list[dict]]:
    """``(report_id, year, years_after, subject)`` → the sample-size rows (with their table)."""
    rows = observations[observations["indicator_id"] == sample_indicator]
    found: dict[tuple, list[dict]] = {}
    for row in rows.to_dict("records"):
        after = None if pd.isna(row["years_after"]) else int(row["years_after"])
        found.setdefault((row["report_id"], int(row["year"]), after, row["subject"]), []).append(row)
    return found


def _pick(rows: list[dict] | None, table: object) -> float | None:
    """The sample size printed in the rate's own table, else the first one stated."""
    if not rows:
        return None
    same = [r for r in rows if r["source_table"] == table]
    value = (same or sorted(rows, key=lambda r: r["source_line"]))[0]["value"]
    return None if pd.isna(value) or value <= 0 else float(value)


def assess_gaps(
    comparison: pd.DataFrame,
    observations: pd.DataFrame,
    sample_sizes: Mapping[str, str],
    *,
    subject: str = SCHOOL_SUBJECT,
    material_pp: float = MATERIAL_PP,
) -> pd.DataFrame:
    """The interval and gap verdict of every survey rate of a comparison, against every benchmark.

    Args:
        comparison: Rows of :func:`metrics.compare.compare_to_benchmark`.
        observations: Observations of the same report(s): the sample-size rows are read from them.
        sample_sizes: ``indicator_id`` of a rate → ``indicator_id`` of its sample size
            (``employment_rate → survey_respondents``; ``data/specs/sample_sizes.csv``). Only these
            indicators are assessed.
        subject: The subject holding the school's figures.
        material_pp: The smallest gap that matters (percentage points).

    Returns:
        :data:`GAP_COLUMNS`, one row per comparison row of a listed indicator (``verdict`` is
        ``no_sample`` with the interval and test left empty when the report gives the school's
        respondents for none, or the benchmark value is missing). Empty, with these columns, when
        nothing matches.

    Raises:
        MissingColumnsError: A frame lacks a column this needs.
    """
    require_columns(
        comparison, ["report_id", "indicator_id", "year", "years_after", "benchmark", "value"], "comparison"
    )
    require_columns(comparison, ["benchmark_value", "source_table", "benchmark_table"], "comparison")
    require_columns(
        observations, ["report_id", "indicator_id", "subject", "year", "years_after", "value"], "observations"
    )
    rows = comparison[comparison["indicator_id"].isin(list(sample_sizes))]
    out: list[dict] = []
    cache: dict[str, dict] = {}
    for row in rows.to_dict("records"):
        sample = sample_sizes[row["indicator_id"]]
        if sample not in cache:
            cache[sample] = _respondents(observations, sample)
        after = None if pd.isna(row["years_after"]) else int(row["years_after"])
        key = (row["report_id"], int(row["year"]), after)
        n = _pick(cache[sample].get((*key, subject)), row["source_table"])
        bench_n = _pick(cache[sample].get((*key, row["benchmark"])), row["benchmark_table"])
        record = {c: row.get(c) for c in ("report_id", "indicator_id", "year", "years_after", "benchmark", "value")}
        record.update(benchmark_value=row["benchmark_value"], n=n, benchmark_n=bench_n)
        if n is None or pd.isna(row["benchmark_value"]) or pd.isna(row["value"]):
            record.update(verdict="no_sample", method="")
            out.append(record)
            continue
        result = judge_gap(float(row["value"]), n, float(row["benchmark_value"]), bench_n, material_pp=material_pp)
        record.update(
            ci_low=result.ci_low,
            ci_high=result.ci_high,
            gap_pp=result.gap_pp,
            gap_ci_low=result.gap_ci_low,
            gap_ci_high=result.gap_ci_high,
            z=result.z,
            p_value=result.p_value,
            is_significant=result.is_significant,
            is_material=result.is_material,
            verdict=result.verdict,
            method=result.method,
        )
        out.append(record)
    frame = pd.DataFrame(out, columns=GAP_COLUMNS)
    floats = ["value", "benchmark_value", "n", "benchmark_n", "ci_low", "ci_high", "gap_pp", "gap_ci_low"]
    for column in [*floats, "gap_ci_high", "z", "p_value"]:
        frame[column] = frame[column].astype("float64")
    frame["year"] = frame["year"].astype("int64")
    frame["years_after"] = frame["years_after"].astype("Int64")
    for column in ("is_significant", "is_material"):
        frame[column] = frame[column].astype("boolean")
    for column in ("report_id", "indicator_id", "benchmark", "verdict", "method"):
        frame[column] = frame[column].astype("str")
    return frame.reset_index(drop=True)
