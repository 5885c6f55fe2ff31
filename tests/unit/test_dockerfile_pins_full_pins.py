"""Each kind of pin gofacts/dockerfile_pins.py gives, compared whole: the file it names, its
source, the reference as written and as resolved, the note, and the ARG that carries the
version (with its line), for FROMs and `COPY --from` of the Go toolchain."""

from __future__ import annotations

from pytest_goimage.gofacts.dockerfile_pins import dockerfile_pins
from pytest_goimage.gofacts.versions import SOURCE_DOCKERFILE, Pin, parse_go_version

FILE = "build/Dockerfile"
DIGEST = "sha256:" + "0123456789abcdef" * 4
UNRESOLVED = (
    "cannot resolve {}: declare it with a default (`ARG NAME=1.26`) before the first FROM or "
    "pass it in build_args"
)


def pins_of(text: str) -> list[Pin]:
    return dockerfile_pins(text, FILE, {})


def unpinned(line: int, raw: str, note: str, resolved: str) -> Pin:
    """A pin that names no Go version: a warning with `note` as its reason."""
    return Pin(FILE, line, SOURCE_DOCKERFILE, raw, None, note, True, resolved)


def test_an_unresolved_golang_from_names_each_missing_arg() -> None:
    text = "FROM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS build\n"
    assert pins_of(text) == [
        unpinned(
            1,
            "golang:${GO_VERSION}-alpine${ALPINE_VERSION}",
            UNRESOLVED.format("GO_VERSION, ALPINE_VERSION"),
            "golang:-alpine",
        )
    ]


def test_a_golang_from_pinned_by_digest_only_names_the_digest_start() -> None:
    text = f"FROM golang@{DIGEST} AS build\n"
    assert pins_of(text) == [
        unpinned(
            1,
            f"golang@{DIGEST}",
            "pinned by digest only (sha256:0123456789ab...)",
            f"golang@{DIGEST}",
        )
    ]


def test_an_untagged_golang_image_from_an_arg_floats_with_latest() -> None:
    text = "ARG BUILDER=golang\nFROM ${BUILDER} AS build\n"
    assert pins_of(text) == [
        unpinned(
            2,
            "${BUILDER}",
            "untagged (latest); BUILDER=golang from ARG default, line 1",
            "golang",
        )
    ]


def test_a_golang_tag_without_a_version_floats_with_latest() -> None:
    text = "FROM golang:alpine AS build\n"
    assert pins_of(text) == [
        unpinned(
            1,
            "golang:alpine",
            "tag 'alpine' names no Go version, so it floats with latest",
            "golang:alpine",
        )
    ]


def test_a_literal_golang_tag_names_no_version_arg() -> None:
    text = "FROM golang:1.26.8-alpine AS build\n"
    assert pins_of(text) == [
        Pin(
            FILE,
            1,
            SOURCE_DOCKERFILE,
            "golang:1.26.8-alpine",
            parse_go_version("1.26.8"),
            "",
            False,
            "golang:1.26.8-alpine",
            version_arg="",
            version_arg_line=0,
        )
    ]


def test_every_arg_of_a_golang_from_is_noted_and_the_go_version_one_named() -> None:
    text = (
        "ARG GO_VERSION=1.26.8\n"
        "ARG ALPINE_VERSION=3.22\n"
        "FROM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS build\n"
    )
    assert pins_of(text) == [
        Pin(
            FILE,
            3,
            SOURCE_DOCKERFILE,
            "golang:${GO_VERSION}-alpine${ALPINE_VERSION}",
            parse_go_version("1.26.8"),
            "GO_VERSION=1.26.8 from ARG default, line 1; "
            "ALPINE_VERSION=3.22 from ARG default, line 2",
            False,
            "golang:1.26.8-alpine3.22",
            version_arg="GO_VERSION",
            version_arg_line=1,
        )
    ]


def test_a_lower_case_arg_carrying_the_go_version_is_named() -> None:
    text = "ARG go_version=1.26.8\nFROM golang:${go_version} AS build\n"
    assert pins_of(text) == [
        Pin(
            FILE,
            2,
            SOURCE_DOCKERFILE,
            "golang:${go_version}",
            parse_go_version("1.26.8"),
            "go_version=1.26.8 from ARG default, line 1",
            False,
            "golang:1.26.8",
            version_arg="go_version",
            version_arg_line=1,
        )
    ]


def test_copying_the_go_toolchain_from_an_arg_named_golang_image_pins_it() -> None:
    text = (
        "ARG GO_VERSION=1.26.8\n"
        "FROM alpine:3.22\n"
        "ARG GO_VERSION\n"
        "COPY --from=golang:${GO_VERSION} /usr/local/go /usr/local/go\n"
    )
    assert pins_of(text) == [
        Pin(
            FILE,
            4,
            SOURCE_DOCKERFILE,
            "golang:${GO_VERSION}",
            parse_go_version("1.26.8"),
            "GO_VERSION=1.26.8 from ARG default, line 1",
            False,
            "golang:1.26.8",
            version_arg="GO_VERSION",
            version_arg_line=1,
        )
    ]


def test_a_dollar_escaped_by_the_escape_directive_in_copy_from_is_a_dollar() -> None:
    # BuildKit's parser drops a backslash from a flag's value but keeps the escape character
    # a `# escape=` directive sets (as Windows Dockerfiles do).
    text = "# escape=`\nFROM alpine:3.22\nCOPY --from=golang:`$TAG /usr/local/go /usr/local/go\n"
    assert pins_of(text) == [
        unpinned(
            3,
            "golang:`$TAG",
            "tag '$TAG' names no Go version, so it floats with latest",
            "golang:$TAG",
        )
    ]
