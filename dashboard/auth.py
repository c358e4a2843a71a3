"""Who may change data: viewing needs nothing, loading data needs the planner password.

The password comes from Streamlit secrets (``planner_password``) or the environment
(``PLANNER_PASSWORD``); with neither set, nobody can load data through the dashboard (the safe
default). It is compared in constant time and remembered for the browser session only. A secrets
file that cannot be read keeps the role closed and is said (:func:`secrets_problem`), not passed over.

Guessing is limited without letting a guesser lock anyone else out: after
``password_attempts_session`` wrong passwords a browser session is locked out, and after
``password_attempts_client`` wrong passwords from one client address (all its sessions; a guesser
opening new tabs) within ``password_lockout_s`` that address is. Each further lockout of the same
session or address lasts twice as long as the one before, up to ``password_lockout_max_s``. There is
no lock for everyone: wrong passwords from one visitor never refuse another visitor's right one. A
client behind a proxy on this machine (its address is loopback) is counted per session only — the
proxy should limit requests per address itself (README, Safety). While locked out no password is
checked, not even the right one. Every wrong password, lockout and unlock goes into the write log
(:mod:`loaders.store.writelog`), repeated ones as one entry with a count.

An unlock is kept for the browser session, across reloads, for ``planner_session_h`` hours: as a
signed, expiring token in an HttpOnly cookie, never the password (:mod:`dashboard.planner_session`).
A session that is not unlocked unlocks itself from a valid token (:func:`restore`); 退出 ends it
(:func:`lock`).
"""

from __future__ import annotations

import collections
import hmac
import logging
import os
import threading
import time
from dataclasses import dataclass, field

import streamlit as st

from dashboard import gate, planner_session
from loaders.contracts.errors import BilingualError
from loaders.contracts.settings import setting
from viz.i18n import t

_LOG = logging.getLogger(__name__)

#: The clock lockouts are measured with (tests replace it).
_clock = time.monotonic
#: Wrong passwords and lockouts per client address (never a lock for everyone).
_CLIENTS: dict[str, _Client] = {}
_CLIENTS_LOCK = threading.Lock()
#: Most client addresses remembered (the oldest are forgotten first).
MAX_CLIENTS = 10_000
#: Addresses that stand for many people (a proxy on this machine): never locked as one client.
_SHARED_ADDRESSES = frozenset({"127.0.0.1", "::1", "localhost", ""})


@dataclass
class _Client:
    """Wrong passwords of one client address: when each was given, its lockouts so far, until when locked."""

    failures: collections.deque = field(default_factory=collections.deque)
    lockouts: int = 0
    until: float = 0.0


@dataclass(frozen=True)
class Attempt:
    """How a password attempt ended.

    Attributes:
        ok: The planner role is unlocked.
        locked_for_s: Seconds until another password is checked (0: not locked out).
        scope: ``"session"`` or ``"client"``: whose attempts locked it.
    """

    ok: bool
    locked_for_s: float = 0.0
    scope: str = ""


class SecretsError(BilingualError):
    """The secrets file exists but cannot be read: the planner role stays closed until it is mended."""


def planner_password() -> str | None:
    """The configured planner password, or None when loading through the dashboard is off.

    A secrets file that cannot be read gives no password (it must not open the door); the
    environment's ``PLANNER_PASSWORD`` still counts. :func:`secrets_problem` says what is wrong.
    """
    secret, _problem = _secret()
    return secret or os.environ.get("PLANNER_PASSWORD") or None


def secrets_problem() -> SecretsError | None:
    """Why the secrets file could not be read, or None when it was read or there is none.

    Pages show it where they say that loading data is off, so that a malformed
    ``.streamlit/secrets.toml`` is mended rather than mistaken for "no password set".
    """
    return _secret()[1]


def _secret() -> tuple[str | None, SecretsError | None]:
    """The password from Streamlit secrets, and the problem reading them (each may be None)."""
    try:
        return st.secrets.get("planner_password"), None
    except Exception as exc:  # Streamlit raises its own types, all FileNotFoundError or parse errors
        unparsed = getattr(exc, "error_id", "") == "failed-parsing-secrets-file"
        unparsed = unparsed or isinstance(exc.__cause__, (ValueError, TypeError))  # TOMLDecodeError is a ValueError
        if isinstance(exc, FileNotFoundError) and not unparsed:
            return None, None  # no secrets file at all: loading is simply off
        where = getattr(exc, "exec_kwargs", {}).get("path", ".streamlit/secrets.toml")
        cause = str(exc.__cause__ or exc)
        _LOG.warning("secrets file not read, planner role closed: %s: %s", where, cause)
        texts = {lang: t("secrets_unreadable", lang, where=where, cause=cause) for lang in ("zh", "en")}
        return None, SecretsError(texts["zh"], texts["en"])


def check_password(given: str, expected: str) -> bool:
    """Constant-time comparison of the password given with the one expected."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def is_planner() -> bool:
    """Whether this browser session has unlocked the planner role."""
    return bool(st.session_state.get("_planner"))


def lockout() -> Attempt | None:
    """The lockout in force for this session or its client address, or None when a password may be tried."""
    now = _clock()
    until = st.session_state.get("_pw_locked_until", 0.0)
    if until > now:
        return Attempt(False, until - now, "session")
    address = client_address()
    if address not in _SHARED_ADDRESSES:
        with _CLIENTS_LOCK:
            client = _CLIENTS.get(address)
            if client is not None and client.until > now:
                return Attempt(False, client.until - now, "client")
    return None


def lockout_seconds(lockouts: int) -> float:
    """How long the ``lockouts``-th lockout (1, 2, …) of one session or address lasts: doubling, capped."""
    base = float(setting("password_lockout_s"))
    return min(base * 2 ** max(lockouts - 1, 0), max(base, float(setting("password_lockout_max_s"))))


def client_address() -> str:
    """The address of this browser session's client as Streamlit sees it ("" when unknown)."""
    try:
        address = st.context.ip_address
    except Exception:  # no context (bare mode)
        return ""
    return address if isinstance(address, str) else ""  # a test's stand-in is no address


def unlock(given: str) -> Attempt:
    """Try the password (unless locked out); on success the session gets the planner role.

    Every outcome but a plain success of an unlocked session is written to the write log.

    Args:
        given: The password typed.

    Returns:
        How it ended.
    """
    locked = lockout()
    if locked is not None:
        _log("locked out", locked.scope)
        return locked
    expected = planner_password()
    if expected is not None and check_password(given, expected):
        st.session_state["_planner"] = True
        st.session_state["_pw_failures"] = 0
        gate.admit()  # the upload route now takes this session's files (dashboard.gate)
        _keep()
        _log("unlocked", "")
        return Attempt(True)
    now = _clock()
    failures = st.session_state.get("_pw_failures", 0) + 1
    st.session_state["_pw_failures"] = failures
    if failures >= int(setting("password_attempts_session")):
        lockouts = st.session_state.get("_pw_lockouts", 0) + 1
        st.session_state["_pw_lockouts"] = lockouts
        st.session_state["_pw_locked_until"] = now + lockout_seconds(lockouts)
        st.session_state["_pw_failures"] = 0
    address = client_address()
    if address not in _SHARED_ADDRESSES:
        _count_client_failure(address, now)
    _log("wrong password", "session" if address in _SHARED_ADDRESSES else f"client {address}")
    return lockout() or Attempt(False)


#: Session keys: the token this session's unlock is kept by, and what the page still has to ask the
#: server for (the one-time code that sets the cookie, or clearing it).
_TOKEN = "_planner_token"
_PENDING = "_planner_cookie_pending"


def _keep() -> None:
    """After a password unlock: a token for this browser session, handed over by a one-time code."""
    session_id = gate._session_id()
    if not session_id:
        return
    issued = planner_session.KEEPER.issue(
        session_id,
        planner_session.xsrf_identity(_cookies().get(planner_session.XSRF_COOKIE)),
        float(setting("planner_session_h")) * 3600,
    )
    if issued is not None:
        st.session_state[_TOKEN], code = issued
        st.session_state[_PENDING] = ("keep", code)


def restore() -> bool:
    """Unlock this session from its browser's kept token (valid, unexpired, not revoked); call once per run.

    Returns:
        Whether the session is unlocked now.
    """
    if is_planner():
        return True
    token = _cookies().get(planner_session.COOKIE)
    if not token or planner_password() is None or planner_session.KEEPER.verify(token) is None:
        return False
    st.session_state["_planner"] = True
    st.session_state[_TOKEN] = token
    gate.admit()
    _log("unlocked", "kept for the browser session")
    return True


def lock() -> None:
    """End the planner role for this session and its browser: the token revoked, the cookie to be cleared."""
    for token in {st.session_state.get(_TOKEN), _cookies().get(planner_session.COOKIE)} - {None}:
        planner_session.KEEPER.revoke(token)
    st.session_state["_planner"] = False
    st.session_state.pop(_TOKEN, None)
    st.session_state[_PENDING] = ("lock", "")
    session_id = gate._session_id()
    if session_id:
        gate.BUDGET.dismiss(session_id)
    _log("locked", "")


def cookie_request() -> str | None:
    """What the page must ask the server once (a script's ``fetch`` URL), or None; asked, it is forgotten."""
    pending = st.session_state.pop(_PENDING, None)
    if pending is None:
        return None
    kind, code = pending
    base = planner_session.base_path()
    if kind == "keep":
        return f"{base}{planner_session.SESSION_ROUTE}?t={code}"
    return base + planner_session.LOCK_ROUTE


def _cookies() -> dict[str, str]:
    try:
        return dict(st.context.cookies)
    except Exception:  # no context (bare mode, a test's stand-in)
        return {}


def _count_client_failure(address: str, now: float) -> None:
    window = float(setting("password_lockout_s"))
    with _CLIENTS_LOCK:
        client = _CLIENTS.pop(address, None) or _Client()
        _CLIENTS[address] = client  # newest last: the oldest are forgotten first
        while len(_CLIENTS) > MAX_CLIENTS:
            del _CLIENTS[next(iter(_CLIENTS))]
        while client.failures and client.failures[0] <= now - window:
            client.failures.popleft()
        client.failures.append(now)
        if len(client.failures) >= int(setting("password_attempts_client")):
            client.lockouts += 1
            client.until = now + lockout_seconds(client.lockouts)
            client.failures.clear()


def reset_attempts() -> None:
    """Forget every wrong password counted in this process (for tests and a restart's clean slate)."""
    with _CLIENTS_LOCK:
        _CLIENTS.clear()


def _log(outcome: str, detail: str) -> None:
    from dashboard import store
    from loaders.store.writelog import record

    try:
        store.write(lambda cursor: record(cursor, "unlock", outcome, detail=detail, coalesce=outcome != "unlocked"))
    except Exception:  # the log must never decide whether a password works
        record(None, "unlock", outcome, detail=detail, coalesce=outcome != "unlocked")
