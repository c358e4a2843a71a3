"""Names as people read them: one spelling per name that looks the same.

Belongs here: :func:`clean_name`, applied to every school name a file gives (see
:func:`loaders.load_bytes`) before it is checked and becomes part of a report id. Invisible
characters would otherwise make two names that look identical in the school picker
(``温州职业技术学院`` and ``温州职业技术学院`` with a zero-width space in it) two schools; so would
compatibility forms (``⾦`` for ``金``, full-width letters).
"""

from __future__ import annotations

import re
import unicodedata

from loaders.read.text import normalize

#: Characters that show as nothing whatever their category: Hangul fillers, the Braille blank, the
#: combining grapheme joiner, variation selectors, Mongolian free variation selectors, Khmer's
#: inherent vowels.
_INVISIBLE = re.compile(
    "[\u115f\u1160\u3164\uffa0\u2800\u034f\ufe00-\ufe0f\U000e0100-\U000e01ef\u180b-\u180f\u17b4\u17b5]"
)
_SPACES = re.compile(r"\s+")
#: Categories dropped everywhere: format (Cf), private use (Co), unassigned (Cn), surrogates (Cs), controls (Cc).
_DROPPED = frozenset({"Cf", "Co", "Cn", "Cs", "Cc"})
#: Combining marks are kept only on letters of the scripts that use them in a name (é, ü, ё …).
_MARKED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def clean_name(text: str) -> str:
    """One canonical spelling of a name: what looks the same is the same text.

    Folds compatibility forms (NFKC: full-width ``（）`` and letters become ASCII, Kangxi radicals such
    as ``⾦`` become ``金``; CJK radicals that NFKC leaves, ``⻔`` → ``门``, as :func:`loaders.read.text.normalize`
    does), turns every space, line or paragraph separator into one ordinary space, and removes what
    shows as nothing: format characters (Unicode category Cf: zero-width space/joiners, direction
    marks and isolates, the byte-order mark, soft hyphens, tag characters), private-use,
    unassigned and control characters, variation selectors (including Mongolian U+180B–U+180D
    and Khmer U+17B4/U+17B5), Hangul fillers, and combining marks on anything but a Latin, Greek or
    Cyrillic letter (a mark on a Han character). The result is composed (NFKC) and trimmed.

    Args:
        text: A name as found in a file.

    Returns:
        The cleaned name (may be empty when the name was only invisible characters).
    """
    text = normalize(str(text))
    text = "".join(" " if unicodedata.category(ch) in ("Zs", "Zl", "Zp") or ch in "\t\n\r" else ch for ch in text)
    text = _INVISIBLE.sub("", text)
    kept: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in _DROPPED:
            continue
        if category in ("Mn", "Me", "Mc") and not (kept and _takes_marks(kept[-1])):
            continue
        kept.append(ch)
    text = unicodedata.normalize("NFKC", "".join(kept))
    return _SPACES.sub(" ", text).strip()


def _takes_marks(ch: str) -> bool:
    """Whether a combining mark after ``ch`` belongs to a name (a Latin, Greek or Cyrillic letter, or a mark)."""
    if unicodedata.category(ch) in ("Mn", "Me", "Mc"):
        return True
    return unicodedata.category(ch).startswith("L") and unicodedata.name(ch, "").startswith(_MARKED_SCRIPTS)
