"""The Go versions go.mod pins: its `go` and `toolchain` lines."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import GoModError
from .go_module import directives
from .versions import (
    SOURCE_GO,
    SOURCE_TOOLCHAIN,
    GoVersion,
    Pin,
    parse_go_version,
    read_text,
    text_lines,
)

# The go command reads a go.mod without a `go` line as `go 1.16` (the go.mod reference: "If
# the go directive is missing, go 1.16 is assumed"; `go list -m -f '{{.GoVersion}}'` prints
# 1.16 for such a module).
IMPLIED_GO = "1.16"
NO_GO_LINE = f"no `go` line, which the go command reads as `go {IMPLIED_GO}`"


def gomod_pins(text: str, file: str) -> list[Pin]:
    """The `go` and `toolchain` lines of go.mod text; GoModError if malformed. Without a `go`
    line the module needs Go 1.16, as the go command reads it: a pin at line 0 that says so."""
    pins: dict[str, Pin] = {}
    for directive in directives(text_lines(text)):
        verb, number, words = directive.verb, directive.line, directive.args
        if verb not in ("go", "toolchain"):
            continue
        source = SOURCE_GO if verb == "go" else SOURCE_TOOLCHAIN
        if len(words) != 1:
            raise GoModError(
                f"{file}:{number}: expected `{verb} <version>`, got {directive.text.strip()!r}; "
                "fix go.mod (`go mod edit -fmt` shows the expected form)."
            )
        if source in pins:
            raise GoModError(
                f"{file}:{number}: repeated `{verb}` line (first at line "
                f"{pins[source].line}); keep one."
            )
        pins[source] = _gomod_pin(file, number, source, words[0])
    if SOURCE_GO not in pins:
        implied = GoVersion.parse(IMPLIED_GO)
        pins[SOURCE_GO] = Pin(
            file, 0, SOURCE_GO, IMPLIED_GO, implied, NO_GO_LINE, resolved=IMPLIED_GO
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


def read_gomod(path: Path, file: str | None = None) -> list[Pin]:
    """gomod_pins of the file at `path`, reported as `file` (default: the path)."""
    name = file or str(path)
    return gomod_pins(read_text(path, name, GoModError), name)
