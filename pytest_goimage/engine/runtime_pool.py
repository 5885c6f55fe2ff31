"""The sets of containers each image runs beside (its network, MinIO, dependencies, service),
for one process: started ahead of need, held by fixtures, removed once no item needs them.

One image's set is in use at a time. The next image's MinIO and dependencies start when this
image's service is about to start (a MinIO takes longer to be ready than a service takes to
start and be checked), so they run beside this set. A set no item needs any more is killed,
then removed, in the background while the next image's inspection checks run. The next
image's service, a MinIO or dependency a fixture asks for, and the MinIO started ahead for the
image after it all wait for that kill; the end of the run waits for the removals (the engine
unmounts, tears down a bridge; up to two minutes each, and the label sweep after them takes
what is left).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..config import ImageConfig
from ..errors import DependencyError, GoImageError, MinioError
from .background import in_background
from .dependency import DependencyServer
from .image import BuiltImage
from .image_runtime import ImageRuntime
from .minio_server import MinioServer
from .names import image_key
from .running_service import RunningService

_KILL_TIMEOUT = 120  # seconds; a kill takes well under one


@dataclass
class RuntimePool:
    """Every image's ImageRuntime of this process, by Dockerfile."""

    client: Callable[[], Any]  # the engine client, connected on first use
    minio_image_for: Callable[[ImageConfig], str]  # resolved (or built) once per run
    image: Callable[[str], ImageConfig]  # the configured image of a Dockerfile
    owner: str
    project: str
    keep: bool = False
    progress: Callable[[str, str, bool], None] = lambda label, message, step: None
    _runtimes: dict[str, ImageRuntime] = field(default_factory=dict)
    # How many fixtures (goimage_minio) currently hand out each image's MinIO: those stay up
    # until the fixtures let go, whatever the order of the items.
    _held: dict[str, int] = field(default_factory=dict)
    _plan: list[str] = field(default_factory=list)  # Dockerfiles the items run, in item order
    _preparing: dict[str, Future[object]] = field(default_factory=dict)
    _killing: list[Future[None]] = field(default_factory=list)
    _removing: list[Future[None]] = field(default_factory=list)
    # Per image: why its MinIO or a dependency did not get ready for the service. The next
    # check's service would wait as long for the same verdict (trial 11: 2 x 60 s per image).
    _unready: dict[str, GoImageError] = field(default_factory=dict)

    def plan(self, dockerfiles: list[str]) -> None:
        """The Dockerfiles whose items run a MinIO or service, in item order. A set started
        ahead (start_ahead) for an image the items run neither first nor second is removed;
        the second's is the one the first image's service would start ahead anyway."""
        self._plan = list(dockerfiles)
        for dockerfile in [d for d in self._preparing if d not in self._plan[:2]]:
            self._discard_started_ahead(dockerfile)

    def prepare_first(self) -> None:
        """Start the first planned image's MinIO and dependencies (during the builds)."""
        if self._plan:
            self.prepare(self._plan[0])

    def _prepare_after(self, image: ImageConfig) -> None:
        """Start the MinIO and dependencies of the image whose runtime items come next."""
        if image.dockerfile in self._plan:
            following = self._plan.index(image.dockerfile) + 1
            if following < len(self._plan):
                self.prepare(self._plan[following])

    def prepare(self, dockerfile: str) -> None:
        """Start `dockerfile`'s MinIO and dependencies now, in the background (once)."""
        if dockerfile in self._runtimes or dockerfile in self._preparing:
            return
        image = self.image(dockerfile)
        try:
            minio_image = self.minio_image_for(image)
        except GoImageError:
            return  # the check that needs MinIO reports it
        runtime = self._runtime(image)
        self._preparing[dockerfile] = in_background(
            partial(runtime.start_all, minio_image), f"goimage-prepare-{dockerfile}"
        )

    def _wait_prepared(self, image: ImageConfig) -> None:
        """Let an early start of `image`'s MinIO and dependencies finish. One that exited, or
        that the engine or the configuration refused, there is the image's verdict, as if the
        service had started it: started again, it fails the same way (trial 35A: twice per
        image). One that ran out of its timeout is retried by the caller, as is anything else
        that failed there: the builds running beside an early start may have slowed it."""
        prepared = self._preparing.get(image.dockerfile)
        if prepared is not None:
            try:
                prepared.result()
            except (MinioError, DependencyError) as exc:
                if not exc.waited_out:
                    self._unready[image.dockerfile] = exc
            except Exception:  # a Ctrl-C while waiting ends the run ...
                pass
            # ... and leaves it listed, so that the end of the run waits for it to finish.
            self._preparing.pop(image.dockerfile, None)

    def _runtime(self, image: ImageConfig) -> ImageRuntime:
        runtime = self._runtimes.get(image.dockerfile)
        if runtime is None:
            runtime = ImageRuntime(
                image,
                self.client(),
                self.owner,
                self.project,
                self.keep,
                image_key(image.dockerfile),
            )
            self._runtimes[image.dockerfile] = runtime
        return runtime

    def minio(self, image: ImageConfig) -> MinioServer:
        """A fresh MinIO for `image`, on a private network only this image's containers join."""
        self._wait_killed()
        self._wait_prepared(image)
        runtime = self._runtime(image)
        if runtime.minio is not None:
            return runtime.minio
        minio_image = self.minio_image_for(image)
        try:
            started = runtime.start_minio(minio_image)
        except BaseException:
            self.release(image)
            raise
        if isinstance(self._unready.get(image.dockerfile), MinioError):
            self._unready.pop(image.dockerfile)  # it got ready after all (a fixture asked)
        return started

    def dependencies(self, image: ImageConfig) -> dict[str, DependencyServer]:
        """The image's dependencies (PostgreSQL, Redis ...), each ready, on its network. A
        failed start removes what it started; MinIO, held by the fixture that asks, stays."""
        self._wait_killed()
        self._wait_prepared(image)
        unready = self._unready.get(image.dockerfile)
        if isinstance(unready, DependencyError):
            raise unready
        return self._runtime(image).start_dependencies()

    def service(self, image: ImageConfig, built: Callable[[], BuiltImage]) -> RunningService:
        """The image `built()` gives running beside its own fresh MinIO and dependencies
        (started once per image and process); starting it starts the next image's MinIO and
        dependencies."""
        runtime = self._runtimes.get(image.dockerfile)
        if runtime is not None and runtime.service is not None:
            return runtime.service
        if image.dockerfile in self._unready:
            raise self._unready[image.dockerfile]
        try:
            image_built = built()
        except BaseException:
            # No service will run beside a MinIO started ahead for this image.
            if image.dockerfile in self._preparing and image.dockerfile not in self._held:
                self._discard_started_ahead(image.dockerfile)
            raise
        self._wait_killed()  # one image's set running at a time
        # The last set's removal goes on; older ones are done by now, or the engine is slow
        # and their networks would pile up.
        self._wait_removed(but_last=1)
        # The next image's MinIO takes longer to be ready than this service takes to start
        # and be checked: start it now, not once this service runs.
        self._prepare_after(image)
        self._wait_prepared(image)
        if image.dockerfile in self._unready:  # its early start failed: started once
            if image.dockerfile not in self._held:
                self.release(image)
            raise self._unready[image.dockerfile]
        minio_image = self.minio_image_for(image)
        runtime = self._runtime(image)
        try:
            running = runtime.start_service(image_built, minio_image)
        except BaseException as exc:
            if isinstance(exc, (MinioError, DependencyError)):
                self._unready[image.dockerfile] = exc
            if image.dockerfile not in self._held:
                self.release(image)
            raise
        self.progress(image.dockerfile, f"service started at {running.url}", True)
        return running

    def release_service(self, image: ImageConfig) -> None:
        """Remove the image's service; its MinIO and dependencies stay."""
        runtime = self._runtimes.get(image.dockerfile)
        if runtime is not None:
            runtime.stop_service()

    def release(self, image: ImageConfig) -> None:
        """Remove the image's service, MinIO, dependencies and network, now."""
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
            self.release(image)

    def release_unneeded(self, needed: str | None) -> None:
        """Kill and remove, in the background, the set of every image that no fixture holds,
        except that of the Dockerfile `needed` (the next item's) and one starting ahead for
        the items after."""
        for dockerfile in list(self._runtimes):
            if dockerfile == needed or dockerfile in self._held or dockerfile in self._preparing:
                continue
            self._discard(dockerfile)

    def _discard_started_ahead(self, dockerfile: str) -> None:
        """Discard a set whose start is under way, once that start has ended."""
        self._discard(dockerfile, after=self._preparing.pop(dockerfile))

    def _discard(self, dockerfile: str, after: Future[object] | None = None) -> None:
        """Kill, then remove, the set of `dockerfile` in the background (once `after`, its
        start, has ended)."""
        runtime = self._runtimes.pop(dockerfile)
        killed: Future[None] = Future()
        removing = in_background(
            partial(_kill_then_remove, runtime, killed, after), f"goimage-remove-{dockerfile}"
        )
        # Only once its thread runs: a Future nobody completes would hold the next start.
        self._killing.append(killed)
        self._removing.append(removing)

    def close(self) -> None:
        """Remove every set (an early start still running ends first) and wait for the
        removals under way."""
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
        self._wait_removed(ending=True)

    def _wait_killed(self) -> None:
        """Let the kills under way finish: the next service starts with no other set running.
        A Ctrl-C while waiting ends the run (its end removes everything by label)."""
        killing, self._killing = self._killing, []
        for killed in killing:
            try:
                killed.result(timeout=_KILL_TIMEOUT)
            except FutureTimeout:
                self.progress(
                    "cleanup",
                    f"the engine did not stop the previous image's containers within "
                    f"{_KILL_TIMEOUT} s; the next image starts beside them",
                    False,
                )

    def _wait_removed(self, but_last: int = 0, *, ending: bool = False) -> None:
        """Let the removals under way finish, except the `but_last` newest (best effort: the
        end of the run sweeps by label). While the run goes on, a Ctrl-C ends the wait and
        the run; at its end (`ending`) nothing stops the cleanup."""
        while len(self._removing) > but_last:
            removing = self._removing[0]
            with contextlib.suppress(BaseException if ending else Exception):
                removing.result(timeout=_KILL_TIMEOUT)
            self._removing.pop(0)


def _kill_then_remove(
    runtime: ImageRuntime, killed: Future[None], after: Future[object] | None = None
) -> None:
    """Kill the set's containers, say so through `killed`, then remove them and the network
    (once `after`, their start, has ended, however long it takes: its containers are only
    then all known; the next service's wait for `killed` has its own time limit)."""
    try:
        if after is not None:
            with contextlib.suppress(BaseException):
                after.result()
        runtime.kill()
    finally:
        killed.set_result(None)
    runtime.stop()
