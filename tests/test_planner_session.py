"""The planner's unlock kept for the browser session (dashboard.planner_session) and unknown paths
sent to 总览 (dashboard.gate.landing): the token, the one-time code's route, the cookie's flags, the
redirect decision; and, in a real browser, a reload that stays unlocked until 退出."""

from __future__ import annotations

import asyncio
import binascii
import os
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import planner_session as ps
from dashboard.gate import SERVED_PATHS, UploadGate, landing
from dashboard.navigation import PAGES

KEY = ps.derive_key(b"k" * 32, "s3cret")
NOW = 1_800_000_000.0


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def xsrf(token: bytes, mask: bytes) -> str:
    """A ``_streamlit_xsrf`` cookie as Streamlit writes it: ``2|mask|masked token|time``."""
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(token))
    return f"2|{binascii.b2a_hex(mask).decode()}|{binascii.b2a_hex(masked).decode()}|1700000000"


# --- the token ------------------------------------------------------------------------------------------


def test_a_signed_token_verifies_until_it_expires() -> None:
    token = ps.sign_token(KEY, int(NOW) + 3600, "n1")
    assert token.startswith(f"v1.{int(NOW) + 3600}.n1.")
    assert "s3cret" not in token
    assert ps.verify_token(KEY, token, NOW) == ps.Token(int(NOW) + 3600, "n1")
    assert ps.verify_token(KEY, token, NOW + 3599) == ps.Token(int(NOW) + 3600, "n1")
    assert ps.verify_token(KEY, token, NOW + 3600) is None  # expired at its time
    assert ps.verify_token(KEY, token, NOW + 9 * 3600) is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t.replace(f".{int(NOW) + 3600}.", f".{int(NOW) + 99 * 3600}."),  # a later expiry
        lambda t: t.replace(".n1.", ".n2."),  # another nonce
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # another signature
        lambda t: t.replace("v1.", "v2.", 1),
        lambda t: t.rsplit(".", 1)[0],  # no signature
        lambda t: "",
        lambda t: "v1.x.n1.abc",
        lambda t: t + "é",
    ],
)
def test_a_tampered_token_is_refused(tamper) -> None:
    token = ps.sign_token(KEY, int(NOW) + 3600, "n1")
    assert ps.verify_token(KEY, tamper(token), NOW) is None


def test_a_new_password_or_secret_voids_every_token() -> None:
    token = ps.sign_token(KEY, int(NOW) + 3600, "n1")
    assert ps.verify_token(ps.derive_key(b"k" * 32, "another"), token, NOW) is None
    assert ps.verify_token(ps.derive_key(b"j" * 32, "s3cret"), token, NOW) is None


def test_a_revoked_token_stays_revoked_after_a_restart(tmp_path: Path) -> None:
    clock = Clock()
    keeper = ps.SessionKeeper(lambda: KEY, revoked_file=tmp_path / "revoked", clock=clock)
    token, _code = keeper.issue("session-1", "", 8 * 3600)
    other, _ = keeper.issue("session-2", "", 8 * 3600)
    assert keeper.verify(token) is not None
    assert keeper.revoke(token) is True
    assert keeper.verify(token) is None
    assert keeper.verify(other) is not None  # only that token
    restarted = ps.SessionKeeper(lambda: KEY, revoked_file=tmp_path / "revoked", clock=clock)
    assert restarted.verify(token) is None
    assert restarted.verify(other) is not None
    assert keeper.revoke("v1.1.forged.sig") is False  # a forged token revokes nothing


def test_no_password_keeps_nothing() -> None:
    keeper = ps.SessionKeeper(lambda: None)
    assert keeper.issue("session-1", "", 3600) is None
    assert keeper.verify(ps.sign_token(KEY, int(NOW) + 3600, "n1")) is None


def test_the_xsrf_identity_is_the_token_under_its_mask() -> None:
    token = bytes(range(16))
    first, again = (
        ps.xsrf_identity(xsrf(token, b"\x01\x02\x03\x04")),
        ps.xsrf_identity(xsrf(token, b"\xff\x00\xaa\x55")),
    )
    assert first == again != ""
    assert ps.xsrf_identity(xsrf(bytes(range(1, 17)), b"\x01\x02\x03\x04")) != first
    assert ps.xsrf_identity(None) == "" and ps.xsrf_identity("2|zz|zz|1") == ""


# --- the routes -----------------------------------------------------------------------------------------


def call(app, method: str, path: str, query: str = "", cookies: dict[str, str] | None = None) -> tuple[int, dict]:
    """One ASGI request: its status and headers (a repeated header's values joined by newlines)."""
    headers = []
    if cookies:
        headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode("latin-1")))
    scope = {"type": "http", "method": method, "path": path, "query_string": query.encode(), "headers": headers}
    scope["scheme"] = "http"
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = sent[0]
    out: dict[str, str] = {}
    for name, value in start.get("headers", []):
        key = name.decode().lower()
        out[key] = f"{out[key]}\n{value.decode()}" if key in out else value.decode()
    return start["status"], out


def keeper_route(keeper):
    return lambda scope, receive, send: ps.serve_route(keeper, scope, receive, send)


BROWSER = xsrf(bytes(range(16)), b"\x01\x02\x03\x04")


def test_a_one_time_code_sets_the_session_cookie_once() -> None:
    keeper = ps.SessionKeeper(lambda: KEY, clock=Clock())
    token, code = keeper.issue("session-1", ps.xsrf_identity(BROWSER), 8 * 3600)
    route = keeper_route(keeper)
    browser = {ps.XSRF_COOKIE: xsrf(bytes(range(16)), b"\x09\x08\x07\x06")}  # re-masked on a later page load
    status, headers = call(route, "POST", ps.SESSION_ROUTE, f"t={code}", browser)
    assert status == 204
    assert headers["set-cookie"] == f"quality_planner={token}; HttpOnly; SameSite=Strict; Path=/"
    assert "max-age" not in headers["set-cookie"].lower() and "expires" not in headers["set-cookie"].lower()
    assert headers["cache-control"] == "no-store"
    status, headers = call(route, "POST", ps.SESSION_ROUTE, f"t={code}", browser)  # the same code again
    assert status == 403 and "set-cookie" not in headers


def test_the_cookie_is_secure_over_https_and_through_a_proxy_on_this_machine() -> None:
    proxied = [(b"x-forwarded-proto", b"https")]
    assert ps.is_https({"scheme": "https", "headers": []})
    assert ps.is_https({"scheme": "http", "client": ("127.0.0.1", 5000), "headers": proxied})
    assert not ps.is_https({"scheme": "http", "client": ("203.0.113.9", 5000), "headers": proxied})
    assert not ps.is_https({"scheme": "http", "client": ("127.0.0.1", 5000), "headers": []})
    assert ps.session_cookie("v1.1.n.s", secure=True).decode().endswith("; Path=/; Secure")


def test_a_get_sets_the_cookie_and_goes_back_to_the_page_on_this_site_only() -> None:
    keeper = ps.SessionKeeper(lambda: KEY, clock=Clock())
    route = keeper_route(keeper)
    for given, back in [("/targets?lang=en", "/targets?lang=en"), ("https://evil.example/", "/"), ("//evil", "/")]:
        _token, code = keeper.issue("session-1", "", 3600)
        status, headers = call(route, "GET", ps.SESSION_ROUTE, f"t={code}&next={given}")
        assert (status, headers["location"]) == (303, back)
        assert headers["set-cookie"].startswith("quality_planner=v1.")


def test_a_leaked_code_is_worthless() -> None:
    clock = Clock()
    active = {"session-1"}
    keeper = ps.SessionKeeper(lambda: KEY, clock=clock, is_active=lambda s: s in active)
    route = keeper_route(keeper)
    _t, code = keeper.issue("session-1", ps.xsrf_identity(BROWSER), 3600)
    other_browser = {ps.XSRF_COOKIE: xsrf(bytes(range(2, 18)), b"\x01\x02\x03\x04")}
    assert call(route, "POST", ps.SESSION_ROUTE, f"t={code}", other_browser)[0] == 403  # another browser
    assert call(route, "POST", ps.SESSION_ROUTE, f"t={code}", {ps.XSRF_COOKIE: BROWSER})[0] == 403  # now used up
    _t, code = keeper.issue("session-1", ps.xsrf_identity(BROWSER), 3600)
    assert call(route, "POST", ps.SESSION_ROUTE, f"t={code}")[0] == 403  # no xsrf cookie at all
    _t, code = keeper.issue("session-1", "", 3600)
    clock.now += ps.CODE_TTL_S + 1
    assert call(route, "POST", ps.SESSION_ROUTE, f"t={code}")[0] == 403  # too late
    _t, code = keeper.issue("session-1", "", 3600)
    active.clear()
    assert call(route, "POST", ps.SESSION_ROUTE, f"t={code}")[0] == 403  # the session that unlocked has ended
    assert call(route, "POST", ps.SESSION_ROUTE, "t=made-up")[0] == 403
    assert call(route, "POST", ps.SESSION_ROUTE)[0] == 403


def test_lock_revokes_the_token_and_expires_the_cookie() -> None:
    keeper = ps.SessionKeeper(lambda: KEY, clock=Clock())
    token, _code = keeper.issue("session-1", "", 3600)
    status, headers = call(keeper_route(keeper), "POST", ps.LOCK_ROUTE, cookies={ps.COOKIE: token})
    assert status == 204
    assert headers["set-cookie"] == (
        "quality_planner=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
    )
    assert keeper.verify(token) is None
    assert call(keeper_route(keeper), "GET", ps.LOCK_ROUTE)[0] == 405  # a link cannot lock anyone out
    assert call(keeper_route(keeper), "GET", "/_planner/other")[0] == 404


# --- unknown paths --------------------------------------------------------------------------------------

PAGE_PATHS = frozenset({"/", *(f"/{spec.url_path}" for spec in PAGES)})


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/", "", None),
        ("/", "lang=en", None),
        ("/overview", "lang=zh", None),  # the overview's own path (a hidden alias page)
        ("/targets", "plan=wenzhou_city", None),
        ("/outcomes/", "", None),  # Streamlit itself drops the trailing slash
        ("/data", "tab=upload", None),
        ("/_stcore/health", "", None),
        ("/_stcore/stream", "", None),
        ("/_stcore/upload_file/s/f", "", None),
        ("/_stcore", "", None),
        ("/data/_stcore/health", "", None),  # the client looks for the server under the page's path first
        ("/data/_stcore/host-config", "", None),
        ("/targets/x/_stcore/stream", "", None),
        ("/static/js/index.abc.js", "", None),
        ("/app/static/logo.png", "", None),
        ("/media/abc.png", "", None),
        ("/component/x/index.html", "", None),
        ("/auth/login", "", None),
        ("/oauth2callback", "code=1", None),
        ("/favicon.png", "", None),
        ("/manifest.json", "", None),
        ("/-/build", "", None),
        ("/_planner/session", "t=abc", None),
        ("/foo", "", "/"),
        ("/foo", "lang=en&school=%E6%B8%A9%E5%B7%9E", "/?lang=en&school=%E6%B8%A9%E5%B7%9E"),
        ("/targets/x", "lang=zh", "/?lang=zh"),
        ("/总", "", "/"),  # /%E6%80%BB as ASGI gives it, decoded
        ("/Targets", "", "/"),  # page paths are exact
        ("/foo", "%3Cb%3E=1&lang=en&x=%0Aevil&long=" + "a" * 201, "/?lang=en"),  # only plain parameters kept
        ("//evil.example", "", "/"),  # never a redirect off the site
        ("/favicon.png/x", "", "/"),
    ],
)
def test_an_unknown_path_lands_on_the_overview(path: str, query: str, expected: str | None) -> None:
    assert landing(path, query, PAGE_PATHS, SERVED_PATHS) == expected


def test_the_gate_redirects_a_get_and_leaves_other_methods_to_streamlit() -> None:
    seen: list[str] = []

    async def streamlit(scope, receive, send):
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    gate = UploadGate(streamlit)
    assert call(gate, "GET", "/foo", "lang=en") == (302, {"location": "/?lang=en", "cache-control": "no-store",
                                                         "content-length": "0"})  # fmt: skip
    assert call(gate, "GET", "/outcomes", "lang=en")[0] == 200
    assert call(gate, "POST", "/foo")[0] == 200
    assert seen == ["/outcomes", "/foo"]


def test_behind_a_base_url_path_the_gate_works_below_it(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    async def streamlit(scope, receive, send):
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    monkeypatch.setattr(ps, "base_path", lambda: "/dash")
    gate = UploadGate(streamlit)
    assert call(gate, "GET", "/dash/foo", "lang=en")[1]["location"] == "/dash/?lang=en"
    assert call(gate, "GET", "/dash/outcomes")[0] == 200
    assert call(gate, "GET", "/dash")[0] == 200
    assert call(gate, "GET", "/elsewhere")[0] == 200  # not this app's: left to Streamlit
    assert call(gate, "POST", "/dash/_planner/session", "t=unknown")[0] == 403  # the route, below the base
    assert seen == ["/dash/outcomes", "/dash", "/elsewhere"]


# --- in the app (AppTest: the browser's cookie stood in for) --------------------------------------------


def test_the_app_restores_a_planner_from_the_token_and_locks(
    loaded_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # AppTest runs app.py (the frame, where the token is read) in a session's first run and after
    # that only while no page was switched to: each "reload" here is a new session's first run.
    from dashboard import auth
    from tests.helpers import PASSWORD, app_test, data_page, unlocked

    browser: dict[str, str] = {}
    monkeypatch.setattr(auth, "_cookies", lambda: dict(browser))
    at = unlocked(loaded_db, monkeypatch, tmp_path)  # the password given on the 数据 page
    token = at.session_state["_planner_token"]
    assert token.startswith("v1.") and PASSWORD not in token
    assert ps.KEEPER.verify(token) is not None
    assert at.session_state["_planner_cookie_pending"][0] == "keep"  # the page asks for the cookie next run
    browser[ps.COOKIE] = token  # what the route set in the browser

    def reload() -> AppTest:
        fresh = app_test(loaded_db, monkeypatch, tmp_path, PLANNER_PASSWORD=PASSWORD).run()
        assert not fresh.exception, [e.value for e in fresh.exception]
        return fresh

    again = reload()  # a new session, unlocked by the token, no password asked
    assert again.session_state["_planner"] is True
    assert "_planner_cookie_pending" not in again.session_state  # nothing to ask: the cookie is there
    next(b for b in again.button if b.label == "退出规划人员").click().run()
    assert not again.exception and not again.session_state["_planner"]
    assert "退出规划人员" not in [b.label for b in again.button]
    asked = [str(e.proto) for e in again.main if "_planner/lock" in str(getattr(e, "proto", ""))]
    assert asked, "the page did not ask the server to clear the cookie"
    assert ps.KEEPER.verify(token) is None  # revoked
    after = reload()  # the same cookie after a reload: still locked
    assert "_planner" not in after.session_state and "退出规划人员" not in [b.label for b in after.button]
    assert data_page(after).text_input[0].label == "规划人员密码"


# --- in a real browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def planner_server(tmp_path_factory: pytest.TempPathFactory):
    """``manage.sh start`` (the gate in front of the app) with the tests' planner password, on a store of its own."""
    from bench.server import CHROMIUM, free_port, serving
    from loaders.contracts.paths import ROOT
    from tests.helpers import PASSWORD

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent (bash manage.sh test installs it)")
    folder = tmp_path_factory.mktemp("planner_session")
    port = free_port()
    env = {**os.environ, "QUALITY_DB": str(folder / "q.duckdb"), "QUALITY_UPLOADS": str(folder / "uploads"),
           "PLANNER_PASSWORD": PASSWORD, "PORT": str(port)}  # fmt: skip
    with serving(["bash", str(ROOT / "manage.sh"), "start"], env, port, timeout_s=180, capture=True) as (url, _):
        yield url


def _kept_cookie(context, *, timeout_s: float = 10.0) -> dict | None:
    """The planner cookie once the page has asked for it (None after ``timeout_s``)."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == ps.COOKIE]
        if found:
            return found[0]
        time.sleep(0.2)
    return None


@pytest.mark.browser
def test_a_reload_stays_unlocked_until_the_planner_locks(planner_server: str, browser, tmp_path: Path) -> None:
    from tests.helpers import PASSWORD

    url = planner_server
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{url}/data?tab=upload")
    page.wait_for_selector("input[type='password']", timeout=60_000)
    page.fill("input[type='password']", PASSWORD)
    page.get_by_role("button", name="解锁").click()
    page.wait_for_selector("[data-testid='stFileUploader']", timeout=60_000)
    cookie = _kept_cookie(context)
    assert cookie is not None, "the page did not ask for its session cookie"
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"], cookie["expires"]) == (True, "Strict", "/", -1)
    assert PASSWORD not in cookie["value"] and cookie["value"].startswith("v1.")
    page.reload()
    page.wait_for_selector("[data-testid='stFileUploader']", timeout=60_000)  # still a planner after the reload
    page.get_by_role("button", name="退出规划人员").wait_for(timeout=30_000)
    assert page.locator("input[type='password']").count() == 0
    page.screenshot(path=str(tmp_path / "kept.png"))
    page.get_by_role("button", name="退出规划人员").click()
    page.wait_for_selector("input[type='password']", timeout=60_000)
    page.wait_for_timeout(1500)
    assert ps.COOKIE not in {c["name"] for c in context.cookies()}
    page.reload()
    page.wait_for_selector("input[type='password']", timeout=60_000)  # locked after the reload
    page.wait_for_timeout(1500)
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    # the old cookie brought back by hand: revoked, still locked
    context.add_cookies([{"name": ps.COOKIE, "value": cookie["value"], "url": url}])
    page.reload()
    page.wait_for_selector("input[type='password']", timeout=60_000)
    page.wait_for_timeout(1500)
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    context.close()


@pytest.mark.browser
def test_an_unknown_path_opens_the_overview_without_page_not_found(planner_server: str, browser, tmp_path) -> None:
    url = planner_server
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    for path in ("/foo?lang=zh", "/targets/x", "/%E6%80%BB"):
        page.goto(f"{url}{path}")
        page.wait_for_selector("[data-testid='stMain'] h1", timeout=60_000)
        page.wait_for_timeout(1500)
        assert page.url.split("?")[0] == f"{url}/", page.url
        assert page.locator("[data-testid='stMain'] h1").first.inner_text().startswith("总览")
        assert page.locator("[role=dialog]").count() == 0
        assert "Page not found" not in page.inner_text("body")
    page.screenshot(path=str(tmp_path / "foo.png"))
    page.close()


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
