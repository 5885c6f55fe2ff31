"""A Go version pin that floats (`go-version: stable`, `golang:latest`) is a warning at the
pin's own file and line (a user trial: the warnings summary pointed at the plugin's source)."""

from __future__ import annotations

import pytest

WORKFLOW = """\
name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: stable
      - run: go test ./...
"""


def test_a_floating_pin_is_a_warning_at_its_own_line(pytester: pytest.Pytester) -> None:
    (pytester.path / "go.mod").write_text("module example.com/app\n\ngo 1.26\n")
    (pytester.path / "Dockerfile").write_text("FROM golang:latest\n")
    workflows = pytester.path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(WORKFLOW)
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "go-version", "-p", "no:randomly")
    out = result.stdout.str()
    assert "pytest_goimage" not in out.split("warnings summary", 1)[-1], out
    result.stdout.fnmatch_lines(
        [
            f"  {pytester.path}/Dockerfile:1: UnpinnedGoVersionWarning: Dockerfile:1: "
            "golang:latest is not pinned: *",
            "    FROM golang:latest",
            f"  {pytester.path}/.github/workflows/ci.yml:10: UnpinnedGoVersionWarning: "
            ".github/workflows/ci.yml:10: go-version stable is not pinned: *",
            "    go-version: stable",
        ],
        consecutive=False,
    )
