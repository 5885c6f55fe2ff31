"""The `go build` of a Dockerfile that made a given program: which RUN it is, the Go files it
names (what identifies a `go build main.go` program, whose build info says only
`command-line-arguments`), and the line that set a build fact (parity's "caused by" column)."""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .dockerfile import Dockerfile, Instruction
from .shell_lexer import Unbalanced
from .shell_script import simple_commands

_GO_BUILD = re.compile(r"\bgo\s+build\b")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
# A GOTOOLCHAIN value that picks a Go version: `go1.26.8`, `go1.26.8+auto`, `go1.25+path`;
# `local`, `auto` and `path` keep the image's own Go, so they decide nothing.
_TOOLCHAIN_VERSION = re.compile(r"""\bGOTOOLCHAIN(?:=|\s+)["']?go\d""")
# An ENV that sets GOTOOLCHAIN to `local`, `auto` or `path` (not from a variable) undoes a
# version an earlier one set.
_TOOLCHAIN_KEPT = re.compile(r"""\bGOTOOLCHAIN(?:=|\s+)(?!["']?(?:go\d|\$))""")
_GO_VERSION_VALUE = re.compile(r"go\d")


@dataclass(frozen=True)
class GoBuild:
    """One `go build` command of a RUN: the RUN's lines, its output (`-o`) as written, the Go
    files it names as absolute paths in the builder (WORKDIR and a `cd` before it applied;
    none when the working folder is unknown), and the instructions that came before it in its
    stage and the stages it is built FROM (what its environment can come from).

    `readable` is False where the RUN's script could not be read (unbalanced quotes), so its
    arguments are unknown, not absent."""

    line: int
    end_line: int
    output: str
    files: tuple[str, ...]
    before: tuple[Instruction, ...] = ()
    from_line: int = 0  # the FROM of the first stage its stage descends from: the builder
    ldflags: str | None = None  # `-ldflags` as written (None: not given)
    readable: bool = True
    # GOTOOLCHAIN as the RUN sets it for this command (a prefix `GOTOOLCHAIN=local go build`,
    # an earlier `export` or assignment in the script); None: the RUN does not set it.
    toolchain: str | None = None


def go_builds(parsed: Dockerfile) -> list[GoBuild]:
    """Every RUN that runs `go build`, in file order."""
    found: list[GoBuild] = []
    for stage in parsed.stages:
        chain = parsed.built_stages(f"stage-{stage.index}")
        inherited = [
            instruction for ancestor in reversed(chain[1:]) for instruction in ancestor.instructions
        ]
        for position, instruction in enumerate(stage.instructions):
            if instruction.keyword != "RUN" or not _GO_BUILD.search(_script(instruction)):
                continue
            before = (*inherited, *stage.instructions[:position])
            workdir = _workdir(before)
            for written in _arguments(instruction):
                files = [
                    posixpath.normpath(posixpath.join(workdir or "", f))
                    for f in written.files
                    if workdir is not None or f.startswith("/")
                ]
                found.append(
                    GoBuild(
                        instruction.line,
                        instruction.end_line or instruction.line,
                        written.output,
                        tuple(sorted(files)),
                        before,
                        chain[-1].line,
                        written.ldflags,
                        written.readable,
                        written.toolchain,
                    )
                )
    return found


def _workdir(instructions: Sequence[Instruction]) -> str | None:
    """The working folder after `instructions` (a relative WORKDIR joins the one before);
    None without an absolute WORKDIR: the base image's own (which a relative one joins), which
    the Dockerfile does not show (golang's is /go)."""
    workdir: str | None = None
    for instruction in instructions:
        if instruction.keyword == "WORKDIR" and instruction.args:
            written = instruction.args[0].strip("\"'")
            if "$" in written:
                return None  # only the build knows it
            if written.startswith("/"):
                workdir = written
            elif workdir is not None:
                workdir = posixpath.join(workdir, written)
            # else: relative to the base image's WORKDIR, which stays unknown
    return workdir


def building(builds: Sequence[GoBuild], program: str) -> GoBuild | None:
    """The build whose `-o` names `program`'s file (the binary the image runs), else the
    last one; None without any."""
    if not builds:
        return None
    return (named(builds, program) or list(builds))[-1]


def named(builds: Sequence[GoBuild], program: str) -> list[GoBuild]:
    """The builds whose `-o` names `program`'s file."""
    name = posixpath.basename(program)
    return [b for b in builds if name and posixpath.basename(b.output) == name]


def toolchain_line(build: GoBuild, lines: Sequence[str]) -> int:
    """The line of the last instruction before `build` (its stage and the stages it is built
    FROM, or the RUN itself) setting GOTOOLCHAIN to a Go version; 0: none."""
    own = _physical(lines, build.line, build.end_line, "GOTOOLCHAIN")
    # Line by line: a line ending in GOTOOLCHAIN and the next starting with go1.x set nothing.
    if own and any(map(_TOOLCHAIN_VERSION.search, lines[build.line - 1 : build.end_line])):
        return own
    kept = build.toolchain
    if kept is not None and not kept.startswith("$") and not _GO_VERSION_VALUE.match(kept):
        return 0  # the RUN keeps the image's own Go for this command, whatever came before
    chosen = 0
    for instruction in build.before:
        if instruction.keyword in ("ENV", "ARG", "RUN") and _TOOLCHAIN_VERSION.search(
            instruction.text
        ):
            chosen = _within(lines, instruction, "GOTOOLCHAIN") or instruction.line
        elif instruction.keyword == "ENV" and _TOOLCHAIN_KEPT.search(instruction.text):
            chosen = 0
    return chosen


def setting_line(build: GoBuild, lines: Sequence[str], name: str, flag: bool) -> int:
    """The line that set `name` for `build`: in the go build RUN itself, else the last ENV or
    ARG before it in its stages (for a flag: a GOFLAGS holding it); 0: none."""
    needles = [name] if flag else [f"{name}=", f"{name} "]
    for needle in needles:
        found = _physical(lines, build.line, build.end_line, needle)
        if found:
            return found
    chosen = 0
    for instruction in build.before:
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


@dataclass(frozen=True)
class _Arguments:
    output: str = ""
    files: tuple[str, ...] = ()
    ldflags: str | None = None
    readable: bool = True
    toolchain: str | None = None


def _arguments(instruction: Instruction) -> list[_Arguments]:
    """`-o`, `-ldflags` and the `.go` files of each go build command of the instruction (a
    heredoc's body is its script); one unreadable entry when the script cannot be read."""
    try:
        commands = simple_commands(_script(instruction))
    except Unbalanced:
        return [_Arguments(readable=False)]
    cwd = ""
    toolchain: str | None = None  # set for the commands after it (export, or a bare assignment)
    found: list[_Arguments] = []
    for command in commands:
        words = [token.text for token in command.words]
        prefix: dict[str, str] = {}
        while words and _ASSIGNMENT.match(words[0]):
            name, _, value = words[0].partition("=")
            prefix[name] = value
            words = words[1:]  # `CGO_ENABLED=0 go build ...`
        if not words or words[0] == "export":
            # `GOTOOLCHAIN=local` alone changes the variable ENV exported; `export` exports it.
            named = dict(w.partition("=")[::2] for w in words[1:] if _ASSIGNMENT.match(w))
            toolchain = {**prefix, **named}.get("GOTOOLCHAIN", toolchain)
        elif words[:1] == ["cd"] and len(words) == 2:
            cwd = posixpath.join(cwd, words[1])
        elif words[:2] == ["go", "build"]:
            arguments = _go_build_arguments(words[2:], cwd)
            found.append(replace(arguments, toolchain=prefix.get("GOTOOLCHAIN", toolchain)))
    return found or [_Arguments(readable=False)]


def _script(instruction: Instruction) -> str:
    """The RUN's command as a shell script: a heredoc's body, the shell form as written, or the
    exec (JSON) form's words quoted so that each stays one word."""
    if instruction.heredocs:
        return "\n".join(heredoc.content for heredoc in instruction.heredocs)
    return shlex.join(instruction.args) if instruction.json else "".join(instruction.args)


def _go_build_arguments(words: list[str], cwd: str) -> _Arguments:
    output = ""
    ldflags: str | None = None
    files: list[str] = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in ("-o", "--o"):
            output = following
        elif word.startswith(("-o=", "--o=")):
            output = word.split("=", 1)[1]
        elif word in ("-ldflags", "--ldflags"):
            ldflags = following
        elif word.startswith(("-ldflags=", "--ldflags=")):
            ldflags = word.split("=", 1)[1]
        elif word.endswith(".go") and not word.startswith("-"):
            files.append(posixpath.normpath(posixpath.join(cwd, word)))
    return _Arguments(output, tuple(sorted(files)), ldflags)


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
