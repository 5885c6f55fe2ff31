"""Soak: 20 consecutive runs of the example suite leave the engine as they found it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import docker
import pytest

from pytest_goimage.engine.labels import LABEL_PREFIX
from pytest_goimage.engine.names import slug
from tests.conftest import EXAMPLE, image_tags, plugin_resources

RUNS = 20
TOML = """
[tool.goimage]
dockerfiles = ["backend/Dockerfile"]
bucket = "bookmarks"

[tool.goimage.env]
STORAGE_ENDPOINT = "{minio.endpoint}"
STORAGE_ACCESS_KEY = "{minio.access_key}"
STORAGE_SECRET_KEY = "{minio.secret_key}"
STORAGE_BUCKET = "{bucket}"
"""


def engine_state(client: docker.DockerClient, project: Path) -> dict[str, object]:
    """What this project's runs own on the engine (other tests may run at the same time)."""
    built_by_plugin = {"label": f"{LABEL_PREFIX}.dockerfile"}
    prefix = f"goimage/{slug(project.name)}-"
    return {
        "containers, networks, volumes": plugin_resources(client, project),
        "images": sorted(tag for tag in image_tags(client) if tag.startswith(prefix)),
        "dangling images built by the plugin": len(
            client.api.images(filters={"dangling": True, **built_by_plugin})
        ),
    }


def test_twenty_runs_leave_nothing(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, docker_client: docker.DockerClient
) -> None:
    root = example_copy(TOML)
    shutil.copytree(EXAMPLE / "tests", root / "tests")
    # Warm the build cache and MinIO image first: the soak is about what runs leave behind.
    pytester.runpytest_subprocess("--goimage", "-q").assert_outcomes(
        passed=11, skipped=5
    )  # metadata, provenance, parity: no policy, no git, one image
    before = engine_state(docker_client, root)
    for _ in range(RUNS):
        pytester.runpytest_subprocess("--goimage", "-q").assert_outcomes(
            passed=11, skipped=5
        )  # metadata, provenance, parity: no policy, no git, one image
    assert engine_state(docker_client, root) == before
    assert before["containers, networks, volumes"] == [] and before["images"] == []
