"""go.mod's `go` and `toolchain` lines (gofacts/gomod_pins.py): line numbers after a byte-order
mark, blank lines or carriage returns, the `toolchain default` pin, and comments after quoted
module paths that end in `(` without opening a block."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.gomod_pins import gomod_pins


def pins(text: str) -> list[tuple[str, int, str, str, str]]:
    return [(p.file, p.line, p.source, str(p.version), p.note) for p in gomod_pins(text, "go.mod")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\ufeffgo 1.26.0\n", [("go.mod", 1, "go.mod go", "1.26.0", "")]),
        ("\n\nmodule example.com/app\n\ngo 1.26.0\n", [("go.mod", 5, "go.mod go", "1.26.0", "")]),
        (
            "module example.com/app\r\rgo 1.26.0\rtoolchain go1.26.8\r",
            [
                ("go.mod", 3, "go.mod go", "1.26.0", ""),
                ("go.mod", 4, "go.mod toolchain", "1.26.8", ""),
            ],
        ),
        (
            "go 1.26.0\ntoolchain default\n",
            [
                ("go.mod", 1, "go.mod go", "1.26.0", ""),
                ("go.mod", 2, "go.mod toolchain", "None", "toolchain default: the go line decides"),
            ],
        ),
        # The comment after a quoted path, or after a path with capitals, is a comment: its
        # `(` opens no block, so the `go` line after it is read.
        (
            'module example.com/app\n\nrequire "example.com/lib" v1.0.0 // see (\ngo 1.26.0\n',
            [("go.mod", 4, "go.mod go", "1.26.0", "")],
        ),
        (
            "module example.com/app\n\nrequire github.com/Xe/x v1.2.0 // see (\ngo 1.26.0\n",
            [("go.mod", 4, "go.mod go", "1.26.0", "")],
        ),
    ],
)
def test_go_mod_lines_are_read_where_go_reads_them(
    text: str, expected: list[tuple[str, int, str, str, str]]
) -> None:
    assert pins(text) == expected
