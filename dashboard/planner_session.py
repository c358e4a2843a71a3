"""The planner's unlock kept for the browser session: a signed, expiring token in an HttpOnly cookie.

Belongs here: the token (signed with HMAC-SHA256; its payload an expiry time and a nonce, never the
password), the revoked nonces, the one-time codes that turn an unlock into a cookie, and the two
HTTP routes that set and clear the cookie. No Streamlit import: :mod:`dashboard.auth` uses these in
a script run, :class:`dashboard.gate.UploadGate` serves the routes.

How it goes:

1. A session unlocks with the password (:func:`dashboard.auth.unlock`). It gets a token and a
   one-time code for it (:meth:`SessionKeeper.issue`), bound to that session and to the browser's
   own ``_streamlit_xsrf`` cookie (the one Streamlit sets; its token bytes, as Streamlit decodes them).
2. The page asks ``POST /_planner/session?t=<code>`` once (``fetch``; a ``GET`` is answered with a
   redirect back to the page). The route sets ``quality_planner=<token>; HttpOnly; SameSite=Strict;
   Path=/`` with no Max-Age (the cookie ends with the browser session). The code is used up by the
   first request, lives :data:`CODE_TTL_S` seconds, and is refused when the session has ended or the
   request comes from a browser with another xsrf cookie: a leaked URL is worthless.
3. Each run of a session that is not unlocked reads the cookie (``st.context.cookies``, sent with
   the websocket's handshake) and, when the token is valid, unexpired and not revoked, unlocks itself.
4. 退出 (lock) revokes the token's nonce (kept in a file beside the store, so it stays revoked after a
   restart) and asks ``POST /_planner/lock``, which expires the cookie.

The signing key is derived from a secret and the planner password: a new password voids every token.
The secret is ``planner_session_secret`` in Streamlit secrets, else a random key created once per
store (``<store>.session_key``, mode 600), else — a store folder that cannot be written — one per
process (a restart then locks everyone).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

_LOG = logging.getLogger(__name__)

COOKIE = "quality_planner"
SESSION_ROUTE = "/_planner/session"
LOCK_ROUTE = "/_planner/lock"
ROUTE_PREFIX = "/_planner/"
#: Seconds a one-time code may wait for its request (the page asks right after the unlock).
CODE_TTL_S = 60.0
#: Streamlit's xsrf cookie (streamlit.web.server.starlette.starlette_server_config.XSRF_COOKIE_NAME).
XSRF_COOKIE = "_streamlit_xsrf"
_VERSION = "v1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def derive_key(secret: bytes, password: str) -> bytes:
    """The signing key: the secret bound to the planner password (a new password voids every token)."""
    return hmac.new(secret, b"planner-session:" + hashlib.sha256(password.encode("utf-8")).digest(), "sha256").digest()


def sign_token(key: bytes, expires_at: int, nonce: str) -> str:
    """A token ``v1.<expiry, unix s>.<nonce>.<signature>``: nothing secret in it, the signature over the rest."""
    body = f"{_VERSION}.{int(expires_at)}.{nonce}"
    return f"{body}.{_b64(hmac.new(key, body.encode('ascii'), 'sha256').digest())}"


@dataclass(frozen=True)
class Token:
    """A token that verified: when it expires (unix seconds) and its nonce."""

    expires_at: int
    nonce: str


def verify_token(key: bytes, token: str | None, now: float) -> Token | None:
    """The token's payload when its signature is right and it has not expired, else None (never raises)."""
    if not token or len(token) > 256:
        return None
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != _VERSION or not parts[1].isdigit() or not parts[2]:
        return None
    body = ".".join(parts[:3])
    try:
        expected = _b64(hmac.new(key, body.encode("ascii"), "sha256").digest())
    except UnicodeEncodeError:
        return None
    if not hmac.compare_digest(expected.encode("ascii"), parts[3].encode("ascii", "replace")):
        return None
    expires_at = int(parts[1])
    if expires_at <= now:
        return None
    return Token(expires_at, parts[2])


def xsrf_identity(cookie_value: str | None) -> str:
    """What binds a code to one browser: a hash of the token bytes in Streamlit's xsrf cookie ("" when none).

    Streamlit writes the cookie as ``2|<mask>|<masked token>|<time>`` and re-masks it on every page
    load; the token bytes (mask XOR masked) stay the same for the browser.
    """
    value = (cookie_value or "").strip("\"'")
    try:
        if value.startswith("2|"):
            _, mask_hex, masked_hex, _stamp = value.split("|")
            mask, masked = binascii.a2b_hex(mask_hex), binascii.a2b_hex(masked_hex)
            if len(mask) != 4:
                return ""
            token = bytes(b ^ mask[i % 4] for i, b in enumerate(masked))
        elif value:
            token = value.encode("latin-1")
        else:
            return ""
    except (ValueError, binascii.Error, UnicodeEncodeError):
        return ""
    return hashlib.sha256(token).hexdigest() if token else ""


@dataclass
class _Code:
    token: str
    session_id: str
    browser: str
    expires_at: float


@dataclass
class SessionKeeper:
    """Tokens issued, revoked and handed over by one-time codes (thread-safe).

    Attributes:
        key_source: Gives the signing key, or None when no planner password is set (nothing is kept).
        revoked_file: Where revoked nonces are kept across restarts (None: in memory only).
        clock: Wall-clock seconds (tests replace it).
        is_active: Whether a Streamlit session still runs (tests replace it).
    """

    key_source: Callable[[], bytes | None]
    revoked_file: Path | None = None
    clock: Callable[[], float] = time.time
    is_active: Callable[[str], bool] = lambda _session: True
    _codes: dict[str, _Code] = field(default_factory=dict)
    _revoked: dict[str, int] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self, session_id: str, browser: str, lifetime_s: float) -> tuple[str, str] | None:
        """A new token and its one-time code for an unlocked session, or None when there is no key.

        Args:
            session_id: The session that unlocked.
            browser: :func:`xsrf_identity` of that session's xsrf cookie.
            lifetime_s: How long the token is valid.

        Returns:
            ``(token, code)``.
        """
        key = self.key_source()
        if key is None:
            return None
        now = self.clock()
        token = sign_token(key, int(now + lifetime_s), secrets.token_urlsafe(16))
        code = secrets.token_urlsafe(24)
        with self._lock:
            for old in [c for c, v in self._codes.items() if v.expires_at <= now]:
                del self._codes[old]
            self._codes[code] = _Code(token, session_id, browser, now + CODE_TTL_S)
        return token, code

    def redeem(self, code: str, browser: str) -> str | None:
        """The token a one-time code stands for, or None: unknown, used, expired, its session ended,
        or asked by another browser. A code is used up by its first request, whatever the answer."""
        with self._lock:
            entry = self._codes.pop(code, None)
        if entry is None or entry.expires_at <= self.clock():
            return None
        if entry.browser and not hmac.compare_digest(entry.browser, browser):
            return None
        if not self.is_active(entry.session_id):
            return None
        return entry.token

    def verify(self, token: str | None) -> Token | None:
        """A cookie's token when it is valid, unexpired and not revoked, else None."""
        key = self.key_source()
        if key is None:
            return None
        found = verify_token(key, token, self.clock())
        if found is None or found.nonce in self._revoked_nonces():
            return None
        return found

    def revoke(self, token: str | None) -> bool:
        """Revoke a token (its signature checked; a forged one is ignored). Returns whether one was revoked."""
        key = self.key_source()
        found = verify_token(key, token, self.clock()) if key is not None else None
        if found is None:
            return False
        with self._lock:
            revoked = self._load_revoked()
            revoked[found.nonce] = found.expires_at
            now = self.clock()
            for nonce in [n for n, until in revoked.items() if until <= now]:
                del revoked[nonce]
            if self.revoked_file is not None:
                try:
                    lines = "".join(f"{n} {until}\n" for n, until in revoked.items())
                    tmp = self.revoked_file.with_name(self.revoked_file.name + ".tmp")
                    tmp.write_text(lines, encoding="ascii")
                    os.replace(tmp, self.revoked_file)
                except OSError as exc:  # kept in memory still: this process refuses the token
                    _LOG.warning("revoked planner sessions not saved to %s: %s", self.revoked_file, exc)
        return True

    def _revoked_nonces(self) -> dict[str, int]:
        with self._lock:
            return dict(self._load_revoked())

    def _load_revoked(self) -> dict[str, int]:
        if self._revoked is None:
            self._revoked = {}
            if self.revoked_file is not None and self.revoked_file.exists():
                try:
                    for line in self.revoked_file.read_text(encoding="ascii").splitlines():
                        nonce, _, until = line.partition(" ")
                        if until.isdigit():
                            self._revoked[nonce] = int(until)
                except (OSError, ValueError) as exc:
                    _LOG.warning("revoked planner sessions not read from %s: %s", self.revoked_file, exc)
        return self._revoked


def base_path() -> str:
    """Streamlit's ``server.baseUrlPath`` as a path prefix: ``""``, or ``"/dash"`` behind a proxy's prefix."""
    try:
        from streamlit import config

        base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:  # no Streamlit config (a bare test): served at the root
        return ""
    return f"/{base}" if base else ""


def session_cookie(token: str, *, secure: bool = False) -> bytes:
    """The ``Set-Cookie`` value that keeps a token for the browser session (no Max-Age, no Expires)."""
    flags = "; HttpOnly; SameSite=Strict; Path=/" + ("; Secure" if secure else "")
    return f"{COOKIE}={token}{flags}".encode("ascii")


def expired_cookie(*, secure: bool = False) -> bytes:
    """The ``Set-Cookie`` value that makes the browser drop the cookie."""
    flags = "; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
    return f"{COOKIE}={flags}{'; Secure' if secure else ''}".encode("ascii")


def request_cookies(scope) -> dict[str, str]:
    """The cookies of an ASGI request (the last of a repeated name wins, as browsers send them)."""
    jar: dict[str, str] = {}
    for name, value in scope.get("headers") or ():
        if name.lower() != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            key, sep, val = part.strip().partition("=")
            if sep and key:
                jar[key] = val
    return jar


def is_https(scope) -> bool:
    """Whether the browser reached us over HTTPS: directly, or through a proxy on this machine that says so
    (``X-Forwarded-Proto: https``); the cookie is then marked ``Secure``."""
    if scope.get("scheme") == "https":
        return True
    client = (scope.get("client") or ("",))[0]
    if client not in ("127.0.0.1", "::1", "localhost"):
        return False  # another machine's word for it is not taken
    return any(
        n.lower() == b"x-forwarded-proto" and v.strip().lower() == b"https" for n, v in scope.get("headers") or ()
    )


def back_to(query: dict[str, list[str]]) -> str:
    """Where a ``GET`` goes after the cookie is set: ``next`` when it is a path on this site, else ``/``."""
    target = (query.get("next") or ["/"])[0]
    if not target.startswith("/") or target.startswith("//") or "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    return target


async def serve_route(keeper: SessionKeeper, scope, receive, send) -> None:
    """Answer ``/_planner/session`` and ``/_planner/lock`` (anything else under ``/_planner/``: 404).

    ``session``: ``POST`` (or ``GET``) with ``t=<one-time code>`` sets the session cookie — 204 to a
    ``POST``, 303 back to ``next`` to a ``GET`` — or answers 403 with the cookie untouched.
    ``lock``: ``POST`` revokes the token the request carries and expires the cookie (204).
    """
    path, method = scope.get("path", ""), scope.get("method", "")
    query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
    secure = is_https(scope)
    cookies = request_cookies(scope)
    headers = [(b"cache-control", b"no-store"), (b"content-length", b"0")]
    if path == SESSION_ROUTE and method in ("GET", "POST"):
        code = (query.get("t") or [""])[0]
        token = keeper.redeem(code, xsrf_identity(cookies.get(XSRF_COOKIE))) if code else None
        if token is None:
            status = 403
        else:
            headers.append((b"set-cookie", session_cookie(token, secure=secure)))
            status = 204 if method == "POST" else 303
            if method == "GET":
                headers.append((b"location", back_to(query).encode("utf-8")))
    elif path == LOCK_ROUTE and method == "POST":
        keeper.revoke(cookies.get(COOKIE))
        headers.append((b"set-cookie", expired_cookie(secure=secure)))
        status = 204
    elif path in (SESSION_ROUTE, LOCK_ROUTE):
        headers.append((b"allow", b"GET, POST" if path == SESSION_ROUTE else b"POST"))
        status = 405
    else:
        status = 404
    await _drain(receive, method)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def _drain(receive, method: str) -> None:
    """Read a small request body to its end (the routes take none; a client should hear the answer)."""
    if method not in ("POST", "PUT", "PATCH"):
        return
    read = 0
    while read < 64 * 1024:
        message = await receive()
        read += len(message.get("body", b""))
        if message.get("type") != "http.request" or not message.get("more_body"):
            return


# --- the process's keeper ------------------------------------------------------------------------------


def _secret_file() -> Path:
    from loaders.contracts.paths import default_db_path

    db = default_db_path()
    return db.with_name(f"{db.name}.session_key")


_KEY_LOCK = threading.Lock()
_PROCESS_SECRET: bytes | None = None


def store_secret() -> bytes:
    """The secret tokens are signed with: from secrets, else the store's key file (created once), else per process."""
    global _PROCESS_SECRET
    configured = _configured_secret()
    if configured:
        return configured.encode("utf-8")
    path = _secret_file()
    with _KEY_LOCK:
        try:
            return _read_or_create(path)
        except OSError as exc:
            if _PROCESS_SECRET is None:
                _LOG.warning("no session key file at %s (%s): planner sessions end with this process", path, exc)
                _PROCESS_SECRET = secrets.token_bytes(32)
            return _PROCESS_SECRET


def _read_or_create(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    if len(data) >= 32:
        return data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # another process may win: read it then
    try:
        os.write(fd, secrets.token_bytes(32))
    finally:
        os.close(fd)
    return path.read_bytes()


def _configured_secret() -> str | None:
    try:
        import streamlit as st

        value = st.secrets.get("planner_session_secret")
    except Exception:  # no secrets file, or one that cannot be read (dashboard.auth says so where it matters)
        return None
    return str(value) if value else None


def _process_key() -> bytes | None:
    from dashboard import auth

    password = auth.planner_password()
    if password is None:
        return None
    return derive_key(store_secret(), password)


def _session_active(session_id: str) -> bool:
    try:
        from streamlit.runtime import Runtime

        return Runtime.exists() and Runtime.instance().is_active_session(session_id)
    except Exception:  # no runtime: no session can be active
        return False


def _revoked_file() -> Path:
    secret = _secret_file()
    return secret.with_name(f"{secret.name}.revoked")


#: The process's keeper (the gate's routes and the pages share it); revoked nonces beside the key file.
KEEPER = SessionKeeper(_process_key, revoked_file=_revoked_file(), is_active=_session_active)
