"""A `# syntax=` directive's frontend reads the build context too (trial 33A #1).

Docker 20.10 hands a context sent as the request body to the first frontend that asks, its own
(which reads the Dockerfile to find the directive), and then forgets it: the directive's frontend
failed with `[internal] load remote build context: ... context not found`, whatever the
Dockerfile, while `docker build` of the same folder passed. The docker-init Go template and most
Dockerfiles that use `COPY --link` or heredocs start with such a directive.
"""

from __future__ import annotations

from collections.abc import Iterator

import docker
import pytest

from tests.conftest import outcomes
from tests.frontend_image import frontend_image


@pytest.fixture(scope="session")
def frontend(docker_client: docker.DockerClient) -> Iterator[str]:
    with frontend_image(docker_client) as name:
        yield name


def test_a_syntax_directive_builds_with_the_frontend_it_names(
    pytester: pytest.Pytester, no_leaks: None, frontend: str
) -> None:
    root = pytester.path
    (root / "go.mod").write_text("module example.com/svc\n\ngo 1.26.0\n")
    (root / "main.go").write_text("package main\n\nfunc main() {}\n")
    # --link and the heredoc are what the engine's own (1.2-era) frontend refuses: they build
    # only where the directive's frontend read this Dockerfile and its context.
    (root / "Dockerfile").write_text(
        f"# syntax={frontend}\n"
        "FROM golang:1.26-alpine AS build\n"
        "WORKDIR /src\n"
        "RUN --mount=type=bind,target=. <<EOF\n"
        "CGO_ENABLED=0 go build -o /out/svc .\n"
        "EOF\n"
        "FROM alpine:3.22\n"
        "COPY --link --from=build /out/svc /svc\n"
        'ENTRYPOINT ["/svc"]\n'
    )
    (root / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "build or static")
    assert outcomes(result) == {
        "Dockerfile::build": "PASSED",
        "Dockerfile::static": "PASSED",
    }, result.stdout.str()
    result.stdout.fnmatch_lines(["*= 2 passed, * deselected in *"])
