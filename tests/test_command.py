"""Which program an image runs, from ENTRYPOINT and CMD as docker inspect shows them."""

from __future__ import annotations

import pytest

from pytest_goimage.command import program_of


@pytest.mark.parametrize(
    ("entrypoint", "cmd", "program"),
    [
        (["/app/main"], ["serve"], "/app/main"),
        ([], ["bookmark-api", "--port", "8080"], "bookmark-api"),
        # Shell form, as the engine stores `ENTRYPOINT /app/main --flag`.
        (["/bin/sh", "-c", "/app/main --flag"], [], "/app/main"),
        # A shell wrapper that execs the service, with an assignment before it.
        (["/bin/sh", "-c", "exec /app/main"], [], "/app/main"),
        (["sh", "-c", "GOGC=50 exec '/srv/my api' -v"], [], "/srv/my api"),
        (["/bin/bash", "-c", "exec env"], [], "env"),
        (["/bin/sh", "-ec", "exec /app"], [], "/app"),
        (["sh", "-e", "-c", "exec /app"], [], "/app"),
        (["bash", "-o", "pipefail", "-c", "exec /app"], [], "/app"),
        (["bash", "-euo", "pipefail", "--norc", "-c", "/app"], [], "/app"),
        (["/bin/sh", "/entrypoint.sh"], [], "/bin/sh"),  # a script file: the shell is all we know
        (["sh", "-e"], [], "sh"),
        ([], ["sh", ""], "sh"),  # an empty word is no option (found by the fuzzer)
        # `exec "$@"` runs the arguments after $0 (CMD here).
        (["/bin/sh", "-c", 'exec "$@"', "--"], ["/app/main", "serve"], "/app/main"),
        (["sh", "-c", "exec ${@}", "sh"], ["/app/main"], "/app/main"),
        (["sh", "-c", 'exec "$@"'], [], None),  # no arguments: nothing runs
        # Init wrappers run the rest of the line.
        (["/sbin/tini", "--"], ["/app/main"], "/app/main"),
        (["/usr/bin/dumb-init", "-r", "15:2", "/app/main"], [], "/app/main"),
        (["tini", "-s", "-g", "--", "sh", "-c", "exec /app/main"], [], "/app/main"),
        # A shell-form ENTRYPOINT ignores CMD, as the engine does.
        (["/bin/sh", "-c", "/app/main"], ["ignored"], "/app/main"),
        ([], [], None),
        (["/bin/sh", "-c", ""], [], None),
        (["/bin/sh", "-c", "exec 'unbalanced"], [], "'unbalanced"),
        (["/sbin/tini", "--"], [], None),
    ],
)
def test_program_of(entrypoint: list[str], cmd: list[str], program: str | None) -> None:
    assert program_of(entrypoint, cmd) == program
