"""Server-side PNG of a chart: the figure as on screen plus its source line, drawn by Chromium.

Belongs here: :func:`render_png` and what it needs. Plotly's kaleido 1.x drives a headless
Chromium; one browser per process is started on the first render (``kaleido.start_sync_server``,
~3 s) and reused (~0.3 s per image). kaleido's sync server is not thread-safe (Streamlit
sessions are threads), so every render holds :data:`_LOCK`. Nothing here downloads a browser:
without Chromium, :class:`PngUnavailableError` says so and the browser's own modebar download
still works.

Chinese is drawn with the CJK font Debian's ``fonts-noto-cjk`` installs: the figure's font
family is set to :data:`viz.theme.FONT_FAMILY` (first ``Noto Sans CJK SC``; without the explicit
SC family Chromium may pick Japanese glyph forms).
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import plotly.graph_objects as go

from loaders.contracts.errors import BilingualError
from viz.exports import RENDERERS, Provenance
from viz.markup import plain
from viz.theme import FONT_FAMILY

#: Where Debian installs Chromium; ``$BROWSER_PATH`` overrides it.
DEFAULT_BROWSER = "/usr/bin/chromium"
#: Width in CSS pixels of an exported chart (half- and full-width charts on a page).
WIDTH_HALF = 1000
WIDTH_FULL = 1400
#: Device pixels per CSS pixel: 2 gives print quality (a 1000 px chart becomes 2000 px wide).
SCALE = 2
#: Seconds one render may take before the browser is given up on (the first includes its start).
RENDER_TIMEOUT_S = 60.0
CAPTION_FONT_SIZE = 14
CAPTION_COLOUR = "#4a5568"
_CAPTION_LINE_PX = 20
_CAPTION_PAD_PX = 14
_EDGE_PX = 12  # white space between the image's left edge and the title / caption

_LOCK = threading.Lock()
_state: dict[str, object] = {"started": False, "broken": None}


class PngUnavailableError(BilingualError, RuntimeError):
    """No PNG can be drawn on this server (no Chromium, kaleido missing, or the browser hung)."""


def browser_path() -> str | None:
    """The Chromium kaleido will drive: ``$BROWSER_PATH``, else Debian's, else one on ``PATH``.

    Returns:
        The executable's path, or None when there is none (a set ``$BROWSER_PATH`` that does
        not exist counts as none: it is a mistake to report, not to work around).
    """
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if _is_executable(configured) else None
    if _is_executable(DEFAULT_BROWSER):
        return DEFAULT_BROWSER
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _is_executable(path: str) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


def png_available() -> bool:
    """Whether :func:`render_png` can work here (a browser exists and has not hung)."""
    return _state["broken"] is None and (bool(_state["started"]) or browser_path() is not None)


def unavailable_reason() -> PngUnavailableError:
    """Why PNGs cannot be drawn here, as the error :func:`render_png` would raise."""
    if _state["broken"] is not None:
        return _state["broken"]  # type: ignore[return-value]
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return PngUnavailableError(
            f"BROWSER_PATH={configured} 不是可执行的 Chromium，无法在服务器上生成 PNG。",
            f"BROWSER_PATH={configured} is not an executable Chromium: no server-side PNG.",
        )
    return PngUnavailableError(
        "服务器上没有 Chromium，无法生成 PNG（bash manage.sh start 会安装 Debian 的 chromium）；"
        "图表工具栏的相机按钮仍可在浏览器中下载 PNG。",
        "No Chromium on the server, so no PNG can be drawn here (bash manage.sh start installs Debian's"
        " chromium); the camera button in a chart's toolbar still downloads a PNG from the browser.",
    )


def with_caption(figure: go.Figure, provenance: Provenance | None, lang: str = "zh", width: int = WIDTH_HALF) -> dict:
    """The figure as export needs it: a copy (plain dict) with the CJK font and the source line.

    The caption sits in a band added below the chart (height and bottom margin grow by the
    band, so nothing of the chart moves), anchored to the image's bottom-left corner. Plotly
    annotations can only be placed relative to the plot area, which moves when axis labels widen
    the margins (long category names on horizontal bars), so the caption is the title of a
    legend of its own, which can be anchored to the whole image (``xref/yref = "container"``);
    a placeholder trace without points carries that legend. Working on the dict, not a
    ``go.Figure`` copy, saves ~50 ms of validation per export.

    Args:
        figure: The figure as shown on screen (not modified).
        provenance: Where the figures come from; None adds no caption.
        lang: Language of the caption.
        width: The export width in CSS pixels (to wrap the caption).

    Returns:
        The figure as a dict (``data``, ``layout``) for :func:`plotly.io.to_image`.
    """
    spec = figure.to_dict()
    layout = spec.setdefault("layout", {})
    layout.setdefault("font", {})["family"] = FONT_FAMILY
    title = layout.get("title")
    if isinstance(title, dict) and title.get("text"):
        title.setdefault("pad", {})["l"] = _EDGE_PX  # not flush with the image's edge
    if provenance is None:
        return spec
    lines = wrap_caption(provenance.caption(lang), width - 3 * _EDGE_PX, CAPTION_FONT_SIZE)
    band = len(lines) * _CAPTION_LINE_PX + _CAPTION_PAD_PX
    template_layout = layout.get("template", {}).get("layout", {})
    bottom = layout.get("margin", {}).get("b", template_layout.get("margin", {}).get("b", 80))
    if layout.get("showlegend") is not True:
        # The placeholder trace below would make plotly show a legend the screen does not have.
        shown = [trace for trace in spec["data"] if trace.get("showlegend") is not False]
        if layout.get("showlegend") is False or len(shown) <= 1:
            for trace in spec["data"]:
                trace["showlegend"] = False
    spec["data"].append(
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "lines",
            "line": {"width": 0},
            "name": "",
            "legend": "legend2",
            "showlegend": True,
            "hoverinfo": "skip",
        }
    )
    layout["height"] = (layout.get("height") or 450) + band
    layout.setdefault("margin", {})["b"] = bottom + band
    layout["showlegend"] = True
    layout["legend2"] = {
        "xref": "container",
        "yref": "container",
        "x": _EDGE_PX / width,
        "y": 0,
        "xanchor": "left",
        "yanchor": "bottom",
        "orientation": "h",  # a vertical container legend reserves its width as a left margin
        "bgcolor": "rgba(0,0,0,0)",
        "font": {"size": 1},
        "itemwidth": 30,
        "title": {
            "text": "<br>".join(plain(line, "html") for line in lines),  # the source line, as text
            "side": "top left",
            "font": {"size": CAPTION_FONT_SIZE, "color": CAPTION_COLOUR, "family": FONT_FAMILY},
        },
    }
    return spec


def wrap_caption(text: str, width_px: int, font_size: int = CAPTION_FONT_SIZE) -> list[str]:
    """Break a caption into lines that fit ``width_px`` (CJK characters count as one em, others half).

    Breaks prefer the caption's own separators (``；`` ``，`` ``;`` ``,`` and spaces).
    """
    budget = max(10.0, width_px / font_size)
    lines: list[str] = []
    current = ""
    used = 0.0
    for char in text:
        size = 1.0 if ord(char) > 0x2E80 else 0.56
        if used + size > budget and current:
            cut = max(current.rfind(sep) for sep in ("；", "，", "、", ";", ",", " "))
            if cut >= len(current) // 2:
                lines.append(current[: cut + 1].rstrip())
                current = current[cut + 1 :].lstrip()
            else:
                lines.append(current)
                current = ""
            used = sum(1.0 if ord(c) > 0x2E80 else 0.56 for c in current)
        current += char
        used += size
    if current:
        lines.append(current)
    return lines


def _ensure_server() -> None:
    """Start kaleido's persistent Chromium once per process (caller holds :data:`_LOCK`)."""
    if _state["broken"] is not None:
        raise _state["broken"]  # type: ignore[misc]
    if _state["started"]:
        return
    path = browser_path()
    if path is None:
        raise unavailable_reason()
    try:
        import kaleido
        import plotly.io as pio
    except ImportError as exc:  # requirements.txt pins kaleido; a partial install lands here
        raise PngUnavailableError(
            f"没有安装 kaleido（{exc}），无法生成 PNG。", f"kaleido is not installed ({exc}): no PNG."
        ) from exc
    pio.defaults.headers = None  # else plotly warns on every call
    # kaleido reloads its tab (~0.16 s) after every image before returning it; an earlier version
    # moved that reload into the background by patching a private kaleido method. It is kept as
    # kaleido ships it: an upgrade cannot break it, at ~0.16 s per single export.
    # mathjax=False: by default kaleido fetches MathJax from a CDN. ``path``: never let it look
    # for (or download) a browser of its own.
    kaleido.start_sync_server(mathjax=False, path=path, timeout=RENDER_TIMEOUT_S, silence_warnings=True)
    _state["started"] = True


def _to_image(spec: dict, width: int, height: int, scale: float) -> bytes:
    """One image from the running server, abandoned (and the server marked broken) if it hangs.

    kaleido's sync server waits forever when its browser died while starting; a helper thread
    with a timeout turns that into an error message instead of a frozen page.
    """
    import plotly.io as pio

    result: dict[str, object] = {}

    def work() -> None:
        try:
            result["png"] = pio.to_image(spec, format="png", width=width, height=height, scale=scale, validate=False)
        except BaseException as exc:  # handed to the caller below
            result["error"] = exc

    worker = threading.Thread(target=work, name="png-render", daemon=True)
    worker.start()
    worker.join(RENDER_TIMEOUT_S)
    if worker.is_alive():
        _state["broken"] = PngUnavailableError(
            f"Chromium 在 {RENDER_TIMEOUT_S:.0f} 秒内没有画完图，服务器端 PNG 已停用（重启仪表盘可恢复）。",
            f"Chromium did not draw the chart within {RENDER_TIMEOUT_S:.0f} s; server-side PNG is off"
            " until the dashboard restarts.",
        )
        raise _state["broken"]  # type: ignore[misc]
    if "error" in result:
        error = result["error"]
        raise PngUnavailableError(f"PNG 生成失败：{error}", f"Drawing the PNG failed: {error}") from error  # type: ignore[misc]
    return result["png"]  # type: ignore[return-value]


def render_png(
    figure: go.Figure,
    provenance: Provenance | None = None,
    *,
    lang: str = "zh",
    width: int | None = None,
    scale: float = SCALE,
) -> bytes:
    """The chart as a PNG with its source line, drawn by the process's one Chromium.

    Args:
        figure: The figure as shown on screen (built with the shared template, so the colours
            are the screen's); it is not modified.
        provenance: Source, tables and filters, drawn as a line under the chart.
        lang: Language of that line.
        width: Width in CSS pixels; the figure's own width, else :data:`WIDTH_HALF`.
        scale: Device pixels per CSS pixel.

    Returns:
        The PNG's bytes.

    Raises:
        PngUnavailableError: No Chromium (or kaleido) here, or the browser failed or hung.
    """
    width = int(width or figure.layout.width or WIDTH_HALF)
    prepared = with_caption(figure, provenance, lang, width)
    height = int(prepared["layout"].get("height") or 450)
    with _LOCK:
        _ensure_server()
        return _to_image(prepared, width, height, scale)


RENDERERS["png"] = (render_png, "png", "image/png")
