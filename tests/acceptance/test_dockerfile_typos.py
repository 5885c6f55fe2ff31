"""Slips in a Dockerfile that BuildKit reports as something else, built for real (trial 31): a
stage reference with a typo fails as an unreachable registry at no line, and a trailing `\\`
joins the next stage's FROM into a RUN."""

from __future__ import annotations

import pytest

from tests.conftest import go_app

STAGE = "FROM golang:1.26.8-alpine AS build\nWORKDIR /src\nCOPY app /out/app\n\n"


def _build_failure(pytester: pytest.Pytester, dockerfile: str) -> list[str]:
    """The `[goimage build]` lines of a build check run on `dockerfile`."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(dockerfile)
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "Traceback" not in out, out
    return [line for line in result.stdout.lines if line.startswith("[goimage build] ")]


@pytest.mark.parametrize(
    ("final", "start", "fix"),
    [
        (
            "FROM alpine:3.22\nCOPY --from=builder /out/app /app\n",
            "Dockerfile:6: COPY --from=builder names no stage of this Dockerfile (its stages: "
            "build) and no image on this engine; BuildKit took it as the image "
            "docker.io/library/builder:latest, which could not be pulled",
            "Write `COPY --from=build` to use the stage build, or name an image the engine has "
            "or can pull.",
        ),
        (
            "FROM builder AS final\n",
            "Dockerfile:5: FROM builder AS final names no stage of this Dockerfile (its stages: "
            "build, final) and no image on this engine; BuildKit took it as the image "
            "docker.io/library/builder:latest, which could not be pulled",
            "Write `FROM build AS final` to use the stage build, or name an image the engine "
            "has or can pull.",
        ),
        (
            "FROM alpine:3.22\nRUN --mount=from=builder,source=/out/app,target=/x cp /x /app\n",
            "Dockerfile:6: RUN --mount=from=builder,source=/out/app,target=/x names no stage of "
            "this Dockerfile (its stages: build) and no image on this engine; BuildKit took it "
            "as the image docker.io/library/builder:latest, which could not be pulled",
            "Write `RUN --mount=from=build,source=/out/app,target=/x` to use the stage build, or "
            "name an image the engine has or can pull.",
        ),
    ],
    ids=["copy-from", "from", "mount-from"],
)
def test_a_stage_name_with_a_typo_is_named_with_its_line_and_the_stage_meant(
    pytester: pytest.Pytester, final: str, start: str, fix: str
) -> None:
    """Before: `Dockerfile:1: a base image could not be resolved: the registry
    registry-1.docker.io could not be reached ... fix the FROM line`."""
    lines = _build_failure(pytester, STAGE + final + 'ENTRYPOINT ["/app"]\n')
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"[goimage build] {start}"), lines
    assert lines[0].endswith(fix), lines


# The trial's builder stage: its last line ends in `\`, and a blank line follows.
CONTINUED = """\
FROM golang:1.26.8-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build \\
    -trimpath \\
    -o /out/app . \\

"""


@pytest.mark.parametrize(
    ("final", "said"),
    [
        (
            # The next stage copies from this one, which now holds the COPY itself.
            "FROM alpine:3.22\nCOPY --from=build /out/app /app\n",
            "circular dependency detected on stage: build",
        ),
        (
            # A comment between; the go build then gets `FROM alpine:3.22` as arguments.
            "# runtime\nFROM alpine:3.22\nCOPY app /app\n",
            "[/bin/sh -c CGO_ENABLED=0 go build -trimpath -o /out/app . FROM alpine:3.22]",
        ),
    ],
    ids=["circular", "go-build-words"],
)
def test_a_trailing_backslash_names_the_line_and_the_instruction_it_swallowed(
    pytester: pytest.Pytester, final: str, said: str
) -> None:
    """Before: `the build failed before any step ran: ... circular dependency detected on stage:
    build`, naming no line."""
    lines = _build_failure(pytester, CONTINUED + final + 'ENTRYPOINT ["/app"]\n')
    line = 9 if final.startswith("#") else 8
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        f"[goimage build] Dockerfile:6 ends in \\, so line {line} FROM alpine:3.22 became part "
        "of its RUN (BuildKit then failed: "
    ), lines
    assert said in lines[0], lines
    assert lines[0].endswith(
        f"Remove the trailing \\ from line 6, so that line {line} is an instruction of its own."
    ), lines
