"""Text of the data page's safety features (view-only replica, upload limits, delete, busy store),
and showing values from uploaded files as plain text.

Kept apart from :mod:`viz.i18n` (which another part of the app owns); :func:`t` looks here first
and then in :mod:`viz.i18n`, so pages call one function.
"""

from __future__ import annotations

import re

from viz.i18n import t as _viz_t

TEXT: dict[str, dict[str, str]] = {
    "read_only": {
        "zh": "这是只读的数据副本（QUALITY_DB_READONLY=1）：可以浏览，不能载入、替换或删除数据。"
        "数据由数据维护者统一发布。",
        "en": "This is a read-only copy of the data (QUALITY_DB_READONLY=1): you can look, but not load,"
        " replace or delete data. The data is published centrally.",
    },
    "upload_limit": {
        "zh": "单个文件不超过 {mb} MB。文件类型按内容识别，与扩展名无关。",
        "en": "At most {mb} MB per file. The file type is recognised from its content, not its name.",
    },
    "delete_title": {"zh": "删除已载入的报告", "en": "Delete a loaded report"},
    "delete_pick": {"zh": "要删除的报告", "en": "Report to delete"},
    "delete_confirm": {"zh": "我确认要删除这份报告的全部数据", "en": "Yes, delete all figures of this report"},
    "delete_button": {"zh": "删除", "en": "Delete"},
    "deleted": {"zh": "已删除：{report}", "en": "Deleted: {report}"},
    "not_found": {"zh": "没有这份报告（可能已被删除）。", "en": "No such report (deleted already?)."},
    "delete_bundled": {
        "zh": "这份报告来自 data/reports，重建数据库时会重新载入；要永久删除，请从该目录移除文件。",
        "en": "This report comes from data/reports and comes back when the store is rebuilt; to remove it for"
        " good, take the file out of that folder.",
    },
    "school_label": {"zh": "学校", "en": "School"},
    "file_label": {"zh": "文件", "en": "File"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The text for ``key`` (this module's, else :func:`viz.i18n.t`)."""
    entry = TEXT.get(key)
    if entry is None:
        return _viz_t(key, lang, **values)
    text = entry.get(lang) or entry["zh"]
    return text.format(**values) if values else text


# Everything Markdown (CommonMark and Streamlit's extensions: :color[…], :material/…:, $…$) gives
# a meaning to; a backslash makes each one literal.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~:$&])")


def plain(text: object) -> str:
    """``text`` made safe to put into Markdown: every character shows as itself, nothing is markup.

    A value from an uploaded file (``<script>``, ``[a](javascript:…)``, ``**``) shows as typed.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


class PlainMessage(Exception):
    """An error whose message has been made plain (see :func:`plain`) for a Markdown error box."""

    def __init__(self, exc: Exception) -> None:
        message = getattr(exc, "message", None) or str(exc)
        self.message = "\n".join(plain(line) for line in message.splitlines())
        super().__init__(self.message)
