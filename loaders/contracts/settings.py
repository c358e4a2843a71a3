"""Settings of the loaders and the app, declared once with a default and a help text.

Each setting may be overridden by an environment variable of the same name in upper case with
the prefix ``QUALITY_`` (``QUALITY_MAX_UPLOAD_MB=50``). Read them with :func:`setting`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One setting.

    Attributes:
        name: Its name (the environment variable is ``QUALITY_<NAME>``).
        default: The value when the environment does not say otherwise.
        help: What it does, for the README and a reader of the code.
    """

    name: str
    default: float | int | bool | str
    help: str

    @property
    def env(self) -> str:
        """The environment variable that overrides it."""
        return f"QUALITY_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "max_upload_mb",
        20.0,
        "Largest file, in MB, the dashboard accepts for loading; a larger one is refused before it is parsed "
        "(keep it at or below Streamlit's server.maxUploadSize in .streamlit/config.toml).",
    ),
    Setting(
        "write_wait_s",
        30.0,
        "How long, in seconds, a write waits for another write in the same process to finish before it is "
        "refused with a 'please retry' message.",
    ),
    Setting(
        "handover_max_s",
        600.0,
        "Longest time, in seconds, the dashboard lets go of its store for a command-line write that asked for it "
        "(python -m loaders ingest …) before it takes the store back.",
    ),
    Setting(
        "cli_wait_s",
        120.0,
        "How long, in seconds, a command-line read or write waits for the store when another process holds it "
        "(a running dashboard is asked to let go of it for a write) before it gives up, writing nothing.",
    ),
    Setting(
        "db_readonly",
        False,
        "Open the DuckDB file read-only (a serving replica): no upload, replace or delete; a missing or "
        "damaged file is reported, never rebuilt.",
    ),
    Setting(
        "memory_limit_mb",
        256,
        "DuckDB's memory limit for the dashboard's connection (its buffer cache), in MB.",
    ),
    Setting(
        "pdf_max_pages",
        500,
        "Most pages a PDF may have; a longer one is refused before its pages are read (a quality report has ~100).",
    ),
    Setting(
        "pdf_max_inflated_mb",
        400.0,
        "Largest total size, in MB, a PDF's compressed streams may inflate to; checked by streaming "
        "decompression before the PDF is parsed, so a decompression bomb is refused without being held in memory.",
    ),
    Setting(
        "pdf_max_seconds",
        60.0,
        "Longest time, in seconds, reading the pages of one PDF may take before it is stopped with a message.",
    ),
    Setting(
        "parse_memory_mb",
        768,
        "Memory, in MB, the parsing of one upload may take on top of its process's start-up (a child process "
        "under resource.setrlimit RLIMIT_AS; also each worker process of a bulk build): a file that needs more is "
        "refused with a message, and the dashboard's own memory never grows with it.",
    ),
    Setting(
        "parse_timeout_s",
        60.0,
        "Wall time, in seconds, the parsing of one upload may take (its child process is then killed and the "
        "file refused with a message).",
    ),
    Setting(
        "password_attempts_session",
        5,
        "Wrong planner passwords one browser session may try before it is locked out for password_lockout_s.",
    ),
    Setting(
        "password_attempts_client",
        20,
        "Wrong planner passwords one client address (all its browser sessions) may try within password_lockout_s "
        "before that address is locked out; there is no lockout for everyone, and a loopback address (a proxy on "
        "this machine) is counted per session only.",
    ),
    Setting(
        "password_lockout_s",
        300.0,
        "Seconds the first lockout after too many wrong planner passwords lasts (and the window a client's wrong "
        "passwords are counted in); each further lockout of the same session or address lasts twice as long.",
    ),
    Setting(
        "password_lockout_max_s",
        3600.0,
        "Longest lockout, in seconds, however often a session or address is locked out again.",
    ),
    Setting(
        "planner_session_h",
        8.0,
        "Hours a planner's unlock is kept for the browser session (a signed token in an HttpOnly cookie, never the "
        "password; dashboard.planner_session): reloads within it stay unlocked, 退出 (lock) ends it at once.",
    ),
    Setting(
        "log_repeat_s",
        60.0,
        "Seconds within which the same refusal (wrong password, locked out) again is counted in one write-log "
        "entry (“×N”) instead of adding a row each time.",
    ),
    Setting(
        "upload_files_session",
        2,
        "Files one planner's browser session may hold on the server's upload route at once (Streamlit's "
        "/_stcore/upload_file; see dashboard.gate): one more is refused until one is loaded, refused or removed.",
    ),
    Setting(
        "upload_mb_session",
        40.0,
        "Megabytes one planner's browser session may hold on the upload route at once.",
    ),
    Setting(
        "upload_mb_total",
        80.0,
        "Megabytes all sessions together may hold on the upload route at once (arriving and kept).",
    ),
    Setting(
        "script_check_interval_s",
        300.0,
        "Seconds between two runs of the app through Streamlit's script health check "
        "(/_stcore/script-health-check, which dashboard.warmup asks for once at start); it answers only "
        "callers on this machine, and a second call within this time is refused (429) without running the app.",
    ),
    Setting(
        "report_max_figures",
        20_000,
        "Most figures one report may hold (the bundled report: 802); a file with more is refused by name.",
    ),
    Setting(
        "report_max_subjects",
        2_000,
        "Most distinct subjects (row names) one report may name (the bundled report: 129).",
    ),
    Setting(
        "report_max_series_figures",
        120,
        "Most figures one report may hold for one indicator and subject (the bundled report: 11).",
    ),
    Setting(
        "report_max_text_ratio",
        20.0,
        "Most text one report may store (its lines and each figure's source text, UTF-8), as a multiple of its "
        "file's size (the bundled report: 1.5×), but never less than report_text_floor_mb.",
    ),
    Setting(
        "report_text_floor_mb",
        2.0,
        "Stored text, in MB, any report may have whatever its file's size (a small file is never refused for it).",
    ),
    Setting(
        "chart_max_categories",
        30,
        "Most categories (bars, or lines) a chart draws: the largest, then one 其他 / Other for the rest, so no "
        "upload can make a page too heavy for a browser.",
    ),
    Setting(
        "home_school",
        "",
        "The deployment's own college: a link without parameters opens it, and lists offer it first. Empty: the "
        "school of the bundled report in data/reports (温州职业技术学院 as shipped).",
    ),
    Setting(
        "build_batch",
        250,
        "Reports written per transaction by `python -m loaders build` (bigger batches load faster).",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}
_TRUE = {"1", "true", "yes", "on"}


def setting(name: str) -> float | int | bool | str:
    """The value of a setting: its ``QUALITY_<NAME>`` environment variable, else its default.

    Args:
        name: A name from :data:`SETTINGS`.

    Returns:
        The value, of the default's type.

    Raises:
        KeyError: No such setting.
    """
    spec = _BY_NAME[name]
    raw = os.environ.get(spec.env)
    if raw is None or raw.strip() == "":
        return spec.default
    if isinstance(spec.default, bool):
        return raw.strip().lower() in _TRUE
    if isinstance(spec.default, str):
        return raw.strip()
    try:
        value = float(raw)
    except ValueError:
        return spec.default
    return int(value) if isinstance(spec.default, int) else value


def max_upload_bytes() -> int:
    """The upload size limit in bytes (``max_upload_mb``)."""
    return int(float(setting("max_upload_mb")) * 1024 * 1024)


def read_only() -> bool:
    """Whether the app opens the store read-only (``QUALITY_DB_READONLY=1``: a serving replica)."""
    return bool(setting("db_readonly"))
