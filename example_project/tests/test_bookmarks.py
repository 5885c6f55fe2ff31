"""Acceptance tests of the bookmark-sync images: each runs against every image built from
this project (the `goimage` fixtures are parametrized over [tool.goimage]'s Dockerfiles)."""

from __future__ import annotations

import json
import time

import requests

from pytest_goimage import MinioServer, RunningService

BUCKET = "bookmarks"


def test_bookmark_round_trip(goimage_service: RunningService, goimage_minio: MinioServer) -> None:
    """A bookmark made through the API is a JSON object in MinIO, readable, listable, deletable."""
    api = goimage_service.url
    created = requests.post(
        f"{api}/bookmarks",
        json={"url": "https://go.dev/doc/", "title": "Go docs", "tags": ["go"]},
        timeout=5,
    )
    assert created.status_code == 201, created.text
    bookmark = created.json()
    key = f"bookmarks/{bookmark['id']}.json"

    stored = goimage_minio.client.get_object(BUCKET, key)
    try:
        assert json.loads(stored.read())["url"] == "https://go.dev/doc/"
    finally:
        stored.close()
        stored.release_conn()

    assert requests.get(f"{api}/bookmarks/{bookmark['id']}", timeout=5).json() == bookmark
    listed = requests.get(f"{api}/bookmarks", timeout=5).json()
    assert bookmark["id"] in [b["id"] for b in listed]
    assert requests.delete(f"{api}/bookmarks/{bookmark['id']}", timeout=5).status_code == 204
    assert requests.get(f"{api}/bookmarks/{bookmark['id']}", timeout=5).status_code == 404
    assert key not in [
        o.object_name for o in goimage_minio.client.list_objects(BUCKET, "bookmarks/")
    ]


def test_rejects_bad_input(goimage_service: RunningService) -> None:
    response = requests.post(f"{goimage_service.url}/bookmarks", data="{not json", timeout=5)
    assert response.status_code == 400


def _healthy_within(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    delay = 0.02
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(delay)
        delay = min(delay * 1.5, 0.25)
    return False


def test_recovers_when_minio_restarts(
    goimage_service: RunningService, goimage_minio: MinioServer
) -> None:
    """Health follows MinIO: it recovers after a MinIO restart without restarting the service."""
    goimage_minio.container.stop(timeout=5)
    unhealthy = requests.get(f"{goimage_service.url}/health", timeout=5)
    assert unhealthy.status_code == 503, unhealthy.text
    goimage_minio.restart()  # starts it again and waits until it is live
    assert _healthy_within(goimage_service.url, 20), goimage_service.logs()


def test_graceful_shutdown_on_sigterm(goimage_service: RunningService) -> None:
    """SIGTERM stops the service cleanly (exit 0) well within Docker's 10 s grace period.

    Runs last for each image: it stops the service."""
    container = goimage_service.docker_container
    started = time.monotonic()
    container.kill(signal="SIGTERM")
    result = container.wait(timeout=15)
    took = time.monotonic() - started
    assert result["StatusCode"] == 0, goimage_service.logs()
    assert took < 5, f"shutdown took {took:.1f}s"
    assert "server stopped" in goimage_service.logs()
