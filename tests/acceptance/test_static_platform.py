"""`static` on a real image whose Dockerfile cross-compiles for another CPU (GOARCH=arm64 on
an amd64 engine, as a user trial found): the check names the line and the fix instead of CGO
advice, and the summary's static cell says `arm64`, not `yes`."""

from __future__ import annotations

import json

import docker
import pytest

from tests.conftest import outcomes

# A build cache mount: only the first run on an engine compiles the arm64 standard library.
ARM64_ON_AMD64 = """\
FROM --platform=$BUILDPLATFORM golang:1.26-alpine AS build
ARG TARGETARCH
WORKDIR /src
COPY go.mod main.go ./
RUN --mount=type=cache,target=/root/.cache/go-build \\
    CGO_ENABLED=0 GOARCH=arm64 go build -o /out/app .
FROM alpine:3.22
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"""


def test_a_static_binary_for_another_cpu_fails_static_with_the_goarch_line(
    pytester: pytest.Pytester, docker_client: docker.DockerClient, no_leaks: None
) -> None:
    if docker_client.info()["Architecture"] not in ("x86_64", "amd64"):
        pytest.skip("needs an amd64 engine, for which arm64 is another CPU")
    (pytester.path / "go.mod").write_text("module example.com/tiny\n\ngo 1.26\n")
    (pytester.path / "main.go").write_text("package main\n\nfunc main() {}\n")
    (pytester.path / "Dockerfile").write_text(ARM64_ON_AMD64)
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "build or static", "--goimage-report=report.json"
    )
    assert outcomes(result) == {"Dockerfile::build": "PASSED", "Dockerfile::static": "FAILED"}
    out = result.stdout.str()
    assert "is built for GOARCH=arm64, but the image is amd64, so it cannot run there (exec " in out
    assert (
        "format error): Dockerfile:6 sets GOARCH=arm64. Build it with GOARCH=$TARGETARCH; "
        "without GOARCH it would build for the build machine, as its stage runs on "
        "$BUILDPLATFORM." in out
    ), out
    assert "CGO_ENABLED=0 (and no -linkmode=external)" not in out
    assert "is not a static Go binary" not in out
    # The summary row: the binary is static, but for arm64; the JSON fact stays "static".
    result.stdout.re_match_lines([r"FAIL  Dockerfile .* go1\.\d+\.\d+\s+arm64$"])
    (image,) = json.loads((pytester.path / "report.json").read_text())["images"]
    assert image["static"] is True
