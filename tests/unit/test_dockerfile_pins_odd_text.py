"""gofacts/dockerfile_pins.py on text a build would refuse but BuildKit's parser reads: an
empty file, a bare FROM, an instruction before the global ARGs, `${}`, an unclosed `${`, and
a `$` that starts no name. The pins are still read where they can be, and what cannot be
resolved is named as written.

Each test has a time limit: reading these forms must end, and a reader that goes back in the
text instead would loop (and grow its output) until stopped."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from types import FrameType

import pytest

from pytest_goimage.errors import DockerfileSyntaxError
from pytest_goimage.gofacts.versions import SOURCE_DOCKERFILE, Pin, parse_go_version
from tests.unit.test_dockerfile_pins_full_pins import FILE, pins_of, unpinned

LIMIT = 3.0  # seconds; each case takes well under a millisecond
UNRESOLVED = (
    "cannot resolve {}: declare it with a default (`ARG NAME=1.26`) before the first FROM or "
    "pass it in build_args"
)


@pytest.fixture(autouse=True)
def time_limit() -> Iterator[None]:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"dockerfile_pins ran past {LIMIT} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, LIMIT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_an_empty_dockerfile_is_named_without_a_line() -> None:
    with pytest.raises(DockerfileSyntaxError) as raised:
        pins_of("")
    assert str(raised.value) == (
        "build/Dockerfile: BuildKit cannot parse this Dockerfile: file with no instructions. "
        "Fix it so that `docker build` accepts it; until then no Go version can be read from it."
    )


def test_a_golang_from_after_a_bare_from_is_still_read() -> None:
    assert pins_of("FROM\nFROM golang:1.26.8 AS build\n") == [
        Pin(
            FILE,
            2,
            SOURCE_DOCKERFILE,
            "golang:1.26.8",
            parse_go_version("1.26.8"),
            resolved="golang:1.26.8",
        )
    ]


def test_a_global_arg_after_a_stray_instruction_still_resolves() -> None:
    text = "LABEL team=platform\nARG GO_VERSION=1.26.8\nFROM golang:${GO_VERSION} AS build\n"
    assert pins_of(text) == [
        Pin(
            FILE,
            3,
            SOURCE_DOCKERFILE,
            "golang:${GO_VERSION}",
            parse_go_version("1.26.8"),
            "GO_VERSION=1.26.8 from ARG default, line 2",
            resolved="golang:1.26.8",
            version_arg="GO_VERSION",
            version_arg_line=2,
        )
    ]


def test_an_empty_brace_pair_is_named_and_the_text_after_it_read() -> None:
    assert pins_of("FROM golang:1.26${}-alpine\n") == [
        unpinned(1, "golang:1.26${}-alpine", UNRESOLVED.format("${}"), "golang:1.26-alpine")
    ]


def test_an_unclosed_brace_is_named_with_the_rest_of_the_reference() -> None:
    assert pins_of("FROM golang:${GO_VERSION\n") == [
        unpinned(1, "golang:${GO_VERSION", UNRESOLVED.format("${GO_VERSION"), "golang:")
    ]


def test_a_dollar_that_starts_no_name_is_kept_as_written() -> None:
    # BuildKit keeps such a `$` too (shell/lex.go processDollar: an empty name gives "$").
    assert pins_of("FROM golang:1.26$.x\n") == [
        unpinned(
            1,
            "golang:1.26$.x",
            "cannot read a Go version from tag '1.26$.x'",
            "golang:1.26$.x",
        )
    ]
