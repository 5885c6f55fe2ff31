"""The Go versions go.mod pins: its `go` and `toolchain` lines."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import GoModError
from .versions import (
    SOURCE_GO,
    SOURCE_TOOLCHAIN,
    Pin,
    parse_go_version,
    read_text,
    text_lines,
)


def gomod_pins(text: str, file: str) -> list[Pin]:
    """The `go` and `toolchain` lines of go.mod text; GoModError if malformed or without `go`."""
    pins: dict[str, Pin] = {}
    depth_line = 0  # line of the open `verb (` block, 0 when outside one
    for number, line in enumerate(text_lines(text), start=1):
        words = _strip_gomod_comment(line).split()
        if depth_line:
            if words == [")"]:
                depth_line = 0
            continue
        if not words:
            continue
        if words[-1] == "(":
            depth_line = number
            continue
        if words[0] not in ("go", "toolchain"):
            continue
        source = SOURCE_GO if words[0] == "go" else SOURCE_TOOLCHAIN
        if len(words) != 2:
            raise GoModError(
                f"{file}:{number}: expected `{words[0]} <version>`, got {line.strip()!r}; "
                "fix go.mod (`go mod edit -fmt` shows the expected form)."
            )
        if source in pins:
            raise GoModError(
                f"{file}:{number}: repeated `{words[0]}` line (first at line "
                f"{pins[source].line}); keep one."
            )
        pins[source] = _gomod_pin(file, number, source, words[1])
    if SOURCE_GO not in pins:
        raise GoModError(
            f"{file}: no `go` line, so the Go version the module needs is unknown; "
            "add one, e.g. `go mod edit -go=1.26.0`."
        )
    return sorted(pins.values(), key=lambda pin: pin.line)


def _gomod_pin(file: str, number: int, source: str, value: str) -> Pin:
    if source == SOURCE_TOOLCHAIN:
        if value == "default":
            return Pin(file, number, source, value, None, "toolchain default: the go line decides")
        # Custom toolchains carry a suffix (`go1.21.3-bigcorp`, `go1.22.0+auto`): drop it.
        version = parse_go_version(re.split(r"[-+]", value, maxsplit=1)[0])
        if version is None or not value.startswith("go") or version.precision < 2:
            raise GoModError(
                f"{file}:{number}: `toolchain {value}` is not a Go toolchain name such as "
                "go1.26.8; fix go.mod."
            )
    else:
        version = parse_go_version(value)
        if version is None or value.startswith("go") or version.precision < 2:
            raise GoModError(
                f"{file}:{number}: `go {value}` is not a Go version such as 1.26.0; fix go.mod."
            )
    return Pin(file, number, source, value, version, resolved=str(version))


def _strip_gomod_comment(line: str) -> str:
    # `//` starts a comment unless inside a quoted module path.
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in '"`':
            quote = char
        elif line.startswith("//", index):
            return line[:index]
    return line


def read_gomod(path: Path, file: str | None = None) -> list[Pin]:
    """gomod_pins of the file at `path`, reported as `file` (default: the path)."""
    name = file or str(path)
    return gomod_pins(read_text(path, name, GoModError), name)
