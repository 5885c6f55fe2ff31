"""`set --` in an entrypoint script's branches (gofacts/positional.py): each way through its
if/case arms has its own "$@", so `exec "$@"` runs the program every path names. The scripts
are the docker-library shape (official postgres, redis, mongo images) and its variants: a
user's `docker-entrypoint.sh` with CMD ["filesvc"] failed `static` before."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.command import Program, program_of
from pytest_goimage.gofacts.shell_script import simple_commands

ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 57
SCRIPT = "docker-entrypoint.sh"
DOCKER_LIBRARY = """#!/bin/sh
set -e
# first arg is `-f` or `--some-option`
if [ "${1#-}" != "$1" ]; then
\tset -- filesvc "$@"
fi
exec "$@"
"""


def image_files(script: str) -> dict[str, bytes]:
    return {
        "/usr/local/bin/filesvc": ELF,
        "/usr/local/bin/other-tool": ELF + b"other",
        "/usr/local/bin/gosu": ELF + b"gosu",
        f"/usr/local/bin/{SCRIPT}": script.encode(),
    }


def program(script: str, cmd: list[str]) -> Program:
    """What ENTRYPOINT ["docker-entrypoint.sh"] runs with `cmd`, PATH being /usr/local/bin."""
    files = image_files(script)

    def read(word: str) -> bytes | None:
        return files.get(word if word.startswith("/") else f"/usr/local/bin/{word}")

    return program_of([SCRIPT], cmd, "/", read)


@pytest.mark.parametrize(
    "cmd",
    [
        ["filesvc"],  # the user's trial: both paths run filesvc
        ["--port", "9090"],  # only the branch runs a program: exec of an option fails
    ],
)
def test_the_docker_library_entrypoint_runs_filesvc(cmd: list[str]) -> None:
    assert program(DOCKER_LIBRARY, cmd) == Program("filesvc")


@pytest.mark.parametrize(
    ("branch", "cmd", "expected"),
    [
        # No "$@": the branch's words are all of it.
        ('if [ "${1#-}" != "$1" ]; then set -- filesvc; fi', ["filesvc"], "filesvc"),
        # The branch's path and PATH's `filesvc` are one file.
        (
            'if [ "${1#-}" != "$1" ]; then set -- /usr/local/bin/filesvc "$@"; fi',
            ["filesvc"],
            "/usr/local/bin/filesvc",
        ),
        # Appended arguments leave the program as it was, however many branches append.
        ('if [ -n "$DEBUG" ]; then set -- "$@" --debug; fi', ["filesvc"], "filesvc"),
        (  # eight optional flags: 256 paths, each running filesvc
            "\n".join(f'if [ -n "$F{n}" ]; then set -- "$@" --f{n} "$F{n}"; fi' for n in range(8)),
            ["filesvc"],
            "filesvc",
        ),
        # Both arms of an if/else rewrite "$@": no path keeps CMD's `serve`.
        (
            'if [ -n "$DEBUG" ]; then set -- filesvc -v "$@"; else set -- filesvc "$@"; fi',
            ["serve"],
            "filesvc",
        ),
        # elif: the second condition runs where the first did not fire.
        (
            'if [ "$1" = a ]; then set -- filesvc a; elif [ "$1" = b ]; then set -- filesvc b;'
            " else set -- filesvc; fi",
            ["run"],
            "filesvc",
        ),
        # A case arm is a branch too; with a `*)` arm no path skips the case.
        ('case "$1" in\n  -*) set -- filesvc "$@" ;;\nesac', ["--verbose"], "filesvc"),
        (
            'case "$1" in\n  serve|-*) set -- filesvc "$@" ;;\n  *) set -- filesvc serve "$@" ;;'
            "\nesac",
            ["other-tool"],
            "filesvc",
        ),
        # `*)` runs where no other arm's test fires: an absolute path as $1 there too.
        (
            'case "$1" in\n  -*) set -- other-tool "$@" ;;\n  *) set -- filesvc "$@" ;;\nesac',
            ["/usr/local/bin/gosu"],
            "filesvc",
        ),
        # A subcommand the image has no program for: only the branch's path runs one.
        ('if [ "$1" = \'server\' ]; then set -- filesvc "$@"; fi', ["server"], "filesvc"),
        # After `&&` the rewrite is a branch, which an absolute path as $1 (never an option)
        # does not take.
        ('[ "${1#-}" != "$1" ] && set -- filesvc "$@"', ["/usr/local/bin/other-tool"], None),
        # A function has "$@" of its own; its `set --` changes no path.
        ("usage() { set -- other-tool --help; }", ["filesvc"], "filesvc"),
    ],
)
def test_set_in_a_branch_gives_each_path_its_own_arguments(
    branch: str, cmd: list[str], expected: str | None
) -> None:
    found = program(f'#!/bin/sh\nset -e\n{branch}\nexec "$@"\n', cmd)
    assert found == Program(expected or cmd[0])


@pytest.mark.parametrize("wrapper", ["gosu app", "su-exec app:app"])
@pytest.mark.parametrize("script", ['"$0"', '"$BASH_SOURCE"'])
def test_a_branch_that_runs_the_script_again_as_another_user_is_not_a_path(
    wrapper: str, script: str
) -> None:
    """redis and postgres re-exec the script as their user when started as root: the second
    run takes the other path, to `exec "$@"`. A path that leaves the script inside a branch is
    not followed, as `exec` in a branch never was."""
    text = DOCKER_LIBRARY.replace(
        'exec "$@"',
        "if [ \"$1\" = 'filesvc' ] && [ \"$(id -u)\" = '0' ]; then\n"
        "\tchown -R app /data\n"
        f'\texec {wrapper} {script} "$@"\n'
        'fi\nexec "$@"',
    )
    assert program(text, ["filesvc"]) == Program("filesvc")
    assert program(text, ["-f", "/etc/filesvc.conf"]) == Program("filesvc")


def test_paths_that_run_different_programs_are_named_with_their_lines() -> None:
    text = DOCKER_LIBRARY.replace("set -- filesvc", "set -- other-tool")
    assert program(text, ["filesvc"]) == Program(
        None,
        '`exec "$@"` (line 7 of docker-entrypoint.sh) runs 2 different programs, by which '
        'branches run: other-tool (`set -- other-tool "$@"`, line 5), filesvc (the script\'s '
        "arguments)",
    )


@pytest.mark.parametrize(
    ("branch", "why"),
    [
        # The program is a variable: the `set --` that put it in "$@" is named.
        (
            'if [ -n "$SERVICE" ]; then set -- "$SERVICE" "$@"; fi',
            ', after `set -- "$SERVICE" "$@"` (line 3)',
        ),
        # A ninth makes too many paths to follow: the branch where they overflowed is named.
        (
            "\n".join(f'if [ -n "$F{n}" ]; then set -- "$@" --f{n} "$F{n}"; fi' for n in range(9)),
            ', after `[ -n "$F8" ]` (line 11), one of more than 256 ways through the script\'s '
            "branches",
        ),
        # A loop runs a number of times known only at run time.
        (
            'for f in /etc/filesvc.d/*; do\n  set -- "$@" "--config=$f"\ndone',
            ', after `set -- "$@" "--config=$f"` (line 4) in a loop, which runs a number of '
            "times known only at run time",
        ),
    ],
)
def test_a_path_that_cannot_be_told_names_the_line_that_makes_it_so(branch: str, why: str) -> None:
    text = f'#!/bin/sh\nset -e\n{branch}\nexec "$@"\n'
    last = text.count("\n")
    assert program(text, ["filesvc"]) == Program(
        None,
        f'`exec "$@"` (line {last} of docker-entrypoint.sh) runs a program named only at run '
        f"time{why}",
    )


def test_case_arms_are_read_with_their_arm_and_the_rest_as_before() -> None:
    """`simple_commands` leaves case arms out unless asked: they run only when their pattern
    matches. Asked, each arm is a part of its case, `*)` marked as matching anything."""
    script = 'case "$1" in\n  -*) set -- filesvc "$@" ;;\n  *) echo "$1" ;;\nesac\nexec "$@"'
    assert [c.line for c in simple_commands(script)] == [5]
    arms = [
        (c.line, c.frames[0].kind, c.frames[0].part, c.frames[0].role)
        for c in simple_commands(script, case_arms=True)
        if c.depth
    ]
    assert arms == [(2, "case", 0, ")"), (3, "case", 1, "*")]
