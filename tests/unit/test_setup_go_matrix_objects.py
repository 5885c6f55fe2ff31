"""A matrix axis that lists objects, read down its property path: `${{ matrix.go.version }}`,
as teams name a Go version and a label together."""

from __future__ import annotations

from tests.unit.workflow_pin_rows import Row, rows

OBJECTS = """\
jobs:
  test:
    strategy:
      matrix:
        go:
          - {version: '1.25.3', name: oldstable}
          - {Version: '1.26.8', name: stable}
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: GO
      - run: go test ./...
"""


def test_each_objects_version_is_a_pin_at_its_own_line() -> None:
    text = OBJECTS.replace("GO", "${{ matrix.go.version }}")
    via = "setup-go at line 11 via matrix.go.version at line"
    assert rows(text) == [
        Row(6, "test", "1.25.3", "1.25.3", "1.25.3", f"{via} 6"),
        Row(7, "test", "1.26.8", "1.26.8", "1.26.8", f"{via} 7"),  # names match in any case
    ]


def test_the_index_form_reads_the_same_path() -> None:
    text = OBJECTS.replace("GO", "${{ matrix['go']['version'] }}")
    assert [(row.line, row.version) for row in rows(text)] == [(6, "1.25.3"), (7, "1.26.8")]


def test_a_property_the_object_does_not_have_is_unresolved_and_named() -> None:
    text = OBJECTS.replace("GO", "${{ matrix.go.release }}")
    notes = [(row.version, row.unpinned, row.note) for row in rows(text)]
    assert notes == [(None, True, "matrix.go at line 6 has no `release`")]  # one per step


def test_a_property_of_an_env_value_is_unresolved() -> None:
    text = "env:\n  GO: '1.26.8'\n" + OBJECTS.replace("GO", "${{ env.GO.version }}")
    assert [(row.version, row.note) for row in rows(text)] == [
        (None, "env.GO is text, it has no `version`")
    ]
