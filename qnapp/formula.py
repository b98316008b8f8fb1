"""Indicator formulas in DHIS2 style, evaluated without ``eval``.

Syntax: ``#{CODE}`` is a data element's effective total, ``#{CODE.nam}`` / ``#{CODE.nu}``
one sex; numbers, ``+ - * /``, unary ``+``/``-`` and parentheses. Nothing else is
accepted, so a catalog file can never run code (no names, calls or attributes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from qnapp.i18n import _

Lookup = Callable[[str, str], "float | None"]

_TOKEN = re.compile(
    r"""
    \s*(?:
      (?P<ref>\#\{\s*(?P<code>[A-Z][A-Z0-9_]*)\s*(?:\.\s*(?P<cat>[a-z][a-z0-9_]*)\s*)?\})
    | (?P<num>\d+(?:\.\d+)?)
    | (?P<op>[-+*/()])
    )""",
    re.VERBOSE,
)


class _Missing(Exception):
    """A referenced value is missing or a division by zero: the result is None."""


# Tree nodes are tuples, small and immutable: ("num", v), ("ref", code, cat),
# ("neg", node), (op, left, right) with op in "+-*/".


def _tokenize(expr: str) -> list[tuple[str, object, int]]:
    tokens = []
    pos, end = 0, len(expr.rstrip())
    while pos < end:
        match = _TOKEN.match(expr, pos)
        if not match:
            at = len(expr) - len(expr[pos:].lstrip())
            raise ValueError(
                _("Công thức không hợp lệ ở vị trí {pos}: {text} trong «{expr}»").format(
                    pos=at + 1, text=repr(expr[at : at + 20]), expr=expr
                )
            )
        if match.group("ref"):
            tokens.append(("ref", (match.group("code"), match.group("cat") or ""), match.start("ref")))
        elif match.group("num"):
            tokens.append(("num", float(match.group("num")), match.start("num")))
        else:
            tokens.append((match.group("op"), None, match.start("op")))
        pos = match.end()
    return tokens


class _Parser:
    """Recursive descent: expr := term (+|- term)*; term := unary (*|/ unary)*."""

    def __init__(self, expr: str):
        self.expr = expr
        self.tokens = _tokenize(expr)
        self.i = 0

    def fail(self, what: str) -> ValueError:
        where = self.tokens[self.i][2] + 1 if self.i < len(self.tokens) else len(self.expr) + 1
        return ValueError(
            _("Công thức không hợp lệ ({what}) ở vị trí {pos}: «{expr}»").format(
                what=what, pos=where, expr=self.expr
            )
        )

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def parse(self):
        if not self.tokens:
            raise ValueError(_("Công thức rỗng: «{expr}»").format(expr=self.expr))
        node = self.expr_()
        if self.i != len(self.tokens):
            raise self.fail(_("thừa ký hiệu"))
        return node

    def expr_(self):
        node = self.term()
        while self.peek() in ("+", "-"):
            op = self.tokens[self.i][0]
            self.i += 1
            node = (op, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while self.peek() in ("*", "/"):
            op = self.tokens[self.i][0]
            self.i += 1
            node = (op, node, self.unary())
        return node

    def unary(self):
        kind = self.peek()
        if kind in ("+", "-"):
            self.i += 1
            inner = self.unary()
            return ("neg", inner) if kind == "-" else inner
        if kind == "num":
            self.i += 1
            return ("num", self.tokens[self.i - 1][1])
        if kind == "ref":
            self.i += 1
            code, cat = self.tokens[self.i - 1][1]
            return ("ref", code, cat)
        if kind == "(":
            self.i += 1
            node = self.expr_()
            if self.peek() != ")":
                raise self.fail(_("thiếu dấu đóng ngoặc"))
            self.i += 1
            return node
        raise self.fail(_("thiếu số hoặc tham chiếu"))


def _refs(node, out: set[tuple[str, str]]) -> None:
    if node[0] == "ref":
        out.add((node[1], node[2]))
    elif node[0] == "neg":
        _refs(node[1], out)
    elif node[0] != "num":
        _refs(node[1], out)
        _refs(node[2], out)


def _eval(node, lookup: Lookup) -> float:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "ref":
        value = lookup(node[1], node[2])
        if value is None:
            raise _Missing
        return float(value)
    if kind == "neg":
        return -_eval(node[1], lookup)
    left, right = _eval(node[1], lookup), _eval(node[2], lookup)
    if kind == "+":
        return left + right
    if kind == "-":
        return left - right
    if kind == "*":
        return left * right
    if right == 0:
        raise _Missing
    return left / right


@dataclass(frozen=True)
class Formula:
    expression: str
    references: frozenset[tuple[str, str]]
    _tree: tuple = field(repr=False, compare=False)

    def evaluate(self, lookup: Lookup) -> float | None:
        """The value, or None when a referenced value is missing or a divisor is zero."""
        try:
            return _eval(self._tree, lookup)
        except _Missing:
            return None

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(code for code, _cat in self.references)

    def __str__(self) -> str:
        return self.expression


def parse(expr: str) -> Formula:
    """Parse ``expr``; raises ValueError on bad syntax."""
    if not isinstance(expr, str):
        raise ValueError(_("Công thức phải là chuỗi ký tự: {expr}").format(expr=repr(expr)))
    return _parse(expr)


@lru_cache(maxsize=256)
def _parse(expr: str) -> Formula:
    tree = _Parser(expr).parse()
    refs: set[tuple[str, str]] = set()
    _refs(tree, refs)
    return Formula(expr, frozenset(refs), tree)
