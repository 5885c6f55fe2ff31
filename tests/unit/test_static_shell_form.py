"""`static` on an image whose ENTRYPOINT (or CMD, where it is what runs) is in shell form:
Docker runs it as `/bin/sh -c ...`, so an image without /bin/sh (scratch, distroless) cannot
start a container, whatever its Go binary is like (user trial 10 passed it). Read from a real
Go binary the host's Go builds; the image's files are given by name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pytest_goimage.engine.shell_form import shell_form_advice
from pytest_goimage.gofacts.executable import inspect_elf
from tests.conftest import go_app
from tests.unit.test_static_platform import TAG, run_static

pytestmark = pytest.mark.skipif(shutil.which("go") is None, reason="needs the go command")

SCRATCH = """\
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/server .

FROM scratch
COPY --from=build /out/server /app/server
EXPOSE 8080
{run}
"""
SHELL = ("/bin/sh", "-c")
PASSED = "/app/server: static, CGO_ENABLED=0, go1."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A static Go binary for this machine's CPU."""
    return go_app(tmp_path_factory.mktemp("shell-form")).read_bytes()


def static_of(
    tmp_path: Path,
    data: bytes,
    run: str,
    entrypoint: tuple[str, ...],
    cmd: tuple[str, ...] = (),
    files: tuple[str, ...] = ("/app/server",),
) -> str:
    """static's message for the image SCRATCH builds with `run` as its last line."""
    dockerfile = SCRATCH.format(run=run)
    arch = inspect_elf(data).arch or "amd64"
    return run_static(tmp_path, dockerfile, data, arch, entrypoint=entrypoint, cmd=cmd, files=files)


def test_a_shell_form_entrypoint_on_scratch_cannot_start(tmp_path: Path, server: bytes) -> None:
    message = static_of(tmp_path, server, "ENTRYPOINT /app/server", (*SHELL, "/app/server"))
    assert message == (
        f"FAILED Dockerfile: no container of {TAG} can start, because its ENTRYPOINT is in shell "
        "form (`ENTRYPOINT /app/server` at Dockerfile:9 runs `/bin/sh -c /app/server`) and the "
        'image has no /bin/sh: write it in exec form, `ENTRYPOINT ["/app/server"]`.'
    )


def test_a_shell_form_cmd_that_runs_on_scratch_cannot_start(tmp_path: Path, server: bytes) -> None:
    run = "CMD /app/server --port 8080"
    message = static_of(tmp_path, server, run, (), (*SHELL, "/app/server --port 8080"))
    assert message == (
        f"FAILED Dockerfile: no container of {TAG} can start, because its CMD is in shell form "
        "(`CMD /app/server --port 8080` at Dockerfile:9 runs `/bin/sh -c /app/server --port "
        '8080`) and the image has no /bin/sh: write it in exec form, `CMD ["/app/server", '
        '"--port", "8080"]`.'
    )


def test_a_shell_form_cmd_after_an_exec_form_entrypoint_is_its_arguments(
    tmp_path: Path, server: bytes
) -> None:
    """`ENTRYPOINT ["/app/server"]` runs the program with the CMD's words as arguments: no
    shell runs."""
    run = 'ENTRYPOINT ["/app/server"]\nCMD --port 8080'
    message = static_of(tmp_path, server, run, ("/app/server",), (*SHELL, "--port 8080"))
    assert message.startswith(PASSED), message


def test_shell_form_passes_where_the_image_has_bin_sh(tmp_path: Path, server: bytes) -> None:
    files = ("/app/server", "/bin/sh")
    message = static_of(
        tmp_path, server, "ENTRYPOINT /app/server", (*SHELL, "/app/server"), (), files
    )
    assert message.startswith(PASSED), message


def test_exec_form_passes_on_scratch(tmp_path: Path, server: bytes) -> None:
    message = static_of(tmp_path, server, 'ENTRYPOINT ["/app/server"]', ("/app/server",))
    assert message.startswith(PASSED), message


def test_a_shell_that_is_written_out_gets_no_line(tmp_path: Path, server: bytes) -> None:
    """`ENTRYPOINT ["/bin/sh", "-c", "/app/server"]` is recorded as the shell form is, but the
    Dockerfile wrote the shell out: the message quotes that, not a shell form."""
    run = 'ENTRYPOINT ["/bin/sh", "-c", "/app/server"]'
    message = static_of(tmp_path, server, run, (*SHELL, "/app/server"))
    assert message == (
        f"FAILED Dockerfile: no container of {TAG} can start, because its ENTRYPOINT runs "
        '/bin/sh (`ENTRYPOINT ["/bin/sh", "-c", "/app/server"]`) and the image has no /bin/sh: '
        'run the program without a shell, `ENTRYPOINT ["/app/server"]`.'
    )


def test_a_wrapper_that_passes_its_arguments_on_is_run_directly(
    tmp_path: Path, server: bytes
) -> None:
    """Trial 17: `["/bin/sh", "-c", "exec /app/server \"$@\"", "--"]` on scratch was called
    shell form, and the advice kept `"$@"` and `"--"` as the program's arguments."""
    script = 'exec /app/server "$@"'
    run = f'ENTRYPOINT ["/bin/sh", "-c", {json.dumps(script)}, "--"]\nCMD ["--port", "8080"]'
    message = static_of(tmp_path, server, run, (*SHELL, script, "--"), ("--port", "8080"))
    assert message == (
        f"FAILED Dockerfile: no container of {TAG} can start, because its ENTRYPOINT runs "
        '/bin/sh (`ENTRYPOINT ["/bin/sh", "-c", "exec /app/server \\"$@\\"", "--"]`) and the '
        'image has no /bin/sh: run the program without a shell, `ENTRYPOINT ["/app/server"]` '
        '(an exec-form ENTRYPOINT gets CMD\'s words as its arguments, as `"$@"` did).'
    )


@pytest.mark.parametrize(
    ("script", "advice"),
    [
        (
            "exec /svc --port $PORT",
            'run the program without a shell, `ENTRYPOINT ["/svc", "--port", "$PORT"]`, but exec '
            "form passes `$PORT` as written, not its value: read the variable in the program "
            "(os.Getenv), or use a base image with a shell",
        ),
        (
            "/migrate && exec /svc",
            "and its script needs one (it chains commands, pipes or redirects, or cannot be "
            "read): do that in the program, or use a base image with a shell",
        ),
    ],
)
def test_a_written_out_shell_that_needs_one_says_so(script: str, advice: str) -> None:
    found = shell_form_advice(["/bin/sh", "-c", script], [], exec_written=True)
    assert found.endswith(advice), found


@pytest.mark.parametrize(
    ("words", "advice"),
    [
        # The review: `$0` is the word after the script; `${@}` passes all as `"$@"` does; a
        # `;` inside quotes chains nothing; `$1` picks an argument, no environment variable.
        (
            ['exec "$0" "$@"', "/app"],
            'run the program without a shell, `ENTRYPOINT ["/app"]` (an exec-form ENTRYPOINT '
            'gets CMD\'s words as its arguments, as `"$@"` did)',
        ),
        (
            ['/app "${@}"'],
            'run the program without a shell, `ENTRYPOINT ["/app"]` (an exec-form ENTRYPOINT '
            'gets CMD\'s words as its arguments, as `"$@"` did)',
        ),
        (
            ["/app --greeting 'Hi; there'"],
            'run the program without a shell, `ENTRYPOINT ["/app", "--greeting", "Hi; there"]`',
        ),
        (
            ['/app "$1"', "--"],
            'run the program without a shell, `ENTRYPOINT ["/app", "$1"]`, but the script picks '
            "its arguments (`$1`), which exec form cannot: pass them in CMD as they are, or use "
            "a base image with a shell",
        ),
        (
            ["'unterminated"],
            "and its script needs one (it chains commands, pipes or redirects, or cannot be "
            "read): do that in the program, or use a base image with a shell",
        ),
    ],
)
def test_the_script_is_read_as_the_shell_reads_it(words: list[str], advice: str) -> None:
    found = shell_form_advice(["/bin/sh", "-c", *words], [], exec_written=True)
    assert found.endswith(advice), found


def test_health_and_static_say_it_in_the_same_words() -> None:
    """The sentence `health` gives when the engine refuses the container (`exec: "/bin/sh"`),
    and `static` gives reading the image: one function."""
    assert shell_form_advice(["/bin/sh", "-c", "/svc"], ["--verbose"]) == (
        "ENTRYPOINT is in shell form (`ENTRYPOINT /svc` runs `/bin/sh -c /svc`) and the image "
        'has no /bin/sh: write it in exec form, `ENTRYPOINT ["/svc"]`'
    )
    assert shell_form_advice(["/svc"], ["/bin/sh", "-c", "x"]) == ""  # CMD's words: arguments
    assert shell_form_advice([], ["/svc"]) == ""
