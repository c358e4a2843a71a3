"""Folds applied to a report's normalised lines before anything is matched (never to the text kept).

Belongs here: what makes two printings of the same words match — letter-spaced captions and
headings (``表 1 - 5 2 0 2 2 届 毕 业 生 …``, as justified Word/WPS captions come out of PDF text
layers) joined back, and Traditional characters (``畢業生``) read as Simplified ones with OpenCC's
``t2s`` conversion (the PyPI package ``opencc-purepy``, OpenCC's own dictionaries; no hand list).
The raw lines stay as printed: provenance (``source_text``) always shows the report's own text.
"""

from __future__ import annotations

import re
from functools import cache

# A line is letter-spaced when it has at least this many tokens, every one a single character,
# and at least four of them CJK (a row of single digits "1 2 3 4" is never joined).
_MIN_SPACED_TOKENS = 6
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def fold_spaced(line: str) -> str:
    """A letter-spaced line with its spaces removed; any other line as it is.

    ``表 1 - 5 2 0 2 2 届 毕 业 生 生 源 结 构 统 计 表`` → ``表1-52022届毕业生生源结构统计表``
    (the caption pattern then splits the table number from the year, as for ``表92022届``).
    """
    tokens = line.split()
    if len(tokens) < _MIN_SPACED_TOKENS or any(len(token) != 1 for token in tokens):
        return line
    if sum(1 for token in tokens if _CJK_RE.match(token)) < 4:
        return line
    return "".join(tokens)


@cache
def _converter() -> object:
    from opencc_purepy import OpenCC

    return OpenCC("t2s")


@cache
def _traditional_re() -> re.Pattern[str]:
    """Every CJK character OpenCC's ``t2s`` changes on its own (computed once per process, ~0.2 s)."""
    chars = [chr(code) for code in range(0x4E00, 0xA000)]
    converted = _converter().convert("\n".join(chars)).split("\n")
    changed = "".join(a for a, b in zip(chars, converted, strict=True) if a != b)
    return re.compile(f"[{re.escape(changed)}]")


def is_traditional(text: str) -> bool:
    """Whether OpenCC judges the text Traditional Chinese (``zho_check`` = 1)."""
    return bool(text) and _converter().zho_check(text) == 1


def to_simplified(lines: list[str]) -> tuple[list[str], list[int]]:
    """The lines written in Traditional characters converted to Simplified, and which lines changed.

    A line is converted when it holds at least two characters ``t2s`` changes and OpenCC judges it
    Traditional: a Simplified report (where ``t2s`` would turn 显著 into 显着) is left as it is, while a
    Traditional caption inside it is folded. Line by line, so no line is added or removed.
    """
    pattern = _traditional_re()
    converter = _converter()
    out, changed = list(lines), []
    for index, line in enumerate(lines):
        hits = pattern.findall(line)
        if len(hits) >= 2 and is_traditional(line):
            folded = converter.convert(line)
            if folded != line:
                out[index] = folded
                changed.append(index)
    return out, changed
