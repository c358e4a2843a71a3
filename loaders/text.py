"""Reading text files from Chinese offices: encoding detection and normalisation.

Belongs here: turning bytes into lines the parsers can match (UTF-8 with or without BOM,
GB18030/GBK), refusing binary data, and the NFKC normalisation that makes ``％`` ``%`` and
full-width digits ordinary digits. Parsing belongs in the format modules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from loaders.errors import EncodingError, FormatError

# Decoders tried in order. GB18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8-sig", "gb18030")

NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
NUMERIC_TOKEN_RE = re.compile(r"^[\d.,]*\d[\d.,]*%?$")  # digits, dots and commas with at least one digit


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


def normalize(text: str) -> str:
    """NFKC-normalise text: full-width digits, ``％``, ``（）``, ``：`` become ASCII."""
    return unicodedata.normalize("NFKC", text)


def is_numeric_token(token: str) -> bool:
    """Whether a whitespace-separated token looks like a number (``1,085``, ``94.84%``)."""
    return NUMERIC_TOKEN_RE.match(token) is not None


def parse_number(token: str) -> float | None:
    """Parse a numeric token such as ``16,425`` or ``94.84%``; None if it is malformed.

    Args:
        token: A token accepted by :func:`is_numeric_token`.

    Returns:
        The value as a float (percent signs dropped), or None when the token only looks
        numeric (``9..5``, ``1,23``).
    """
    body = token.rstrip("%")
    if not NUMBER_RE.fullmatch(body):
        return None
    return float(body.replace(",", ""))
