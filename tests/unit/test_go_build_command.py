"""Which `go build` made a program and which Dockerfile line set each build fact, on the
shapes real Dockerfiles use: flags inline or in ENV/ARG, GOFLAGS, GOTOOLCHAIN, `cd && go
build`, several builds in one file, and `go build main.go` programs."""

from __future__ import annotations

import os
import subprocess

import pytest

from pytest_goimage.gofacts.build_toolchain import toolchain_line
from pytest_goimage.gofacts.buildinfo import BuildInfo, read_build_info
from pytest_goimage.gofacts.dockerfile import parse_dockerfile_leniently
from pytest_goimage.gofacts.go_build_command import (
    building,
    go_builds,
    named,
    setting_line,
)
from pytest_goimage.gofacts.parity import COMMAND_LINE, GO, Binary, cause_line, compare

TWO_PROGRAMS = """\
FROM golang:1.26.8-alpine AS build
# GOTOOLCHAIN=go1.27.3 was tried once; kept local since
ENV GOTOOLCHAIN=local
ENV CGO_ENABLED=0 \\
    GOFLAGS=-trimpath
ARG GOARCH=amd64
WORKDIR /src
COPY . .
RUN go build -o /out/migrate ./cmd/migrate
RUN cd cmd/api && \\
    GOOS=linux go build -tags netgo -o /out/api main.go routes.go
FROM scratch
COPY --from=build /out/api /api
"""


def test_the_build_that_names_the_program_is_chosen_not_the_last() -> None:
    builds = go_builds(parse_dockerfile_leniently(TWO_PROGRAMS))
    assert [(b.line, b.end_line, b.output) for b in builds] == [
        (9, 9, "/out/migrate"),
        (10, 11, "/out/api"),
    ]
    migrate = building(builds, "/migrate")
    assert migrate is not None and migrate.line == 9
    # A program no -o names: the last build, which usually makes the shipped binary.
    other = building(builds, "/usr/local/bin/server")
    assert other is not None and other.line == 10
    assert building([], "/app") is None


def test_files_of_a_go_build_are_relative_to_the_cd_before_it() -> None:
    api = go_builds(parse_dockerfile_leniently(TWO_PROGRAMS))[1]
    assert api.files == ("/src/cmd/api/main.go", "/src/cmd/api/routes.go")


def test_a_comment_or_gotoolchain_local_does_not_decide_the_go_version() -> None:
    api = go_builds(parse_dockerfile_leniently(TWO_PROGRAMS))[1]
    assert toolchain_line(api, TWO_PROGRAMS.splitlines()) == 0
    pinned = TWO_PROGRAMS.replace("ENV GOTOOLCHAIN=local", "ENV GOTOOLCHAIN=go1.27.3+auto")
    api = go_builds(parse_dockerfile_leniently(pinned))[1]
    assert toolchain_line(api, pinned.splitlines()) == 3


PINNED = "FROM golang:1.26.8-alpine\nENV GOTOOLCHAIN=go1.27.1\n"
BUILD = "go build -o /out/api ./cmd/api"


@pytest.mark.parametrize(
    ("dockerfile", "line"),
    [
        # The RUN keeps the image's own Go for the go build: the ENV pin chose nothing.
        pytest.param(PINNED + f"RUN GOTOOLCHAIN=local {BUILD}\n", 0, id="prefix-local"),
        pytest.param(PINNED + f"RUN export GOTOOLCHAIN=local && {BUILD}\n", 0, id="export"),
        pytest.param(PINNED + f"RUN GOTOOLCHAIN=local; {BUILD}\n", 0, id="bare-assignment"),
        # Unset or empty, Go falls back to $GOROOT/go.env's `auto`: the line that unset it let
        # go.mod choose.
        pytest.param(PINNED + f"RUN unset GOTOOLCHAIN && {BUILD}\n", 3, id="unset"),
        pytest.param(PINNED + f"RUN env GOTOOLCHAIN=local {BUILD}\n", 0, id="env-command"),
        pytest.param(PINNED + f"RUN env -u GOTOOLCHAIN {BUILD}\n", 3, id="env-unset"),
        # The RUN lets another setting choose: its own line.
        pytest.param(PINNED + f"RUN GOTOOLCHAIN='auto' {BUILD}\n", 3, id="prefix-auto"),
        # The ENV pin still chooses: read, passed on, set for another command or in a
        # subshell or function, in go env's file (an environment variable overrides it), or in
        # a comment.
        pytest.param(PINNED + f'RUN echo "$GOTOOLCHAIN" && {BUILD}\n', 2, id="read"),
        pytest.param(PINNED + f"RUN GOTOOLCHAIN=$GOTOOLCHAIN {BUILD}\n", 2, id="passed-on"),
        pytest.param(PINNED + f"RUN GOTOOLCHAIN=local go version && {BUILD}\n", 2, id="other"),
        pytest.param(PINNED + f"RUN (export GOTOOLCHAIN=local) && {BUILD}\n", 2, id="subshell"),
        pytest.param(
            PINNED + f"RUN f() {{ export GOTOOLCHAIN=local; }}; {BUILD}\n", 2, id="function"
        ),
        pytest.param(PINNED + f"RUN go env -w GOTOOLCHAIN=local && {BUILD}\n", 2, id="go-env"),
        pytest.param(PINNED + f"RUN {BUILD}  # GOTOOLCHAIN=local\n", 2, id="comment"),
        # ENV, ARG and go env's file, in the order Docker and Go apply them.
        pytest.param(PINNED + f"ENV GOTOOLCHAIN=local\nRUN {BUILD}\n", 0, id="later-env"),
        pytest.param(PINNED + f"ENV GOTOOLCHAIN=$TC\nRUN {BUILD}\n", 3, id="env-variable"),
        # BuildKit sets a stage's ARG over an earlier ENV of the same name, the golang image's
        # own GOTOOLCHAIN=local too (checked on the engine); a later ENV wins over the ARG.
        pytest.param(
            f"FROM golang:1.26.8\nENV GOTOOLCHAIN=local\nARG GOTOOLCHAIN=go1.27.1\nRUN {BUILD}\n",
            3,
            id="arg-after-env-wins",
        ),
        pytest.param(
            f"FROM golang:1.26.8\nARG GOTOOLCHAIN=go1.27.1\nENV GOTOOLCHAIN=local\nRUN {BUILD}\n",
            0,
            id="env-after-arg-wins",
        ),
        pytest.param(f"FROM golang:1.26.8\nARG GOTOOLCHAIN=go1.27.1\nRUN {BUILD}\n", 2, id="arg"),
        pytest.param(
            f"FROM alpine:3.22\nRUN apk add go\nARG GOTOOLCHAIN=go1.27.1\nRUN {BUILD}\n",
            3,
            id="arg-over-another-base",
        ),
        pytest.param(
            f"FROM golang:1.26.8 AS base\nARG GOTOOLCHAIN=go1.27.1\nFROM base\nRUN {BUILD}\n",
            0,
            id="arg-of-another-stage",
        ),
        # The golang image's ENV GOTOOLCHAIN=local overrides what go env -w writes.
        pytest.param(
            f"FROM golang:1.26.8\nRUN go env -w GOTOOLCHAIN=go1.27.1 && {BUILD}\n",
            0,
            id="go-env-in-the-run",
        ),
        pytest.param(
            f"FROM alpine:3.22\nRUN apk add go\nRUN go env -w GOTOOLCHAIN=go1.27.1 && {BUILD}\n",
            3,
            id="go-env-in-the-run-elsewhere",
        ),
        pytest.param(
            f"FROM alpine:3.22\nRUN apk add go\nRUN go env -w GOTOOLCHAIN=go1.27.1\nRUN {BUILD}\n",
            3,
            id="go-env-before",
        ),
        pytest.param(
            "FROM mirror.gcr.io/library/golang:1.26.8\nRUN go env -w GOTOOLCHAIN=go1.27.1\n"
            f"RUN {BUILD}\n",
            0,
            id="go-env-under-a-mirrored-golang",
        ),
        pytest.param(
            f"FROM golang:1.26.8\nRUN export GOTOOLCHAIN=go1.27.1\nRUN {BUILD}\n",
            0,
            id="export-does-not-outlive-its-run",
        ),
        pytest.param(
            f"FROM golang:1.26.8\nRUN {BUILD}  # GOTOOLCHAIN=go1.27.1\n",
            0,
            id="comment-without-pin",
        ),
        pytest.param(
            "FROM golang:1.26.8\n"
            f"RUN GOTOOLCHAIN=go1.27.1 go build -o /out/a ./a && GOTOOLCHAIN=local {BUILD}\n",
            0,
            id="another-build-of-the-run",
        ),
        # `env` without a command prints the environment; `unset` of another variable.
        pytest.param(PINNED + f"RUN env -u GOTOOLCHAIN && {BUILD}\n", 2, id="env-alone"),
        pytest.param(PINNED + f"RUN unset CGO_ENABLED && {BUILD}\n", 2, id="unset-other"),
        # Quotes are the shell's and Docker's, not part of the value.
        pytest.param(PINNED + f'ENV GOTOOLCHAIN="local"\nRUN {BUILD}\n', 0, id="env-quoted"),
        pytest.param(
            f'FROM golang:1.26.8\nARG GOTOOLCHAIN="local"\nRUN {BUILD}\n', 0, id="arg-quoted"
        ),
        pytest.param(
            f"FROM golang:1.26.8\nARG GOTOOLCHAIN=local\nRUN {BUILD}\n", 0, id="arg-local"
        ),
        pytest.param(PINNED + f"ENV GOTOOLCHAIN='local'\nRUN {BUILD}\n", 0, id="env-single-quoted"),
        # Unmatched quotes are part of the value: no `local` there.
        pytest.param(PINNED + f"ENV GOTOOLCHAIN='local\nRUN {BUILD}\n", 3, id="env-half-quoted"),
        pytest.param(
            f"FROM alpine:3.22\nRUN apk add go\nARG GOTOOLCHAIN=\"local'\nRUN {BUILD}\n",
            3,
            id="arg-mixed-quotes",
        ),
        pytest.param(PINNED + f'ENV GOTOOLCHAIN=""\nRUN {BUILD}\n', 3, id="env-empty-quoted"),
        # Only quotes come off: the same letter at both ends is part of the value.
        pytest.param(PINNED + f"ENV GOTOOLCHAIN=XlocalX\nRUN {BUILD}\n", 3, id="letters-around"),
        # Without a default, an ARG is whatever --build-arg passes: it is named.
        pytest.param(
            f"FROM alpine:3.22\nRUN apk add go\nARG GOTOOLCHAIN\nRUN {BUILD}\n",
            3,
            id="arg-no-default",
        ),
        # A value is everything after the first `=`.
        pytest.param(PINNED + f"RUN GOTOOLCHAIN=go1.27.1=x {BUILD}\n", 3, id="prefix-with-equals"),
        pytest.param(
            f"FROM alpine:3.22\nRUN apk add go\nARG GOTOOLCHAIN=go1.27.1=x\nRUN {BUILD}\n",
            3,
            id="arg-with-equals",
        ),
        pytest.param(
            f"FROM golang:1.26.8\nRUN go env -w GOTOOLCHAIN=local && {BUILD}\n",
            0,
            id="go-env-local",
        ),
        pytest.param(
            f"FROM alpine:3.22\nRUN apk add go\nRUN go env -w GOTOOLCHAIN=go1.27.1 && "
            f"go env -w GOFLAGS=-mod=mod && {BUILD}\n",
            3,
            id="go-env-of-another-variable-after",
        ),
        # A comment line inside the RUN (Docker drops it) is not where the setting is.
        pytest.param(
            "FROM golang:1.26.8\nRUN echo start && \\\n    # GOTOOLCHAIN=go1.0 was tried\n"
            f"    GOTOOLCHAIN=go1.27.1 {BUILD}\n",
            4,
            id="comment-line-in-the-run",
        ),
        # The line that sets it, not one that reads it.
        pytest.param(
            PINNED + "RUN echo $GOTOOLCHAIN && \\\n" + f"    GOTOOLCHAIN=go1.27.1 {BUILD}\n",
            4,
            id="read-before-set",
        ),
        # Another variable's value: set in the RUN, whatever it holds.
        pytest.param(PINNED + f"RUN export GOTOOLCHAIN=$GO_TC && {BUILD}\n", 3, id="from-another"),
        pytest.param(
            # Its own ENV GOTOOLCHAIN=local wins over what go env -w writes, as by tag.
            "FROM docker.io/library/golang@sha256:" + "0" * 64 + "\n"
            f"RUN go env -w GOTOOLCHAIN=go1.27.1 && {BUILD}\n",
            0,
            id="golang-by-digest",
        ),
        # Over a base that sets no GOTOOLCHAIN, and nothing in the Dockerfile sets it.
        pytest.param(f"FROM alpine:3.22\nRUN {BUILD}\n", 0, id="nothing-sets-it"),
        pytest.param(
            f"FROM alpine:3.22\nARG GOTOOLCHAIN=local\nRUN {BUILD}\n", 0, id="arg-local-elsewhere"
        ),
        pytest.param(
            # A child stage inherits its parent's ARG where no ENV sets the name (checked on
            # the engine; alpine sets no GOTOOLCHAIN).
            f"FROM alpine:3.22 AS base\nARG GOTOOLCHAIN=go1.27.1\nFROM base\nRUN {BUILD}\n",
            2,
            id="arg-of-the-parent-stage-elsewhere",
        ),
        # go env's file: `local` or empty keep the image's Go; an ENV emptied over it lets it
        # decide; an ARG without a default over it is named.
        pytest.param(
            f"FROM alpine:3.22\nRUN go env -w GOTOOLCHAIN=local\nRUN {BUILD}\n",
            0,
            id="go-env-local-elsewhere",
        ),
        pytest.param(
            f"FROM alpine:3.22\nRUN go env -w GOTOOLCHAIN=\nRUN {BUILD}\n", 0, id="go-env-empty"
        ),
        pytest.param(
            f"FROM alpine:3.22\nRUN go env -w GOTOOLCHAIN=local\nENV GOTOOLCHAIN=\nRUN {BUILD}\n",
            0,
            id="emptied-over-go-env",
        ),
        pytest.param(
            f'FROM alpine:3.22\nRUN go env -w GOTOOLCHAIN=local\nENV GOTOOLCHAIN=""\nRUN {BUILD}\n',
            0,
            id="emptied-by-quotes-over-go-env",
        ),
        pytest.param(
            PINNED + f"RUN go env -w GOTOOLCHAIN=local && unset GOTOOLCHAIN && {BUILD}\n",
            0,
            id="unset-over-go-env-of-the-run",
        ),
        # The go env line, not a comment line mentioning go env.
        pytest.param(
            "FROM alpine:3.22\nRUN echo a && \\\n    # go env notes\n"
            f"    go env -w GOTOOLCHAIN=go1.27.1 && {BUILD}\n",
            4,
            id="go-env-after-a-comment-line",
        ),
        pytest.param(
            f"FROM alpine:3.22\nRUN go env -w GOTOOLCHAIN=local\nARG GOTOOLCHAIN\nRUN {BUILD}\n",
            3,
            id="arg-without-default-over-go-env",
        ),
        pytest.param(
            PINNED + f"RUN GOTOOLCHAIN=${{GOTOOLCHAIN}} {BUILD}\n", 2, id="passed-on-braced"
        ),
        # `env -i` unsets it without naming it: the RUN's first line; the line after the RUN
        # is no part of it.
        pytest.param(
            PINNED + f"RUN env -i {BUILD}\nENV GOTOOLCHAIN=go1.28.0\n", 3, id="env-i-then-env"
        ),
    ],
)
def test_the_gotoolchain_setting_that_chose_the_go_of_a_build(dockerfile: str, line: int) -> None:
    build = building(go_builds(parse_dockerfile_leniently(dockerfile)), "/out/api")
    assert build is not None and build.output == "/out/api"
    assert toolchain_line(build, dockerfile.splitlines()) == line


@pytest.mark.parametrize(
    ("fact", "flag", "line"),
    [
        ("GOOS", False, 11),  # inline in the go build RUN
        ("CGO_ENABLED", False, 4),  # ENV before it
        ("GOARCH", False, 6),  # ARG with a default
        ("-trimpath", True, 5),  # in GOFLAGS, on the ENV's continuation line
        ("-tags", True, 11),
        ("-ldflags", True, 0),  # set nowhere: the caller shows the go build line
    ],
)
def test_the_line_that_set_a_fact(fact: str, flag: bool, line: int) -> None:
    api = go_builds(parse_dockerfile_leniently(TWO_PROGRAMS))[1]
    assert setting_line(api, TWO_PROGRAMS.splitlines(), fact, flag) == line


def test_an_env_after_the_build_did_not_set_it() -> None:
    text = "FROM golang:1.26.8\nRUN go build -o /app .\nENV CGO_ENABLED=0\n"
    (build,) = go_builds(parse_dockerfile_leniently(text))
    assert setting_line(build, text.splitlines(), "CGO_ENABLED", False) == 0


@pytest.fixture(scope="module")
def file_built(tmp_path_factory: pytest.TempPathFactory) -> BuildInfo:
    """A real `go build main.go` binary's build info: path command-line-arguments, no mod."""
    root = tmp_path_factory.mktemp("cla")
    (root / "go.mod").write_text("module example.com/cla\n\ngo 1.26\n")
    (root / "main.go").write_text("package main\n\nfunc main() {}\n")
    env = {**os.environ, "CGO_ENABLED": "0", "GOTOOLCHAIN": "local", "GOFLAGS": "-buildvcs=false"}
    subprocess.run(["go", "build", "-o", "app", "main.go"], cwd=root, env=env, check=True)
    info = read_build_info((root / "app").read_bytes())
    assert info is not None and info.path == COMMAND_LINE
    return info


def dockerfile(build_line: str) -> str:
    return f"FROM golang:1.26.8-alpine\nWORKDIR /src\nCOPY . .\n{build_line}\n"


def test_go_build_main_go_programs_are_matched_by_their_files(file_built: BuildInfo) -> None:
    api = Binary(
        "Dockerfile", dockerfile("RUN go build -o /app cmd/api/main.go"), {}, file_built, "/app"
    )
    worker = Binary(
        "Dockerfile.worker",
        dockerfile("RUN cd cmd/worker && go build -o /app main.go"),
        {},
        file_built,
        "/app",
    )
    api_prod = Binary(
        "Dockerfile.prod",
        dockerfile("RUN go build -ldflags=-s -o /app ./cmd/api/main.go"),
        {},
        file_built,
        "/app",
    )
    # Both say command-line-arguments; only the two that build cmd/api/main.go are one program.
    (group,) = compare([api, worker, api_prod])
    assert group.dockerfiles == ("Dockerfile", "Dockerfile.prod")
    assert group.path == f"{COMMAND_LINE} (/src/cmd/api/main.go)"


def test_a_go_build_main_go_program_whose_files_are_unknown_is_not_compared(
    file_built: BuildInfo,
) -> None:
    scripted = dockerfile("RUN ./build.sh")
    one = Binary("Dockerfile", scripted, {}, file_built, "/app")
    two = Binary("Dockerfile.prod", scripted, {}, file_built, "/app")
    assert one.main_package == "" and compare([one, two]) == []


def test_the_go_version_row_names_the_golang_from_line_when_gotoolchain_is_local(
    file_built: BuildInfo,
) -> None:
    binary = Binary("Dockerfile", TWO_PROGRAMS, {}, file_built, "/api")
    assert cause_line(binary, GO) == "Dockerfile:1: FROM golang:1.26.8-alpine AS build"
    assert cause_line(binary, "CGO_ENABLED") == "Dockerfile:4: ENV CGO_ENABLED=0"
    # -ldflags is set nowhere: the go build line, where it would go.
    assert cause_line(binary, "-ldflags") == (
        "Dockerfile:11: GOOS=linux go build -tags netgo -o /out/api main.go routes.go"
    )


def test_go_build_main_go_in_different_workdirs_is_two_programs(file_built: BuildInfo) -> None:
    a = Binary(
        "a/Dockerfile",
        "FROM golang:1.26.8\nWORKDIR /src/cmd/a\nRUN go build -o /app main.go\n",
        {},
        file_built,
        "/app",
    )
    b = Binary(
        "b/Dockerfile",
        "FROM golang:1.26.8\nWORKDIR /src\nWORKDIR cmd/b\nRUN go build -o /app main.go\n",
        {},
        file_built,
        "/app",
    )
    assert (a.main_package, b.main_package) == (
        f"{COMMAND_LINE} (/src/cmd/a/main.go)",
        f"{COMMAND_LINE} (/src/cmd/b/main.go)",
    )
    assert compare([a, b]) == []


STAGES = """\
FROM golang:1.26.8-alpine AS base
ENV GOFLAGS=-trimpath
FROM base AS tools
ENV CGO_ENABLED=1 GOTOOLCHAIN=go1.27.3
RUN go install example.com/lint@v1
FROM base AS build
RUN go build -o /out/api ./cmd/api
FROM golang:1.25.3 AS test
RUN go test ./...
FROM scratch
COPY --from=build /out/api /api
"""


def test_lines_come_from_the_builds_own_stages(file_built: BuildInfo) -> None:
    """ENV in a tools stage, GOTOOLCHAIN there and a later test stage's golang FROM are not
    what made the program; GOFLAGS of the stage it is built FROM is."""
    binary = Binary("Dockerfile", STAGES, {}, file_built, "/api")
    (build,) = go_builds(parse_dockerfile_leniently(STAGES))
    lines = STAGES.splitlines()
    assert setting_line(build, lines, "CGO_ENABLED", False) == 0
    assert setting_line(build, lines, "-trimpath", True) == 2
    assert toolchain_line(build, lines) == 0
    assert cause_line(binary, GO) == "Dockerfile:1: FROM golang:1.26.8-alpine AS base"
    assert cause_line(binary, "CGO_ENABLED") == "Dockerfile:7: RUN go build -o /out/api ./cmd/api"


def test_a_quoted_workdir_is_the_same_folder_and_an_unknown_one_matches_nothing(
    file_built: BuildInfo,
) -> None:
    quoted = Binary(
        "a",
        'FROM golang:1.26.8\nWORKDIR "/src"\nRUN go build -o /app main.go\n',
        {},
        file_built,
        "/app",
    )
    plain = Binary(
        "b",
        "FROM golang:1.26.8\nWORKDIR /src\nRUN go build -o /app main.go\n",
        {},
        file_built,
        "/app",
    )
    assert quoted.main_package == plain.main_package == f"{COMMAND_LINE} (/src/main.go)"
    # No WORKDIR: the base image's own folder (golang's is /go), which the Dockerfile does
    # not show; nor one from a variable. Such a program is matched with no other.
    for text in (
        "FROM golang:1.26.8\nRUN go build -o /app main.go\n",
        "FROM golang:1.26.8\nARG DIR=/src\nWORKDIR $DIR\nRUN go build -o /app main.go\n",
    ):
        assert Binary("c", text, {}, file_built, "/app").main_package == ""


def test_a_go_build_run_through_env_is_read_with_its_settings() -> None:
    text = "FROM golang:1.26.8\nRUN env CGO_ENABLED=0 GOTOOLCHAIN=go1.27.1 go build -o /out/api .\n"
    (build,) = go_builds(parse_dockerfile_leniently(text))
    assert (build.output, build.toolchain) == ("/out/api", "go1.27.1")
    assert toolchain_line(build, text.splitlines()) == 2


@pytest.mark.parametrize(
    ("run", "toolchain", "output"),
    [
        ("env GOTOOLCHAIN=local CGO_ENABLED=0 go build -o /out/api .", "local", "/out/api"),
        ("env -u GOTOOLCHAIN go build -o /out/api .", "", "/out/api"),
        ("env --unset GOTOOLCHAIN go build -o /out/api .", "", "/out/api"),
        ("env -u CGO_ENABLED go build -o /out/api .", None, "/out/api"),
        ("env -i go build -o /out/api .", "", "/out/api"),
        ("env - go build -o /out/api .", "", "/out/api"),
        ("env --ignore-environment PATH=/usr/local/go/bin go build -o /out/api .", "", "/out/api"),
        ("env - GOTOOLCHAIN=go1.27.1 go build -o /out/api .", "go1.27.1", "/out/api"),
        ("env -v GOTOOLCHAIN=auto go build -o /out/api .", "auto", "/out/api"),
        # `env -u` with no name after it unsets nothing, and runs nothing.
        ("env -u", None, ""),
    ],
)
def test_what_env_sets_for_the_go_build_it_runs(
    run: str, toolchain: str | None, output: str
) -> None:
    builds = go_builds(parse_dockerfile_leniently(f"FROM golang:1.26.8\nRUN {run} && go build\n"))
    assert (builds[0].toolchain, builds[0].output) == (toolchain, output)


def test_a_version_written_in_a_run_that_cannot_be_read_names_that_run() -> None:
    """`go` called by its path, or a shell's -c string: no `go build` command is read, so the
    RUN's text decides, as before the script was read command by command."""
    text = PINNED + "RUN GOTOOLCHAIN=go1.27.1 /usr/local/go/bin/go build -o /out/api .\n"
    (build,) = go_builds(parse_dockerfile_leniently(text))
    assert (build.readable, toolchain_line(build, text.splitlines())) == (False, 3)


@pytest.mark.parametrize(
    ("run", "line"),
    [
        # Not in the RUN's text: the ENV pin before it (a line after the RUN is no part of it).
        ("RUN /usr/local/go/bin/go build -o /out/api .\nENV GOTOOLCHAIN=go1.28.0\n", 2),
        # A comment line inside the RUN is no setting.
        ("RUN echo building && \\\n    # GOTOOLCHAIN=go1.0\n    /usr/local/go/bin/go build .\n", 2),
    ],
)
def test_a_run_that_cannot_be_read_without_a_version_in_its_text_leaves_the_env_pin(
    run: str, line: int
) -> None:
    text = PINNED + run
    (build,) = go_builds(parse_dockerfile_leniently(text))
    assert (build.readable, toolchain_line(build, text.splitlines())) == (False, line)


@pytest.mark.parametrize(
    ("text", "build_args", "expected"),
    [
        # Declared without a default and not passed: the golang image's own Go ran.
        (
            "FROM golang:1.26.8 AS build\nARG GOTOOLCHAIN\nRUN go build -o /api .\n",
            {},
            "Dockerfile:1: FROM golang:1.26.8 AS build",
        ),
        # The global ARG's default `local` is what the stage's ARG takes.
        (
            "ARG GOTOOLCHAIN=local\nFROM golang:1.26.8 AS build\nARG GOTOOLCHAIN\n"
            "RUN go build -o /api .\n",
            {},
            "Dockerfile:2: FROM golang:1.26.8 AS build",
        ),
        # Passed by build_args: that ARG line chose the Go.
        (
            "FROM golang:1.26.8 AS build\nARG GOTOOLCHAIN\nRUN go build -o /api .\n",
            {"GOTOOLCHAIN": "go1.27.3"},
            "Dockerfile:2: ARG GOTOOLCHAIN",
        ),
    ],
)
def test_the_go_version_row_reads_the_arg_as_the_build_did(
    file_built: BuildInfo, text: str, build_args: dict[str, str], expected: str
) -> None:
    """The review: parity's cause line read a stage's `ARG GOTOOLCHAIN` without its build_args
    or the global default, and named the ARG where the image's own Go had run."""
    binary = Binary("Dockerfile", text, build_args, file_built, "/api")
    assert cause_line(binary, GO) == expected


def _named(script: str, program: str = "/usr/local/bin/ledger") -> list[int]:
    dockerfile = f"FROM golang:1.26.8-alpine AS build\nWORKDIR /src\n{script}"
    return [b.line for b in named(go_builds(parse_dockerfile_leniently(dockerfile)), program)]


@pytest.mark.parametrize(
    ("script", "lines"),
    [
        # Trial 15: a folder output with a pattern (several commands in one image).
        ("RUN go build -trimpath -o /out/ ./cmd/...\n", [3]),
        ("RUN go build -o /out/ ./cmd/ledger ./cmd/migrate\n", [3]),
        ("RUN go build -o /out/ ./cmd/migrate\n", []),
        ("RUN cd cmd/ledger && go build -tags netgo .\n", [3]),  # no -o: into the folder
        ("RUN go build -o bin/ ledger.go\n", [3]),
        # A flag's value is no package: `-tags ledger` does not name the program.
        ("RUN go build -tags ledger -o /out/ ./cmd/api\n", []),
        # The build whose -o names the file wins over one that may write it.
        ("RUN go build -o /out/ ./cmd/...\nRUN go build -o /out/ledger ./cmd/ledger\n", [4]),
        ("RUN go build -o /out/ledger-old ./cmd/ledger\n", []),
        # `-o /out` without its slash is a folder where several packages are built.
        ("RUN go build -o /out ./cmd/...\n", [3]),
        ("RUN go build -o /out ./cmd/ledger ./cmd/migrate\n", [3]),
        ("RUN go build -o /out ./cmd/ledger\n", []),  # a file called out
        # Several packages without -o: Go only checks that they compile, it writes nothing.
        ("RUN go build ./cmd/ledger ./cmd/migrate\n", []),
        # A check that everything compiles beside the build of the program: the latter.
        ("RUN go vet ./... && go build ./...\nRUN cd cmd/ledger && go build .\n", [4]),
        ("RUN go vet ./... && go build ./...\n", [3]),  # may be its one main package
    ],
)
def test_a_build_into_a_folder_names_the_programs_of_its_packages(
    script: str, lines: list[int]
) -> None:
    assert _named(script) == lines
