"""The image's HEALTHCHECK on its config and output alone (no engine): which Tests run a
command, what the engine executes for each, the program a failed run could not find, and its
output as the failure shows it, masked before it is cut."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_goimage.engine.healthcheck_cmd import (
    HealthcheckRun,
    command_line,
    command_test,
    missing_program,
    printed,
    written_form,
)


@pytest.mark.parametrize(
    ("healthcheck", "runs"),
    [
        (None, None),
        ({}, None),
        ({"Test": None}, None),
        ({"Test": []}, None),  # inherit: nothing was inherited
        ({"Test": ["NONE"]}, None),  # HEALTHCHECK NONE
        ({"Test": ["CMD"]}, None),
        ({"Test": ["CMD-SHELL", "curl -f x || exit 1"]}, ("CMD-SHELL", "curl -f x || exit 1")),
        ({"Test": ["CMD", "/app", "healthcheck"], "Timeout": 2}, ("CMD", "/app", "healthcheck")),
    ],
)
def test_which_healthchecks_run_a_command(
    healthcheck: dict[str, Any] | None, runs: tuple[str, ...] | None
) -> None:
    assert command_test(healthcheck) == runs


@pytest.mark.parametrize(
    ("test", "shell", "executed", "written"),
    [
        (
            ("CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"),
            [],
            ["/bin/sh", "-c", "curl -f http://localhost:8080/health || exit 1"],
            "HEALTHCHECK CMD curl -f http://localhost:8080/health || exit 1",
        ),
        (
            ("CMD-SHELL", "wget -q -O- http://localhost:8080/health"),
            ["/bin/bash", "-o", "pipefail", "-c"],  # the image's SHELL
            ["/bin/bash", "-o", "pipefail", "-c", "wget -q -O- http://localhost:8080/health"],
            "HEALTHCHECK CMD wget -q -O- http://localhost:8080/health",
        ),
        (
            ("CMD", "/app", "healthcheck"),
            ["/bin/bash", "-c"],  # no shell for exec form, whatever SHELL says
            ["/app", "healthcheck"],
            'HEALTHCHECK CMD ["/app", "healthcheck"]',
        ),
    ],
)
def test_what_the_engine_executes_and_how_it_was_written(
    test: tuple[str, ...], shell: list[str], executed: list[str], written: str
) -> None:
    assert command_line(test, shell) == executed
    assert written_form(test) == written


@pytest.mark.parametrize(
    ("output", "missing"),
    [
        ("/bin/sh: curl: not found\n", "curl"),  # busybox ash
        ("/bin/sh: 1: curl: not found\n", "curl"),  # dash
        ("/bin/sh: line 1: curl: command not found\n", "curl"),  # bash
        (
            "OCI runtime exec failed: exec failed: unable to start container process: exec: "
            '"curl": executable file not found in $PATH: unknown\r\n',
            "curl",
        ),
        (
            "OCI runtime exec failed: exec failed: unable to start container process: exec: "
            '"/bin/sh": stat /bin/sh: no such file or directory: unknown\r\n',
            "/bin/sh",
        ),
        ("curl: (7) Failed to connect to localhost port 8080: Connection refused\n", None),
        ("wget: server returned error: HTTP/1.1 404 Not Found\n", None),
        ("", None),
    ],
)
def test_the_program_a_failed_run_could_not_find(output: str, missing: str | None) -> None:
    assert missing_program(HealthcheckRun(1, output, 10.0)) == missing


def test_output_is_masked_before_it_is_cut_to_its_last_lines() -> None:
    secret = "s3cr3t-" + "x" * 40
    # The secret straddles the 200-character cut of its line: cut first, it would leak.
    lines = [f"line {n}" for n in range(1, 6)] + ["a" * 180 + f" key={secret}", "", "  last  "]
    shown = printed("\n".join(lines), {secret})
    assert shown == (
        "printed (last 5 of 7 lines) `line 3 | line 4 | line 5 | " + "a" * 180 + " key=*** | last`"
    )
    assert printed(" \r\n\n", set()) == "printed nothing"
    assert printed("/bin/sh: curl: not found\n", set()) == "printed `/bin/sh: curl: not found`"
