"""What an entrypoint script does to its variables before its `exec /usr/local/bin/$APP`: the
image's ENV gives APP only where the script leaves it alone (`APP=worker`, `: ${APP:=api}`,
`read APP`, `printf -v APP`, `. /etc/app.env`, `eval "$(...)"` change it)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .shell_script import ASSIGNMENT, Command, assignments

_DECLARES = frozenset({"export", "readonly", "local", "declare", "typeset"})
_DEFAULTED = re.compile(r"\$\{([A-Za-z_]\w*):?=")  # `${APP:=api}` sets APP where it is empty
_SOURCES = frozenset({".", "source", "eval"})  # each may set any name
_RUN_TIME = re.compile(r"[$`]")


@dataclass(frozen=True)
class ScriptVariables:
    """`known`: literal values the script's own top-level commands give (a name set once);
    `unknown`: names it sets otherwise (in a branch, from a command, by `read`, `unset` or
    `${NAME:=default}`); `sources`: it reads a file into itself, which may set any name."""

    known: Mapping[str, str]
    unknown: frozenset[str]
    sources: bool

    def environment(self, env: Mapping[str, str]) -> dict[str, str]:
        """The image's ENV `env` as the script's later commands see it."""
        seen = {} if self.sources else {k: v for k, v in env.items() if k not in self.unknown}
        return {**seen, **self.known}


def script_variables(commands: Iterable[Command]) -> ScriptVariables:
    set_at: dict[str, list[str | None]] = {}  # each name's values, None where not literal
    sources = False
    for command in commands:
        words = [token.raw or token.text for token in command.words]
        leading = assignments(command)
        top = command.depth == 0 and command.after not in ("&&", "||")
        if leading == len(words):  # `APP=worker`: the script's own variable from here on
            for word in words:
                _note(set_at, word, literal=top)
        elif words and words[0] in _DECLARES:
            for word in words[1:]:
                if ASSIGNMENT.match(word):
                    _note(set_at, word, literal=top)
        elif words and words[0] in ("unset", "read", "getopts"):
            for word in words[1:]:
                if re.fullmatch(r"[A-Za-z_]\w*", word):
                    set_at.setdefault(word, []).append(None)
        elif words and words[0] == "printf" and "-v" in words[1:-1]:  # bash's printf -v NAME
            set_at.setdefault(words[words.index("-v", 1) + 1], []).append(None)
        elif words and words[0] in _SOURCES:
            sources = True
        for word in words:
            for name in _DEFAULTED.findall(word):
                set_at.setdefault(name, []).append(None)
    known = {
        name: values[0]
        for name, values in set_at.items()
        if len(values) == 1 and values[0] is not None
    }
    return ScriptVariables(known, frozenset(set_at) - set(known), sources)


def _note(set_at: dict[str, list[str | None]], word: str, *, literal: bool) -> None:
    name, _, value = word.partition("=")
    plain = value.strip("\"'") if literal and not _RUN_TIME.search(value) else None
    set_at.setdefault(name, []).append(plain)
