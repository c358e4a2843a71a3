"""Issue 26 (hold the line): each break an attacker, a clumsy planner or a crash found, reproduced.

One test (or a few) per item of the issue; each fails on the code before the fix.
"""

from __future__ import annotations

import io
import re
import zipfile

import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.util import Inches

from tests.helpers import autolinks, unescaped
from viz.deck_pptx import add_native_chart
from viz.markup import plain

FORMULA = "=cmd|' /C calc'!A0"


# 2. Office files inert ------------------------------------------------------------------------


@pytest.mark.parametrize("text", [FORMULA, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "https://evil.example/x"])
def test_a_deck_chart_workbook_holds_report_text_as_text_never_a_formula(text: str) -> None:
    figure = go.Figure(go.Bar(x=[text, "本校"], y=[1.0, 2.0], name=text))
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    add_native_chart(slide, figure, (Inches(1), Inches(1), Inches(6), Inches(4)), "zh")
    buffer = io.BytesIO()
    deck.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as pptx:
        embedded = [name for name in pptx.namelist() if re.match(r"ppt/embeddings/.*\.xlsx$", name)]
        assert embedded
        for name in embedded:
            with zipfile.ZipFile(io.BytesIO(pptx.read(name))) as workbook:
                sheets = [workbook.read(n).decode() for n in workbook.namelist() if n.startswith("xl/worksheets/")]
                strings = workbook.read("xl/sharedStrings.xml").decode()
                names = workbook.namelist()
                assert not [n for n in names if "hyperlink" in n.lower() or ("rels" in n and "sheet" in n)]
            for sheet in sheets:
                assert "<f>" not in sheet and "<f " not in sheet
            assert text.replace("'", "&apos;") in strings or text in strings.replace("&apos;", "'")


# 3. No link from file text, ever --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "表2-15 https://evil.example/b",
        "见 www.evil.example 下载",
        "联系 a@evil.example",
        "HTTP://EVIL.EXAMPLE",
        "mailto:a@evil.example",
        "a`b https://x.example/``c",
        "[点我](https://evil.example/x)",
        "来源：表1 本校 98.5%",
    ],
)
def test_bare_urls_www_and_e_mail_from_a_file_are_no_links_in_markdown(text: str) -> None:
    shown = plain(text)
    assert autolinks(shown) == []
    assert unescaped(shown) == text


# 1. Uploads only where a planner is ------------------------------------------------------------


def _asgi(gate, method: str, path: str, *, length: int | None = 1000, client: str = "127.0.0.1") -> tuple[int, list]:
    """One request through ``gate`` to a stand-in for Streamlit that answers 204; (status, calls seen)."""
    import asyncio

    seen: list = []

    async def streamlit_app(scope, receive, send) -> None:
        seen.append((scope["method"], scope["path"]))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    gate.app = streamlit_app
    headers = [] if length is None else [(b"content-length", str(length).encode())]
    scope = {"type": "http", "method": method, "path": path, "headers": headers, "client": (client, 5000)}
    sent: list = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message) -> None:
        sent.append(message)

    asyncio.run(gate(scope, receive, send))
    return sent[0]["status"], seen


@pytest.fixture
def gate(monkeypatch):
    from dashboard.gate import UploadBudget, UploadGate

    monkeypatch.setenv("QUALITY_UPLOAD_FILES_SESSION", "2")
    monkeypatch.setenv("QUALITY_UPLOAD_MB_SESSION", "30")
    monkeypatch.setenv("QUALITY_UPLOAD_MB_TOTAL", "50")
    return UploadGate(None, UploadBudget())


MB = 1024 * 1024


def test_an_anonymous_session_cannot_put_a_file_on_the_upload_route(gate) -> None:
    for n in range(30):  # the attack: thirty 20 MB PUTs to its own session
        status, seen = _asgi(gate, "PUT", f"/_stcore/upload_file/viewer/f{n}", length=20 * MB)
        assert status == 403 and seen == []  # Streamlit never sees the body
    assert gate.budget.held() == (0, 0)


def test_a_planner_session_uploads_within_its_count_and_byte_budget(gate) -> None:
    gate.budget.admit("planner")
    assert _asgi(gate, "PUT", "/_stcore/upload_file/planner/a", length=15 * MB)[0] == 204
    assert _asgi(gate, "PUT", "/_stcore/upload_file/planner/a", length=15 * MB)[0] == 204  # the same file again
    assert _asgi(gate, "PUT", "/_stcore/upload_file/planner/b", length=16 * MB)[0] == 429  # 31 MB > 30 MB
    assert _asgi(gate, "PUT", "/_stcore/upload_file/planner/b", length=10 * MB)[0] == 204
    assert _asgi(gate, "PUT", "/_stcore/upload_file/planner/c", length=1)[0] == 429  # a third file
    assert _asgi(gate, "PUT", "/_stcore/upload_file/planner/c", length=None)[0] == 411  # no length: refused
    assert _asgi(gate, "PUT", "/_stcore/upload_file/planner/d", length=25 * MB)[0] == 413  # over the file limit
    assert gate.budget.held("planner") == (2, 25 * MB)
    assert _asgi(gate, "DELETE", "/_stcore/upload_file/planner/a")[0] == 204  # the browser removes one: freed
    assert gate.budget.held("planner") == (1, 10 * MB)
    gate.budget.release("planner", "b")  # the page used it (dashboard.gate.release_upload)
    assert gate.budget.held() == (0, 0)


def test_all_planner_sessions_together_stay_within_the_overall_budget(gate) -> None:
    for session in ("p1", "p2", "p3"):
        gate.budget.admit(session)
    assert _asgi(gate, "PUT", "/_stcore/upload_file/p1/a", length=20 * MB)[0] == 204
    assert _asgi(gate, "PUT", "/_stcore/upload_file/p2/a", length=20 * MB)[0] == 204
    assert _asgi(gate, "PUT", "/_stcore/upload_file/p3/a", length=20 * MB)[0] == 429  # 60 MB > 50 MB
    gate.budget.dismiss("p1")  # its session ended
    assert _asgi(gate, "PUT", "/_stcore/upload_file/p3/a", length=20 * MB)[0] == 204


def test_a_refused_or_failed_put_holds_nothing(gate) -> None:
    import asyncio

    gate.budget.admit("planner")

    async def failing(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 400, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def send(message) -> None:
        pass

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    gate.app = failing
    scope = {
        "type": "http",
        "method": "PUT",
        "path": "/_stcore/upload_file/planner/a",
        "headers": [(b"content-length", b"99")],
    }
    asyncio.run(gate(scope, receive, send))
    assert gate.budget.held() == (0, 0)


def test_the_script_check_runs_the_app_once_in_a_while_and_only_for_this_machine(gate) -> None:
    clock = [1000.0]
    gate.budget.clock = lambda: clock[0]
    assert _asgi(gate, "GET", "/_stcore/script-health-check", client="203.0.113.9")[0] == 403
    status, seen = _asgi(gate, "GET", "/_stcore/script-health-check")
    assert status == 204 and seen  # the warm-up's run
    for _ in range(12):  # hammering it runs nothing
        assert _asgi(gate, "GET", "/_stcore/script-health-check") == (429, [])
    clock[0] += 301
    assert _asgi(gate, "GET", "/_stcore/script-health-check")[0] == 204
    assert _asgi(gate, "GET", "/_stcore/health", client="203.0.113.9")[0] == 204  # other routes pass


def _port() -> int:
    import socket

    for port in range(8651, 8660):  # this project's ports for test servers
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 8651–8659")


def _put(url: str, session_id: str, file_id: str, size: int, cookies: dict[str, str]) -> int:
    """PUT ``size`` random bytes as Streamlit's uploader does; the HTTP status."""
    import os
    import urllib.error
    import urllib.request

    boundary = "hold-the-line"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + os.urandom(size)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    xsrf = cookies.get("_streamlit_xsrf", "")
    request = urllib.request.Request(
        f"{url}/_stcore/upload_file/{session_id}/{file_id}",
        data=body,
        method="PUT",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": xsrf,
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.browser
def test_the_served_app_takes_uploads_only_from_an_unlocked_planner(tmp_path) -> None:
    import os
    import time

    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from bench.server import CHROMIUM, LAUNCH_ARGS, resident_mb, serving
    from loaders.contracts.paths import ROOT

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    port = _port()
    env = {
        **os.environ,
        "QUALITY_DB": str(tmp_path / "q.duckdb"),
        "QUALITY_UPLOADS": str(tmp_path / "uploads"),
        "PLANNER_PASSWORD": "a long passphrase",
        "PORT": str(port),
    }
    command = ["bash", str(ROOT / "manage.sh"), "start"]
    with serving(command, env, port, timeout_s=180, capture=True) as (url, pid), sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page()
        sessions: list[str] = []

        def frames(ws) -> None:
            def received(payload) -> None:
                if isinstance(payload, bytes | bytearray):
                    message = ForwardMsg.FromString(bytes(payload))
                    if message.HasField("new_session") and message.new_session.initialize.session_id:
                        sessions.append(message.new_session.initialize.session_id)

            ws.on("framereceived", received)

        page.on("websocket", frames)
        page.goto(f"{url}/data?tab=upload")
        page.wait_for_selector("input[type='password']", timeout=60_000)
        assert sessions
        session_id = sessions[-1]
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        before = resident_mb(pid)
        # The attack: thirty 20 MB PUTs to the viewer's own session, no password given.
        statuses = {_put(url, session_id, f"f{n}", 20 * 1024 * 1024 - 4096, cookies) for n in range(30)}
        after = resident_mb(pid)
        assert statuses == {403}
        assert after - before < 100, (before, after)
        # The planner's password opens the route for this session only, within its budget.
        page.fill("input[type='password']", "a long passphrase")
        page.get_by_role("button", name="解锁").click()
        page.wait_for_selector("[data-testid='stFileUploader']", timeout=60_000)
        time.sleep(1)
        # A planner's upload through the page itself; once loaded, the server holds it no longer.
        report = tmp_path / "门户.csv"
        report.write_bytes(_two_version_csv(5))
        page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(report))
        page.get_by_role("button", name="确认载入").click(timeout=120_000)
        page.get_by_text("已载入：并发职业学院-2021").wait_for(timeout=120_000)
        assert _put(url, session_id, "a", 1024, cookies) == 204
        assert _put(url, session_id, "b", 1024, cookies) == 204
        assert _put(url, session_id, "c", 1024, cookies) == 429  # a third file held at once (the loaded one is free)
        hammer = [urllib_status(f"{url}/_stcore/script-health-check") for _ in range(5)]  # the warm-up had its run
        assert set(hammer) == {429}
        browser.close()
        print(f"server RSS (with children) {before:.0f} → {after:.0f} MB through 30 anonymous 20 MB PUTs")


def urllib_status(url: str) -> int:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


# 5. One canonical school name -----------------------------------------------------------------


@pytest.mark.parametrize(
    "look_alike",
    [
        "温州\u17b4职业技术学院",  # Khmer inherent vowel (Mn, invisible)
        "温州\u180b职业技术学院",  # Mongolian free variation selector
        "温州职业技术学院\ue000",  # private use
        "温州职\ufe0f业技术学院",  # variation selector
        "温州\u0301职业技术学院",  # a combining mark on a Han character
        "温州职业技术学院\U000e0041",  # tag character (Cf)
        "温州职业技术学院\u2060",  # word joiner (Cf)
        "ｗ温州职业技术学院"[1:],
        "温州\u3000职业技术学院".replace("\u3000", ""),
    ],
)
def test_look_alike_school_names_are_one_name(look_alike: str) -> None:
    from loaders.contracts.names import clean_name
    from loaders.read.load import load_bytes

    assert clean_name(look_alike) == "温州职业技术学院"
    csv = (
        f"school,report_year,indicator_id,subject,year,years_after,value,unit\n{look_alike},2021,majors,本校,2021,,4,个"
    )
    assert load_bytes(csv.encode(), "x.csv").report_id == "温州职业技术学院-2021"


def test_compatibility_forms_fold_to_the_ordinary_characters() -> None:
    from loaders.contracts.names import clean_name

    assert clean_name("⾦华职业技术学院") == "金华职业技术学院"  # Kangxi radical
    assert clean_name("⻔头沟职业学院") == "门头沟职业学院"  # CJK radicals supplement (not NFKC)
    assert clean_name("Ｗｅｎｚｈｏｕ 学院") == "Wenzhou 学院"  # full-width letters
    assert clean_name("Ecole\u0301 学院") == "Ecolé 学院"  # marks on Latin letters stay (composed)


# 6. 填报 within reason ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plans_db(tmp_path_factory) -> object:
    from loaders.store.build import rebuild

    path = tmp_path_factory.mktemp("plans") / "q.duckdb"
    rebuild(path)
    return path


@pytest.mark.parametrize(
    ("label", "value", "year", "reason"),
    [
        ("家长满意度", 1e308, 2023, "超出合理范围"),  # no indicator: the unit's range (% 0–100)
        ("家长满意度", 100.5, 2023, "超出合理范围"),
        ("毕业生薪酬水平", -5.0, 2023, "超出合理范围"),  # 倍 of a benchmark: not negative
        ("毕业生就业率", 95.0, 2099, "规划期"),  # a year after this one and outside the plan
        ("毕业生就业率", 95.0, 2010, "规划期"),  # long before the plan
    ],
)
def test_an_implausible_entry_is_refused_with_the_reason(plans_db, label, value, year, reason) -> None:
    from loaders.contracts.errors import ValueParseError
    from loaders.store.entries import check_entry, target_of
    from loaders.store.schema import connect

    con = connect(plans_db)
    try:
        target = target_of(con, "wzvtc_2022_2025", label)
        fields = {"school": "温州职业技术学院", "source_document": "状态数据", "note": "", "author": "张"}
        with pytest.raises(ValueParseError, match=reason) as refused:
            check_entry(target, value=value, year=year, **fields)
        assert "plausible" in refused.value.en or "period" in refused.value.en  # said in English too
        assert check_entry(target, value=1.2 if label == "毕业生薪酬水平" else 96.0, year=2023, **fields)
        assert check_entry(target, value=96.0 if label != "毕业生薪酬水平" else 1.0, year=2021, **fields)  # baseline
    finally:
        con.close()


def test_counts_are_whole_and_units_without_a_row_get_the_general_range() -> None:
    from loaders.contracts.errors import ValueParseError
    from loaders.contracts.plausible import check_unit_value, entry_years

    assert check_unit_value(12.0, "个", "填报", "x") == 12.0
    with pytest.raises(ValueParseError, match="整数"):
        check_unit_value(12.5, "个", "填报", "x")
    with pytest.raises(ValueParseError, match="超出合理范围"):
        check_unit_value(-1.0, "奇怪单位", "填报", "x")
    with pytest.raises(ValueParseError, match="超出合理范围"):
        check_unit_value(99_999_999_999.0, "元", "填报", "x")
    assert entry_years(2022, 2025, today=2026) == (2021, 2025)
    assert entry_years(2022, 2030, today=2026) == (2021, 2026)  # never a future year
    assert entry_years(None, 2025, today=2026) == (2020, 2025)


# 9. Lockout nobody can trigger for everyone; a log that does not flood -------------------------


def test_four_anonymous_guessers_do_not_lock_the_planner_out(monkeypatch) -> None:
    """Unit level: four sessions × five wrong passwords, then a fifth session gives the right one."""
    from dashboard import auth

    monkeypatch.setenv("PLANNER_PASSWORD", "right")
    monkeypatch.setattr(auth, "_log", lambda outcome, detail: None)
    monkeypatch.setattr(auth.gate, "admit", lambda: None)
    states: list[dict] = []

    def session() -> dict:
        state: dict = {}
        states.append(state)
        return state

    for _ in range(4):
        monkeypatch.setattr(auth.st, "session_state", session())
        results = [auth.unlock(f"guess{n}") for n in range(5)]
        assert results[-1].locked_for_s > 0 and results[-1].scope == "session"
    monkeypatch.setattr(auth.st, "session_state", session())
    assert auth.unlock("right").ok


def test_a_client_address_is_locked_with_growing_lockouts_and_others_are_not(monkeypatch) -> None:
    from dashboard import auth

    now = [0.0]
    monkeypatch.setattr(auth, "_clock", lambda: now[0])
    monkeypatch.setenv("PLANNER_PASSWORD", "right")
    monkeypatch.setenv("QUALITY_PASSWORD_ATTEMPTS_CLIENT", "6")
    monkeypatch.setattr(auth, "_log", lambda outcome, detail: None)
    monkeypatch.setattr(auth.gate, "admit", lambda: None)
    address = ["203.0.113.7"]
    monkeypatch.setattr(auth, "client_address", lambda: address[0])
    for _ in range(3):  # new tabs of one guesser: two wrong passwords each
        monkeypatch.setattr(auth.st, "session_state", {})
        last = [auth.unlock("guess") for _ in range(2)][-1]
    assert (last.scope, last.locked_for_s) == ("client", 300.0)
    monkeypatch.setattr(auth.st, "session_state", {})
    assert not auth.unlock("right").ok  # the guesser's address, a fresh tab: still locked
    address[0] = "198.51.100.4"  # another address is not
    assert auth.unlock("right").ok
    address[0] = "203.0.113.7"
    now[0] += 301
    for _ in range(3):
        monkeypatch.setattr(auth.st, "session_state", {})
        last = [auth.unlock("guess") for _ in range(2)][-1]
    assert last.locked_for_s == 600.0  # the second lockout lasts twice as long
    assert auth.lockout_seconds(20) == 3600.0  # up to the cap


def test_a_flood_of_wrong_passwords_is_one_log_entry_with_a_count(tmp_path, monkeypatch) -> None:
    from loaders.store import writelog
    from loaders.store.schema import connect

    now = [0.0]
    monkeypatch.setattr(writelog, "_clock", lambda: now[0])
    db = tmp_path / "q.duckdb"
    con = connect(db)  # the write log's table comes with the schema
    for _ in range(100):  # one tab, a wrong password a second for 100 s … within 60 s of each other
        writelog.record(con, "unlock", "wrong password", detail="session", coalesce=True)
        now[0] += 1
    writelog.record(con, "unlock", "unlocked")
    log = writelog.read_log(con)
    assert list(log["outcome"]) == ["unlocked", "wrong password"]
    assert "session ×100 (" in log["detail"].iloc[1]
    lines, _ = writelog.file_entries(writelog.log_file(db))
    assert [e.outcome for e in lines] == ["wrong password", "unlocked"]
    now[0] += 61  # the run has ended: the file gets its count at the next entry
    writelog.record(con, "unlock", "wrong password", detail="session", coalesce=True)
    lines, _ = writelog.file_entries(writelog.log_file(db))
    assert [e.detail.split(" (")[0] for e in lines] == ["session", "", "session ×100", "session"]
    assert len(writelog.read_log(con)) == 3  # a new run after a minute's quiet is a new row
    con.close()


# 7. Size proportional to meaning ----------------------------------------------------------------


def _flood_csv(rows: int, subjects: int, indicator: str = "majors", unit: str = "个") -> bytes:
    header = "school,report_year,indicator_id,subject,year,years_after,value,unit"
    lines = [header]
    for n in range(rows):
        lines.append(f"洪水职业学院,2021,{indicator},对象{n % subjects},{1990 + n // subjects % 30},,{n % 97},{unit}")
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("rows", "subjects", "reason"),
    [
        (25_000, 1_000, "超过一份报告的上限 20,000"),  # the 19.9 MB random CSV had 281,162 figures
        (3_000, 3_000, "不同的对象"),
    ],
)
def test_a_flood_of_figures_is_refused_by_name(rows: int, subjects: int, reason: str) -> None:
    from loaders.contracts.errors import FormatError
    from loaders.read.load import load_bytes

    with pytest.raises(FormatError, match=reason) as refused:
        load_bytes(_flood_csv(rows, subjects), "洪水.csv")
    assert "洪水.csv" in refused.value.message


def test_too_many_figures_for_one_indicator_and_subject_are_refused(monkeypatch) -> None:
    from loaders.contracts.errors import FormatError
    from loaders.read.proportion import check_proportion

    monkeypatch.setenv("QUALITY_REPORT_MAX_SERIES_FIGURES", "30")
    import pandas as pd

    frame = pd.DataFrame({"indicator_id": ["majors"] * 31, "subject": ["本校"] * 31, "source_text": ["x"] * 31})
    with pytest.raises(FormatError, match="majors「本校」有 31 个"):
        check_proportion(frame, [], 1000, "x.csv")
    check_proportion(frame.head(30), [], 1000, "x.csv")


def test_stored_text_far_beyond_the_file_is_refused(monkeypatch) -> None:
    import pandas as pd

    from loaders.contracts.errors import FormatError
    from loaders.read.proportion import check_proportion

    frame = pd.DataFrame({"indicator_id": ["majors"], "subject": ["本校"], "source_text": ["x"]})
    lines = ["长" * 1000] * 2000  # 6 MB of text …
    with pytest.raises(FormatError, match="倍"):
        check_proportion(frame, lines, 197 * 1024, "book.xlsx")  # … from a 197 KB workbook (30×)
    check_proportion(frame, lines, 1024 * 1024, "book.xlsx")  # from a 1 MB file (6×): fine


def test_the_bundled_report_is_within_every_cap(bundled_report) -> None:
    from loaders.read.load import load_bytes

    assert len(load_bytes(bundled_report.read_bytes(), bundled_report.name).observations) == 802


def test_a_sheet_longer_than_read_is_reported_not_cut_silently(tmp_path) -> None:
    import openpyxl

    from loaders.contracts.paths import ROOT
    from loaders.read.load import load_bytes
    from loaders.read.sheets import MAX_ROWS_PER_SHEET

    book = openpyxl.load_workbook(ROOT / "tests/fixtures/reports/测试夹具_沧浪虚构_报表.xlsx")
    sheet = book.worksheets[-1]
    for n in range(MAX_ROWS_PER_SHEET + 10):
        sheet.cell(row=sheet.max_row + 1, column=1, value=f"备注{n}")
    path = tmp_path / "long.xlsx"
    book.save(path)
    result = load_bytes(path.read_bytes(), "long.xlsx")
    assert any(f"只读取了前 {MAX_ROWS_PER_SHEET} 行" in note and sheet.title in note for note in result.notes)
    assert any(p.code == "sheet_cut" for item in result.coverage for p in item.problems)


def test_a_chart_draws_at_most_the_cap_and_one_other() -> None:
    import pandas as pd

    from viz.charts import benchmark_bars, cap_categories, grouped_bars

    frame = pd.DataFrame(
        {"category": [f"专业{n}" for n in range(500)], "series": "本校", "role": "本校", "value": range(500)}
    )
    capped = cap_categories(frame, "category", "value", "人", most=30)
    assert len(capped) == 31 and capped["category"].iloc[-1] == "其他 470 项"
    assert capped["value"].iloc[-1] == sum(range(470)) and "专业499" in set(capped["category"])
    rates = cap_categories(frame, "category", "value", "%", most=30)
    assert rates["category"].iloc[-1] == "其他 470 项未显示" and pd.isna(rates["value"].iloc[-1])
    incomes = cap_categories(frame, "category", "value", "元", most=30)  # 平均月收入, 生均…: averages, not summed
    assert incomes["category"].iloc[-1] == "其他 470 项未显示" and pd.isna(incomes["value"].iloc[-1])
    figure = benchmark_bars(frame, title="t", value_label="v", unit="人")
    assert sum(len(trace.y) for trace in figure.data) == 31
    figure = grouped_bars(frame, title="t", value_label="v", unit="人")
    assert sum(len(trace.y) for trace in figure.data) == 31
    assert cap_categories(frame.head(10), "category", "value", "人") is not None


@pytest.mark.parametrize(
    ("indicator", "value", "years_after", "unit", "reason"),
    [
        ("monthly_income", "99999999999", "1", "元", "超出合理范围"),  # 99,999,999,999 元 a month
        ("employment_rate", "95", "99999", "%", "0–10"),
        ("fiscal_funding_per_student", "5000000", "", "元", "超出合理范围"),
    ],
)
def test_absurd_values_inside_yesterdays_ranges_are_refused(indicator, value, years_after, unit, reason) -> None:
    from loaders.contracts.errors import LoadError
    from loaders.read.load import load_bytes

    csv = (
        "school,report_year,indicator_id,subject,year,years_after,value,unit\n"
        f"荒唐职业学院,2021,{indicator},本校,2021,{years_after},{value},{unit}"
    )
    with pytest.raises(LoadError, match=reason):
        load_bytes(csv.encode(), "x.csv")


# 10. Crashes and races said out loud -------------------------------------------------------------

_KILLED_UPLOAD = """
import os, sys
from loaders.read.load import load_bytes
from loaders.store import writes as store_module
from loaders.store.schema import connect
from loaders.store.writes import ingest_upload

db, uploads, value = sys.argv[1], sys.argv[2], sys.argv[3]
csv = ("school,report_year,indicator_id,subject,year,years_after,value,unit\\n"
       f"中断职业学院,2021,majors,本校,2021,,{value},个").encode()
result = load_bytes(csv, "中断.csv")
con = connect(db)
if sys.argv[4] == "kill":
    store_module.ingest_result = lambda *a, **k: os._exit(9)  # killed before the write commits
ingest_upload(con, result, csv, uploads=__import__("pathlib").Path(uploads))
con.close()
"""


def test_an_upload_killed_before_its_write_is_not_restored_and_the_log_says_so(tmp_path) -> None:
    import subprocess
    import sys

    from loaders.contracts.paths import ROOT
    from loaders.store.build import rebuild
    from loaders.store.schema import connect
    from loaders.store.uploads import kept_uploads, pending_uploads
    from loaders.store.writelog import file_entries, log_file

    db, uploads = tmp_path / "q.duckdb", tmp_path / "uploads"
    env = {"QUALITY_DB": str(db), "QUALITY_UPLOADS": str(uploads), "PATH": "/usr/bin:/bin"}
    rebuild(db, uploads=uploads)

    def run(value: int, how: str) -> int:
        command = [sys.executable, "-c", _KILLED_UPLOAD, str(db), str(uploads), str(value), how]
        return subprocess.run(command, cwd=ROOT, env=env, timeout=120).returncode

    assert run(4, "keep") == 0  # version 1, confirmed
    assert run(9, "kill") == 9  # version 2, killed before its write committed
    assert [e.report_id for e in pending_uploads(uploads)] == ["中断职业学院-2021"]
    rebuild(db, uploads=uploads)  # the next recovery
    con = connect(db)
    try:
        values = con.execute("SELECT value FROM observations WHERE report_id = '中断职业学院-2021'").fetchall()
    finally:
        con.close()
    assert values == [(4.0,)]  # the confirmed version, not the killed one
    assert pending_uploads(uploads) == [] and len(kept_uploads(uploads)) == 1
    assert len(list(uploads.glob("*.csv"))) == 1  # the killed upload's copy is gone
    said = [e for e in file_entries(log_file(db))[0] if e.outcome == "unconfirmed"]
    assert [e.report_id for e in said] == ["中断职业学院-2021"] and "not restored" in said[0].detail


def _two_version_csv(value: int) -> bytes:
    return (
        "school,report_year,indicator_id,subject,year,years_after,value,unit\n"
        f"并发职业学院,2021,majors,本校,2021,,{value},个"
    ).encode()


def test_a_planner_replacing_a_report_another_loaded_meanwhile_is_told_and_asked(tmp_path, monkeypatch) -> None:
    from loaders.store.build import rebuild
    from tests.helpers import messages, unlocked, upload

    db = tmp_path / "q.duckdb"
    rebuild(db, uploads=tmp_path / "uploads")
    first = unlocked(db, monkeypatch, tmp_path)  # planner A looks at the preview of version 1 …
    first.get("file_uploader")[0].set_value(("甲.csv", _two_version_csv(4), "text/csv"))
    first.run()
    assert [b for b in first.button if b.label == "确认载入"]
    second = unlocked(db, monkeypatch, tmp_path)  # … while planner B loads version 2
    assert "已载入：并发职业学院-2021（新增" in messages(upload(second, "乙.csv", _two_version_csv(7)))
    first.run()  # A's page as it stands (the preview now says the report is loaded)
    next(b for b in first.button if b.label == "确认载入").click().run()  # A confirms: told, nothing written
    said = messages(first)
    assert "在您查看预览期间，这份报告（并发职业学院-2021）已被更改" in said and "乙.csv" in said
    from dashboard import store

    def stored() -> list:
        return store.cursor().execute("SELECT value FROM observations WHERE report_id = '并发职业学院-2021'").fetchall()

    assert stored() == [(7.0,)]
    next(b for b in first.button if b.label == "确认载入").click().run()  # asked again: A's second click replaces it
    assert "已载入：并发职业学院-2021（已替换" in messages(first)
    assert stored() == [(4.0,)]


# Weaker points --------------------------------------------------------------------------------


@pytest.mark.parametrize(("codec", "bom"), [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b"")])
def test_utf16_text_is_read(bundled_report, codec: str, bom: bytes) -> None:
    from loaders.read.load import load_bytes

    text = bundled_report.read_text(encoding="utf-8")
    result = load_bytes(bom + text.encode(codec), bundled_report.name)
    assert len(result.observations) == 802 and result.encoding == codec
    csv = (
        "school,report_year,indicator_id,subject,year,years_after,value,unit\n宽字职业学院,2021,majors,本校,2021,,4,个"
    )
    assert load_bytes(bom + csv.encode(codec), "wide.csv").report_id == "宽字职业学院-2021"


def test_broken_utf16_is_refused_with_a_message_that_says_so() -> None:
    from loaders.contracts.errors import EncodingError
    from loaders.read.load import load_bytes

    with pytest.raises(EncodingError, match="UTF-16"):
        load_bytes(b"\xff\xfe" + "报告".encode("utf-16-le") + b"\x00\xd8", "x.txt")  # a lone surrogate


@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_the_command_line_parses_under_the_uploads_memory_limit(tmp_path, command: str) -> None:
    import os
    import subprocess
    import sys

    from loaders.contracts.paths import ROOT
    from tests.test_isolate import big_csv

    big = tmp_path / "大.csv"
    big.write_bytes(big_csv(8))
    env = {
        **os.environ,
        "QUALITY_PARSE_MEMORY_MB": "40",
        "QUALITY_REPORT_MAX_FIGURES": "1000000",
        "QUALITY_REPORT_MAX_SUBJECTS": "1000000",
        "QUALITY_DB": str(tmp_path / "q.duckdb"),
        "QUALITY_UPLOADS": str(tmp_path / "uploads"),
    }
    args = [str(big)] if command == "extract" else [str(big), "--db", str(tmp_path / "other.duckdb")]
    done = subprocess.run(
        [sys.executable, "-m", "loaders", command, *args], cwd=ROOT, env=env, capture_output=True, timeout=300
    )
    said = (done.stdout + done.stderr).decode("utf-8", "replace")
    assert done.returncode != 0 and "内存超限" in said and "parse_memory_mb" in said, said[-2000:]
