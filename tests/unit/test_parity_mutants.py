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
def _built(
    files: tuple[tuple[str, str], ...], flags: tuple[str, ...], environment: tuple[str, ...]
) -> bytes:
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
            **dict(setting.split("=", 1) for setting in environment),
        }
        out = root / "out"
        subprocess.run(
            ["go", "build", *flags, "-o", str(out), "."], cwd=root / "app", env=env, check=True
        )
        return out.read_bytes()


def built(files: tuple[tuple[str, str], ...], *flags: str, env: tuple[str, ...] = ()) -> BuildInfo:
    """The build info of `files` built with `flags` and `env` (`GOARCH=arm64`, `GOTOOLCHAIN=go1.27.3`,
    the one newer toolchain this machine may fetch)."""
    info = read_build_info(_built(files, flags, env))
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


def tags_row(go_build: str) -> str:
    """The cause line shown for `-tags` of an image whose go build line is `go_build`."""
    tagged = built(TINY, "-tags=netgo,osusergo")
    (group,) = compare(
        [Binary("a", PLAIN, {}, built(TINY)), Binary("b", dockerfile(go_build), {}, tagged)]
    )
    (difference,) = group.differences
    assert difference.fact == "-tags"
    return difference.rows[1][2]


def test_a_cause_line_of_the_longest_width_is_shown_whole() -> None:
    line = "CGO_ENABLED=0 go build -tags netgo,osusergo -o /bin/app ./cmd/server"
    assert len(f"RUN {line}") == 72
    assert tags_row(line) == f"b:4: RUN {line}"


def test_a_longer_cause_line_is_cut_with_an_ellipsis() -> None:
    line = "CGO_ENABLED=0 go build -tags netgo,osusergo -o /usr/bin/api ./cmd/api"
    assert tags_row(line) == (
        "b:4: RUN CGO_ENABLED=0 go build -tags netgo,osusergo -o /usr/bin/api ./cmd/a…"
    )


def test_a_cause_line_loses_its_continuation_backslash_only() -> None:
    """The -ldflags line ends `-X\\`: the words go on on the next line; the X stays."""
    stamped = built(TINY, "-ldflags=-s -w -X main.version=1.2.3")
    text = (
        "FROM golang:1.26.8-alpine AS build\nWORKDIR /src\nCOPY . .\n"
        'RUN CGO_ENABLED=0 go build -ldflags "-s -w -X\\\n'
        '    main.version=1.2.3" -o /out/app .\n'
    )
    (group,) = compare([Binary("a", PLAIN, {}, built(TINY)), Binary("b", text, {}, stamped)])
    assert group.differences == (
        Difference(
            "-ldflags",
            "-ldflags",
            (
                ("a", NOT_SET, "a:4: RUN CGO_ENABLED=0 go build -o /out/app ."),
                (
                    "b",
                    "-s -w -X main.version=1.2.3",
                    'b:4: RUN CGO_ENABLED=0 go build -ldflags "-s -w -X',
                ),
            ),
        ),
    )


NEWER = ("GOTOOLCHAIN=go1.27.3",)
ARM = (
    "FROM golang:1.26.8-alpine AS build\nWORKDIR /src\nENV GOARCH=arm64\nENV GOFLAGS=-trimpath\n"
    "COPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n"
    "FROM scratch\nCOPY --from=build /out/app /app\n"
)


def test_settings_from_env_lines_name_those_lines() -> None:
    arm = built(TINY, "-trimpath", env=("GOARCH=arm64",))
    (group,) = compare([Binary("a", PLAIN, {}, built(TINY)), Binary("b", ARM, {}, arm)])
    run = "a:4: RUN CGO_ENABLED=0 go build -o /out/app ."
    assert group.differences == (
        Difference(
            "GOARCH", "GOARCH", (("a", "amd64", run), ("b", "arm64", "b:3: ENV GOARCH=arm64"))
        ),
        Difference(
            "-trimpath",
            "-trimpath",
            (("a", NOT_SET, run), ("b", "true", "b:4: ENV GOFLAGS=-trimpath")),
        ),
    )


TOOLCHAIN = (
    "FROM golang:1.26.8-alpine AS build\nWORKDIR /src\nENV GOTOOLCHAIN=go1.27.3\nCOPY . .\n"
    "RUN CGO_ENABLED=0 go build -o /out/app .\n"
    "FROM scratch\nCOPY --from=build /out/app /app\n"
)
GO_COPIED = (
    "FROM alpine:3.22 AS build\n"
    "COPY --from=golang:1.26.8-alpine /usr/local/go /usr/local/go\n"
    "ENV PATH=/usr/local/go/bin:$PATH\nWORKDIR /src\nCOPY . .\n"
    "RUN CGO_ENABLED=0 go build -o /out/app .\n"
    "FROM golang:1.27.3-alpine AS lint\nRUN go vet ./...\n"
    "FROM scratch\nCOPY --from=build /out/app /app\n"
)


FROM_ARG = (
    "ARG GO_IMAGE\nFROM ${GO_IMAGE} AS build\nWORKDIR /src\nCOPY . .\n"
    "RUN CGO_ENABLED=0 go build -o /out/app .\n"
    "FROM golang:1.26.8-alpine AS lint\nRUN go vet ./...\n"
    "FROM scratch\nCOPY --from=build /out/app /app\n"
)


def test_the_go_version_comes_from_the_golang_image_of_the_builds_own_stage() -> None:
    """Not from the lint stage's golang image after it; also where a build arg names it."""
    newer, host = built(TINY, env=NEWER), built(TINY)
    given = {"GO_IMAGE": "golang:1.27.3-alpine"}
    (group,) = compare([Binary("c", FROM_ARG, given, newer), Binary("d", FROM_ARG, {}, host)])
    assert [row[2] for row in group.differences[0].rows] == [
        "c:2: FROM ${GO_IMAGE} AS build",
        "d:6: FROM golang:1.26.8-alpine AS lint",
    ]
    (group,) = compare([Binary("a", TOOLCHAIN, {}, newer), Binary("b", GO_COPIED, {}, host)])
    assert group.differences == (
        Difference(
            "go",
            "go",
            (
                ("a", newer.go_version, "a:3: ENV GOTOOLCHAIN=go1.27.3"),
                (
                    "b",
                    host.go_version,
                    "b:2: COPY --from=golang:1.26.8-alpine /usr/local/go /usr/local/go",
                ),
            ),
        ),
    )


INSTALLED = (
    "# syntax=docker/dockerfile:1\nFROM golang:1.26.8-alpine AS tools\n"
    "RUN go install example.com/tiny@v1.0.0\n"
    "FROM scratch\nCOPY --from=tools /go/bin/tiny /app\n"
)


def test_a_binary_no_go_build_line_made_names_its_golang_image_or_no_line() -> None:
    newer, trimmed = built(TINY, env=NEWER), built(TINY, "-trimpath")
    (group,) = compare([Binary("a", TOOLCHAIN, {}, newer), Binary("c", INSTALLED, {}, trimmed)])
    assert group.differences == (
        Difference(
            "go",
            "go",
            (
                ("a", newer.go_version, "a:3: ENV GOTOOLCHAIN=go1.27.3"),
                ("c", trimmed.go_version, "c:2: FROM golang:1.26.8-alpine AS tools"),
            ),
        ),
        Difference(
            "-trimpath",
            "-trimpath",
            (("a", NOT_SET, "a:5: RUN CGO_ENABLED=0 go build -o /out/app ."), ("c", "true", "")),
        ),
    )


TWO_RUNS = (
    "FROM golang:1.26.8-alpine AS build\nWORKDIR /src\nCOPY . .\n"
    "RUN go build -o /out/migrate ./cmd/migrate\nRUN CGO_ENABLED=0 go build -o /out/app .\n"
    "FROM scratch\nCOPY --from=build /out/app /app\n"
)
SPLIT = (
    "FROM golang:1.26.8-alpine AS build\nWORKDIR /src\nCOPY . .\n"
    "RUN CGO_ENABLED=0 go \\\n    build -o /out/app ."
)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # The go build that made the program, not the one before it.
        (TWO_RUNS, "b:5: RUN CGO_ENABLED=0 go build -o /out/app ."),
        # `go` and `build` on two lines: no line holds both, so the RUN's first line.
        (SPLIT, "b:4: RUN CGO_ENABLED=0 go"),
    ],
)
def test_a_flag_missing_from_the_build_names_its_go_build_line(text: str, line: str) -> None:
    tagged, plain = built(TINY, "-tags=netgo"), built(TINY)
    (group,) = compare([Binary("a", PLAIN, {}, tagged), Binary("b", text, {}, plain, "/app")])
    assert [(d.fact, d.rows[1]) for d in group.differences] == [("-tags", ("b", NOT_SET, line))]
