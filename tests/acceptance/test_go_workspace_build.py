"""A committed go.work that asks for a newer Go than the builder has: the real build fails
with Go's `go.work requires go >= ...`, and the build check names go.work (not go.mod) as what
asks for it, beside go-version's finding before any build."""

from __future__ import annotations

import pytest

from tests.conftest import go_workspace_repo, outcomes


def test_the_build_names_go_work_as_what_needs_the_newer_go(pytester: pytest.Pytester) -> None:
    go_workspace_repo(pytester)
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "build or go-version")
    out = result.stdout.str()
    assert outcomes(result, short=True) == {"go-version": "FAILED", "build": "FAILED"}, out
    assert (
        "the builder image runs Go 1.26.8 but go.work requires Go >= 1.27.0. Use a builder "
        "image with Go 1.27.0 or newer (FROM at Dockerfile:1), or lower go.work's go/toolchain "
        "line." in " ".join(out.split())
    ), out
