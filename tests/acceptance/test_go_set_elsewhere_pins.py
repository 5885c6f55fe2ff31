"""A workflow that installs Go elsewhere: through a local composite action (`uses:
./.github/actions/go`), or in a reusable workflow its job calls with the version as an input.
That Go is the job's, checked against go.mod like a setup-go step in the workflow itself.
Before, actions were not read and callers not followed: an older Go there passed. Their
setup-go is v6, which sets GOTOOLCHAIN=local: the Go it installs is the Go the job runs (v5's,
from Go 1.21 on, switches to go.mod's by itself and agrees)."""

from __future__ import annotations

import pytest

from tests.conftest import go_app, outcomes

ACTION = """\
name: Go
description: the team's Go, one place to change it
inputs:
  go-version:
    default: '{default}'
runs:
  using: composite
  steps:
    - uses: actions/setup-go@v6
      with:
        go-version: ${{{{ inputs.go-version }}}}
"""

WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/go
      - run: go test ./...
"""


@pytest.mark.parametrize(("default", "fails"), [("1.25", True), ("1.26.8", False)])
def test_the_go_a_composite_action_installs_is_checked(
    pytester: pytest.Pytester, no_leaks: None, default: str, fails: bool
) -> None:
    root = pytester.path
    go_app(root, go_line="go 1.26.0\n\ntoolchain go1.26.8")
    (root / "Dockerfile").write_text('FROM alpine:3.22\nCOPY app /app\nENTRYPOINT ["/app"]\n')
    (root / "pyproject.toml").write_text("[tool.goimage]\n")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
    (root / ".github" / "actions" / "go").mkdir(parents=True)
    (root / ".github" / "actions" / "go" / "action.yml").write_text(ACTION.format(default=default))
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "go-version")
    expected = "FAILED" if fails else "PASSED"
    assert outcomes(result) == {"Dockerfile::go-version": expected}, result.stdout.str()
    if fails:
        result.stdout.fnmatch_lines(
            [
                "*.github/actions/go/action.yml:11: go-version 1.25 names Go 1.25 (inputs.go-version "
                "is the action input's default at .github/actions/go/action.yml:5; *; in the "
                "composite action .github/actions/go/action.yml, which the step at "
                ".github/workflows/ci.yml:7 uses), go.mod requires 1.26.8 *",
                # The job is named by its workflow, where go_version_ignore names it.
                '*add "ci.yml:test" to go_version_ignore in [[]tool.goimage[]].',
            ]
        )


REUSABLE = """\
on:
  workflow_call:
    inputs:
      go-version:
        type: string
        required: true
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v6
        with:
          go-version: ${{ inputs.go-version }}
      - run: go test ./...
"""


def test_the_go_a_caller_gives_a_reusable_workflow_is_checked(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    root = pytester.path
    go_app(root, go_line="go 1.26.0\n\ntoolchain go1.26.8")
    (root / "Dockerfile").write_text('FROM alpine:3.22\nCOPY app /app\nENTRYPOINT ["/app"]\n')
    (root / "pyproject.toml").write_text("[tool.goimage]\n")
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "go-test.yml").write_text(REUSABLE)
    (workflows / "ci.yml").write_text(
        "on: push\njobs:\n  current:\n    uses: ./.github/workflows/go-test.yml\n"
        "    with:\n      go-version: '1.26.8'\n"
        "  legacy:\n    uses: ./.github/workflows/go-test.yml\n"
        "    with:\n      go-version: '1.25'\n"
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "go-version")
    assert outcomes(result) == {"Dockerfile::go-version": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*1 Go version pin(s) are older than go.mod requires (Go 1.26.8):",
            "*.github/workflows/go-test.yml:5: go-version 1.25 names Go 1.25 (inputs.go-version "
            "is '1.25', given by .github/workflows/ci.yml job legacy at line 10; *), go.mod "
            "requires 1.26.8 *",
        ]
    )
