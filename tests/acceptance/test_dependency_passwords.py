"""A service that exits because its dependency refuses its password: the failure says so and
where the two passwords are set (trial 18: a wrong Redis password got no advice, only the
service's exit and its log)."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.conftest import outcomes

GO = "/usr/local/go/bin/go"
# AUTH against the Redis at CACHE_ADDR with CACHE_PASSWORD, as go-redis logs the refusal; then
# serve /health. Raw RESP: no client library is needed offline.
PROGRAM = """\
package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
)

func main() {
	conn, err := net.Dial("tcp", os.Getenv("CACHE_ADDR"))
	if err != nil {
		fmt.Println("fatal: cache:", err)
		os.Exit(1)
	}
	fmt.Fprintf(conn, "AUTH %s\\r\\n", os.Getenv("CACHE_PASSWORD"))
	reply, _ := bufio.NewReader(conn).ReadString('\\n')
	if !strings.HasPrefix(reply, "+OK") {
		fmt.Printf("fatal: redis auth: %s\\n", strings.TrimSpace(strings.TrimPrefix(reply, "-")))
		os.Exit(1)
	}
	http.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	panic(http.ListenAndServe(":8080", nil))
}
"""


def redis_client(root: Path) -> None:
    """PROGRAM built into an alpine image at `root`, listening on 8080 once Redis said OK."""
    (root / "go.mod").write_text("module example.com/auth\n\ngo 1.26\n")
    (root / "main.go").write_text(PROGRAM)
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-buildvcs=false", "GOTOOLCHAIN": "local"}
    subprocess.run([GO, "build", "-o", "app", "."], cwd=root, env=env, check=True)
    (root / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY app /app\nEXPOSE 8080\nENTRYPOINT ["/app"]\n'
    )
    (root / ".dockerignore").write_text("*\n!app\n")


@pytest.mark.parametrize(("password", "passes"), [("s3rv1ce-pw", True), ("wrong-pw", False)])
def test_a_dependency_refusing_the_service_s_password_is_named(
    pytester: pytest.Pytester, no_leaks: None, password: str, passes: bool
) -> None:
    redis_client(pytester.path)
    (pytester.path / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""
            [tool.goimage]
            health_path = "/health"
            startup_timeout = "10s"
            bucket = false

            [tool.goimage.env]
            CACHE_ADDR = "{{cache.endpoint}}"
            CACHE_PASSWORD = "{password}"

            [tool.goimage.dependencies.cache]
            image = "redis:7"
            command = ["redis-server", "--protected-mode", "no", "--requirepass", "s3rv1ce-pw"]
            """
        )
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    out = " ".join(result.stdout.str().split())
    if passes:
        assert outcomes(result, short=True) == {"health": "PASSED"}, out
        return
    assert outcomes(result, short=True) == {"health": "FAILED"}, out
    assert (
        "the container exited with code 1. Its log shows Redis refusing the password the "
        "service gave it: the password in [tool.goimage.env] must be the one the dependency "
        "starts with (its `command`, as `--requirepass`, or its `env`, as POSTGRES_PASSWORD, "
        "in its table of [tool.goimage.dependencies] or the compose file); dependencies: cache."
    ) in out, out
    assert "fatal: redis auth: WRONGPASS" in out, out
    assert "wrong-pw" not in out, out  # a password is masked wherever it shows
