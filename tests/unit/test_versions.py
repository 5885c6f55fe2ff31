"""Unit tests of pytest_goimage.gofacts.versions on realistic go.mod, Dockerfile and workflow text."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_goimage.build.build_args import undeclared_build_args
from pytest_goimage.errors import DockerfileSyntaxError, GoImageError, GoModError, WorkflowError
from pytest_goimage.gofacts.ci_ignore import apply_ignore
from pytest_goimage.gofacts.dockerfile_pins import dockerfile_pins, read_dockerfile
from pytest_goimage.gofacts.gomod_pins import gomod_pins, read_gomod
from pytest_goimage.gofacts.versions import (
    POLICY_GO,
    SOURCE_DOCKERFILE,
    SOURCE_GO,
    SOURCE_SETUP_GO,
    SOURCE_SETUP_GO_FILE,
    SOURCE_TOOLCHAIN,
    GoVersion,
    Pin,
    format_misalignment,
    format_unpinned,
    misaligned,
    parse_go_version,
    required_pin,
    required_version,
    unpinned,
)
from pytest_goimage.gofacts.workflows import (
    follow_go_version_files,
    read_workflows,
    workflow_pins,
)
from tests.unit.corpus.workflows.table import CASES, GO_MOD, IGNORED, UNPINNED

CORPUS = Path(__file__).resolve().parent / "corpus" / "workflows"

EXAMPLE = Path(__file__).resolve().parents[2] / "example_project"

GOMOD_TOOLCHAIN = """\
module github.com/example/bookmark-sync

go 1.24.0

toolchain go1.24.5

require (
\tgithub.com/google/uuid v1.6.0
\tgithub.com/minio/minio-go/v7 v7.0.80 // indirect
)
"""


def v(text: str) -> GoVersion:
    return GoVersion.parse(text)


def only(pins: list[Pin]) -> Pin:
    assert len(pins) == 1, pins
    return pins[0]


# GoVersion ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("1.26", "1.26", 2),
        ("1.26.8", "1.26.8", 3),
        ("go1.26.8", "1.26.8", 3),
        ("1.26rc1", "1.26rc1", 2),
        ("1.21.0", "1.21.0", 3),
        ("go1.9beta2", "1.9beta2", 2),
        (" 1.24 ", "1.24", 2),
        ("1", "1", 1),
    ],
)
def test_parse_keeps_precision(text: str, expected: str, precision: int) -> None:
    version = GoVersion.parse(text)
    assert str(version) == expected
    assert version.precision == precision


@pytest.mark.parametrize(
    "text",
    ["", "go", "1.", "1.26.", "1.26.8.1", "v1.26", "1.26-alpine", "1.2x", "\u0661.\u0662\u0666"],
)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a Go version"):
        GoVersion.parse(text)
    assert parse_go_version(text) is None


def test_order_follows_go_releases() -> None:
    ordered = ["1.9.7", "1.21beta1", "1.21rc1", "1.21rc2", "1.21", "1.21.0", "1.21.1", "1.22"]
    versions = [v(t) for t in ordered]
    assert sorted(reversed(versions)) == versions
    assert v("1.10") > v("1.9.7")  # numeric, not lexical
    assert v("1.26.8") == v("go1.26.8")
    assert v("1.26") != v("1.26.0")  # precision is kept, and breaks the tie in ordering
    assert max(v("1.24.0"), v("1.24.5")) == v("1.24.5")


@pytest.mark.parametrize(
    ("pin", "required", "ok"),
    [
        ("1.26", "1.26.8", True),  # floats to the newest 1.26.x
        ("1.25", "1.26.8", False),
        ("1.26.7", "1.26.8", False),
        ("1.26.8", "1.26.8", True),
        ("1.26.9", "1.26.8", True),
        ("1.27", "1.26.8", True),  # newer minor: builds
        ("1.27.0", "1.26.8", True),
        ("2", "1.26.8", True),
        ("1", "1.26.8", True),  # `golang:1` floats to the newest 1.x
        ("1.24", "1.24.5", True),
        ("1.23", "1.24.5", False),
        ("1.26rc1", "1.26.0", False),  # a release candidate predates the release
        ("1.26rc2", "1.26rc1", True),
        ("1.26", "1.26rc1", True),
        ("1.21.0", "1.21", True),  # go.mod `go 1.21` means 1.21.0
        ("1.21rc1", "1.21", False),  # stricter than Go, by choice (see GoVersion docstring)
        ("1.20.14", "1.21", False),
    ],
)
def test_satisfies_at_own_precision(pin: str, required: str, ok: bool) -> None:
    assert v(pin).satisfies(v(required)) is ok


# go.mod ---------------------------------------------------------------------------------------


def test_gomod_go_and_toolchain_with_lines() -> None:
    go, toolchain = gomod_pins(GOMOD_TOOLCHAIN, "go.mod")
    assert (go.file, go.line, go.source, go.raw, go.version) == (
        "go.mod",
        3,
        SOURCE_GO,
        "1.24.0",
        v("1.24.0"),
    )
    assert (toolchain.line, toolchain.source, toolchain.raw, toolchain.version) == (
        5,
        SOURCE_TOOLCHAIN,
        "go1.24.5",
        v("1.24.5"),
    )
    assert required_version([go, toolchain]) == v("1.24.5")


def test_gomod_crlf_bom_comments_and_blocks() -> None:
    text = (
        "\ufeff// Module comment\r\n"
        'module "example.com/odd//path" // quoted path with a slash pair\r\n'
        "\r\n"
        "go 1.25 // language version\r\n"
        "require (\r\n"
        "\tgo v1.0.0 // a module literally named go must not count\r\n"
        ")\r\n"
        "toolchain go1.25.3+auto // suffix from GOTOOLCHAIN=auto\r\n"
    )
    go, toolchain = gomod_pins(text, "sub/go.mod")
    assert (go.line, go.version) == (4, v("1.25"))
    assert (toolchain.line, toolchain.raw, toolchain.version) == (8, "go1.25.3+auto", v("1.25.3"))
    assert required_version([go, toolchain]) == v("1.25.3")


def test_gomod_toolchain_default_is_not_a_requirement() -> None:
    go, toolchain = gomod_pins("module m\n\ngo 1.26.0\ntoolchain default\n", "go.mod")
    assert toolchain.version is None and "default" in toolchain.note
    assert not toolchain.unpinned
    assert required_pin([go, toolchain]) is go


def test_gomod_go_higher_than_toolchain_requires_go() -> None:
    pins = gomod_pins("module m\ngo 1.26.2\ntoolchain go1.26.0\n", "go.mod")
    assert required_version(pins) == v("1.26.2")
    assert required_pin(pins).source == SOURCE_GO


def test_gomod_only_go_line_two_components() -> None:
    assert required_version(gomod_pins("module m\ngo 1.21\n", "go.mod")) == v("1.21")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("module m\ngo 1.x\n", r"^app/go\.mod:2: `go 1\.x` is not a Go version"),
        ("module m\ngo go1.22.0\n", r"^app/go\.mod:2: `go go1\.22\.0`"),
        ("module m\ngo 1\n", r"^app/go\.mod:2: `go 1`"),
        ("module m\ngo\n", r"^app/go\.mod:2: expected `go <version>`"),
        ("module m\ngo 1.22 1.23\n", r"^app/go\.mod:2: expected `go <version>`"),
        ("module m\ngo 1.22\ngo 1.23\n", r"^app/go\.mod:3: repeated `go` line \(first at line 2\)"),
        ("module m\ngo 1.22\ntoolchain 1.22.3\n", r"^app/go\.mod:3: `toolchain 1\.22\.3`"),
    ],
)
def test_gomod_malformed(text: str, message: str) -> None:
    with pytest.raises(GoModError, match=message):
        gomod_pins(text, "app/go.mod")


def test_gomod_error_is_a_goimage_error() -> None:
    assert issubclass(GoModError, GoImageError)
    assert issubclass(WorkflowError, GoImageError)


# Dockerfile -----------------------------------------------------------------------------------

BUILDER_123 = """\
# syntax=docker/dockerfile:1.7
FROM golang:1.23-alpine AS builder
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/api ./cmd/api

FROM gcr.io/distroless/static-debian12
COPY --from=builder /out/api /api
"""


def test_builder_older_than_toolchain_is_misaligned() -> None:
    """The story: go.mod asks for toolchain go1.24.5, the builder image is still on 1.23."""
    pins = gomod_pins(GOMOD_TOOLCHAIN, "go.mod") + dockerfile_pins(
        BUILDER_123, "Dockerfile.prod", {}
    )
    required = required_version(pins)
    bad = misaligned(pins, required)
    assert [(p.file, p.line, p.raw) for p in bad] == [("Dockerfile.prod", 2, "golang:1.23-alpine")]
    assert format_misalignment(bad, pins) == (
        "Dockerfile.prod:2: golang:1.23-alpine names Go 1.23, go.mod requires 1.24.5 "
        "(go.mod:5 toolchain go1.24.5) — use golang:1.24.5-alpine or newer"
    )


def test_builder_on_floating_minor_is_aligned() -> None:
    text = BUILDER_123.replace("1.23-alpine", "1.24-alpine")
    pins = gomod_pins(GOMOD_TOOLCHAIN, "go.mod") + dockerfile_pins(text, "Dockerfile", {})
    assert misaligned(pins, required_version(pins)) == []


HIDDEN_BEHIND_ARG = """\
# Production image
ARG GO_VERSION=1.23
ARG ALPINE_VERSION=3.22

FROM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS build
RUN go build -o /out/api ./cmd/api

FROM alpine:${ALPINE_VERSION}
COPY --from=build /out/api /api
"""


def test_version_hidden_behind_arg_default() -> None:
    pin = only(dockerfile_pins(HIDDEN_BEHIND_ARG, "Dockerfile.prod", {}))
    assert (pin.line, pin.raw, pin.resolved) == (
        5,
        "golang:${GO_VERSION}-alpine${ALPINE_VERSION}",
        "golang:1.23-alpine3.22",
    )
    assert pin.version == v("1.23")
    assert "GO_VERSION=1.23 from ARG default, line 2" in pin.note
    pins = [*gomod_pins(GOMOD_TOOLCHAIN, "go.mod"), pin]
    message = format_misalignment(misaligned(pins, required_version(pins)), pins)
    assert message.startswith("Dockerfile.prod:5: golang:${GO_VERSION}-alpine${ALPINE_VERSION}")
    # The fix goes where the version is written: the ARG default, not the FROM line.
    assert message.endswith("— set `ARG GO_VERSION=1.24.5` on Dockerfile.prod:2 or newer")
    # Set from build_args instead: the fix goes there.
    pin = only(dockerfile_pins(HIDDEN_BEHIND_ARG, "Dockerfile.prod", {"GO_VERSION": "1.22"}))
    pins = [*gomod_pins(GOMOD_TOOLCHAIN, "go.mod"), pin]
    message = format_misalignment(misaligned(pins, required_version(pins)), pins)
    assert message.endswith('— set build_args GO_VERSION = "1.24.5" or newer'), message


def test_build_args_override_arg_default() -> None:
    pin = only(dockerfile_pins(HIDDEN_BEHIND_ARG, "Dockerfile.prod", {"GO_VERSION": "1.24"}))
    assert pin.version == v("1.24")
    assert "GO_VERSION=1.24 from build_args" in pin.note
    pins = [*gomod_pins(GOMOD_TOOLCHAIN, "go.mod"), pin]
    assert misaligned(pins, required_version(pins)) == []


def test_build_args_fill_an_arg_without_default() -> None:
    text = "ARG GO_VERSION\nFROM golang:$GO_VERSION\n"
    assert only(dockerfile_pins(text, "D", {"GO_VERSION": "1.26.8"})).version == v("1.26.8")


def test_unresolvable_variable_is_an_unpinned_pin() -> None:
    text = "ARG GO_VERSION\nFROM golang:${GO_VERSION}-bookworm AS build\n"
    pin = only(dockerfile_pins(text, "Dockerfile", {}))
    assert (pin.line, pin.version, pin.unpinned) == (2, None, True)
    assert "cannot resolve GO_VERSION" in pin.note


def test_build_arg_not_declared_before_from_is_ignored_as_docker_does() -> None:
    text = "FROM golang:${GO_VERSION}\nARG GO_VERSION=1.26\n"
    pin = only(dockerfile_pins(text, "Dockerfile", {"GO_VERSION": "1.26"}))
    assert pin.version is None and "GO_VERSION" in pin.note


def test_default_word_and_nested_args() -> None:
    text = (
        'ARG GO_MINOR="1.26"\n'
        "ARG BUILDER=golang:${GO_MINOR}\n"
        "FROM ${BUILDER}-alpine AS one\n"
        "FROM golang:${MISSING:-1.25.3} AS two\n"
        "FROM golang:${GO_MINOR:+1.27} AS three\n"
        "FROM golang:${GO_MINOR#1} AS four\n"
    )
    pins = dockerfile_pins(text, "D", {})
    assert [(p.line, p.version) for p in pins] == [
        (3, v("1.26")),
        (4, v("1.25.3")),
        (5, v("1.27")),
        (6, None),
    ]


@pytest.mark.parametrize(
    ("reference", "version"),
    [
        ("golang:1.26.8-alpine", "1.26.8"),
        ("golang:1.26-bookworm", "1.26"),
        ("golang:1.26rc1", "1.26rc1"),
        ("golang:1.26rc1-alpine", "1.26rc1"),
        ("golang:1.26.8-alpine3.22", "1.26.8"),
        ("golang:1-alpine", "1"),
        ("docker.io/library/golang:1.26", "1.26"),
        ("mirror.gcr.io/golang:1.26", "1.26"),
        ("registry.local:5000/golang:1.26.1", "1.26.1"),
        ("public.ecr.aws/docker/library/golang:1.26.8-bookworm", "1.26.8"),
        ("golang:1.26.8@sha256:" + "a" * 64, "1.26.8"),
        ("GOLANG:1.26", "1.26"),
    ],
)
def test_golang_references(reference: str, version: str) -> None:
    pin = only(dockerfile_pins(f"FROM {reference} AS build\n", "Dockerfile", {}))
    assert pin.version == v(version)
    assert pin.source == SOURCE_DOCKERFILE and not pin.unpinned


@pytest.mark.parametrize(
    ("reference", "note"),
    [
        ("golang@sha256:" + "b" * 64, "digest only"),
        ("golang", "untagged"),
        ("docker.io/library/golang", "untagged"),
        ("golang:latest", "names no Go version"),
        ("golang:alpine", "names no Go version"),
        ("golang:1.26.8.1", "cannot read a Go version from tag '1.26.8.1'"),
    ],
)
def test_unpinned_references(reference: str, note: str) -> None:
    pin = only(dockerfile_pins(f"FROM {reference}\n", "Dockerfile", {}))
    assert pin.version is None and pin.unpinned and note in pin.note
    pins = [*gomod_pins(GOMOD_TOOLCHAIN, "go.mod"), pin]
    assert misaligned(pins, required_version(pins)) == []  # a warning, not a failure
    assert unpinned(pins) == [pin]
    assert format_unpinned([pin]).startswith(f"Dockerfile:1: {reference} is not pinned: ")


@pytest.mark.parametrize(
    "reference",
    ["alpine:3.22", "scratch", "gcr.io/distroless/static", "golangci/golangci-lint:v1.61", "gol"],
)
def test_other_images_are_not_pins(reference: str) -> None:
    assert dockerfile_pins(f"FROM {reference}\n", "Dockerfile", {}) == []


def test_stages_continuations_comments_flags_lowercase() -> None:
    text = """\
# syntax=docker/dockerfile:1
# A comment before the first instruction

from --platform=$BUILDPLATFORM \\
    # a comment inside a continuation is dropped
    golang:1.26.8-alpine \\
    as builder
FROM builder AS tested
RUN go test ./...
FROM --platform=linux/amd64 golang:1.26-alpine AS golang
FROM golang
FROM scratch
"""
    pins = dockerfile_pins(text, "Dockerfile", {})
    # `FROM golang` names the stage called golang, not the image.
    assert [(p.line, p.raw, p.version) for p in pins] == [
        (4, "golang:1.26.8-alpine", v("1.26.8")),
        (10, "golang:1.26-alpine", v("1.26")),
    ]


def test_escape_directive_backtick() -> None:
    text = (
        "# escape=`\r\n"
        "\r\n"
        "ARG GO_VERSION=1.22 `\r\n"
        "    OTHER=C:\\tools\r\n"
        "FROM golang:${GO_VERSION}-windowsservercore-ltsc2022 `\r\n"
        "    AS build\r\n"
    )
    pin = only(dockerfile_pins(text, "Dockerfile.windows", {}))
    assert (pin.line, pin.version) == (5, v("1.22"))


def test_escape_directive_only_counts_at_the_top() -> None:
    text = "FROM alpine\n# escape=`\nFROM golang:1.26 `\n"
    # Not a directive any more: the backtick is part of the line, not a continuation.
    assert [p.line for p in dockerfile_pins(text, "D", {})] == [3]


def test_heredoc_bodies_are_not_instructions() -> None:
    text = """\
FROM golang:1.26.8 AS build
COPY <<-EOF /src/Dockerfile.generated
\tFROM golang:1.10
\tEOF
RUN <<SCRIPT
FROM golang:1.11
SCRIPT
FROM golang:1.26.8-alpine AS second
"""
    assert [p.line for p in dockerfile_pins(text, "D", {})] == [1, 8]


def test_global_args_only_before_first_from() -> None:
    text = "ARG GO_VERSION=1.26\nFROM alpine\nARG GO_VERSION=1.20\nFROM golang:${GO_VERSION}\n"
    assert only(dockerfile_pins(text, "D", {})).version == v("1.26")


def test_escaped_dollar_is_literal() -> None:
    pin = only(dockerfile_pins("ARG V=1.26\nFROM golang:\\$V\n", "D", {}))
    assert pin.version is None  # `golang:$V` literally: not a Go version


# Workflows ------------------------------------------------------------------------------------

CI_MATRIX = """\
name: ci
on: [push, pull_request]

env:
  GO_VERSION: '1.24.5'

jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        go: [ '1.23', '1.24' ]
        os: [ubuntu-latest]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - run: go test ./...
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ env.GO_VERSION }}
"""


def test_workflow_matrix_expands_to_every_value() -> None:
    pins = workflow_pins(CI_MATRIX, ".github/workflows/ci.yml")
    assert [(p.line, p.raw, p.version) for p in pins] == [
        (12, "1.23", v("1.23")),
        (12, "1.24", v("1.24")),
        (5, "1.24.5", v("1.24.5")),
    ]
    assert "matrix.go at line 12" in pins[0].note and "setup-go at line 18" in pins[0].note
    assert "env.GO_VERSION at line 5" in pins[2].note
    all_pins = gomod_pins(GOMOD_TOOLCHAIN, "go.mod") + pins
    bad = misaligned(all_pins, required_version(all_pins))
    assert [(p.file, p.line, p.raw) for p in bad] == [(".github/workflows/ci.yml", 12, "1.23")]
    assert format_misalignment(bad, all_pins).startswith(
        ".github/workflows/ci.yml:12: go-version 1.23 names Go 1.23 ("
    )
    assert format_misalignment(bad, all_pins).endswith(
        "go.mod requires 1.24.5 (go.mod:5 toolchain go1.24.5) — use go-version '1.24.5' or newer"
    )


def test_matrix_block_list_and_include_have_their_own_lines() -> None:
    text = """\
jobs:
  test:
    strategy:
      matrix:
        go-version:
          - 1.22
          - "1.23"
        include:
          - go-version: 1.24.x
    steps:
      - uses: actions/setup-go@v5
        with: {go-version: "${{ matrix.go-version }}"}
"""
    pins = workflow_pins(text, "w.yml")
    assert [(p.line, p.resolved, p.version) for p in pins] == [
        (6, "1.22", v("1.22")),
        (7, "1.23", v("1.23")),
        (9, "1.24.x", v("1.24")),
    ]


def test_float_trap_is_the_go_version_actions_asks_for() -> None:
    """Unquoted, `1.20` is the YAML number 1.2: Actions passes "1.2" and setup-go installs
    Go 1.2 (setup-go's README warns about it). Replaces test_float_trap_uses_the_written_scalar,
    which took the written 1.20 for the version."""
    text = """\
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v4
        with:
          go-version: 1.20
      - run: go build ./...
"""
    pin = only(workflow_pins(text, "w.yml"))
    assert (pin.line, pin.raw, pin.resolved, pin.version) == (7, "1.20", "1.2", v("1.2"))
    assert pin.note == (
        "unquoted 1.20 is the YAML number 1.2, which is what Actions passes on; quote it: '1.20'"
    )
    pins = [*gomod_pins("module m\n\ngo 1.20\n", "go.mod"), pin]
    assert format_misalignment(misaligned(pins, required_version(pins)), pins) == (
        "w.yml:7: go-version 1.20 names Go 1.2 (unquoted 1.20 is the YAML number 1.2, which is "
        "what Actions passes on; quote it: '1.20'), go.mod requires 1.20 (go.mod:3 go 1.20) — "
        "use go-version '1.20' or newer"
    )


def test_env_resolution_prefers_step_then_job_then_workflow() -> None:
    text = """\
env:
  GO: '1.21'
  ONLY_TOP: '1.22'
jobs:
  a:
    env:
      GO: '1.23'
    steps:
      - uses: actions/setup-go@v5
        env:
          GO: '1.24'
        with:
          go-version: ${{ env.GO }}
      - uses: actions/setup-go@v5
        with:
          go-version: ${{env.GO}}
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ env.ONLY_TOP }}
"""
    pins = workflow_pins(text, "w.yml")
    assert [(p.line, p.version) for p in pins] == [(11, v("1.24")), (7, v("1.23")), (3, v("1.22"))]


def test_job_env_from_matrix_chains() -> None:
    text = """\
jobs:
  a:
    strategy:
      matrix:
        go: ['1.25', '1.26']
    env:
      GO_VERSION: ${{ matrix.go }}
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ env.GO_VERSION }}.x
"""
    pins = workflow_pins(text, "w.yml")
    assert [(p.line, p.resolved, p.version) for p in pins] == [
        (5, "1.25.x", v("1.25")),
        (5, "1.26.x", v("1.26")),
    ]


def test_unresolvable_expressions_are_unpinned() -> None:
    text = """\
jobs:
  a:
    strategy:
      matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ vars.GO_VERSION }}
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ env.NOT_SET }}
      - uses: actions/setup-go@v5
        with:
          go-version: stable
"""
    pins = workflow_pins(text, "w.yml")
    assert [(p.line, p.version, p.unpinned) for p in pins] == [
        (8, None, True),
        (11, None, True),
        (14, None, True),
        (17, None, True),
    ]
    assert "matrix is an expression" in pins[0].note
    assert "vars.GO_VERSION" in pins[1].note
    assert "env.NOT_SET is not set" in pins[2].note
    assert "floats" in pins[3].note


def test_go_version_file() -> None:
    text = """\
jobs:
  a:
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version-file: go.mod
      - uses: actions/setup-go@v5
        with:
          go-version-file: backend/go.mod
          cache-dependency-path: backend/go.sum
      - uses: actions/setup-go@v5
        with:
          go-version-file: .go-version
      - uses: actions/setup-go@v5
"""
    pins = workflow_pins(text, "w.yml")
    assert [(p.line, p.source, p.raw, p.version, p.unpinned) for p in pins] == [
        (6, SOURCE_SETUP_GO_FILE, "go.mod", None, False),
        (9, SOURCE_SETUP_GO_FILE, "backend/go.mod", None, False),
        (13, SOURCE_SETUP_GO_FILE, ".go-version", None, True),
        (14, SOURCE_SETUP_GO, "actions/setup-go@v5", None, True),
    ]
    assert "aligned by construction" in pins[0].note
    assert "not checked" in pins[2].note


def test_go_version_file_is_followed_in_the_checkout(tmp_path: Path) -> None:
    """Only the project's own go.mod is aligned by construction: another module's go.mod
    pins the Go it requires, and a missing one stops setup-go (a failure, not trusted)."""
    (tmp_path / "go.mod").write_text("module example.com/svc\n\ngo 1.26.8\n")
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools/go.mod").write_text("module example.com/tools\n\ngo 1.22\n")
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True, exist_ok=True)  # a checkout file may be a workflow too
    (workflows / "ci.yml").write_text(
        "jobs:\n  a:\n    steps:\n"
        + "".join(
            # Each setup-go is followed by a build: a later setup-go replaces an earlier one.
            f"      - uses: actions/setup-go@v5\n        with:\n          go-version-file: {t}\n"
            "      - run: go build ./...\n"
            for t in ("go.mod", "./go.mod", "tools/go.mod", "gone/go.mod")
        )
    )
    pins = follow_go_version_files(read_workflows(tmp_path), tmp_path, tmp_path / "go.mod")
    assert [(p.line, p.version, p.unpinned) for p in pins] == [
        (6, None, False),
        (10, None, False),
        (14, v("1.22"), False),
        (18, None, False),
    ]
    assert "another module's go.mod, which requires Go 1.22" in pins[2].note
    assert pins[3].cannot_build == (
        "setup-go's go-version-file names gone/go.mod, which this repository does not hold, so "
        'setup-go stops there ("The specified go version file at: gone/go.mod does not exist") '
        "and job a never builds: point it at this module's go.mod (go.mod)"
    )
    assert [p.cannot_build for p in pins[:3]] == ["", "", ""]
    gomod = read_gomod(tmp_path / "go.mod", "go.mod")
    bad = misaligned([*gomod, *pins], required_version(gomod))
    assert bad == [pins[2]]
    assert format_misalignment(bad, [*gomod, *pins]) == (
        ".github/workflows/ci.yml:14: go-version-file tools/go.mod names Go 1.22 (follows "
        "tools/go.mod, another module's go.mod, which requires Go 1.22), go.mod requires "
        "1.26.8 (go.mod:3 go 1.26.8) — point go-version-file at the project's go.mod, or use "
        "go-version '1.26.8'"
    )


def test_a_missing_version_file_a_step_may_write_or_under_a_moved_checkout_is_unchecked(
    tmp_path: Path,
) -> None:
    """A .go-version a step may write, and a go.mod under a checkout moved into a folder
    (`path: src`), are not known to be missing: a warning, not a failure."""
    (tmp_path / "go.mod").write_text("module example.com/svc\n\ngo 1.26.8\n")
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(
        "jobs:\n"
        "  a:\n    steps:\n"
        "      - run: echo 1.26.8 > .go-version\n"
        "      - uses: actions/setup-go@v5\n        with:\n          go-version-file: .go-version\n"
        "      - run: go build ./...\n"
        "  b:\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n          path: src\n"
        "      - uses: actions/setup-go@v5\n        with:\n          go-version-file: src/go.mod\n"
        "      - run: cd src && go build ./...\n"
    )
    pins = follow_go_version_files(read_workflows(tmp_path), tmp_path, tmp_path / "go.mod")
    assert [(p.job, p.unpinned, p.cannot_build) for p in pins] == [("a", True, ""), ("b", True, "")]
    assert all("does not exist in this checkout: not checked" in p.note for p in pins)


@pytest.mark.parametrize(
    ("spec", "version"),
    [
        ("'1.24.x'", "1.24"),
        ("'~1.24.3'", "1.24"),
        ("'^1.22'", "1"),
        ("'>=1.22.0'", "1"),
        ("'1.x'", "1"),
        ("'1.21.0-rc.1'", "1.21rc1"),
        ("'go1.24.5'", "1.24.5"),
        ("1.24.5", "1.24.5"),
        ("'v1.24.5'", "1.24.5"),
    ],
)
def test_setup_go_version_specs(spec: str, version: str) -> None:
    text = f"jobs:\n  a:\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: {spec}\n"
    assert only(workflow_pins(text, "w.yml")).version == v(version)


def test_only_setup_go_steps_and_odd_shapes_are_skipped() -> None:
    text = """\
on:
  push:
jobs:
  weird: 42
  no-steps:
    runs-on: ubuntu-latest
  steps-not-list:
    steps: {uses: actions/setup-go@v5}
  reusable:
    uses: ./.github/workflows/go.yml
  real:
    steps:
      - run: echo hi
      - "a string step"
      - uses: actions/setup-gopher@v1
        with:
          go-version: '1.1'
      - uses: actions/setup-go@v5
        with: "not a mapping"
      - uses: ACTIONS/SETUP-GO@0a12ed9d6a96ab950c8f026ed9f722fe0da7ef32
        with:
          go-version: [1.22, 1.23]
"""
    pins = workflow_pins(text, "w.yml")
    assert [(p.line, p.version, p.unpinned) for p in pins] == [(18, None, True), (22, None, True)]


def test_a_yaml_alias_of_a_whole_with_block_is_followed() -> None:
    text = """\
x-setup: &setup
  go-version: '1.26.8'
jobs:
  a:
    steps:
      - uses: actions/setup-go@v5
        with: *setup
"""
    pin = only(workflow_pins(text, "w.yml"))
    assert (pin.line, pin.version) == (2, v("1.26.8"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("jobs:\n  a:\n    steps: [\n", r"^\.github/workflows/bad\.yml:4: not valid YAML"),
        ("jobs:\n\tbuild: {}\n", r"^\.github/workflows/bad\.yml:2: not valid YAML"),
        ("- just\n- a list\n", r"^\.github/workflows/bad\.yml:1: a workflow must be a mapping"),
        ("a: 1\n---\nb: 2\n", r"^\.github/workflows/bad\.yml:2: not valid YAML"),
        ("key: *undefined\n", r"^\.github/workflows/bad\.yml:1: not valid YAML"),
    ],
)
def test_malformed_workflow(text: str, message: str) -> None:
    with pytest.raises(WorkflowError, match=message):
        workflow_pins(text, ".github/workflows/bad.yml")


def test_empty_workflow_has_no_pins() -> None:
    assert workflow_pins("", "w.yml") == []
    assert workflow_pins("# only a comment\n", "w.yml") == []


# Workflows as GitHub Actions reads them -------------------------------------------------------


def _setup_go_job(matrix: str, step: str, run: str = "go test ./...") -> str:
    return (
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
        + "".join(f"        {line}\n" for line in matrix.splitlines())
        + "    steps:\n"
        + "".join(f"      {line}\n" for line in step.splitlines())
        + f"      - run: {run}\n"
    )


def test_matrix_exclude_removes_the_values_actions_never_runs() -> None:
    text = _setup_go_job(
        "go: ['1.21', '1.25']\nos: [ubuntu-latest, windows-latest]\nexclude:\n  - go: '1.21'",
        "- uses: actions/setup-go@v5\n  with: {go-version: '${{ matrix.go }}'}",
    )
    assert [(p.line, p.resolved) for p in workflow_pins(text, "w.yml")] == [(7, "1.25")]


def test_matrix_include_adds_a_combination_only_where_it_changes_an_original_value() -> None:
    text = _setup_go_job(
        "go: ['1.26']\nos: [ubuntu-latest]\ninclude:\n  - os: ubuntu-latest\n    go: '1.26'\n"
        "  - os: ubuntu-latest\n    race: true\n  - go: '1.25'",
        "- uses: actions/setup-go@v5\n  with: {go-version: '${{ matrix.go }}'}",
    )
    # The first two entries extend the one original combination; `go: '1.25'` would change
    # its original go value, so it is a combination of its own.
    assert [(p.line, p.resolved) for p in workflow_pins(text, "w.yml")] == [
        (7, "1.26"),
        (14, "1.25"),
    ]


def test_step_condition_on_the_matrix_leaves_out_tip() -> None:
    text = _setup_go_job(
        "go_version: ['1.26.x', tip]",
        "- if: matrix.go_version != 'tip'\n  uses: actions/setup-go@v5\n"
        "  with: {go-version: '${{ matrix.go_version }}'}",
    )
    pin = only(workflow_pins(text, "w.yml"))
    assert (pin.resolved, pin.version, pin.unpinned) == ("1.26.x", v("1.26"), False)


@pytest.mark.parametrize(
    ("condition", "resolved"),
    [
        ("${{ matrix.go == '1.25' }}", ["1.25"]),
        ("matrix.go == '1.25' || matrix.go == 'TIP'", ["1.25", "tip"]),  # strings ignore case
        ("${{ !(matrix.go == '1.25') }}", ["1.26", "1.27", "tip"]),
        ("matrix.go != '1.25' && matrix.go != '1.27'", ["1.26", "tip"]),
        ("github.event_name == 'push' && matrix.go == '1.99'", []),  # false whatever the event
        ("success() && matrix.go == '1.26'", ["1.26"]),
        ("false", []),
    ],
)
def test_simple_step_conditions_are_evaluated(condition: str, resolved: list[str]) -> None:
    text = _setup_go_job(
        "go: ['1.25', '1.26', '1.27', tip]",
        f"- if: {condition}\n  uses: actions/setup-go@v5\n  with: {{go-version: '${{{{ matrix.go }}}}'}}",
    )
    pins = workflow_pins(text, "w.yml")
    assert [p.resolved for p in pins] == resolved
    assert all("may run" not in p.note for p in pins)


def test_condition_that_cannot_be_evaluated_may_run_and_says_so() -> None:
    text = _setup_go_job(
        "go: ['1.26']",
        "- if: runner.os == 'Linux' && matrix.go == '1.26'\n  uses: actions/setup-go@v5\n"
        "  with: {go-version: '${{ matrix.go }}'}",
    )
    pin = only(workflow_pins(text, "w.yml"))
    assert pin.note == (
        "setup-go at line 11 via matrix.go at line 7; may run: its `if: runner.os == 'Linux' && "
        "matrix.go == '1.26'` depends on what is only known when the workflow runs (line 9)"
    )


def test_job_that_never_runs_the_go_toolchain_is_not_counted() -> None:
    """The issue's docs job: Go set up for Hugo only. Its pin is returned, but ignored."""
    pins = read_workflows_of(CORPUS / "release.docs.yml")
    pin = only(pins)
    assert (pin.file, pin.line, pin.job, pin.version) == (
        ".github/workflows/release.docs.yml",
        14,
        "docs",
        v("1.25.1"),
    )
    assert pin.ignored.startswith("not counted: job docs never runs the Go toolchain")
    gomod = gomod_pins("module m\n\ngo 1.26.2\n", "go.mod")
    assert misaligned([*gomod, pin], required_version(gomod)) == []
    assert unpinned([pin.__class__(**{**pin.__dict__, "version": None, "unpinned": True})]) == []


@pytest.mark.parametrize(
    ("run", "counted"),
    [
        ("go build ./...", True),
        ("CGO_ENABLED=0 go build -o bin/api ./cmd/api", True),
        ("go -C backend test ./...", True),
        ("cd backend && go vet ./...", True),
        ("go mod download", True),
        ("go install ./cmd/...", True),
        ("go generate ./docs", True),
        ("go install golang.org/dl/gotip@latest && gotip download", False),
        ("go run github.com/gohugoio/hugo@v0.150.0 --minify", False),
        ("go version", False),
        ("hugo --minify", False),
        ("docker build -t svc .", False),
        ("echo go build", False),
        ("# go build ./...\necho skipped", False),
        # Go tools that compile or load the module with the installed Go.
        ("gotestsum --format pkgname -- ./...", True),
        ("ginkgo -r", True),
        ("ko build ./cmd/app", True),
        ("goreleaser release --clean", True),
        ("golangci-lint run", True),
        ("staticcheck ./...", True),
        ("govulncheck ./...", True),
        ("go list -m all", True),
        ("go tool cover -html=c.out", True),
        # Not known to run no Go: counted (with a note), never silently left out.
        ("./ci/check-all", True),
        ("some-internal-tool verify", True),
    ],
)
def test_which_commands_build_the_module(run: str, counted: bool) -> None:
    text = (
        "jobs:\n  j:\n    steps:\n      - uses: actions/setup-go@v5\n"
        "        with: {go-version: '1.26'}\n      - run: |\n"
        + "".join(f"          {line}\n" for line in run.splitlines())
    )
    assert (not only(workflow_pins(text, "w.yml")).ignored) is counted


def test_make_and_scripts_count_and_say_why() -> None:
    text = (
        "jobs:\n  j:\n    steps:\n      - uses: actions/setup-go@v5\n"
        "        with: {go-version: '1.26'}\n      - run: ./scripts/ci.sh --race\n"
    )
    pin = only(workflow_pins(text, "w.yml"))
    assert not pin.ignored
    assert pin.note == (
        "counted: job j runs `./scripts/ci.sh --race` (line 6), a script whose content is not "
        "read, so it may run the Go toolchain; list the job in go_version_ignore if it does not"
    )


def test_job_under_if_false_has_no_pins() -> None:
    text = (
        "jobs:\n  j:\n    if: ${{ false }}\n    steps:\n      - uses: actions/setup-go@v5\n"
        "        with: {go-version: '1.19'}\n      - run: go test ./...\n"
    )
    assert workflow_pins(text, "w.yml") == []


def test_go_version_file_names_go_version_and_tool_versions(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/svc\n\ngo 1.26.8\n")
    (tmp_path / ".go-version").write_text("1.26.8\n")
    (tmp_path / ".tool-versions").write_text("nodejs 22.11.0\ngolang 1.25.3\n")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty/.tool-versions").write_text("nodejs 22.11.0\n")
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True, exist_ok=True)  # a checkout file may be a workflow too
    (workflows / "ci.yml").write_text(
        "jobs:\n  a:\n    steps:\n"
        + "".join(
            # v6: GOTOOLCHAIN=local, so the Go a file names is the Go the job runs.
            f"      - uses: actions/setup-go@v6\n        with:\n          go-version-file: {t}\n"
            "      - run: go build ./...\n"  # a later setup-go would replace an earlier one
            for t in (".go-version", ".tool-versions", "empty/.tool-versions")
        )
    )
    pins = follow_go_version_files(read_workflows(tmp_path), tmp_path, tmp_path / "go.mod")
    assert [(p.line, p.version, p.unpinned, p.note) for p in pins] == [
        (6, v("1.26.8"), False, "follows .go-version, which names '1.26.8'"),
        (10, v("1.25.3"), False, "follows .tool-versions:2, which names '1.25.3'"),
        (
            14,
            None,
            True,
            "follows empty/.tool-versions, which has no `golang <version>` line: not checked",
        ),
    ]
    gomod = read_gomod(tmp_path / "go.mod", "go.mod")
    assert misaligned([*gomod, *pins], required_version(gomod)) == [pins[1]]


def read_workflows_of(*files: Path) -> list[Pin]:
    """read_workflows over a checkout holding `files` in .github/workflows/."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / ".github/workflows").mkdir(parents=True)
        for file in files:
            (root / ".github/workflows" / file.name).write_bytes(file.read_bytes())
        return read_workflows(root)


@pytest.mark.parametrize("case", CASES, ids=[case.file for case in CASES])
def test_workflow_corpus(case: object, tmp_path: Path) -> None:
    """Every corpus file gives exactly the pins its table row lists (see corpus/.../table.py)."""
    from tests.unit.corpus.workflows.table import Case

    assert isinstance(case, Case)
    (tmp_path / "go.mod").write_text(GO_MOD)
    for path, content in case.checkout.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if content.startswith("corpus:"):
            content = (CORPUS / content.removeprefix("corpus:")).read_text()
        target.write_text(content)
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True, exist_ok=True)  # a checkout file may be a workflow too
    (workflows / case.file).write_bytes((CORPUS / case.file).read_bytes())
    pins = apply_ignore(
        follow_go_version_files(read_workflows(tmp_path), tmp_path, tmp_path / "go.mod"),
        case.ignore,
    )
    got = [
        (
            p.file,
            p.line,
            p.job,
            p.raw,
            None if p.version is None else str(p.version),
            IGNORED if p.ignored else UNPINNED if p.unpinned else "counted",
        )
        for p in pins
    ]
    expected = [
        (e.file or f".github/workflows/{case.file}", e.line, e.job, e.written, e.version, e.state)
        for e in case.pins
    ]
    assert got == expected
    for pin, row in zip(pins, case.pins, strict=True):
        if row.why is not None:
            assert (pin.ignored or pin.note) == row.why, (pin.line, pin.resolved)


def test_workflow_corpus_covers_every_file() -> None:
    files = sorted(p.name for p in CORPUS.glob("*.yml"))
    assert files == sorted(case.file for case in CASES)
    assert len(files) >= 20


# Go version policy ----------------------------------------------------------------------------


def test_toolchain_only_miss_says_which_line_and_that_the_build_would_succeed() -> None:
    pins = [
        *gomod_pins(GOMOD_TOOLCHAIN, "go.mod"),
        *dockerfile_pins("FROM golang:1.24.2-alpine AS build\n", "Dockerfile", {}),
    ]
    bad = misaligned(pins, required_version(pins))
    assert format_misalignment(bad, pins) == (
        "Dockerfile:1: golang:1.24.2-alpine names Go 1.24.2, go.mod requires 1.24.5 "
        "(go.mod:5 toolchain go1.24.5) — use golang:1.24.5-alpine or newer (the build itself "
        "would still succeed: go.mod:3 `go 1.24.0` is the minimum that builds, and "
        'go_version_policy = "go" in [tool.goimage] accepts pins that reach it)'
    )


def test_go_policy_requires_the_go_line() -> None:
    pins = [
        *gomod_pins(GOMOD_TOOLCHAIN, "go.mod"),
        *dockerfile_pins("FROM golang:1.24.2-alpine AS a\nFROM golang:1.23 AS b\n", "D", {}),
    ]
    assert required_version(pins, POLICY_GO) == v("1.24.0")
    assert required_pin(pins, POLICY_GO).source == SOURCE_GO
    bad = misaligned(pins, required_version(pins, POLICY_GO))
    assert format_misalignment(bad, pins, POLICY_GO) == (
        "D:2: golang:1.23 names Go 1.23, go.mod requires 1.24.0 (go.mod:3 go 1.24.0) — "
        "use golang:1.24.0 or newer"
    )


# [tool.goimage] go_version_policy and go_version_ignore, through pytest ------------------------

DOCS_WORKFLOW = (CORPUS / "release.docs.yml").read_text()
# v6 sets GOTOOLCHAIN=local: the job runs 1.26.0, not go.mod's toolchain (v5's would switch).
OLD_CI = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v6
        with:
          go-version: '1.26.0'
      - run: go test ./...
"""


def _go_project(pytester: pytest.Pytester, goimage: str, workflows: dict[str, str]) -> None:
    pytester.makefile(".toml", pyproject="[tool.goimage]\n" + goimage)
    pytester.path.joinpath("go.mod").write_text(
        "module example.com/svc\n\ngo 1.26.0\n\ntoolchain go1.26.2\n"
    )
    pytester.path.joinpath("Dockerfile").write_text(
        "FROM golang:1.26.2 AS build\nFROM scratch\nCOPY --from=build /app /app\n"
    )
    directory = pytester.path / ".github/workflows"
    directory.mkdir(parents=True)
    for name, text in workflows.items():
        (directory / name).write_text(text)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            'go_version_policy = "tool-chain"\n',
            "ERROR: *pyproject.toml: [[]tool.goimage[]] go_version_policy = 'tool-chain' is not "
            "a policy (did you mean 'toolchain'?); use \"toolchain\" (the default: pins must reach "
            'go.mod\'s toolchain line, so what is tested is what ships) or "go" (pins must '
            "reach its go line, the minimum that builds).",
        ),
        (
            "go_version_policy = 1\n",
            "ERROR: *pyproject.toml: [[]tool.goimage[]] key 'go_version_policy' must be a "
            "string, got 1 (int).",
        ),
        (
            'go_version_ignore = "docs.yml"\n',
            "ERROR: *pyproject.toml: [[]tool.goimage[]] key 'go_version_ignore' must be a list "
            'of workflow names or workflow:job pairs, such as [[]"docs.yml", "release.yml:docs"[]], '
            "got 'docs.yml'.",
        ),
        (
            'go_version_ignore = ["release.doc.yml"]\n',
            "ERROR: *pyproject.toml: [[]tool.goimage[]] go_version_ignore entry 'release.doc.yml' "
            "names no workflow under .github/workflows/ (did you mean 'release.docs.yml'?); "
            "workflows found: ci.yml, release.docs.yml. Name a workflow file, or workflow:job "
            "for one job.",
        ),
        (
            'go_version_ignore = ["release.docs.yml:doc"]\n',
            "ERROR: *pyproject.toml: [[]tool.goimage[]] go_version_ignore entry "
            "'release.docs.yml:doc': release.docs.yml has no job 'doc' (did you mean 'docs'?); "
            "its jobs are docs.",
        ),
        (
            '[[tool.goimage.image]]\ndockerfile = "Dockerfile"\ngo_version_policy = "go"\n',
            "ERROR: *pyproject.toml: unknown key 'go_version_policy' in [[][[]tool.goimage.image[]][]] #1*",
        ),
    ],
)
def test_go_version_keys_are_validated(
    pytester: pytest.Pytester, table: str, expected: str
) -> None:
    _go_project(pytester, table, {"release.docs.yml": DOCS_WORKFLOW, "ci.yml": OLD_CI})
    result = pytester.runpytest("--goimage", "-k", "go-version")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([expected])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_go_version_check_names_the_ignore_key_and_what_it_left_out(
    pytester: pytest.Pytester,
) -> None:
    """The docs job is not counted; ci.yml's test job misses the toolchain line only."""
    _go_project(pytester, "", {"release.docs.yml": DOCS_WORKFLOW, "ci.yml": OLD_CI})
    result = pytester.runpytest("--goimage", "-k", "go-version")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "[[]goimage go-version[]] Dockerfile: 1 Go version pin(s) are older than go.mod "
            "requires (Go 1.26.2):",
            ".github/workflows/ci.yml:8: go-version 1.26.0 names Go 1.26.0, go.mod requires "
            "1.26.2 (go.mod:5 toolchain go1.26.2) — use go-version '1.26.2' or newer (the build "
            "itself would still succeed: go.mod:3 `go 1.26.0` is the minimum that builds, and "
            'go_version_policy = "go" in [[]tool.goimage[]] accepts pins that reach it)',
            "A workflow job that does not build this module can be left out: add "
            '"ci.yml:test" to go_version_ignore in [[]tool.goimage[]].',
            "Not counted:",
            ".github/workflows/release.docs.yml:14: go-version 1.25.1: not counted: job docs "
            "never runs the Go toolchain on the module (every step runs a program or action "
            "that runs no Go)",
        ]
    )


@pytest.mark.parametrize(
    "table", ['go_version_policy = "go"\n', 'go_version_ignore = ["ci.yml:test"]\n']
)
def test_go_policy_or_ignore_entry_lets_the_check_pass(
    pytester: pytest.Pytester, table: str
) -> None:
    _go_project(pytester, table, {"release.docs.yml": DOCS_WORKFLOW, "ci.yml": OLD_CI})
    pytester.runpytest("--goimage", "-k", "go-version").assert_outcomes(passed=1)


def test_a_passed_go_version_names_the_pins_it_did_not_count(pytester: pytest.Pytester) -> None:
    """A gate that reads the report sees what was left out, not only a count."""
    _go_project(pytester, 'go_version_policy = "go"\n', {"release.docs.yml": DOCS_WORKFLOW})
    result = pytester.runpytest("--goimage", "-k", "go-version", "--goimage-report=r.json")
    result.assert_outcomes(passed=1)
    report = json.loads((pytester.path / "r.json").read_text())
    assert report["images"][0]["checks"]["go-version"]["message"] == (
        "3 Go version pin(s) agree with go.mod, which requires Go 1.26.0; not counted:\n"
        ".github/workflows/release.docs.yml:14: go-version 1.25.1: not counted: job docs never "
        "runs the Go toolchain on the module (every step runs a program or action that runs no Go)"
    )


def test_a_passed_go_version_does_not_count_a_pin_that_names_no_go(
    pytester: pytest.Pytester,
) -> None:
    """A setup-go whose version only the run knows agrees with nothing: the pass message (what
    a gate reads in the report) counts it apart and names it (trial 10: "5 agree" with 3 of
    them only warnings)."""
    pinned = OLD_CI.replace("'1.26.0'", "'1.26.2'")
    floating = OLD_CI.replace("'1.26.0'", "${{ vars.GO_VERSION }}")
    _go_project(pytester, "", {"ci.yml": pinned, "nightly.yml": floating})
    result = pytester.runpytest("--goimage", "-k", "go-version", "--goimage-report=r.json")
    result.assert_outcomes(passed=1)
    report = json.loads((pytester.path / "r.json").read_text())
    assert report["images"][0]["checks"]["go-version"]["message"] == (
        "4 Go version pin(s) agree with go.mod, which requires Go 1.26.2; 1 name no Go to "
        "compare (not pinned: .github/workflows/nightly.yml:8)"
    )


# Requirement, alignment, formatting -----------------------------------------------------------


def test_required_version_needs_gomod_pins() -> None:
    with pytest.raises(GoModError, match=r"no go\.mod"):
        required_version([])


def test_newer_pins_are_fine_older_fail() -> None:
    required = v("1.26.8")
    pins = [
        Pin("Dockerfile", 1, SOURCE_DOCKERFILE, f"golang:{t}", v(t))
        for t in ("1.26", "1.27", "1.26.9", "2.0", "1.26.7", "1.25")
    ]
    assert [p.raw for p in misaligned(pins, required)] == ["golang:1.26.7", "golang:1.25"]


def test_gomod_pins_are_never_misaligned() -> None:
    pins = gomod_pins(GOMOD_TOOLCHAIN, "go.mod")  # go 1.24.0 < toolchain 1.24.5 is normal
    assert misaligned(pins, required_version(pins)) == []


def test_format_cites_go_line_when_no_toolchain() -> None:
    pins = [
        *gomod_pins("module m\n\ngo 1.26.2\n", "go.mod"),
        Pin("Dockerfile", 1, SOURCE_DOCKERFILE, "golang:1.25.1", v("1.25.1")),
    ]
    assert format_misalignment(misaligned(pins, required_version(pins)), pins) == (
        "Dockerfile:1: golang:1.25.1 names Go 1.25.1, go.mod requires 1.26.2 "
        "(go.mod:3 go 1.26.2) — use golang:1.26.2 or newer"
    )


# Readers --------------------------------------------------------------------------------------


def test_readers(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text(GOMOD_TOOLCHAIN, encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(BUILDER_123, encoding="utf-8")
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True, exist_ok=True)  # a checkout file may be a workflow too
    (workflows / "ci.yml").write_text(CI_MATRIX, encoding="utf-8")
    (workflows / "notes.md").write_text("go-version: 1.1\n", encoding="utf-8")
    pins = (
        read_gomod(tmp_path / "go.mod", "go.mod")
        + read_dockerfile(tmp_path / "Dockerfile", {}, "Dockerfile")
        + read_workflows(tmp_path)
    )
    bad = misaligned(pins, required_version(pins))
    assert [f"{p.file}:{p.line}" for p in bad] == ["Dockerfile:2", ".github/workflows/ci.yml:12"]
    with pytest.raises(GoModError, match=r"go\.mod: cannot read \(No such file or directory\)\.$"):
        read_gomod(tmp_path / "missing" / "go.mod")
    (tmp_path / "latin1.mod").write_bytes(b"go 1.26 // caf\xe9\n")
    with pytest.raises(GoModError, match=r"latin1\.mod: not UTF-8 text \(byte 0xe9 at offset 14\)"):
        read_gomod(tmp_path / "latin1.mod")
    assert read_workflows(tmp_path / "missing") == []


@pytest.mark.skipif(
    not (EXAMPLE / "go.mod").is_file() or not list(EXAMPLE.glob("Dockerfile*")),
    reason="example project not written yet",
)
def test_example_project_pins_are_aligned() -> None:
    pins = read_gomod(EXAMPLE / "go.mod", "go.mod")
    for dockerfile in sorted(EXAMPLE.glob("Dockerfile*")):
        pins += read_dockerfile(dockerfile, {}, dockerfile.name)
    pins += read_workflows(EXAMPLE)
    assert any(p.source == SOURCE_DOCKERFILE for p in pins)
    bad = misaligned(pins, required_version(pins))
    assert bad == [], format_misalignment(bad, pins)
    assert unpinned(pins) == [], format_unpinned(unpinned(pins))


# Fuzz -----------------------------------------------------------------------------------------

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_CLEAN = ["", "1.26", "1.26.8", "'1.23'", "go1.26.8", "1.20", "${{ matrix.go }}", "${{ env.GO }}"]
_CLEAN += ["[1.20, '1.21']", "actions/setup-go@v5", "golang", "builder", "default", "1.26-alpine"]
_PIECES = [*_CLEAN, "(", ")", "//", "rc1", "-alpine", "${GO}", "$GO", "${GO:-1.2}", "`", "\\"]
_PIECES += ["latest", "@sha256:ab", "docker.io/library/", "'", '"', "{", "}", "[", "]", ":"]
_PIECES += ["&a", "*a", "${{", "}}", "#", " ", "\t", "\n", "\r\n"]
_HOLE = st.one_of(
    st.sampled_from(_CLEAN),
    st.lists(st.sampled_from(_PIECES), max_size=4).map("".join),
    st.text(max_size=6),
)

_DOCKERFILE = """\
# {}
ARG GO={} {}
FROM {}golang:{}{} AS {}
RUN {}
from --platform={} golang:${{GO}}{}
FROM {}
"""

_GOMOD = """\
module {}
go 1.26{}
toolchain go1.26.8{}
require ({}
\tgo v1.0.0 {}
){}
"""

_WORKFLOW = """\
env:
  GO: {}
jobs:
  test:
    strategy:
      matrix:
        go: {}
    env: {}
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: {}
      - uses: {}
        with: {}
"""


def _filled(template: str) -> st.SearchStrategy[str]:
    """The template with random holes, sometimes cut or with a random insertion: near-valid text."""
    holes = template.count("{}")
    text = st.tuples(*[_HOLE] * holes).map(lambda values: template.format(*values))

    def mutate(args: tuple[str, int, str]) -> str:
        body, cut, insert = args
        cut %= len(body) + 1
        return body[:cut] + insert + body[cut:]

    return st.one_of(text, st.tuples(text, st.integers(0, 10_000), st.text(max_size=5)).map(mutate))


@FUZZ
@given(_filled(_GOMOD))
def test_fuzz_gomod(text: str) -> None:
    try:
        pins = gomod_pins(text, "go.mod")
    except GoModError as exc:
        assert str(exc).startswith("go.mod")
        return
    assert required_version(pins).precision >= 2


@FUZZ
@given(_filled(_DOCKERFILE), st.dictionaries(st.sampled_from(["GO", "X"]), _HOLE))
def test_fuzz_dockerfile(text: str, build_args: dict[str, str]) -> None:
    try:
        pins = dockerfile_pins(text, "Dockerfile", build_args)
    except DockerfileSyntaxError as exc:
        assert re.match(
            r"Dockerfile(:[1-9]\d*)?: BuildKit cannot parse this Dockerfile: ", str(exc)
        )
        return
    for pin in pins:
        assert pin.line >= 1
        assert (pin.version is None) == pin.unpinned


@FUZZ
@given(_filled(_WORKFLOW))
def test_fuzz_workflow(text: str) -> None:
    try:
        pins = workflow_pins(text, "w.yml")
    except WorkflowError as exc:
        assert str(exc).startswith("w.yml")
        return
    for pin in pins:
        assert pin.line >= 1
        assert pin.source in (SOURCE_SETUP_GO, SOURCE_SETUP_GO_FILE)


def test_tabs_after_the_keyword_are_read_like_spaces(tmp_path: Path) -> None:
    """BuildKit accepts any whitespace after an instruction's keyword."""
    text = "ARG\tGO_VERSION=1.20\nFROM\tgolang:${GO_VERSION}-alpine AS build\n"
    pin = only(dockerfile_pins(text, "Dockerfile", {}))
    assert (pin.file, pin.line, pin.version) == ("Dockerfile", 2, v("1.20"))
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(text)
    assert undeclared_build_args(dockerfile, {"GO_VERSION": "1.26"}) == []


def test_a_go_version_file_that_follows_go_mod_agrees_by_construction(
    pytester: pytest.Pytester,
) -> None:
    """`go-version-file: go.mod` installs the Go go.mod names: it agrees by construction, and
    the pass message says so instead of listing it as naming no Go (trial 13, F8)."""
    following = OLD_CI.replace("go-version: '1.26.0'", "go-version-file: go.mod")
    assert following != OLD_CI
    _go_project(pytester, "", {"ci.yml": following})
    result = pytester.runpytest("--goimage", "-k", "go-version", "--goimage-report=r.json")
    result.assert_outcomes(passed=1)
    report = json.loads((pytester.path / "r.json").read_text())
    assert report["images"][0]["checks"]["go-version"]["message"] == (
        "4 Go version pin(s) agree with go.mod, which requires Go 1.26.2 (1 by following it: "
        ".github/workflows/ci.yml:8 go-version-file go.mod)"
    )


def test_reusable_workflows_that_call_each_other_in_a_cycle_are_read(tmp_path: Path) -> None:
    """GitHub refuses a cycle of calls; reading one must still end, each caller's own inputs
    standing where the cycle closes."""
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    for name, other in (("a", "b"), ("b", "a")):
        (workflows / f"{name}.yml").write_text(
            "on:\n  workflow_call:\n    inputs:\n      go:\n        type: string\n"
            f"        default: '1.2{len(name) + ord(name) - 97}'\n"
            f"jobs:\n  next:\n    uses: ./.github/workflows/{other}.yml\n"
            "    with:\n      go: ${{ inputs.go }}\n"
            "  build:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/setup-go@v5\n        with:\n          go-version: ${{ inputs.go }}\n"
            "      - run: go build ./...\n"
        )
    pins = read_workflows(tmp_path)
    assert sorted((p.file, p.version, p.unpinned, p.note) for p in pins) == [
        (
            f".github/workflows/{name}.yml",
            None,
            True,
            f"inputs.go is set by each caller of this reusable workflow, default '{default}' "
            "at line 6",
        )
        for name, default in (("a", "1.21"), ("b", "1.22"))
    ]


SWITCHING_CI = """\
on: push
{env}jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@{ref}
        with:
          go-version: '{go}'
      - run: go test ./...
"""


@pytest.mark.parametrize(
    ("ref", "go", "env", "switches"),
    [
        ("v5", "1.26.0", "", True),  # trial 18: v5 leaves GOTOOLCHAIN unset, 1.26.0 switches
        ("v4", "1.22", "", True),
        ("v5", "1.20", "", False),  # a Go before 1.21 never switches
        ("v6", "1.26.0", "", False),  # v6 sets GOTOOLCHAIN=local
        ("v5", "1.26.0", "env:\n  GOTOOLCHAIN: local\n", False),
        ("v5", "1.26.0", "env:\n  GOTOOLCHAIN: go1.26.0\n", False),
        ("v5", "1.26.0", "env:\n  GOTOOLCHAIN: auto\n", True),
    ],
)
def test_a_setup_go_that_leaves_gotoolchain_unset_runs_go_mod_s_go(
    pytester: pytest.Pytester, ref: str, go: str, env: str, switches: bool
) -> None:
    """setup-go up to v5 leaves GOTOOLCHAIN unset, so a Go from 1.21 on runs the toolchain
    go.mod names (go1.26.2 here): judged as a `go-version-file: go.mod` of the same setup-go
    is. Where the job cannot switch, the Go it installs is the one compared."""
    _go_project(pytester, "", {"ci.yml": SWITCHING_CI.format(ref=ref, go=go, env=env)})
    result = pytester.runpytest("--goimage", "-k", "go-version", "--goimage-report=r.json")
    message = json.loads((pytester.path / "r.json").read_text())["images"][0]["checks"][
        "go-version"
    ]["message"]
    line = 10 if env else 8
    if switches:
        result.assert_outcomes(passed=1)
        assert message == (
            "4 Go version pin(s) agree with go.mod, which requires Go 1.26.2 (1 by switching to "
            f"it by themselves: .github/workflows/ci.yml:{line} go-version {go}; setup-go up to "
            "v5 leaves GOTOOLCHAIN unset, and a Go from 1.21 on runs the Go go.mod asks for)"
        )
    else:
        result.assert_outcomes(failed=1)
        assert f".github/workflows/ci.yml:{line}: go-version {go} names Go {go}" in message


def test_env_in_a_matrix_is_refused_as_github_refuses_it() -> None:
    """Trial 18: `go: ["${{ env.GO_VERSION }}"]` was read as the env's 1.26.8 and passed, but
    GitHub allows only github, needs, vars and inputs in a job's strategy: the workflow never
    runs. An env that reads the matrix (the other way round) is allowed and read."""
    text = """\
env:
  GO_VERSION: "1.26.8"
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        go: ["${{ env.GO_VERSION }}"]
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - run: go test ./...
"""
    pin = only(workflow_pins(text, "w.yml"))
    assert (pin.version, pin.unpinned) == (None, True)
    assert pin.note.startswith(
        "matrix.go at line 8 reads `env`, which GitHub does not allow in a job's strategy "
        "(only github, needs, vars and inputs), so the workflow does not run"
    )


def test_a_quoted_version_a_caller_gives_stays_text_through_a_relay(tmp_path: Path) -> None:
    """The review: `go: '1.20'` passed on by a reusable workflow became Go 1.2, and a direct
    call's note said to quote what was quoted. An input's value is text."""
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    (workflows / "build.yml").write_text(
        "on:\n  workflow_call:\n    inputs:\n      go:\n        type: string\n"
        "jobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/setup-go@v6\n        with:\n          go-version: ${{ inputs.go }}\n"
        "      - run: go build ./...\n"
    )
    (workflows / "relay.yml").write_text(
        "on:\n  workflow_call:\n    inputs:\n      go:\n        type: string\n"
        "jobs:\n  r:\n    uses: ./.github/workflows/build.yml\n    with:\n"
        "      go: ${{ inputs.go }}\n"
    )
    (workflows / "ci.yml").write_text(
        "on: push\njobs:\n  direct:\n    uses: ./.github/workflows/build.yml\n    with:\n"
        "      go: '1.20'\n  relayed:\n    uses: ./.github/workflows/relay.yml\n    with:\n"
        "      go: '1.20'\n"
    )
    pins = read_workflows(tmp_path)
    assert [(str(p.version), "quote it" in p.note) for p in pins] == [
        ("1.20", False),
        ("1.20", False),
    ]


@pytest.mark.parametrize(
    ("head", "checkout"),
    [
        # Another repository's or ref's tree, or a workflow only other repositories call.
        ("on: push\n", "        with:\n          repository: acme/tools\n"),
        ("on: push\n", "        with:\n          ref: release-1.x\n"),
        ("on:\n  workflow_call:\n", ""),
    ],
)
def test_a_go_version_file_missing_from_this_tree_is_unchecked_where_another_tree_is_checked_out(
    tmp_path: Path, head: str, checkout: str
) -> None:
    """The review's false failures: setup-go reads the file from the checkout it runs in,
    which is not this tree there."""
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc/go.mod").write_text("module example.com/svc\n\ngo 1.26.8\n")
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(
        f"{head}jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/checkout@v4\n{checkout}"
        "      - uses: actions/setup-go@v5\n        with:\n          go-version-file: go.mod\n"
        "      - run: go build ./...\n"
    )
    pin = only(follow_go_version_files(read_workflows(tmp_path), tmp_path, tmp_path / "svc/go.mod"))
    assert (pin.cannot_build, pin.unpinned) == ("", True)
    assert "go.mod, which does not exist in this checkout: not checked" in pin.note


@pytest.mark.parametrize(
    "step",
    [
        "      - run: echo GOTOOLCHAIN=local >> $GITHUB_ENV\n",
        "      - run: go env -w GOTOOLCHAIN=local\n",
        "      - run: go build ./...\n        env:\n          GOTOOLCHAIN: local\n",
    ],
)
def test_gotoolchain_a_step_sets_keeps_the_go_setup_go_installs(tmp_path: Path, step: str) -> None:
    """The review's false pass: setup-go v5's Go 1.22 was taken to switch to go.mod's, though a
    step set GOTOOLCHAIN for the build (through $GITHUB_ENV, `go env -w`, its own env)."""
    (tmp_path / "go.mod").write_text("module example.com/svc\n\ngo 1.24\n")
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.22'\n"
        f"{step}      - run: go test ./...\n"
    )
    pins = follow_go_version_files(read_workflows(tmp_path), tmp_path, tmp_path / "go.mod")
    gomod = read_gomod(tmp_path / "go.mod", "go.mod")
    assert [(str(p.version), p.switches) for p in pins] == [("1.22", False)]
    assert misaligned([*gomod, *pins], required_version(gomod)) == pins
