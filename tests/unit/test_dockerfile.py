"""The Dockerfile reader reads what BuildKit reads: heredocs, here-strings, directives, flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.build.build_args import undeclared_build_args
from pytest_goimage.errors import DockerfileSyntaxError
from pytest_goimage.gofacts.dockerfile import parse_dockerfile, parser_directives
from pytest_goimage.gofacts.dockerfile_pins import dockerfile_pins

# `<<VERSION>>` is a placeholder in a sed expression, not a heredoc: BuildKit builds this.
SED_PLACEHOLDER = """\
FROM golang:1.26.8-alpine AS build
WORKDIR /src
COPY . .
RUN sed -i 's/<<VERSION>>/dev/' main.go
ARG GIT_SHA
RUN go build -ldflags "-X main.sha=${GIT_SHA}" -o /app .
FROM golang:1.20 AS legacy
"""


def keywords(text: str) -> list[tuple[int, str]]:
    return [(i.line, i.keyword) for i in parse_dockerfile(text).instructions]


def test_placeholder_in_sed_is_no_heredoc(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(SED_PLACEHOLDER)
    assert undeclared_build_args(dockerfile, {"GIT_SHA": "0123abc"}) == []
    assert [p.line for p in dockerfile_pins(SED_PLACEHOLDER, "Dockerfile", {})] == [1, 7]


def test_two_heredocs_on_one_line_end_at_their_own_words() -> None:
    text = "FROM x\nRUN <<A cat && <<B cat\na\nA\nb\nB\nARG Z\nFROM golang:1.20\n"
    assert keywords(text) == [(1, "FROM"), (2, "RUN"), (7, "ARG"), (8, "FROM")]
    run = parse_dockerfile(text).instructions[1]
    assert [(h.name, h.content) for h in run.heredocs] == [("A", "a\n"), ("B", "b\n")]


def test_indented_word_does_not_end_a_heredoc() -> None:
    # Without `<<-`, only the word alone on its line ends the body: `  EOF` is body text.
    text = "FROM x\nRUN <<EOF\necho\n  EOF\nEOF\nARG Y\nFROM golang:1.20\n"
    assert keywords(text) == [(1, "FROM"), (2, "RUN"), (6, "ARG"), (7, "FROM")]
    assert parse_dockerfile(text).instructions[1].heredocs[0].content == "echo\n  EOF\n"


def test_tab_stripping_heredoc_ends_at_tab_indented_word() -> None:
    text = "FROM x\nRUN <<-EOF\n\techo\n\tEOF\nFROM golang:1.20\n"
    assert keywords(text) == [(1, "FROM"), (2, "RUN"), (5, "FROM")]


def test_here_string_is_no_heredoc() -> None:
    text = 'FROM x\nRUN cat <<< "x"\nARG Y\nFROM golang:1.20\n'
    assert keywords(text) == [(1, "FROM"), (2, "RUN"), (3, "ARG"), (4, "FROM")]
    assert [p.line for p in dockerfile_pins(text, "D", {})] == [4]


def test_unterminated_heredoc_is_reported_with_its_line() -> None:
    text = "FROM golang:1.26\nRUN echo\nRUN <<EOF\necho\n"
    with pytest.raises(DockerfileSyntaxError) as caught:
        dockerfile_pins(text, "Dockerfile.prod", {})
    assert str(caught.value) == (
        "Dockerfile.prod:3: BuildKit cannot parse this Dockerfile: unterminated heredoc. Fix it "
        "so that `docker build` accepts it; until then no Go version can be read from it."
    )


def test_invalid_escape_directive_is_reported_on_its_line() -> None:
    with pytest.raises(DockerfileSyntaxError) as caught:
        parse_dockerfile("# escape=x\nFROM golang:1.26\n")
    assert (caught.value.line, caught.value.reason) == (
        1,
        "invalid escape token 'x' does not match ` or \\",
    )


def test_empty_dockerfile_names_no_line() -> None:
    with pytest.raises(DockerfileSyntaxError) as caught:
        parse_dockerfile("# just a comment\n")
    assert (caught.value.line, caught.value.reason) == (0, "file with no instructions")


def test_backtick_escape_joins_lines() -> None:
    parsed = parse_dockerfile("# escape=`\nFROM golang:1.26 AS b\nRUN echo a `\n  b\nUSER app\n")
    assert keywords("# escape=`\nFROM x\nRUN echo a `\n  b\nUSER app\n") == [
        (2, "FROM"),
        (3, "RUN"),
        (5, "USER"),
    ]
    assert parsed.escape == "`"


def test_unknown_directive_ends_the_directive_block() -> None:
    # BuildKit stops reading directives at the first name it does not know.
    text = "# syntax=docker/dockerfile:1\n# foo=bar\n# escape=`\nFROM x\n"
    assert parser_directives(text) == [(1, "syntax", "docker/dockerfile:1")]


def test_flags_are_not_arguments() -> None:
    text = (
        "FROM --platform=$BUILDPLATFORM golang:1.26 AS build\n"
        "COPY --link --chown=1:1 go.mod go.sum ./\n"
        "COPY --from=build /app /app\n"
        "RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download\n"
    )
    parsed = parse_dockerfile(text)
    stage = parsed.stages[0]
    assert (stage.base, stage.name, stage.platform) == ("golang:1.26", "build", "$BUILDPLATFORM")
    copy, copy_from, run = stage.instructions
    assert copy.sources() == ["go.mod", "go.sum"]
    assert copy_from.sources() == []
    assert run.flag("mount") == "type=secret,id=netrc,target=/root/.netrc"
    assert run.args == ("go mod download",)


def test_heredoc_copy_reads_nothing_from_the_context() -> None:
    parsed = parse_dockerfile("FROM x\nCOPY <<EOF /etc/app.conf\nport=8080\nEOF\n")
    assert parsed.instructions[1].sources() == []


def test_lower_case_keywords_and_stage_names_match_as_buildkit_matches() -> None:
    parsed = parse_dockerfile("from golang:1.26 as Build\nrun go build\nFROM build\n")
    assert [i.keyword for i in parsed.instructions] == ["FROM", "RUN", "FROM"]
    assert parsed.stage("build") is parsed.stages[0]
    assert parsed.instructions[1].text == "RUN go build"


def test_continuation_with_comment_inside() -> None:
    parsed = parse_dockerfile("FROM x\nRUN apk add \\\n# the compiler\n  gcc\nARG Z\n")
    run = parsed.instructions[1]
    assert (run.line, run.end_line, run.args[0].split()) == (2, 4, ["apk", "add", "gcc"])
    assert keywords("FROM x\nRUN apk add \\\n# the compiler\n  gcc\nARG Z\n")[-1] == (5, "ARG")


@pytest.mark.parametrize(
    ("copy", "pinned"),
    [
        ("COPY --from=golang:1.20 /usr/local/go /usr/local/go", True),
        ("COPY --from=golang:1.20 /usr/local/go/ /opt/go/", True),
        ("COPY --from=golang:1.20 /usr/local/go/lib/time/zoneinfo.zip /zoneinfo.zip", False),
        ("COPY --from=golang:1.20 /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/", False),
    ],
)
def test_copy_from_a_golang_image_pins_go_only_when_it_copies_the_toolchain(
    copy: str, pinned: bool
) -> None:
    text = f"FROM alpine:3.22\n{copy}\n"
    assert [p.line for p in dockerfile_pins(text, "Dockerfile", {})] == ([2] if pinned else [])


def test_built_stages_follow_from_to_earlier_stages_and_stop_at_an_image() -> None:
    parsed = parse_dockerfile(
        "FROM golang AS build\nFROM alpine AS base\nFROM base AS release\nFROM build AS test\n"
        "FROM Release AS again\n"
    )
    assert [s.name for s in parsed.built_stages(None)] == ["again", "release", "base"]
    assert [s.name for s in parsed.built_stages("test")] == ["test", "build"]
    # A stage named like the image it is built FROM ends the chain, not a loop.
    assert [s.name for s in parse_dockerfile("FROM base AS base\n").built_stages(None)] == ["base"]
