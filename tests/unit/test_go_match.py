"""build/go_match.py against Go's path/filepath.Match: each row's result and error were
taken from a Go 1.26 program calling filepath.Match on it. BuildKit validates an ignore
file's patterns with Match(pattern, "."), so where Match stops decides what it refuses."""

from __future__ import annotations

import pytest

from pytest_goimage.build.go_match import BadPattern, go_match

ROWS = [
    ("cmd/*/main.go", "cmd/api/main.go", True),
    ("cmd/*/main.go", "cmd/a/b/main.go", False),  # a star never crosses a slash
    ("*.go", "main.go", True),
    ("*.go", ".go", True),
    ("*_test.go", "store/s_test.go", False),
    ("build?", "build1", True),
    ("build?", "build/", False),
    ("[mc]ain.go", "main.go", True),
    ("[^mc]ain.go", "main.go", False),
    ("[a-c]*", "bin", True),
    ("v[0-9].[0-9]*", "v1.22", True),
    ("v[0-9].[0-9]*", "v1x22", False),
    ("a\\*b", "a*b", True),
    ("a\\*b", "axb", False),
    ("*", ".", True),
    ("[\\]]", "]", True),
    ("web*[-_]old", ".", False),  # stops at `web`: the bad class after the star is not read
    ("x*[a-", ".", False),
]
REFUSED = [
    ("[-_]old", "."),
    ("docs\\", "."),
    ("[a-b-c]", "."),
    ("*[a-", "."),  # the star tries the chunk, and the chunk is bad
    ("ab[", "ab"),
    ("[]]", "]"),
]


@pytest.mark.parametrize(("pattern", "name", "matched"), ROWS)
def test_a_pattern_matches_as_go_matches_it(pattern: str, name: str, matched: bool) -> None:
    assert go_match(pattern, name) is matched


@pytest.mark.parametrize(("pattern", "name"), REFUSED)
def test_a_pattern_go_refuses_is_a_bad_pattern(pattern: str, name: str) -> None:
    with pytest.raises(BadPattern):
        go_match(pattern, name)
