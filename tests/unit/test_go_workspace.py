"""go-version in a Go workspace: where a committed go.work lists the module, a CI job or a
Dockerfile that builds inside it needs go.work's Go (`go: ../go.work requires go >= 1.27.0`),
not only go.mod's. Run through `pytest --goimage -k go-version` (no engine: the check reads
files) on a checkout shaped like a monorepo: go.work at the top, the module in svc/."""

from __future__ import annotations

import json
import subprocess

import pytest

DOCKERFILE = """\
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN cd svc && CGO_ENABLED=0 go build -o /bin/server ./cmd/server

FROM scratch
COPY --from=build /bin/server /server
ENTRYPOINT ["/server"]
"""
WORKFLOW = """\
name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
{env}    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v6
        with:
          go-version: '1.26'
      - run: cd svc && go test ./...
"""


def _monorepo(
    pytester: pytest.Pytester,
    *,
    work: str = "go 1.27.0\n\nuse (\n\t./svc\n\t./tools\n)\n",
    context: str = "..",
    env: str = "",
    ignored: str = "",
) -> None:
    root = pytester.path
    (root / "svc/cmd/server").mkdir(parents=True, exist_ok=True)
    (root / ".github/workflows").mkdir(parents=True, exist_ok=True)
    (root / "go.work").write_text(work)
    (root / "svc/go.mod").write_text("module example.com/svc\n\ngo 1.26.0\n")
    (root / "svc/cmd/server/main.go").write_text("package main\n\nfunc main() {}\n")
    (root / "svc/Dockerfile").write_text(DOCKERFILE)
    (root / ".github/workflows/ci.yml").write_text(WORKFLOW.format(env=env))
    (root / "pyproject.toml").write_text(
        f'[tool.goimage]\nproject = "svc"\ncontext = "{context}"\n'
    )
    if ignored:
        (root / ".gitignore").write_text(ignored)
        (root / ".dockerignore").write_text(ignored)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=root, check=True)


def _go_version(pytester: pytest.Pytester) -> pytest.RunResult:
    return pytester.runpytest("--goimage", "-k", "go-version", "-p", "no:randomly")


def test_ci_and_a_dockerfile_building_in_the_workspace_need_its_go(
    pytester: pytest.Pytester,
) -> None:
    _monorepo(pytester)
    result = _go_version(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "[[]goimage go-version[]] Dockerfile: 2 Go version pin(s) build in the workspace "
            "go.work and are older than it requires (Go 1.27.0):",
            "svc/Dockerfile:1: golang:1.26-alpine names Go 1.26, go.work requires 1.27.0 "
            "(go.work:1 go 1.27.0) — use golang:1.27.0-alpine or newer",
            ".github/workflows/ci.yml:10: go-version 1.26 names Go 1.26, go.work requires 1.27.0 "
            "(go.work:1 go 1.27.0) — use go-version '1.27.0' or newer",
        ],
        consecutive=True,
    )


def test_gowork_off_in_the_job_leaves_its_pin_to_go_mod(pytester: pytest.Pytester) -> None:
    _monorepo(pytester, env="    env:\n      GOWORK: off\n")
    result = _go_version(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "[[]goimage go-version[]] Dockerfile: 1 Go version pin(s) build in the workspace "
            "go.work and are older than it requires (Go 1.27.0):",
            "svc/Dockerfile:1: golang:1.26-alpine names Go 1.26, *",
        ],
        consecutive=True,
    )
    assert "ci.yml:1" not in result.stdout.str()


def test_a_workspace_kept_out_of_git_and_the_build_context_binds_nothing(
    pytester: pytest.Pytester,
) -> None:
    # The usual advice: go.work stays local. A clean checkout (CI) and the build lack it.
    _monorepo(pytester, ignored="go.work\n")
    result = _go_version(pytester)
    result.assert_outcomes(passed=1)


def test_a_build_context_without_go_work_leaves_the_dockerfile_to_go_mod(
    pytester: pytest.Pytester,
) -> None:
    _monorepo(pytester, context=".")
    result = _go_version(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "[[]goimage go-version[]] Dockerfile: 1 Go version pin(s) build in the workspace "
            "go.work and are older than it requires (Go 1.27.0):",
            ".github/workflows/ci.yml:10: go-version 1.26 names Go 1.26, *",
        ],
        consecutive=True,
    )


def test_a_workspace_that_does_not_use_the_module_binds_nothing(
    pytester: pytest.Pytester,
) -> None:
    _monorepo(pytester, work="go 1.27.0\n\nuse ./tools\n")
    _go_version(pytester).assert_outcomes(passed=1)


def test_a_pass_says_which_pins_build_in_the_workspace(pytester: pytest.Pytester) -> None:
    _monorepo(pytester, work="go 1.26.0\n\ntoolchain go1.26.4\n\nuse ./svc // the service\n")
    result = pytester.runpytest(
        "--goimage", "-k", "go-version", "-p", "no:randomly", "--goimage-report=r.json"
    )
    result.assert_outcomes(passed=1)
    report = json.loads((pytester.path / "r.json").read_text())
    message = report["images"][0]["checks"]["go-version"]["message"]
    assert message == (
        "3 Go version pin(s) agree with go.mod, which requires Go 1.26.0, and the 2 that build "
        "in the workspace go.work with its Go 1.26.4"
    )
