"""A workflow job that runs in a golang image is a Go version pin (gofacts/workflows/containers.py):
`container: golang:1.24-bookworm`, `container: {image: ...}` and steps `uses: docker://golang:1.22`.
The golang images set GOTOOLCHAIN=local, so `go test` there refuses a go.mod that needs a newer Go,
and before these were read such a workflow passed `go-version` while its CI failed."""

from __future__ import annotations

from pathlib import Path

from pytest_goimage.gofacts.gomod_pins import gomod_pins
from pytest_goimage.gofacts.versions import (
    format_misalignment,
    misaligned,
    required_version,
)
from pytest_goimage.gofacts.workflows import read_workflows, workflow_pins
from pytest_goimage.gofacts.workflows.containers import SOURCE_WORKFLOW_CONTAINER
from tests.unit.workflow_pin_rows import WORKFLOW, Row, rows

GO_MOD = gomod_pins("module example.com/svc\n\ngo 1.26.0\n", "go.mod")


def image(line: int, job: str, raw: str, resolved: str, version: str | None, **rest: str) -> Row:
    """A counted container or docker:// pin, as rows() shows it."""
    return Row(line, job, raw, resolved, version, source=SOURCE_WORKFLOW_CONTAINER, **rest)  # type: ignore[arg-type]


def failing_lines(text: str) -> list[int]:
    pins = [*GO_MOD, *workflow_pins(text, WORKFLOW)]
    return [pin.line for pin in misaligned(pins, required_version(pins))]


# The trial's workflow: it passed ("2 Go version pin(s) agree") with go.mod at 1.26.0.
TRIAL = """\
name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    container: golang:1.24-bookworm
    services:
      postgres:
        image: postgres:16
    steps:
      - uses: actions/checkout@v4
      - run: go test ./...
  integration:
    runs-on: ubuntu-latest
    container:
      image: golang:1.23
      options: --user 1001
    steps:
      - uses: actions/checkout@v4
      - run: go test -tags integration ./...
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker://golang:1.22
        with:
          args: go vet ./...
"""


def test_container_jobs_and_docker_steps_of_the_trial_are_pins() -> None:
    assert rows(TRIAL) == [
        image(6, "test", "container: golang:1.24-bookworm", "golang:1.24-bookworm", "1.24"),
        image(16, "integration", "container: golang:1.23", "golang:1.23", "1.23"),
        image(25, "lint", "uses: docker://golang:1.22", "golang:1.22", "1.22"),
    ]
    assert failing_lines(TRIAL) == [6, 16, 25]


def test_the_failure_names_the_line_and_the_image() -> None:
    pins = [*GO_MOD, *workflow_pins(TRIAL, WORKFLOW)]
    bad = misaligned(pins, required_version(pins))
    first = format_misalignment(bad, pins).splitlines()[0]
    assert first.startswith(
        f"{WORKFLOW}:6: container: golang:1.24-bookworm names Go 1.24, go.mod requires 1.26.0 "
        "(go.mod:3 go 1.26.0) — "
    )


def test_the_flow_mapping_form_is_a_pin_at_its_line() -> None:
    text = """\
jobs:
  test:
    runs-on: ubuntu-latest
    container: { image: 'golang:1.25-alpine', options: --cpus 2 }
    steps:
      - uses: actions/checkout@v4
      - run: apk add --no-cache git make
      - run: go build ./... && go test -race ./...
"""
    assert rows(text) == [
        image(4, "test", "container: golang:1.25-alpine", "golang:1.25-alpine", "1.25")
    ]


def test_a_container_image_from_the_matrix_is_one_pin_per_go_version() -> None:
    text = """\
jobs:
  test:
    strategy:
      fail-fast: false
      matrix:
        go: ['1.25', '1.26']
        os: [bookworm, alpine]
    runs-on: ubuntu-latest
    container: golang:${{ matrix.go }}-${{ matrix.os }}
    steps:
      - uses: actions/checkout@v4
      - run: go test ./...
"""
    raw = "container: golang:${{ matrix.go }}-${{ matrix.os }}"
    via = "container at line 9 via matrix.go at line 6 -> matrix.os at line"
    assert rows(text) == [
        image(9, "test", raw, "golang:1.25-bookworm", "1.25", note=f"{via} 7"),
        image(9, "test", raw, "golang:1.25-alpine", "1.25", note=f"{via} 7"),
        image(9, "test", raw, "golang:1.26-bookworm", "1.26", note=f"{via} 7"),
        image(9, "test", raw, "golang:1.26-alpine", "1.26", note=f"{via} 7"),
    ]
    pins = workflow_pins(text, WORKFLOW)
    # The fix goes where the version is written: the matrix value.
    assert {(p.version_arg, p.version_arg_line) for p in pins} == {("matrix.go", 6)}
    assert failing_lines(text) == [9, 9]


def test_a_whole_image_from_the_matrix_include_reads_only_the_golang_ones() -> None:
    text = """\
jobs:
  build:
    strategy:
      matrix:
        include:
          - image: golang:1.24
          - image: docker.io/library/golang:1.26.0
          - image: ubuntu:24.04
    runs-on: ubuntu-latest
    container:
      image: ${{ matrix.image }}
    steps:
      - uses: actions/checkout@v4
      - run: make test
"""
    assert [(r.line, r.resolved, r.version) for r in rows(text)] == [
        (11, "golang:1.24", "1.24"),
        (11, "docker.io/library/golang:1.26.0", "1.26.0"),
    ]
    assert failing_lines(text) == [11]


def test_a_registry_mirror_of_golang_is_read_and_other_images_are_no_pin() -> None:
    text = """\
jobs:
  mirrored:
    runs-on: [self-hosted, linux]
    container: registry.example.com:5000/mirror/golang:1.24.2
    steps:
      - run: go test ./...
  node:
    runs-on: ubuntu-latest
    container: node:20-bookworm
    steps:
      - run: go test ./...
  golangci:
    runs-on: ubuntu-latest
    container: golangci/golangci-lint:v1.64
    steps:
      - run: golangci-lint run
"""
    assert [(r.line, r.job, r.version) for r in rows(text)] == [(4, "mirrored", "1.24.2")]


def test_a_container_job_whose_steps_run_no_go_is_not_counted() -> None:
    text = """\
jobs:
  docs:
    runs-on: ubuntu-latest
    container: golang:1.22
    steps:
      - uses: actions/checkout@v4
      - run: apt-get update && apt-get install -y hugo
      - run: hugo --minify
      - uses: actions/upload-pages-artifact@v3
"""
    why = (
        "not counted: job docs never runs the Go toolchain on the module (every step runs a "
        "program or action that runs no Go)"
    )
    assert rows(text) == [
        image(4, "docs", "container: golang:1.22", "golang:1.22", "1.22", ignored=why)
    ]
    assert failing_lines(text) == []


def test_a_container_job_that_may_run_go_counts_with_the_reason() -> None:
    text = """\
jobs:
  test:
    runs-on: ubuntu-latest
    container: golang:1.24
    steps:
      - uses: actions/checkout@v4
      - run: make check
"""
    why = (
        "counted: job test runs `make check` (line 7), and what make runs is not read, so it "
        "may run the Go toolchain; list the job in go_version_ignore if it does not"
    )
    assert rows(text) == [
        image(4, "test", "container: golang:1.24", "golang:1.24", "1.24", note=why)
    ]


SETUP_GO_IN_CONTAINER = """\
jobs:
  test:
    runs-on: ubuntu-latest
    container: golang:1.22
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: '1.26'
      - run: go test ./...
"""


def test_setup_go_in_a_container_job_puts_its_go_first_before_the_build() -> None:
    replaced = (
        "not counted: the setup-go step at line 7 puts another Go first on PATH before any "
        "step of job test runs the Go toolchain on the module"
    )
    assert rows(SETUP_GO_IN_CONTAINER) == [
        Row(9, "test", "1.26", "1.26", "1.26"),
        image(4, "test", "container: golang:1.22", "golang:1.22", "1.22", ignored=replaced),
    ]
    assert failing_lines(SETUP_GO_IN_CONTAINER) == []


def test_a_build_before_setup_go_runs_the_images_go() -> None:
    text = SETUP_GO_IN_CONTAINER.replace(
        "      - uses: actions/setup-go@v5\n",
        "      - run: go vet ./...\n      - uses: actions/setup-go@v5\n",
    )
    assert [(r.line, r.source, r.ignored) for r in rows(text)] == [
        (10, "setup-go go-version", ""),
        (4, SOURCE_WORKFLOW_CONTAINER, ""),
    ]
    assert failing_lines(text) == [4]


def test_setup_go_that_may_not_run_leaves_the_images_go() -> None:
    text = SETUP_GO_IN_CONTAINER.replace(
        "      - uses: actions/setup-go@v5\n",
        "      - uses: actions/setup-go@v5\n        if: github.event_name == 'schedule'\n",
    )
    assert failing_lines(text) == [4]


GOTOOLCHAIN = """\
env:
  CGO_ENABLED: '0'
jobs:
  test:
    runs-on: ubuntu-latest
    container:
      image: golang:1.24
      env:
        GOFLAGS: -mod=readonly
    env:
      GOTOOLCHAIN: VALUE
    steps:
      - uses: actions/checkout@v4
      - run: go test ./...
"""


def test_gotoolchain_auto_lets_go_mod_choose_so_the_image_does_not_count() -> None:
    for value, floor in [("auto", "the image's Go 1.24"), ("go1.25.0+auto", "go1.25.0")]:
        text = GOTOOLCHAIN.replace("VALUE", value)
        why = (
            f"not counted: GOTOOLCHAIN={value} ({WORKFLOW}:11) lets go.mod's go and toolchain "
            f"lines choose the Go the job runs ({floor}, or the newer one go.mod asks for, "
            "which the go command downloads)"
        )
        assert rows(text) == [
            image(7, "test", "container: golang:1.24", "golang:1.24", "1.24", ignored=why)
        ]
        assert failing_lines(text) == []


def test_gotoolchain_naming_a_version_is_the_go_the_job_runs() -> None:
    text = GOTOOLCHAIN.replace("VALUE", "go1.26.1")
    note = f"GOTOOLCHAIN=go1.26.1 ({WORKFLOW}:11) runs Go 1.26.1 instead of the image's Go 1.24"
    assert rows(text) == [
        image(7, "test", "container: golang:1.24", "golang:1.24", "1.26.1", note=note)
    ]
    assert workflow_pins(text, WORKFLOW)[0].toolchain_line == 11
    assert failing_lines(text) == []
    assert failing_lines(GOTOOLCHAIN.replace("VALUE", "go1.25.7")) == [7]


def test_gotoolchain_local_or_a_value_go_refuses_keeps_the_images_go() -> None:
    for value in ("local", "go1.26"):
        assert [r.version for r in rows(GOTOOLCHAIN.replace("VALUE", value))] == ["1.24"]


def test_gotoolchain_in_the_container_env_and_the_step_env() -> None:
    in_container = GOTOOLCHAIN.replace("    env:\n      GOTOOLCHAIN: VALUE\n", "").replace(
        "GOFLAGS: -mod=readonly", "GOTOOLCHAIN: local+auto"
    )
    assert [r.ignored[:34] for r in rows(in_container)] == ["not counted: GOTOOLCHAIN=local+aut"]
    # The step's env wins over the job's, as Actions passes it to each step's exec.
    in_step = GOTOOLCHAIN.replace("VALUE", "auto").replace(
        "      - run: go test ./...\n",
        "      - run: go test ./...\n        env:\n          GOTOOLCHAIN: local\n",
    )
    assert [(r.version, r.ignored) for r in rows(in_step)] == [("1.24", "")]


def test_gotoolchain_from_the_matrix_is_resolved_per_combination() -> None:
    text = GOTOOLCHAIN.replace(
        "GOTOOLCHAIN: VALUE", "GOTOOLCHAIN: ${{ matrix.toolchain }}"
    ).replace(
        "    runs-on: ubuntu-latest\n",
        "    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        toolchain: [local, go1.26.2]\n",
    )
    assert sorted(r.version or "" for r in rows(text)) == ["1.24", "1.26.2"]


DOCKER_STEPS = """\
jobs:
  checks:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: vet
        uses: docker://golang:1.22-alpine
        with:
          entrypoint: go
          args: vet ./...
      - name: shell only
        uses: docker://golang:1.21
      - name: lint
        uses: docker://alpine:3.20
        with:
          args: sh -c "go vet ./..."
      - name: describe
        uses: docker://golang:1.20
        with:
          args: git describe --tags --always
"""


def test_docker_steps_pin_their_own_image_where_their_command_runs_go() -> None:
    no_command = (
        "not counted: the step at line 12 gives no entrypoint or args, so it runs the image's "
        "own command, which runs no Go"
    )
    assert rows(DOCKER_STEPS) == [
        image(7, "checks", "uses: docker://golang:1.22-alpine", "golang:1.22-alpine", "1.22"),
        image(
            12, "checks", "uses: docker://golang:1.21", "golang:1.21", "1.21", ignored=no_command
        ),
        image(
            18,
            "checks",
            "uses: docker://golang:1.20",
            "golang:1.20",
            "1.20",
            ignored="not counted: the step at line 18 runs `git describe --tags --always`, which "
            "runs no Go",
        ),
    ]
    assert failing_lines(DOCKER_STEPS) == [7]


def test_a_docker_step_runs_none_of_the_jobs_setup_go() -> None:
    """setup-go's Go is on the runner's PATH, not in the step's own image."""
    text = """\
jobs:
  vet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: '1.21'
      - uses: docker://golang:1.26
        with:
          args: go vet ./...
"""
    assert [(r.line, r.version, r.ignored[:40]) for r in rows(text)] == [
        (8, "1.21", "not counted: job vet never runs the Go t"),
        (9, "1.26", ""),
    ]
    assert failing_lines(text) == []


def test_a_docker_step_under_if_false_is_no_pin_and_a_condition_is_noted() -> None:
    text = DOCKER_STEPS.replace("      - name: vet\n", "      - name: vet\n        if: false\n")
    assert [r.line for r in rows(text)] == [13, 19]
    text = DOCKER_STEPS.replace(
        "      - name: vet\n", "      - name: vet\n        if: github.ref == 'refs/heads/main'\n"
    )
    assert rows(text)[0].note == (
        "may run: its `if: github.ref == 'refs/heads/main'` depends on what is only known when "
        "the workflow runs (line 7)"
    )


def test_unpinned_container_images_say_why() -> None:
    text = """\
on:
  workflow_call:
    inputs:
      go:
        type: string
        default: '1.26'
jobs:
  latest:
    runs-on: ubuntu-latest
    container: golang
    steps:
      - run: go test ./...
  digest:
    runs-on: ubuntu-latest
    container: golang@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    steps:
      - run: go test ./...
  caller:
    runs-on: ubuntu-latest
    container: golang:${{ inputs.go }}
    steps:
      - run: go test ./...
  chosen:
    runs-on: ubuntu-latest
    container: ${{ inputs.image }}
    steps:
      - run: go test ./...
"""
    assert [(r.line, r.version, r.unpinned, r.note) for r in rows(text)] == [
        (10, None, True, "untagged (latest)"),
        (15, None, True, "pinned by digest only (sha256:0123456789ab...)"),
        (
            20,
            None,
            True,
            "inputs.go is set by each caller of this reusable workflow, default '1.26' at line "
            "6 (container at line 20)",
        ),
    ]


def test_a_container_job_with_gowork_off_runs_outside_the_workspace() -> None:
    text = TRIAL.replace(
        "    container: golang:1.24-bookworm\n",
        "    container: golang:1.24-bookworm\n    env:\n      GOWORK: 'off'\n",
    )
    assert [(p.job, p.workspace_off) for p in workflow_pins(text, WORKFLOW)] == [
        ("test", True),
        ("integration", False),
        ("lint", False),
    ]


def test_a_callers_input_is_fixed_where_the_caller_writes_it(tmp_path: Path) -> None:
    """Trial 18: a reusable workflow's `container: golang:${{ inputs.go }}-bookworm` with the
    value from a caller's `with:` said to set inputs.go on the called workflow's declaration,
    which holds no value; through a workflow that passes its input on, the outermost caller's
    line is where the value is written."""
    files = {
        "integration.yml": "on:\n  workflow_call:\n    inputs:\n      go:\n        type: string\n"
        "        required: true\njobs:\n  it:\n    runs-on: ubuntu-latest\n"
        "    container: golang:${{ inputs.go }}-bookworm\n    steps:\n"
        "      - run: go test ./...\n",
        "relay.yml": "on:\n  workflow_call:\n    inputs:\n      go-version:\n        type: string\n"
        "jobs:\n  pass:\n    uses: ./.github/workflows/integration.yml\n"
        "    with:\n      go: ${{ inputs.go-version }}\n",
        "ci.yml": "on: push\njobs:\n  integration:\n    uses: ./.github/workflows/integration.yml\n"
        "    with:\n      go: '1.25'\n"
        "  nested:\n    uses: ./.github/workflows/relay.yml\n    with:\n      go-version: '1.24'\n",
    }
    for name, text in files.items():
        path = tmp_path / ".github" / "workflows" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    pins = [*GO_MOD, *read_workflows(tmp_path)]
    bad = misaligned(pins, required_version(pins))
    advice = [line.rpartition(" — ")[2] for line in format_misalignment(bad, pins).splitlines()]
    assert advice == [
        "set inputs.go to '1.26.0' or newer on .github/workflows/ci.yml:6",
        "set inputs.go to '1.26.0' or newer on .github/workflows/ci.yml:10",
    ]
