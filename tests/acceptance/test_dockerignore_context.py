"""An allow-list `.dockerignore` (`*`, then `!**/*.go`): the plugin's build gets the Go files in
every folder, as `docker buildx build` does, and `tracked` looks at them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance.test_tracked import git

ALLOW_LIST = "*\n!**/*.go\n!go.mod\n!go.sum\n"


def allow_list_project(root: Path) -> None:
    (root / "go.mod").write_text("module example.com/allowlist\n\ngo 1.26\n")
    (root / "cmd" / "api").mkdir(parents=True)
    (root / "cmd" / "api" / "main.go").write_text("package main\n\nfunc main() {}\n")
    (root / "README.md").write_text("kept out by the first pattern\n")
    (root / ".dockerignore").write_text(ALLOW_LIST)
    # The COPY fails unless the nested Go file is in the context; no compiler needed.
    (root / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY cmd/api/main.go /src/cmd/api/main.go\nRUN ["/bin/true"]\n'
    )
    (root / "pyproject.toml").write_text("[tool.goimage]\n")


def test_an_allow_list_sends_the_nested_go_files_to_the_build(pytester: pytest.Pytester) -> None:
    root = pytester.path
    allow_list_project(root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "initial")
    result = pytester.runpytest_subprocess(
        "--goimage", "-k", "build or tracked", "-p", "no:randomly"
    )
    result.assert_outcomes(passed=2)


def test_tracked_sees_an_untracked_go_file_an_allow_list_sends(pytester: pytest.Pytester) -> None:
    root = pytester.path
    allow_list_project(root)
    git(root, "init", "-q")
    git(root, "add", "go.mod", "Dockerfile", ".dockerignore", "pyproject.toml")
    git(root, "commit", "-qm", "without the package")
    result = pytester.runpytest_subprocess("--goimage", "-k", "tracked", "-p", "no:randomly")
    result.assert_outcomes(failed=1)
    assert "cmd/api/main.go" in result.stdout.str(), result.stdout.str()
