"""Per-run state shared by the built-in checks and the fixtures: one build per image, one engine.

Under pytest-xdist every worker has its own GoImageSession, but all share `shared_dir`: a
file lock per image makes the first worker build while the others wait and reuse its result.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build.go_evidence import go_evidence
from .build.image_build import BuildOutcome, Progress, build_one, unknown_build_args
from .build.minio_image import ensure_minio_image
from .config import GoImageConfig, ImageConfig
from .engine.connection import (
    LABEL_OWNER,
    connect,
    remove_labelled,
    remove_stale_resources,
)
from .engine.dependency import DependencyServer
from .engine.image import BuiltImage, load_image
from .engine.image_runtime import ImageRuntime
from .engine.locks import file_lock
from .engine.minio_server import MinioServer
from .engine.outside_errors import CLEANUP_ERRORS
from .engine.run_dirs import remove_abandoned_images
from .engine.running_service import RunningService
from .errors import BinaryError, BuildFailed, EngineError, GoImageError
from .gofacts.elf import looks_like_elf
from .report.records import ImageFacts
from .report.sbom import write_sbom

SBOM_SUFFIX = ".cdx.json"


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
    _minio_images: dict[str, str | GoImageError] = field(default_factory=dict)
    _runtimes: dict[str, ImageRuntime] = field(default_factory=dict)
    # How many fixtures (goimage_minio) currently hand out each image's MinIO: those stay up
    # until the fixtures let go, whatever the order of the items.
    _held: dict[str, int] = field(default_factory=dict)
    _no_go_binary: dict[str, str] = field(default_factory=dict)  # dockerfile -> why ("" ships Go)
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
            info = built.binary.build_info
            path = self.sbom_dir / f"{image_key(image.dockerfile)}{SBOM_SUFFIX}"
            written: str | None = None
            if info is not None:
                try:
                    written = str(
                        write_sbom(path, info, image_name=built.tag, image_digest=built.id)
                    )
                except OSError:
                    written = None
            self._sboms[image.dockerfile] = written
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
            self._no_go_binary[image.dockerfile] = self._why_no_go_binary(image, built)
        return self._no_go_binary[image.dockerfile]

    def _why_no_go_binary(self, image: ImageConfig, built: BuiltImage) -> str:
        if go_evidence(image.dockerfile_path, image.context_path, image.build_args):
            return ""  # it ships Go: static says what it found instead of a quiet skip
        try:
            binary = built.binary
        except BinaryError:
            try:
                path = built.binary_path
                head = built.read_file(path)[:4]
            except (GoImageError, OSError):
                return ""
            if looks_like_elf(head):
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
            run_id=self.owner,
            binary=image.binary,
            project=str(self.config.project),
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
        return self._runtime(image).start_dependencies()

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
        """Remove the image's service, MinIO, dependencies and network."""
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
        those of the Dockerfile `needed` (the next item's): one image's set at a time."""
        for dockerfile in list(self._runtimes):
            if dockerfile != needed and dockerfile not in self._held:
                self.release_minio(self.config.image(dockerfile))

    def service(self, image: ImageConfig) -> RunningService:
        """The image running beside its own fresh MinIO and dependencies (started once per
        image and process; MinIO and the dependencies at the same time)."""
        runtime = self._runtimes.get(image.dockerfile)
        if runtime is not None and runtime.service is not None:
            return runtime.service
        built = self.built(image)
        minio_image = self._minio_image_for(image)
        runtime = self._runtime(image)
        try:
            running = runtime.start_service(built, minio_image)
        except BaseException:
            if image.dockerfile not in self._held:
                self.release_minio(image)
            raise
        self.progress(image.dockerfile, f"service started at {running.url}", True)
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
        if self._client is None or self.keep:
            return []
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
