"""The program an image runs (gofacts/command.py): the edges of option reading, shell flags,
`#!` lines, branches that rewrite "$@", `cd -`, `exit` after `&&`, and the messages that name a
program known only at run time. Each case is an ENTRYPOINT/CMD pair over real script bytes."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.command import Program, program_of

ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 57
FILES = {
    "/opt/app": ELF,
    "/srv/api": ELF,
    # A script with no `#!` line: `sh FILE` runs it all the same.
    "/docker/start": b"# started by sh\nexec /opt/app --config /etc/app.yml\n",
    "/srv/run.sh": b"#!/bin/sh\nexec ./api\n",
    "/pipe.sh": b"#!/bin/sh\nset -e\n/opt/app | tee /var/log/app.log\n",
    # `env -S` passes options to the shell it names.
    "/env-s.sh": b"#!/usr/bin/env -S bash -eu\nexec /opt/app\n",
    # The interpreter is a bare name: the kernel looks it up relative to the directory.
    "/bare.sh": b"#!sh\nexec /opt/app\n",
    # The `#!` line names env and no program; the next line is not part of it.
    "/env-alone": b"#!/usr/bin/env\nsh /pipe.sh\n",
}


def read(path: str) -> bytes | None:
    """The image's file at an absolute path, or a bare name looked up on PATH (/bin)."""
    return FILES.get(path if path.startswith("/") else "/bin/" + path)


def test_an_image_without_workdir_resolves_a_relative_program_from_the_root() -> None:
    assert program_of([], ["./api"]) == Program("/api")


@pytest.mark.parametrize(
    ("entrypoint", "program"),
    [
        # `-` (as -i) between options: the options after it are still read.
        (["env", "-", "-C", "/srv", "./api"], Program("/srv/api")),
        (["env", "-u", "HOME", "-", "/opt/app"], Program("/opt/app")),
        # A long option's value is the next word, and reading goes on after it.
        (["env", "-i", "--chdir", "/srv", "./api"], Program("/srv/api")),
        (["env", "--split-string", "/opt/app -v"], Program("/opt/app")),
        # An option that wants a value and is the last word is given nothing: env alone runs.
        (["env", "--unset"], Program("env")),
        (["env", "--split-string"], Program("env")),
        (["env", "-u"], Program("env")),
        (["env", "-S"], Program("env")),
    ],
)
def test_env_reads_its_options_as_getopt_does(entrypoint: list[str], program: Program) -> None:
    assert program_of(entrypoint, [], "/", read) == program


def test_a_program_named_by_an_env_variable_keeps_the_arguments_after_it() -> None:
    env = {"LAUNCHER": "tini --"}
    script = "exec $LAUNCHER /opt/app"
    assert program_of([], ["sh", "-c", script], "/", read, env) == Program("/opt/app")


@pytest.mark.parametrize(
    ("script", "program"),
    [
        # `cd -` goes back to $OLDPWD, which is known only at run time.
        (
            "cd /srv\ncd -\nexec ./api",
            Program(
                None,
                "`exec ./api` (line 3 of the sh -c script): it runs ./api from a directory "
                "known only at run time",
            ),
        ),
        # An absolute cd makes the directory known again after one that was not.
        ('cd "$HOME"\ncd /srv\nexec ./api', Program("/srv/api")),
        # After `--`, exec reads no more options: `-l` is the program.
        (
            "exec -- -l /opt/app",
            Program(
                None,
                "`exec -- -l /opt/app` (the sh -c script): it runs '-l', which is an option, "
                "not a program",
            ),
        ),
        # `tail` without -f ends; it is the last command, so it is what runs.
        ("/opt/app\ntail /var/log/app.log", Program("tail")),
        # `-f` of another program is not `tail -f`.
        ("/opt/app -f /etc/app.yml", Program("/opt/app")),
        # A line of assignments only sets variables; the script goes on.
        ("PORT=8080\nexec /opt/app", Program("/opt/app")),
        # `exit` after `&&` runs only when the test before it succeeds.
        ('[ -n "$SKIP" ] && exit 0\nexec /opt/app', Program("/opt/app")),
        # The program is a variable the image's ENV does not set.
        (
            "exec tini -- $SERVICE",
            Program(
                None,
                "`exec tini -- $SERVICE` (the sh -c script): its program $SERVICE is known "
                "only at run time",
            ),
        ),
        # `sh ./x` after a cd to a variable's directory.
        (
            'cd "$APP_HOME" && sh ./start.sh',
            Program(
                None,
                "`sh ./start.sh` (the sh -c script): sh runs ./start.sh from a directory known "
                "only at run time",
            ),
        ),
    ],
)
def test_a_sh_c_script_runs(script: str, program: Program) -> None:
    assert program_of([], ["sh", "-c", script], "/", read) == program


@pytest.mark.parametrize(
    ("branch", "program"),
    [
        # `set -x` in a branch does not touch "$@": the argument is still the program.
        ('if [ -n "$DEBUG" ]; then set -x; fi', Program("serve")),
        ("if [ -f /etc/app.yml ]; then echo found; fi", Program("serve")),
        # `shift N` and `shift` in a branch may drop the argument: "$@" is unknown.
        (
            'if [ "$1" = serve ]; then shift 1; fi',
            Program(
                None,
                '`exec tini -- "$@"` (line 2 of the sh -c script): its program "$@" is known '
                "only at run time",
            ),
        ),
        (
            'if [ "$1" = serve ]; then shift; fi',
            Program(
                None,
                '`exec tini -- "$@"` (line 2 of the sh -c script): its program "$@" is known '
                "only at run time",
            ),
        ),
    ],
)
def test_a_branch_makes_the_arguments_unknown_only_when_it_rewrites_them(
    branch: str, program: Program
) -> None:
    script = f'{branch}\nexec tini -- "$@"'
    assert program_of([], ["sh", "-c", script, "sh", "serve"], "/", read) == program


@pytest.mark.parametrize(
    ("cmd", "program"),
    [
        # After `--`, `-c` is the name of a script file, not the option.
        (
            ["sh", "--", "-c", "/opt/app"],
            Program(None, "sh runs the script -c, which is not in the image"),
        ),
        # A `++` long option takes no value: the next word is the script.
        (["bash", "++noprofile", "/srv/run.sh"], Program("/srv/api")),
        # `sh FILE` runs any text file, with or without a `#!` line.
        (["sh", "/docker/start"], Program("/opt/app")),
        # The script's commands run in the directory sh was started in.
        (["sh", "./run.sh"], Program("/srv/api")),
        # Messages name the script file and the line.
        (
            ["sh", "/pipe.sh"],
            Program(
                None,
                "`/opt/app | tee /var/log/app.log` (line 3 of /pipe.sh) pipes programs into "
                "each other",
            ),
        ),
    ],
)
def test_sh_runs_a_script_file(cmd: list[str], program: Program) -> None:
    assert program_of([], cmd, "/srv", read) == program


@pytest.mark.parametrize(
    ("path", "program"),
    [
        ("/env-s.sh", Program("/opt/app")),
        ("/bare.sh", Program("/opt/app")),
        # Not a script: the file itself is the program.
        ("/env-alone", Program("/env-alone")),
    ],
)
def test_the_interpreter_of_a_script_is_read_from_its_first_line(
    path: str, program: Program
) -> None:
    assert program_of([path], [], "/", read) == program
