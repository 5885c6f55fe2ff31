"""pytest hooks and fixtures: options, configuration, collection, fixtures, report header.

Wiring only: the built-in checks as items are in items.py, the run's folder, session and
xdist support in run.py, the results (JSON, terminal, Markdown) in report/.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Iterator
from typing import Any, NoReturn

import pytest

from .checks import check_names
from .config import GoImageConfig, ImageConfig, load_config
from .config_defaults import no_table_note
from .engine.connection import engine_address
from .engine.dependency import DependencyServer
from .engine.health import unhealthy_reason
from .engine.image import BuiltImage
from .engine.minio_server import MinioServer
from .engine.outside_errors import OUTSIDE_ERRORS, describe_outside_error
from .engine.running_service import RunningService
from .errors import ConfigError, GoImageError, SelectionError
from .items import GoImageCheckItem, check_items, runtime_of
from .report.header import defaults_note
from .report.reporter import ResultsReporter, remove_report
from .report.results import config_secrets, masked_report
from .run import (
    CONFIG_ERROR_KEY,
    CONFIG_KEY,
    SESSION_KEY,
    XdistSupport,
    build_logs_line,
    end_run,
    goimage_session,
    is_worker,
)
from .selection import take_check_args

# Checks named on the command line (`Dockerfile.prod::static`); empty: no such argument.
SELECTED_KEY = pytest.StashKey[frozenset[str]]()
# The objects with hooks of their own that pytest_configure registered, to unregister.
_PLUGINS_KEY = pytest.StashKey[list[object]]()

pytest.register_assert_rewrite("pytest_goimage.assertions")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("goimage", "container image acceptance tests for Go services")
    group.addoption(
        "--goimage",
        action="store_true",
        help="collect the built-in checks for every image configured in [tool.goimage]",
    )
    group.addoption("--goimage-report", metavar="PATH", help="write the JSON report to PATH")
    group.addoption(
        "--goimage-update-baseline",
        action="store_true",
        help="write the measured image sizes into the baseline file",
    )
    group.addoption(
        "--goimage-keep",
        action="store_true",
        help="leave containers, networks and images in place for debugging",
    )


def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """The earliest hook that sees our options: the stale report goes before pytest can stop
    on a usage error of its own (an unknown option)."""
    # xdist workers run this too (their `workerinput` comes later, and PYTEST_XDIST_WORKER is
    # also inherited by pytest runs nested in a worker). That is harmless: workers start
    # long before the controller writes the report, at the very end of the run.
    remove_report(getattr(early_config.known_args_namespace, "goimage_report", None))


def pytest_configure(config: pytest.Config) -> None:
    config.stash[SESSION_KEY] = None
    config.stash[CONFIG_ERROR_KEY] = None
    config.stash[_PLUGINS_KEY] = []
    if not is_worker(config):
        remove_report(config.getoption("goimage_report", None))
    # A run asked for the checks or their report needs the configuration: without it, the
    # report would be missing (a gate fails closed, but nobody would learn why).
    flag = (
        "--goimage"
        if config.getoption("goimage")
        else "--goimage-report"
        if config.getoption("goimage_report")
        else ""
    )
    try:
        # Without [tool.goimage], a Go repository runs on the defaults; with a flag, a
        # rootdir without go.mod is an error (no Go module to test) instead of no plugin.
        goconfig = load_config(config.rootpath, required=bool(flag))
    except ConfigError as exc:
        config.stash[CONFIG_KEY] = None
        config.stash[CONFIG_ERROR_KEY] = exc
        if flag:
            raise pytest.UsageError(str(exc)) from None
        return
    config.stash[CONFIG_KEY] = goconfig
    config.stash[SELECTED_KEY] = frozenset()
    if goconfig is None:
        return
    if config.getoption("goimage"):
        try:
            named = take_check_args(
                config.args, goconfig.images, check_names(), config.invocation_params.dir
            )
        except SelectionError as exc:
            raise pytest.UsageError(str(exc)) from None
        if named.selected:
            # Every xdist worker parses the same arguments, so each selects the same checks.
            config.args[:] = named.rest
            config.stash[SELECTED_KEY] = named.selected
    if config.pluginmanager.hasplugin("xdist"):
        _register(config, XdistSupport(), "goimage-xdist")
    if not is_worker(config):
        reporter = ResultsReporter(
            config, goconfig, checks=check_names(), named=bool(config.stash[SELECTED_KEY])
        )
        _register(config, reporter, "goimage-results")


def _register(config: pytest.Config, plugin: object, name: str) -> None:
    config.pluginmanager.register(plugin, name)
    config.stash[_PLUGINS_KEY].append(plugin)


def pytest_unconfigure(config: pytest.Config) -> None:
    for plugin in config.stash.get(_PLUGINS_KEY, []):
        config.pluginmanager.unregister(plugin)
    end_run(config)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """With --goimage, put the built-in checks first (before -k and -m deselect)."""
    goconfig = config.stash.get(CONFIG_KEY, None)
    if config.getoption("goimage") and goconfig is not None:
        items[:0] = check_items(session, goconfig, config.stash.get(SELECTED_KEY, frozenset()))


# -- fixtures ------------------------------------------------------------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "goimage" not in metafunc.fixturenames:
        return
    error = metafunc.config.stash.get(CONFIG_ERROR_KEY, None)
    if error is not None:
        # One item that fails with the configuration error (the fixture raises it), so the
        # rest of the team's tests still run while [tool.goimage] is being fixed.
        metafunc.parametrize(
            "goimage", [error], ids=["config-error"], indirect=True, scope="session"
        )
        return
    goconfig = metafunc.config.stash.get(CONFIG_KEY, None)
    images = list(goconfig.images) if goconfig else []
    metafunc.parametrize(
        "goimage", images, ids=[i.dockerfile for i in images], indirect=True, scope="session"
    )


@pytest.fixture(scope="session")
def goimage_config(pytestconfig: pytest.Config) -> GoImageConfig:
    """The parsed `[tool.goimage]` configuration."""
    return goimage_session(pytestconfig).config


# What a fixture turns into a one-paragraph failure instead of a traceback.
FIXTURE_ERRORS: tuple[type[BaseException], ...] = (GoImageError, *OUTSIDE_ERRORS)


def _fixture_failure(fixture: str, image: ImageConfig, exc: BaseException) -> str:
    if isinstance(exc, GoImageError):
        return str(exc)
    return f"{image.dockerfile}: {fixture} could not be set up: {describe_outside_error(exc)}"


@pytest.fixture(scope="session")
def goimage(request: pytest.FixtureRequest) -> BuiltImage:
    """A built image (parametrized over the configured images), built once per run."""
    if isinstance(request.param, ConfigError):
        pytest.fail(str(request.param), pytrace=False)
    image: ImageConfig = request.param
    try:
        return goimage_session(request.config).built(image)
    except FIXTURE_ERRORS as exc:
        _fail(_fixture_failure("goimage", image, exc))


@pytest.fixture(scope="session")
def goimage_minio(request: pytest.FixtureRequest, goimage: BuiltImage) -> Iterator[MinioServer]:
    """A fresh MinIO for the image under test, on that image's private network."""
    session = goimage_session(request.config)
    image = session.config.image(goimage.dockerfile)
    try:
        server = session.minio(image)
    except FIXTURE_ERRORS as exc:
        session.release_minio(image)
        _fail(_fixture_failure("goimage_minio", image, exc))
    # Held until pytest tears this fixture down: when the next image's tests start (pytest
    # groups the tests of one parameter together), or at the end of the run.
    session.hold(image)
    yield server
    session.let_go(image)


@pytest.fixture(scope="session")
def goimage_service(
    request: pytest.FixtureRequest, goimage: BuiltImage, goimage_minio: MinioServer
) -> Iterator[RunningService]:
    """The image running beside `goimage_minio`, healthy (health_path answered 2xx)."""
    session = goimage_session(request.config)
    image = session.config.image(goimage.dockerfile)
    try:
        running = session.service(image)
        reason = unhealthy_reason(running, image)
    except FIXTURE_ERRORS as exc:
        reason = _fixture_failure("goimage_service", image, exc)
    if reason:
        # The service goes; its MinIO belongs to goimage_minio, which later tests may use.
        session.release_service(image, with_minio=False)
        _fail(reason)
    yield running
    session.release_service(image, with_minio=False)


@pytest.fixture(scope="session")
def goimage_dependency(
    request: pytest.FixtureRequest, goimage: BuiltImage, goimage_minio: MinioServer
) -> Callable[[str], DependencyServer]:
    """`goimage_dependency("redis")`: that dependency of the image under test, ready on the
    image's network: `host` and `port` as this machine reaches it, `container`, `logs()`."""
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
            return session.dependencies(image)[name]
        except FIXTURE_ERRORS as exc:
            _fail(_fixture_failure("goimage_dependency", image, exc))

    return lookup


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, None, None]:
    """After each item, remove the MinIOs and services that the next one does not use and no
    fixture holds, so a run keeps one image's pair at a time (per xdist worker)."""
    try:
        return (yield)
    finally:
        session = item.config.stash.get(SESSION_KEY, None)
        if session is not None:
            with contextlib.suppress(*FIXTURE_ERRORS):
                session.release_unneeded(runtime_of(nextitem))


def _fail(message: str) -> NoReturn:
    """Fail a fixture with `message` alone: pytest.fail() inside an `except` block would print
    the caught error too, as "During handling of the above exception", repeating it."""
    raise pytest.fail.Exception(message, pytrace=False) from None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """A skipped check is reported at its Dockerfile; under a failed test that used
    `goimage_service`: is the service still up, and its logs. Every report leaves masked."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if isinstance(item, GoImageCheckItem):
        item.report_skip_at_dockerfile(report)
    elif report.failed and call.when == "call":
        _add_service_diagnosis(item, report)
    goconfig = item.config.stash.get(CONFIG_KEY, None)
    secrets = config_secrets(goconfig) if goconfig is not None else frozenset[str]()
    outcome.force_result(masked_report(item.config, report, secrets))


def _add_service_diagnosis(item: pytest.Item, report: pytest.TestReport) -> None:
    running = getattr(item, "funcargs", {}).get("goimage_service")
    if not isinstance(running, RunningService):
        return
    try:
        text = running.diagnosis()
    except FIXTURE_ERRORS as exc:
        text = _fixture_failure("goimage_service", running.image, exc)
    report.sections.append((f"goimage service {running.image.dockerfile}", text))


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    goconfig = config.stash.get(CONFIG_KEY, None)
    if goconfig is None:
        return None
    names = ", ".join(image.dockerfile for image in goconfig.images)
    defaults = (
        [
            f"goimage: {no_table_note(goconfig.source)}: running on the defaults",
            f"goimage: defaults: {defaults_note(goconfig)}",
        ]
        if goconfig.defaults
        else []
    )
    if not config.getoption("goimage"):
        # No run folder yet: a run without --goimage may never touch Docker.
        return [
            f"goimage: {len(goconfig.images)} image(s) configured: {names}; "
            "`pytest --goimage` runs the built-in checks",
            *defaults,
        ]
    return [
        f"goimage: {len(goconfig.images)} image(s): {names}; engine: {engine_address()}",
        *defaults,
        build_logs_line(config),
    ]
