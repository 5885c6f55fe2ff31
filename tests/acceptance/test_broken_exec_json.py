"""Trial 32: an ENTRYPOINT or CMD written as an exec form that is not valid JSON (`["/app"`,
`['/app']`, `["/app", "serve",]`) builds without a word from BuildKit, which reads it in shell
form. `static` names the line, what is wrong with the JSON and what to write, on scratch and on
alpine (whose shell then runs `[/app`); `health` says the same when the engine refuses the
container or the shell exits 127. Each image is built and started for real."""

from __future__ import annotations

import glob
import re

import pytest

from tests.acceptance.test_program_hints import _assert_lines, _run

DOCKERFILES = {
    "Dockerfile.scratch": 'FROM scratch\nCOPY app /app\nEXPOSE 8080\nENTRYPOINT ["/app"\n',
    "Dockerfile.alpine": "FROM alpine:3.22\nCOPY app /app\nEXPOSE 8080\nENTRYPOINT ['/app']\n",
    "Dockerfile.cmd": 'FROM scratch\nCOPY app /app\nEXPOSE 8080\nCMD ["/app", "serve",]\n',
}
SCRATCH = (
    '`ENTRYPOINT ["/app"` (Dockerfile.scratch:4) is not valid JSON: its closing `]` is '
    "missing. BuildKit then reads it in shell form: the image runs `/bin/sh -c '[\"/app\"'`, "
    'and has no /bin/sh, so no container of it can start. Write `ENTRYPOINT ["/app"]`.'
)
ALPINE = (
    "`ENTRYPOINT ['/app']` (Dockerfile.alpine:4) is not valid JSON: it quotes its words with "
    "single quotes, and JSON needs double quotes. BuildKit then reads it in shell form: the "
    "image runs `/bin/sh -c \"['/app']\"`, whose shell looks for a program called `[/app]`. "
    'Write `ENTRYPOINT ["/app"]`.'
)
CMD = (
    '`CMD ["/app", "serve",]` (Dockerfile.cmd:4) is not valid JSON: it has a comma after its '
    'last word. BuildKit then reads it in shell form: the image runs `/bin/sh -c \'["/app", '
    '"serve",]\'`, and has no /bin/sh, so no container of it can start. Write '
    '`CMD ["/app", "serve"]`.'
)
REFUSED = (
    "*[[]goimage health[]] {name} (goimage/*): the engine refused to start the service "
    'container: *exec: "/bin/sh": stat /bin/sh: no such file or directory*. '
)


def test_an_exec_form_that_is_not_json_is_named_with_its_line_and_fix(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    out = _run(pytester, DOCKERFILES, "static or health")
    scratch, alpine, cmd = (glob.escape(text) for text in (SCRATCH, ALPINE, CMD))
    _assert_lines(
        out,
        [
            "[[]goimage static[]] Dockerfile.scratch: " + scratch,
            "[[]goimage static[]] Dockerfile.alpine: " + alpine,
            "[[]goimage static[]] Dockerfile.cmd: " + cmd,
            REFUSED.format(name="Dockerfile.scratch") + scratch,
            REFUSED.format(name="Dockerfile.cmd") + cmd,
            "[[]goimage health[]] Dockerfile.alpine: GET /health on container port 8080/tcp "
            "never answered 2xx: the container exited with code 127. " + alpine,
        ],
    )
    assert re.search(r"^=+ 6 failed, \d+ deselected in ", out, re.M), out
