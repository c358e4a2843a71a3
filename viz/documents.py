"""The files a whole view becomes, in one registry: report pack, PowerPoint deck, Word appendix, offline HTML.

Belongs here: :data:`DOCUMENTS` and :func:`render_document`. Each entry is a pure
``render(dossier, progress=None, *, png=True) -> bytes`` of a :class:`viz.dossier.Dossier` (the
view-level counterpart of :data:`viz.exports.RENDERERS`, whose entries render one chart or
table); the dashboard's buttons (``dashboard.downloads``) and ``python -m viz pack --format`` both
pick from it, so a format added here is offered in both. The renderers are imported when first
used: a page that never makes a deck never loads python-pptx.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from viz.dossier import Dossier
from viz.exports import safe_file_name

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class DocumentFormat:
    """One kind of file a view becomes.

    Attributes:
        render: ``render(dossier, progress=None, *, png=True) -> bytes``.
        extension: File extension without the dot.
        mime: MIME type of the download.
        label: i18n key of the download button's label.
        icon: Material icon of the button.
    """

    render: Callable[..., bytes]
    extension: str
    mime: str
    label: str
    icon: str


def _pack(dossier: Dossier, progress: Progress | None = None, *, png: bool = True) -> bytes:
    from viz.pack import build_pack

    return build_pack(dossier.pages, dossier.pack_tables(), dossier.lang, progress, png=png, created=dossier.created)


def _deck(dossier: Dossier, progress: Progress | None = None, *, png: bool = True) -> bytes:
    from viz.deck_pptx import render_deck

    return render_deck(dossier, progress, png=png)


def _appendix(dossier: Dossier, progress: Progress | None = None, *, png: bool = True) -> bytes:
    from viz.appendix_docx import render_appendix

    return render_appendix(dossier, progress, png=png)


def _html(dossier: Dossier, progress: Progress | None = None, *, png: bool = True) -> bytes:
    from viz.offline_html import render_html

    return render_html(dossier, progress, png=png)


#: Format → how to make it. ``zip`` is the report pack of :mod:`viz.pack`.
DOCUMENTS: dict[str, DocumentFormat] = {
    "zip": DocumentFormat(_pack, "zip", "application/zip", "pack_save", ":material/folder_zip:"),
    "pptx": DocumentFormat(
        _deck,
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "download_pptx",
        ":material/slideshow:",
    ),
    "docx": DocumentFormat(
        _appendix,
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "download_docx",
        ":material/description:",
    ),
    "html": DocumentFormat(_html, "html", "text/html", "download_html", ":material/public:"),
}
#: The office files (the pack has its own build-then-save button).
OFFICE_FORMATS = ("pptx", "docx", "html")


def render_document(kind: str, dossier: Dossier, progress: Progress | None = None, *, png: bool = True) -> bytes:
    """Make one file of a view.

    Args:
        kind: A key of :data:`DOCUMENTS` (``zip``, ``pptx``, ``docx``, ``html``).
        dossier: The view.
        progress: Called with ``(fraction done, what is being made)``.
        png: Draw PNG pictures where the format has them (the pack, the Word appendix).

    Returns:
        The file's bytes.

    Raises:
        KeyError: ``kind`` is not a registered format.
    """
    return DOCUMENTS[kind].render(dossier, progress, png=png)


def document_file_name(label: str, school: str, year: int, kind: str) -> str:
    """``汇报材料_温州职业技术学院_2020.pptx``: what the view is, whose, which year, the format's extension."""
    return f"{safe_file_name(label)}_{safe_file_name(school)}_{year}.{DOCUMENTS[kind].extension}"
