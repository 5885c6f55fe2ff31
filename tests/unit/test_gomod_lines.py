"""go.mod's `go` and `toolchain` lines (gofacts/gomod_pins.py). Where cmd/go 1.26.8 reads a
line (`go mod edit -json`), this reader reads the same version; where it refuses one (`go
go1.22`, `go 1`, `toolchain 1.22.0`), so does this reader, with a sentence that says how to fix
it."""

from __future__ import annotations

import pytest

from pytest_goimage.errors import GoModError
from pytest_goimage.gofacts.gomod_pins import gomod_pins


def pins(text: str) -> list[str] | str:
    try:
        found = gomod_pins(text, "go.mod")
    except GoModError as refused:
        return f"GoModError: {refused}"
    return [
        f"line {pin.line} {pin.source}: {pin.raw!r} -> {pin.version} "
        f"resolved {pin.resolved!r}" + (f" note {pin.note!r}" if pin.note else "")
        for pin in found
    ]


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("module m\n\ngo 1.22\n", ["line 3 go.mod go: '1.22' -> 1.22 resolved '1.22'"]),
        (
            "module m\ngo 1.22rc1 // x\ntoolchain go1.22.0-bigcorp\n",
            [
                "line 2 go.mod go: '1.22rc1' -> 1.22rc1 resolved '1.22rc1'",
                "line 3 go.mod toolchain: 'go1.22.0-bigcorp' -> 1.22.0 resolved '1.22.0'",
            ],
        ),
        (
            "module m\ngo 1.21\ntoolchain go1.22.0+auto\n",
            [
                "line 2 go.mod go: '1.21' -> 1.21 resolved '1.21'",
                "line 3 go.mod toolchain: 'go1.22.0+auto' -> 1.22.0 resolved '1.22.0'",
            ],
        ),
        (
            "module m\ngo 1.21\ntoolchain default\n",
            [
                "line 2 go.mod go: '1.21' -> 1.21 resolved '1.21'",
                "line 3 go.mod toolchain: 'default' -> None resolved '' note 'toolchain default: the go line decides'",
            ],
        ),
        (
            "module m\ngo go1.22\n",
            "GoModError: go.mod:2: `go go1.22` is not a Go version such as 1.26.0; fix go.mod.",
        ),
        (
            "module m\ngo 1\n",
            "GoModError: go.mod:2: `go 1` is not a Go version such as 1.26.0; fix go.mod.",
        ),
        (
            "module m\ntoolchain 1.22.0\ngo 1.21\n",
            "GoModError: go.mod:2: `toolchain 1.22.0` is not a Go toolchain name such as go1.26.8; fix go.mod.",
        ),
        (
            "module m\ngo 1.21\ngo 1.22\n",
            "GoModError: go.mod:3: repeated `go` line (first at line 2); keep one.",
        ),
        (
            "module m\ngo 1.21 extra\n",
            "GoModError: go.mod:2: expected `go <version>`, got 'go 1.21 extra'; fix go.mod (`go mod edit -fmt` shows the expected form).",
        ),
        (
            "module m\n",
            [
                "line 0 go.mod go: '1.16' -> 1.16 resolved '1.16' note 'no `go` line, which the go "
                "command reads as `go 1.16`'"
            ],
        ),
        (
            "module m\nrequire (\n\tgo 1.99\n)\ngo 1.21\n",
            ["line 5 go.mod go: '1.21' -> 1.21 resolved '1.21'"],
        ),
        (
            "module m\ntoolchain go1.21.3\nrequire (\n)\ngo 1.20\n",
            [
                "line 2 go.mod toolchain: 'go1.21.3' -> 1.21.3 resolved '1.21.3'",
                "line 5 go.mod go: '1.20' -> 1.20 resolved '1.20'",
            ],
        ),
        (
            "module m\n// go 1.10\ngo 1.21 // go 1.1\n",
            ["line 3 go.mod go: '1.21' -> 1.21 resolved '1.21'"],
        ),
        (
            'module m\ngo "1.21//x"\n',
            'GoModError: go.mod:2: `go "1.21//x"` is not a Go version such as 1.26.0; fix go.mod.',
        ),
        (
            "module m\ngo 1.21\ntoolchain go1.22rc1-x+y\n",
            [
                "line 2 go.mod go: '1.21' -> 1.21 resolved '1.21'",
                "line 3 go.mod toolchain: 'go1.22rc1-x+y' -> 1.22rc1 resolved '1.22rc1'",
            ],
        ),
    ],
)
def test_go_and_toolchain_lines_read_as_cmd_go_reads_them(
    text: str, read_as: list[str] | str
) -> None:
    assert pins(text) == read_as
