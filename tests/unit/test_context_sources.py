"""Which context files a Dockerfile takes in (gofacts/context_sources.py), on the shapes real
Dockerfiles use: `COPY . .`, module files first, folders, globs, JSON form, `--from`, ADD of
URLs, RUN bind mounts of the context, and sources only the build can expand."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.context_sources import context_sources, takes
from pytest_goimage.gofacts.dockerfile import parse_dockerfile

LAYERED = """\
FROM golang:1.26.8-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
COPY --chown=1000:1000 ["backend/", "/src/backend/"]
COPY --from=ghcr.io/example/tools:1 /bin/tool /usr/local/bin/
ADD https://example.com/ca.pem /etc/ssl/
COPY configs/*.yaml /etc/app/
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=bind,source=cmd,target=/src/cmd \\
    go build -o /out/app ./cmd/app
FROM scratch
COPY --from=build /out/app /app
"""


def test_sources_as_written_normalised() -> None:
    assert context_sources(parse_dockerfile(LAYERED)) == [
        "go.mod",
        "go.sum",
        "backend",
        "configs/*.yaml",
        "cmd",
    ]


@pytest.mark.parametrize(
    ("path", "taken"),
    [
        ("go.mod", True),
        ("backend/internal/store/store.go", True),  # under a copied folder
        ("configs/app.yaml", True),
        ("configs/dev/app.yaml", False),  # `*` stays within one path element
        ("cmd/app/main.go", True),  # a RUN bind mount of the context
        ("tests/test_api.py", False),
        ("pyproject.toml", False),
        ("backendx/main.go", False),  # a folder name is not a prefix of another
    ],
)
def test_a_context_file_is_taken_only_when_a_source_covers_it(path: str, taken: bool) -> None:
    assert takes(context_sources(parse_dockerfile(LAYERED)), path) is taken


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM golang\nCOPY . .\n",
        "FROM golang\nCOPY ./ /src/\n",
        "FROM golang\nRUN --mount=type=bind,target=/src go build ./...\n",
        "FROM golang\nARG SRC=.\nCOPY ${SRC} /src\n",  # only the build can expand it
    ],
)
def test_the_whole_context_is_taken(dockerfile: str) -> None:
    assert takes(context_sources(parse_dockerfile(dockerfile)), "tests/test_api.py")


def test_nothing_is_taken_from_other_stages_images_or_urls() -> None:
    text = (
        "FROM alpine\nCOPY --from=build /out/app /app\nADD https://example.com/x.tgz /tmp/\n"
        "RUN --mount=type=bind,from=build,source=/out,target=/mnt cp /mnt/app /app\n"
    )
    sources = context_sources(parse_dockerfile(text))
    assert sources == [] and not takes(sources, "main.go")


@pytest.mark.parametrize(
    "flag",
    ["--mount=target=/src", "--mount=type=Bind,target=/src", "--mount=TYPE=bind,target=/src"],
)
def test_a_mount_is_a_bind_mount_of_the_context_by_default_in_any_case(flag: str) -> None:
    sources = context_sources(parse_dockerfile(f"FROM golang\nRUN {flag} go build ./...\n"))
    assert sources == ["."] and takes(sources, "main.go")


def test_a_negated_class_is_read_as_go_reads_it() -> None:
    sources = context_sources(parse_dockerfile("FROM golang\nCOPY [^a]*.go /src/\n"))
    assert takes(sources, "b.go") and not takes(sources, "a.go")


def test_a_changed_submodule_is_taken_when_a_source_is_inside_it() -> None:
    """git names a dirty submodule by its folder only."""
    sources = context_sources(parse_dockerfile("FROM golang\nCOPY libs/sub/pkg /x\n"))
    assert takes(sources, "libs/sub") and not takes(sources, "libs/other")


PARENTS_AND_HEREDOCS = """\
# syntax=docker/dockerfile:1.7-labs
FROM golang:1.26.8-alpine AS build
WORKDIR /src
COPY --parents go.mod internal/**/*.go ./
ADD git@github.com:acme/tools.git /tools
ADD HTTPS://example.com/root.pem /etc/ssl/
COPY <<EOF /src/version.txt
1.0
EOF
COPY <<-"CONF" /etc/app.conf
\tdebug = false
CONF
RUN go build -o /out/app ./internal/cmd/app
"""


@pytest.mark.parametrize(
    ("path", "taken"),
    [
        # `**` in a --parents copy matches at any depth (the review: `**/*.go` was matched
        # one folder deep only, and an ignored package further down went unseen).
        ("internal/storage/s3/client.go", True),
        ("internal/cmd/app/main.go", True),
        ("tools/gen/main.go", False),
        ("go.mod", True),
        # Heredocs, git repositories and URLs of any case read no context file.
        ("version.txt", False),
        ("EOF", False),
    ],
)
def test_parents_globs_count_at_any_depth_and_heredocs_urls_take_nothing(
    path: str, taken: bool
) -> None:
    sources = context_sources(parse_dockerfile(PARENTS_AND_HEREDOCS))
    assert sources == ["go.mod", "internal/**/*.go"]
    assert takes(sources, path) is taken
