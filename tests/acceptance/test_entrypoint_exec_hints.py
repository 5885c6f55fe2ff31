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
        "tab.sh": "#!/bin/sh\t-e\n" + SCRIPT,
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


STATIC_HEAD = "*[[]goimage static[]] {name}: no container of goimage/* can start: "


def test_static_and_user_fail_an_image_no_container_of_can_start_without_starting_one(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 20: with `health` and `bucket` off (a queue worker), an entrypoint script on
    scratch, one with CRLF endings and a USER that scratch has no /etc/passwd for passed every
    check. `static` reads the script as the kernel would, `user` looks the name up even without
    require_non_root; a script that runs passes and follows to the Go binary."""
    _scripts(pytester.path)
    with_script = "FROM alpine:3.22\nCOPY app /app\nCOPY {script} /entry.sh\n"
    with_script += 'ENTRYPOINT ["/entry.sh"]\nCMD ["/app"]\n'
    out = _run(
        pytester,
        {
            "Dockerfile.crlf": with_script.format(script="crlf.sh"),
            "Dockerfile.bare": with_script.format(script="bare.sh"),
            "Dockerfile.scratch": with_script.format(script="lf.sh").replace(
                "alpine:3.22", "scratch"
            ),
            "Dockerfile.bom": with_script.format(script="bom.sh"),
            "Dockerfile.nonroot": 'FROM scratch\nCOPY app /app\nUSER nonroot\nENTRYPOINT ["/app"]\n',
            "Dockerfile.lf": with_script.format(script="lf.sh"),
            # The kernel ends the interpreter at a tab: this one starts.
            "Dockerfile.tab": with_script.format(script="tab.sh"),
            # A wrapper executes the script as the kernel would: env, as tini or su-exec do.
            "Dockerfile.wrapped": with_script.format(script="crlf.sh").replace(
                '["/entry.sh"]', '["/usr/bin/env", "/entry.sh"]'
            ),
            # `root` is a name too: scratch has no /etc/passwd to find it in.
            "Dockerfile.root": 'FROM scratch\nCOPY app /app\nUSER root\nENTRYPOINT ["/app"]\n',
        },
        "static or user",
    )
    _assert_lines(
        out,
        [
            STATIC_HEAD.format(name="Dockerfile.crlf")
            + "/entry.sh has Windows line endings (CRLF): its `#!` line asks for `/bin/sh\\r`*",
            STATIC_HEAD.format(name="Dockerfile.bare")
            + "/entry.sh is a script without a `#!` line, which the kernel cannot execute*",
            STATIC_HEAD.format(name="Dockerfile.scratch")
            + "/entry.sh is a script whose `#!` line asks for /bin/sh, which the image does not "
            "have (scratch and distroless images have no shell)*",
            STATIC_HEAD.format(name="Dockerfile.bom")
            + "/entry.sh starts with a UTF-8 byte order mark before its `#!`*",
            "*[[]goimage user[]] Dockerfile.nonroot: image goimage/* runs as USER nonroot, but the "
            "image has no /etc/passwd to define user 'nonroot', so the engine refuses to start it (`unable to find user "
            "nonroot`). Use a numeric USER (such as `USER 65532:65532`), or create the user in "
            "the final stage.",
            STATIC_HEAD.format(name="Dockerfile.wrapped")
            + "/usr/bin/env executes /entry.sh, and /entry.sh has Windows line endings (CRLF)*",
            "*[[]goimage user[]] Dockerfile.root: image goimage/* runs as USER root, but the "
            "image has no /etc/passwd to define user 'root', so the engine refuses to start it "
            "(`unable to find user root`).*",
        ],
    )
    # Seven failures; the LF and tab scripts' static passes, and user skips where USER is no
    # name.
    assert re.search(r"^=+ 7 failed, 4 passed, 7 skipped, \d+ deselected in ", out, re.M), out
