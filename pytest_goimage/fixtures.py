"""The fixtures: built images, a fresh MinIO, the service and its dependencies, per image.

What they need is imported inside them: a run that uses none pays for none of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from .config import GoImageConfig, ImageConfig
    from .engine.dependency import DependencyServer
    from .engine.image import BuiltImage
    from .engine.minio_server import MinioServer
    from .engine.running_service import RunningService


@pytest.fixture(scope="session")
def goimage_config(pytestconfig: pytest.Config) -> GoImageConfig:
    """The parsed `[tool.goimage]` configuration."""
    from .run import goimage_session

    return goimage_session(pytestconfig).config


def _fixture_errors() -> tuple[type[BaseException], ...]:
    """What a fixture turns into a one-paragraph failure instead of a traceback."""
    from .engine.outside_errors import outside_errors
    from .errors import GoImageError

    return (GoImageError, *outside_errors())


def _fixture_failure(fixture: str, image: ImageConfig, exc: BaseException) -> str:
    from .engine.outside_errors import describe_outside_error
    from .errors import GoImageError

    if isinstance(exc, GoImageError):
        return str(exc)
    return f"{image.dockerfile}: {fixture} could not be set up: {describe_outside_error(exc)}"


@pytest.fixture(scope="session")
def goimage(request: pytest.FixtureRequest) -> BuiltImage:
    """A built image (parametrized over the configured images), built once per run."""
    from .errors import ConfigError
    from .run import goimage_session

    if isinstance(request.param, ConfigError):
        pytest.fail(str(request.param), pytrace=False)
    image: ImageConfig = request.param
    try:
        return goimage_session(request.config).built(image)
    except _fixture_errors() as exc:
        _fail(_fixture_failure("goimage", image, exc))


@pytest.fixture(scope="session")
def goimage_minio(request: pytest.FixtureRequest, goimage: BuiltImage) -> Iterator[MinioServer]:
    """A fresh MinIO for the image under test, on that image's private network."""
    from .run import goimage_session

    session = goimage_session(request.config)
    image = session.config.image(goimage.dockerfile)
    try:
        server = session.runtimes.minio(image)
    except _fixture_errors() as exc:
        session.runtimes.release(image)
        _fail(_fixture_failure("goimage_minio", image, exc))
    # Held until pytest tears this fixture down: when the next image's tests start (pytest
    # groups the tests of one parameter together), or at the end of the run.
    session.runtimes.hold(image)
    yield server
    session.runtimes.let_go(image)


@pytest.fixture(scope="session")
def goimage_service(
    request: pytest.FixtureRequest, goimage: BuiltImage, goimage_minio: MinioServer
) -> Iterator[RunningService]:
    """The image running beside `goimage_minio`, healthy (health_path answered 2xx): `url`
    is its API (`port`), `health_url` where health_path answered (`health_port`, else `url`).
    With `health = false` (no HTTP API) it is started and not waited for, only required
    not to have exited."""
    from .engine.health import unhealthy_reason
    from .run import goimage_session

    session = goimage_session(request.config)
    image = session.config.image(goimage.dockerfile)
    try:
        running = session.service(image)
        if image.health:
            reason = unhealthy_reason(running, image)
        elif running.container.exited():
            reason = f"{image.dockerfile}: goimage_service: {running.container.exit_summary()}"
        else:
            reason = None
    except _fixture_errors() as exc:
        reason = _fixture_failure("goimage_service", image, exc)
    if reason:
        # The service goes; its MinIO belongs to goimage_minio, which later tests may use.
        session.runtimes.release_service(image)
        _fail(reason)
    yield running
    session.runtimes.release_service(image)


@pytest.fixture(scope="session")
def goimage_dependency(
    request: pytest.FixtureRequest, goimage: BuiltImage, goimage_minio: MinioServer
) -> Callable[[str], DependencyServer]:
    """`goimage_dependency("redis")`: that dependency of the image under test, ready on the
    image's network: `host` and `port` as this machine reaches it, `container`, `logs()`."""
    from .run import goimage_session

    session = goimage_session(request.config)
    image = session.config.image(goimage.dockerfile)

    def lookup(name: str) -> DependencyServer:
        known = [d.name for d in image.dependencies]
        if name not in known:
            _fail(
                f"{image.dockerfile}: goimage_dependency({name!r}): no such dependency for "
                f"this image (its dependencies: {', '.join(known) or 'none'}); declare it in "
                f"[tool.goimage.dependencies.{name}] or in compose_services."
            )
        try:
            return session.runtimes.dependencies(image)[name]
        except _fixture_errors() as exc:
            _fail(_fixture_failure("goimage_dependency", image, exc))

    return lookup


def add_service_diagnosis(item: pytest.Item, report: pytest.TestReport) -> None:
    """Under a failed test that used `goimage_service`: whether the service still runs, and
    its last log lines (a test's "connection refused" is usually a service that died)."""
    from .engine.running_service import RunningService

    running = getattr(item, "funcargs", {}).get("goimage_service")
    if not isinstance(running, RunningService):
        return
    try:
        text = running.diagnosis()
    except _fixture_errors() as exc:
        text = _fixture_failure("goimage_service", running.image, exc)
    report.sections.append((f"goimage service {running.image.dockerfile}", text))


def _fail(message: str) -> NoReturn:
    """Fail a fixture with `message` alone: pytest.fail() inside an `except` block would print
    the caught error too, as "During handling of the above exception", repeating it."""
    raise pytest.fail.Exception(message, pytrace=False) from None
