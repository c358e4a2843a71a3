"""metrics.compare and metrics.observations: benchmarks, peers, one value per key."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from metrics import MissingColumnsError, UnitMismatchError, UnknownIndicatorError
from metrics.compare import BENCHMARK_COLUMNS, PEER_COLUMNS, compare_to_benchmark, rank_within_peers
from metrics.observations import OBSERVATION_COLUMNS, select_observations

OBS_HEADER = ",".join(OBSERVATION_COLUMNS) + "\n"
NUMERIC = {
    "report_year": "int64",
    "year": "int64",
    "years_after": "Int64",
    "value": "float64",
    "source_line": "int64",
    "benchmark_value": "float64",
    "difference": "float64",
    "ratio": "float64",
    "is_favourable": "boolean",
    "benchmark_line": "Int64",
    "rank": "int64",
    "n_schools": "int64",
    "percentile": "float64",
    "group_median": "float64",
    "difference_from_median": "float64",
}

NULLABLE_TEXT = {"benchmark_table"}

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
    na = {c: [""] for c in header if c in NUMERIC or c in NULLABLE_TEXT}
    return pd.read_csv(io.StringIO(text), dtype=dtypes, keep_default_na=False, na_values=na)


def obs(rows: str) -> pd.DataFrame:
    return read(OBS_HEADER + rows)


@pytest.fixture
def registry() -> pd.DataFrame:
    return read(REGISTRY)


def test_select_observations_keeps_the_first_table_in_report_order() -> None:
    frame = obs(
        "r,A,2020,monthly_income,本校,2019,1,6378.9,元,表1,4634,appendix\n"
        "r,A,2020,monthly_income,本校,2019,1,6378.9,元,表2-17,1320,table\n"
        "r,A,2020,monthly_income,本校,2017,3,9020.27,元,表2-18,1340,table\n"
    )
    expected = obs(
        "r,A,2020,monthly_income,本校,2019,1,6378.9,元,表2-17,1320,table\n"
        "r,A,2020,monthly_income,本校,2017,3,9020.27,元,表2-18,1340,table\n"
    )
    result = select_observations(frame)
    assert_frame_equal(result, expected)
    assert len(frame) == 3  # input untouched


def test_select_observations_empty_and_bad_input() -> None:
    assert select_observations(obs("")).empty
    with pytest.raises(MissingColumnsError, match="source_line"):
        select_observations(obs("").drop(columns="source_line"))


def test_compare_to_benchmark_graduate_survey(registry: pd.DataFrame) -> None:
    frame = obs(
        "r,A,2020,monthly_income,全省,2019,1,5165.77,元,表2-17,1314,x\n"
        "r,A,2020,monthly_income,本科,2019,1,5419.74,元,表2-17,1316,x\n"
        "r,A,2020,monthly_income,高职,2019,1,4885.36,元,表2-17,1318,x\n"
        "r,A,2020,monthly_income,本校,2019,1,6378.90,元,表2-17,1320,x\n"
        "r,A,2020,monthly_income,本校,2019,1,6378.90,元,表1,4634,x\n"
        "r,A,2020,employment_rate,高职,2019,1,96.68,%,表2-15,1275,x\n"
        "r,A,2020,employment_rate,本校,2019,1,98.82,%,表2-15,1277,x\n"
    )
    result = compare_to_benchmark(frame, registry, indicator_id="monthly_income")
    expected = read(
        ",".join(BENCHMARK_COLUMNS) + "\n"
        "r,A,monthly_income,2019,1,元,6378.9,全省,5165.77,1213.13,元,1.2348397,higher,True,表2-17,1320,表2-17,1314\n"
        "r,A,monthly_income,2019,1,元,6378.9,本科,5419.74,959.16,元,1.1769753,higher,True,表2-17,1320,表2-17,1316\n"
        "r,A,monthly_income,2019,1,元,6378.9,高职,4885.36,1493.54,元,1.3057175,higher,True,表2-17,1320,表2-17,1318\n"
    )
    assert_frame_equal(result, expected)

    rates = compare_to_benchmark(frame, registry, indicator_id="employment_rate", year=2019)
    assert rates[["benchmark", "difference", "difference_unit"]].to_dict("records") == [
        {"benchmark": "高职", "difference": pytest.approx(2.14), "difference_unit": "百分点"}
    ]


def test_compare_to_benchmark_lower_is_better(registry: pd.DataFrame) -> None:
    frame = obs(
        "r,A,2020,student_teacher_ratio,本校,2020,,14.02,:1,表3,4691,x\n"
        "r,A,2020,student_teacher_ratio,高职,2020,,16.5,:1,表X,10,x\n"
        "r,A,2020,student_teacher_ratio,全省,2020,,12.0,:1,表X,11,x\n"
    )
    result = compare_to_benchmark(frame, registry)
    expected = read(
        ",".join(BENCHMARK_COLUMNS) + "\n"
        "r,A,student_teacher_ratio,2020,,:1,14.02,全省,12.0,2.02,:1,1.1683333,lower,False,表3,4691,表X,11\n"
        "r,A,student_teacher_ratio,2020,,:1,14.02,高职,16.5,-2.48,:1,0.8496970,lower,True,表3,4691,表X,10\n"
    )
    assert_frame_equal(result, expected)


def test_compare_to_benchmark_missing_benchmark(registry: pd.DataFrame) -> None:
    # 高职 is carried for the 2019 cohort only; 本科 is not carried at all.
    frame = obs(
        "r,A,2020,monthly_income,全省,2019,1,5165.77,元,表2-17,1314,x\n"
        "r,A,2020,monthly_income,高职,2019,1,4885.36,元,表2-17,1318,x\n"
        "r,A,2020,monthly_income,本校,2019,1,6378.90,元,表2-17,1320,x\n"
        "r,A,2020,monthly_income,全省,2017,3,7073.85,元,表2-18,1334,x\n"
        "r,A,2020,monthly_income,本校,2017,3,9020.27,元,表2-18,1340,x\n"
    )
    result = compare_to_benchmark(frame, registry)
    expected = read(
        ",".join(BENCHMARK_COLUMNS) + "\n"
        "r,A,monthly_income,2019,1,元,6378.9,全省,5165.77,1213.13,元,1.2348397,higher,True,表2-17,1320,表2-17,1314\n"
        "r,A,monthly_income,2019,1,元,6378.9,高职,4885.36,1493.54,元,1.3057175,higher,True,表2-17,1320,表2-17,1318\n"
        "r,A,monthly_income,2017,3,元,9020.27,全省,7073.85,1946.42,元,1.2751576,higher,True,表2-18,1340,表2-18,1334\n"
        "r,A,monthly_income,2017,3,元,9020.27,高职,,,元,,higher,,表2-18,1340,,\n"
    )
    assert_frame_equal(result, expected)


def test_compare_to_benchmark_unit_mismatch(registry: pd.DataFrame) -> None:
    # The benchmark is stated in 元, the registry and the school in 万元.
    frame = obs(
        "r,A,2020,tech_service_income,本校,2020,,3255.214,万元,表4,4739,x\n"
        "r,A,2020,tech_service_income,高职,2020,,12000000,元,表X,20,x\n"
    )
    result = compare_to_benchmark(frame, registry)
    expected = read(
        ",".join(BENCHMARK_COLUMNS) + "\n"
        "r,A,tech_service_income,2020,,万元,3255.214,高职,1200.0,2055.214,万元,2.7126783,higher,True,表4,4739,表X,20\n"
    )
    assert_frame_equal(result, expected)

    wrong = obs("r,A,2020,tech_service_income,高职,2020,,12.5,%,表X,20,x\n")
    with pytest.raises(UnitMismatchError, match=r"tech_service_income 表X 20.*'万元'.*'%'"):
        compare_to_benchmark(pd.concat([frame.iloc[[0]], wrong]), registry)


def test_compare_to_benchmark_neutral_and_empty(registry: pd.DataFrame) -> None:
    frame = obs(
        "r,A,2020,origin_count,本校,2019,0,3104,人,表5-4,3723,x\nr,A,2020,origin_count,全省,2019,0,3000,人,表X,1,x\n"
    )
    result = compare_to_benchmark(frame, registry)
    assert result["is_favourable"].isna().all()
    assert result["difference"].tolist() == [104.0]

    empty = compare_to_benchmark(obs(""), registry)
    assert list(empty.columns) == BENCHMARK_COLUMNS
    assert empty.empty
    assert compare_to_benchmark(frame, registry, year=1999).empty


def test_compare_to_benchmark_bad_input(registry: pd.DataFrame) -> None:
    with pytest.raises(MissingColumnsError, match="observations: expected columns unit"):
        compare_to_benchmark(obs("").drop(columns="unit"), registry)
    unknown = obs("r,A,2020,no_such_id,本校,2020,,1,人,表X,1,x\nr,A,2020,no_such_id,高职,2020,,1,人,表X,2,x\n")
    with pytest.raises(UnknownIndicatorError, match="no_such_id"):
        compare_to_benchmark(unknown, registry)


PEERS = (
    "a,甲校,2020,employment_rate,本校,2019,1,98.0,%,表2-15,1,x\n"
    "b,乙校,2020,employment_rate,本校,2019,1,96.0,%,表2-15,1,x\n"
    "c,丙校,2020,employment_rate,本校,2019,1,97.0,%,表2-15,1,x\n"
    "d,丁校,2020,employment_rate,本校,2019,1,96.0,%,表2-15,1,x\n"
    "a,甲校,2020,employment_rate,本校,2017,3,99.0,%,表2-16,2,x\n"
)


def test_rank_within_peers_higher_is_better(registry: pd.DataFrame) -> None:
    result = rank_within_peers(obs(PEERS), registry, indicator_id="employment_rate", year=2019)
    expected = read(
        ",".join(PEER_COLUMNS) + "\n"
        "employment_rate,本校,2019,1,甲校,a,%,98.0,1,4,100.0,96.5,1.5,higher,True,表2-15,1\n"
        "employment_rate,本校,2019,1,丙校,c,%,97.0,2,4,75.0,96.5,0.5,higher,True,表2-15,1\n"
        "employment_rate,本校,2019,1,丁校,d,%,96.0,3,4,50.0,96.5,-0.5,higher,False,表2-15,1\n"
        "employment_rate,本校,2019,1,乙校,b,%,96.0,3,4,50.0,96.5,-0.5,higher,False,表2-15,1\n"
    )
    assert_frame_equal(result, expected)


def test_rank_within_peers_keeps_years_after_apart_and_filters_group(registry: pd.DataFrame) -> None:
    result = rank_within_peers(obs(PEERS), registry, indicator_id="employment_rate", schools=["甲校", "乙校"])
    assert result[["year", "years_after", "school", "rank", "n_schools", "percentile"]].to_dict("records") == [
        {"year": 2017, "years_after": 3, "school": "甲校", "rank": 1, "n_schools": 1, "percentile": 100.0},
        {"year": 2019, "years_after": 1, "school": "甲校", "rank": 1, "n_schools": 2, "percentile": 100.0},
        {"year": 2019, "years_after": 1, "school": "乙校", "rank": 2, "n_schools": 2, "percentile": 50.0},
    ]


def test_rank_within_peers_lower_is_better_and_unit_mismatch(registry: pd.DataFrame) -> None:
    frame = obs(
        "a,甲校,2020,student_teacher_ratio,本校,2020,,14.02,:1,表3,1,x\n"
        "b,乙校,2020,student_teacher_ratio,本校,2020,,18.5,:1,表3,1,x\n"
        "c,丙校,2020,tech_service_income,本校,2020,,30000000,元,表4,1,x\n"
        "a,甲校,2020,tech_service_income,本校,2020,,3255.214,万元,表4,1,x\n"
    )
    ratio = rank_within_peers(frame, registry, indicator_id="student_teacher_ratio")
    assert ratio[["school", "rank", "percentile", "group_median", "is_favourable"]].to_dict("records") == [
        {"school": "甲校", "rank": 1, "percentile": 100.0, "group_median": pytest.approx(16.26), "is_favourable": True},
        {"school": "乙校", "rank": 2, "percentile": 50.0, "group_median": pytest.approx(16.26), "is_favourable": False},
    ]
    income = rank_within_peers(frame, registry, indicator_id="tech_service_income")
    assert income[["school", "value", "unit", "rank"]].to_dict("records") == [
        {"school": "甲校", "value": 3255.214, "unit": "万元", "rank": 1},
        {"school": "丙校", "value": 3000.0, "unit": "万元", "rank": 2},
    ]


def test_rank_within_peers_missing_school_value_empty_and_bad_input(registry: pd.DataFrame) -> None:
    # A peer without a value for the year is not ranked (the group is who reported).
    result = rank_within_peers(obs(PEERS), registry, indicator_id="employment_rate", year=2017)
    assert result[["school", "n_schools"]].to_dict("records") == [{"school": "甲校", "n_schools": 1}]
    empty = rank_within_peers(obs(""), registry, indicator_id="employment_rate")
    assert list(empty.columns) == PEER_COLUMNS and empty.empty
    with pytest.raises(UnknownIndicatorError):
        rank_within_peers(obs(PEERS), registry, indicator_id="nope")
    with pytest.raises(MissingColumnsError):
        rank_within_peers(obs(PEERS).drop(columns="school"), registry, indicator_id="employment_rate")


# ---------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory):
    from loaders.store.build import rebuild

    path = tmp_path_factory.mktemp("metrics_cli") / "quality.duckdb"
    rebuild(path)
    return path


def test_cli_compare_json(store_path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from metrics.__main__ import main

    assert main(["compare", "--indicator", "monthly_income", "--year", "2020", "--db", str(store_path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    one_year = [r for r in document["benchmarks"] if r["years_after"] == 1]
    assert [(r["benchmark"], r["year"], r["value"], r["benchmark_value"]) for r in one_year] == [
        ("全省", 2019, 6378.9, 5165.77),
        ("本科", 2019, 6378.9, 5419.74),
        ("高职", 2019, 6378.9, 4885.36),
    ]
    # one school: no rank ("1st of 1" says nothing), and the status says why
    assert [(r["school"], r["years_after"], r["rank"], r["n_schools"], r["status"]) for r in document["aligned"]] == [
        ("温州职业技术学院", 1, None, 1, "too_few"),
        ("温州职业技术学院", 3, None, 1, "too_few"),
    ]
    assert main(["compare", "--indicator", "no_such_id", "--db", str(store_path)]) == 2
    assert "no_such_id" in capsys.readouterr().err
