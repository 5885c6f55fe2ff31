"""The `go build` of a Dockerfile that made a given program: which RUN it is, the Go files it
names (what identifies a `go build main.go` program, whose build info says only
`command-line-arguments`), and the line that set a build fact (parity's "caused by" column)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .dockerfile import Dockerfile, Instruction
from .shell_lexer import Unbalanced
from .shell_script import simple_commands

_GO_BUILD = re.compile(r"\bgo\s+build\b")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
# A GOTOOLCHAIN value that picks a Go version: `go1.26.8`, `go1.26.8+auto`, `go1.25+path`;
# `local`, `auto` and `path` keep the image's own Go, so they decide nothing.
_TOOLCHAIN_VERSION = re.compile(r"""\bGOTOOLCHAIN(?:=|\s+)["']?go\d""")


@dataclass(frozen=True)
class GoBuild:
    """One RUN that runs `go build`: its lines, and its output (`-o`) and Go file arguments
    as written, each relative to the `cd` before it (cwd-relative; WORKDIR is not applied)."""

    line: int
    end_line: int
    output: str
    files: tuple[str, ...]


def go_builds(parsed: Dockerfile) -> list[GoBuild]:
    """Every RUN that runs `go build`, in file order."""
    found: list[GoBuild] = []
    for instruction in parsed.instructions:
        if instruction.keyword != "RUN" or not _GO_BUILD.search(instruction.text):
            continue
        output, files = _arguments(instruction)
        found.append(
            GoBuild(instruction.line, instruction.end_line or instruction.line, output, files)
        )
    return found


def building(builds: Sequence[GoBuild], program: str) -> GoBuild | None:
    """The build whose `-o` names `program`'s file (the binary the image runs), else the
    last one; None without any."""
    if not builds:
        return None
    name = posixpath.basename(program)
    named = [b for b in builds if name and posixpath.basename(b.output) == name]
    return (named or list(builds))[-1]


def toolchain_line(parsed: Dockerfile, lines: Sequence[str]) -> int:
    """The line of the last instruction setting GOTOOLCHAIN to a Go version; 0: none."""
    chosen = 0
    for instruction in parsed.instructions:
        if instruction.keyword in ("ENV", "ARG", "RUN") and _TOOLCHAIN_VERSION.search(
            instruction.text
        ):
            chosen = _within(lines, instruction, "GOTOOLCHAIN") or instruction.line
    return chosen


def setting_line(
    parsed: Dockerfile, lines: Sequence[str], build: GoBuild, name: str, flag: bool
) -> int:
    """The line that set `name` for `build`: in the go build RUN itself, else the last ENV or
    ARG before it (for a flag: a GOFLAGS holding it); 0: none."""
    needles = [name] if flag else [f"{name}=", f"{name} "]
    for needle in needles:
        found = _physical(lines, build.line, build.end_line, needle)
        if found:
            return found
    chosen = 0
    for instruction in parsed.instructions:
        if instruction.line >= build.line:
            break
        if instruction.keyword not in ("ENV", "ARG"):
            continue
        words = instruction.words()
        if flag:
            hit = any(w.startswith("GOFLAGS") for w in words) and name in instruction.text
            needle = "GOFLAGS"
        else:
            hit = any(w == name or w.startswith(f"{name}=") for w in words)
            needle = name
        if hit:
            chosen = _within(lines, instruction, needle) or instruction.line
    return chosen


def _arguments(instruction: Instruction) -> tuple[str, tuple[str, ...]]:
    """`-o` and the `.go` files of the instruction's go build command(s)."""
    script = " ".join(instruction.args) if instruction.json else "".join(instruction.args)
    try:
        commands = simple_commands(script)
    except Unbalanced:
        return "", ()
    cwd = ""
    output: str = ""
    files: tuple[str, ...] = ()
    for command in commands:
        words = [token.text for token in command.words]
        while words and _ASSIGNMENT.match(words[0]):
            words = words[1:]  # `CGO_ENABLED=0 go build ...`
        if words[:1] == ["cd"] and len(words) == 2:
            cwd = posixpath.join(cwd, words[1])
        elif words[:2] == ["go", "build"]:
            output, files = _go_build_arguments(words[2:], cwd)
    return output, files


def _go_build_arguments(words: list[str], cwd: str) -> tuple[str, tuple[str, ...]]:
    output = ""
    files: list[str] = []
    for index, word in enumerate(words):
        if word == "-o" and index + 1 < len(words):
            output = words[index + 1]
        elif word.startswith("-o="):
            output = word[3:]
        elif word.endswith(".go") and not word.startswith("-"):
            files.append(posixpath.normpath(posixpath.join(cwd, word)))
    return output, tuple(sorted(files))


def _within(lines: Sequence[str], instruction: Instruction, needle: str) -> int:
    return _physical(lines, instruction.line, instruction.end_line or instruction.line, needle)


def _physical(lines: Sequence[str], first: int, last: int, needle: str) -> int:
    """The number of the first line in first..last (1-based) that holds `needle`, outside a
    comment line; 0: none."""
    for number in range(first, min(last, len(lines)) + 1):
        text = lines[number - 1]
        if needle in text and not text.lstrip().startswith("#"):
            return number
    return 0
