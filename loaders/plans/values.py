"""Plan 观测值: one written target value → comparator, number(s), unit, qualifier and benchmark.

Belongs here: the grammar-driven parsing of a single 观测值 (``90%``, ``18:1``, ``1 亿元``, ``1-2 家``,
``高于全省高职平均值 1.3 倍``, ``实质性运作``) and the splitting of a cell that holds several. The
words and units it knows come from ``[value_grammar]`` of ``data/specs/plan_specs.toml``
(:class:`loaders.plans.spec.Grammar`); nothing here knows a particular plan.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from loaders.contracts.errors import ValueParseError
from loaders.plans.spec import Grammar, load_plan_specs

_NUM = r"\d+(?:\.\d+)?"
_NUM_RE = re.compile(_NUM)
_RANGE_RE = re.compile(rf"(?P<low>{_NUM})\s*[-~～—–至]\s*(?P<high>{_NUM})")
_RATIO_RE = re.compile(rf"(?P<num>{_NUM})\s*:\s*1(?![\d.])")
DIGIT_RE = re.compile(r"[0-9０-９]")
_WIDE = r"\u2e80-\u9fff\u3000-\u303f\uff00-\uffef“”‘’"
_WIDE_GAP_RE = re.compile(rf"(?<=[{_WIDE}])\s+(?=[{_WIDE}])")
_PAREN_TAIL_RE = re.compile(r"(?P<main>.*?)\s*[（(](?P<inner>[^（）()]*[0-9０-９][^（）()]*)[）)]\s*$")


@dataclass(frozen=True)
class ParsedValue:
    """One 观测值 parsed.

    Attributes:
        comparator: ``>=``, ``<=``, ``=``, ``range`` or ``text``.
        value: The number (None for ranges and text).
        low: Lower bound of a range.
        high: Upper bound of a range.
        unit: Unit as written (``万人次``, ``:1``, ``倍``); None for text.
        qualifier: Words before the number (``国家一等奖``), trimmed.
        benchmark: For a relative target, the benchmark as written (``全省高职平均值``).
        is_relative: Whether the target is a multiple of a benchmark.
    """

    comparator: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    qualifier: str = ""
    benchmark: str | None = None
    is_relative: bool = False


def tidy(text: str) -> str:
    """Strip a cell and drop the spaces PDF extraction left between Chinese characters.

    ``"实质性运 作"`` → ``"实质性运作"``, ``"高质量 党的建设"`` → ``"高质量党的建设"``; spaces next to
    digits or Latin letters (``"30 家"``, ``"1+X 证书"``) stay.
    """
    return _WIDE_GAP_RE.sub("", text.strip())


@cache
def default_grammar() -> Grammar:
    """The grammar of the project's plan_specs.toml."""
    return load_plan_specs().grammar


def split_value_parts(text: str, grammar: Grammar | None = None) -> list[str]:
    """Split a 观测值 holding several targets into one text per target.

    A trailing parenthesis with a number is a target of its own (``1200 亩(生均 60 平方米)``);
    pieces between separators are split only when at least two of them hold a number, and a piece
    without a number stays with the one before it.

    Args:
        text: The 观测值 (tidied).
        grammar: The value grammar; defaults to :func:`default_grammar`.

    Returns:
        The parts in order (one part when nothing splits; none for empty text).
    """
    grammar = grammar or default_grammar()
    text = text.strip()
    if not text:
        return []
    extra: str | None = None
    tail = _PAREN_TAIL_RE.fullmatch(text)
    if tail and DIGIT_RE.search(tail["main"]):
        text, extra = tail["main"].strip(), tail["inner"].strip()
    pieces = re.split(f"([{re.escape(grammar.part_separators)}])", text)
    chunks = [pieces[0], *(pieces[i] + pieces[i + 1] for i in range(1, len(pieces), 2))]
    if sum(bool(DIGIT_RE.search(c)) for c in chunks) < 2:
        parts = [text]
    else:
        parts = []
        for index, chunk in enumerate(chunks):
            body = chunk if index == 0 else chunk[1:]
            if parts and (not DIGIT_RE.search(body) or not DIGIT_RE.search(parts[-1])):
                parts[-1] += chunk
            else:
                parts.append(body.strip())
        parts = [p.strip() for p in parts if p.strip()]
    if extra:
        parts.append(extra)
    return parts


def _trim_qualifier(text: str, grammar: Grammar) -> str:
    text = text.strip(" ,，:：;；、")
    changed = True
    while changed and text:
        changed = False
        for word in grammar.qualifier_trim:
            if text.endswith(word) and len(text) > len(word):
                text = text[: -len(word)].rstrip()
                changed = True
    return text


def _split_benchmark(qualifier: str, grammar: Grammar) -> tuple[str, str | None]:
    """Split ``"薪酬高于全省高职平均值"`` at its leftmost cue into ``("薪酬", "全省高职平均值")``."""
    best: tuple[int, int] | None = None
    for cue in grammar.relative_cues:
        at = qualifier.find(cue)
        if at >= 0 and (best is None or at < best[0] or (at == best[0] and len(cue) > best[1])):
            best = (at, len(cue))
    if best is None:
        return qualifier, None
    at, length = best
    return qualifier[:at].strip(), qualifier[at + length :].strip() or None


def _read_unit(rest: str, grammar: Grammar) -> str:
    rest = rest.lstrip()
    for unit in grammar.units:
        if rest.startswith(unit):
            return unit
    return ""


def parse_target_value(
    text: str | None, grammar: Grammar | None = None, source: str = "", where: str = ""
) -> ParsedValue:
    """Parse one 观测值 (a single target: split cells first with :func:`split_value_parts`).

    Examples: ``"90%"`` → ``>=`` 90 ``%``; ``"18:1"`` → ``<=`` 18 ``:1``; ``"1 亿元"`` → ``>=`` 1 ``亿元``;
    ``"1-2 家"`` → ``range`` 1..2 ``家``; ``"毕业一年后薪酬高于全省高职平均值 1.3 倍"`` → relative ``>=``
    1.3 ``倍`` with benchmark ``全省高职平均值``; ``"实质性运作"`` → ``text``.

    Args:
        text: The 观测值; None or blank gives a ``text`` value without text.
        grammar: The value grammar; defaults to :func:`default_grammar`.
        source: File name, for messages.
        where: Place in the file (``第 473 行``), for messages.

    Returns:
        The parsed value.

    Raises:
        ValueParseError: The text holds numbers but in no form this grammar knows.
    """
    grammar = grammar or default_grammar()
    norm = tidy(unicodedata.normalize("NFKC", text or ""))
    if not DIGIT_RE.search(norm):
        for cue in grammar.relative_cues:
            benchmark = norm[len(cue) :].strip()
            if norm.startswith(cue) and benchmark in grammar.benchmarks:
                return ParsedValue(">=", value=1.0, unit="倍", benchmark=benchmark, is_relative=True)
        return ParsedValue("text")
    low = high = value = None
    if ratio := _RATIO_RE.search(norm):
        value, unit, start, end = float(ratio["num"]), ":1", ratio.start(), ratio.end()
    elif span := _RANGE_RE.search(norm):
        low, high = float(span["low"]), float(span["high"])
        unit = _read_unit(norm[span.end() :], grammar)
        start, end = span.start(), span.end()
    else:
        numbers = list(_NUM_RE.finditer(norm))
        if len(numbers) != 1:
            raise ValueParseError(
                source,
                where,
                f"观测值“{text}”应含一个数（或 a-b 区间、x:1 比值），实际有 {len(numbers)} 个。",
                f"expected one number (or a range a-b, or a ratio x:1) in {text!r}; found {len(numbers)}.",
            )
        number = numbers[0]
        value, start, end = float(number.group()), number.start(), number.end()
        unit = _read_unit(norm[end:], grammar)
    qualifier = norm[:start].strip()
    rest = norm[end:]
    if unit == "倍":
        qualifier, benchmark = _split_benchmark(qualifier, grammar)
        return ParsedValue(
            ">=",
            value=value,
            unit=unit,
            qualifier=_trim_qualifier(qualifier, grammar),
            benchmark=benchmark,
            is_relative=True,
        )
    if low is not None:
        comparator = "range"
    elif unit in grammar.ceiling_units or any(w in rest or w in qualifier for w in grammar.ceiling_words):
        comparator = "<="
    elif any(w in rest for w in grammar.approx_words):
        comparator = "="
    else:
        comparator = ">="
    return ParsedValue(
        comparator, value=value, low=low, high=high, unit=unit, qualifier=_trim_qualifier(qualifier, grammar)
    )
