"""Which program an image runs, from ENTRYPOINT, CMD and WORKDIR as docker inspect shows them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.gofacts.command import Program, ReadFile, program_of

NO_PROGRAM = (
    "the sh -c script runs no program (commands inside if, case, loops, functions and "
    "subshells are not followed)"
)
ENTRYPOINT_SH = b"""#!/bin/sh
# Prepare the data folder, then hand over to the service.
set -eu
mkdir -p /data
if [ "${1#-}" != "$1" ]; then
    set -- /usr/local/bin/api "$@"
fi
exec su-exec app "$@"
"""


@pytest.mark.parametrize(
    ("entrypoint", "cmd", "workdir", "program"),
    [
        (["/app/main"], ["serve"], "", "/app/main"),
        ([], ["bookmark-api", "--port", "8080"], "", "bookmark-api"),  # looked up on PATH
        # Exec form with a relative path: the engine resolves it against WORKDIR.
        (["./app"], [], "/srv", "/srv/app"),
        (["bin/../app"], [], "/srv/", "/srv/app"),
        # Shell form, as the engine stores `ENTRYPOINT /app/main --flag`.
        (["/bin/sh", "-c", "/app/main --flag"], [], "", "/app/main"),
        # The failing cases of issue 14: cd, set and env were read as the program.
        (["/bin/sh", "-c", "cd /srv && exec ./app"], [], "/", "/srv/app"),
        (["sh", "-c", "set -e; exec /app"], [], "", "/app"),
        (["env", "FOO=1", "/app"], [], "", "/app"),
        # Relative paths follow every cd before them, from WORKDIR.
        (["sh", "-c", "cd web; cd ../api\nexec ./server"], [], "/srv", "/srv/api/server"),
        (["sh", "-c", "cd /srv && exec bin/app"], [], "/work", "/srv/bin/app"),
        (["sh", "-c", "cd /srv && exec app"], [], "", "app"),  # a bare name: PATH, not cd
        (["sh", "-c", "exec ./app"], [], "/srv", "/srv/app"),  # no cd: WORKDIR
        # Builtins before the exec are setup, not the program.
        (
            [
                "sh",
                "-c",
                "set -e\nexport X=1\ntrap 'kill 0' TERM\numask 027\nulimit -n 4096\nexec /app",
            ],
            [],
            "",
            "/app",
        ),
        (["sh", "-c", "exec >/proc/1/fd/1 2>&1; exec /app"], [], "", "/app"),
        (["sh", "-c", "cd /srv || exit 1\n./app --serve"], [], "", "/srv/app"),
        (["sh", "-c", "/app; echo exited"], [], "", "/app"),  # echo is no service
        (["sh", "-c", "/migrate up && /app"], [], "", "/app"),  # the last command is the service
        (["sh", "-c", "exec /app\nexec /never"], [], "", "/app"),  # exec replaces the shell
        (["sh", "-c", "/app\nexit 0\n/never"], [], "", "/app"),
        # Branches are not followed: the top-level line runs when they do not fire.
        (
            [
                "sh",
                "-c",
                'if [ "$1" = debug ]; then exec /dlv; fi\ncase $M in a) exec /a;; esac\nexec /app',
            ],
            [],
            "",
            "/app",
        ),
        (
            ["sh", "-c", "start() { exec /inner; }\nfunction stop { /x; }\n(exec /sub)\nexec /app"],
            [],
            "",
            "/app",
        ),
        (
            ["sh", "-c", "cat <<EOF >/etc/app.conf\nexec /not-a-command\nEOF\nexec /app"],
            [],
            "",
            "/app",
        ),
        (["sh", "-c", "exec \\\n  /app \\\n  --flag  # a comment; exec /no"], [], "", "/app"),
        (["sh", "-c", "GOGC=50 exec '/srv/my api' -v"], [], "", "/srv/my api"),
        (["sh", "-c", "exec -a api /app"], [], "", "/app"),
        (["/bin/bash", "-c", "exec env"], [], "", "env"),  # env alone is what runs
        (["/bin/sh", "-ec", "exec /app"], [], "", "/app"),
        (["sh", "-e", "-c", "exec /app"], [], "", "/app"),
        (["bash", "-o", "pipefail", "-c", "exec /app"], [], "", "/app"),
        (["bash", "-euo", "pipefail", "--norc", "-c", "/app"], [], "", "/app"),
        # `exec "$@"` runs the arguments after $0 (CMD here); set -- and shift change them.
        (["/bin/sh", "-c", 'exec "$@"', "--"], ["/app/main", "serve"], "", "/app/main"),
        (["sh", "-c", "exec ${@}", "sh"], ["/app/main"], "", "/app/main"),
        (["sh", "-c", '"$@"', "sh"], ["/app/main"], "", "/app/main"),
        (["sh", "-c", 'set -- /app "$@"; exec "$@"', "sh"], ["--port", "80"], "", "/app"),
        (["sh", "-c", 'shift; exec "$@"', "sh"], ["/usr/bin/env", "/app"], "", "/app"),
        # env: options (some taking a value), assignments, then the program; -C changes dir.
        (["env", "-i", "-u", "HOME", "--unset=TERM", "A=1", "B=2", "/app"], [], "", "/app"),
        (["/usr/bin/env", "-iuHOME", "--", "/app"], [], "", "/app"),
        (["env", "-C", "/srv", "./app"], [], "/", "/srv/app"),
        (["env", "-S", "GOGC=50 /app -v"], [], "", "/app"),
        # su-exec and gosu: a user, then the program.
        (["su-exec", "app:app", "/app"], [], "", "/app"),
        (["/usr/local/bin/gosu", "nobody", "env", "X=1", "/app"], [], "", "/app"),
        # Init wrappers run the rest of the line, after their options.
        (["/sbin/tini", "--"], ["/app/main"], "", "/app/main"),
        (["tini", "-s", "-g", "-vvv", "-p", "SIGTERM", "-e", "143", "--", "/app"], [], "", "/app"),
        (["tini", "-pSIGKILL", "/app"], [], "", "/app"),
        (["/usr/bin/dumb-init", "-r", "15:2", "/app/main"], [], "", "/app/main"),
        (["dumb-init", "--single-child", "--rewrite=15:2", "-c", "/app"], [], "", "/app"),
        (["tini", "-s", "-g", "--", "sh", "-c", "exec /app/main"], [], "", "/app/main"),
        (
            ["/sbin/tini", "--", "su-exec", "app", "sh", "-c", "cd /srv && exec ./api"],
            [],
            "",
            "/srv/api",
        ),
        # s6-overlay's /init runs CMD as the main program.
        (["/init"], ["/app", "serve"], "", "/app"),
        # A shell-form ENTRYPOINT ignores CMD, as the engine does.
        (["/bin/sh", "-c", "/app/main"], ["ignored"], "", "/app/main"),
        # Without the image's files a script file is only its path.
        (["/entrypoint.sh"], [], "", "/entrypoint.sh"),
    ],
)
def test_program_an_image_runs(
    entrypoint: list[str], cmd: list[str], workdir: str, program: str
) -> None:
    found = program_of(entrypoint, cmd, workdir)
    assert (found.path, found.why) == (program, "")


@pytest.mark.parametrize(
    ("entrypoint", "cmd", "workdir", "why"),
    [
        ([], [], "", "it names no program"),
        (["/bin/sh", "-c", ""], [], "", NO_PROGRAM),
        (  # no arguments: nothing runs
            ["sh", "-c", 'exec "$@"'],
            [],
            "",
            '`exec "$@"` (the sh -c script) runs the arguments the script is given, and it is '
            "given none (the image's CMD is empty or does not reach it), so the container runs "
            "only the script's other commands and exits; add a CMD that names the service "
            '(`CMD ["/app/server"]`)',
        ),
        (["sh", "-c", "if true; then exec /app; fi"], [], "", NO_PROGRAM),
        (
            ["sh", "-c", "exec $APP"],
            [],
            "",
            "`exec $APP` (the sh -c script) runs a program named only at run time",
        ),
        (
            ["sh", "-c", 'set -e\nexec "$(cat /etc/app)" --serve'],
            [],
            "",
            '`exec "$(cat /etc/app)" --serve` (line 2 of the sh -c script) runs a program named '
            "only at run time",
        ),
        (
            ["sh", "-c", "eval exec /app"],
            [],
            "",
            "`eval exec /app` (the sh -c script) runs a program named only at run time",
        ),
        (
            ["sh", "-c", "cd /srv\n./app 2>&1 | tee /var/log/app"],
            [],
            "",
            "`./app 2>&1 | tee /var/log/app` (line 2 of the sh -c script) pipes programs into "
            "each other",
        ),
        (
            ["sh", "-c", "cd $HOME && exec ./app"],
            [],
            "",
            "`exec ./app` (the sh -c script): it runs ./app from a directory known only at run "
            "time",
        ),
        (
            ["sh", "-c", "exec 'unbalanced"],
            [],
            "",
            "the shell would refuse the sh -c script: a ' quote opened on line 1 never closes",
        ),
        (
            ["sh", "-c", 'exec "$@"', "sh"],
            ["--port", "80"],
            "",
            "`exec \"$@\"` (the sh -c script): it runs '--port', which is an option, not a program",
        ),
        (
            ["/bin/sh", "/entrypoint.sh"],
            [],
            "",
            "/bin/sh runs the script /entrypoint.sh, which cannot be read here",
        ),
        (["sh", "-e"], [], "", "sh reads its commands from standard input"),
        (["sh", "-c"], [], "", "sh -c is given no script"),
        (["/sbin/tini", "--"], [], "", "tini is given no program to run"),
        (["gosu", "app"], [], "", "gosu is given no program to run"),
        (
            ["/init"],
            [],
            "",
            "s6-overlay's /init runs the services under /etc/s6-overlay and CMD names no main "
            "program",
        ),
    ],
)
def test_program_that_cannot_be_told(
    entrypoint: list[str], cmd: list[str], workdir: str, why: str
) -> None:
    found = program_of(entrypoint, cmd, workdir)
    assert (found.path, found.why) == (None, why)


def _image(root: Path) -> ReadFile:
    """Read files from `root` as the image's file system, PATH being /usr/local/bin."""

    def read(word: str) -> bytes | None:
        path = root / (word.lstrip("/") if word.startswith("/") else f"usr/local/bin/{word}")
        return path.read_bytes() if path.is_file() else None

    return read


def _write(root: Path, path: str, data: bytes) -> None:
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


@pytest.mark.parametrize(
    ("entrypoint", "cmd", "program"),
    [
        (["/entrypoint.sh"], ["/usr/local/bin/api"], "/usr/local/bin/api"),
        # Branches are not followed: $@ stays CMD, an option is no program.
        (["/entrypoint.sh"], ["/app"], "/app"),
        (["docker-entrypoint"], ["/app"], "/app"),  # found on PATH
        (["sh", "/entrypoint.sh"], ["/app"], "/app"),
        (["/sbin/tini", "--", "/entrypoint.sh"], ["/app"], "/app"),
        (["/run.sh"], [], "/srv/api"),  # a script that execs another script
        (["/init"], [], "/init"),  # an ELF /init is a program, not s6-overlay
        (["/usr/local/bin/api"], [], "/usr/local/bin/api"),  # an ELF is itself
        (["/python-script"], [], "/python-script"),  # not a shell script: the file runs
    ],
)
def test_scripts_in_the_image_are_followed(
    tmp_path: Path, entrypoint: list[str], cmd: list[str], program: str
) -> None:
    _write(tmp_path, "/entrypoint.sh", ENTRYPOINT_SH)
    _write(tmp_path, "/usr/local/bin/docker-entrypoint", ENTRYPOINT_SH)
    _write(tmp_path, "/run.sh", b"#!/usr/bin/env bash\ncd /srv\nexec ./start.sh\n")
    _write(tmp_path, "/srv/start.sh", b"#!/bin/sh -e\nexec ./api --serve\n")
    _write(tmp_path, "/usr/local/bin/api", b"\x7fELF\x02\x01\x01")
    _write(tmp_path, "/init", b"\x7fELF\x02\x01\x01")
    _write(tmp_path, "/python-script", b"#!/usr/bin/python3\nprint(1)\n")
    found = program_of(entrypoint, cmd, "/", _image(tmp_path))
    assert (found.path, found.why) == (program, "")


def test_script_whose_program_is_a_variable(tmp_path: Path) -> None:
    """What was read is named: the line, its number and the script's path."""
    _write(tmp_path, "/entrypoint.sh", b'#!/bin/sh\nset -e\n\nexec "$APP_BINARY" "$@"\n')
    found = program_of(["/entrypoint.sh"], ["serve"], "/", _image(tmp_path))
    assert (found.path, found.why) == (
        None,
        '`exec "$APP_BINARY" "$@"` (line 4 of /entrypoint.sh) runs a program named only at run '
        "time",
    )


def test_script_missing_from_the_image(tmp_path: Path) -> None:
    found = program_of(["bash", "-e", "/missing.sh"], [], "/", _image(tmp_path))
    assert (found.path, found.why) == (
        None,
        "bash runs the script /missing.sh, which is not in the image",
    )


@pytest.mark.parametrize(
    ("entrypoint", "env", "program"),
    [
        (["sh", "-c", "exec $APP"], {"APP": "/srv/app"}, "/srv/app"),
        (["/bin/sh", "-c", "exec ${APP} --port 8080"], {"APP": "/srv/app"}, "/srv/app"),
        (["tini", "--", "sh", "-c", "exec $APP"], {"APP": "bin/app"}, "/work/bin/app"),
        (["sh", "-c", "exec $APP"], {"OTHER": "/srv/app"}, None),
        (["sh", "-c", "exec $APP"], {"APP": " "}, None),
    ],
)
def test_program_named_by_the_image_env(
    entrypoint: list[str], env: dict[str, str], program: str | None
) -> None:
    """`exec $APP` runs what the image's ENV sets APP to; unset, it is known only at run time."""
    found = program_of(entrypoint, [], "/work", env=env)
    assert found.path == program
    if program is None:
        assert found.why == "`exec $APP` (the sh -c script) runs a program named only at run time"


VAULT_STYLE = b"""#!/bin/sh
set -e
if [ "$1" = 'server' ]; then
    set -- vault "$@"
fi
exec "$@"
"""


def test_a_branch_that_rewrites_the_arguments_makes_a_subcommand_cmd_unknown(
    tmp_path: Path,
) -> None:
    """CMD ["server", "-dev"] under a branch that prepends the program: `server` is no
    program (it was reported as one, and static failed on it); the follower names the
    programs the branches can run instead of guessing."""
    _write(tmp_path, "/entrypoint.sh", VAULT_STYLE)
    found = program_of(["/entrypoint.sh"], ["server", "-dev"], "/", _image(tmp_path))
    assert (found.path, found.why) == (
        None,
        '`exec "$@"` (line 6 of /entrypoint.sh) runs 2 different programs, by which branches '
        'run: vault (`set -- vault "$@"`, line 4), server (the script\'s arguments)',
    )
    # An absolute path as $1 is what no such branch tests for: it is the program.
    found = program_of(["/entrypoint.sh"], ["/usr/bin/vault", "server"], "/", _image(tmp_path))
    assert (found.path, found.why) == ("/usr/bin/vault", "")


@pytest.mark.parametrize(
    "script",
    ["/app; sleep infinity", "/app & tail -f /dev/null", "/app &\nsleep 3600", "/app; tail -F log"],
)
def test_a_keep_alive_command_after_the_program_is_not_the_program(script: str) -> None:
    assert program_of(["sh", "-c", script], [], "/").path == "/app"


@pytest.mark.parametrize(
    "script",
    [
        "PORT=${PORT:-8080} /app",  # an assignment is one whatever its value expands to
        "GOMAXPROCS=$(nproc) exec /app serve",
        "/app \"$@\" &\nPID=$!\ntrap 'kill -TERM $PID' TERM INT\nwait $PID",  # forwards signals
    ],
)
def test_an_assignment_whose_value_expands_is_not_the_program(script: str) -> None:
    assert program_of(["sh", "-c", script], [], "/") == Program("/app", "")


@pytest.mark.parametrize("script", ['"$CMD"=x /app', '"PORT=$PORT" /app'])
def test_a_quoted_word_with_an_equals_sign_is_the_program_not_an_assignment(script: str) -> None:
    """dash runs `"PORT=$PORT" /app` as a program named `PORT=8080`: not found."""
    found = program_of(["sh", "-c", script], [], "/")
    assert found.path is None
    assert found.why.endswith("runs a program named only at run time"), found.why
