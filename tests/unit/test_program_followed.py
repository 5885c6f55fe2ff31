"""The program an image runs (gofacts/command.py), through wrappers (tini, dumb-init, env,
su-exec, gosu, s6's /init), shells and the scripts an image holds, over ENTRYPOINT/CMD pairs
chosen so that every rule of the follower decides at least one of them. The image's files are
real bytes: scripts, ELF headers and a text file."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.command import program_of

ELF = b"\x7fELF" + b"\x00" * 60
FILES = {
    "/entrypoint.sh": b'#!/bin/sh\nset -e\ncd /srv\nexec ./api "$@"\n',
    "/start.sh": b'#!/usr/bin/env bash\nshift 2\nexec "$@"\n',
    "/run.sh": b'#!/bin/sh -e\nset -- /bin/worker "$@"\nexec "$@"\n',
    "/loop.sh": b"#!/bin/sh\n/loop.sh\n",
    "/keep.sh": b"#!/bin/sh\n/app/server &\ntail -f /dev/null\n",
    "/opt/app": ELF,
    "/bin/worker": ELF,
    "/srv/api": ELF,
    "/data.txt": b"hello\n",
    "/init": b"#!/bin/execlineb -S0\n",
    "/latin.sh": b"#!/bin/sh\n# caf\xe9\nexec /opt/app\n",
    "/cd.sh": b"#!/bin/sh\ncd -P /srv && exec ./api\n",
    "/and.sh": b"#!/bin/sh\ntrue && /opt/app\n",
    "/fn.sh": b"#!/bin/sh\nfunction main { /x; }\nmain\n",
    # Trial 14: an entrypoint that migrates, then runs its CMD; the image gave it none.
    "/migrate.sh": b'#!/bin/sh\nset -e\n/opt/app migrate\nexec "$@"\n',
    "/log.sh": b"#!/bin/sh\nexec >/proc/1/fd/1 2>&1\nexec /opt/app\n",
    # Given no arguments it names its default: the way through that names none is not taken.
    "/default.sh": b'#!/bin/sh\nif [ -z "$1" ]; then set -- /bin/worker; fi\nexec /migrate.sh "$@"\n',
}

ENV = {"APP": "/opt/app --flag", "BLANK": " ", "DIR": "/srv", "NAME": "api"}
LOOP = "`/loop.sh` (line 2 of /loop.sh): "


def read(path: str) -> bytes | None:
    """The image's file at an absolute path, or a bare name looked up on PATH (/bin)."""
    return FILES.get(path if path.startswith("/") else "/bin/" + path)


@pytest.mark.parametrize(
    ("entrypoint", "cmd", "workdir", "readable", "path", "why"),
    [
        (
            ["env", "--unset=X", "tini-static", "-e", "143", "--"],
            ["/cd.sh"],
            "/",
            True,
            "/srv/api",
            "",
        ),
        (
            ["env", "--chdir", "sub"],
            ["sh", "-c", "cd sub\n./api"],
            "/srv",
            True,
            "/srv/sub/sub/api",
            "",
        ),
        (["/init"], ["sh", "--", "/run.sh"], "/srv", True, "/bin/worker", ""),
        (
            ["gosu", "app", "env", "-u", "X"],
            ["/loop.sh"],
            "/",
            True,
            None,
            LOOP * 7 + "wrappers and scripts nest more than 8 deep",
        ),
        (
            ["env", "-i", "A=1", "dumb-init", "--rewrite", "15:2", "--"],
            ["bash", "-o", "pipefail", "-c", "/opt/app | tee"],
            "/",
            False,
            None,
            "`/opt/app | tee` (the sh -c script) pipes programs into each other",
        ),
        ([], ["/start.sh", "a", "b", "/opt/app"], "", True, "/opt/app", ""),
        (
            ["/migrate.sh"],
            [],
            "/",
            True,
            None,
            '`exec "$@"` (line 4 of /migrate.sh) runs the arguments the script is given, and it '
            "is given none (the image's CMD is empty or does not reach it), so the container runs "
            "only the script's other commands and exits; add a CMD that names the service "
            '(`CMD ["/app/server"]`)',
        ),
        (["/migrate.sh"], ["/bin/worker"], "/", True, "/bin/worker", ""),
        (["/log.sh"], [], "/", True, "/opt/app", ""),  # an exec of redirections only
        (["/default.sh"], [], "/", True, "/bin/worker", ""),
        (
            ["env", "-"],
            ["sh", "-c", "sleep 1; tail -F /x"],
            "",
            True,
            None,
            "the sh -c script runs no program (commands inside if, case, loops, functions and subshells are not followed)",
        ),
        (
            ["env", "-C", "/srv", "gosu", "app"],
            ["sh", "./entrypoint.sh"],
            "",
            False,
            None,
            "sh runs the script /srv/entrypoint.sh, which cannot be read here",
        ),
        (
            ["tini", "-s", "-p", "SIGTERM", "--"],
            ["sh", "-e", "-c", "exec -a x /opt/app"],
            "/srv",
            True,
            "/opt/app",
            "",
        ),
        (
            ["/init"],
            [],
            "/srv",
            True,
            None,
            "s6-overlay's /init runs the services under /etc/s6-overlay and CMD names no main program",
        ),
        (
            ["dumb-init", "-r15:2"],
            ["sh"],
            "/srv",
            True,
            None,
            "sh reads its commands from standard input",
        ),
        (["env", "--split-string=/opt/app -x"], ["-x"], "/srv", True, "/opt/app", ""),
        (
            ["env", "-Csub"],
            ["sh", "./entrypoint.sh"],
            "",
            True,
            None,
            "sh runs the script /sub/entrypoint.sh, which is not in the image",
        ),
        ([], [], "", True, None, "it names no program"),
        (
            ["env", "-"],
            ["bash", "-c", "exec $0", "/opt/app"],
            "/srv",
            True,
            None,
            "`exec $0` (the sh -c script) runs a program named only at run time",
        ),
        (
            ["catatonit"],
            ["sh", "-c", "cd $DIR && ./api"],
            "",
            True,
            None,
            "`./api` (the sh -c script): it runs ./api from a directory known only at run time",
        ),
        (["env", "-i", "A=1"], ["sh", "-c"], "/srv", True, None, "sh -c is given no script"),
        ([], ["sh", "-c", 'shift; exec "$@"', "sh", "x", "/opt/app"], "", True, "/opt/app", ""),
        (
            ["tini", "--"],
            ["-x"],
            "/srv",
            True,
            None,
            "it runs '-x', which is an option, not a program",
        ),
        (
            ["/init", "env", "--unset=X"],
            ["bash", "--norc", "-c", "/opt/app"],
            "/srv",
            False,
            "/opt/app",
            "",
        ),
        (
            ["dumb-init", "--rewrite", "15:2", "--"],
            [],
            "/srv",
            True,
            None,
            "dumb-init is given no program to run",
        ),
        (
            ["su-exec", "app"],
            ["sh", "-c", "'unclosed"],
            "/srv",
            True,
            None,
            "the shell would refuse the sh -c script: a ' quote opened on line 1 never closes",
        ),
        (["su-exec", "app"], ["sh", "-c", "a=1 /opt/app"], "", True, "/opt/app", ""),
        # Trial 15: util-linux's setpriv dropping root (static failed on /usr/bin/setpriv).
        (
            ["setpriv", "--reuid=app", "--regid", "app", "--init-groups", "--"],
            ["/opt/app", "serve"],
            "/",
            True,
            "/opt/app",
            "",
        ),
        (
            ["setpriv", "--reuid", "1000", "--clear-groups", "/opt/app"],
            [],
            "/",
            True,
            "/opt/app",
            "",
        ),
        (["s6-setuidgid", "app", "/opt/app"], [], "/", True, "/opt/app", ""),
        (["setpriv", "--reuid", "app"], [], "/", True, None, "setpriv is given no program to run"),
        (["env", "-"], ["/latin.sh"], "/srv", True, "/opt/app", ""),
        (
            ["env", "--chdir=/srv", "/init"],
            ["/loop.sh"],
            "/srv",
            True,
            None,
            LOOP * 7 + "wrappers and scripts nest more than 8 deep",
        ),
        (
            ["env", "-u", "X", "env", "-S", "/opt/app -x"],
            ["api", "serve"],
            "rel",
            True,
            "/opt/app",
            "",
        ),
        (
            ["tini", "-s", "-p", "SIGTERM", "--"],
            ["sh", "-", "x"],
            "/srv",
            True,
            None,
            "sh reads its commands from standard input",
        ),
        (["dumb-init", "-r", "15:2"], ["/keep.sh"], "", True, "/app/server", ""),
        (["env", "-u", "X"], ["sh", "-c", "cd -L /srv; ./api"], "", True, "/srv/api", ""),
        (["env", "-u", "X"], ["sh", "-c", "cd -e /srv; ./api"], "/srv", True, "/srv/api", ""),
        (["env", "-u", "X"], ["sh", "-c", "cd; /opt/app"], "", True, "/opt/app", ""),
        (["catatonit"], ["${APP}"], "/srv", True, "${APP}", ""),
        (
            ["dumb-init", "-r", "15:2"],
            ["sh", "./entrypoint.sh"],
            "/srv",
            True,
            None,
            "sh runs the script /srv/entrypoint.sh, which is not in the image",
        ),
        (["gosu", "app"], [], "/srv", True, None, "gosu is given no program to run"),
        (
            ["/init"],
            ["sh", "./entrypoint.sh"],
            "/srv",
            True,
            None,
            "sh runs the script /srv/entrypoint.sh, which is not in the image",
        ),
        (
            ["tini", "-s", "-p", "SIGTERM", "--"],
            ["sh", "+x", "-c", "/opt/app"],
            "",
            True,
            "/opt/app",
            "",
        ),
        (
            ["env", "-"],
            ["sh", "-c", 'shift 2; exec "$@"', "a", "b", "c", "/opt/app"],
            "/srv",
            True,
            "/opt/app",
            "",
        ),
        (["env", "-"], ["/data.txt"], "/srv", True, "/data.txt", ""),
        (
            ["tini", "-s", "-p", "SIGTERM", "--"],
            ["sh", "-c", "exec -- /opt/app"],
            "/srv",
            True,
            "/opt/app",
            "",
        ),
        (["env", "-u", "X"], ["sh", "-c", "cd -@ /srv; ./api"], "/srv", True, "/srv/api", ""),
        # Trial 14: a path around variables the image's ENV sets (`CMD exec /srv/$NAME`).
        ([], ["/bin/sh", "-c", "exec /srv/$NAME"], "/", True, "/srv/api", ""),
        ([], ["/bin/sh", "-c", "exec ${DIR}/${NAME} --port 80"], "/", True, "/srv/api", ""),
        (
            [],
            ["/bin/sh", "-c", "exec $DIR/$UNSET"],
            "/",
            True,
            None,
            "`exec $DIR/$UNSET` (the sh -c script) runs a program named only at run time",
        ),
        (  # a default or a command substitution is not read
            [],
            ["/bin/sh", "-c", "exec ${DIR:-/x}/api"],
            "/",
            True,
            None,
            "`exec ${DIR:-/x}/api` (the sh -c script) runs a program named only at run time",
        ),
        (  # a value with a blank would split: not guessed
            [],
            ["/bin/sh", "-c", "exec /srv/$APP"],
            "/",
            True,
            None,
            "`exec /srv/$APP` (the sh -c script) runs a program named only at run time",
        ),
        # The script's own value comes before ENV's: a literal it sets once at its top level,
        # and no value where it sets one otherwise or reads a file that may.
        ([], ["/bin/sh", "-c", "NAME=worker; exec /bin/$NAME"], "/", True, "/bin/worker", ""),
        (
            [],
            ["sh", "-c", 'export NAME="api" DIR=/srv; exec $DIR/$NAME'],
            "/",
            True,
            "/srv/api",
            "",
        ),
        # A default the script gives its own variable: ENV's value where it sets one
        # (review: `APP="${APP:-api}"` failed as "named only at run time"), else the default.
        *(
            ([], ["/bin/sh", "-c", f"{defaulted}\nexec /srv/$NAME"], "/", True, "/srv/api", "")
            for defaulted in (
                'NAME="${NAME:-worker}"',
                ': "${NAME:=worker}"',
                "NAME=${NAME-worker}",
                'NAME="$NAME"',
            )
        ),
        ([], ["sh", "-c", 'SVC="${SVC:-worker}"; exec /srv/$SVC'], "/", True, "/srv/worker", ""),
        # What the script sets after the command does not count.
        ([], ["sh", "-c", "exec /srv/$NAME\nNAME=worker"], "/", True, "/srv/api", ""),
        *(
            (
                [],
                ["/bin/sh", "-c", f"{changes}\nexec /srv/$NAME"],
                "/",
                True,
                None,
                "`exec /srv/$NAME` (line 2 of the sh -c script) runs a program named only at run "
                "time",
            )
            for changes in (
                "read -r NAME </etc/app-name",
                "unset NAME",
                "NAME=$(cat /etc/app-name)",
                "[ -f /srv/worker ] && NAME=worker",
                ". /etc/app.env",
                'eval "$(cat /etc/app.sh)"',
                "printf -v NAME '%s' worker",
                # A sourced file may set it before the default applies (a review).
                '. /etc/app.env; : "${NAME:=worker}"',
                "NAME=worker; NAME=api",
            )
        ),
    ],
)
def test_the_program_is_followed_through_wrappers_shells_and_scripts(
    entrypoint: list[str],
    cmd: list[str],
    workdir: str,
    readable: bool,
    path: str | None,
    why: str,
) -> None:
    found = program_of(entrypoint, cmd, workdir, read if readable else None, ENV)
    assert (found.path, found.why) == (path, why)
