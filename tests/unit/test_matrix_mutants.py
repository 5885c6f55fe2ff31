"""`strategy.matrix` expanded as Actions expands it (gofacts/workflows/matrix.py), seen through
the setup-go pins a workflow gives: each test is one matrix shape public Go projects write."""

from __future__ import annotations

from tests.unit.workflow_pin_rows import Row, rows

UNSET_IN_SOME = (
    "matrix.go is not set in every combination of job {job}, and setup-go without a version "
    "uses whatever Go the runner has"
)


def test_a_job_without_matrix_says_so_and_skips_a_step_only_for_one_matrix_value() -> None:
    """No strategy: the matrix context is empty, so `matrix.go == 'tip'` is false (the step
    never runs) and `${{ matrix.go }}` names no version, with that reason."""
    text = """\
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        if: matrix.go == 'tip'
        with:
          go-version: '1.26'
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - run: go vet ./...
"""
    assert rows(text) == [
        Row(
            12,
            "lint",
            "${{ matrix.go }}",
            "",
            None,
            "job lint has no strategy.matrix",
            unpinned=True,
        )
    ]


def test_a_matrix_written_as_a_list_is_not_a_mapping() -> None:
    text = """\
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix: [ '1.25', '1.26' ]
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - run: go test ./...
"""
    assert rows(text) == [
        Row(
            9,
            "test",
            "${{ matrix.go }}",
            "",
            None,
            "job test's matrix is not a mapping",
            unpinned=True,
        )
    ]


def test_include_written_before_the_axes_still_adds_to_every_axis_value() -> None:
    """Key order does not matter: `include` (and an empty `exclude`) above or below the axes,
    the axis still expands, and an include that changes `go` is a combination of its own."""
    text = """\
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        include:
          - go: '1.24'
            experimental: true
        go: ['1.25', '1.26']
        exclude: []
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - run: go test ./...
"""
    via = "setup-go at line 14 via matrix.go at line {}"
    assert rows(text) == [
        Row(9, "test", "1.25", "1.25", "1.25", via.format(9)),
        Row(9, "test", "1.26", "1.26", "1.26", via.format(9)),
        Row(7, "test", "1.24", "1.24", "1.24", via.format(7)),
    ]


def test_an_axis_after_one_read_from_an_expression_still_expands() -> None:
    """`os` comes from another job's output: unknown here. `go` still expands; a step whose
    `if:` reads the matrix may run, since the unknown axis could hold anything."""
    text = """\
jobs:
  test:
    needs: plan
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: ${{ fromJSON(needs.plan.outputs.runners) }}
        go: ['1.25', '1.26']
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - uses: actions/setup-go@v5
        if: matrix.go == '1.24'
        with:
          go-version: '1.24'
      - run: go test ./...
"""
    via = "setup-go at line 12 via matrix.go at line 8"
    may_run = (
        "may run: its `if: matrix.go == '1.24'` depends on what is only known when the "
        "workflow runs (line 14)"
    )
    assert rows(text) == [
        Row(8, "test", "1.25", "1.25", "1.25", via),
        Row(8, "test", "1.26", "1.26", "1.26", via),
        Row(16, "test", "1.24", "1.24", "1.24", may_run),
    ]


def test_a_matrix_whose_only_axis_is_an_expression_gives_one_pin_saying_so() -> None:
    text = """\
jobs:
  test:
    needs: plan
    strategy:
      matrix:
        go: ${{ fromJSON(needs.plan.outputs.go-versions) }}
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - run: go test ./...
"""
    assert rows(text) == [
        Row(
            10,
            "test",
            "${{ matrix.go }}",
            "",
            None,
            "matrix.go of job test is an expression (${{ fromJSON(needs.plan.outputs.go-versions) }})",
            unpinned=True,
        )
    ]


def test_an_axis_written_as_one_value_is_that_value() -> None:
    text = """\
jobs:
  test:
    strategy:
      matrix:
        go: '1.26'
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - run: go test ./...
"""
    assert rows(text) == [
        Row(5, "test", "1.26", "1.26", "1.26", "setup-go at line 9 via matrix.go at line 5")
    ]


def test_a_value_only_include_sets_is_not_set_in_the_other_combinations() -> None:
    text = """\
jobs:
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest, macos-latest]
        include:
          - os: ubuntu-latest
            go: '1.26'
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - run: go test ./...
"""
    assert rows(text) == [
        Row(9, "test", "1.26", "1.26", "1.26", "setup-go at line 13 via matrix.go at line 9"),
        Row(13, "test", "${{ matrix.go }}", "", None, UNSET_IN_SOME.format(job="test"), True),
    ]


def test_exclude_naming_an_anchored_object_value_removes_its_combinations() -> None:
    """`*linux` is the very object the axis lists: those combinations go, so 1.25 is no pin."""
    text = """\
jobs:
  cross:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        target:
          - &linux {goos: linux, goarch: amd64}
          - &windows {goos: windows, goarch: amd64}
        go: ['1.25', '1.26']
        exclude:
          - target: *linux
            go: '1.25'
          - target: *windows
            go: '1.25'
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - run: go build ./...
"""
    assert rows(text) == [
        Row(9, "cross", "1.26", "1.26", "1.26", "setup-go at line 18 via matrix.go at line 9")
    ]


def test_include_with_an_object_value_no_combination_has_is_a_combination_of_its_own() -> None:
    """The darwin target would overwrite each original target, so it is added on its own: the
    two original combinations have no `go`."""
    text = """\
jobs:
  cross:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        target:
          - {goos: linux, goarch: amd64}
          - {goos: windows, goarch: amd64}
        include:
          - target: {goos: darwin, goarch: arm64}
            go: '1.26'
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - run: go build ./...
"""
    assert rows(text) == [
        Row(15, "cross", "${{ matrix.go }}", "", None, UNSET_IN_SOME.format(job="cross"), True),
        Row(11, "cross", "1.26", "1.26", "1.26", "setup-go at line 15 via matrix.go at line 11"),
    ]
