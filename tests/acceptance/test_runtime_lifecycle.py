"""How long each image's MinIO and service live: one image's pair at a time, none left over."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE

# Counts the project's plugin-labelled containers after every setup and call, per node id:
# what runs while an item's fixtures are up and right after the item did its work.
COUNTING_CONFTEST = """
import json

import docker
import pytest

from pytest_goimage.engine.connection import LABEL_PREFIX

CLIENT = docker.from_env()
COUNTS = []


def _count(item, when):
    label = f"{LABEL_PREFIX}.project={item.config.rootpath}"
    found = CLIENT.containers.list(all=True, filters={"label": label}, ignore_removed=True)
    COUNTS.append([item.nodeid, when, len(found)])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    try:
        return (yield)
    finally:
        _count(item, "setup")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        return (yield)
    finally:
        _count(item, "call")


def pytest_sessionfinish(session):
    (session.config.rootpath / "counts.json").write_text(json.dumps(COUNTS))
"""

CUSTOM_TESTS = """
import requests


def test_health(goimage_service):
    assert requests.get(goimage_service.url + "/health", timeout=5).status_code == 200


def test_bucket_is_there(goimage_minio):
    assert [b.name for b in goimage_minio.client.list_buckets()] == ["bookmarks"]
"""

IMAGES = ("Dockerfile", "Dockerfile.prod", "backend/Dockerfile")


def _example_goimage_table() -> str:
    """The example's own [tool.goimage] (its pytest settings point at its tests/, not copied)."""
    text = (EXAMPLE / "pyproject.toml").read_text()
    return text[text.index("[tool.goimage]") :]


def test_one_image_minio_and_service_at_a_time(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """`--goimage` on the three example images, with custom tests on the fixtures: at most one
    image's MinIO, dependencies and service exist at any point, each image's set goes as soon
    as its last item (check or test) is done, and the fixtures still hand out a working set.
    backend/Dockerfile's set has a third container: its Redis."""
    root = example_copy(_example_goimage_table(), conftest=COUNTING_CONFTEST)
    pytester.makepyfile(test_custom=CUSTOM_TESTS)
    # A git checkout, as the example's release policy (provenance, revision label) expects.
    with (root / ".gitignore").open("a") as ignore:
        ignore.write("stdout\nstderr\nrunpytest-*\ncounts.json\n")
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "example"], check=True)
    result = pytester.runpytest_subprocess("--goimage", "-v", "-p", "no:randomly")
    # user: required of Dockerfile.prod only.
    result.assert_outcomes(passed=37, skipped=2)
    counts = json.loads((root / "counts.json").read_text())
    assert max(count for _, _, count in counts) == 3, counts
    after_call = {nodeid: count for nodeid, when, count in counts if when == "call"}
    expected: dict[str, int] = {}
    for image in IMAGES:
        running = 3 if image == "backend/Dockerfile" else 2
        for check in (
            "go-version",
            "tracked",
            "build",
            "static",
            "size",
            "secrets",
            "user",
            "metadata",
            "provenance",
        ):
            expected[f"{image}::{check}"] = 0
        expected[f"{image}::bucket"] = running
        expected[f"{image}::health"] = running
        expected[f"test_custom.py::test_health[{image}]"] = running
        expected[f"test_custom.py::test_bucket_is_there[{image}]"] = running
    expected["goimage::parity"] = 0  # after every image's checks; it runs no container
    assert after_call == expected, counts
