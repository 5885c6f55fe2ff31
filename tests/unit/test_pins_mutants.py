"""A repository's workflow pins (gofacts/workflows/pins.py): which setup-go steps run, the files
read from `.github/workflows`, and what `go_version_ignore` leaves out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pytest_goimage.errors import WorkflowError
from pytest_goimage.gofacts.ci_ignore import apply_ignore, split_ignore_entry
from pytest_goimage.gofacts.gomod_pins import gomod_pins
from pytest_goimage.gofacts.workflows import (
    read_workflows,
    workflow_files,
    workflow_jobs,
    workflow_pins,
)
from tests.unit.workflow_pin_rows import Row, row, rows

CI = """\
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: '1.26.8'
      - run: go test ./...
"""
DOCS = """\
jobs:
  site:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: '1.22'
      - run: hugo --minify
"""
NOT_BUILT = (
    "not counted: job site never runs the Go toolchain on the module (every step runs a "
    "program or action that runs no Go)"
)


def test_a_step_if_reads_the_job_env_over_the_workflow_env_and_the_workflow_env_alone() -> None:
    """GO_LATEST is 'false' for this job though the workflow says 'true'; RUN_TIP is set only
    by the workflow: both conditions are false, so only the plain step runs."""
    text = """\
env:
  GO_LATEST: 'true'
  RUN_TIP: 'false'
jobs:
  test:
    env:
      GO_LATEST: 'false'
    steps:
      - uses: actions/setup-go@v5
        if: env.GO_LATEST == 'true'
        with:
          go-version: '1.27.0-rc.1'
      - uses: actions/setup-go@v5
        if: env.RUN_TIP != 'false'
        with:
          go-version: stable
      - uses: actions/setup-go@v5
        with:
          go-version: '1.26.8'
      - run: go test ./...
"""
    assert rows(text) == [Row(19, "test", "1.26.8", "1.26.8", "1.26.8")]


def test_a_matrix_pin_of_a_job_that_may_build_carries_both_notes() -> None:
    text = """\
jobs:
  test:
    strategy:
      matrix:
        go: ['1.26.8']
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - run: make test
"""
    note = (
        "setup-go at line 9 via matrix.go at line 5; counted: job test runs `make test` (line "
        "10), and what make runs is not read, so it may run the Go toolchain; list the job in "
        "go_version_ignore if it does not"
    )
    assert rows(text) == [Row(5, "test", "1.26.8", "1.26.8", "1.26.8", note)]


@pytest.mark.parametrize(
    ("text", "jobs"),
    [
        ("on: push\njobs:\n  test: {}\n  lint: {}\n", ["test", "lint"]),
        ("on: push\n", []),
        ("name: ci\njobs: []\n", []),
        ("jobs:\n  test: [\n", None),
    ],
)
def test_workflow_jobs_lists_the_job_ids_or_none_when_unreadable(
    text: str, jobs: list[str] | None
) -> None:
    assert workflow_jobs(text) == jobs


def test_a_workflow_that_is_not_utf8_names_the_file_and_the_fix(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_bytes(b"name: CI \xe9t\xe9\njobs: {}\n")
    with pytest.raises(WorkflowError) as caught:
        read_workflows(tmp_path)
    assert str(caught.value) == (
        ".github/workflows/ci.yml: not UTF-8 text (byte 0xe9 at offset 9), and Docker, Go and "
        "GitHub Actions read this file as UTF-8. Save it as UTF-8, or check that it is the file "
        "you meant."
    )


def test_workflow_files_are_the_yml_and_yaml_files_only(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    (workflows / "old").mkdir(parents=True)
    for name in ("README.md", "ci.yml", "release.yaml", "codeql.yml.disabled"):
        (workflows / name).write_text(CI)
    (workflows / "old" / "legacy.yml").write_text(CI)
    assert [name for _, name in workflow_files(tmp_path)] == [
        ".github/workflows/ci.yml",
        ".github/workflows/release.yaml",
    ]


def test_workflow_files_outside_the_base_keep_their_full_path(tmp_path: Path) -> None:
    project = tmp_path / "project"
    workflows = project / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(CI)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert workflow_files(project, elsewhere) == [(workflows / "ci.yml", str(workflows / "ci.yml"))]


@pytest.mark.parametrize(
    ("entry", "parts"),
    [
        ("./.github/workflows/ci.yml:lint", (".github/workflows/ci.yml", "lint")),
        (" docs.yml ", ("docs.yml", "")),
        ("release.yml : docs", ("release.yml", "docs")),
    ],
)
def test_an_ignore_entry_splits_into_workflow_and_job(entry: str, parts: tuple[str, str]) -> None:
    assert split_ignore_entry(entry) == parts


def test_an_ignore_entry_naming_a_workflow_leaves_out_all_its_jobs_and_nothing_else(
    tmp_path: Path,
) -> None:
    """`docs.yml` names every job of it; a pin read by the job check keeps its own reason; a
    go.mod pin is never left out, even by an entry that names go.mod."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(CI)
    (workflows / "docs.yml").write_text(DOCS.replace("hugo --minify", "go run ./cmd/docgen"))
    (workflows / "site.yml").write_text(DOCS)
    gomod = gomod_pins("module example.com/svc\n\ngo 1.26.8\n", "go.mod")
    pins = gomod + read_workflows(tmp_path)
    result = apply_ignore(pins, ["docs.yml", "site.yml", "go.mod"])
    assert result[: len(gomod)] == gomod
    assert [row(p) for p in result[len(gomod) :]] == [
        Row(7, "test", "1.26.8", "1.26.8", "1.26.8"),
        Row(
            7,
            "site",
            "1.22",
            "1.22",
            "1.22",
            ignored="left out by go_version_ignore entry 'docs.yml'",
            file=".github/workflows/docs.yml",
        ),
        Row(
            7, "site", "1.22", "1.22", "1.22", ignored=NOT_BUILT, file=".github/workflows/site.yml"
        ),
    ]


def test_an_ignore_entry_matches_pins_named_by_file_name_alone() -> None:
    pins = workflow_pins(DOCS.replace("hugo --minify", "go generate ./..."), "docs.yml")
    assert apply_ignore(pins, ["docs.yml:site"]) == [
        replace(pins[0], ignored="left out by go_version_ignore entry 'docs.yml:site'")
    ]
