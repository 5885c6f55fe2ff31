"""`health_port`: a service with its API on one port and health on an admin port, on real
images: `health` polls the admin port, `goimage_service.url` stays on the API, and the hints
name `health_port` where it is the setting to fix."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.conftest import outcomes

GO = "/usr/local/go/bin/go"
# The API on API_PORT (8080; /api only: /healthz there is a 404; an address with a host
# binds that), after API_DELAY (a Go duration), health on ADMIN_PORT (8081). API_PORT=none
# serves no API: its listener failed, and the admin port runs on.
PROGRAM = """\
package main

import (
	"log"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	admin := os.Getenv("ADMIN_PORT")
	if admin == "" {
		admin = "8081"
	}
	health := http.NewServeMux()
	health.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	go func() { panic(http.ListenAndServe(":"+admin, health)) }()
	api := http.NewServeMux()
	api.HandleFunc("/api", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("api")) })
	port := os.Getenv("API_PORT")
	if port == "" {
		port = "8080"
	}
	if port == "none" {
		log.Print("api: listener failed: certificate not found")
		select {}
	}
	if delay, err := time.ParseDuration(os.Getenv("API_DELAY")); err == nil {
		time.Sleep(delay)
	}
	if !strings.Contains(port, ":") {
		port = ":" + port
	}
	panic(http.ListenAndServe(port, api))
}
"""
DOCKERFILE = 'FROM alpine:3.22\nCOPY app /app\n{extra}\nENTRYPOINT ["/app"]\n'
USER_TEST = """\
import requests


def test_api_and_health_urls(goimage_service):
    api = requests.get(goimage_service.url + "/api", timeout=5)
    health = requests.get(goimage_service.health_url + "/healthz", timeout=5)
    assert (api.status_code, api.text) == (200, "api")
    assert (health.status_code, health.text) == (200, "ok")
    # The API's own port does not serve health: the url is the API's, not the admin port's.
    assert requests.get(goimage_service.url + "/healthz", timeout=5).status_code == 404
"""


# The API on 8080, and on 9090 an HTTP/2-only server (prior knowledge, as gRPC servers take
# it): it resets each HTTP/1.1 request and answers HTTP/2's preface with its SETTINGS.
GRPC_LIKE = """\
package main

import "net/http"

func main() {
	grpc := &http.Server{Addr: ":9090", Handler: http.NotFoundHandler()}
	var only http.Protocols
	only.SetUnencryptedHTTP2(true)
	grpc.Protocols = &only
	go func() { panic(grpc.ListenAndServe()) }()
	panic(http.ListenAndServe(":8080", http.NotFoundHandler()))
}
"""


def _project(
    root: Path, pyproject: str, dockerfiles: dict[str, str], program: str = PROGRAM
) -> None:
    """A Go module whose program is `program`, built here, and `dockerfiles` that COPY it."""
    (root / "go.mod").write_text("module example.com/admin\n\ngo 1.26\n")
    (root / "main.go").write_text(program)
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-buildvcs=false", "GOTOOLCHAIN": "local"}
    subprocess.run([GO, "build", "-o", "app", "."], cwd=root, env=env, check=True)
    for name, extra in dockerfiles.items():
        (root / name).write_text(DOCKERFILE.format(extra=extra))
    (root / ".dockerignore").write_text("*\n!app\n")
    (root / "pyproject.toml").write_text(textwrap.dedent(pyproject))


def test_health_on_an_admin_port_beside_the_api(pytester: pytest.Pytester, no_leaks: None) -> None:
    """Set at the top level, and per image for one that EXPOSEs only its API port (not every
    image EXPOSEs every port it serves): both pass, and the fixture gives both URLs."""
    _project(
        pytester.path,
        """
        [tool.goimage]
        dockerfiles = ["Dockerfile", "Dockerfile.unexposed"]
        port = 8080
        health_port = 8081
        health_path = "/healthz"
        startup_timeout = "10s"

        [[tool.goimage.image]]
        dockerfile = "Dockerfile.unexposed"
        health_port = 8082
        """,
        {
            "Dockerfile": "EXPOSE 8080 8081",
            "Dockerfile.unexposed": "ENV ADMIN_PORT=8082\nEXPOSE 8080",
        },
    )
    (pytester.path / "test_user.py").write_text(USER_TEST)
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-rA", "-k", "health", "-p", "no:randomly", "--goimage-report=r.json"
    )
    out = result.stdout.str()
    report = json.loads((pytester.path / "r.json").read_text())
    polled = {
        image["dockerfile"]: image["checks"]["health"]["message"].split(" -> ")[0]
        for image in report["images"]
    }
    # The pass line names the port it polled: the admin port, not the API's.
    assert polled == {
        "Dockerfile": "GET /healthz on 8081",
        "Dockerfile.unexposed": "GET /healthz on 8082",
    }, polled
    assert outcomes(result) == {
        "Dockerfile::health": "PASSED",
        "Dockerfile.unexposed::health": "PASSED",
    }, out
    result.assert_outcomes(passed=4)
    assert "test_user.py::test_api_and_health_urls[Dockerfile] PASSED" in out, out
    assert "test_user.py::test_api_and_health_urls[Dockerfile.unexposed] PASSED" in out, out


def test_a_health_port_that_never_answers_and_is_not_exposed_is_named(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    _project(
        pytester.path,
        """
        [tool.goimage]
        port = 8080
        health_port = 8083
        health_path = "/healthz"
        startup_timeout = "2s"
        """,
        {"Dockerfile": "EXPOSE 8080"},
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    assert outcomes(result, short=True) == {"health": "FAILED"}
    out = " ".join(result.stdout.str().split())
    assert "Dockerfile: GET /healthz on container port 8083/tcp (http://" in out, out
    assert (
        "`health_port = 8083` is configured, but the image EXPOSEs 8080/tcp: check "
        "`health_port` in [tool.goimage] against the port the service listens on."
    ) in out, out


def test_a_health_port_that_serves_another_protocol_fails_without_waiting(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 17: health_port on a gRPC port waited the whole startup_timeout and then said
    nothing answers from outside the container, though the service listened there."""
    _project(
        pytester.path,
        """
        [tool.goimage]
        port = 8080
        health_port = 9090
        health_path = "/healthz"
        startup_timeout = "30s"
        """,
        {"Dockerfile": "EXPOSE 8080 9090"},
        GRPC_LIKE,
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "health", "--goimage-report=r.json"
    )
    assert outcomes(result, short=True) == {"health": "FAILED"}
    out = " ".join(result.stdout.str().split())
    assert "never answered 2xx: after 1." in out, out  # about a second, not 30
    assert (
        "s no answer: the service closed each connection without one. Inside the container "
        "the service listens on 9090, and serves HTTP/2 only there (it answers HTTP/2's "
        "preface and closes each HTTP/1.1 request, as a gRPC server does); set `health_port` "
        "in [tool.goimage] to the port that answers /healthz over HTTP/1.1."
    ) in out, out
    checks = json.loads((pytester.path / "r.json").read_text())["images"][0]["checks"]
    assert checks["health"]["seconds"] < 10, checks


def test_two_exposed_ports_hint_names_the_one_that_serves_health(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """No `port` and two EXPOSEd ports: health_path answers on 8081 only, so that is the
    health_port to set and 8080 the port."""
    _project(
        pytester.path,
        """
        [tool.goimage]
        health_path = "/healthz"
        startup_timeout = "10s"
        """,
        {"Dockerfile": "EXPOSE 8080 8081"},
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    assert outcomes(result, short=True) == {"health": "FAILED"}
    out = " ".join(result.stdout.str().split())
    assert (
        "the image EXPOSEs several ports (8080/tcp, 8081/tcp), so the API port is unknown; set "
        "`port` in [tool.goimage] (or for this image in [[tool.goimage.image]]). Inside the "
        "container the service listens on port 8080, 8081, and GET /healthz answers on 8081: "
        "set `port = 8080` (the API) and `health_port = 8081`."
    ) in out, out


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "70000",
            "*pyproject.toml: [[]tool.goimage[]] health_port = 70000 is not a TCP port (1-65535).*",
        ),
        (
            '"8081"',
            "*pyproject.toml: [[]tool.goimage[]] key 'health_port' must be an integer, got '8081' "
            "(str); write it without quotes: health_port = 8081.*",
        ),
    ],
)
def test_a_bad_health_port_is_a_usage_error(
    pytester: pytest.Pytester, value: str, expected: str
) -> None:
    (pytester.path / "go.mod").write_text("module example.com/admin\n\ngo 1.26\n")
    (pytester.path / "Dockerfile").write_text(DOCKERFILE.format(extra="EXPOSE 8080"))
    (pytester.path / "pyproject.toml").write_text(f"[tool.goimage]\nhealth_port = {value}\n")
    result = pytester.runpytest("--goimage")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {expected}"])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_a_bad_health_port_of_one_image_names_its_entry(pytester: pytest.Pytester) -> None:
    (pytester.path / "go.mod").write_text("module example.com/admin\n\ngo 1.26\n")
    (pytester.path / "Dockerfile").write_text(DOCKERFILE.format(extra="EXPOSE 8080"))
    (pytester.path / "pyproject.toml").write_text(
        "[tool.goimage]\n[[tool.goimage.image]]\ndockerfile = 'Dockerfile'\nhealth_port = 0\n"
    )
    result = pytester.runpytest("--goimage")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: *pyproject.toml: [[][[]tool.goimage.image[]][]] 'Dockerfile' health_port = 0 "
            "is not a TCP port (1-65535)."
        ]
    )


def test_a_forgotten_health_port_is_named_where_the_api_port_has_no_health_path(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 17: `port = 8080` set and `health_port` forgotten: /healthz is a 404 on the API
    port, and the advice was to change `health_path`, away from the fix."""
    _project(
        pytester.path,
        """
        [tool.goimage]
        port = 8080
        health_path = "/healthz"
        startup_timeout = "2s"
        """,
        {"Dockerfile": "EXPOSE 8080 8081"},
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    assert outcomes(result, short=True) == {"health": "FAILED"}
    out = " ".join(result.stdout.str().split())
    assert (
        "the last answer was HTTP 404: 404 page not found. Nothing is served at /healthz on "
        "port 8080, but it answers 2xx on port 8081, where the service listens too: set "
        "`health_port = 8081` in [tool.goimage]."
    ) in out, out


def _admin_beside_api(startup_timeout: str, env: str = "") -> str:
    """[tool.goimage] for the API on 8080 and /healthz on the admin port 8081; `env` is the
    body of [tool.goimage.env]."""
    table = (
        '[tool.goimage]\nport = 8080\nhealth_port = 8081\nhealth_path = "/healthz"\n'
        f'startup_timeout = "{startup_timeout}"\n'
    )
    return table + (f"\n[tool.goimage.env]\n{env}\n" if env else "")


@pytest.mark.parametrize(
    ("api_port", "why"),
    [
        (
            "none",
            "but within startup_timeout (3s) no server took connections on the API port 8080 "
            "(`port`): the admin server is up and the API's is not (its log may say why), "
            "`port` in [tool.goimage] names another port than the one it serves, or the API "
            "needs longer to start than `startup_timeout` gives it. A release must serve its "
            "API, not only its health endpoint.",
        ),
        (
            "127.0.0.1:8080",
            "but within startup_timeout (3s) no server took connections on the API port 8080 "
            "(`port`); the service listens on 127.0.0.1:8080, which only the container itself "
            "reaches: listen on all interfaces (`:8080` or `0.0.0.0:8080`). A release must "
            "serve its API, not only its health endpoint.",
        ),
        (
            "8090",
            "but within startup_timeout (3s) no server took connections on the API port 8080 "
            "(`port`); the service listens on 8090: set `port` in [tool.goimage] to its API's. "
            "A release must serve its API, not only its health endpoint.",
        ),
    ],
    ids=["api-never-listens", "api-on-loopback", "api-on-another-port"],
)
def test_health_on_the_admin_port_does_not_pass_a_service_whose_api_is_down(
    pytester: pytest.Pytester, no_leaks: None, api_port: str, why: str
) -> None:
    """Trial 35A: with `health_port` set, /healthz answered on the admin port and `health`
    passed, while nothing served the API on `port`."""
    _project(
        pytester.path,
        _admin_beside_api("3s", f'API_PORT = "{api_port}"'),
        {"Dockerfile": "EXPOSE 8080 8081"},
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    assert outcomes(result, short=True) == {"health": "FAILED"}
    out = " ".join(result.stdout.str().split())
    assert (
        f"Dockerfile: GET /healthz on the admin port 8081 (`health_port`) answered 200, {why}"
    ) in out, out
    if api_port == "none":
        assert "api: listener failed: certificate not found" in out, out


def test_an_api_that_listens_a_moment_after_health_answers_passes(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The admin port answers at once, the API binds 1.5 s later: `health` waits for it."""
    _project(
        pytester.path,
        _admin_beside_api("10s", 'API_DELAY = "1500ms"'),
        {"Dockerfile": "EXPOSE 8080 8081"},
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    assert outcomes(result, short=True) == {"health": "PASSED"}, result.stdout.str()


def test_an_api_port_that_speaks_http2_only_beside_an_http_admin_port_passes(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A gRPC API (HTTP/2 only: it answers no HTTP/1.1 request) with health on a plain HTTP
    admin port, as gRPC services serve it: a server takes the API's connections, so it passes."""
    grpc_api = GRPC_LIKE.replace('":9090"', '":8080"').replace(
        'http.ListenAndServe(":8080", http.NotFoundHandler())',
        'http.ListenAndServe(":8081", http.HandlerFunc(func(w http.ResponseWriter, _ '
        '*http.Request) { w.Write([]byte("ok")) }))',
    )
    assert '":8081"' in grpc_api and 'Addr: ":8080"' in grpc_api
    _project(
        pytester.path,
        _admin_beside_api("10s"),
        {"Dockerfile": "EXPOSE 8080 8081"},
        grpc_api,
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    assert outcomes(result, short=True) == {"health": "PASSED"}, result.stdout.str()
