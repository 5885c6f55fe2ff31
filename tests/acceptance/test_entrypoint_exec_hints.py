"""An entrypoint the runtime cannot execute, named with its cause as read from the image: a
script saved with Windows line endings, a script without `#!`, a shell script on scratch, a
binary for another CPU, and a USER that the image's /etc/passwd does not define. Each image
starts for real; the messages are those of the `health` check."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.acceptance.test_program_hints import _assert_lines, _run
from tests.conftest import go_app

SCRIPT = 'set -e\nexec "$@"\n'


def _scripts(root: Path) -> None:
    """The same entrypoint script three ways, executable, and an arm64 build of the app."""
    go_app(root)
    for name, text in {
        "crlf.sh": "#!/bin/sh\r\n" + SCRIPT.replace("\n", "\r\n"),
        "bare.sh": SCRIPT,
        "lf.sh": "#!/bin/sh\n" + SCRIPT,
        "bom.sh": "\ufeff#!/bin/sh\n" + SCRIPT,
    }.items():
        (root / name).write_bytes(text.encode())
        os.chmod(root / name, 0o755)
    env = {**os.environ, "CGO_ENABLED": "0", "GOARCH": "arm64", "GOTOOLCHAIN": "local"}
    env["GOFLAGS"] = "-buildvcs=false"
    subprocess.run(["go", "build", "-o", "app-arm64", "."], cwd=root, env=env, check=True)
    # A binary for the engine's own CPU whose ELF header is damaged past its machine field.
    (root / "app-cut").write_bytes((root / "app").read_bytes()[:20] + bytes(44))
    os.chmod(root / "app-cut", 0o755)


# The inner run reads the images through their export, as for a CI user in the docker group
# (/var/lib/docker unreadable) or on a remote engine.
EXPORT_PATH = """\
from pytest_goimage.engine import overlay


def _not_local(inspect):
    raise overlay.NotLocal("the test reads through the export")


overlay.layer_dirs = _not_local
"""


HEAD = (
    "*[[]goimage health[]] {name}: GET /health on container port 8080/tcp never answered 2xx: "
    "the container exited with code 1: its entrypoint could not be started. "
)


@pytest.mark.parametrize("read", ["overlay", "export"])
def test_an_entrypoint_that_cannot_be_executed_is_named_with_its_cause(
    pytester: pytest.Pytester, no_leaks: None, read: str
) -> None:
    _scripts(pytester.path)
    if read == "export":
        pytester.makeconftest(EXPORT_PATH)
    with_script = "FROM alpine:3.22\nCOPY app /app\nCOPY {script} /entry.sh\nEXPOSE 8080\n"
    with_script += 'ENTRYPOINT ["/entry.sh"]\nCMD ["/app"]\n'
    out = _run(
        pytester,
        {
            "Dockerfile.crlf": with_script.format(script="crlf.sh"),
            "Dockerfile.bare": with_script.format(script="bare.sh"),
            "Dockerfile.scratch": with_script.format(script="lf.sh").replace(
                "alpine:3.22", "scratch"
            ),
            "Dockerfile.arm64": 'FROM scratch\nCOPY app-arm64 /app\nEXPOSE 8080\nENTRYPOINT ["/app"]\n',
            "Dockerfile.bom": with_script.format(script="bom.sh"),
            # An arm64 image's shell and entrypoint script, run on this amd64 engine.
            "Dockerfile.foreignsh": with_script.format(script="lf.sh").replace(
                "FROM alpine:3.22\n", "FROM scratch\nCOPY app-arm64 /bin/sh\n"
            ),
            "Dockerfile.cut": 'FROM scratch\nCOPY app-cut /app\nEXPOSE 8080\nENTRYPOINT ["/app"]\n',
            "Dockerfile.user": "FROM scratch\nCOPY app /app\nUSER nonroot\nEXPOSE 8080\n"
            'ENTRYPOINT ["/app"]\n',
        },
        "health",
    )
    _assert_lines(
        out,
        [
            HEAD.format(name="Dockerfile.crlf")
            + "/entry.sh has Windows line endings (CRLF): its `#!` line asks for `/bin/sh\\r`, "
            "which no image has. Save it with LF endings (`*.sh text eol=lf` in .gitattributes "
            "keeps every checkout so), or strip them in the Dockerfile: "
            "`RUN sed -i 's/\\r$//' /entry.sh`*",
            HEAD.format(name="Dockerfile.bare")
            + "/entry.sh is a script without a `#!` line, which the kernel cannot execute: make "
            "its first line `#!/bin/sh` (or the shell it is written for)*",
            HEAD.format(name="Dockerfile.scratch")
            + "/entry.sh is a script whose `#!` line asks for /bin/sh, which the image does not "
            "have (scratch and distroless images have no shell): run the Go binary itself as "
            "ENTRYPOINT, or use a base image that has the shell*",
            HEAD.format(name="Dockerfile.arm64")
            + "/app is a binary for arm64, which this engine's CPU (amd64) cannot run: build it "
            "for the engine's platform (GOARCH, or $TARGETARCH with --platform)*",
            HEAD.format(name="Dockerfile.bom")
            + "/entry.sh starts with a UTF-8 byte order mark before its `#!`, so the kernel does "
            "not see the `#!`: save it as UTF-8 without a BOM*",
            HEAD.format(name="Dockerfile.foreignsh")
            + "/entry.sh is a script for /bin/sh, and /bin/sh is a binary for arm64, which this "
            "engine's CPU (amd64) cannot run: build it for the engine's platform*",
            HEAD.format(name="Dockerfile.cut")
            + "/app is a binary for amd64, the engine's own CPU, which the kernel still refused: "
            "the file is truncated or damaged; rebuild the image*",
            "*[[]goimage health[]] Dockerfile.user (goimage/*): the engine refused to start the "
            "service container: unable to find user nonroot: no matching entries in passwd "
            "file. The image's USER names the user nonroot, which its /etc/passwd does not "
            "define (scratch and distroless-static images have none unless the build copies "
            "one in): use numeric ids (`USER 65532:65532`), or COPY a /etc/passwd that defines "
            "nonroot into the final stage.",
        ],
    )


def test_static_reads_a_crlf_script_as_the_shell_does_not_and_finds_the_program(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """`static` follows the script to the Go binary as for LF endings (it used to read
    `"$@"\\r` as a program named only at run time and ask for `binary`); that the script cannot
    start at all is `bucket`'s and `health`'s to say, above."""
    _scripts(pytester.path)
    out = _run(
        pytester,
        {
            "Dockerfile": "FROM alpine:3.22\nCOPY app /app\nCOPY crlf.sh /entry.sh\n"
            'ENTRYPOINT ["/entry.sh"]\nCMD ["/app"]\n'
        },
        "static",
    )
    assert re.search(r"^=+ 1 passed, \d+ deselected in ", out, re.M), out
