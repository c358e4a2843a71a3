"""What an attack on the running dashboard broke (issue 12), each break reproduced through the app
or the command line; then the store's content (reports, rows, kept files) and the message the
planner sees are asserted.

Parsing limits of PDFs and the range of values are the parser's (tests/test_pdf.py and the loader
tests); here: the child process an upload is parsed in, kept uploads, markup, database errors,
a damaged store, look-alike names, password guessing and the write log.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from loaders.__main__ import main
from loaders.read.load import load_bytes
from loaders.store.build import rebuild
from loaders.store.schema import connect
from loaders.store.uploads import kept_uploads
from loaders.store.writelog import read_log
from tests.helpers import (
    CODE_SPAN,
    PASSWORD,
    app_test,
    autolinks,
    data_page,
    messages,
    shown_as_markdown,
    store_content,
    unescaped,
    unlocked,
    upload,
)

BUNDLED_ID = "温州职业技术学院-2020"
BUNDLED_ROWS = 764
HEADER = "school,report_year,indicator_id,subject,year,years_after,value,unit,source_table,source_line,source_text"


def tidy_csv(school: str, year: int = 2021, rows: list[tuple] | None = None) -> bytes:
    """A tidy CSV report: ``rows`` are (indicator, subject, value, unit, source_table, source_text)."""
    rows = rows or [
        ("majors", "本校", 4, "个", "表1", "专业 4 个"),
        ("fulltime_teachers", "本校", 600, "人", "表1", "600"),
    ]
    lines = [HEADER] + [
        f"{school},{year},{indicator},{subject},{year},,{value},{unit},{table},{n},{text}"
        for n, (indicator, subject, value, unit, table, text) in enumerate(rows, start=2)
    ]
    return "\n".join(lines).encode("utf-8")


@pytest.fixture
def built_db(db_path: Path) -> Path:
    rebuild(db_path)
    return db_path


def served_content() -> dict[str, tuple[str, int, int]]:
    """What the app's own connection sees: report id → (sha256, rows stated, rows stored)."""
    from dashboard import store

    return store_content(store.cursor())


def restart(db: Path, monkeypatch, tmp_path: Path, **env: str):
    """The server stopped and started again (its connection closed, the app run afresh)."""
    from dashboard import store

    store.close()
    at = app_test(db, monkeypatch, tmp_path, **env)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def delete(at, report_id: str):
    at.run()  # the list of reports as it is now
    at.selectbox(key="delete_pick").set_value(report_id)
    at.checkbox(key="delete_sure").check()
    next(b for b in at.button if b.label in ("删除", "Delete")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# ------------------------------------------------------------------------------ 1. kept uploads
def test_reports_whose_names_differ_only_in_punctuation_keep_a_file_each_and_survive_rebuilds(
    built_db: Path, tmp_path: Path, monkeypatch
) -> None:
    # one name would make the same kept-file name (full-width （） would be the same school: NFKC)
    half, full = "温州(东)职业学院", "温州〔东〕职业学院"
    half_csv = tidy_csv(half)
    full_csv = tidy_csv(full, rows=[("majors", "本校", 5, "个", "表1", "专业 5 个")])
    at = unlocked(built_db, monkeypatch, tmp_path)
    assert "已载入：温州(东)职业学院-2021（新增，2 个数据项）" in messages(upload(at, "东.csv", half_csv))
    assert "已载入：温州〔东〕职业学院-2021（新增，1 个数据项）" in messages(upload(at, "东.csv", full_csv))
    uploads = tmp_path / "uploads"
    kept = {entry.report_id: entry for entry in kept_uploads(uploads)}
    assert set(kept) == {f"{half}-2021", f"{full}-2021"}
    assert (uploads / kept[f"{half}-2021"].file).read_bytes() == half_csv
    assert (uploads / kept[f"{full}-2021"].file).read_bytes() == full_csv
    before = served_content()
    assert set(before) == {BUNDLED_ID, f"{half}-2021", f"{full}-2021"}

    built_db.unlink()  # the store is rebuilt at the next start: every loaded report comes back
    restart(built_db, monkeypatch, tmp_path)
    assert served_content() == before

    at = delete(unlocked(built_db, monkeypatch, tmp_path), f"{half}-2021")
    assert "已删除：温州(东)职业学院-2021" in messages(at)
    (left,) = kept_uploads(uploads)
    assert left.report_id == f"{full}-2021" and (uploads / left.file).read_bytes() == full_csv  # not its neighbour's
    assert not (uploads / kept[f"{half}-2021"].file).exists()
    rebuild(built_db)  # a manual rebuild: the deleted report stays deleted, the other comes back
    restart(built_db, monkeypatch, tmp_path)
    assert served_content() == {key: before[key] for key in (BUNDLED_ID, f"{full}-2021")}


def test_a_report_ingested_from_outside_data_comes_back_after_a_rebuild(tmp_path: Path, monkeypatch, capsys) -> None:
    db, uploads = tmp_path / "q.duckdb", tmp_path / "uploads"
    monkeypatch.setenv("QUALITY_DB", str(db))
    monkeypatch.setenv("QUALITY_UPLOADS", str(uploads))
    rebuild(db)
    outside = tmp_path / "收件箱" / "外校.csv"
    outside.parent.mkdir()
    outside.write_bytes(tidy_csv("外校职业学院"))
    assert main(["ingest", str(outside)]) == 0
    assert "外校职业学院-2021: added (2 observations)" in capsys.readouterr().out
    outside.unlink()  # the original is gone: only the kept copy can bring the report back
    assert main(["rebuild"]) == 0
    con = connect(db, read_only=True)
    rows = con.execute(
        "SELECT source_file, sha256, n_observations FROM reports WHERE school = '外校职业学院'"
    ).fetchall()
    log = read_log(con)
    con.close()
    assert rows == [("外校.csv", hashlib.sha256(tidy_csv("外校职业学院")).hexdigest(), 2)]  # same name, bytes, rows
    assert ("ingest", "外校职业学院-2021", "added") in set(
        zip(log["action"], log["report_id"], log["outcome"], strict=True)
    )

    other = tmp_path / "别的.duckdb"  # another store keeps its copies beside its own file, never in ours
    rebuild(other)
    elsewhere = tmp_path / "另一所.csv"
    elsewhere.write_bytes(tidy_csv("另一所职业学院"))
    assert main(["ingest", str(elsewhere), "--db", str(other)]) == 0
    assert [e.report_id for e in kept_uploads(uploads)] == ["外校职业学院-2021"]
    assert [e.report_id for e in kept_uploads(tmp_path / "别的.duckdb.uploads")] == ["另一所职业学院-2021"]
    elsewhere.unlink()
    assert main(["rebuild", "--db", str(other)]) == 0  # its own copy brings it back to it …
    con = connect(other, read_only=True)
    schools = {row[0] for row in con.execute("SELECT school FROM reports").fetchall()}
    con.close()
    assert "另一所职业学院" in schools and "外校职业学院" not in schools
    assert main(["rebuild"]) == 0  # … and never to the default store
    con = connect(db, read_only=True)
    schools = {row[0] for row in con.execute("SELECT school FROM reports").fetchall()}
    con.close()
    assert "外校职业学院" in schools and "另一所职业学院" not in schools


# ------------------------------------------------------------------------------ 2. parsing under limits
@pytest.mark.parametrize(
    ("setting", "value", "fragment"),
    [("QUALITY_PARSE_MEMORY_MB", "40", "内存超限"), ("QUALITY_PARSE_TIMEOUT_S", "0.2", "解析超时")],
)
def test_an_upload_over_the_parsing_limits_is_refused_and_the_server_goes_on(
    setting: str, value: str, fragment: str, built_db: Path, tmp_path: Path, monkeypatch
) -> None:
    from tests.test_isolate import big_csv

    at = unlocked(built_db, monkeypatch, tmp_path, **{setting: value})
    data = big_csv(6)
    at = upload(at, "大文件.csv", data)
    shown = messages(at)
    assert "未能载入“大文件.csv”：" in shown and fragment in shown, shown
    assert served_content().keys() == {BUNDLED_ID}
    assert kept_uploads(tmp_path / "uploads") == []
    log = read_log(connect_app())
    assert log.iloc[0][["action", "outcome", "file_sha256"]].tolist() == [
        "upload",
        "refused",
        hashlib.sha256(data).hexdigest(),
    ]
    monkeypatch.delenv(setting)  # the same session goes on: a good file loads
    assert "已载入" in messages(upload(at, "好.csv", tidy_csv("好职业学院")))


def connect_app():
    from dashboard import store

    return store.cursor()


# ------------------------------------------------------------------------------ 3. file text is text
HOSTILE_TABLE = "[点我](https://evil.example/x)"
HOSTILE_SUBJECTS = ["<b>加粗</b>", '<span style="color:red">红色</span>', "<a href=https://evil.example>链接</a>"]
HOSTILE_TEXT = "见 https://evil.example/login 或 www.evil.example"


def _hostile_report() -> bytes:
    rows = [
        ("industry_employment_count", s, n * 10, "人", HOSTILE_TABLE, HOSTILE_TEXT)
        for n, s in enumerate(HOSTILE_SUBJECTS, 1)
    ]
    rows.append(("teachers_by_title", "<b>教授</b>", 50, "人", HOSTILE_TABLE, HOSTILE_TEXT))
    return tidy_csv("标记测试职业学院", rows=rows)


def _figure_texts(spec: str) -> list[str]:
    """Every text of a chart that Plotly draws as markup (not the builders' own hover templates)."""
    texts: list[str] = []

    def walk(node: object, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ("hovertemplate", "texttemplate"):
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str):
            texts.append(node)

    walk(json.loads(spec))
    return texts


def test_text_from_a_file_is_shown_as_text_in_captions_charts_tables_and_exports(
    built_db: Path, tmp_path: Path, monkeypatch
) -> None:
    at = unlocked(built_db, monkeypatch, tmp_path)
    assert "已载入" in messages(upload(at, "标记.csv", _hostile_report()))
    viewer = app_test(built_db, monkeypatch, tmp_path)
    viewer.query_params["school"] = "标记测试职业学院"
    viewer.run()
    figures = []
    for page in ("pages/overview.py", "pages/outcomes.py", "pages/faculty.py", "pages/data.py", "pages/compare.py"):
        viewer.switch_page(page).run()
        if page in ("pages/outcomes.py", "pages/faculty.py"):  # every chart, not only the first row
            viewer.button(key=f"show_rest_{page.removeprefix('pages/').removesuffix('.py')}").click().run()
        assert not viewer.exception, (page, [e.value for e in viewer.exception])
        shown = shown_as_markdown(viewer) + "\n".join(str(m.help or "") for m in viewer.metric)
        shown = re.sub(r":[a-z]+-badge\[[^\[\]]*\]", "", shown)  # the app's own status badges (:gray-badge[暂无数据])
        # no tag, no link syntax outside code spans (whose text Markdown shows as typed)
        assert not re.search(r"(?<!\\)[<>\[\]]", CODE_SPAN.sub("", shown)), (page, shown)
        assert autolinks(shown) == [], page  # bare URLs, www. and e-mail addresses are not links
        figures += [chart.proto.spec for chart in viewer.get("plotly_chart")]
        if page == "pages/outcomes.py":
            captions = [unescaped(c.value) for c in viewer.caption]
            assert any(HOSTILE_TABLE in c for c in captions)  # the reader sees the text as typed
    texts = [text for spec in figures for text in _figure_texts(spec)]
    assert texts and not [t for t in texts if re.search(r"<(?!br>|extra>|/extra>)[a-z/]", t)]
    assert "&lt;b&gt;加粗&lt;/b&gt;" in texts and "&lt;b&gt;教授&lt;/b&gt;" in texts  # shown, literally
    wrapped = [t.replace("<br>", " ") for t in texts]  # long category labels wrap onto two lines
    assert any("&lt;span style=&quot;color:red&quot;&gt;红色" in t for t in wrapped), [t for t in texts if "红色" in t]

    # the server-side PNG and the downloads: the caption as text, values as typed
    from dashboard import frames
    from viz.exports import render_csv
    from viz.png import with_caption

    items = frames.section_items("outcomes", viewer.session_state["_filters"])
    item = next(i for i in items if i.key == "industry_employment_count")
    spec = with_caption(item.figure, item.provenance)
    caption = spec["layout"]["legend2"]["title"]["text"]
    assert "[点我](https://evil.example/x)" in caption and "<a" not in caption
    assert not [t for t in _figure_texts(json.dumps(spec)) if re.search(r"<(?!br>)[a-z/]", t)]
    csv = render_csv(item.data).decode("utf-8-sig")
    assert all(subject in csv for subject in ("<b>加粗</b>", '"<span style=""color:red"">红色</span>"'))


# ------------------------------------------------------------------------------ 4. database errors
def test_a_value_the_database_refuses_is_a_message_on_the_page_not_the_error_page(
    built_db: Path, tmp_path: Path, monkeypatch
) -> None:
    from dashboard import planner

    data = tidy_csv("溢出测试职业学院")
    real = load_bytes(data, "溢出.csv")
    too_big = dataclasses.replace(real, report_year=3_000_000_000, report_id="溢出测试职业学院-3000000000")
    monkeypatch.setattr(planner, "load_bytes_isolated", lambda *args, **kwargs: too_big)  # past the parser
    at = upload(unlocked(built_db, monkeypatch, tmp_path), "溢出.csv", data)
    shown = messages(at)
    assert "溢出.csv（溢出测试职业学院-3000000000）：数据库拒绝写入" in shown and "本次未写入任何内容" in shown, shown
    assert "已载入" not in shown
    assert served_content().keys() == {BUNDLED_ID}
    assert kept_uploads(tmp_path / "uploads") == []
    log = read_log(connect_app())
    assert log.iloc[0][["action", "report_id", "outcome"]].tolist() == [
        "upload",
        "溢出测试职业学院-3000000000",
        "refused",
    ]


def test_the_command_line_names_the_file_for_a_year_out_of_range(tmp_path: Path, capsys) -> None:
    db = tmp_path / "q.duckdb"
    rebuild(db)
    path = tmp_path / "年份.csv"
    path.write_bytes(tidy_csv("溢出测试职业学院", year=3_000_000_000))
    assert main(["ingest", str(path), "--db", str(db)]) == 2  # refused by the parser or the database
    err = capsys.readouterr().err
    assert err.startswith("年份.csv") and "Traceback" not in err
    con = connect(db, read_only=True)
    assert store_content(con).keys() == {BUNDLED_ID}
    con.close()


# ------------------------------------------------------------------------------ 5. damaged store
def test_a_store_truncated_while_serving_is_rebuilt_with_every_report_and_the_planner_is_told(
    built_db: Path, tmp_path: Path, monkeypatch
) -> None:
    at = unlocked(built_db, monkeypatch, tmp_path)
    assert "已载入" in messages(upload(at, "甲.csv", tidy_csv("甲职业学院")))
    before = served_content()
    os.truncate(built_db, 0)  # the attack

    at = upload(at, "乙.csv", tidy_csv("乙职业学院"))  # the next run notices it at its first read
    shown = messages(at)
    assert "数据库已自动恢复" in shown and "数据库文件在服务运行期间被其他程序改动或损坏" in shown, shown
    assert "已从 data/ 与保留的上传副本重建，现有 2 份报告，所有已载入的报告均已恢复" in shown
    assert "已载入：乙职业学院-2021" in shown  # written to the rebuilt store, not to the damaged file
    after = served_content()
    assert {key: after[key] for key in before} == before and after["乙职业学院-2021"][1:] == (2, 2)
    assert {e.report_id for e in kept_uploads(tmp_path / "uploads")} == {"甲职业学院-2021", "乙职业学院-2021"}
    (damaged,) = tmp_path.glob("quality.duckdb.damaged-*")
    assert damaged.stat().st_size == 0  # kept for inspection
    log = read_log(connect_app())
    outcomes = list(zip(log["action"], log["outcome"], strict=True))
    assert outcomes[:3] == [("upload", "added"), ("store", "recovered"), ("store", "damaged")]
    assert outcomes.count(("upload", "added")) == 2  # the history from before the damage is kept


def test_a_write_to_a_store_damaged_since_the_last_read_is_refused_and_the_store_rebuilt(
    built_db: Path, tmp_path: Path, monkeypatch
) -> None:
    from dashboard import store
    from loaders.contracts.errors import StoreDamagedError
    from loaders.store.writes import ingest_result

    at = unlocked(built_db, monkeypatch, tmp_path)
    upload(at, "甲.csv", tidy_csv("甲职业学院"))
    before = served_content()
    os.truncate(built_db, 0)
    written = []
    with pytest.raises(StoreDamagedError) as raised:  # "uploads still said Loaded": not any more
        store.write(lambda cursor: written.append(ingest_result(cursor, load_bytes(tidy_csv("乙职业学院"), "乙.csv"))))
    assert written == []
    message = raised.value.message
    assert message.startswith("quality.duckdb：本次未写入任何内容。数据库文件在服务运行期间被其他程序改动或损坏")
    assert "所有已载入的报告均已恢复" in message and "every loaded report is back" in message
    assert served_content() == before
    assert "数据库已自动恢复" in messages(data_page(at))


def test_a_store_overwritten_while_serving_is_noticed_at_the_next_read(built_db: Path, tmp_path: Path, monkeypatch):
    at = unlocked(built_db, monkeypatch, tmp_path)
    upload(at, "甲.csv", tidy_csv("甲职业学院"))
    before = served_content()
    with open(built_db, "r+b") as handle:  # garbage over the header, same size
        handle.write(b"\0" * 4096)
    viewer = app_test(built_db, monkeypatch, tmp_path)
    viewer.query_params["school"] = "甲职业学院"
    viewer.run()
    viewer.switch_page("pages/overview.py").run()
    assert not viewer.exception, [e.value for e in viewer.exception]
    assert viewer.session_state["_filters"].report_id == "甲职业学院-2021"
    assert served_content() == before
    assert len(list(tmp_path.glob("quality.duckdb.damaged-*"))) == 1


# ------------------------------------------------------------------------------ 6. look-alike names
def test_invisible_characters_do_not_make_a_second_school(built_db: Path, tmp_path: Path, monkeypatch) -> None:
    at = unlocked(built_db, monkeypatch, tmp_path)
    upload(at, "零宽.csv", tidy_csv("温州职业\u200b技术学院", year=2021))
    upload(at, "方向.csv", tidy_csv("\u200f温州职业技术学院\u202c", year=2022))
    assert served_content().keys() == {BUNDLED_ID, "温州职业技术学院-2021", "温州职业技术学院-2022"}
    viewer = app_test(built_db, monkeypatch, tmp_path)
    viewer.run()
    assert viewer.selectbox(key="f_school").options == [
        "温州职业技术学院（主校）"
    ]  # one school (the home school), three years
    assert viewer.selectbox(key="f_year").options == ["2022", "2021", "2020"]


# ------------------------------------------------------------------------------ 7. guessing, the log
def test_password_guessing_locks_the_guessing_session_never_everyone_and_every_attempt_is_logged(
    built_db: Path, tmp_path: Path, monkeypatch
) -> None:
    from dashboard import auth

    now = [1000.0]
    monkeypatch.setattr(auth, "_clock", lambda: now[0])
    env = {"PLANNER_PASSWORD": PASSWORD}
    monkeypatch.setenv("QUALITY_PASSWORD_ATTEMPTS_SESSION", "3")

    def attempt(at, password: str) -> str:
        at.text_input[0].input(password)
        at.button[0].click().run()
        assert not at.exception, [e.value for e in at.exception]
        return unescaped("\n".join(e.value for e in at.error))

    guesser = data_page(app_test(built_db, monkeypatch, tmp_path, **env))
    assert [attempt(guesser, f"guess{n}") for n in range(2)] == ["密码不正确。"] * 2
    assert "密码错误次数过多" in attempt(guesser, "guess2")  # the third wrong one locks the session
    assert "密码错误次数过多，已暂停验证，请 300 秒后再试" in attempt(guesser, PASSWORD)  # even the right one
    assert len(guesser.get("file_uploader")) == 0
    other = data_page(app_test(built_db, monkeypatch, tmp_path, **env))  # another session is not locked …
    assert attempt(other, "guess3") == "密码不正确。"
    assert attempt(other, "guess4") == "密码不正确。"
    planner = data_page(app_test(built_db, monkeypatch, tmp_path, **env))  # … and the planner's password works
    attempt(planner, PASSWORD)
    assert len(planner.get("file_uploader")) == 2  # a report and a plan
    upload(planner, "甲.csv", tidy_csv("甲职业学院"))
    delete(planner, "甲职业学院-2021")
    now[0] += 301  # the guesser's lockout is over; its next one lasts twice as long
    assert [attempt(guesser, f"guess{n}") for n in range(2)] == ["密码不正确。"] * 2
    assert "请 600 秒后再试" in attempt(guesser, "guess7")

    log = read_log(connect_app())
    assert list(zip(log["action"], log["outcome"], strict=True))[::-1] == [
        ("unlock", "wrong password"),  # all eight wrong ones of both sessions within a minute: one entry
        ("unlock", "locked out"),
        ("unlock", "unlocked"),
        ("upload", "added"),
        ("delete", "deleted"),
    ]
    assert "session ×8 (" in log.iloc[-1]["detail"]
    assert log.iloc[1]["file_sha256"] == hashlib.sha256(tidy_csv("甲职业学院")).hexdigest()
    assert served_content().keys() == {BUNDLED_ID}
    shown = planner.dataframe[-1].value  # the planner sees the log on the 数据 page
    assert list(shown.columns) == ["时间（北京时间）", "操作", "报告", "文件 SHA-256", "结果", "说明"]
    assert shown.iloc[0]["操作"] == "删除" and shown.iloc[1]["说明"] == "甲.csv"  # actions in words


def test_a_viewer_does_not_see_the_write_log(built_db: Path, tmp_path: Path, monkeypatch) -> None:
    at = data_page(app_test(built_db, monkeypatch, tmp_path, PLANNER_PASSWORD=PASSWORD))
    assert not [s for s in at.subheader if s.value == "写入记录"]
    at = unlocked(built_db, monkeypatch, tmp_path)
    assert [s.value for s in at.subheader if s.value == "写入记录"] == ["写入记录"]


# ------------------------------------------------------------------------------ 8. tests next to a dashboard
def test_no_test_uses_the_dashboards_own_store() -> None:
    from loaders.contracts.paths import DATA_DIR, default_db_path, uploads_dir

    # conftest.py moves both for the whole session and fails it if the real ones changed
    assert default_db_path() != DATA_DIR / "quality.duckdb"
    assert uploads_dir() != DATA_DIR / "uploads"
