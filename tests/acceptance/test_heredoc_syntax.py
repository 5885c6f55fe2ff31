"""A heredoc on an engine whose built-in Dockerfile frontend does not read them (Docker 20.10):
the engine reports the heredoc's body as unknown instructions, and the message says why."""

from __future__ import annotations

import fnmatch

import pytest

from tests.conftest import go_app

RUN_HEREDOC = """\
FROM alpine:3.22
WORKDIR /srv
COPY app /app
# The script runs in one shell.

RUN <<EOF
set -e
echo built > /srv/built
EOF
ENTRYPOINT ["/app"]
"""

COPY_HEREDOC = """\
FROM alpine:3.22
COPY app /app
COPY <<-"CONF" /etc/app.conf
\tlisten=:8080
\tCONF
ENTRYPOINT ["/app"]
"""


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        (
            RUN_HEREDOC,
            "*Dockerfile:7: Dockerfile syntax error: unknown instruction: SET*. Line 7 is inside "
            "the heredoc that starts at Dockerfile:6: RUN <<EOF; this engine's built-in "
            "Dockerfile frontend reads heredocs only with `# syntax=docker/dockerfile:1.4` (or "
            "later) as the first line*, or write the script as one RUN with `&&` between "
            "commands and `\\` at line ends.",
        ),
        (
            COPY_HEREDOC,
            "*Dockerfile:4: Dockerfile syntax error: unknown instruction: LISTEN=:8080*. Line 4 "
            'is inside the heredoc that starts at Dockerfile:3: COPY <<-"CONF" /etc/app.conf; '
            "this engine's built-in Dockerfile frontend reads heredocs only with*, or keep the "
            "file in the build context and COPY it from there.",
        ),
        (
            # Trial 18: never closed, BuildKit's own parser refuses it too, and the heredoc
            # was not named.
            RUN_HEREDOC.replace("EOF\nENTRYPOINT", "ENTRYPOINT"),
            "*Dockerfile:7: Dockerfile syntax error: unknown instruction: SET*. Line 7 follows "
            "the heredoc that Dockerfile:6 opens (RUN <<EOF), which is never closed: no line "
            "`EOF` ends it. Close it with a line `EOF`; then this engine's built-in Dockerfile "
            "frontend reads heredocs only with*, or write the script as one RUN with `&&` "
            "between commands and `\\` at line ends.",
        ),
    ],
    ids=["run", "copy", "unclosed"],
)
def test_a_heredoc_the_engine_cannot_read_is_named(
    pytester: pytest.Pytester, dockerfile: str, expected: str
) -> None:
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(dockerfile)
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out, out
    assert any(fnmatch.fnmatch(line, expected) for line in out.splitlines()), (
        f"{expected!r} not in:\n{out}"
    )
