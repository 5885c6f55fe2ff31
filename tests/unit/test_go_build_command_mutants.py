"""What gofacts/go_build_command.py reads from the go build RUNs of real-shaped Dockerfiles:
every spelling of `-o` and `-ldflags`, `cd` before a build, WORKDIRs, stages built FROM
others, unreadable scripts, and the line that set GOTOOLCHAIN or a flag. Each test pins a
rule of the reader that the older tests left open."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.build_toolchain import toolchain_line
from pytest_goimage.gofacts.dockerfile import parse_dockerfile
from pytest_goimage.gofacts.go_build_command import (
    building,
    go_builds,
    named,
    setting_line,
)


def read(text: str) -> list[tuple[int, int, str, tuple[str, ...], str | None, bool]]:
    """(line, end line, output, files, ldflags, readable) of each go build of `text`."""
    return [
        (b.line, b.end_line, b.output, b.files, b.ldflags, b.readable)
        for b in go_builds(parse_dockerfile(text))
    ]


SPELLINGS = """\
FROM golang:1.26.8-alpine AS build
WORKDIR /src
COPY . .
RUN cd cmd/api && CGO_ENABLED=0 GOOS=linux go build -o=/out/api \\
      -ldflags="-s -w -X main.version=1.2.3" routes.go main.go \\
 && cd ../worker && go build --o /out/worker --ldflags=-X=main.commit=abc ./main.go
RUN go build --ldflags "-s" -o /out/tool ./cmd/tool
RUN go build -trimpath -ldflags '-X main.v=2' --o=/out/cli ./cmd/cli/main.go
"""


def test_every_spelling_of_output_and_ldflags_is_read_as_written() -> None:
    assert read(SPELLINGS) == [
        (4, 6, "/out/api", ("/src/cmd/api/main.go", "/src/cmd/api/routes.go"),
         "-s -w -X main.version=1.2.3", True),
        (4, 6, "/out/worker", ("/src/cmd/worker/main.go",), "-X=main.commit=abc", True),
        (7, 7, "/out/tool", (), "-s", True),
        (8, 8, "/out/cli", ("/src/cmd/cli/main.go",), "-X main.v=2", True),
    ]  # fmt: skip


def test_a_build_without_ldflags_says_none_not_empty() -> None:
    ((*_, ldflags, _readable),) = read("FROM golang:1.26.8\nRUN go build -o /app .\n")
    assert ldflags is None


def test_a_trailing_output_flag_without_its_value_names_no_output() -> None:
    assert read("FROM golang:1.26.8\nWORKDIR /src\nRUN go build main.go -o\n") == [
        (3, 3, "", ("/src/main.go",), None, True)
    ]


def test_runs_without_go_build_are_not_builds() -> None:
    text = (
        "FROM golang:1.26.8\nWORKDIR /src\nRUN go mod download\nRUN go build -o /app .\n"
        'ENV HINT="go build"\nRUN go vet ./...\n'
    )
    assert read(text) == [(4, 4, "/app", (), None, True)]


def test_a_go_build_run_whose_quotes_do_not_close_is_unreadable_not_empty() -> None:
    text = "FROM golang:1.26.8\nRUN go build -ldflags '-s -o /app .\n"
    assert read(text) == [(2, 2, "", (), None, False)]


def test_a_go_build_only_named_in_an_echo_is_unreadable() -> None:
    """The RUN mentions go build but runs none the reader can see (a script prints it):
    its arguments are unknown, not absent."""
    text = "FROM golang:1.26.8\nRUN echo go build && ./build.sh\n"
    assert read(text) == [(2, 2, "", (), None, False)]


def test_an_exec_form_run_is_read_as_its_words() -> None:
    """`RUN ["go", "build", ...]` runs without a shell: each JSON string is one word."""
    text = (
        "FROM golang:1.26.8\nWORKDIR /src\n"
        'RUN ["go", "build", "-ldflags", "-s -w", "-o", "/app", "main.go"]\n'
    )
    assert read(text) == [(3, 3, "/app", ("/src/main.go",), "-s -w", True)]


def test_a_heredoc_run_is_read_as_its_script() -> None:
    text = (
        "FROM golang:1.26.8\nWORKDIR /src\nRUN <<EOF\nset -e\ncd cmd/api\n"
        "go build -o /app main.go\nEOF\n"
    )
    assert read(text) == [(3, 7, "/app", ("/src/cmd/api/main.go",), None, True)]


def test_a_cd_with_options_does_not_move_the_build() -> None:
    """Only `cd DIR` is followed; `cd -P DIR` and a bare `cd` (home) are not guessed."""
    text = "FROM golang:1.26.8\nWORKDIR /src\nRUN cd -P cmd/api && go build -o /app main.go\n"
    assert read(text) == [(3, 3, "/app", ("/src/main.go",), None, True)]


def test_flags_ending_in_dot_go_are_not_files() -> None:
    text = "FROM golang:1.26.8\nWORKDIR /src\nRUN go build -overlay=overlay.go -o /app main.go\n"
    assert read(text) == [(3, 3, "/app", ("/src/main.go",), None, True)]


def test_an_absolute_file_is_known_without_any_workdir() -> None:
    text = "FROM golang:1.26.8\nRUN go build -o /app /src/cmd/api/main.go cmd/x.go\n"
    assert read(text) == [(2, 2, "/app", ("/src/cmd/api/main.go",), None, True)]


def test_a_relative_workdir_joins_the_workdir_before_it() -> None:
    text = (
        "FROM golang:1.26.8\nWORKDIR /src\nWORKDIR services\nWORKDIR 'api'\n"
        "RUN go build -o /app main.go\n"
    )
    assert read(text) == [(5, 5, "/app", ("/src/services/api/main.go",), None, True)]


def test_a_relative_workdir_with_no_absolute_one_before_is_unknown() -> None:
    """BuildKit joins it to the base image's WORKDIR (golang's is /go), which the
    Dockerfile does not show; an absolute WORKDIR after it is known again."""
    relative = "FROM golang:1.26.8\nWORKDIR app\nRUN go build -o /app main.go\n"
    assert read(relative) == [(3, 3, "/app", (), None, True)]
    reset = relative.replace("WORKDIR app\n", "WORKDIR app\nWORKDIR /build\n")
    assert read(reset) == [(4, 4, "/app", ("/build/main.go",), None, True)]


def test_a_workdir_from_the_stage_built_from_applies() -> None:
    text = (
        "FROM golang:1.26.8 AS base\nWORKDIR /src\nCOPY . .\n"
        "FROM base AS build\nRUN go build -o /app main.go\n"
    )
    (build,) = go_builds(parse_dockerfile(text))
    assert (build.files, build.from_line, [i.line for i in build.before]) == (
        ("/src/main.go",),
        1,
        [2, 3],
    )


CHAIN = """\
FROM golang:1.26.8-alpine AS base
ENV CGO_ENABLED=1
ENV GOTOOLCHAIN=go1.26.1
FROM base AS deps
ENV CGO_ENABLED=0
ENV GOTOOLCHAIN=go1.26.8
RUN go mod download
FROM deps AS build
ENV GOFLAGS=-mod=mod
RUN go build -o /out/api ./cmd/api
RUN go vet ./...
FROM scratch
COPY --from=build /out/api /api
"""


def test_the_build_sees_its_ancestors_instructions_oldest_first() -> None:
    (build,) = go_builds(parse_dockerfile(CHAIN))
    assert [i.line for i in build.before] == [2, 3, 5, 6, 7, 9]
    assert build.from_line == 1


def test_the_nearest_stage_setting_wins_over_an_older_one() -> None:
    (build,) = go_builds(parse_dockerfile(CHAIN))
    lines = CHAIN.splitlines()
    assert setting_line(build, lines, "CGO_ENABLED", False) == 5
    assert toolchain_line(build, lines) == 6


def test_a_later_instruction_of_the_stage_is_not_before_the_build() -> None:
    """`RUN go vet` on line 11 comes after the build on line 10: what the build sees ends
    with the stage's ENV on line 9, whatever follows it."""
    (build,) = go_builds(parse_dockerfile(CHAIN))
    text = CHAIN.replace("RUN go vet ./...", "ENV CGO_ENABLED=1")
    (unchanged,) = go_builds(parse_dockerfile(text))
    assert build.line == 10
    assert [i.line for i in unchanged.before] == [2, 3, 5, 6, 7, 9]
    assert setting_line(unchanged, text.splitlines(), "CGO_ENABLED", False) == 5


def test_building_prefers_the_build_that_names_the_program() -> None:
    builds = go_builds(parse_dockerfile(SPELLINGS))
    chosen = building(builds, "/usr/local/bin/worker")
    assert chosen is not None and chosen.output == "/out/worker"
    assert [b.output for b in named(builds, "/api")] == ["/out/api"]


def test_a_program_without_a_name_matches_no_build() -> None:
    """An image whose entrypoint could not be read gives the program "" (its folder only)."""
    builds = go_builds(parse_dockerfile("FROM golang:1.26.8\nRUN go build -o /out/ .\n"))
    assert named(builds, "/usr/local/bin/") == []


def test_two_builds_naming_the_program_the_last_is_the_one() -> None:
    text = (
        "FROM golang:1.26.8\nRUN go build -o /out/app ./cmd/dev\n"
        "RUN go build -o /out/app ./cmd/app\nRUN go build -o /out/tool ./cmd/tool\n"
    )
    chosen = building(go_builds(parse_dockerfile(text)), "/app")
    assert chosen is not None and chosen.line == 3


def toolchain(text: str) -> int:
    (build,) = go_builds(parse_dockerfile(text))
    return toolchain_line(build, text.splitlines())


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # Inline in the RUN, on its continuation line.
        ("FROM golang:1.26.8\nRUN CGO_ENABLED=0 \\\n    GOTOOLCHAIN=go1.27.1 go build .\n", 3),
        # A RUN that only prints it sets nothing; the ENV pin before it does.
        ("FROM golang:1.26.8\nENV GOTOOLCHAIN=go1.27.1\nRUN go env GOTOOLCHAIN && go build .\n", 2),
        # ENV in its `KEY value` form, quoted.
        ('FROM golang:1.26.8\nENV GOTOOLCHAIN "go1.27.1+auto"\nRUN go build .\n', 2),
        # An ARG default, over a base image that sets no GOTOOLCHAIN (golang's ENV would win).
        ("FROM alpine:3.22\nARG GOTOOLCHAIN=go1.27.1\nRUN go build .\n", 2),
        # An earlier RUN's `go env -w`, over such a base image.
        ("FROM alpine:3.22\nRUN go env -w GOTOOLCHAIN=go1.27.1\nRUN go build .\n", 2),
        # On an ENV's continuation line: that line, not the ENV's first.
        ("FROM golang:1.26.8\nENV CGO_ENABLED=0 \\\n    GOTOOLCHAIN=go1.27.1\nRUN go build .\n", 3),
        # Another keyword mentioning it decides nothing.
        ('FROM golang:1.26.8\nLABEL note="GOTOOLCHAIN=go1.27.1"\nRUN go build .\n', 0),
        # In a heredoc, GOTOOLCHAIN ending one shell line and go1.x starting the next is no
        # assignment; the ENV is.
        (
            "FROM golang:1.26.8\nENV GOTOOLCHAIN=go1.27.1\nRUN <<EOF\necho GOTOOLCHAIN\n"
            "go1.99.0 is what we tried\ngo build .\nEOF\n",
            2,
        ),
        # The last of two pins.
        (
            "FROM golang:1.26.8\nENV GOTOOLCHAIN=go1.26.1\nENV GOTOOLCHAIN=go1.27.1\n"
            "RUN go build .\n",
            3,
        ),
    ],
)
def test_the_line_that_pinned_the_toolchain(text: str, line: int) -> None:
    assert toolchain(text) == line


def test_a_toolchain_pin_in_a_comment_of_the_run_is_not_the_run_s() -> None:
    text = (
        "FROM golang:1.26.8\nENV GOTOOLCHAIN=go1.27.1\nRUN go build \\\n"
        "    # GOTOOLCHAIN=go1.99.0 was tried\n    -o /app .\n"
    )
    assert toolchain(text) == 2


def setting(text: str, name: str, flag: bool) -> int:
    (build,) = go_builds(parse_dockerfile(text))
    return setting_line(build, text.splitlines(), name, flag)


@pytest.mark.parametrize(
    ("text", "name", "flag", "line"),
    [
        # `KEY value` ENV form, after other instructions.
        (
            "FROM golang:1.26.8\nWORKDIR /src\nCOPY . .\nENV CGO_ENABLED 0\nRUN go build .\n",
            "CGO_ENABLED",
            False,
            4,
        ),
        # An ARG without a default still names it (a build arg sets it).
        ("FROM golang:1.26.8\nARG GOOS\nRUN go build .\n", "GOOS", False, 2),
        # A longer name that starts with it is another variable.
        ("FROM golang:1.26.8\nENV GOOSX=1\nRUN go build .\n", "GOOS", False, 0),
        # A RUN before the build does not set the build's environment.
        ("FROM golang:1.26.8\nRUN export CGO_ENABLED=0\nRUN go build .\n", "CGO_ENABLED", False, 0),
        # A flag in GOFLAGS on an ENV's continuation line.
        (
            "FROM golang:1.26.8\nENV CGO_ENABLED=0 \\\n    GOFLAGS=-trimpath\nRUN go build .\n",
            "-trimpath",
            True,
            3,
        ),
        # A flag's name in another variable is not GOFLAGS.
        ('FROM golang:1.26.8\nENV NOTE="-trimpath"\nRUN go build .\n', "-trimpath", True, 0),
        # GOFLAGS without that flag.
        ("FROM golang:1.26.8\nENV GOFLAGS=-mod=mod\nRUN go build .\n", "-trimpath", True, 0),
        # The RUN itself names it on its second line.
        ("FROM golang:1.26.8\nRUN CGO_ENABLED=0 \\\n    GOOS=linux go build .\n", "GOOS", False, 3),
        # A flag in the RUN, followed by its value, by a quote or by nothing.
        ("FROM golang:1.26.8\nRUN go build -tags netgo .\n", "-tags", True, 2),
        ('FROM golang:1.26.8\nRUN GOFLAGS="-mod=mod -trimpath" go build .\n', "-trimpath", True, 2),
        ("FROM golang:1.26.8\nWORKDIR /src\nRUN go build -trimpath\n", "-trimpath", True, 3),
        # A variable the RUN only reads is set by the ARG that declared it.
        (
            "FROM golang:1.26.8\nARG GOARCH=amd64\nRUN go build -o /out/api-${GOARCH} ./cmd/api\n",
            "GOARCH",
            False,
            2,
        ),
        # The last of two ENVs.
        (
            "FROM golang:1.26.8\nENV CGO_ENABLED=1\nENV CGO_ENABLED=0\nRUN go build .\n",
            "CGO_ENABLED",
            False,
            3,
        ),
    ],
)
def test_the_line_that_set_a_build_fact(text: str, name: str, flag: bool, line: int) -> None:
    assert setting(text, name, flag) == line


def test_a_setting_past_the_end_of_the_text_is_not_read() -> None:
    """Lines given short of the Dockerfile (a truncated read) are searched as far as they go."""
    text = "FROM golang:1.26.8\nENV CGO_ENABLED=0\nRUN go build \\\n    -tags netgo .\n"
    (build,) = go_builds(parse_dockerfile(text))
    assert setting_line(build, text.splitlines()[:3], "-tags", True) == 0
    assert setting_line(build, text.splitlines()[:3], "CGO_ENABLED", False) == 2


def test_a_build_without_an_output_flag_names_no_output() -> None:
    text = "FROM golang:1.26.8\nWORKDIR /src\nRUN go build ./...\n"
    assert read(text) == [(3, 3, "", (), None, True)]


def test_an_output_flag_as_the_last_but_one_word_takes_the_last() -> None:
    text = "FROM golang:1.26.8\nWORKDIR /src\nRUN go build -o /usr/local/bin/api\n"
    assert read(text) == [(3, 3, "/usr/local/bin/api", (), None, True)]


def test_two_heredoc_scripts_of_one_run_are_read_in_turn() -> None:
    text = (
        "FROM golang:1.26.8\nWORKDIR /src\nRUN <<DEPS sh && <<BUILD sh\ngo mod download\nDEPS\n"
        "go build -o /app main.go\nBUILD\n"
    )
    assert read(text) == [(3, 7, "/app", ("/src/main.go",), None, True)]


def test_an_output_path_holding_an_equals_sign_is_kept_whole() -> None:
    text = "FROM golang:1.26.8\nRUN go build -o=/out/tier=api ./cmd/api\n"
    assert read(text) == [(2, 2, "/out/tier=api", (), None, True)]


def test_a_workdir_from_a_variable_after_a_known_one_is_unknown() -> None:
    text = (
        "FROM golang:1.26.8\nARG SERVICE=api\nWORKDIR /src\nWORKDIR ${SERVICE}\n"
        "RUN go build -o /app main.go\n"
    )
    assert read(text) == [(5, 5, "/app", (), None, True)]


def test_a_workdir_whose_name_ends_in_a_capital_x_keeps_it() -> None:
    text = "FROM golang:1.26.8\nWORKDIR /src/tools/protoX\nRUN go build -o /app main.go\n"
    assert read(text) == [(3, 3, "/app", ("/src/tools/protoX/main.go",), None, True)]
