"""Names as people read them: one spelling per name that looks the same.

Belongs here: :func:`clean_name`, applied to every school name a file gives (see
:func:`loaders.load_bytes`) before it is checked and becomes part of a report id. Invisible
characters would otherwise make two names that look identical in the school picker
(``温州职业技术学院`` and ``温州职业技术学院`` with a zero-width space in it) two schools.
"""

from __future__ import annotations

import re
import unicodedata

#: Invisible characters that are not of Unicode's "format" category (Cf) but show as nothing:
#: Hangul fillers, the Braille blank, variation selectors, combining grapheme joiner.
_INVISIBLE = re.compile("[\u115f\u1160\u3164\uffa0\u2800\u034f\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_SPACES = re.compile(r"\s+")


def clean_name(text: str) -> str:
    """A name without invisible characters, in one Unicode form, with plain single spaces.

    Removes format characters (Unicode category Cf: zero-width space/joiners, the left-to-right
    and right-to-left marks and embeddings/isolates, the byte-order mark, soft hyphens, word
    joiners, tag characters) and other characters that show as nothing, turns line and
    paragraph separators and every other space into one ordinary space, trims the ends and
    composes the text (NFC). Visible characters are kept as they are: full-width ``（）`` stay
    full-width, so ``温州(东)职业学院`` and ``温州（东）职业学院`` remain two names.

    Args:
        text: A name as found in a file.

    Returns:
        The cleaned name (may be empty when the name was only invisible characters).
    """
    text = unicodedata.normalize("NFC", str(text))
    text = "".join(" " if unicodedata.category(ch) in ("Zs", "Zl", "Zp") else ch for ch in text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()
