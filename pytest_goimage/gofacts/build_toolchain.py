"""The GOTOOLCHAIN a Dockerfile's `go build` runs with, as Go and BuildKit decide it: the
environment variable (the RUN's own setting, else the last ENV of its stages or ARG of its own
stage or of a parent stage where no ENV sets it, the golang image's `local` first), else what
`go env -w` wrote, else $GOROOT/go.env's `auto`; and the line that chose it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .dockerfile import Instruction
from .go_build_command import GoBuild, go_env_written, physical, unquoted, within

# GOTOOLCHAIN `local` keeps the image's own Go (what its FROM line shows); any other value
# (`go1.27.1`, `go1.27.1+auto`, `auto`, `path`) lets that setting choose: a version, or go.mod's.
# Empty is unset: Go then reads `go env -w`'s file, else $GOROOT/go.env, which says `auto`.
_OWN_GO = "local"
_GO_ENV_DEFAULT = "auto"  # what $GOROOT/go.env of a Go release sets
# A version assigned in a RUN's text: the rule for a go build whose script cannot be read.
_TOOLCHAIN_VERSION = re.compile(r"""\bGOTOOLCHAIN(?:=|\s+)["']?go\d""")
# Where a RUN sets GOTOOLCHAIN (not where it reads `$GOTOOLCHAIN`).
_SETS_TOOLCHAIN = re.compile(r"(?<![$\w{])GOTOOLCHAIN\b")


def toolchain_line(
    build: GoBuild,
    lines: Sequence[str],
    build_args: Mapping[str, str] | None = None,
    global_default: str | None = None,
) -> int:
    """The line whose GOTOOLCHAIN setting chose the Go `build` runs with (toolchain_choice); 0
    where the image's own Go (its FROM line) runs, or go.mod's line under $GOROOT/go.env's
    `auto` with nothing in the Dockerfile setting it."""
    value, line = toolchain_choice(build, lines, build_args, global_default)
    return 0 if value == _OWN_GO else line


def toolchain_choice(
    build: GoBuild,
    lines: Sequence[str],
    build_args: Mapping[str, str] | None = None,
    global_default: str | None = None,
) -> tuple[str | None, int]:
    """The GOTOOLCHAIN `build` runs with, as Go reads it, and the line that set it (0: none
    in the Dockerfile): the environment variable (set in the RUN itself by a prefix, `env` or
    an export; else by the last ENV of its stages or ARG of its own stage, whichever comes
    later, the official golang image's own `local` first; an ARG of a stage it is built FROM
    counts where no ENV, nor that image, sets the variable), and where that is unset or empty,
    what `go env -w` wrote, else $GOROOT/go.env's `auto`. The value is None where the RUN's
    script cannot be read but its text assigns a version.

    BuildKit puts a stage's ARG into the environment of the RUNs after it, over an earlier
    ENV of the same name, the base image's too (`ENV X=env` then `ARG X=arg`: the RUN sees
    `arg`); an ENV after the ARG wins. `build_args` (--build-arg) replaces an ARG's default,
    and an ARG without a default takes the global `ARG GOTOOLCHAIN=...` before the first FROM
    (`global_default`), else sets the variable only when they pass it (None: not known, and
    such an ARG's value is "$")."""
    if not build.readable:  # a script that cannot be read: a version written in its text
        number = physical(lines, build.line, build.end_line, _TOOLCHAIN_VERSION)
        if number:
            return None, number
    passed = build_args.get("GOTOOLCHAIN") if build_args is not None else None
    variable: tuple[str, int] | None = (_OWN_GO, 0) if build.golang_base else None
    written = None
    for index, instruction in enumerate(build.before):
        value = _set_by(instruction)
        if value is None:
            continue
        line = within(lines, instruction, "GOTOOLCHAIN") or instruction.line
        if instruction.keyword == "ENV":
            variable = (value, line)
        elif (
            instruction.keyword == "ARG"
            and build.arg_applies(index, "GOTOOLCHAIN")
            and (index >= build.stage_begins or not build.golang_base)
        ):
            # An ARG counts in its own stage, and in the stages built FROM it where no ENV
            # (the golang image's `local` either) sets the variable.
            if passed is not None:
                variable = (passed, line)
            elif value == "$" and global_default is not None:
                variable = (global_default, line)
            elif value != "$" or build_args is None:
                # Without a default an ARG is what --build-arg passes ("$" where that is not
                # known); known not to be passed, it leaves the variable as it was.
                variable = (value, line)
        elif instruction.keyword == "RUN":
            written = (value, line)
    own = build.toolchain
    if own is not None and own not in ("$GOTOOLCHAIN", "${GOTOOLCHAIN}"):
        variable = (
            own,
            physical(lines, build.line, build.end_line, _SETS_TOOLCHAIN) or build.line,
        )
    if variable is not None and variable[0] != "":
        return variable
    # Unset or empty: go env's file decides, else $GOROOT/go.env's `auto` lets go.mod decide,
    # which the line that unset it allowed.
    if build.go_env is not None:
        written = (build.go_env, physical(lines, build.line, build.end_line, "go env"))
    if written is not None and written[0] not in ("", _OWN_GO):
        return written
    if written is not None:
        return (_OWN_GO, 0) if written[0] == _OWN_GO else (_GO_ENV_DEFAULT, 0)
    return _GO_ENV_DEFAULT, variable[1] if variable is not None else 0


def unheeded_go_env(
    build: GoBuild,
    lines: Sequence[str],
    build_args: Mapping[str, str] | None = None,
    global_default: str | None = None,
) -> tuple[str, int, str] | None:
    """The value and line of a `go env -w GOTOOLCHAIN=...` that `build` does not run with,
    and the value it runs with instead: the environment variable (the golang image's own
    `local`, an ENV or ARG) wins over go env's file. None where none was written or it
    applies."""
    chosen, _ = toolchain_choice(build, lines, build_args, global_default)
    written = None
    for instruction in build.before:
        value = _set_by(instruction) if instruction.keyword == "RUN" else None
        if value is not None:
            written = (value, within(lines, instruction, "go env") or instruction.line)
    if build.go_env is not None:
        written = (build.go_env, physical(lines, build.line, build.end_line, "go env"))
    if written is None or chosen is None or written[0] in ("", chosen):
        return None
    return written[0], written[1], chosen


def _set_by(instruction: Instruction) -> str | None:
    """The GOTOOLCHAIN value an ENV or ARG sets (quotes removed; an ARG without a default is
    whatever --build-arg passes: "$"), or a RUN writes with `go env -w`; None: it sets none."""
    found: str | None = None
    if instruction.keyword == "ENV":
        pairs = instruction.args
        for name, value in zip(pairs[::2], pairs[1::2], strict=False):
            if name == "GOTOOLCHAIN":
                found = unquoted(value)
    elif instruction.keyword == "ARG":
        for declared in instruction.args:
            name, given, value = declared.partition("=")
            if name == "GOTOOLCHAIN":
                found = unquoted(value) if given else "$"
    elif instruction.keyword == "RUN":
        found = go_env_written(instruction)
    return found
