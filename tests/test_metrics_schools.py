"""Several colleges side by side (metrics.schools, metrics.queries.compare_schools, ``python -m metrics compare``).

The store holds the fictional colleges of ``tests/fixtures/colleges/`` (each file marked
``【测试夹具 TEST FIXTURE】``): 青石 (editions 2020, 2021, 2022), 白沙 (2021, 2023) and 紫岭 (2022,
2023), whose survey cohorts and table layouts differ. Every expected value below was typed by hand
from the fixtures' text, not taken from the loader.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from loaders.contracts.paths import ROOT
from loaders.contracts.registry import sample_sizes
from loaders.store.queries import StoreReader
from loaders.store.schema import connect
from loaders.store.writes import ingest_file
from metrics import queries
from metrics.errors import UnknownIndicatorError
from metrics.schools import (
    ALIGNED_COLUMNS,
    NoSchoolsError,
    align_schools,
    choose_reports,
    compare_schools_to_benchmarks,
    order_schools,
)

COLLEGES = ROOT / "tests" / "fixtures" / "colleges"
QS, BS, ZL = "青石虚构职业技术学院", "白沙虚构职业学院", "紫岭虚构职业技术学院"
SCHOOLS = [QS, BS, ZL]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("colleges") / "quality.duckdb"
    con = connect(path)
    for report in sorted(COLLEGES.glob("测试夹具_*.txt")):
        ingest_file(con, report)
    con.close()
    return path


@pytest.fixture
def reader(store_path: Path):
    con = connect(store_path, read_only=True)
    yield StoreReader(con)
    con.close()


def _plain(*values: object) -> tuple:
    """Missing values (NA, NaN) as None, so rows compare as tuples."""
    return tuple(None if not isinstance(v, str) and pd.isna(v) else v for v in values)


def _compare(reader, indicator_id: str, schools=SCHOOLS, year=None) -> queries.SchoolComparison:
    return queries.compare_schools(reader, indicator_id, schools, year=year, sample_sizes=sample_sizes())


def test_fixtures_are_marked() -> None:
    files = sorted(COLLEGES.glob("*.txt"))
    assert len(files) == 7
    for path in files:
        assert path.name.startswith("测试夹具_")
        assert path.read_text(encoding="utf-8").startswith("【测试夹具 TEST FIXTURE】")


def test_survey_figures_aligned_by_years_after_with_each_cohort(reader) -> None:
    aligned = _compare(reader, "employment_rate").aligned
    got = [
        _plain(r.years_after, r.school, r.report_year, r.year, r.value, r.status, r.rank, r.n_schools)
        for r in aligned.itertuples()
    ]
    na = None
    assert got == [
        # one year after: each school's latest report, whatever its cohort (2021届 vs 2022届)
        (1, QS, 2022, 2021, 98.10, "ranked", 1, 3),
        (1, BS, 2023, 2022, 96.40, "ranked", 3, 3),
        (1, ZL, 2023, 2022, 97.90, "ranked", 2, 3),
        # three years after: only 白沙's 2023 edition states it (2020届)
        (3, QS, 2022, na, na, "no_value", na, 1),
        (3, BS, 2023, 2020, 96.90, "too_few", na, 1),
        (3, ZL, 2023, na, na, "no_value", na, 1),
    ]
    one = aligned[aligned["years_after"] == 1]
    assert one["percentile"].round(2).tolist() == [100.0, 33.33, 66.67]
    assert one["group_median"].tolist() == [97.90] * 3
    assert one["years_differ"].tolist() == [True] * 3  # 2021届 beside 2022届: said so
    assert one["is_favourable"].tolist() == [True, False, False]
    assert aligned.loc[aligned["years_after"] == 3, "years_differ"].tolist() == [False] * 3
    assert one["source_table"].tolist() == ["表2-3", "表5", "表2-4"]  # 本院 in 白沙's table is the school
    assert list(aligned.columns) == ALIGNED_COLUMNS


def test_counts_and_ratios_aligned_by_data_year_lower_is_better(reader) -> None:
    aligned = _compare(reader, "student_teacher_ratio").aligned
    got = [(r.school, r.year, r.value, r.rank, r.percentile) for r in aligned.itertuples()]
    assert [(s, y, v, k) for s, y, v, k, _ in got] == [(QS, 2022, 17.4, 2), (BS, 2023, 19.2, 3), (ZL, 2023, 15.8, 1)]
    assert [round(p, 2) for *_, p in got] == [66.67, 33.33, 100.0]
    assert aligned["years_after"].isna().all()
    assert aligned["years_differ"].tolist() == [True] * 3
    benchmarks = _compare(reader, "student_teacher_ratio").benchmarks
    assert benchmarks.empty  # no report carries a provincial 生师比


def test_a_chosen_year_and_fewer_than_three_schools_give_no_rank(reader) -> None:
    aligned = _compare(reader, "employment_rate", year=2022).aligned
    got = [_plain(r.school, r.report_id, r.year, r.value, r.status, r.rank, r.n_schools) for r in aligned.itertuples()]
    na = None
    assert got == [
        (QS, f"{QS}-2022", 2021, 98.10, "too_few", na, 2),
        (BS, "", na, na, "no_report", na, 2),
        (ZL, f"{ZL}-2022", 2021, 96.80, "too_few", na, 2),
    ]
    assert aligned["percentile"].isna().all()
    assert not aligned["years_differ"].any()  # both 2021届


def test_each_school_against_its_own_benchmarks_with_significance(reader) -> None:
    bench = _compare(reader, "employment_rate").benchmarks
    one = bench[bench["years_after"] == 1]
    got = [(r.school, r.year, r.benchmark, r.benchmark_value, round(r.difference, 2), r.n, r.benchmark_n, r.verdict)
           for r in one.itertuples()]  # fmt: skip
    assert got == [
        (QS, 2021, "全省", 95.50, 2.60, 2700, 250000, "significant"),
        (QS, 2021, "本科", 94.60, 3.50, 2700, 136000, "significant"),
        (QS, 2021, "高职", 96.60, 1.50, 2700, 114000, "immaterial"),  # real, but under 2 points
        (BS, 2022, "全省", 94.12, 2.28, 1900, 270120, "significant"),
        (BS, 2022, "本科", 92.05, 4.35, 1900, 146890, "significant"),
        (BS, 2022, "高职", 96.95, -0.55, 1900, 123230, "not_significant"),
        (ZL, 2022, "全省", 94.12, 3.78, 3300, 270120, "significant"),
        (ZL, 2022, "本科", 92.05, 5.85, 3300, 146890, "significant"),
        (ZL, 2022, "高职", 96.95, 0.95, 3300, 123230, "immaterial"),
    ]
    assert one["is_favourable"].tolist() == [True] * 5 + [False] + [True] * 3
    assert (one["ci_low"] < one["value"]).all() and (one["value"] < one["ci_high"]).all()
    income = _compare(reader, "monthly_income").benchmarks
    assert set(income["verdict"]) == {"not_assessed"}  # an amount has no sampling test here
    assert [(r.benchmark, round(r.difference, 2)) for r in income.itertuples()] == [
        ("全省", 75.60),
        ("本科", -202.15),
        ("高职", 386.12),
    ]


def test_trend_joins_editions_one_year_after_with_one_year_after(reader) -> None:
    trend = _compare(reader, "employment_rate").trend
    qs_one = trend[(trend["school"] == QS) & (trend["years_after"] == 1)]
    assert list(zip(qs_one["year"], qs_one["value"], qs_one["report_id"], strict=True)) == [
        (2019, 97.2, f"{QS}-2020"),
        (2020, 97.6, f"{QS}-2021"),
        (2021, 98.1, f"{QS}-2022"),
    ]
    assert qs_one["n_reports"].tolist() == [3, 3, 3]
    qs_three = trend[(trend["school"] == QS) & (trend["years_after"] == 3)]
    assert list(zip(qs_three["year"], qs_three["value"], strict=True)) == [(2018, 97.5)]
    assert trend.drop_duplicates("school")["school"].tolist() == SCHOOLS
    # 生师比 stated by two editions for one year: the later edition's figure
    ratio = _compare(reader, "student_teacher_ratio").trend
    qs = ratio[ratio["school"] == QS]
    assert list(zip(qs["year"], qs["value"], qs["report_id"], strict=True)) == [
        (2020, 16.5, f"{QS}-2021"),
        (2021, 17.0, f"{QS}-2022"),
        (2022, 17.4, f"{QS}-2022"),
    ]


def test_order_schools_home_then_peers_then_others() -> None:
    loaded = ["b", "温州职业技术学院", "a", "c", "a"]
    assert order_schools(loaded, "温州职业技术学院", ["c"]) == ["温州职业技术学院", "c", "a", "b"]
    assert order_schools(loaded, "not loaded", ["zz", "b"]) == ["b", "a", "c", "温州职业技术学院"]
    assert order_schools([], "x") == []


def test_empty_and_bad_input() -> None:
    reports = pd.DataFrame({"report_id": ["a-2020"], "school": ["a"], "report_year": [2020]})
    with pytest.raises(NoSchoolsError) as raised:
        choose_reports(reports, [])
    assert "请在侧栏选择学校" in raised.value.zh
    registry = pd.DataFrame(
        {"indicator_id": ["employment_rate"], "unit": ["%"], "direction": ["higher"], "kind": ["rate"]}
    )
    observations = pd.DataFrame(
        {c: pd.Series(dtype="float64" if c == "value" else "str") for c in
         ["report_id", "school", "report_year", "indicator_id", "subject", "year", "years_after", "value", "unit",
          "source_table", "source_line"]}
    )  # fmt: skip
    aligned = align_schools(observations, registry, reports, indicator_id="employment_rate", schools=["a", "b"])
    assert [(r.school, r.status) for r in aligned.itertuples()] == [("a", "no_value"), ("b", "no_report")]
    assert compare_schools_to_benchmarks(aligned, observations, registry).empty
    with pytest.raises(UnknownIndicatorError):
        align_schools(observations, registry, reports, indicator_id="nope", schools=["a"])


def test_cli_gives_the_pages_rows(store_path: Path, reader, capsys: pytest.CaptureFixture[str]) -> None:
    from metrics.__main__ import main

    args = ["compare", "--indicator", "employment_rate", "--db", str(store_path), "--json"]
    assert main([*args, "--school", QS, "--school", BS, "--school", ZL]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["schools"] == SCHOOLS
    page = _compare(reader, "employment_rate")
    assert [(r["school"], r["value"], r["rank"], r["status"]) for r in document["aligned"]] == [
        _plain(r.school, r.value, r.rank, r.status) for r in page.aligned.itertuples()
    ]
    verdicts = [(r["school"], r["benchmark"], r["verdict"], r["p_value"] is not None) for r in document["benchmarks"]]
    assert verdicts[:3] == [
        (QS, "全省", "significant", True),
        (QS, "本科", "significant", True),
        (QS, "高职", "immaterial", True),
    ]
    assert main([*args, "--school", QS, "--school", "不存在职业学院"]) == 2
    err = capsys.readouterr().err
    assert "不存在职业学院" in err and "--school" in err


def test_home_school_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from loaders.contracts.settings import setting
    from loaders.read.bundled import home_school

    monkeypatch.delenv("QUALITY_HOME_SCHOOL", raising=False)
    assert setting("home_school") == ""
    assert home_school() == "温州职业技术学院"  # the bundled report's school, read from data/reports
    monkeypatch.setenv("QUALITY_HOME_SCHOOL", f" {ZL} ")
    assert home_school() == ZL
