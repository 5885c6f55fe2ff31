"""Entrypoint scripts read as their simple commands (gofacts/shell_script.py), on the shapes
real `docker-entrypoint.sh` files have that the older tests left open: `case "$1"` dispatch,
if/elif/else, `!`, brace groups and subshells, `function name {`, redirections, `exec "$@"`,
and words the shell computes at run time."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.shell_script import (
    Expansion,
    expanded,
    shell_words,
    simple_commands,
)
from tests.unit.test_simple_commands import commands


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (
            # The arms of a case run only when their pattern matches: none is a command.
            'set -e\ncase "$1" in\n  migrate) exec /app migrate ;;\n  *) exec /app serve ;;\n'
            "esac\nexec /app",
            [
                "['set', '-e'] depth 0 line 1 text 'set -e'",
                "['exec', '/app'] depth 0 line 6 text 'exec /app' after \n",
            ],
        ),
        (
            # A case inside an if: the if's body goes on after the esac.
            'if [ -n "$X" ]; then case $X in a) b;; esac; c; fi; d',
            [
                "['[', '-n', '$X', ']'] depth 1 line 1 text '[ -n \"$X\" ]'",
                "['c'] depth 1 line 1 text 'c' after ;",
                "['d'] depth 0 line 1 text 'd' after ;",
            ],
        ),
        (
            "if ! grep -q x f; then exit 1; elif y; then z; else w; fi\nexec /app",
            [
                "['grep', '-q', 'x', 'f'] depth 1 line 1 text 'grep -q x f'",
                "['exit', '1'] depth 1 line 1 text 'exit 1' after ;",
                "['y'] depth 1 line 1 text 'y' after ;",
                "['z'] depth 1 line 1 text 'z' after ;",
                "['w'] depth 1 line 1 text 'w' after ;",
                "['exec', '/app'] depth 0 line 2 text 'exec /app' after \n",
            ],
        ),
        (
            "until ready; do sleep 1; done && { echo a; echo b; } && (cd /x && make); exec /app",
            [
                "['ready'] depth 1 line 1 text 'ready'",
                "['sleep', '1'] depth 1 line 1 text 'sleep 1' after ;",
                "['echo', 'a'] depth 1 line 1 text 'echo a' after &&",
                "['echo', 'b'] depth 1 line 1 text 'echo b' after ;",
                "['cd', '/x'] depth 1 line 1 text 'cd /x' after &&",
                "['make'] depth 1 line 1 text 'make' after &&",
                "['exec', '/app'] depth 0 line 1 text 'exec /app' after ;",
            ],
        ),
        (
            # `function name {`: the name is no command; calling it is.
            "function setup { mkdir -p /data; }\nsetup\nexec /app",
            [
                "['mkdir', '-p', '/data'] depth 1 line 1 text 'mkdir -p /data'",
                "['setup'] depth 0 line 2 text 'setup' after \n",
                "['exec', '/app'] depth 0 line 3 text 'exec /app' after \n",
            ],
        ),
        (
            # Reserved words count only where a command starts, and not when quoted by `$`.
            'echo if then fi\n"$@"\n$CMD serve\nwhile true; do exec /app; done',
            [
                "['echo', 'if', 'then', 'fi'] depth 0 line 1 text 'echo if then fi'",
                "['$@'] depth 0 line 2 text '\"$@\"' after \n",
                "['$CMD', 'serve'] depth 0 line 3 text '$CMD serve' after \n",
                "['true'] depth 1 line 4 text 'true' after \n",
                "['exec', '/app'] depth 1 line 4 text 'exec /app' after ;",
            ],
        ),
        (
            # Redirections after its words belong to the command's text, not its words; one
            # before them is left out, as the first word starts the text.
            "x=1 cmd < in.txt > out.txt 2> err.txt && >log next --flag",
            [
                "['x=1', 'cmd'] depth 0 line 1 text 'x=1 cmd < in.txt > out.txt 2> err.txt'",
                "['next', '--flag'] depth 0 line 1 text 'next --flag' after &&",
            ],
        ),
        (
            # A redirection missing its file does not take the next line's command.
            "cat >\n/tmp/x\necho after",
            [
                "['cat'] depth 0 line 1 text 'cat >'",
                "['/tmp/x'] depth 0 line 2 text '/tmp/x' after \n",
                "['echo', 'after'] depth 0 line 3 text 'echo after' after \n",
            ],
        ),
        (
            "worker & exec /app",
            [
                "['worker'] depth 0 line 1 text 'worker'",
                "['exec', '/app'] depth 0 line 1 text 'exec /app' after &",
            ],
        ),
        (
            # A subshell's close ends the command inside it; the next starts afresh.
            "(migrate) && exec /app",
            [
                "['migrate'] depth 1 line 1 text 'migrate'",
                "['exec', '/app'] depth 0 line 1 text 'exec /app' after &&",
            ],
        ),
        (
            # A stray `)` or `}` at the top does not underflow the nesting.
            "a )\n}\nexec /app",
            [
                "['a'] depth 0 line 1 text 'a'",
                "['exec', '/app'] depth 0 line 3 text 'exec /app' after \n",
            ],
        ),
    ],
)
def test_an_entrypoint_script_reads_as_its_simple_commands(
    script: str, expected: list[str]
) -> None:
    assert commands(script) == expected


def test_arguments_and_run_time_words_are_expanded_as_the_shell_would() -> None:
    (command,) = simple_commands('exec /app "$@" --port $PORT ~')
    words = expanded(command.words, ["serve", "-v"])
    assert words == ["exec", "/app", "serve", "-v", "--port", "$PORT", "~"]
    assert [isinstance(word, Expansion) for word in words] == [
        False, False, False, False, False, True, True,
    ]  # fmt: skip


def test_shell_words_split_as_posix_sh_or_at_whitespace_when_quotes_do_not_close() -> None:
    assert shell_words('/app --name "my service" -v') == ["/app", "--name", "my service", "-v"]
    assert shell_words('/app --name "my service -v') == ["/app", "--name", '"my', "service", "-v"]


def test_the_first_command_follows_no_operator() -> None:
    """`after` is "" for a command that starts the script, not a missing value."""
    first, second = simple_commands("migrate || exit 1")
    assert (first.after, second.after) == ("", "||")


def test_a_process_substitution_after_a_redirection_is_a_command() -> None:
    """`done < <(find ...)` (bash entrypoints sourcing their drop-in folder): the `(` ends the
    redirection, so `find` is the command run, not the file read."""
    script = (
        'while read -r f; do . "$f"; done < <(find /docker-entrypoint.d -name "*.sh")\nexec "$@"'
    )
    assert [([w.text for w in c.words], c.depth) for c in simple_commands(script)] == [
        (["read", "-r", "f"], 1),
        ([".", "$f"], 1),
        (["find", "/docker-entrypoint.d", "-name", "*.sh"], 1),
        (["exec", "$@"], 0),
    ]
