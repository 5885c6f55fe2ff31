"""A version spec whose value holds quote characters (gofacts/workflows/setup_go.py).

setup-go hands its `go-version` input, and a `.go-version` file's trimmed content, to
node-semver unchanged: `'1.26.8'` with its quotes is no version range, so setup-go finds no
Go for it and the step fails. The reader does not take it for Go 1.26.8 either.
"""

from __future__ import annotations

from tests.unit.workflow_pin_rows import Row, rows


def test_quotes_inside_the_go_version_value_name_no_version() -> None:
    """YAML's double quotes hold the single quotes: the value setup-go gets is `'1.26.8'`."""
    text = """\
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: "'1.26.8'"
      - run: go test ./...
"""
    assert rows(text) == [
        Row(
            7,
            "test",
            "'1.26.8'",
            "'1.26.8'",
            None,
            "cannot read a Go version from \"'1.26.8'\"",
            unpinned=True,
        )
    ]
