"""A script read as its simple commands (gofacts/shell_script.py): words, nesting depth,
first line, the text as written (a pipeline whole), and the operator before each. The scripts
were chosen so that every rule of the reader decides at least one of them."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.shell_script import simple_commands


def commands(script: str) -> list[str]:
    return [
        f"{[word.text for word in command.words]!r} depth {command.depth} line {command.line} "
        f"text {command.text!r}"
        + (" piped" if command.pipeline else "")
        + (f" after {command.after}" if command.after else "")
        for command in simple_commands(script)
    ]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (
            "x | y || < in cat || function f() ( g ) || a\nb",
            [
                "['x'] depth 0 line 1 text 'x' piped",
                "['y'] depth 0 line 1 text 'x | y' piped after |",
                "['cat'] depth 0 line 1 text 'cat' after ||",
                "['g'] depth 1 line 1 text 'g'",
                "['a'] depth 0 line 1 text 'a' after ||",
                "['b'] depth 0 line 2 text 'b' after \n",
            ],
        ),
        (
            "f() { g; }\n\nx | y | z\n\nwhile a; do b; done",
            [
                "['g'] depth 1 line 1 text 'g'",
                "['x'] depth 0 line 3 text 'x' piped after \n",
                "['y'] depth 0 line 3 text 'x | y' piped after |",
                "['z'] depth 0 line 3 text 'x | y | z' piped after |",
                "['a'] depth 1 line 5 text 'a' after \n",
                "['b'] depth 1 line 5 text 'b' after ;",
            ],
        ),
        (
            "cmd >log 2>&1 | x |& y | $(date) | a || b",
            [
                "['cmd'] depth 0 line 1 text 'cmd >log 2>&1' piped",
                "['x'] depth 0 line 1 text 'cmd >log 2>&1 | x' piped after |",
                "['y'] depth 0 line 1 text 'cmd >log 2>&1 | x |& y' piped after |&",
                "['$(date)'] depth 0 line 1 text 'cmd >log 2>&1 | x |& y | $(date)' piped after |",
                "['a'] depth 0 line 1 text 'cmd >log 2>&1 | x |& y | $(date) | a' piped after |",
                "['b'] depth 0 line 1 text 'b' after ||",
            ],
        ),
        (
            "2>&1 cmd && f() { g; } && function f() ( g )",
            [
                "['cmd'] depth 0 line 1 text 'cmd'",
                "['g'] depth 1 line 1 text 'g' after &&",
                "['g'] depth 1 line 1 text 'g'",
            ],
        ),
    ],
)
def test_a_script_reads_as_its_simple_commands(script: str, expected: list[str]) -> None:
    assert commands(script) == expected
