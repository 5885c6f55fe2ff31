"""The assertion helpers fail like an `assert`, naming what is wrong."""

from __future__ import annotations

import pytest

from tests.conftest import go_app


@pytest.fixture
def tiny(pytester: pytest.Pytester) -> None:
    root = pytester.path
    go_app(root, go_line="go 1.26.0\n\ntoolchain go1.26.8")
    (root / "Dockerfile").write_text('FROM alpine:3.22\nCOPY app /app\nENTRYPOINT ["/app"]\n')
    (root / "pyproject.toml").write_text("[tool.goimage]\n")
    # An older Go for assert_go_versions_aligned to name: a CI job's (a golang stage no stage
    # uses is not a pin; one that is used would need its image, which is not here). setup-go v6
    # sets GOTOOLCHAIN=local, so the job runs 1.25 (v5's would switch to go.mod's Go).
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/setup-go@v6\n        with:\n          go-version: '1.25'\n"
        "      - run: go test ./...\n"
    )


def test_helpers(pytester: pytest.Pytester, tiny: None) -> None:
    pytester.makepyfile(
        test_helpers="""
        from pytest_goimage.assertions import (
            assert_go_versions_aligned, assert_size_within, assert_static,
        )

        def test_static(goimage):
            assert_static(goimage)

        def test_size_ok(goimage):
            assert_size_within(goimage, "64MB")

        def test_size_too_small_budget(goimage):
            assert_size_within(goimage, "1MB")

        def test_versions(goimage_config):
            assert_go_versions_aligned(goimage_config)

        def test_busybox_is_static_but_not_go(goimage):
            import dataclasses
            assert_static(dataclasses.replace(goimage, configured_binary="/bin/busybox"))
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2, failed=3)
    result.stdout.fnmatch_lines(
        [
            # Tests that use `goimage` run first, grouped by image.
            "*AssertionError: goimage/*:* is * MB, over 1.0 MB; largest layers: *",
            "*/bin/busybox in goimage/* carries no Go build info, so CGO_ENABLED=0 cannot be*",
            "*.github/workflows/ci.yml:8: go-version 1.25 names Go 1.25, go.mod requires 1.26.8 *",
        ]
    )
    # Rewritten by pytest: the failing comparison is shown with its values.
    result.stdout.fnmatch_lines(["*assert * <= 1000000*"])
