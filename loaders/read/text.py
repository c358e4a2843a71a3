"""Reading text files from Chinese offices: encoding detection and normalisation.

Belongs here: turning bytes into lines the parsers can match (UTF-8 with or without BOM,
GB18030/GBK), refusing binary data, and the NFKC normalisation that makes ``％`` ``%`` and
full-width digits ordinary digits. Parsing belongs in the format modules.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from itertools import combinations

from loaders.contracts.errors import EncodingError, FormatError
from loaders.contracts.paths import SPECS_DIR

# Decoders tried in order. GB18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8-sig", "gb18030")

NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# digits, dots and commas with at least one digit; then a percent sign or a ratio's ":1" (18.1:1)
NUMERIC_TOKEN_RE = re.compile(r"^[\d.,]*\d[\d.,]*(?:%|:1)?$")

RADICALS_CSV = SPECS_DIR / "cjk_radicals.csv"
# CJK radicals as PDF text layers give them (Radicals Supplement, Kangxi Radicals).
RADICAL_RE = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")
# A digit group split by a (thin, narrow) no-break space (1 234 567 as typeset): joined before NFKC
# turns those spaces into ordinary ones.
_THIN_SPACE_GROUP_RE = re.compile(r"(?<=\d)[\u00a0\u2009\u202f](?=\d{3}(?!\d))")
# Characters NFKC leaves alone but reports use for the ordinary ones.
_EXTRA_FOLDS = {"≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤", "∶": ":", "﹪": "%", "\u3000": " "}


@dataclass(frozen=True)
class DecodedText:
    """A decoded text file.

    Attributes:
        lines: The raw lines, without line endings (line ``i`` is line number ``i + 1``).
        encoding: The encoding that decoded the bytes.
    """

    lines: list[str]
    encoding: str


def decode_text(data: bytes, source: str) -> DecodedText:
    """Decode a text file's bytes, detecting UTF-8 (with or without BOM) or GB18030.

    Args:
        data: The file's bytes.
        source: The file name, for messages.

    Returns:
        The lines and the encoding used.

    Raises:
        FormatError: The file is empty or holds only whitespace.
        EncodingError: The bytes are binary or in no supported encoding.
    """
    if not data.strip():
        raise FormatError(source, "", "文件为空，没有可读取的内容。", "the file is empty.")
    if b"\x00" in data[:4096]:
        raise EncodingError(
            source,
            "",
            "这是二进制文件，不是文本格式的质量报告（如为 PDF 或 Excel，请按对应格式上传）。",
            "this is a binary file, not a quality report in text form.",
        )
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return DecodedText(text.splitlines(), "utf-8" if encoding == "utf-8-sig" else encoding)
    raise EncodingError(
        source,
        "",
        "无法识别文件编码（支持 UTF-8 与 GB18030/GBK）。",
        "the file is in neither UTF-8 nor GB18030/GBK.",
    )


@cache
def _fold_table() -> dict[int, str]:
    """``code point → replacement`` for the characters folded before NFKC (radicals, ≧ ≦ ∶ …)."""
    table = {ord(key): value for key, value in _EXTRA_FOLDS.items()}
    with open(RADICALS_CSV, encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        table.update({ord(row["radical"]): row["ideograph"] for row in rows})
    return table


def normalize(text: str) -> str:
    """The form every parser matches on.

    NFKC (full-width digits, ``％``, ``（）``, ``：`` become ASCII), CJK radicals folded to the ordinary
    characters they stand for (``⻔`` → ``门``, ``⺠`` → ``民``; see ``data/specs/cjk_radicals.csv``),
    ``≧``/``≦`` to ``≥``/``≤``, ``∶`` to ``:``, and digit groups split by thin spaces joined.
    Never adds or removes a line break.
    """
    if "\u2009" in text or "\u202f" in text or "\u00a0" in text:
        text = _THIN_SPACE_GROUP_RE.sub("", text)
    return unicodedata.normalize("NFKC", text.translate(_fold_table()))


def count_radicals(text: str) -> dict[str, int]:
    """How often each CJK radical code point occurs in ``text`` (what :func:`normalize` folds)."""
    counts: dict[str, int] = {}
    for match in RADICAL_RE.finditer(text):
        counts[match.group()] = counts.get(match.group(), 0) + 1
    return counts


def is_numeric_token(token: str) -> bool:
    """Whether a whitespace-separated token looks like a number (``1,085``, ``94.84%``)."""
    return NUMERIC_TOKEN_RE.match(token) is not None


def parse_number(token: str) -> float | None:
    """Parse a numeric token such as ``16,425``, ``94.84%`` or ``18.1:1``; None if it is malformed.

    Args:
        token: A token accepted by :func:`is_numeric_token`.

    Returns:
        The value as a float (percent signs and a ratio's ``:1`` dropped), or None when the token
        only looks numeric (``9..5``, ``1,23``).
    """
    body = token[:-2] if token.endswith(":1") else token.rstrip("%")
    if not NUMBER_RE.fullmatch(body):
        return None
    return float(body.replace(",", ""))


_HEAD_GROUP_RE = re.compile(r"^\d{1,3}$")
_TAIL_GROUP_RE = re.compile(r"^\d{3}(?:\.\d+)?%?$")


def merge_thousands(cells: list[str], wanted: int) -> list[str] | None:
    """Cells with digit groups split by ordinary spaces joined back (``282 828`` → ``282828``).

    Only when exactly one way of joining adjacent groups (a head of 1–3 digits followed by groups
    of exactly 3) gives ``wanted`` cells; otherwise None (the row stays as it was: ambiguous).

    Args:
        cells: The numeric cells of a row as split on whitespace.
        wanted: How many cells the row should have.

    Returns:
        The joined cells, or None.
    """
    joins = len(cells) - wanted
    if joins <= 0 or joins > 6:
        return None
    points = [i for i in range(len(cells) - 1) if _HEAD_GROUP_RE.match(cells[i]) and _TAIL_GROUP_RE.match(cells[i + 1])]
    solutions = []
    for chosen in combinations(points, joins):
        merged: list[str] = []
        for i, cell in enumerate(cells):
            if i - 1 in chosen:
                merged[-1] += cell
            else:
                merged.append(cell)
        solutions.append(merged)
        if len(solutions) > 1:
            return None
    return solutions[0] if solutions else None
