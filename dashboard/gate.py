"""The gate in front of Streamlit's upload and script-check routes (an ASGI middleware).

Belongs here: what the server accepts on ``/_stcore/upload_file/<session>/<file>`` and on
``/_stcore/script-health-check`` before Streamlit sees the request. ``serve.py`` wraps the app in
it through Streamlit's own ``st.App(..., middleware=[...])``, and ``manage.sh start`` runs
``streamlit run serve.py``.

Streamlit stores every file PUT to the upload route in memory for the session named in the URL,
whether or not that session shows an uploader, as often as it is sent: an anonymous viewer could
fill the server's memory. Here a PUT is accepted only

- for a session whose planner password was given (:func:`admit`, called by
  :func:`dashboard.auth.unlock`; a session that has ended no longer counts),
- with a ``Content-Length`` (no chunked body of unknown size) no larger than the upload limit,
- while that session holds fewer than ``upload_files_session`` files and at most
  ``upload_mb_session`` MB, and all sessions together at most ``upload_mb_total`` MB.

A file stops counting when the browser removes it (DELETE), when the page has used it
(:func:`release_upload`: loaded or refused; Streamlit's copy is dropped too) or when its session
ends. Anything else is answered 403/411/413/429 without keeping the body (one no larger than the
upload limit is read and dropped chunk by chunk so the client hears the answer; a larger one is not read).

The script health check runs the whole app once per call; it is answered only for callers on this
machine (the warm-up, :mod:`dashboard.warmup`) and at most once per ``script_check_interval_s``.

Two more things happen here because only the server can do them:

- ``/_planner/…``: the routes that keep a planner's unlock for the browser session in a cookie
  and clear it (:mod:`dashboard.planner_session`);
- a ``GET`` for a path that is no page of the app (``/foo``, ``/targets/x``) and none of Streamlit's
  own routes is sent to ``/`` — 总览 — with its query's plain parameters (:func:`landing`), instead of
  Streamlit's English "Page not found".
"""

from __future__ import annotations

import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cache

from dashboard import planner_session
from loaders.contracts.settings import max_upload_bytes, setting

UPLOAD_ROUTE = re.compile(r"/_stcore/upload_file/([^/]+)/([^/]+)/?$")
SCRIPT_CHECK_ROUTE = "/_stcore/script-health-check"
#: Bytes a multipart body may carry beyond its file (boundaries, headers; Streamlit allows a margin too).
MULTIPART_MARGIN = 64 * 1024
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
#: Refusals the gate gives, by reason: the HTTP status and the viz.i18n key of the message.
REFUSALS = {
    "not_planner": (403, "gate_not_planner"),
    "no_length": (411, "gate_no_length"),
    "too_large": (413, "gate_too_large"),
    "session_files": (429, "gate_session_files"),
    "session_bytes": (429, "gate_session_bytes"),
    "total_bytes": (429, "gate_total_bytes"),
    "script_remote": (403, "gate_script_remote"),
    "script_often": (429, "gate_script_often"),
}
#: Path prefixes served by Streamlit (streamlit.web.server.starlette: core API, its own and the app's static
#: files, media, components, login) and by this app (:mod:`dashboard.planner_session`): never redirected,
#: wherever they appear in a path (the browser client looks for the server under the page's path first:
#: ``/data/_stcore/health``, then ``/_stcore/health``).
SERVED_PREFIXES = ("/_stcore/", "/static/", "/app/static/", "/media/", "/component/", "/auth/", "/-/", "/_planner/")
#: Single files and routes at the top (Streamlit's static folder adds its own files, see :func:`_static_files`).
SERVED_PATHS = frozenset({"/_stcore", "/favicon.png", "/favicon.ico", "/index.html", "/manifest.json", "/robots.txt",
                          "/oauth2callback"})  # fmt: skip
#: A query parameter carried to 总览: a plain name and a short value without control characters.
_PARAM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
_MAX_PARAMS = 20
_MAX_VALUE = 200


@dataclass
class UploadBudget:
    """Who may upload, and what the upload route holds: per file, per session, in all (thread-safe).

    Attributes:
        clock: Seconds, monotonic (tests replace it).
    """

    clock: Callable[[], float] = time.monotonic
    _planners: set[str] = field(default_factory=set)
    _held: dict[tuple[str, str], int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _script_checked_at: float | None = None

    def admit(self, session_id: str) -> None:
        """Let a session upload (its planner password was given)."""
        with self._lock:
            self._planners.add(session_id)

    def dismiss(self, session_id: str) -> None:
        """A session may no longer upload; what it holds stops counting."""
        with self._lock:
            self._planners.discard(session_id)
            for key in [key for key in self._held if key[0] == session_id]:
                del self._held[key]

    def is_admitted(self, session_id: str) -> bool:
        """Whether a session may upload."""
        with self._lock:
            return session_id in self._planners

    def reserve(self, session_id: str, file_id: str, size: int | None) -> str | None:
        """Count a file arriving, or say why it may not.

        Args:
            session_id: The session in the URL.
            file_id: The file's id in the URL.
            size: The request's ``Content-Length`` (None: not given).

        Returns:
            None when the file may come (it now counts), else a key of :data:`REFUSALS`.
        """
        _prune(self)
        if size is None:
            return "no_length" if self.is_admitted(session_id) else "not_planner"
        with self._lock:
            if session_id not in self._planners:
                return "not_planner"
            if size > max_upload_bytes() + MULTIPART_MARGIN:
                return "too_large"
            mine = {key: n for key, n in self._held.items() if key[0] == session_id and key[1] != file_id}
            if len(mine) >= int(setting("upload_files_session")):
                return "session_files"
            if sum(mine.values()) + size > float(setting("upload_mb_session")) * 1024 * 1024:
                return "session_bytes"
            others = sum(n for key, n in self._held.items() if key != (session_id, file_id))
            if others + size > float(setting("upload_mb_total")) * 1024 * 1024:
                return "total_bytes"
            self._held[(session_id, file_id)] = size
        return None

    def release(self, session_id: str, file_id: str | None = None) -> None:
        """A file (or every file of a session) no longer counts."""
        with self._lock:
            for key in [k for k in self._held if k[0] == session_id and (file_id is None or k[1] == file_id)]:
                del self._held[key]

    def held(self, session_id: str | None = None) -> tuple[int, int]:
        """``(files, bytes)`` counted for one session, or for all."""
        with self._lock:
            sizes = [n for key, n in self._held.items() if session_id is None or key[0] == session_id]
        return len(sizes), sum(sizes)

    def script_check(self) -> bool:
        """Whether the script health check may run now (and, if so, it counts as run)."""
        now = self.clock()
        with self._lock:
            last = self._script_checked_at
            if last is not None and now - last < float(setting("script_check_interval_s")):
                return False
            self._script_checked_at = now
            return True


#: The process's budget (the gate and the pages share it).
BUDGET = UploadBudget()


class UploadGate:
    """ASGI middleware: the upload route and the script check as the module docstring says."""

    def __init__(self, app, budget: UploadBudget | None = None) -> None:
        self.app = app
        self.budget = budget or BUDGET

    async def __call__(self, scope, receive, send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        base = planner_session.base_path()  # server.baseUrlPath: the app's paths below it
        local = path[len(base) :] or "/" if path == base or path.startswith(f"{base}/") else None
        if local is not None and local.startswith(planner_session.ROUTE_PREFIX):
            await planner_session.serve_route(planner_session.KEEPER, {**scope, "path": local}, receive, send)
            return
        if local is not None and scope.get("method") in ("GET", "HEAD"):
            target = landing(local, scope.get("query_string", b"").decode("latin-1"), _page_paths(), _static_files())
            if target is not None:
                await _redirect(send, base + target)
                return
        if path.endswith(SCRIPT_CHECK_ROUTE) and scope.get("method") in ("GET", "HEAD"):
            client = (scope.get("client") or ("",))[0]
            if client not in LOOPBACK:
                await _refuse(send, "script_remote")
            elif not self.budget.script_check():
                await _refuse(send, "script_often")
            else:
                await self.app(scope, receive, send)
            return
        match = UPLOAD_ROUTE.search(path)
        method = scope.get("method")
        if match is None or method not in ("PUT", "DELETE"):
            await self.app(scope, receive, send)
            return
        session_id, file_id = match.group(1), match.group(2)
        if method == "DELETE":
            await self.app(scope, receive, send)
            self.budget.release(session_id, file_id)
            return
        length = _content_length(scope)
        refused = self.budget.reserve(session_id, file_id, length)
        if refused is not None:
            if length is not None and length <= max_upload_bytes() + MULTIPART_MARGIN:
                await _discard(receive)  # read and dropped chunk by chunk: the client hears the answer
            await _refuse(send, refused)
            return
        status = 500

        async def noted(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noted)
        finally:
            if not 200 <= status < 300:
                self.budget.release(session_id, file_id)


def landing(path: str, query: str, pages: Collection[str], files: Collection[str] = SERVED_PATHS) -> str | None:
    """Where a ``GET`` for ``path`` is sent instead: ``/`` (总览) with the plain parameters of ``query``,
    or None to keep it (a page, one of Streamlit's routes or files, this app's routes).

    Args:
        path: The request's path, percent-decoded (as ASGI gives it).
        query: Its query string, undecoded.
        pages: The app's page paths (``/``, ``/outcomes``, …; :data:`dashboard.navigation.PAGES`).
        files: Files and single routes served at the top (``/favicon.png``).

    Returns:
        The redirect's target, always a path on this site (never what the request names), or None.
    """
    bare = path.rstrip("/") or "/"
    if bare in pages or path in files or bare in files or any(prefix in path for prefix in SERVED_PREFIXES):
        return None  # a route's prefix anywhere: Streamlit's client asks for /<page>/_stcore/health first
    kept = [
        (name, value)
        for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True)[:_MAX_PARAMS]
        if _PARAM_NAME.fullmatch(name) and len(value) <= _MAX_VALUE and value.isprintable()
    ]
    return "/" + (f"?{urllib.parse.urlencode(kept)}" if kept else "")


@cache
def _page_paths() -> frozenset[str]:
    from dashboard.navigation import PAGES

    return frozenset({"/", *(f"/{spec.url_path}" for spec in PAGES)})


@cache
def _static_files() -> frozenset[str]:
    """:data:`SERVED_PATHS` and the files at the top of Streamlit's static folder (index.html, favicon.png …)."""
    import os

    try:
        from streamlit import file_util

        folder = file_util.get_static_dir()
        names = {f"/{name}" for name in os.listdir(folder) if os.path.isfile(os.path.join(folder, name))}
    except (ImportError, OSError):
        names = set()
    return SERVED_PATHS | names


async def _redirect(send, target: str) -> None:
    headers = [(b"location", target.encode("utf-8")), (b"cache-control", b"no-store"), (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 302, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def admit(session_id: str | None = None) -> None:
    """Let this browser session (or ``session_id``) upload: called when its planner password is given."""
    session_id = session_id or _session_id()
    if session_id:
        BUDGET.admit(session_id)


def release_upload(uploaded) -> None:
    """An uploaded file the page has used (loaded or refused): Streamlit's copy dropped, the budget freed.

    Args:
        uploaded: The ``UploadedFile`` the uploader gave.
    """
    session_id = _session_id()
    file_id = getattr(uploaded, "file_id", None)
    if not session_id or not file_id:
        return
    BUDGET.release(session_id, file_id)
    try:
        from streamlit.runtime import Runtime

        if Runtime.exists():
            Runtime.instance().uploaded_file_mgr.remove_file(session_id=session_id, file_id=file_id)
    except Exception:  # freeing memory early must never break the page
        pass


def _session_id() -> str | None:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:
        return None
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


def _prune(budget: UploadBudget) -> None:
    """Forget sessions that have ended (Streamlit dropped their files with them)."""
    try:
        from streamlit.runtime import Runtime

        if not Runtime.exists():
            return
        runtime = Runtime.instance()
    except Exception:  # no runtime (tests, the CLI): nothing to prune
        return
    with budget._lock:
        sessions = set(budget._planners) | {key[0] for key in budget._held}
    for session_id in sessions:
        if not runtime.is_active_session(session_id):
            budget.dismiss(session_id)


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name.lower() == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return None
            return length if length >= 0 else None
    return None


async def _discard(receive) -> None:
    """Read a request body to its end, keeping none of it (the server's framing bounds it)."""
    while True:
        message = await receive()
        if message.get("type") != "http.request" or not message.get("more_body"):
            return


async def _refuse(send, reason: str) -> None:
    from viz.i18n import both

    status, key = REFUSALS[reason]
    body = " / ".join(both(key)).encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    if status == 429:
        headers.append((b"retry-after", b"30"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
