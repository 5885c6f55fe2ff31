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


def test_an_engine_that_cannot_publish_on_its_address_asks_for_goimage_host(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    remote_engine: docker.models.containers.Container,
    no_leaks: None,
) -> None:
    """Behind the relay, the engine's address is not one of its machine's own (as behind a
    NAT): builds and inspection work, and the runtime checks say to set GOIMAGE_HOST."""
    address = remote_engine.attrs["NetworkSettings"]["IPAddress"]
    host = f"tcp://{address}:2375"
    assert not runs_here(host)
    example_copy(service_config())
    monkeypatch.setenv("DOCKER_HOST", host)
    monkeypatch.delenv("GOIMAGE_HOST", raising=False)
    before = remote_engine.logs().decode(errors="replace").count("connection from")
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "backend and (build or static or size or bucket or health)"
    )
    out = result.stdout.str()
    relayed = remote_engine.logs().decode(errors="replace")
    assert outcomes(result, short=True) == {
        "build": "PASSED",
        "static": "PASSED",
        "size": "PASSED",
        "bucket": "FAILED",
        "health": "FAILED",
    }, f"{out}\nrelay log:\n{relayed}"
    assert f"engine: {host}" in out, out
    refusal = (
        f"The Docker engine at {host} cannot publish the minio container's port on {address} "
        f"(where {host} points): that address is not one of the engine machine's "
        "own, as behind a NAT or a proxy. Set GOIMAGE_HOST to the address this machine "
        "reaches that machine at"
    )
    failures = out.partition("short test summary info")[0]
    assert failures.count(refusal) == 2, out
    assert "Traceback" not in out
    # The run's calls went through the relay (docker-py keeps its connections open, so few).
    assert relayed.count("connection from") > before, relayed


def test_goimage_host_reaches_the_containers_where_the_route_differs(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    remote_engine: docker.models.containers.Container,
    no_leaks: None,
) -> None:
    """GOIMAGE_HOST=127.0.0.1: the engine behind the relay publishes on all its interfaces,
    and this machine reaches MinIO and the service at 127.0.0.1, so every check passes."""
    address = remote_engine.attrs["NetworkSettings"]["IPAddress"]
    example_copy(service_config())
    monkeypatch.setenv("DOCKER_HOST", f"tcp://{address}:2375")
    monkeypatch.setenv("GOIMAGE_HOST", "127.0.0.1")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "backend")
    out = result.stdout.str()
    assert outcomes(result, short=True) == {
        "build": "PASSED",
        "static": "PASSED",
        "size": "PASSED",
        "go-version": "PASSED",
        "user": "SKIPPED",
        "metadata": "SKIPPED",
        "provenance": "SKIPPED",
        "secrets": "PASSED",
        "tracked": "SKIPPED",
        "bucket": "PASSED",
        "health": "PASSED",
    }, out


def test_goimage_host_that_does_not_resolve_fails_the_runtime_checks_at_once(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    no_leaks: None,
) -> None:
    """Trial 11: a typo in GOIMAGE_HOST published MinIO on every interface, waited 30 s per
    check, blamed MinIO's disk and said to set GOIMAGE_HOST, which was set."""
    example_copy(service_config())
    monkeypatch.setenv("GOIMAGE_HOST", "gateway.invalid")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "bucket")
    out = " ".join(result.stdout.str().split())
    assert outcomes(result, short=True) == {"bucket": "FAILED"}, out
    assert (
        "GOIMAGE_HOST=gateway.invalid does not resolve here (" in out
        and "Set it to the address this machine reaches the engine's published ports at" in out
    ), out
    assert "MinIO" not in out.split("FAILURES", 1)[1].split("goimage summary", 1)[0], out
