"""More of parity's comparison (gofacts/parity.py) on real build info: small modules built here by
the host's Go, one of them linking local modules through `replace` (no network), compared
through Dockerfiles shaped like real services' multi-stage builds."""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from pytest_goimage.gofacts.buildinfo import BuildInfo, read_build_info
from pytest_goimage.gofacts.parity import (
    LDFLAGS_UNKNOWN,
    NOT_SET,
    Binary,
    Difference,
    Group,
    compare,
    go_split,
    modules_of,
    settings_of,
)

TINY = (
    ("app/go.mod", "module example.com/tiny\n\ngo 1.26\n"),
    ("app/main.go", "package main\n\nfunc main() {}\n"),
)


def linking(
    *libs: str, required: tuple[str, ...] = ("liba", "libb")
) -> tuple[tuple[str, str], ...]:
    """example.com/app requiring local modules example.com/<lib> through `replace ../<lib>`,
    its main package importing only `libs` (so only those are linked)."""
    mod = "module example.com/app\n\ngo 1.26\n\n"
    mod += "".join(f"require example.com/{lib} v1.2.3\n" for lib in required)
    mod += "".join(f"replace example.com/{lib} v1.2.3 => ../{lib}\n" for lib in required)
    main = "package main\n\n" + "".join(f'import "example.com/{lib}"\n' for lib in libs)
    main += "\nfunc main() {\n" + "".join(f"\tprintln({lib}.V())\n" for lib in libs) + "}\n"
    files = [("app/go.mod", mod), ("app/main.go", main)]
    for lib in required:
        files.append((f"{lib}/go.mod", f"module example.com/{lib}\n\ngo 1.26\n"))
        files.append(
            (f"{lib}/{lib}.go", f'package {lib}\n\nfunc V() string {{ return "{lib}" }}\n')
        )
    return tuple(files)


@functools.cache
def _built(files: tuple[tuple[str, str], ...], flags: tuple[str, ...]) -> bytes:
    """The binary `go build` makes of `files` (the module in app/). Cached for the process:
    the Go toolchain's output does not depend on the code under test, and mutmut's forked
    runs reuse what its first run built."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, text in files:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        env = {
            **os.environ,
            "CGO_ENABLED": "0",
            "GOTOOLCHAIN": "local",
            "GOFLAGS": "-buildvcs=false -mod=mod",
        }
        out = root / "out"
        subprocess.run(
            ["go", "build", *flags, "-o", str(out), "."], cwd=root / "app", env=env, check=True
        )
        return out.read_bytes()


def built(files: tuple[tuple[str, str], ...], *flags: str) -> BuildInfo:
    info = read_build_info(_built(files, flags))
    assert info is not None
    return info


def dockerfile(go_build: str) -> str:
    return (
        "FROM golang:1.26.8-alpine AS build\nWORKDIR /src\nCOPY . .\n"
        f"RUN {go_build}\n"
        "FROM scratch\nCOPY --from=build /out/app /app\n"
    )


PLAIN = dockerfile("CGO_ENABLED=0 go build -o /out/app .")
SMALL = dockerfile("CGO_ENABLED=0 go build -ldflags='-s -w' -o /out/app .")


def test_a_build_without_ldflags_differs_from_one_with_them() -> None:
    plain, small = built(TINY), built(TINY, "-ldflags=-s -w")
    assert settings_of(plain)["-ldflags"] == NOT_SET
    groups = compare([Binary("Dockerfile", PLAIN, {}, plain), Binary("small", SMALL, {}, small)])
    assert groups == [
        Group(
            "example.com/tiny",
            ("Dockerfile", "small"),
            (
                Difference(
                    "-ldflags",
                    "-ldflags",
                    (
                        (
                            "Dockerfile",
                            NOT_SET,
                            "Dockerfile:4: RUN CGO_ENABLED=0 go build -o /out/app .",
                        ),
                        (
                            "small",
                            "-s -w",
                            "small:4: RUN CGO_ENABLED=0 go build -ldflags='-s -w' -o /out/app .",
                        ),
                    ),
                ),
            ),
        )
    ]


def test_a_trimpath_build_without_ldflags_has_them_unknown() -> None:
    assert settings_of(built(TINY, "-trimpath"))["-ldflags"] == LDFLAGS_UNKNOWN


def test_a_replaced_module_is_shown_as_what_was_linked_in_its_place() -> None:
    assert modules_of(built(linking("liba"), "-trimpath")) == {
        "example.com/liba": "../liba@(devel)"
    }


def test_a_module_linked_by_one_image_only_is_shown_as_not_linked() -> None:
    both, one = built(linking("liba", "libb")), built(linking("liba"))
    (group,) = compare([Binary("a", PLAIN, {}, both), Binary("b", PLAIN, {}, one)])
    assert group.differences == (
        Difference(
            "modules",
            "module example.com/libb",
            (
                ("a", "../libb@(devel)", "a:4: RUN CGO_ENABLED=0 go build -o /out/app ."),
                ("b", "(not linked)", "b:4: RUN CGO_ENABLED=0 go build -o /out/app ."),
            ),
        ),
    )


def test_a_program_only_one_image_builds_does_not_hide_a_pair_after_it() -> None:
    other, tiny = built(linking("liba")), built(TINY)
    groups = compare(
        [
            Binary("Dockerfile.app", PLAIN, {}, other),
            Binary("a", PLAIN, {}, tiny),
            Binary("b", PLAIN, {}, tiny),
        ]
    )
    assert groups == [Group("example.com/tiny", ("a", "b"), ())]


FAST = dockerfile("CGO_ENABLED=0 go build -trimpath {} -o /out/app .")


def test_written_ldflags_apart_by_a_tab_are_those_apart_by_a_space() -> None:
    """Go splits -ldflags at spaces, tabs and line ends alike (cmd/internal/quoted.Split)."""
    trimmed = built(TINY, "-trimpath", "-ldflags=-s -w")
    spaced = FAST.format("-ldflags='-s -w'")
    tabbed = FAST.format('-ldflags="-s\t-w"')
    groups = compare(
        [Binary("a", spaced, {}, trimmed, "/app"), Binary("b", tabbed, {}, trimmed, "/app")]
    )
    assert groups == [Group("example.com/tiny", ("a", "b"), ())]


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("", []),
        ("  \t ", []),
        ("  -s   -w  ", ["-s", "-w"]),
        ("-s\t-w\n-X\rmain.v=1", ["-s", "-w", "-X", "main.v=1"]),
        # Only ASCII space, tab and line ends separate, as in Go; a no-break space does not.
        ("\u00a0-s -w", ["\u00a0-s", "-w"]),
        ("-X 'main.a=1' -X \"main.b=2\"", ["-X", "main.a=1", "-X", "main.b=2"]),
        ("-X 'main.a=1 2' -X 'main.b=3'", ["-X", "main.a=1 2", "-X", "main.b=3"]),
        (
            "-X 'Xenon/build.v=1' -X Xenon/build.commit=abc",
            ["-X", "Xenon/build.v=1", "-X", "Xenon/build.commit=abc"],
        ),
        ("-extldflags '' -s", ["-extldflags", "", "-s"]),
        # Quoted words back to back are two words; a quote inside a word is part of it.
        ("'-s''-w'", ["-s", "-w"]),
        ("-X=main.v='1'", ["-X=main.v='1'"]),
        # Unterminated: go build refuses it; the words as written.
        ("-s -X 'main.v=1", ["-s", "-X", "'main.v=1"]),
    ],
)
def test_ldflags_split_as_go_splits_them(written: str, words: list[str]) -> None:
    assert go_split(written) == words
