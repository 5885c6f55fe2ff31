"""What the go-version check says about a workflow's golang container image: the line and what to
write there (`container: golang:1.26.0-bookworm`), and a `go_version_ignore` entry that names its
job leaves it out (gofacts/versions.py, gofacts/ci_ignore.py)."""

from __future__ import annotations

from pathlib import Path

from pytest_goimage.gofacts.ci_ignore import apply_ignore
from pytest_goimage.gofacts.gomod_pins import gomod_pins
from pytest_goimage.gofacts.project_pins import project_pins
from pytest_goimage.gofacts.versions import format_misalignment, misaligned, required_version
from pytest_goimage.gofacts.workflows import workflow_pins
from tests.unit.workflow_pin_rows import WORKFLOW

GO_MOD = "module example.com/svc\n\ngo 1.26.0\n"

CI = """\
jobs:
  test:
    strategy:
      matrix:
        go: ['1.25', '1.26']
    runs-on: ubuntu-latest
    container: golang:${{ matrix.go }}-bookworm
    steps:
      - uses: actions/checkout@v4
      - run: go test ./...
  integration:
    runs-on: ubuntu-latest
    container:
      image: golang:1.24-bookworm
      env:
        GOTOOLCHAIN: go1.25.8
    steps:
      - run: go test -tags integration ./...
  build:
    runs-on: ubuntu-latest
    container: docker.io/library/golang:1.24-alpine
    steps:
      - run: go build ./...
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: docker://golang:1.22
        with:
          args: go vet ./...
"""


def test_each_failure_says_what_to_write_where() -> None:
    pins = [*gomod_pins(GO_MOD, "go.mod"), *workflow_pins(CI, WORKFLOW)]
    bad = misaligned(pins, required_version(pins))
    requires = "go.mod requires 1.26.0 (go.mod:3 go 1.26.0)"
    assert format_misalignment(bad, pins).splitlines() == [
        f"{WORKFLOW}:7: container: golang:${{{{ matrix.go }}}}-bookworm names Go 1.25 (container "
        f"at line 7 via matrix.go at line 5), {requires} — set matrix.go to '1.26.0' or newer "
        f"on {WORKFLOW}:5",
        f"{WORKFLOW}:14: container: golang:1.24-bookworm names Go 1.25.8 (GOTOOLCHAIN=go1.25.8 "
        f"({WORKFLOW}:16) runs Go 1.25.8 instead of the image's Go 1.24), {requires} — set "
        f"GOTOOLCHAIN: go1.26.0 or newer on {WORKFLOW}:16",
        f"{WORKFLOW}:21: container: docker.io/library/golang:1.24-alpine names Go 1.24, {requires}"
        " — use container: docker.io/library/golang:1.26.0-alpine or newer",
        f"{WORKFLOW}:27: uses: docker://golang:1.22 names Go 1.22, {requires} — use uses: "
        "docker://golang:1.26.0 or newer",
    ]


def test_go_version_ignore_names_a_container_job_by_workflow_and_job() -> None:
    pins = apply_ignore(
        workflow_pins(CI, WORKFLOW), ["ci.yml:lint", ".github/workflows/ci.yml:build"]
    )
    assert [(p.job, p.ignored) for p in pins if p.ignored] == [
        ("build", "left out by go_version_ignore entry '.github/workflows/ci.yml:build'"),
        ("lint", "left out by go_version_ignore entry 'ci.yml:lint'"),
    ]


def test_the_project_reads_container_pins_and_applies_the_ignore_list(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text(GO_MOD)
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(CI)
    pins = project_pins(tmp_path, tmp_path, [], go_version_ignore=["ci.yml:test"])
    bad = misaligned(pins, required_version(pins))
    assert [(p.line, p.job) for p in bad] == [(14, "integration"), (21, "build"), (27, "lint")]
