"""Who may change data: viewing needs nothing, loading data needs the planner password.

The password comes from Streamlit secrets (``planner_password``) or the environment
(``PLANNER_PASSWORD``); with neither set, nobody can load data through the dashboard (the safe
default). It is compared in constant time and remembered for the browser session only.
"""

from __future__ import annotations

import hmac
import os

import streamlit as st


def planner_password() -> str | None:
    """The configured planner password, or None when loading through the dashboard is off."""
    try:
        secret = st.secrets.get("planner_password")
    except FileNotFoundError:  # no secrets.toml at all
        secret = None
    except Exception:  # a malformed secrets file must not open the door
        secret = None
    return secret or os.environ.get("PLANNER_PASSWORD") or None


def check_password(given: str, expected: str) -> bool:
    """Constant-time comparison of the password given with the one expected."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def is_planner() -> bool:
    """Whether this browser session has unlocked the planner role."""
    return bool(st.session_state.get("_planner"))


def unlock(given: str) -> bool:
    """Try the password; on success the session gets the planner role."""
    expected = planner_password()
    if expected is None or not check_password(given, expected):
        return False
    st.session_state["_planner"] = True
    return True
