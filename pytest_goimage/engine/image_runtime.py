"""Everything one image runs beside: a private network, a fresh MinIO, the dependencies
(PostgreSQL, Redis ...) and the service itself, started in that order and removed together.

MinIO and the dependencies do not wait for each other: they start at the same time, and the
service starts once all are ready.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..config import ImageConfig
from ..config_dependencies import dependency_placeholders
from ..config_keys import BUCKET_PLACEHOLDER
from .background import in_background
from .container import ContainerOwner, create_network, remove_network
from .dependency import DependencyServer, image_port
from .dependency_order import start_waves
from .image import BuiltImage
from .minio_server import MinioServer
from .running_service import RunningService


@dataclass
class ImageRuntime:
    """The containers of one image under test, owned by one process (`owner`)."""

    image: ImageConfig
    client: Any
    owner: str
    project: str
    keep: bool
    key: str  # file- and name-safe form of the Dockerfile's path
    minio: MinioServer | None = None
    dependencies: dict[str, DependencyServer] = field(default_factory=dict)
    service: RunningService | None = None
    _network: Any = None

    @property
    def network(self) -> str:
        """The image's private network, created on first use. The name is unique per attempt:
        one a failed attempt left (--goimage-keep, a removal the engine refused) must not make
        the next one's name ambiguous."""
        if self._network is None:
            self._network = create_network(
                self.client,
                f"goimage-{self.owner}-{self.key}-{secrets.token_hex(3)}",
                self.owner,
                self.project,
                self.keep,
            )
        return str(self._network.name)

    def start_minio(self, minio_image: str) -> MinioServer:
        """The image's MinIO, started once (a failed start leaves no container)."""
        if self.minio is None:
            server = MinioServer(
                image=minio_image,
                run_id=self.owner,
                network=self.network,
                project=self.project,
                configured=bool(self.image.minio_image),  # "" means the default too
                keep=self.keep,
            )
            server.start(self.client)
            self.minio = server
        return self.minio

    def start_dependencies(self) -> dict[str, DependencyServer]:
        """Every dependency, started at once and each ready; the first failure is raised
        after the others were removed (a service without all of them is not started)."""
        if self.dependencies or not self.image.dependencies:
            return self.dependencies
        label = self.image.dockerfile
        ports = {d.name: image_port(self.client, d, label) for d in self.image.dependencies}
        # `{bucket}` is known before anything runs; MinIO's placeholders are not (it starts
        # beside the dependencies), and the configuration refuses them here.
        values = {BUCKET_PLACEHOLDER: self.image.bucket} if self.image.bucket else {}
        for dependency in self.image.dependencies:
            values.update(dependency.placeholders(ports[dependency.name]))
        servers = [
            DependencyServer(
                config=dependency,
                image_label=label,
                owner=self.owner,
                network=self.network,
                internal_port=ports[dependency.name],
                placeholders=values,
                names=dependency_placeholders(self.image.dependencies),
                project=self.project,
                keep=self.keep,
            )
            for dependency in self.image.dependencies
        ]
        # In waves, as compose orders them: the servers, then what runs to completion against
        # them (a migration), then what waits for that (a seed), each wave all at once.
        by_name = {server.name: server for server in servers}
        results: list[object] = []
        for wave in start_waves(self.image.dependencies):
            started = [by_name[dependency.name] for dependency in wave]
            results += _all_at_once([partial(server.start, self.client) for server in started])
            if any(isinstance(r, BaseException) for r in results):
                break
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            # Removed under --goimage-keep too: a set missing one is of no use, and the next
            # attempt starts a whole set of its own.
            _all_at_once([server.remove for server in servers])
            raise failed[0]
        self.dependencies = {server.name: server for server in servers}
        return self.dependencies

    def start_all(self, minio_image: str) -> tuple[MinioServer, dict[str, DependencyServer]]:
        """MinIO and the dependencies, started at the same time."""
        _ = self.network  # created before the threads: one network, not two
        results = _all_at_once([lambda: self.start_minio(minio_image), self.start_dependencies])
        for result in results:
            if isinstance(result, BaseException):
                raise result
        assert self.minio is not None
        return self.minio, self.dependencies

    def start_service(self, built: BuiltImage, minio_image: str) -> RunningService:
        """The image running beside its ready MinIO and dependencies (started once)."""
        if self.service is None:
            minio, dependencies = self.start_all(minio_image)
            self.service = RunningService.start(
                self.client,
                self.image,
                built,
                minio,
                owner=self.owner,
                project=self.project,
                keep=self.keep,
                dependencies=dependencies,
            )
        return self.service

    def stop_service(self) -> None:
        if self.service is not None:
            self.service.container.stop()
            self.service = None

    def _containers(self) -> list[ContainerOwner]:
        """Its containers, the service first."""
        owners: list[ContainerOwner] = [self.service.container] if self.service is not None else []
        return owners + [s for s in (self.minio, *self.dependencies.values()) if s is not None]

    def kill(self) -> None:
        """Kill every container at once (unless kept): what frees their memory and CPU, before
        the slower removal of the stopped containers and the network."""
        kills = [owner.kill for owner in self._containers()]
        if kills and not self.keep:
            _all_at_once(kills)

    def stoppers(self) -> list[Callable[[], None]]:
        """What removes each container (the service first); the network goes after them."""
        stops = [owner.stop for owner in self._containers()]
        self.service, self.minio, self.dependencies = None, None, {}
        return stops

    def remove_network(self) -> None:
        if self._network is not None and not self.keep:
            remove_network(self._network)
        self._network = None

    def stop(self) -> None:
        """Remove everything, containers at once, then the network (unless kept)."""
        stops = self.stoppers()
        if stops:
            _all_at_once(stops)
        self.remove_network()


def _all_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run `calls` at the same time; each one's result, or the exception it raised. A Ctrl-C
    while waiting does not wait for them (daemon threads): the run's end removes by label
    what they start."""
    if len(calls) == 1:
        try:
            return [calls[0]()]
        except Exception as exc:
            return [exc]
    futures = [in_background(call, "goimage-start") for call in calls]
    return [future.exception() or future.result() for future in futures]
