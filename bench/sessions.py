"""Streamlit sessions without a browser: the server's part of a meeting opening one link at once.

Each client opens the app's websocket as a browser does (subprotocol ``streamlit``), asks for a
page with the link's query string (a ``rerun_script`` message, as the browser sends on load), and
times until the first message carrying a Plotly figure arrives. With no browsers competing for
the same two cores, this is the time the server needs per viewer; the browser's own work (parsing
Streamlit and Plotly.js, drawing) happens on each viewer's device.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse

#: Bytes in the websocket message that carries a Plotly figure (its JSON spec).
FIGURE_MARK = b'"layout":'


async def _first_figure(ws_url: str, page_name: str, query: dict[str, str], timeout_s: float) -> float:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg

    started = time.perf_counter()
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout_s) as socket:
        request = BackMsg()
        request.rerun_script.query_string = urllib.parse.urlencode(query)
        request.rerun_script.page_name = page_name
        await socket.send(request.SerializeToString())
        async with asyncio.timeout(timeout_s):
            async for data in socket:
                if isinstance(data, bytes) and FIGURE_MARK in data:
                    return time.perf_counter() - started
    raise RuntimeError(f"the server closed the session before sending a chart ({page_name}?{query})")


def first_figure_times(
    url: str, rounds: list[list[dict[str, str]]], page_name: str = "outcomes", timeout_s: float = 120.0
) -> list[list[float]]:
    """Per round, per session: seconds from opening the websocket to the first chart's data.

    Args:
        url: The running dashboard (``http://127.0.0.1:PORT``).
        rounds: Each round's sessions (their URL parameters); a round's sessions start together.
        page_name: The page (its URL path).
        timeout_s: Longest wait for one session.

    Returns:
        The times, round by round.
    """
    ws_url = url.replace("http://", "ws://", 1) + "/_stcore/stream"

    async def run() -> list[list[float]]:
        results = []
        for sessions in rounds:
            results.append(
                list(await asyncio.gather(*(_first_figure(ws_url, page_name, q, timeout_s) for q in sessions)))
            )
        return results

    return asyncio.run(run())
