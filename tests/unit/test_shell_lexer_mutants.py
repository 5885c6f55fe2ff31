"""The shell lexer (gofacts/shell_lexer.py) at its edges: empty quotes and substitutions, a
quote right before a `${...}` closes, letters that only look special, `~` in quotes, and the
delimiter lines of `<<` and `<<-` here-documents."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.shell_lexer import Lexer, Unbalanced


def words(script: str) -> list[str] | str:
    """Each word as `text` or `text (run time)`, operators as themselves; or the refusal."""
    try:
        found = Lexer(script).run()
    except Unbalanced as refused:
        return f"Unbalanced: {refused}"
    return [
        token.text if token.operator or not token.dynamic else f"{token.text} (run time)"
        for token in found
    ]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # Empty quotes and an empty backquote substitution are whole words.
        ("echo '' done", ["echo", "", "done"]),
        ("echo `` done", ["echo", "`` (run time)", "done"]),
        ("echo ${} done", ["echo", "${} (run time)", "done"]),
        # A quote just before the closing brace belongs to the expansion.
        ("echo ${GREETING:-'hi'}", ["echo", "${GREETING:-'hi'} (run time)"]),
        # X is a letter like any other, inside double quotes too.
        ('exec "/opt/Xapp" --flag', ["exec", "/opt/Xapp", "--flag"]),
        # `~` expands only unquoted.
        ("cd '~/data' ~/bin", ["cd", "~/data", "~/bin (run time)"]),
    ],
)
def test_a_script_is_split_into_words(script: str, expected: list[str]) -> None:
    assert words(script) == expected


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # `<<`: a line with a tab before the delimiter is body, not the end.
        (
            "cat <<EOF\n\tEOF\nexec /bin/false\nEOF\nexec /opt/app\n",
            ["cat", "<<", "EOF", "\n", "exec", "/opt/app", "\n"],
        ),
        # `<<-` strips tabs only: spaces before the delimiter leave the body open.
        (
            "cat <<-EOF\n  EOF\n\texec /bin/false\n\tEOF\nexec /opt/app\n",
            ["cat", "<<-", "EOF", "\n", "exec", "/opt/app", "\n"],
        ),
    ],
)
def test_a_here_document_ends_at_its_delimiter_line(script: str, expected: list[str]) -> None:
    assert words(script) == expected
