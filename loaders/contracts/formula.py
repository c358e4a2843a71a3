"""Formulas of derived indicators (the registry's ``formula`` column): parsed and evaluated safely.

Belongs here: the small arithmetic language a derived indicator is written in, its parser and its
evaluator. A formula is arithmetic over other indicators of the same report::

    enroll_admitted[合计] / enroll_plan[合计] * 100

- a term is an indicator id, optionally with the subject of its row in brackets (``[合计]``,
  ``[温州市]``); without brackets the subject is the school's own row (``本校``);
- numbers (``100``, ``2000``, ``0.5``), ``+ - * /``, unary minus and parentheses.

Nothing is ever passed to ``eval``: the text is tokenised and parsed by recursive descent into a
tree of :class:`Number`, :class:`Term`, :class:`Negate` and :class:`Binary` nodes, and evaluated by
walking that tree. A division by zero gives no value (None), never an error or an infinity.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from loaders.contracts.errors import BilingualError
from loaders.contracts.vocabulary import SCHOOL_SUBJECT

#: The subject a term without brackets means: the school's own row.
DEFAULT_SUBJECT = SCHOOL_SUBJECT

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<ident>[a-z][a-z0-9_]*)(?:\[(?P<subject>[^\[\]]+)\])?|(?P<op>[-+*/()]))"
)


class FormulaError(BilingualError):
    """A formula cannot be parsed (the message names the formula and the place)."""


@dataclass(frozen=True)
class Term:
    """One input: an indicator's value on the row of a subject."""

    indicator_id: str
    subject: str = DEFAULT_SUBJECT

    def __str__(self) -> str:
        return self.indicator_id if self.subject == DEFAULT_SUBJECT else f"{self.indicator_id}[{self.subject}]"


@dataclass(frozen=True)
class Number:
    """A constant."""

    value: float


@dataclass(frozen=True)
class Negate:
    """``-operand``."""

    operand: Node


@dataclass(frozen=True)
class Binary:
    """``left op right`` with ``op`` one of ``+ - * /``."""

    op: str
    left: Node
    right: Node


Node = Number | Term | Negate | Binary


@dataclass(frozen=True)
class Formula:
    """A parsed formula.

    Attributes:
        text: The formula as written.
        root: Its expression tree.
    """

    text: str
    root: Node

    @property
    def terms(self) -> tuple[Term, ...]:
        """The inputs, in the order they are written (each once)."""
        found: list[Term] = []

        def walk(node: Node) -> None:
            if isinstance(node, Term):
                if node not in found:
                    found.append(node)
            elif isinstance(node, Negate):
                walk(node.operand)
            elif isinstance(node, Binary):
                walk(node.left)
                walk(node.right)

        walk(self.root)
        return tuple(found)

    def evaluate(self, values: Mapping[Term, float]) -> float | None:
        """The formula's value for these inputs.

        Args:
            values: A value for every term.

        Returns:
            The result; None when a term has no value or a division by zero occurs.
        """

        def value(node: Node) -> float | None:
            if isinstance(node, Number):
                return node.value
            if isinstance(node, Term):
                found = values.get(node)
                return None if found is None else float(found)
            if isinstance(node, Negate):
                operand = value(node.operand)
                return None if operand is None else -operand
            left, right = value(node.left), value(node.right)
            if left is None or right is None:
                return None
            if node.op == "+":
                return left + right
            if node.op == "-":
                return left - right
            if node.op == "*":
                return left * right
            return None if right == 0 else left / right

        return value(self.root)

    def show(self, values: Mapping[Term, float]) -> str:
        """The formula with each term replaced by its value (``4541 ÷ 4830 × 100``), for provenance."""
        symbols = {"+": "+", "-": "−", "*": "×", "/": "÷"}
        strength = {"+": 1, "-": 1, "*": 2, "/": 2}

        def number(value: float) -> str:
            return f"{value:,.10g}".replace(",", "")

        def text(node: Node, outer: int = 0, right: bool = False) -> str:
            if isinstance(node, Number):
                return number(node.value)
            if isinstance(node, Term):
                found = values.get(node)
                return str(node) if found is None else number(float(found))
            if isinstance(node, Negate):
                return f"−{text(node.operand, 3)}"
            inner = strength[node.op]
            body = f"{text(node.left, inner)} {symbols[node.op]} {text(node.right, inner, right=True)}"
            return f"({body})" if inner < outer or (right and inner == outer) else body

        return text(self.root)


@cache
def parse_formula(text: str) -> Formula:
    """Parse a formula.

    Args:
        text: E.g. ``enroll_admitted[合计] / enroll_plan[合计] * 100``.

    Returns:
        The parsed formula.

    Raises:
        FormulaError: A character or token that does not belong, or an incomplete expression.
    """
    tokens = _tokens(text)
    parser = _Parser(text, tokens)
    root = parser.expression()
    if parser.position != len(tokens):
        extra = str(tokens[parser.position][1])
        parser.fail(f"多余的“{extra}”", f"unexpected {extra!r}")
    return Formula(text, root)


def _tokens(text: str) -> list[tuple[str, object]]:
    tokens: list[tuple[str, object]] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            bad = stripped[position:].lstrip()[:1]
            raise FormulaError(
                f"公式“{text}”第 {position + 1} 个字符“{bad}”无法识别（只允许指标代码、[对象]、数字与 + - * / ( )）。",
                f"formula {text!r}: character {position + 1} ({bad!r}) is not allowed"
                " (indicator ids, [subject], numbers and + - * / ( ) only).",
            )
        if match.group("number") is not None:
            tokens.append(("number", float(match.group("number"))))
        elif match.group("ident") is not None:
            subject = (match.group("subject") or "").strip() or DEFAULT_SUBJECT
            tokens.append(("term", Term(match.group("ident"), subject)))
        else:
            tokens.append(("op", match.group("op")))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent: expression := product (('+'|'-') product)*; product := unary (('*'|'/') unary)*."""

    def __init__(self, text: str, tokens: list[tuple[str, object]]) -> None:
        self.text = text
        self.tokens = tokens
        self.position = 0

    def fail(self, zh: str, en: str) -> None:
        raise FormulaError(f"公式“{self.text}”无法解析：{zh}。", f"formula {self.text!r} cannot be parsed: {en}.")

    def peek(self) -> tuple[str, object] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take_op(self, ops: str) -> str | None:
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in ops:
            self.position += 1
            return str(token[1])
        return None

    def expression(self) -> Node:
        node = self.product()
        while (op := self.take_op("+-")) is not None:
            node = Binary(op, node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while (op := self.take_op("*/")) is not None:
            node = Binary(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.take_op("-") is not None:
            return Negate(self.unary())
        token = self.peek()
        if token is None:
            self.fail("表达式不完整", "the expression is incomplete")
        self.position += 1
        kind, value = token
        if kind == "number":
            return Number(float(value))  # type: ignore[arg-type]
        if kind == "term":
            return value  # type: ignore[return-value]
        if value == "(":
            node = self.expression()
            if self.take_op(")") is None:
                self.fail("缺少右括号", "a closing bracket is missing")
            return node
        self.fail(f"此处不应出现“{value}”", f"{value!r} is not expected here")
        raise AssertionError  # fail() raised
