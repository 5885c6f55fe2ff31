"""When a failed build's step ran for another build (BuildKit merges identical steps of builds
running at the same moment), and when the failure is this build's own."""

from __future__ import annotations

from pytest_goimage.build.buildkit_trace import Vertex
from pytest_goimage.build.engine_build import BuildTrace

ERROR = "executor failed running [/bin/sh -c go build -o /app .]: exit code: 1"


def trace(*vertexes: Vertex, error: str = ERROR) -> BuildTrace:
    return BuildTrace(vertexes={v.digest: v for v in vertexes}, error=error)


def test_a_step_merged_into_another_build_never_starts_here() -> None:
    """As the second of two builds saw it: its RUN never started, and no step has the error."""
    merged = trace(
        Vertex(
            "a",
            "[internal] load metadata for docker.io/library/golang:1.26",
            started=1.0,
            completed=2.0,
        ),
        Vertex("b", "[build 1/3] FROM docker.io/library/golang:1.26", started=1.0, completed=2.0),
        Vertex("c", "[build 3/3] RUN go build -o /app ."),
    )
    assert merged.failed_elsewhere()


def test_a_step_that_failed_here_is_this_builds_own() -> None:
    own = trace(
        Vertex("b", "[build 1/3] FROM docker.io/library/golang:1.26", started=1.0, completed=2.0),
        Vertex("c", "[build 3/3] RUN go build -o /app .", started=2.0, completed=3.0, error=ERROR),
        Vertex("d", "[stage-1 2/2] COPY --from=build /app /app"),
    )
    assert not own.failed_elsewhere()


def test_a_dockerfile_that_does_not_parse_has_no_step_to_retry() -> None:
    assert not trace(
        error="dockerfile parse error on line 3: unknown instruction: RUNN"
    ).failed_elsewhere()


def test_a_build_that_succeeded_is_not_a_failure() -> None:
    assert not trace(Vertex("c", "[build 3/3] RUN go build -o /app ."), error="").failed_elsewhere()


def test_only_dockerfile_steps_count_not_buildkits_internal_ones() -> None:
    """An internal vertex that never started (the context copy BuildKit skipped) is no sign."""
    internal = trace(
        Vertex("a", "[internal] load build definition from Dockerfile", started=1.0, completed=1.1),
        Vertex("b", "copy /context /"),
    )
    assert not internal.failed_elsewhere()
