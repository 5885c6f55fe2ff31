"""The Dockerfile reader (gofacts/dockerfile.py) on the rules the older tests left open, each on
a shape real Dockerfiles have: ONBUILD, exec forms, `<<-` heredocs, ADD of URLs, repeated
flags, ARGs before the first FROM, unknown targets, labels, byte-order marks, upper-case
directives, and where in a long file BuildKit's parser gives up."""

from __future__ import annotations

import pytest

from pytest_goimage.errors import DockerfileSyntaxError
from pytest_goimage.gofacts.dockerfile import (
    Dockerfile,
    normalise_command,
    parse_dockerfile,
    parse_dockerfile_leniently,
    parser_directives,
)


def test_an_instruction_records_its_form_lines_and_onbuild_keyword() -> None:
    parsed = parse_dockerfile(
        'FROM golang:1.26.8\nONBUILD RUN go build ./...\nCMD ["/app", "--port", "8080"]\n'
        "RUN <<EOF\ngo build -o /app .\nEOF\n"
    )
    _, onbuild, cmd, run = parsed.instructions
    assert (onbuild.keyword, onbuild.sub_keyword, onbuild.json) == ("ONBUILD", "RUN", False)
    assert (cmd.keyword, cmd.sub_keyword, cmd.json, cmd.args) == (
        "CMD",
        "",
        True,
        ("/app", "--port", "8080"),
    )
    assert (run.line, run.end_line, run.text) == (4, 6, "RUN <<EOF\ngo build -o /app .\nEOF")
    assert [(h.name, h.content) for h in run.heredocs] == [("EOF", "go build -o /app .\n")]


def test_an_instructions_value_is_what_follows_its_keyword() -> None:
    parsed = parse_dockerfile("FROM golang:1.26.8\nENV CGO_ENABLED=0 GOOS=linux\n")
    env = parsed.instructions[1]
    assert env.value == "CGO_ENABLED=0 GOOS=linux"
    assert env.words() == ["CGO_ENABLED=0", "GOOS=linux"]


def test_arg_words_are_buildkits_split_not_the_text_split() -> None:
    """`ARG GOFLAGS="-trimpath -mod=mod"` declares one name with one default."""
    parsed = parse_dockerfile('FROM golang:1.26.8\nARG GOFLAGS="-trimpath -mod=mod" GOOS\n')
    assert parsed.instructions[1].words() == ['GOFLAGS="-trimpath -mod=mod"', "GOOS"]


def test_the_last_of_a_repeated_flag_is_its_value() -> None:
    parsed = parse_dockerfile(
        "FROM golang:1.26.8\n"
        "RUN --mount=type=cache,target=/go/pkg/mod --mount=type=bind,target=/src go build\n"
    )
    run = parsed.instructions[1]
    assert (run.flag("mount"), run.flag("network")) == ("type=bind,target=/src", None)


def test_a_flag_named_like_the_start_of_another_is_not_it() -> None:
    parsed = parse_dockerfile("FROM golang:1.26.8 AS b\nCOPY --from-stage=b /a /a\n")
    assert parsed.instructions[1].flag("from") is None


@pytest.mark.parametrize(
    ("instruction", "sources"),
    [
        ("ADD https://example.com/ca.pem vendor.tar.gz /etc/", ["vendor.tar.gz"]),
        ("ADD --chmod=644 config.yaml /etc/app/", ["config.yaml"]),
        ("COPY <<-EOF /etc/app.conf\n\tport=8080\n\tEOF", []),
        ("COPY --from=golang:1.26.8 /usr/local/go /usr/local/go", []),
        ("RUN cp a b", []),
        ("COPY https-notes.md ftp.txt /docs/", ["https-notes.md", "ftp.txt"]),
    ],
)
def test_copy_sources_read_from_the_context(instruction: str, sources: list[str]) -> None:
    parsed = parse_dockerfile(f"FROM alpine:3.22\n{instruction}\n")
    assert parsed.instructions[1].sources() == sources


def test_a_stage_is_found_by_its_name_in_any_case_or_by_its_index() -> None:
    parsed = parse_dockerfile("FROM golang:1.26.8 AS build\nFROM scratch\n")
    assert parsed.stage("BUILD") is parsed.stages[0]
    assert parsed.stage("stage-1") is parsed.stages[1]
    assert parsed.stage("stage-2") is None
    assert parsed.stage("release") is None


def test_an_unknown_target_builds_the_last_stage() -> None:
    parsed = parse_dockerfile("FROM golang:1.26.8 AS build\nFROM scratch AS release\n")
    assert [s.name for s in parsed.built_stages("missing")] == ["release"]


def test_a_dockerfile_that_could_not_be_read_builds_no_stage() -> None:
    empty = parse_dockerfile_leniently("RUN <<EOF\nunterminated\n")
    assert (empty, empty.built_stages(None), empty.labels_set(None)) == (
        Dockerfile((), ()),
        [],
        None,
    )


LABELLED = """\
FROM golang:1.26.8 AS build
LABEL stage=build
FROM alpine:3.22 AS base
LABEL "org.opencontainers.image.vendor"="Example" maintainer='ops@example.com'
FROM base AS release
LABEL org.opencontainers.image.source=https://github.com/example/api \\
      org.opencontainers.image.revision=abc123
"""


def test_labels_set_are_the_keys_of_the_images_own_stages() -> None:
    assert parse_dockerfile(LABELLED).labels_set(None) == {
        "org.opencontainers.image.vendor",
        "maintainer",
        "org.opencontainers.image.source",
        "org.opencontainers.image.revision",
    }
    assert parse_dockerfile(LABELLED).labels_set("build") == {"stage"}


@pytest.mark.parametrize(
    "text",
    [
        "ARG BASE=alpine:3.22\nFROM ${BASE}\nLABEL a=b\n",
        "FROM alpine:3.22\nARG KEY=team\nLABEL ${KEY}=api\n",
    ],
)
def test_labels_set_is_unknown_when_a_variable_decides(text: str) -> None:
    assert parse_dockerfile(text).labels_set(None) is None


def test_global_instructions_are_the_args_before_the_first_from() -> None:
    parsed = parse_dockerfile("ARG GO=1.26.8\nARG ALPINE=3.22\nFROM golang:${GO}\nARG GOOS\n")
    assert [(i.line, i.keyword) for i in parsed.global_instructions] == [(1, "ARG"), (2, "ARG")]
    assert Dockerfile((), ()).global_instructions == []


def test_the_escape_character_is_a_backslash_unless_a_directive_says_otherwise() -> None:
    assert parse_dockerfile("# syntax=docker/dockerfile:1\nFROM x\n").escape == "\\"


def test_directives_after_a_byte_order_mark_in_any_case_are_read() -> None:
    text = "\ufeff# SYNTAX=docker/dockerfile:1.7\n#  check = skip=all \nFROM golang:1.26.8\n"
    assert parser_directives(text) == [
        (1, "syntax", "docker/dockerfile:1.7"),
        (2, "check", "skip=all"),
    ]
    assert parse_dockerfile(text).directives == (
        (1, "syntax", "docker/dockerfile:1.7"),
        (2, "check", "skip=all"),
    )


def test_a_directive_after_an_instruction_is_a_comment() -> None:
    assert parser_directives("FROM golang:1.26.8\n# escape=`\n") == []


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # A long file that breaks deep inside: the heredoc opened on line 9.
        (
            "# syntax=docker/dockerfile:1\nFROM golang:1.26.8 AS build\nWORKDIR /src\n"
            "COPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nENV CGO_ENABLED=0\n"
            "ARG VERSION=dev\nRUN <<EOF\ngo build -o /app .\n",
            9,
        ),
        # Breaking on the first line of many.
        ('# escape=ab\nFROM golang:1.26.8\nRUN go build\nUSER 65532\nCMD ["/app"]\n', 1),
        # Breaking on the last line.
        ("FROM golang:1.26.8\nRUN go build\nUSER 65532\nRUN <<EOF", 4),
    ],
)
def test_a_syntax_error_is_reported_on_the_line_where_buildkit_gives_up(
    text: str, line: int
) -> None:
    with pytest.raises(DockerfileSyntaxError) as caught:
        parse_dockerfile(text)
    assert caught.value.line == line


def test_normalise_command_collapses_whitespace_as_a_step_name_does() -> None:
    assert normalise_command("RUN  go build \\\n    -o /app\t.") == "RUN go build \\ -o /app ."


HEREDOC_THEN_BROKEN = """\
# syntax=docker/dockerfile:1
FROM golang:1.26.8 AS build
WORKDIR /src
RUN <<EOF
set -e
go mod download
go build -o /app .
EOF
RUN <<CHECK
/app --version
"""


def test_a_broken_heredoc_after_a_complete_one_is_reported_on_its_own_line() -> None:
    """A prefix of the file that ends inside the complete heredoc does not parse either; the
    line named is the one after which no longer prefix parses."""
    with pytest.raises(DockerfileSyntaxError) as caught:
        parse_dockerfile(HEREDOC_THEN_BROKEN)
    assert (caught.value.line, caught.value.reason) == (9, "unterminated heredoc")


def test_a_windows_checkouts_broken_heredoc_is_reported_on_its_line() -> None:
    with pytest.raises(DockerfileSyntaxError) as caught:
        parse_dockerfile("FROM golang:1.26.8\r\nRUN <<EOF\r\ngo build -o /app .\r\n")
    assert caught.value.line == 2


def test_a_flag_naming_a_folder_in_chinese_is_reported_on_its_line() -> None:
    """BuildKit's parser hands such a flag back as broken UTF-8 (here `元`, U+5143); the
    reader says so on the flag's line instead of failing with a UnicodeDecodeError."""
    text = (
        "FROM golang:1.26.8\nWORKDIR /src\nCOPY . .\n"
        "RUN --mount=type=bind,source=配置/元数据,target=/etc/app go build -o /app .\n"
        "USER 65532\n"
    )
    with pytest.raises(DockerfileSyntaxError) as caught:
        parse_dockerfile(text)
    assert (caught.value.line, caught.value.reason) == (
        4,
        "an instruction flag (--name=value) holds non-ASCII characters",
    )


def test_an_arg_whose_default_holds_equals_signs_declares_its_name() -> None:
    parsed = parse_dockerfile('FROM golang:1.26.8\nARG GOFLAGS=-mod=mod\nARG LDFLAGS="-X a=b"\n')
    assert parsed.declared_args() == {"GOFLAGS", "LDFLAGS"}


def test_label_keys_keep_their_own_letters_when_their_quotes_go() -> None:
    parsed = parse_dockerfile('FROM alpine:3.22\nLABEL "XDG_TEAM"=payments XRAY=on\n')
    assert parsed.labels_set(None) == {"XDG_TEAM", "XRAY"}


def test_an_instructions_text_is_kept_as_written_to_its_last_character() -> None:
    parsed = parse_dockerfile("FROM alpine:3.22\nLABEL tier=X\nRUN echo ready   \n")
    assert [i.text for i in parsed.instructions[1:]] == ["LABEL tier=X", "RUN echo ready   "]


def test_a_from_without_an_image_is_a_stage_with_no_base() -> None:
    """BuildKit's parser accepts a bare FROM (the build refuses it later)."""
    (stage,) = parse_dockerfile("FROM\nRUN true\n").stages
    assert (stage.base, stage.name, stage.line) == ("", None, 1)


def test_directives_of_a_windows_checkout_are_read_without_their_line_ends() -> None:
    text = "# syntax=docker/dockerfile:1\r\n# escape=`\r\nFROM golang:1.26.8\r\n"
    assert parser_directives(text) == [(1, "syntax", "docker/dockerfile:1"), (2, "escape", "`")]
