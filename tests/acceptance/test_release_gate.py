"""The release gate on real images: `metadata`, `provenance`, the SBOM and `parity`; each
broken variant fails the right check with the right message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import outcomes


def test_missing_label_and_root_user_fail_metadata(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    example_copy(
        """
        [tool.goimage]
        dockerfiles = ["Dockerfile", "Dockerfile.prod"]

        [[tool.goimage.image]]
        dockerfile = "Dockerfile"
        metadata = { user = "non-root", expose = [8080] }

        [[tool.goimage.image]]
        dockerfile = "Dockerfile.prod"
        metadata = { labels = ["org.opencontainers.image.source"], user = "non-root" }
        """
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "metadata")
    assert outcomes(result) == {
        "Dockerfile::metadata": "FAILED",
        "Dockerfile.prod::metadata": "FAILED",
    }
    result.stdout.fnmatch_lines(
        [
            "[[]goimage metadata[]] Dockerfile: image goimage/*:* does not meet its metadata "
            "policy (pyproject.toml [[]tool.goimage[]] metadata): it runs as root (no USER "
            'instruction), the policy says user = "non-root". Fix the Dockerfile (LABEL, '
            "EXPOSE, USER, HEALTHCHECK, ENTRYPOINT, CMD, WORKDIR, ENV) or the policy.",
            "[[]goimage metadata[]] Dockerfile.prod: image goimage/*:* does not meet its "
            "metadata policy (pyproject.toml [[]tool.goimage[]] metadata): label "
            "org.opencontainers.image.source is missing. Fix the Dockerfile (LABEL, EXPOSE, "
            "USER, HEALTHCHECK, ENTRYPOINT, CMD, WORKDIR, ENV) or the policy.",
        ]
    )
