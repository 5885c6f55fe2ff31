"""A later setup-go step replaces an earlier one's Go (gofacts/workflows/pins.py): setup-go puts
the Go it installs first on PATH, so in a job that runs setup-go '1.20', `go install
tool@v1.0.0`, setup-go '1.26.8' and `go test ./...`, the module is built with 1.26.8 and the
1.20 pin does not count. Only a later step that surely runs and surely installs a Go replaces
one, and only before any step that runs (or may run) the Go toolchain on the module."""

from __future__ import annotations

from pytest_goimage.gofacts.gomod_pins import gomod_pins
from pytest_goimage.gofacts.versions import (
    format_ignored,
    misaligned,
    required_version,
)
from pytest_goimage.gofacts.workflows import workflow_pins
from tests.unit.workflow_pin_rows import WORKFLOW, Row, rows

GO_MOD = gomod_pins("module example.com/svc\n\ngo 1.26.8\n", "go.mod")


def replaced(line: int, job: str = "test") -> str:
    return (
        f"not counted: the setup-go step at line {line} puts another Go first on PATH before any "
        f"step of job {job} runs the Go toolchain on the module"
    )


TOOL_THEN_TEST = """\
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: '1.20'
      - run: go install example.com/tool@v1.0.0
      - uses: actions/setup-go@v5
        with:
          go-version: '1.26.8'
      - run: go test ./...
"""


def test_a_setup_go_replaced_before_the_build_does_not_count() -> None:
    assert rows(TOOL_THEN_TEST) == [
        Row(8, "test", "1.20", "1.20", "1.20", ignored=replaced(10)),
        Row(12, "test", "1.26.8", "1.26.8", "1.26.8"),
    ]
    pins = [*GO_MOD, *workflow_pins(TOOL_THEN_TEST, WORKFLOW)]
    assert misaligned(pins, required_version(pins)) == []
    assert format_ignored(pins) == f"{WORKFLOW}:8: go-version 1.20: {replaced(10)}"


def test_a_build_between_the_two_steps_makes_the_first_count() -> None:
    text = TOOL_THEN_TEST.replace("go install example.com/tool@v1.0.0", "go build ./...")
    assert rows(text) == [
        Row(8, "test", "1.20", "1.20", "1.20"),
        Row(12, "test", "1.26.8", "1.26.8", "1.26.8"),
    ]
    pins = [*GO_MOD, *workflow_pins(text, WORKFLOW)]
    assert [p.line for p in misaligned(pins, required_version(pins))] == [8]


def test_a_step_that_may_run_go_between_them_makes_the_first_count() -> None:
    """`make tools` may build the module with 1.20: strict, as every ambiguous step is."""
    text = TOOL_THEN_TEST.replace("go install example.com/tool@v1.0.0", "make tools")
    assert [(r.line, r.ignored) for r in rows(text)] == [(8, ""), (12, "")]


def test_a_later_setup_go_that_may_not_run_replaces_nothing() -> None:
    text = TOOL_THEN_TEST.replace(
        "      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.26.8'\n",
        "      - uses: actions/setup-go@v5\n        if: runner.os == 'Linux'\n"
        "        with:\n          go-version: '1.26.8'\n",
    )
    assert [(r.line, r.ignored) for r in rows(text)] == [(8, ""), (13, "")]


def test_a_later_setup_go_without_a_version_keeps_the_go_on_path() -> None:
    """setup-go with neither go-version nor go-version-file installs nothing."""
    text = TOOL_THEN_TEST.replace(
        "        with:\n          go-version: '1.26.8'\n", "        with:\n          cache: false\n"
    )
    found = rows(text)
    assert [(r.line, r.version, r.ignored) for r in found] == [(8, "1.20", ""), (10, None, "")]


def test_a_later_go_version_file_replaces_the_earlier_go() -> None:
    text = TOOL_THEN_TEST.replace("go-version: '1.26.8'", "go-version-file: go.mod")
    assert [(r.line, r.raw, r.ignored) for r in rows(text)] == [
        (8, "1.20", replaced(10)),
        (12, "go.mod", ""),
    ]


MATRIX = """\
jobs:
  test:
    strategy:
      matrix:
        go: ['1.20', '1.26.8']
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - run: go install example.com/tool@v1.0.0
      - uses: actions/setup-go@v5
        if: matrix.go == '1.20'
        with:
          go-version: '1.26.8'
      - run: go test ./...
"""


def test_replacement_is_decided_per_matrix_combination() -> None:
    """Where go is 1.20 the later step runs and replaces it; where go is 1.26.8 it does not
    run, so the matrix value builds the module."""
    via = "setup-go at line 9 via matrix.go at line 5"
    assert rows(MATRIX) == [
        Row(5, "test", "1.20", "1.20", "1.20", via, ignored=replaced(11)),
        Row(5, "test", "1.26.8", "1.26.8", "1.26.8", via),
        Row(14, "test", "1.26.8", "1.26.8", "1.26.8"),
    ]


def test_a_value_replaced_in_one_combination_but_not_another_counts() -> None:
    text = MATRIX.replace("go: ['1.20', '1.26.8']", "go: ['1.20']\n        os: [a, b]").replace(
        "if: matrix.go == '1.20'", "if: matrix.os == 'a'"
    )
    assert [(r.line, r.raw, r.ignored) for r in rows(text)] == [(5, "1.20", ""), (15, "1.26.8", "")]


def test_a_job_that_builds_nothing_keeps_its_own_reason() -> None:
    text = TOOL_THEN_TEST.replace("go test ./...", "echo done")
    never = (
        "not counted: job test never runs the Go toolchain on the module (every step runs a "
        "program or action that runs no Go)"
    )
    assert [(r.line, r.ignored) for r in rows(text)] == [(8, never), (12, never)]
