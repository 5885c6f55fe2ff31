"""Per-run state shared by the built-in checks and the fixtures: one build per image, one engine.

Under pytest-xdist every worker has its own GoImageSession, but all share `shared_dir`: a
file lock per image makes the first worker build while the others wait and reuse its result.
"""

from __future__ import annotations

import contextlib
import os
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .build.engine_build import cancel_builds
from .build.image_build import BuildOutcome, Progress, build_one, unknown_build_args
from .build.minio_image import MinioImages, image_present
from .build.no_go_binary import why_no_go_binary
from .build.progress import NOTICE
from .config import GoImageConfig, ImageConfig
from .engine.background import in_background
from .engine.connection import (
    connect,
    engine_address,
    engine_lost,
    ping_briefly,
    remove_labelled,
    remove_stale_resources,
)
from .engine.image import BuiltImage, load_image
from .engine.labels import LABEL_OWNER
from .engine.locks import file_lock
from .engine.names import image_key, image_tag
from .engine.outside_errors import CLEANUP_ERRORS, outside_errors, outside_errors_suppressed
from .engine.run_dirs import mark_engine_used
from .engine.run_images import given_up_message, remove_abandoned_images
from .engine.running_service import RunningService
from .engine.runtime_pool import RuntimePool
from .errors import BuildFailed, EngineError, GoImageError
from .report.records import ImageFacts
from .report.sbom import image_sbom, sbom_path

# How often the main thread, waiting for a build, prints the progress the build queued.
_DRAIN_EVERY = 0.1
_CANCEL_WAIT = 5.0  # seconds for cancelled builds' threads to see their streams close


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
    # Files the run writes or replaces (run_outputs: the report, JUnit file, pytest's log).
    written_files: tuple[Path, ...] = ()
    engine_error_reported: bool = False
    _client: Any = None
    _engine_error: EngineError | None = None
    _built: dict[str, BuiltImage] = field(default_factory=dict)
    _failed: dict[str, GoImageError] = field(default_factory=dict)
    _minio_images: MinioImages = field(default_factory=MinioImages)
    _no_go_binary: dict[str, str] = field(default_factory=dict)  # dockerfile -> why ("" ships Go)
    # What the collected items will need, in order (see plan()); empty: nothing ahead of need.
    _build_plan: list[str] = field(default_factory=list)
    _builds: dict[str, Future[BuiltImage]] = field(default_factory=dict)
    _sboms: dict[str, str | None] = field(default_factory=dict)  # dockerfile -> file written
    # Facts of the checkout that every image's checks read alike (the project's Go pins),
    # read once per run: a monorepo's many images would each re-read every workflow.
    memo: dict[object, object] = field(default_factory=dict)
    runtimes: RuntimePool = field(init=False)

    def __post_init__(self) -> None:
        self.runtimes = RuntimePool(
            lambda: self.client,
            self._minio_image_for,
            self.config.image,
            self.owner,
            str(self.config.project),
            self.keep,
            self.progress,
        )

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
            # Before anything is created: the run's end then sweeps what this process leaves.
            mark_engine_used(self.shared_dir)
            swept = remove_stale_resources(self._client)
            images = remove_abandoned_images(self._client, self.shared_dir.parent, self.shared_dir)
            swept += images.removed
            if swept:
                self.progress("cleanup", f"removed {len(swept)} left by killed runs", False)
            for left in images.given_up:
                self.progress(NOTICE, given_up_message(left), False)
        return self._client

    def lost_engine(self, exc: BaseException, during: str) -> EngineError | None:
        """The engine's failure when it no longer answers (so `exc`, met `during` something,
        was the engine's, not MinIO's or the service's): every later check skips on it."""
        if self._client is None or self._engine_error is not None:
            return self._engine_error
        try:
            ping_briefly(self._client)
        except outside_errors():
            self._engine_error = engine_lost(exc, during)
            return self._engine_error
        return None

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
            layers=",".join(built.layer_digests) or None,
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
            path = sbom_path(self.sbom_dir, image.dockerfile)
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
        self._build_plan = list(builds)
        self.runtimes.plan(runtimes)

    def start_ahead(self, dockerfile: str) -> None:
        """Start the MinIO and dependencies of `dockerfile`, the image whose items will most
        likely run first, while pytest collects; plan() removes them if the items do not run
        that image first or second. Nothing starts when the MinIO image or a dependency's
        must be pulled or built first, or the engine does not answer: the items report that
        as before (the engine's error is kept for them)."""
        image = self.config.image(dockerfile)
        with outside_errors_suppressed(GoImageError):
            client = self.client
            if self._minio_images.present(client, image.minio_image or None) and all(
                image_present(client, dependency.image) for dependency in image.dependencies
            ):
                self.runtimes.prepare(dockerfile)

    def _start_builds(self) -> None:
        if not self._builds:
            self.runtimes.prepare_first()  # the first image's MinIO, during the builds
        for dockerfile in self._build_plan:
            if dockerfile not in self._builds and dockerfile not in self._built:
                image = self.config.image(dockerfile)
                self._builds[dockerfile] = in_background(
                    partial(self._build_once, image), f"goimage-build-{dockerfile}"
                )

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
            while not started.done():  # the build threads queue their progress for this thread
                wait([started], timeout=_DRAIN_EVERY)
                self.drain_progress()
            return started.result()
        return self._build_once(image)

    def drain_progress(self) -> None:
        """Print the progress other threads queued (ProgressPrinter.drain), where there is one."""
        drain = getattr(self.progress, "drain", None)
        if drain is not None:
            drain()

    def discard_progress(self) -> None:
        """Forget the progress other threads queued and the builds announced as going."""
        discard = getattr(self.progress, "discard", None)
        if discard is not None:
            discard()

    def between_items(self, needed: str | None) -> None:
        """After an item: its queued progress shown, the sets the next item (`needed`, its
        Dockerfile) does not use released (RuntimePool.release_unneeded)."""
        self.drain_progress()
        self.runtimes.release_unneeded(needed)

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
            shared_steps=outcome.shared_steps,
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
            # All engines' runs share the runs folder: a later run on another engine must not
            # take "no such image" there for this image's removal (run_dirs.remove_images).
            engine=engine_address(),
            log_path=self.log_path(image),
            ledger=self.shared_dir / "builds.log",
            owner=self.owner,
            progress=self.progress,
        )

    # -- MinIO, dependencies, the service ------------------------------------------------

    def _minio_image_for(self, image: ImageConfig) -> str:
        """The image's MinIO image, resolved (or built from source) once per run."""
        report = lambda message: self.progress("minio", message, False)  # noqa: E731
        source = str(self.config.source)
        return self._minio_images.get(self.client, image.minio_image or None, report, source)

    def service(self, image: ImageConfig) -> RunningService:
        """The image running beside its own fresh MinIO and dependencies (started once per
        image and process; MinIO and the dependencies at the same time)."""
        return self.runtimes.service(image, partial(self.built, image))

    # -- the end --------------------------------------------------------------------------

    def close(self) -> list[str]:
        """Remove everything this process started (unless --goimage-keep)."""
        # An interrupted run's builds: the engine cancels them once their streams close,
        # rather than tag their images after the run's end removed the rest.
        building = [future for future in self._builds.values() if not future.done()]
        if building and cancel_builds():
            wait(building, timeout=_CANCEL_WAIT)
            # An interrupted run: pytest has printed its last line, and the builds it
            # stopped have nothing to add after it (the summary names what did not run).
            self.discard_progress()
        self.drain_progress()
        for built in self._built.values():
            with contextlib.suppress(OSError):
                built.close()
        if self._client is None or self.keep:
            return []
        if self._engine_error is not None:
            try:
                ping_briefly(self._client)
            except outside_errors():
                # Still gone: the next run sweeps by label, as the failure said. The run's end
                # (remove_run_resources) asks once more, bounded, in case it came back.
                return []
        self.runtimes.close()
        try:
            return remove_labelled(self._client, f"{LABEL_OWNER}={self.owner}")
        except CLEANUP_ERRORS:
            return []
