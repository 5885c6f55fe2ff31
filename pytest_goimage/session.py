"""Per-run state shared by the built-in checks and the fixtures: one build per image, one engine.

Under pytest-xdist every worker has its own GoImageSession, but all share `shared_dir`: a
file lock per image makes the first worker build while the others wait and reuse its result.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import re
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build.buildx import build_with_buildx, chosen_builder
from .build.diagnose import declared_args, diagnose, undeclared_build_args
from .build.engine_build import BuildRequest, build_image
from .build.minio_image import ensure_minio_image
from .config import GoImageConfig, ImageConfig
from .engine.connection import (
    LABEL_PREFIX,
    LABEL_PROJECT,
    connect,
    engine_address,
    engine_host,
    keep_resources,
    remove_owned_resources,
    remove_stale_resources,
    resource_labels,
    runs_here,
)
from .engine.image import BinaryError, BuiltImage, load_image
from .engine.locks import file_lock
from .engine.minio_server import MinioServer
from .engine.outside_errors import CLEANUP_ERRORS
from .engine.run_dirs import remove_abandoned_images
from .engine.service import (
    HealthProbe,
    ServiceContainer,
    ServiceError,
    container_port,
    expand_env,
    health_hint,
)
from .errors import BuildFailed, EngineError, GoImageError
from .gofacts.secrets_scan import secret_redactor
from .report.records import ImageFacts

Progress = Callable[[str, str, bool], None]  # (image label, message, is a build step)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "image"


def image_key(dockerfile: str) -> str:
    """A file- and tag-safe name per Dockerfile; the hash keeps `api.Dockerfile` and
    `api/Dockerfile` (or `Dockerfile.Prod` and `Dockerfile.prod`) apart."""
    return f"{slug(dockerfile)}-{hashlib.sha256(dockerfile.encode()).hexdigest()[:6]}"


def image_tag(config: GoImageConfig, image: ImageConfig, run_id: str) -> str:
    """`goimage/<project>-<dockerfile>:<run>`: concurrent runs never share (or remove) a tag."""
    return f"goimage/{slug(config.project.name)}-{image_key(image.dockerfile)}:{run_id}"


@dataclass
class RunningService:
    """A started service with the MinIO beside it and what MinIO held before the start."""

    image: ImageConfig
    built: BuiltImage
    minio: MinioServer
    container: ServiceContainer
    buckets_before: list[str]
    port_error: str = ""  # why no API port is known ("" when one is)

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


@dataclass
class GoImageSession:
    config: GoImageConfig
    run_id: str  # shared by all xdist workers of one run
    owner: str  # this process; labels resources so a worker only removes its own
    shared_dir: Path
    progress: Progress = lambda label, message, step: None
    keep: bool = False
    update_baseline: bool = False
    engine_error_reported: bool = False
    _client: Any = None
    _engine_error: EngineError | None = None
    _built: dict[str, BuiltImage] = field(default_factory=dict)
    _failed: dict[str, GoImageError] = field(default_factory=dict)
    _minio_images: dict[str, str | GoImageError] = field(default_factory=dict)
    _minios: dict[str, MinioServer] = field(default_factory=dict)
    _networks: dict[str, Any] = field(default_factory=dict)
    _services: dict[str, RunningService] = field(default_factory=dict)
    # How many fixtures (goimage_minio) currently hand out each image's MinIO: those stay up
    # until the fixtures let go, whatever the order of the items.
    _held: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.keep:
            keep_resources()

    @property
    def client(self) -> Any:
        """The engine client; an unreachable engine is reported once, the same way every time."""
        if self._engine_error is not None:
            raise self._engine_error
        if self._client is None:
            try:
                self._client = connect()
            except EngineError as exc:
                self._engine_error = exc
                raise
            swept = remove_stale_resources(self._client)
            swept += remove_abandoned_images(self._client, self.shared_dir.parent, self.shared_dir)
            if swept:
                self.progress("cleanup", f"removed {len(swept)} left by killed runs", False)
        return self._client

    def peek_built(self, image: ImageConfig) -> BuiltImage | None:
        """The image if this process already has it; never builds."""
        return self._built.get(image.dockerfile)

    def image_facts(self, image: ImageConfig) -> ImageFacts:
        """What is known about the built image (nothing before it is built)."""
        built = self._built.get(image.dockerfile)
        if built is None:
            return ImageFacts()
        facts = ImageFacts(
            tag=built.tag,
            image_id=built.id,
            size_bytes=built.size,
            build_seconds=round(built.build_seconds, 3),
            build_cached=built.steps > 0 and built.cached_steps == built.steps,
        )
        if self.no_go_binary(image):
            facts.go_binary = False
            return facts
        try:
            binary = built.binary
        except GoImageError:
            return facts  # the static check names the unreadable binary
        facts.go_version = binary.go_version or None
        facts.static = binary.static
        return facts

    def no_go_binary(self, image: ImageConfig) -> str:
        """Why the built image runs no Go program ("" when it does, or must: `binary` is set,
        or what it runs cannot be found or read, which the static check reports).

        Decided by reading the image: the program ENTRYPOINT/CMD runs is a script, or an ELF
        file without Go build info (.go.buildinfo), as in a docs or proxy image.
        """
        built = self._built.get(image.dockerfile)
        if built is None or image.binary:
            return ""
        try:
            binary = built.binary
        except BinaryError:
            try:
                path = built.binary_path
                head = built.read_file(path)[:4]
            except (GoImageError, OSError):
                return ""
            if head == b"\x7fELF":
                return ""  # an ELF file the reader failed on: static says why
            what = "a script, not an executable"
        else:
            if binary.build_info is not None:
                return ""
            path, what = binary.path, "an executable without Go build info"
        return (
            f"{image.dockerfile}: no Go binary: {path}, the program image {built.tag} runs, is "
            f"{what}, so the Go checks (static, bucket, health) do not apply. If it runs a Go "
            "program after all, set `binary` to that program's path for this image in "
            "[[tool.goimage.image]]."
        )

    def log_path(self, image: ImageConfig) -> Path:
        return self.shared_dir / f"{image_key(image.dockerfile)}.build.log"

    # -- builds ---------------------------------------------------------------------------

    def built(self, image: ImageConfig) -> BuiltImage:
        """The image built from `image`, building it at most once per run across workers."""
        if image.dockerfile in self._built:
            return self._built[image.dockerfile]
        if image.dockerfile in self._failed:
            raise self._failed[image.dockerfile]
        client = self.client
        record = self.shared_dir / f"{image_key(image.dockerfile)}.build.json"
        with file_lock(self.shared_dir / f"{image_key(image.dockerfile)}.build.lock"):
            if record.exists():
                outcome = json.loads(record.read_text())
            else:
                try:
                    outcome = self._build(client, image)
                except EngineError as exc:
                    # Every later call would fail the same way: report it once, then skip.
                    self._engine_error = EngineError(f"{image.dockerfile}: {exc}")
                    raise self._engine_error from None
                tmp = record.with_suffix(".tmp")
                tmp.write_text(json.dumps(outcome))
                os.replace(tmp, record)
        if "error" in outcome:
            error = BuildFailed(outcome["error"])
            self._failed[image.dockerfile] = error
            raise error
        built = load_image(
            client,
            outcome["image_id"],
            dockerfile=image.dockerfile,
            tag=outcome["tag"],
            build_seconds=outcome["seconds"],
            steps=outcome["steps"],
            cached_steps=outcome["cached_steps"],
            log_path=outcome["log_path"],
            run_id=self.owner,
            binary=image.binary,
            project=str(self.config.project),
        )
        self._built[image.dockerfile] = built
        return built

    def _build(self, client: Any, image: ImageConfig) -> dict[str, Any]:
        tag = image_tag(self.config, image, self.run_id)
        # BuildKit shows ARG values inside step names; secret-looking ones never reach a log.
        redact = secret_redactor(image.build_args)
        unused = [
            name
            for name in undeclared_build_args(image.dockerfile_path, image.build_args)
            if name not in self.config.shared_build_args or not self._declared_anywhere(name)
        ]
        if unused:
            # BuildKit silently ignores them: a typo would build something else than meant.
            declared = sorted(declared_args(image.dockerfile_path) or ())
            guesses = [
                f"{name} -> {close[0]}"
                for name in unused
                for close in [difflib.get_close_matches(name, declared, n=1)]
                if close
            ]
            hint = f" Did you mean {', '.join(guesses)}?" if guesses else ""
            return {
                "error": f"{image.dockerfile}: build_args {', '.join(unused)} "
                f"{'is' if len(unused) == 1 else 'are'} not declared by any ARG in the "
                f"Dockerfile, so BuildKit would ignore {'it' if len(unused) == 1 else 'them'}."
                f"{hint} Fix the name in [tool.goimage] build_args, add the ARG, or set it only "
                "in the [[tool.goimage.image]] entries of the Dockerfiles that use it.",
                "cause": "unknown-build-arg",
            }
        self.progress(image.dockerfile, f"building {tag} (context {image.context})", False)
        request = BuildRequest(
            dockerfile=image.dockerfile_path,
            context=image.context_path,
            tag=tag,
            build_args=image.build_args,
            target=image.target,
            # The run-end cleanup removes only images that carry the project its record names.
            labels={
                f"{LABEL_PREFIX}.dockerfile": image.dockerfile,
                LABEL_PROJECT: str(self.config.project),
            },
        )
        builder = chosen_builder() or image.builder
        step_progress = lambda step: self.progress(image.dockerfile, redact(step), True)  # noqa: E731
        if builder:
            try:
                result, trace = build_with_buildx(builder, request, step_progress)
            except EngineError as exc:
                return {"error": f"{image.dockerfile}: {exc}", "cause": "no-buildx"}
        else:
            result, trace = build_image(client, request, progress=step_progress)
        log_path = self.log_path(image)
        log_path.write_text(redact(trace.plain_log()), encoding="utf-8")
        with open(self.shared_dir / "builds.log", "a", encoding="utf-8") as ledger:
            ledger.write(
                f"{image.dockerfile}\t{self.owner}\t{result.image_id if result else '-'}\n"
            )
        if result is None:
            diagnosis = diagnose(
                trace,
                dockerfile=image.dockerfile_path,
                dockerfile_label=image.dockerfile,
                context=image.context_path,
                context_label=image.context,
                log_path=log_path,
                build_args=image.build_args,
            )
            self.progress(image.dockerfile, f"build FAILED ({diagnosis.cause})", False)
            return {"error": redact(diagnosis.message), "cause": diagnosis.cause}
        self.progress(
            image.dockerfile,
            f"built in {result.seconds:.1f}s ({result.cached_steps}/{result.steps} steps cached)",
            False,
        )
        return {
            "image_id": result.image_id,
            "tag": tag,
            "seconds": round(result.seconds, 3),
            "steps": result.steps,
            "cached_steps": result.cached_steps,
            "log_path": str(log_path),
            "project": str(self.config.project),
        }

    def _declared_anywhere(self, build_arg: str) -> bool:
        return any(
            not undeclared_build_args(i.dockerfile_path, {build_arg: ""})
            for i in self.config.images
        )

    # -- MinIO ----------------------------------------------------------------------------

    def minio(self, image: ImageConfig) -> MinioServer:
        """A fresh MinIO for `image`, on a private network that only this image's containers join."""
        if image.dockerfile in self._minios:
            return self._minios[image.dockerfile]
        client = self.client
        host = engine_host()
        if not runs_here(host):
            raise ServiceError(
                f"{image.dockerfile}: the Docker engine at {engine_address()} runs on another "
                "machine, so the ports its containers (MinIO, the service) publish on its "
                "127.0.0.1 cannot be reached from here, and pytest-goimage never publishes them "
                "on other addresses. Run the bucket and health checks and the goimage_minio and "
                "goimage_service fixtures against an engine on this machine, or deselect them "
                "here (-k 'not bucket and not health'); builds and inspection work remotely."
            )
        minio_image = self._minio_image_for(image)
        network = client.networks.create(
            # Unique per attempt: a network a failed attempt left (--goimage-keep, a removal
            # the engine refused) must not make the next one's name ambiguous.
            f"goimage-{self.owner}-{image_key(image.dockerfile)}-{secrets.token_hex(3)}",
            labels=resource_labels(self.owner, "network", str(self.config.project)),
        )
        self._networks[image.dockerfile] = network
        server = MinioServer(
            image=minio_image,
            run_id=self.owner,
            network=network.name,
            project=str(self.config.project),
            configured=bool(image.minio_image),  # "" means the default too
        )
        try:
            server.start(client)
        except BaseException:
            # Whatever stopped it (the engine refusing, Ctrl-C), a later check starts afresh:
            # leave neither the container nor the network, whose name that check reuses.
            if not self.keep:
                server.stop()
            self.release_minio(image)
            raise
        self._minios[image.dockerfile] = server
        return server

    def _minio_image_for(self, image: ImageConfig) -> str:
        """The image's MinIO image, resolved (or built from source) once per run: a failure is
        remembered too, so a missing Go or proxy costs one attempt, not one per check."""
        wanted = image.minio_image or ""
        known = self._minio_images.get(wanted)
        if isinstance(known, GoImageError):
            raise known
        if known is None:
            try:
                known = ensure_minio_image(
                    self.client, wanted or None, lambda msg: self.progress("minio", msg, False)
                )
            except GoImageError as exc:
                self._minio_images[wanted] = exc
                raise
            self._minio_images[wanted] = known
        return known

    def release_minio(self, image: ImageConfig) -> None:
        """Remove the image's MinIO, its network, and the service beside it (useless without)."""
        self.release_service(image, with_minio=False)
        server = self._minios.pop(image.dockerfile, None)
        if server is not None and not self.keep:
            server.stop()
        network = self._networks.pop(image.dockerfile, None)
        if network is not None and not self.keep:
            _remove_network(network)

    def hold(self, image: ImageConfig) -> None:
        """Keep the image's MinIO (and service) up for a fixture until it calls `let_go`."""
        self._held[image.dockerfile] = self._held.get(image.dockerfile, 0) + 1

    def let_go(self, image: ImageConfig) -> None:
        """A fixture is done with the image's MinIO: the last one to let go removes it."""
        left = self._held.pop(image.dockerfile, 0) - 1
        if left > 0:
            self._held[image.dockerfile] = left
        else:
            self.release_minio(image)

    def release_unneeded(self, needed: str | None) -> None:
        """Remove every image's MinIO and service that no fixture holds, except those of the
        Dockerfile `needed` (the next item's): one image's pair at a time, not N until the end."""
        for dockerfile in [*self._minios, *(d for d in self._services if d not in self._minios)]:
            if dockerfile != needed and dockerfile not in self._held:
                self.release_minio(self.config.image(dockerfile))

    # -- the service ---------------------------------------------------------------------

    def service(self, image: ImageConfig) -> RunningService:
        """The image running beside its own fresh MinIO (started once per image and process)."""
        running = self._services.get(image.dockerfile)
        if running is not None:
            return running
        built = self.built(image)
        try:
            port: str | None = container_port(
                built.config.exposed_ports, image.port, image.dockerfile
            )
            port_error = ""
        except ServiceError as exc:
            # The bucket check needs no API port: start it anyway, publishing nothing;
            # health and goimage_service report this instead.
            port, port_error = None, str(exc)
        minio = self.minio(image)
        env = expand_env(dict(image.env), minio, image.bucket)
        # The bucket check must prove the service made the bucket, so record what was there.
        before = sorted(b.name for b in minio.client.list_buckets())
        assert minio.network is not None
        container = ServiceContainer(
            image_ref=built.id,
            image_label=f"{image.dockerfile} ({built.tag})",
            owner=self.owner,
            network=minio.network,
            env=env,
            port=port,
            project=str(self.config.project),
            memory_limit=image.memory_limit,
        )
        # A failed start leaves the MinIO to its owner (the goimage_minio fixture, or close()).
        container.start(self.client)
        running = RunningService(
            image=image,
            built=built,
            minio=minio,
            container=container,
            buckets_before=before,
            port_error=port_error,
        )
        self._services[image.dockerfile] = running
        self.progress(image.dockerfile, f"service started at {container.url}", True)
        return running

    def release_service(self, image: ImageConfig, *, with_minio: bool = True) -> None:
        running = self._services.pop(image.dockerfile, None)
        if running is not None and not self.keep:
            running.container.stop()
        if with_minio:
            self.release_minio(image)

    # -- the end --------------------------------------------------------------------------

    def close(self) -> list[str]:
        """Remove everything this process started (unless --goimage-keep)."""
        if self._client is None or self.keep:
            return []
        stops: list[Callable[[], None]] = [r.container.stop for r in self._services.values()]
        stops += [server.stop for server in self._minios.values()]
        networks = list(self._networks.values())
        self._services, self._minios, self._networks = {}, {}, {}
        # Each removal waits for the engine (kill and reap a process, tear down a bridge);
        # they are independent, so they overlap instead of adding up. Networks go last:
        # the engine refuses to remove one that a container still uses.
        with ThreadPoolExecutor(max_workers=max(1, len(stops))) as pool:
            list(pool.map(lambda stop: stop(), stops))
            list(pool.map(_remove_network, networks))
        try:
            return remove_owned_resources(self._client, self.owner)
        except CLEANUP_ERRORS:
            return []


def _remove_network(network: Any) -> None:
    # If it is still in use, the run-end sweep removes it by label.
    with contextlib.suppress(*CLEANUP_ERRORS):
        network.remove()
