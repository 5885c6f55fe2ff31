"""What an entrypoint script does to its variables before its `exec /usr/local/bin/$APP`: the
image's ENV gives APP only where the script leaves it alone (`APP=worker`, `read APP`,
`printf -v APP`, `. /etc/app.env`, `eval "$(...)"` change it), or gives it a default the ENV
decides (`APP="${APP:-api}"`, `: ${APP:=api}`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .shell_script import ASSIGNMENT, Command, assignments

_DECLARES = frozenset({"export", "readonly", "local", "declare", "typeset"})
_DEFAULTED = re.compile(r"\$\{([A-Za-z_]\w*):?=")  # `${APP:=api}` sets APP where it is empty
# A value that is the variable itself or its default: `${APP:-api}`, `${APP-api}`, `${APP:=api}`,
# `$APP`, `${APP}`, quoted or not.
_OWN_DEFAULT = re.compile(
    r"""(?P<q>["']?)\$\{(?P<name>[A-Za-z_]\w*)(?:(?P<colon>:?)[-=](?P<default>[^$`}"'\\]*))?\}"""
    r"""(?P=q)|(?P<q2>"?)\$(?P<bare>[A-Za-z_]\w*)(?P=q2)"""
)


@dataclass(frozen=True)
class _Default:
    """The variable's value where the environment gives one, else `default` (`${APP:-api}`:
    also where it gives an empty one, as `colon` says)."""

    default: str | None  # None: no default (`APP=$APP` keeps whatever it was)
    colon: bool

    def value(self, given: str | None) -> str | None:
        if given is not None and (given != "" or not self.colon):
            return given
        return self.default


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
    defaults: Mapping[str, _Default] = field(default_factory=dict)

    def environment(self, env: Mapping[str, str]) -> dict[str, str]:
        """The image's ENV `env` as the script's later commands see it."""
        seen = {} if self.sources else {k: v for k, v in env.items() if k not in self.unknown}
        for name, default in self.defaults.items():
            value = default.value(None if self.sources else env.get(name))
            if value is not None:
                seen[name] = value
        return {**seen, **self.known}


def script_variables(commands: Iterable[Command]) -> ScriptVariables:
    # Each name's values: literal, its own default (`${APP:-api}`), or None: not known here.
    set_at: dict[str, list[str | _Default | None]] = {}
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
                if word.startswith(f"{name}=") and _own_default(name, word.partition("=")[2]):
                    continue  # `APP="${APP:=api}"`: noted as an assignment above
                if not (top and words[0] == ":" and _own_default(name, word)):
                    set_at.setdefault(name, []).append(None)
                elif name not in set_at:  # `: ${APP:=api}` before anything else sets it
                    set_at[name] = [_own_default(name, word)]
    known: dict[str, str] = {}
    defaults: dict[str, _Default] = {}
    for name, values in set_at.items():
        if len(values) == 1 and isinstance(values[0], str):
            known[name] = values[0]
        elif len(values) == 1 and isinstance(values[0], _Default):
            defaults[name] = values[0]
    if sources:  # a sourced file may set a defaulted name first: its default is not known
        defaults = {}
    unknown = frozenset(set_at) - set(known) - set(defaults)
    return ScriptVariables(known, unknown, sources, defaults)


def _note(set_at: dict[str, list[str | _Default | None]], word: str, *, literal: bool) -> None:
    name, _, value = word.partition("=")
    if not literal:
        set_at.setdefault(name, []).append(None)
    elif not _RUN_TIME.search(value):
        set_at.setdefault(name, []).append(value.strip("\"'"))
    else:  # `APP="${APP:-api}"`: what the ENV gives, else the default
        set_at.setdefault(name, []).append(_own_default(name, value))


def _own_default(name: str, text: str) -> _Default | None:
    """`text` as the variable `name` itself or its literal default, else None. In `: ${N:=d}`
    the word is the expansion alone."""
    match = _OWN_DEFAULT.fullmatch(text.removeprefix(":").strip())
    if match is None or (match.group("name") or match.group("bare")) != name:
        return None
    return _Default(match.group("default"), bool(match.group("colon")))
