"""`static` on real images whose Go binary, built on the host and copied in, misses "static,
CGO_ENABLED=0" in one way each (a user trial): the message agrees with the summary's static
cell and the JSON report's `static` fact, and gives the advice that binary needs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import outcomes

GO = shutil.which("go")
pytestmark = pytest.mark.skipif(GO is None, reason="needs the go command")

MAIN = 'package main\n\nimport (\n\t"fmt"\n\t"net"\n)\n\nfunc main() { fmt.Println(net.IPv4len) }\n'


def build_app(root: Path, cgo: str, *flags: str) -> None:
    """`app` in `root`, linking net, built for linux/amd64 with CGO_ENABLED=`cgo` and `flags`."""
    (root / "go.mod").write_text("module example.com/tiny\n\ngo 1.21\n")
    (root / "main.go").write_text(MAIN)
    env = {
        **os.environ,
        "CGO_ENABLED": cgo,
        "GOFLAGS": "-buildvcs=false",
        "GOTOOLCHAIN": "local",
        "GOWORK": "off",
        "GOOS": "linux",
        "GOARCH": "amd64",
    }
    subprocess.run(
        [GO or "go", "build", *flags, "-o", "app", "."],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )


def run_static(
    pytester: pytest.Pytester, toml: str = "[tool.goimage]\n"
) -> tuple[pytest.RunResult, dict[str, Any]]:
    """Build `FROM scratch` with the app as /app and run `static`: the run, and the JSON
    report's image."""
    (pytester.path / "Dockerfile").write_text('FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n')
    (pytester.path / "pyproject.toml").write_text(toml)
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "static", "--goimage-report=report.json"
    )
    assert outcomes(result) == {"Dockerfile::static": "FAILED"}, result.stdout.str()
    (image,) = json.loads((pytester.path / "report.json").read_text())["images"]
    return result, image


def test_a_static_binary_built_with_cgo_is_called_static(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    if shutil.which("gcc") is None:
        pytest.skip("needs gcc for a cgo build")
    build_app(pytester.path, "1", "-tags", "netgo,osusergo")
    result, image = run_static(pytester)
    out = result.stdout.str()
    assert (
        "[goimage static] Dockerfile: /app in goimage/" in out
        and " is statically linked, but was built with cgo on (CGO_ENABLED=1): Dockerfile:2 "
        "copies it in from the build context (app): it is built outside this Dockerfile, and "
        "CGO_ENABLED=0 must be set where it is. Build settings: "
        "-buildmode=exe, -tags=netgo,osusergo, CGO_ENABLED=1, GOARCH=amd64, GOOS=linux. That "
        "still matters: in a static glibc binary the NSS functions (getaddrinfo, getpwnam: DNS, "
        "user and group lookups) load shared libraries at run time"
        in out
    ), out
    assert "Build it with CGO_ENABLED=0. If the program needs cgo, `static` cannot pass" in out
    assert "not a static Go binary" not in out and "ships the libraries" not in out
    # The report's fact and the summary's cell say static too, beside static:FAIL.
    assert image["static"] is True
    assert image["checks"]["static"]["outcome"] == "failed"
    result.stdout.re_match_lines([r"FAIL  Dockerfile .* go1\.\d+\.\d+\s+yes$"])


def test_a_pie_without_cgo_is_told_to_drop_buildmode_pie(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    build_app(pytester.path, "0", "-buildmode=pie")
    result, image = run_static(pytester)
    out = result.stdout.str()
    assert (
        " is not a static Go binary: it asks for the ELF interpreter /lib64/ld-linux-x86-64.so.2, "
        "because it was built with -buildmode=pie: Go's linker makes a PIE a dynamic executable "
        "that the interpreter loads, even with CGO_ENABLED=0. Build settings: -buildmode=pie, "
        "CGO_ENABLED=0, GOARCH=amd64, GOOS=linux. Drop -buildmode=pie. A static PIE" in out
    ), out
    assert "Build it with CGO_ENABLED=0" not in out
    assert image["static"] is False


def test_a_static_binary_without_build_info_gets_no_library_advice(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    objcopy = shutil.which("objcopy")
    if objcopy is None:
        pytest.skip("needs objcopy to remove .go.buildinfo")
    build_app(pytester.path, "0")
    subprocess.run(
        [objcopy, "--remove-section", ".go.buildinfo", "app"], cwd=pytester.path, check=True
    )
    result, image = run_static(pytester, '[tool.goimage]\nbinary = "/app"\n')
    out = result.stdout.str()
    assert (
        " is not a static Go binary: it carries no Go build info, so CGO_ENABLED=0 cannot be "
        "confirmed (is it the Go binary? set `binary` to its path). It is statically linked (no "
        "ELF interpreter, no shared libraries), so no libraries are missing; a Go binary packed "
        "with upx or stripped of its .go.buildinfo section has lost its build info" in out
    ), out
    assert "ships the libraries" not in out
    assert image["static"] is True


def test_a_bare_program_name_that_path_finds_elsewhere_names_the_go_binary(
    pytester: pytest.Pytester,
) -> None:
    """Round 9: `ENTRYPOINT ["svc"]` with the Go binary at WORKDIR /app/svc runs busybox's `svc`
    applet, found first on PATH; static said to set `binary`, which would hide the bug."""
    root = pytester.path
    build_app(root, "0")
    (root / "Dockerfile").write_text(
        'FROM alpine:3.22\nWORKDIR /app\nCOPY app /app/httpd\nENTRYPOINT ["httpd"]\n'
    )
    (root / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "static")
    out = " ".join(result.stdout.str().split())
    assert outcomes(result, short=True) == {"static": "FAILED"}, out
    assert (
        "Dockerfile: the image runs `httpd` (ENTRYPOINT names it without a path), and PATH finds "
        "/usr/sbin/httpd in goimage/"  # where Alpine has it (so the stand-in, from layout 2)
    ) in out, out
    assert (
        ", another program with no Go build info, not the Go binary /app/httpd. Write ENTRYPOINT "
        '["/app/httpd"] (or put /app first on PATH).'
    ) in out, out
    assert "set `binary` to its path" not in out, out
