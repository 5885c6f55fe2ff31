"""Where an image's own COPY/ADD put files (read from its history and Dockerfile), which
instruction set a file's mode, and the advice for a program the runtime may not execute (no
engine)."""

from __future__ import annotations

import stat

import pytest

from pytest_goimage.engine.program_files import (
    FileMode,
    copy_targets,
    mode_setter,
    own_copies,
)
from pytest_goimage.engine.program_mode import denied_advice
from pytest_goimage.gofacts.dockerfile import parse_dockerfile

# The history of the trial's image, oldest first: the stand-in alpine's entries, then its own.
TRIAL_HISTORY = [
    "COPY busybox /bin/busybox",
    "RUN /bin/busybox --install -s /bin",
    "COPY rootfs/ /",
    'CMD ["/bin/sh"]',
    "WORKDIR /srv",
    "COPY /out/server /out/worker ./",
    "WORKDIR /data",
    'ENTRYPOINT ["./server"]',
]
TRIAL = parse_dockerfile(
    "FROM golang:1.26-alpine AS Build\nRUN go build -o /out/ ./cmd/...\n"
    "FROM alpine:3.22\nWORKDIR /srv\nCOPY --from=Build /out/server /out/worker ./\n"
    'WORKDIR /data\nENTRYPOINT ["./server"]\n'
)
IN_IMAGE = {"/bin/busybox", "/srv/server", "/srv/worker", "/usr/local/bin/app", "/sbin/tini"}


@pytest.mark.parametrize(
    ("sources", "destination", "workdir", "expected"),
    [
        (["/out/server", "/out/worker"], "./", "/srv", [("/srv/server",), ("/srv/worker",)]),
        (["app"], ".", "/srv", [("/srv/app",)]),
        (["app"], "bin/", "/opt", [("/opt/bin/app",)]),
        # No trailing slash: the file itself, or into the folder of that name that existed.
        (["app"], "/usr/local/bin", "/srv", [("/usr/local/bin", "/usr/local/bin/app")]),
        (["rootfs/"], "/", "/", [("/rootfs",)]),
    ],
)
def test_copy_targets_join_the_workdir(
    sources: list[str], destination: str, workdir: str, expected: list[tuple[str, ...]]
) -> None:
    assert copy_targets(sources, destination, workdir) == expected


def test_own_copies_are_the_dockerfiles_where_its_workdir_put_them() -> None:
    assert own_copies(TRIAL_HISTORY, TRIAL, IN_IMAGE.__contains__) == [
        "/srv/server",
        "/srv/worker",
    ]


def test_without_the_dockerfile_every_copy_in_the_history_counts() -> None:
    assert own_copies(TRIAL_HISTORY, None, IN_IMAGE.__contains__) == [
        "/bin/busybox",
        "/srv/server",
        "/srv/worker",
    ]


def test_a_base_images_copy_stays_out_unless_the_dockerfile_writes_the_same() -> None:
    history = ["COPY tini /sbin/tini", "COPY app /usr/local/bin/", 'ENTRYPOINT ["/app"]']
    own = parse_dockerfile("FROM base\nCOPY app /usr/local/bin/\n")
    assert own_copies(history, own, IN_IMAGE.__contains__) == ["/usr/local/bin/app"]
    both = parse_dockerfile("FROM base\nCOPY tini /sbin/tini\nCOPY app /usr/local/bin/\n")
    assert own_copies(history, both, IN_IMAGE.__contains__) == ["/sbin/tini", "/usr/local/bin/app"]


def test_a_variable_in_the_dockerfile_matches_the_expanded_history() -> None:
    history = ["WORKDIR /usr", "COPY /out/app local/bin/"]
    written = parse_dockerfile("FROM base\nARG BIN=app\nCOPY --from=b /out/${BIN} local/bin/\n")
    assert own_copies(history, written, IN_IMAGE.__contains__) == ["/usr/local/bin/app"]
    other = parse_dockerfile("FROM base\nCOPY --from=b /out/${BIN} /opt/\n")
    assert own_copies(history, other, IN_IMAGE.__contains__) == []


CHMODS = """\
FROM golang:1.26-alpine AS build
COPY . /src
RUN go build -o /server ./cmd/server
FROM alpine:3.22
WORKDIR /app
COPY --from=build /server ./
COPY --from=build --chmod=0644 /server /server
RUN chmod 0644 /app/server && echo done
"""


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("/server", 7),  # COPY --chmod
        ("/app/server", 8),  # a later RUN chmod of the file a relative COPY put there
        ("/nowhere", None),
    ],
)
def test_mode_setter_finds_the_line(path: str, line: int | None) -> None:
    setter = mode_setter(parse_dockerfile(CHMODS), path)
    assert (setter.line if setter else None) == line


REGULAR = stat.S_IFREG


@pytest.mark.parametrize(
    ("mode", "user", "setter", "expected"),
    [
        (
            0o644,
            "",
            None,
            ". /server has mode 0644 in the image, not executable: give it mode 0755 "
            "(`COPY --chmod=0755`, or `RUN chmod 0755 /server`)",
        ),
        (
            0o600,
            "",
            "COPY app /server",
            ". /server has mode 0600 in the image, not executable; `COPY app /server` "
            "(Dockerfile:2) keeps the mode of the file it copies: add --chmod=0755",
        ),
        (
            0o750,
            "65532:65532",
            "COPY --chmod=0750 app /server",
            ". /server has mode 0750 in the image, owned by 0:0, which USER 65532:65532 may not "
            "execute; `COPY --chmod=0750 app /server` (Dockerfile:2) sets that mode: write "
            "--chmod=0755 there",
        ),
        (
            0o750,
            "root",
            None,
            ". /server has mode 0750 in the image, which lets USER root execute it: a folder on "
            "its path may lack the execute bit, or its file system be noexec",
        ),
    ],
)
def test_denied_advice(mode: int, user: str, setter: str | None, expected: str) -> None:
    instruction = parse_dockerfile(f"FROM x\n{setter}\n").instructions[1] if setter else None
    found = FileMode(REGULAR | mode, 0, 0)
    assert denied_advice("/server", found, user, instruction, "Dockerfile:2") == expected


def test_denied_advice_for_a_folder() -> None:
    found = FileMode(stat.S_IFDIR | 0o755, 0, 0)
    assert denied_advice("/server", found, "", None, "") == (
        ". /server is a folder in the image: point ENTRYPOINT/CMD at the program in it"
    )
