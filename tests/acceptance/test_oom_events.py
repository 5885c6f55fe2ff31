"""The kernel's OOM kill read from the engine's `oom` event, on real containers: the fallback
for the State.OOMKilled flag that docker 20.10 loses when containerd reports the exit first."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import docker
import pytest

from pytest_goimage.engine.container import EngineContainer
from pytest_goimage.engine.oom_events import GRACE_SECONDS, logged_oom_kill, may_hide_oom

BASE = "alpine:3.22"  # the offline stand-in tests/seed_images.sh builds
# `tail` keeps its whole input line: 200 MB of zeros cannot fit in 24 MB.
OUTGROWS_ITS_LIMIT = ["sh", "-c", "head -c 200m /dev/zero | tail >/dev/null"]


@pytest.fixture
def run_to_exit(docker_client: docker.DockerClient) -> Iterator[Any]:
    """Run a container to its end and give back its refreshed docker-py object; removed after."""
    made: list[Any] = []

    def run(command: list[str], kill_after: float | None = None) -> Any:
        # Created, recorded, then started: a start that fails (a full disk) still leaves it
        # on the list that removes it.
        container = docker_client.containers.create(
            BASE, command, mem_limit="24m", memswap_limit="24m"
        )
        made.append(container)
        container.start()
        if kill_after is not None:
            time.sleep(kill_after)
            container.kill()
        container.wait()
        container.reload()
        return container

    yield run
    for container in made:
        container.remove(force=True)


def test_an_oom_killed_container_has_its_oom_event_found(
    docker_client: docker.DockerClient, run_to_exit: Any
) -> None:
    container = run_to_exit(OUTGROWS_ITS_LIMIT)
    state = container.attrs["State"]
    assert state["ExitCode"] == 137, state
    assert logged_oom_kill(docker_client.api, container.id, state) is True


def test_a_container_killed_from_outside_is_not_called_oom_and_the_wait_is_bounded(
    docker_client: docker.DockerClient, run_to_exit: Any
) -> None:
    container = run_to_exit(["sleep", "30"], kill_after=0.2)
    state = container.attrs["State"]
    assert (state["ExitCode"], state["OOMKilled"]) == (137, False), state
    assert may_hide_oom(state)
    started = time.monotonic()
    assert logged_oom_kill(docker_client.api, container.id, state) is False
    # Asked right after the exit, it waits for the grace period in engine time, not longer.
    assert time.monotonic() - started < GRACE_SECONDS + 1.5


def test_a_lost_oom_flag_is_made_up_for_by_the_event(run_to_exit: Any) -> None:
    """The State the engine keeps when it saw the exit first (the flag false) still counts as
    an OOM kill; a SIGKILL from outside does not, and the lookup is done once."""
    oom = EngineContainer(
        BASE, owner="t", role="service", container=run_to_exit(OUTGROWS_ITS_LIMIT)
    )
    lost = dict(oom.container.attrs["State"], OOMKilled=False)
    assert oom.killed_for_memory(lost) is True
    killed = EngineContainer(
        BASE, owner="t", role="service", container=run_to_exit(["sleep", "30"], kill_after=0.2)
    )
    state = killed.container.attrs["State"]
    assert killed.killed_for_memory(state) is False
    started = time.monotonic()
    assert killed.killed_for_memory(state) is False
    assert time.monotonic() - started < 0.5  # remembered, not asked again
