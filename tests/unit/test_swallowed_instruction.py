"""build/swallowed_instruction.py: a line ending in `\\` joins the next instruction (past blank
and comment lines) into the one before; the message names both lines (trial 31)."""

from __future__ import annotations

import pytest

from pytest_goimage.build.swallowed_instruction import Swallowed, swallowed_instruction
from pytest_goimage.gofacts.dockerfile import parse_dockerfile

BUILD = """\
FROM golang:1.26.8-alpine AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \\
    CGO_ENABLED=0 go build \\
    -o /out/app ./cmd/app \\
"""


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # The trial's shape: a blank line, then the next stage.
        (
            "\nFROM alpine:3.22\nCOPY --from=build /out/app /app\n",
            Swallowed(6, 8, "FROM alpine:3.22", "RUN"),
        ),
        # A comment line between is skipped as the blank one is.
        (
            "\n# runtime\nFROM alpine:3.22 AS run\n",
            Swallowed(6, 9, "FROM alpine:3.22 AS run", "RUN"),
        ),
    ],
    ids=["blank-line", "comment-line"],
)
def test_the_line_ending_in_the_escape_and_the_instruction_it_swallowed_are_named(
    after: str, expected: Swallowed
) -> None:
    text = BUILD + after
    assert swallowed_instruction(parse_dockerfile(text), text) == expected


NEXT_LINE = BUILD + "COPY --from=build /out/app /app\n"


@pytest.mark.parametrize(
    ("error", "claimed"),
    [
        # BuildKit ran the joined words: go build was given COPY as a package.
        (
            'process "/bin/sh -c CGO_ENABLED=0 go build     -o /out/app ./cmd/app     COPY '
            '--from=build /out/app /app" did not complete successfully: exit code: 1',
            True,
        ),
        ("circular dependency detected on stage: build", False),  # only a FROM makes one
        ("./cmd/app/main.go:4:2: undefined: x", False),  # another failure: say that one
    ],
    ids=["joined-words", "circle-without-from", "other-failure"],
)
def test_a_keyword_on_the_very_next_line_is_claimed_only_where_the_error_shows_it(
    error: str, claimed: bool
) -> None:
    found = swallowed_instruction(parse_dockerfile(NEXT_LINE), NEXT_LINE, error)
    expected = Swallowed(6, 7, "COPY --from=build /out/app /app", "RUN") if claimed else None
    assert found == expected


def test_a_from_on_the_next_line_is_claimed_where_its_stage_became_a_circle() -> None:
    text = BUILD + "FROM alpine:3.22\nCOPY --from=build /out/app /app\n"
    error = "circular dependency detected on stage: build"
    assert swallowed_instruction(parse_dockerfile(text), text, error) == Swallowed(
        6, 7, "FROM alpine:3.22", "RUN"
    )


def test_a_backtick_escape_is_read_as_the_directive_sets_it() -> None:
    text = "# escape=`\nFROM alpine:3.22\nRUN echo a `\n\nUSER app\n"
    assert swallowed_instruction(parse_dockerfile(text), text) == Swallowed(3, 5, "USER app", "RUN")


@pytest.mark.parametrize(
    "text",
    [
        BUILD.rstrip(" \\\n") + "\n\nFROM alpine:3.22\n",
        # Continued words that only start like a keyword, and a lower-case shell command.
        "FROM alpine:3.22\nLABEL a=b \\\n    USER=x\nRUN apk add curl \\\n    env X=1 true\n",
        # A heredoc's body is a script: its lines are not continued instructions.
        "# syntax=docker/dockerfile:1.4\nFROM alpine:3.22\nRUN <<EOF\necho \\\nFROM x\nEOF\n",
        # What a continued line rightly holds: a HEALTHCHECK's CMD, an ONBUILD's instruction,
        # and SQL (the build failed for another reason; blaming the escape would hide it).
        "FROM alpine:3.22\nHEALTHCHECK --interval=30s \\\n  CMD wget -qO- localhost:8080 || exit 1\n",
        "FROM golang:1.26.8\nONBUILD \\\n  COPY . /src\n",
        'FROM postgres:16\nRUN psql -c "SELECT id \\\nFROM users" > /dev/null\n',
    ],
    ids=["no-trailing-escape", "not-a-keyword", "heredoc", "healthcheck", "onbuild", "sql"],
)
def test_nothing_is_claimed_where_no_instruction_was_swallowed(text: str) -> None:
    error = "executor failed running [/bin/sh -c go build ./...]: exit code: 1"
    assert swallowed_instruction(parse_dockerfile(text), text, error) is None
