"""An ENTRYPOINT, CMD, RUN or HEALTHCHECK CMD written as an exec form (`["/app", "serve"]`)
that is not valid JSON: `["/app"` (no `]`), `['/app']`, `["/app",]`. BuildKit's parser (`parseMaybeJSON`) reads the
arguments as a JSON array when they start with `[` and fall back to the shell form when that
JSON does not parse, silently: the image then runs `/bin/sh -c '["/app"'`, which cannot start
without /bin/sh and runs a program called `[/app` with one. What is wrong with the JSON and
the exec form meant are read here, for messages that name the line."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from .dockerfile import Dockerfile, Instruction
from .shell_script import shell_words

# Quotes a word processor or a web page puts in place of `"` (and of `'`).
_TYPOGRAPHIC = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


@dataclass(frozen=True)
class BrokenExecForm:
    """`instruction` (ENTRYPOINT, CMD, RUN or HEALTHCHECK CMD) starts as an exec form but is
    not valid JSON, so BuildKit took it as a shell form. `faults`: what is wrong with the JSON;
    `fix`: the exec form meant (`["/app"]`), "" where it cannot be told."""

    instruction: Instruction
    faults: tuple[str, ...]
    fix: str

    @property
    def written(self) -> str:
        """The arguments as BuildKit recorded them: the shell form's script."""
        return _form_text(self.instruction) or ""


def broken_exec_form(instruction: Instruction) -> BrokenExecForm | None:
    """The broken exec form of an ENTRYPOINT, CMD, RUN or HEALTHCHECK CMD whose arguments start
    with `[` (as BuildKit decides) and did not parse as JSON; None for any other instruction,
    a valid exec form, and a shell form that starts with a test (`[ -f /x ] && exec /app`)."""
    written = _form_text(instruction)
    if instruction.json or written is None or not written.lstrip().startswith("["):
        return None
    text = written.strip()
    if _shell_test(text):
        return None
    faults, fix = _repaired(text)
    return BrokenExecForm(instruction, tuple(faults), fix)


def broken_in(dockerfile: Dockerfile, target: str | None) -> list[BrokenExecForm]:
    """The broken exec forms among the ENTRYPOINT and CMD the image's config ends with (that
    ENTRYPOINT first): as BuildKit dispatches them, an ENTRYPOINT drops a CMD that no
    instruction of its own stage set."""
    entrypoint: Instruction | None = None
    cmd: Instruction | None = None
    for stage in reversed(dockerfile.built_stages(target)):  # the base stage first
        cmd_set = False
        for instruction in stage.instructions:
            if instruction.keyword == "CMD":
                cmd, cmd_set = instruction, True
            elif instruction.keyword == "ENTRYPOINT":
                entrypoint = instruction
                cmd = cmd if cmd_set else None
    found = [broken_exec_form(i) for i in (entrypoint, cmd) if i is not None]
    return [broken for broken in found if broken is not None]


def _form_text(instruction: Instruction) -> str | None:
    """The words BuildKit reads as JSON or else as a shell form: all of an ENTRYPOINT's or
    CMD's or RUN's, a HEALTHCHECK's after its `CMD` (flags are apart already); None otherwise."""
    args = instruction.args
    if instruction.keyword in ("ENTRYPOINT", "CMD", "RUN") and len(args) == 1:
        return args[0]
    if instruction.keyword == "HEALTHCHECK" and len(args) == 2 and args[0].upper() == "CMD":
        return args[1]
    return None


def _shell_test(text: str) -> bool:
    """`[ -f /x ] && exec /app`: the shell's test command, closed by its own `]` word and
    followed by more of the script (a test alone would end the container at once)."""
    words = shell_words(text)
    closing = {"[": "]", "[[": "]]"}.get(words[0]) if words else None
    return closing is not None and closing in words[1:-1]


# Each repair: (whether it applies to the text so far, the text repaired, what was wrong).
_Repair = tuple[Callable[[str], bool], Callable[[str], str], str]


def _unquoted_words(text: str) -> str:
    inner = text.strip()[1:].rstrip("]")
    return json.dumps([word for word in re.split(r"[\s,]+", inner) if word])


_REPAIRS: tuple[_Repair, ...] = (
    (
        lambda t: t != t.translate(_TYPOGRAPHIC),
        lambda t: t.translate(_TYPOGRAPHIC),
        "it has typographic quotes (“ ”) where JSON needs plain double quotes",
    ),
    (
        lambda t: "'" in t and '"' not in t,
        lambda t: t.replace("'", '"'),
        "it quotes its words with single quotes, and JSON needs double quotes",
    ),
    (
        lambda t: not re.search(r"[\"']", t),
        _unquoted_words,
        "its words are not in double quotes",
    ),
    (
        lambda t: re.search(r"\]\s*#", t) is not None,
        lambda t: t[: t.index("]") + 1],
        "a comment follows its closing `]` (a Dockerfile comment takes a line of its own)",
    ),
    (
        lambda t: re.search(r",\s*\]?$", t) is not None,
        lambda t: re.sub(r",\s*(\]?)$", r"\1", t),
        "it has a comma after its last word",
    ),
    (
        lambda t: not t.rstrip().endswith("]"),
        lambda t: t.rstrip() + "]",
        "its closing `]` is missing",
    ),
    (
        lambda t: re.search(r"\"\s+\"", t) is not None,
        lambda t: re.sub(r"\"\s+\"", '", "', t),
        "a comma is missing between two of its words",
    ),
)


def _repaired(text: str) -> tuple[list[str], str]:
    """What is wrong with `text` as a JSON array of strings, and the array meant (json.dumps'
    spelling), "" where the repairs known here do not give one: then the fault is where
    JSON reading stops."""
    faults: list[str] = []
    repaired = text
    for applies, repair, fault in _REPAIRS:
        if applies(repaired):
            repaired = repair(repaired)
            faults.append(fault)
    words = _string_array(repaired)
    if words is not None:
        return faults, json.dumps(words)
    return [_where_json_stops(text)], ""


def _string_array(text: str) -> list[str] | None:
    try:
        value = json.loads(text)  # NaN or Infinity, which Go's reader refuses, is no string
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(word, str) for word in value):
        return None
    return value


def _no_constant(name: str) -> None:
    """Go's JSON reader, which BuildKit uses, has no NaN or Infinity."""
    raise ValueError(name)


def _where_json_stops(text: str) -> str:
    try:
        json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        return f"JSON reading stops at its character {error.pos + 1}: {error.msg}"
    except ValueError as error:  # NaN or Infinity, which Python's reader takes and Go's not
        return f"JSON has no {error}"
    return "JSON reading found no fault"  # not reached: BuildKit read such text as JSON
