"""One container the plugin starts (MinIO, a dependency, the service): created with the run's
labels, its port published where `reach()` says (127.0.0.1 for an engine on this machine),
then its host port, state, logs, and removal.

Built on docker-py directly rather than testcontainers' DockerContainer: that class opens a
second engine client of its own (ours honours docker contexts and is already connected),
stamps a process-wide session label, starts Ryuk unless told not to through the environment,
starts a container once (no retry when another program holds the host port the engine
picked), and waits with strategies that poll until the timeout even after the container has
exited. What we need from it is create, start and remove, which docker-py gives.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

import docker.errors

from ..errors import ServiceError
from .connection import engine_address
from .labels import resource_labels
from .oom_events import logged_oom_kill, may_hide_oom
from .outside_errors import CLEANUP_ERRORS
from .reach import OVERRIDE, Reach, reach

# The engine tries ten host ports per start and gives up when other programs on the machine
# hold all ten; every further start moves its allocator ten ports on.
_PORT_TAKEN = ("address already in use", "port is already allocated")
PORT_ATTEMPTS = 16
# The name's middle per role, as `docker ps` has always shown them.
_NAME_PARTS = {"service": "svc", "dependency": "dep"}


def start_publishing(container: Any) -> None:
    """Start a container that publishes ports on host ports the engine picks, trying again
    while the ports it picked are held by something else on this machine."""
    for attempt in range(1, PORT_ATTEMPTS + 1):
        try:
            container.start()
            return
        except docker.errors.APIError as exc:
            reason = str(exc.explanation or exc)
            if attempt == PORT_ATTEMPTS or not any(taken in reason for taken in _PORT_TAKEN):
                raise


@dataclass
class EngineContainer:
    """A labelled container: `start()` creates and starts it, `stop()` removes it (unless `keep`).

    A start that fails at any step (the engine refusing, the caller's readiness wait inside
    `starting()`, Ctrl-C) removes what it created, `keep` or not: the next attempt starts its
    own, and its message already carries the logs. As a context manager it is removed on exit.
    """

    image: str
    owner: str  # "<run>-<worker>": the process whose cleanup removes it
    role: str  # "minio", "dependency", "service": the label, and the name's middle
    project: str = ""
    keep: bool = False  # --goimage-keep: labelled so no sweep takes it, and stop() leaves it
    port: str | None = None  # the one port to publish ("9000/tcp"), where `reach` says
    options: dict[str, Any] = field(default_factory=dict)  # more create() arguments
    name_part: str = ""  # added to the name after the role ("redis" for a dependency)
    container: Any = field(default=None, repr=False)  # docker-py's Container once created
    host_port: int = 0
    oom_logged: bool | None = None  # the engine's `oom` event, once looked up
    reach: Reach = field(default_factory=lambda: Reach("127.0.0.1", "127.0.0.1", "default"))
    # More ports to publish beside `port` ("8081/tcp": the service's health port), and the
    # host port of each published one once started (`port`'s too).
    extra_ports: tuple[str, ...] = ()
    host_ports: dict[str, int] = field(default_factory=dict)

    def published(self) -> list[str]:
        """`port`, then each of `extra_ports` not already named: what the container publishes."""
        ports = [self.port] if self.port else []
        return ports + [p for p in self.extra_ports if p not in ports]

    def start(self, client: Any) -> EngineContainer:
        """Create and start the container and read its host port; docker's APIError if the
        engine refuses (nothing is left behind then), ServiceError when it cannot publish on
        the address this machine reaches it at."""
        self.reach = reach()
        role = _NAME_PARTS.get(self.role, self.role)
        middle = f"{role}-{self.name_part}" if self.name_part else role
        while True:
            with self.removed_on_failure():
                self.container = client.containers.create(
                    self.image,
                    ports={port: (self.reach.bind, None) for port in self.published()},
                    labels=resource_labels(self.owner, self.role, self.project, keep=self.keep),
                    name=f"goimage-{middle}-{self.owner}-{secrets.token_hex(3)}",
                    **self.options,
                )
                try:
                    start_publishing(self.container)
                except docker.errors.APIError as exc:
                    if "cannot assign requested address" not in str(exc):
                        raise
                    fallback = self.reach.refused()
                    if fallback is None:
                        raise self._cannot_publish() from None
                    self.remove()  # created with the refused address; make it again
                    self.reach = fallback
                    continue
                self.read_port()
            return self

    def _cannot_publish(self) -> ServiceError:
        # Not an EngineError: the engine answers, and every other check still runs.
        return ServiceError(
            f"The Docker engine at {engine_address()} cannot publish the {self.role} "
            f"container's port on {self.reach.bind} ({self.reach.how}): that address is not "
            "one of the engine machine's own, as behind a NAT or a proxy. Set "
            f"{OVERRIDE} to the address this machine reaches that machine at; the engine then "
            "publishes on all its interfaces. Then rerun."
        )

    def restart(self) -> None:
        """Stop and start it again (data kept); the host port may change and is read again."""
        self.container.stop(timeout=5)
        start_publishing(self.container)
        self.read_port()

    @contextlib.contextmanager
    def removed_on_failure(self) -> Iterator[EngineContainer]:
        """Remove the container if the block raises anything, then re-raise."""
        try:
            yield self
        except BaseException:
            self.remove()
            raise

    def read_port(self) -> None:
        """Reload and read the host ports published for `port` (`host_port`) and
        `extra_ports` (`host_ports`, `port`'s too); 0 where none is, as for a container that
        exited at once: the engine publishes nothing for it."""
        self.container.reload()
        ports = self.container.attrs["NetworkSettings"]["Ports"] or {}
        self.host_ports = {}
        for port in self.published():
            bindings = ports.get(port) or []
            self.host_ports[port] = int(bindings[0]["HostPort"]) if bindings else 0
        self.host_port = self.host_ports.get(self.port, 0) if self.port else 0

    def address(self, network: str) -> str:
        """The container's address on `network` ("" when it has none, or is gone): where a
        local engine's bridge lets this machine reach a port the container does not publish."""
        if self.container is None:
            return ""
        networks = self.container.attrs.get("NetworkSettings", {}).get("Networks") or {}
        return str((networks.get(network) or {}).get("IPAddress") or "")

    def state(self) -> dict[str, Any]:
        """The container's State (Status, ExitCode, OOMKilled ...), refreshed; Status
        "removed" when it is gone (docker rm -f from outside)."""
        if self.container is None:
            return {"Status": "removed"}
        try:
            self.container.reload()
        except docker.errors.NotFound:
            return {"Status": "removed"}
        return dict(self.container.attrs.get("State") or {})

    def exited(self) -> bool:
        return self.state().get("Status") in ("exited", "dead", "removed")

    def killed_for_memory(self, state: dict[str, Any]) -> bool:
        """Whether the kernel killed it for memory: State.OOMKilled, or for a SIGKILL exit
        without that flag, the engine's `oom` event (see oom_events for the race)."""
        if state.get("OOMKilled"):
            return True
        if self.container is None or not may_hide_oom(state):
            return False
        if self.oom_logged is None:
            self.oom_logged = logged_oom_kill(self.container.client.api, self.container.id, state)
        return self.oom_logged

    def logs(self, tail: int | str = "all") -> str:
        """Its stdout and stderr so far ("" when the engine cannot say)."""
        if self.container is None:
            return ""
        try:
            raw: bytes = self.container.logs(tail=tail)
        except docker.errors.APIError:
            return ""
        return raw.decode("utf-8", "replace")

    def stop(self) -> None:
        """Remove it, unless this run keeps what it started (--goimage-keep)."""
        if not self.keep:
            self.remove()

    def kill(self) -> None:
        """Kill its process (SIGKILL); best effort: one that already exited is left as it is."""
        if self.container is not None:
            with contextlib.suppress(*CLEANUP_ERRORS):
                self.container.kill()

    def remove(self) -> None:
        """Remove it with its anonymous volumes; best effort (the next run sweeps by label)."""
        if self.container is None:
            return
        with contextlib.suppress(*CLEANUP_ERRORS):
            self.container.remove(force=True, v=True)
        self.container = None

    def __enter__(self) -> EngineContainer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


_Self = TypeVar("_Self", bound="ContainerOwner")


class ContainerOwner:
    """A server built around one EngineContainer (MinIO, a dependency, the service): the docker-py container,
    `stop()`, and use as a context manager that stops it on exit."""

    _box: EngineContainer | None

    @property
    def container(self) -> Any:
        """The docker-py Container (None before `start()` and after `stop()`)."""
        return self._box.container if self._box is not None else None

    def stop(self) -> None:
        """Remove the container, unless the run keeps what it started (--goimage-keep)."""
        if self._box is not None:
            self._box.stop()

    def kill(self) -> None:
        """Kill the container's process; removing it is `stop()`'s."""
        if self._box is not None:
            self._box.kill()

    def remove(self) -> None:
        """Remove the container, --goimage-keep or not (a set that failed to start)."""
        if self._box is not None:
            self._box.remove()

    def logs(self, tail: int = 20) -> str:
        """Its last `tail` log lines, indented for a message ("" when there are none)."""
        text = self._box.logs(tail) if self._box is not None else ""
        return "\n".join(f"    {line}" for line in text.splitlines())

    def died_note(self, what: str) -> str:
        """A sentence when this container (`what`, e.g. "MinIO") died under the service, else
        "": the failure that follows may come from it, not from the service."""
        if self._box is None or self.container is None:
            return ""
        state = self._box.state()
        if state.get("Status") == "removed":
            return f" Its {what} was removed from outside during the run."
        if state.get("Running"):
            return ""
        oom = ", killed for lack of memory" if self._box.killed_for_memory(state) else ""
        tail = self.logs(5)
        logs = f" Its last log lines:\n{tail}" if tail else ""
        return (
            f" Its {what} ({self.container.name}) stopped during the run (exited with code "
            f"{state.get('ExitCode')}{oom}), so this failure may follow from that, not from "
            f"the service.{logs}"
        )

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def create_network(client: Any, name: str, owner: str, project: str, keep: bool) -> Any:
    """A bridge network labelled like the containers on it."""
    return client.networks.create(
        name, labels=resource_labels(owner, "network", project, keep=keep)
    )


def remove_network(network: Any) -> None:
    """Best effort: one still in use is removed by label at the end of the run."""
    with contextlib.suppress(*CLEANUP_ERRORS):
        network.remove()
