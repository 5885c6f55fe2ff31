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
    """KEY=VALUE lines (comments, blank lines, `export` and quotes allowed) of an env file."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, sep, value = line.partition("=")
        if not sep:
            continue  # compose passes a bare name from the environment; nothing to read here
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key.strip()] = value
    return values


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
        for key, value, literal in _dotenv_lines(path):
            own[key] = value if literal else interpolate(value, lookup)
        values.update(own)
    return values


def _dotenv_lines(path: Path) -> list[tuple[str, str, bool]]:
    """(key, value, single-quoted) of each KEY=VALUE line, as read_dotenv reads them."""
    found = []
    text = path.read_text(encoding="utf-8", errors="replace").removeprefix("\ufeff")
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").lstrip().partition("=")
        if not sep:
            continue
        value = value.strip()
        literal = len(value) >= 2 and value[0] == value[-1] == "'"
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        found.append((key.strip(), value, literal))
    return found
