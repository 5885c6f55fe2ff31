"""Which context files a Dockerfile takes in (gofacts/context_sources.py): the rules the older
tests left open, each on the shape a real Dockerfile writes it: ADD of a local archive, of a
git repository, a heredoc COPY, quoted sources, `src=` mounts, mounts after other flags, and
paths matched element by element."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.context_sources import context_sources, takes
from pytest_goimage.gofacts.dockerfile import parse_dockerfile


def sources(text: str) -> list[str]:
    return context_sources(parse_dockerfile(text))


def test_add_of_a_local_archive_takes_it_from_the_context() -> None:
    assert sources("FROM alpine:3.22\nADD vendor.tar.gz third_party/ /src/\n") == [
        "vendor.tar.gz",
        "third_party",
    ]


def test_add_of_a_git_repository_takes_nothing_from_the_context() -> None:
    text = (
        "FROM alpine:3.22\nADD git@github.com:example/lib.git /lib\n"
        "ADD https://github.com/example/lib.git#v1.2.0 /lib2\n"
    )
    assert sources(text) == []


def test_a_heredoc_copy_takes_nothing_from_the_context() -> None:
    text = "FROM alpine:3.22\nCOPY <<EOF /etc/app.conf\nport=8080\nEOF\n"
    assert sources(text) == []


def test_quoted_shell_form_sources_are_the_names_inside_the_quotes() -> None:
    assert sources('FROM golang:1.26.8\nCOPY "go.mod" "./go.sum" ./\n') == ["go.mod", "go.sum"]


def test_each_copy_adds_its_sources_to_the_earlier_ones() -> None:
    text = (
        "FROM golang:1.26.8\nRUN --mount=type=bind,source=tools,target=/t true\n"
        "COPY go.mod ./\nADD api.tar /src/\nRUN --mount=type=bind,source=cmd,target=/c true\n"
    )
    assert sources(text) == ["tools", "go.mod", "api.tar", "cmd"]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        # The short spelling of source=.
        ("--mount=type=bind,src=internal,target=/src/internal", ["internal"]),
        # A mount after another flag is still read.
        ("--network=none --mount=type=bind,source=cmd,target=/src/cmd", ["cmd"]),
        # Every mount of the RUN, not only the first.
        (
            "--mount=type=cache,target=/root/.cache/go-build "
            "--mount=type=bind,source=pkg,target=/src/pkg "
            "--mount=type=bind,source=cmd,target=/src/cmd",
            ["pkg", "cmd"],
        ),
        # A secret or cache mount is no context file.
        ("--mount=type=secret,id=netrc,target=/root/.netrc", []),
        ("--mount=type=cache,target=/go/pkg/mod", []),
        # Upper-case option names, as BuildKit's case-insensitive reader takes them.
        ("--mount=type=bind,SOURCE=cmd,target=/src/cmd", ["cmd"]),
    ],
)
def test_a_run_mount_takes_the_context_folder_it_binds(flags: str, expected: list[str]) -> None:
    assert sources(f"FROM golang:1.26.8\nRUN {flags} go build ./...\n") == expected


@pytest.mark.parametrize(
    ("source", "path", "taken"),
    [
        # A pattern matches a whole element, not a part of one.
        ("cmd/*", "cmd/api", True),
        ("cmd/*", "cmd/api/main.go", True),  # under a matched folder
        ("cmd/*/main.go", "cmd/api/main.go", True),
        ("cmd/*/main.go", "cmd/api/v2/main.go", False),
        ("*.go", "main.go", True),
        ("*.go", "cmd/main.go", False),
        # A named file is no folder: a longer name that starts with it is another file.
        ("go.mod", "go.mod.bak", False),
        # A source below the path: git names the folder of a changed submodule only.
        ("libs/sub/pkg", "libs/sub", True),
        ("libs/sub/pkg", "libs/su", False),
    ],
)
def test_a_path_is_taken_as_buildkit_matches_a_copy_source(
    source: str, path: str, taken: bool
) -> None:
    assert takes([source], path) is taken


def test_a_variable_in_any_source_takes_every_file() -> None:
    assert takes(["go.mod", "${SRC}"], "docs/readme.md") is True


def test_no_sources_take_nothing() -> None:
    assert takes([], "main.go") is False


def test_a_bind_mount_of_a_folder_whose_name_holds_an_equals_sign_takes_that_folder() -> None:
    """BuildKit splits each mount option at its first `=`: Hive-style `year=2026` folders."""
    text = "FROM golang:1.26.8\nRUN --mount=type=bind,source=data/year=2026,target=/d go test\n"
    assert sources(text) == ["data/year=2026"]


def test_a_source_starting_with_a_capital_x_keeps_its_name() -> None:
    assert sources("FROM alpine:3.22\nCOPY /XMLSchemas/ Xauthority /etc/\n") == [
        "XMLSchemas",
        "Xauthority",
    ]
