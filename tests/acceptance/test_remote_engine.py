"""A DOCKER_HOST on another machine: every call goes there, and the checks that would need
ports published on this machine refuse clearly instead of failing obscurely.

The "remote" engine is this machine's engine behind a TCP relay running in a container
(tests/tcp_relay): its address belongs to the container, not to this machine, exactly as
a build host's address would.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import pytest
import requests

from pytest_goimage.engine.connection import runs_here
from pytest_goimage.engine.poll import wait_until
from tests.acceptance.test_runtime_checks import outcomes, service_config

RELAY_SOURCE = Path(__file__).parent / "tcp_relay"


def _relay_image(client: docker.DockerClient, tmp_path: Path) -> str:
    """The relay, built with this machine's Go into a FROM scratch image (once per source)."""
    digest = hashlib.sha256((RELAY_SOURCE / "main.go").read_bytes()).hexdigest()[:12]
    tag = f"goimage-test/tcp-relay:{digest}"
    try:
        client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    binary = tmp_path / "relay"
    subprocess.run(
        ["go", "build", "-o", str(binary), "."],
        cwd=RELAY_SOURCE,
        env={**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod"},
        check=True,
    )
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        dockerfile = b'FROM scratch\nCOPY relay /relay\nENTRYPOINT ["/relay"]\n'
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        tar.addfile(info, io.BytesIO(dockerfile))
        tar.add(binary, "relay")
    context.seek(0)
    client.images.build(fileobj=context, custom_context=True, tag=tag, rm=True)
    return tag


@pytest.fixture
def remote_engine(
    docker_client: docker.DockerClient, tmp_path: Path
) -> Iterator[docker.models.containers.Container]:
    relay = docker_client.containers.run(
        _relay_image(docker_client, tmp_path),
        detach=True,
        volumes={"/var/run/docker.sock": {"bind": "/var/run/docker.sock", "mode": "rw"}},
        labels={"io.github.pytest-goimage.test": "tcp-relay"},
    )
    try:
        relay.reload()
        _wait_until_relaying(relay)
        yield relay
    finally:
        relay.remove(force=True)


def _wait_until_relaying(relay: docker.models.containers.Container) -> None:
    """The container runs before its process listens: a plugin run started in between saw a
    refused engine (CI, stop 12). Ping through the relay with the plugin's own short backoff,
    bounded."""
    host = f"tcp://{relay.attrs['NetworkSettings']['IPAddress']}:2375"
    failures: list[Exception] = []

    def pings() -> bool:
        try:
            with contextlib.closing(docker.DockerClient(base_url=host, timeout=5)) as client:
                client.ping()
        except (docker.errors.DockerException, requests.RequestException) as exc:
            failures[:] = [exc]
            return False
        return True

    if not wait_until(pings, 20):
        raise AssertionError(
            f"the TCP relay at {host} never relayed a ping ({failures[-1] if failures else ''}); "
            "its log:\n" + relay.logs().decode(errors="replace")
        )


def test_remote_engine_builds_and_inspects_and_refuses_runtime_checks(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    remote_engine: docker.models.containers.Container,
    no_leaks: None,
) -> None:
    address = remote_engine.attrs["NetworkSettings"]["IPAddress"]
    host = f"tcp://{address}:2375"
    assert not runs_here(host)
    example_copy(service_config())
    monkeypatch.setenv("DOCKER_HOST", host)
    before = remote_engine.logs().decode(errors="replace").count("connection from")
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "build or static or size or bucket or health"
    )
    out = result.stdout.str()
    relayed = remote_engine.logs().decode(errors="replace")
    # Builds and static inspection (read through the API: the layers are not local) work.
    assert outcomes(result, short=True) == {
        "build": "PASSED",
        "static": "PASSED",
        "size": "PASSED",
        "bucket": "FAILED",
        "health": "FAILED",
    }, f"{out}\nrelay log:\n{relayed}"
    assert f"engine: {host}" in out, out
    refusal = (
        f"backend/Dockerfile: the Docker engine at {host} runs on another machine, so the "
        "ports its containers (MinIO, the service) publish on its 127.0.0.1 cannot be "
        "reached from here"
    )
    # Once per runtime check in the failure reports; the short summary repeats it whole only
    # where pytest detects CI (it truncates it to the terminal's width elsewhere).
    failures = out.partition("short test summary info")[0]
    assert failures.count(refusal) == 2, out
    assert "-k 'not bucket and not health'" in out
    assert "Traceback" not in out
    # The run's calls went through the relay (docker-py keeps its connections open, so few).
    assert relayed.count("connection from") > before, relayed
