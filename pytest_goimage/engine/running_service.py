"""The service as the `goimage_service` fixture gives it: the image's container, the MinIO
beside it, and what a failed test needs to know about both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ServiceError
from .connection import engine_address, engine_host, runs_here
from .image import BuiltImage
from .minio_server import MinioServer
from .service import (
    HealthProbe,
    ServiceContainer,
    container_port,
    expand_env,
    health_hint,
)

if TYPE_CHECKING:
    from ..config import ImageConfig


@dataclass
class RunningService:
    """A started service with the MinIO beside it and what MinIO held before the start."""

    image: ImageConfig
    built: BuiltImage
    minio: MinioServer
    container: ServiceContainer
    buckets_before: list[str]
    port_error: str = ""  # why no API port is known ("" when one is)

    @classmethod
    def start(
        cls,
        client: Any,
        image: ImageConfig,
        built: BuiltImage,
        minio: MinioServer,
        *,
        owner: str,
        project: str,
        keep: bool,
    ) -> RunningService:
        """Start `built` on `minio`'s network with `image`'s env and port. Raises ServiceError
        when the engine refuses or an env placeholder is unknown; the MinIO is left to its
        owner (the goimage_minio fixture, or the session's close())."""
        try:
            port: str | None = container_port(
                built.config.exposed_ports, image.port, image.dockerfile
            )
            port_error = ""
        except ServiceError as exc:
            # The bucket check needs no API port: start it anyway, publishing nothing;
            # health and goimage_service report this instead.
            port, port_error = None, str(exc)
        env = expand_env(dict(image.env), minio, image.bucket)
        # The bucket check must prove the service made the bucket, so record what was there.
        before = sorted(b.name for b in minio.client.list_buckets())
        assert minio.network is not None
        container = ServiceContainer(
            image_ref=built.id,
            image_label=f"{image.dockerfile} ({built.tag})",
            owner=owner,
            network=minio.network,
            env=env,
            port=port,
            project=project,
            memory_limit=image.memory_limit,
            keep=keep,
        ).start(client)
        return cls(image, built, minio, container, before, port_error)

    @property
    def url(self) -> str:
        """The API's base URL as the host reaches it (http://127.0.0.1:<port>)."""
        return self.container.url

    @property
    def base_url(self) -> str:
        return self.container.url

    def logs(self) -> str:
        """Everything the service has logged so far (stdout and stderr)."""
        return self.container.logs()

    def diagnosis(self, lines: int = 30) -> str:
        """Whether the service still runs, whether its MinIO does, and its last log lines.

        Shown under a failed test that used the service: a test that sees "connection
        refused" usually failed because the service died, and this says so.
        """
        container = self.container
        if container.container is None:
            return f"{self.image.dockerfile}: the service container was already removed."
        if container.exited():
            state = f"{container.exit_summary()} during the tests"
        else:
            state = f"the container is running at {container.url}"
        return (
            f"{self.image.dockerfile} ({self.built.tag}): {state}.{self.minio.stopped_note()}\n"
            f"{container.last_logs(lines)}"
        )

    def health_hint(self, probe: HealthProbe) -> str:
        """The likely configuration mistake behind an unhealthy probe ("" when none)."""
        return health_hint(
            probe,
            self.image.health_path,
            self.container.port or "",
            self.image.port,
            self.built.config.exposed_ports,
            self.container.listeners() if probe.status is None else None,
        )

    @property
    def docker_container(self) -> Any:
        """The docker-py Container, for exec, stop, stats and the like."""
        return self.container.container

    @property
    def has_shell(self) -> bool:
        """Whether `host` works: the image has /bin/sh (scratch and distroless have not)."""
        return self.built.exists("/bin/sh")

    @property
    def host(self) -> Any:
        """A testinfra host inside the container; only for images that have a shell (a
        ServiceError saying so otherwise; check `has_shell` to skip instead)."""
        if not self.has_shell:
            raise ServiceError(
                f"{self.image.dockerfile}: image {self.built.tag} has no /bin/sh (a scratch or "
                "distroless image), so testinfra cannot run commands in it; inspect files with "
                "goimage.read_file() instead, or skip where `goimage_service.has_shell` is False."
            )
        import testinfra  # imported late: only tests that use it pay for it

        return testinfra.get_host(f"docker://{self.container.container.id}")


def require_local_engine(dockerfile: str) -> None:
    """ServiceError unless the engine runs on this machine: MinIO and the service publish
    their ports on the engine's 127.0.0.1 only."""
    if runs_here(engine_host()):
        return
    raise ServiceError(
        f"{dockerfile}: the Docker engine at {engine_address()} runs on another "
        "machine, so the ports its containers (MinIO, the service) publish on its "
        "127.0.0.1 cannot be reached from here, and pytest-goimage never publishes them "
        "on other addresses. Run the bucket and health checks and the goimage_minio and "
        "goimage_service fixtures against an engine on this machine, or deselect them "
        "here (-k 'not bucket and not health'); builds and inspection work remotely."
    )
