"""The first image's MinIO starts while pytest still imports and collects (a whole `--goimage`
run), and a guess the collected items prove wrong costs one MinIO, removed before any service
starts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_goimage.engine.names import image_key

# Two images, the example's [tool.goimage] otherwise: Dockerfile (configured first) and
# Dockerfile.prod.
TABLE = """
[tool.goimage]
dockerfiles = ["Dockerfile", "Dockerfile.prod"]
size_budget = "40MB"
bucket = "bookmarks"
health_path = "/health"
startup_timeout = "30s"

[tool.goimage.env]
STORAGE_ENDPOINT = "{minio.endpoint}"
STORAGE_ACCESS_KEY = "{minio.access_key}"
STORAGE_SECRET_KEY = "{minio.secret_key}"
STORAGE_BUCKET = "{bucket}"
STORAGE_USE_SSL = "false"
"""

# Records, before the first item runs, which image's MinIO the run has started (by the
# network its container joined), and whether that container still runs once each bucket
# check is done. REORDER puts Dockerfile.prod's items first, as a reordering plugin would.
RECORDER = """
import json
import time

import docker
import pytest

from pytest_goimage.engine.connection import LABEL_PREFIX

CLIENT = docker.from_env()
SEEN = {"running_at": {}}
REORDER = __REORDER__


def _minios(config):
    labels = [f"{LABEL_PREFIX}.project={config.rootpath}", f"{LABEL_PREFIX}.role=minio"]
    return CLIENT.containers.list(all=True, filters={"label": labels}, ignore_removed=True)


@pytest.hookimpl(trylast=True)  # after pytest-goimage put its checks in
def pytest_collection_modifyitems(items):
    if REORDER:
        items.sort(key=lambda item: not item.nodeid.startswith("Dockerfile.prod::"))


@pytest.hookimpl(tryfirst=True)  # before pytest-goimage learns the items' order
def pytest_collection_finish(session):
    deadline = time.monotonic() + 20
    while not (found := _minios(session.config)) and time.monotonic() < deadline:
        time.sleep(0.02)
    SEEN["ahead"] = [(c.id, sorted(c.attrs["NetworkSettings"]["Networks"])) for c in found]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        return (yield)
    finally:
        if item.nodeid.endswith("::bucket"):  # its service has run beside a MinIO
            running = {c.id for c in CLIENT.containers.list(ignore_removed=True)}
            SEEN["running_at"][item.nodeid] = [cid in running for cid, _ in SEEN["ahead"]]


def pytest_sessionfinish(session):
    (session.config.rootpath / "seen.json").write_text(json.dumps(SEEN))
"""


def _run(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, *, reorder: bool
) -> tuple[pytest.RunResult, dict[str, object]]:
    root = example_copy(TABLE, conftest=RECORDER.replace("__REORDER__", str(reorder)))
    with (root / ".dockerignore").open("a") as ignore:
        ignore.write("seen.json\n")
    result = pytester.runpytest_subprocess("--goimage", "-p", "no:randomly")
    return result, json.loads((root / "seen.json").read_text())


def test_the_first_images_minio_is_started_before_the_first_item_runs(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    result, seen = _run(example_copy, pytester, reorder=False)
    result.assert_outcomes(passed=15, skipped=8)  # tracked, user, metadata, provenance
    ahead = seen["ahead"]
    assert isinstance(ahead, list) and len(ahead) == 1, ahead
    [(_, networks)] = ahead
    assert len(networks) == 1 and image_key("Dockerfile") in networks[0], networks
    # It is the one Dockerfile's service runs beside: still running at Dockerfile::bucket.
    assert seen["running_at"] == {"Dockerfile::bucket": [True], "Dockerfile.prod::bucket": [False]}


def test_a_wrong_guess_is_removed_before_the_first_service_starts(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The items run Dockerfile.prod first: the MinIO started for Dockerfile is killed before
    Dockerfile.prod's service starts, and Dockerfile's own items get a fresh one."""
    result, seen = _run(example_copy, pytester, reorder=True)
    result.assert_outcomes(passed=15, skipped=8)  # tracked, user, metadata, provenance
    ahead = seen["ahead"]
    assert isinstance(ahead, list) and len(ahead) == 1, ahead
    assert seen["running_at"] == {"Dockerfile.prod::bucket": [False], "Dockerfile::bucket": [False]}
