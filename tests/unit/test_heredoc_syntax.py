"""A Dockerfile syntax error on a heredoc's body line: which heredoc holds the line, and the
message that says the engine's frontend did not read it (Docker 20.10's built-in one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.build.diagnose import explain
from pytest_goimage.build.engine_build import BuildTrace
from pytest_goimage.build.failed_build import read_failed_build
from pytest_goimage.build.heredoc_syntax import HeredocStart, heredoc_holding
from pytest_goimage.gofacts.dockerfile import parse_dockerfile

DOCKERFILE = """\
FROM golang:1.26-alpine AS build
WORKDIR /src
RUN <<EOF
set -e
go build -o /out/app .
EOF
RUN <<-EOT sh
\tset -e
\techo tabs
\tEOT
RUN --mount=type=cache,target=/root/.cache \\
    <<"SCRIPT"
echo $HOME
SCRIPT
RUN <<ONE cat > /one && <<TWO cat > /two
first
ONE
second
TWO

FROM alpine:3.22
COPY <<EOF /etc/app.conf
listen=:8080
EOF
COPY --from=build /out/app /app
RUNN echo typo
"""

RUN_EOF = HeredocStart(3, "RUN <<EOF", "RUN")
TABS = HeredocStart(7, "RUN <<-EOT sh", "RUN")
QUOTED = HeredocStart(12, '<<"SCRIPT"', "RUN")
TWO = HeredocStart(15, "RUN <<ONE cat > /one && <<TWO cat > /two", "RUN")
COPY = HeredocStart(22, "COPY <<EOF /etc/app.conf", "COPY")


@pytest.mark.parametrize(
    ("line", "start"),
    [
        (3, None),  # the RUN itself, which any frontend reads
        (4, RUN_EOF),  # `set -e`: what Docker 20.10 calls "unknown instruction: SET"
        (5, RUN_EOF),
        (6, RUN_EOF),  # the terminator
        (8, TABS),
        (10, TABS),  # `\tEOT` ends a `<<-` heredoc
        (11, None),
        (12, None),  # flags continued over a line before the heredoc opens
        (13, QUOTED),
        (14, QUOTED),
        (16, TWO),  # the first of two heredocs in one RUN
        (18, TWO),  # the second
        (19, TWO),
        (20, None),  # the blank line after them
        (22, None),
        (23, COPY),
        (24, COPY),
        (25, None),
        (26, None),  # RUNN: a typo on a line of its own
    ],
)
def test_the_heredoc_holding_a_line(line: int, start: HeredocStart | None) -> None:
    assert heredoc_holding(parse_dockerfile(DOCKERFILE), DOCKERFILE, line) == start


def _message(tmp_path: Path, dockerfile: str, error: str) -> str:
    (tmp_path / "Dockerfile").write_text(dockerfile)
    build = read_failed_build(
        BuildTrace(error=error),
        dockerfile=tmp_path / "Dockerfile",
        dockerfile_label="Dockerfile",
        context=tmp_path,
        context_label=".",
        log_path=None,
    )
    diagnosis = explain(build)
    assert diagnosis.cause == "dockerfile-syntax"
    return diagnosis.message


# As Docker 20.10's engine ends the build (its built-in frontend, BuildKit v0.8).
SOLVE = "failed to solve with frontend dockerfile.v0: failed to create LLB definition: "


@pytest.mark.parametrize(
    ("line", "said", "message"),
    [
        (
            4,
            "unknown instruction: SET",
            "Dockerfile:4: Dockerfile syntax error: unknown instruction: SET. Line 4 is inside "
            "the heredoc that starts at Dockerfile:3: RUN <<EOF; this engine's built-in "
            "Dockerfile frontend reads heredocs only with `# syntax=docker/dockerfile:1.4` (or "
            "later) as the first line (Docker 23 and later read them without it), so it took "
            "the heredoc's lines for instructions. Add that line where the engine can pull "
            "docker/dockerfile, or write the script as one RUN with `&&` between commands and "
            "`\\` at line ends.",
        ),
        (
            23,
            "unknown instruction: LISTEN=:8080",
            "Dockerfile:23: Dockerfile syntax error: unknown instruction: LISTEN=:8080. Line 23 "
            "is inside the heredoc that starts at Dockerfile:22: COPY <<EOF /etc/app.conf; this "
            "engine's built-in Dockerfile frontend reads heredocs only with "
            "`# syntax=docker/dockerfile:1.4` (or later) as the first line (Docker 23 and later "
            "read them without it), so it took the heredoc's lines for instructions. Add that "
            "line where the engine can pull docker/dockerfile, or keep the file in the build "
            "context and COPY it from there.",
        ),
        (
            26,
            "unknown instruction: RUNN",
            "Dockerfile:26: Dockerfile syntax error: unknown instruction: RUNN. Fix the "
            "instruction on that line.",
        ),
    ],
    ids=["run", "copy", "not-in-a-heredoc"],
)
def test_a_parse_error_in_a_heredoc_says_the_frontend_did_not_read_it(
    tmp_path: Path, line: int, said: str, message: str
) -> None:
    error = f"{SOLVE}dockerfile parse error line {line}: {said}"
    assert _message(tmp_path, DOCKERFILE, error) == message


def test_an_old_syntax_directive_is_the_frontend_named(tmp_path: Path) -> None:
    """A `# syntax=` frontend older than 1.4 says it in its own words (a gateway's error)."""
    dockerfile = "# syntax=docker/dockerfile:1.2\n" + DOCKERFILE
    error = (
        "failed to solve with frontend dockerfile.v0: failed to solve with frontend gateway.v0: "
        "rpc error: code = Unknown desc = dockerfile parse error on line 5: unknown "
        "instruction: set (did you mean user?)"
    )
    assert _message(tmp_path, dockerfile, error) == (
        "Dockerfile:5: Dockerfile syntax error: unknown instruction: set (did you mean user?). "
        "Line 5 is inside the heredoc that starts at Dockerfile:4: RUN <<EOF; the frontend the "
        "`# syntax=docker/dockerfile:1.2` directive (Dockerfile:1) names does not read "
        "heredocs, so it took the heredoc's lines for instructions. Name docker/dockerfile:1.4 "
        "or later in that directive (`docker/dockerfile:1` is the newest 1.x), or write the "
        "script as one RUN with `&&` between commands and `\\` at line ends."
    )


def test_a_heredoc_closed_later_or_with_tabs_is_not_called_unclosed() -> None:
    """Only a heredoc no later line closes is `unclosed`; `<<-` closes on a tab-indented word."""
    from pytest_goimage.build.heredoc_syntax import _unclosed

    closed = "FROM x\nRUN <<-EOF\n\tset -e\n\tEOF\nRUN echo\n"
    assert _unclosed(closed, 3) is None
    opened = "FROM x\nRUN <<'SCRIPT' bash\nset -e\nexit 0\n"
    found = _unclosed(opened, 3)
    assert found is not None
    assert (found[0].line, found[0].keyword, found[1]) == (2, "RUN", "SCRIPT")
