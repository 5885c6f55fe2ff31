"""go-version in a Go workspace: where a committed go.work lists the module, a CI job or a
Dockerfile that builds inside it needs go.work's Go (`go: ../go.work requires go >= 1.27.0`),
not only go.mod's. Run through `pytest --goimage -k go-version` (no engine: the check reads
files) on a checkout shaped like a monorepo: go.work at the top, the module in svc/."""

from __future__ import annotations

import json

import pytest

from tests.conftest import WORKSPACE_DOCKERFILE, go_workspace_repo


def _go_version(pytester: pytest.Pytester) -> pytest.RunResult:
    return pytester.runpytest("--goimage", "-k", "go-version", "-p", "no:randomly")


def test_ci_and_a_dockerfile_building_in_the_workspace_need_its_go(
    pytester: pytest.Pytester,
) -> None:
    go_workspace_repo(pytester)
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
    go_workspace_repo(pytester, env="    env:\n      GOWORK: off\n")
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
    go_workspace_repo(pytester, ignored="go.work\n")
    result = _go_version(pytester)
    result.assert_outcomes(passed=1)


def test_a_build_context_without_go_work_leaves_the_dockerfile_to_go_mod(
    pytester: pytest.Pytester,
) -> None:
    go_workspace_repo(pytester, context=".")
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
    go_workspace_repo(pytester, work="go 1.27.0\n\nuse ./tools\n")
    _go_version(pytester).assert_outcomes(passed=1)


def test_a_pass_says_which_pins_build_in_the_workspace(pytester: pytest.Pytester) -> None:
    go_workspace_repo(
        pytester, work="go 1.26.0\n\ntoolchain go1.26.4\n\nuse ./svc // the service\n"
    )
    result = pytester.runpytest(
        "--goimage", "-k", "go-version", "-p", "no:randomly", "--goimage-report=r.json"
    )
    result.assert_outcomes(passed=1)
    report = json.loads((pytester.path / "r.json").read_text())
    message = report["images"][0]["checks"]["go-version"]["message"]
    assert message == (
        "1 Go version pin(s) agree with go.mod, which requires Go 1.26.0; 2 that build in the "
        "workspace go.work agree with it, which requires Go 1.26.4"
    )


def test_use_written_without_a_space_is_read_as_go_reads_it(pytester: pytest.Pytester) -> None:
    go_workspace_repo(pytester, work="go 1.27.0\n\nuse(\n\t./svc\n)\n")
    result = _go_version(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*2 Go version pin(s) build in the workspace go.work*"])


def test_a_workspace_older_than_the_module_is_one_the_go_command_refuses(
    pytester: pytest.Pytester,
) -> None:
    go_workspace_repo(pytester, work="go 1.22\n\nuse ./svc\n")
    result = _go_version(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "[[]goimage go-version[]] Dockerfile: go.work:1 `go 1.22` is older than svc/go.mod:3 "
            "`go 1.26.0`, a module the workspace uses, and the go command refuses to build in it "
            '("module listed in go.work file requires go >= 1.26.0"): run `go work use` to '
            "raise go.work's go line."
        ]
    )


TWO_JOBS = """\
name: ci
on: push
# TODO: GOWORK=off once tools/ has its own go.mod
jobs:
  lint:
    runs-on: ubuntu-latest
    env:
      GOWORK: off
    steps:
      - uses: actions/setup-go@v6
        with:
          go-version: '1.26'
      - run: cd svc && go vet ./...
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v6
        with:
          go-version: '1.26'
      - run: cd svc && go test ./...
  race:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v6
        with:
          go-version: '1.26'
      - run: |
          export GOWORK=off
          cd svc && go test -race ./...
"""


def test_gowork_off_counts_for_the_job_that_sets_it_only(pytester: pytest.Pytester) -> None:
    """A comment, or another job's env, does not take a job out of the workspace."""
    go_workspace_repo(pytester)
    (pytester.path / ".github/workflows/ci.yml").write_text(TWO_JOBS)
    (pytester.path / "svc/Dockerfile").write_text(
        WORKSPACE_DOCKERFILE.replace("1.26-alpine", "1.27.0-alpine")
    )
    result = _go_version(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*: 1 Go version pin(s) build in the workspace go.work and are older than it "
            "requires (Go 1.27.0):",
            ".github/workflows/ci.yml:19: go-version 1.26 names Go 1.26, go.work requires 1.27.0 *",
        ],
        consecutive=True,
    )


def test_a_pipelines_gowork_off_variable_covers_its_included_jobs(
    pytester: pytest.Pytester,
) -> None:
    _gitlab_only(pytester, 'variables:\n  GOWORK: "off"\ninclude:\n  - local: ci/test.yml\n')
    (pytester.path / "ci").mkdir()
    (pytester.path / "ci/test.yml").write_text(
        "test:\n  image: golang:1.26\n  script: [cd svc && go test ./...]\n"
    )
    _go_version(pytester).assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("script", "outcome"),
    [
        ("[export GOWORK=off, cd svc, go test ./...]", "passed"),
        # The export holds for the lines after it: the first `go vet` ran in the workspace.
        ("[cd svc, go vet ./..., export GOWORK=off, go test ./...]", "failed"),
    ],
)
def test_a_gitlab_export_of_gowork_off_holds_for_the_lines_after_it(
    pytester: pytest.Pytester, script: str, outcome: str
) -> None:
    _gitlab_only(pytester, f"test:\n  image: golang:1.26\n  script: {script}\n")
    result = _go_version(pytester)
    result.assert_outcomes(**{outcome: 1})
    named = ".gitlab-ci.yml:2: GitLab CI job test: image golang:1.26 names Go 1.26, go.work"
    assert (named in result.stdout.str()) == (outcome == "failed"), result.stdout.str()


def _gitlab_only(pytester: pytest.Pytester, pipeline: str) -> None:
    """The workspace checkout with a GitLab pipeline instead of its workflow, and a Dockerfile
    on go.work's Go, so that only the pipeline's pins can fail."""
    go_workspace_repo(pytester)
    (pytester.path / ".github/workflows/ci.yml").unlink()
    (pytester.path / "svc/Dockerfile").write_text(
        WORKSPACE_DOCKERFILE.replace("1.26-alpine", "1.27.0-alpine")
    )
    (pytester.path / ".gitlab-ci.yml").write_text(pipeline)
