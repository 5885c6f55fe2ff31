"""gofacts/dockerfile_toolchain.py: a golang FROM whose build runs another Go because the
Dockerfile sets GOTOOLCHAIN. The official golang images set `GOTOOLCHAIN=local`; a team that
sets `ENV GOTOOLCHAIN=auto` (or a version) builds with the Go go.mod asks for (or that
version), and the tag alone no longer says which Go built the binary."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.build_toolchain import toolchain_choice
from pytest_goimage.gofacts.dockerfile import parse_dockerfile
from pytest_goimage.gofacts.dockerfile_pins import dockerfile_pins
from pytest_goimage.gofacts.go_build_command import go_builds
from pytest_goimage.gofacts.gomod_pins import gomod_pins
from pytest_goimage.gofacts.versions import format_misalignment, misaligned, required_version

BUILD = """\
FROM golang:1.26-alpine AS build
{stage}WORKDIR /src
COPY . .
RUN {run}CGO_ENABLED=0 go build -o /server ./cmd/server

FROM scratch
COPY --from=build /server /server
ENTRYPOINT ["/server"]
"""


def pin_of(stage: str = "", run: str = "", build_args: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    (pin,) = dockerfile_pins(BUILD.format(stage=stage, run=run), "Dockerfile", build_args or {})
    return pin


@pytest.mark.parametrize(
    ("stage", "run", "version", "line"),
    [
        ("ENV GOTOOLCHAIN=go1.27.3\n", "", "1.27.3", 2),
        ('ENV GOTOOLCHAIN="go1.27.3"\n', "", "1.27.3", 2),
        ("ENV GOTOOLCHAIN go1.27.3\n", "", "1.27.3", 2),  # the legacy ENV form
        ("ENV GOTOOLCHAIN=go1.27.3-corp\n", "", "1.27.3", 2),  # a custom toolchain's suffix
        ("ENV GOTOOLCHAIN=go1.27.3+path\n", "", "1.27.3", 2),
        ("", "GOTOOLCHAIN=go1.25.1 ", "1.25.1", 4),  # only for that command
        ("", "env GOTOOLCHAIN=go1.25.1 ", "1.25.1", 4),
        ("", "export GOTOOLCHAIN=go1.25.1 && ", "1.25.1", 4),
    ],
)
def test_a_version_it_sets_is_the_go_the_build_runs(
    stage: str, run: str, version: str, line: int
) -> None:
    pin = pin_of(stage, run)
    assert (str(pin.version), pin.line, pin.toolchain_line, pin.ignored) == (version, 1, line, "")
    assert pin.note.startswith(f"GOTOOLCHAIN=go{version}")
    assert pin.note.endswith(
        f"(Dockerfile:{line}) runs Go {version} in it instead of the image's Go 1.26"
    )


@pytest.mark.parametrize(
    ("stage", "run", "floor"),
    [
        ("ENV GOTOOLCHAIN=auto\n", "", "the image's Go 1.26"),
        ("ENV GOTOOLCHAIN=local+auto\n", "", "the image's Go 1.26"),
        ("ENV GOTOOLCHAIN=go1.25.1+auto\n", "", "go1.25.1"),
        ("", "GOTOOLCHAIN=auto ", "the image's Go 1.26"),
        # BuildKit sets a stage's ARG in the RUN's environment over the base image's ENV and
        # an earlier ENV (a user trial; checked on the engine: `RUN echo $X` printed the ARG's).
        ("ARG GOTOOLCHAIN=auto\n", "", "the image's Go 1.26"),
        ("ENV GOTOOLCHAIN=local\nARG GOTOOLCHAIN=auto\n", "", "the image's Go 1.26"),
    ],
)
def test_auto_lets_go_mod_choose_and_the_pin_is_not_counted(
    stage: str, run: str, floor: str
) -> None:
    pin = pin_of(stage, run)
    assert str(pin.version) == "1.26"
    assert pin.ignored.startswith("not counted: GOTOOLCHAIN=")
    assert f"choose the Go the build runs ({floor}, or the newer one go.mod asks for" in pin.ignored


@pytest.mark.parametrize(
    ("stage", "run"),
    [
        ("", ""),  # the image's own ENV GOTOOLCHAIN=local
        ("ENV GOTOOLCHAIN=local\n", ""),
        ("ENV GOTOOLCHAIN=path\n", ""),  # only a Go on PATH, never a download
        ("ARG GOTOOLCHAIN=auto\nENV GOTOOLCHAIN=local\n", ""),  # the later ENV wins
        ("ARG GOTOOLCHAIN\n", ""),  # no default and no build argument: the image's ENV stays
        ("ENV GOTOOLCHAIN=go1.27.3\n", "GOTOOLCHAIN=local "),  # the command's own wins
        ("ENV GOTOOLCHAIN=$TOOLCHAIN\n", ""),  # only the build knows it
        ("ENV GOTOOLCHAIN=1.27.3\n", ""),  # not a toolchain name: Go refuses it, so does the build
    ],
)
def test_the_images_own_go_stays_the_pin(stage: str, run: str) -> None:
    pin = pin_of(stage, run)
    assert (str(pin.version), pin.toolchain_line, pin.ignored) == ("1.26", 0, "")


def test_builds_that_choose_differently_keep_the_image_pin() -> None:
    text = BUILD.replace(
        "RUN {run}CGO_ENABLED=0 go build -o /server ./cmd/server",
        "RUN GOTOOLCHAIN=go1.27.3 go build -o /server ./cmd/server\nRUN go build -o /tool ./cmd/tool",
    ).format(stage="")
    (pin,) = dockerfile_pins(text, "Dockerfile", {})
    assert (str(pin.version), pin.toolchain_line) == ("1.26", 0)


def test_a_stage_built_from_the_builder_inherits_its_env() -> None:
    text = (
        "FROM golang:1.26 AS base\nENV GOTOOLCHAIN=go1.27.3\n"
        "FROM base AS build\nRUN go build -o /server .\n"
    )
    (pin,) = dockerfile_pins(text, "Dockerfile", {})
    assert (str(pin.version), pin.line, pin.toolchain_line) == ("1.27.3", 1, 2)


def test_an_older_version_it_sets_fails_with_the_fix_on_its_line() -> None:
    gomod = gomod_pins("module x\n\ngo 1.26.0\n\ntoolchain go1.27.3\n", "go.mod")
    pins = [*gomod, pin_of("ENV GOTOOLCHAIN=go1.27.1\n")]
    required = required_version(pins)
    bad = misaligned(pins, required)
    assert format_misalignment(bad, pins).splitlines()[0] == (
        "Dockerfile:1: golang:1.26-alpine names Go 1.27.1 (GOTOOLCHAIN=go1.27.1 (Dockerfile:2) "
        "runs Go 1.27.1 in it instead of the image's Go 1.26), go.mod requires 1.27.3 (go.mod:5 "
        "toolchain go1.27.3) — set GOTOOLCHAIN=go1.27.3 or newer on Dockerfile:2 (the build "
        "itself would still succeed: go.mod:3 `go 1.26.0` is the minimum that builds, and "
        'go_version_policy = "go" in [tool.goimage] accepts pins that reach it)'
    )
    # The trial's Dockerfile: golang:1.26 with GOTOOLCHAIN=auto against toolchain go1.27.3.
    assert misaligned([*gomod, pin_of("ENV GOTOOLCHAIN=auto\n")], required) == []


def test_a_build_argument_sets_the_stages_arg() -> None:
    """A user trial: `ARG GOTOOLCHAIN` and build_args GOTOOLCHAIN = "go1.27.3" built with Go
    1.27.3, and go-version failed the FROM's 1.26 against go.mod's 1.27.3."""
    for stage in ("ARG GOTOOLCHAIN\n", "ARG GOTOOLCHAIN=local\n"):
        pin = pin_of(stage, build_args={"GOTOOLCHAIN": "go1.27.3"})
        assert (str(pin.version), pin.toolchain_line, pin.ignored) == ("1.27.3", 2, "")


@pytest.mark.parametrize(
    ("build_args", "version", "ignored"),
    [
        ({}, "1.27.3", False),  # the ARG's default
        ({"GO_TOOLCHAIN": "go1.27.5"}, "1.27.5", False),  # build_args win
        ({"GO_TOOLCHAIN": "auto"}, "1.26", True),
    ],
)
def test_a_value_that_names_an_arg_takes_its_value(
    build_args: dict[str, str], version: str, ignored: bool
) -> None:
    """The review's false failure: `ENV GOTOOLCHAIN=${GO_TOOLCHAIN}` ran go1.27.3, and the pin
    still named the image's 1.26."""
    stage = "ARG GO_TOOLCHAIN=go1.27.3\nENV GOTOOLCHAIN=${GO_TOOLCHAIN}\n"
    pin = pin_of(stage, build_args=build_args)
    assert (str(pin.version), bool(pin.ignored)) == (version, ignored)


def test_an_emptied_gotoolchain_says_go_env_decides() -> None:
    pin = pin_of("ENV GOTOOLCHAIN=\n")
    assert pin.ignored.startswith(
        "not counted: GOTOOLCHAIN, emptied at Dockerfile:2 so $GOROOT/go.env's auto applies, "
        "lets go.mod's go and toolchain lines choose"
    )


def test_a_toolchain_name_without_its_patch_names_no_toolchain() -> None:
    """From Go 1.21 on, `go1.27` is no toolchain: Go refuses it, so the image's Go stays."""
    pin = pin_of("ENV GOTOOLCHAIN=go1.27\n")
    assert (str(pin.version), pin.toolchain_line) == ("1.26", 0)
    assert str(pin_of("ENV GOTOOLCHAIN=go1.20\n").version) == "1.20"  # named so before 1.21


def test_a_go_env_setting_the_image_env_overrides_is_named() -> None:
    """A user trial: `RUN go env -w GOTOOLCHAIN=auto && go build` on a golang image builds
    with the image's Go (its ENV GOTOOLCHAIN=local wins over go env's file), and the failure
    did not say why the setting had no effect."""
    pin = pin_of(run="go env -w GOTOOLCHAIN=auto && ")
    assert (str(pin.version), pin.ignored) == ("1.26", "")
    assert pin.note == (
        "`go env -w GOTOOLCHAIN=auto` at Dockerfile:4 does not apply: the GOTOOLCHAIN "
        "environment variable (local, the golang image ENV) wins over go env's file; set "
        "`ENV GOTOOLCHAIN=auto` instead"
    )
    # Where the setting does apply (the variable emptied), nothing is added.
    assert "go env -w" not in pin_of("ENV GOTOOLCHAIN=\n", "go env -w GOTOOLCHAIN=auto && ").note


def test_a_stage_arg_without_a_default_takes_the_global_one() -> None:
    """The review: BuildKit gives a stage's `ARG GOTOOLCHAIN` the global ARG's default; the pin
    kept the image's Go and go-version failed a build that ran go1.27.3."""
    text = "ARG GOTOOLCHAIN=go1.27.3\n" + BUILD.format(stage="ARG GOTOOLCHAIN\n", run="")
    (pin,) = dockerfile_pins(text, "Dockerfile", {})
    assert (str(pin.version), pin.toolchain_line) == ("1.27.3", 3)
    # A build argument still wins over the global default.
    (pin,) = dockerfile_pins(text, "Dockerfile", {"GOTOOLCHAIN": "go1.27.5"})
    assert str(pin.version) == "1.27.5"


@pytest.mark.parametrize("child", ["", "ARG GOTOOLCHAIN\n"])
def test_a_parent_stage_arg_does_not_replace_the_golang_images_own(child: str) -> None:
    """A child stage inherits its parent's ARGs, but only for names no ENV sets, and the golang
    image sets GOTOOLCHAIN=local (checked on the engine: a parent's `ARG N=arg` over a base
    image's `ENV N=env` gave the child's RUN `env`, with or without `ARG N` in the child)."""
    text = (
        "FROM golang:1.26 AS base\nARG GOTOOLCHAIN=go1.27.3\n"
        f"FROM base AS build\n{child}RUN go build -o /server .\n"
    )
    (pin,) = dockerfile_pins(text, "Dockerfile", {})
    assert (str(pin.version), pin.toolchain_line, pin.ignored) == ("1.26", 0, "")


def test_a_parent_stage_arg_reaches_a_builder_without_the_golang_env() -> None:
    """A builder image that does not set GOTOOLCHAIN: the parent's ARG is the variable."""
    text = (
        "FROM scratch AS base\nCOPY --from=golang:1.26 /usr/local/go /usr/local/go\n"
        "ARG GOTOOLCHAIN=go1.27.3\nFROM base AS build\nRUN go build -o /server .\n"
    )
    parsed = parse_dockerfile(text)
    (build,) = go_builds(parsed)
    assert toolchain_choice(build, text.splitlines()) == ("go1.27.3", 3)


def test_an_env_that_passes_an_arg_on_takes_the_arg_s_value() -> None:
    """`ARG GOTOOLCHAIN=local` then `ENV GOTOOLCHAIN=${GOTOOLCHAIN}`: BuildKit expands the ENV
    with the ARG's value (a CI `--build-arg GOTOOLCHAIN=go1.25.3` runs Go 1.25.3); the ENV's
    own `${GOTOOLCHAIN}` was read as unknown and the image's Go stood (a review's false pass)."""
    stage = "ARG GOTOOLCHAIN=local\nENV GOTOOLCHAIN=${GOTOOLCHAIN}\n"
    assert str(pin_of(stage).version) == "1.26"  # local: the image's own Go
    pin = pin_of(stage, build_args={"GOTOOLCHAIN": "go1.25.3"})
    assert (str(pin.version), pin.toolchain_line) == ("1.25.3", 3)
