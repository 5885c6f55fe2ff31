"""How `tracked` lists what git does not track: a whole ignored vendor/ is one line, with the
advice that fits it, and a few files are named one by one; and which files count: those a
Dockerfile stage copies, test files only where a RUN may compile them."""

from __future__ import annotations

import subprocess

import pytest

from pytest_goimage.build.tracking import read_by_the_build
from pytest_goimage.gofacts.dockerfile import parse_dockerfile


def _git_project(pytester: pytest.Pytester, ignore: str, files: dict[str, str]) -> None:
    pytester.makefile(".toml", pyproject="[tool.goimage]\n")
    files = {
        "go.mod": "module example.com/svc\n\ngo 1.26\n",
        "main.go": "package main\n\nfunc main() {}\n",
        "Dockerfile": "FROM golang:1.26 AS build\nWORKDIR /src\nCOPY . .\nFROM scratch\n",
        ".gitignore": ignore,
        **files,
    }
    for name, text in files.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=pytester.path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=pytester.path, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=pytester.path, check=True)


def test_an_ignored_vendor_folder_is_one_line_with_its_own_advice(
    pytester: pytest.Pytester,
) -> None:
    vendored = {f"vendor/example.com/lib{n}/lib.go": "package lib\n" for n in range(40)}
    _git_project(pytester, "vendor/\n", {**vendored, "vendor/modules.txt": "# x\n"})
    result = pytester.runpytest("--goimage", "-k", "tracked")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "[[]goimage tracked[]] Dockerfile: 41 Go build input(s) in build context '.' are not "
            "tracked by git, so a clean checkout (CI) builds something else than this machine "
            "does. vendor/ is ignored, but Go builds from it (a vendor/modules.txt makes "
            "-mod=vendor the default): commit vendor/ (drop the rule), or delete vendor/ and let "
            "the build download the modules:",
            "    41 files under vendor/ are ignored by git (.gitignore:1: vendor/)",
            "=*",
        ]
    )
    assert "lib0/lib.go" not in result.stdout.str()


def test_a_few_ignored_files_are_named_one_by_one(pytester: pytest.Pytester) -> None:
    _git_project(
        pytester,
        "storage/\n",
        {"pkg/storage/a.go": "package storage\n", "pkg/storage/b.go": "package storage\n"},
    )
    result = pytester.runpytest("--goimage", "-k", "tracked")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Narrow the ignore rule (anchor it, e.g. `/storage/` for runtime data) and `git add` "
            "the files:",
            "    pkg/storage/a.go is ignored by git (.gitignore:1: storage/)",
            "    pkg/storage/b.go is ignored by git (.gitignore:1: storage/)",
            "=*",
        ]
    )


@pytest.mark.parametrize(
    ("run", "tests_count"),
    [
        ("RUN go build -o /out/app ./cmd/app", False),
        ('RUN ["go", "test", "./..."]', True),  # the exec form (the review's false pass)
        ("RUN go -C cmd test ./...", True),
        ("RUN make test", True),
        ("RUN gotestsum -- ./...", True),
        ("RUN golangci-lint run", True),
        ("RUN go tool staticcheck ./...", True),
        # A word that only looks like a test run (the second review's false failures).
        ('RUN go build -ldflags "-X main.env=test" -o /out/app ./cmd/app', False),
        ("RUN ./tool --check-config && go build -o /out/app ./cmd/app", False),
    ],
)
def test_test_files_count_where_a_run_may_compile_them(run: str, tests_count: bool) -> None:
    parsed = parse_dockerfile(f"FROM golang:1.26\nWORKDIR /src\nCOPY cmd/ cmd/\n{run}\n")
    sent = ["cmd/app/main.go", "cmd/app/helper_test.go", "tools/gen.go"]
    expected = ["cmd/app/main.go", "cmd/app/helper_test.go"] if tests_count else ["cmd/app/main.go"]
    assert read_by_the_build(sent, parsed) == expected


def test_an_ignored_go_work_gets_the_workspace_s_own_advice(pytester: pytest.Pytester) -> None:
    """An ignored go.work is read by the build (trial 13, F7): commit it or build without
    it; "anchor the rule" is no fix for it."""
    _git_project(
        pytester,
        "go.work\ngo.work.sum\n",
        {"go.work": "go 1.26\n\nuse .\n", "go.work.sum": ""},
    )
    result = pytester.runpytest("--goimage", "-k", "tracked")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "[[]goimage tracked[]] Dockerfile: 2 Go build input(s) in build context '.' are not "
            "tracked by git, so a clean checkout (CI) builds something else than this machine "
            "does. go.work or go.work.sum is ignored, but the build reads them (workspace mode, "
            "its `use`d modules): commit go.work and go.work.sum (drop the rule), or build without it (`ENV "
            "GOWORK=off` in the Dockerfile, or a .dockerignore line for go.work):",
        ]
    )
