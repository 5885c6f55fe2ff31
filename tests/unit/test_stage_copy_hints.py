"""build/stage_copy_hints.py: a `COPY --from` source the stage never wrote, named with where
the stage's go build writes (its WORKDIR joined), for a named, numbered or inherited stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.build.failed_build import FailedBuild
from pytest_goimage.build.stage_copy_hints import stage_copy_missing
from pytest_goimage.gofacts.dockerfile import parse_dockerfile

NOT_FOUND = 'failed to compute cache key: "/out/server": not found'


def failed_build(text: str, error: str = NOT_FOUND) -> FailedBuild:
    """A build of the Dockerfile `text` at /p/Dockerfile (context /p) that BuildKit failed
    with `error`, before any step ran."""
    return FailedBuild(
        trace_error=error,
        step=None,
        error="",
        output="",
        text=text,
        parsed=parse_dockerfile(text),
        instruction=None,
        dockerfile=Path("/p/Dockerfile"),
        dockerfile_label="Dockerfile",
        context=Path("/p"),
        context_label=".",
        log_path=None,
    )


@pytest.mark.parametrize(
    ("dockerfile", "copied", "writes"),
    [
        # A relative -o is in the WORKDIR (the review: "writes app" sent the user to /app).
        (
            "FROM golang:1.26 AS Build\nWORKDIR /src\nCOPY . .\nRUN go build -o app .\n"
            "FROM scratch\nCOPY --from=build /out/server /server\n",
            "--from=build /out/server",
            "/src/app (line 4)",
        ),
        (
            "FROM golang:1.26\nRUN go build -o /out/api .\nFROM scratch\n"
            "COPY --from=0 /out/server /server\n",
            "--from=0 /out/server",
            "/out/api (line 2)",
        ),
        # A stage built FROM the one that builds.
        (
            "FROM golang:1.26 AS base\nWORKDIR /w\nRUN go build -o bin/api ./cmd/api\n"
            "FROM base AS build\nRUN true\nFROM scratch\nCOPY --from=build /out/server /s\n",
            "--from=build /out/server",
            "/w/bin/api (line 3)",
        ),
    ],
)
def test_the_stage_and_where_its_go_build_writes_are_named(
    dockerfile: str, copied: str, writes: str
) -> None:
    message = stage_copy_missing(failed_build(dockerfile), "/out/server")
    assert message is not None
    assert f"`COPY {copied} ...`" in message
    assert f"That stage's go build writes {writes}: copy that path" in message


def test_a_copy_from_the_build_context_is_not_this_message() -> None:
    text = "FROM scratch\nCOPY out/server /server\n"
    assert stage_copy_missing(failed_build(text), "out/server") is None
