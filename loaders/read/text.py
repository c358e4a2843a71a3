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
# A footnote mark set as a superscript or circled number right after a figure (6378.90¹, 95%①): NFKC
# would make it a digit of the figure (6378.901), so it becomes the mark ※ first.
_FOOTNOTE_AFTER_FIGURE_RE = re.compile(
    "(?<=[0-9%\uff10-\uff19\uff05])"  # after a digit or a per cent sign (half or full width)
    "[\u00b9\u00b2\u00b3\u2070\u2074-\u2079"  # ¹ ² ³ ⁰ ⁴ … ⁹
    "\u2460-\u2473\u2474-\u2487\u2776-\u277f]+"  # ① … ⑳, ⑴ … ⒇, ❶ … ❿
)
FOOTNOTE_MARK = "※"
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


def utf16_encoding(data: bytes) -> str | None:
    """The UTF-16 codec that fits ``data`` (byte-order mark, or the zero bytes of ASCII text), else None."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") and data[:4] != b"\xff\xfe\x00\x00":
        return "utf-16"
    head = data[:4096]
    if len(head) < 4 or len(data) % 2 or b"\x00" not in head:  # UTF-16 is whole pairs of bytes
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    half = len(head) // 2
    # ASCII digits, spaces and line ends of a report are zero bytes on one side only (CJK rarely)
    if odd > 0.05 * half and odd > 4 * even:
        codec = "utf-16-le"
    elif even > 0.05 * half and even > 4 * odd:
        codec = "utf-16-be"
    else:
        return None
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return None  # not text after all: the binary file's message
    return codec


def decode_text(data: bytes, source: str) -> DecodedText:
    """Decode a text file's bytes, detecting UTF-8 (with or without BOM), UTF-16 or GB18030.

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
    wide = utf16_encoding(data)
    if wide is not None:  # Windows Notepad's "Unicode": UTF-16, with or without a byte-order mark
        try:
            text = data.decode(wide)
        except UnicodeDecodeError as exc:
            raise EncodingError(
                source,
                "",
                f"文件看似 UTF-16 编码，但第 {exc.start} 字节处无法解码；请另存为 UTF-8 后重新上传。",
                f"the file looks like UTF-16 but cannot be decoded at byte {exc.start}; save it as UTF-8 and"
                " upload it again.",
            ) from exc
        label = "utf-16-le" if wide in ("utf-16", "utf-16-le") and data[:2] != b"\xfe\xff" else "utf-16-be"
        return DecodedText(text.lstrip("\ufeff").splitlines(), label)
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
        "无法识别文件编码（支持 UTF-8、UTF-16 与 GB18030/GBK）。",
        "the file is in none of UTF-8, UTF-16 and GB18030/GBK.",
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
    ``≧``/``≦`` to ``≥``/``≤``, ``∶`` to ``:``, digit groups split by thin spaces joined, and a
    superscript or circled footnote number right after a figure made the mark ``※`` (never a digit).
    Never adds or removes a line break.
    """
    if "\u2009" in text or "\u202f" in text or "\u00a0" in text:
        text = _THIN_SPACE_GROUP_RE.sub("", text)
    text = _FOOTNOTE_AFTER_FIGURE_RE.sub(FOOTNOTE_MARK, text)
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
