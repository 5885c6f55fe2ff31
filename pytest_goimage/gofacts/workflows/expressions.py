"""Actions expressions (`${{ }}`, `if:`) evaluated over the matrix and env contexts.

Simple conditions are decided per matrix combination (`matrix.x == 'v'`, `!=`, `<`, `&&`,
`||`, `!`, parentheses, literals, property access); anything else, or a context only known
when the workflow runs, leaves the step as one that may run, with the reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import yaml

from .actions_yaml import UNKNOWN, Evaluated, Unknown, typed

EXPR_RE = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.DOTALL)


_TOKEN_RE = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')"
    r"|(?P<num>(?:0x[0-9a-fA-F]+|0o[0-7]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?))"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[<>!()\[\].,*])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))",
)


class _Unsupported(Exception):
    """The expression uses syntax this reader does not evaluate."""


class _Condition:
    """A recursive-descent reader of Actions expressions over the matrix and env contexts.

    Three-valued: a context or function it cannot know is UNKNOWN, and `&&`/`||` decide
    without it where Actions would (`false && x` is false whatever x is).
    """

    def __init__(self, text: str, contexts: Mapping[str, Evaluated]) -> None:
        self.tokens = self._tokenize(text)
        self.index = 0
        self.contexts = contexts

    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, str]]:
        tokens: list[tuple[str, str]] = []
        position = 0
        text = text.rstrip()
        while position < len(text):
            match = _TOKEN_RE.match(text, position)
            if match is None or match.end() == position:
                raise _Unsupported(text[position:])
            kind = match.lastgroup or ""
            tokens.append((kind, match.group(kind)))
            position = match.end()
        return tokens

    def evaluate(self) -> Evaluated:
        value = self._or()
        if self.index != len(self.tokens):
            raise _Unsupported(self.tokens[self.index][1])
        return value

    def _peek(self) -> str:
        return self.tokens[self.index][1] if self.index < len(self.tokens) else ""

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        if self.index >= len(self.tokens):
            raise _Unsupported("end of expression")
        token = self.tokens[self.index]
        if expected is not None and token[1] != expected:
            raise _Unsupported(token[1])
        self.index += 1
        return token

    def _or(self) -> Evaluated:
        left = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            a, b = _truth(left), _truth(right)
            left = left if a is True else right if a is False else (right if b is True else UNKNOWN)
        return left

    def _and(self) -> Evaluated:
        left = self._equality()
        while self._peek() == "&&":
            self._take()
            right = self._equality()
            a, b = _truth(left), _truth(right)
            left = (
                right if a is True else left if a is False else (right if b is False else UNKNOWN)
            )
        return left

    def _equality(self) -> Evaluated:
        left = self._relation()
        while self._peek() in ("==", "!="):
            operator = self._take()[1]
            right = self._relation()
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                left = UNKNOWN
            else:
                left = _loose_equal(left, right) == (operator == "==")
        return left

    def _relation(self) -> Evaluated:
        left = self._unary()
        while self._peek() in ("<", "<=", ">", ">="):
            operator = self._take()[1]
            right = self._unary()
            left = _compare(left, right, operator)
        return left

    def _unary(self) -> Evaluated:
        if self._peek() == "!":
            self._take()
            truth = _truth(self._unary())
            return UNKNOWN if truth is None else not truth
        return self._postfix()

    def _postfix(self) -> Evaluated:
        value = self._primary()
        while self._peek() in (".", "["):
            if self._take()[1] == ".":
                kind, name = self._take()
                if kind != "name":
                    raise _Unsupported(name)
            else:
                kind, name = self._take()
                if kind != "str":
                    raise _Unsupported(name)
                name = name[1:-1].replace("''", "'")
                self._take("]")
            if isinstance(value, Mapping):
                # Actions compares property names case-insensitively.
                found = [v for k, v in value.items() if k.lower() == name.lower()]
                value = found[0] if found else None
            elif not isinstance(value, Unknown):
                value = None
        return value

    def _primary(self) -> Evaluated:
        kind, text = self._take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            if text.startswith(("0x", "0o")):
                return float(int(text[2:], 16 if text[1] == "x" else 8))
            return float(text)
        if text == "(":
            value = self._or()
            self._take(")")
            return value
        if kind != "name":
            raise _Unsupported(text)
        lowered = text.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        if lowered == "null":
            return None
        if self._peek() == "(":
            self._take()
            while self._peek() != ")":
                self._or()
                if self._peek() == ",":
                    self._take()
            self._take(")")
            # Earlier steps are taken to succeed: a setup-go step is normally an early one.
            return True if lowered in ("success", "always") else UNKNOWN
        return self.contexts.get(lowered, UNKNOWN)


def _truth(value: Evaluated) -> bool | None:
    if isinstance(value, Unknown):
        return None
    if isinstance(value, Mapping):
        return True
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return bool(value)


def _number(value: Evaluated) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0.0
        try:
            if re.fullmatch(r"[-+]?0x[0-9a-fA-F]+", text):
                return float(int(text, 16))
            return (
                float(text) if re.fullmatch(r"[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?", text) else math.nan
            )
        except ValueError:
            return math.nan
    return math.nan


def _loose_equal(a: Evaluated, b: Evaluated) -> bool:
    """Actions' `==`: strings ignore case; values of different types compare as numbers."""
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if type(a) is type(b) and not isinstance(a, (float, Mapping)):
        return a == b
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        return a is b
    return _number(a) == _number(b)


def _compare(a: Evaluated, b: Evaluated, operator: str) -> Evaluated:
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return UNKNOWN
    if isinstance(a, str) and isinstance(b, str):
        # Actions orders strings ignoring case by their upper case (.NET OrdinalIgnoreCase):
        # 'a' < '_' holds, as 'A' sorts before '_' and 'a' after it.
        x: str | float = a.upper()
        y: str | float = b.upper()
    else:
        x, y = _number(a), _number(b)
    if operator == "<":
        return x < y  # type: ignore[operator]
    if operator == "<=":
        return x <= y  # type: ignore[operator]
    if operator == ">":
        return x > y  # type: ignore[operator]
    return x >= y  # type: ignore[operator]


def evaluate_if(node: yaml.Node | None, contexts: Mapping[str, Evaluated]) -> bool | str:
    """True or False when an `if:` decides; otherwise the text of why it may run."""
    if node is None:
        return True
    if not isinstance(node, yaml.ScalarNode):
        return "its `if:` is not a single expression"
    value = typed(node)
    if not isinstance(value, str):
        truth = _truth(value)
        return True if truth is None else truth
    text = value.strip()
    whole = EXPR_RE.fullmatch(text)
    if whole is not None:
        text = whole.group(1)
    elif "${{" in text:
        return f"its `if: {text}` mixes text and expressions, which is not evaluated here"
    try:
        truth = _truth(_Condition(text, contexts).evaluate())
    except _Unsupported:
        return f"its `if: {text}` is not evaluated here"
    if truth is None:
        return f"its `if: {text}` depends on what is only known when the workflow runs"
    return truth
