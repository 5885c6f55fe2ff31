"""Go version pins of a Dockerfile (gofacts/dockerfile_pins.py): ARG defaults and their quotes,
`${NAME...}` forms with nesting, escapes and the forms left unresolved, `COPY --from` of the Go
toolchain, and reading the file. Each case is one Dockerfile and the one pin it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.errors import GoImageError
from pytest_goimage.gofacts.dockerfile import parse_dockerfile
from pytest_goimage.gofacts.dockerfile_pins import dockerfile_pins, read_dockerfile, resolved_bases

UNRESOLVED = (
    "cannot resolve {}: declare it with a default (`ARG NAME=1.26`) before the first FROM or "
    "pass it in build_args"
)


def only_pin(text: str) -> tuple[str, str, str]:
    """(resolved image, version read, note) of the Dockerfile's one pin."""
    pins = dockerfile_pins(text, "Dockerfile", {})
    assert len(pins) == 1
    (pin,) = pins
    return pin.resolved, str(pin.version), pin.note


def nested_defaults(levels: int) -> str:
    """`${V1:-${V2:-...${Vn:-1.26}...}}`: each name undeclared, the innermost default 1.26."""
    text = "1.26"
    for level in range(levels, 0, -1):
        text = f"${{V{level}:-{text}}}"
    return text


@pytest.mark.parametrize(
    ("dockerfile", "pin"),
    [
        # A word that is not a name is skipped; the names after it are still declared.
        (
            "ARG GO-FLAGS=-v GO_VERSION=1.26\nFROM golang:${GO_VERSION}\n",
            ("golang:1.26", "1.26", "GO_VERSION=1.26 from ARG default, line 1"),
        ),
        (
            "ARG TARGETOS GO_VERSION=1.26\nFROM golang:${GO_VERSION}\n",
            ("golang:1.26", "1.26", "GO_VERSION=1.26 from ARG default, line 1"),
        ),
        # An empty default, bare or quoted, is set but empty: `:-` takes the default word.
        ("ARG GO_VERSION=\nFROM golang:${GO_VERSION:-1.26}\n", ("golang:1.26", "1.26", "")),
        ('ARG GO_VERSION=""\nFROM golang:${GO_VERSION:-1.26}\n', ("golang:1.26", "1.26", "")),
        # Quotes come off only in matching pairs; matching letters stay.
        (
            "ARG VARIANT=XalpineX\nFROM golang:1.26-${VARIANT}\n",
            ("golang:1.26-XalpineX", "1.26", "VARIANT=XalpineX from ARG default, line 1"),
        ),
        # An escaped dollar in a default is a dollar, not an expansion.
        (
            "ARG GO_VERSION=1.26\nARG IMAGE=golang:\\$GO_VERSION\nFROM $IMAGE\n",
            (
                "golang:$GO_VERSION",
                "None",
                "tag '$GO_VERSION' names no Go version, so it floats with latest; "
                "IMAGE=golang:$GO_VERSION from ARG default, line 2",
            ),
        ),
        # `-` without a colon: only an unset name takes the word; a set empty one stays empty.
        ("FROM golang:${GO_VERSION-1.26}\n", ("golang:1.26", "1.26", "")),
        ("ARG SUFFIX=\nFROM golang:1.26${SUFFIX--alpine}\n", ("golang:1.26", "1.26", "")),
        # `+`: the word when set, nothing when unset.
        (
            "ARG ALPINE=1\nFROM golang:1.26${ALPINE+-alpine}\n",
            ("golang:1.26-alpine", "1.26", "ALPINE=1 from ARG default, line 1"),
        ),
        ("FROM golang:1.26${ALPINE:+-alpine}\n", ("golang:1.26", "1.26", "")),
        # A default may name another ARG, with an escaped dollar inside.
        (
            "ARG DEFAULT=1.26\nFROM golang:${GO_VERSION:-${DEFAULT}}-alpine\n",
            ("golang:1.26-alpine", "1.26", "DEFAULT=1.26 from ARG default, line 1"),
        ),
        (
            "FROM golang:${GO_VERSION:-\\$TAG}\n",
            ("golang:$TAG", "None", "tag '$TAG' names no Go version, so it floats with latest"),
        ),
        # Eight nested defaults resolve; a ninth is past the nesting limit.
        (f"FROM golang:{nested_defaults(8)}\n", ("golang:1.26", "1.26", "")),
        (
            f"FROM golang:{nested_defaults(9)}\n",
            ("golang:", "None", UNRESOLVED.format("1.26")),
        ),
        # Forms that are not worth guessing are named as written and expand to nothing.
        ("FROM golang:${.V}\n", ("golang:", "None", UNRESOLVED.format("${.V}"))),
        (
            "ARG GO_VERSION=1.26.8\nFROM golang:${GO_VERSION%.*}\n",
            ("golang:", "None", UNRESOLVED.format("${GO_VERSION%.*}")),
        ),
        ("FROM golang:$GO_VERSION\n", ("golang:", "None", UNRESOLVED.format("GO_VERSION"))),
    ],
)
def test_a_golang_from_resolves_its_args(dockerfile: str, pin: tuple[str, str, str]) -> None:
    assert only_pin(dockerfile) == pin


@pytest.mark.parametrize(
    "copy",
    [
        "COPY --from=golang:1.26 /usr/local/go/bin/ /usr/local/go/bin/",
        "COPY --from=golang:1.26 /usr/local/go/bin/go /usr/local/bin/go",
        "COPY --from=golang:1.26 /etc/ssl/certs/ca-certificates.crt /usr/local/go /opt/",
    ],
)
def test_copying_the_go_toolchain_from_a_golang_image_pins_it(copy: str) -> None:
    assert only_pin(f"FROM alpine:3.22\n{copy}\n") == ("golang:1.26", "1.26", "")


def test_copying_a_folder_named_like_goroot_pins_nothing() -> None:
    text = "FROM alpine:3.22\nCOPY --from=golang:1.26 /usr/local/goX /opt/goX\n"
    assert dockerfile_pins(text, "Dockerfile", {}) == []


@pytest.mark.parametrize(
    ("dockerfile", "bases"),
    [
        ("FROM alpine:\\$TAG\n", ["alpine:$TAG"]),
        # A `${` that never closes is left unresolved, and with it the rest of the reference.
        # (Kept at the start: one later in the text made a mutant loop for ever.)
        ("FROM ${BASE_IMAGE\n", [""]),
    ],
)
def test_a_stage_base_is_resolved_as_buildkit_reads_it(dockerfile: str, bases: list[str]) -> None:
    assert resolved_bases(parse_dockerfile(dockerfile), {}) == bases


def test_a_dockerfile_read_without_a_name_is_named_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM golang:1.26.8\n", encoding="utf-8")
    assert [pin.file for pin in read_dockerfile(path, {})] == [str(path)]


def test_a_dockerfile_that_is_not_utf8_is_named_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"# caf\xe9\nFROM golang:1.26.8\n")
    with pytest.raises(GoImageError) as raised:
        read_dockerfile(path, {}, "build/Dockerfile")
    assert str(raised.value) == (
        "build/Dockerfile: not UTF-8 text (byte 0xe9 at offset 5), and Docker, Go and GitHub "
        "Actions read this file as UTF-8. Save it as UTF-8, or check that it is the file you "
        "meant."
    )
