"""Which program the runtime or an init (tini, dumb-init) could not execute, and why, as their
own log lines say it (engine/exec_failure.py)."""

from __future__ import annotations

import pytest

from pytest_goimage.engine.exec_failure import _failed_exec


@pytest.mark.parametrize(
    ("logs", "failed"),
    [
        (
            "exec /docker-entrypoint.sh: no such file or directory",
            ("/docker-entrypoint.sh", "no such file or directory", ""),
        ),
        ("exec /app: exec format error", ("/app", "exec format error", "")),
        (
            "[dumb-init] entry.sh: Permission denied",
            ("entry.sh", "permission denied", "dumb-init"),
        ),
        (
            "[FATAL tini (7)] exec /usr/local/bin/app failed: Permission denied",
            ("/usr/local/bin/app", "permission denied", "tini"),
        ),
        (
            "[FATAL tini (7)] exec server failed: No such file or directory",
            ("server", "no such file or directory", "tini"),
        ),
        # tini's execvp hands a file the kernel refused to /bin/sh: busybox's and dash's words.
        (
            '/usr/local/bin/app: line 1: syntax error: unexpected word (expecting ")")',
            ("/usr/local/bin/app", "exec format error", "a shell"),
        ),
        (
            '/usr/local/bin/app: 1: Syntax error: ")" unexpected',
            ("/usr/local/bin/app", "exec format error", "a shell"),
        ),
        # A service's own words, and a script's error further down, are none.
        ("listening on :8080\nerror: permission denied opening /data", None),
        ("/entry.sh: line 12: syntax error near unexpected token `fi'", None),
    ],
)
def test_the_program_and_the_error_are_read_from_the_log(
    logs: str, failed: tuple[str, str, str] | None
) -> None:
    assert _failed_exec(logs) == failed
