"""The first image's MinIO starts while pytest collects (a whole `--goimage` run). A guess the
collected items prove wrong is killed before the first service starts, or kept when the items
run that image second (the first service would start its set ahead anyway): never started
twice. Read from the engine's own event stream of the run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, commit_checkout

# Before the first item runs, the id of the MinIO the run has started; at the end, the engine's
# container events of the run (start, die), oldest first. LAST (a Dockerfile or None) moves
# that image's items last, as a plugin that reorders items would. The events are followed live
# from the start: a query afterwards gets only the engine's last 256 events of any kind, which
# a run with cold builds beside other tests' containers outgrows (one MinIO start was missing).
RECORDER = """
import json
import threading
import time

import docker
import pytest

from pytest_goimage.engine.labels import LABEL_PREFIX

CLIENT = docker.from_env()
SEEN = {}
LAST = __LAST__
ROLE = f"{LABEL_PREFIX}.role"
EVENTS = {}  # (timeNano, Action, id) -> role
LIVE = {}


def _project(config):
    return f"{LABEL_PREFIX}.project={config.rootpath}"


def _keep(events):
    try:
        for e in events:
            if e.get("Action") in ("start", "die"):
                EVENTS[(e["timeNano"], e["Action"], e["id"])] = e["Actor"]["Attributes"][ROLE]
    except Exception:
        pass  # the stream closed at the end of the run


def _filters(config):
    return {"type": "container", "label": _project(config)}


def pytest_configure(config):
    SEEN["since"] = time.time() - 1
    LIVE["stream"] = CLIENT.events(since=SEEN["since"], decode=True, filters=_filters(config))
    LIVE["thread"] = threading.Thread(target=_keep, args=(LIVE["stream"],), daemon=True)
    LIVE["thread"].start()


@pytest.hookimpl(trylast=True)  # after pytest-goimage put its checks in
def pytest_collection_modifyitems(items):
    if LAST:
        items.sort(key=lambda item: item.nodeid.startswith(LAST + "::"))


@pytest.hookimpl(tryfirst=True)  # before pytest-goimage learns the items' order
def pytest_collection_finish(session):
    labels = [_project(session.config), f"{LABEL_PREFIX}.role=minio"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = CLIENT.containers.list(all=True, filters={"label": labels}, ignore_removed=True)
        if found:
            break
        time.sleep(0.02)
    SEEN["ahead"] = [c.id for c in found]


def pytest_sessionfinish(session):
    # The latest events, which the live stream may not have delivered yet, from a query.
    recent = list(
        CLIENT.events(
            since=SEEN["since"], until=time.time() + 1, decode=True, filters=_filters(session.config)
        )
    )
    LIVE["stream"].close()
    LIVE["thread"].join(timeout=10)
    _keep(recent)
    SEEN["events"] = [[*key, role] for key, role in sorted(EVENTS.items())]
    (session.config.rootpath / "seen.json").write_text(json.dumps(SEEN))
"""

# Dockerfile (configured first) and Dockerfile.prod, the example's settings otherwise.
TWO_IMAGES = """
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


def _three_images() -> str:
    """The example's own [tool.goimage]: Dockerfile, Dockerfile.prod, backend/Dockerfile."""
    text = (EXAMPLE / "pyproject.toml").read_text()
    return text[text.index("[tool.goimage]") :]


def _run(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, table: str, last: str | None
) -> tuple[pytest.RunResult, dict[str, list[list[object]]]]:
    root = example_copy(table, conftest=RECORDER.replace("__LAST__", repr(last)))
    commit_checkout(root, "seen.json")
    result = pytester.runpytest_subprocess("--goimage", "-p", "no:randomly")
    return result, json.loads((root / "seen.json").read_text())


def _starts(seen: dict[str, list[list[object]]], role: str) -> list[list[object]]:
    return [e for e in seen["events"] if e[1] == "start" and e[3] == role]


def _died(seen: dict[str, list[list[object]]], container: object) -> int:
    [when] = [e[0] for e in seen["events"] if e[1] == "die" and e[2] == container]
    assert isinstance(when, int)
    return when


def test_the_first_images_minio_starts_before_any_item_and_serves_its_service(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    result, seen = _run(example_copy, pytester, TWO_IMAGES, last=None)
    result.assert_outcomes(passed=17, skipped=6)  # user, metadata, provenance: not required
    [ahead] = seen["ahead"]
    minios, services = _starts(seen, "minio"), _starts(seen, "service")
    assert len(minios) == 2 and minios[0][2] == ahead, minios
    # It runs until Dockerfile's service (the first) has run beside it.
    first_service, second_service = (e[0] for e in services)
    assert first_service < _died(seen, ahead) < second_service  # type: ignore[operator]


def test_a_guess_the_items_run_second_is_kept_for_them_not_started_twice(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    result, seen = _run(example_copy, pytester, TWO_IMAGES, last="Dockerfile")
    result.assert_outcomes(passed=17, skipped=6)
    [ahead] = seen["ahead"]
    minios, services = _starts(seen, "minio"), _starts(seen, "service")
    assert len(minios) == 2 and len(services) == 2, seen["events"]
    # Dockerfile.prod's service, then Dockerfile's beside the MinIO started ahead.
    assert services[1][0] < _died(seen, ahead)  # type: ignore[operator]


def test_a_guess_the_items_run_third_is_killed_before_the_first_service_starts(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    result, seen = _run(example_copy, pytester, _three_images(), last="Dockerfile")
    result.assert_outcomes(passed=32, skipped=2)  # user: required of Dockerfile.prod only
    [ahead] = seen["ahead"]
    minios, services = _starts(seen, "minio"), _starts(seen, "service")
    # The guess, then one per image: Dockerfile's own came when its turn did.
    assert len(minios) == 4 and minios[0][2] == ahead and len(services) == 3, seen["events"]
    assert _died(seen, ahead) < services[0][0]  # type: ignore[operator]
