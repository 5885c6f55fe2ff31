"""build/unknown_stage.py: a stage reference (`COPY --from`, `RUN --mount=from=`, `FROM`) that
names no stage is named with its line and the closest stage, not blamed on line 1 and the
registry (trial 31)."""

from __future__ import annotations

import pytest

from pytest_goimage.build.unknown_stage import full_reference, unknown_stage
from tests.unit.test_stage_copy_hints import failed_build

# BuildKit's error for a name it looked up as an image, with no registry in reach.
UNREACHABLE = (
    'failed to do request: Head "https://registry-1.docker.io/v2/library/{name}/manifests/'
    'latest": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host'
)
WHY = (
    "which could not be pulled: the registry registry-1.docker.io could not be reached, its "
    "DNS lookup failed (dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host)"
)
BUILD = "FROM golang:1.26.8-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"


@pytest.mark.parametrize(
    ("final", "expected"),
    [
        (
            "FROM alpine:3.22\nCOPY --from=builder /app /app\n",
            "Dockerfile:6: COPY --from=builder names no stage of this Dockerfile (its stages: "
            "build) and no image on this engine; BuildKit took it as the image "
            f"docker.io/library/builder:latest, {WHY}. Write `COPY --from=build` to use the "
            "stage build, or name an image the engine has or can pull.",
        ),
        (
            "FROM builder AS final\n",
            "Dockerfile:5: FROM builder AS final names no stage of this Dockerfile (its stages: "
            "build, final) and no image on this engine; BuildKit took it as the image "
            f"docker.io/library/builder:latest, {WHY}. Write `FROM build AS final` to use the "
            "stage build, or name an image the engine has or can pull.",
        ),
        (
            "FROM alpine:3.22\nRUN --mount=from=builder,source=/app,target=/x cp /x /app\n",
            "Dockerfile:6: RUN --mount=from=builder,source=/app,target=/x names no stage of this "
            "Dockerfile (its stages: build) and no image on this engine; BuildKit took it as the "
            f"image docker.io/library/builder:latest, {WHY}. Write `RUN "
            "--mount=from=build,source=/app,target=/x` to use the stage build, or name an image "
            "the engine has or can pull.",
        ),
        (
            # Nothing close: the stages are listed, no guess is made.
            "FROM alpine:3.22\nCOPY --from=compile /app /app\n",
            "Dockerfile:6: COPY --from=compile names no stage of this Dockerfile (its stages: "
            "build) and no image on this engine; BuildKit took it as the image "
            f"docker.io/library/compile:latest, {WHY}. Name one of its stages, or an image the "
            "engine has or can pull.",
        ),
    ],
    ids=["copy", "from", "mount", "nothing-close"],
)
def test_a_reference_to_no_stage_names_its_line_and_the_closest_stage(
    final: str, expected: str
) -> None:
    name = "compile" if "compile" in final else "builder"
    build = failed_build(BUILD + final, UNREACHABLE.format(name=name))
    assert unknown_stage(build) == expected


@pytest.mark.parametrize(
    ("final", "name"),
    [
        # An image named on purpose: a FROM's tagged or far-off name, a tagged `--from`.
        ("FROM ubuntu\n", "ubuntu"),
        ("FROM alpine:3.22\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n", "nginx"),
        # The stage exists (names are case-insensitive), whatever the error names.
        ("FROM alpine:3.22\nCOPY --from=Build /app /app\n", "Build"),
        # A FROM is no typo of its own stage's name, nor of a later stage's.
        ("FROM alpine AS alpine-runtime\n", "alpine"),
        ("FROM golang AS golang-builder\nFROM scratch AS golang2\n", "golang"),
    ],
    ids=["far-off-from", "tagged-from", "stage-case", "own-stage", "later-stage"],
)
def test_an_image_named_on_purpose_is_left_to_the_base_image_rule(final: str, name: str) -> None:
    assert unknown_stage(failed_build(BUILD + final, UNREACHABLE.format(name=name))) is None


def test_a_registry_without_the_repository_names_no_image_yet_the_reference_is_named() -> None:
    error = (
        "failed to load cache key: pull access denied, repository does not exist or may require "
        "authorization: server message: insufficient_scope: authorization failed"
    )
    message = unknown_stage(
        failed_build(BUILD + "FROM scratch\nCOPY --from=bulid /app /app\n", error)
    )
    assert message is not None
    assert message.startswith("Dockerfile:6: COPY --from=bulid names no stage"), message
    assert "Write `COPY --from=build` to use the stage build" in message


@pytest.mark.parametrize(
    "final",
    [
        # The registry's error names no image: a private base image is the likelier cause.
        "FROM acme/private-go:1.26\nCOPY --from=busybox /bin/busybox /bin/busybox\n",
        # Two bare references that could be meant: neither is claimed.
        "FROM scratch\nCOPY --from=bulid /app /app\nCOPY --from=buidl /etc /etc\n",
    ],
    ids=["private-base", "two-candidates"],
)
def test_a_registry_error_naming_no_image_claims_no_reference_that_is_not_clearly_meant(
    final: str,
) -> None:
    error = "pull access denied, repository does not exist or may require authorization"
    assert unknown_stage(failed_build(BUILD + final, error)) is None


@pytest.mark.parametrize(
    ("name", "image"),
    [
        ("builder", "docker.io/library/builder:latest"),
        ("acme/tools:1", "docker.io/acme/tools:1"),
        ("ghcr.io/acme/tools", "ghcr.io/acme/tools:latest"),
        ("localhost:5000/tools", "localhost:5000/tools:latest"),
    ],
)
def test_a_name_becomes_the_image_reference_the_engine_uses(name: str, image: str) -> None:
    assert full_reference(name) == image
