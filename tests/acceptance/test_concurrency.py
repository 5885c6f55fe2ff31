"""Two runs against one engine at once, one of them under -n 2: no collisions, no cross-removal."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import docker
import pytest

from pytest_goimage.engine.connection import remove_stale_resources
from pytest_goimage.engine.labels import new_run_id, resource_labels

TOML = """
[tool.goimage]
dockerfiles = ["Dockerfile.prod", "backend/Dockerfile"]
bucket = "bookmarks"
startup_timeout = "20s"

[tool.goimage.env]
STORAGE_ENDPOINT = "{minio.endpoint}"
STORAGE_ACCESS_KEY = "{minio.access_key}"
STORAGE_SECRET_KEY = "{minio.secret_key}"
STORAGE_BUCKET = "{bucket}"
"""


def test_two_runs_at_once(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    root = example_copy(TOML)
    pytester.makepyfile(
        test_roundtrip="""
        import requests

        def test_roundtrip(goimage_service, goimage_minio):
            made = requests.post(goimage_service.url + "/bookmarks", json={"url": "https://a.example"}, timeout=5)
            assert made.status_code == 201
            names = [o.object_name for o in goimage_minio.client.list_objects("bookmarks", "bookmarks/")]
            # A private MinIO per image and run: only this run's bookmark is in it.
            assert names == [f"bookmarks/{made.json()['id']}.json"]
        """
    )
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pytest",
                "--goimage",
                "-p",
                "no:cacheprovider",
                f"--goimage-report={root / f'report-{n}.json'}",
                *extra,
            ],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n, extra in enumerate([[], ["-n", "2"]])
    ]
    outputs = [proc.communicate(timeout=600)[0] for proc in runs]
    for proc, out in zip(runs, outputs, strict=True):
        assert proc.returncode == 0, out
    reports = [json.loads((root / f"report-{n}.json").read_text()) for n in range(2)]
    assert [r["outcome"] for r in reports] == ["passed", "passed"]
    tags = [image["tag"] for report in reports for image in report["images"]]
    assert len(set(tags)) == 4, tags  # each run builds under its own tags


def test_a_sweep_survives_containers_vanishing_under_it(
    docker_client: docker.DockerClient,
) -> None:
    """docker-py inspects every container it lists; another run removing its own containers
    in between must not break this run's sweep (it failed a build check once in CI)."""
    labels = resource_labels(f"{new_run_id()}-main", "probe", "/sweep-race")
    made = [
        docker_client.containers.create("alpine:3.22", command=["true"], labels=labels)
        for _ in range(24)
    ]

    def remove_all() -> None:
        for container in made:
            container.remove(force=True)

    remover = threading.Thread(target=remove_all)
    remover.start()
    try:
        while remover.is_alive():
            remove_stale_resources(docker_client)  # must not raise NotFound
    finally:
        remover.join()
    assert not docker_client.containers.list(
        all=True, filters={"label": "io.github.pytest-goimage.project=/sweep-race"}
    )
