"""The image's own HEALTHCHECK, which Docker, Swarm, Compose and ECS run instead of a GET from
outside: `health` runs it in the service container after GET health_path answered, as Docker
judges it (tests/acceptance/test_healthcheck_warmup.py: its start period, interval and retries),
on real alpine and scratch images of a tiny Go service, and fails when it does not exit 0."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from tests.conftest import outcomes

GO = "/usr/local/go/bin/go"
# /health on 8080; `app healthcheck` GETs it and exits 1 unless it answers 2xx: the
# subcommand the failure message recommends for scratch images.
PROGRAM = """\
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "healthcheck" {
		response, err := http.Get("http://localhost:8080/health")
		if err != nil || response.StatusCode/100 != 2 {
			fmt.Println("unhealthy:", err)
			os.Exit(1)
		}
		return
	}
	http.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	panic(http.ListenAndServe(":8080", nil))
}
"""
PYPROJECT = """\
[tool.goimage]
dockerfiles = {dockerfiles}
startup_timeout = "10s"

[tool.goimage.env]
API_TOKEN = "{token}"
"""
TOKEN = "hc-Secret-0f9a7c2e41d84b6e"
# The service on `{base}`, with `{healthcheck}` (a HEALTHCHECK line, or none) before its EXPOSE.
DOCKERFILE = 'FROM {base}\nCOPY app /app\n{healthcheck}\nEXPOSE 8080\nENTRYPOINT ["/app"]\n'
# The pass message `health` gave before images' HEALTHCHECKs were run, and still gives
# without one.
PASSED = r"GET /health on 8080 -> 200, \d+\.\d s after the service started"


def _run(
    pytester: pytest.Pytester, dockerfiles: dict[str, tuple[str, str]]
) -> tuple[pytest.RunResult, dict[str, str]]:
    """Build PROGRAM in the project, write `dockerfiles` (name -> DOCKERFILE's base and
    healthcheck) and run `health` on them: the run, and each one's `health` message in the
    report."""
    root = pytester.path
    (root / "go.mod").write_text("module example.com/healthcheck\n\ngo 1.26\n")
    (root / "main.go").write_text(PROGRAM)
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-buildvcs=false", "GOTOOLCHAIN": "local"}
    subprocess.run([GO, "build", "-o", "app", "."], cwd=root, env=env, check=True)
    for name, (base, healthcheck) in dockerfiles.items():
        (root / name).write_text(DOCKERFILE.format(base=base, healthcheck=healthcheck))
    (root / ".dockerignore").write_text("*\n!app\n")
    (root / "pyproject.toml").write_text(
        PYPROJECT.format(dockerfiles=json.dumps(list(dockerfiles)), token=TOKEN)
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-rA", "-k", "health", "-p", "no:randomly", "--goimage-report=r.json"
    )
    report = json.loads((root / "r.json").read_text())
    messages = {i["dockerfile"]: i["checks"]["health"]["message"] for i in report["images"]}
    return result, messages


def test_a_healthcheck_whose_program_the_image_lacks_fails(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The user trial's image: `curl` on alpine, which has none; and a shell-form HEALTHCHECK
    on scratch, which has no /bin/sh to run it; and one that outlasts its --timeout. GET
    /health answers on all three. The first prints a secret first (to stderr, where the
    shell's complaint goes: one stream keeps their order)."""
    result, messages = _run(
        pytester,
        {
            "Dockerfile": (
                "alpine:3.22",
                'HEALTHCHECK CMD echo "token=$API_TOKEN" >&2; '
                "curl -fsS http://localhost:8080/health || exit 1",
            ),
            "Dockerfile.scratch": ("scratch", "HEALTHCHECK --timeout=5s CMD /app healthcheck"),
            # Continued, as long ones are: shown as one line (trial 15 showed the indent).
            "Dockerfile.slow": ("alpine:3.22", "HEALTHCHECK --timeout=1s \\\n    CMD sleep 5"),
        },
    )
    out = result.stdout.str()
    assert outcomes(result) == {
        "Dockerfile::health": "FAILED",
        "Dockerfile.scratch::health": "FAILED",
        "Dockerfile.slow::health": "FAILED",
    }, out
    why = (
        r" Docker, Swarm, Compose \(`depends_on: condition: service_healthy`\) and ECS run that "
        r"command, not a GET from outside, so they mark the container unhealthy and restart it "
        r"or never route to it\. "
    )
    assert re.fullmatch(
        r"\[goimage health\] Dockerfile: GET /health answered 200, but the image's HEALTHCHECK "
        r"fails inside the running service container of \S+: `HEALTHCHECK CMD echo "
        r"\"token=\$API_TOKEN\" >&2; curl -fsS http://localhost:8080/health \|\| exit 1` "
        r"\(Dockerfile:3\) exited with code 1, printed `token=\*\*\* \| /bin/sh: curl: not "
        r"found`\."
        + why
        + r"The image has no curl: use a program it has, such as its wget \(busybox's, on "
        r"alpine and busybox images\): `HEALTHCHECK CMD wget -q -O- "
        r"http://localhost:8080/health`\.",
        messages["Dockerfile"],
    ), messages["Dockerfile"]
    assert re.fullmatch(
        r"\[goimage health\] Dockerfile\.scratch: GET /health answered 200, but the image's "
        r"HEALTHCHECK fails inside the running service container of \S+: `HEALTHCHECK "
        r"--timeout=5s CMD /app healthcheck` \(Dockerfile\.scratch:3\) exited with code 126, "
        r"printed `OCI runtime exec failed: [^`]*exec: \"/bin/sh\": stat /bin/sh: no such file "
        r"or directory[^`]*`\."
        + why
        + r"A shell-form HEALTHCHECK \(without JSON brackets\) runs `/bin/sh -c \.\.\.`, and the "
        r"image has no /bin/sh \(scratch, distroless\), so it cannot run at all: write it in "
        r'exec form, `HEALTHCHECK --timeout=5s CMD \["/app", "healthcheck"\]`\.',
        messages["Dockerfile.scratch"],
    ), messages["Dockerfile.scratch"]
    assert re.fullmatch(
        r"\[goimage health\] Dockerfile\.slow: GET /health answered 200, but the image's "
        r"HEALTHCHECK fails inside the running service container of \S+: `HEALTHCHECK "
        r"--timeout=1s CMD sleep 5` \(Dockerfile\.slow:3\) did not finish within its --timeout "
        r"of 1s on the last of \d+ failed runs over \d+\.\d s after the service started; then "
        r"startup_timeout \(10s\) ran out: a service must become healthy within it\. [^`]*\. "
        r"Raise startup_timeout, to 93s to wait as long as Docker would, if the service needs "
        r"that long to become healthy\."
        + why
        + r"Make it finish in time: check that it asks for what the service "
        r"serves \(http://localhost:8080/health, which answered from outside\), or raise "
        r"--timeout\.",
        messages["Dockerfile.slow"],
    ), messages["Dockerfile.slow"]
    # The terminal says the same, and the token the command printed is masked everywhere.
    assert "`token=*** | /bin/sh: curl: not found`." in " ".join(out.split()), out
    assert TOKEN not in out + (pytester.path / "r.json").read_text()


def test_a_healthcheck_that_starts_the_service_again_fails_at_once(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 35A: `HEALTHCHECK CMD ["/app"]` runs the service's program as its ENTRYPOINT
    does, which starts a second server that cannot bind 8080 (`address already in use`): no
    run will pass, and the wait for startup_timeout (10s) is cut short."""
    result, messages = _run(pytester, {"Dockerfile": ("scratch", 'HEALTHCHECK CMD ["/app"]')})
    assert outcomes(result) == {"Dockerfile::health": "FAILED"}, result.stdout.str()
    report = json.loads((pytester.path / "r.json").read_text())
    assert report["images"][0]["checks"]["health"]["seconds"] < 8, report
    assert re.fullmatch(
        r"\[goimage health\] Dockerfile: GET /health answered 200, but the image's HEALTHCHECK "
        r"fails inside the running service container of \S+: `HEALTHCHECK CMD \[\"/app\"\]` "
        r"\(Dockerfile:3\) exited with code 2, printed `[^`]*listen tcp :8080: bind: address "
        r"already in use[^`]*`\. Docker, Swarm, [^.]*\. It starts the service's server again "
        r"\(the program as the ENTRYPOINT runs it, without a word that makes it only check\), "
        r"which cannot listen on the port the running service holds \(`address already in "
        r"use`\): "
        r"ship a tiny healthcheck subcommand in the Go binary \(`/app healthcheck` GETs "
        r"http://localhost:8080/health and exits 1 unless it answers 2xx\) and write "
        r'`HEALTHCHECK CMD \["/app", "healthcheck"\]` \(exec form: no shell needed\)\.',
        messages["Dockerfile"],
    ), messages["Dockerfile"]


def test_a_healthcheck_whose_exec_form_is_not_json_gets_the_form_to_write(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """An exec form without its `]` or with single quotes, which BuildKit reads in shell form
    without a word: on alpine the shell looks for a program called `["wget",`, on scratch
    there is no shell at all. The advice is the exec form meant (not "the image has no
    [wget,", nor an exec form made of the broken words), and where that form's program is
    missing too (curl on alpine), what the image can run instead."""
    result, messages = _run(
        pytester,
        {
            "Dockerfile": (
                "alpine:3.22",
                'HEALTHCHECK --interval=5s CMD ["wget", "-q", "-O-", "http://localhost:8080/health"',
            ),
            "Dockerfile.scratch": ("scratch", "HEALTHCHECK CMD ['/app', 'healthcheck']"),
            "Dockerfile.curl": (
                "alpine:3.22",
                'HEALTHCHECK CMD ["curl", "-f", "http://localhost:8080/health",]',
            ),
        },
    )
    names = ("Dockerfile", "Dockerfile.curl", "Dockerfile.scratch")
    failed = dict.fromkeys((f"{name}::health" for name in names), "FAILED")
    assert outcomes(result) == failed, result.stdout.str()
    assert messages["Dockerfile"].endswith(
        "Its CMD is not valid JSON (its closing `]` is missing), so BuildKit reads it in shell "
        'form, `/bin/sh -c \'["wget", "-q", "-O-", "http://localhost:8080/health"\'`, and '
        "the shell looks for a program called `[wget,`: write `HEALTHCHECK --interval=5s CMD "
        '["wget", "-q", "-O-", "http://localhost:8080/health"]`.'
    ), messages["Dockerfile"]
    assert messages["Dockerfile.scratch"].endswith(
        "Its CMD is not valid JSON (it quotes its words with single quotes, and JSON needs "
        "double quotes), so BuildKit reads it in shell form, `/bin/sh -c \"['/app', "
        "'healthcheck']\"`, and the image has no /bin/sh, so it cannot run at all: write "
        '`HEALTHCHECK CMD ["/app", "healthcheck"]`.'
    ), messages["Dockerfile.scratch"]
    assert messages["Dockerfile.curl"].endswith(
        "Its CMD is not valid JSON (it has a comma after its last word), so BuildKit reads it "
        'in shell form, `/bin/sh -c \'["curl", "-f", "http://localhost:8080/health",]\'`, '
        'and the shell looks for a program called `[curl,`: write `HEALTHCHECK CMD ["curl", '
        '"-f", "http://localhost:8080/health"]`. The image has no curl either: use its wget '
        '(busybox\'s): `HEALTHCHECK CMD ["wget", "-q", "-O-", "http://localhost:8080/health"]`.'
    ), messages["Dockerfile.curl"]


def test_a_working_healthcheck_passes_and_says_so(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The fixes the failure recommends: busybox's wget on alpine, and the Go binary's own
    healthcheck subcommand in exec form on scratch."""
    result, messages = _run(
        pytester,
        {
            "Dockerfile": (
                "alpine:3.22",
                "HEALTHCHECK CMD wget -q -O- http://localhost:8080/health",
            ),
            "Dockerfile.scratch": ("scratch", 'HEALTHCHECK CMD ["/app", "healthcheck"]'),
        },
    )
    assert outcomes(result) == {
        "Dockerfile::health": "PASSED",
        "Dockerfile.scratch::health": "PASSED",
    }, result.stdout.str()
    assert re.fullmatch(
        PASSED + r"; its HEALTHCHECK passed in the container too \(`HEALTHCHECK CMD wget -q -O- "
        r"http://localhost:8080/health` exited 0\)",
        messages["Dockerfile"],
    ), messages["Dockerfile"]
    assert re.fullmatch(
        PASSED + r"; its HEALTHCHECK passed in the container too \(`HEALTHCHECK CMD "
        r'\["/app", "healthcheck"\]` exited 0\)',
        messages["Dockerfile.scratch"],
    ), messages["Dockerfile.scratch"]


def test_an_image_without_a_healthcheck_is_unchanged(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """No HEALTHCHECK, and `HEALTHCHECK NONE` over a base stage's failing one: nothing is run."""
    result, messages = _run(
        pytester,
        {
            "Dockerfile": ("alpine:3.22", ""),
            # A base stage whose HEALTHCHECK fails, turned off in the stage built on it.
            "Dockerfile.off": (
                "alpine:3.22 AS base\nHEALTHCHECK CMD false\nFROM base",
                "HEALTHCHECK NONE",
            ),
        },
    )
    assert outcomes(result) == {
        "Dockerfile::health": "PASSED",
        "Dockerfile.off::health": "PASSED",
    }, result.stdout.str()
    assert all(re.fullmatch(PASSED, message) for message in messages.values()), messages
