"""Per-run state shared by the built-in checks and the fixtures: one build per image, one engine.

Under pytest-xdist every worker has its own GoImageSession, but all share `shared_dir`: a
file lock per image makes the first worker build while the others wait and reuse its result.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .build.image_build import BuildOutcome, Progress, build_one, unknown_build_args
from .build.minio_image import MinioImages
from .build.no_go_binary import why_no_go_binary
from .config import GoImageConfig, ImageConfig
from .engine.background import in_background
from .engine.connection import (
    LABEL_OWNER,
    connect,
    engine_lost,
    remove_labelled,
    remove_stale_resources,
)
from .engine.dependency import DependencyServer
from .engine.image import BuiltImage, load_image
from .engine.image_runtime import ImageRuntime
from .engine.locks import file_lock
from .engine.minio_server import MinioServer
from .engine.names import image_key, image_tag
from .engine.outside_errors import CLEANUP_ERRORS, OUTSIDE_ERRORS
from .engine.run_dirs import remove_abandoned_images
from .engine.running_service import RunningService
from .errors import BuildFailed, EngineError, GoImageError
from .report.records import ImageFacts
from .report.sbom import SBOM_SUFFIX, image_sbom


@dataclass
class GoImageSession:
    config: GoImageConfig
    run_id: str  # shared by all xdist workers of one run
    owner: str  # this process; labels resources so a worker only removes its own
    shared_dir: Path
    progress: Progress = lambda label, message, step: None
    keep: bool = False
    update_baseline: bool = False
    sbom_dir: Path | None = None  # --goimage-sbom: one CycloneDX file per image goes here
    engine_error_reported: bool = False
    _client: Any = None
    _engine_error: EngineError | None = None
    _built: dict[str, BuiltImage] = field(default_factory=dict)
    _failed: dict[str, GoImageError] = field(default_factory=dict)
    _minio_images: MinioImages = field(default_factory=MinioImages)
    _runtimes: dict[str, ImageRuntime] = field(default_factory=dict)
    # How many fixtures (goimage_minio) currently hand out each image's MinIO: those stay up
    # until the fixtures let go, whatever the order of the items.
    _held: dict[str, int] = field(default_factory=dict)
    _no_go_binary: dict[str, str] = field(default_factory=dict)  # dockerfile -> why ("" ships Go)
    # What the collected items will need, in order (see plan()); empty: nothing ahead of need.
    _build_plan: list[str] = field(default_factory=list)
    _runtime_plan: list[str] = field(default_factory=list)
    _builds: dict[str, Future[BuiltImage]] = field(default_factory=dict)
    _preparing: dict[str, Future[object]] = field(default_factory=dict)
    _sboms: dict[str, str | None] = field(default_factory=dict)  # dockerfile -> file written

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

    def lost_engine(self, exc: BaseException, during: str) -> EngineError | None:
        """The engine's failure when it no longer answers (so `exc`, met `during` something,
        was the engine's, not MinIO's or the service's): every later check skips on it."""
        if self._client is None or self._engine_error is not None:
            return self._engine_error
        try:
            self._client.ping()
        except OUTSIDE_ERRORS:
            self._engine_error = engine_lost(exc, during)
            return self._engine_error
        return None

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
        facts.sbom = self._sbom(image, built)
        return facts

    def _sbom(self, image: ImageConfig, built: BuiltImage) -> str | None:
        """The SBOM file of the built image, written on first call with --goimage-sbom; None
        without the flag, without Go build info, or when it cannot be written (the terminal
        summary names the images that have none)."""
        if self.sbom_dir is None:
            return None
        if image.dockerfile not in self._sboms:
            path = self.sbom_dir / f"{image_key(image.dockerfile)}{SBOM_SUFFIX}"
            self._sboms[image.dockerfile] = image_sbom(path, built)
        return self._sboms[image.dockerfile]

    def no_go_binary(self, image: ImageConfig) -> str:
        """Why the built image runs no Go program ("" when it does, or must: `binary` is set,
        or what it runs cannot be found or read, which the static check reports).

        Decided from the Dockerfile and the image: nothing in the Dockerfile ships Go (no
        golang stage, no `go build`, no executable copied from the context: go_evidence), and
        the program ENTRYPOINT/CMD runs is a script, or an ELF file without Go build info
        (.go.buildinfo), as in a docs or proxy image.
        """
        built = self._built.get(image.dockerfile)
        if built is None or image.binary:
            return ""
        # Asked by the facts of every item and by three checks: read the Dockerfile, the
        # context and the image once per image.
        if image.dockerfile not in self._no_go_binary:
            self._no_go_binary[image.dockerfile] = why_no_go_binary(image, built)
        return self._no_go_binary[image.dockerfile]

    def log_path(self, image: ImageConfig) -> Path:
        return self.shared_dir / f"{image_key(image.dockerfile)}.build.log"

    # -- what runs ahead of need ---------------------------------------------------------

    def plan(self, builds: list[str], runtimes: list[str]) -> None:
        """The Dockerfiles the collected items build and run beside MinIO, in item order. The
        first build starts them all (the engine's BuildKit runs them at once and does shared
        steps once), and starting an image's service starts the next image's MinIO and
        dependencies, so that they are ready when its items come."""
        self._build_plan, self._runtime_plan = list(builds), list(runtimes)

    def _start_builds(self) -> None:
        if self._runtime_plan and not self._builds:
            self._prepare(self._runtime_plan[0])  # the first image's MinIO, during the builds
        for dockerfile in self._build_plan:
            if dockerfile not in self._builds and dockerfile not in self._built:
                image = self.config.image(dockerfile)
                self._builds[dockerfile] = in_background(
                    partial(self._build_once, image), f"goimage-build-{dockerfile}"
                )

    def _prepare_after(self, image: ImageConfig) -> None:
        """Start the MinIO and dependencies of the image whose runtime items come next."""
        plan = self._runtime_plan
        if image.dockerfile in plan and plan.index(image.dockerfile) + 1 < len(plan):
            self._prepare(plan[plan.index(image.dockerfile) + 1])

    def _prepare(self, dockerfile: str) -> None:
        if dockerfile in self._runtimes or dockerfile in self._preparing:
            return
        image = self.config.image(dockerfile)
        try:
            minio_image = self._minio_image_for(image)
        except GoImageError:
            return  # the check that needs MinIO reports it
        runtime = self._runtime(image)
        self._preparing[dockerfile] = in_background(
            partial(runtime.start_all, minio_image), f"goimage-prepare-{dockerfile}"
        )

    def _wait_prepared(self, image: ImageConfig) -> None:
        """Let an early start of `image`'s MinIO finish; what failed there is retried (and
        reported) by the caller, as if nothing had started early."""
        prepared = self._preparing.pop(image.dockerfile, None)
        if prepared is not None:
            with contextlib.suppress(BaseException):
                prepared.result()

    # -- builds ---------------------------------------------------------------------------

    def built(self, image: ImageConfig) -> BuiltImage:
        """The image built from `image`, building it at most once per run across workers."""
        if image.dockerfile in self._built:
            return self._built[image.dockerfile]
        if image.dockerfile in self._failed:
            raise self._failed[image.dockerfile]
        self._start_builds()
        started = self._builds.get(image.dockerfile)
        if started is not None:
            return started.result()
        return self._build_once(image)

    def _build_once(self, image: ImageConfig) -> BuiltImage:
        if image.dockerfile in self._built:
            return self._built[image.dockerfile]
        if image.dockerfile in self._failed:
            raise self._failed[image.dockerfile]
        client = self.client
        record = self.shared_dir / f"{image_key(image.dockerfile)}.build.json"
        with file_lock(self.shared_dir / f"{image_key(image.dockerfile)}.build.lock"):
            if record.exists():
                outcome = BuildOutcome.from_json(record.read_text())
            else:
                try:
                    outcome = self._build(client, image)
                except EngineError as exc:
                    # Every later call would fail the same way: report it once, then skip.
                    self._engine_error = EngineError(f"{image.dockerfile}: {exc}")
                    raise self._engine_error from None
                tmp = record.with_suffix(".tmp")
                tmp.write_text(outcome.to_json())
                os.replace(tmp, record)
        if outcome.error:
            log = self.log_path(image)
            error = BuildFailed(
                outcome.error, cause=outcome.cause, log_path=log if log.exists() else None
            )
            self._failed[image.dockerfile] = error
            raise error
        built = load_image(
            client,
            outcome.image_id,
            dockerfile=image.dockerfile,
            tag=outcome.tag,
            build_seconds=outcome.seconds,
            steps=outcome.steps,
            cached_steps=outcome.cached_steps,
            log_path=outcome.log_path,
            binary=image.binary,
        )
        self._built[image.dockerfile] = built
        return built

    def _build(self, client: Any, image: ImageConfig) -> BuildOutcome:
        refused = unknown_build_args(image, self.config.shared_build_args, self.config.images)
        if refused is not None:
            return refused
        return build_one(
            client,
            image,
            tag=image_tag(self.config, image, self.run_id),
            project=str(self.config.project),
            log_path=self.log_path(image),
            ledger=self.shared_dir / "builds.log",
            owner=self.owner,
            progress=self.progress,
        )

    # -- MinIO, dependencies, the service ------------------------------------------------

    def _runtime(self, image: ImageConfig) -> ImageRuntime:
        runtime = self._runtimes.get(image.dockerfile)
        if runtime is None:
            runtime = ImageRuntime(
                image,
                self.client,
                self.owner,
                str(self.config.project),
                self.keep,
                image_key(image.dockerfile),
            )
            self._runtimes[image.dockerfile] = runtime
        return runtime

    def minio(self, image: ImageConfig) -> MinioServer:
        """A fresh MinIO for `image`, on a private network that only this image's containers join."""
        self._wait_prepared(image)
        runtime = self._runtime(image)
        if runtime.minio is not None:
            return runtime.minio
        minio_image = self._minio_image_for(image)
        try:
            return runtime.start_minio(minio_image)
        except BaseException:
            self.release_minio(image)
            raise

    def dependencies(self, image: ImageConfig) -> dict[str, DependencyServer]:
        """The image's dependencies (PostgreSQL, Redis ...), each ready, on its network. A
        failed start removes what it started; MinIO, held by the fixture that asks, stays."""
        self._wait_prepared(image)
        return self._runtime(image).start_dependencies()

    def _minio_image_for(self, image: ImageConfig) -> str:
        """The image's MinIO image, resolved (or built from source) once per run."""
        report = lambda message: self.progress("minio", message, False)  # noqa: E731
        return self._minio_images.get(self.client, image.minio_image or None, report)

    def release_minio(self, image: ImageConfig) -> None:
        """Remove the image's service, MinIO, dependencies and network."""
        self._wait_prepared(image)
        runtime = self._runtimes.pop(image.dockerfile, None)
        if runtime is not None:
            runtime.stop()

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
        """Remove every image's MinIO, dependencies and service that no fixture holds, except
        those of the Dockerfile `needed` (the next item's) and of the one started early for
        the items after: one image's set in use at a time, the next one's starting."""
        for dockerfile in list(self._runtimes):
            if dockerfile != needed and dockerfile not in self._held:
                if dockerfile in self._preparing:
                    continue
                self.release_minio(self.config.image(dockerfile))

    def service(self, image: ImageConfig) -> RunningService:
        """The image running beside its own fresh MinIO and dependencies (started once per
        image and process; MinIO and the dependencies at the same time)."""
        runtime = self._runtimes.get(image.dockerfile)
        if runtime is not None and runtime.service is not None:
            return runtime.service
        built = self.built(image)
        self._wait_prepared(image)
        minio_image = self._minio_image_for(image)
        runtime = self._runtime(image)
        try:
            running = runtime.start_service(built, minio_image)
        except BaseException:
            if image.dockerfile not in self._held:
                self.release_minio(image)
            raise
        self.progress(image.dockerfile, f"service started at {running.url}", True)
        self._prepare_after(image)
        return running

    def release_service(self, image: ImageConfig, *, with_minio: bool = True) -> None:
        runtime = self._runtimes.get(image.dockerfile)
        if runtime is not None:
            runtime.stop_service()
        if with_minio:
            self.release_minio(image)

    # -- the end --------------------------------------------------------------------------

    def close(self) -> list[str]:
        """Remove everything this process started (unless --goimage-keep)."""
        for built in self._built.values():
            with contextlib.suppress(OSError):
                built.close()
        if self._client is None or self.keep:
            return []
        for prepared in list(self._preparing.values()):
            # An early start still running must end before its containers can be removed.
            with contextlib.suppress(BaseException):
                prepared.result(timeout=120)
        self._preparing = {}
        runtimes = list(self._runtimes.values())
        self._runtimes = {}
        stops: list[Callable[[], None]] = [stop for r in runtimes for stop in r.stoppers()]
        # Each removal waits for the engine (kill and reap a process, tear down a bridge);
        # they are independent, so they overlap instead of adding up. Networks go last:
        # the engine refuses to remove one that a container still uses.
        with ThreadPoolExecutor(max_workers=max(1, len(stops))) as pool:
            list(pool.map(lambda stop: stop(), stops))
            list(pool.map(lambda runtime: runtime.remove_network(), runtimes))
        try:
            return remove_labelled(self._client, f"{LABEL_OWNER}={self.owner}")
        except CLEANUP_ERRORS:
            return []
