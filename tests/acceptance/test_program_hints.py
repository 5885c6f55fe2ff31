"""What the messages say about the service program on real builds: the files the build copied
when ENTRYPOINT names a missing one (relative destinations joined to their WORKDIR, the base
image's own COPYs left out), and the mode and the Dockerfile line when the runtime may not
execute it."""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tests.conftest import buildkit_cli, go_app

# The trial's layout: the binaries copied to a relative destination under one WORKDIR, the
# program named relative to another.
RELATIVE = """\
FROM alpine:3.22 AS build
COPY app /out/server
COPY app /out/worker
FROM alpine:3.22
WORKDIR /srv
COPY --from=build /out/server /out/worker ./
WORKDIR /data
ENTRYPOINT ["./server"]
"""


def _cli_build(tag: str, context: Path) -> None:
    """Build `context` with a CLI: BuildKit where there is one, else the legacy builder.
    Either records the base image's COPY in its history, as the base images users build
    FROM do."""
    cli = buildkit_cli()
    command, buildkit = (cli, "1") if cli else (shutil.which("docker") or "docker", "0")
    subprocess.run(
        [command, "build", "-q", "-t", tag, str(context)],
        env={**os.environ, "DOCKER_BUILDKIT": buildkit},
        check=True,
        capture_output=True,
    )


@pytest.fixture
def tini_base(docker_client: docker.DockerClient, tmp_path: Path) -> Iterator[str]:
    """A base image that COPYs an init (tini) in, as many do: not a file this build copied."""
    tag = f"goimage-test/tini-base:{os.getpid()}"
    (tmp_path / "tini").write_bytes(b"\x7fELF not really tini\n")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.22\nCOPY tini /sbin/tini\n")
    _cli_build(tag, tmp_path)
    yield tag
    docker_client.images.remove(tag, force=True)


def _run(pytester: pytest.Pytester, dockerfiles: dict[str, str], select: str) -> str:
    go_app(pytester.path)
    for name, text in dockerfiles.items():
        (pytester.path / name).write_text(text)
    listed = ", ".join(f'"{name}"' for name in dockerfiles)
    (pytester.path / "pyproject.toml").write_text(f"[tool.goimage]\ndockerfiles = [{listed}]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", select, "-p", "no:randomly")
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out, out
    return out


def _assert_lines(out: str, patterns: list[str]) -> None:
    for pattern in patterns:
        assert any(fnmatch.fnmatch(line, pattern) for line in out.splitlines()), (
            f"{pattern!r} not in:\n{out}"
        )


def test_files_copied_by_this_build_where_the_workdir_put_them(
    pytester: pytest.Pytester, tini_base: str, no_leaks: None
) -> None:
    out = _run(
        pytester,
        {
            "Dockerfile.relative": RELATIVE,
            "Dockerfile.tini": f'FROM {tini_base}\nCOPY app /app/server\nENTRYPOINT ["/app/sever"]\n',
        },
        "static",
    )
    _assert_lines(
        out,
        [
            "*[[]goimage static[]] Dockerfile.relative: the binary /data/server does not exist "
            "in goimage/*; fix ENTRYPOINT/CMD or set `binary` in [[]tool.goimage[]]. Files the "
            "build copied into the image: /srv/server, /srv/worker.",
            # /sbin/tini (and the stand-in alpine's /bin/busybox) came with the base image.
            "*[[]goimage static[]] Dockerfile.tini: the binary /app/sever does not exist in "
            "goimage/*; fix ENTRYPOINT/CMD or set `binary` in [[]tool.goimage[]]. Files the "
            "build copied into the image: /app/server.",
        ],
    )


# runc quotes the path where its own check refuses (root), not where exec(2) does (USER).
REFUSED = (
    "*[[]goimage health[]] {name} (goimage/*): the engine refused to start the service "
    "container: *{exec}: permission denied*. "
)
QUOTED = 'exec: "/server"'


def test_a_program_the_runtime_may_not_execute_gets_its_mode_and_line(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    out = _run(
        pytester,
        {
            "Dockerfile.chmod": "FROM alpine:3.22\nCOPY --chmod=0644 app /server\nEXPOSE 8080\n"
            'ENTRYPOINT ["/server"]\n',
            "Dockerfile.run": "FROM alpine:3.22\nCOPY app /server\nRUN chmod 644 /server\n"
            'EXPOSE 8080\nENTRYPOINT ["/server"]\n',
            "Dockerfile.owner": "FROM alpine:3.22\nCOPY --chmod=0700 app /server\nUSER 65532\n"
            'EXPOSE 8080\nENTRYPOINT ["/server"]\n',
        },
        "health",
    )
    _assert_lines(
        out,
        [
            REFUSED.format(name="Dockerfile.chmod", exec=QUOTED)
            + "/server has mode 0644 in the image, not executable; `COPY --chmod=0644 app "
            "/server` (Dockerfile.chmod:2) sets that mode: write --chmod=0755 there.",
            REFUSED.format(name="Dockerfile.run", exec=QUOTED)
            + "/server has mode 0644 in the image, not executable; `RUN chmod 644 /server` "
            "(Dockerfile.run:3) sets that mode: chmod it 0755 there instead.",
            REFUSED.format(name="Dockerfile.owner", exec="exec /server")
            + "/server has mode 0700 in the image, owned by 0:0, which USER 65532 may not "
            "execute; `COPY --chmod=0700 app /server` (Dockerfile.owner:2) sets that mode: "
            "write --chmod=0755 there.",
        ],
    )


ENTRY = '#!/bin/sh\nexec server-real "$@"\n'


@pytest.fixture(scope="module")
def wrappers(
    docker_client: docker.DockerClient, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Debian with its tini and dumb-init packages: the inits images run their program under."""
    tag = f"goimage-test/wrappers:{os.getpid()}"
    context = tmp_path_factory.mktemp("wrappers")
    (context / "Dockerfile").write_text(
        "FROM goimage-standin/debian:bookworm\nRUN apt-get update -qq && apt-get install -y -qq "
        "--no-install-recommends tini dumb-init >/dev/null\n"
    )
    _cli_build(tag, context)
    yield tag
    docker_client.images.remove(tag, force=True)


def test_a_program_an_init_or_path_cannot_execute_is_named_with_its_cause(
    pytester: pytest.Pytester, wrappers: str, no_leaks: None
) -> None:
    """Trial 16: an entrypoint script committed without its execute bit was "not in the image"
    when run by its bare name (runc's PATH lookup skips it), and got no word at all under
    dumb-init; a binary for another CPU under tini showed only the fallback shell's `syntax
    error: unexpected ")"`."""
    (pytester.path / "entry.sh").write_text(ENTRY)
    os.chmod(pytester.path / "entry.sh", 0o644)  # as a checkout with core.fileMode=false
    go_app(pytester.path)
    subprocess.run(
        ["go", "build", "-o", "app-arm64", "."],
        cwd=pytester.path,
        env={**os.environ, "GOARCH": "arm64", "CGO_ENABLED": "0", "GOTOOLCHAIN": "local"},
        check=True,
    )
    out = _run(
        pytester,
        {
            "Dockerfile.path": "FROM alpine:3.22\nCOPY app /usr/local/bin/server-real\n"
            'COPY entry.sh /usr/local/bin/\nEXPOSE 8080\nENTRYPOINT ["entry.sh"]\n',
            "Dockerfile.dumb": f"FROM {wrappers}\nCOPY app /usr/local/bin/server-real\n"
            "COPY entry.sh /usr/local/bin/\nEXPOSE 8080\n"
            'ENTRYPOINT ["dumb-init", "--", "entry.sh"]\n',
            "Dockerfile.tini": f"FROM {wrappers} AS wrappers\nFROM alpine:3.22\n"
            "COPY --from=wrappers /usr/bin/tini-static /sbin/tini\n"
            'COPY app-arm64 /usr/local/bin/app\nEXPOSE 8080\nENTRYPOINT ["/sbin/tini", "--", '
            '"/usr/local/bin/app"]\n',
            "Dockerfile.tinipath": f"FROM {wrappers} AS wrappers\nFROM alpine:3.22\n"
            "COPY --from=wrappers /usr/bin/tini-static /sbin/tini\n"
            'COPY app /app/server\nEXPOSE 8080\nENTRYPOINT ["/sbin/tini", "--", "server"]\n',
        },
        "health",
    )
    mode = (
        "/usr/local/bin/entry.sh has mode 0644 in the image, not executable; `COPY entry.sh "
        "/usr/local/bin/` ({name}:3) keeps the mode of the file it copies: add --chmod=0755."
    )
    _assert_lines(
        out,
        [
            "*[[]goimage health[]] Dockerfile.path (goimage/*): the engine refused to start the "
            'service container: *exec: "entry.sh": executable file not found in $PATH*. '
            "entry.sh is on PATH at /usr/local/bin/entry.sh, but the runtime skips it: "
            + mode.format(name="Dockerfile.path"),
            "*[[]goimage health[]] Dockerfile.dumb: *: its entrypoint could not be "
            "started. dumb-init could not execute /usr/local/bin/entry.sh: "
            + mode.format(name="Dockerfile.dumb"),
            "*[[]goimage health[]] Dockerfile.tini: *: its entrypoint could not be "
            "started. The shell a wrapper fell back to could not run /usr/local/bin/app: "
            "/usr/local/bin/app is a binary for arm64, which this engine's CPU (amd64) cannot "
            "run: build it for the engine's platform (GOARCH, or $TARGETARCH with --platform)*",
            "*[[]goimage health[]] Dockerfile.tinipath: *: its entrypoint could not be "
            "started. tini could not execute server: no folder of the image's PATH holds a file "
            "called server: name it by its absolute path, or COPY it into a folder on PATH*",
        ],
    )
