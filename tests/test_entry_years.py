"""填报: an entry counts only in the years it describes (metrics.entries.split_by_view), on inline frames.

Viewing the 2020 report, an entry for 2025 is not the current value (issue 25: it counted as met in
the 2020 view); the target says instead that an entry exists for 2025 (viz.entries.entries_elsewhere).
"""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from metrics.entries import SERIES_FRAME_COLUMNS, entered_series, split_by_view
from metrics.targets import compute_attainment
from tests.test_metrics_targets import PLANS, obs, read, targets
from viz.entries import entries_elsewhere

REGISTRY = read("indicator_id,unit,direction,kind\ndual_qualified_ratio,%,higher,rate\n"
                "invention_patents_granted,项,higher,count\n")  # fmt: skip
REPORT = obs("A-2020,A,2020,dual_qualified_ratio,本校,2020,,85,%,表3,4693,x\n")
PLAN = targets(
    "p,dual_qualified_ratio,本校,>=,90,,,%,2025,,双师型教师比例,absolute,,,,90%,490,x\n"
    "p,,本校,>=,90,,,%,2025,,家长满意度,absolute,,,,90%,491,x\n"
    "p,invention_patents_granted,本校,>=,480,,,项,2025,,授权发明专利数,cumulative,,,,480 项,525,x\n"
)
ENTRIES = pd.DataFrame(
    [
        ("e1", "p", "双师型教师比例", "A", 2025, 95.0, "状态数据 2025", "张"),
        ("e2", "p", "双师型教师比例", "A", 2019, 80.0, "状态数据 2019", "张"),
        ("e3", "p", "家长满意度", "A", 2020, 92.0, "满意度调查 2020", "张"),
        ("e4", "p", "家长满意度", "A", 2025, 80.0, "满意度调查 2025", "张"),
        ("e5", "p", "授权发明专利数", "A", 2022, 100.0, "专利台账", "张"),
        ("e6", "p", "授权发明专利数", "A", 2023, 150.0, "专利台账", "张"),
        ("e7", "p", "授权发明专利数", "A", 2025, 200.0, "专利台账", "张"),
    ],
    columns=["entry_id", "plan_id", "label_zh", "school", "year", "value", "source_document", "author"],
)
COLUMNS = ["label_zh", "status", "current_year", "current_value", "basis", "entered_elsewhere"]


def view(year: int | None) -> pd.DataFrame:
    result = compute_attainment(PLAN, REPORT, REGISTRY, plan_id="p", plans=PLANS, school="A", entries=ENTRIES,
                                view_year=year)  # fmt: skip
    return result[COLUMNS].reset_index(drop=True)


def expected(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["current_year"] = pd.array(frame["current_year"], dtype="Int64")
    frame["current_value"] = frame["current_value"].astype("float64")
    return frame.astype({c: "str" for c in ("label_zh", "status", "basis", "entered_elsewhere")})


def test_the_2020_view_counts_only_the_entries_for_2020() -> None:
    # 双师型: the report's 85 for 2020 (the 2025 entry of 95 would have made it met); 家长满意度: the
    # 2020 entry, met; 专利 (累计 2022–2025): no entry up to 2020, nothing in the plan period yet.
    assert_frame_equal(
        view(2020),
        expected(
            [
                ("双师型教师比例", "in_progress", 2020, 85.0, "table", "2019=80;2025=95"),
                ("家长满意度", "met", 2020, 92.0, "entered", "2025=80"),
                ("授权发明专利数", "no_data", None, None, "", "2022=100;2023=150;2025=200"),
            ]
        ),
    )


def test_a_later_view_counts_its_own_year_and_a_sum_its_years_so_far() -> None:
    # 2023: 双师型 has no figure for 2023 (the report's is 2020's, the entries are 2019's and 2025's);
    # the patents' sum counts 2022 and 2023: 250 of 480.
    got = view(2023)
    assert got.loc[0, ["current_year", "current_value", "basis"]].tolist() == [2020, 85.0, "table"]
    assert got.loc[0, "entered_elsewhere"] == "2019=80;2025=95"
    assert got.loc[1, ["status", "entered_elsewhere"]].tolist() == ["no_data", "2020=92;2025=80"]
    assert got.loc[2, ["current_year", "current_value", "basis", "entered_elsewhere"]].tolist() == [
        2023, 250.0, "entered", "2025=200",
    ]  # fmt: skip
    # 2025: the entries for 2025 count — 双师型 95 (met), 家长满意度 80 (below 90 in the target year),
    # the patents' sum all three years.
    got = view(2025)
    assert got.loc[0, ["status", "current_year", "current_value", "basis", "entered_elsewhere"]].tolist() == [
        "met", 2025, 95.0, "entered", "2019=80",
    ]  # fmt: skip
    assert got.loc[1, ["current_year", "current_value", "entered_elsewhere"]].tolist() == [2025, 80.0, "2020=92"]
    assert got.loc[1, "status"] == "not_met"  # the target year has come: 80 < 90
    assert got.loc[2, ["current_year", "current_value", "status", "entered_elsewhere"]].tolist() == [
        2025,
        450.0,
        "not_met",
        "",
    ]  # fmt: skip  (100 + 150 + 200 = 450 < 480 in 2025)


def test_no_view_year_counts_every_entry_as_before() -> None:
    got = view(None)
    assert got["entered_elsewhere"].tolist() == ["", "", ""]
    assert got.loc[0, ["status", "current_year", "current_value"]].tolist() == ["met", 2025, 95.0]


@pytest.mark.parametrize(
    ("kind", "view_year", "counted", "elsewhere"),
    [
        ("absolute", 2020, [2020], [2019, 2025]),
        ("absolute", 2021, [], [2019, 2020, 2025]),
        ("relative", 2025, [2025], [2019, 2020]),
        ("cumulative", 2020, [2019, 2020], [2025]),
        ("annual_average", 2025, [2019, 2020, 2025], []),
        ("absolute", None, [2019, 2020, 2025], []),
    ],
)
def test_split_by_view(kind: str, view_year: int | None, counted: list[int], elsewhere: list[int]) -> None:
    entries = ENTRIES.assign(label_zh="t")[ENTRIES["entry_id"].isin(["e1", "e2", "e3"])]
    series = entered_series(entries, "p", "t", "A")
    got, rest = split_by_view(series, view_year, kind)
    assert (got["year"].tolist(), rest["year"].tolist()) == (counted, elsewhere)
    assert list(got.columns) == list(rest.columns) == SERIES_FRAME_COLUMNS


def test_split_by_view_of_no_entries() -> None:
    empty = entered_series(None, "p", "t", "A")
    got, rest = split_by_view(empty, 2020, "absolute")
    assert got.empty and rest.empty and list(rest.columns) == SERIES_FRAME_COLUMNS


def test_the_target_says_an_entry_exists_for_another_year() -> None:
    assert entries_elsewhere("2025=95", "%", "zh") == "已填报 2025 年：95.00%（填报值只计入所描述年度的报告）"
    assert entries_elsewhere("2025=95", "%", "en") == (
        "Entered for 2025: 95.00% (an entry counts only in the report of the year it describes)"
    )
    assert entries_elsewhere("2022=100;2023=150", "项", "zh") == (
        "已填报 2022、2023 年：2022 年 100 项；2023 年 150 项（填报值只计入所描述年度的报告）"
    )
    assert entries_elsewhere("", "%", "zh") == ""


def test_the_command_line_sees_entries_as_a_report_year_does(tmp_path, monkeypatch, capsys) -> None:
    import json

    from loaders.store.build import rebuild
    from loaders.store.entries import check_entry, save_entry, target_of
    from loaders.store.schema import connect
    from metrics.__main__ import main

    monkeypatch.setenv("QUALITY_UPLOADS", str(tmp_path / "uploads"))
    db = tmp_path / "quality.duckdb"
    rebuild(db)
    con = connect(db)
    fields = {"school": "温州职业技术学院", "year": 2023, "source_document": "状态数据", "note": "", "author": "张"}
    save_entry(con, check_entry(target_of(con, "wzvtc_2022_2025", "毕业生留温率"), value=61.5, **fields),
               uploads=tmp_path / "uploads")  # fmt: skip
    con.close()

    def row(*year: str) -> dict:
        assert main(["attainment", "--plan", "wzvtc_2022_2025", "--db", str(db), "--json", *year]) == 0
        rows = json.loads(capsys.readouterr().out)["targets"]
        return next(r for r in rows if r["label_zh"] == "毕业生留温率")

    every = row()
    assert (every["current_year"], every["current_value"], every["status"], every["entered_elsewhere"]) == (
        2023, 61.5, "met", "",
    )  # fmt: skip
    in_2020 = row("--year", "2020")  # the report's derived 57.62 for 2019; the 2023 entry is said, not counted
    assert (in_2020["current_year"], in_2020["current_value"], in_2020["status"], in_2020["entered_elsewhere"]) == (
        2019, 57.62, "in_progress", "2023=61.5",
    )  # fmt: skip
