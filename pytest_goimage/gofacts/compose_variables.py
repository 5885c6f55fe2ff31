"""Compose's variables: `${VAR}` substitution as the Compose specification defines it, and
the KEY=VALUE lines of `.env` and `env_file` files."""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Mapping, Sequence
from pathlib import Path

from .compose_yaml import ComposeError

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|(?P<plain>[A-Za-z_][A-Za-z0-9_]*)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:(?P<op>:?[-?+])(?P<arg>(?:[^{}]|\{[^{}]*\})*))?\})"
)


def interpolate(text: str, variables: Mapping[str, str]) -> str:
    """Compose's variable substitution over one string; ComposeError for `${X:?why}` unset
    and for a `$` that starts no valid reference."""

    def substitute(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("plain") or match.group("braced")
        value = variables.get(name)
        op, arg = match.group("op"), match.group("arg") or ""
        unset = value is None or (op is not None and op.startswith(":") and value == "")
        if op in (":-", "-"):
            return interpolate(arg, variables) if unset else str(value)
        if op in (":?", "?"):
            if unset:
                raise ComposeError(f"variable {name} is required ({arg or 'not set'})")
            return str(value)
        if op in (":+", "+"):
            return "" if unset else interpolate(arg, variables)
        return value or ""

    result = _VARIABLE.sub(substitute, text)
    # A `$` left over is one no pattern took (`${1BAD}`, a lone `${`): compose refuses it.
    stripped = _VARIABLE.sub("", text)
    if "${" in stripped:
        raise ComposeError(f"invalid interpolation format in {text!r}")
    return result


def read_dotenv(path: Path) -> dict[str, str]:
    """An env file's KEY=VALUE statements (dotenv_statements), values as written, unquoted
    and uninterpolated; {} where there is no such file."""
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8", errors="replace")
    return {key: value for key, value, _ in dotenv_statements(text)}


def env_file_values(paths: Sequence[Path], environ: Mapping[str, str]) -> dict[str, str]:
    """The variables a compose command's `--env-file`s give, as compose-go reads them
    (dotenv/env.go GetEnvFromFile): the files in order, a later value winning, each value's
    `${X}` looked up in the command's environment first, then in the earlier files, then in
    the file's own earlier lines; a single-quoted value is taken as written. ComposeError for
    a reference compose refuses."""
    values: dict[str, str] = {}
    for path in paths:
        own: dict[str, str] = {}
        lookup = ChainMap(dict(environ), values, own)
        text = path.read_text(encoding="utf-8", errors="replace")
        for key, value, literal in dotenv_statements(text):
            try:
                own[key] = value if literal else interpolate(value, lookup)
            except ComposeError as exc:
                raise ComposeError(f"{path}: {key}: {exc}") from None
        values.update(own)
    return values


# compose-go's dotenv/parser.go: `export` then blanks, a key ended by `=` or `:`.
_STATEMENT_KEY = re.compile(r"[ \t]*(?:export[ \t]+)?([^=:\s#]+)[ \t]*[=:][ \t]*")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$"}


def dotenv_statements(text: str) -> list[tuple[str, str, bool]]:
    """(key, value, literal) of each statement of an env file as compose-go's dotenv parser
    reads it: a value in single quotes is literal and in double quotes takes escapes, both
    may span lines and end at their closing quote (a comment may follow); an unquoted value
    ends at the line's end or a ` #` comment. A line without `=` or `:` names a variable
    compose takes from the environment: nothing to read here."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    found: list[tuple[str, str, bool]] = []
    at = 0
    while at < len(text):
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        line = text[at:end]
        match = _STATEMENT_KEY.match(line)
        if not line.strip() or line.lstrip().startswith("#") or match is None:
            at = end + 1
            continue
        start = at + match.end()
        quote = text[start : start + 1]
        if quote in ("'", '"'):
            close = _closing(text, start + 1, quote)
            if close >= 0:
                raw = text[start + 1 : close]
                value = raw if quote == "'" else _unescaped(raw)
                found.append((match.group(1), value, quote == "'"))
                after = text.find("\n", close)
                at = len(text) if after < 0 else after + 1
                continue
        value = line[match.end() :]
        value = re.split(r"[ \t]#", value, maxsplit=1)[0].strip()
        found.append((match.group(1), value, False))
        at = end + 1
    return found


def _closing(text: str, start: int, quote: str) -> int:
    """Where the value's closing quote is (a `\\"` does not close a double-quoted one); -1."""
    at = start
    while at < len(text):
        if text[at] == "\\" and quote == '"':
            at += 2
            continue
        if text[at] == quote:
            return at
        at += 1
    return -1


def _unescaped(raw: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), raw)
