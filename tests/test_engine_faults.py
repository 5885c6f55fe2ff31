"""When the engine cannot be reached: one clear error per run, Docker-free checks still run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def test_engine_unreachable_is_one_clear_error(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    example_copy("[tool.goimage]\n")
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:9")  # the discard port: nothing answers
    result = pytester.runpytest_subprocess("--goimage", "-rs")
    # go-version needs no engine: it passes for the 3 images. The first Docker check fails
    # with the reason; the others skip pointing at it instead of repeating it 20 times.
    result.assert_outcomes(passed=3, failed=1, skipped=23)
    out = result.stdout.str()
    assert out.count("Cannot reach the Docker engine at tcp://127.0.0.1:9") == 1, out
    assert "point DOCKER_HOST at a running engine" in out
    assert "the Docker engine is unreachable (see the first failed check)" in out
    assert "Traceback" not in out
