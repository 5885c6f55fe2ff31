"""The container lifecycle on a real engine: a failed start and the session's cleanup leave
nothing behind."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import docker
import docker.errors
import pytest

from pytest_goimage.config import load_config
from pytest_goimage.engine.labels import new_run_id, resource_labels
from pytest_goimage.engine.minio_server import MinioServer
from pytest_goimage.session import GoImageSession
from tests.conftest import EXAMPLE, plugin_resources

# The offline stand-in the test setup builds (tests/seed_images.sh); it has /bin/sleep.
BASE = "alpine:3.22"


@pytest.fixture
def no_entrypoint_image(docker_client: docker.DockerClient) -> Iterator[str]:
    """An image whose ENTRYPOINT is not in it: the engine creates its container, then refuses
    to start it."""
    scratch = docker_client.containers.create(BASE, command=["true"])
    tag = f"goimage-test/no-entrypoint:{secrets.token_hex(4)}"
    try:
        scratch.commit(*tag.split(":"), changes=['ENTRYPOINT ["/nonexistent"]', "CMD []"])
    finally:
        scratch.remove(force=True)
    yield tag
    docker_client.images.remove(tag, force=True)


def test_a_minio_the_engine_refuses_to_start_leaves_no_container(
    docker_client: docker.DockerClient,
    no_entrypoint_image: str,
    pytester: pytest.Pytester,
    no_leaks: None,
) -> None:
    server = MinioServer(
        image=no_entrypoint_image, run_id=f"{new_run_id()}-main", project=str(pytester.path)
    )
    with pytest.raises(docker.errors.APIError, match=r'exec: "/nonexistent": stat'):
        server.start(docker_client)
    assert plugin_resources(docker_client, pytester.path) == []


def test_the_session_cleanup_goes_on_past_a_network_it_cannot_remove(
    docker_client: docker.DockerClient, pytester: pytest.Pytester, tmp_path: Path, no_leaks: None
) -> None:
    """A network still used by a container the run does not own (the engine refuses to remove
    it) does not stop the removal of the run's other resources."""
    config = load_config(EXAMPLE, required=True)
    assert config is not None
    owner = f"{new_run_id()}-main"
    session = GoImageSession(config=config, run_id=owner[:12], owner=owner, shared_dir=tmp_path)
    assert session.client is not None  # connected: close() cleans up only after that
    project = str(pytester.path)
    network = docker_client.networks.create(
        f"goimage-test-{owner}", labels=resource_labels(owner, "network", project)
    )
    volume = docker_client.volumes.create(
        f"goimage-test-{owner}", labels=resource_labels(owner, "volume", project)
    )
    user = docker_client.containers.run(
        BASE, ["sleep", "60"], network=network.name, detach=True
    )  # unlabelled: not the run's, so it stays and keeps the network in use
    try:
        removed = session.close()
    finally:
        user.remove(force=True)
        network.remove()
    assert removed == [f"volume {volume.name}"]
