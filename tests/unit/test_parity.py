"""Parity's comparison on real build info: binaries built here by the host's Go (and by
go1.27.3, the one newer toolchain this machine may fetch) with the flags a Dockerfile would use."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path

import pytest

from pytest_goimage.config_release import PARITY_FIELDS
from pytest_goimage.gofacts.buildinfo import BuildInfo, read_build_info
from pytest_goimage.gofacts.parity import (
    FACTS,
    LDFLAGS_UNKNOWN,
    NOT_SET,
    Binary,
    Difference,
    Group,
    compare,
    compared_settings,
    table,
)
from tests.conftest import EXAMPLE

PLAIN = """\
FROM golang:1.26.8-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .
FROM scratch
COPY --from=build /out/app /app
"""
FAST = """\
FROM golang:1.26.8-alpine AS build
WORKDIR /src
ENV GOTOOLCHAIN=go1.27.3
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \\
    CGO_ENABLED=0 \\
    go build -trimpath -o /out/app .
FROM scratch
COPY --from=build /out/app /app
"""


def build(root: Path, name: str, *flags: str, toolchain: str = "local") -> BuildInfo:
    """Build the module in `root` with `flags`; its build info."""
    out = root.parent / f"{root.name}-{name}"
    env = {
        **os.environ,
        "CGO_ENABLED": "0",
        "GOTOOLCHAIN": toolchain,
        "GOFLAGS": "-buildvcs=false -mod=mod",
    }
    subprocess.run(["go", "build", *flags, "-o", str(out), "."], cwd=root, env=env, check=True)
    info = read_build_info(out.read_bytes())
    assert info is not None
    return info


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parity") / "tiny"
    root.mkdir()
    (root / "go.mod").write_text("module example.com/tiny\n\ngo 1.26\n")
    (root / "main.go").write_text("package main\n\nfunc main() {}\n")
    return root


def host_go() -> str:
    return subprocess.run(
        ["go", "env", "GOVERSION"], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_parity_ignore_names_exactly_the_facts_parity_compares() -> None:
    assert PARITY_FIELDS == FACTS


def test_the_same_program_built_alike_has_no_differences(tiny: Path) -> None:
    one, two = build(tiny, "one"), build(tiny, "two")
    groups = compare([Binary("Dockerfile", PLAIN, {}, one), Binary("b.Dockerfile", PLAIN, {}, two)])
    assert groups == [Group("example.com/tiny", ("Dockerfile", "b.Dockerfile"), ())]


def test_trimpath_and_go_version_differences_name_each_image_and_its_line(tiny: Path) -> None:
    plain = build(tiny, "plain")
    fast = build(tiny, "fast", "-trimpath", toolchain="go1.27.3")
    (group,) = compare(
        [Binary("Dockerfile", PLAIN, {}, plain), Binary("Dockerfile.fast", FAST, {}, fast)]
    )
    assert group.differences == (
        Difference(
            "go",
            "go",
            (
                ("Dockerfile", host_go(), "Dockerfile:1: FROM golang:1.26.8-alpine AS build"),
                ("Dockerfile.fast", "go1.27.3", "Dockerfile.fast:3: ENV GOTOOLCHAIN=go1.27.3"),
            ),
        ),
        Difference(
            "-trimpath",
            "-trimpath",
            (
                ("Dockerfile", NOT_SET, "Dockerfile:4: RUN CGO_ENABLED=0 go build -o /out/app ."),
                ("Dockerfile.fast", "true", "Dockerfile.fast:7: go build -trimpath -o /out/app ."),
            ),
        ),
    )
    assert table(group.differences[1]) == [
        "  -trimpath:",
        "    Dockerfile       (not set)  Dockerfile:4: RUN CGO_ENABLED=0 go build -o /out/app .",
        "    Dockerfile.fast  true       Dockerfile.fast:7: go build -trimpath -o /out/app .",
    ]


def test_an_image_of_a_target_names_its_dockerfile_s_path_and_line(tiny: Path) -> None:
    """Trial 11: `Dockerfile[dev]:4` is no file an editor opens; the row keeps the image's
    name, the line its file's path."""
    plain = build(tiny, "plain")
    fast = build(tiny, "fast", "-trimpath")
    binaries = [
        Binary("Dockerfile[dev]", PLAIN, {}, plain, file="Dockerfile"),
        Binary("Dockerfile.fast", FAST, {}, fast),
    ]
    (group,) = compare(binaries)
    trimpath = next(d for d in group.differences if d.label == "-trimpath")
    assert trimpath.rows[0] == (
        "Dockerfile[dev]",
        NOT_SET,
        "Dockerfile:4: RUN CGO_ENABLED=0 go build -o /out/app .",
    )


def test_parity_ignore_accepts_a_difference_on_purpose(tiny: Path) -> None:
    plain = build(tiny, "plain")
    tagged = build(tiny, "tagged", "-tags=netgo", "-ldflags=-s -w")
    binaries = [Binary("Dockerfile", PLAIN, {}, plain), Binary("Dockerfile.t", PLAIN, {}, tagged)]
    (group,) = compare(binaries, ignore=["-ldflags"])
    assert [(d.fact, [v for _, v, _ in d.rows]) for d in group.differences] == [
        ("-tags", [NOT_SET, "netgo"])
    ]
    assert compare(binaries, ignore=["-ldflags", "-tags"])[0].differences == ()


def test_a_setting_missing_from_the_build_line_names_the_go_build_line(tiny: Path) -> None:
    plain = build(tiny, "plain")
    tagged = build(tiny, "tagged", "-tags=netgo")
    (group,) = compare([Binary("a", FAST, {}, plain), Binary("b", FAST, {}, tagged)])
    assert group.differences[0].rows[0][2] == "a:7: go build -trimpath -o /out/app ."


def test_binaries_of_different_main_packages_are_not_compared(tiny: Path) -> None:
    info = build(tiny, "plain")
    other = dataclasses.replace(info, path="example.com/other")
    assert compare([Binary("a", PLAIN, {}, info), Binary("b", PLAIN, {}, other)]) == []


@pytest.fixture(scope="module")
def example_info(tmp_path_factory: pytest.TempPathFactory) -> BuildInfo:
    out = tmp_path_factory.mktemp("parity-example") / "api"
    env = {**os.environ, "CGO_ENABLED": "0", "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
    subprocess.run(
        ["go", "build", "-o", str(out), "./backend/cmd/api"], cwd=EXAMPLE, env=env, check=True
    )
    info = read_build_info(out.read_bytes())
    assert info is not None
    return info


def test_a_module_linked_at_another_version_is_one_row(example_info: BuildInfo) -> None:
    """The same binary's build info with one module's version changed, as a build that saw
    another go.sum would link it."""
    first, *rest = example_info.deps
    older = dataclasses.replace(
        example_info, deps=(dataclasses.replace(first, version="v0.0.1"), *rest)
    )
    (group,) = compare([Binary("a", PLAIN, {}, example_info), Binary("b", PLAIN, {}, older)])
    assert group.differences == (
        Difference(
            "modules",
            f"module {first.path}",
            (
                ("a", first.version, "a:4: RUN CGO_ENABLED=0 go build -o /out/app ."),
                ("b", "v0.0.1", "b:4: RUN CGO_ENABLED=0 go build -o /out/app ."),
            ),
        ),
    )
    assert (
        compare(
            [Binary("a", PLAIN, {}, example_info), Binary("b", PLAIN, {}, older)],
            ignore=["modules"],
        )[0].differences
        == ()
    )


def test_ldflags_that_trimpath_left_unrecorded_are_no_difference(tiny: Path) -> None:
    """Go omits -ldflags from a -trimpath build's info (golang/go#52372): unknown, not empty."""
    recorded = build(tiny, "ldflags", "-ldflags=-s -w")
    trimmed = build(tiny, "trimmed", "-trimpath", "-ldflags=-s -w")
    (group,) = compare([Binary("a", PLAIN, {}, recorded), Binary("b", FAST, {}, trimmed)])
    assert [d.fact for d in group.differences] == ["-trimpath"]
    other = build(tiny, "other-ldflags", "-ldflags=-s")
    (group,) = compare(
        [
            Binary("a", PLAIN, {}, recorded),
            Binary("b", FAST, {}, trimmed),
            Binary("c", PLAIN, {}, other),
        ]
    )
    assert [[v for _, v, _ in d.rows] for d in group.differences if d.fact == "-ldflags"] == [
        ["-s -w", LDFLAGS_UNKNOWN, "-s"]
    ]


def test_ldflags_of_trimpath_builds_are_compared_as_the_go_build_lines_write_them(
    tiny: Path,
) -> None:
    """Both -trimpath: Go recorded neither's -ldflags, so the Dockerfiles' own words decide."""
    trimmed = build(tiny, "trimmed", "-trimpath", "-ldflags=-s -w")
    stamped = FAST.replace("go build -trimpath", "go build -trimpath -ldflags='-s -w -X main.v=1'")
    (group,) = compare(
        [Binary("a", FAST, {}, trimmed, "/app"), Binary("b", stamped, {}, trimmed, "/app")]
    )
    (difference,) = group.differences
    assert difference.fact == "-ldflags"
    assert [(d, v) for d, v, _ in difference.rows] == [
        ("a", "(not set) (as written)"),
        ("b", "-s -w -X main.v=1 (as written)"),
    ]
    assert (
        difference.rows[1][2]
        == "b:7: go build -trimpath -ldflags='-s -w -X main.v=1' -o /out/app ."
    )
    # The same words in both, quoted differently: Go reads them alike, so no difference.
    quoted = stamped.replace("-ldflags='-s -w -X main.v=1'", "-ldflags=\"-s -w -X 'main.v=1'\"")
    assert quoted != stamped
    assert (
        compare(
            [Binary("a", stamped, {}, trimmed, "/app"), Binary("b", quoted, {}, trimmed, "/app")]
        )[0].differences
        == ()
    )


def two_builds(first: str) -> str:
    """Two programs in one RUN: the api (the image's program) and a healthcheck helper."""
    return (
        "FROM golang:1.26.8-alpine AS build\nWORKDIR /src\nCOPY . .\n"
        f"RUN go build -trimpath {first} -o /out/api ./cmd/api && \\\n"
        "    go build -trimpath -o /out/healthcheck ./cmd/healthcheck\n"
        "FROM scratch\nCOPY --from=build /out/api /api\n"
    )


HEREDOC = (
    "# syntax=docker/dockerfile:1\nFROM golang:1.26.8-alpine\nRUN <<EOF\n"
    "go build -trimpath -ldflags='-s -w' -o /out/api ./cmd/api\nEOF\n"
)


@pytest.mark.parametrize(
    ("one", "rows"),
    [
        # The api's own go build decides, not the helper's after it in the same RUN.
        (two_builds("-ldflags='-s -w -X main.v=1.2'"), ["-s -w -X main.v=1.2 (as written)"]),
        # A variable only the build expands still differs from no -ldflags at all.
        (two_builds('-ldflags="-X main.v=${VERSION}"'), ["-X main.v=${VERSION} (as written)"]),
        # A script that cannot be read: unknown.
        (two_builds("-ldflags='-s"), None),
        # In a heredoc, the body is the script.
        (HEREDOC, ["-s -w (as written)"]),
    ],
)
def test_written_ldflags_come_from_the_go_build_that_made_the_program(
    tiny: Path, one: str, rows: list[str] | None
) -> None:
    trimmed = build(tiny, "trimmed", "-trimpath")
    (group,) = compare(
        [Binary("a", one, {}, trimmed, "/api"), Binary("b", two_builds(""), {}, trimmed, "/api")]
    )
    found = [[v for _, v, _ in d.rows] for d in group.differences if d.fact == "-ldflags"]
    assert found == ([[*rows, "(not set) (as written)"]] if rows is not None else [])


def stamped_build(ldflags: str, before: str = "") -> str:
    return (
        f"FROM golang:1.26.8-alpine AS build\nWORKDIR /src\n{before}COPY . .\n"
        f'RUN go build -trimpath -ldflags "{ldflags}" -o /out/api ./cmd/api\n'
        "FROM scratch\nCOPY --from=build /out/api /api\n"
    )


VERSIONED = stamped_build("-s -w -X main.version=${VERSION}", "ARG VERSION=1.0\n")


@pytest.mark.parametrize(
    ("first", "build_args", "second", "rows"),
    [
        # build_args set the version, as the plugin builds it: compared as built.
        (
            VERSIONED,
            {"VERSION": "2.3.4"},
            stamped_build("-X main.version=debug"),
            ["-s -w -X main.version=2.3.4 (as written)", "-X main.version=debug (as written)"],
        ),
        (VERSIONED, {"VERSION": "2.3.4"}, stamped_build("-s -w -X main.version=2.3.4"), []),
        # Without build_args, the ARG's default.
        (VERSIONED, {}, stamped_build("-s -w -X main.version=1.0"), []),
        # An ENV of the builder stage.
        (
            stamped_build("$LDFLAGS", 'ENV LDFLAGS="-s -w"\n'),
            {},
            stamped_build("-s -w -X main.version=1"),
            ["-s -w (as written)", "-s -w -X main.version=1 (as written)"],
        ),
        # Unknown here (only CI passes it): different only where no value could make them
        # alike; `-s -w` on one side only is such a difference.
        (
            stamped_build("-s -w -X main.version=${VERSION}", "ARG VERSION\n"),
            {},
            stamped_build("-X main.version=debug"),
            ["-s -w -X main.version=${VERSION} (as written)", "-X main.version=debug (as written)"],
        ),
        (
            stamped_build("-s -w -X main.version=${VERSION}", "ARG VERSION\n"),
            {},
            stamped_build("-s -w -X main.version=debug"),
            [],
        ),
        # The script sets it itself: not the ARG's value, unknown here.
        (
            VERSIONED.replace("RUN go build", "RUN VERSION=$(cat VERSION) && go build"),
            {},
            stamped_build("-s -w -X main.version=1.4.0"),
            [],
        ),
        # In single quotes the shell expands nothing: the binary holds `${VERSION}` itself.
        (
            VERSIONED.replace(
                '-ldflags "-s -w -X main.version=${VERSION}"',
                "-ldflags '-s -w -X main.version=${VERSION}'",
            ),
            {},
            stamped_build("-s -w -X main.version=1.0"),
            [
                "-s -w -X main.version=${VERSION} (as written)",
                "-s -w -X main.version=1.0 (as written)",
            ],
        ),
        # The later of an ENV and an ARG of the same name sets it, as BuildKit does (a user
        # trial: `ENV VERSION=dev` in the base stage, `ARG VERSION` in the builder, and
        # build_args VERSION: the binary said the build argument's, parity said `dev`).
        (
            stamped_build("-X main.version=${VERSION}", "ENV VERSION=1.0\nARG VERSION\n"),
            {"VERSION": "2.0"},
            stamped_build("-X main.version=1.0"),
            ["-X main.version=2.0 (as written)", "-X main.version=1.0 (as written)"],
        ),
        (
            stamped_build("-X main.version=${VERSION}", "ENV VERSION=1.0\nARG VERSION\n"),
            {},  # no default, nothing passed: the ENV's value stays
            stamped_build("-X main.version=1.0"),
            [],
        ),
        (
            stamped_build("-X main.version=${VERSION}", "ARG VERSION\nENV VERSION=1.0\n"),
            {"VERSION": "2.0"},
            stamped_build("-X main.version=1.0"),
            [],
        ),
        # Both unknown, and still no value makes them alike.
        (
            stamped_build("-s -w -X main.version=${VERSION}", "ARG VERSION\n"),
            {},
            stamped_build("-X main.version=${VERSION}", "ARG VERSION\n"),
            [
                "-s -w -X main.version=${VERSION} (as written)",
                "-X main.version=${VERSION} (as written)",
            ],
        ),
    ],
    ids=[
        "build-args",
        "build-args-alike",
        "arg-default",
        "env",
        "unknown-differs",
        "unknown",
        "set-by-the-script",
        "single-quoted",
        "arg-after-env",
        "arg-after-env-not-passed",
        "env-after-arg",
        "both-unknown-differ",
    ],
)
def test_ldflags_variables_are_expanded_as_the_build_expands_them(
    tiny: Path, first: str, build_args: dict[str, str], second: str, rows: list[str]
) -> None:
    """The usual version stamp, `-X main.version=${VERSION}`: Go records no -ldflags under
    -trimpath, so they are compared as written, with what the Dockerfile sets expanded."""
    trimmed = build(tiny, "trimmed", "-trimpath")
    (group,) = compare(
        [Binary("a", first, build_args, trimmed, "/api"), Binary("b", second, {}, trimmed, "/api")]
    )
    found = [[v for _, v, _ in d.rows] for d in group.differences if d.fact == "-ldflags"]
    assert found == ([rows] if rows else [])


def test_agreeing_trimpath_images_show_their_ldflags_as_written(tiny: Path) -> None:
    """A user trial: parity passed two -trimpath images whose written -ldflags it had compared,
    and its message said `-ldflags=(not recorded under -trimpath)` as if it had not."""
    trimmed = build(tiny, "trimmed", "-trimpath")
    dockerfile = stamped_build("-s -w -X main.version=${VERSION}", "ARG VERSION=1.0\n")
    members = [Binary(name, dockerfile, {}, trimmed, "/api") for name in ("a", "b")]
    assert [facts["-ldflags"] for facts in compared_settings(members)] == [
        "-s -w -X main.version=1.0 (as written)"
    ] * 2


TWO_TARGETS = """\
FROM golang:1.26.8-alpine AS base
WORKDIR /src
COPY . .

FROM base AS dev
RUN go build -trimpath \\
    -o /usr/local/bin/app .
ENTRYPOINT ["/usr/local/bin/app"]

FROM base AS build
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" \\
    -o /app .

FROM scratch AS prod
COPY --from=build /app /app
ENTRYPOINT ["/app"]
"""


def test_two_targets_building_programs_of_one_name_compare_their_own_go_builds(
    tiny: Path,
) -> None:
    """dev and prod of one Dockerfile both make a program named `app` (trial 13, F1): each
    image's -ldflags are its own target's go build's, so the difference shows, with dev's
    own line; before, both matched prod's build by the name and dev's -ldflags went
    unread: a false pass."""
    trimmed = build(tiny, "two-targets", "-trimpath")
    binaries = [
        Binary(
            "Dockerfile[dev]", TWO_TARGETS, {}, trimmed, "/usr/local/bin/app", "Dockerfile", "dev"
        ),
        Binary("Dockerfile[prod]", TWO_TARGETS, {}, trimmed, "/app", "Dockerfile", "prod"),
    ]
    (group,) = compare(binaries)
    (difference,) = group.differences
    assert difference.fact == "-ldflags"
    assert difference.rows == (
        ("Dockerfile[dev]", "(not set) (as written)", "Dockerfile:6: RUN go build -trimpath"),
        (
            "Dockerfile[prod]",
            "-s -w (as written)",
            'Dockerfile:11: RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w"',
        ),
    )


def test_a_build_into_a_folder_is_compared_with_one_that_names_the_program(tiny: Path) -> None:
    """Trial 15: `-o /out/ ./cmd/...` builds every command of the repository; its -ldflags
    were taken as unknown, and parity passed a debug image stamped otherwise."""
    several = stamped_build("-s -w -X main.version=1.0").replace(
        "-o /out/api ./cmd/api", "-o /out/ ./cmd/..."
    )
    trimmed = build(tiny, "trimmed", "-trimpath")
    (group,) = compare(
        [
            Binary("a", several, {}, trimmed, "/api"),
            Binary("b", stamped_build("-X main.version=1.0-debug"), {}, trimmed, "/api"),
        ]
    )
    found = [[v for _, v, _ in d.rows] for d in group.differences if d.fact == "-ldflags"]
    assert found == [
        ["-s -w -X main.version=1.0 (as written)", "-X main.version=1.0-debug (as written)"]
    ]
