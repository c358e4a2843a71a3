"""The report pack: a zip with every chart as PNG, its data as CSV and xlsx, and README.txt; built
in-process and by ``python -m viz pack``. Every file in the zip is opened and checked."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from PIL import Image

from loaders.contracts.paths import ROOT
from loaders.store.build import rebuild
from loaders.store.queries import StoreReader, read_observations
from loaders.store.schema import connect
from viz.__main__ import attainment_tables, load_context
from viz.catalogue import SECTIONS
from viz.pack import build_pack
from viz.png import png_available
from viz.sections import describe_filters, report_label

SCHOOL = "温州职业技术学院"
CLI = [sys.executable, "-m", "viz", "pack"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pack") / "quality.duckdb"
    rebuild(path)
    return path


@pytest.fixture(scope="module")
def loaded(db: Path):
    con = connect(db, read_only=True)
    try:
        ctx = load_context(StoreReader(con), school=SCHOOL, year=2020, lang="zh", benchmark="高职")
        return (
            ctx,
            {page: build(ctx) for page, build in SECTIONS.items()},
            attainment_tables(StoreReader(con), ctx, None),
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def whole_pack(loaded) -> tuple[bytes, list[tuple[float, str]]]:
    _, items, tables = loaded
    calls: list[tuple[float, str]] = []
    data = build_pack(items, tables, "zh", lambda fraction, message: calls.append((fraction, message)))
    return data, calls


def _check_csv(data: bytes) -> pd.DataFrame:
    assert data.startswith(b"\xef\xbb\xbf")
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")


def _check_xlsx(data: bytes) -> tuple[list[str], list[list[object]]]:
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[-1] == "来源"
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
    return rows[0], rows[1:]


def test_whole_dashboard_pack_lists_and_opens_every_file(whole_pack, loaded, db: Path) -> None:
    data, calls = whole_pack
    _, items, _ = loaded
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    names = archive.namelist()
    readme = archive.read("README.txt").decode("utf-8-sig")
    expected_charts = [(page, item) for page, page_items in items.items() for item in page_items if not item.data.empty]
    assert len(expected_charts) == 25  # 26 charts, the enrollment trend has one year only
    kinds = ("png", "csv", "xlsx") if png_available() else ("csv", "xlsx")
    stems = sorted({name.rsplit(".", 1)[0] for name in names if name != "README.txt"})
    assert len([s for s in stems if not s.startswith("targets/")]) == 25
    for name in names:
        assert name == "README.txt" or name in readme, f"{name} is not in README.txt"
    store = read_observations(connect(db, read_only=True))
    for position, (page, item) in enumerate(expected_charts):
        page_items = [i for p, i in expected_charts if p == page]
        number = page_items.index(item) + 1
        stem = next(s for s in stems if s.startswith(f"{page}/{number:02d}_"))
        for kind in kinds:
            assert f"{stem}.{kind}" in names
        if "png" in kinds:
            image_bytes = archive.read(f"{stem}.png")
            assert image_bytes.startswith(b"\x89PNG\r\n\x1a\n")
            image = Image.open(io.BytesIO(image_bytes))
            image.verify()
            assert image.size[0] in (2000, 2800) and image.size[1] > 500
        table = _check_csv(archive.read(f"{stem}.csv"))
        header, rows = _check_xlsx(archive.read(f"{stem}.xlsx"))
        # The CSV adds the school and the report to every row (the xlsx has them on its 来源 sheet).
        assert list(table.columns[:2]) == ["学校", "报告"] and set(table["学校"]) == {SCHOOL}
        assert header == list(table.columns[2:])
        value_column = next(c for c in header if str(c).startswith("数值"))
        values = [row[header.index(value_column)] for row in rows]
        # Only the national-minimums chart lists a standard the report gives no value for (an empty cell).
        if "国家基本办学条件" in stem:
            assert [v is None for v in values] == table[value_column].isna().tolist()
            values, expected = [v for v in values if v is not None], table[value_column].dropna().tolist()
        else:
            expected = table[value_column].tolist()
        assert all(isinstance(v, float | int) for v in values)
        assert values == pytest.approx(expected)
        assert values == pytest.approx(item.data["value"].astype(float).dropna().tolist())
        if position % 6 == 0:  # spot-check against the store itself, line by line
            lines = set(zip(store["source_table"], store["source_line"], strict=True))
            for row in rows:
                assert (row[header.index("来源表")], row[header.index("来源行")]) in lines
    assert "招生：计划、录取与报到 · 历年" in readme  # left out, and said so
    assert f"来源 Source: {report_label(SCHOOL, 2020, 'zh')}" in readme
    assert "表3-7: 2286, 2288, 2290" in readme
    targets = [n for n in names if n.startswith("targets/")]
    assert sorted(targets) == ["targets/01_规划目标达成.csv", "targets/01_规划目标达成.xlsx"]
    attainment = _check_csv(archive.read("targets/01_规划目标达成.csv"))
    assert "14.02" in attainment.to_csv()  # 生师比 against the school plan's target
    fractions = [fraction for fraction, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len(calls) == 25 + 1 + 1  # one per chart, one per table, the README


def test_page_pack_without_png_says_so(loaded) -> None:
    _, items, _ = loaded
    data = build_pack({"faculty": items["faculty"]}, None, "en", png=False)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert not [n for n in names if n.endswith(".png")]
    assert sorted(n for n in names if n != "README.txt") == [
        "faculty/01_专任教师职称结构.csv",
        "faculty/01_专任教师职称结构.xlsx",
        "faculty/02_专任教师学位结构.csv",
        "faculty/02_专任教师学位结构.xlsx",
        "faculty/03_教师进修_培训与交流_人次.csv",
        "faculty/03_教师进修_培训与交流_人次.xlsx",
        "faculty/04_国家基本办学条件_教发_2004_2号.csv",
        "faculty/04_国家基本办学条件_教发_2004_2号.xlsx",
    ]
    readme = archive.read("README.txt").decode("utf-8-sig")
    assert "PNGs were not requested" in readme
    assert "faculty/  师资 / Faculty" in readme
    table = _check_csv(archive.read("faculty/01_专任教师职称结构.csv"))
    assert list(table.columns)[:4] == ["School", "Report", "Category", "Value (people)"]
    assert set(table["Source table"]) == {"Table 3-7"}


def test_an_empty_pack_still_has_a_readme() -> None:
    archive = zipfile.ZipFile(io.BytesIO(build_pack({}, None, "zh", png=False)))
    assert archive.namelist() == ["README.txt"]


def test_cli_writes_a_page_pack(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "research.zip"
    result = subprocess.run(
        [*CLI, "--page", "research", "--school", SCHOOL, "--year", "2020", "--db", str(db), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    archive = zipfile.ZipFile(out)
    names = archive.namelist()
    assert "research/01_到款额_按类型.xlsx" in names
    if png_available():
        assert "research/03_非学历培训服务_人日.png" in names
    header, rows = _check_xlsx(archive.read("research/01_到款额_按类型.xlsx"))
    assert header[:2] == ["类别", "数值（万元）"]
    assert {row[0]: row[1] for row in rows}["技术服务到款额"] == pytest.approx(3255.214)  # the report states 3255.214
    assert "[100%] README.txt" in result.stderr


def test_cli_names_what_is_loaded_when_the_school_is_unknown(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.zip"
    result = subprocess.run(
        [*CLI, "--page", "all", "--school", "不存在学院", "--no-png", "--db", str(db), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "不存在学院" in result.stderr and SCHOOL in result.stderr
    assert not out.exists()


def test_cli_context_matches_the_dashboards_words() -> None:
    from dashboard.state import Filters

    for lang in ("zh", "en"):
        filters = Filters(SCHOOL, 2020, f"{SCHOOL}-2020", "全省", "", lang)
        assert describe_filters(SCHOOL, 2020, "全省", lang) == filters.describe()
        assert describe_filters(SCHOOL, 2020, "全省", lang, "规划") == filters.describe("规划")
