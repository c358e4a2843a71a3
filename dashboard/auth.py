"""Who may change data: viewing needs nothing, loading data needs the planner password.

The password comes from Streamlit secrets (``planner_password``) or the environment
(``PLANNER_PASSWORD``); with neither set, nobody can load data through the dashboard (the safe
default). It is compared in constant time and remembered for the browser session only. A secrets
file that cannot be read keeps the role closed and is said (:func:`secrets_problem`), not passed over.

Guessing is limited: after ``password_attempts_session`` wrong passwords a browser session is
locked out for ``password_lockout_s`` seconds, and after ``password_attempts_total`` wrong
passwords from all sessions together within that time every session is (a guesser opening new
sessions). While locked out no password is checked, not even the right one. Every wrong password,
lockout and unlock goes into the write log (:mod:`loaders.store.writelog`).
"""

from __future__ import annotations

import collections
import hmac
import logging
import os
import threading
import time
from dataclasses import dataclass

import streamlit as st

from loaders.contracts.errors import BilingualError
from loaders.contracts.settings import setting
from viz.i18n import t

_LOG = logging.getLogger(__name__)

#: The clock lockouts are measured with (tests replace it).
_clock = time.monotonic
#: When each wrong password of any session was given (the process-wide count).
_FAILURES: collections.deque[float] = collections.deque()
_FAILURES_LOCK = threading.Lock()


@dataclass(frozen=True)
class Attempt:
    """How a password attempt ended.

    Attributes:
        ok: The planner role is unlocked.
        locked_for_s: Seconds until another password is checked (0: not locked out).
        scope: ``"session"`` or ``"all"``: whose attempts locked it.
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
    """The lockout in force for this session, or None when a password may be tried."""
    now = _clock()
    window = float(setting("password_lockout_s"))
    until = st.session_state.get("_pw_locked_until", 0.0)
    if until > now:
        return Attempt(False, until - now, "session")
    with _FAILURES_LOCK:
        while _FAILURES and _FAILURES[0] <= now - window:
            _FAILURES.popleft()
        if len(_FAILURES) >= int(setting("password_attempts_total")):
            return Attempt(False, _FAILURES[0] + window - now, "all")
    return None


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
        _log("locked out", f"{locked.scope}; {locked.locked_for_s:.0f} s left")
        return locked
    expected = planner_password()
    if expected is not None and check_password(given, expected):
        st.session_state["_planner"] = True
        st.session_state["_pw_failures"] = 0
        _log("unlocked", "")
        return Attempt(True)
    now = _clock()
    failures = st.session_state.get("_pw_failures", 0) + 1
    st.session_state["_pw_failures"] = failures
    with _FAILURES_LOCK:
        _FAILURES.append(now)
    if failures >= int(setting("password_attempts_session")):
        st.session_state["_pw_locked_until"] = now + float(setting("password_lockout_s"))
        st.session_state["_pw_failures"] = 0
    _log("wrong password", f"attempt {failures} of this session")
    return lockout() or Attempt(False)


def reset_attempts() -> None:
    """Forget every wrong password counted in this process (for tests and a restart's clean slate)."""
    with _FAILURES_LOCK:
        _FAILURES.clear()


def _log(outcome: str, detail: str) -> None:
    from dashboard import store
    from loaders.store.writelog import record

    try:
        store.write(lambda cursor: record(cursor, "unlock", outcome, detail=detail))
    except Exception:  # the log must never decide whether a password works
        record(None, "unlock", outcome, detail=detail)
