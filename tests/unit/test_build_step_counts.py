"""How a build's steps went, read from BuildKit's progress as Docker 20.10 streamed it.

The two streams in corpus/buildkit/ are recorded from this machine's engine: three builds of
the example's backend/Dockerfile started at once with a warm cache. One of the three got every
step reported cached; another got its Dockerfile steps announced and never started or cached,
because BuildKit solved each shared step once, for the build that asked first.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pytest_goimage.build.engine_build import BuildRequest, BuildTrace, _consume, finished
from pytest_goimage.engine.image import steps_text

CORPUS = Path(__file__).parent / "corpus" / "buildkit"


def _replayed(name: str) -> BuildTrace:
    trace = BuildTrace()
    for line in (CORPUS / name).read_text().splitlines():
        _consume(json.loads(line), trace, None)
    return trace


def _counts(name: str) -> tuple[int, int, int]:
    request = BuildRequest(dockerfile=Path("backend/Dockerfile"), context=Path("."), tag="t")
    result = finished(_replayed(name), request, time.monotonic())
    return result.steps, result.cached_steps, result.shared_steps


@pytest.mark.parametrize(
    ("stream", "counts"),
    [
        ("rerun_all_cached.jsonl", (6, 6, 0)),
        # Not "0/6 steps cached": nothing ran in this build, another build did the steps.
        ("rerun_beside_two_builds_of_the_same_steps.jsonl", (6, 0, 6)),
    ],
)
def test_steps_another_build_did_are_counted_as_shared(
    stream: str, counts: tuple[int, int, int]
) -> None:
    assert _counts(stream) == counts


def test_the_counts_name_shared_steps_only_when_there_are_some() -> None:
    assert steps_text(7, 5, 0) == "5/7 steps cached"
    assert steps_text(6, 0, 6) == (
        "0/6 steps cached, 6 done by another build of the same steps running beside it"
    )
