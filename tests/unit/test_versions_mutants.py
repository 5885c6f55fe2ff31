"""Go versions and their pins (gofacts/versions.py): ordering of equal versions, which go.mod
line a tie cites, the message when go.mod gave no `go` line, the advice for an image written
through a default, the multi-line messages, where an image reference's tag starts, what a
parsed version holds, and a go.mod read under a locale that is not UTF-8, over pins read from
real go.mod and Dockerfile text."""

from __future__ import annotations

import locale
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pytest_goimage.errors import GoModError
from pytest_goimage.gofacts.dockerfile_pins import dockerfile_pins
from pytest_goimage.gofacts.gomod_pins import gomod_pins, read_gomod
from pytest_goimage.gofacts.unpinned_warnings import format_unpinned_group, unpinned_groups
from pytest_goimage.gofacts.versions import (
    SOURCE_CI_BUILD,
    SOURCE_TOOLCHAIN,
    GoVersion,
    Pin,
    format_ignored,
    format_misalignment,
    format_unpinned,
    misaligned,
    required_pin,
    required_version,
    text_lines,
    unpinned,
)

GO_MOD = gomod_pins("module example.com/app\n\ngo 1.26.0\n", "go.mod")
DOCKERFILE = dockerfile_pins(
    "FROM golang:1.22 AS build\n"
    "FROM golang:1.24-alpine AS test\n"
    "FROM golang:${GO_VERSION:-1.25}-alpine\n"
    "FROM golang:latest\n"
    "FROM golang\n",
    "Dockerfile",
    {},
)
PINS = GO_MOD + DOCKERFILE


@pytest.mark.parametrize("text", ["1.26", "1.26.8", "1.26rc1"])
def test_a_version_compares_with_itself_as_equal(text: str) -> None:
    version, same = GoVersion.parse(text), GoVersion.parse(text)
    assert (version < same, version > same, version <= same, version >= same) == (
        False,
        False,
        True,
        True,
    )


def test_a_tie_between_go_and_toolchain_cites_the_toolchain_line() -> None:
    pins = gomod_pins("module m\n\ngo 1.24.0\ntoolchain go1.24.0\n", "go.mod")
    assert (required_pin(pins).source, required_pin(pins).line) == (SOURCE_TOOLCHAIN, 4)


def test_pins_without_a_go_line_say_the_required_version_is_unknown() -> None:
    with pytest.raises(GoModError) as raised:
        required_pin(DOCKERFILE)
    assert str(raised.value) == (
        "no go.mod `go` line among the pins; the required Go version is unknown."
    )


def test_each_misaligned_pin_is_one_line_with_the_image_to_use() -> None:
    bad = misaligned(PINS, required_version(PINS))
    assert format_misalignment(bad, PINS).split("\n") == [
        "Dockerfile:1: golang:1.22 names Go 1.22, go.mod requires 1.26.0 (go.mod:3 go 1.26.0) "
        "— use golang:1.26.0 or newer",
        "Dockerfile:2: golang:1.24-alpine names Go 1.24, go.mod requires 1.26.0 (go.mod:3 go "
        "1.26.0) — use golang:1.26.0-alpine or newer",
        # The image written through a `${...:-default}` is advised as it resolves.
        "Dockerfile:3: golang:${GO_VERSION:-1.25}-alpine names Go 1.25, go.mod requires 1.26.0 "
        "(go.mod:3 go 1.26.0) — use golang:1.26.0-alpine or newer",
    ]


def test_each_unpinned_image_is_one_line() -> None:
    assert format_unpinned(unpinned(PINS)).split("\n") == [
        "Dockerfile:4: golang:latest is not pinned: tag 'latest' names no Go version, so it "
        "floats with latest",
        "Dockerfile:5: golang is not pinned: untagged (latest)",
    ]


def _call(line: int, tool: str, note: str) -> Pin:
    return Pin("ci.yml", line, SOURCE_CI_BUILD, f"job a's `{tool}`", None, note, True, job="a")


def test_ci_calls_that_share_a_reason_are_one_group_at_the_first() -> None:
    """Every compose call where buildx is missing shares one reason: one warning, not one
    each. Other pins with a common note (`untagged (latest)`) stay one each."""
    compose = [
        _call(3, "docker compose build", "no buildx"),
        _call(5, "docker compose up", "no buildx"),
    ]
    bake = _call(4, "docker buildx bake", "no bake file")
    floating = unpinned(PINS)
    twins = [floating[1], replace(floating[1], line=9)]
    groups = unpinned_groups([compose[0], *twins, bake, compose[1]])
    assert groups == [[compose[0], compose[1]], [twins[0]], [twins[1]], [bake]]
    assert format_unpinned_group(groups[0]).split("\n") == [
        "2 CI builds are not pinned, all for one reason: no buildx:",
        "    ci.yml:3: job a's `docker compose build`",
        "    ci.yml:5: job a's `docker compose up`",
    ]
    assert (
        format_unpinned_group([bake])
        == format_unpinned([bake])
        == ("ci.yml:4: job a's `docker buildx bake` is not pinned: no bake file")
    )


def test_each_ignored_pin_is_one_line_with_its_reason() -> None:
    ignored = [
        replace(DOCKERFILE[0], ignored="left out by go_version_ignore entry 'Dockerfile:1'"),
        replace(DOCKERFILE[1], ignored="left out by go_version_ignore entry 'Dockerfile:2'"),
    ]
    assert format_ignored(ignored).split("\n") == [
        "Dockerfile:1: golang:1.22: left out by go_version_ignore entry 'Dockerfile:1'",
        "Dockerfile:2: golang:1.24-alpine: left out by go_version_ignore entry 'Dockerfile:2'",
    ]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("XX marks\nthe spot", ["XX marks", "the spot"]),
        ("\ufeffgo 1.26.0\r\n", ["go 1.26.0", ""]),
        ("\n\ngo 1.26.0", ["", "", "go 1.26.0"]),
        # Old Mac line ends: a lone carriage return ends a line too.
        ("module m\rgo 1.26.0\r", ["module m", "go 1.26.0", ""]),
    ],
)
def test_text_is_split_into_the_lines_an_editor_shows(text: str, lines: list[str]) -> None:
    assert text_lines(text) == lines


def test_a_registry_port_or_a_colon_before_the_last_slash_is_not_a_tag() -> None:
    # Docker reads a tag only after the last colon that no slash follows (the second image is
    # one Docker refuses, but it still names golang and no version).
    pins = dockerfile_pins(
        "FROM registry.local:5000/library/golang AS build\nFROM registry.local/team:dev/golang\n",
        "Dockerfile",
        {},
    )
    assert format_unpinned(unpinned(pins)).split("\n") == [
        "Dockerfile:1: registry.local:5000/library/golang is not pinned: untagged (latest)",
        "Dockerfile:2: registry.local/team:dev/golang is not pinned: untagged (latest)",
    ]


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("1.26.8", GoVersion(major=1, minor=26, patch=8, precision=3)),
        ("go1.26", GoVersion(major=1, minor=26, precision=2)),
        ("1.26rc2", GoVersion(major=1, minor=26, precision=2, pre="rc", pre_num=2)),
    ],
)
def test_a_parsed_version_holds_a_pre_release_number_only_for_a_pre_release(
    text: str, version: GoVersion
) -> None:
    assert GoVersion.parse(text) == version


@pytest.fixture
def ascii_locale() -> Iterator[None]:
    """LC_CTYPE=C for one test: Python's default text encoding becomes ASCII."""
    if sys.flags.utf8_mode:
        pytest.skip("Python runs in UTF-8 mode, whose default encoding ignores the locale")
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, before)


@pytest.mark.usefixtures("ascii_locale")
def test_go_mod_is_read_as_utf8_under_a_locale_that_is_not(tmp_path: Path) -> None:
    go_mod = tmp_path / "go.mod"
    go_mod.write_bytes("module example.com/cafe\n\n// Maintainer: Jos\u00e9\ngo 1.26.0\n".encode())
    assert [(p.line, str(p.version)) for p in read_gomod(go_mod, "go.mod")] == [(4, "1.26.0")]
