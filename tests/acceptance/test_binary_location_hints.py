"""What `static` says on real builds when the program ENTRYPOINT/CMD names is not where the
runtime looks (a user trial): a bare name that is not on PATH though the build copied it into
WORKDIR, and a symlink to a version the image does not hold. Both name the Dockerfile lines and
the fix, and read the same from the overlay2 folders and from an export of the image; `health`,
where the engine refuses to start such an image, says the same after runc's words."""

from __future__ import annotations

import fnmatch
import re

import pytest

from tests.conftest import go_app

# The trial's images: the runtime looks `server` up on PATH, never in WORKDIR /app.
OFF_PATH = """\
FROM alpine:3.22 AS build
COPY app /out/server
FROM alpine:3.22
WORKDIR /app
COPY --from=build /out/server /app/server
EXPOSE 8080
ENTRYPOINT ["server"]
"""
# The same through an entrypoint script, as `exec "$@"` runs CMD (busybox as the shell).
SCRIPT = """\
FROM alpine:3.22 AS build
COPY app /out/server
FROM scratch
COPY --from=build /bin/busybox /bin/sh
COPY --from=build /out/server /app/server
COPY entrypoint.sh /entrypoint.sh
WORKDIR /app
ENTRYPOINT ["/entrypoint.sh"]
CMD ["server"]
"""
# A link made in one stage to a version the final stage does not copy.
DANGLING = """\
FROM alpine:3.22 AS build
COPY app /out/server
FROM alpine:3.22 AS links
RUN mkdir -p /out/app && ln -s /opt/server/server-1.2.4 /out/app/server
FROM scratch
COPY --from=links /out/app/ /app/
COPY --from=build /out/server /opt/server/server-1.2.3
ENTRYPOINT ["/app/server"]
"""
TRIAL = {"Dockerfile.path": OFF_PATH, "Dockerfile.script": SCRIPT, "Dockerfile.link": DANGLING}
# A conftest for the inner run: the overlay2 folders count as unreadable, so every read of
# the image goes through its export (the API path, as on a remote engine).
API_PATH = """\
from pathlib import Path

from pytest_goimage.engine import overlay


def _not_local(inspect):
    Path("read-through-export").touch()
    raise overlay.NotLocal("the test reads through the export")


overlay.layer_dirs = _not_local
"""
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
EXPECTED = [
    "[[]goimage static[]] Dockerfile.path: ENTRYPOINT/CMD runs 'server' (`ENTRYPOINT "
    '[[]"server"[]]`, Dockerfile.path:7), which is not on the PATH of goimage/* '
    f"({PATH}), so a container of it cannot start as written: the runtime looks a name "
    "without a `/` up on PATH only, never in WORKDIR (/app). The build put a file of that name "
    "at /app/server (`COPY --from=build /out/server /app/server`, Dockerfile.path:5): write "
    '`ENTRYPOINT [[]"/app/server"[]]`, or add /app to PATH (`ENV PATH=/app:$PATH`).',
    "[[]goimage static[]] Dockerfile.script: ENTRYPOINT/CMD runs 'server' (`CMD "
    '[[]"server"[]]`, Dockerfile.script:9), which is not on the PATH of goimage/* '
    f"({PATH}), so a container of it cannot start as written: the shell looks a name "
    "without a `/` up on PATH only, never in WORKDIR (/app). The build put a file of that name "
    "at /app/server (`COPY --from=build /out/server /app/server`, Dockerfile.script:5): write "
    '`CMD [[]"/app/server"[]]`, or add /app to PATH (`ENV PATH=/app:$PATH`).',
    "[[]goimage static[]] Dockerfile.link: the binary /app/server in goimage/* is a symlink "
    "(/app/server -> /opt/server/server-1.2.4) and /opt/server/server-1.2.4 does not exist in "
    "the image, so a container of it cannot start. `COPY --from=links /out/app/ /app/` "
    "(Dockerfile.link:6) put the link there; `RUN mkdir -p /out/app && ln -s "
    "/opt/server/server-1.2.4 /out/app/server` (Dockerfile.link:4) made it. "
    "/opt/server/server-1.2.3 is in the image: point the link at the file that is there, or "
    "put the file the link names there.",
]


def _static(pytester: pytest.Pytester, conftest: str = "") -> list[str]:
    """The `static` messages of the trial's images, tags masked."""
    go_app(pytester.path)
    (pytester.path / "entrypoint.sh").write_text('#!/bin/sh\nset -e\nexec "$@"\n')
    (pytester.path / "entrypoint.sh").chmod(0o755)
    for name, text in TRIAL.items():
        (pytester.path / name).write_text(text)
    listed = ", ".join(f'"{name}"' for name in TRIAL)
    (pytester.path / "pyproject.toml").write_text(f"[tool.goimage]\ndockerfiles = [{listed}]\n")
    (pytester.path / "conftest.py").write_text(conftest)
    result = pytester.runpytest_subprocess("--goimage", "-k", "static", "-p", "no:randomly")
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out, out
    found = [line for line in out.splitlines() if line.startswith("[goimage static]")]
    missing = [p for p in EXPECTED if not any(fnmatch.fnmatchcase(f, p) for f in found)]
    assert missing == [], out
    return sorted(re.sub(r"goimage/\S+", "goimage/*", line) for line in found)


def test_program_off_path_or_behind_a_dangling_link_gets_lines_and_fix(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    on_overlay = _static(pytester)
    assert len(on_overlay) == 3
    assert not (pytester.path / "read-through-export").exists()
    assert _static(pytester, API_PATH) == on_overlay
    assert (pytester.path / "read-through-export").exists()


# A dev target before the final stage (a user trial): the hint must read the target's lines.
TARGETED = """\
FROM alpine:3.22 AS build
COPY app /out/server
FROM alpine:3.22 AS dev
WORKDIR /app
COPY --from=build /out/server /app/server
ENTRYPOINT ["server"]
FROM alpine:3.22 AS prod
COPY --from=build /out/server /usr/local/bin/api
ENTRYPOINT ["/usr/local/bin/api"]
"""


def test_the_hint_for_a_target_stage_names_that_stages_lines(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(TARGETED)
    (pytester.path / "pyproject.toml").write_text(
        '[tool.goimage]\n[[tool.goimage.image]]\ndockerfile = "Dockerfile"\ntarget = "dev"\n'
    )
    result = pytester.runpytest_subprocess("--goimage", "-k", "static", "-p", "no:randomly")
    out = result.stdout.str() + result.stderr.str()
    found = [line for line in out.splitlines() if line.startswith("[goimage static]")]
    assert len(found) == 1, out
    assert fnmatch.fnmatchcase(
        found[0],
        "[[]goimage static[]] Dockerfile: ENTRYPOINT/CMD runs 'server' (`ENTRYPOINT "
        '[[]"server"[]]`, Dockerfile:6), which is not on the PATH of goimage/* (*). The build '
        "put a file of that name at /app/server (`COPY --from=build /out/server /app/server`, "
        'Dockerfile:5): write `ENTRYPOINT [[]"/app/server"[]]`, or add /app to PATH*',
    ), out


def test_health_names_where_the_program_is_not(pytester: pytest.Pytester, no_leaks: None) -> None:
    """The engine refuses to start such an image with runc's words alone (`executable file not
    found in $PATH`, `stat /app/server: no such file`), and an entrypoint script's shell exits
    127: health adds static's reading of why."""
    go_app(pytester.path)
    (pytester.path / "entrypoint.sh").write_text('#!/bin/sh\nset -e\nexec "$@"\n')
    (pytester.path / "entrypoint.sh").chmod(0o755)
    names = list(TRIAL)
    for name in names:
        (pytester.path / name).write_text(TRIAL[name])
    listed = ", ".join(f'"{name}"' for name in names)
    (pytester.path / "pyproject.toml").write_text(
        f"[tool.goimage]\ndockerfiles = [{listed}]\nport = 8080\n"
    )
    result = pytester.runpytest_subprocess("--goimage", "-k", "health", "-p", "no:randomly")
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out, out
    found = [line for line in out.splitlines() if line.startswith("[goimage health]")]
    refused = "the engine refused to start the service container: *"
    expected = [
        f"[[]goimage health[]] Dockerfile.path (goimage/*): {refused}"
        'exec: "server": executable file not found in $PATH: unknown. E'
        + EXPECTED[0].split("Dockerfile.path: E", 1)[1],
        f"[[]goimage health[]] Dockerfile.link (goimage/*): {refused}"
        'exec: "/app/server": stat /app/server: no such file or directory: unknown. T'
        + EXPECTED[2].split("Dockerfile.link: t", 1)[1],
        # The script starts; its `exec "$@"` finds no `server` on PATH: the shell's exit 127.
        "[[]goimage health[]] Dockerfile.script: GET /health on container port 8080/tcp never "
        'answered 2xx: the container exited with code 127, a shell\'s "command not found". E'
        + EXPECTED[1].split("Dockerfile.script: E", 1)[1],
    ]
    missing = [p for p in expected if not any(fnmatch.fnmatchcase(f, p) for f in found)]
    assert missing == [], out


def test_a_cgo_binary_behind_a_wrapper_is_explained_at_exit_127(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 11: an entrypoint script's `exec` of a dynamic binary on alpine (no glibc loader)
    exits 127 with "not found" for a file that is there; health said only "exit code 127"."""
    go_app(pytester.path, cgo=True)
    (pytester.path / "entrypoint.sh").write_text('#!/bin/sh\nset -e\nexec "$@"\n')
    (pytester.path / "entrypoint.sh").chmod(0o755)
    (pytester.path / "Dockerfile").write_text(
        "FROM alpine:3.22\nCOPY app /app/server\nCOPY entrypoint.sh /entrypoint.sh\n"
        'EXPOSE 8080\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["/app/server"]\n'
    )
    (pytester.path / "pyproject.toml").write_text('[tool.goimage]\ndockerfiles = ["Dockerfile"]\n')
    result = pytester.runpytest_subprocess("--goimage", "-k", "health", "-p", "no:randomly")
    out = " ".join(result.stdout.str().split())
    assert re.search(
        r"the container exited with code 127, a wrapper's \(an entrypoint script's, tini's\) "
        r"exec failing: /app/server is in the image, but it is a dynamic binary whose ELF "
        r"interpreter /\S*ld-\S+ the image lacks, so it cannot be started and is reported as "
        r"not found \(the static check names the libraries it needs\): build it with "
        r"CGO_ENABLED=0\.",
        out,
    ), out
