"""The service as the `goimage_service` fixture gives it: the image's container, the MinIO
beside it, and what a failed test needs to know about both."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..config import ImageConfig
from ..config_dependencies import known_placeholders
from ..config_keys import BUCKET_PLACEHOLDER
from ..errors import ServiceError
from ..gofacts.units import port_number
from . import missing_program
from .dependency import DependencyServer
from .dependency_address import address_hint
from .dependency_auth import refused_password
from .health_probe import HealthProbe, health_hint
from .image import BuiltImage
from .listeners import env_port_note, reachable_ports
from .minio_server import NETWORK_ALIAS, MinioServer
from .plain_http import plain_http_hint
from .service import ServiceContainer, container_port, expand_env


@dataclass
class RunningService:
    """A started service with the MinIO beside it and what MinIO held before the start."""

    image: ImageConfig
    built: BuiltImage
    minio: MinioServer
    container: ServiceContainer
    buckets_before: list[str]
    port_error: str = ""  # why no API port is known ("" when one is)
    dependencies: Mapping[str, DependencyServer] = field(default_factory=dict)

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
        dependencies: Mapping[str, DependencyServer] | None = None,
    ) -> RunningService:
        """Start `built` on `minio`'s network (beside its ready `dependencies`) with `image`'s
        env and port. Raises ServiceError when the engine refuses or an env placeholder is
        unknown; MinIO and the dependencies are left to their owner (the session)."""
        try:
            port: str | None = container_port(
                built.config.exposed_ports, image.port, image.dockerfile, health=image.health
            )
            port_error = ""
        except ServiceError as exc:
            # The bucket check needs no API port: start it anyway, publishing nothing;
            # health and goimage_service report this instead.
            port, port_error = None, str(exc)
        dependencies = dict(dependencies or {})
        env = expand_env(
            dict(image.env),
            placeholder_values(minio, image.bucket, list(dependencies.values())),
            known_placeholders(image.dependencies),
        )
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
            health_port=None if image.health_port is None else f"{image.health_port}/tcp",
            scheme=image.scheme,
            health_scheme=image.health_scheme,
            memory_limit=image.memory_limit,
            keep=keep,
            program_located=lambda: missing_program.located(built),
            program_written=lambda: missing_program.broken_exec_form(built),
            program_unloadable=lambda: missing_program.unloadable(built),
        ).start(client)
        return cls(image, built, minio, container, before, port_error, dependencies)

    @property
    def url(self) -> str:
        """The API's base URL as the host reaches it (http://127.0.0.1:<port> for an engine on this machine)."""
        return self.container.url

    @property
    def health_url(self) -> str:
        """The base URL health_path answers at: on `health_port` where it is set, else `url`."""
        return self.container.health_url

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
            f"{self.image.dockerfile} ({self.built.tag}): {state}.{self.stopped_notes()}\n"
            f"{container.last_logs(lines)}"
        )

    def stopped_notes(self) -> str:
        """Sentences for MinIO and each dependency that died under the service ("" if none):
        the likely cause of a failure that follows."""
        notes = [self.minio.stopped_note()]
        notes += [dependency.stopped_note() for dependency in self.dependencies.values()]
        return "".join(notes)

    def health_hint(self, probe: HealthProbe) -> str:
        """The likely configuration mistake behind an unhealthy probe ("" when none)."""
        if probe.status == 404:
            elsewhere = self._health_elsewhere()
            if elsewhere:
                return elsewhere
        listeners = self.container.listeners() if probe.status is None else None
        own_port = self.image.health_port is not None  # health polled on a port of its own
        hint = health_hint(
            probe,
            self.image.health_path,
            self.container.polled_port or "",
            self.image.health_port if own_port else self.image.port,
            self.built.config.exposed_ports,
            listeners,
            "health_port" if own_port else "port",
        )
        if hint and listeners and self.container.port and not own_port:
            port = port_number(self.container.port)
            hint = hint.rstrip(".") + env_port_note(self.image.env, listeners, port)
        return hint

    def dependency_hint(self) -> str:
        """The sentence when the service's log shows one of its dependencies refusing its
        password (trial 18: a wrong Redis password got no advice), looking for a server under
        a name or on a loopback no container answers (trial 20), or speaking TLS to MinIO's
        plain HTTP (trial 35A), else ""."""
        logs = self.container.logs(tail=50)
        ports = {name: server.internal_port for name, server in self.dependencies.items()}
        own = [port_number(p) for p in self.built.config.exposed_ports]
        if self.container.port:
            own.append(port_number(self.container.port))
        return (
            refused_password(logs, list(self.dependencies))
            or address_hint(logs, ports, NETWORK_ALIAS, own)
            or plain_http_hint(logs, self.image.env, [NETWORK_ALIAS, *self.dependencies])
        )

    def credentials_hint(self) -> str:
        """The container's sentence on MinIO refusing its credentials, with the image's own
        `<VAR>_FILE` where the configuration passes a MinIO key in `<VAR>` ("" when none)."""
        refused = self.container.credentials_hint()
        if not refused:
            return ""
        shadowing = [
            f"{name}_FILE"
            for name, value in self.image.env.items()
            if "{minio." in value
            and f"{name}_FILE" in self.built.config.env
            and f"{name}_FILE" not in self.image.env  # the configuration already sets it
        ]
        if not shadowing:
            return refused
        named = ", ".join(shadowing)
        return refused.rstrip(".") + (
            f". The image's own ENV sets {named}, which a service following the `*_FILE` "
            "convention reads instead of the variable [tool.goimage.env] sets: remove it from "
            'the image, or set it to "" in [tool.goimage.env].'
        )

    def _health_elsewhere(self) -> str:
        """Where health_path, not found on the polled port, answers 2xx on another port the
        service listens on (trial 17: an admin port's `/healthz`, `health_port` forgotten),
        the sentence that names it; else "". Each other port is asked once."""
        polled = port_number(self.container.polled_port or "0")
        others = [p for p in reachable_ports(self.container.listeners() or []) if p != polled]
        answering = self.container.answering(others, self.image.health_path) if others else []
        if len(answering) != 1:
            return ""
        return (
            f". Nothing is served at {self.image.health_path} on port {polled}, but it answers "
            f"2xx on port {answering[0]}, where the service listens too: set `health_port = "
            f"{answering[0]}` in [tool.goimage]."
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


def placeholder_values(
    minio: MinioServer, bucket: str | None, dependencies: list[DependencyServer]
) -> dict[str, str]:
    """Every placeholder's value for this image: `{minio.*}`, `{bucket}`, `{NAME.*}`."""
    values = minio.placeholders()
    if bucket is not None:
        values[BUCKET_PLACEHOLDER] = bucket
    for dependency in dependencies:
        values.update(dependency.config.placeholders(dependency.internal_port))
    return values
