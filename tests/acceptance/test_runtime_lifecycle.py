"""How long each image's MinIO and service live: one image's pair at a time, none left over."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, commit_checkout

# Counts the project's plugin-labelled running containers after every setup and call, per
# node id: what runs while an item's fixtures are up and right after the item did its work.
# A set no item needs is killed and removed in the background: its stopped containers, not
# running, are not counted.
COUNTING_CONFTEST = """
import json
import time

import docker
import pytest

from pytest_goimage.engine.labels import LABEL_PREFIX
from pytest_goimage.engine.names import image_key

CLIENT = docker.from_env()
COUNTS = []


def _count(item, when):
    \"\"\"Which image each of the project's containers belongs to (by its network) and its role.\"\"\"
    keys = {image_key(i.dockerfile): i.dockerfile for i in item.config._goimage_images}
    label = f"{LABEL_PREFIX}.project={item.config.rootpath}"
    found = {}
    for container in CLIENT.containers.list(filters={"label": label}, ignore_removed=True):
        networks = list(container.attrs["NetworkSettings"]["Networks"])
        image = next((d for k, d in keys.items() if any(k in n for n in networks)), "?")
        found.setdefault(image, []).append(container.labels[f"{LABEL_PREFIX}.role"])
    COUNTS.append([item.nodeid, when, {i: sorted(r) for i, r in found.items()}])


def pytest_configure(config):
    from pytest_goimage.config import load_config

    config._goimage_images = load_config(config.rootpath).images


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
        if item.nodeid == "goimage::parity":
            # The last image's set was released before parity and is killed in the
            # background: it must stop running now, not only when the run ends.
            deadline = time.monotonic() + 10
            while COUNTS[-1][2] and time.monotonic() < deadline:
                time.sleep(0.05)
                _count(item, "drained")


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
    """`--goimage` on the three example images, with custom tests on the fixtures. One
    service runs at a time; while an image's runtime item runs, no other image's set runs but
    at most the next image's MinIO and dependencies, started ahead of its items; each set is
    killed as soon as its last item (check or test) is done, and removed in the background;
    the fixtures still hand out a working set. backend/Dockerfile's set has a third container:
    its Redis."""
    root = example_copy(_example_goimage_table(), conftest=COUNTING_CONFTEST)
    pytester.makepyfile(test_custom=CUSTOM_TESTS)
    # A git checkout, as the example's release policy (provenance, revision label) expects.
    commit_checkout(root, "counts.json")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-p", "no:randomly")
    # user: required of Dockerfile.prod only.
    result.assert_outcomes(passed=38, skipped=2)  # parity too
    counts = json.loads((root / "counts.json").read_text())
    in_use = {"Dockerfile": ["minio", "service"], "Dockerfile.prod": ["minio", "service"]}
    in_use["backend/Dockerfile"] = ["dependency", "minio", "service"]
    for nodeid, when, found in counts:
        # `Dockerfile.prod::static`, or `test_custom.py::test_health[Dockerfile.prod]`
        own = nodeid.split("[")[1].rstrip("]") if "[" in nodeid else nodeid.split("::")[0]
        others = {image: roles for image, roles in found.items() if image != own}
        # At most one service runs; a killed set's may still be dying at the next item.
        services = [image for image, roles in found.items() if "service" in roles]
        assert len(services) <= 1, (nodeid, when, found)
        assert len(others) <= 1, (nodeid, when, found)
        runtime = nodeid.endswith(("::bucket", "::health")) or nodeid.startswith("test_custom")
        if when == "call" and runtime:
            assert found.get(own) == in_use[own], (nodeid, found)
            # The next image's set starts early, without its service; the last one's kill
            # was waited for before this service started.
            assert all("service" not in roles for roles in others.values()), (nodeid, found)
        elif when == "call":
            assert "service" not in found.get(own, []), (nodeid, found)
        if nodeid == "goimage::parity" and when == "call":
            # After every image's checks it runs no container; the last image's set, killed
            # in the background as parity starts, may still be dying.
            assert set(found) <= {IMAGES[-1]}, found
    # ... and stops running while parity runs, not only when the run ends.
    at_parity = [found for nodeid, _, found in counts if nodeid == "goimage::parity"]
    assert at_parity[-1] == {}, at_parity
    assert max(sum(len(r) for r in found.values()) for _, _, found in counts) <= 4, counts
